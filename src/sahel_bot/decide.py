"""The decide stage: answer, ask back, or decline — every such decision is made here and nowhere else.

Early decisions need no reading (an empty turn, small talk, a pronoun with nothing to point at, a name
the brief does not cover, a question about after the brief's date); the others weigh the best reading:
its confidence against the thresholds, its lead over the runner-up, and the verify checks.  A
``Decision`` carries a reason code (what ``messages`` words) and the reason in plain words (what
``--explain`` shows).  May import: ``model``, ``frame``, ``linking``, ``readings``, ``verify``,
``context``, ``prepare``.
"""

from __future__ import annotations

from .context import Context
from .entities import Mention
from .frame import Frame
from .linking import Mentions
from .model import Model
from .prepare import Turn
from .reading import Reading, same_facts
from .readings import Readings
from .records import record
from .verify import (
    asked_noun_unknown,
    counted_not_given,
    exact_not_given,
    finer_date_not_given,
    finer_place_not_named,
    lesser_role_not_given,
    lesser_role_only,
    name_not_given,
    narrower_count,
    nothing_of_the_year,
    pointed_but_not_given,
    role_holder_not_given,
    succession_not_given,
    wanted_not_named,
    year_not_given,
)

__all__ = ["ANSWER", "CLARIFY", "DECLINE", "Decision", "decide", "decide_early"]

ANSWER = "answer"
CLARIFY = "clarify"
DECLINE = "decline"
#: Compose modes that answer without facts of their own (the brief's metadata, an overview, a name).
_FACTLESS = frozenset({"brief", "about", "acronym", "entities"})
#: The readings built from several facts (a total, a superlative, an interval, ...).
_SUMMARIES = frozenset({"total", "superlative", "interval", "each", "in_common", "period", "order", "members"})


@record
class Decision:
    """What to do with the turn, why (a code and a sentence), and what the reply is built from."""

    outcome: str
    #: the reason code: what the reply says (``messages``) — "answer", "help", "small_talk", "vague",
    #: "unresolved", "outside", "after_brief", "follow_up_missing", "not_answered", "clarify"
    code: str
    reason: str
    reading: Reading | None = None
    #: for a decline that says what the brief does say: the kind of value that was not given
    asked_type: str = ""
    #: the pronoun a vague or unresolved reference used
    pronoun: str = ""
    #: for "which one do you mean?": the candidate entities
    candidates: tuple[str, ...] = ()
    #: for "did you mean": the close readings, best first
    alternatives: tuple[Reading, ...] = ()


def decide_early(
    model: Model, turn: Turn, mentions: Mentions | None, frame: Frame | None, context: Context
) -> Decision | None:
    """Return the decision that needs no reading (empty, small talk, vague, outside, too late), or ``None``."""
    if turn.empty:
        return Decision(DECLINE, "help", "empty question")
    if turn.small_talk:
        return Decision(DECLINE, "small_talk", "small talk, not a question about the brief")
    if mentions is None or frame is None:
        return None
    lang = model.lang
    tokens = frame.tokens
    if not frame.mentions:
        at = next((i for i, t in enumerate(tokens) if t in model.name_heads), None)
        if at is not None:
            # "tell me about ansar": the start of several names; ask which rather than pick one
            candidates = model.name_heads[tokens[at]]
            return _which_one(model, frame, tokens[at], at, at + 1, model.cls[candidates[0]], candidates)
    if not frame.mentions and context.is_empty and len(tokens) <= 8:
        pointer = _pointer(model, frame)
        if pointer is not None:
            # "who leads it?", "where is he from?", "who leads the group?" with nothing said before:
            # ask which, with the likeliest ones, rather than guess
            vague = _which_one(model, frame, *pointer)
            if vague is not None:
                return vague
    unresolved = [t for t in tokens if t in lang.personal_pronouns]
    if unresolved and not frame.mentions:
        return Decision(
            DECLINE,
            "unresolved",
            f"the pronoun '{unresolved[0]}' refers to nobody in this conversation",
            pronoun=unresolved[0],
        )
    if mentions.outside:
        names = ", ".join(model.entities[m.entity].name for m in mentions.outside)
        return Decision(DECLINE, "outside", f"mentions {names}, which the brief does not cover")
    if frame.after_brief:
        return Decision(DECLINE, "after_brief", f"asks about {frame.after_brief}, after the brief's date")
    unnamed = name_not_given(model, frame)
    if unnamed is not None:
        return Decision(
            DECLINE, "unnamed", f"asks who {unnamed} is, and the brief never names it", candidates=(unnamed,)
        )
    return None


#: The classes a pointing word with nothing to point at is asked back about (their entities are few and named).
_ASKED_BACK = ("group", "person")


