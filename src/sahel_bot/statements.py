"""Saying each thing once: which facts' statements repeat what another already says.

One sentence of the brief is often several facts ("concentrated in Algeria, as well as in Mali,
Mauritania, and Niger" is one per country), and two facts may put the same claim in other words.
Answers and fact lookups both use these checks, so a claim is never said twice.  Also how a yes-or-no
answer opens on its first statement ("No.", "Reportedly.", "Yes."), and how short a description is said in a
list (its first clause).
May import: ``normalize``, ``model``, ``knowledge.schema``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from .knowledge.schema import Fact
from .model import Model
from .normalize import normalize

__all__ = [
    "coordinate",
    "distinct",
    "first_clause",
    "names_all",
    "normal_statement",
    "said_once",
    "says_nothing_new",
    "says_the_same",
    "statement_words",
    "unrepeated",
    "yes_no_opener",
]


@functools.lru_cache(maxsize=4096)
def normal_statement(statement: str) -> str:
    """Normalised statement: the same few hundred fact statements are compared answer after answer."""
    return normalize(statement)


def statement_words(model: Model, statement: str) -> frozenset[str]:
    """The content words of a statement (no stopwords), normalised; the facts' own are worked out once."""
    words = model.statement_words.get(statement)
    if words is None:
        words = frozenset(normal_statement(statement).split()) - model.lang.stopwords
    return words


def says_nothing_new(model: Model, statement: str, earlier: str) -> bool:
    """Whether nearly every word of ``statement`` (nine in ten) is already in ``earlier``."""
    words = statement_words(model, statement)
    if not words:
        return True
    new = words - statement_words(model, earlier)
    # (one new word that names something, "in Mali" after "in Burkina Faso", is news)
    return len(new) <= len(words) // 10 and not new & model.naming_words


def distinct(statements: Iterable[str]) -> list[str]:
    """Return the statements without repeats or near-repeats (the same claim said twice)."""
    out: dict[str, str] = {}
    for statement in statements:
        out.setdefault(normal_statement(statement), statement)
    return list(out.values())


def names_all(model: Model, fact: Fact, entity_ids: set[str]) -> bool:
    """Whether ``fact``'s statement names every one of ``entity_ids`` (by any of their names)."""
    said = f" {normal_statement(fact.statement)} "
    return all(any(f" {n} " in said for n in model.names.get(e, ())) for e in entity_ids)


def unrepeated(model: Model, facts: list[Fact]) -> list[Fact]:
    """Return the facts whose statements say something an earlier one from the same quote did not.

    Said once, a sentence read as several facts names them all; a fact is left out only when an earlier
    fact of the same quote already names everything it is about.
    """
    kept: list[Fact] = []
    by_quote: dict[tuple[str, ...], list[Fact]] = {}  # kept facts by the sentence they cite first
    roles = model.index.roles
    for fact in facts:
        own = roles[fact.id]
        same = by_quote.setdefault(fact.cites[:1], [])
        # the same sentence said again with no word of its own counts as the same quote
        earlier = [k for k in same if k.quote == fact.quote or says_nothing_new(model, fact.statement, k.statement)]
        if earlier and any(names_all(model, k, own.keys() - roles[k.id].keys()) for k in earlier):
            continue
        kept.append(fact)
        same.append(fact)
    return kept


#: Two statements that share this much of the shorter one's content words say the same thing.
SAME_CLAIM = 0.8


def says_the_same(model: Model, a: str, b: str) -> bool:
    """Whether two statements make one claim: most of the shorter one's content words are in the other."""
    wa, wb = statement_words(model, a), statement_words(model, b)
    if not wa or not wb:
        return wa == wb
    return len(wa & wb) / min(len(wa), len(wb)) >= SAME_CLAIM


