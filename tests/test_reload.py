"""Knowledge reloaded in place: SIGHUP to ``sahel-bot serve`` (every worker) loads the knowledge again; a
broken one is refused with each problem as file:line:col in the log while the old one keeps answering;
``/healthz`` reports the digest and load time per worker; conversations survive."""

from __future__ import annotations

import shutil
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sahel_bot.interfaces.reload import knowledge_digest
from serve_process import Server

pytestmark = pytest.mark.slow

STATEMENT = (
    "    statement: Abdelmalik Droukdel (aka Abu Musab Abdel Wadoud) is the reported leader/emir of AQIM “central.”"
)
QUOTE = "    quote: The reported leader/emir of AQIM “central,” Abdelmalik Droukdel"


@pytest.fixture
def knowledge(tmp_path: Path, repo_root: Path) -> Path:
    root = tmp_path / "kb"
    for part in ("brief", "facts", "intents"):
        shutil.copytree(repo_root / part, root / part)
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def every_worker(server: Server, workers: int, done: Callable[[dict[str, Any]], bool], timeout: float = 60) -> dict:
    """Poll /healthz over new connections until each of ``workers`` pids has answered ``done``; return them."""
    seen: dict[int, dict[str, Any]] = {}
    deadline = time.monotonic() + timeout
    while len([h for h in seen.values() if done(h)]) < workers:
        assert time.monotonic() < deadline, f"workers did not all get there: {seen}"
        health = server.healthz()
        seen[health["worker"]["pid"]] = health
        time.sleep(0.02)
    return seen


def test_sighup_reloads_changed_knowledge_in_every_worker(knowledge: Path, tmp_path: Path) -> None:
    server = Server(tmp_path / "server.log", knowledge, "--workers", "2")
    try:
        before = every_worker(server, 2, lambda h: True)
        digest = knowledge_digest(knowledge)
        assert {h["knowledge"]["digest"] for h in before.values()} == {digest}
        # a conversation on one worker (the client's connection is kept alive)
        assert "is the reported leader" in server.ask("Who leads AQIM?", "kept").json()["text"]

        edit(
            knowledge / "facts" / "leadership.yaml",
            STATEMENT,
            STATEMENT.replace("is the reported leader/emir of", "reportedly leads"),
        )
        server.send_signal(signal.SIGHUP)
        after = every_worker(server, 2, lambda h: h["knowledge"]["digest"] != digest)
        assert {h["knowledge"]["digest"] for h in after.values()} == {knowledge_digest(knowledge)}
        for pid, health in after.items():
            assert health["knowledge"]["last_reload"]["ok"] is True
            assert health["knowledge"]["loaded_at"] >= before[pid]["knowledge"]["loaded_at"]
        assert "reportedly leads AQIM" in server.ask("Who leads AQIM?").json()["text"]
        assert "Algerian" in server.ask("Where is he from?", "kept").json()["text"]  # the conversation survived
    finally:
        log = server.stop()
    assert log.count("knowledge reloaded") == 2


def test_sighup_with_broken_knowledge_keeps_the_old_one_answering(knowledge: Path, tmp_path: Path) -> None:
    server = Server(tmp_path / "server.log", knowledge)
    try:
        digest = server.healthz()["knowledge"]["digest"]
        edit(
            knowledge / "facts" / "leadership.yaml",
            QUOTE,
            QUOTE.replace("leader/emir of AQIM “central,”", "boss of AQIM,"),
        )
        edit(knowledge / "intents" / "groups.yaml", "\n", "\n  - [unclosed\n")
        server.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 60
        while (last := server.healthz()["knowledge"].get("last_reload")) is None:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        health = server.healthz()
        assert last["ok"] is False
        assert health["knowledge"]["digest"] == digest
        assert health["status"] == "ok"  # still answering, from the old knowledge
        reply = server.ask("Who leads AQIM?").json()
        assert "is the reported leader/emir of AQIM" in reply["text"]
    finally:
        server.stop()
    messages = [line["message"] for line in server.log_lines() if line["level"] == "error"]
    # every problem, each at its place (the path as the loader shows it: relative to the working
    # directory when inside it, else absolute)
    quote = "facts/leadership.yaml:12:12: quote is not verbatim in the cited sentence (leadership.1.1)"
    assert any(quote in m for m in messages), messages
    assert any("intents/groups.yaml:" in m for m in messages)
    assert any("knowledge reload refused" in m for m in messages)
    assert any(part in last["problems"][0] for part in ("facts/leadership.yaml:", "intents/groups.yaml:"))


def test_knowledge_digest_follows_names_and_bytes(knowledge: Path) -> None:
    digest = knowledge_digest(knowledge)
    assert digest == knowledge_digest(knowledge)
    (knowledge / "facts" / "extra.yaml").write_text("")
    assert knowledge_digest(knowledge) != digest
    (knowledge / "facts" / "extra.yaml").unlink()
    (knowledge / "facts" / "README.md").write_text("not knowledge")  # only what is loaded counts
    assert knowledge_digest(knowledge) == digest
