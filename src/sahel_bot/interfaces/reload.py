"""Knowledge reloaded in place: on SIGHUP the server loads its knowledge directory again and, if it holds,
answers from it; if not, every problem is logged as ``file:line:col`` and the old knowledge keeps answering.

Conversation contexts live in their store, not in the bot, so they survive a reload.  ``/healthz``
reports the digest of the knowledge being served and when it was loaded.
May import: the public API, anyio and the standard library.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import anyio.to_thread

from ..bot import Bot
from ..config import Settings
from ..errors import KnowledgeErrors
from ..knowledge.loader import default_knowledge_dir, knowledge_files
from .webhook_answers import Answerer, Answers

__all__ = ["KnowledgeSource", "Reloader", "catch_early_sighup", "knowledge_digest"]

log = logging.getLogger("sahel_bot.webhook")

#: a SIGHUP that came before the server could reload (while it was starting): reload once it can
_early_sighup = threading.Event()


def catch_early_sighup() -> None:
    """Remember a SIGHUP received from now on until the server's own handler takes over (instead of dying)."""
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, lambda signum, frame: _early_sighup.set())


def knowledge_digest(root: Path) -> str:
    """Return the SHA-256 of the knowledge files under ``root``: their names and bytes, in load order."""
    digest = hashlib.sha256()
    for path in knowledge_files(root):
        name = path.relative_to(root).as_posix().encode()
        data = path.read_bytes()
        digest.update(b"%d:%s:%d:" % (len(name), name, len(data)))
        digest.update(data)
    return digest.hexdigest()


class KnowledgeSource:
    """The knowledge directory a ``Bot`` was loaded from, and the settings to load it again with."""

    def __init__(self, root: Path, settings: Settings) -> None:
        self.root = root
        self.settings = settings

    @classmethod
    def of(cls, bot: Answerer) -> KnowledgeSource | None:
        """Return the source of ``bot`` when it is a ``Bot`` (a stub has none: nothing to reload)."""
        if not isinstance(bot, Bot):
            return None
        directory = bot.settings.knowledge_dir
        return cls(Path(directory) if directory else default_knowledge_dir(), bot.settings)

    def digest(self) -> str:
        return knowledge_digest(self.root)

    def load(self) -> tuple[Bot, str]:
        """Return a freshly loaded bot and the digest of the files it was loaded from.

        Raises ``KnowledgeErrors`` when the knowledge does not hold.
        """
        for _ in range(3):
            before = self.digest()
            bot = Bot.load(self.root, self.settings)
            after = self.digest()
            if before == after:
                return bot, after
            # A file changed while it was being read (an editor saving, a deploy copying): read again.
        return bot, after


def _iso(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


class Reloader:
    """Reloads ``answers``' bot from ``source``; one reload at a time, a request during one runs after it."""

    def __init__(self, answers: Answers, source: KnowledgeSource | None) -> None:
        self.answers = answers
        self.source = source
        self.digest = source.digest() if source is not None else None
        self.loaded_at = time.time()
        self.last_reload: dict[str, Any] | None = None
        self._task: asyncio.Task[None] | None = None
        self._again = False

    def listen(self) -> None:
        """Reload on SIGHUP from now on (call from the event loop, in the main thread)."""
        if self.source is None or not hasattr(signal, "SIGHUP"):
            return
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.trigger)
        if _early_sighup.is_set():
            _early_sighup.clear()
            self.trigger()

    def trigger(self) -> None:
        """Start a reload now, or right after the one under way (call from the event loop)."""
        if self._task is not None and not self._task.done():
            self._again = True
            return
        self._task = asyncio.get_running_loop().create_task(self._reload_until_current())

    async def _reload_until_current(self) -> None:
        while True:
            self._again = False
            await self.reload()
            if not self._again:
                return

    async def reload(self) -> bool:
        """Load the knowledge again; return whether the new knowledge now answers."""
        if self.source is None:
            log.warning("this server's bot was not loaded from a knowledge directory: nothing to reload")
            return False
        started = time.time()
        log.info("reloading the knowledge from %s", self.source.root)
        try:
            bot, digest = await anyio.to_thread.run_sync(self.source.load)
        except KnowledgeErrors as exc:
            for problem in exc.errors:
                log.error(
                    "%s",
                    problem,
                    extra={"fields": {"file": problem.path, "line": problem.line, "column": problem.column}},
                )
            self._refused(started, [str(p) for p in exc.errors], f"{len(exc.errors)} problem(s) in the knowledge")
            return False
        except Exception as exc:
            log.exception("the knowledge could not be reloaded")
            self._refused(started, [f"{type(exc).__name__}: {exc}"], str(exc))
            return False
        previous = self.digest
        self.answers.swap(bot)
        self.digest, self.loaded_at = digest, time.time()
        self.last_reload = {"at": _iso(started), "ok": True}
        log.info(
            "knowledge reloaded: %s (was %s)",
            digest[:12],
            (previous or "?")[:12],
            extra={"fields": {"digest": digest, "previous": previous, "pid": os.getpid()}},
        )
        return True

    def _refused(self, started: float, problems: list[str], why: str) -> None:
        self.last_reload = {"at": _iso(started), "ok": False, "problems": problems[:50]}
        log.error(
            "knowledge reload refused (%s); still answering from %s, loaded %s",
            why,
            (self.digest or "?")[:12],
            _iso(self.loaded_at),
            extra={"fields": {"digest": self.digest, "pid": os.getpid()}},
        )

    def health(self) -> dict[str, Any] | None:
        """Return what ``/healthz`` says of the knowledge: digest, load time and the last reload's outcome."""
        if self.source is None:
            return None
        out: dict[str, Any] = {"digest": self.digest, "loaded_at": _iso(self.loaded_at)}
        if self.last_reload is not None:
            out["last_reload"] = self.last_reload
        return out
