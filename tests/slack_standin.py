"""A loopback stand-in for Slack's servers in tests: the Web API (``/api/<method>``) and ``response_url`` sinks.

A real HTTP server on 127.0.0.1 that speaks the documented Web API protocol (bearer token, JSON or form
arguments, ``{"ok": ...}`` replies) and records every call, so the webhook's real ``slack_sdk`` clients are
exercised end to end.  Also builds the bodies Slack sends: slash commands (``slash_command``) and Events API
mentions of the bot (``app_mention``).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"


def slash_command(text: str, command: str = "/ask", **extra: str) -> str:
    """Return a slash command's form body as Slack sends it (its documented fields), plus ``extra`` fields."""
    fields = {
        "token": "deprecated",
        "team_id": "T1",
        "team_domain": "example",
        "channel_id": "C1",
        "channel_name": "test",
        "user_id": "U1",
        "user_name": "ann",
        "command": command,
        "text": text,
        "trigger_id": "1.2.3",
        "api_app_id": "A1",
        **extra,
    }
    return urllib.parse.urlencode(fields)


def app_mention(event_id: str, text: str, ts: str, thread_ts: str | None = None) -> str:
    """Return an Events API delivery of an ``app_mention`` of the bot (``text`` after the mention), in
    ``thread_ts``'s thread when given."""
    inner: dict[str, Any] = {
        "type": "app_mention",
        "user": "U1",
        "text": f"<@{BOT_USER_ID}> {text}",
        "ts": ts,
        "channel": "C1",
        "event_ts": ts,
    }
    if thread_ts:
        inner["thread_ts"] = thread_ts
    return json.dumps(
        {
            "token": "deprecated",
            "team_id": "T1",
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": "T1", "user_id": BOT_USER_ID, "is_bot": True}],
            "event": inner,
        }
    )


@dataclass
class Call:
    """One recorded request: its path, Web API method (or ``None`` for response_url posts), headers, arguments."""

    path: str
    method: str | None
    headers: dict[str, str]
    args: dict[str, Any] = field(default_factory=dict)


class SlackStandIn:
    """Start with ``with SlackStandIn() as slack:``; ``slack.api_url`` is the Web API base URL to configure."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._changed = threading.Condition()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                kind = (self.headers.get("content-type") or "").split(";")[0].strip()
                if kind == "application/json":
                    args = json.loads(raw or b"{}")
                else:
                    args = dict(urllib.parse.parse_qsl(raw.decode()))
                path = urllib.parse.urlsplit(self.path).path
                method = path[len("/api/") :] if path.startswith("/api/") else None
                call = Call(path, method, {k.lower(): v for k, v in self.headers.items()}, args)
                if method is None:
                    status, body, ctype = 200, b"ok", "text/plain"
                else:
                    status, ctype = 200, "application/json; charset=utf-8"
                    body = json.dumps(standin._web_api(call)).encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                with standin._changed:
                    standin.calls.append(call)
                    standin._changed.notify_all()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, name="slack-standin", daemon=True
        )

    def _web_api(self, call: Call) -> dict[str, Any]:
        if not call.headers.get("authorization", "").startswith("Bearer xoxb-"):
            return {"ok": False, "error": "not_authed"}
        if call.method == "auth.test":
            return {"ok": True, "user_id": BOT_USER_ID, "bot_id": BOT_ID, "team_id": "T1"}
        if call.method == "chat.postMessage":
            if not call.args.get("channel"):
                return {"ok": False, "error": "channel_not_found"}
            if not (call.args.get("text") or call.args.get("blocks")):
                return {"ok": False, "error": "no_text"}
            ts = f"{time.time():.6f}"
            message = {"type": "message", "text": call.args.get("text", ""), "ts": ts, "bot_id": BOT_ID}
            return {"ok": True, "channel": call.args["channel"], "ts": ts, "message": message}
        return {"ok": False, "error": "unknown_method"}

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str = "1") -> str:
        return f"http://127.0.0.1:{self.port}/commands/T1/{name}"

    def posts(self, method: str | None = "chat.postMessage") -> list[Call]:
        """Return the recorded calls of a Web API method (``None``: the response_url posts)."""
        with self._changed:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, count: int, method: str | None = "chat.postMessage", timeout: float = 15.0) -> list[Call]:
        """Return the calls of ``method`` once there are at least ``count`` (or whatever there is at ``timeout``)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len([c for c in self.calls if c.method == method]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(left)
            return [c for c in self.calls if c.method == method]

    def __enter__(self) -> SlackStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join()
