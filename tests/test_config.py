from __future__ import annotations

import pytest

from sahel_bot.config import Settings, state_dir
from sahel_bot.errors import ConfigError


def test_defaults_env_then_overrides() -> None:
    settings = Settings.from_env({"SAHEL_BOT_ANSWER_THRESHOLD": "0.7", "SAHEL_BOT_CONTEXT_TURNS": "6"})
    assert settings.answer_threshold == 0.7
    assert settings.context_turns == 6
    assert Settings.from_env({"SAHEL_BOT_ANSWER_THRESHOLD": "0.7"}, answer_threshold=0.6).answer_threshold == 0.6


def test_bad_values_name_the_variable() -> None:
    with pytest.raises(ConfigError, match="SAHEL_BOT_ANSWER_THRESHOLD='lots' is not a number"):
        Settings.from_env({"SAHEL_BOT_ANSWER_THRESHOLD": "lots"})
    with pytest.raises(ConfigError, match="'answer_threshold' must be between 0 and 1"):
        Settings.from_env({}, answer_threshold=3.0)
    with pytest.raises(ConfigError, match="clarify_threshold"):
        Settings.from_env({}, clarify_threshold=0.9, answer_threshold=0.5)


def test_state_dir_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert state_dir() == tmp_path / "sahel-bot"
