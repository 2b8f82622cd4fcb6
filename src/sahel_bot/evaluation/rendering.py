"""Rendering: a failed case as a bug report, and a whole evaluation report as text for a terminal.

May import: the standard library, ``evaluation.judging`` and ``evaluation.report``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..plural import plural
from .judging import CaseResult, TurnResult, runner_up

if TYPE_CHECKING:
    from .report import Report

__all__ = ["render_failure", "render_report", "render_turn", "shorten"]


def shorten(text: str, limit: int = 600) -> str:
    """Return ``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def render_turn(result: TurnResult, indent: str = "") -> list[str]:
    """Return the bug-report lines for one turn: question, expectation, reply, why."""
    exp, reply = result.expectation, result.reply
    mark = "ok" if result.passed else "FAILED"
    lines = [f"{indent}question:   {exp.q!r}   [{mark}]"]
    if exp.cat:
        lines[0] += f"  ({exp.cat})"
    want = exp.describe()
    lines.append(f"{indent}expected:   {want[0]}")
    lines.extend(f"{indent}            + {w}" for w in want[1:])
    if exp.note:
        lines.append(f"{indent}note:       {exp.note}")
    for problem in result.problems:
        lines.append(f"{indent}problem:    {problem}")
    lines.append(f"{indent}answer:     {shorten(reply.text)!s}")
    for i, suggestion in enumerate(reply.suggestions, 1):
        lines.append(f"{indent}            {i}. {suggestion}")
    lines.append(
        f"{indent}outcome:    {reply.outcome} (answered: {'yes' if reply.answered else 'no'}), "
        f"intent {reply.intent or '-'}, confidence {reply.confidence:.2f}"
    )
    second = runner_up(reply)
    if second is not None:
        detail = f"  {second.detail}" if second.detail else ""
        lines.append(f"{indent}runner-up:  {second.intent} {second.score:.2f}{detail}")
    else:
        lines.append(f"{indent}runner-up:  none")
    if reply.citations:
        for c in reply.citations:
            lines.append(f"{indent}citation:   [{c.section}] {c.sentence_id}: {shorten(c.quote, 160)}")
    else:
        lines.append(f"{indent}citation:   none")
    if reply.explanation.reason:
        lines.append(f"{indent}decision:   {reply.explanation.reason}")
    return lines


def render_failure(result: CaseResult) -> str:
    """Return a failed case as a bug report (every turn of a conversation, the failing ones marked)."""
    case = result.case
    failed = sum(not t.passed for t in result.turns)
    if case.conversation:
        head = f"FAQ conversation {case.id} ({case.location}): {failed} of {len(result.turns)} turns failed"
        lines = [head]
        if case.note:
            lines.append(f"note: {case.note}")
        for i, turn in enumerate(result.turns, 1):
            lines.append(f"turn {i} (line {turn.expectation.line}):")
            lines.extend(render_turn(turn, indent="  "))
        return "\n".join(lines)
    return "\n".join([f"FAQ {case.id} ({case.location}) failed", *render_turn(result.turns[0])])


