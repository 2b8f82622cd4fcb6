"""The webhook app in process, item by item against the spec's acceptance checklist (specs/slack-webhook.md §8).

Requests are signed with slack_sdk's own ``SignatureVerifier.generate_signature``; Slack's servers are a
loopback stand-in (``slack_standin.py``) that records ``chat.postMessage`` calls and ``response_url`` posts.
The Q&A is a stub that counts calls, can raise, and can be held back (``gate``) to stand for a slow answer.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import threading
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.signature import Clock, SignatureVerifier
from starlette.testclient import TestClient

from sahel_bot import Citation, Context, Reply
from sahel_bot.interfaces import token_routes
from sahel_bot.interfaces.webhook import SlackVerifier, create_app
from sahel_bot.interfaces.webhook_config import WebhookConfigError, WebhookSettings
from slack_standin import BOT_ID, BOT_USER_ID, SlackStandIn, slash_command
from stub_brief import ABOUT

S = "8f742231b10e8888abcd99yyyzzz85a5"
NOW = 1531420618
TOKEN = "T0k3n-for-outgoing"
BOT_TOKEN = "xoxb-test-token"
ERR401 = {"error": "invalid request"}
QUESTION = "When was AQIM formed?"
ANSWER = "AQIM was formed in 2006-2007."

# Slack's published example (spec §9): secret S, timestamp NOW, this body, this signature.
VECTOR_BODY = (
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
VECTOR_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


class FrozenClock(Clock):
    def __init__(self, now: float = NOW) -> None:
        self.t = now

    def now(self) -> float:
        return self.t


class StubBot:
    """A Q&A stub: records every question and context, and can raise or be held back."""

    about = ABOUT

    def __init__(self) -> None:
        self.text = ANSWER
        self.citations: tuple[Citation, ...] = (
            Citation("Overview", "AQIM was formed when the GSPC “united” with Al Qaeda in 2006-2007", "overview.1.1"),
        )
        self.calls: list[tuple[str, Context]] = []
        self.error: Exception | None = None
        self.gate: threading.Event | None = None
        self.entered = threading.Event()

    def answer(self, question: str, context: Context) -> tuple[Reply, Context]:
        self.calls.append((question, context))
        self.entered.set()
        if self.gate is not None:
            self.gate.wait(30)
        if self.error is not None:
            raise self.error
        reply = Reply(question, True, self.text, "answer", "formation", 0.9, self.citations, (), "AQIM")
        return reply, Context(subject="aqim", subject_name="AQIM", turn=context.turn + 1)

    @property
    def questions(self) -> list[str]:
        return [q for q, _ in self.calls]


def sign(body: str | bytes, ts: int | str = NOW, secret: str = S) -> dict[str, str]:
    """Return the Slack signing headers for ``body``, made by slack_sdk's own generator."""
    signature = SignatureVerifier(secret).generate_signature(timestamp=str(ts), body=body)
    assert signature is not None
    return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": signature}


def form(**fields: str) -> str:
    return urllib.parse.urlencode(fields)


def command_body(text: str = QUESTION, command: str = "/ask", **extra: str) -> str:
    return slash_command(text, command, **extra)


def event_body(event: dict[str, Any], event_id: str = "Ev1", **envelope: Any) -> str:
    payload = {
        "token": "deprecated",
        "team_id": "T1",
        "api_app_id": "A1",
        "event": {"event_ts": event.get("ts", "1.1"), **event},
        "type": "event_callback",
        "event_id": event_id,
        "event_time": NOW,
        "authorizations": [{"team_id": "T1", "user_id": BOT_USER_ID, "is_bot": True}],
        **envelope,
    }
    return json.dumps(payload)


def mention(text: str = f"<@{BOT_USER_ID}> {QUESTION}", ts: str = "1.1", **extra: Any) -> dict[str, Any]:
    return {"type": "app_mention", "user": "U1", "text": text, "ts": ts, "channel": "C1", **extra}


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}


class Harness:
    """The app under test, its stub bot, the Slack stand-in and a client (lifespan running)."""

    def __init__(self, slack: SlackStandIn, **settings: Any) -> None:
        self.bot = StubBot()
        self.slack = slack
        defaults: dict[str, Any] = {
            "slack_signing_secret": S,
            "slack_bot_token": BOT_TOKEN,
            "slack_api_url": slack.api_url,
            "slack_bot_user_id": BOT_USER_ID,
            "webhook_token": TOKEN,
            "answer_cache": 0,
        }
        self.settings = WebhookSettings(**{**defaults, **settings})
        self.clock = FrozenClock()
        self.app = create_app(self.bot, self.settings, clock=self.clock)
        self.client = TestClient(self.app)

    def command(self, body: str, headers: dict[str, str] | None = None, signed: bool = True) -> Any:
        return self.client.post(
            "/slack/commands", content=body, headers={**FORM, **(sign(body) if signed else {}), **(headers or {})}
        )

    def event(self, body: str, headers: dict[str, str] | None = None, signed: bool = True) -> Any:
        return self.client.post(
            "/slack/events", content=body, headers={**JSON, **(sign(body) if signed else {}), **(headers or {})}
        )

    def drain(self) -> None:
        """Stop the app (lifespan shutdown waits for queued answers), so counts are final."""
        self.client.__exit__(None, None, None)


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn() as standin:
        yield standin