def _pointer(model: Model, frame: Frame) -> tuple[str, int, int, str] | None:
    """The words that point back at something ("it", "he", "the group"): their text, span and class."""
    lang = model.lang
    tokens = frame.tokens
    for i, token in enumerate(tokens):
        if token in lang.personal_pronouns or token in lang.plural_pronouns:
            kind = lang.pronouns.get(token, "any")
            return token, i, i + 1, kind if kind in _ASKED_BACK else "group"
        if i and tokens[i - 1] in lang.definite_articles and token in model.type_nouns:
            kind = model.noun_class(token)
            if kind in _ASKED_BACK:
                return f"{tokens[i - 1]} {token}", i - 1, i + 1, kind
    return None


def _which_one(
    model: Model, frame: Frame, pointer: str, start: int, end: int, kind: str, among: tuple[str, ...] = ()
) -> Decision | None:
    """Ask which one the pointing words mean (of ``among``, else of their kind, the ones the brief says
    most about), with the question asked of each."""
    pool = [model.entities[e] for e in among] or [e for e in model.entities.values() if model.cls[e.id] == kind]
    likely = sorted(
        (e for e in pool if model.index.by_entity.get(e.id)),
        key=lambda e: (-len(model.index.by_entity.get(e.id, ())), e.id),
    )[: max(3, len(among))]
    if not likely:
        return None
    probe = Mention(likely[0].id, start, end, likely[0].name, pointer, 100.0, "probe")
    matches = [m for m in model.matcher.match(frame.tokens, (probe,)) if m.intent.slots and m.score >= 0.7]
    reading = None
    reason = f"'{pointer}' refers to nothing said before"
    if matches:
        intent = matches[0].intent
        reading = Reading(intent.id, matches[0].score, (), intent.compose, "", match=matches[0])
        reason += f"; the question reads as {intent.id}"
    return Decision(CLARIFY, "vague", reason, reading=reading, pronoun=pointer, candidates=tuple(e.id for e in likely))


def decide(model: Model, frame: Frame, mentions: Mentions, readings: Readings) -> Decision:
    """Return what to do with the question, given its readings."""
    settings = model.settings
    threshold = settings.answer_threshold
    ranked = readings.ranked
    best = readings.best
    entity_ids = frame.entity_ids
    follow_intent = mentions.follow_intent
    if follow_intent:
        # "and Ansar Dine?" after "how many fighters does AQIM have?": if the brief has no number for it,
        # that is the answer, not an overview of Ansar Dine
        again = next(
            (
                r
                for r in ranked
                if (readings.follow_match is not None and r.match is readings.follow_match)
                or (r.intent == follow_intent and follow_intent not in model.intents)
            ),
            None,
        )
        if again is not None and pointed_but_not_given(model, frame, again):
            return _not_answered(model, frame, again, readings)
    asks_summary = frame.total or frame.interval or frame.superlative or frame.order
    if frame.total and not (frame.interval or frame.superlative or frame.order) and _told_in_all(model, frame, best):
        # "how many people died in total?": the brief's own total ("in all, 39 civilians were killed")
        asks_summary = False
    if asks_summary and best is not None and best.intent not in _SUMMARIES:
        # "how many in all", "the deadliest", "how many years between": no one fact answers it, and the facts
        # the brief has do not add up to it
        return _not_answered(model, frame, best, readings, asked_type="summary")
    if best is not None and best.intent in ("follow_up", "more") and not best.facts:
        return Decision(DECLINE, "follow_up_missing", "a follow-up the last answer's facts cannot answer", best)
    if best is None or best.score < settings.clarify_threshold or (not best.facts and best.compose not in _FACTLESS):
        return _not_answered(model, frame, best, readings)
    said = best.match.words if best.match is not None else frozenset()
    if asked_noun_unknown(model, frame) and best.compose not in _FACTLESS and frame.asked_noun not in said:
        # "in which languages does AQIM publish?": the brief speaks of no languages at all (unless the
        # intent's own template asks for that noun: "what language is the acronym X?")
        return _not_answered(model, frame, best._replace(facts=best.facts[:1]), readings)
    ambiguous = (
        len(ranked) > 1
        and ranked[1].score >= threshold
        and best.score - ranked[1].score < settings.ambiguity_margin
        and ranked[1].intent != best.intent
        and not same_facts(best, ranked[1])
        and not entity_ids
        # "operating where?": a turn read as the last question amended is a follow-up, whatever else its
        # words could mean
        and best.intent != "follow_up"
    )
    if exact_not_given(model, frame, best):
        # "what was the exact dollar total of ransoms?": the brief says "millions of dollars", no more
        return _not_answered(model, frame, _nearby(best), readings, asked_type="exact")
    if best.intent not in _SUMMARIES and year_not_given(model, frame, best):
        # "how many fighters did AQIM have in 2010?": the brief's figure is of 2015
        return _not_answered(model, frame, _nearby(best), readings, asked_type="year")
    if best.intent not in _SUMMARIES and nothing_of_the_year(model, frame, best):
        # "what did AQIM do in 2010?": the brief dates nothing of AQIM to 2010
        return _not_answered(model, frame, _nearby(best), readings, asked_type="of_the_year")
    if finer_date_not_given(model, frame, best):
        # "in what month of 2013 did they merge?": the brief says 2013
        return _not_answered(model, frame, _nearby(best), readings, asked_type="finer_date")
    counted = best.intent not in _SUMMARIES and counted_not_given(model, frame, best)
    if counted or (best.intent == "total" and narrower_count(model, frame, best)):
        # "how many hostages were taken at the Bamako hotel?": the brief counts one American killed there
        return _not_answered(model, frame, _nearby(best), readings, asked_type="how_many")
    if lesser_role_only(model, frame, best):
        # "who led Al Qaeda in 2006?": the brief names its then-deputy leader only
        return _not_answered(model, frame, _nearby(best), readings, asked_type="lesser_role")
    if best.intent not in _SUMMARIES and role_holder_not_given(model, frame, best):
        # "who led the GSPC before it became AQIM?": the brief says how it became AQIM, not who led it
        return _not_answered(model, frame, _nearby(best), readings, asked_type="who")
    if lesser_role_not_given(model, frame, best):
        # "who is AQIM's deputy leader?": the brief names its leaders, and a deputy of Al Qaeda's
        return _not_answered(model, frame, _nearby(best), readings, asked_type="who")
    if succession_not_given(model, frame, best):
        # "who took over after X?": the brief says what X did, not who came next
        return _not_answered(model, frame, _nearby(best), readings, asked_type="succession")
    if finer_place_not_named(model, frame, best):
        # "which town in X did they attack?": the brief names the country, not the town
        return _not_answered(model, frame, best, readings)
    if best.intent not in _SUMMARIES and wanted_not_named(model, frame, best):
        # "which European governments paid?": the brief says "European ransom payments", naming none
        # "the name of the group ...", "who was the ambassador ...?"
        asked = frame.answer_type if frame.answer_type in ("name", "who") else "wanted"
        return _not_answered(model, frame, _nearby(best), readings, asked_type=asked)
    if best.score < threshold and pointed_but_not_given(model, frame, best):
        # understood, and the brief's facts about it give no number: say so, with what it does say, rather
        # than ask what was meant
        return _not_answered(model, frame, best, readings)
    if best.score < threshold or ambiguous:
        # only a question that names something in the brief, or whose shape a template recognised, is worth
        # a "did you mean"; anything else is simply off-topic
        grounded = bool(entity_ids) or (best.match is not None and best.match.ratio >= 0.85)
        if grounded and any(r.match is not None or r.facts for r in ranked[:3]):
            close = "is close to the runner-up" if ambiguous else f"is below the answer threshold {threshold}"
            reason = f"confidence {best.score:.2f} {close}"
            return Decision(CLARIFY, "clarify", reason, best, alternatives=tuple(ranked[:3]))
        return _not_answered(model, frame, best, readings)
    reason = f"answered: confidence {min(1.0, best.score):.2f} >= {threshold}"
    return Decision(ANSWER, "answer", reason, best)


