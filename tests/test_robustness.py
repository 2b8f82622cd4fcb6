"""Any input gets a reply, never an exception, and in bounded work."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sahel_bot import Bot, Reply

NASTY = [
    "",
    "   ",
    "\n\t",
    "?" * 50,
    "a" * 10_000,
    "who leads aqim " * 500,
    "\U0001f600\U0001f4a3\U0001f525 who leads aqim \U0001f914",
    "\u0645\u0646 \u064a\u0642\u0648\u062f \u0627\u0644\u0642\u0627\u0639\u062f\u0629\u061f",
    "\u05de\u05d9 \u05de\u05d5\u05d1\u05d9\u05dc",
    "\x00\x01\x02 who\x07 leads\x1b[31m aqim",
    "'; DROP TABLE facts; --",
    "<script>alert('x')</script>",
    "{{7*7}} ${7*7} {group} %s %(x)s",
    "((((((((((((((((((((a",
    "[[[[[[[[[[",
    "\ud800",
    "who leads " + "(" * 1000,
]


@pytest.mark.parametrize("text", NASTY)
def test_nasty_input_gets_a_reply(bot: Bot, text: str) -> None:
    reply = bot.ask(text)
    assert isinstance(reply, Reply)
    assert isinstance(reply.text, str)
    assert reply.text
    assert 0.0 <= reply.confidence <= 1.0
    assert "internal error" not in reply.explanation.reason


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_random_unicode_never_raises(bot: Bot, text: str) -> None:
    reply = bot.ask(text)
    assert isinstance(reply, Reply)
    assert 0.0 <= reply.confidence <= 1.0
    assert "internal error" not in reply.explanation.reason
    conversation = bot.conversation()
    conversation.ask(text)
    assert isinstance(conversation.ask(text), Reply)
