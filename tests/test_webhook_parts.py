"""The webhook's parts on their own: Block Kit rendering, Slack markup, the TTL store, settings, the verifier,
``sahel-bot serve``'s refusal to start unconfigured, and a property test that no request ever gets a 5xx.
"""

from __future__ import annotations

import json
import logging
import re
import string
import urllib.parse
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block
from slack_sdk.signature import Clock, SignatureVerifier
from starlette.testclient import TestClient

from sahel_bot import Citation, ConfigError, Context, Reply
from sahel_bot.interfaces.cli import main
from sahel_bot.interfaces.slack_blocks import MORE_HINT, escape, plain_text, slack_message, slack_to_plain, split_text
from sahel_bot.interfaces.store import TTLStore
from sahel_bot.interfaces.webhook import SlackVerifier, create_app
from sahel_bot.interfaces.webhook_config import ENVIRONMENT, WebhookConfigError, WebhookSettings
from sahel_bot.interfaces.webhook_http import form_fields, unquote
from stub_brief import ABOUT

S = "8f742231b10e8888abcd99yyyzzz85a5"
NOW = 1531420618


class FrozenClock(Clock):
    def now(self) -> float:
        return NOW


def reply(text: str = "An answer.", citations: int = 1, suggestions: tuple[str, ...] = ()) -> Reply:
    cites = tuple(Citation("Overview", f"quote {i} <&>", f"s{i}") for i in range(citations))
    return Reply("q?", True, text, "answer", "x", 0.9, cites, suggestions)


# -- Block Kit -------------------------------------------------------------------------------------------------


def test_escape_matches_the_spec_vector() -> None:
    assert escape("a < b && c > d <@U123> &amp;") == "a &lt; b &amp;&amp; c &gt; d &lt;@U123&gt; &amp;amp;"


def test_message_shape_and_escaped_citation() -> None:
    message = slack_message(reply(), ABOUT, "ephemeral")
    assert message["response_type"] == "ephemeral"
    assert message["text"] == "An answer."
    context = message["blocks"][1]
    assert context["type"] == "context"
    assert "quote 0 &lt;&amp;&gt;" in context["elements"][0]["text"]
    assert context["elements"][0]["text"].startswith("Source: <https://example.org/tn1.pdf|Test Notes TN1>, Overview")


def test_suggestions_are_listed_in_blocks_and_fallback() -> None:
    message = slack_message(reply("Did you mean one of these?", 0, ("Who leads AQIM?", "Who leads <MUJAO>?")), ABOUT)
    assert [b["type"] for b in message["blocks"]] == ["section", "section"]
    assert message["blocks"][1]["text"]["text"] == "• Who leads AQIM?\n• Who leads &lt;MUJAO&gt;?"
    assert "• Who leads AQIM?" in message["text"]


def test_many_citations_stay_within_ten_context_elements() -> None:
    message = slack_message(reply(citations=14), ABOUT)
    elements = message["blocks"][-1]["elements"]
    assert len(elements) == 10
    assert elements[-1]["text"] == "and 5 more sources"
    for block in message["blocks"]:
        Block.parse(block).validate_json()  # type: ignore[union-attr]


@given(st.text(alphabet=string.ascii_letters + " .\n&<>é", min_size=1, max_size=9000))
@settings(max_examples=60, deadline=None)
def test_any_answer_renders_within_slack_limits(text: str) -> None:
    message = slack_message(reply(text, citations=2), ABOUT)
    assert 0 < len(message["text"]) <= 4000
    assert len(message["blocks"]) <= 50
    for block in message["blocks"]:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
    sections = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    for section in sections:
        # never cut inside an escaped entity
        assert not any(section.endswith(e[:k]) for e in ("&amp;", "&lt;", "&gt;") for k in range(1, 4))


def test_split_text_prefers_paragraphs_then_sentences() -> None:
    text = "One. " * 10 + "\n\n" + "Two. " * 10
    assert split_text(text, 60) == [("One. " * 10).strip(), ("Two. " * 10).strip()]
    assert split_text("x" * 7, 3) == ["xxx", "xxx", "x"]
    assert all(len(c) <= 3000 for c in split_text("word " * 2000))


