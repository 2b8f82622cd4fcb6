"""FAQ and evaluation files: load them, judge replies against them, and score a whole run.

The one place where an expectation is checked: the pytest plugin
(``interfaces/pytest_plugin.py``) and ``sahel-bot eval``
(``interfaces/evaluation.py``) both call :func:`check` through
:func:`run_case`, so a FAQ item means the same thing everywhere.  The format is
a superset of ``../shared/eval/`` (documented in ``docs/faq.md``)::

    - id: LD01
      cat: direct                      # direct paraphrase typo reverse relational not_in_brief out_of_scope
      q: "Who is the leader of AQIM?"
      expect: [["droukdel"]]           # AND of OR-groups of substrings of the answer text
      section: "Leadership"            # a citation must come from this heading
      sentence: leadership.1.1         # a citation must cite this sentence id
      regex: "droukdel|wadoud"         # optional, searched in the folded answer text
      intent: leader_of                # optional, the intent the bot should pick
      outcome: answer                  # answer | clarify | decline (default from cat)
      note: free text
    - id: CV01
      turns: [{q: ..., expect: ...}, {q: ..., cat: not_in_brief}]

May import: the standard library, PyYAML, ``errors`` and ``reply`` (never an interface).
"""

from __future__ import annotations

import difflib
import math
import re
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .errors import SahelBotError
from .reply import Candidate, Reply

__all__ = [
    "CATEGORIES",
    "DECLINE_CATEGORIES",
    "Case",
    "CaseResult",
    "Expectation",
    "FaqFormatError",
    "Report",
    "TurnResult",
    "check",
    "evaluate",
    "fold",
    "load_cases",
    "parse_cases",
    "render_failure",
    "run_case",
    "runner_up",
]

CATEGORIES = ("direct", "paraphrase", "typo", "reverse", "relational", "not_in_brief", "out_of_scope")
#: Questions of these categories must be declined (``answered: false``).
DECLINE_CATEGORIES = frozenset({"not_in_brief", "out_of_scope"})
OUTCOMES = ("answer", "clarify", "decline")

_TURN_KEYS = ("q", "cat", "expect", "section", "sentence", "regex", "intent", "outcome", "note")
_ITEM_KEYS = ("id", "turns", "xfail", *_TURN_KEYS)
_CURLY = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def fold(text: str) -> str:
    """Return ``text`` without accents, with straight quotes, lower-cased.

    Exactly the folding of the official scorer (``../shared/tools/score.py``), so
    a FAQ expectation passes here when, and only when, it would pass there.
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.translate(_CURLY).lower()


# -- the format ------------------------------------------------------------------------


class FaqFormatError(SahelBotError):
    """A FAQ or evaluation file that cannot be used; every problem as ``path:line:col: message``."""

    def __init__(self, path: str, problems: Iterable[tuple[int, int, str]]) -> None:
        self.path = path
        self.problems = sorted(set(problems))
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(f"{self.path}:{line}:{col}: {message}" for line, col, message in self.problems)

    @property
    def line(self) -> int:
        """The 1-based line of the first problem."""
        return self.problems[0][0] if self.problems else 1


@dataclass(frozen=True, slots=True)
class Expectation:
    """What one question (or one turn of a conversation) should get back."""

    q: str
    line: int
    cat: str | None = None
    expect: tuple[tuple[str, ...], ...] = ()
    section: str | None = None
    sentence: str | None = None
    regex: str | None = None
    intent: str | None = None
    outcome: str | None = None
    note: str | None = None

    @property
    def expected_outcome(self) -> str:
        """Return ``answer``, ``clarify`` or ``decline``: the explicit outcome, else from the category."""
        if self.outcome:
            return self.outcome
        return "decline" if self.cat in DECLINE_CATEGORIES else "answer"

    @property
    def in_scope(self) -> bool:
        """Return true when the brief answers this question (it is not a trap to decline)."""
        return self.expected_outcome != "decline"

    def describe(self) -> list[str]:
        """Return what is expected, one human-readable line per condition."""
        want = self.expected_outcome
        lines = {
            "answer": ["an answer"],
            "clarify": ['a "did you mean" question (outcome clarify)'],
            "decline": ["a decline (answered: false)" + (f", as a {self.cat} question" if self.cat else "")],
        }[want]
        for group in self.expect:
            lines.append("text containing " + " or ".join(repr(alt) for alt in group))
        if self.regex:
            lines.append(f"text matching /{self.regex}/")
        if self.section:
            lines.append(f"a citation from section {self.section!r}")
        if self.sentence:
            lines.append(f"a citation of sentence {self.sentence}")
        if self.intent:
            lines.append(f"intent {self.intent}")
        return lines


@dataclass(frozen=True, slots=True)
class Case:
    """One FAQ item: a single question, or a conversation (``turns``)."""

    id: str
    path: str
    line: int
    turns: tuple[Expectation, ...]
    conversation: bool = False
    note: str | None = None
    #: a known gap, with the reason: the test is expected to fail (strictly: it is reported when it passes)
    xfail: str | None = None

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


def load_cases(path: str | Path) -> list[Case]:
    """Return the cases of the FAQ or evaluation file at ``path``.

    Raises ``FaqFormatError`` listing every problem with its line and column.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FaqFormatError(str(path), [(1, 1, f"cannot read the file: {exc}")]) from None
    return parse_cases(text, str(path))


