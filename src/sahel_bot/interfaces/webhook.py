"""The Slack-style webhook server: an ASGI (Starlette) app that answers through the bot's public API.

``create_app(bot, settings)`` returns the app; mount it, or run it with ``sahel-bot serve`` (uvicorn).
Routes: ``POST /slack/commands`` (signed slash commands), ``POST /slack/events`` (signed Events API),
``POST /slack/outgoing`` (token mode: Slack legacy outgoing webhooks, Mattermost, Rocket.Chat, Zulip),
``POST /ask`` (token-authenticated JSON) and ``GET /healthz``.  A route whose secret is not configured
answers 503; nothing a client sends ever gets a 5xx.
May import: the public API, starlette, slack_sdk and the standard library.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import threading
import time
import urllib.parse
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import anyio.to_thread
from slack_sdk.signature import Clock, SignatureVerifier
from slack_sdk.web import WebClient
from slack_sdk.webhook import WebhookClient
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..context import Context
from ..misses import MissLog
from ..reply import DECLINE, Reply
from .slack_blocks import plain_text, slack_message, slack_to_plain, strip_leading_mention
from .store import KeyValueStore, TTLStore
from .webhook_config import ACCESS_LOG, WebhookConfigError, WebhookSettings

__all__ = ["Answerer", "SlackVerifier", "app_from_env", "create_app"]

log = logging.getLogger("sahel_bot.webhook")
access_log = logging.getLogger(ACCESS_LOG)

ABOUT = "I answer questions about AQIM and related groups in the Sahel, from CRS In Focus IF10172 (March 2017)."
SORRY = "Sorry, something went wrong while answering. Please try again."
BUSY = "Sorry, I'm busy right now. Please try again in a minute."
LOOKING = "Looking that up…"
#: queued background answers per thread before new work is turned away
MAX_PENDING_PER_THREAD = 64


class Answerer(Protocol):
    """What the app needs from the bot: the pure form of ``Bot.ask`` (``sahel_bot.Bot`` is one)."""

    def answer(self, question: str, context: Context) -> tuple[Reply, Context]: ...


# -- request signing -------------------------------------------------------------------


class SlackVerifier:
    """Slack request signing (HMAC-SHA256 over the raw body, 5-minute window both ways) via slack_sdk.

    ``check`` returns ``"ok"``, ``"bad"``, or ``"undecodable"`` (correctly signed, but the body is not UTF-8);
    it never raises.  Raises ``ValueError`` at construction when the secret is blank.
    """

    def __init__(self, signing_secret: str, clock: Clock | None = None) -> None:
        self._verifier = SignatureVerifier(signing_secret, clock=clock or Clock())
        self._key = signing_secret.encode()

    def check(self, body: bytes, headers: Mapping[str, str]) -> str:
        """Return the verdict on ``body`` and its ``X-Slack-*`` headers (looked up case-insensitively)."""
        timestamp = headers.get("x-slack-request-timestamp")
        signature = headers.get("x-slack-signature")
        if timestamp is None or signature is None:
            return "bad"
        try:
            return "ok" if self._verifier.is_valid(body, timestamp, signature) else "bad"
        except UnicodeDecodeError:
            # slack_sdk decodes the body before hashing it; Slack signs the raw bytes.  Check those, so a
            # correctly signed undecodable body is told apart (400) from a forged one (401).
            return "undecodable" if self._is_valid_raw(body, timestamp, signature) else "bad"
        except Exception:  # a non-integer timestamp, a non-ASCII signature: forged or broken, never a 500
            return "bad"

    def _is_valid_raw(self, body: bytes, timestamp: str, signature: str) -> bool:
        try:
            if abs(self._verifier.clock.now() - int(timestamp)) > 60 * 5:
                return False
            base = b"v0:" + timestamp.encode() + b":" + body
            expected = b"v0=" + hmac.new(self._key, base, hashlib.sha256).hexdigest().encode()
            return hmac.compare_digest(expected, signature.encode())
        except Exception:
            return False


# -- small helpers ---------------------------------------------------------------------


class _Reject(Exception):
    """Stop handling a request and send ``response`` (raised by the body reader and parsers)."""

    def __init__(self, response: Response) -> None:
        self.response = response


def _error(status: int, message: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers or None)


def _invalid() -> JSONResponse:
    # The same body for every authentication failure: the client learns nothing about why.
    return _error(401, "invalid request")


def _not_configured(variable: str) -> JSONResponse:
    return JSONResponse({"error": "not configured", "detail": f"set {variable} to turn this route on"}, 503)


def _empty() -> Response:
    return Response(status_code=200)


async def _read_body(request: Request, limit: int) -> bytes:
    """Return the request body, or raise ``_Reject`` (413) as soon as it is known to exceed ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise _Reject(_error(400, "invalid Content-Length header")) from None
        if size > limit:
            raise _Reject(_error(413, f"request body is larger than {limit} bytes"))
    # The usual case, a body in one message, is taken as it is, without Starlette's stream generator; the
    # stream reads whatever follows.
    message = await request.receive()
    if message["type"] != "http.request":
        raise ClientDisconnect()
    body: bytes = message.get("body", b"")
    if len(body) > limit:
        raise _Reject(_error(413, f"request body is larger than {limit} bytes"))
    if not message.get("more_body", False):
        return body
    chunks = [body]
    total = len(body)
    async for chunk in request.stream():
        total += len(chunk)
        if total > limit:
            raise _Reject(_error(413, f"request body is larger than {limit} bytes"))
        chunks.append(chunk)
    return b"".join(chunks)


