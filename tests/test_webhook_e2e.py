"""End to end: ``sahel-bot serve`` as a real process on a loopback port, with the real bot and knowledge.

A client posts signed requests over real HTTP; Slack's Web API is the loopback stand-in, which records
``chat.postMessage``.  The server is stopped (gracefully, as uvicorn does on SIGTERM) before posts are counted,
so "exactly one" means no later post can still arrive.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from redis_server import free_port
from sahel_bot import Bot
from serve_process import BOT_TOKEN, SECRET, TOKEN, Server
from slack_standin import SlackStandIn, app_mention, slash_command

pytestmark = pytest.mark.slow


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn() as standin:
        yield standin


@pytest.fixture
def server(slack: SlackStandIn, tmp_path: Path, repo_root: Path) -> Iterator[Server]:
    s = Server(tmp_path / "server.log", repo_root, env={"SLACK_API_URL": slack.api_url})
    yield s
    s.stop()


def test_signed_slash_command_gets_a_cited_answer(server: Server, slack: SlackStandIn) -> None:
    r = server.signed(
        "/slack/commands",
        slash_command("Who leads AQIM?", response_url=slack.response_url()),
        "application/x-www-form-urlencoded",
    )
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert body["response_type"] == "ephemeral"
    assert body["blocks"][0]["type"] == "section"
    contexts = [b for b in body["blocks"] if b["type"] == "context"]
    assert contexts
    assert contexts[0]["elements"][0]["text"].startswith("Source: <https://crsreports.congress.gov/")
    assert "Droukdel" in body["text"]

    forged = server.client.post(
        "/slack/commands",
        content=slash_command("Who leads AQIM?", response_url=slack.response_url()),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Signature": "v0=" + "0" * 64,
            "X-Slack-Request-Timestamp": str(int(time.time())),
        },
    )
    assert (forged.status_code, forged.json()) == (401, {"error": "invalid request"})

    log = server.stop()
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    access = [
        line for line in lines if line["logger"] == "sahel_bot.webhook.access" and line["path"] == "/slack/commands"
    ]
    assert [line["status"] for line in access] == [200, 401]
    started = next(line for line in lines if line["message"].startswith("serving on"))
    assert started["routes_on"] == [
        "POST /slack/commands",
        "POST /slack/events",
        "POST /slack/outgoing",
        "POST /ask",
        "GET /healthz",
    ]
    assert started["secrets_missing"] == []
    for secret in (SECRET, BOT_TOKEN, TOKEN, "Who leads"):
        assert secret not in log


def test_app_mention_delivered_twice_is_posted_once(server: Server, slack: SlackStandIn) -> None:
    payload = app_mention("EvE2E1", "When was AQIM formed?", "1700000000.000100")
    first = server.signed("/slack/events", payload, "application/json")
    retry = server.signed(
        "/slack/events",
        payload,
        "application/json",
        **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    assert (first.status_code, first.content) == (200, b"")
    assert (retry.status_code, retry.content) == (200, b"")
    slack.wait_for(1)
    server.stop()
    posts = slack.posts()
    assert len(posts) == 1
    args = posts[0].args
    assert (args["channel"], args["thread_ts"]) == ("C1", "1700000000.000100")
    assert "2006" in args["text"]
    assert args["blocks"][0]["type"] == "section"
    assert any(b["type"] == "context" for b in args["blocks"])
    assert posts[0].headers["authorization"] == f"Bearer {BOT_TOKEN}"


def test_ask_over_http_is_the_cli_json(server: Server, bot: Bot) -> None:
    question = "When was AQIM formed?"
    r = server.client.post("/ask", json={"question": question}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200
    assert r.json() == bot.ask(question).to_dict()
    assert server.client.post("/ask", json={"question": question}).status_code == 401


def test_several_workers_serve_from_the_environment(slack: SlackStandIn, tmp_path: Path, repo_root: Path) -> None:
    server = Server(
        tmp_path / "server.log",
        repo_root,
        "--workers",
        "2",
        "--response-type",
        "in_channel",
        env={"SLACK_API_URL": slack.api_url},
    )
    try:
        body = slash_command("When was AQIM formed?", response_url=slack.response_url())
        for _ in range(4):
            r = server.signed("/slack/commands", body, "application/x-www-form-urlencoded")
            assert r.status_code == 200
            assert r.json()["response_type"] == "in_channel"  # the flag reached the worker processes
            assert "2006" in r.json()["text"]
    finally:
        log = server.stop()
    assert SECRET not in log


def test_serve_refuses_to_start_without_configuration(repo_root: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SAHEL_BOT_"))}
    done = subprocess.run(
        [sys.executable, "-m", "sahel_bot", "serve", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 3
    assert "set SLACK_SIGNING_SECRET" in done.stderr
    assert "Traceback" not in done.stderr


def test_more_in_a_slack_thread_and_over_the_token_route(server: Server, slack: SlackStandIn) -> None:
    """An answer that leaves something out says so, and "more" in the same conversation gives it."""
    server.signed("/slack/events", app_mention("EvMore1", "who is Mokhtar bel Mokhtar?", "7.1"), "application/json")
    slack.wait_for(1)
    server.signed("/slack/events", app_mention("EvMore2", "more", "7.2", thread_ts="7.1"), "application/json")
    slack.wait_for(2)

    headers = {"Authorization": f"Bearer {TOKEN}"}
    first = server.client.post(
        "/ask", json={"question": "who is Mokhtar bel Mokhtar?", "conversation": "m1"}, headers=headers
    )
    rest = server.client.post("/ask", json={"question": "more", "conversation": "m1"}, headers=headers)
    alone = server.client.post("/ask", json={"question": "more", "conversation": "m2"}, headers=headers)
    server.stop()

    opening, more = (p.args for p in slack.posts())
    assert "Algerian" in opening["text"]
    hints = [e["text"] for b in opening["blocks"] if b["type"] == "context" for e in b["elements"]]
    assert any("*more*" in h for h in hints)
    assert more["thread_ts"] == "7.1"
    assert "Libya" in more["text"]
    assert "Algerian national" not in more["text"]

    assert first.json()["more"]
    assert "Libya" not in first.json()["text"]
    assert rest.json()["outcome"] == "answer"
    assert "Libya" in rest.json()["text"]
    assert alone.json()["answered"] is False  # a conversation with nothing before has nothing more
