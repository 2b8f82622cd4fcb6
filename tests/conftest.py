from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sahel_bot import Bot

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def bot() -> Bot:
    """The bot over the repository's real knowledge (brief, facts, intents)."""
    return Bot.load(ROOT)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[object]:
    """A real Redis-protocol server (Valkey) on a free loopback port, stopped after the test."""
    from redis_server import RedisServer

    with RedisServer(tmp_path / "redis") as server:
        yield server
