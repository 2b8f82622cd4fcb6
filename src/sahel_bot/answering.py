"""Placeholder while the engine is written."""

from __future__ import annotations

from .config import Settings
from .context import Context
from .knowledge.schema import Knowledge
from .reply import DECLINE, Reply


class Engine:
    def __init__(self, knowledge: Knowledge, settings: Settings) -> None:
        self.knowledge = knowledge
        self.settings = settings

    def answer(self, question: str, context: Context) -> tuple[Reply, Context]:
        return Reply(question=question, answered=False, text="I can't answer yet.", outcome=DECLINE), context
