"""Summaries over sets of facts: what several entities share, what happened in a period."""

from __future__ import annotations

from sahel_bot import Bot


def test_what_two_groups_have_in_common_names_what_both_facts_name(bot: Bot) -> None:
    reply = bot.ask("which countries have both aqim and al murabitoun attacked?")
    assert reply.answered
    assert "Mali" in reply.text


def test_a_period_lists_what_happened_in_it_in_date_order(bot: Bot) -> None:
    reply = bot.ask("what happened between 2012 and 2013")
    assert reply.answered
    text = reply.text
    assert "2012" in text
    assert "2013" in text
    assert text.index("2012") < text.index("2013")


def test_which_of_them_names_the_members_of_the_set_of_whom_a_fact_says_it(bot: Bot) -> None:
    talk = bot.conversation()
    talk.ask("who are the leaders the brief names?")
    reply = talk.ask("which of them are algerian?")
    assert reply.answered
    for name in ("Droukdel", "Bel Mokhtar", "Hammam"):
        assert name.lower() in reply.text.lower()
    for name in ("Koufa", "Ghaly", "Zawahiri"):
        assert name.lower() not in reply.text.lower()
