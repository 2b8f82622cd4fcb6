"""Record the bot's reply to every turn we have, and compare two recordings (run by hand, not a test).

    python benchmarks/replies.py record OUT.jsonl [FILES...]
    python benchmarks/replies.py compare BEFORE.jsonl AFTER.jsonl [--show N] [--all-changes]

Without FILES: every FAQ file (tests/faq/), the development sets (benchmarks/dev-set/) and the public
sample beside the checkout (../shared/eval/).  Each line holds one turn: where it comes from, the question,
whether it passed by the FAQ judge, and the reply (outcome, text, citations).  ``compare`` lists the turns
that passed before and fail now (regressions) first, then those fixed, then (with ``--all-changes``) every
reply whose text changed, so a refactoring can be checked turn by turn.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from sahel_bot import Bot  # noqa: E402
from sahel_bot.evaluation import load_cases, run_case  # noqa: E402


def default_files() -> list[Path]:
    files = sorted((ROOT / "tests" / "faq").glob("faq_*.yaml"))
    files += sorted((ROOT / "benchmarks" / "dev-set").glob("*.yaml"))
    shared = ROOT.parent / "shared" / "eval"
    files += sorted(shared.glob("public-*.yaml"))
    return files


def record(out: Path, files: list[Path]) -> None:
    bot = Bot.load(ROOT)
    passed = total = 0
    with out.open("w", encoding="utf-8") as handle:
        for path in files:
            for case in load_cases(path):
                result = run_case(bot, case)
                for n, turn in enumerate(result.turns):
                    reply = turn.reply
                    row = {
                        "key": f"{path.name}:{case.id}:{n}",
                        "q": turn.expectation.q,
                        "passed": turn.passed,
                        "problems": list(turn.problems),
                        "outcome": reply.outcome,
                        "text": reply.text,
                        "citations": [f"{c.section} | {c.quote}" for c in reply.citations],
                    }
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                    passed += turn.passed
                    total += 1
    print(f"{passed}/{total} turns pass; written to {out}")


def _load(path: Path) -> dict[str, dict[str, object]]:
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {str(r["key"]): r for r in rows}


def compare(before_path: Path, after_path: Path, show: int, all_changes: bool) -> int:
    before, after = _load(before_path), _load(after_path)
    common = [k for k in before if k in after]
    worse = [k for k in common if before[k]["passed"] and not after[k]["passed"]]
    better = [k for k in common if not before[k]["passed"] and after[k]["passed"]]
    changed = [
        k for k in common if before[k]["text"] != after[k]["text"] or before[k]["outcome"] != after[k]["outcome"]
    ]
    print(
        f"{len(common)} turns in both; passing {sum(bool(before[k]['passed']) for k in common)} -> "
        f"{sum(bool(after[k]['passed']) for k in common)}; {len(worse)} regressions, {len(better)} fixed, "
        f"{len(changed)} replies changed"
    )
    sections = [("REGRESSION", worse), ("FIXED", better)]
    if all_changes:
        sections.append(("CHANGED", [k for k in changed if k not in worse and k not in better]))
    for label, keys in sections:
        for k in keys[:show]:
            b, a = before[k], after[k]
            print(f"\n{label} {k}: {a['q']}")
            print(f"  before [{b['outcome']}]: {str(b['text'])[:300]}")
            print(f"  after  [{a['outcome']}]: {str(a['text'])[:300]}")
            if a["problems"]:
                print(f"  problems: {a['problems']}")
    return 1 if worse else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("out", type=Path)
    rec.add_argument("files", nargs="*", type=Path)
    cmp = sub.add_parser("compare")
    cmp.add_argument("before", type=Path)
    cmp.add_argument("after", type=Path)
    cmp.add_argument("--show", type=int, default=40)
    cmp.add_argument("--all-changes", action="store_true")
    args = parser.parse_args()
    if args.command == "record":
        record(args.out, args.files or default_files())
        return 0
    return compare(args.before, args.after, args.show, args.all_changes)


if __name__ == "__main__":
    sys.exit(main())
