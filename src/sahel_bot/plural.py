"""Counting nouns in messages: "1 user", "2 users", never "1 users".

May import: the standard library.
"""

from __future__ import annotations

__all__ = ["plural"]


def plural(count: int, noun: str, many: str | None = None) -> str:
    """Return ``count`` and ``noun``, in the plural (``many``, default ``noun + "s"``) unless ``count`` is 1."""
    return f"{count} {noun if count == 1 else (many or noun + 's')}"
