"""The miss log: questions the bot declined, asked back about, or answered unsurely, kept for the maintainers.

Usage (the REPL and the webhook server do this; nothing else needs to)::

    from sahel_bot.misses import MissLog

    misses = MissLog.from_env(interface="repl")   # once, at start-up
    ...
    reply = conversation.ask(text)
    misses.record(reply, user=user_id)            # after every reply; never raises

``record()`` appends one JSON line when the reply is a miss (a decline, a "did
you mean", or an answer with confidence below ``low_confidence``) and does
nothing otherwise.  Each line holds: ``ts`` (UTC, ISO 8601), ``interface``,
``question``, ``normalized``, ``outcome``, ``intent``, ``confidence``,
``guesses`` (the best readings from ``reply.explanation.candidates``),
``entities``, ``subject``, ``reason`` and ``user``.  A user id is never stored:
``user`` is a salted SHA-256 hash, with the salt kept beside the log
(``<log>.salt``, created on first use, mode 0600).  The log itself is created
mode 0600 too: it holds questions as people typed them.

Where and whether (``MissLog.from_env``):

- ``SAHEL_BOT_MISS_LOG=PATH`` logs to PATH; ``off`` (or ``0``, ``no``, ``false``,
  ``none``) disables the log; unset, it goes to ``state_dir()/misses.jsonl``
  (``~/.local/state/sahel-bot/misses.jsonl``).
- On by default for the REPL and the server; off by default under pytest
  (``PYTEST_CURRENT_TEST`` set) unless ``SAHEL_BOT_MISS_LOG`` names a path.
- ``SAHEL_BOT_MISS_LOG_MAX_BYTES`` (default 5 MB) rotates the log to
  ``misses.jsonl.1`` ... ``.3`` when it grows past that size.

``sahel-bot misses`` (``interfaces/misses.py``) reads the log back (with
:func:`read_misses`) and groups similar questions.  May import: the standard
library and ``config`` / ``reply`` (never an interface).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, BinaryIO

from .config import state_dir
from .reply import Reply

__all__ = ["DEFAULT_MAX_BYTES", "ENV_VAR", "INTERFACES", "Miss", "MissLog", "default_miss_log_path", "read_misses"]

#: the interfaces that log misses (``MissLog.interface``); ``sahel-bot misses --interface`` takes one of them
INTERFACES = ("repl", "webhook", "api")

ENV_VAR = "SAHEL_BOT_MISS_LOG"
MAX_BYTES_VAR = "SAHEL_BOT_MISS_LOG_MAX_BYTES"
DEFAULT_MAX_BYTES = 5_000_000
DEFAULT_BACKUPS = 3
#: an answer below this confidence is logged as a miss too
DEFAULT_LOW_CONFIDENCE = 0.7
_OFF = frozenset({"off", "0", "no", "false", "none", "disabled"})
_GUESSES = 3


def default_miss_log_path() -> Path:
    """Return the default log path: ``state_dir()/misses.jsonl``."""
    return state_dir() / "misses.jsonl"


def _hash_user(salt: str, user: str) -> str:
    return hashlib.sha256(f"{salt}\x00{user}".encode()).hexdigest()[:20]


class MissLog:
    """An append-only JSON Lines log of missed questions; a disabled log (``path=None``) ignores everything.

    Safe to share between threads.  Writing problems (a read-only disk) never
    reach the caller: ``record()`` returns ``False`` and ``last_error`` says why.
    """

    def __init__(
        self,
        path: str | Path | None,
        interface: str = "api",
        *,
        low_confidence: float = DEFAULT_LOW_CONFIDENCE,
        max_bytes: int = DEFAULT_MAX_BYTES,
        backups: int = DEFAULT_BACKUPS,
    ) -> None:
        self.path = Path(path).expanduser() if path is not None else None
        self.interface = interface
        self.low_confidence = low_confidence
        self.max_bytes = max_bytes
        self.backups = max(0, backups)
        self.last_error: str | None = None
        self._salt: str | None = None
        self._lock = threading.Lock()
        self._handle: BinaryIO | None = None

    @classmethod
    def from_env(cls, interface: str, environ: Mapping[str, str] | None = None, **kwargs: Any) -> MissLog:
        """Return the log configured by ``SAHEL_BOT_MISS_LOG`` for ``interface`` ("repl", "webhook", ...).

        Returns a disabled log when the variable says ``off``, or when it is
        unset under pytest.  Never raises: a bad size setting falls back to the default.
        """
        env = os.environ if environ is None else environ
        raw = (env.get(ENV_VAR) or "").strip()
        if raw.lower() in _OFF:
            return cls(None, interface, **kwargs)
        if not raw and env.get("PYTEST_CURRENT_TEST"):
            return cls(None, interface, **kwargs)
        if "max_bytes" not in kwargs and env.get(MAX_BYTES_VAR):
            try:
                kwargs["max_bytes"] = max(1, int(env[MAX_BYTES_VAR]))
            except ValueError:
                pass
        return cls(Path(raw) if raw else default_miss_log_path(), interface, **kwargs)

    @classmethod
    def disabled(cls, interface: str = "api") -> MissLog:
        """Return a log that records nothing."""
        return cls(None, interface)

    @property
    def enabled(self) -> bool:
        return self.path is not None

    def is_miss(self, reply: Reply) -> bool:
        """Return true when ``reply`` should be logged: not answered, or answered below ``low_confidence``."""
        if not reply.question.strip():
            return False
        return not reply.answered or reply.confidence < self.low_confidence

    def record(self, reply: Reply, user: str | None = None) -> bool:
        """Append ``reply`` to the log if it is a miss; return true when a line was written.

        ``user`` (any id: a Slack user, a session) is stored only as a salted hash.
        """
        if self.path is None or not self.is_miss(reply):
            return False
        try:
            with self._lock:  # the salt is created on first use: once, by one thread
                entry = self._entry(reply, user)
                self._append((json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8"))
        except OSError as exc:
            self.last_error = f"cannot write the miss log {self.path}: {exc}"
            self._drop_handle()
            return False
        return True

    def close(self) -> None:
        """Close the log file (a later ``record()`` opens it again)."""
        with self._lock:
            self._drop_handle()

    def hash_user(self, user: str) -> str:
        """Return the salted hash stored for ``user`` (the salt is created on first use)."""
        return _hash_user(self._load_salt(), user)

    # -- internals -----------------------------------------------------------------

    def _entry(self, reply: Reply, user: str | None) -> dict[str, Any]:
        exp = reply.explanation
        return {
            "ts": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "interface": self.interface,
            "question": reply.question,
            "normalized": exp.normalized,
            "outcome": reply.outcome,
            "intent": reply.intent,
            "confidence": round(reply.confidence, 3),
            "guesses": [
                {"intent": c.intent, "score": round(c.score, 3), "detail": c.detail} for c in exp.candidates[:_GUESSES]
            ],
            "entities": [e.entity for e in exp.entities],
            "subject": reply.subject,
            "reason": exp.reason,
            "user": self.hash_user(user) if user else None,
        }

    def _salt_path(self) -> Path:
        assert self.path is not None
        return self.path.with_name(self.path.name + ".salt")

    def _load_salt(self) -> str:
        if self._salt is not None:
            return self._salt
        if self.path is None:
            self._salt = secrets.token_hex(16)  # a disabled log still hashes, never stores
            return self._salt
        salt_path = self._salt_path()
        salt_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(salt_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            self._salt = salt_path.read_text(encoding="utf-8").strip()
        else:
            salt = secrets.token_hex(16)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(salt + "\n")
            self._salt = salt
        return self._salt

    def _append(self, data: bytes) -> None:
        """Write ``data`` (whole lines) at the end of the log, rotating it first when it would grow too big.

        The file stays open between records (a server logs a miss every few requests; opening it each time
        was most of a cached answer's cost), unbuffered, so each record is one ``write`` and is on disk at
        once.  The path is checked against the open file every time: when the log was moved or deleted (by
        ``logrotate``, a maintainer, or another worker rotating it), it is opened again, so no line goes to a
        file nobody reads.
        """
        assert self.path is not None
        fh = self._handle
        if fh is not None:
            opened = os.fstat(fh.fileno())
            try:
                same = os.path.samestat(opened, os.stat(self.path))
            except FileNotFoundError:
                same = False
            if not same:
                self._drop_handle()
                fh = None
        if fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fh = self._open()
            opened = os.fstat(fh.fileno())
        size = opened.st_size
        if size and size + len(data) > self.max_bytes:
            self._drop_handle()
            self._rotate()
            fh = self._open()
        fh.write(data)

    def _open(self) -> BinaryIO:
        """Open the log for appending; it holds questions as people typed them, so only its owner may read it."""
        assert self.path is not None
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        if os.fstat(fd).st_mode & 0o077:  # a log created before it was private (or by a lax umask elsewhere)
            try:
                os.fchmod(fd, 0o600)
            except OSError:
                pass
        fh = self._handle = os.fdopen(fd, "ab", buffering=0)
        weakref.finalize(self, fh.close)  # a log dropped without close() still closes its file
        return fh

    def _drop_handle(self) -> None:
        fh, self._handle = self._handle, None
        if fh is not None:
            try:
                fh.close()
            except OSError:
                pass

    def _rotate(self) -> None:
        assert self.path is not None
        if self.backups == 0:
            self.path.unlink(missing_ok=True)
            return
        for i in range(self.backups - 1, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{i}")
            if older.exists():
                os.replace(older, self.path.with_name(f"{self.path.name}.{i + 1}"))
        os.replace(self.path, self.path.with_name(f"{self.path.name}.1"))


@dataclass(frozen=True, slots=True)
class Miss:
    """One logged miss, as read back from the log."""

    ts: str
    interface: str
    question: str
    outcome: str
    intent: str | None
    confidence: float
    guesses: tuple[dict[str, Any], ...]
    user: str | None
    raw: dict[str, Any]

    @property
    def nearest_intent(self) -> str | None:
        """Return the intent the bot picked, else its best guess, else ``None``."""
        if self.intent:
            return self.intent
        return str(self.guesses[0].get("intent")) if self.guesses else None


def read_misses(path: str | Path, include_rotated: bool = True) -> Iterator[Miss]:
    """Yield the misses in the log at ``path`` (oldest rotated file first); skip lines that are not JSON.

    Yields nothing when there is no log.
    """
    path = Path(path).expanduser()
    files = []
    if include_rotated:
        rotated = sorted(
            (p for p in path.parent.glob(path.name + ".*") if p.suffix[1:].isdigit()),
            key=lambda p: -int(p.suffix[1:]),
        )
        files.extend(rotated)
    files.append(path)
    for file in files:
        try:
            fh = file.open(encoding="utf-8")
        except OSError:
            continue
        with fh:
            for line in fh:
                try:
                    data = json.loads(line)
                except ValueError:
                    continue
                if not isinstance(data, dict) or not isinstance(data.get("question"), str):
                    continue
                guesses = tuple(g for g in data.get("guesses") or () if isinstance(g, dict))
                try:
                    confidence = float(data.get("confidence") or 0.0)
                except (TypeError, ValueError):
                    confidence = 0.0
                yield Miss(
                    ts=str(data.get("ts", "")),
                    interface=str(data.get("interface", "")),
                    question=data["question"],
                    outcome=str(data.get("outcome", "")),
                    intent=data.get("intent"),
                    confidence=confidence,
                    guesses=guesses,
                    user=data.get("user"),
                    raw=data,
                )
