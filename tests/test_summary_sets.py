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
