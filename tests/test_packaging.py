"""The built wheel carries the brief, facts and intents: install it into a fresh venv and run it elsewhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_installs_and_runs_outside_the_checkout(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(ROOT)],
        check=True,
        cwd=tmp_path,
    )
    wheels = list(dist.glob("sahel_bot-*.whl"))
    assert len(wheels) == 1
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheels[0])],
        check=True,
        cwd=tmp_path,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "SAHEL_BOT", "VIRTUAL_ENV"))}
    env["HOME"] = str(tmp_path / "home")
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    env["SAHEL_BOT_MISS_LOG"] = "off"
    bot = env_dir / "bin" / "sahel-bot"
    check = subprocess.run([str(bot), "check"], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "(100.0%)" in check.stdout
    assert str(ROOT) not in check.stdout  # the knowledge came from the wheel, not this checkout
    ask = subprocess.run(
        [str(bot), "ask", "--json", "who leads aqim?"], cwd=elsewhere, env=env, capture_output=True, text=True
    )
    assert ask.returncode == 0, ask.stderr
    reply = json.loads(ask.stdout)
    assert reply["answered"] is True
    assert "Droukdel" in reply["text"]
    assert reply["citations"][0]["section"] == "Leadership"
    module = subprocess.run(
        [str(python), "-m", "sahel_bot", "--version"], cwd=elsewhere, env=env, capture_output=True, text=True
    )
    assert module.returncode == 0
    assert "sahel-bot" in module.stdout
