"""Logs of the webhook server: JSON lines on standard error, access lines buffered and written out in batches.

Imported by ``serve`` before starlette or uvicorn; the standard library only.
May import: the standard library and ``webhook_config``.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
import time
from collections import deque
from types import FrameType
from typing import Any

from .webhook_config import ACCESS_LOG

__all__ = ["BufferedStderrHandler", "JsonFormatter", "configure_logging", "flush_logs_then_terminate"]


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the record's structured ``fields``."""

    _second = -1
    _stamp = ""

    def format(self, record: logging.LogRecord) -> str:
        second = int(record.created)
        if second != self._second:  # one strftime per second, not per line (an access line per request)
            self._second, self._stamp = second, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second))
        out: dict[str, Any] = {
            "time": self._stamp,
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            out.update(fields)
        if record.exc_info:
            out["error"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


class BufferedStderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Standard error through a 64 KiB buffer, written out every ``interval`` seconds (a tenth), at once for warnings
    and errors, and at exit: an access line per request must not cost a system call each.

    Access lines (``access_writer``) are queued as they are and turned into JSON when the buffer is written
    out, a few thousand at a time: on a busy server that is most of the logging work, done in one go
    instead of in every request.  Other records are written in order after the access lines before them.
    """

    #: queued access lines beyond which the request path writes them out itself (a stalled stderr must
    #: slow the server down, not fill its memory)
    max_queued = 50_000

    def __init__(self, interval: float = 0.1) -> None:
        # lives as long as the process; written out by close() at exit
        stream = open(
            sys.stderr.fileno(), "w", buffering=1 << 16, encoding="utf-8", errors="backslashreplace", closefd=False
        )
        super().__init__(stream)
        self.interval = interval
        self._queued: deque[tuple[float, dict[str, Any]]] = deque()
        self._encode = json.JSONEncoder(ensure_ascii=False, default=str).encode
        self._heads: tuple[int, str] = (-1, "")
        threading.Thread(target=self._flush_every_interval, name="sahel-bot-log-flush", daemon=True).start()

    def emit(self, record: logging.LogRecord) -> None:
        # StreamHandler.emit, without its flush after every record
        try:
            text = self.format(record) + self.terminator
            with self.lock:  # type: ignore[union-attr]
                self._write_queued()
                self.stream.write(text)
                if record.levelno >= logging.WARNING:
                    self.stream.flush()
        except RecursionError:
            raise
        except Exception:
            self.handleError(record)

    def flush(self) -> None:
        with self.lock:  # type: ignore[union-attr]
            self._write_queued()
            self.stream.flush()

    def access_writer(self) -> Any:
        """Return a function queueing one access line (a dict of fields, not changed afterwards)."""
        queue, now = self._queued, time.time

        def write(fields: dict[str, Any]) -> None:
            queue.append((now(), fields))
            if len(queue) > self.max_queued:
                self.flush()

        return write

    def _write_queued(self) -> None:
        """Write the queued access lines as JSON, as ``JsonFormatter`` would (call with the lock held)."""
        queue, encode = self._queued, self._encode
        lines = []
        second, head = self._heads
        for _ in range(len(queue)):  # other threads may append meanwhile: take what is there now
            created, fields = queue.popleft()
            if int(created) != second:
                second = int(created)
                stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second))
                head = f'{{"time": "{stamp}", "level": "info", "logger": "{ACCESS_LOG}", "message": "request"'
            body = encode(fields)
            lines.append(head + (", " + body[1:] if len(body) > 2 else "}"))
        self._heads = (second, head)
        if lines:
            lines.append("")
            self.stream.write("\n".join(lines))

    def _flush_every_interval(self) -> None:
        while True:
            time.sleep(self.interval)
            self.flush()


def flush_logs_then_terminate(signum: int, frame: FrameType | None) -> None:
    """SIGTERM, once uvicorn has shut down: write out buffered log lines, then die of the signal as usual.

    uvicorn re-raises the signal it stopped for, which would end the process before ``atexit`` flushes.
    """
    for name in ("sahel_bot", "uvicorn"):
        for handler in logging.getLogger(name).handlers:
            handler.flush()
    signal.signal(signum, signal.SIG_DFL)
    signal.raise_signal(signum)


def configure_logging(level: str | None = None) -> None:
    """Send sahel_bot's and uvicorn's logs to standard error as JSON lines (once per process)."""
    level = (level or os.environ.get("SAHEL_BOT_LOG_LEVEL") or "info").upper()
    # The JSON lines use none of these; skipping them makes each record (one per request) cheaper.
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    handler = BufferedStderrHandler()
    handler.setFormatter(JsonFormatter())
    for name in ("sahel_bot", "uvicorn"):
        logger = logging.getLogger(name)
        if not any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
            logger.addHandler(handler)
        logger.setLevel(level)
        logger.propagate = False
    from .webhook_http import access_log, set_access_sink

    set_access_sink(handler.access_writer() if access_log.isEnabledFor(logging.INFO) else None)
