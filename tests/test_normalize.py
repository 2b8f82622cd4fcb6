from __future__ import annotations

import pytest

from sahel_bot.normalize import MAX_QUESTION_CHARS, fold, normalize, tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("AQIM\u2019s allure", "aqim allure"),
        ("C\u00f4te d\u2019Ivoire", "cote divoire"),
        ("Cote d'Ivoire", "cote divoire"),
        ("Jama\u2019at Nusrat", "jamaat nusrat"),
        ("IS-GS", "is gs"),
        ("U.S.-designated", "us designated"),
        ("The U.S government", "the us government"),
        ("groups\u2019 respective", "groups respective"),
        ("who's in charge?", "who in charge"),
        ("  Belmokhtar\t\n dead?? ", "belmokhtar dead"),
        ("partners\u2014although", "partners although"),
        ("", ""),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_normalize_caps_length() -> None:
    assert len(normalize("a " * 10_000)) <= MAX_QUESTION_CHARS


def test_fold_keeps_punctuation_but_folds_accents_and_quotes() -> None:
    assert fold("C\u00f4te d\u2019Ivoire \u201cX\u201d") == 'cote d\'ivoire "x"'


def test_tokens() -> None:
    assert tokens("Who leads Ansar al-Din?") == ["who", "leads", "ansar", "al", "din"]
