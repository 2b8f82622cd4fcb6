"""Two ``sahel-bot serve`` processes ("hosts") sharing one real Redis-protocol server (Valkey on loopback):
an event and its retry on different hosts post once, a thread's follow-up on the other host keeps its
context, and a server stopped mid-run costs no answer, no 5xx, and nothing once it is back."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from redis_server import RedisServer
from serve_process import TOKEN, Server
from slack_standin import SlackStandIn, app_mention, slash_command

pytestmark = pytest.mark.slow


RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn() as standin:
        yield standin


@pytest.fixture
def hosts(
    redis_server: RedisServer, slack: SlackStandIn, tmp_path: Path, repo_root: Path
) -> Iterator[tuple[Server, Server]]:
    # One host is given the store by flag, the other by environment variable: both ways must work.
    a = Server(tmp_path / "a.log", repo_root, "--state", redis_server.url, env={"SLACK_API_URL": slack.api_url})
    b = Server(
        tmp_path / "b.log", repo_root, env={"SLACK_API_URL": slack.api_url, "SAHEL_BOT_STATE_URL": redis_server.url}
    )
    yield a, b
    a.stop()
    b.stop()


def statuses(server: Server) -> list[int]:
    return [line["status"] for line in server.log_lines() if line["logger"] == "sahel_bot.webhook.access"]


def test_an_event_on_one_host_and_its_retry_on_the_other_post_once(
    hosts: tuple[Server, Server], slack: SlackStandIn
) -> None:
    a, b = hosts
    body = app_mention("EvShared1", "When was AQIM formed?", "1700000000.000100")
    assert a.signed("/slack/events", body, "application/json").status_code == 200
    assert b.signed("/slack/events", body, "application/json", **RETRY).status_code == 200
    slack.wait_for(1)
    a.stop()
    b.stop()
    posts = slack.posts()
    assert len(posts) == 1
    assert "2006" in posts[0].args["text"]
    assert [json.loads(line)["outcome"] for line in b.log_path.read_text().splitlines() if '"outcome"' in line] == [
        "duplicate"
    ]


def test_a_threads_follow_up_on_the_other_host_keeps_its_context(
    hosts: tuple[Server, Server], slack: SlackStandIn
) -> None:
    a, b = hosts
    a.signed("/slack/events", app_mention("EvT1", "Who leads AQIM?", "1700000001.000100"), "application/json")
    slack.wait_for(1)
    follow_up = app_mention("EvT2", "Where is he from?", "1700000002.000100", thread_ts="1700000001.000100")
    b.signed("/slack/events", follow_up, "application/json")
    posts = slack.wait_for(2)
    assert len(posts) == 2
    assert posts[1].args["thread_ts"] == "1700000001.000100"
    assert "Algerian" in posts[1].args["text"]  # alone, "where is he from?" gets "I don't know who "he" is"

    # The same for a POST /ask conversation and a Mattermost channel, each turn on the other host.
    assert "Droukdel" in a.ask("Who leads AQIM?", "conv-1").json()["text"]
    assert "Algerian" in b.ask("Where is he from?", "conv-1").json()["text"]
    mattermost = {"token": TOKEN, "team_id": "T9", "channel_id": "ch1", "user_id": "u1", "trigger_word": "qa"}
    first = a.client.post("/slack/outgoing", json={**mattermost, "post_id": "p1", "text": "qa Who leads AQIM?"})
    assert "Droukdel" in first.json()["text"]
    second = b.client.post("/slack/outgoing", json={**mattermost, "post_id": "p2", "text": "qa Where is he from?"})
    assert "Algerian" in second.json()["text"]


def test_a_store_stopped_mid_run_costs_no_answer_and_sharing_resumes(
    redis_server: RedisServer, hosts: tuple[Server, Server], slack: SlackStandIn
) -> None:
    a, b = hosts
    assert a.healthz()["store"]["state"] == "ok"
    assert "Droukdel" in a.ask("Who leads AQIM?", "conv-2").json()["text"]
    redis_server.stop()
    for i, server in enumerate([a, b, a, b]):
        began = time.monotonic()
        command = server.signed(
            "/slack/commands", slash_command("When was AQIM formed?", response_url=slack.response_url()), FORM
        )
        asked = server.ask("Who leads AQIM?", f"down-{i}")
        posted = server.signed("/slack/events", app_mention(f"EvDown{i}", "What is MUJAO?", f"17000001{i}.0"), JSON)
        assert time.monotonic() - began < 3  # Slack waits 3 s
        assert (command.status_code, asked.status_code, posted.status_code) == (200, 200, 200)
        assert "2006" in command.json()["text"]
        assert "Droukdel" in asked.json()["text"]
    # Conversations go on in the process that holds them; the host that held conv-2 still has it.
    assert "Algerian" in a.ask("Where is he from?", "conv-2").json()["text"]
    health = a.healthz()
    assert health["status"] == "degraded"
    assert health["store"]["state"] == "degraded"
    assert "since" in health["store"]
    assert len(slack.wait_for(4)) == 4

    redis_server.start()  # empty, as after a crash
    deadline = time.monotonic() + 20
    while not (a.healthz()["status"] == b.healthz()["status"] == "ok"):
        assert time.monotonic() < deadline, "the store did not come back"
        time.sleep(0.2)
    body = app_mention("EvBack", "Who leads AQIM?", "1700000300.000100")
    a.signed("/slack/events", body, JSON)
    b.signed("/slack/events", body, JSON, **RETRY)
    slack.wait_for(5)
    a.stop()
    b.stop()
    assert len(slack.posts()) == 5  # the four events of the outage, and the last one once
    for server in (a, b):
        assert all(status < 500 for status in statuses(server))
        warnings = [line for line in server.log_lines() if "is unavailable" in line["message"]]
        assert len(warnings) == 1  # once a minute at most
        assert any("is back" in line["message"] for line in server.log_lines())


FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
