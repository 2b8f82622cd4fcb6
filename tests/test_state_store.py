"""The Redis state store against a real server (Valkey on a loopback port): atomic de-duplication, shared
and versioned contexts, TTLs, the size bound, and a failing server that never fails a caller."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from pathlib import Path

import pytest
import redis

from redis_server import RedisServer, TlsProxy
from sahel_bot.context import Context
from sahel_bot.interfaces import state_store
from sahel_bot.interfaces.state_store import RedisContexts, RedisEvents, RedisState
from sahel_bot.interfaces.store import TTLStore
from sahel_bot.interfaces.webhook_config import WebhookConfigError, WebhookSettings

pytestmark = pytest.mark.slow

CONTEXT = Context(subject="aqim", subject_name="AQIM", entities=("aqim",), intent="leader_of", turn=2)


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def worker(url: str, clock: Clock | None = None) -> tuple[RedisContexts, RedisEvents, RedisState]:
    """The stores one worker process builds: its own connection and its own in-process copies."""
    state = RedisState(url, clock or time.monotonic)
    return RedisContexts(state, 3600, TTLStore(3600)), RedisEvents(state, 90_000, TTLStore(90_000)), state


def raw(server: RedisServer) -> redis.Redis:
    return redis.Redis.from_url(server.url)


def test_an_event_is_first_delivered_once_across_workers_racing(redis_server: RedisServer) -> None:
    workers = [worker(redis_server.url)[1] for _ in range(4)]
    wins: list[bool] = []
    start = threading.Barrier(8)

    def deliver(events: RedisEvents) -> None:
        start.wait()
        wins.append(events.add("Ev1"))

    threads = [threading.Thread(target=deliver, args=(w,)) for w in workers for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == [False] * 7 + [True]
    ttl = raw(redis_server).ttl('sahel-bot:event:["Ev1"]')
    assert 89_990 < ttl <= 90_000  # the event TTL, set in the same command


def test_discard_lets_a_retry_through_on_any_worker(redis_server: RedisServer) -> None:
    a, b = worker(redis_server.url)[1], worker(redis_server.url)[1]
    assert a.add("Ev2")
    a.discard("Ev2")
    assert b.add("Ev2")


def test_contexts_are_shared_with_the_context_ttl(redis_server: RedisServer) -> None:
    a, b = worker(redis_server.url)[0], worker(redis_server.url)[0]
    key = ("thread", "T1", "C1", "1.1")
    assert b.get(key) is None
    a.set(key, CONTEXT)
    assert b.get(key) == CONTEXT
    stored = raw(redis_server).get('sahel-bot:ctx:["thread","T1","C1","1.1"]')
    assert json.loads(stored)["fields"]["subject"] == "aqim"
    assert 3590 < raw(redis_server).ttl('sahel-bot:ctx:["thread","T1","C1","1.1"]') <= 3600
    b.set(key, Context(turn=3))
    assert a.get(key) == Context(turn=3)  # the newest write wins, whoever made it


def test_a_context_stored_by_other_code_loads_fresh(redis_server: RedisServer) -> None:
    contexts = worker(redis_server.url)[0]
    raw(redis_server).set('sahel-bot:ctx:["ask","c1"]', json.dumps({"version": 999, "shape": "x", "fields": {}}))
    assert contexts.get(("ask", "c1")) == Context()


def test_a_context_over_the_size_bound_stays_in_process(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    state = RedisState(redis_server.url)
    contexts = RedisContexts(state, 3600, TTLStore(3600), max_bytes=600)
    other = RedisContexts(RedisState(redis_server.url), 3600, TTLStore(3600), max_bytes=600)
    key = ("dm", "T1", "D1")
    contexts.set(key, CONTEXT)
    big = Context(subject="x", words=tuple(f"word{i}" for i in range(200)))
    with caplog.at_level(logging.WARNING, "sahel_bot.webhook"):
        contexts.set(key, big)
        contexts.set(key, big)
    assert raw(redis_server).get('sahel-bot:ctx:["dm","T1","D1"]') is None  # the older one is gone too
    assert contexts.get(key) == big
    assert other.get(key) is None
    assert [r.getMessage() for r in caplog.records].count(caplog.records[0].getMessage()) == 1
    assert "over the 600-byte bound" in caplog.records[0].getMessage()


def test_a_stopped_server_degrades_and_recovers_by_itself(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    contexts, events, state = worker(redis_server.url, clock)
    other_events = worker(redis_server.url)[1]
    key = ("ask", "c1")
    contexts.set(key, CONTEXT)
    redis_server.stop()
    with caplog.at_level(logging.INFO, "sahel_bot.webhook"):
        began = time.monotonic()
        assert contexts.get(key) == CONTEXT  # this process's own copy answers
        assert events.add("Ev3") is True
        assert events.add("Ev3") is False  # de-duplicated in process meanwhile
        for i in range(20):
            clock.t += 2  # past the retry pause each time: every call tries the server again (40 s in all)
            contexts.set(("ask", f"n{i}"), CONTEXT)
        assert time.monotonic() - began < 5
        assert state.degraded
        health = state.health()
        assert health["state"] == "degraded"
        assert "ConnectionError" in health["error"]
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1  # at most one a minute, however many calls fail
        assert "unavailable" in warnings[0].getMessage()

        redis_server.start()
        assert contexts.get(key) == CONTEXT  # still left alone: within the pause after the last failure
        clock.t += 2
        assert events.add("Ev4") is True
        assert not state.degraded
        assert state.health() == {"kind": "redis", "url": redis_server.url, "state": "ok"}
        assert any("is back" in r.getMessage() for r in caplog.records)
    assert other_events.add("Ev4") is False  # shared again: the other worker sees it


def test_a_hanging_server_costs_a_bounded_time(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0), backlog=16) as silent:  # accepts connections, never answers
        url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        contexts, events, state = worker(url)
        began = time.monotonic()
        assert events.add("Ev5") is True
        first = time.monotonic() - began
        assert contexts.get(("ask", "c")) is None  # left alone now: no wait at all
        second = time.monotonic() - began - first
    assert first < 1.5  # two tries of a 0.25 s command timeout, and change
    assert second < 0.05
    assert "Timeout" in state.health()["error"]


def test_a_password_in_the_url_is_used_and_never_shown(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with RedisServer(tmp_path / "redis", password="s3cret-pass") as server:
        contexts, _, state = worker(server.url)
        contexts.set(("ask", "c"), CONTEXT)
        assert contexts.get(("ask", "c")) == CONTEXT
        assert "s3cret-pass" not in json.dumps(state.health())
        wrong_url = server.url.replace("s3cret-pass", "wrong")
        with caplog.at_level(logging.WARNING, "sahel_bot.webhook"):
            _, events, wrong = worker(wrong_url)
            assert events.add("Ev6") is True
        assert wrong.degraded
        assert "wrong" not in json.dumps(wrong.health())
        assert "wrong" not in caplog.text
        assert ":***@" in wrong.health()["url"]


def test_rediss_speaks_tls(redis_server: RedisServer, tmp_path: Path) -> None:
    proxy = TlsProxy(tmp_path, redis_server.port)
    try:
        url = f"rediss://127.0.0.1:{proxy.port}/0?ssl_ca_certs={proxy.ca_path}"
        contexts, _, state = worker(url)
        contexts.set(("ask", "tls"), CONTEXT)
        assert worker(redis_server.url)[0].get(("ask", "tls")) == CONTEXT  # it went through the proxy
        assert not state.degraded
        untrusted, _, state2 = worker(f"rediss://127.0.0.1:{proxy.port}/0")
        untrusted.set(("ask", "x"), CONTEXT)
        assert state2.degraded  # an unknown certificate authority is refused, not trusted
    finally:
        proxy.close()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://localhost:6379/0", "must be a URL such as"),
        ("redis://", "names no host"),
        ("redis://h:notaport/0", "must be a URL such as"),
        ("redis://h:6379/zero", "database number"),
        ("redis://h/0?socket_timeout=5", "at most 1 second"),
        ("redis://:pw@h/0?socket_connect_timeout=x", "is not a number"),
        ("unix://", "names no socket path"),
    ],
)
def test_unusable_state_urls_are_refused_by_name(url: str, message: str) -> None:
    with pytest.raises(WebhookConfigError, match=message) as caught:
        WebhookSettings(webhook_token="t", state_url=url).checked()
    assert "SAHEL_BOT_STATE_URL" in str(caught.value)
    assert ":pw@" not in str(caught.value)


def test_usable_state_urls() -> None:
    for url in ("redis://localhost:6379/0", "rediss://:pw@cache.internal:6380/2", "unix:///run/redis.sock?db=1"):
        assert WebhookSettings(webhook_token="t", state_url=url).checked().state_url == url


def test_every_store_method_survives_a_dead_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(state_store, "RETRY_AFTER", 0.0)
    url = f"redis://127.0.0.1:{RedisServer(tmp_path).port}/0"  # nothing listens there
    contexts, events, _ = worker(url)
    contexts.set("k", CONTEXT)
    assert contexts.get("k") == CONTEXT
    assert contexts.add("k2", CONTEXT) is True
    contexts.discard("k")
    assert contexts.get("k") is None
    events.set("e", True)
    assert events.get("e") is True
    events.discard("e")
    assert events.get("e") is None