def parse_cases(text: str, path: str = "<faq>") -> list[Case]:
    """Return the cases in ``text`` (the content of a file named ``path``).

    Raises ``FaqFormatError`` listing every problem with its line and column.
    """
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = f"not valid YAML: {exc.problem or exc}"
        if exc.context and exc.context_mark is not None and exc.context_mark is not mark:
            cm = exc.context_mark
            message += f" ({exc.context} that starts at line {cm.line + 1}, column {cm.column + 1})"
        raise FaqFormatError(path, [(line, col, message)]) from None
    except yaml.YAMLError as exc:
        raise FaqFormatError(path, [(1, 1, f"not valid YAML: {exc}")]) from None
    if root is None or data is None:
        return []
    if not isinstance(root, yaml.SequenceNode) or not isinstance(data, list):
        line, col = _mark(root)
        raise FaqFormatError(path, [(line, col, "a FAQ file is a YAML list of items ('- id: ...')")])
    problems: list[tuple[int, int, str]] = []
    cases: list[Case] = []
    seen: dict[str, int] = {}
    for node, value in zip(root.value, data, strict=True):
        case = _parse_item(node, value, path, problems)
        if case is None:
            continue
        if case.id in seen:
            problems.append((case.line, 1, f"duplicate id {case.id!r} (first at line {seen[case.id]})"))
            continue
        seen[case.id] = case.line
        cases.append(case)
    if problems:
        raise FaqFormatError(path, problems)
    return cases


def _mark(node: Any) -> tuple[int, int]:
    mark = getattr(node, "start_mark", None)
    return (mark.line + 1, mark.column + 1) if mark else (1, 1)


def _key_nodes(node: Any) -> dict[str, Any]:
    """Return key -> key node of a mapping node (for per-key line numbers)."""
    return {k.value: k for k, _ in getattr(node, "value", ()) if hasattr(k, "value") and isinstance(k.value, str)}


def _unknown_key(key: str, allowed: Sequence[str]) -> str:
    hint = difflib.get_close_matches(key, allowed, n=1)
    return f"unknown key {key!r}" + (f"; did you mean {hint[0]!r}?" if hint else f"; known keys: {', '.join(allowed)}")


