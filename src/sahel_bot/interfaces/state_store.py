"""Shared state on Redis (or Valkey): seen Events API ids and conversation contexts, agreed on by every
worker and host that points at the same server.

Commands run on the server's event loop (redis.asyncio): the commands of all requests in flight go out
together, one pipeline at a time on one connection (a group commit), so a request pays a share of a round
trip instead of a round trip per command, and no thread ever blocks on the network.

A failing store never fails a request.  Each store also keeps an in-process copy, which answers while
Redis is unreachable (de-duplication and contexts then hold per process, as without Redis); after a
failure the server is left alone for a second, then tried again, so an outage costs no request more than
a short timeout, and sharing resumes by itself.  A warning is logged at most once a minute.
May import: the public API, redis and the standard library.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import threading
import time
import urllib.parse
from collections.abc import Callable, Hashable
from typing import Any

import redis.asyncio as aredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from ..context import Context
from ..state_codec import dump, load
from .store import TTLStore
from .webhook_config import MAX_STATE_TIMEOUT, WebhookSettings, redact_url

__all__ = ["RedisContexts", "RedisEvents", "RedisState", "shared_stores"]

log = logging.getLogger("sahel_bot.webhook")

#: connect and command timeouts (seconds) unless the URL asks for less (or up to MAX_STATE_TIMEOUT)
DEFAULT_TIMEOUT = 0.25
#: seconds the server is left alone after a failure before it is tried again
RETRY_AFTER = 1.0
#: at most one warning about the store per this many seconds
WARN_EVERY = 60.0
#: a conversation context larger than this (bytes, encoded) is kept in process only
MAX_CONTEXT_BYTES = 16 * 1024
PREFIX = "sahel-bot:"

_Waiter = tuple[tuple[Any, ...], "asyncio.Future[tuple[bool, Any]]"]


class RedisState:
    """One connection to Redis for the stores built on it, with what is known of its health.

    ``execute`` (on the event loop) queues a command and returns ``(True, reply)``, or ``(False, None)``
    when the server failed or is being left alone after a failure; it never raises.  ``execute_blocking``
    does the same from another thread.
    """

    def __init__(self, url: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.url = redact_url(url)
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
        self._timeout = float(query.get("socket_timeout", [DEFAULT_TIMEOUT])[0])
        self._connect_url = url
        self._options: dict[str, Any] = {
            # A command fails fast and is tried once more on a fresh connection (a restarted server drops
            # the old one); redis-py's own default retries ten times with backoff, far past Slack's 3 s.
            "retry": Retry(NoBackoff(), 1),
            "client_name": "sahel-bot",
            "single_connection_client": True,
        }
        for key in ("socket_timeout", "socket_connect_timeout"):
            if key not in query:
                self._options[key] = DEFAULT_TIMEOUT
        self._client: aredis.Redis | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: list[_Waiter] = []
        self._flushing = False
        self._tasks: set[asyncio.Task[None]] = set()  # held, so the loop does not drop them half-way
        self._clock = clock
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._last_warning: float | None = None
        self._error: str | None = None
        self._since: float | None = None  # wall-clock time of the first failure of this outage

    # -- commands -------------------------------------------------------------------

    async def execute(self, *command: Any) -> tuple[bool, Any]:
        """Run ``command`` (``"GET", key``...) in the next pipeline; return ``(ok, reply)``."""
        if not self.available():
            return False, None
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # a client belongs to the loop it was made in
            self._loop, self._client, self._queue, self._flushing = loop, None, [], False
        future: asyncio.Future[tuple[bool, Any]] = loop.create_future()
        self._queue.append((command, future))
        if not self._flushing:
            self._flushing = True
            self._spawn(loop, self._flush())
        return await future

    def _spawn(self, loop: asyncio.AbstractEventLoop, work: Any) -> None:
        task = loop.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def execute_blocking(self, *command: Any) -> tuple[bool, Any]:
        """``execute`` from a thread other than the event loop's (a background answer); never raises."""
        loop = self._loop
        if loop is None or loop.is_closed() or not self.available():
            return False, None
        try:
            future = asyncio.run_coroutine_threadsafe(self.execute(*command), loop)
            return future.result(3 * MAX_STATE_TIMEOUT)
        except (RuntimeError, concurrent.futures.TimeoutError, concurrent.futures.CancelledError):
            return False, None

    async def _flush(self) -> None:
        # One pipeline at a time: what queues up meanwhile goes out together in the next one.
        try:
            while self._queue:
                batch, self._queue = self._queue, []
                await self._send(batch)
        finally:
            self._flushing = False

    async def _send(self, batch: list[_Waiter]) -> None:
        try:
            if self._client is None:
                self._client = aredis.Redis.from_url(self._connect_url, **self._options)
            pipe = self._client.pipeline(transaction=False)
            for command, _ in batch:
                pipe.execute_command(*command)
            # the socket timeout bounds each read; this bounds the whole exchange, connecting included
            replies = await asyncio.wait_for(pipe.execute(raise_on_error=False), 4 * MAX_STATE_TIMEOUT)
        except (RedisError, OSError, asyncio.TimeoutError) as exc:
            self._failed(exc)
            client, self._client = self._client, None
            if client is not None:
                self._spawn(asyncio.get_running_loop(), _close_quietly(client))
            for _, future in batch:
                if not future.done():
                    future.set_result((False, None))
            return
        if self._error is not None:
            self._recovered()
        for (_, future), reply in zip(batch, replies, strict=True):
            if not future.done():
                future.set_result((False, None) if isinstance(reply, Exception) else (True, reply))

    # -- health ---------------------------------------------------------------------

    def available(self) -> bool:
        """Return False while the server is being left alone after a failure."""
        return self._clock() >= self._down_until

    async def check(self) -> bool:
        """Ping the server (unless it is being left alone); return whether the store works."""
        ok, _ = await self.execute("PING")
        return ok

    @property
    def degraded(self) -> bool:
        return self._error is not None

    def health(self) -> dict[str, Any]:
        """Return the store's state for ``/healthz``: kind, URL (without password), ok or degraded, and why."""
        out: dict[str, Any] = {"kind": "redis", "url": self.url, "state": "degraded" if self.degraded else "ok"}
        if self._error is not None:
            out["error"] = self._error
            if self._since is not None:
                out["since"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self._since))
        return out

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await _close_quietly(client)

    def _failed(self, exc: BaseException) -> None:
        now = self._clock()
        message = f"{type(exc).__name__}: {exc}"[:300] if str(exc) else type(exc).__name__
        with self._lock:
            self._down_until = now + RETRY_AFTER
            first = self._error is None
            self._error = message
            if first:
                self._since = time.time()
            warn = self._last_warning is None or now - self._last_warning >= WARN_EVERY
            if warn:
                self._last_warning = now
        if warn:
            log.warning(
                "the shared state store %s is unavailable (%s): answering with this process's own event ids and "
                "contexts until it is back",
                self.url,
                message,
                extra={"fields": {"store": self.url, "error": message}},
            )

    def _recovered(self) -> None:
        with self._lock:
            if self._error is None:
                return
            self._error = None
            self._since = None
        log.info("the shared state store %s is back", self.url, extra={"fields": {"store": self.url}})


