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
import os
import time
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
from .reload import KnowledgeSource, Reloader
from .slack_routes import SlackRoutes
from .slack_signing import SlackVerifier
from .store import KeyValueStore
from .token_routes import TokenRoutes
from .webhook_answers import SORRY, Answerer, Answers
from .webhook_config import NOTHING_TO_SERVE, WebhookConfigError, WebhookSettings
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
    reload_on_sighup: bool = False,
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
        Where conversation contexts and seen Events API ids live (default: Redis when ``settings.state_url``
        is set, else in-memory ``TTLStore``\\ s).
    misses:
        Where declined and unsure answers are logged (default: ``MissLog.from_env(interface="webhook")``).
    reload_on_sighup:
        Load the knowledge again on SIGHUP (``sahel-bot serve`` sets it; the process's main thread must run
        the event loop).  The bot must be a ``sahel_bot.Bot``, which knows its knowledge directory.

    Raises ``WebhookConfigError`` (a ``ValueError``) when a secret is blank or nothing is configured at all.
    """
    settings = (settings if settings is not None else WebhookSettings.from_env()).checked()
    if not settings.is_configured:
        raise WebhookConfigError(NOTHING_TO_SERVE)
    shared = None
    if settings.state_url is not None and contexts is None and seen_events is None:
        from .state_store import shared_stores

        contexts, seen_events, shared = shared_stores(settings)
    answers = Answers(bot, settings, contexts, seen_events, misses)
    slack = SlackRoutes(answers, settings, clock)
    tokens = TokenRoutes(answers, settings)
    knowledge = Reloader(answers, KnowledgeSource.of(bot))
    started = time.time()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> Any:
        if reload_on_sighup:
            knowledge.listen()
        yield
        # Let queued answers finish (and be posted) before the process goes, and write out buffered logs.
        await anyio.to_thread.run_sync(answers.close)
        if shared is not None:
            await shared.close()
        for handler in logging.getLogger("sahel_bot").handlers:
            handler.flush()

    async def healthz(request: Request) -> Response:
        store: dict[str, Any] = {"kind": "memory", "state": "ok"}
        if shared is not None:
            await shared.check()
            store = shared.health()
        body = {
            "status": "degraded" if store["state"] != "ok" else "ok",
            "worker": {"pid": os.getpid(), "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started))},
            "knowledge": knowledge.health(),
            "store": store,
        }
        return JSONResponse(body)

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
    app.state.knowledge = knowledge
    app.state.store = shared
    return app


def app_from_env() -> Starlette:
    """Return the app for the shipped bot, configured from the environment (uvicorn's ``--factory`` entry)."""
    from ..bot import Bot
    from ..config import Settings
    from .logs import configure_logging

    configure_logging()
    return create_app(Bot.load(settings=Settings.from_env()), WebhookSettings.from_env(), reload_on_sighup=True)
