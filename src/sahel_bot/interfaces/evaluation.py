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

from ..evaluation import Case, evaluate, load_cases
from .cli import EXIT_FAILED, EXIT_OK, add_knowledge_argument, load_bot

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files", nargs="+", metavar="FILE", help="FAQ or evaluation YAML files (or directories of them)"
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--fail-under",
        type=float,
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
    parser.add_argument("--category", action="append", metavar="CAT", help="only items of this category (repeatable)")
    add_knowledge_argument(parser)


def _expand(files: list[str], pattern: str) -> list[Path]:
    out: list[Path] = []
    for name in files:
        path = Path(name)
        if path.is_dir():
            out.extend(sorted(path.glob(pattern)))
        else:
            out.append(path)
    return out


def _keep(case: Case, categories: list[str] | None) -> bool:
    if not categories:
        return True
    return any((t.cat or "uncategorized") in categories for t in case.turns)


def run(args: argparse.Namespace) -> int:
    paths = _expand(args.files, args.glob)
    cases: list[Case] = []
    for path in paths:
        cases.extend(c for c in load_cases(path) if _keep(c, args.category))
    bot = load_bot(args)
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
