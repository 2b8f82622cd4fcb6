"""Helpers for the stage tests: a question's frame, and its best reading, built as the engine builds them."""

from __future__ import annotations

from sahel_bot import Bot, Context
from sahel_bot.frame import Frame, build_frame
from sahel_bot.linking import Mentions, link
from sahel_bot.prepare import prepare
from sahel_bot.reading import Reading
from sahel_bot.readings import read


def _framed(bot: Bot, text: str, context: Context) -> tuple[Frame, Mentions]:
    model = bot._engine.model
    turn = prepare(model, text)
    mentions = link(model, turn.text, turn.tokens, turn.names, context)
    return build_frame(model, turn.text, mentions, context, mentions.follow_intent)[0], mentions


def frame_of(bot: Bot, text: str, context: Context | None = None) -> Frame:
    """The frame of ``text`` (in ``context``, empty by default)."""
    return _framed(bot, text, context or Context())[0]


def read_best(bot: Bot, text: str) -> tuple[Frame, Reading]:
    """The frame of ``text`` and its best reading, with no conversation before it."""
    frame, mentions = _framed(bot, text, Context())
    best = read(bot._engine.model, frame, mentions, Context()).best
    assert best is not None
    return frame, best
