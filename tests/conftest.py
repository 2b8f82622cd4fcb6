from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sahel_bot import Bot

ROOT = Path(__file__).resolve().parent.parent

# FAQ files beside a test knowledge directory (tests/data/railway/faq_railway.yaml) ask about THAT
# knowledge, not the shipped brief: the whole-suite run must not collect them against the shipped one.
# Named on the command line (with --sahel-knowledge DIR) they still run: pytest never ignores a path it
# was given explicitly.
collect_ignore_glob = ["data/*/faq_*.yaml"]


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