def _form(body: bytes, wanted: frozenset[str] | None = None, encoded: frozenset[str] = frozenset()) -> dict[str, str]:
    """Return the first value of each field (of each ``wanted`` field) of a form-encoded body.

    Fields named in ``encoded`` are returned still percent-encoded, for the caller to decode with
    ``_unquote`` only if it needs them.  Raises ``UnicodeDecodeError`` when the body is not UTF-8.
    """
    # parse_qsl's rules (``&`` only, blank values kept, UTF-8 with replacement), but it unquotes only the
    # parts that need it: parsing was the largest cost of a cached answer.
    parts = body.decode("utf-8").split("&")
    if len(parts) > 200:
        raise _Reject(_error(400, "the form has too many fields"))
    fields: dict[str, str] = {}
    for part in parts:
        if not part:
            continue
        key, _, value = part.partition("=")
        if "%" in key or "+" in key:
            key = _unquote(key)
        if wanted is not None and key not in wanted:
            continue
        if key not in encoded:
            value = _unquote(value)
        fields.setdefault(key, value)
    return fields


def _unquote(value: str) -> str:
    """Return a form value decoded (``+`` is a space; ``%XX`` escapes are UTF-8, invalid ones replaced)."""
    if "+" in value:
        value = value.replace("+", " ")
    if "%" not in value:
        return value
    # unquote_to_bytes on the whole value: urllib's unquote() splits the text on non-ASCII runs by regex first
    return urllib.parse.unquote_to_bytes(value).decode("utf-8", "replace")


_COMMAND_FIELDS = frozenset({"ssl_check", "command", "text", "user_id", "response_url"})
#: decoded only when used: a cached answer never needs the response_url, a known command is matched encoded
_COMMAND_ENCODED = frozenset({"command", "response_url"})
_EMPTY = Context()


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _note(request: Request, **fields: Any) -> None:
    """Add fields to this request's access-log line."""
    extra = request.scope.get("sahel_bot.log")
    if extra is not None:
        extra.update(fields)


