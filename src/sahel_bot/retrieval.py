"""Scoring facts against a question: which entities they share and how many of its words they explain.

Built once from the facts.  Each fact gets a bag of stemmed words (from its
statement, quote, keywords, value, date and its relation's keywords); a
question's content words are weighted by how rare they are across facts, and
a word no fact knows counts against every fact, which is what makes
off-topic and not-in-the-brief questions score low.  May import:
``normalize``, ``knowledge.schema`` (and, for types only, ``frame`` and ``model``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from .fitting import TypeFit
from .knowledge.schema import Entity, Fact, Relation
from .normalize import normalize
from .records import record

if TYPE_CHECKING:
    from .frame import Frame
    from .model import Model

__all__ = ["FactIndex", "FactScore"]

_ROLE_WEIGHT = {"subject": 1.0, "object": 1.0, "place": 0.9, "source": 0.9, "mention": 0.8}
#: roles in which a fact speaks of a whole (the 2015-2016 hotel attacks) itself: not a mere mention, and not
#: inherited from a part (see ``FactIndex.inherited``), which would make one part's facts answer for another
_OF_THE_WHOLE = frozenset({"subject", "object"})


@record
class FactScore:
    """How well one fact fits a question, and why (all parts 0..1)."""

    fact: Fact
    score: float
    entity: float
    lexical: float
    typed: float


#: What a fact about one member of a set the question points at ("they") is worth, against one about all.
_SET_SHARE = 0.4


def _alternatives(question: Frame) -> frozenset[str]:
    """Return the entities the question offers as alternatives ("X or Y"), or an empty set.

    Names sharing an elided tail ("central and southern Mali") count too: a fact about either is about
    what was asked, and the answer adds the other (side by side, or next to it in a yes/no answer).
    """
    members = [m.entity for m in question.mentions if m.method == "set"]
    if len(members) >= 2:
        # "they" for a set of groups: a fact about any of them is about what was asked
        return frozenset(members)
    mentions = sorted(question.mentions, key=lambda m: m.start)
    for a, b in itertools.pairwise(mentions):
        between = question.tokens[a.end : b.start]
        if "or" in between and len(between) <= 3:
            return frozenset((a.entity, b.entity))
    elided: list[str] = []
    for m in mentions:
        if m.method == "elided":
            elided.append(m.entity)
        elif elided:
            return frozenset((*elided, m.entity))
    return frozenset()


class FactIndex(TypeFit):
    """An inverted index over facts, for entity- and word-based scoring."""

    def __init__(
        self,
        facts: tuple[Fact, ...],
        entities: Mapping[str, Entity],
        relations: Mapping[str, Relation],
        model: Model,
    ) -> None:
        self.facts = facts
        self.entities = entities
        self.stopwords = model.lang.stopwords
        self.stem = model.stem
        #: the nouns that name a kind itself ("group"); a descriptor ("offshoot") says more of one
        self.kind_nouns = frozenset(model.type_nouns)
        self.cls = model.cls
        self.place_names = {e.id: normalize(e.name) for e in entities.values() if model.cls.get(e.id) == "place"}
        self.agent = model.agent
        self.answering_hedges = model.lang.answering_hedges
        self.relation_stems = model.relation_stems
        self._named_by: dict[tuple[str, ...], frozenset[str]] = {}
        #: entity -> the stems of its name and description: what kind of one it is ("offshoot" for IS-GS)
        self.described_by = {
            e.id: frozenset(self.stem(w) for w in normalize(f"{e.name} {e.description}").split())
            for e in entities.values()
        }
        # relations whose facts name someone in a role (who leads): what a "who <role verb>" asks for
        self.agent_relations = model.giving.get("agent", frozenset())
        # relations whose facts say where something is, why, or what a name is or means
        self.place_relations = model.giving.get("place", frozenset())
        self.why_relations = model.giving.get("reason", frozenset())
        self.meaning_relations = model.giving.get("meaning", frozenset()) | model.giving.get("name", frozenset())
        self.size_relations = model.giving.get("size", frozenset())
        _bag = self._bag
        self.by_id = {f.id: f for f in facts}
        # the year each fact holds from: its own, or the brief's when it says it holds "now"
        now = model.lang.now_words
        self.year_from = {
            f.id: f.year_from or (model.brief_year if now & set(normalize(f.quote).split()) else None) for f in facts
        }
        self.strong: dict[str, set[str]] = {}
        self.weak: dict[str, set[str]] = {}
        self.roles: dict[str, dict[str, str]] = {}
        #: per fact, the wholes whose role it has only through a part it names (a fact about central Mali is
        #: about Mali): what is said of the whole holds for its parts, but not what is said of another part
        self.inherited: dict[str, frozenset[str]] = {}
        df: dict[str, int] = {}
        for fact in facts:
            words = _bag([fact.statement, fact.quote, fact.value or "", fact.role or "", fact.date or ""])
            words |= _bag(fact.keywords)
            rel = relations.get(fact.relation)
            relation_words = _bag(rel.keywords) if rel else set()
            self.strong[fact.id] = words
            self.weak[fact.id] = relation_words - words
            for w in words | relation_words:
                df[w] = df.get(w, 0) + 1
            roles: dict[str, str] = {}
            for role, ent in (
                ("subject", fact.subject),
                ("object", fact.object),
                ("place", fact.place),
                ("source", fact.source),
            ):
                if ent:
                    roles.setdefault(ent, role)
            for ent in fact.mentions:
                roles.setdefault(ent, "mention")
            # a fact about a part (AQIM "central") is also about the whole (AQIM)
            inherited = set()
            for ent, role in list(roles.items()):
                if role == "mention":
                    continue
                for parent in entities[ent].part_of if ent in entities else ():
                    if parent not in roles:
                        roles[parent] = role
                        inherited.add(parent)
            self.roles[fact.id] = roles
            self.inherited[fact.id] = frozenset(inherited)
        n = max(1, len(facts))
        self.idf = {w: math.log(1 + n / c) for w, c in df.items()}
        self.max_idf = math.log(1 + n)
        self.vocabulary = {w: w for w in df if len(w) >= 4}
        # what is said of a whole holds for its parts (AQIM -> AQIM "central"), but not of places: a fact about
        # Mali says nothing of central Mali in particular (a fact about central Mali is about Mali, above)
        self.parents = {e.id: e.part_of for e in entities.values() if e.part_of and self.cls[e.id] != "place"}
        # what kind of answer each fact can give, worked out once (type_fit runs for every fact of every question)
        self.places = {f.id: frozenset(e for e in self.roles[f.id] if self._is_place(e)) for f in facts}
        self.agents = {f.id: frozenset(e for e in self.roles[f.id] if self._is_agent(e)) for f in facts}
        # each fact's entities with their types, for "which countries ..." (type_fit runs per fact per question)
        self.kinds = {f.id: tuple((e, entities[e].type) for e in self.roles[f.id] if e in entities) for f in facts}
        self.measured = frozenset(f.id for f in facts if model.lang.measure.search(f.statement))
        #: person -> the places the facts of their origin name ("an Algerian national"): "which Algerian ..."
        origin_relations = model.giving.get("origin", frozenset())
        self.origins: dict[str, frozenset[str]] = {}
        for f in facts:
            if f.relation in origin_relations and f.subject in entities:
                found = {e for e in self.roles[f.id] if self._is_place(e)}
                self.origins[f.subject] = self.origins.get(f.subject, frozenset()) | found
        #: each fact's statement normalised, with a space either side (for phrase tests per question)
        self.said = {f.id: f" {normalize(f.statement)} " for f in facts}
        self.explained = frozenset(f.id for f in facts if model.lang.because.search(f.statement))
        self.by_word: dict[str, list[str]] = {}
        # postings with the weight a word earns in each fact (a strong word counts fully, a weak one 0.6):
        # scoring adds up a question's few words over their postings instead of testing every fact
        self.postings: dict[str, tuple[tuple[str, float], ...]] = {}
        for fact in facts:
            for w in self.strong[fact.id] | self.weak[fact.id]:
                self.by_word.setdefault(w, []).append(fact.id)
        for w, ids in self.by_word.items():
            self.postings[w] = tuple((i, 1.0 if w in self.strong[i] else 0.6) for i in ids)
        self.by_sentence: dict[str, list[Fact]] = {}
        for fact in facts:
            self.by_sentence.setdefault(fact.cites[0], []).append(fact)
        self.by_entity: dict[str, list[Fact]] = {}
        for fact in facts:
            for ent in self.roles[fact.id]:
                self.by_entity.setdefault(ent, []).append(fact)

    def _bag(self, texts: Iterable[str]) -> set[str]:
        out = set()
        for text in texts:
            for token in normalize(text).split():
                if token not in self.stopwords and len(token) > 1:
                    out.add(self.stem(token))
        return out

    # -- question words ----------------------------------------------------------
    def resolve_words(self, content: Iterable[str]) -> list[tuple[str, str | None, float]]:
        """Return (word, known stem or None, weight) for each content word; typos map to a known stem."""
        out = []
        for word in content:
            s = self.stem(word)
            if s in self.idf:
                out.append((word, s, self.idf[s]))
                continue
            # typos were corrected before (spelling.py); a word no fact uses stays unknown
            out.append((word, None, self.max_idf))
        return out

    # -- scoring -------------------------------------------------------------------
    def score(
        self,
        question: Frame,
        entity_ids: tuple[str, ...],
        words: list[tuple[str, str | None, float]],
        candidates: Iterable[Fact] | None = None,
        relations: frozenset[str] | None = None,
        limit: int = 40,
        min_lexical: float = 0.0,
    ) -> list[FactScore]:
        """Return facts scored against the question, best first (only facts with some evidence).

        ``min_lexical`` leaves out, before any other work on them, facts with less than that share of the
        question's words: for callers that would drop them anyway (scoring each subject of "X and Y").
        """
        # unknown words are counted by the engine's own penalty, not against every fact twice
        total = sum(w for _, s, w in words if s is not None)
        pool: Iterable[Fact]
        if candidates is not None:
            pool = candidates
        elif entity_ids:
            seen: dict[str, Fact] = {}
            for ent in entity_ids:
                for owner in (ent, *self.parents.get(ent, ())):
                    for fact in self.by_entity.get(owner, ()):
                        seen.setdefault(fact.id, fact)
            pool = seen.values()
            if len(seen) > 40 and total:
                # a subject with many facts (AQIM has ~150): score those that share a word with the question,
                # and the subject's most central facts, rather than every one of them
                sharing: set[str] = set()
                for _, s, _ in words:
                    if s is not None:
                        sharing.update(self.by_word.get(s, ()))
                narrowed = [f for f in seen.values() if f.id in sharing or f.weight >= 3]
                if narrowed:
                    pool = narrowed
        else:
            # no entity to narrow by: only facts that share at least one word can score
            ids: set[str] = set()
            for _, s, _ in words:
                if s is not None:
                    ids.update(self.by_word.get(s, ()))
            pool = [self.by_id[i] for i in sorted(ids)]
        either = _alternatives(question)
        set_share = _SET_SHARE if any(m.method == "set" for m in question.mentions) else 1.0
        asked = question.asked_besides(self.entities)
        # leaving out a place or an event, or anything at all when a number or a date is asked for,
        # means the fact is about another occasion
        pointed = question.answer_type in ("how_many", "size", "when", "duration")
        plan = [
            (
                e,
                self.parents.get(e, ()),
                e in self.entities and (pointed or self.cls[e] in ("place", "event")) and e not in either,
            )
            for e in entity_ids
        ]
        gained: dict[str, float] = {}
        for _, s, w in words:
            if s is not None:
                for fid, share in self.postings.get(s, ()):
                    gained[fid] = gained.get(fid, 0.0) + share * w
        # sorted as plain tuples (best score, then the more central fact, then the id): no key function
        out: list[tuple[float, int, str, Fact, float, float, float]] = []
        needed = min_lexical * total
        all_roles = self.roles
        inherited = self.inherited
        type_fit = self.type_fit
        year_from = self.year_from
        period = question.period
        years = question.years
        kind = question.answer_type
        dated_any = True  # (any kind of question: "which groups merged in 2013?" is not answered by 2017)
        amount = kind in ("how_many", "size")
        count = len(entity_ids)
        several = count >= 2
        after = question.after
        for fact in pool:
            if relations is not None and fact.relation not in relations:
                continue
            if after is not None and all_roles[fact.id].get(after) in _OF_THE_WHOLE:
                continue  # ("since the French intervention": the intervention's own facts came before)
            fid = fact.id
            got = gained.get(fid, 0.0)
            if needed and got < needed:
                continue
            missing_situation = False
            if entity_ids:
                roles = all_roles[fid]
                reached = 0.0
                hit = 0
                for e, parents, situational in plan:
                    role = roles.get(e)
                    if role is not None:
                        reached += _ROLE_WEIGHT[role]
                        hit += 1
                    elif parents and any(roles.get(p) in _OF_THE_WHOLE and p not in inherited[fid] for p in parents):
                        # what is said of the whole (the 2015-2016 hotel attacks) holds for its parts
                        reached += 0.8
                        hit += 1
                    elif situational:
                        missing_situation = True
                ent = reached / count
                present = hit / count
                if either and any(e in roles for e in either) and not all(e in roles for e in either):
                    # "led by Algerians or by West Africans?": one of the alternatives is enough ("what have
                    # they done?" of a set: a fact about one of them is about them, one about all of them
                    # more so)
                    missing = sum(1 for e in either if e not in roles)
                    present = min(1.0, (hit + missing) / count)
                    ent = min(1.0, ent + set_share * missing / count)
            else:
                ent = 0.0
                present = 1.0
            lexical = got / total if total else 0.0
            together = several and present == 1.0
            if together:
                # two or more things the question names, all in one fact: that alone says a lot
                base = 0.7 * ent + 0.3 * lexical if total else 0.8 * ent
            elif entity_ids:
                base = 0.55 * ent + 0.45 * lexical if total else 0.75 * ent
            else:
                base = 0.8 * lexical
            if base * (0.4 + 0.6 * present) <= 0.05:
                continue  # too little evidence whatever kind of answer it gives: its score stays under the cut
            typed = type_fit(question, fact, asked)
            year = year_from[fid]
            if period is not None and year is not None:
                # "before 2013": a fact of 2009 answers, one of 2015 does not
                if not period[0] <= year <= period[1]:
                    typed *= 0.5
            elif years and year is not None and dated_any:
                # "how much did they earn in 2016?" is not answered by a figure from 2012
                if not any(year <= y <= (fact.year_to or year) for y in years):
                    typed *= 0.5
            elif years and amount:
                # ... nor by an amount the brief gives for no year in particular
                typed *= 0.6
            # a fact that leaves out something the question names answers another question; leaving
            # out a place or an event ("... in Benghazi") means it is about another occasion altogether
            score = base * typed * (0.4 + 0.6 * present)
            if present < 1.0 and missing_situation:
                score *= 0.85
            if total and lexical < 0.2 and not together:
                # none of the question's words is in the fact: it is about something else
                score *= 0.7
            elif total and lexical < 0.2 and pointed:
                # a date or a number, but of another event than the one the question's words describe
                score *= 0.75
            if score <= 0.05:
                continue
            out.append((-score, -fact.weight, fid, fact, ent, lexical, typed))
        out.sort()
        # only the best few are ever looked at: build result objects for those alone
        return [FactScore(f, -sc, e, lx, ty) for sc, _, _, f, e, lx, ty in out[:limit]]

    def _is_place(self, entity_id: str) -> bool:
        return self.cls.get(entity_id) == "place"

    def _is_agent(self, entity_id: str) -> bool:
        return self.agent.get(entity_id, False)
