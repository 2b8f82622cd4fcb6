"""Readings by the question's words: the facts that share its entities and explain its content words.

This is how a question no template fits is understood ("did the Islamists who took northern Mali try to
govern it?"), and how one that names several entities in parallel is answered side by side ("how do X's
objectives differ from Y's?").  With no entity named, the conversation's entities are tried as the
implicit subject.  May import: ``model``, ``frame``, ``context``, ``retrieval``, ``reading``,
``statements``.
"""

from __future__ import annotations

import itertools

from .context import Context
from .frame import Frame
from .model import Model
from .reading import Reading, Words, unsaid
from .retrieval import FactScore
from .statements import unrepeated

__all__ = ["generic_reading", "side_by_side_reading"]

#: How good a fact about the event the conversation is about must be, against the best fact on the
#: question's words alone, to answer a question that names no occasion of its own.
_ABOUT_THE_CONVERSATION = 0.8


def generic_reading(model: Model, frame: Frame, words: Words, context: Context) -> Reading | None:
    """Return the facts that best fit the question's entities and words, or ``None`` when none does."""
    entity_ids = frame.entity_ids
    relations = model.giving.get(frame.gives) if frame.gives else None
    found = model.index.score(frame, entity_ids, words, relations=relations)
    note = ""
    if not entity_ids and context.entities and not context.is_empty:
        # an implicit subject ("how big was the area?", "and how many made it out?"): try the
        # conversation's entities, and the last answer's facts, as the subject
        ctx_ids = tuple(dict.fromkeys(e for e in (context.subject, *context.entities) if e))[:4]
        previous = [model.facts[f] for f in context.facts if f in model.facts]
        options: list[tuple[float, list[FactScore], str]] = []
        for rank, ent in enumerate(ctx_ids):
            near = [
                s
                for s in model.index.score(frame, (ent,), words, relations=relations, min_lexical=0.3)
                if s.lexical >= 0.3
            ]
            if near:
                options.append((near[0].score * (0.95 - 0.03 * rank), near, model.entities[ent].short))
        if previous:
            ent = previous[0].subject
            pool = {f.id: f for p in previous for f in model.index.by_entity.get(p.subject, ())}
            near = [
                s
                for s in model.index.score(frame, (ent,), words, candidates=pool.values(), min_lexical=0.3)
                if s.lexical >= 0.3
            ]
            if near:
                options.append((near[0].score * 0.95, near, "the last answer"))
        if options:
            best_score, best, label = max(options, key=lambda o: o[0])
            if not found or best_score > found[0].score:
                factor = best_score / best[0].score if best[0].score else 1.0
                found = [s._replace(score=s.score * factor) for s in best]
                note = f"subject from the conversation: {label}"
    elif (
        found
        and context.subject
        and model.cls.get(context.subject) == "event"
        and all(model.cls.get(e) in ("thing", "person") for e in entity_ids)
        and not context.is_empty
    ):
        # "how many Americans died?" after talking of the gas plant siege: a question about those who took
        # part in something (not a group, a place or another occasion) goes on about the event; its facts
        # first when nearly as good
        within = model.index.score(frame, (*entity_ids, context.subject), words, relations=relations)
        roles = model.index.roles
        # (facts that bear the question's words out: "has he been released?" is not answered by the event)
        within = [s for s in within if context.subject in roles[s.fact.id] and s.lexical >= 0.3]
        if within and within[0].score >= found[0].score * _ABOUT_THE_CONVERSATION:
            found = within
            note = f"about what the conversation is about: {model.entities[context.subject].short}"
    if not found:
        return None
    top = found[0]
    if frame.acting and entity_ids:
        # "what did they do?": among the facts as good as the best, those where they act come first
        roles = model.index.roles
        close = [s for s in found if s.score >= top.score * 0.85]
        acts = [s for s in close if any(roles[s.fact.id].get(e) == "subject" for e in entity_ids)]
        found = acts + [s for s in found if s not in acts]
    if frame.is_yesno and unsaid(model, words, found[:1]):
        # "did France weaken AQIM in Mali?": a fact that says what is asked (weakened AQIM) is the evidence,
        # before one that names all the question's names but says it only in the sentence around it; of
        # those, the one that names the most of what the question names (not only where)
        roles = model.index.roles
        things = [e for e in entity_ids if model.cls.get(e) != "place"]
        saying = [
            s
            for s in found
            if s.score >= top.score * 0.65 and s.entity >= top.entity - 0.25 and not unsaid(model, words, (s,))
        ]
        asked = {w for _, w, _ in words if w is not None}

        def in_so_many_words(s: FactScore) -> bool:
            # its statement says it, not only its keywords
            return bool(asked & model.statement_stems[s.fact.statement])

        saying.sort(key=lambda s: (-sum(e in roles[s.fact.id] for e in things), not in_so_many_words(s), -s.score))
        if saying:
            top = saying[0]
            found = saying + [s for s in found if s not in saying]
    limit = 6 if frame.answer_type == "which" else 3
    # a yes-or-no answer shows its evidence: a second close fact often holds the when and where
    band = 0.75 if frame.answer_type == "which" else 0.8 if frame.is_yesno else 0.85
    near_top = [s for s in found if s.score >= top.score * band and s.score >= model.settings.answer_threshold * 0.9]
    # one sentence read as several facts takes one place, not all of them
    kept = {f.id for f in unrepeated(model, [s.fact for s in near_top])}
    chosen = [s for s in near_top if s.fact.id in kept][:limit] or [top]
    detail = f"fact lookup: entity {top.entity:.2f}, words {top.lexical:.2f}, type {top.typed:.2f}"
    if note:
        detail += f"; {note}"
    score = top.score
    # (names side by side are one subject: "the American aid worker kidnapped in Niger")
    phrases = len(entity_ids) - sum(
        1 for a in frame.mentions for b in frame.mentions if a.end == b.start and a.entity != b.entity
    )
    if frame.is_yesno and phrases == 1 and unsaid(model, _predicate(frame, words), chosen):
        # "has X been targeted by an air strike?": of one subject, a yes or a no needs a fact that says what
        # is asked in its own words, not one that shares only its relation's keywords (where X is based);
        # of two, the fact naming both is the link asked about
        score *= 0.6
        detail += "; no fact says what is asked in its own words"
    return Reading("fact_lookup", score, tuple(chosen), "all", detail, entity_ids)


