"""The Slack routes: ``POST /slack/commands`` (slash commands) and ``POST /slack/events`` (Events API).

Both verify Slack's request signature over the raw body first.  Slash commands are answered inline (or
"Looking that up…" and later through ``response_url``); events are acknowledged at once, de-duplicated by
``event_id``, and answered in their thread with ``chat.postMessage``.
May import: the public API, starlette, slack_sdk and the standard library.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from slack_sdk.signature import Clock
from slack_sdk.web import WebClient
from slack_sdk.webhook import WebhookClient
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..reply import DECLINE, Reply
from .slack_blocks import slack_message, slack_to_plain
from .slack_signing import SlackVerifier
from .webhook_answers import BUSY, LOOKING, SORRY, Answers, Asked, Job
from .webhook_config import WebhookSettings, secret_setting
from .webhook_http import as_str, empty, error, form_fields, invalid, not_configured, note, read_body, unquote

__all__ = ["SlackRoutes", "late_to"]

log = logging.getLogger("sahel_bot.webhook")

_COMMAND_FIELDS = frozenset({"ssl_check", "command", "text", "user_id", "response_url"})
#: decoded only when used: a cached answer never needs the response_url, a known command is matched encoded
_COMMAND_ENCODED = frozenset({"command", "response_url"})


class SlackRoutes:
    """The two signed Slack endpoints over the shared ``Answers``."""

    def __init__(self, answers: Answers, settings: WebhookSettings, clock: Clock | None) -> None:
        self.answers = answers
        self.settings = settings
        self.verifier = SlackVerifier(settings.slack_signing_secret, clock) if settings.slack_signing_secret else None
        self.web = (
            WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=10)
            if settings.slack_bot_token
            else None
        )
        # the configured commands as Slack sends them ("/ask" arrives as "%2Fask"): matched without decoding
        self._encoded_commands = {urllib.parse.quote_plus(c): c for c in settings.slack_commands}
        self._rendered: OrderedDict[tuple[int, str], tuple[Reply, bytes]] = OrderedDict()
        self._rendered_lock = threading.Lock()

    # -- /slack/commands ----------------------------------------------------------------

    async def commands(self, request: Request) -> Response:
        if self.verifier is None:
            return not_configured(secret_setting("slack_signing_secret"))
        body = await read_body(request, self.settings.max_body_bytes)
        verdict = self.verifier.check(body, request.headers)
        note(request, signature=verdict)
        if verdict == "bad":
            return invalid()
        if verdict == "undecodable":
            return error(400, "the request body is not UTF-8")
        form = form_fields(body, _COMMAND_FIELDS, _COMMAND_ENCODED)
        if form.get("ssl_check") == "1":
            return empty()
        encoded_command = form.get("command", "")
        command = self._encoded_commands.get(encoded_command) or unquote(encoded_command)
        note(request, command=command[:40])
        if command not in self.settings.slack_commands:
            log.warning("slash command %r is not in SAHEL_BOT_SLACK_COMMANDS (--slack-commands)", command[:40])
            known = ", ".join(f"`{c}`" for c in self.settings.slack_commands)
            return self._ephemeral(f"Sorry, that is an unknown command for me; I answer {known}.")
        question = slack_to_plain(form.get("text", ""))
        if not question or question.lower() in ("help", "?"):
            return self._ephemeral(self.answers.usage(command))
        refusal = self.answers.cut(question)
        if refusal:
            return self._ephemeral(refusal)
        # A slash command is a single question, like `sahel-bot ask`: it has no thread to hold a conversation
        # (follow-ups work in threads and DMs), and a single question is the same answer for everyone (cached).
        asked = Asked(question, None, form.get("user_id", ""))
        rtype = self.settings.response_type
        reply = self.answers.cached(asked)
        if reply is not None:  # the common case, and microseconds: nothing else to prepare
            outcome = "answer"
        else:
            response_url = unquote(form.get("response_url", ""))
            late = self._late_to(response_url, self._renderer(rtype)) if response_url else None
            outcome, reply = await self.answers.answer(asked, self.settings.answer_budget if late else None, late)
        note(request, outcome=reply.outcome if reply else outcome)
        if reply is not None:
            return Response(self._slack_json(reply, rtype), media_type="application/json")
        if outcome == "late":
            return self._ephemeral(LOOKING)
        return self._ephemeral(BUSY if outcome == "busy" else SORRY)

    def _slack_json(self, reply: Reply, response_type: str) -> bytes:
        """Return ``reply`` as a slash-command reply, JSON-encoded; kept for replies from the answer cache."""
        key = (id(reply), response_type)
        with self._rendered_lock:
            hit = self._rendered.get(key)
        if hit is not None and hit[0] is reply:  # the id is only trusted while the reply it named is held
            return hit[1]
        body = json.dumps(
            slack_message(reply, self.answers.about, response_type), ensure_ascii=False, separators=(",", ":")
        ).encode()
        size = self.answers.cache.size
        if size:
            with self._rendered_lock:
                self._rendered[key] = (reply, body)
                while len(self._rendered) > size:
                    self._rendered.popitem(last=False)
        return body

    def _renderer(self, response_type: str) -> Callable[[Reply], dict[str, Any]]:
        about = self.answers.about
        return lambda reply: slack_message(reply, about, response_type)

    def _ephemeral(self, text: str) -> JSONResponse:
        return JSONResponse({"response_type": "ephemeral", "text": text})

    def _late_to(self, url: str, render: Callable[[Reply], dict[str, Any]]) -> Callable[[Reply | None], None] | None:
        """Return a function that posts a late answer to ``url`` (a slash command's ``response_url``), once."""
        return late_to(url, render, self.settings.response_type)

    # -- /slack/events ------------------------------------------------------------------

    async def events(self, request: Request) -> Response:
        if self.verifier is None:
            return not_configured(secret_setting("slack_signing_secret"))
        body = await read_body(request, self.settings.max_body_bytes)
        verdict = self.verifier.check(body, request.headers)
        note(request, signature=verdict, retry=request.headers.get("x-slack-retry-num", "")[:3])
        if verdict == "bad":
            return invalid()
        # A malformed event will not get better on retry: say so, so Slack does not count it again and again.
        if verdict == "undecodable":
            return error(400, "the request body is not UTF-8", **{"x-slack-no-retry": "1"})
        try:
            payload = json.loads(body)
        except ValueError:
            return error(400, "the request body is not JSON", **{"x-slack-no-retry": "1"})
        if not isinstance(payload, dict):
            return error(400, "the request body is not a JSON object", **{"x-slack-no-retry": "1"})
        kind = payload.get("type")
        note(request, envelope=as_str(kind)[:40])
        if kind == "url_verification":
            challenge = payload.get("challenge")
            if not isinstance(challenge, str):
                return error(400, "url_verification without a challenge", **{"x-slack-no-retry": "1"})
            return JSONResponse({"challenge": challenge})
        event = payload.get("event")
        if kind != "event_callback" or not isinstance(event, dict):
            return empty()
        note(request, event=as_str(event.get("type"))[:40])
        found = self._event_question(payload, event)
        if found is None:
            note(request, outcome="ignored")
            return empty()
        asked, channel, thread_ts = found
        event_id = payload.get("event_id")
        # Recorded at receipt, not after answering: a retry may arrive while the first delivery is being answered.
        if isinstance(event_id, str) and not await self.answers.first_delivery(event_id):
            note(request, outcome="duplicate")
            return empty()
        if self.web is None:
            log.warning(
                "SLACK_BOT_TOKEN is not set (nor --slack-bot-token-file): an event was received but cannot be answered"
            )
            note(request, outcome="no-token")
            return empty()
        refusal = self.answers.cut(asked.question) if asked.question else self.answers.usage()
        post = functools.partial(self._post, channel, thread_ts)
        # Nobody waits for this job: Slack has its 200 already, the answer goes through chat.postMessage.
        if refusal:
            job = Job(lambda: Reply(asked.question, False, refusal, DECLINE), post, waited=False)
        else:
            job = await self.answers.job(asked, post, waited=False)
        if not self.answers.submit(job):
            if isinstance(event_id, str):
                await self.answers.forget_delivery(event_id)  # so Slack's retry, in a minute, is answered
            note(request, outcome="busy")
            return error(503, "busy", **{"retry-after": "60"})
        note(request, outcome="queued")
        return empty()

    def _event_question(self, payload: dict[str, Any], event: dict[str, Any]) -> tuple[Asked, str, str] | None:
        """Return the question an event asks, its channel and thread; ``None`` for events not meant for us."""
        if event.get("bot_id") or event.get("subtype"):
            return None  # bots (ourselves included) and edits, joins, broadcasts...: never talk to ourselves
        user, channel, ts, text = (as_str(event.get(k)) for k in ("user", "channel", "ts", "text"))
        if not (user and channel and ts) or user in self._own_user_ids(payload):
            return None
        team = as_str(payload.get("team_id"))
        if event.get("type") == "app_mention":
            key: Hashable = ("thread", team, channel, as_str(event.get("thread_ts")) or ts)
        elif event.get("type") == "message" and event.get("channel_type") == "im":
            key = ("dm", team, channel)
        else:
            return None
        question = slack_to_plain(text, self.settings.slack_bot_user_id)
        # Reply to the thread's parent, never to a reply (Slack's docs).
        return Asked(question, key, user), channel, as_str(event.get("thread_ts")) or ts

    def _own_user_ids(self, payload: dict[str, Any]) -> set[str]:
        ids = {self.settings.slack_bot_user_id} if self.settings.slack_bot_user_id else set()
        authorizations = payload.get("authorizations")
        if isinstance(authorizations, list):
            ids.update(
                a["user_id"]
                for a in authorizations
                if isinstance(a, dict) and a.get("is_bot") and isinstance(a.get("user_id"), str)
            )
        return ids

    def _post(self, channel: str, thread_ts: str, reply: Reply | None) -> None:
        assert self.web is not None
        message = slack_message(reply, self.answers.about, in_thread=True) if reply is not None else {"text": SORRY}
        self.web.chat_postMessage(channel=channel, thread_ts=thread_ts, **message)


def late_to(
    url: str, render: Callable[[Reply], dict[str, Any]], response_type: str
) -> Callable[[Reply | None], None] | None:
    """Return a function that posts a late answer to ``url`` (a ``response_url``) once; ``None`` for a bad URL."""
    if not url.startswith(("https://", "http://")):
        return None

    def deliver(reply: Reply | None) -> None:
        message = render(reply) if reply is not None else {"response_type": "ephemeral", "text": SORRY}
        message.setdefault("response_type", response_type)
        response = WebhookClient(url, timeout=10).send_dict(message)
        if response.status_code != 200:
            log.warning("response_url answered %s", response.status_code)

    return deliver