def _told_in_all(model: Model, frame: Frame, best: Reading | None) -> bool:
    """Whether the reading's first fact is a count the brief itself gives as a total ("in all, ...") of the
    one occasion asked about (not of everything a group the question names has done)."""
    if best is None or not best.facts or not best.facts[0].fact.count:
        return False
    roles = model.index.roles[best.facts[0].fact.id]
    if any(model.cls.get(e) != "event" or e not in roles for e in frame.entity_ids):
        return False
    if not frame.entity_ids and any(model.cls.get(e) == "event" for e in roles):
        return True  # ("and how many were taken hostage altogether?" of the siege talked of: its count)
    return model.in_all(best.facts[0].fact.statement)


def _nearby(best: Reading) -> Reading:
    """The reading narrowed to its top fact, marked as not holding what was asked: the decline says what the
    brief does say ("What it does say: ...") instead of answering with it."""
    top = best.facts[0]
    return best._replace(facts=(top._replace(typed=min(top.typed, 0.99)),))


def _not_answered(
    model: Model, frame: Frame, best: Reading | None, readings: Readings, asked_type: str = ""
) -> Decision:
    """Decline: the brief does not answer this; say what it does say nearby when the question names something."""
    entity_ids = frame.entity_ids
    unknown = readings.unknown
    if entity_ids:
        short = model.entities[entity_ids[0]].short
        reason = "no fact answers this question about " + short
        if best is not None and best.missing:
            reason += f" (understood as {best.intent}, but the brief has no such fact)"
        elif best is not None:
            reason += f" (best reading {best.intent} {best.score:.2f} < {model.settings.answer_threshold})"
    else:
        reason = "no entity of the brief and no confident reading"
        if best is not None:
            reason += f" (best {best.intent} {best.score:.2f})"
    if unknown:
        reason += "; words the brief never uses: " + ", ".join(unknown[:5])
    return Decision(DECLINE, "not_answered", reason, best, asked_type=asked_type or frame.answer_type)
