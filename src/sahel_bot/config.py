"""Settings read once at the edge: defaults, then ``SAHEL_BOT_*`` environment variables, then overrides.

Thresholds are data, not code: they live here and ``sahel-bot check`` echoes
them.  May import: ``errors``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .records import record

__all__ = ["Settings", "state_dir"]


def state_dir() -> Path:
    """Return the per-user state directory (XDG_STATE_HOME/sahel-bot, or ~/.local/state/sahel-bot)."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "sahel-bot"


@record
class Settings:
    """Tunable behaviour.  Scores are on one 0-100 scale, confidences on 0..1."""

    #: below this confidence the bot declines
    answer_threshold: float = 0.50
    #: between ``clarify_threshold`` and ``answer_threshold`` it asks "did you mean"
    clarify_threshold: float = 0.40
    #: two readings closer than this (in confidence) are ambiguous
    ambiguity_margin: float = 0.04
    #: fuzzy entity matches below this (0-100) are ignored
    entity_cutoff: float = 85.0
    #: how many turns a conversation's subject survives without being mentioned
    context_turns: int = 4
    #: the knowledge directory (None: the shipped knowledge)
    knowledge_dir: str | None = None

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Return settings from defaults, ``SAHEL_BOT_<NAME>`` variables, then ``overrides``.

        Raises ``ConfigError`` naming the variable when a value cannot be used.
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name in cls._fields:
            key = f"SAHEL_BOT_{name.upper()}"
            raw = env.get(key)
            if raw is None or raw == "":
                continue
            values[name] = _cast(key, raw, cls.__annotations__[name])
        settings = cls()._replace(**values)
        clean = {k: v for k, v in overrides.items() if v is not None}
        return settings._replace(**clean).checked()

    def checked(self) -> Settings:
        for name in ("answer_threshold", "clarify_threshold", "ambiguity_margin"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ConfigError(f"Setting '{name}' must be between 0 and 1, not {value!r}.")
        if not 0 <= self.entity_cutoff <= 100:
            raise ConfigError(f"Setting 'entity_cutoff' must be between 0 and 100, not {self.entity_cutoff!r}.")
        if self.clarify_threshold > self.answer_threshold:
            raise ConfigError("Setting 'clarify_threshold' must not be above 'answer_threshold'.")
        if self.context_turns < 1:
            raise ConfigError(f"Setting 'context_turns' must be at least 1, not {self.context_turns!r}.")
        return self


def _cast(key: str, raw: str, kind: Any) -> Any:
    kind = str(kind)
    try:
        if "float" in kind:
            return float(raw)
        if "int" in kind:
            return int(raw)
    except ValueError:
        raise ConfigError(f"Environment variable {key}={raw!r} is not a number.") from None
    return raw
