"""Run the Slack-style webhook server (uvicorn) for Slack apps, Slack-compatible chat servers and POST /ask.

Imported by the CLI at start-up to register its arguments, so it imports only the standard library and
sahel_bot at module level; uvicorn and starlette are imported when the server starts.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .cli import add_knowledge_argument, load_bot
from .webhook_config import ENVIRONMENT, SECRETS, WebhookConfigError, WebhookSettings

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
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    parser.add_argument(
        "--workers",
        type=int,
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
        "GET /healthz. With neither secret set, serve refuses to start (exit status 3).\n\n"
        "environment:\n" + "\n".join(f"  {var}" for var in ENVIRONMENT.values())
    )


def settings_from_args(args: argparse.Namespace, environ: dict[str, str] | None = None) -> WebhookSettings:
    """Return the webhook settings: the environment, then secret files, then flags.

    Raises ``ConfigError`` naming what to set when a value is unusable or nothing is configured.
    """
    overrides: dict[str, Any] = {name: getattr(args, name, None) for name in FLAGS}
    overrides["state_url"] = getattr(args, "state_url", None)
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
    from .workers import WorkerSpec, has_reuse_port, listening_socket, run_workers, uvicorn_options

    os.environ["SAHEL_BOT_LOG_LEVEL"] = args.log_level
    configure_logging(args.log_level)
    catch_early_sighup()
    log = logging.getLogger("sahel_bot.webhook")
    spec = WorkerSpec(settings, args.knowledge, args.host, args.port, args.http, args.loop, args.log_level)
    bot = load_bot(args)  # fails here, once, with the knowledge errors, rather than in every worker
    if args.workers == 1:
        app = create_app(bot, settings, reload_on_sighup=True)
        signal.signal(signal.SIGTERM, flush_logs_then_terminate)
        uvicorn.Server(uvicorn.Config(app, **uvicorn_options(spec))).run()
        return 0
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
    # Is the address free?  (The workers share it through SO_REUSEPORT; nothing else may hold it.)
    listening_socket(args.host, args.port).close()
    knowledge = str(Path(args.knowledge).resolve()) if args.knowledge else None
    return run_workers(
        WorkerSpec(settings, knowledge, args.host, args.port, args.http, args.loop, args.log_level), args.workers
    )
