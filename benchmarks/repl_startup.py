"""Time from starting ``sahel-bot`` to its first prompt, in a real pseudo-terminal.

Usage::

    .venv/bin/python benchmarks/repl_startup.py [--runs 20] [--knowledge DIR]

Measures, over ``--runs`` fresh processes each:

* ``repl``: spawn ``sahel-bot`` in a 30x100 pty until the prompt (``sahel>``) is drawn;
* ``pipe``: ``echo "who leads aqim" | sahel-bot`` until the process exits (load + one answer);
* ``python``: a bare ``python -c pass`` in the same way, the floor under both.

and, in this process, what the start-up is made of (importing prompt_toolkit,
loading the knowledge).  The issue's budget for the first prompt is 300 ms.
Prints a Markdown table ready for BENCHMARKS.md.  Each run gets its own
HOME and XDG_STATE_HOME, so the user's history is never touched.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pexpect

BUDGET_MS = 300.0


class BenchmarkError(Exception):
    """sahel-bot did not start (e.g. the knowledge does not load): nothing to measure."""


def sahel_bot_command() -> list[str]:
    script = Path(sys.executable).with_name("sahel-bot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "sahel_bot"]


def clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAHEL_BOT_", "PROMPT_TOOLKIT_"))}
    env.update(HOME=str(home), XDG_STATE_HOME=str(home / "state"), TERM="xterm-256color", LC_ALL="C.UTF-8")
    return env


def time_to_prompt(command: list[str], env: dict[str, str]) -> float:
    """Return seconds from spawn to the first prompt drawn in a pty."""
    start = time.perf_counter()
    child = pexpect.spawn(command[0], command[1:], env=env, dimensions=(30, 100), timeout=30)
    if child.expect([rb"sahel>", pexpect.EOF]) == 1:
        raise BenchmarkError(f"sahel-bot ended before its prompt:\n{child.before.decode(errors='replace')}")
    elapsed = time.perf_counter() - start
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()
    return elapsed


def time_to_exit(command: list[str], env: dict[str, str], stdin: bytes) -> float:
    """Return seconds from spawn to exit with ``stdin`` piped in."""
    start = time.perf_counter()
    done = subprocess.run(command, input=stdin, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise BenchmarkError(f"{command[0]} exited with {done.returncode}:\n{done.stderr.decode(errors='replace')}")
    return elapsed


#: The steps of a REPL start-up, in order, each timed after the ones before it.
STEPS = {
    "import sahel_bot.interfaces.cli (the core)": "import sahel_bot.interfaces.cli as cli",
    "cli.build_parser() (imports every command module)": "cli.build_parser()",
    "Bot.load() (engine cache warm)": "from sahel_bot import Bot; bot = Bot.load({knowledge!r})",
    "import prompt_toolkit": "import prompt_toolkit.shortcuts, prompt_toolkit.auto_suggest",
    "Repl(): PromptSession, completer, toolbar": (
        "from sahel_bot.interfaces.repl import Repl; from prompt_toolkit.output import DummyOutput; "
        "Repl(bot, output=DummyOutput())"
    ),
}


def in_process_parts(knowledge: str | None, env: dict[str, str]) -> dict[str, float]:
    """Return, in seconds, the median cost of each start-up step in fresh interpreters (5 runs)."""
    lines = ["import time", "t = [time.perf_counter()]"]
    for code in STEPS.values():
        lines += [code.format(knowledge=knowledge), "t.append(time.perf_counter())"]
    lines.append("print(' '.join(str(b - a) for a, b in zip(t, t[1:])))")
    probe = "\n".join(lines)
    runs = [
        [
            float(x)
            for x in subprocess.run(
                [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
            ).stdout.split()
        ]
        for _ in range(5)
    ]
    return {label: statistics.median(run[i] for run in runs) for i, label in enumerate(STEPS)}


def summarize(label: str, samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    return f"| {label} | {len(ms)} | {ms[0]:.0f} | {statistics.median(ms):.0f} | {ms[-1]:.0f} |"


def main(argv: list[str] | None = None) -> int:
    try:
        return measure_all(argv)
    except BenchmarkError as exc:
        print(f"repl_startup: {exc}", file=sys.stderr)
        return 1


def measure_all(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--knowledge", default=None, help="a knowledge directory (default: the shipped one)")
    args = parser.parse_args(argv)
    command = sahel_bot_command()
    extra = ["repl", "--knowledge", args.knowledge] if args.knowledge else []

    with tempfile.TemporaryDirectory() as tmp:
        env = clean_env(Path(tmp))
        cold = {**env, "SAHEL_BOT_CACHE": "off"}
        measures: dict[str, Callable[[], float]] = {
            "python -c pass (floor)": lambda: time_to_exit([sys.executable, "-c", "pass"], env, b""),
            "first prompt in a pty": lambda: time_to_prompt([*command, *extra], env),
            "first prompt, engine cache off": lambda: time_to_prompt([*command, *extra], cold),
            "piped: load + 1 answer + exit": lambda: time_to_exit([*command, *extra], env, b"who leads aqim\n"),
        }
        for measure in measures.values():  # warm the file cache once
            measure()
        results = {label: [measure() for _ in range(args.runs)] for label, measure in measures.items()}
        parts = in_process_parts(args.knowledge, env)

    print(
        f"{platform.python_implementation()} {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs, {args.runs} runs each, wall-clock ms\n"
    )
    print("| measure | runs | min | median | max |")
    print("|---|---|---|---|---|")
    for label, samples in results.items():
        print(summarize(label, samples))
    print("\n| step (fresh interpreter, median of 5) | ms |")
    print("|---|---|")
    for label, seconds in parts.items():
        print(f"| {label} | {seconds * 1000:.0f} |")
    median = statistics.median(results["first prompt in a pty"]) * 1000
    verdict = "within" if median <= BUDGET_MS else "OVER"
    print(f"\nfirst prompt, median {median:.0f} ms: {verdict} the {BUDGET_MS:.0f} ms budget")
    return 0


if __name__ == "__main__":
    sys.exit(main())
