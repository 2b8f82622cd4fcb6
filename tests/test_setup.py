"""The set-up scripts (``scripts/_venv.sh``): a fresh .venv gets what the command needs and says so as it
goes, and a copy of sahel-bot installed over the editable one (``pip install .``) is found and mended.

Runs the real scripts on a copy of the checkout, with a real virtual environment (slow: a minute).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _run(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=600)


def test_run_installs_what_running_needs_and_mends_a_non_editable_install(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    shutil.copytree(
        ROOT, clone, ignore=shutil.ignore_patterns(".venv", ".git", ".cache*", "*_cache", ".hypothesis", "__pycache__")
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAHEL_BOT_", "VIRTUAL_ENV", "PYTHONPATH"))}
    env.update(HOME=str(tmp_path / "home"), SAHEL_BOT_MISS_LOG="off", SAHEL_BOT_CACHE="off")
    venv = clone / ".venv"

    first = _run("./scripts/sahel-bot", "--version", cwd=clone, env=env)
    assert first.returncode == 0, first.stderr
    assert "sahel-bot: creating" in first.stderr
    assert "sahel-bot: installing sahel-bot into" in first.stderr
    assert "sahel-bot:   done" in first.stderr  # progress, step by step
    installed = _run(str(venv / "bin" / "python"), "-m", "pip", "list", "--format=freeze", cwd=clone, env=env).stdout
    assert "sahel-bot==" in installed
    for tool in ("pytest", "ruff", "hypothesis", "build", "starlette"):
        assert f"{tool}==" not in installed, f"{tool} is not needed to run the bot"

    again = _run("./scripts/sahel-bot", "--version", cwd=clone, env=env)
    assert again.returncode == 0
    assert again.stderr == ""  # set up already: nothing to do, nothing said

    # The README's old advice, followed inside the checkout: a plain copy replaces the editable install.
    plain = _run(str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(clone), cwd=clone, env=env)
    assert plain.returncode == 0, plain.stderr
    facts = clone / "facts" / "leadership.yaml"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("quote: The reported leader/emir", "quote: The reported leadr/emir", 1))
    check = _run("./scripts/sahel-bot", "check", cwd=clone, env=env)
    assert "installed from elsewhere or with 'pip install .'" in check.stderr
    assert check.returncode == 1, check.stdout + check.stderr  # the checkout's broken quote, not the copy's
    assert "facts/leadership.yaml:12:12: quote is not verbatim" in check.stderr
