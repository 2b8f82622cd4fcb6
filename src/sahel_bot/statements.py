"""Saying each thing once: which facts' statements repeat what another already says.

One sentence of the brief is often several facts ("concentrated in Algeria, as well as in Mali,
Mauritania, and Niger" is one per country), and two facts may put the same claim in other words.
Answers and fact lookups both use these checks, so a claim is never said twice.
May import: ``normalize``, ``model``, ``knowledge.schema``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from .knowledge.schema import Fact
from .model import Model
from .normalize import normalize

__all__ = ["distinct", "names_all", "normal_statement", "says_nothing_new", "statement_words", "unrepeated"]


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
    return len(words - statement_words(model, earlier)) <= len(words) // 10


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
