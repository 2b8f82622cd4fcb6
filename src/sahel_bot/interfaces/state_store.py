"""Shared state on Redis (or Valkey): seen Events API ids and conversation contexts, agreed on by every
worker and host that points at the same server.

A failing store never fails a request.  Each store also keeps an in-process copy, which answers while
Redis is unreachable (de-duplication and contexts then hold per process, as without Redis); after a
failure the server is left alone for a second, then tried again, so an outage costs no request more than
a short timeout, and sharing resumes by itself.  A warning is logged at most once a minute.
May import: the public API, redis and the standard library.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.parse
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from ..context import Context
from ..state_codec import dump, load
from .store import TTLStore
from .webhook_config import WebhookSettings, redact_url

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

T = TypeVar("T")


class RedisState:
    """One Redis connection pool and what is known of its health, shared by the stores built on it.

    ``call`` runs a command and returns ``(True, result)``, or ``(False, None)`` when the server failed or
    is being left alone after a failure; it never raises.
    """

    blocking = True

    def __init__(self, url: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.url = redact_url(url)
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
        options: dict[str, Any] = {
            # A command fails fast and is tried once more on a fresh connection (a restarted server drops
            # pooled ones); redis-py's own default retries ten times with backoff, far past Slack's 3 s.
            "retry": Retry(NoBackoff(), 1),
            "client_name": "sahel-bot",
        }
        for key in ("socket_timeout", "socket_connect_timeout"):
            if key not in query:
                options[key] = DEFAULT_TIMEOUT
        self.client = redis.Redis.from_url(url, **options)
        self._clock = clock
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._last_warning: float | None = None
        self._error: str | None = None
        self._since: float | None = None  # wall-clock time of the first failure of this outage

    def call(self, command: Callable[[redis.Redis], T]) -> tuple[bool, T | None]:
        """Return ``(True, command(client))``, or ``(False, None)`` when the store is unavailable."""
        if self._clock() < self._down_until:
            return False, None
        try:
            result = command(self.client)
        except (redis.RedisError, OSError) as exc:
            self._failed(exc)
            return False, None
        if self._error is not None:
            self._recovered()
        return True, result

    def check(self) -> bool:
        """Ping the server (unless it is being left alone); return whether the store works."""
        ok, _ = self.call(lambda r: r.ping())
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

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:
            pass

    def _failed(self, exc: Exception) -> None:
        now = self._clock()
        message = f"{type(exc).__name__}: {exc}"[:300]
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


def _key(kind: str, key: Hashable) -> str:
    parts = list(key) if isinstance(key, tuple) else [key]
    return PREFIX + kind + ":" + json.dumps(parts, separators=(",", ":"), default=str)


class RedisEvents:
    """Seen Events API ids: ``add`` is one atomic ``SET key 1 NX EX ttl``, so of two deliveries of one event
    racing on two hosts exactly one wins."""

    blocking = True

    def __init__(self, state: RedisState, ttl: float, local: TTLStore) -> None:
        self.state = state
        self.ttl = max(1, round(ttl))
        self.local = local

    def add(self, key: Hashable, value: Any = True) -> bool:
        """Record ``key``; return True when no worker had recorded it yet (the event is to be answered)."""
        ok, stored = self.state.call(lambda r: r.set(_key("event", key), b"1", nx=True, ex=self.ttl))
        if not ok:
            return self.local.add(key)
        # Recorded here too, so while Redis is away this process still answers each event once.
        self.local.set(key, True)
        return bool(stored)

    def discard(self, key: Hashable) -> None:
        self.local.discard(key)
        self.state.call(lambda r: r.delete(_key("event", key)))

    def get(self, key: Hashable) -> Any | None:
        ok, found = self.state.call(lambda r: r.exists(_key("event", key)))
        return True if ok and found else self.local.get(key)

    def set(self, key: Hashable, value: Any) -> None:
        self.local.set(key, value)
        self.state.call(lambda r: r.set(_key("event", key), b"1", ex=self.ttl))


class RedisContexts:
    """Conversation contexts by thread, DM, channel and user, or ``/ask`` conversation id, versioned by
    ``state_codec``; each write renews the key's TTL (the context TTL)."""

    blocking = True

    def __init__(self, state: RedisState, ttl: float, local: TTLStore, max_bytes: int = MAX_CONTEXT_BYTES) -> None:
        self.state = state
        self.ttl = max(1, round(ttl))
        self.local = local
        self.max_bytes = max_bytes
        self._warned_size = False

    def get(self, key: Hashable) -> Context | None:
        """Return the conversation's context: the shared one, else this process's own, else ``None``."""
        ok, raw = self.state.call(lambda r: r.get(_key("ctx", key)))
        if ok and raw is not None:
            return load(raw)
        found = self.local.get(key)
        return found if isinstance(found, Context) else None

    def set(self, key: Hashable, value: Any) -> None:
        self.local.set(key, value)
        try:
            data = dump(value)
        except ValueError as exc:
            log.warning("a conversation context cannot be shared: %s", exc)
            data = None
        if data is not None and len(data) > self.max_bytes:
            if not self._warned_size:
                self._warned_size = True
                log.warning(
                    "a conversation context of %d bytes is over the %d-byte bound: it is kept in this process only",
                    len(data),
                    self.max_bytes,
                )
            data = None
        if data is None:  # never leave an older context behind for another host to read
            self.state.call(lambda r: r.delete(_key("ctx", key)))
        else:
            payload = data
            self.state.call(lambda r: r.set(_key("ctx", key), payload, ex=self.ttl))

    def add(self, key: Hashable, value: Any = True) -> bool:
        if self.get(key) is not None:
            return False
        self.set(key, value)
        return True

    def discard(self, key: Hashable) -> None:
        self.local.discard(key)
        self.state.call(lambda r: r.delete(_key("ctx", key)))


def shared_stores(settings: WebhookSettings) -> tuple[RedisContexts, RedisEvents, RedisState]:
    """Return the context and event stores on ``settings.state_url`` and the connection they share.

    Connects lazily: a server that is down at start-up only makes the store degraded until it is up.
    """
    assert settings.state_url is not None
    state = RedisState(settings.state_url)
    contexts = RedisContexts(state, settings.context_ttl, TTLStore(settings.context_ttl, 10_000))
    events = RedisEvents(state, settings.event_ttl, TTLStore(settings.event_ttl, 100_000))
    return contexts, events, state