def side_by_side_reading(model: Model, frame: Frame, words: Words) -> Reading | None:
    """ "How do X's objectives differ from those of Y?": the same question about each, side by side.

    Only when every entity asked about in parallel has a fact that answers the question's words.
    """
    entity_ids = frame.entity_ids
    # "compare where X and Y come from": no word of its own, but the kind of answer says what to compare
    wordless = frame.answer_type in model.lang.pointed_types
    if not 2 <= len(entity_ids) <= 4 or not (any(s is not None for _, s, _ in words) or wordless):
        return None
    # only for subjects asked about in parallel ("X and Y", "both", "differ"), not for a relation
    # between them ("when did X break away from Y")
    tokens = frame.tokens
    spans = sorted(frame.mentions, key=lambda m: m.start)
    parallel: list[str] = []
    for a, b in itertools.pairwise(spans):
        between = tokens[a.end : b.start]
        # "X and Y", or a list whose commas normalisation dropped ("northern, central and southern")
        if ("and" in between and len(between) <= 2) or (not between and b.method == "elided"):
            parallel += [a.entity, b.entity]
    parallel = list(dict.fromkeys(parallel))
    members = [m.entity for m in frame.mentions if m.method == "set"]
    if len(members) >= 2:
        # "where are those groups based?": the same question about each member of the set pointed at
        parallel = members
    elif model.lang.parallel_words & set(tokens):
        # "how do AQIM's aims differ from those of Ansar al Dine and the MLF?": a comparison sets every
        # entity it names side by side, not only those joined by "and"
        parallel = list(entity_ids)
    elif not parallel:
        return None
    others = tuple(e for e in entity_ids if e not in parallel)
    best: list[FactScore] = []
    # "how do their aims differ?": the relation the words name (aims) is what is compared
    asked = {s for _, s, _ in words if s is not None}
    named = frozenset(r for r, stems in model.relation_stems.items() if asked & stems)
    for ent in parallel:
        # the same question about each subject; what else the question names must hold for each
        least = 0.0 if wordless and not words else 0.2
        scored_facts = model.index.score(frame, (ent, *others), words, min_lexical=least, relations=named or None)
        if named and not scored_facts:
            scored_facts = model.index.score(frame, (ent, *others), words, min_lexical=least)
        found = [s for s in scored_facts if s.lexical >= least and s.typed >= 1.0]
        if not found:
            return None
        best.append(found[0])
    if len({s.fact.id for s in best}) < 2:
        return None
    score = min(s.score for s in best) * 0.9
    detail = "the same question about each of " + ", ".join(model.entities[e].short for e in parallel)
    return Reading("side_by_side", score, tuple(best), "all", detail, entity_ids)


def _predicate(frame: Frame, words: Words) -> Words:
    """The words a yes or a no turns on: those after the last name ("did the kidnapped American aid worker
    in Niger ever get released?": released, not kidnapped, which only says who), or all of them."""
    if not frame.mentions:
        return words
    end = max(m.end for m in frame.mentions)
    after = {w for i, w in frame.read if i >= end}
    tail = [w for w in words if w[0] in after]
    return tail or words