def render_report(report: Report, show_failures: bool = False, limit: int = 15) -> str:
    """Return ``report`` as plain text for a terminal."""
    s = report.summary()
    out: list[str] = []
    files = ", ".join(report.files) if report.files else "(no files)"
    out.append(f"sahel-bot eval: {s['questions']} questions from {files}")
    out.append("")
    out.append(f"{'category':16s} {'passed':>7s} {'total':>6s} {'pct':>7s}")
    for cat, row in report.by_category().items():
        out.append(f"{cat:16s} {row['passed']:7d} {row['total']:6d} {_fmt_pct(row['pct']):>7s}")
    out.append(
        f"{'all':16s} {s['passed']:7d} {s['questions']:6d} {_fmt_pct(s['accuracy']):>7s}"
        f"   in-scope {_fmt_pct(s['in_scope']['pct'])}  decline {_fmt_pct(s['decline']['pct'])}"
        f"  conversation {_fmt_pct(s['conversation']['pct'])}"
    )
    if s["known_gaps"]:
        n = s["known_gaps"]
        out.append(f"{'':16s} {n} of the failures {'is a known gap' if n == 1 else 'are known gaps'} (xfail)")
    out.append("")
    intents = report.by_intent()
    labelled = any("f1" in row for row in intents.values())
    head = f"{'intent picked':24s} {'passed':>7s} {'total':>6s} {'pct':>7s}"
    if labelled:
        head += f" {'gold':>5s} {'prec':>6s} {'recall':>6s} {'f1':>6s}"
    out.append(head)
    for name, row in intents.items():
        line = f"{name:24s} {row['passed']:7d} {row['total']:6d} {_fmt_pct(row['pct']):>7s}"
        if labelled and "f1" in row:
            line += f" {row['labelled']:5d} {row['precision']:6.2f} {row['recall']:6.2f} {row['f1']:6.2f}"
        out.append(line)
    conf = report.confusions(limit=8)
    if conf["expected_vs_picked"]:
        out.append("")
        out.append("most confused intents (expected -> picked):")
        out.extend(f"  {c['count']:4d}  {c['expected']} -> {c['picked']}" for c in conf["expected_vs_picked"])
    if conf["picked_vs_runner_up"]:
        out.append("")
        out.append("failed answers by intent picked and runner-up:")
        out.extend(
            f"  {c['count']:4d}  {c['picked']} "
            + ("(no runner-up)" if c["runner_up"] == "(none)" else f"(runner-up {c['runner_up']})")
            for c in conf["picked_vs_runner_up"]
        )
    wrong = report.wrong_outcomes()
    for key, title in (
        ("declined_should_answer", "declined or asked back, but the brief answers it"),
        ("answered_should_decline", "answered, but should have declined"),
    ):
        rows = wrong[key]
        out.append("")
        out.append(f"{title}: {len(rows)}")
        for row in rows[:limit]:
            extra = f"  [{row['intent'] or '-'} {row['confidence']:.2f}]"
            gap = "  (known gap)" if row.get("known_gap") else ""
            out.append(f"  {row['id']:8s} {row['q']!r}{extra}{gap}")
        if len(rows) > limit:
            out.append(f"  ... and {len(rows) - limit} more (--json lists them all)")
    out.extend(_sweep(report))
    out.extend(_gaps(report, limit))
    lat = report.latency()
    out.append("")
    out.append(
        f"latency: p50 {lat['p50_ms']:.2f} ms  p99 {lat['p99_ms']:.2f} ms  "
        f"mean {lat['mean_ms']:.2f} ms  max {lat['max_ms']:.2f} ms"
    )
    if show_failures:
        for r in report.failures():
            out.append("")
            out.append(render_failure(r))
    return "\n".join(out)


def _sweep(report: Report) -> list[str]:
    """Return the threshold sweep, one row per stretch of thresholds that give the same scores.

    A small file has few distinct confidences, so most thresholds change nothing; merging them keeps the
    table as long as what it has to say.
    """
    threshold = report.threshold
    note = f" (the bot's threshold: {threshold:.2f}, marked *)" if threshold is not None else ""
    out = ["", f"threshold sweep{note}: an answer below the threshold counts as a decline"]
    out.append(f"  {'threshold':>9s} {'answered':>8s} {'in-scope':>8s} {'decline':>8s} {'overall':>8s} {'wrong':>6s}")
    keys = ("answered", "in_scope_pct", "decline_pct", "accuracy_pct", "wrong_answers", "would_reconsider")
    stretches: list[list[dict[str, Any]]] = []
    for row in report.threshold_sweep():
        is_bot = threshold is not None and abs(row["threshold"] - threshold) < 1e-9
        last = stretches[-1] if stretches else None
        if last and not is_bot and not last[-1].get("_bot") and all(last[-1][k] == row[k] for k in keys):
            last.append(row)
        else:
            stretches.append([{**row, "_bot": is_bot}])
    for rows in stretches:
        first, row = rows[0], rows[-1]
        span = f"{first['threshold']:.2f}" if len(rows) == 1 else f"{first['threshold']:.2f}-{row['threshold']:.2f}"
        mark = " *" if first.get("_bot") else ""
        n = row["would_reconsider"]
        reopen = f"  ({plural(n, 'decline')} reopened, not judged)" if n else ""
        out.append(
            f"  {span:>9s} {row['answered']:8d} {_fmt_pct(row['in_scope_pct']):>8s}"
            f" {_fmt_pct(row['decline_pct']):>8s} {_fmt_pct(row['accuracy_pct']):>8s} {row['wrong_answers']:6d}"
            f"{mark}{reopen}"
        )
    return out


def _gaps(report: Report, limit: int) -> list[str]:
    """Return the known gaps (cases marked xfail that still fail) and those that pass now."""
    out: list[str] = []
    gaps, fixed = report.known_gaps(), report.fixed_gaps()
    if gaps:
        out += ["", f"known gaps (marked xfail, not counted as failures): {len(gaps)}"]
        for r in gaps[:limit]:
            out.append(f"  {r.case.id:8s} {r.case.turns[0].q!r}  -- {r.case.xfail}")
        if len(gaps) > limit:
            out.append(f"  ... and {len(gaps) - limit} more (--json lists them all)")
    if fixed:
        out += ["", f"known gaps that pass now (remove their xfail): {len(fixed)}"]
        out.extend(f"  {r.case.id:8s} {r.case.location}" for r in fixed)
    return out


def _fmt_pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"
