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
