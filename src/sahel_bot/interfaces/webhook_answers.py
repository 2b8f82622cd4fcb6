"""Answering for the webhook: the answer cache, background answer jobs with a time budget, and the
conversation contexts and seen event ids the routes share.

The bot is pure (question and context in, reply and new context out), so answers are cached exactly and
computed on a small thread pool; a route waits for its job at most its budget, then delivers late.
May import: the public API and the standard library.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

from ..about import About
from ..context import Context
from ..misses import MissLog
from ..reply import Reply
from .store import KeyValueStore, TTLStore
from .webhook_config import WebhookSettings

__all__ = ["BUSY", "LOOKING", "SORRY", "AnswerCache", "Answerer", "Answers", "Asked", "Job"]

log = logging.getLogger("sahel_bot.webhook")

SORRY = "Sorry, something went wrong while answering. Please try again."
BUSY = "Sorry, I'm busy right now. Please try again in a minute."
LOOKING = "Looking that up…"
#: queued background answers per thread before new work is turned away
MAX_PENDING_PER_THREAD = 64
_EMPTY = Context()


class Answerer(Protocol):
    """What the app needs from the bot: the pure form of ``Bot.ask`` and what the brief is (``sahel_bot.Bot``
    is one)."""

    @property
    def about(self) -> About: ...

    def answer(self, question: str, context: Context) -> tuple[Reply, Context]: ...


class AnswerCache:
    """A thread-safe LRU of ``(question, context) -> (reply, new context)``; the bot is pure, so this is exact."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.lock = threading.Lock()
        self._items: OrderedDict[tuple[str, Context], tuple[Reply, Context]] = OrderedDict()

    def get(self, key: tuple[str, Context]) -> tuple[Reply, Context] | None:
        if self.size == 0:
            return None
        with self.lock:
            try:
                item = self._items.pop(key)
            except (KeyError, TypeError):
                return None
            self._items[key] = item
            return item

    def put(self, key: tuple[str, Context], value: tuple[Reply, Context]) -> None:
        if self.size == 0:
            return
        with self.lock:
            try:
                self._items[key] = value
            except TypeError:  # an unhashable context from a custom answerer: just do not cache
                return
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class Job:
    """One answer computed on a background thread.

    With ``waited``, a request handler will ``wait`` for it: if the answer is ready in time the handler
    replies with it; otherwise (and always without ``waited``) ``late`` delivers it, from the worker thread.
    """

    def __init__(
        self, compute: Callable[[], Reply | None], late: Callable[[Reply | None], None] | None, waited: bool = True
    ) -> None:
        self._compute = compute
        self._late = late
        self._lock = threading.Lock()
        self._state = "waited" if waited else "deferred"  # then "done"; "waited" becomes "deferred" on timeout
        self._wake: Callable[[], None] | None = None
        self.reply: Reply | None = None
        #: the conversation's context after this answer (set by jobs that continue a conversation)
        self.context: Context | None = None

    def run(self) -> None:
        try:
            reply: Reply | None = self._compute()
        except Exception:
            log.exception("the bot failed to answer")
            reply = None
        with self._lock:
            self.reply = reply
            late = self._state != "waited"
            self._state = "done"
            wake = self._wake
        if wake is not None:
            wake()
        if late and self._late is not None:
            try:
                self._late(reply)
            except Exception:
                log.exception("could not deliver an answer in the background")

    async def wait(self, timeout: float | None) -> bool:
        """Wait up to ``timeout`` seconds; return True when the answer is ready, else hand it over to ``late``."""
        loop = asyncio.get_running_loop()
        ready = asyncio.Event()

        def wake() -> None:
            try:
                loop.call_soon_threadsafe(ready.set)
            except RuntimeError:  # the event loop is gone: nobody is waiting any more
                pass

        with self._lock:
            if self._state == "done":
                return True
            self._wake = wake
        try:
            await asyncio.wait_for(ready.wait(), timeout)
        except TimeoutError:
            pass
        with self._lock:
            if self._state == "done":
                return True
            self._state = "deferred"
            return False