def said_once(model: Model, facts: list[Fact]) -> list[Fact]:
    """Return the facts without those whose statement says nothing an earlier one did not already say."""
    kept: list[Fact] = []
    for fact in facts:
        if any(says_nothing_new(model, fact.statement, k.statement) for k in kept):
            continue
        # a statement that says all an earlier one said, and more, takes its place
        covered = [i for i, k in enumerate(kept) if says_nothing_new(model, k.statement, fact.statement)]
        if covered:
            kept[covered[0]] = fact
            kept = [k for i, k in enumerate(kept) if i not in covered[1:]]
        else:
            kept.append(fact)
    return kept


#: Statements that share this much (their first and last words) say one thing about several others.
_SHARED = 0.6
#: The longest part two statements may differ by and still be said as one ("in Mali" / "in Niger").
_MIDDLE = 8


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _frame_of(a: list[str], b: list[str], loose: bool = False) -> tuple[int, int] | None:
    """The lengths of the words two statements share at their start and their end, if they differ in between."""
    p = 0
    while p < min(len(a), len(b)) and a[p] == b[p]:
        p += 1
    s = 0
    while s < min(len(a), len(b)) - p and a[-1 - s] == b[-1 - s]:
        s += 1
    rest_a, rest_b = len(a) - p - s, len(b) - p - s
    shared = p + s
    # not when they differ in their first words: "X has ..." and "Y has ..." are not "X and Y has ..."; a
    # long shared start allows longer differing parts ("..., possibly to X" and "..., possibly to Y")
    most = _MIDDLE if p < 10 else 2 * _MIDDLE
    # a whole clause said alike ("X have pledged greater unity since 2015, possibly ..."), then what differs:
    # one statement of several reasons, however long each is
    clause = p >= 8 and any(w.endswith(",") for w in a[p - 2 : p])
    if not p or not (0 < rest_a <= most and 0 < rest_b <= most):
        return None
    if shared < _SHARED * max(len(a), len(b)) and not clause and not loose:
        return None
    return p, s


def _is_value(words: list[str], shape: tuple[int, int], fact: Fact) -> bool:
    """Whether the part of a statement between its shared start and end is the fact's own value."""
    p, s = shape
    return bool(fact.value) and " ".join(words[p : len(words) - s]).rstrip(",.") == fact.value


def _words(statement: str) -> list[str]:
    """A statement's words, its closing stop a word of its own (so "in Mali." and "in Niger." end alike)."""
    if statement[-1:] in ".?!":
        return [*statement[:-1].split(" "), statement[-1]]
    return statement.split(" ")


class _Group:
    """Statements said as one: the first one's words, the shared start and end lengths, the parts in between."""

    def __init__(self, fact: Fact, names: tuple[str, ...]) -> None:
        self.names = names
        self.words = _words(fact.statement)
        self.shape: tuple[int, int] | None = None
        self.middles: list[list[str]] = []
        self.facts = [fact]

    def take(self, fact: Fact, names: tuple[str, ...]) -> bool:
        words = _words(fact.statement)
        shape = _frame_of(self.words, words)
        if shape is None and fact.subject == self.facts[0].subject:
            # what differs is each fact's own value ("X ousted ...", "X killed ..."): what one thing did,
            # said once of it however little the statements share
            loose = _frame_of(self.words, words, loose=True)
            if loose is not None and _is_value(words, loose, fact) and _is_value(self.words, loose, self.facts[0]):
                shape = loose
        if shape is None or (self.shape is not None and shape != self.shape):
            return False
        # never cut a name in two ("Ansar al Dine" and "Ansar al Islam" differ in the middle of a name)
        for statement, stmt_words in ((self.facts[0].statement, self.words), (fact.statement, words)):
            cut = len(" ".join(stmt_words[: shape[0]]))
            if any(start < cut < start + len(n) for n in names for start in _occurrences(statement, n)):
                return False
        if self.shape is None:
            self.shape = shape
            self.middles = [self.words[shape[0] : len(self.words) - shape[1]]]
        p, s = shape
        self.middles.append(words[p : len(words) - s])
        self.facts.append(fact)
        return True

    def text(self) -> str:
        if self.shape is None:
            return self.facts[0].statement
        p, s = self.shape
        said = _join([" ".join(m).rstrip(",") for m in self.middles])
        if all(m and m[-1].endswith(",") for m in self.middles):
            said += ","  # "in Burkina Faso and Côte d'Ivoire, targeting Westerners"
        text = " ".join([*self.words[:p], said, *self.words[len(self.words) - s :]])
        return text[:-2] + text[-1] if text[-2:-1] == " " and text[-1] in ".?!" else text