def _parse_item(node: Any, value: Any, path: str, problems: list[tuple[int, int, str]]) -> Case | None:
    line, col = _mark(node)
    if not isinstance(value, dict):
        problems.append((line, col, "an item must be a mapping with 'id' and 'q' (or 'turns')"))
        return None
    keys = _key_nodes(node)
    for key in value:
        if key not in _ITEM_KEYS:
            kl, kc = _mark(keys.get(key, node))
            problems.append((kl, kc, _unknown_key(str(key), _ITEM_KEYS)))
    item_id = value.get("id")
    if item_id is None or (isinstance(item_id, str) and not item_id.strip()):
        problems.append((line, col, "item has no 'id'"))
        item_id = f"line{line}"
    item_id = str(item_id)
    if "turns" in value:
        if "q" in value:
            kl, kc = _mark(keys["q"])
            problems.append(
                (kl, kc, f"item {item_id!r} has both 'q' and 'turns'; a conversation puts 'q' in each turn")
            )
        turns_node = next((v for k, v in node.value if getattr(k, "value", None) == "turns"), node)
        turns = value["turns"]
        if not isinstance(turns, list) or not turns:
            tl, tc = _mark(keys.get("turns", node))
            problems.append((tl, tc, f"'turns' of {item_id!r} must be a non-empty list of turns"))
            return None
        parsed = []
        for turn_node, turn in zip(turns_node.value, turns, strict=True):
            exp = _parse_turn(turn_node, turn, item_id, problems, allowed=_TURN_KEYS)
            if exp is not None:
                parsed.append(exp)
        return Case(
            item_id,
            path,
            line,
            tuple(parsed),
            conversation=True,
            note=_opt_str(value.get("note")),
            xfail=_opt_str(value.get("xfail")),
        )
    exp = _parse_turn(node, value, item_id, problems, allowed=_ITEM_KEYS, checked_keys=True)
    if exp is None:
        return None
    return Case(item_id, path, line, (exp,), conversation=False, note=exp.note, xfail=_opt_str(value.get("xfail")))


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _parse_turn(
    node: Any,
    value: Any,
    item_id: str,
    problems: list[tuple[int, int, str]],
    allowed: Sequence[str],
    checked_keys: bool = False,
) -> Expectation | None:
    line, col = _mark(node)
    if not isinstance(value, dict):
        problems.append((line, col, f"a turn of {item_id!r} must be a mapping with 'q'"))
        return None
    keys = _key_nodes(node)

    def at(key: str) -> tuple[int, int]:
        return _mark(keys.get(key, node))

    if not checked_keys:
        for key in value:
            if key not in allowed:
                problems.append((*at(str(key)), _unknown_key(str(key), allowed)))
    q = value.get("q")
    if q is None:
        problems.append((line, col, f"{item_id!r} has no question ('q')"))
        return None
    if not isinstance(q, str):
        q = str(q)
    cat = value.get("cat")
    if cat is not None and cat not in CATEGORIES:
        hint = difflib.get_close_matches(str(cat), CATEGORIES, n=1)
        problems.append((*at("cat"), f"unknown category {cat!r}" + (f"; did you mean {hint[0]!r}?" if hint else "")))
    outcome = value.get("outcome")
    if outcome is not None and outcome not in OUTCOMES:
        problems.append((*at("outcome"), f"unknown outcome {outcome!r}; use one of {', '.join(OUTCOMES)}"))
    expect = _parse_expect(value.get("expect"), at("expect"), item_id, problems)
    regex = value.get("regex")
    if regex is not None:
        try:
            re.compile(str(regex))
        except re.error as exc:
            problems.append((*at("regex"), f"bad regex {regex!r}: {exc}"))
    for key in ("section", "sentence", "intent", "note"):
        if key in value and value[key] is not None and not isinstance(value[key], str):
            problems.append((*at(key), f"{key!r} must be a string"))
    return Expectation(
        q=q,
        line=line,
        cat=_opt_str(cat),
        expect=expect,
        section=_opt_str(value.get("section")),
        sentence=_opt_str(value.get("sentence")),
        regex=_opt_str(regex),
        intent=_opt_str(value.get("intent")),
        outcome=_opt_str(outcome),
        note=_opt_str(value.get("note")),
    )


def _parse_expect(
    raw: Any, where: tuple[int, int], item_id: str, problems: list[tuple[int, int, str]]
) -> tuple[tuple[str, ...], ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):  # a lone string is one group of one alternative
        return ((raw,),)
    if not isinstance(raw, list):
        problems.append((*where, f"'expect' of {item_id!r} must be a list of lists of strings"))
        return ()
    groups: list[tuple[str, ...]] = []
    for group in raw:
        if isinstance(group, str):  # ["a", "b"] means a AND b
            groups.append((group,))
        elif isinstance(group, list) and group and all(isinstance(a, (str, int, float)) for a in group):
            groups.append(tuple(str(a) for a in group))
        else:
            problems.append((*where, f"'expect' of {item_id!r}: each group must be a non-empty list of strings"))
    return tuple(groups)


# -- judging ---------------------------------------------------------------------------


