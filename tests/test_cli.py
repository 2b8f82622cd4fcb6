"""The command line: the `ask` contract, `check`, exit statuses, and that the README documents every command."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sahel_bot.interfaces.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def _ask(args: list[str], stdin: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    assert main(["ask", *args]) == 0
    return capsys.readouterr().out


def test_ask_json_lines_from_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    out = _ask(["--json"], "who leads aqim\nwhat is the weather in paris\n\n", monkeypatch, capsys)
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 3  # one object per input line, blank lines included, so a scorer can align them
    first, second, blank = lines
    for reply in lines:
        assert {"question", "answered", "text", "intent", "confidence", "citations", "suggestions"} <= reply.keys()
        assert 0.0 <= reply["confidence"] <= 1.0
    assert first["answered"] is True
    assert "Droukdel" in first["text"]
    assert first["citations"][0]["section"] == "Leadership"
    assert second["answered"] is False
    assert blank["answered"] is False


def test_ask_conversation_links_turns(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    out = _ask(["--json", "--conversation"], "who leads ansar al dine?\nwhere is he from?\n", monkeypatch, capsys)
    first, second = (json.loads(line) for line in out.splitlines())
    assert "Ghaly" in first["text"]
    assert second["answered"]
    assert "Kidal" in second["text"]
    # without --conversation each question stands alone
    out = _ask(["--json"], "who leads ansar al dine?\nwhere is he from?\n", monkeypatch, capsys)
    assert json.loads(out.splitlines()[1])["answered"] is False


def test_ask_argument_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--explain", "who", "runs", "aqim?"]) == 0
    out = capsys.readouterr().out
    assert "Droukdel" in out
    assert "[Leadership]" in out
    assert "entities:" in out
    assert "decision:" in out


def test_ask_json_explain_has_explanation(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "--explain", "is belmokhtar dead"]) == 0
    reply = json.loads(capsys.readouterr().out)
    assert reply["explanation"]["entities"][0]["entity"] == "mokhtar_bel_mokhtar"
    assert reply["explanation"]["candidates"]


def test_bad_knowledge_exits_1_with_locations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "k"
    shutil.copytree(DATA / "good", root)
    shutil.copy(DATA / "bad" / "unknown_entity.yaml", root / "facts" / "facts.yaml")
    assert main(["ask", "--knowledge", str(root), "who leads GA"]) == 1
    err = capsys.readouterr().err
    assert "facts/facts.yaml:5:13: unknown entity 'place_d' in 'object'; did you mean 'place_c'?" in err
    assert "Traceback" not in err


def test_other_knowledge_dir_is_used(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--knowledge", str(DATA / "good"), "--json", "who leads group a"]) == 0
    reply = json.loads(capsys.readouterr().out)
    assert reply["answered"]
    assert "Person B" in reply["text"]
    assert "reportedly" in reply["text"]


def test_bad_setting_exits_3(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SAHEL_BOT_ANSWER_THRESHOLD", "high")
    assert main(["ask", "who leads aqim"]) == 3
    assert "SAHEL_BOT_ANSWER_THRESHOLD='high' is not a number" in capsys.readouterr().err


def test_usage_error_exits_2() -> None:
    with pytest.raises(SystemExit) as info:
        main(["ask", "--no-such-flag"])
    assert info.value.code == 2


def test_help_documents_exit_statuses(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "exit status:" in out
    assert "130" in out


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for name in commands:
        assert f"sahel-bot {name}" in readme, name


def test_python_dash_m_and_console_script() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "sahel_bot", "ask", "--json", "who leads the mlf"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Koufa" in json.loads(out.stdout)["text"]
