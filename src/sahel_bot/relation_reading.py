"""Relation readings: an intent whose template fits the question reads the facts of its relations.

"Who leads X?" reads the facts of the intent's relations that name X in the slot's role, scored by the
question's own words (those the template does not account for) and by whether they give the kind of
value asked for.  Intents whose answer is not a relation lookup (an overview, a list of entities, a
yes-or-no check, ...) are read in ``shaped``.  May import: ``model``, ``frame``, ``context``, ``intents``,
``retrieval``, ``reading``, ``shaped``.
"""

from __future__ import annotations

from .context import Context
from .frame import Frame
from .intents import IntentMatch
from .knowledge.schema import Fact
from .model import Model
from .reading import Reading, Words, expansion_of, unsaid
from .retrieval import FactScore
from .shaped import SHAPED, shaped_reading

__all__ = ["intent_reading"]


def _to_another_group(model: Model, fact: Fact, ids: tuple[str, ...]) -> bool:
    """Whether the fact's object is a group the question did not name (what the subject does to it)."""
    return bool(fact.object) and model.cls.get(fact.object or "") == "group" and fact.object not in ids


def _whole_of(model: Model, fact: Fact, entity: str) -> bool:
    """Whether ``entity`` is a whole the fact's object is part of (AQIM of AQIM's Sahel branch)."""
    part = model.entities.get(fact.object or "")
    return part is not None and entity in part.part_of


def _relations_asked(model: Model, relations: tuple[str, ...], frame: Frame) -> list[str]:
    """The intent's relations, those the question's own words name first ("where are AQIM's attacks
    concentrated?" names attacks: where it attacked before where it operates), else in the intent's order."""
    asked = {model.stem(w) for w in frame.content}
    if not asked:
        return list(relations)
    stems = model.relation_stems
    return sorted(relations, key=lambda r: not asked & stems.get(r, frozenset()))


