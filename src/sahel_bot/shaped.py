"""Shaped readings: intents whose answer is not one relation's facts about a slot.

An overview or a timeline of an entity, a list of entities ("which groups are led by Algerians?"), a
yes-or-no check between two entities, what a year held, who the brief attributes the last answer to,
the brief's own metadata.  Each builds a ``Reading`` with the facts its answer shape will tell.
May import: ``model``, ``frame``, ``context``, ``intents``, ``retrieval``, ``reading``.
"""

from __future__ import annotations

from .context import Context
from .frame import Frame
from .intents import IntentMatch
from .knowledge.schema import Fact
from .model import Model
from .reading import Reading, Words, scored
from .retrieval import FactScore

__all__ = ["SHAPED", "shaped_reading"]

#: The compose modes read here rather than as a relation lookup.
SHAPED = frozenset({"brief", "entities", "check", "attribution", "sources", "year", "about", "timeline"})
#: Answer types an overview does not answer: "what is X's date of birth" is not "what is X".
_POINTED_AT_OVERVIEW = frozenset({"when", "how_many", "where", "name", "why", "meaning"})


def shaped_reading(model: Model, frame: Frame, words: Words, match: IntentMatch, context: Context) -> Reading | None:
    """Return the reading of an intent of a shaped compose mode, or ``None`` when it does not apply."""
    intent = match.intent
    slot_entities = tuple(f for s, f in match.slots if s != "year")
    years = tuple(int(f.split(":")[1]) for s, f in match.slots if s == "year")
    detail = f"template '{match.template}' (ratio {match.ratio:.2f}, coverage {match.coverage:.2f})"
    compose = intent.compose
    if compose == "brief":
        # "what time is it" is not a question about the brief, whatever template it resembles
        score = match.score if model.lang.document_words & set(frame.tokens) else match.score * 0.5
        return Reading(intent.id, score, (), "brief", detail, match=match)
    if compose == "entities":
        return _entity_list(model, frame, intent.id, match, slot_entities, detail)
    if compose == "check":
        if not frame.is_yesno:
            return None  # "who was its leader when it pledged ...?" is not a yes-or-no question
        if len(slot_entities) == 2 and intent.relations:
            return _check(model, intent.id, frozenset(intent.relations), match, slot_entities, detail)
        return None
    if compose == "attribution":
        previous = [model.facts[f] for f in context.facts if f in model.facts]
        if not previous:
            return None
        facts = scored(previous, match.score)
        return Reading(intent.id, match.score, facts, compose, detail + "; the last answer's facts", match=match)
    if compose == "sources":
        facts = scored([f for f in model.knowledge.facts if f.source], match.score)
        return Reading(intent.id, match.score, facts, "sources", detail, match=match)
    if compose == "year":
        if not years:
            return None
        y = years[0]
        held = [f for f in model.knowledge.facts if f.year_from and f.year_from <= y <= (f.year_to or f.year_from)]
        held.sort(key=lambda f: (-f.weight, f.id))
        if not held:
            return Reading(intent.id, match.score, (), compose, detail, match=match, missing=f"anything in {y}")
        return Reading(intent.id, match.score, scored(held, match.score), compose, detail, match=match)
    # an overview or a timeline of one entity
    if not slot_entities:
        return None
    ent = slot_entities[0]
    facts = model.overviews.get((ent, compose), ())
    score = match.score
    if compose == "about" and frame.answer_type in _POINTED_AT_OVERVIEW:
        # "what is X's date of birth" is not "what is X": an overview does not answer a pointed question
        score *= 0.6
    template_words = match.words
    own = [w for w in words if w[0] not in template_words and w[1] is not None]
    if own and facts:
        # words beyond the template ("the population of X") must be found in X's facts
        best = model.index.score(frame, (ent,), own, candidates=facts)[:1]
        best_lex = best[0].lexical if best else 0.0
        score *= 0.55 + 0.45 * best_lex
    # the order depends on the facts alone, not on the question: each carries a plain score of 1
    ranked = tuple(FactScore(f, 1.0, 1.0, 1.0, 1.0) for f in facts)
    return Reading(intent.id, score, ranked, compose, detail, (ent,), match=match)


