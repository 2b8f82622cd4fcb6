"""The frame stage: the answer type, the content words and the constraints read once from the words."""

from __future__ import annotations

import pytest

from frames import frame_of
from sahel_bot import Bot
from sahel_bot.frame import answer_type


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
        ("who was its leader when it pledged allegiance", "who", False),
    ],
)
def test_answer_type(bot: Bot, text: str, kind: str, yesno: bool) -> None:
    assert answer_type(bot._engine.model, text.split()) == (kind, yesno)


def test_content_words_skip_stopwords_names_years_and_months(bot: Bot) -> None:
    frame = frame_of(bot, "what happened to AQIM's hostages in feb 2017")
    assert frame.content == ("hostages",)
    assert frame.years == (2017,)
    assert frame.entity_ids == ("aqim",)


def test_a_kind_noun_says_what_the_answer_names_and_is_no_content_word(bot: Bot) -> None:
    frame = frame_of(bot, "which countries does aqim operate in")
    assert "country" in frame.wanted
    assert "countries" not in frame.content
    # a name between the question word and the noun says where, the noun what kind
    frame = frame_of(bot, "in which malian city was the attack")
    assert frame.wanted == ("place",)


def test_a_period_is_a_constraint_not_a_subject(bot: Bot) -> None:
    frame = frame_of(bot, "what did aqim do before 2013")
    assert frame.period == (0, 2012)
    assert frame.years == ()


def test_a_year_after_the_brief_is_marked(bot: Bot) -> None:
    assert frame_of(bot, "who led aqim in 2020").after_brief == "in 2020"
    assert frame_of(bot, "who led aqim in 2015").after_brief == ""


def test_present_tense_and_exact_figures_are_read_once(bot: Bot) -> None:
    frame = frame_of(bot, "exactly how many fighters does aqim have now")
    assert frame.present
    assert frame.exact


@pytest.mark.parametrize(
    ("text", "succession"),
    [
        ("who succeeded droukdel", True),
        ("who took over the group after belmokhtar", True),
        ("who ran the sahel branch prior to abu el hammam", True),
        ("who is droukdel's replacement", True),
        ("who was aqim's predecessor", False),  # a group: what it grew from
        ("who leads aqim", False),
        ("what did belmokhtar do after 2013", False),
        ("who did aqim attack after the french intervention", False),
    ],
)
def test_succession_is_asked_of_a_person_named_after_a_link_or_with_a_succession_word(
    bot: Bot, text: str, succession: bool
) -> None:
    assert frame_of(bot, text).succession is succession


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        ("how many hostages were taken at the bamako hotel", ("hostages",)),
        ("how many of the hostages were foreigners", ("hostages",)),
        ("how many AQIM fighters are there", ("fighters",)),
        ("what was the death toll and the number of hostages", ()),  # a second part: not what is counted
        ("who leads aqim", ()),
    ],
)
def test_counted_words_follow_the_how_many_cue(bot: Bot, text: str, counted: tuple[str, ...]) -> None:
    assert frame_of(bot, text).counted == counted


def test_how_many_groups_is_which_groups_counted(bot: Bot) -> None:
    frame = frame_of(bot, "how many groups merged to form jnim")
    assert (frame.answer_type, frame.tally, frame.counted) == ("which", True, ())
    assert "group" in frame.wanted
    # people are counted by the brief, not listed by name
    people = frame_of(bot, "how many people were taken hostage at the gas plant")
    assert (people.answer_type, people.tally) == ("how_many", False)