def _occurrences(text: str, name: str) -> list[int]:
    found = []
    at = text.find(name)
    while at != -1:
        found.append(at)
        at = text.find(name, at + 1)
    return found


def coordinate(model: Model, facts: list[Fact]) -> list[tuple[str, list[Fact]]]:
    """Say together what several facts say of different things ("attacks in Mali", "attacks in Niger"
    become "attacks in Mali and Niger"): the statements, each with the facts it says, in order."""
    groups: list[_Group] = []
    for fact in facts:
        long_names = model.long_names
        names = tuple(n for e in fact.entities for n in long_names.get(e, ()))
        if not any(g.take(fact, names + g.names) for g in groups):
            groups.append(_Group(fact, names))
    return [(g.text(), g.facts) for g in groups]


def yes_no_opener(model: Model, top: Fact, tokens: tuple[str, ...]) -> str:
    """How a yes-or-no answer opens: "No." for a negated fact, the fact's hedge ("Reportedly."), or "Yes."
    ("is X independent of Y?" answered by a fact tying them: not "yes")."""
    lang = model.lang
    if top.negated:
        return lang.message("no")
    if lang.apart_words & set(tokens):
        return lang.message("tied")
    if top.hedge in lang.hedge_leads and lang.limiting_words & set(normalize(top.statement).split()):
        # "did West Africans warm to AQIM?" - "its allure initially appeared limited": the hedge is on how
        # little, so it is not "it appears so"
        return lang.message("limited")
    if _says_the_opposite(model, top, tokens):
        # "did the U.S. strike kill him?" - "he reportedly survived it"
        lead = lang.hedge_leads.get(top.hedge or "")
        return lang.message("hedged_no", lead=lead) if lead else lang.message("no")
    if top.hedge in lang.hedge_leads:
        return f"{lang.hedge_leads[top.hedge]}."
    return lang.message("yes")


def _says_the_opposite(model: Model, top: Fact, tokens: tuple[str, ...]) -> bool:
    """Whether the fact says, in its statement, the opposite of a word of the question, and not the word."""
    said = model.statement_stems[top.statement]
    asked = {model.stem(t) for t in tokens}
    return any(
        model.stem(theirs) in said and model.stem(mine) in asked and model.stem(mine) not in said
        for theirs, mine in model.lang.opposites
    )


_CLAUSE_END = re.compile(r"[;,(]| which | who | whose | that ")


def first_clause(description: str) -> str:
    """Return a description's first clause, short enough for a list."""
    clause = description
    for cut in _CLAUSE_END.finditer(description):
        head = description[: cut.start()]
        if head.count("\u201c") <= head.count("\u201d"):
            clause = head
            break
        if description.startswith("\u201d", cut.end()):
            # (AQIM \u201ccentral,\u201d also known as ...: the comma inside the quotes ends the clause, the
            # quote is closed)
            clause = head + "\u201d"
            break
    clause = clause.strip().rstrip(".")
    if len(clause) > 90:
        # at a word's end, and not inside a name ("... Combat with Al" of "Al Qaeda")
        cut = clause.rfind(" ", 0, 91)
        words = clause[:cut].split(" ")
        while len(words) > 1 and clause[cut + 1 : cut + 2].isupper() and words[-1][:1].isupper():
            cut -= len(words.pop()) + 1
        clause = clause[:cut]
    return re.sub(r"(\s+(with|of|to|in|by|for|that|and|or|the|a|an))+$", "", clause)
