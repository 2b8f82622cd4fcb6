"""The Redis state store against a real server (Valkey on a loopback port): atomic de-duplication, shared
and versioned contexts, TTLs, the size bound, and a failing server that never fails a caller."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
from pathlib import Path
from typing import Any

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


_opened: list[RedisState] = []


def connect(url: str, clock: Clock | None = None) -> RedisState:
    state = RedisState(url, clock or time.monotonic)
    _opened.append(state)  # closed by run()
    return state


def worker(url: str, clock: Clock | None = None) -> tuple[RedisContexts, RedisEvents, RedisState]:
    """The stores one worker process builds: its own connection and its own in-process copies."""
    state = connect(url, clock)
    return RedisContexts(state, 3600, TTLStore(3600)), RedisEvents(state, 90_000, TTLStore(90_000)), state


def raw(server: RedisServer) -> redis.Redis:
    return redis.Redis.from_url(server.url)


def run(coroutine: Any) -> Any:
    """Run ``coroutine`` in a new event loop, then close every connection it opened."""

    async def main() -> Any:
        try:
            return await coroutine
        finally:
            while _opened:
                await _opened.pop().close()

    return asyncio.run(main())


def test_an_event_is_first_delivered_once_across_workers_racing(redis_server: RedisServer) -> None:
    async def race() -> list[bool]:
        workers = [worker(redis_server.url)[1] for _ in range(4)]
        return list(await asyncio.gather(*(events.add("Ev1") for events in workers for _ in range(2))))

    assert sorted(run(race())) == [False] * 7 + [True]
    ttl = raw(redis_server).ttl('sahel-bot:event:["Ev1"]')
    assert 89_990 < ttl <= 90_000  # the event TTL, set in the same command


def test_discard_lets_a_retry_through_on_any_worker(redis_server: RedisServer) -> None:
    async def go() -> None:
        a, b = worker(redis_server.url)[1], worker(redis_server.url)[1]
        assert await a.add("Ev2")
        await a.discard("Ev2")
        assert await b.add("Ev2")

    run(go())


def test_contexts_are_shared_with_the_context_ttl(redis_server: RedisServer) -> None:
    key = ("thread", "T1", "C1", "1.1")
    name = 'sahel-bot:ctx:["thread","T1","C1","1.1"]'

    async def go() -> None:
        a, b = worker(redis_server.url)[0], worker(redis_server.url)[0]
        assert await b.get(key) is None
        await a.set(key, CONTEXT)
        assert await b.get(key) == CONTEXT
        assert json.loads(raw(redis_server).get(name))["fields"]["subject"] == "aqim"
        assert 3590 < raw(redis_server).ttl(name) <= 3600
        await b.set(key, Context(turn=3))
        assert await a.get(key) == Context(turn=3)  # the newest write wins, whoever made it

    run(go())


def test_a_write_from_a_background_thread_is_in_redis_when_it_returns(redis_server: RedisServer) -> None:
    async def go() -> None:
        contexts, _, state = worker(redis_server.url)
        await state.check()  # the state learns its event loop
        await asyncio.to_thread(contexts.set_blocking, ("ask", "t"), CONTEXT)
        assert raw(redis_server).get('sahel-bot:ctx:["ask","t"]') is not None  # no waiting: already there

    run(go())


def test_a_context_stored_by_other_code_loads_fresh(redis_server: RedisServer) -> None:
    raw(redis_server).set('sahel-bot:ctx:["ask","c1"]', json.dumps({"version": 999, "shape": "x", "fields": {}}))
    assert run(worker(redis_server.url)[0].get(("ask", "c1"))) == Context()


def test_a_context_over_the_size_bound_stays_in_process(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    key = ("dm", "T1", "D1")
    big = Context(subject="x", words=tuple(f"word{i}" for i in range(200)))

    async def go() -> None:
        contexts = RedisContexts(connect(redis_server.url), 3600, TTLStore(3600), max_bytes=600)
        other = RedisContexts(connect(redis_server.url), 3600, TTLStore(3600), max_bytes=600)
        await contexts.set(key, CONTEXT)
        with caplog.at_level(logging.WARNING, "sahel_bot.webhook"):
            await contexts.set(key, big)
            await contexts.set(key, big)
        assert raw(redis_server).get('sahel-bot:ctx:["dm","T1","D1"]') is None  # the older one is gone too
        assert await contexts.get(key) == big
        assert await other.get(key) is None

    run(go())
    assert len(caplog.records) == 1
    assert "over the 600-byte bound" in caplog.records[0].getMessage()


def test_a_stopped_server_degrades_and_recovers_by_itself(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    key = ("ask", "c1")

    async def go() -> None:
        contexts, events, state = worker(redis_server.url, clock)
        other_events = worker(redis_server.url)[1]
        await contexts.set(key, CONTEXT)
        redis_server.stop()
        with caplog.at_level(logging.INFO, "sahel_bot.webhook"):
            began = time.monotonic()
            assert await contexts.get(key) == CONTEXT  # this process's own copy answers
            assert await events.add("Ev3") is True
            assert await events.add("Ev3") is False  # de-duplicated in process meanwhile
            for i in range(20):
                clock.t += 2  # past the retry pause each time: every call tries the server again (40 s in all)
                await contexts.set(("ask", f"n{i}"), CONTEXT)
            assert time.monotonic() - began < 5
            assert state.degraded
            health = state.health()
            assert health["state"] == "degraded"
            assert "ConnectionError" in health["error"]
            warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
            assert len(warnings) == 1  # at most one a minute, however many calls fail
            assert "unavailable" in warnings[0].getMessage()

            redis_server.start()
            assert await events.add("Ev4") is True  # still left alone: within the pause after the last failure
            assert await other_events.add("Ev4") is True  # so the other worker could not know
            clock.t += 2
            assert await events.add("Ev5") is True
            assert not state.degraded
            assert state.health() == {"kind": "redis", "url": redis_server.url, "state": "ok"}
            assert any("is back" in r.getMessage() for r in caplog.records)
        assert await other_events.add("Ev5") is False  # shared again: the other worker sees it

    run(go())


def test_a_hanging_server_costs_a_bounded_time() -> None:
    async def go() -> tuple[float, float, RedisState]:
        with socket.create_server(("127.0.0.1", 0), backlog=16) as silent:  # accepts connections, never answers
            contexts, events, state = worker(f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
            began = time.monotonic()
            assert await events.add("Ev6") is True
            first = time.monotonic() - began
            assert await contexts.get(("ask", "c")) is None  # left alone now: no wait at all
            return first, time.monotonic() - began - first, state

    first, second, state = run(go())
    assert first < 1.5  # two tries of a 0.25 s command timeout, and change
    assert second < 0.05
    assert "Timeout" in state.health()["error"]


def test_a_password_in_the_url_is_used_and_never_shown(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with RedisServer(tmp_path / "redis", password="s3cret-pass") as server:

        async def go() -> RedisState:
            contexts, _, state = worker(server.url)
            await contexts.set(("ask", "c"), CONTEXT)
            assert raw(server).get('sahel-bot:ctx:["ask","c"]') is not None
            assert "s3cret-pass" not in json.dumps(state.health())
            with caplog.at_level(logging.WARNING, "sahel_bot.webhook"):
                _, events, wrong = worker(server.url.replace("s3cret-pass", "wrong"))
                assert await events.add("Ev7") is True
            return wrong

        wrong = run(go())
    assert wrong.degraded
    assert "wrong" not in json.dumps(wrong.health())
    assert "wrong" not in caplog.text
    assert ":***@" in wrong.health()["url"]


def test_rediss_speaks_tls(redis_server: RedisServer, tmp_path: Path) -> None:
    proxy = TlsProxy(tmp_path, redis_server.port)

    async def go() -> tuple[RedisState, RedisState]:
        contexts, _, state = worker(f"rediss://127.0.0.1:{proxy.port}/0?ssl_ca_certs={proxy.ca_path}")
        await contexts.set(("ask", "tls"), CONTEXT)
        assert await worker(redis_server.url)[0].get(("ask", "tls")) == CONTEXT  # it went through the proxy
        untrusted, _, state2 = worker(f"rediss://127.0.0.1:{proxy.port}/0")
        await untrusted.set(("ask", "x"), CONTEXT)
        return state, state2

    try:
        state, untrusted_state = run(go())
    finally:
        proxy.close()
    assert not state.degraded
    assert untrusted_state.degraded  # an unknown certificate authority is refused, not trusted


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

    async def go() -> None:
        contexts, events, state = worker(url)
        await contexts.set("k", CONTEXT)
        assert await contexts.get("k") == CONTEXT
        await contexts.discard("k")
        assert await contexts.get("k") is None
        assert await events.add("e") is True
        await events.discard("e")
        assert await events.add("e") is True
        assert await state.check() is False
        await asyncio.to_thread(contexts.set_blocking, "k", CONTEXT)
        assert await contexts.get("k") == CONTEXT

    run(go())
