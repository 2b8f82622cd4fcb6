"""Follow-up readings: "then what?", "who else?", "when?" read against what the last answer said."""

from __future__ import annotations

from sahel_bot import Bot


def test_then_what_tells_what_the_brief_tells_next_of_the_subject(bot: Bot) -> None:
    talk = bot.conversation()
    first = talk.ask("what did aqim do just after it was formed?")
    assert "Algerian state targets" in first.text
    # undated: what the brief tells next of AQIM, in the same sentence
    nxt = talk.ask("then what?")
    assert nxt.answered
    assert "Sahel" in nxt.text
    assert "Algerian state targets" not in nxt.text


def test_what_happened_next_after_a_dated_answer_is_the_soonest_dated_after_it(bot: Bot) -> None:
    talk = bot.conversation()
    talk.ask("what did mujao do in 2013?")
    nxt = talk.ask("what happened next?")
    assert "2015" in nxt.text
    talk.ask("and after that?")
    # nothing dated later of MUJAO: said so, not some undated fact
    last = talk.ask("and then?")
    assert not last.answered