@pytest.fixture
def make(slack: SlackStandIn) -> Iterator[Any]:
    harnesses: list[Harness] = []

    def build(**settings: Any) -> Harness:
        h = Harness(slack, **settings)
        h.client.__enter__()
        harnesses.append(h)
        return h

    yield build
    for h in harnesses:
        if h.bot.gate is not None:
            h.bot.gate.set()
        h.client.__exit__(None, None, None)


@pytest.fixture
def h(make: Any) -> Harness:
    return make()


def assert_valid_blocks(blocks: list[dict[str, Any]]) -> None:
    """Check blocks with slack_sdk's own Block Kit models (raises on any limit broken)."""
    assert 0 < len(blocks) <= 50
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.validate_json()


# -- Signing (items 1-13) ----------------------------------------------------------------------------------


def test_01_official_vector_gives_usage_help_without_asking(make: Any) -> None:
    h = make(slack_commands=("/webhook-collect",))
    assert sign(VECTOR_BODY)["X-Slack-Signature"] == VECTOR_SIGNATURE
    r = h.command(VECTOR_BODY, {"X-Slack-Request-Timestamp": str(NOW), "X-Slack-Signature": VECTOR_SIGNATURE}, False)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.json()["response_type"] == "ephemeral"
    assert "/webhook-collect" in r.json()["text"]
    assert h.bot.calls == []


def test_02_changed_last_hex_digit_is_rejected(make: Any) -> None:
    h = make(slack_commands=("/webhook-collect",))
    forged = VECTOR_SIGNATURE[:-1] + ("0" if VECTOR_SIGNATURE[-1] != "0" else "1")
    r = h.command(VECTOR_BODY, {"X-Slack-Request-Timestamp": str(NOW), "X-Slack-Signature": forged}, False)
    assert (r.status_code, r.json()) == (401, ERR401)
    assert h.bot.calls == []


def test_03_extended_body_with_original_signature_is_rejected(h: Harness) -> None:
    body = VECTOR_BODY + "&x=1"
    r = h.command(body, {"X-Slack-Request-Timestamp": str(NOW), "X-Slack-Signature": VECTOR_SIGNATURE}, False)
    assert (r.status_code, r.json()) == (401, ERR401)


@pytest.mark.parametrize("missing", ["X-Slack-Signature", "X-Slack-Request-Timestamp"])
def test_04_missing_header_is_rejected(h: Harness, missing: str) -> None:
    headers = {"X-Slack-Request-Timestamp": str(NOW), "X-Slack-Signature": VECTOR_SIGNATURE}
    del headers[missing]
    r = h.command(VECTOR_BODY, headers, False)
    assert (r.status_code, r.json()) == (401, ERR401)


@pytest.mark.parametrize(("offset", "status"), [(-300, 200), (300, 200), (-301, 401), (301, 401)])
def test_05_five_minute_window_both_ways(h: Harness, offset: int, status: int) -> None:
    body = command_body()
    r = h.command(body, sign(body, NOW + offset), False)
    assert r.status_code == status
    assert h.bot.questions == ([QUESTION] if status == 200 else [])
    if status == 401:
        assert r.json() == ERR401