@pytest.mark.parametrize("link", ["", "javascript:alert(1)", "https://x.example/a|evil", "https://x.example/<b>"])
def test_citation_links_only_a_plain_http_url(link: str) -> None:

    element = slack_message(reply(), ABOUT._replace(link=link))["blocks"][1]["elements"][0]["text"]
    assert element.startswith("Source: Test Notes TN1, Overview")
    assert "<" not in element.split(":")[0]


def test_plain_text_for_compatible_servers() -> None:
    text = plain_text(reply("a < b"), ABOUT, escaped=False)
    assert text.splitlines()[0] == "a < b"
    assert text.splitlines()[1] == "> Source: Test Notes TN1, Overview: “quote 0 <&>”"
    assert plain_text(reply("a < b"), ABOUT, escaped=True).startswith("a &lt; b")
    assert len(plain_text(reply("x " * 5000), ABOUT)) <= 4000


@pytest.mark.parametrize(
    ("markup", "plain"),
    [
        ("<@UBOT> who leads AQIM?", "who leads AQIM?"),
        ("<@UBOT|sahel>: who leads AQIM?", "who leads AQIM?"),
        ("who is <@U1|ann> &amp; <@UBOT>?", "who is @ann & ?"),
        ("<!here> see <https://a.example/x|this link> and <mailto:a@b.example>", "see this link and a@b.example"),
        ("in <#C1|general> &lt;b&gt;", "in #general <b>"),
        ("  lots   of\nspace  ", "lots of space"),
        ("", ""),
    ],
)
def test_slack_markup_to_plain_text(markup: str, plain: str) -> None:
    assert slack_to_plain(markup, bot_user_id="UBOT") == plain


# -- Store -----------------------------------------------------------------------------------------------------


def test_ttl_store_expires_and_bounds() -> None:
    now = [0.0]
    store = TTLStore(ttl=10, max_entries=2, clock=lambda: now[0])
    store.set("a", 1)
    assert store.get("a") == 1
    now[0] = 10.0
    assert store.get("a") is None
    assert store.add("e") is True
    assert store.add("e") is False
    now[0] = 20.0
    assert store.add("e") is True  # expired ids may be seen again
    store.set("x", 1)
    store.set("y", 2)
    assert store.get("e") is None  # over max_entries: the oldest goes first
    assert len(store) == 2
    store.discard("x")
    assert store.get("x") is None
    with pytest.raises(ValueError, match="ttl"):
        TTLStore(ttl=0)


# -- Settings --------------------------------------------------------------------------------------------------


