"""The engine on another brief: tests/data/railway is an original brief on a fictional rail consortium,
with its own entity types, relations (none shares an id with this brief's), intents and FAQ.

The unchanged engine loads it, ``check`` passes, its FAQ passes (known gaps marked xfail, strictly), and
nothing it says - answers, help, greetings, declines - speaks of the AQIM brief.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sahel_bot import Bot
from sahel_bot.evaluation import load_cases, run_case
from sahel_bot.interfaces.cli import main

RAILWAY = Path(__file__).resolve().parent / "data" / "railway"
FAQ = RAILWAY / "faq_railway.yaml"
OTHER_BRIEF = ("AQIM", "Al Qaeda", "MUJAO", "Maghreb", "Sahel", "IF10172", "2017")


@pytest.fixture(scope="module")
def railway() -> Bot:
    return Bot.load(RAILWAY)


def test_check_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--knowledge", str(RAILWAY)]) == 0
    assert "34/34 sentences cited" in capsys.readouterr().out


def test_its_relations_are_its_own(railway: Bot) -> None:
    shipped = set(Bot.load().knowledge.relations)
    assert not shipped & set(railway.knowledge.relations)


@pytest.mark.parametrize("case", load_cases(FAQ), ids=lambda c: c.id)
def test_its_faq(railway: Bot, case) -> None:
    result = run_case(railway, case)
    if case.xfail:
        assert not result.passed, f"{case.id} is marked as a known gap but passes now: remove its xfail"
    else:
        problems = [f"{t.expectation.q!r}: {p}" for t in result.turns for p in t.problems]
        assert result.passed, "\n".join(problems)
    for turn in result.turns:
        for word in OTHER_BRIEF:
            assert word not in turn.reply.text, (turn.expectation.q, turn.reply.text)


@pytest.mark.parametrize("question", ["", "hi", "help", "thanks", "what's the weather?", "who leads aqim?", "?"])
def test_what_it_says_when_not_answering_is_about_its_own_brief(railway: Bot, question: str) -> None:
    reply = railway.ask(question)
    assert not reply.answered
    for word in OTHER_BRIEF:
        assert word not in reply.text, reply.text
