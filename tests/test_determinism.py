"""The same question gets the same reply in every process: no answer may depend on the order in which a
set happens to iterate (Python's string hashing changes from one process to the next)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def _turns() -> list[str]:
    """Every turn of every FAQ conversation, as one long conversation (the state carries from one to the next)."""
    turns = []
    for path in sorted((ROOT / "tests" / "faq").glob("faq_*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")):
            turns += [turn["q"] for turn in item.get("turns", [])]
    return turns


def _replies(seed: str, turns: list[str], tmp_path: Path) -> str:
    env = dict(os.environ, PYTHONHASHSEED=seed, SAHEL_BOT_CACHE=str(tmp_path / seed), SAHEL_BOT_MISS_LOG="off")
    code = "from sahel_bot.interfaces.cli import main; raise SystemExit(main())"
    done = subprocess.run(
        [sys.executable, "-c", code, "ask", "--json", "--conversation", "--knowledge", str(ROOT)],
        input="\n".join(turns) + "\n",
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    return done.stdout


@pytest.mark.slow
def test_replies_do_not_depend_on_the_process(tmp_path: Path) -> None:
    turns = _turns()
    first = _replies("1", turns, tmp_path)
    assert first.count("\n") == len(turns)
    assert _replies("2", turns, tmp_path) == first
    # and the engine loaded back from the cache answers as the one just built did
    assert _replies("2", turns, tmp_path) == first
