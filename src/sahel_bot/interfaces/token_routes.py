"""The token routes: ``POST /slack/outgoing`` (Slack legacy outgoing webhooks, Mattermost, Rocket.Chat,
Zulip) and ``POST /ask`` (JSON in, ``sahel-bot ask --json`` out).

Both authenticate with a shared token (``SAHEL_BOT_WEBHOOK_TOKEN``, several allowed), compared in constant
time against every configured token.
May import: the public API, starlette and the standard library.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..reply import DECLINE, Reply
from .slack_blocks import plain_text, slack_to_plain, strip_leading_mention
from .slack_routes import late_to
from .webhook_answers import BUSY, LOOKING, SORRY, Answers, Asked
from .webhook_config import WebhookSettings, secret_setting
from .webhook_http import Reject, as_str, empty, error, form_fields, invalid, not_configured, note, read_body

__all__ = ["TokenRoutes"]

WRONG_TOKEN = "the token is not one this server accepts (SAHEL_BOT_WEBHOOK_TOKEN)"


class TokenRoutes:
    """The two token-authenticated endpoints over the shared ``Answers``."""

    def __init__(self, answers: Answers, settings: WebhookSettings) -> None:
        self.answers = answers
        self.settings = settings
        # Several tokens, comma-separated: Mattermost gives each outgoing webhook and slash command its own.
        self.tokens = tuple(t.strip().encode() for t in (settings.webhook_token or "").split(",") if t.strip())

    def _bearer_refusal(self, header: str | None) -> Response | None:
        """Return the 401 saying what is wrong with an ``Authorization`` header, or ``None`` when it is good.

        Says whether the header is missing, malformed or holds a token this server does not accept; never
        which tokens it does accept (RFC 6750's ``WWW-Authenticate`` says the same to machines).
        """
        challenge = 'Bearer realm="sahel-bot"'
        if not header:
            return invalid(
                "no token: send the header 'Authorization: Bearer <token>'", **{"www-authenticate": challenge}
            )
        scheme, _, credential = header.strip().partition(" ")
        if scheme.lower() != "bearer":
            return invalid(
                f"the Authorization header uses the {scheme[:20]!r} scheme; send 'Authorization: Bearer <token>'",
                **{"www-authenticate": challenge + ', error="invalid_request"'},
            )
        if not credential.strip():
            return invalid(
                "the Authorization header has no token after 'Bearer'",
                **{"www-authenticate": challenge + ', error="invalid_request"'},
            )
        if not self._token_ok(credential.strip()):
            return invalid(WRONG_TOKEN, **{"www-authenticate": challenge + ', error="invalid_token"'})
        return None

    def _token_ok(self, token: str) -> bool:
        candidate = token.encode("utf-8", "surrogatepass")
        ok = False
        for known in self.tokens:  # every one compared, in constant time: no early exit to time
            ok |= hmac.compare_digest(candidate, known)
        return ok

    # -- /slack/outgoing ----------------------------------------------------------------

    async def outgoing(self, request: Request) -> Response:
        if not self.tokens:
            return not_configured(secret_setting("webhook_token"))
        body = await read_body(request, self.settings.max_body_bytes)
        fields = _payload(body, request.headers.get("content-type", ""))
        token = as_str(fields.get("token"))
        scheme, _, credential = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() in ("token", "bearer") and credential:
            token = credential.strip()
        if not token:
            note(request, token="missing")
            return invalid("no token: send the webhook's token as its 'token' field (or 'Authorization: Token ...')")
        if not self._token_ok(token):
            note(request, token="bad")
            return invalid(WRONG_TOKEN)
        dialect = _dialect(fields)
        note(request, dialect=dialect)
        # Rocket.Chat marks messages from bots (our own replies included): never reply to them.
        if fields.get("bot") and fields.get("bot") not in ("false", "0"):
            note(request, outcome="ignored")
            return empty()
        question = _outgoing_question(fields, dialect)
        user = as_str(fields.get("user_id"))
        slash = dialect == "mattermost-slash"
        rtype = self.settings.response_type

        def reply_with(text: str, response_type: str | None = None) -> JSONResponse:
            if slash:
                return JSONResponse({"response_type": response_type or rtype, "text": text})
            if dialect == "mattermost":
                return JSONResponse({"text": text, "response_type": "comment"})
            return JSONResponse({"text": text})

        if not question or question.lower() in ("help", "?"):
            return reply_with(self.answers.usage())
        refusal = self.answers.cut(question)
        if refusal:
            return reply_with(refusal, "ephemeral")
        escaped = dialect == "slack"
        late = None
        if slash:
            about = self.answers.about
            late = late_to(as_str(fields.get("response_url")), lambda r: {"text": plain_text(r, about, escaped)}, rtype)
        # A conversation per channel and user, so "where is he from?" follows the asker's own last question;
        # a slash command is a single question, as in Slack.
        channel = as_str(fields.get("channel_id"))
        key = None if slash or not (channel and user) else ("outgoing", as_str(fields.get("team_id")), channel, user)
        outcome, reply = await self.answers.answer(Asked(question, key, user), self.settings.answer_budget, late)
        note(request, outcome=reply.outcome if reply else outcome)
        if reply is not None:
            return reply_with(plain_text(reply, self.answers.about, escaped))
        if outcome == "late" and late is not None:
            return reply_with(LOOKING, "ephemeral")
        return reply_with(BUSY if outcome == "busy" else SORRY, "ephemeral")

    # -- /ask ---------------------------------------------------------------------------

    async def ask(self, request: Request) -> Response:
        if not self.tokens:
            return not_configured(secret_setting("webhook_token"))
        body = await read_body(request, self.settings.max_body_bytes)
        refusal = self._bearer_refusal(request.headers.get("authorization"))
        if refusal is not None:
            return refusal
        try:
            payload = json.loads(body)
        except ValueError:
            return error(400, "the request body is not JSON")
        if not isinstance(payload, dict) or not isinstance(payload.get("question"), str):
            example = json.dumps({"question": next(iter(self.answers.about.examples), "…")}, ensure_ascii=False)
            return error(400, f"expected a JSON object such as {example}")
        conversation = payload.get("conversation")
        if conversation is not None and (not isinstance(conversation, str) or len(conversation) > 200):
            return error(400, "'conversation' must be a string of at most 200 characters")
        explain = payload.get("explain", False)
        if not isinstance(explain, bool):
            return error(400, "'explain' must be true or false")
        question = payload["question"]
        if len(question) > self.settings.max_question_chars:
            return error(400, f"the question is longer than {self.settings.max_question_chars} characters")
        key = ("ask", conversation) if conversation else None
        outcome, reply = await self.answers.answer(Asked(question, key), None)
        note(request, outcome=reply.outcome if reply else outcome)
        if reply is None:
            if outcome == "busy":
                return error(503, "busy", **{"retry-after": "5"})
            reply = Reply(question, False, SORRY, DECLINE)
        return JSONResponse(reply.to_dict(explain=explain))


def _payload(body: bytes, content_type: str) -> dict[str, Any]:
    """Return an outgoing webhook's fields, JSON or form-encoded; raise ``Reject`` (400) when unreadable."""
    try:
        if content_type.split(";")[0].strip().lower() == "application/json":
            data = json.loads(body)
            if not isinstance(data, dict):
                raise Reject(error(400, "the request body is not a JSON object"))
            return data
        return form_fields(body)
    except (ValueError, UnicodeDecodeError):
        raise Reject(error(400, "the request body is neither JSON nor a UTF-8 form")) from None


def _dialect(fields: Mapping[str, Any]) -> str:
    """Return which chat server sent an outgoing webhook, from the fields each one documents."""
    if as_str(fields.get("command")).startswith("/"):
        return "mattermost-slash"
    if "post_id" in fields:
        return "mattermost"
    if "message_id" in fields or "bot" in fields:
        return "rocketchat"
    if "service_id" in fields or fields.get("trigger_word") == "mention":
        return "zulip"
    return "slack"


def _outgoing_question(fields: Mapping[str, Any], dialect: str) -> str:
    text = as_str(fields.get("text")).strip()
    trigger = as_str(fields.get("trigger_word"))
    if trigger and trigger != "mention" and text.lower().startswith(trigger.lower()):
        text = text[len(trigger) :]
    if dialect == "zulip":
        # Zulip's mention of the bot: @**Name** or the silent @_**Name**
        if text.startswith(("@**", "@_**")):
            end = text.find("**", text.index("**") + 2)
            text = text[end + 2 :] if end != -1 else text
        return " ".join(text.split())
    if dialect == "slack":
        return slack_to_plain(text)
    return " ".join(strip_leading_mention(text).split())
