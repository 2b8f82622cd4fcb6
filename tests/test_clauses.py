"""Clauses that say when: a period of years, or a clause dating the question to the year of the fact it
describes (the question itself is the words before it)."""

from __future__ import annotations

from frames import frame_of
from sahel_bot import Bot


def test_a_dating_clause_is_cut_off_the_question_and_gives_its_year(bot: Bot) -> None:
    frame = frame_of(bot, "who led the gspc when it united with al qaeda")
    assert frame.clause == (4, 10)
    assert frame.years == (2006,)
    # Al Qaeda only dates the question: it is not what is asked about
    assert frame.entity_ids == ("gspc",)
    assert "united" not in frame.content


def test_a_clause_the_brief_gives_no_date_for_stays_part_of_the_question(bot: Bot) -> None:
    # the crackdown has no date in the brief: "where did it go when Algeria cracked down" asks of the crackdown
    frame = frame_of(bot, "where did aqim go when algeria cracked down on it")
    assert frame.clause is None
    assert frame.years == ()
    assert "algeria" in frame.entity_ids


def test_a_question_word_opening_the_question_opens_no_clause(bot: Bot) -> None:
    frame = frame_of(bot, "when did mujao merge with al mulathamun")
    assert frame.clause is None
    assert set(frame.entity_ids) == {"mujao", "al_mulathamun"}


def test_since_and_after_clauses_limit_content_but_keep_the_whole_question(bot: Bot) -> None:
    frame = frame_of(bot, "what has aqim done since it moved into the sahel")
    assert frame.clause is None
    assert "moved" not in frame.content
    assert "sahel" in frame.entity_ids


def test_a_period_before_an_event_is_the_years_before_it(bot: Bot) -> None:
    frame = frame_of(bot, "what did aqim do before the 2013 gas plant siege")
    assert frame.period == (0, 2012)


def test_a_clause_opening_the_question_dates_it_from_the_year_of_what_it_describes(bot: Bot) -> None:
    frame = frame_of(bot, "after the french pushed them out of the towns, what kind of warfare did they go back to")
    assert frame.clause == (0, 9)
    assert frame.period == (2013, 9999)
    # France only dates it; what is asked is what followed
    assert "france" not in frame.entity_ids
    assert "returned" in frame.content
    assert "ousting" not in frame.content


def test_an_opening_clause_the_brief_gives_no_date_for_limits_only_the_content(bot: Bot) -> None:
    frame = frame_of(bot, "once aqim moved into the sahel what did it do there")
    assert frame.clause is None
    assert "moved" not in frame.content


def test_a_name_set_in_contrast_is_no_part_of_the_question(bot: Bot) -> None:
    frame = frame_of(bot, "which groups are aligned with the islamic state rather than al qaeda")
    assert frame.entity_ids == ("islamic_state",)
    assert frame.contrast == ((8, 12),)
    assert not {"rather", "al", "qaeda"} & set(frame.content)


def test_a_role_of_two_groups_joined_by_and_names_both_holders(bot: Bot) -> None:
    frame = frame_of(bot, "where are the leaders of ansar al dine and the mlf from")
    assert frame.entity_ids == ("iyad_ag_ghaly", "amadou_koufa")