def test_settings_from_env_and_overrides() -> None:
    env = {
        "SLACK_SIGNING_SECRET": S,
        "SAHEL_BOT_SLACK_COMMANDS": "/ask, /sahel",
        "SAHEL_BOT_ANSWER_BUDGET": "1.5",
        "SAHEL_BOT_RESPONSE_TYPE": "",
    }
    settings = WebhookSettings.from_env(env, response_type="in_channel", max_question_chars="300")
    assert settings.slack_commands == ("/ask", "/sahel")
    assert settings.answer_budget == 1.5
    assert settings.response_type == "in_channel"
    assert settings.max_question_chars == 300
    assert S not in repr(settings)
    assert WebhookSettings.from_env(settings.to_env()) == settings


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SAHEL_BOT_ANSWER_BUDGET", "soon", "SAHEL_BOT_ANSWER_BUDGET='soon' is not a number"),
        ("SAHEL_BOT_ANSWER_BUDGET", "3", "at most 2.9 seconds"),
        ("SAHEL_BOT_RESPONSE_TYPE", "everyone", "'ephemeral' or 'in_channel'"),
        ("SAHEL_BOT_SLACK_COMMANDS", "ask", "slash commands such as '/ask'"),
        ("SLACK_API_URL", "slack.com/api", "http(s) URL"),
        ("SAHEL_BOT_MAX_BODY_BYTES", "0", "at least 1"),
    ],
)
def test_bad_settings_name_the_variable(variable: str, value: str, message: str) -> None:
    with pytest.raises(WebhookConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        WebhookSettings.from_env({variable: value})


def test_every_setting_has_an_environment_variable() -> None:
    from dataclasses import fields

    assert {f.name for f in fields(WebhookSettings)} == set(ENVIRONMENT)


# -- serve -----------------------------------------------------------------------------------------------------


def test_serve_refuses_to_start_unconfigured(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for variable in ENVIRONMENT.values():
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "")
    assert main(["serve"]) == 3
    err = capsys.readouterr().err
    assert "SLACK_SIGNING_SECRET" in err
    assert "SAHEL_BOT_WEBHOOK_TOKEN" in err


def test_serve_reads_secrets_from_files_not_flags(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from sahel_bot.interfaces.cli import build_parser
    from sahel_bot.interfaces.serve import settings_from_args

    for variable in ENVIRONMENT.values():
        monkeypatch.delenv(variable, raising=False)
    secret = tmp_path / "secret"
    secret.write_text(S + "\n")
    args = build_parser().parse_args(
        ["serve", "--slack-signing-secret-file", str(secret), "--response-type", "in_channel"]
    )
    settings = settings_from_args(args)
    assert (settings.slack_signing_secret, settings.response_type) == (S, "in_channel")
    assert "slack_signing_secret" not in vars(args)  # no flag takes a secret itself (it would show in `ps`)
    args = build_parser().parse_args(["serve", "--webhook-token-file", str(tmp_path / "missing")])
    with pytest.raises(ConfigError, match="Cannot read --webhook-token-file"):
        settings_from_args(args)


def test_access_lines_keep_their_order_and_format(capfd: pytest.CaptureFixture[str]) -> None:
    from sahel_bot.interfaces.logs import BufferedStderrHandler, JsonFormatter

    handler = BufferedStderrHandler(interval=3600)  # written out by hand below, not by its thread
    handler.setFormatter(JsonFormatter())
    write = handler.access_writer()
    write({"method": "POST", "path": "/slack/commands", "status": 200, "ms": 0.5, "command": '/ask "é"'})
    handler.handle(logging.LogRecord("sahel_bot.webhook", logging.WARNING, "", 0, "warned", (), None))
    write({})
    # a warning is written at once, after the access line queued before it; the next line waits
    first, warned = (json.loads(line) for line in capfd.readouterr().err.splitlines())
    handler.flush()
    (last,) = (json.loads(line) for line in capfd.readouterr().err.splitlines())
    assert first == {
        "time": first["time"],
        "level": "info",
        "logger": "sahel_bot.webhook.access",
        "message": "request",
        "method": "POST",
        "path": "/slack/commands",
        "status": 200,
        "ms": 0.5,
        "command": '/ask "é"',
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", first["time"])
    assert (warned["level"], warned["message"]) == ("warning", "warned")
    assert last == {"time": last["time"], "level": "info", "logger": "sahel_bot.webhook.access", "message": "request"}
    # a queue that outgrows its bound is written out by the request that overfills it
    handler.max_queued = 1
    write({"n": 1})
    write({"n": 2})
    assert [json.loads(line)["n"] for line in capfd.readouterr().err.splitlines()] == [1, 2]


# -- Form bodies -----------------------------------------------------------------------------------------------


@given(st.lists(st.sampled_from(["a", "+", "%", "2F", "e2", "82", "ac", "zz", "C3", "A9", "é", "€", " ", "1"])))
def test_form_values_decode_as_urllib_does(pieces: list[str]) -> None:
    # the webhook's own decoder (cheaper per request) must agree with parse_qsl's, invalid escapes included
    value = "".join(pieces)
    assert unquote(value) == urllib.parse.unquote_plus(value)


def test_form_keeps_fields_encoded_until_asked() -> None:
    body = b"command=%2Fask&text=who+leads%20AQIM%3F&response_url=https%3A%2F%2Fx%2Fy&text=second&junk=1"
    form = form_fields(body, frozenset({"command", "text", "response_url"}), frozenset({"response_url"}))
    assert form == {"command": "/ask", "text": "who leads AQIM?", "response_url": "https%3A%2F%2Fx%2Fy"}
    assert unquote(form["response_url"]) == "https://x/y"


# -- Verifier and "never a 5xx" --------------------------------------------------------------------------------


def test_verifier_agrees_with_slack_sdk() -> None:
    verifier = SlackVerifier(S, FrozenClock())
    body = "token=x&text=hello"
    signature = SignatureVerifier(S).generate_signature(timestamp=str(NOW), body=body)
    assert signature is not None
    assert (
        verifier.check(body.encode(), {"x-slack-request-timestamp": str(NOW), "x-slack-signature": signature}) == "ok"
    )
    assert verifier.check(body.encode(), {"x-slack-request-timestamp": "1e9", "x-slack-signature": signature}) == "bad"
    assert (
        verifier.check(body.encode(), {"x-slack-request-timestamp": "9" * 5000, "x-slack-signature": signature})
        == "bad"
    )
    assert verifier.check(body.encode(), {}) == "bad"


class Bot:
    about = ABOUT

    def answer(self, question: str, context: Context) -> tuple[Reply, Context]:
        return reply(question or "empty"), context


@pytest.fixture(scope="module")
def client() -> Any:
    settings_ = WebhookSettings(slack_signing_secret=S, webhook_token="T", slack_bot_token=None, answer_cache=0)
    with TestClient(create_app(Bot(), settings_, clock=FrozenClock())) as c:
        yield c


def _signed(body: bytes) -> dict[str, str]:
    import hashlib
    import hmac

    digest = hmac.new(S.encode(), f"v0:{NOW}:".encode() + body, hashlib.sha256).hexdigest()
    return {"x-slack-request-timestamp": str(NOW), "x-slack-signature": "v0=" + digest}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
fields = st.dictionaries(
    st.sampled_from(
        [
            "type",
            "event",
            "challenge",
            "command",
            "text",
            "token",
            "user",
            "bot",
            "question",
            "ssl_check",
            "trigger_word",
            "response_url",
            "event_id",
            "authorizations",
            "post_id",
            "conversation",
        ]
    ),
    json_values,
    max_size=8,
)


@given(
    route=st.sampled_from(["/slack/commands", "/slack/events", "/slack/outgoing", "/ask"]),
    payload=fields,
    encoding=st.sampled_from(["json", "form", "raw"]),
    raw=st.binary(max_size=64),
    signed=st.booleans(),
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_request_ever_gets_a_5xx(
    client: Any, route: str, payload: dict[str, Any], encoding: str, raw: bytes, signed: bool
) -> None:
    if encoding == "json":
        body = json.dumps(payload).encode()
    elif encoding == "form":
        body = "&".join(f"{k}={json.dumps(v)}" for k, v in payload.items()).encode()
    else:
        body = raw
    headers = {"content-type": "application/json" if encoding == "json" else "application/x-www-form-urlencoded"}
    if signed:
        headers.update(_signed(body))
    if route == "/ask":
        headers["authorization"] = "Bearer T"
    elif route == "/slack/outgoing" and signed:
        headers["authorization"] = "Token T"
    response = client.post(route, content=body, headers=headers)
    assert response.status_code < 500, response.text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--answer-budget", "5"], "--answer-budget must be above 0 and at most 2.9 seconds, not 5.0."),
        (["--answer-budget", "soon"], "--answer-budget 'soon' is not a number."),
        (["--response-type", "all"], "--response-type must be 'ephemeral' or 'in_channel', not 'all'."),
        (["--max-body-bytes", "0"], "--max-body-bytes must be at least 1, not 0."),
        (["--state", "http://cache:6379/0"], "--state must be a URL such as redis://HOST:PORT/DB"),
        (["--state", "redis://:hunter2@cache/x"], "--state must end in a database number (/0), not '/x'."),
        (["--webhook-token-file", "/nonexistent/t"], "Cannot read --webhook-token-file '/nonexistent/t': No such file"),
    ],
)
def test_serve_errors_name_the_flag_the_user_typed(
    argv: list[str], message: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for variable in ENVIRONMENT.values():
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("SAHEL_BOT_WEBHOOK_TOKEN", "t")
    assert main(["serve", *argv]) == 3
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "hunter2" not in err


def test_serve_errors_from_the_environment_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for variable in ENVIRONMENT.values():
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("SAHEL_BOT_WEBHOOK_TOKEN", "t")
    monkeypatch.setenv("SAHEL_BOT_ANSWER_BUDGET", "5")
    assert main(["serve"]) == 3
    assert "SAHEL_BOT_ANSWER_BUDGET must be above 0" in capsys.readouterr().err


def test_an_empty_secret_file_is_named(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for variable in ENVIRONMENT.values():
        monkeypatch.delenv(variable, raising=False)
    empty = tmp_path / "secret"
    empty.write_text("\n")
    assert main(["serve", "--slack-signing-secret-file", str(empty)]) == 3
    err = capsys.readouterr().err
    assert f"--slack-signing-secret-file '{empty}' is empty" in err
    assert "SLACK_SIGNING_SECRET" in err


def test_unconfigured_routes_say_which_variable_or_flag_turns_them_on(make_client: Any) -> None:
    r = make_client(webhook_token=None).post("/ask", json={"question": "q"})
    assert r.status_code == 503
    assert (
        r.json()["detail"]
        == "set SAHEL_BOT_WEBHOOK_TOKEN (or sahel-bot serve --webhook-token-file FILE) to turn this route on"
    )


@pytest.fixture
def make_client() -> Any:
    clients: list[TestClient] = []

    def build(**settings_: Any) -> TestClient:
        values = {"slack_signing_secret": S, "webhook_token": "T", "answer_cache": 0, **settings_}
        client = TestClient(create_app(Bot(), WebhookSettings(**values), clock=FrozenClock()))
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()


@pytest.mark.parametrize(
    ("settings_", "expected"),
    [
        (
            {"slack_signing_secret": S, "slack_bot_token": "xoxb-1", "webhook_token": "T"},
            "routes on: POST /slack/commands, POST /slack/events, POST /slack/outgoing, POST /ask, GET /healthz; "
            "shared state: each process's memory",
        ),
        (
            {"webhook_token": "T", "state_url": "redis://:pw@cache:6379/1"},
            "routes on: POST /slack/outgoing, POST /ask, GET /healthz; off: POST /slack/commands, POST /slack/events; "
            "secrets missing: SLACK_SIGNING_SECRET (Slack routes off), SLACK_BOT_TOKEN (not needed); "
            "shared state: redis://:***@cache:6379/1",
        ),
        (
            {"slack_signing_secret": S},
            "routes on: POST /slack/commands, POST /slack/events, GET /healthz; off: POST /slack/outgoing, POST /ask; "
            "secrets missing: SLACK_BOT_TOKEN (events acknowledged but not answered), SAHEL_BOT_WEBHOOK_TOKEN "
            "(token routes off); shared state: each process's memory",
        ),
    ],
)
def test_startup_report_lists_routes_on_and_secrets_missing(settings_: dict[str, Any], expected: str) -> None:
    from sahel_bot.interfaces.serve import startup_report

    text, fields = startup_report(WebhookSettings(**settings_))
    assert text == expected
    assert "GET /healthz" in fields["routes_on"]
    assert S not in text
    assert "pw" not in text.replace("POST", "")


def test_port_in_use_is_one_plain_line(repo_root: Any) -> None:
    import os
    import socket
    import subprocess
    import sys

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        env = {**os.environ, "SAHEL_BOT_WEBHOOK_TOKEN": "t", "SAHEL_BOT_KNOWLEDGE_DIR": str(repo_root)}
        done = subprocess.run(
            [sys.executable, "-m", "sahel_bot", "serve", "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 3
    assert done.stderr == (
        f"sahel-bot: Cannot listen on 127.0.0.1:{port}: the port is already in use (another server?); "
        "stop it or choose another --port.\n"
    )


def test_more_hint_only_where_the_conversation_goes_on() -> None:
    left = reply()._replace(more="What the answer left out.")

    def hints(message: dict[str, Any]) -> list[str]:
        return [e["text"] for b in message["blocks"] if b["type"] == "context" for e in b["elements"]]

    assert MORE_HINT in hints(slack_message(left, ABOUT, in_thread=True))
    assert MORE_HINT not in hints(slack_message(left, ABOUT, "ephemeral"))  # a slash command keeps no context
    assert MORE_HINT not in hints(slack_message(reply(), ABOUT, in_thread=True))  # nothing was left