def test_06_non_integer_timestamp_is_401_not_500(h: Harness) -> None:
    body = command_body()
    r = h.command(
        body, {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": sign(body, "abc")["X-Slack-Signature"]}, False
    )
    assert (r.status_code, r.json()) == (401, ERR401)


@pytest.mark.parametrize(
    "signature",
    [
        "upper",
        "no-prefix",
        b"v0=\xe9",  # a latin-1 byte in the header
        b"v0=\xe9" + b"a" * 63,
        "",
    ],
)
def test_07_malformed_signatures_are_401_not_500(h: Harness, signature: Any) -> None:
    body = command_body()
    good = sign(body)["X-Slack-Signature"]
    value = {"upper": "v0=" + good[3:].upper(), "no-prefix": good[3:]}.get(signature, signature)
    r = h.command(body, {"X-Slack-Request-Timestamp": str(NOW), "X-Slack-Signature": value}, False)
    assert (r.status_code, r.json()) == (401, ERR401)
    assert h.bot.calls == []


@pytest.mark.parametrize("case", [str.lower, str.upper])
def test_08_header_names_in_any_case(h: Harness, case: Any) -> None:
    body = command_body()
    r = h.command(body, {case(k): v for k, v in sign(body).items()}, False)
    assert r.status_code == 200
    assert h.bot.questions == [QUESTION]


def test_09_raw_body_is_verified_not_a_reserialisation(h: Harness) -> None:
    body = '{ "type" : "url_verification", "challenge" : "c1", "token":"t" }'
    r = h.event(body)
    assert (r.status_code, r.json()) == (200, {"challenge": "c1"})


def raw_sign(body: bytes, ts: int = NOW) -> dict[str, str]:
    # slack_sdk's generator decodes the body first and raises on these bytes: sign them with hmac directly.
    digest = hmac.new(S.encode(), b"v0:" + str(ts).encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": "v0=" + digest}


@pytest.mark.parametrize("route", ["/slack/events", "/slack/commands"])
def test_10_undecodable_body(h: Harness, route: str) -> None:
    body = b"\xff\xfe"
    wrong = h.client.post(route, content=body, headers={**JSON, **raw_sign(b"other")})
    assert (wrong.status_code, wrong.json()) == (401, ERR401)
    signed = h.client.post(route, content=body, headers={**JSON, **raw_sign(body)})
    assert signed.status_code == 400
    assert "UTF-8" in signed.json()["error"]
    if route == "/slack/events":
        assert signed.headers["x-slack-no-retry"] == "1"
    assert h.bot.calls == []


def test_11_oversized_body_is_413_before_any_hmac(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    checks: list[bytes] = []
    real = SlackVerifier.check
    monkeypatch.setattr(
        SlackVerifier, "check", lambda self, body, headers: checks.append(body) or real(self, body, headers)
    )
    declared = h.client.post(
        "/slack/commands", content=b"text=x", headers={**FORM, "Content-Length": "1048577", **sign("text=x")}
    )
    assert declared.status_code == 413

    def stream() -> Iterator[bytes]:
        for _ in range(17):
            yield b"x" * 65536  # 1,114,112 bytes, no Content-Length: chunked

    streamed = h.client.post("/slack/events", content=stream(), headers={**JSON, **sign("x")})
    assert streamed.status_code == 413
    assert checks == []
    assert h.bot.calls == []
    at_limit = b"text=" + b"a" * (1048576 - 5)
    assert h.client.post("/slack/commands", content=at_limit, headers={**FORM, **sign(at_limit)}).status_code == 200


def test_a_body_in_several_pieces_is_read_whole(h: Harness) -> None:
    body = command_body().encode()

    def pieces() -> Iterator[bytes]:
        yield from (body[i : i + 7] for i in range(0, len(body), 7))  # chunked, no Content-Length

    r = h.client.post("/slack/commands", content=pieces(), headers={**FORM, **sign(body)})
    assert r.status_code == 200
    assert h.bot.questions == [QUESTION]


@pytest.mark.parametrize("route", ["/slack/events", "/slack/commands", "/slack/outgoing", "/ask"])
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_12_wrong_method_is_405_with_allow(h: Harness, route: str, method: str) -> None:
    r = h.client.request(method, route)
    assert r.status_code == 405
    assert r.headers["allow"] == "POST"
    assert r.json() == {"error": "method not allowed"}


@pytest.mark.parametrize("secret", ["", "   "])
def test_13_blank_signing_secret_fails_at_startup(secret: str) -> None:
    with pytest.raises(ValueError, match="SLACK_SIGNING_SECRET"):
        create_app(StubBot(), WebhookSettings(slack_signing_secret=secret))


def test_13_nothing_configured_fails_at_startup() -> None:
    with pytest.raises(ValueError, match="SLACK_SIGNING_SECRET"):
        create_app(StubBot(), WebhookSettings())


def test_13_empty_environment_variable_counts_as_unset() -> None:
    with pytest.raises(WebhookConfigError):
        create_app(StubBot(), WebhookSettings.from_env({"SLACK_SIGNING_SECRET": ""}))


@pytest.mark.parametrize("route", ["/slack/commands", "/slack/events"])
def test_13_slack_routes_off_without_signing_secret(make: Any, route: str) -> None:
    h = make(slack_signing_secret=None)
    body = command_body()
    r = h.client.post(route, content=body, headers={**FORM, **sign(body)})
    assert r.status_code == 503
    assert r.json()["error"] == "not configured"
    assert "SLACK_SIGNING_SECRET" in r.json()["detail"]
    assert h.bot.calls == []


@pytest.mark.parametrize("route", ["/slack/outgoing", "/ask"])
def test_13_token_routes_off_without_token(make: Any, route: str) -> None:
    h = make(webhook_token=None)
    r = h.client.post(route, json={"token": "", "question": QUESTION, "text": QUESTION})
    assert r.status_code == 503
    assert r.json()["error"] == "not configured"
    assert h.bot.calls == []


# -- Slash commands (items 14-22) --------------------------------------------------------------------------


def test_14_slash_command_answers_inline_as_block_kit(h: Harness, slack: SlackStandIn) -> None:
    r = h.command(command_body(response_url=slack.response_url()))
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert body["response_type"] == "ephemeral"
    assert body["text"] == ANSWER
    assert [b["type"] for b in body["blocks"]] == ["section", "context"]
    assert body["blocks"][0]["text"] == {"type": "mrkdwn", "text": ANSWER}
    citation = body["blocks"][1]["elements"][0]["text"]
    assert "Overview" in citation
    assert "2006-2007" in citation
    assert_valid_blocks(body["blocks"])
    assert h.bot.questions == [QUESTION]
    assert slack.posts(None) == []  # answered inline: nothing goes to response_url


@pytest.mark.parametrize("text", ["", "help", "  HELP "])
def test_15_empty_or_help_gives_usage_naming_the_command(h: Harness, text: str) -> None:
    r = h.command(command_body(text=text))
    assert r.status_code == 200
    assert r.json()["response_type"] == "ephemeral"
    assert "/ask" in r.json()["text"]
    assert h.bot.calls == []


def test_16_qa_failure_is_a_polite_200(h: Harness) -> None:
    h.bot.error = RuntimeError("boom")
    r = h.command(command_body())
    assert r.status_code == 200
    assert r.json()["response_type"] == "ephemeral"
    assert r.json()["text"].startswith("Sorry")


@pytest.mark.parametrize("response_type", ["ephemeral", "in_channel"])
def test_17_slow_answer_is_acknowledged_then_posted_to_response_url(
    make: Any, slack: SlackStandIn, response_type: str
) -> None:
    h = make(answer_budget=0.05, response_type=response_type)
    h.bot.gate = threading.Event()  # the Q&A is still "sleeping" until the test lets it go
    r = h.command(command_body(response_url=slack.response_url("slow")))
    assert not h.bot.gate.is_set()
    assert r.status_code == 200
    assert r.json() == {"response_type": "ephemeral", "text": "Looking that up…"}
    h.bot.gate.set()
    posts = slack.wait_for(1, method=None)
    h.drain()
    assert len(slack.posts(None)) == 1
    post = posts[0]
    assert post.path == "/commands/T1/slow"
    assert post.headers["content-type"].startswith("application/json")
    assert post.args["text"] == ANSWER
    assert post.args["response_type"] == response_type
    assert_valid_blocks(post.args["blocks"])
    assert h.bot.questions == [QUESTION]


def test_17_slow_failure_is_posted_as_sorry(make: Any, slack: SlackStandIn) -> None:
    h = make(answer_budget=0.05)
    h.bot.gate = threading.Event()
    h.bot.error = RuntimeError("boom")
    r = h.command(command_body(response_url=slack.response_url()))
    assert r.json()["text"] == "Looking that up…"
    h.bot.gate.set()
    h.drain()
    posts = slack.posts(None)
    assert len(posts) == 1
    assert posts[0].args["text"].startswith("Sorry")


def test_18_answer_text_is_escaped(h: Harness) -> None:
    h.bot.text = "a < b & c > d"
    body = h.command(command_body()).json()
    assert "a &lt; b &amp; c &gt; d" in body["text"]
    assert "a &lt; b &amp; c &gt; d" in body["blocks"][0]["text"]["text"]


@pytest.mark.parametrize("length", [7000, 200_000])
def test_19_long_answers_are_split_within_limits(h: Harness, length: int) -> None:
    sentence = "AQIM & its affiliates <operate> across the Sahel. "
    h.bot.text = (sentence * (length // len(sentence) + 1))[:length]
    body = h.command(command_body()).json()
    sections = [b for b in body["blocks"] if b["type"] == "section"]
    assert all(len(s["text"]["text"]) <= 3000 for s in sections)
    assert len(body["blocks"]) <= 50
    assert 0 < len(body["text"]) <= 4000
    assert_valid_blocks(body["blocks"])
    if length == 7000:
        assert "".join(s["text"]["text"] for s in sections).count("&amp;") == h.bot.text.count("&")
    else:
        assert any(e["text"] == "(truncated)" for b in body["blocks"] if b["type"] == "context" for e in b["elements"])


def test_20_ssl_check_is_acknowledged_empty(h: Harness) -> None:
    body = "ssl_check=1&token=x"
    r = h.command(body)
    assert (r.status_code, r.content) == (200, b"")
    assert h.command(body, signed=False).status_code == 401  # a body field never decides whether to verify
    assert h.bot.calls == []


def test_21_unknown_command_is_a_polite_200(h: Harness) -> None:
    r = h.command(command_body(command="/unknown"))
    assert r.status_code == 200
    assert r.json()["response_type"] == "ephemeral"
    assert "unknown command" in r.json()["text"]
    assert h.bot.calls == []


def test_22_in_channel_is_configurable(make: Any) -> None:
    h = make(response_type="in_channel")
    assert h.command(command_body()).json()["response_type"] == "in_channel"


def test_question_length_cap_is_a_polite_reply(h: Harness) -> None:
    r = h.command(command_body(text="why " * 200))
    assert r.status_code == 200
    assert "too long" in r.json()["text"]
    assert h.bot.calls == []


def test_slack_markup_in_the_question_is_plain_text_for_the_bot(h: Harness) -> None:
    h.command(command_body(text="is <@U9|ann> in &lt;AQIM&gt; &amp; <#C2|general>? see <https://x.example/a|this>"))
    assert h.bot.questions == ["is @ann in <AQIM> & #general? see this"]


def test_slash_commands_are_single_questions(h: Harness) -> None:
    h.command(command_body())
    h.command(command_body(text="and its leader?"))
    assert [c for _, c in h.bot.calls] == [Context(), Context()]  # no thread: follow-ups belong in threads and DMs


# -- Events API (items 23-31) ------------------------------------------------------------------------------


def test_23_url_verification(h: Harness) -> None:
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    body = json.dumps({"token": "Jhj5dZrVaK7ZwHHjRyZWjbDl", "challenge": challenge, "type": "url_verification"})
    r = h.event(body)
    assert (r.status_code, r.json()) == (200, {"challenge": challenge})
    unsigned = h.event(body, signed=False)
    assert (unsigned.status_code, unsigned.json()) == (401, ERR401)


def test_24_app_mention_is_answered_in_its_thread(h: Harness, slack: SlackStandIn) -> None:
    r = h.event(event_body(mention()))
    assert (r.status_code, r.content) == (200, b"")
    slack.wait_for(1)
    h.drain()
    posts = slack.posts()
    assert len(posts) == 1
    args = posts[0].args
    assert (args["channel"], args["thread_ts"]) == ("C1", "1.1")
    assert args["text"] == ANSWER
    assert_valid_blocks(args["blocks"])
    assert posts[0].headers["authorization"] == f"Bearer {BOT_TOKEN}"
    assert h.bot.questions == [QUESTION]


def test_25_reply_goes_to_the_thread_parent(h: Harness, slack: SlackStandIn) -> None:
    h.event(event_body(mention(thread_ts="0.9")))
    h.drain()
    assert [p.args["thread_ts"] for p in slack.posts()] == ["0.9"]


@pytest.mark.parametrize("first_still_running", [True, False])
def test_26_retried_delivery_is_answered_once(h: Harness, slack: SlackStandIn, first_still_running: bool) -> None:
    body = event_body(mention())
    if first_still_running:
        h.bot.gate = threading.Event()
    assert h.event(body).status_code == 200
    if first_still_running:
        assert h.bot.entered.wait(10)
    else:
        slack.wait_for(1)
    retry = h.event(body, {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert (retry.status_code, retry.content) == (200, b"")
    if h.bot.gate is not None:
        h.bot.gate.set()
    h.drain()
    assert len(slack.posts()) == 1
    assert h.bot.questions == [QUESTION]


def test_27_unseen_event_carrying_a_retry_header_is_processed(h: Harness, slack: SlackStandIn) -> None:
    r = h.event(event_body(mention(), event_id="Ev9"), {"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_error"})
    assert r.status_code == 200
    h.drain()
    assert len(slack.posts()) == 1


@pytest.mark.parametrize(
    "event",
    [
        mention(bot_id=BOT_ID),
        mention(user=BOT_USER_ID),
        {
            "type": "message",
            "subtype": "bot_message",
            "bot_id": "B2",
            "text": "hi",
            "ts": "1.2",
            "channel": "D1",
            "channel_type": "im",
        },
        {
            "type": "message",
            "subtype": "message_changed",
            "ts": "1.3",
            "channel": "D1",
            "channel_type": "im",
            "user": "U1",
            "text": QUESTION,
        },
        {"type": "message", "user": BOT_USER_ID, "text": QUESTION, "ts": "1.4", "channel": "D1", "channel_type": "im"},
    ],
    ids=["our-bot-id", "our-user", "bot_message", "message_changed", "own-dm"],
)
def test_28_never_talks_to_itself(h: Harness, slack: SlackStandIn, event: dict[str, Any]) -> None:
    r = h.event(event_body(event))
    assert (r.status_code, r.content) == (200, b"")
    h.drain()
    assert slack.posts() == []
    assert h.bot.calls == []


def test_28_own_user_id_is_learnt_from_authorizations(make: Any, slack: SlackStandIn) -> None:
    h = make(slack_bot_user_id=None)
    h.event(event_body(mention(user=BOT_USER_ID)))
    h.drain()
    assert slack.posts() == []


def test_29_direct_message_is_answered_in_the_dm(h: Harness, slack: SlackStandIn) -> None:
    dm = {"type": "message", "user": "U1", "text": QUESTION, "ts": "2.1", "channel": "D1", "channel_type": "im"}
    assert h.event(event_body(dm, event_id="Ev2")).status_code == 200
    h.drain()
    posts = slack.posts()
    assert [(p.args["channel"], p.args["thread_ts"]) for p in posts] == [("D1", "2.1")]
    assert h.bot.questions == [QUESTION]


@pytest.mark.parametrize(
    "body",
    [
        event_body({"type": "reaction_added", "user": "U1", "reaction": "thumbsup", "ts": "1.1"}),
        event_body(
            {"type": "message", "user": "U1", "text": QUESTION, "ts": "1.1", "channel": "C1", "channel_type": "channel"}
        ),
        json.dumps({"type": "app_rate_limited", "team_id": "T1", "minute_rate_limited": 1518467820}),
        json.dumps({"type": "something_new"}),
    ],
    ids=["reaction_added", "channel-message", "app_rate_limited", "unknown-envelope"],
)
def test_30_unhandled_types_are_200_and_ignored(h: Harness, slack: SlackStandIn, body: str) -> None:
    r = h.event(body)
    assert (r.status_code, r.content) == (200, b"")
    h.drain()
    assert slack.posts() == []
    assert h.bot.calls == []


def test_31_background_failure_is_logged_not_retried(
    h: Harness, slack: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    h.bot.error = RuntimeError("boom")
    body = event_body(mention())
    with caplog.at_level(logging.ERROR, logger="sahel_bot.webhook"):
        assert h.event(body).status_code == 200
        assert h.event(body, {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}).status_code == 200
        h.drain()
    assert h.bot.questions == [QUESTION]
    assert any("failed to answer" in r.getMessage() for r in caplog.records)
    posts = slack.posts()
    assert len(posts) == 1
    assert posts[0].args["text"].startswith("Sorry")


def test_thread_follow_ups_keep_context_per_thread(h: Harness, slack: SlackStandIn) -> None:
    h.event(event_body(mention(ts="5.1"), event_id="EvA"))
    slack.wait_for(1)
    h.event(event_body(mention(text=f"<@{BOT_USER_ID}> and its leader?", ts="5.2", thread_ts="5.1"), event_id="EvB"))
    slack.wait_for(2)
    h.event(event_body(mention(text=f"<@{BOT_USER_ID}> and its leader?", ts="6.1"), event_id="EvC"))
    h.drain()
    contexts = {q_ts: ctx for (_, ctx), q_ts in zip(h.bot.calls, ["5.1", "5.2", "6.1"], strict=True)}
    assert contexts["5.1"] == Context()
    assert contexts["5.2"].subject == "aqim"  # same thread: the follow-up sees the first answer's context
    assert contexts["6.1"] == Context()  # a new thread starts afresh


def test_events_malformed_json_is_400_without_retry(h: Harness) -> None:
    for body in ["{not json", "[1, 2]", '"text"', json.dumps({"type": "url_verification"})]:
        r = h.event(body)
        assert r.status_code == 400
        assert r.headers["x-slack-no-retry"] == "1"


def test_events_without_bot_token_are_acknowledged(make: Any, caplog: pytest.LogCaptureFixture) -> None:
    h = make(slack_bot_token=None)
    with caplog.at_level(logging.WARNING, logger="sahel_bot.webhook"):
        assert h.event(event_body(mention())).status_code == 200
    assert "SLACK_BOT_TOKEN" in caplog.text
    assert h.bot.calls == []


def test_usage_texts_and_citations_name_the_served_brief(h: Harness, slack: SlackStandIn) -> None:
    slash = h.command(command_body(text="help")).json()["text"]
    assert slash == f"{ABOUT.intro} Try `/ask Which lighthouse is the oldest?`"
    examples = "\u201cWhich lighthouse is the oldest?\u201d or \u201cWho keeps the north light?\u201d"
    assert (
        outgoing(h, {**SLACK_LEGACY, "text": "qa: help"}).json()["text"]
        == f"{ABOUT.intro} Ask me, for example: {examples}"
    )
    h.event(event_body(mention(text=f"<@{BOT_USER_ID}>")))
    bad = h.client.post("/ask", json={"q": "?"}, headers={"Authorization": f"Bearer {TOKEN}"}).json()["error"]
    assert "Which lighthouse is the oldest?" in bad
    cited = h.command(command_body()).json()["blocks"][1]["elements"][0]["text"]
    assert cited.startswith("Source: <https://example.org/tn1.pdf|Test Notes TN1>, Overview")
    h.drain()
    assert slack.posts()[0].args["text"] == f"{ABOUT.intro} Ask me, for example: {examples}"
    assert h.bot.questions == [QUESTION]  # help and a bad request asked nothing


def test_events_too_long_question_gets_a_polite_post(h: Harness, slack: SlackStandIn) -> None:
    h.event(event_body(mention(text=f"<@{BOT_USER_ID}> " + "why " * 200)))
    h.drain()
    assert "too long" in slack.posts()[0].args["text"]
    assert h.bot.calls == []


# -- Slack-compatible servers, token mode (items 32-36) ----------------------------------------------------


def outgoing(h: Harness, fields: dict[str, Any], as_json: bool = False, headers: dict[str, str] | None = None) -> Any:
    if as_json:
        return h.client.post("/slack/outgoing", json=fields, headers=headers)
    return h.client.post("/slack/outgoing", content=form(**fields), headers={**FORM, **(headers or {})})


SLACK_LEGACY = {
    "token": TOKEN,
    "team_id": "T1",
    "team_domain": "example",
    "channel_id": "C1",
    "channel_name": "test",
    "timestamp": "1355517523.000005",
    "user_id": "U1",
    "user_name": "ann",
    "text": f"qa: {QUESTION}",
    "trigger_word": "qa:",
}
MATTERMOST_OUTGOING = {
    "channel_id": "hawos4dqtby53pd64o4a4cmeoo",
    "channel_name": "town-square",
    "team_domain": "someteam",
    "team_id": "kwoknj9nwpypzgzy78wkw516qe",
    "post_id": "axdygg1957njfe5pu38saikdho",
    "text": f"qa {QUESTION}",
    "timestamp": "1445532266",
    "token": TOKEN,
    "trigger_word": "qa",
    "user_id": "rnina9994bde8mua79zqcg5hmo",
    "user_name": "somename",
    "file_ids": "",
}
MATTERMOST_SLASH = {
    "channel_id": "cniah6qa73bjjjan6mzn11f4ie",
    "channel_name": "town-square",
    "command": "/ask",
    "response_url": "not-a-url",
    "team_domain": "someteam",
    "team_id": "rdc9bgriktyx9p4kowh3dmgqyc",
    "text": QUESTION,
    "token": TOKEN,
    "trigger_id": "1.2.3",
    "user_id": "c3a4cqe3dfy6dgopqt8ai3hydh",
    "user_name": "somename",
}
ZULIP = {
    "token": TOKEN,
    "team_id": "T2",
    "team_domain": "zulip.example.com",
    "channel_id": "C5",
    "channel_name": "general",
    "thread_ts": "1532078950",
    "timestamp": "1532078950",
    "user_id": "U5",
    "user_name": "Iago",
    "text": f"@**sahel bot** {QUESTION}",
    "trigger_word": "mention",
    "service_id": "27",
}
ROCKETCHAT = {
    "token": TOKEN,
    "bot": False,
    "channel_id": "GENERAL",
    "channel_name": "general",
    "message_id": "xyz",
    "timestamp": "2026-11-25T07:00:00.000Z",
    "user_id": "u1",
    "user_name": "ann",
    "text": f"qa {QUESTION}",
    "trigger_word": "qa",
}


def test_32_slack_legacy_outgoing_webhook(h: Harness) -> None:
    r = outgoing(h, SLACK_LEGACY)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.json()["text"].startswith(ANSWER)
    assert set(r.json()) == {"text"}
    assert h.bot.questions == [QUESTION]


@pytest.mark.parametrize("token", ["WRONG", "", None, "T0k3n-for-outgoinG", "é"])
def test_33_wrong_or_missing_token_is_401(h: Harness, monkeypatch: pytest.MonkeyPatch, token: str | None) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest
    monkeypatch.setattr(token_routes.hmac, "compare_digest", lambda a, b: compared.append((a, b)) or real(a, b))
    fields = {k: v for k, v in SLACK_LEGACY.items() if k != "token"}
    if token is not None:
        fields["token"] = token
    r = outgoing(h, fields)
    assert r.status_code == 401
    assert r.json()["error"] == ERR401["error"]
    assert ("no token" if not token else "not one this server accepts") in r.json()["detail"]
    assert TOKEN not in r.text
    assert h.bot.calls == []
    if token:
        assert compared  # the token was compared in constant time
    good = outgoing(h, SLACK_LEGACY)
    assert good.status_code == 200
    assert compared[-1] == (TOKEN.encode(), TOKEN.encode())


def test_34_mattermost_outgoing_json(h: Harness) -> None:
    r = outgoing(h, MATTERMOST_OUTGOING, as_json=True)
    assert r.status_code == 200
    assert r.json()["response_type"] == "comment"
    assert r.json()["text"].startswith(ANSWER)
    assert h.bot.questions == [QUESTION]


def test_34_mattermost_slash_command_with_authorization_header(h: Harness) -> None:
    fields = {**MATTERMOST_SLASH, "token": "ignored-when-the-header-is-there"}
    r = outgoing(h, fields, headers={"Authorization": f"Token {TOKEN}"})
    assert r.status_code == 200
    assert r.json()["response_type"] == "ephemeral"
    assert r.json()["text"].startswith(ANSWER)
    assert outgoing(h, MATTERMOST_SLASH, headers={"Authorization": "Token WRONG"}).status_code == 401


def test_35_zulip_slack_format(h: Harness) -> None:
    r = outgoing(h, ZULIP)
    assert r.status_code == 200
    assert set(r.json()) == {"text"}
    assert h.bot.questions == [QUESTION]


def test_35_rocketchat(h: Harness) -> None:
    r = outgoing(h, ROCKETCHAT, as_json=True)
    assert r.status_code == 200
    assert set(r.json()) == {"text"}
    assert h.bot.questions == [QUESTION]
    from_a_bot = outgoing(h, {**ROCKETCHAT, "bot": {"i": "rocket.cat"}}, as_json=True)
    assert (from_a_bot.status_code, from_a_bot.content) == (200, b"")
    assert outgoing(h, {**ROCKETCHAT, "bot": True}, as_json=True).content == b""
    assert h.bot.questions == [QUESTION]


@pytest.mark.parametrize(
    ("fields", "as_json"),
    [(SLACK_LEGACY, False), (MATTERMOST_OUTGOING, True), (MATTERMOST_SLASH, False), (ZULIP, False), (ROCKETCHAT, True)],
    ids=["slack", "mattermost", "mattermost-slash", "zulip", "rocketchat"],
)
def test_36_qa_failure_is_a_polite_200(h: Harness, fields: dict[str, Any], as_json: bool) -> None:
    h.bot.error = RuntimeError("boom")
    r = outgoing(h, fields, as_json=as_json)
    assert r.status_code == 200
    assert r.json()["text"].startswith("Sorry")


def test_outgoing_escapes_only_for_slack(h: Harness) -> None:
    h.bot.text = "a < b & c"
    assert outgoing(h, SLACK_LEGACY).json()["text"].startswith("a &lt; b &amp; c")
    assert outgoing(h, ZULIP).json()["text"].startswith("a < b & c")


def test_outgoing_unreadable_body_is_400(h: Harness) -> None:
    assert h.client.post("/slack/outgoing", content=b"\xff", headers=FORM).status_code == 400
    assert h.client.post("/slack/outgoing", content=b"[1]", headers=JSON).status_code == 400
    assert h.client.post("/slack/outgoing", content=b"{", headers=JSON).status_code == 400


def test_mattermost_slash_slow_answer_goes_to_response_url(make: Any, slack: SlackStandIn) -> None:
    h = make(answer_budget=0.05)
    h.bot.gate = threading.Event()
    r = outgoing(h, {**MATTERMOST_SLASH, "response_url": slack.response_url("mm")})
    assert r.json() == {"response_type": "ephemeral", "text": "Looking that up…"}
    h.bot.gate.set()
    h.drain()
    posts = slack.posts(None)
    assert len(posts) == 1
    assert posts[0].args["text"].startswith(ANSWER)


# -- POST /ask and GET /healthz ------------------------------------------------------------------------------


def ask(h: Harness, payload: Any, token: str | None = TOKEN) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return h.client.post("/ask", json=payload, headers=headers)


def test_ask_returns_the_cli_json(h: Harness) -> None:
    r = ask(h, {"question": QUESTION})
    assert r.status_code == 200
    expected, _ = StubBot().answer(QUESTION, Context())
    assert r.json() == expected.to_dict()
    assert "explanation" in ask(h, {"question": QUESTION, "explain": True}).json()


@pytest.mark.parametrize(
    ("authorization", "detail", "error"),
    [
        (None, "no token: send the header 'Authorization: Bearer <token>'", None),
        ("Bearer ", "no token after 'Bearer'", "invalid_request"),
        (f"Token {TOKEN}", "uses the 'Token' scheme; send 'Authorization: Bearer <token>'", "invalid_request"),
        (f"Basic {TOKEN}", "uses the 'Basic' scheme", "invalid_request"),
        ("Bearer WRONG", "the token is not one this server accepts", "invalid_token"),
        (f"Bearer {TOKEN}x", "the token is not one this server accepts", "invalid_token"),
    ],
)
def test_ask_401_says_what_is_wrong_and_never_which_tokens_exist(
    h: Harness, authorization: str | None, detail: str, error: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    r = h.client.post("/ask", json={"question": QUESTION}, headers=headers)
    assert r.status_code == 401
    assert r.json()["error"] == "invalid request"
    assert detail in r.json()["detail"]
    challenge = r.headers["www-authenticate"]
    assert challenge.startswith('Bearer realm="sahel-bot"')
    assert (f'error="{error}"' in challenge) if error else ("error=" not in challenge)
    assert TOKEN not in r.text.replace(authorization or "", "")
    assert h.bot.calls == []


@pytest.mark.parametrize(
    "payload",
    [[QUESTION], {"q": QUESTION}, {"question": 3}, {"question": QUESTION, "explain": "yes"}, {"question": "x" * 501}],
)
def test_ask_bad_input_is_a_clear_400(h: Harness, payload: Any) -> None:
    r = ask(h, payload)
    assert r.status_code == 400
    assert r.json()["error"]
    assert h.bot.calls == []


def test_ask_conversation_keeps_context(h: Harness) -> None:
    ask(h, {"question": QUESTION, "conversation": "c1"})
    ask(h, {"question": "and its leader?", "conversation": "c1"})
    assert h.bot.calls[1][1].subject == "aqim"


def test_ask_qa_failure_is_a_decline(h: Harness) -> None:
    h.bot.error = RuntimeError("boom")
    r = ask(h, {"question": QUESTION})
    assert r.status_code == 200
    assert (r.json()["answered"], r.json()["outcome"]) == (False, "decline")


def test_healthz(h: Harness) -> None:
    r = h.client.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert body["store"] == {"kind": "memory", "state": "ok"}
    assert body["knowledge"] is None  # a stub bot has no knowledge directory to report or reload
    assert body["worker"]["pid"] == os.getpid()
    assert h.client.get("/nope").status_code == 404


def test_answer_cache_skips_recomputing_the_same_question(make: Any) -> None:
    h = make(answer_cache=16)
    first = ask(h, {"question": QUESTION}).json()
    second = ask(h, {"question": QUESTION}).json()
    assert first == second
    assert h.bot.questions == [QUESTION]


# -- Logs ----------------------------------------------------------------------------------------------------


def test_access_log_is_structured_and_holds_no_secrets_or_bodies(h: Harness, caplog: pytest.LogCaptureFixture) -> None:
    secret_question = "Who is Zanzibar-Quux?"
    with caplog.at_level(logging.INFO, logger="sahel_bot.webhook"):
        h.command(command_body(text=secret_question))
        h.command(command_body(text=secret_question), {"X-Slack-Signature": "v0=" + "0" * 64})
        outgoing(h, {**SLACK_LEGACY, "text": secret_question})
        h.client.post("/slack/outgoing?token=" + TOKEN, content=form(text=secret_question, token="WRONG"), headers=FORM)
    lines = [r.fields for r in caplog.records if r.name == "sahel_bot.webhook.access"]
    assert [line["status"] for line in lines] == [200, 401, 200, 401]
    assert lines[0]["path"] == "/slack/commands"
    assert lines[0]["signature"] == "ok"
    assert lines[1]["signature"] == "bad"
    everything = json.dumps([r.__dict__ for r in caplog.records], default=str)
    for secret in (S, TOKEN, BOT_TOKEN, "Zanzibar"):
        assert secret not in everything


# -- Miss log (issue 6) --------------------------------------------------------------------------------------


def test_declines_go_to_the_miss_log_with_a_hashed_user(slack: SlackStandIn, tmp_path: Any) -> None:
    from sahel_bot.misses import MissLog, read_misses

    bot = StubBot()
    log_path = tmp_path / "misses.jsonl"
    settings = WebhookSettings(slack_signing_secret=S, slack_api_url=slack.api_url, answer_cache=0)
    with TestClient(create_app(bot, settings, clock=FrozenClock(), misses=MissLog(log_path, "webhook"))) as client:
        body = command_body()
        client.post("/slack/commands", content=body, headers={**FORM, **sign(body)})  # answered: not a miss
        bot.citations = ()
        bot.text = "I can't answer that from the brief."
        original = bot.answer

        def decline(question: str, context: Context) -> tuple[Reply, Context]:
            reply, new = original(question, context)
            return Reply(question, False, reply.text, "decline"), new

        bot.answer = decline  # type: ignore[method-assign]
        body = command_body(text="What is the weather in Bamako?", user_id="U-SECRET")
        client.post("/slack/commands", content=body, headers={**FORM, **sign(body)})
    lines = [json.loads(line) for line in log_path.read_text().splitlines()]
    assert [(m["interface"], m["question"], m["outcome"]) for m in lines] == [
        ("webhook", "What is the weather in Bamako?", "decline")
    ]
    assert lines[0]["user"]
    assert "U-SECRET" not in log_path.read_text()
    assert [m.question for m in read_misses(log_path)] == ["What is the weather in Bamako?"]


def test_several_tokens_each_work(make: Any) -> None:
    h = make(webhook_token=f"{TOKEN}, mattermost-slash-token")
    assert outgoing(h, SLACK_LEGACY).status_code == 200
    assert outgoing(h, {**MATTERMOST_SLASH, "token": "mattermost-slash-token"}).status_code == 200
    assert outgoing(h, {**MATTERMOST_SLASH, "token": f"{TOKEN}, mattermost-slash-token"}).status_code == 401
    assert ask(h, {"question": QUESTION}, "mattermost-slash-token").status_code == 200
