"""A whole evaluation run: the scores per category and intent, confusions, wrong outcomes, a threshold
sweep and latency, for people (``render()``) and machines (``to_dict()``).

May import: the standard library, ``evaluation.cases``, ``evaluation.judging`` and ``evaluation.rendering``.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .cases import CATEGORIES, Case
from .judging import BotLike, CaseResult, TurnResult, run_case, runner_up
from .rendering import render_report, shorten

__all__ = ["Report", "evaluate"]


def _pct(n: int, d: int) -> float | None:
    return None if d == 0 else 100.0 * n / d


def _percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(q / 100.0 * len(ordered)) - 1))
    return ordered[k]


@dataclass
class Report:
    """The scores of one evaluation run; ``to_dict()`` for machines, ``render()`` for people."""

    results: list[CaseResult]
    threshold: float | None = None
    files: list[str] = field(default_factory=list)

    # each (case, turn) pair, in order
    def _turns(self) -> list[tuple[Case, TurnResult]]:
        return [(r.case, t) for r in self.results for t in r.turns]

    @property
    def total(self) -> int:
        return len(self._turns())

    @property
    def passed(self) -> int:
        return sum(t.passed for _, t in self._turns())

    @property
    def accuracy(self) -> float:
        """Return the share of all questions and turns that passed, in percent (0 when there are none)."""
        return _pct(self.passed, self.total) or 0.0

    def summary(self) -> dict[str, Any]:
        """Return the official scorer's three numbers (in-scope, decline, conversation) and the overall one."""
        ins = [t for c, t in self._turns() if not c.conversation and t.expectation.in_scope]
        dec = [t for c, t in self._turns() if not c.conversation and not t.expectation.in_scope]
        conv = [t for c, t in self._turns() if c.conversation]
        return {
            "questions": self.total,
            "passed": self.passed,
            "known_gaps": sum(not t.passed for c, t in self._turns() if c.xfail),
            "accuracy": round(self.accuracy, 2),
            "in_scope": _rate(ins),
            "decline": _rate(dec),
            "conversation": _rate(conv),
        }

    def by_category(self) -> dict[str, dict[str, Any]]:
        """Return pass counts per category (single questions), plus ``conversation`` for turns."""
        groups: dict[str, list[TurnResult]] = defaultdict(list)
        for case, turn in self._turns():
            key = "conversation" if case.conversation else (turn.expectation.cat or "uncategorized")
            groups[key].append(turn)
        order = {c: i for i, c in enumerate((*CATEGORIES, "uncategorized", "conversation"))}
        return {k: _rate(groups[k]) for k in sorted(groups, key=lambda k: order.get(k, 99))}

    def by_intent(self) -> dict[str, dict[str, Any]]:
        """Return per-intent scores.

        For every intent the bot picked: how many of those replies passed.  When
        items name an ``intent``, also precision, recall and F1 over the labelled
        items (a decline counts as the label ``(none)``).
        """
        picked: dict[str, list[TurnResult]] = defaultdict(list)
        for _, turn in self._turns():
            picked[turn.reply.intent or "(none)"].append(turn)
        out: dict[str, dict[str, Any]] = {k: _rate(v) for k, v in sorted(picked.items())}
        labelled = [t for _, t in self._turns() if t.expectation.intent]
        if labelled:
            gold = Counter(t.expectation.intent for t in labelled)
            pred = Counter(_predicted(t) for t in labelled)
            hits = Counter(t.expectation.intent for t in labelled if _predicted(t) == t.expectation.intent)
            for label in sorted(set(gold) | set(pred)):
                p = hits[label] / pred[label] if pred[label] else 0.0
                r = hits[label] / gold[label] if gold[label] else 0.0
                f1 = 2 * p * r / (p + r) if p + r else 0.0
                row = out.setdefault(label, {"passed": 0, "total": 0, "pct": None})
                row.update(
                    {"labelled": gold[label], "precision": round(p, 3), "recall": round(r, 3), "f1": round(f1, 3)}
                )
        return out

    def confusions(self, limit: int = 10) -> dict[str, Any]:
        """Return the most confused intent pairs.

        From labelled items: (expected intent, picked intent) where they differ.
        From unlabelled in-scope failures: (picked intent, runner-up) - the bot
        went with the first where the second scored close behind.
        """
        labelled: Counter[tuple[str, str]] = Counter()
        unlabelled: Counter[tuple[str, str]] = Counter()
        for _, turn in self._turns():
            exp = turn.expectation
            if exp.intent:
                got = _predicted(turn)
                if got != exp.intent:
                    labelled[(exp.intent, got)] += 1
            elif not turn.passed and exp.in_scope:
                second = runner_up(turn.reply)
                unlabelled[(turn.reply.intent or "(none)", second.intent if second else "(none)")] += 1
        return {
            "expected_vs_picked": [
                {"expected": a, "picked": b, "count": n} for (a, b), n in labelled.most_common(limit)
            ],
            "picked_vs_runner_up": [
                {"picked": a, "runner_up": b, "count": n} for (a, b), n in unlabelled.most_common(limit)
            ],
        }

    def wrong_outcomes(self) -> dict[str, list[dict[str, Any]]]:
        """Return declines that should have been answers, and answers that should have been declines."""
        false_declines, false_answers = [], []
        for case, turn in self._turns():
            exp, reply = turn.expectation, turn.reply
            row = {
                "id": case.id,
                "where": f"{case.path}:{exp.line}",
                "q": exp.q,
                "outcome": reply.outcome,
                "intent": reply.intent,
                "confidence": round(reply.confidence, 3),
                "known_gap": case.xfail,
            }
            if exp.expected_outcome == "answer" and not reply.answered:
                row["reason"] = reply.explanation.reason
                false_declines.append(row)
            elif not exp.in_scope and reply.answered:
                row["text"] = shorten(reply.text, 160)
                false_answers.append(row)
        return {"declined_should_answer": false_declines, "answered_should_decline": false_answers}

    def threshold_sweep(self, thresholds: Sequence[float] | None = None) -> list[dict[str, Any]]:
        """Return how the scores move with the decline threshold, re-judging each reply by its confidence.

        At threshold ``t`` an answer with confidence below ``t`` counts as a
        decline.  Below the bot's own threshold a decline cannot be turned
        back into an answer without its text, so those rows only count how
        many declines (``would_reconsider``) the lower threshold would reopen.
        """
        if thresholds is None:
            thresholds = [round(0.05 * i, 2) for i in range(20)]
            if self.threshold is not None and self.threshold not in thresholds:
                thresholds = sorted([*thresholds, round(self.threshold, 3)])
        turns = [t for _, t in self._turns()]
        rows = []
        for t in thresholds:
            ins_ok = ins_n = dec_ok = dec_n = answered = wrong = reopened = 0
            for turn in turns:
                exp, reply = turn.expectation, turn.reply
                keeps = reply.answered and reply.confidence >= t
                if not reply.answered and reply.outcome == "decline" and reply.confidence >= t:
                    reopened += 1
                if keeps:
                    answered += 1
                if exp.in_scope:
                    ins_n += 1
                    if exp.expected_outcome == "clarify":
                        ok = turn.passed
                    else:
                        ok = turn.passed and keeps
                    ins_ok += ok
                    wrong += keeps and not turn.passed
                else:
                    dec_n += 1
                    dec_ok += not keeps
                    wrong += keeps
            rows.append(
                {
                    "threshold": t,
                    "answered": answered,
                    "in_scope_pct": _round(_pct(ins_ok, ins_n)),
                    "decline_pct": _round(_pct(dec_ok, dec_n)),
                    "accuracy_pct": _round(_pct(ins_ok + dec_ok, ins_n + dec_n)),
                    "wrong_answers": wrong,
                    "would_reconsider": reopened if self.threshold is not None and t < self.threshold else 0,
                }
            )
        return rows

    def latency(self) -> dict[str, float]:
        """Return per-question latency in milliseconds: p50, p99, mean and max."""
        ms = [t.seconds * 1000.0 for _, t in self._turns()]
        if not ms:
            return {"p50_ms": 0.0, "p99_ms": 0.0, "mean_ms": 0.0, "max_ms": 0.0}
        return {
            "p50_ms": round(_percentile(ms, 50), 3),
            "p99_ms": round(_percentile(ms, 99), 3),
            "mean_ms": round(sum(ms) / len(ms), 3),
            "max_ms": round(max(ms), 3),
        }

    def render(self, show_failures: bool = False, limit: int = 15) -> str:
        """Return the report as plain text for a terminal."""
        return render_report(self, show_failures=show_failures, limit=limit)

    def failures(self) -> list[CaseResult]:
        """Return the cases that failed, leaving out known gaps (cases marked ``xfail``)."""
        return [r for r in self.results if not r.passed and not r.case.xfail]

    def known_gaps(self) -> list[CaseResult]:
        """Return the cases marked ``xfail`` (a known gap, with its reason) that still fail."""
        return [r for r in self.results if not r.passed and r.case.xfail]

    def fixed_gaps(self) -> list[CaseResult]:
        """Return the cases marked ``xfail`` that pass now: their mark can go."""
        return [r for r in self.results if r.passed and r.case.xfail]

    def to_dict(self, include_failures: bool = True) -> dict[str, Any]:
        """Return the whole report as JSON-ready data."""
        out: dict[str, Any] = {
            "files": self.files,
            "threshold": self.threshold,
            "summary": self.summary(),
            "by_category": self.by_category(),
            "by_intent": self.by_intent(),
            "confusions": self.confusions(),
            "wrong_outcomes": self.wrong_outcomes(),
            "threshold_sweep": self.threshold_sweep(),
            "latency": self.latency(),
            "known_gaps": [
                {"id": r.case.id, "where": r.case.location, "reason": r.case.xfail} for r in self.known_gaps()
            ],
            "fixed_gaps": [{"id": r.case.id, "where": r.case.location} for r in self.fixed_gaps()],
        }
        if include_failures:
            out["failures"] = [
                {
                    "id": r.case.id,
                    "where": r.case.location,
                    "turns": [
                        {
                            "q": t.expectation.q,
                            "line": t.expectation.line,
                            "problems": list(t.problems),
                            "reply": t.reply.to_dict(),
                        }
                        for t in r.turns
                        if not t.passed
                    ],
                }
                for r in self.failures()
            ]
        return out


def _predicted(turn: TurnResult) -> str:
    return (turn.reply.intent or "(none)") if turn.reply.answered else "(none)"


def _rate(turns: Sequence[TurnResult]) -> dict[str, Any]:
    passed = sum(t.passed for t in turns)
    return {"passed": passed, "total": len(turns), "pct": _round(_pct(passed, len(turns)))}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def evaluate(bot: BotLike, cases: Iterable[Case], files: Sequence[str] = (), threshold: float | None = None) -> Report:
    """Return the report of asking ``bot`` every case (conversations in a fresh conversation each)."""
    if threshold is None:
        settings = getattr(bot, "settings", None)
        threshold = getattr(settings, "answer_threshold", None)
    return Report([run_case(bot, case) for case in cases], threshold=threshold, files=list(files))
