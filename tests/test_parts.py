"""Questions in several parts: where a turn is split, and where it is not."""

from __future__ import annotations

import pytest

from sahel_bot import Bot
from sahel_bot.parts import split_parts


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("who leads aqim and who leads its sahel branch", ["who leads aqim", "who leads its sahel branch"]),
        ("Who heads the MLF, and what is his ethnicity?", ["Who heads the MLF", "what is his ethnicity?"]),
        ("where and when did the siege happen", ["where and when did the siege happen"]),
        (
            "what did France do in 2013, and then again in 2016?",
            ["what did France do in 2013, and then again in 2016?"],
        ),
        ("did IS-GS attack Burkina Faso", ["did IS-GS attack Burkina Faso"]),
    ],
)
def test_split_parts(bot: Bot, text: str, parts: list[str]) -> None:
    assert split_parts(bot._engine.model.lang, text) == parts


def test_a_first_part_not_answered_is_not_followed_by_a_question_back(bot: Bot) -> None:
    # "is it ..." points at the first part's subject, which the brief does not cover: one decline
    reply = bot.ask("what is hamas and is it active in gaza")
    assert reply.outcome == "decline"
    assert "Hamas" in reply.text
    assert "mean" not in reply.text


def test_the_as_of_date_is_said_once_after_all_parts(bot: Bot) -> None:
    reply = bot.ask("where is droukdel reportedly based, and who does he lead?")
    assert reply.text.count("As of the brief") == 1
    assert reply.text.rstrip().endswith(")")
