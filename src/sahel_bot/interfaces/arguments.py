"""Argument types for the command line: each turns one option's text into a value or says what is wrong.

argparse calls them while parsing, so a bad value ends in the command's usage,
``sahel-bot COMMAND: error: argument --NAME: <what was wrong>`` and exit status
2, before anything is loaded.  Hints ("did you mean") come from ``difflib``.
May import: the standard library.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = [
    "did_you_mean",
    "directory",
    "existing_path",
    "iso_date",
    "non_negative_int",
    "number_between",
    "one_of",
    "port",
    "positive_int",
]


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """Return "; did you mean 'x'?" for the closest of ``choices``, else "; choose from a, b, c"."""
    import difflib  # here, not at the top: `sahel-bot ask` never needs it

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    return "; choose from " + ", ".join(choices)


def number_between(low: float, high: float) -> Callable[[str], float]:
    """Return a type that accepts a number from ``low`` to ``high`` (both included)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text} is out of range; use a number from {low:g} to {high:g}")
        return value

    parse.__name__ = "number"
    return parse


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def non_negative_int(text: str) -> int:
    """Accept a whole number from 0 up."""
    value = _integer(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative; use 0 or more")
    return value


def positive_int(text: str) -> int:
    """Accept a whole number from 1 up."""
    value = _integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number; use 1 or more")
    return value


def port(text: str) -> int:
    """Accept a TCP port number (1-65535)."""
    value = _integer(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text} is not a port number; use 1 to 65535")
    return value


def iso_date(text: str) -> str:
    """Accept an ISO date or date-time; return it as UTC ISO text, comparable with the miss log's ``ts``."""
    from datetime import date, datetime, timezone  # only for the commands that take a date

    raw = text.strip()
    try:
        if len(raw) == 10:
            return date.fromisoformat(raw).isoformat()
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; use YYYY-MM-DD (e.g. 2026-01-31) or an ISO date-time"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def one_of(choices: Sequence[str], what: str) -> Callable[[str], str]:
    """Return a type that accepts one of ``choices`` and names the closest one otherwise."""

    def parse(text: str) -> str:
        if text in choices:
            return text
        raise argparse.ArgumentTypeError(f"unknown {what} {text!r}{did_you_mean(text, choices)}")

    parse.__name__ = what
    setattr(parse, "choices", tuple(choices))  # noqa: B010 - shell completion offers them
    return parse


def directory(text: str) -> str:
    """Accept an existing directory."""
    path = Path(text).expanduser()
    if not path.exists():
        raise argparse.ArgumentTypeError(f"no such directory: {text!r}")
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is a file, not a directory")
    return str(path)


def existing_path(text: str) -> str:
    """Accept a file or directory that exists."""
    if not Path(text).expanduser().exists():
        raise argparse.ArgumentTypeError(f"no such file or directory: {text!r}")
    return text
