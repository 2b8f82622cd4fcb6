from __future__ import annotations

import pytest

from sahel_bot.question import analyse, stem


@pytest.mark.parametrize(
    ("text", "kind", "yesno"),
    [
        ("who leads aqim", "who", False),
        ("when was aqim formed", "when", False),
        ("in what year was it designated", "when", False),
        ("how many fighters does aqim have", "how_many", False),
        ("where does mujao operate", "where", False),
        ("why did they merge", "why", False),
        ("what does mujao stand for", "meaning", False),
        ("what was the name of the hotel", "name", False),
        ("which groups operate in mali", "which", False),
        ("is belmokhtar dead", "yesno", True),
        ("did is gs attack morocco", "yesno", True),
        ("how does aqim make money", "how", False),
        ("tell me about mujao", "what", False),
    ],
)
def test_answer_type(text: str, kind: str, yesno: bool) -> None:
    question = analyse(text, text.split(), [])
    assert question.answer_type == kind
    assert question.is_yesno is yesno


def test_content_words_skip_stopwords_years_and_months() -> None:
    question = analyse("x", "what happened in feb 2017 to the hostages".split(), [])
    assert question.content == ("hostages",)
    assert question.years == (2017,)
    assert question.months == ("feb",)


def test_stem_meets_word_forms() -> None:
    assert stem("leads") == stem("leader") == stem("led") == "lead"
    assert stem("funded") == stem("funding") == stem("money") == "fund"
    assert stem("attacks") == stem("attacked") == "attack"
    assert stem("dead") == stem("death") == stem("died") == "die"
