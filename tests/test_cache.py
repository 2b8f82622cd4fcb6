"""The start-up cache: the built engine is stored once and loaded back, and a bad cache is only a miss."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from sahel_bot import Bot
from sahel_bot.cache import knowledge_digest, load_cached, store_cached
from sahel_bot.pipeline import Engine

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SAHEL_BOT_CACHE", str(tmp_path))
    return tmp_path


def test_the_engine_is_stored_and_loaded_back(cache: Path) -> None:
    first = Bot.load(ROOT)
    stored = list(cache.glob("engine-*.pickle"))
    assert len(stored) == 1
    assert not list(cache.glob("*.tmp"))
    key = knowledge_digest(ROOT, repr(first.settings))
    engine = load_cached(key)
    assert isinstance(engine, Engine)
    second = Bot.load(ROOT)
    assert second.ask("who leads aqim?").text == first.ask("who leads aqim?").text


def test_a_value_that_cannot_be_stored_leaves_nothing_behind(cache: Path) -> None:
    store_cached("k" * 64, threading.Lock())  # not picklable
    assert list(cache.iterdir()) == []


def test_a_corrupt_cache_file_is_a_miss(cache: Path) -> None:
    (cache / f"engine-{'x' * 32}.pickle").write_bytes(b"not a pickle")
    assert load_cached("x" * 64) is None


def test_caching_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAHEL_BOT_CACHE", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    Bot.load(ROOT)
    assert list(tmp_path.iterdir()) == []
