"""Questions of two descriptions at once: found, split into two questions, and answered by what both name."""

from __future__ import annotations

from sahel_bot import Bot
from sahel_bot.intersection import find_intersection
from sahel_bot.prepare import prepare


def tokens(bot: Bot, text: str) -> tuple[str, ...]:
    return prepare(bot._engine.model, text).tokens


def test_two_descriptions_joined_by_and_are_two_questions(bot: Bot) -> None:
    model = bot._engine.model
    found = find_intersection(
        model, tokens(bot, "which group both helped seize northern mali and later merged into al murabitoun")
    )
    assert found is not None
    assert found.first == "which group helped seize northern mali"
    # "later" orders the descriptions; it asks nothing
    assert found.second == "which group merged into al murabitoun"
    assert "group" in found.kinds


def test_a_list_of_names_is_no_second_description(bot: Bot) -> None:
    model = bot._engine.model
    assert find_intersection(model, tokens(bot, "which groups have attacked mali and niger")) is None
    assert find_intersection(model, tokens(bot, "which groups in mali and niger are linked to aqim")) is None
    # a bare "and" joins nouns far more often than descriptions: only "both", "later" or an auxiliary says so
    assert find_intersection(model, tokens(bot, "who claimed the 2015 hotel and restaurant attacks")) is None
    marked = find_intersection(
        model, tokens(bot, "which group claimed attacks in burkina faso and may be active in mali")
    )
    assert marked is not None


def test_the_answer_is_what_both_descriptions_name(bot: Bot) -> None:
    reply = bot.ask("which group both helped take over northern mali and later merged with al mulathamun")
    assert reply.answered
    assert reply.text.startswith("MUJAO.")
    # both hops are cited
    assert len(reply.citations) >= 2
