"""The one exception hierarchy of sahel-bot.

    SahelBotError                 base: anything a user can act on
    ├── KnowledgeError            one problem at file:line:col in a knowledge file
    ├── KnowledgeErrors           every problem found in one load, sorted by file and line
    └── ConfigError               a bad setting (environment variable or flag)

Interfaces catch ``SahelBotError`` and print its message; nothing else is
expected to escape the core.  May import: the standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["ConfigError", "KnowledgeError", "KnowledgeErrors", "SahelBotError"]


class SahelBotError(Exception):
    """Base class: the message is a sentence a user can act on."""


class KnowledgeError(SahelBotError):
    """A problem in a knowledge file, located compiler-style (1-based line and column)."""

    def __init__(self, path: str, line: int, column: int, message: str) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.message)


class KnowledgeErrors(SahelBotError):
    """Every problem one load found; raised once so an author fixes a file in one pass."""

    def __init__(self, errors: Iterable[KnowledgeError]) -> None:
        unique = {e.sort_key(): e for e in errors}
        self.errors: list[KnowledgeError] = [unique[k] for k in sorted(unique)]
        super().__init__(str(self))

    def __str__(self) -> str:
        n = len(self.errors)
        lines = [str(e) for e in self.errors]
        lines.append(f"{n} problem{'s' if n != 1 else ''} found; nothing was loaded.")
        return "\n".join(lines)


class ConfigError(SahelBotError):
    """A setting could not be used; the message names the setting and the value."""
