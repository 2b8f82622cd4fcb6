"""The miss log (``misses.py``) and the ``sahel-bot misses`` command."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from sahel_bot import Candidate, Explanation, LinkedEntity, Reply
from sahel_bot.interfaces.cli import main
from sahel_bot.interfaces.misses import group_misses
from sahel_bot.misses import MissLog, default_miss_log_path, read_misses


def reply(question: str, *, answered: bool = False, confidence: float = 0.0, intent: str | None = None) -> Reply:
    return Reply(
        question=question,
        answered=answered,
        text="...",
        outcome="answer" if answered else "decline",
        intent=intent,
        confidence=confidence,
        subject="AQIM",
        explanation=Explanation(
            normalized=question.lower(),
            entities=(LinkedEntity("aqim", "AQIM", "AQIM", (0, 1), "aqim", 100.0, "exact"),),
            candidates=(
                Candidate("leader_of", 0.5, detail="t"),
                Candidate("about", 0.4),
                Candidate("x", 0.1),
                Candidate("y", 0.0),
            ),
            reason="no fact",
        ),
    )


def test_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert default_miss_log_path() == tmp_path / "sahel-bot" / "misses.jsonl"
    # off by default under pytest ...
    assert not MissLog.from_env(interface="repl").enabled
    # ... on when named, and on by default outside pytest
    assert MissLog.from_env("repl", {"SAHEL_BOT_MISS_LOG": str(tmp_path / "m.jsonl")}).path == tmp_path / "m.jsonl"
    log = MissLog.from_env("webhook", {})
    assert log.path == tmp_path / "sahel-bot" / "misses.jsonl"
    assert log.interface == "webhook"
    for off in ("off", "OFF", "0", "false", "none"):
        assert not MissLog.from_env("repl", {"SAHEL_BOT_MISS_LOG": off}).enabled
    assert MissLog.from_env("repl", {"SAHEL_BOT_MISS_LOG_MAX_BYTES": "123"}).max_bytes == 123
    assert MissLog.from_env("repl", {"SAHEL_BOT_MISS_LOG_MAX_BYTES": "lots"}).max_bytes > 123


def test_record_writes_misses_only(tmp_path: Path) -> None:
    log = MissLog(tmp_path / "state" / "misses.jsonl", interface="repl")
    assert log.record(reply("who leads the moon?"), user="U123")
    assert log.record(reply("who leads aqim?", answered=True, confidence=0.6, intent="leader_of"))
    assert not log.record(reply("who leads aqim?", answered=True, confidence=0.95, intent="leader_of"))
    assert not log.record(reply("   "))
    lines = (tmp_path / "state" / "misses.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["interface"] == "repl"
    assert first["question"] == "who leads the moon?"
    assert first["outcome"] == "decline"
    assert first["entities"] == ["aqim"]
    assert first["reason"] == "no fact"
    assert [g["intent"] for g in first["guesses"]] == ["leader_of", "about", "x"]
    assert first["ts"].endswith("+00:00")
    assert first["user"]
    assert "U123" not in lines[0]
    assert json.loads(lines[1])["user"] is None


def test_user_ids_are_salted_hashes(tmp_path: Path) -> None:
    path = tmp_path / "misses.jsonl"
    log = MissLog(path)
    log.record(reply("q1"), user="alice")
    salt = path.with_name("misses.jsonl.salt")
    assert salt.exists()
    assert stat.S_IMODE(salt.stat().st_mode) == 0o600
    again = MissLog(path)  # a new process reads the same salt: the same user keeps the same hash
    assert again.hash_user("alice") == log.hash_user("alice") != log.hash_user("bob")
    other = MissLog(tmp_path / "other" / "misses.jsonl")  # another log, another salt
    assert other.hash_user("alice") != log.hash_user("alice")


def test_a_disabled_log_writes_nothing(tmp_path: Path) -> None:
    log = MissLog.disabled("repl")
    assert not log.enabled
    assert not log.record(reply("anything"), user="u")
    assert list(tmp_path.iterdir()) == []


def test_rotation_by_size(tmp_path: Path) -> None:
    path = tmp_path / "misses.jsonl"
    log = MissLog(path, max_bytes=600, backups=2)
    for i in range(12):
        assert log.record(reply(f"question number {i}"))
    rotated = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("misses.jsonl."))
    assert rotated == ["misses.jsonl.1", "misses.jsonl.2"]  # no user ids given: no salt needed
    assert all(p.stat().st_size <= 600 for p in tmp_path.glob("misses.jsonl*"))
    questions = [m.question for m in read_misses(path)]
    assert questions == sorted(questions, key=lambda q: int(q.split()[-1]))  # oldest first
    assert questions[-1] == "question number 11"


def test_a_moved_or_deleted_log_is_opened_again(tmp_path: Path) -> None:
    # The file stays open between records; logrotate, a maintainer or another worker may move it meanwhile.
    path = tmp_path / "misses.jsonl"
    log = MissLog(path)
    assert log.record(reply("first"))
    path.rename(tmp_path / "moved.jsonl")
    assert log.record(reply("second"))
    path.unlink()
    assert log.record(reply("third"))
    assert [m.question for m in read_misses(path)] == ["third"]
    assert [m.question for m in read_misses(tmp_path / "moved.jsonl")] == ["first"]
    log.close()
    assert log.record(reply("fourth"))  # close() is not the end: the next record opens the file again
    assert [m.question for m in read_misses(path)] == ["third", "fourth"]


def test_two_workers_share_one_rotating_log(tmp_path: Path) -> None:
    path = tmp_path / "misses.jsonl"
    one, two = MissLog(path, max_bytes=600, backups=1), MissLog(path, max_bytes=600, backups=1)
    for i in range(10):
        assert (one if i % 2 else two).record(reply(f"question number {i}"))
    # each line went to the live file or its one backup; none to a file that was rotated away
    questions = [m.question for m in read_misses(path)]
    assert questions[-1] == "question number 9"
    assert questions == sorted(questions, key=lambda q: int(q.split()[-1]))
    assert all(p.stat().st_size <= 600 for p in tmp_path.glob("misses.jsonl*"))


def test_write_errors_never_reach_the_caller(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    log = MissLog(blocker / "misses.jsonl")
    assert not log.record(reply("q"))
    assert log.last_error
    assert "cannot write the miss log" in log.last_error


def test_read_misses_skips_garbage(tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    path.write_text('not json\n{"question": "ok", "confidence": "x"}\n[1]\n', encoding="utf-8")
    (miss,) = read_misses(path)
    assert miss.question == "ok"
    assert miss.confidence == 0.0
    assert miss.nearest_intent is None
    assert list(read_misses(tmp_path / "absent.jsonl")) == []


def make_log(tmp_path: Path) -> Path:
    path = tmp_path / "misses.jsonl"
    log = MissLog(path, interface="repl")
    for q, user in [
        ("who is the leader of boko haram", "u1"),
        ("Who is the leader of Boko Haram?", "u2"),
        ("who's the leader of boko haram", "u1"),
        ("how many wives does droukdel have", "u3"),
        ("what's the weather in bamako", None),
    ]:
        log.record(reply(q), user=user)
    webhook = MissLog(path, interface="webhook")
    webhook.record(reply("who is the leader of boko haram"), user="u9")
    return path


def test_group_misses(tmp_path: Path) -> None:
    groups = group_misses(list(read_misses(make_log(tmp_path))))
    assert [g.count for g in groups] == [4, 1, 1]
    top = groups[0]
    assert top.example == "who is the leader of boko haram"
    assert top.users == 3
    assert top.nearest_intent == "leader_of"
    assert top.to_dict()["interfaces"] == {"repl": 3, "webhook": 1}


def test_misses_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make_log(tmp_path)
    assert main(["misses", "--log", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"6 misses in 3 groups ({path})" in out
    assert "  1. asked 4x, 3 users: 'who is the leader of boko haram'" in out
    assert "nearest intent: leader_of" in out
    assert "also: 'Who is the leader of Boko Haram?'" in out
    assert main(["misses", "--log", str(path), "--json", "--interface", "webhook"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["misses"] == 1
    assert data["shown"][0]["example"] == "who is the leader of boko haram"


def test_misses_command_with_no_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAHEL_BOT_MISS_LOG", str(tmp_path / "none.jsonl"))
    assert main(["misses"]) == 0
    assert capsys.readouterr().out.strip() == f"No misses in {tmp_path / 'none.jsonl'} (no log yet)."


def test_misses_command_counts_in_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "misses.jsonl"
    log = MissLog(path, interface="repl")
    assert log.record(reply("who leads boko haram"), user="u1")
    assert main(["misses", "--log", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"1 miss in 1 group ({path})" in out
    assert "asked 1x, 1 user: 'who leads boko haram'" in out


def test_the_log_is_private_to_its_owner(tmp_path: Path) -> None:
    path = tmp_path / "misses.jsonl"
    assert MissLog(path).record(reply("who leads boko haram"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    older = tmp_path / "older.jsonl"  # a log written before it was private
    older.write_text("", encoding="utf-8")
    older.chmod(0o644)
    assert MissLog(older).record(reply("who leads boko haram"))
    assert stat.S_IMODE(older.stat().st_mode) == 0o600
