"""The installed ``sahel-bot`` in a real pseudo-terminal (pexpect), and in a pipe.

Each test gets its own HOME and XDG_STATE_HOME, so the real history is never
touched, and a fixed 30x100 terminal.  The harness answers prompt_toolkit's
cursor-position requests the way a terminal emulator does, so the bottom
toolbar is drawn.  pexpect's timeout is only a safety net for a hung child;
nothing here measures time.
"""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow

CPR_REQUEST = "\x1b[6n"
ROWS, COLUMNS = 30, 100
#: Any SGR sequence that sets a foreground or background colour.
COLOUR = re.compile(r"\x1b\[(?:\d+;)*(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;\d+)*m")
#: Drawn with every new prompt (in the bottom toolbar), so it marks "ready for the next line".
READY = "Ctrl-D quits"


def sahel_bot_command() -> list[str]:
    script = Path(sys.executable).with_name("sahel-bot")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "sahel_bot"]


@pytest.fixture(scope="module")
def cache_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One engine cache for the module's processes (the cache is keyed by the knowledge, so sharing is safe)."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def env(tmp_path: Path, cache_home: Path) -> dict[str, str]:
    """A clean environment: own HOME and state dir, a colour terminal, no inherited sahel-bot settings."""
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SAHEL_BOT_", "PROMPT_TOOLKIT_")) and k not in {"NO_COLOR", "COLUMNS", "LINES", "PAGER"}
    }
    environ.update(
        HOME=str(tmp_path / "home"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_CACHE_HOME=str(cache_home),
        TERM="xterm-256color",
        LC_ALL="C.UTF-8",
    )
    return environ


class Terminal:
    """``sahel-bot`` running in a pseudo-terminal, with everything it printed kept for failure messages."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        command = [*sahel_bot_command(), *args]
        self.log = io.StringIO()
        self.child = pexpect.spawn(
            command[0],
            command[1:],
            env=env,
            dimensions=(ROWS, COLUMNS),
            encoding="utf-8",
            codec_errors="replace",
            timeout=60,
        )
        self.child.logfile_read = self.log

    def expect(self, pattern: str) -> str:
        """Wait for ``pattern`` (a regex) and return what matched, answering cursor-position requests."""
        while True:
            index = self.child.expect([re.escape(CPR_REQUEST), pattern, pexpect.EOF])
            if index == 0:
                self.child.send(f"\x1b[{ROWS - 10};1R")
                continue
            if index == 2:
                raise AssertionError(f"sahel-bot ended before {pattern!r} appeared:\n{self.log.getvalue()}")
            return str(self.child.after)

    def ready(self) -> None:
        """Wait until the next prompt is drawn."""
        self.expect(re.escape(READY))

    def type(self, text: str) -> None:
        self.child.send(text)

    def finish(self) -> int:
        """Wait for the program to end; return its exit status."""
        self.child.expect(pexpect.EOF)
        self.child.close()
        assert self.child.exitstatus is not None, self.log.getvalue()
        return int(self.child.exitstatus)


def _history_file(env: dict[str, str]) -> Path:
    return Path(env["XDG_STATE_HOME"]) / "sahel-bot" / "history"


def _history_entries(path: Path) -> list[str]:
    return [line[1:] for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("+")]


@pytest.fixture
def broken_knowledge(tmp_path: Path) -> Path:
    """A knowledge directory whose one fact file has a YAML syntax error (an unclosed list)."""
    root = tmp_path / "knowledge"
    (root / "brief").mkdir(parents=True)
    (root / "facts").mkdir()
    (root / "intents").mkdir()
    shutil.copy(ROOT / "brief" / "IF10172.txt", root / "brief" / "IF10172.txt")
    (root / "facts" / "broken.yaml").write_text("facts:\n  - id: x\n    subject: [unclosed\n", encoding="utf-8")
    return root


def _check_errors(knowledge: Path, env: dict[str, str]) -> list[str]:
    """The file:line:col lines ``sahel-bot check`` prints for ``knowledge``."""
    check = subprocess.run(
        [*sahel_bot_command(), "check", "--knowledge", str(knowledge)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 1
    lines = [line for line in check.stderr.splitlines() if re.match(r"\S+:\d+:\d+: ", line)]
    assert lines, check.stderr
    return lines


# -- the terminal ----------------------------------------------------------------------------------------


def test_terminal_session_history_completion_paging_and_keys(env: dict[str, str], tmp_path: Path) -> None:
    history = _history_file(env)
    history.parent.mkdir(parents=True)
    history.write_text("\n# earlier\n+who leads aqim\n", encoding="utf-8")
    pager = tmp_path / "pager.py"
    pager.write_text("import sys\nprint('PAGER-SAW', len(sys.stdin.read().splitlines()), 'lines')\n", encoding="utf-8")
    env["PAGER"] = f"{shlex.quote(sys.executable)} {shlex.quote(str(pager))}"

    term = Terminal([], env)
    term.expect(r"Al Qaeda in the Islamic Maghreb \(AQIM\) and Related Groups")
    term.expect(r"March 20, 2017")
    term.expect(r"type /help")
    term.expect(r"no subject yet")
    term.ready()

    # Slash commands complete as you type; Tab takes the completion.
    term.type("/so")
    term.expect(r"/sources")
    term.type("\t\r")
    term.expect(r"The sections of IF10172")
    term.expect(r"Size and Financing")
    term.ready()

    # Ctrl-C discards the line being typed (keys are handled in order, so no need to wait).
    term.type("garbage words")
    term.type("\x03")
    term.type("/help\r")
    term.expect(r"Commands")
    term.ready()

    # The grey suggestion from history; Right arrow takes it.
    term.type("who l")
    term.expect(r"eads aqim")
    term.type("\x1b[C\r")
    term.ready()

    # Long text goes through $PAGER.
    term.type("/brief\r")
    term.expect(r"PAGER-SAW \d+ lines")
    term.ready()

    term.type("\x04")
    assert term.finish() == 0
    entries = _history_entries(history)
    assert entries == ["who leads aqim", "/sources", "/help", "who leads aqim", "/brief"]
    assert "Traceback" not in term.log.getvalue()


def test_colour_follows_no_color_and_the_flag(env: dict[str, str]) -> None:
    def error_line(args: list[str], extra: dict[str, str]) -> str:
        term = Terminal(args, {**env, **extra})
        term.expect(r"sahel>")  # (a dumb terminal gets no toolbar)
        term.type("/nosuch\r")
        term.expect(r"Unknown command '/nosuch'; type /help for the list\.")
        term.expect(r"sahel>")
        term.type("\x04")
        assert term.finish() == 0
        return term.log.getvalue()

    assert COLOUR.search(error_line([], {}))
    assert not COLOUR.search(error_line([], {"NO_COLOR": "1"}))
    assert not COLOUR.search(error_line(["repl", "--no-color"], {}))
    assert not COLOUR.search(error_line([], {"TERM": "dumb"}))


def test_a_history_that_cannot_be_written_is_a_warning(env: dict[str, str], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    env["SAHEL_BOT_HISTORY"] = str(blocker / "history")
    term = Terminal([], env)
    term.expect(r"warning: cannot write the history file")
    term.ready()
    term.type("/sources\r")
    term.expect(r"Leadership")
    term.ready()
    term.type("\x04")
    assert term.finish() == 0


def test_a_knowledge_error_at_start_up_prints_what_check_prints(env: dict[str, str], broken_knowledge: Path) -> None:
    expected = _check_errors(broken_knowledge, env)
    term = Terminal(["repl", "--knowledge", str(broken_knowledge)], env)
    assert term.finish() == 1
    output = term.log.getvalue().replace("\r\n", "\n")
    for line in expected:
        assert line in output
    assert re.search(r"facts/broken\.yaml:\d+:\d+: ", output)
    assert "Traceback" not in output


def test_real_answers_completion_follow_up_and_why(env: dict[str, str]) -> None:
    """The acceptance path of issue 4 against the real engine and knowledge."""
    term = Terminal([], env)
    term.ready()

    term.type("who leads aqim\r")
    term.expect(r"Droukdel")
    term.expect(r"\[(\x1b\[[0-9;]*m)*Leadership")  # the citation: section, then the quote
    term.expect(r"subject: ")
    term.ready()

    term.type("where is he from?\r")
    term.expect(r"Algeria")
    term.ready()

    term.type("who is iyad")
    term.expect(r"Iyad Ag Ghaly")  # offered as you type
    term.type("\t\r")
    term.ready()

    term.type("/why\r")
    term.expect(r"why: who is Iyad Ag Ghaly")  # the question as Tab completed it
    term.expect(r"intents:")
    term.ready()

    term.type("\x04")
    assert term.finish() == 0
    assert "Traceback" not in term.log.getvalue()


def test_more_in_the_terminal(env: dict[str, str]) -> None:
    term = Terminal([], env)
    term.ready()
    term.type("who is mokhtar bel mokhtar\r")
    term.expect(r"Algerian")
    term.expect(r"More: ")
    term.ready()
    term.type("more\r")
    term.expect(r"Libya")
    term.ready()
    term.type("\x04")
    assert term.finish() == 0


# -- the pipe --------------------------------------------------------------------------------------------


def _piped(stdin: bytes, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*sahel_bot_command(), *args], input=stdin, env=env, capture_output=True, check=False)


def test_piped_question_gets_the_answer_and_its_citation(env: dict[str, str]) -> None:
    done = _piped(b"who leads aqim\n", env)
    out = done.stdout.decode("utf-8")
    assert done.returncode == 0, done.stderr
    assert "Droukdel" in out
    assert "[Leadership] \u201c" in out
    assert "\x1b" not in out
    assert "sahel>" not in out


def test_piped_file_is_one_conversation(env: dict[str, str], tmp_path: Path) -> None:
    questions = tmp_path / "questions.txt"
    questions.write_text("who leads aqim\nwhere is he from?\n", encoding="utf-8")
    with questions.open("rb") as stdin:
        done = subprocess.run(sahel_bot_command(), stdin=stdin, env=env, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.decode("utf-8").split("\n\n")
    assert "Droukdel" in first
    assert "Algeria" in second


def test_piped_commands_and_bad_lines(env: dict[str, str]) -> None:
    done = _piped(b"/sources\n/nosuch\n/brief leadership\n", env)
    out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    assert done.returncode == 1
    assert " 3. Leadership" in out
    assert "The reported leader/emir of AQIM" in out
    assert err == "sahel-bot: line 2: Unknown command '/nosuch'; type /help for the list.\n"
    assert "\x1b" not in out
    assert not _history_file(env).exists()  # piped questions are not history


def test_piped_knowledge_error_prints_what_check_prints(env: dict[str, str], broken_knowledge: Path) -> None:
    expected = _check_errors(broken_knowledge, env)
    done = _piped(b"who leads aqim\n", env, "repl", "--knowledge", str(broken_knowledge))
    err = done.stderr.decode("utf-8")
    assert done.returncode == 1
    assert [line for line in err.splitlines() if re.match(r"\S+:\d+:\d+: ", line)] == expected
    assert "Traceback" not in err
    assert done.stdout == b""


def test_piped_misses_are_logged_unless_turned_off(env: dict[str, str], tmp_path: Path) -> None:
    log = tmp_path / "misses.jsonl"
    env["SAHEL_BOT_MISS_LOG"] = str(log)
    question = b"what is the airspeed velocity of an unladen swallow\n"
    assert _piped(question, env, "repl", "--no-miss-log").returncode == 0
    assert not log.exists()
    assert _piped(question, env).returncode == 0
    entries = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [(e["interface"], e["outcome"]) for e in entries] == [("repl", "decline")]


def test_without_colour_the_history_suggestion_is_underlined_not_like_typed_text(env: dict[str, str]) -> None:
    history = _history_file(env)
    history.parent.mkdir(parents=True)
    history.write_text("\n# earlier\n+who leads aqim\n", encoding="utf-8")
    term = Terminal([], {**env, "NO_COLOR": "1"})
    term.ready()
    term.type("who l")
    term.expect(r"eads aqim")
    drawn = term.log.getvalue()
    # the suggestion is drawn right after an SGR sequence that turns underline (4) on
    assert re.search(r"who l\x1b\[(?:\d+;)*4m$", drawn[: drawn.rindex("eads aqim")]), drawn[-300:]
    assert not COLOUR.search(drawn)
    term.type("\x15\x04")  # Ctrl-U clears the line, Ctrl-D quits
    assert term.finish() == 0


def test_the_first_miss_says_once_that_a_miss_log_is_kept(env: dict[str, str], tmp_path: Path) -> None:
    log = tmp_path / "misses.jsonl"
    env["SAHEL_BOT_MISS_LOG"] = str(log)
    term = Terminal([], env)
    term.ready()
    term.type("who leads aqim\r")  # answered: nothing logged, nothing said
    term.ready()
    assert "maintainers" not in term.log.getvalue()
    term.type("what is the airspeed velocity of an unladen swallow\r")
    term.expect(r"kept for the maintainers in")
    term.expect(r"turns this off")
    term.ready()
    term.type("who leads boko haram\r")
    term.ready()
    term.type("\x04")
    assert term.finish() == 0
    plain_text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", term.log.getvalue())
    said = " ".join(plain_text.split())
    assert said.count("kept for the maintainers") == 1
    assert f"in {log};" in said
    assert "--no-miss-log, or SAHEL_BOT_MISS_LOG=off, turns this off" in said
    assert len(log.read_text(encoding="utf-8").splitlines()) == 2
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
