"""Judging: ask a case's questions and check each reply against what the case expects.

The one place where an expectation is checked: the pytest plugin and
``sahel-bot eval`` both call :func:`check` through :func:`run_case`, so a FAQ
item means the same thing everywhere.
May import: the standard library, ``reply`` and ``evaluation.cases``.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Protocol

from ..reply import Candidate, Reply
from .cases import Case, Expectation, fold

__all__ = ["BotLike", "CaseResult", "TurnResult", "check", "run_case", "runner_up"]


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


class BotLike(Protocol):
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


def run_case(bot: BotLike, case: Case) -> CaseResult:
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