def _check(
    model: Model,
    intent_id: str,
    relations: frozenset[str],
    match: IntentMatch,
    slot_entities: tuple[str, ...],
    detail: str,
) -> Reading:
    """ "Is Koufa the leader of Ansar al Dine?": yes if one fact links them, else no, with what is true."""
    roles = model.index.roles
    first, second = slot_entities
    both = [f for f in model.knowledge.facts if f.relation in relations and {first, second} <= set(roles[f.id])]
    if both:
        return Reading(intent_id, match.score, scored(both, match.score), "check", detail, slot_entities, match=match)
    sides = [
        [
            f
            for f in model.index.by_entity.get(e, ())
            if f.relation in relations and roles[f.id].get(e) in ("subject", "object")
        ]
        for e in (first, second)
    ]
    place = model.cls[second] == "place"
    unsure = [f for f in sides[1] if f.hedge in model.lang.answering_hedges]
    if sides[0] and unsure:
        # "does AQIM fund the MLF?": the brief says the MLF's funding is unclear - that is the answer, not "no"
        return Reading(
            intent_id, match.score, scored(unsure[:1], match.score), "yesno", detail, slot_entities, match=match
        )
    linked = [f for f in model.index.by_entity.get(first, ()) if second in roles[f.id]]
    if linked and not place:
        # "was he ever in AQIM?": no fact of the relation asked about, but others tie the two ("formerly a
        # key AQIM figure"): what the brief says of them together, not a "no" it never says
        return Reading(
            intent_id, match.score * 0.95, scored(linked[:3], match.score), "all", detail, slot_entities, match=match
        )
    if sides[0] and (sides[1] or place):
        # "is X the leader of Y?": no, with what is true of each; "is X Malian?": no, with what the brief
        # says of X (a place has no such facts of its own)
        if place:
            # where the person is from, not what else is said of the place
            found: tuple[Fact, ...] = (min(sides[0], key=lambda f: not model.index.places[f.id]),)
        else:
            found = (sides[0][0], sides[1][0])
        return Reading(
            intent_id, match.score, scored(found, match.score), "check_no", detail, slot_entities, match=match
        )
    description = model.intents[intent_id].description
    return Reading(intent_id, match.score * 0.9, (), "check", detail, slot_entities, match=match, missing=description)


def _entity_list(
    model: Model, frame: Frame, intent_id: str, match: IntentMatch, slots: tuple[str, ...], detail: str
) -> Reading | None:
    """ "Which groups are led by Algerians?", "which UN actors does the brief mention?": entities, not facts."""
    tokens = frame.tokens
    named = model.types_named(tokens)
    if not named:
        return None
    noun, wanted = named[0]
    wanted_cls = {model.knowledge.types[t].cls for t in wanted}
    roles = model.index.roles
    words = set(tokens)
    linking: list[Fact] = []
    found: list[str]
    if slots:
        anchor = slots[0]
        from_place = model.cls[anchor] == "place"
        origin = model.giving.get("origin", frozenset())
        holding = [r for r in model.relations.values() if r.role_nouns and words & set(r.keywords)]
        if wanted_cls == {"group"} and from_place and holding:
            # groups led by people from a place: two hops, person -> place, person -> group
            people = {f.subject for f in model.index.by_entity.get(anchor, ()) if f.relation in origin}
            held = {r.id for r in holding}
            linking = [
                f
                for f in model.knowledge.facts
                if f.relation in held and f.subject in people and f.object in model.entities
            ]
            linking += [
                f for f in model.index.by_entity.get(anchor, ()) if f.relation in origin and f.subject in people
            ]
            found = [f.object for f in linking if f.relation in held and f.object]
        elif wanted_cls == {"person"} and from_place:
            linking = [f for f in model.index.by_entity.get(anchor, ()) if f.relation in origin]
            found = [f.subject for f in linking]
        else:
            linking = list(model.index.by_entity.get(anchor, ()))
            # "UN actors", "French military actions": entities named after the anchor, or parts of it,
            # are what is meant; only when there are none, everything the brief ties to it
            prefixes = tuple(n + " " for n in model.names[anchor])
            mention = next((m for m in frame.mentions if m.entity == anchor), None)
            # only when the anchor is used as an adjective ("UN actors"), not "groups tied to X"
            adjectival = mention is not None and mention.end < len(tokens) and tokens[mention.end] in model.type_words
            own = (
                [
                    e.id
                    for e in model.entities.values()
                    if e.id != anchor
                    and (anchor in e.part_of or any(n.startswith(prefixes) for n in model.names[e.id]))
                ]
                if adjectival
                else []
            )
            found = own or [e for f in linking for e in roles[f.id] if e != anchor]
            # "which groups are tied to X?": those a fact relates to X itself (one the subject, the other the
            # object) before those its facts merely mention
            direct = [
                e
                for f in linking
                if roles[f.id].get(anchor) in ("subject", "object")
                for e, role in roles[f.id].items()
                if e != anchor
                and role in ("subject", "object")
                and e in model.entities
                and model.entities[e].type in wanted
            ]
            if direct and not own:
                found = direct
            if model.cls[anchor] == "event" and not own:
                # "which groups were in the 2017 merger?": those that acted in it (its facts' subjects), not
                # what it produced (the new group) nor what its facts merely mention
                results = [f for f in linking if model.relations[f.relation].result == "object"]
                made = {f.object for f in results} - {f.subject for f in results}
                acted = [
                    f.subject
                    for f in linking
                    if f.subject != anchor and f.subject not in made and model.entities[f.subject].type in wanted
                ]
                found = acted or found
    else:
        found = list(model.entities)
    names: dict[str, None] = {}
    for e in found:
        entity = model.entities.get(e)
        if entity is not None and entity.type in wanted:
            names.setdefault(e, None)
    if not names:
        return None
    chosen: list[Fact] = []
    for f in linking:
        if not names.keys().isdisjoint(roles[f.id]):
            chosen.append(f)
            if len(chosen) == 8:
                break
    facts: tuple[FactScore, ...] = scored(chosen, match.score)
    return Reading(intent_id, match.score, facts, "entities", detail + f"; '{noun}'", tuple(names), match=match)