def check(exp: Expectation, reply: Reply) -> list[str]:
    """Return what is wrong with ``reply`` as an answer to ``exp`` (an empty list: it passes).

    The rules of the official scorer, plus the FAQ extras: a question of a
    decline category (or ``outcome: decline``) must not be answered; an
    in-scope question must be answered, its text must hold every ``expect``
    group, and a citation must come from ``section`` (and cite ``sentence``).
    """
    problems: list[str] = []
    want = exp.expected_outcome
    text = fold(reply.text)
    if want == "decline":
        if reply.answered:
            return ["should decline, but answered"]
        if exp.outcome == "decline" and reply.outcome != "decline":
            problems.append(f"should decline, but the outcome is {reply.outcome}")
        text = fold(" ".join((reply.text, *reply.suggestions)))
    elif want == "clarify":
        if reply.outcome != "clarify":
            return [f"should ask to clarify, but the outcome is {reply.outcome}"]
        text = fold(" ".join((reply.text, *reply.suggestions)))
    elif not reply.answered:
        return ["should answer, but " + ("asked to clarify" if reply.outcome == "clarify" else "declined")]
    for group in exp.expect:
        if not any(fold(alt) in text for alt in group):
            problems.append(f"missing one of {list(group)}")
    if exp.regex and not re.search(exp.regex, text, re.IGNORECASE):
        problems.append(f"no match for /{exp.regex}/")
    if exp.section and not any(fold(c.section) == fold(exp.section) for c in reply.citations):
        problems.append(f"no citation from {exp.section!r}")
    if exp.sentence and not any(c.sentence_id == exp.sentence for c in reply.citations):
        problems.append(f"no citation of sentence {exp.sentence}")
    if exp.intent and want == "answer" and reply.intent != exp.intent:
        problems.append(f"intent {reply.intent} instead of {exp.intent}")
    return problems


class _Asker(Protocol):
    def ask(self, question: str) -> Reply: ...


class _BotLike(Protocol):
    def ask(self, question: str) -> Reply: ...

    def conversation(self) -> _Asker: ...


