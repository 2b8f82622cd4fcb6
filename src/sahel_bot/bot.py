"""The front door: a loaded ``Bot`` that answers questions, and ``Conversation`` for follow-ups.

Every interface (CLI, REPL, webhook, pytest plugin) uses only this API.
May import: every core module, never ``interfaces``.
"""

from __future__ import annotations

import functools
import gc
from pathlib import Path

from .about import About
from .cache import knowledge_digest, load_cached, store_cached
from .config import Settings
from .context import Context
from .knowledge.paths import default_knowledge_dir
from .knowledge.schema import Knowledge
from .pipeline import Engine
from .reply import Reply

__all__ = ["Bot", "Conversation"]


class Bot:
    """A question-answering bot over one validated knowledge directory.

    Build it with :meth:`Bot.load`; it is immutable afterwards and safe to share
    between threads and conversations.
    """

    def __init__(self, knowledge: Knowledge, settings: Settings | None = None, engine: Engine | None = None) -> None:
        self.knowledge = knowledge
        self.settings = settings or Settings()
        self._engine = engine if engine is not None else Engine(knowledge, self.settings)

    @classmethod
    def load(cls, knowledge_dir: str | Path | None = None, settings: Settings | None = None) -> Bot:
        """Return a bot over ``knowledge_dir`` (default: the shipped knowledge).

        Raises ``KnowledgeErrors`` (every problem, ``file:line:col``) when the knowledge does not hold.
        """
        settings = settings or Settings()
        directory = knowledge_dir if knowledge_dir is not None else settings.knowledge_dir
        root = Path(directory) if directory is not None else default_knowledge_dir()
        key = None
        if root.is_dir():
            key = knowledge_digest(root, repr(settings))
            engine = load_cached(key)
            if isinstance(engine, Engine):
                return cls._ready(engine, settings)
        from .knowledge.loader import load_knowledge  # the YAML loader: only when the cache cannot serve

        engine = Engine(load_knowledge(root), settings)
        if key is not None:
            store_cached(key, engine)
        return cls._ready(engine, settings)

    @classmethod
    def _ready(cls, engine: Engine, settings: Settings) -> Bot:
        # The knowledge lives as long as the process: moving it out of the garbage collector's
        # view keeps full collections (and so the slowest answers) short.  Everything just loaded is
        # alive, so there is nothing to collect first.
        gc.freeze()
        return cls(engine.knowledge, settings, engine)

    def ask(self, question: str) -> Reply:
        """Return the reply to ``question`` asked on its own (no conversation).

        Parameters
        ----------
        question:
            Any text.  It is never an error: empty, huge or binary-looking input
            gets a polite decline.
        """
        return self._ask_alone(question)

    @functools.lru_cache(maxsize=1024)  # noqa: B019 - the bot is immutable and lives as long as its cache
    def _ask_alone(self, question: str) -> Reply:
        # questions asked on their own have no state: the same text always gets the same reply
        reply, _ = self._engine.answer(question, Context())
        return reply

    def answer(self, question: str, context: Context) -> tuple[Reply, Context]:
        """Return the reply and the new context: the pure form :class:`Conversation` is built on."""
        return self._engine.answer(question, context)

    def conversation(self) -> Conversation:
        """Return a new conversation, so follow-ups ("where is he from?") use earlier turns."""
        return Conversation(self)

    @functools.cached_property
    def about(self) -> About:
        """Return what the loaded brief is and covers (title, date, scope, example questions)."""
        return About.from_brief(self.knowledge.brief)

    @property
    def title(self) -> str:
        return self.knowledge.brief.title

    @property
    def fact_count(self) -> int:
        return len(self.knowledge.facts)


class Conversation:
    """One person's run of questions; remembers the subject and intent for a few turns."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.context = Context()
        self.last: Reply | None = None

    def ask(self, question: str) -> Reply:
        """Return the reply to ``question`` as the next turn of this conversation."""
        reply, self.context = self.bot.answer(question, self.context)
        self.last = reply
        return reply

    def reset(self) -> None:
        """Forget every earlier turn."""
        self.context = Context()
        self.last = None

    @property
    def subject(self) -> str | None:
        """Return the display name of the current subject, or ``None`` when there is none."""
        return self.context.subject_name