async def _close_quietly(client: aredis.Redis) -> None:
    try:
        await client.aclose()
    except Exception:
        pass


def _key(kind: str, key: Hashable) -> str:
    parts = list(key) if isinstance(key, tuple) else [key]
    return PREFIX + kind + ":" + json.dumps(parts, separators=(",", ":"), default=str)


class RedisEvents:
    """Seen Events API ids: ``add`` is one atomic ``SET key 1 NX EX ttl``, so of two deliveries of one event
    racing on two hosts exactly one wins."""

    def __init__(self, state: RedisState, ttl: float, local: TTLStore) -> None:
        self.state = state
        self.ttl = max(1, round(ttl))
        self.local = local

    async def add(self, key: Hashable) -> bool:
        """Record ``key``; return True when no worker had recorded it yet (the event is to be answered)."""
        ok, stored = await self.state.execute("SET", _key("event", key), b"1", "NX", "EX", self.ttl)
        if not ok:
            return self.local.add(key)
        # Recorded here too, so while Redis is away this process still answers each event once.
        self.local.set(key, True)
        return bool(stored)

    async def discard(self, key: Hashable) -> None:
        self.local.discard(key)
        await self.state.execute("DEL", _key("event", key))


class RedisContexts:
    """Conversation contexts by thread, DM, channel and user, or ``/ask`` conversation id, versioned by
    ``state_codec``; each write renews the key's TTL (the context TTL).

    A write returns once it has reached Redis, so the reply that follows it is never seen before its
    context: a follow-up sent to another host at once finds it.
    """

    def __init__(self, state: RedisState, ttl: float, local: TTLStore, max_bytes: int = MAX_CONTEXT_BYTES) -> None:
        self.state = state
        self.ttl = max(1, round(ttl))
        self.local = local  # key -> (the encoded context or None, the context)
        self.max_bytes = max_bytes
        self._warned_size = False

    async def get(self, key: Hashable) -> Context | None:
        """Return the conversation's context: the shared one, else this process's own, else ``None``."""
        mine = self.local.get(key)
        ok, raw = await self.state.execute("GET", _key("ctx", key))
        if not ok or raw is None:
            return mine[1] if mine is not None else None
        if mine is not None and mine[0] == raw:
            return mine[1]  # what this process last wrote or read: no need to decode it again
        context = load(raw)
        self.local.set(key, (raw, context))
        return context

    def set_blocking(self, key: Hashable, value: Context) -> None:
        """Store ``value`` from a background thread; return once Redis has it (or has failed)."""
        data = self._encoded(value)
        self.local.set(key, (data, value))
        if data is None:  # never leave an older one behind for another host to read
            self.state.execute_blocking("DEL", _key("ctx", key))
        else:
            self.state.execute_blocking("SET", _key("ctx", key), data, "EX", self.ttl)

    async def set(self, key: Hashable, value: Context) -> None:
        data = self._encoded(value)
        self.local.set(key, (data, value))
        if data is None:
            await self.state.execute("DEL", _key("ctx", key))
        else:
            await self.state.execute("SET", _key("ctx", key), data, "EX", self.ttl)

    async def discard(self, key: Hashable) -> None:
        self.local.discard(key)
        await self.state.execute("DEL", _key("ctx", key))

    def _encoded(self, value: Context) -> bytes | None:
        try:
            data = dump(value)
        except ValueError as exc:
            log.warning("a conversation context cannot be shared: %s", exc)
            return None
        if len(data) > self.max_bytes:
            if not self._warned_size:
                self._warned_size = True
                log.warning(
                    "a conversation context of %d bytes is over the %d-byte bound: it is kept in this process only",
                    len(data),
                    self.max_bytes,
                )
            return None
        return data


def shared_stores(settings: WebhookSettings) -> tuple[RedisContexts, RedisEvents, RedisState]:
    """Return the context and event stores on ``settings.state_url`` and the connection they share.

    Connects lazily: a server that is down at start-up only makes the store degraded until it is up.
    """
    assert settings.state_url is not None
    state = RedisState(settings.state_url)
    contexts = RedisContexts(state, settings.context_ttl, TTLStore(settings.context_ttl, 10_000))
    events = RedisEvents(state, settings.event_ttl, TTLStore(settings.event_ttl, 100_000))
    return contexts, events, state
