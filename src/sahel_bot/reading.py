"""A reading: one way of understanding a question, with the facts that would answer it.

Every kind of reading (an intent's, a fact lookup by the question's words, a follow-up's) is a
``Reading``; the helpers here are shared by the modules that build them.  May import: ``model``,
``intents``, ``retrieval``, ``knowledge.schema``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .intents import READING_FLOOR, IntentMatch
from .knowledge.schema import Fact, Intent
from .model import Model
from .records import record
from .retrieval import FactScore

__all__ = [
    "Reading",
    "Words",
    "expansion_of",
    "fits",
    "floor",
    "is_exact",
    "penalise_unknown",
    "same_facts",
    "scored",
    "unsaid",
]

#: (word, its stem when some fact knows it, else None, its weight)
Words = list[tuple[str, str | None, float]]


@record
class Reading:
    """One way of understanding the question, with the facts that would answer it."""

    intent: str
    score: float
    facts: tuple[FactScore, ...]
    #: the answer's shape ("all", "about", "timeline", "entities", "check", ...)
    compose: str
    detail: str
    entities: tuple[str, ...] = ()
    match: IntentMatch | None = None
    #: understood, but the brief has no fact for it: what was asked, for the decline ("who leads X")
    missing: str = ""


def is_exact(reading: Reading) -> bool:
    """Whether a reading's template matched the whole question and it found facts to answer with."""
    match = reading.match
    return bool(reading.facts) and match is not None and match.ratio >= 0.95 and match.coverage >= 0.99


def same_facts(a: Reading, b: Reading) -> bool:
    return bool(a.facts and b.facts and a.facts[0].fact.id == b.facts[0].fact.id)


def unsaid(model: Model, words: Words, facts: Iterable[FactScore]) -> bool:
    """Whether the question has words the brief knows and none of ``facts`` says one in its own words (not
    only through its relation's keywords): a yes or a no needs a fact that speaks of what is asked."""
    # (a noun of a kind, "is there any group it funds?", is said by any fact about a group: not what is asked)
    # (nor is a word that only says when, "is he dead now?": his death is what is asked)
    asked = {
        s for w, s, _ in words if s is not None and w not in model.type_nouns and w not in model.lang.present_words
    }
    strong = model.index.strong
    return bool(asked) and not any(asked & strong[s.fact.id] for s in facts)


def scored(facts: list[Fact] | tuple[Fact, ...], score: float) -> tuple[FactScore, ...]:
    """Facts chosen by a rule rather than ranked by the question: each carries the reading's plain score."""
    return tuple(FactScore(f, score, 1.0, 1.0, 1.0) for f in facts)


def fits(model: Model, fact: Fact, intent: Intent, ids: tuple[str, ...]) -> bool:
    """Return whether ``fact`` is one the intent reads: its relation, with the slot in the required role."""
    if fact.relation not in intent.relations:
        return False
    role = intent.slot_roles.get(fact.relation)
    return role is None or not ids or model.index.roles[fact.id].get(ids[-1]) == role


def penalise_unknown(reading: Reading, words: Words) -> Reading:
    """Lower a reading's score by the share of the question's words that neither the facts nor its template know."""
    total = sum(w for _, _, w in words)
    if not total:
        return reading
    template_words = reading.match.words if reading.match is not None else frozenset()
    unknown = sum(w for word, s, w in words if s is None and word not in template_words)
    if not unknown:
        return reading
    share = unknown / total
    return reading._replace(
        score=reading.score * (1 - 0.75 * share), detail=reading.detail + f"; unknown words {share:.2f}"
    )


def floor(matches: list[IntentMatch]) -> float:
    """The lowest template score worth reading facts for: near the best match, never under the floor."""
    return max(READING_FLOOR, (matches[0].score - 0.3) if matches else 0.0)


def expansion_of(model: Model, entity_id: str) -> tuple[str, str] | None:
    """Return (the acronym's full name, the sentence id or metadata key that prints it), or ``None``."""
    entity = model.entities.get(entity_id)
    if entity is None or not re.fullmatch(r"[A-Z][A-Z-]{1,7}", entity.short) or entity.short == entity.name:
        return None
    for sid in entity.cites:
        sentence = model.sentences.get(sid)
        if sentence is not None and entity.name in sentence.text:
            return entity.name, sid
    about = model.about
    if entity.name in about.title and entity.short in about.title:
        return entity.name, "meta.title"
    if entity_id in model.publishers and entity.short in about.series:
        return about.publisher, "meta.publisher"
    return None
