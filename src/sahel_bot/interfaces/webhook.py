"""The Slack-style webhook server: an ASGI (Starlette) app that answers through the bot's public API.

``create_app(bot, settings)`` returns the app; mount it, or run it with ``sahel-bot serve`` (uvicorn).
Routes: ``POST /slack/commands`` (signed slash commands), ``POST /slack/events`` (signed Events API),
``POST /slack/outgoing`` (token mode: Slack legacy outgoing webhooks, Mattermost, Rocket.Chat, Zulip),
``POST /ask`` (token-authenticated JSON) and ``GET /healthz``.  A route whose secret is not configured
answers 503; nothing a client sends ever gets a 5xx.  The routes live in ``slack_routes`` and
``token_routes``, answering in ``webhook_answers``, HTTP plumbing in ``webhook_http``.
May import: the public API, starlette, slack_sdk and the standard library.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from slack_sdk.signature import Clock
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..misses import MissLog
from ..reply import DECLINE, Reply
from .slack_routes import SlackRoutes
from .slack_signing import SlackVerifier
from .store import KeyValueStore
from .token_routes import TokenRoutes
from .webhook_answers import SORRY, Answerer, Answers
from .webhook_config import WebhookConfigError, WebhookSettings
from .webhook_http import AccessLog, empty, guarded, http_error

__all__ = ["Answerer", "SlackVerifier", "app_from_env", "create_app"]


def create_app(
    bot: Answerer,
    settings: WebhookSettings | None = None,
    *,
    clock: Clock | None = None,
    contexts: KeyValueStore | None = None,
    seen_events: KeyValueStore | None = None,
    misses: MissLog | None = None,
) -> Starlette:
    """Return the webhook ASGI app answering through ``bot``.

    Parameters
    ----------
    bot:
        Anything with ``answer(question, context) -> (Reply, Context)``: a ``sahel_bot.Bot``, or a test stub.
    settings:
        Secrets and limits (default: ``WebhookSettings.from_env()``).  Routes whose secret is unset answer 503.
    clock:
        The clock of signature checks (slack_sdk's ``Clock``; tests freeze it).
    contexts, seen_events:
        Where conversation contexts and seen Events API ids live (default: in-memory ``TTLStore``\\ s).
    misses:
        Where declined and unsure answers are logged (default: ``MissLog.from_env(interface="webhook")``).

    Raises ``WebhookConfigError`` (a ``ValueError``) when a secret is blank or nothing is configured at all.
    """
    settings = (settings if settings is not None else WebhookSettings.from_env()).checked()
    if not settings.is_configured:
        raise WebhookConfigError(
            "Nothing to serve: set SLACK_SIGNING_SECRET (Slack apps) or SAHEL_BOT_WEBHOOK_TOKEN "
            "(outgoing webhooks and POST /ask)."
        )
    answers = Answers(bot, settings, contexts, seen_events, misses)
    slack = SlackRoutes(answers, settings, clock)
    tokens = TokenRoutes(answers, settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> Any:
        yield
        # Let queued answers finish (and be posted) before the process goes, and write out buffered logs.
        await anyio.to_thread.run_sync(answers.close)
        for handler in logging.getLogger("sahel_bot").handlers:
            handler.flush()

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    sorry_slash = lambda: JSONResponse({"response_type": "ephemeral", "text": SORRY})  # noqa: E731
    routes = [
        Route("/slack/commands", guarded(slack.commands, sorry_slash), methods=["POST"]),
        Route("/slack/events", guarded(slack.events, empty), methods=["POST"]),
        Route("/slack/outgoing", guarded(tokens.outgoing, lambda: JSONResponse({"text": SORRY})), methods=["POST"]),
        Route(
            "/ask",
            guarded(tokens.ask, lambda: JSONResponse(Reply("", False, SORRY, DECLINE).to_dict())),
            methods=["POST"],
        ),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error}, lifespan=lifespan)
    app.add_middleware(AccessLog)
    app.state.answers = answers
    return app


def app_from_env() -> Starlette:
    """Return the app for the shipped bot, configured from the environment (uvicorn's ``--factory`` entry)."""
    from ..bot import Bot
    from ..config import Settings
    from .serve import configure_logging

    configure_logging()
    return create_app(Bot.load(settings=Settings.from_env()), WebhookSettings.from_env())
