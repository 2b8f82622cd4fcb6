"""Run the Slack-style webhook server (uvicorn) for Slack apps, Slack-compatible chat servers and POST /ask.

Imported by the CLI at start-up to register its arguments, so it imports only the standard library and
sahel_bot at module level; uvicorn and starlette are imported when the server starts.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
from collections import deque
from pathlib import Path
from types import FrameType
from typing import Any

from ..errors import ConfigError
from .cli import add_knowledge_argument, load_bot
from .webhook_config import ACCESS_LOG, ENVIRONMENT, SECRETS, WebhookConfigError, WebhookSettings

__all__ = ["add_arguments", "configure_logging", "run"]


#: settings with a flag of their own (secrets come from the environment or a file, never the command line)
FLAGS: dict[str, str] = {
    "slack_api_url": "the Slack Web API base URL",
    "slack_bot_user_id": "the bot's own Slack user id, so it never answers itself",
    "slack_commands": "comma-separated slash commands answered on /slack/commands",
    "response_type": "'ephemeral' (only the asker sees answers) or 'in_channel'",
    "answer_budget": "seconds a slash command waits before answering later through response_url",
    "max_body_bytes": "larger request bodies get 413",
    "max_question_chars": "longer questions get a polite refusal",
    "context_ttl": "seconds a thread's conversation is remembered",
    "event_ttl": "seconds an Events API event_id is remembered (retries are answered once)",
    "answer_cache": "how many answers are cached (0: off)",
    "background_threads": "threads answering events and slow commands",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the ``serve`` options on ``parser``."""
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (default: 1)")
    parser.add_argument(
        "--log-level",
        default="info",
        choices=["debug", "info", "warning", "error"],
        help="'info' logs one JSON line per request; 'warning' only problems (default: info)",
    )
    parser.add_argument(
        "--http",
        default="auto",
        choices=["auto", "h11", "httptools"],
        help="uvicorn's HTTP parser (auto: httptools when installed, as with uvicorn[standard])",
    )
    parser.add_argument(
        "--loop",
        default="auto",
        choices=["auto", "asyncio", "uvloop"],
        help="uvicorn's event loop (auto: uvloop when installed)",
    )
    add_knowledge_argument(parser)
    for name in SECRETS:
        parser.add_argument(
            f"--{_flag(name)}-file",
            dest=f"{name}_file",
            metavar="FILE",
            help=f"read {ENVIRONMENT[name]} from FILE (secrets are never taken on the command line)",
        )
    for name, help_text in FLAGS.items():
        parser.add_argument(
            f"--{_flag(name)}", dest=name, metavar="VALUE", help=f"{help_text} (env {ENVIRONMENT[name]})"
        )
    parser.epilog = _epilog() + "\n\n" + (parser.epilog or "")


def _flag(name: str) -> str:
    return name.replace("_", "-")


def _epilog() -> str:
    return (
        "Routes: POST /slack/commands and /slack/events (on with SLACK_SIGNING_SECRET; answers to events are\n"
        "posted with SLACK_BOT_TOKEN), POST /slack/outgoing and /ask (on with SAHEL_BOT_WEBHOOK_TOKEN),\n"
        "GET /healthz. With neither secret set, serve refuses to start (exit status 3).\n\n"
        "environment:\n" + "\n".join(f"  {var}" for var in ENVIRONMENT.values())
    )


def settings_from_args(args: argparse.Namespace, environ: dict[str, str] | None = None) -> WebhookSettings:
    """Return the webhook settings: the environment, then secret files, then flags.

    Raises ``ConfigError`` naming what to set when a value is unusable or nothing is configured.
    """
    overrides: dict[str, Any] = {name: getattr(args, name, None) for name in FLAGS}
    for name in SECRETS:
        path = getattr(args, f"{name}_file", None)
        if path:
            try:
                overrides[name] = Path(path).read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"Cannot read {ENVIRONMENT[name]} from {path!r}: {exc}.") from None
    settings = WebhookSettings.from_env(environ, **overrides)
    if not settings.is_configured:
        raise WebhookConfigError(
            "Nothing to serve: set SLACK_SIGNING_SECRET (and SLACK_BOT_TOKEN) for a Slack app, or "
            "SAHEL_BOT_WEBHOOK_TOKEN for outgoing webhooks (Mattermost, Rocket.Chat, Zulip) and POST /ask."
        )
    return settings


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


def _flush_logs_then_terminate(signum: int, frame: FrameType | None) -> None:
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


def run(args: argparse.Namespace) -> int:
    """Start the server; return the exit status when it stops."""
    settings = settings_from_args(args)
    if args.workers < 1:
        raise ConfigError(f"--workers must be at least 1, not {args.workers}.")
    try:
        import uvicorn

        from .webhook import create_app
    except ImportError as exc:
        raise ConfigError(f"The webhook needs its extra: pip install 'sahel-bot[webhook]' ({exc}).") from None

    os.environ["SAHEL_BOT_LOG_LEVEL"] = args.log_level
    configure_logging(args.log_level)
    common: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_config": None,  # ours: JSON lines, and no access log with query strings
        "access_log": False,
        "server_header": False,
        "proxy_headers": False,
        "http": args.http,
        "loop": args.loop,
    }
    if args.workers == 1:
        app = create_app(load_bot(args), settings)
        signal.signal(signal.SIGTERM, _flush_logs_then_terminate)
        uvicorn.run(app, **common)
        return 0
    if settings.slack_enabled:
        logging.getLogger("sahel_bot.webhook").warning(
            "with --workers %d, each worker keeps its own seen event ids and thread contexts: a retried Slack "
            "event that reaches another worker is answered again; one worker serves thousands of requests a second",
            args.workers,
        )
    # Each worker process builds its own app from the environment: hand the resolved settings down.
    os.environ.update(settings.to_env())
    if args.knowledge:
        os.environ["SAHEL_BOT_KNOWLEDGE_DIR"] = str(Path(args.knowledge).resolve())
    load_bot(args)  # fail here, once, with the knowledge errors, rather than in every worker
    uvicorn.run("sahel_bot.interfaces.webhook:app_from_env", factory=True, workers=args.workers, **common)
    return 0
