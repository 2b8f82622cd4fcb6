"""The REPL's question history: where it lives, and a file history that warns instead of crashing.

The file is prompt_toolkit's ``FileHistory`` format.  It lives in the XDG state
directory (``$XDG_STATE_HOME/sahel-bot/history``, by default
``~/.local/state/sahel-bot/history``), or where ``--history`` or
``$SAHEL_BOT_HISTORY`` say; the directory and file are created on first use,
private to the user.  A history that cannot be read or written costs the
history, never the session: the problem is reported once and questions are
kept in memory.  May import: prompt_toolkit, the standard library and ``sahel_bot``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from prompt_toolkit.history import FileHistory, History, InMemoryHistory

from ..config import state_dir

__all__ = ["HISTORY_ENV", "SafeFileHistory", "history_path", "open_history"]

HISTORY_ENV = "SAHEL_BOT_HISTORY"


def history_path(flag: str | None, environ: Mapping[str, str] | None = None) -> Path:
    """Return where the history lives: ``flag``, else ``$SAHEL_BOT_HISTORY``, else the XDG state directory."""
    env = os.environ if environ is None else environ
    chosen = flag or env.get(HISTORY_ENV) or ""
    if chosen:
        return Path(chosen).expanduser()
    return state_dir() / "history"


def _describe(exc: OSError) -> str:
    return exc.strerror or exc.__class__.__name__


class SafeFileHistory(FileHistory):
    """A ``FileHistory`` that reports a read or write failure once (through ``warn``) and goes on in memory."""

    def __init__(self, filename: Path, warn: Callable[[str], None]) -> None:
        super().__init__(str(filename))
        self.path = filename
        self.warn = warn
        self.broken = False

    def load_history_strings(self) -> Iterable[str]:
        try:
            return list(super().load_history_strings())
        except OSError as exc:
            self.warn(f"cannot read the history file {self.path} ({_describe(exc)}); starting with an empty history.")
            return []

    def store_string(self, string: str) -> None:
        if self.broken:
            return
        try:
            super().store_string(string)
        except OSError as exc:
            self.broken = True
            self.warn(
                f"cannot write the history file {self.path} ({_describe(exc)}); "
                "questions from now on are kept for this session only."
            )


def open_history(path: Path | None, warn: Callable[[str], None]) -> History:
    """Return the history to use: a ``SafeFileHistory`` at ``path``, or an in-memory one.

    ``path`` is ``None`` when the user asked for no history.  The directory (mode
    0700) and the file (0600) are created here; when that fails, ``warn`` gets
    one sentence and the history is kept in memory for this session.
    """
    if path is None:
        return InMemoryHistory()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.close(fd)
    except OSError as exc:
        warn(
            f"cannot write the history file {path} ({_describe(exc)}); "
            "this session's questions will not be saved (see --history)."
        )
        try:  # what was saved before may still be readable
            newest_first = list(FileHistory(str(path)).load_history_strings())
        except OSError:
            newest_first = []
        return InMemoryHistory(newest_first[::-1])
    return SafeFileHistory(path, warn)