def intent_reading(model: Model, frame: Frame, words: Words, match: IntentMatch, context: Context) -> Reading | None:
    """Return the reading of ``match``'s intent: the facts of its relations about its slots, scored."""
    intent = match.intent
    if intent.compose in SHAPED:
        return shaped_reading(model, frame, words, match, context)
    slot_entities = tuple(f for s, f in match.slots if s != "year")
    detail = f"template '{match.template}' (ratio {match.ratio:.2f}, coverage {match.coverage:.2f})"
    relations = frozenset(intent.relations) if intent.relations else None
    compose = intent.compose
    ids = slot_entities or frame.entity_ids
    if (
        intent.answer_types
        and frame.answer_type not in intent.answer_types
        and frame.answer_type in ("what", "which", "how", "where", "who", "yesno")
    ):
        # the template says what kind of answer is wanted better than the first word does
        frame = frame._replace(answer_type=intent.answer_types[0])
    template_words = match.words
    own_words = [w for w in words if w[0] not in template_words]
    if not ids and relations and not any(s is not None for _, s, _ in own_words):
        # "which town is the regional capital?": the template's own words pick the facts when they can;
        # "list the leaders named in the brief": every fact of the relation, most central first
        every = sorted((f for f in model.knowledge.facts if f.relation in relations), key=lambda f: (-f.weight, f.id))
        asked = {w[1] for w in words if w[1] is not None}
        said = [f for f in every if asked & model.index.strong[f.id]]
        # the facts that say the question's words themselves, when that is fewer than all
        found = [FactScore(f, 0.75, 0.0, 1.0, 1.0) for f in said] if 0 < len(said) < len(every) else []
        if not found:
            found = [FactScore(f, 0.75, 0.0, 1.0, 1.0) for f in every]
    else:
        found = model.index.score(frame, ids, own_words, relations=relations)
    roles = model.index.roles
    if ids:
        found = [s for s in found if all(e in roles[s.fact.id] for e in ids)]
    if ids and intent.slot_roles:
        # "who founded MUJAO": a merger MUJAO went *into* says nothing of how MUJAO was founded
        found = [
            s
            for s in found
            if s.fact.relation not in intent.slot_roles
            or roles[s.fact.id].get(ids[-1]) == intent.slot_roles[s.fact.relation]
        ]
    agents = model.giving.get("agent", frozenset())
    if ids and relations and relations <= agents:
        # "who leads the Islamic State?": someone in the role for it (or for a part of it: AQIM's Sahel
        # branch is AQIM's), not the leader of a faction whose fact merely mentions it
        found = [
            s
            for s in found
            if s.fact.relation not in agents
            or roles[s.fact.id].get(ids[-1]) in ("subject", "object")
            or _whole_of(model, s.fact, ids[-1])
        ]
    if compose == "subjects" and ids:
        # list questions ("which groups operate in Mali"): the slot is the object or place
        found = [s for s in found if roles[s.fact.id].get(ids[0]) != "subject"] or found
    spells_out = any(model.gives(r, "expansion") for r in intent.relations)
    if not found and spells_out and ids and expansion_of(model, ids[0]) is not None:
        # "what does AQIM stand for": the brief spells the acronym out in a name, not in a fact
        return Reading(intent.id, match.score, (), "acronym", detail, ids, match=match)
    if not found:
        what = intent.description or intent.id
        # understood but unanswerable: only a close template match should win over readings that have facts
        score = match.score * (0.9 if match.ratio >= 0.9 else 0.6)
        return Reading(intent.id, score, (), compose, detail, ids, match=match, missing=what)
    top = found[0]
    keep = [s for s in found if s.score >= top.score * (0.6 if compose in ("subjects", "objects") else 0.7)]
    # the intent's first relation is what it is mainly about; "how does X make money?": what it gives another
    # group comes after how it gets its own, and what the brief asserts in the relation's own words first
    how = frame.answer_type == "how"
    order = _relations_asked(model, intent.relations, frame)
    keep.sort(
        key=lambda s: (
            order.index(s.fact.relation) if s.fact.relation in order else 99,
            how and _to_another_group(model, s.fact, ids),
            -s.score,
            how and s.fact.hedge in model.lang.doubtful_hedges,
            -model.topical.get(s.fact.id, 0) if how else 0,
        )
    )
    limit = 10 if compose in ("subjects", "objects") or intent.kind == "list" else 5 if compose == "all" else 3
    score = 0.55 * match.score + 0.45 * max(top.score, 0.5 if top.entity >= 1 else top.score)
    if match.ratio >= 0.95 and match.coverage >= 0.99:
        score = max(score, min(1.0, 0.6 + 0.4 * top.score))
    said = frozenset() if frame.is_yesno else model.brief_words(match.template)
    if any(s is not None and w not in said for w, s, _ in own_words):
        # the question's own words must be borne out by the facts, not only by the template
        score *= 0.55 + 0.45 * top.lexical
    elif any(s is not None for _, s, _ in own_words):
        # ... less so those the template says in other words ("sided with" is the lexicon's "aligning"),
        # unless they are what a yes or a no is about ("still alive": his death)
        score *= 0.8 + 0.2 * top.lexical
    if frame.is_yesno and unsaid(model, words, keep[:3]):
        # "is X still alive?": a yes or a no needs a fact that speaks of what is asked (alive) in its own
        # words, not only one of the intent's relation (where he is based, whose keywords say 'dead')
        score *= 0.6
    elif frame.is_yesno:
        # ... and that fact is the evidence the answer opens with ("is he dead now?": his death is not
        # confirmed, before where the press placed him)
        keep.sort(key=lambda s: unsaid(model, words, (s,)))
    if top.typed < 1:
        score *= top.typed + (1 - top.typed) * 0.3
    return Reading(intent.id, score, tuple(keep[:limit]), compose, detail, ids, match=match)
