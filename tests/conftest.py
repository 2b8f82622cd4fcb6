from __future__ import annotations

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
