"""Show what the bot could not answer: the miss log, with similar questions grouped.

``sahel-bot misses`` reads the JSON Lines miss log that the REPL and the
server write (``sahel_bot.misses.MissLog``; default
``~/.local/state/sahel-bot/misses.jsonl``, env ``SAHEL_BOT_MISS_LOG``),
groups questions that are worded alike (rapidfuzz ``token_sort_ratio`` on
normalised text, ``--similarity``), and prints for each group how often it was
asked (and by how many distinct users), an example, other phrasings, the
outcomes, and the nearest intent - so a maintainer sees which phrasings
(intent examples) or facts to add.  ``--json`` prints the groups as JSON.

May import at module level: the standard library and sahel_bot (rapidfuzz is
imported when the command runs).
"""

from __future__ import annotations

import argparse
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..misses import ENV_VAR, INTERFACES, Miss, default_miss_log_path, read_misses
from ..normalize import normalize
from ..plural import plural
from .arguments import iso_date, non_negative_int, number_between, one_of

__all__ = ["MissGroup", "add_arguments", "group_misses", "run"]


@dataclass
class MissGroup:
    """Misses worded alike: the most asked phrasing first."""

    key: str
    misses: list[Miss] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.misses)

    def phrasings(self) -> list[tuple[str, int]]:
        """Return (question, times asked), most asked first (first seen wins ties)."""
        counts = Counter(m.question.strip() for m in self.misses)
        order = {q: i for i, q in reversed(list(enumerate(m.question.strip() for m in self.misses)))}
        return sorted(counts.items(), key=lambda kv: (-kv[1], order[kv[0]]))

    @property
    def example(self) -> str:
        return self.phrasings()[0][0]

    @property
    def nearest_intent(self) -> str | None:
        votes = Counter(m.nearest_intent for m in self.misses if m.nearest_intent)
        return votes.most_common(1)[0][0] if votes else None

    @property
    def users(self) -> int:
        return len({m.user for m in self.misses if m.user})

    def to_dict(self) -> dict[str, Any]:
        confidences = [m.confidence for m in self.misses]
        return {
            "count": self.count,
            "users": self.users,
            "example": self.example,
            "phrasings": [{"question": q, "count": n} for q, n in self.phrasings()],
            "nearest_intent": self.nearest_intent,
            "outcomes": dict(Counter(m.outcome for m in self.misses)),
            "interfaces": dict(Counter(m.interface for m in self.misses)),
            "max_confidence": round(max(confidences), 3) if confidences else 0.0,
            "first_seen": min(m.ts for m in self.misses),
            "last_seen": max(m.ts for m in self.misses),
        }


def group_misses(misses: list[Miss], similarity: float = 80.0) -> list[MissGroup]:
    """Return groups of misses whose normalised questions score at least ``similarity`` (0-100), largest first.

    Greedy and deterministic: the most frequent wordings found groups first;
    every other wording joins the group whose founder it is most like.
    """
    from rapidfuzz import fuzz, process

    by_text: dict[str, list[Miss]] = {}
    for miss in misses:
        key = normalize(miss.question)
        if key:
            by_text.setdefault(key, []).append(miss)
    ordered = sorted(by_text.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    groups: list[MissGroup] = []
    founders: dict[int, str] = {}
    for text, items in ordered:
        match = process.extractOne(
            text, founders, scorer=fuzz.token_sort_ratio, processor=None, score_cutoff=similarity
        )
        if match is None:
            founders[len(groups)] = text
            groups.append(MissGroup(text, list(items)))
        else:
            groups[match[2]].misses.extend(items)
    for group in groups:
        group.misses.sort(key=lambda m: m.ts)
    groups.sort(key=lambda g: (-g.count, g.key))
    return groups


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--log",
        metavar="PATH",
        default=None,
        help=f"the miss log (default: env {ENV_VAR}, else {default_miss_log_path()})",
    )
    parser.add_argument(
        "--similarity",
        type=number_between(0, 100),
        default=80.0,
        metavar="0-100",
        help="how alike two questions must be to share a group (rapidfuzz token_sort_ratio; default 80)",
    )
    parser.add_argument(
        "--since",
        metavar="DATE",
        type=iso_date,
        help="only misses logged on or after DATE (YYYY-MM-DD, or an ISO date-time; UTC unless it says otherwise)",
    )
    parser.add_argument(
        "--interface",
        metavar="NAME",
        type=one_of(INTERFACES, "interface"),
        help="only misses from this interface: " + ", ".join(INTERFACES),
    )
    parser.add_argument(
        "--limit",
        type=non_negative_int,
        default=25,
        metavar="N",
        help="show the N largest groups (default 25; 0 shows all)",
    )
    parser.add_argument("--json", action="store_true", help="print the groups as JSON")


def _log_path(args: argparse.Namespace) -> Path:
    if args.log:
        return Path(args.log).expanduser()
    raw = (os.environ.get(ENV_VAR) or "").strip()
    if raw and raw.lower() not in {"off", "0", "no", "false", "none", "disabled"}:
        return Path(raw).expanduser()
    return default_miss_log_path()


def run(args: argparse.Namespace) -> int:
    path = _log_path(args)
    misses = [
        m
        for m in read_misses(path)
        if (not args.since or m.ts >= args.since) and (not args.interface or m.interface == args.interface)
    ]
    groups = group_misses(misses, similarity=args.similarity)
    shown = groups[: max(0, args.limit)] if args.limit else groups
    if args.json:
        print(
            json.dumps(
                {
                    "log": str(path),
                    "misses": len(misses),
                    "groups": len(groups),
                    "shown": [g.to_dict() for g in shown],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    if not misses:
        exists = "" if path.exists() else " (no log yet)"
        print(f"No misses in {path}{exists}.")
        return 0
    print(f"{plural(len(misses), 'miss', 'misses')} in {plural(len(groups), 'group')} ({path})")
    for i, group in enumerate(shown, 1):
        info = group.to_dict()
        users = f", {plural(info['users'], 'user')}" if info["users"] else ""
        outcomes = ", ".join(f"{k} {v}" for k, v in sorted(info["outcomes"].items()))
        print()
        print(f"{i:3d}. asked {info['count']}x{users}: {group.example!r}")
        print(f"     nearest intent: {info['nearest_intent'] or '-'}   outcomes: {outcomes}   last {info['last_seen']}")
        others = group.phrasings()[1:4]
        for question, n in others:
            print(f"     also: {question!r}" + (f" ({n}x)" if n > 1 else ""))
        more = len(group.phrasings()) - 1 - len(others)
        if more > 0:
            print(f"     ... and {more} more {'phrasing' if more == 1 else 'phrasings'}")
    if len(groups) > len(shown):
        hidden = len(groups) - len(shown)
        print(f"\n({plural(hidden, 'smaller group')} not shown; --limit 0 shows all)")
    return 0
