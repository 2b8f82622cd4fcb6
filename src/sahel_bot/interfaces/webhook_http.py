"""HTTP plumbing of the webhook: bounded body reading, form parsing, JSON errors, the guard that turns any
failure into a proper reply, and the access log (one structured line per request).

Nothing here knows Slack or the bot; the route modules build on it.
May import: starlette and the standard library.
"""

from __future__ import annotations

import logging
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .webhook_config import ACCESS_LOG

__all__ = [
    "AccessLog",
    "Reject",
    "as_str",
    "empty",
    "error",
    "form_fields",
    "guarded",
    "http_error",
    "invalid",
    "not_configured",
    "note",
    "read_body",
    "set_access_sink",
    "unquote",
]

log = logging.getLogger("sahel_bot.webhook")
access_log = logging.getLogger(ACCESS_LOG)


class Reject(Exception):
    """Stop handling a request and send ``response`` (raised by the body reader and parsers)."""

    def __init__(self, response: Response) -> None:
        self.response = response


def error(status: int, message: str, detail: str | None = None, **headers: str) -> JSONResponse:
    """Return ``{"error": message}`` (and ``detail``, a sentence saying what to do) with ``status``."""
    body = {"error": message} if detail is None else {"error": message, "detail": detail}
    return JSONResponse(body, status_code=status, headers=headers or None)


def invalid(detail: str | None = None, **headers: str) -> JSONResponse:
    """Return the 401 of a failed authentication.

    Slack signatures get no ``detail`` at all (a forger learns nothing); token routes say what was wrong
    with the request (missing, malformed, not accepted) but never which tokens exist.
    """
    return error(401, "invalid request", detail, **headers)


def not_configured(setting: str) -> JSONResponse:
    return error(503, "not configured", f"set {setting} to turn this route on")


def empty() -> Response:
    return Response(status_code=200)


def as_str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def note(request: Request, **fields: Any) -> None:
    """Add fields to this request's access-log line."""
    extra = request.scope.get("sahel_bot.log")
    if extra is not None:
        extra.update(fields)


async def read_body(request: Request, limit: int) -> bytes:
    """Return the request body, or raise ``Reject`` (413) as soon as it is known to exceed ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise Reject(error(400, "invalid Content-Length header")) from None
        if size > limit:
            raise Reject(error(413, f"request body is larger than {limit} bytes"))
    # The usual case, a body in one message, is taken as it is, without Starlette's stream generator; the
    # stream reads whatever follows.
    message = await request.receive()
    if message["type"] != "http.request":
        raise ClientDisconnect()
    body: bytes = message.get("body", b"")
    if len(body) > limit:
        raise Reject(error(413, f"request body is larger than {limit} bytes"))
    if not message.get("more_body", False):
        return body
    chunks = [body]
    total = len(body)
    async for chunk in request.stream():
        total += len(chunk)
        if total > limit:
            raise Reject(error(413, f"request body is larger than {limit} bytes"))
        chunks.append(chunk)
    return b"".join(chunks)


def form_fields(
    body: bytes, wanted: frozenset[str] | None = None, encoded: frozenset[str] = frozenset()
) -> dict[str, str]:
    """Return the first value of each field (of each ``wanted`` field) of a form-encoded body.

    Fields named in ``encoded`` are returned still percent-encoded, for the caller to decode with
    ``unquote`` only if it needs them.  Raises ``UnicodeDecodeError`` when the body is not UTF-8.
    """
    # parse_qsl's rules (``&`` only, blank values kept, UTF-8 with replacement), but it unquotes only the
    # parts that need it: parsing was the largest cost of a cached answer.
    parts = body.decode("utf-8").split("&")
    if len(parts) > 200:
        raise Reject(error(400, "the form has too many fields"))
    fields: dict[str, str] = {}
    for part in parts:
        if not part:
            continue
        key, _, value = part.partition("=")
        if "%" in key or "+" in key:
            key = unquote(key)
        if wanted is not None and key not in wanted:
            continue
        if key not in encoded:
            value = unquote(value)
        fields.setdefault(key, value)
    return fields


def unquote(value: str) -> str:
    """Return a form value decoded (``+`` is a space; ``%XX`` escapes are UTF-8, invalid ones replaced)."""
    if "+" in value:
        value = value.replace("+", " ")
    if "%" not in value:
        return value
    # unquote_to_bytes on the whole value: urllib's unquote() splits the text on non-ASCII runs by regex first
    return urllib.parse.unquote_to_bytes(value).decode("utf-8", "replace")


def guarded(endpoint: Callable[[Request], Awaitable[Response]], fallback: Callable[[], Response]) -> Any:
    """Wrap ``endpoint`` so a rejection becomes its response and any other error ``fallback()``, never a 500."""

    async def guarded(request: Request) -> Response:
        try:
            return await endpoint(request)
        except Reject as reject:
            note(request, rejected=reject.response.status_code)
            return reject.response
        except Exception:
            log.exception("unexpected error on %s", request.url.path)
            note(request, outcome="error")
            return fallback()

    return guarded


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = {404: "not found", 405: "method not allowed"}.get(exc.status_code, "invalid request")
    return JSONResponse({"error": message}, status_code=exc.status_code, headers=exc.headers)


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
        # The line itself: handlers add to it through note(); the status comes from the response start.
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
