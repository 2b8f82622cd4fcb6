"""Run FAQ or evaluation files against the bot and print a report.

``sahel-bot eval FILE...`` asks every question (conversations turn by turn in
one conversation each) and reports: accuracy per category and per intent
(precision, recall and F1 when items name an ``intent``), the most confused
intent pairs, declines that should have been answers and answers that should
have been declines, a threshold sweep (how accuracy and wrong answers move
with the decline threshold, re-judging each reply by its confidence) and
latency p50/p99.  It reads the FAQ format of ``tests/faq/`` and the shared
evaluation files (``public-sample.yaml``, ``public-conversations.yaml``) as
they are.  ``--json`` prints the report for machines; ``--fail-under PCT``
exits 1 when the overall accuracy is under PCT percent (for CI).

May import at module level: the standard library and sahel_bot.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ..errors import SahelBotError
from ..evaluation import CATEGORIES, Case, FaqFormatError, evaluate, load_cases
from .arguments import did_you_mean, existing_path, number_between, one_of
from .cli import EXIT_FAILED, EXIT_OK, UsageError, add_knowledge_argument, load_bot

#: what --category accepts: the categories of the format, and "uncategorized" for items without one
CATEGORY_CHOICES = (*CATEGORIES, "uncategorized")

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        type=existing_path,
        help="FAQ or evaluation YAML files (or directories of them)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--fail-under",
        type=number_between(0, 100),
        default=None,
        metavar="PCT",
        help="exit with status 1 when the overall accuracy is under PCT percent",
    )
    parser.add_argument("--show-fail", action="store_true", help="print every failure as a bug report")
    parser.add_argument(
        "--glob",
        default="faq_*.yaml",
        metavar="PATTERN",
        help="files to read from a directory argument (default faq_*.yaml)",
    )
    parser.add_argument(
        "--category",
        action="append",
        metavar="CAT",
        type=one_of(CATEGORY_CHOICES, "category"),
        help="only items of this category (repeatable): " + ", ".join(CATEGORY_CHOICES),
    )
    parser.add_argument(
        "--intent",
        action="append",
        metavar="NAME",
        help="only items labelled with this intent (repeatable; an intent of the knowledge)",
    )
    add_knowledge_argument(parser)


def _expand(files: list[str], pattern: str) -> list[Path]:
    out: list[Path] = []
    for name in files:
        path = Path(name)
        if path.is_dir():
            found = sorted(path.glob(pattern))
            if not found:
                raise UsageError(f"no files matching {pattern!r} in {name!r} (--glob chooses which files to read)")
            out.extend(found)
        else:
            out.append(path)
    return out


def _keep(case: Case, categories: list[str] | None, intents: list[str] | None) -> bool:
    if categories and not any((t.cat or "uncategorized") in categories for t in case.turns):
        return False
    return not intents or any(t.intent in intents for t in case.turns)


def _check_intents(cases: list[Case], known: Any) -> None:
    """Raise ``SahelBotError`` (``path:line:col: message`` lines) for items labelled with an intent the knowledge does not have (a typo)."""
    by_path: dict[str, list[tuple[int, int, str]]] = {}
    for case in cases:
        for turn in case.turns:
            if turn.intent and turn.intent not in known:
                hint = did_you_mean(turn.intent, sorted(known))
                message = f"unknown intent {turn.intent!r}{hint if hint.startswith('; did') else ''}"
                by_path.setdefault(case.path, []).append((turn.line, 1, message))
    if by_path:
        raise SahelBotError("\n".join(str(FaqFormatError(p, problems)) for p, problems in by_path.items()))


def run(args: argparse.Namespace) -> int:
    paths = _expand(args.files, args.glob)
    cases: list[Case] = []
    for path in paths:
        cases.extend(load_cases(path))
    bot = load_bot(args)
    known = bot.knowledge.intents
    for intent in args.intent or ():
        if intent not in known:
            raise UsageError(f"argument --intent: unknown intent {intent!r}{did_you_mean(intent, sorted(known))}")
    _check_intents(cases, known)
    cases = [c for c in cases if _keep(c, args.category, args.intent)]
    report = evaluate(bot, cases, files=[str(p) for p in paths])
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(report.render(show_failures=args.show_fail))
    if args.fail_under is not None and report.accuracy < args.fail_under:
        if not args.json:
            print(f"\nsahel-bot: accuracy {report.accuracy:.1f}% is under --fail-under {args.fail_under:g}%.")
        return EXIT_FAILED
    return EXIT_OK
