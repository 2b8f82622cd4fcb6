"""The prepare stage: a turn's words, with typos mended, tags that ask nothing dropped, names found."""

from __future__ import annotations

from sahel_bot import Bot
from sahel_bot.prepare import prepare


def test_a_tag_after_a_yes_or_no_question_is_dropped(bot: Bot) -> None:
    model = bot._engine.model
    turn = prepare(model, "Was MUJAO part of Al Murabitoun, yes or no?")
    # the longest tag first: "yes or no", not "or no" leaving a stray "yes"
    assert turn.tokens == ("was", "mujao", "part", "of", "al", "murabitoun")
    assert prepare(model, "is bel mokhtar dead or not").tokens == ("is", "bel", "mokhtar", "dead")
    # a short question keeps its words: "or not" is then what is asked about
    assert prepare(model, "why or not").tokens == ("why", "or", "not")


def test_a_name_at_the_end_is_never_taken_for_a_tag(bot: Bot) -> None:
    model = bot._engine.model
    turn = prepare(model, "who leads aqim")
    assert [m.entity for m in turn.names] == ["aqim"]


def test_a_preamble_naming_the_topic_takes_the_place_of_the_pronoun(bot: Bot) -> None:
    model = bot._engine.model
    turn = prepare(model, "going back to ag ghaly, which region is he from?")
    assert turn.tokens == ("which", "region", "is", "ag", "ghaly", "from")
    assert [m.entity for m in turn.names] == ["iyad_ag_ghaly"]
    # no pronoun: the name ends the question
    assert prepare(model, "as for the mlf, who leads").tokens[:2] == ("who", "leads")


def test_a_word_sharpening_a_time_is_dropped(bot: Bot) -> None:
    model = bot._engine.model
    assert prepare(model, "what did aqim do right after it was formed").tokens[3:5] == ("do", "after")


def test_a_described_topic_up_to_a_comma_takes_the_place_of_the_pronoun(bot: Bot) -> None:
    model = bot._engine.model
    turn = prepare(model, "going back to the Malian leader, which region is he from?")
    assert turn.tokens == ("which", "region", "is", "the", "malian", "leader", "from")
