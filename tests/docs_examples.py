"""The examples in README.md and docs/*.md, run for real: what the docs show is what the bot does.

Each fenced block of the Markdown is an example of one kind, by its language tag:

- ``console``: a transcript.  A line ``$ COMMAND`` is run by bash from the repository's root (``sahel-bot``
  is the checkout's); the lines up to the next ``$`` are what it must print (standard output and error).
  Only sahel-bot's and pytest's commands run (not ``pip``, ``curl``, nor ``sahel-bot serve``, which would
  not end); the others are shown for the reader as written.
  ``sahel> QUESTION`` lines after ``$ sahel-bot`` are typed into the REPL, which runs in a real
  pseudo-terminal (TERM=dumb, 100 columns).  In expected output, ``...`` stands for any text within a
  line, and a line that is only ``...`` for any number of lines.  Each block gets a fresh HOME and state
  directory (so a miss log starts empty) in which ``~`` is that HOME.
- ``python``: run; it must not raise.
- ``yaml``: a FAQ example (items with ``q`` or ``turns``) is run as FAQ items and must pass; a fact or
  intent example must match the knowledge record of that id (every key shown, with the value shown;
  templates may be a subset); anything else must at least be YAML.
- ``sh``: instructions, not run; every ``sahel-bot ...`` line in them must be accepted by the parser.

When the bot's answers change on purpose, ``./scripts/update-docs`` (this file with ``--update``)
rewrites every ``console`` block's output with what the commands print now, keeping ``...`` lines and
lines that still match; review the diff (``git diff README.md docs``) and commit it.
"""

from __future__ import annotations

import argparse
import difflib
import glob
import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PROMPT = "sahel> "
WIDTH = 100
_FENCE = re.compile(r"^(`{3,})\s*([\w-]*)\s*$")
_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][AB0-2]")


@dataclass
class Block:
    """One fenced block: where it is, its language tag, and its lines."""

    path: Path
    line: int  # 1-based line of the first line inside the fence
    lang: str
    lines: list[str]

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


@dataclass
class Step:
    """One ``$ command`` of a console block and the lines shown after it."""

    command: str
    expected: list[str] = field(default_factory=list)
    start: int = 0  # index of the command line in the block


def blocks(path: Path) -> list[Block]:
    """Return the fenced blocks of the Markdown file ``path``."""
    out: list[Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        fence, lang = match.group(1), match.group(2).lower()
        body: list[str] = []
        j = i + 1
        while j < len(lines) and lines[j].strip() != fence:
            body.append(lines[j])
            j += 1
        out.append(Block(path, i + 2, lang, body))
        i = j + 1
    return out


def all_blocks() -> list[Block]:
    return [b for path in DOCS for b in blocks(path) if b.lang in {"console", "python", "yaml", "sh"}]


def steps(block: Block) -> list[Step]:
    """Return the commands of a console block, each with the output shown after it."""
    out: list[Step] = []
    for index, line in enumerate(block.lines):
        if line.startswith("$ "):
            out.append(Step(line[2:], [], index))
        elif out:
            out[-1].expected.append(line)
    for step in out:
        while step.expected and not step.expected[-1].strip():
            step.expected.pop()
    return out


# -- running -----------------------------------------------------------------------------------------------


def _environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAHEL_BOT_", "PYTEST_", "NO_COLOR"))}
    if "SAHEL_BOT_CACHE" in os.environ:
        env["SAHEL_BOT_CACHE"] = os.environ["SAHEL_BOT_CACHE"]
    env.update(
        HOME=str(home),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        XDG_CACHE_HOME=os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache"),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        COLUMNS=str(WIDTH),
        LC_ALL="C.UTF-8",
        PAGER="cat",
    )
    return env


def _clean(text: str, home: Path) -> list[str]:
    text = _ESCAPE.sub("", text).replace("\r", "")
    text = text.replace(str(home), "~")
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _is_repl(step: Step) -> bool:
    if not runnable(step):
        return False
    words = shlex.split(step.command)
    return bool(words) and words[0] == "sahel-bot" and any(line.startswith(PROMPT) for line in step.expected)


def _run_repl(step: Step, env: dict[str, str], home: Path) -> list[str]:
    """Type the ``sahel>`` lines into the real REPL in a pseudo-terminal; return the session as shown."""
    import pexpect

    words = shlex.split(step.command)
    child = pexpect.spawn(
        str(Path(sys.executable).parent / "sahel-bot"),
        words[1:],
        cwd=str(ROOT),
        env={**env, "TERM": "dumb"},
        dimensions=(40, WIDTH),
        encoding="utf-8",
        timeout=60,
    )
    shown = []
    child.expect_exact(PROMPT)
    shown.append(child.before + PROMPT)
    for line in step.expected:
        if line.startswith(PROMPT):
            child.send(line[len(PROMPT) :] + "\r")
            child.expect_exact(PROMPT)
            shown.append(child.before + PROMPT)
    child.send("\x04")  # Ctrl-D on the empty line: the REPL ends
    child.expect(pexpect.EOF)
    child.close()
    lines = _clean("".join(shown), home)
    if lines and lines[-1] == PROMPT.rstrip():  # the prompt left waiting when the transcript ends
        lines.pop()
    while lines and not lines[-1]:
        lines.pop()
    return lines


def runnable(step: Step) -> bool:
    """Return true for a command of sahel-bot's own (or pytest's) that can run here; others (pip, curl) are shown
    for the reader and not run."""
    try:
        words = shlex.split(step.command)
    except ValueError:
        return False
    if "serve" in words:
        return False  # a server does not end by itself
    starts = [0] + [i + 1 for i, word in enumerate(words) if word in {"|", "&&", ";"}]
    return any(i < len(words) and words[i] in {"sahel-bot", "pytest"} for i in starts)


def run_step(step: Step, env: dict[str, str], home: Path) -> list[str]:
    """Return what ``step`` prints now, as lines (escape codes dropped, HOME shown as ~)."""
    if not runnable(step):
        return step.expected
    if _is_repl(step):
        return _run_repl(step, env, home)
    done = subprocess.run(
        ["bash", "-c", step.command],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
        timeout=300,
    )
    return _clean(done.stdout, home)


def _pattern(line: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in line.split("...")) + r"\Z")