class _AnswerCache:
    """A thread-safe LRU of ``(question, context) -> (reply, new context)``; the bot is pure, so this is exact."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.lock = threading.Lock()
        self._items: OrderedDict[tuple[str, Context], tuple[Reply, Context]] = OrderedDict()

    def get(self, key: tuple[str, Context]) -> tuple[Reply, Context] | None:
        if self.size == 0:
            return None
        with self.lock:
            try:
                item = self._items.pop(key)
            except (KeyError, TypeError):
                return None
            self._items[key] = item
            return item

    def put(self, key: tuple[str, Context], value: tuple[Reply, Context]) -> None:
        if self.size == 0:
            return
        with self.lock:
            try:
                self._items[key] = value
            except TypeError:  # an unhashable context from a custom answerer: just do not cache
                return
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class _Job:
    """One answer computed on a background thread.

    With ``waited``, a request handler will ``wait`` for it: if the answer is ready in time the handler
    replies with it; otherwise (and always without ``waited``) ``late`` delivers it, from the worker thread.
    """

    def __init__(
        self, compute: Callable[[], Reply | None], late: Callable[[Reply | None], None] | None, waited: bool = True
    ) -> None:
        self._compute = compute
        self._late = late
        self._lock = threading.Lock()
        self._state = "waited" if waited else "deferred"  # then "done"; "waited" becomes "deferred" on timeout
        self._wake: Callable[[], None] | None = None
        self.reply: Reply | None = None

    def run(self) -> None:
        try:
            reply: Reply | None = self._compute()
        except Exception:
            log.exception("the bot failed to answer")
            reply = None
        with self._lock:
            self.reply = reply
            late = self._state != "waited"
            self._state = "done"
            wake = self._wake
        if wake is not None:
            wake()
        if late and self._late is not None:
            try:
                self._late(reply)
            except Exception:
                log.exception("could not deliver an answer in the background")

    async def wait(self, timeout: float | None) -> bool:
        """Wait up to ``timeout`` seconds; return True when the answer is ready, else hand it over to ``late``."""
        loop = asyncio.get_running_loop()
        ready = asyncio.Event()

        def wake() -> None:
            try:
                loop.call_soon_threadsafe(ready.set)
            except RuntimeError:  # the event loop is gone: nobody is waiting any more
                pass

        with self._lock:
            if self._state == "done":
                return True
            self._wake = wake
        try:
            await asyncio.wait_for(ready.wait(), timeout)
        except TimeoutError:
            pass
        with self._lock:
            if self._state == "done":
                return True
            self._state = "deferred"
            return False


@dataclass(frozen=True, slots=True)
class _Asked:
    """A question pulled out of a request: the text, whose conversation it continues, and who asked."""

    question: str
    key: Hashable | None
    user: str = ""


# -- the application -------------------------------------------------------------------


class _Webhook:
    """The endpoints and the state they share; ``create_app`` wires it into Starlette."""

    def __init__(
        self,
        bot: Answerer,
        settings: WebhookSettings,
        clock: Clock | None,
        contexts: KeyValueStore | None,
        seen_events: KeyValueStore | None,
        misses: MissLog | None,
    ) -> None:
        self.bot = bot
        self.misses = misses if misses is not None else MissLog.from_env(interface="webhook")
        self.settings = settings
        self.verifier = SlackVerifier(settings.slack_signing_secret, clock) if settings.slack_signing_secret else None
        # Several tokens, comma-separated: Mattermost gives each outgoing webhook and slash command its own.
        self.tokens = tuple(t.strip().encode() for t in (settings.webhook_token or "").split(",") if t.strip())
        self.contexts = contexts if contexts is not None else TTLStore(settings.context_ttl, 10_000)
        self.seen_events = seen_events if seen_events is not None else TTLStore(settings.event_ttl, 100_000)
        self.cache = _AnswerCache(settings.answer_cache)
        self._rendered: OrderedDict[tuple[int, str], tuple[Reply, bytes]] = OrderedDict()
        self.web = (
            WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=10)
            if settings.slack_bot_token
            else None
        )
        self._pool: ThreadPoolExecutor | None = None
        self._pending = 0
        self._pending_lock = threading.Lock()
        self.max_pending = settings.background_threads * MAX_PENDING_PER_THREAD
        # the configured commands as Slack sends them ("/ask" arrives as "%2Fask"): matched without decoding
        self._encoded_commands = {urllib.parse.quote_plus(c): c for c in settings.slack_commands}

    # -- answering ----------------------------------------------------------------------

    def _answer_now(self, asked: _Asked, cached_only: bool = False) -> Reply | None:
        """Return the reply to ``asked`` and remember the conversation's new context (the bot may raise).

        With ``cached_only``, return ``None`` instead of running the bot when the answer is not cached.
        """
        context = (self.contexts.get(asked.key) if asked.key is not None else None) or _EMPTY
        cache_key = (asked.question, context)
        result = self.cache.get(cache_key)
        if result is None:
            if cached_only:
                return None
            result = self.bot.answer(asked.question, context)
            self.cache.put(cache_key, result)
        reply, new_context = result
        if asked.key is not None:
            self.contexts.set(asked.key, new_context)
        try:
            self.misses.record(reply, user=asked.user or None)  # declines and unsure answers; the id is hashed
        except Exception:
            log.exception("could not write the miss log")
        return reply

    def _submit(self, job: _Job) -> bool:
        """Queue ``job`` on the background threads; return False (and drop it) when too much is queued."""
        with self._pending_lock:
            if self._pending >= self.max_pending:
                return False
            self._pending += 1
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.settings.background_threads, "sahel-bot-answer")
            pool = self._pool

        def run() -> None:
            try:
                job.run()
            finally:
                with self._pending_lock:
                    self._pending -= 1

        pool.submit(run)
        return True

    def close(self) -> None:
        """Wait for queued answers to be computed and delivered, then stop the background threads."""
        with self._pending_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)
        self.misses.close()

    async def _answer(
        self, asked: _Asked, budget: float | None, late: Callable[[Reply | None], None] | None = None
    ) -> tuple[str, Reply | None]:
        """Return ``("answer", reply)``, ``("failed", None)``, ``("busy", None)`` or ``("late", None)``.

        A cached answer is returned at once; otherwise the bot runs on a background thread and the handler
        waits at most ``budget`` seconds (``None``: until done), after which ``late`` gets the answer.
        """
        # A cached answer costs microseconds: no thread hop for it.
        reply = self._answer_now(asked, cached_only=True)
        if reply is not None:
            return "answer", reply
        job = _Job(lambda: self._answer_now(asked), late)
        if not self._submit(job):
            return "busy", None
        if not await job.wait(budget):
            return "late", None
        return ("answer", job.reply) if job.reply is not None else ("failed", None)

    def _cut(self, question: str) -> str | None:
        """Return a polite refusal when ``question`` is over the length cap, else ``None``."""
        limit = self.settings.max_question_chars
        if len(question) > limit:
            return (
                f"Sorry, that question is too long for me ({len(question)} characters). "
                f"Please ask in at most {limit} characters."
            )
        return None

    def _token_ok(self, token: str) -> bool:
        candidate = token.encode("utf-8", "surrogatepass")
        ok = False
        for known in self.tokens:  # every one compared, in constant time: no early exit to time
            ok |= hmac.compare_digest(candidate, known)
        return ok

    # -- /slack/commands ----------------------------------------------------------------

    async def slack_commands(self, request: Request) -> Response:
        if self.verifier is None:
            return _not_configured("SLACK_SIGNING_SECRET")
        body = await _read_body(request, self.settings.max_body_bytes)
        verdict = self.verifier.check(body, request.headers)
        _note(request, signature=verdict)
        if verdict == "bad":
            return _invalid()
        if verdict == "undecodable":
            return _error(400, "the request body is not UTF-8")
        form = _form(body, _COMMAND_FIELDS, _COMMAND_ENCODED)
        if form.get("ssl_check") == "1":
            return _empty()
        encoded_command = form.get("command", "")
        command = self._encoded_commands.get(encoded_command) or _unquote(encoded_command)
        _note(request, command=command[:40])
        if command not in self.settings.slack_commands:
            log.warning("slash command %r is not in SAHEL_BOT_SLACK_COMMANDS", command[:40])
            known = ", ".join(f"`{c}`" for c in self.settings.slack_commands)
            return self._ephemeral(f"Sorry, that is an unknown command for me; I answer {known}.")
        question = slack_to_plain(form.get("text", ""))
        if not question or question.lower() in ("help", "?"):
            return self._ephemeral(f"{ABOUT} Try `{command} who leads AQIM?`")
        refusal = self._cut(question)
        if refusal:
            return self._ephemeral(refusal)
        # A slash command is a single question, like `sahel-bot ask`: it has no thread to hold a conversation
        # (follow-ups work in threads and DMs), and a single question is the same answer for everyone (cached).
        asked = _Asked(question, None, form.get("user_id", ""))
        rtype = self.settings.response_type
        reply = self._answer_now(asked, cached_only=True)
        if reply is not None:  # the common case, and microseconds: nothing else to prepare
            outcome = "answer"
        else:
            response_url = _unquote(form.get("response_url", ""))
            late = self._late_to(response_url, lambda r: slack_message(r, rtype)) if response_url else None
            outcome, reply = await self._answer(asked, self.settings.answer_budget if late else None, late)
        _note(request, outcome=reply.outcome if reply else outcome)
        if reply is not None:
            return Response(self._slack_json(reply, rtype), media_type="application/json")
        if outcome == "late":
            return self._ephemeral(LOOKING)
        return self._ephemeral(BUSY if outcome == "busy" else SORRY)

    def _slack_json(self, reply: Reply, response_type: str) -> bytes:
        """Return ``reply`` as a slash-command reply, JSON-encoded; kept for replies from the answer cache."""
        key = (id(reply), response_type)
        with self.cache.lock:
            hit = self._rendered.get(key)
        if hit is not None and hit[0] is reply:  # the id is only trusted while the reply it named is held
            return hit[1]
        body = json.dumps(slack_message(reply, response_type), ensure_ascii=False, separators=(",", ":")).encode()
        if self.cache.size:
            with self.cache.lock:
                self._rendered[key] = (reply, body)
                while len(self._rendered) > self.cache.size:
                    self._rendered.popitem(last=False)
        return body

    def _ephemeral(self, text: str) -> JSONResponse:
        return JSONResponse({"response_type": "ephemeral", "text": text})

    def _late_to(self, url: str, render: Callable[[Reply], dict[str, Any]]) -> Callable[[Reply | None], None] | None:
        """Return a function that posts a late answer to ``url`` (a slash command's ``response_url``), once."""
        if not url.startswith(("https://", "http://")):
            return None
        rtype = self.settings.response_type

        def deliver(reply: Reply | None) -> None:
            message = render(reply) if reply is not None else {"response_type": "ephemeral", "text": SORRY}
            message.setdefault("response_type", rtype)
            response = WebhookClient(url, timeout=10).send_dict(message)
            if response.status_code != 200:
                log.warning("response_url answered %s", response.status_code)

        return deliver

    # -- /slack/events ------------------------------------------------------------------

    async def slack_events(self, request: Request) -> Response:
        if self.verifier is None:
            return _not_configured("SLACK_SIGNING_SECRET")
        body = await _read_body(request, self.settings.max_body_bytes)
        verdict = self.verifier.check(body, request.headers)
        _note(request, signature=verdict, retry=request.headers.get("x-slack-retry-num", "")[:3])
        if verdict == "bad":
            return _invalid()
        # A malformed event will not get better on retry: say so, so Slack does not count it again and again.
        if verdict == "undecodable":
            return _error(400, "the request body is not UTF-8", **{"x-slack-no-retry": "1"})
        try:
            payload = json.loads(body)
        except ValueError:
            return _error(400, "the request body is not JSON", **{"x-slack-no-retry": "1"})
        if not isinstance(payload, dict):
            return _error(400, "the request body is not a JSON object", **{"x-slack-no-retry": "1"})
        kind = payload.get("type")
        _note(request, envelope=_str(kind)[:40])
        if kind == "url_verification":
            challenge = payload.get("challenge")
            if not isinstance(challenge, str):
                return _error(400, "url_verification without a challenge", **{"x-slack-no-retry": "1"})
            return JSONResponse({"challenge": challenge})
        event = payload.get("event")
        if kind != "event_callback" or not isinstance(event, dict):
            return _empty()
        _note(request, event=_str(event.get("type"))[:40])
        found = self._event_question(payload, event)
        if found is None:
            _note(request, outcome="ignored")
            return _empty()
        asked, channel, thread_ts = found
        event_id = payload.get("event_id")
        # Recorded at receipt, not after answering: a retry may arrive while the first delivery is being answered.
        if isinstance(event_id, str) and not self.seen_events.add(event_id):
            _note(request, outcome="duplicate")
            return _empty()
        if self.web is None:
            log.warning("SLACK_BOT_TOKEN is not set: an event was received but cannot be answered")
            _note(request, outcome="no-token")
            return _empty()
        refusal = self._cut(asked.question) if asked.question else f"{ABOUT} Ask me, for example: who leads AQIM?"
        compute = (
            (lambda: Reply(asked.question, False, refusal, DECLINE)) if refusal else (lambda: self._answer_now(asked))
        )
        # Nobody waits for this job: Slack has its 200 already, the answer goes through chat.postMessage.
        if not self._submit(_Job(compute, lambda reply: self._post(channel, thread_ts, reply), waited=False)):
            if isinstance(event_id, str):
                self.seen_events.discard(event_id)  # so Slack's retry, in a minute, is answered
            _note(request, outcome="busy")
            return _error(503, "busy", **{"retry-after": "60"})
        _note(request, outcome="queued")
        return _empty()

    def _event_question(self, payload: dict[str, Any], event: dict[str, Any]) -> tuple[_Asked, str, str] | None:
        """Return the question an event asks, its channel and thread; ``None`` for events not meant for us."""
        if event.get("bot_id") or event.get("subtype"):
            return None  # bots (ourselves included) and edits, joins, broadcasts...: never talk to ourselves
        user, channel, ts, text = (_str(event.get(k)) for k in ("user", "channel", "ts", "text"))
        if not (user and channel and ts) or user in self._own_user_ids(payload):
            return None
        team = _str(payload.get("team_id"))
        if event.get("type") == "app_mention":
            key: Hashable = ("thread", team, channel, _str(event.get("thread_ts")) or ts)
        elif event.get("type") == "message" and event.get("channel_type") == "im":
            key = ("dm", team, channel)
        else:
            return None
        question = slack_to_plain(text, self.settings.slack_bot_user_id)
        # Reply to the thread's parent, never to a reply (Slack's docs).
        return _Asked(question, key, user), channel, _str(event.get("thread_ts")) or ts

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
        message = slack_message(reply) if reply is not None else {"text": SORRY}
        self.web.chat_postMessage(channel=channel, thread_ts=thread_ts, **message)

    # -- /slack/outgoing ----------------------------------------------------------------

    async def outgoing(self, request: Request) -> Response:
        if not self.tokens:
            return _not_configured("SAHEL_BOT_WEBHOOK_TOKEN")
        body = await _read_body(request, self.settings.max_body_bytes)
        fields = _payload(body, request.headers.get("content-type", ""))
        token = _str(fields.get("token"))
        scheme, _, credential = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() in ("token", "bearer") and credential:
            token = credential.strip()
        if not token or not self._token_ok(token):
            _note(request, token="bad")
            return _invalid()
        dialect = _dialect(fields)
        _note(request, dialect=dialect)
        # Rocket.Chat marks messages from bots (our own replies included): never reply to them.
        if fields.get("bot") and fields.get("bot") not in ("false", "0"):
            _note(request, outcome="ignored")
            return _empty()
        question = _outgoing_question(fields, dialect)
        user = _str(fields.get("user_id"))
        slash = dialect == "mattermost-slash"
        rtype = self.settings.response_type

        def reply_with(text: str, response_type: str | None = None) -> JSONResponse:
            if slash:
                return JSONResponse({"response_type": response_type or rtype, "text": text})
            if dialect == "mattermost":
                return JSONResponse({"text": text, "response_type": "comment"})
            return JSONResponse({"text": text})

        if not question or question.lower() in ("help", "?"):
            return reply_with(f"{ABOUT} Ask me, for example: who leads AQIM?")
        refusal = self._cut(question)
        if refusal:
            return reply_with(refusal, "ephemeral")
        escaped = dialect == "slack"
        late = None
        if slash:
            late = self._late_to(_str(fields.get("response_url")), lambda r: {"text": plain_text(r, escaped)})
        # Single questions, as for slash commands: outgoing webhooks carry no thread to hold a conversation.
        outcome, reply = await self._answer(_Asked(question, None, user), self.settings.answer_budget, late)
        _note(request, outcome=reply.outcome if reply else outcome)
        if reply is not None:
            return reply_with(plain_text(reply, escaped))
        if outcome == "late" and late is not None:
            return reply_with(LOOKING, "ephemeral")
        return reply_with(BUSY if outcome == "busy" else SORRY, "ephemeral")

    # -- /ask ---------------------------------------------------------------------------

    async def ask(self, request: Request) -> Response:
        if not self.tokens:
            return _not_configured("SAHEL_BOT_WEBHOOK_TOKEN")
        body = await _read_body(request, self.settings.max_body_bytes)
        scheme, _, credential = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not credential or not self._token_ok(credential.strip()):
            return _invalid()
        try:
            payload = json.loads(body)
        except ValueError:
            return _error(400, "the request body is not JSON")
        if not isinstance(payload, dict) or not isinstance(payload.get("question"), str):
            return _error(400, 'expected a JSON object such as {"question": "who leads AQIM?"}')
        conversation = payload.get("conversation")
        if conversation is not None and (not isinstance(conversation, str) or len(conversation) > 200):
            return _error(400, "'conversation' must be a string of at most 200 characters")
        explain = payload.get("explain", False)
        if not isinstance(explain, bool):
            return _error(400, "'explain' must be true or false")
        question = payload["question"]
        if len(question) > self.settings.max_question_chars:
            return _error(400, f"the question is longer than {self.settings.max_question_chars} characters")
        key = ("ask", conversation) if conversation else None
        outcome, reply = await self._answer(_Asked(question, key), None)
        _note(request, outcome=reply.outcome if reply else outcome)
        if reply is None:
            if outcome == "busy":
                return _error(503, "busy", **{"retry-after": "5"})
            reply = Reply(question, False, SORRY, DECLINE)
        return JSONResponse(reply.to_dict(explain=explain))

    async def healthz(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"})


def _payload(body: bytes, content_type: str) -> dict[str, Any]:
    """Return an outgoing webhook's fields, JSON or form-encoded; raise ``_Reject`` (400) when unreadable."""
    try:
        if content_type.split(";")[0].strip().lower() == "application/json":
            data = json.loads(body)
            if not isinstance(data, dict):
                raise _Reject(_error(400, "the request body is not a JSON object"))
            return data
        return _form(body)
    except (ValueError, UnicodeDecodeError):
        raise _Reject(_error(400, "the request body is neither JSON nor a UTF-8 form")) from None


def _dialect(fields: Mapping[str, Any]) -> str:
    """Return which chat server sent an outgoing webhook, from the fields each one documents."""
    if _str(fields.get("command")).startswith("/"):
        return "mattermost-slash"
    if "post_id" in fields:
        return "mattermost"
    if "message_id" in fields or "bot" in fields:
        return "rocketchat"
    if "service_id" in fields or fields.get("trigger_word") == "mention":
        return "zulip"
    return "slack"


def _outgoing_question(fields: Mapping[str, Any], dialect: str) -> str:
    text = _str(fields.get("text")).strip()
    trigger = _str(fields.get("trigger_word"))
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


# -- assembly --------------------------------------------------------------------------


def _guarded(endpoint: Callable[[Request], Awaitable[Response]], fallback: Callable[[], Response]) -> Any:
    """Wrap ``endpoint`` so a rejection becomes its response and any other error ``fallback()``, never a 500."""

    async def guarded(request: Request) -> Response:
        try:
            return await endpoint(request)
        except _Reject as reject:
            _note(request, rejected=reject.response.status_code)
            return reject.response
        except Exception:
            log.exception("unexpected error on %s", request.url.path)
            _note(request, outcome="error")
            return fallback()

    return guarded


class AccessLog:
    """ASGI middleware: one structured log line per request, without bodies, query strings or headers.

    Logged to ``sahel_bot.webhook.access`` at INFO, each record carrying a ``fields`` dict (method, path,
    status, ms, and what the handler noted: signature verdict, command, event type, outcome...).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not access_log.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        # The line itself: handlers add to it through _note(); the status comes from the response start.
        fields: dict[str, Any] = {"method": scope["method"], "path": scope["path"][:100], "status": 0}
        scope["sahel_bot.log"] = fields
        start = time.perf_counter()

        async def send_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                fields["status"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            fields["ms"] = round((time.perf_counter() - start) * 1000, 2)
            sink = _access_sink
            if sink is not None:
                # `sahel-bot serve` writes access lines straight to its buffered JSON stream
                sink(fields)
            else:
                # makeRecord + handle is logger.info without the stack walk for the caller's line.
                access_log.handle(
                    access_log.makeRecord(
                        access_log.name, logging.INFO, "", 0, "request", (), None, extra={"fields": fields}
                    )
                )


_access_sink: Callable[[dict[str, Any]], None] | None = None


def set_access_sink(sink: Callable[[dict[str, Any]], None] | None) -> None:
    """Send access lines to ``sink`` instead of through ``logging`` (one line per request is the hot path).

    ``sahel-bot serve`` sets it to a writer on its buffered JSON-lines stream; an application that mounts
    the app elsewhere keeps the ``sahel_bot.webhook.access`` logger.
    """
    global _access_sink
    _access_sink = sink


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = {404: "not found", 405: "method not allowed"}.get(exc.status_code, "invalid request")
    return JSONResponse({"error": message}, status_code=exc.status_code, headers=exc.headers)


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
    hook = _Webhook(bot, settings, clock, contexts, seen_events, misses)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> Any:
        yield
        # Let queued answers finish (and be posted) before the process goes, and write out buffered logs.
        await anyio.to_thread.run_sync(hook.close)
        for handler in logging.getLogger("sahel_bot").handlers:
            handler.flush()

    sorry_slash = lambda: JSONResponse({"response_type": "ephemeral", "text": SORRY})  # noqa: E731
    routes = [
        Route("/slack/commands", _guarded(hook.slack_commands, sorry_slash), methods=["POST"]),
        Route("/slack/events", _guarded(hook.slack_events, _empty), methods=["POST"]),
        Route("/slack/outgoing", _guarded(hook.outgoing, lambda: JSONResponse({"text": SORRY})), methods=["POST"]),
        Route(
            "/ask",
            _guarded(hook.ask, lambda: JSONResponse(Reply("", False, SORRY, DECLINE).to_dict())),
            methods=["POST"],
        ),
        Route("/healthz", hook.healthz, methods=["GET"]),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error}, lifespan=lifespan)
    app.add_middleware(AccessLog)
    app.state.webhook = hook
    return app


def app_from_env() -> Starlette:
    """Return the app for the shipped bot, configured from the environment (uvicorn's ``--factory`` entry)."""
    from ..bot import Bot
    from ..config import Settings
    from .serve import configure_logging

    configure_logging()
    return create_app(Bot.load(settings=Settings.from_env()), WebhookSettings.from_env())