@dataclass(frozen=True, slots=True)
class TurnResult:
    """One question asked: the expectation, the reply, what was wrong, and how long it took."""

    expectation: Expectation
    reply: Reply
    problems: tuple[str, ...]
    seconds: float

    @property
    def passed(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class CaseResult:
    """A case and the results of its turns, in order."""

    case: Case
    turns: tuple[TurnResult, ...]

    @property
    def passed(self) -> bool:
        return all(t.passed for t in self.turns)


def run_case(bot: _BotLike, case: Case) -> CaseResult:
    """Return the result of asking ``case``'s questions (a conversation's turns in one conversation).

    Every turn is asked, even after one fails, so a report sees them all.
    """
    asker: _Asker = bot.conversation() if case.conversation else bot
    results = []
    for exp in case.turns:
        start = time.perf_counter()
        reply = asker.ask(exp.q)
        seconds = time.perf_counter() - start
        results.append(TurnResult(exp, reply, tuple(check(exp, reply)), seconds))
    return CaseResult(case, tuple(results))


def runner_up(reply: Reply) -> Candidate | None:
    """Return the best candidate reading other than the one the reply went with, or ``None``."""
    for cand in reply.explanation.candidates:
        if cand.intent != reply.intent:
            return cand
    return None


def _shorten(text: str, limit: int = 600) -> str:
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
    lines.append(f"{indent}answer:     {_shorten(reply.text)!s}")
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
            lines.append(f"{indent}citation:   [{c.section}] {c.sentence_id}: {_shorten(c.quote, 160)}")
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


# -- a whole run -----------------------------------------------------------------------


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
            }
            if exp.expected_outcome == "answer" and not reply.answered:
                row["reason"] = reply.explanation.reason
                false_declines.append(row)
            elif not exp.in_scope and reply.answered:
                row["text"] = _shorten(reply.text, 160)
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

    def failures(self) -> list[CaseResult]:
        return [r for r in self.results if not r.passed]

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

    def render(self, show_failures: bool = False, limit: int = 15) -> str:
        """Return the report as plain text for a terminal."""
        s = self.summary()
        out: list[str] = []
        files = ", ".join(self.files) if self.files else "(no files)"
        out.append(f"sahel-bot eval: {s['questions']} questions from {files}")
        out.append("")
        out.append(f"{'category':16s} {'passed':>7s} {'total':>6s} {'pct':>7s}")
        for cat, row in self.by_category().items():
            out.append(f"{cat:16s} {row['passed']:7d} {row['total']:6d} {_fmt_pct(row['pct']):>7s}")
        out.append(
            f"{'all':16s} {s['passed']:7d} {s['questions']:6d} {_fmt_pct(s['accuracy']):>7s}"
            f"   in-scope {_fmt_pct(s['in_scope']['pct'])}  decline {_fmt_pct(s['decline']['pct'])}"
            f"  conversation {_fmt_pct(s['conversation']['pct'])}"
        )
        out.append("")
        intents = self.by_intent()
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
        conf = self.confusions(limit=8)
        if conf["expected_vs_picked"]:
            out.append("")
            out.append("most confused intents (expected -> picked):")
            out.extend(f"  {c['count']:4d}  {c['expected']} -> {c['picked']}" for c in conf["expected_vs_picked"])
        if conf["picked_vs_runner_up"]:
            out.append("")
            out.append("failed answers by intent picked and runner-up:")
            out.extend(
                f"  {c['count']:4d}  {c['picked']} (runner-up {c['runner_up']})" for c in conf["picked_vs_runner_up"]
            )
        wrong = self.wrong_outcomes()
        for key, title in (
            ("declined_should_answer", "declined or asked back, but the brief answers it"),
            ("answered_should_decline", "answered, but should have declined"),
        ):
            rows = wrong[key]
            out.append("")
            out.append(f"{title}: {len(rows)}")
            for row in rows[:limit]:
                extra = f"  [{row['intent'] or '-'} {row['confidence']:.2f}]"
                out.append(f"  {row['id']:8s} {row['q']!r}{extra}")
            if len(rows) > limit:
                out.append(f"  ... and {len(rows) - limit} more (--json lists them all)")
        out.append("")
        note = f" (the bot's threshold: {self.threshold:.2f})" if self.threshold is not None else ""
        out.append(f"threshold sweep{note}: an answer below the threshold counts as a decline")
        out.append(f"  {'thresh':>6s} {'answered':>8s} {'in-scope':>8s} {'decline':>8s} {'overall':>8s} {'wrong':>6s}")
        for row in self.threshold_sweep():
            mark = " *" if self.threshold is not None and abs(row["threshold"] - self.threshold) < 1e-9 else ""
            reopen = f"  ({row['would_reconsider']} declines reopened, not judged)" if row["would_reconsider"] else ""
            out.append(
                f"  {row['threshold']:6.2f} {row['answered']:8d} {_fmt_pct(row['in_scope_pct']):>8s}"
                f" {_fmt_pct(row['decline_pct']):>8s} {_fmt_pct(row['accuracy_pct']):>8s} {row['wrong_answers']:6d}"
                f"{mark}{reopen}"
            )
        lat = self.latency()
        out.append("")
        out.append(
            f"latency: p50 {lat['p50_ms']:.2f} ms  p99 {lat['p99_ms']:.2f} ms  "
            f"mean {lat['mean_ms']:.2f} ms  max {lat['max_ms']:.2f} ms"
        )
        if show_failures:
            for r in self.failures():
                out.append("")
                out.append(render_failure(r))
        return "\n".join(out)


def _predicted(turn: TurnResult) -> str:
    return (turn.reply.intent or "(none)") if turn.reply.answered else "(none)"


def _rate(turns: Sequence[TurnResult]) -> dict[str, Any]:
    passed = sum(t.passed for t in turns)
    return {"passed": passed, "total": len(turns), "pct": _round(_pct(passed, len(turns)))}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _fmt_pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def evaluate(bot: _BotLike, cases: Iterable[Case], files: Sequence[str] = (), threshold: float | None = None) -> Report:
    """Return the report of asking ``bot`` every case (conversations in a fresh conversation each)."""
    if threshold is None:
        settings = getattr(bot, "settings", None)
        threshold = getattr(settings, "answer_threshold", None)
    return Report([run_case(bot, case) for case in cases], threshold=threshold, files=list(files))
