"""Descriptions answered in two hops: "who leads the group that X broke away from?"."""

from __future__ import annotations

import pytest

from sahel_bot import Bot
from sahel_bot.nested import find_description
from sahel_bot.prepare import prepare


def described(bot: Bot, text: str):
    model = bot._engine.model
    return find_description(model, prepare(model, text).tokens)


@pytest.mark.parametrize(
    ("text", "inner"),
    [
        (
            "who leads the group that abu walid al sahrawi broke away from",
            "which group abu walid al sahrawi broke away from",
        ),
        (
            "what ethnicity is the leader of the group un investigators call a front for aqim",
            "which group un investigators call a front for aqim",
        ),
        # the question's own verb comes after the clause
        ("when was the group that koufa leads founded", "which group koufa leads"),
    ],
)
def test_a_description_is_asked_as_a_question_of_its_own(bot: Bot, text: str, inner: str) -> None:
    found = described(bot, text)
    assert found is not None
    assert found.inner == inner


@pytest.mark.parametrize(
    "text",
    [
        "did the islamists impose islamic law in northern mali",  # the description is the subject
        "who leads the group in mali",  # a phrase, not a clause
        "who is in charge of each of the groups that make up jnim",  # the question of each member
        "who leads aqim",
    ],
)
def test_no_description(bot: Bot, text: str) -> None:
    assert described(bot, text) is None


def test_two_hops_are_both_answered_and_cited(bot: Bot) -> None:
    reply = bot.ask("who is the leader of the faction that al sahrawi split from")
    assert reply.answered
    assert "Murabitoun" in reply.text
    assert "Mokhtar" in reply.text
    sections = {c.section for c in reply.citations}
    assert "Leadership" in sections
    assert len(sections) >= 2


def test_a_role_noun_heads_a_description_and_a_stranded_preposition_ends_its_clause(bot: Bot) -> None:
    found = described(bot, "where is the leader to whom ag ghaly pledged allegiance based")
    assert found is not None
    assert found.inner == "which leader ag ghaly pledged allegiance to"
    assert "person" in found.kinds


def test_a_name_before_the_noun_is_what_the_described_thing_is_part_of(bot: Bot) -> None:
    found = described(bot, "who commands the aqim branch that took part in the 2017 merger")
    assert found is not None
    assert found.owner == ("aqim",)
    assert found.inner == "which branch of aqim took part in the 2017 merger"


def test_a_persons_group_in_the_clause_is_the_group_he_leads(bot: Bot) -> None:
    model = bot._engine.model
    text = "who leads the coalition that amadou koufa's group joined in 2017"
    found = find_description(model, prepare(model, text).tokens, text)
    assert found is not None
    assert found.named == ("mlf",)
    assert "koufa's group" in found.inner
