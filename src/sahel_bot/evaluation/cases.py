"""The FAQ and evaluation file format: load a file into ``Case``s, or say where it is wrong.

The format is the one documented in ``docs/faq.md``::

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

May import: the standard library, PyYAML, ``errors`` and ``knowledge.yamlfile`` (for syntax errors).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import SahelBotError

__all__ = [
    "CATEGORIES",
    "DECLINE_CATEGORIES",
    "OUTCOMES",
    "Case",
    "Expectation",
    "FaqFormatError",
    "fold",
    "load_cases",
    "parse_cases",
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
        from ..knowledge.yamlfile import describe_yaml_error

        raise FaqFormatError(path, [describe_yaml_error(exc)]) from None
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