@dataclass(frozen=True, slots=True)
class Asked:
    """A question pulled out of a request: the text, whose conversation it continues, and who asked."""

    question: str
    key: Hashable | None
    user: str = ""


class Answers:
    """The bot behind a cache and a thread pool, with the stores of conversation contexts and seen events."""

    def __init__(
        self,
        bot: Answerer,
        settings: WebhookSettings,
        contexts: KeyValueStore | None,
        seen_events: KeyValueStore | None,
        misses: MissLog | None,
    ) -> None:
        self.settings = settings
        # The bot and the cache of its answers, swapped together when the knowledge is reloaded: a job
        # that started before a swap finishes with the old pair and never fills the new cache.
        self._engine = (bot, AnswerCache(settings.answer_cache))
        self.misses = misses if misses is not None else MissLog.from_env(interface="webhook")
        self.contexts = contexts if contexts is not None else TTLStore(settings.context_ttl, 10_000)
        self.seen_events = seen_events if seen_events is not None else TTLStore(settings.event_ttl, 100_000)
        # A store across the network (Redis) is asynchronous, run by the event loop; an in-process one is a
        # plain mapping, microseconds a call.
        self._shared_contexts = inspect.iscoroutinefunction(getattr(self.contexts, "get", None))
        self._shared_events = inspect.iscoroutinefunction(getattr(self.seen_events, "add", None))
        self._pool: ThreadPoolExecutor | None = None
        self._pending = 0
        self._pending_lock = threading.Lock()
        self.max_pending = settings.background_threads * MAX_PENDING_PER_THREAD

    @property
    def bot(self) -> Answerer:
        return self._engine[0]

    @property
    def cache(self) -> AnswerCache:
        return self._engine[1]

    def swap(self, bot: Answerer) -> None:
        """Answer from ``bot`` from now on (a reloaded knowledge), with an empty answer cache."""
        self._engine = (bot, AnswerCache(self.settings.answer_cache))

    async def context_of(self, key: Hashable | None) -> Context:
        """Return the context of the conversation ``key`` (an empty one for none)."""
        if key is None:
            return _EMPTY
        found = (await self.contexts.get(key)) if self._shared_contexts else self.contexts.get(key)
        return found if isinstance(found, Context) else _EMPTY

    def cached(self, asked: Asked) -> Reply | None:
        """Return the cached reply to a single question (no conversation), or ``None``: no I/O, microseconds."""
        assert asked.key is None
        hit = self.cache.get((asked.question, _EMPTY))
        if hit is None:
            return None
        self._record(hit[0], asked)
        return hit[0]

    def compute(self, asked: Asked, context: Context) -> tuple[Reply, Context]:
        """Return the reply to ``asked`` in ``context`` and the conversation's new context (the bot may raise).

        Runs on a background thread; the answer goes into the cache and the miss log.
        """
        bot, cache = self._engine
        cache_key = (asked.question, context)
        result = cache.get(cache_key)
        if result is None:
            try:
                result = bot.answer(asked.question, context)
            except Exception:
                if context == _EMPTY:
                    raise
                # A context written by other knowledge (before a reload, or by another host) may name what
                # this knowledge no longer has: answer afresh rather than not at all.
                log.exception("the bot failed on a conversation's context; answering without it")
                cache_key = (asked.question, _EMPTY)
                result = bot.answer(asked.question, _EMPTY)
            cache.put(cache_key, result)
        self._record(result[0], asked)
        return result

    def _record(self, reply: Reply, asked: Asked) -> None:
        try:
            self.misses.record(reply, user=asked.user or None)  # declines and unsure answers; the id is hashed
        except Exception:
            log.exception("could not write the miss log")

    async def remember(self, key: Hashable | None, context: Context) -> None:
        """Store the conversation's new context (on the event loop)."""
        if key is None:
            return
        if self._shared_contexts:
            await self.contexts.set(key, context)
        else:
            self.contexts.set(key, context)

    def remember_blocking(self, key: Hashable | None, context: Context) -> None:
        """Store the conversation's new context from a background thread; return once it is stored."""
        if key is None:
            return
        if self._shared_contexts:
            self.contexts.set_blocking(key, context)
        else:
            self.contexts.set(key, context)

    async def job(self, asked: Asked, late: Callable[[Reply | None], None] | None, waited: bool = True) -> Job:
        """Return the job answering ``asked`` (its conversation's context read now, on the event loop).

        The new context is stored before the reply is delivered, so a follow-up that reaches another
        worker finds it: by the waiting handler (``answer``), or by the job's thread when it delivers late.
        """
        context = await self.context_of(asked.key)
        job: Job

        def compute() -> Reply:
            reply, job.context = self.compute(asked, context)
            return reply

        def deliver_late(reply: Reply | None) -> None:
            if reply is not None and job.context is not None:
                self.remember_blocking(asked.key, job.context)
            if late is not None:
                late(reply)

        job = Job(compute, deliver_late, waited)
        return job

    def submit(self, job: Job) -> bool:
        """Queue ``job`` on the background threads; return False (and drop it) when too much is queued."""
        with self._pending_lock:
            if self._pending >= self.max_pending:
                return False
            self._pending += 1
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.settings.background_threads, "sahel-bot-answer")
            pool = self._pool

        def run() -> None:
            try:
                job.run()
            finally:
                with self._pending_lock:
                    self._pending -= 1

        pool.submit(run)
        return True

    def close(self) -> None:
        """Wait for queued answers to be computed and delivered, then stop the background threads."""
        with self._pending_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)
        self.misses.close()

    async def answer(
        self, asked: Asked, budget: float | None, late: Callable[[Reply | None], None] | None = None
    ) -> tuple[str, Reply | None]:
        """Return ``("answer", reply)``, ``("failed", None)``, ``("busy", None)`` or ``("late", None)``.

        A cached answer is returned at once; otherwise the bot runs on a background thread and the handler
        waits at most ``budget`` seconds (``None``: until done), after which ``late`` gets the answer.
        """
        # A cached single question costs microseconds: no thread hop for it.
        if asked.key is None:
            reply = self.cached(asked)
            if reply is not None:
                return "answer", reply
        job = await self.job(asked, late)
        if not self.submit(job):
            return "busy", None
        if not await job.wait(budget):
            return "late", None
        if job.reply is None:
            return "failed", None
        if job.context is not None:
            await self.remember(asked.key, job.context)
        return "answer", job.reply

    async def first_delivery(self, event_id: str) -> bool:
        """Record an Events API ``event_id``; return True when no delivery of it was recorded before."""
        if self._shared_events:
            return bool(await self.seen_events.add(event_id))
        return bool(self.seen_events.add(event_id))

    async def forget_delivery(self, event_id: str) -> None:
        """Forget ``event_id``, so Slack's retry of an event that could not be taken is answered."""
        if self._shared_events:
            await self.seen_events.discard(event_id)
        else:
            self.seen_events.discard(event_id)

    @property
    def about(self) -> About:
        """What the served brief is: the source of every usage text and citation label."""
        return self.bot.about

    def usage(self, command: str | None = None) -> str:
        """Return what the bot answers about and an example question (as ``command QUESTION`` for a slash command)."""
        about = self.bot.about
        if command is not None:
            if about.examples:
                return f"{about.intro} Try `{command} {about.examples[0]}`"
            return f"{about.intro} Try `{command}` followed by a question."
        examples = about.example_text()
        return f"{about.intro} Ask me, for example: {examples}" if examples else f"{about.intro} Ask me a question."

    def cut(self, question: str) -> str | None:
        """Return a polite refusal when ``question`` is over the length cap, else ``None``."""
        limit = self.settings.max_question_chars
        if len(question) > limit:
            return (
                f"Sorry, that question is too long for me ({len(question)} characters). "
                f"Please ask in at most {limit} characters."
            )
        return None
