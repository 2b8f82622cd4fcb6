"""Whether a fact can give the kind of answer a question asks for: a place for "where", a date for "when",
someone in a role for "who", a thing of the kind "which countries" wants.

A mixin of ``FactIndex``: it reads the index's tables (``places``, ``agents``, ``kinds``, ...) built once
from the facts, and is kept apart because it judges one fact against one question, where the index scores
many.  May import: ``knowledge.schema`` (and, for types only, ``frame``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from .knowledge.schema import Entity, Fact

if TYPE_CHECKING:
    from .frame import Frame

__all__ = ["TypeFit"]


class TypeFit:
    """The answer-type checks of ``FactIndex`` (see there for the tables they read)."""

    entities: Mapping[str, Entity]
    relation_stems: Mapping[str, frozenset[str]]
    stem: Callable[[str], str]
    kind_nouns: frozenset[str]
    answering_hedges: frozenset[str]
    agent_relations: frozenset[str]
    place_relations: frozenset[str]
    why_relations: frozenset[str]
    meaning_relations: frozenset[str]
    size_relations: frozenset[str]
    places: Mapping[str, frozenset[str]]
    agents: Mapping[str, frozenset[str]]
    kinds: Mapping[str, tuple[tuple[str, str], ...]]
    origins: Mapping[str, frozenset[str]]
    measured: frozenset[str]
    explained: frozenset[str]
    _named_by: dict[tuple[str, ...], frozenset[str]]
    described_by: Mapping[str, frozenset[str]]
    cls: Mapping[str, str]
    #: a place's name as questions spell it, normalised ("mali", "northern mali")
    place_names: Mapping[str, str]
    roles: Mapping[str, Mapping[str, str]]

    def _asks_relation(self, question: Frame, fact: Fact) -> bool:
        """Whether the question's words name the fact's relation (or the question has no words of its own)."""
        return not question.content or fact.relation in self._named(question.content)

    def _asks_only(self, question: Frame, relations: frozenset[str]) -> bool:
        """Whether the question's words name one of ``relations`` and no other ("whom did its leaders pledge
        allegiance to?" names the leadership and the allegiance: it asks of the allegiance)."""
        named = self._named(question.content)
        return bool(named & relations) and named <= relations

    def _named(self, content: tuple[str, ...]) -> frozenset[str]:
        """The relations whose keywords the words name; worked out once per question's words (type_fit asks
        for every fact it scores)."""
        named = self._named_by.get(content)
        if named is None:
            stems = {self.stem(w) for w in content}
            named = frozenset(r for r, keys in self.relation_stems.items() if stems & keys)
            if len(self._named_by) >= 4096:
                self._named_by.clear()
            self._named_by[content] = named
        return named

    def type_fit(self, question: Frame, fact: Fact, asked: frozenset[str] | None = None) -> float:
        """Return 1 when the fact can give the kind of answer asked for, less when it cannot."""
        kind = question.answer_type
        if (
            fact.hedge in self.answering_hedges
            and kind in ("who", "why", "how", "where", "when")
            and self._asks_relation(question, fact)
        ):
            # "who funds Ansar al Islam?" -- "sources of funding ... are unclear" is the brief's answer (not
            # to "who leads it?": unclear is what is said of its funding)
            return 1.0
        if asked is None:
            asked = question.asked_besides(self.entities)
        if question.beyond:
            roles = self.roles[fact.id]
            for e in question.beyond:
                kind = self.cls.get(e)
                if kind == "place" and not self.places[fact.id] - asked:
                    # "have they moved beyond northern Mali?": a fact naming no other place does not reach past it
                    return 0.7
                if kind != "place" and e in roles and not any(self.cls.get(o) == kind for o in roles if o not in asked):
                    # "money from anyone besides AQIM?": a fact of AQIM's, naming no one else, is what was set aside
                    return 0.5
        if question.wanted and kind in ("which", "what", "where", "who", "name"):
            # "which countries ...": the fact must name a country the question did not ("which Algerian":
            # a person from Algeria)
            wanted = question.wanted
            origin = question.origin
            # ("what is the name of the affiliate in Tunisia?": one the brief gives no name for is no answer)
            naming = kind == "name"
            noun = question.wanted_words[-1] if naming and question.wanted_words else ""
            # ... nor one that is no such thing ("the name of the MUJAO offshoot ...": an offshoot, by its
            # description, not any group the fact names)
            described = self.stem(noun) if noun and noun not in self.kind_nouns else ""
            return (
                1.0
                if any(
                    t in wanted
                    and e not in asked
                    and (origin is None or origin in self.origins.get(e, ()))
                    and not (naming and self.entities[e].unnamed)
                    and (not described or described in self.described_by[e])
                    for e, t in self.kinds[fact.id]
                )
                else 0.3
                if described
                else 0.6
            )
        if kind == "when":
            return 1.0 if (fact.date or fact.year_from) else 0.35
        if kind == "how_many":
            return 1.0 if fact.count else 0.35
        if kind == "duration":
            # "how long ...?": "since 2013", "for decades", "multi-day"
            return 1.0 if fact.date or fact.id in self.measured else 0.4
        if kind == "size":
            # "how big", "how much", "how long": a number, a size or a duration in the fact's own words
            return 1.0 if fact.count or fact.relation in self.size_relations or fact.id in self.measured else 0.4
        if kind == "where":
            # the answer is a place the question did not already name (nor say as part of a name: "where was
            # the 2015 Mali peace agreement signed?" is not answered by Mali)
            places = [p for p in (*self.places[fact.id], *((fact.place,) if fact.place else ())) if p not in asked]
            if places:
                text = f" {question.normalized} "
                if any(f" {self.place_names.get(p, p)} " not in text for p in places):
                    return 1.0
            return 0.8 if fact.relation in self.place_relations else 0.45
        if kind == "who":
            # "who leads X?": a fact of the relation that gives people in a role (leadership), when the
            # question's words name it; not a fact where others merely appear ("Burkinabe-led groups ...")
            if fact.relation not in self.agent_relations and self._asks_only(question, self.agent_relations):
                return 0.4
            # the answer is someone the question did not already name
            return 1.0 if self.agents[fact.id] - asked else 0.4
        if kind == "why":
            return 1.0 if fact.relation in self.why_relations or fact.id in self.explained else 0.4
        if kind == "name":
            return 1.0 if fact.relation in self.meaning_relations else 0.3
        if kind == "meaning":
            return 1.0 if fact.relation in self.meaning_relations else 0.5
        if question.years:
            if fact.year_from is None:
                return 0.75
            if any(fact.year_from <= y <= (fact.year_to or fact.year_from) for y in question.years):
                return 1.0
            return 0.5
        return 1.0
