"""``sahel-bot completion bash|zsh|fish``: scripts made from the real parser and knowledge, and bash's
completion tried in a real bash in a pseudo-terminal."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from shlex import quote as shlex_quote

import pexpect
import pytest

from sahel_bot import Bot
from sahel_bot.interfaces.cli import main
from sahel_bot.interfaces.shell_completion import SHELLS, commands, script


@pytest.mark.parametrize("shell", SHELLS)
def test_the_script_has_every_command_option_and_name(shell: str, bot: Bot) -> None:
    text = script(shell, bot)
    _, cmds = commands()
    assert {c.name for c in cmds} == {"ask", "check", "repl", "serve", "eval", "misses", "completion"}
    for command in cmds:
        assert command.name in text
        for option in command.options:
            assert option.flags[-1].lstrip("-") in text, (command.name, option.flags)
    assert "Iyad Ag Ghaly" in text
    assert "Al Qaeda in the Islamic Maghreb" in text
    assert "Hezbollah" not in text  # outside the brief: never offered
    assert "typo" in text  # eval --category's values


@pytest.mark.parametrize("shell", SHELLS)
def test_the_shell_accepts_the_script(shell: str, bot: Bot, tmp_path: Path) -> None:
    program = shutil.which(shell)
    if program is None:
        pytest.skip(f"{shell} is not installed here; its script is checked by the test above only")
    path = tmp_path / f"completion.{shell}"
    path.write_text(script(shell, bot), encoding="utf-8")
    done = subprocess.run([program, "-n", str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_the_command_prints_the_script(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", "bash"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("complete -F _sahel_bot sahel-bot")
    with pytest.raises(SystemExit) as info:
        main(["completion", "tcsh"])
    assert info.value.code == 2


@pytest.mark.slow
def test_bash_completes_commands_options_values_and_names(bot: Bot, tmp_path: Path) -> None:
    completion = tmp_path / "sahel-bot.bash"
    completion.write_text(script("bash", bot), encoding="utf-8")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PS1": "$ ",
        "TERM": "dumb",
        "INPUTRC": "/dev/null",
        "HOME": str(tmp_path),
    }
    shell = pexpect.spawn("bash", ["--norc", "--noprofile"], env=env, encoding="utf-8", timeout=30)
    shell.expect_exact("$ ")
    shell.sendline(f"source {completion}")
    shell.expect_exact("$ ")

    def complete(typed: str, expected: str) -> None:
        shell.send(typed + "\t")
        shell.expect(re.escape(expected))
        shell.send("\x15")  # Ctrl-U: drop the line
        shell.sendline("")
        shell.expect_exact("$ ")

    complete("sahel-bot ev", "sahel-bot eval ")
    complete("sahel-bot ask --js", "--json ")
    complete("sahel-bot ask who leads iyad", "Iyad\\ Ag\\ Ghaly ")  # (bash redraws the word it replaces)
    complete('sahel-bot ask "who leads iyad', 'Iyad Ag Ghaly"')
    complete("sahel-bot eval --category ty", "--category typo ")
    complete("sahel-bot completion fi", "completion fish ")
    shell.sendline("exit")
    shell.expect(pexpect.EOF)


def _shell_env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "TERM": "dumb",
        "HOME": str(tmp_path),
    }


@pytest.mark.slow
def test_zsh_completes_from_fpath(bot: Bot, tmp_path: Path) -> None:
    if shutil.which("zsh") is None:
        pytest.skip("zsh is not installed here")
    (tmp_path / "_sahel-bot").write_text(script("zsh", bot), encoding="utf-8")
    shell = pexpect.spawn("zsh", ["-f"], env=_shell_env(tmp_path), encoding="utf-8", timeout=30)
    shell.sendline(f"PS1='> '; fpath=({tmp_path} $fpath); autoload -U compinit; compinit -u; echo SET''UP")
    shell.expect_exact("SETUP")
    for typed, expected in [
        ("sahel-bot ask --js", "--json "),  # the first completion autoloads the file
        ("sahel-bot ev", "eval "),
        ("sahel-bot ask who leads iyad", "Iyad\\ Ag\\ Ghaly "),
    ]:
        shell.send(typed + "\t")
        shell.expect(re.escape(expected))
        shell.send("\x15")
    shell.sendline("exit")
    shell.expect(pexpect.EOF)


def test_fish_completes_names_commands_and_values(bot: Bot, tmp_path: Path) -> None:
    if shutil.which("fish") is None:
        pytest.skip("fish is not installed here")
    path = tmp_path / "sahel-bot.fish"
    path.write_text(script("fish", bot), encoding="utf-8")
    queries = ["sahel-bot ask who leads iyad", "sahel-bot ev", "sahel-bot eval --category ty"]
    command = f"source {path}; " + "; ".join(f"complete -C{shlex_quote(q)}" for q in queries)
    done = subprocess.run(
        ["fish", "--no-config", "-c", command], env=_shell_env(tmp_path), capture_output=True, text=True, check=False
    )
    firsts = [line.split("\t")[0] for line in done.stdout.splitlines()]
    assert firsts == ["Iyad Ag Ghaly", "eval", "typo"], done.stdout + done.stderr
