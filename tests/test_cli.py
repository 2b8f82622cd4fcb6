"""The command line: the `ask` contract, `check`, exit statuses, and that the README documents every command."""

from __future__ import annotations

import io
import json
import os
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


def _usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    return capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "usage", "message"),
    [
        (["misses", "--similarity", "150"], "misses", "argument --similarity: 150 is out of range"),
        (["misses", "--since", "garbage"], "misses", "argument --since: 'garbage' is not a date"),
        (["misses", "--since", "2026-13-45"], "misses", "argument --since: '2026-13-45' is not a date"),
        (["misses", "--limit", "-1"], "misses", "argument --limit: -1 is negative; use 0 or more"),
        (
            ["misses", "--interface", "rpl"],
            "misses",
            "argument --interface: unknown interface 'rpl'; did you mean 'repl'?",
        ),
        (["ask", "--knowledge", "no/such/dir", "hi"], "ask", "argument --knowledge: no such directory: 'no/such/dir'"),
        (
            ["check", "--knowledge", "README.md"],
            "check",
            "argument --knowledge: 'README.md' is a file, not a directory",
        ),
        (["eval", "no-such-file.yaml"], "eval", "argument FILE: no such file or directory: 'no-such-file.yaml'"),
        (["repl", "--histroy", "x"], "repl", "unrecognized arguments: --histroy x; did you mean '--history'?"),
        (
            ["ask", "--jsn", "who leads aqim"],
            "ask",
            "unrecognized arguments: --jsn; did you mean '--json'?",
        ),
    ],
)
def test_every_bad_option_is_usage_and_what_was_wrong(
    argv: list[str], usage: str, message: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    err = _usage_error(argv, capsys)
    assert err.startswith(f"usage: sahel-bot {usage} "), err
    assert f"sahel-bot {usage}: error: {message}" in err


def test_a_question_without_ask_says_how_to_ask(capsys: pytest.CaptureFixture[str]) -> None:
    err = _usage_error(["who leads aqim?"], capsys)
    assert "'who leads aqim?' is not a command. To ask a question: sahel-bot ask \"who leads aqim?\"" in err
    err = _usage_error(["who", "leads", "aqim"], capsys)
    assert 'sahel-bot ask "who leads aqim"' in err
    err = _usage_error(["aks"], capsys)
    assert "unknown command 'aks'; did you mean 'ask'?" in err


def test_each_argument_is_a_turn_with_conversation(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "--conversation", "who leads ansar al dine?", "where is he from?"]) == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["question"] == "who leads ansar al dine?"
    assert "Ghaly" in first["text"]
    assert second["question"] == "where is he from?"
    assert "Kidal" in second["text"]
    # without --conversation the words are one question
    assert main(["ask", "--json", "who", "leads", "aqim?"]) == 0
    assert json.loads(capsys.readouterr().out)["question"] == "who leads aqim?"


def test_more_continues_an_answer_in_a_conversation(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "--conversation", "what is ansar al dine?", "tell me more", "go on"]) == 0
    first, second, third = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["outcome"] == "answer"
    assert first["more"]  # what is left travels in a field of its own
    assert "More:" in first["text"]
    assert second["outcome"] == "answer"
    assert second["text"] not in first["text"]
    assert second["citations"]
    assert third["text"] != second["text"]
    # on its own, "more" has nothing to go on
    assert main(["ask", "--json", "more"]) == 0
    assert json.loads(capsys.readouterr().out)["outcome"] == "decline"


def test_help_is_about_the_command_and_the_brief(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "100% sentence coverage" in out
    assert "%%" not in out
    assert "With no command" not in out  # the REPL note is the top-level help's, not every command's
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "With no command, sahel-bot starts the interactive REPL" in out
    assert "Al Qaeda in the Islamic Maghreb (AQIM) and Related Groups" in " ".join(out.split())
    # another knowledge directory: its own brief, read from its front matter
    with pytest.raises(SystemExit):
        main(["--knowledge", str(DATA / "good"), "--help"])
    assert "AQIM" not in capsys.readouterr().out


def test_the_parser_names_no_brief_before_help_is_asked() -> None:
    parser = build_parser(False)
    assert "AQIM" not in (parser.description or "")
    assert "IF10172" not in (parser.description or "")


@pytest.mark.slow
def test_ask_on_a_terminal_says_what_it_waits_for(tmp_path: Path) -> None:
    import pexpect

    env = {k: v for k, v in os.environ.items() if not k.startswith("SAHEL_BOT_")}
    env.update(HOME=str(tmp_path), SAHEL_BOT_MISS_LOG="off", TERM="xterm")
    child = pexpect.spawn(sys.executable, ["-m", "sahel_bot", "ask"], env=env, encoding="utf-8", timeout=60)
    child.expect("type a question and press Enter")
    child.sendline("who leads aqim")
    child.expect("Droukdel")
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
