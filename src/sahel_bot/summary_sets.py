"""Summary readings over sets of facts: what several entities share, and what happened in a period.

Like the other summaries (``summaries``), each cites every fact it uses.  May import: ``model``,
``frame``, ``reading``, ``knowledge.schema``.
"""

from __future__ import annotations

from .frame import Frame
from .knowledge.schema import Fact
from .model import Model
from .reading import Reading, Words, scored

__all__ = ["SURE", "in_common", "members_reading", "period_reading"]

#: A summary reading is as sure as the facts it rests on; it beats a single-fact reading of the same words.
SURE = 0.9


def in_common(model: Model, frame: Frame, words: Words) -> Reading | None:
    """What every side of "what do X and Y (or Z) have in common?" names: the things of the kind asked for
    (or, with none asked, those their facts most often share), with one fact a side for each."""
    tokens = frame.tokens
    sides: list[set[str]] = []
    for m in sorted(frame.mentions, key=lambda m: m.start):
        joined = sides and "or" in tokens[max(0, m.start - 2) : m.start]
        if joined:
            sides[-1].add(m.entity)
        else:
            sides.append({m.entity})
    wanted = set(frame.wanted)
    if len(sides) < 2:
        return None
    # "what do X, Y and Z have in common?": without a kind asked for, whatever every side's facts name
    # (their words, when the question has some besides the cue: "what nationality do they share?")
    cue = {model.stem(w) for p in model.lang.both_words for w in p.split()}
    own = [w for w in words if w[1] is not None and w[1] not in cue]
    named = {e for side in sides for e in side}
    shared: set[str] | None = None
    support: dict[str, list[Fact]] = {}
    for side in sides:
        found: set[str] = set()
        for s in model.index.score(frame._replace(answer_type="what"), tuple(side), own, limit=80):
            roles = model.index.roles[s.fact.id]
            if not side & roles.keys() or (own and s.lexical < 0.3):
                continue
            if not any(roles.get(e) == "subject" for e in side):
                continue  # what each side does or has: it is the fact's subject
            for e in roles:
                if e in model.entities and (model.entities[e].type in wanted or not wanted) and e not in named:
                    found.add(e)
                    support.setdefault(e, []).append(s.fact)
        shared = found if shared is None else shared & found
    if not shared:
        return None
    if not wanted:
        # a kind not asked for: what the sides' facts most often share, not every name they have in common
        shared = set(sorted(shared, key=lambda e: (-len(support[e]), e))[:_SHARED_NAMES])
    # one fact a side for each thing shared
    facts = {
        f.id: f
        for e in sorted(shared)
        for side in sides
        for f in [next((f for f in support[e] if side & model.index.roles[f.id].keys()), None)]
        if f is not None
    }
    chosen = scored(list(facts.values())[:8], SURE)
    return Reading("in_common", SURE, chosen, "in_common", "shared by each side", tuple(sorted(shared)))


#: How many shared names an "in common" answer without a kind asked for gives.
_SHARED_NAMES = 3


#: How many events a period's answer tells (the rest would be a list, not an answer).
_PERIOD_FACTS = 10


def period_reading(model: Model, frame: Frame, words: Words) -> Reading | None:
    """What happened in the question's period ("between 2012 and 2015"), in date order."""
    assert frame.period is not None
    lo, hi = frame.period
    ids = set(frame.entity_ids)
    facts = [
        f
        for f in model.knowledge.facts
        if f.year_from is not None and lo <= f.year_from <= hi and (not ids or ids & model.index.roles[f.id].keys())
    ]
    if not facts:
        return None
    known = {s for _, s, _ in words if s is not None}
    # those that use the question's own words ("the Islamist groups") first, then the most central
    facts.sort(key=lambda f: (-len(known & model.index.strong[f.id]), -f.weight, f.id))
    facts = facts[:_PERIOD_FACTS]
    facts.sort(key=lambda f: (f.year_from or 0, model.month(f.date), -f.weight, f.id))
    detail = f"what happened from {lo} to {hi}" + (f" about {', '.join(sorted(ids))}" if ids else "")
    return Reading("period", SURE, scored(facts, SURE), "timeline", detail, frame.entity_ids)


def members_reading(model: Model, frame: Frame, words: Words) -> Reading | None:
    """ "Which of them are Algerian?" after a list: the members of the set the question points at of whom a
    fact says what the question says (names the rest of what it names, bears out its words), one fact each.
    """
    tokens = frame.tokens
    lang = model.lang
    members = [m for m in frame.mentions if m.method == "set"]
    # "are they both Algerian?": a yes only when the facts say it of every one of them
    every = frame.is_yesno and len(members) >= 2
    if not every and (
        len(tokens) < 3 or tokens[0] not in lang.kind_question_words | {"who"} or tokens[1] not in lang.partitives
    ):
        return None
    rest = tuple(m for m in frame.mentions if m.method != "set")
    others = tuple(m.entity for m in rest)
    if len(members) < 2 or not (others or any(s is not None for _, s, _ in words)):
        return None
    roles = model.index.roles
    chosen = []
    for mention in members:
        member = mention.entity
        # the question about this member alone (not about "any of them": see retrieval's sets)
        alone = (*rest, mention._replace(method="exact"))
        asked = frame._replace(answer_type="what", mentions=alone)
        found = model.index.score(asked, (member, *others), words, limit=5)
        fitting = [
            s
            for s in found
            if member in roles[s.fact.id]
            and all(e in roles[s.fact.id] for e in others)
            and (s.lexical >= 0.5 or not any(w is not None for _, w, _ in words))
        ]
        # a fact about the member itself before one that only mentions it ("which of those two comes from the
        # north?": Ag Ghaly is from Kidal, not "Kidal is in northern Mali")
        best = next((s for s in fitting if s.fact.subject == member), fitting[0] if fitting else None)
        if best is not None:
            chosen.append(best.fact)
    if not chosen or (every and len(chosen) < len(members)):
        return None
    detail = "the members of the set of whom the facts say it"
    return Reading("members", SURE, scored(chosen, SURE), "all", detail, tuple(m.entity for m in members))
