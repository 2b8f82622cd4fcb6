"""Run the Slack-style webhook server (uvicorn) for Slack apps, Slack-compatible chat servers and POST /ask.

Imported by the CLI at start-up to register its arguments, so it imports only the standard library and
sahel_bot at module level; uvicorn and starlette are imported when the server starts.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import signal
import socket
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .arguments import port, positive_int
from .cli import add_knowledge_argument, load_bot
from .webhook_config import ENVIRONMENT, NOTHING_TO_SERVE, SECRETS, WebhookConfigError, WebhookSettings, redact_url

__all__ = ["add_arguments", "run", "settings_from_args"]


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
    parser.add_argument("--port", type=port, default=8000, help="port to listen on (default: 8000)")
    parser.add_argument(
        "--workers",
        type=positive_int,
        default=1,
        help="worker processes, each with its own socket on the port so connections spread across them "
        "(default: 1); share their state with --state",
    )
    parser.add_argument(
        "--state",
        dest="state_url",
        metavar="URL",
        help="share seen Slack event ids and conversation contexts between workers and hosts in Redis or "
        "Valkey: redis://HOST:PORT/DB, rediss:// for TLS, a password as redis://:PASSWORD@HOST... "
        "(env SAHEL_BOT_STATE_URL, better for a password; default: each process's own memory)",
    )
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
        "GET /healthz. With neither secret set, serve refuses to start (exit status 3).\n"
        "SIGHUP (kill -HUP, systemctl reload) reloads the knowledge in every worker; GET /healthz reports its\n"
        "digest and the shared store's state. See docs/deploy.md.\n\n"
        "environment:\n" + "\n".join(f"  {var}" for var in ENVIRONMENT.values())
    )


def settings_from_args(args: argparse.Namespace, environ: dict[str, str] | None = None) -> WebhookSettings:
    """Return the webhook settings: the environment, then secret files, then flags.

    Raises ``ConfigError`` naming what to set (the flag the user typed, or the variable) when a value is
    unusable or nothing is configured.
    """
    overrides: dict[str, Any] = {name: getattr(args, name, None) for name in FLAGS}
    overrides["state_url"] = getattr(args, "state_url", None)
    sources = {"state_url": "--state"}
    for name in SECRETS:
        path = getattr(args, f"{name}_file", None)
        if path:
            flag = f"--{_flag(name)}-file"
            try:
                secret = Path(path).read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError) as exc:
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                raise ConfigError(f"Cannot read {flag} {path!r}: {reason}.") from None
            if not secret:
                raise ConfigError(
                    f"{flag} {path!r} is empty: put the {ENVIRONMENT[name]} value in it, or leave {flag} out."
                )
            overrides[name] = secret
            sources[name] = f"{flag} {path!r}"
    settings = WebhookSettings.from_env(environ, sources, **overrides)
    if not settings.is_configured:
        raise WebhookConfigError(NOTHING_TO_SERVE)
    return settings


def startup_report(settings: WebhookSettings) -> tuple[str, dict[str, Any]]:
    """Return the start-up log line: which routes are on, which are off, and the secrets that are missing."""
    on, off, missing = [], [], []
    slack_routes = ["POST /slack/commands", "POST /slack/events"]
    token_routes = ["POST /slack/outgoing", "POST /ask"]
    (on if settings.slack_enabled else off).extend(slack_routes)
    (on if settings.token_enabled else off).extend(token_routes)
    on.append("GET /healthz")
    for name in SECRETS:
        if getattr(settings, name) is None:
            missing.append(ENVIRONMENT[name])
    text = "routes on: " + ", ".join(on)
    if off:
        text += "; off: " + ", ".join(off)
    if missing:
        why = {
            "SLACK_SIGNING_SECRET": "Slack routes off",
            "SLACK_BOT_TOKEN": "events acknowledged but not answered" if settings.slack_enabled else "not needed",
            "SAHEL_BOT_WEBHOOK_TOKEN": "token routes off",
        }
        text += "; secrets missing: " + ", ".join(f"{m} ({why[m]})" for m in missing)
    store = redact_url(settings.state_url) if settings.state_url else "each process's memory"
    text += f"; shared state: {store}"
    fields = {"routes_on": on, "routes_off": off, "secrets_missing": missing, "state": store}
    return text, fields


def _listen(host: str, port: int) -> Any:
    """Bind ``host:port`` (to check it is free, or to serve on); raise ``ConfigError`` in one plain line."""
    from .workers import listening_socket

    try:
        return listening_socket(host, port)
    except OSError as exc:
        where = f"{host}:{port}"
        if exc.errno == errno.EADDRINUSE:
            raise ConfigError(
                f"Cannot listen on {where}: the port is already in use (another server?); stop it or choose "
                "another --port."
            ) from None
        if exc.errno == errno.EACCES:
            raise ConfigError(f"Cannot listen on {where}: permission denied (ports below 1024 need root).") from None
        if exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT) or isinstance(exc, socket.gaierror):
            raise ConfigError(
                f"Cannot listen on {where}: {host!r} is not an address of this machine (--host)."
            ) from None
        raise ConfigError(f"Cannot listen on {where}: {exc.strerror or exc}.") from None


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
    from .logs import configure_logging, flush_logs_then_terminate
    from .reload import catch_early_sighup
    from .workers import WorkerSpec, has_reuse_port, run_workers, uvicorn_options

    # Before anything else: a port in use is one plain line, not a log and a traceback.
    sock = _listen(args.host, args.port)
    os.environ["SAHEL_BOT_LOG_LEVEL"] = args.log_level
    configure_logging(args.log_level)
    catch_early_sighup()
    log = logging.getLogger("sahel_bot.webhook")
    text, fields = startup_report(settings)
    where = f"http://{args.host}:{args.port}"
    log.info("serving on %s with %d worker(s); %s", where, args.workers, text, extra={"fields": fields})
    if settings.slack_enabled and settings.slack_bot_token is None:
        log.warning(
            "SLACK_BOT_TOKEN is not set (nor --slack-bot-token-file): Slack events are acknowledged, never answered"
        )
    spec = WorkerSpec(settings, args.knowledge, args.host, args.port, args.http, args.loop, args.log_level)
    bot = load_bot(args)  # fails here, once, with the knowledge errors, rather than in every worker
    if args.workers == 1:
        app = create_app(bot, settings, reload_on_sighup=True)
        signal.signal(signal.SIGTERM, flush_logs_then_terminate)
        uvicorn.Server(uvicorn.Config(app, **uvicorn_options(spec))).run(sockets=[sock])
        return 0
    sock.close()  # it only checked the port is free: the workers bind their own
    if settings.state_url is None:
        log.warning(
            "with --workers %d and no shared state, each worker keeps its own Slack event ids (a retried event "
            "that reaches another worker is answered again) and its own conversation contexts (a follow-up in a "
            "thread, DM, channel or /ask conversation that reaches another worker starts afresh); share them "
            "with --state redis://HOST:PORT/DB or SAHEL_BOT_STATE_URL",
            args.workers,
        )
    if not has_reuse_port():
        log.warning("this system has no SO_REUSEPORT: uvicorn's workers share one socket instead")
        os.environ.update(settings.to_env())
        if args.knowledge:
            os.environ["SAHEL_BOT_KNOWLEDGE_DIR"] = str(Path(args.knowledge).resolve())
        options = {k: v for k, v in uvicorn_options(spec).items() if k != "timeout_graceful_shutdown"}
        uvicorn.run("sahel_bot.interfaces.webhook:app_from_env", factory=True, workers=args.workers, **options)
        return 0
    del bot
    knowledge = str(Path(args.knowledge).resolve()) if args.knowledge else None
    spec = WorkerSpec(settings, knowledge, args.host, args.port, args.http, args.loop, args.log_level)
    return run_workers(spec, args.workers)