def matches(expected: list[str], actual: list[str]) -> bool:
    """Return true when ``actual`` fits ``expected`` (``...`` within a line, or as a line of its own)."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head.strip() == "...":
        return any(matches(rest, actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and bool(_pattern(head).match(actual[0])) and matches(rest, actual[1:])


def refreshed(expected: list[str], actual: list[str]) -> list[str]:
    """Return the new output to show: ``actual``, keeping each expected line that still matches its line
    (so ``...`` stays where the output varies) and a lone ``...`` line where it skipped lines."""
    if matches(expected, actual):
        return expected
    if any(line.strip() == "..." for line in expected):
        cut = next(i for i, line in enumerate(expected) if line.strip() == "...")
        head, tail = expected[:cut], expected[cut + 1 :]
        keep_tail = len(tail) if len(tail) <= len(actual) - len(head) else 0
        new_tail = actual[len(actual) - keep_tail :] if keep_tail else []
        return [*refreshed(head, actual[: len(head)]), "...", *refreshed(tail, new_tail)]
    out = []
    pending = list(expected)
    for line in actual:
        if pending and "..." in pending[0] and _pattern(pending[0]).match(line):
            out.append(pending.pop(0))
        else:
            out.append(line)
            if pending:
                pending.pop(0)
    return out


def run_console(block: Block) -> list[tuple[Step, list[str]]]:
    """Run every command of a console block in one fresh HOME; return each step with what it printed."""
    with tempfile.TemporaryDirectory(prefix="sahel-docs-") as tmp:
        home = Path(tmp).resolve()
        env = _environment(home)
        return [(step, run_step(step, env, home)) for step in steps(block)]


# -- checking ----------------------------------------------------------------------------------------------


def check(block: Block, bot: Any = None) -> list[str]:
    """Return what is wrong with ``block`` (an empty list: the docs show what the bot does)."""
    if block.lang == "console":
        problems = []
        for step, actual in run_console(block):
            if not matches(step.expected, actual):
                diff = difflib.unified_diff(step.expected, actual, "the docs show", "the bot prints", lineterm="")
                problems.append(
                    f"{block.where}: `$ {step.command}` prints something else now. If the new output is right, "
                    "run ./scripts/update-docs and review the diff.\n" + "\n".join(diff)
                )
        return problems
    if block.lang == "python":
        with tempfile.TemporaryDirectory(prefix="sahel-docs-") as tmp:
            done = subprocess.run(
                [sys.executable, "-c", "\n".join(block.lines)],
                cwd=ROOT,
                env=_environment(Path(tmp)),
                capture_output=True,
                text=True,
                check=False,
                timeout=300,
            )
        if done.returncode != 0:
            return [f"{block.where}: the Python example fails:\n{done.stderr}"]
        return []
    if block.lang == "yaml":
        return _check_yaml(block, bot)
    return _check_sh(block)


def _check_sh(block: Block) -> list[str]:
    from sahel_bot.interfaces.cli import build_parser

    problems = []
    for offset, raw in enumerate(block.lines):
        line = raw.split(" #")[0].strip()
        if not line.startswith("sahel-bot"):
            continue
        try:
            words = shlex.split(line)
        except ValueError as exc:
            problems.append(f"{block.path.relative_to(ROOT)}:{block.line + offset}: `{line}`: {exc}")
            continue
        for stop in ("<", ">", "|", "&&", ";"):
            if stop in words:
                words = words[: words.index(stop)]
        words = [w for word in words for w in (sorted(glob.glob(word, root_dir=ROOT)) or [word])]
        cwd = os.getcwd()
        try:
            os.chdir(ROOT)
            build_parser(True).parse_args(words[1:] or ["repl"])
        except SystemExit:
            problems.append(f"{block.path.relative_to(ROOT)}:{block.line + offset}: `{line}` is not a valid command")
        finally:
            os.chdir(cwd)
    return problems


def _check_yaml(block: Block, bot: Any) -> list[str]:
    import yaml

    text = "\n".join(block.lines)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return [f"{block.where}: not valid YAML: {exc}"]
    items = data if isinstance(data, list) else []
    if items and all(isinstance(i, dict) and ("q" in i or "turns" in i) for i in items):
        return _check_faq(block, text, bot)
    records = _knowledge_records()
    problems = []
    for item in items:
        if not isinstance(item, dict) or "id" not in item:
            continue
        kind = "intent" if "templates" in item else "fact" if "relation" in item else "entity"
        record = records.get((kind, item["id"]))
        if record is None:
            problems.append(f"{block.where}: the example {kind} {item['id']!r} is not in the knowledge")
            continue
        for key, value in item.items():
            have = record.get(key)
            if key == "templates" and isinstance(have, list) and all(v in have for v in value):
                continue
            if have != value:
                problems.append(f"{block.where}: {kind} {item['id']!r} has {key}: {have!r}; the docs show {value!r}")
    return problems


def _knowledge_records() -> dict[tuple[str, str], dict[str, Any]]:
    """Return every fact, entity and intent of the shipped knowledge as written, by (kind, id)."""
    import yaml

    out: dict[tuple[str, str], dict[str, Any]] = {}
    for folder, keys in (("facts", ("facts", "entities")), ("intents", ("intents",))):
        for path in sorted((ROOT / folder).glob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for key in keys:
                for item in data.get(key) or () if isinstance(data, dict) else ():
                    if isinstance(item, dict) and "id" in item:
                        out[(key.rstrip("s").replace("entitie", "entity"), str(item["id"]))] = item
    return out


def _check_faq(block: Block, text: str, bot: Any) -> list[str]:
    from sahel_bot.evaluation import parse_cases, render_failure, run_case

    cases = parse_cases(text, block.where)
    if bot is None:
        return []
    return [render_failure(result) for case in cases if not (result := run_case(bot, case)).passed and not case.xfail]


# -- updating ----------------------------------------------------------------------------------------------


def update(paths: list[Path]) -> int:
    """Rewrite the console blocks of ``paths`` with what their commands print now; return how many changed."""
    changed = 0
    for path in paths:
        lines = path.read_text(encoding="utf-8").split("\n")
        for block in reversed([b for b in blocks(path) if b.lang == "console"]):
            if not any(runnable(step) for step in steps(block)):
                continue  # shown for the reader (pip, curl), not run: left as written
            new_body: list[str] = []
            for step, actual in run_console(block):
                new_body.append(f"$ {step.command}")
                # a REPL transcript holds the typed lines: it is shown whole, as it ran
                new_body.extend(actual if _is_repl(step) else refreshed(step.expected, actual))
            if new_body != block.lines:
                changed += 1
                print(f"{block.where}: updated", file=sys.stderr)
                lines[block.line - 1 : block.line - 1 + len(block.lines)] = new_body
        path.write_text("\n".join(lines), encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check the docs' examples, or --update their outputs.")
    parser.add_argument("files", nargs="*", type=Path, help="Markdown files (default: README.md and docs/*.md)")
    parser.add_argument("--update", action="store_true", help="rewrite console outputs with what is printed now")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.files] or DOCS
    if args.update:
        n = update(paths)
        print(f"{n} example(s) updated; review them with: git diff {' '.join(str(p.relative_to(ROOT)) for p in paths)}")
        return 0
    from sahel_bot import Bot

    bot = Bot.load()
    problems = [
        p
        for path in paths
        for b in blocks(path)
        if b.lang in {"console", "python", "yaml", "sh"}
        for p in check(b, bot)
    ]
    print("\n\n".join(problems) if problems else "every example shows what the bot does")
    return 1 if problems else 0


def iter_examples() -> Iterator[Block]:
    yield from all_blocks()


if __name__ == "__main__":
    raise SystemExit(main())
