"""The readings stage: every way the question can be understood, ranked, one per intent, best first.

Intent readings (``relation_reading``, ``shaped``), readings by the question's words (``lookup``) and
follow-up readings (``followups``) are gathered here and ranked together; which one wins, and whether
it is good enough, is for ``decide``.  May import: ``model``, ``frame``, ``linking``, ``context``,
``intents``, ``reading``, ``relation_reading``, ``lookup``, ``followups``.
"""

from __future__ import annotations

from .context import Context
from .entities import Mention
from .followups import elliptical_reading, else_reading, more_reading, next_reading, pointing_reading, wh_reading
from .frame import Frame
from .intents import READING_FLOOR, IntentMatch
from .knowledge.schema import Intent
from .linking import Mentions
from .lookup import generic_reading, side_by_side_reading
from .model import Model
from .normalize import phrase_spans
from .reading import Reading, Words, fits, floor, is_exact, penalise_unknown
from .records import record
from .relation_reading import intent_reading
from .summaries import summary_reading

__all__ = ["Readings", "read"]

#: The answer shapes that list names: what "which groups ...?" and "how many groups ...?" ask for.
_LISTING = ("subjects", "objects", "entities")


def rank(model: Model, readings: list[Reading], frame: Frame, words: Words, context: Context) -> list[Reading]:
    """Return the readings best first, one per intent, after the checks that apply to all of them."""
    if context.facts and model.lang.other_words & set(frame.tokens):
        # "who else ...": not what the last answer already said
        said = set(context.facts)
        kept = []
        for r in readings:
            rest = tuple(f for f in r.facts if f.fact.id not in said)
            if r.facts and not rest:
                continue
            kept.append(r._replace(facts=rest) if r.facts else r)
        readings = kept
    readings = [penalise_unknown(r, words) for r in readings]
    readings.sort(key=lambda r: -r.score)
    # An intent understood with a near-exact template but with no fact to answer it ("who leads Boko
    # Haram?") is the honest reading, even when some loosely related fact scores higher: answering with
    # that fact would answer another question.
    best_ratio = max((r.match.ratio for r in readings if r.match is not None and r.facts), default=0.0)
    unanswerable = [
        r
        for r in readings
        if r.missing
        and r.match is not None
        and r.match.ratio >= 0.95
        and r.match.coverage >= 0.99
        and r.match.ratio >= best_ratio
    ]
    if unanswerable and readings and readings[0].facts:
        top = readings[0]
        gap = unanswerable[0]
        intent = gap.match.intent if gap.match else None
        fitting = intent is not None and any(fits(model, s.fact, intent, gap.entities) for s in top.facts)
        if intent is None or not intent.relations or not fitting:
            readings.remove(gap)
            readings.insert(0, gap._replace(score=max(gap.score, top.score)))
    if frame.tally:
        # "how many groups merged into X?" is counted by listing them: a reading that lists names answers it,
        # one statement that happens to name them all does not say how many
        listing = [r for r in readings if r.compose in _LISTING and r.score >= READING_FLOOR]
        readings = listing + [r for r in readings if r not in listing]
    seen: set[str] = set()
    unique = []
    for r in readings:
        if r.intent not in seen:
            seen.add(r.intent)
            unique.append(r)
    return unique


def _year_again(model: Model, frame: Frame, context: Context) -> Intent | None:
    """The intent a turn asks again of a year: the last one, when the turn is only a new year ("and 2015?",
    "what about October 2016?") and it takes a year; the one that asks what happened in a year, when the
    turn asks what (else) happened then ("what else happened that year?")."""
    if not frame.years or frame.mentions:
        return None
    lang = model.lang
    rest = [
        t
        for t in frame.tokens
        if t not in lang.stopwords and t not in lang.fillers and t not in lang.months and not t.isdigit()
    ]
    intent = model.intents.get(context.intent or "")
    if intent is not None and "year" in intent.slots and not rest:
        return intent
    if (
        set(frame.tokens) & lang.happening_verbs
        and set(rest) <= lang.happening_verbs | lang.else_words | lang.time_nouns
    ):
        return next((i for i in model.intents.values() if i.slots == ("year",)), None)
    return None


def _document_names(
    model: Model, tokens: tuple[str, ...], mentions: tuple[Mention, ...], cut: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The words that only name the document around a word for it: "who wrote this CRS brief on AQIM?" is
    "who wrote this brief?" (the publisher before it, what its title names after "on" or "about")."""
    lang = model.lang
    spans = []
    for i, token in enumerate(tokens):
        if token not in lang.document_nouns or not i:
            continue
        start = i
        while start > 0 and tokens[start - 1] in model.publisher_words:
            start -= 1
        if start < i:
            spans.append((start, i))
        if i + 1 < len(tokens) and tokens[i + 1] in lang.document_subjects:
            named = next((m for m in mentions if m.start == i + 2), None)
            if named is not None and named.entity in model.title_entities:
                # ("the brief on AQIM and related groups": the rest of its title too)
                end = named.end
                while end < len(tokens) and tokens[end] in model.title_words:
                    end += 1
                spans.append((i + 1, end))
    return [(a, b) for a, b in spans if not any(x < b and a < y for x, y in cut)]


def _as_listed(model: Model, frame: Frame) -> tuple[tuple[str, ...], tuple[Mention, ...]]:
    """The words the templates read: the question less what is no part of its shape (a clause that only
    dates it, a name set in contrast, words pointing at the document), and "how many groups merged into X?"
    as "which groups merged into X?" when the frame counts by listing (``Frame.tally``), since the templates
    ask for the list."""
    tokens, mentions = frame.tokens, frame.mentions
    cut = [*frame.contrast, *((frame.clause,) if frame.clause is not None else ())]
    for start, end in sorted(phrase_spans(tokens, model.lang.document_fillers), key=lambda span: span[0] - span[1]):
        # "which groups in the brief ...": the document pointed at, no part of the question's shape
        inside = any(m.start < end and start < m.end for m in mentions) or any(a < end and start < b for a, b in cut)
        if start >= 1 and not inside:
            cut.append((start, end))
    cut.extend(_document_names(model, tokens, mentions, cut))
    lang = model.lang
    for i in range(1, len(tokens) - 2):
        # "which of the leaders are Algerian?" is "which leaders are Algerian?": the partitive only says the
        # answer is some of them
        if (
            tokens[i - 1] == lang.description_question
            and tokens[i] in lang.partitives
            and tokens[i + 1] in lang.definite_articles
            and (tokens[i + 2] in model.type_nouns or tokens[i + 2] in model.role_nouns)
            and not any(a < i + 2 and i < b for a, b in cut)
        ):
            cut.append((i, i + 2))
    for i in range(len(tokens) - 1):
        # "the main militant leaders": a word describing a group before a role noun only says what its
        # holders are, as all the brief's are
        if model.describes_holder(tokens, i):
            if not any(m.start <= i < m.end for m in mentions) and not any(a <= i < b for a, b in cut):
                cut.append((i, i + 1))
    if cut and not frame.tally:
        # "who led X when it joined Y?": the clause says when; the question is "who led X?" ("... rather than
        # Al Qaeda": what is contrasted is no part of the question either)
        for start, end in sorted(cut, reverse=True):
            shift = end - start
            mentions = tuple(
                m if m.end <= start else m._replace(start=m.start - shift, end=m.end - shift)
                for m in mentions
                if m.end <= start or m.start >= end
            )
            tokens = (*tokens[:start], *tokens[end:])
        return tokens, mentions
    if not frame.tally:
        return tokens, mentions
    for i in range(len(tokens)):
        for cue in model.counting_cues:
            if tokens[i : i + len(cue)] == cue:
                # "what is the number of groups ...": the words before the cue only ask
                start = i if any(t not in model.lang.stopwords for t in tokens[:i]) else 0
                shift = i + len(cue) - 1 - start
                moved = tuple(
                    m._replace(start=m.start - shift, end=m.end - shift) if m.start > i else m for m in mentions
                )
                return (*tokens[:start], model.lang.listing_word, *tokens[i + len(cue) :]), moved
    return tokens, mentions


@record
class Readings:
    """Every reading of the question, best first, and what they were read from."""

    ranked: tuple[Reading, ...]
    #: the intents whose templates came close (the first one, when the turn repeats the last question)
    matches: tuple[IntentMatch, ...]
    #: the question's content words: (word, known stem or None, weight)
    words: Words
    #: the repeated last question, when the turn is "and X?"
    follow_match: IntentMatch | None = None

    @property
    def best(self) -> Reading | None:
        return self.ranked[0] if self.ranked else None

    @property
    def unknown(self) -> list[str]:
        """The content words no fact of the brief uses."""
        return [w for w, s, _ in self.words if s is None]


def read(model: Model, frame: Frame, mentions: Mentions, context: Context) -> Readings:
    """Return every reading of the question, best first."""
    words = model.index.resolve_words(frame.content)
    more = more_reading(model, frame, context) or next_reading(model, frame, context)
    if more is not None:
        # "tell me more": nothing to understand, the rest of the last answer
        return Readings((more,), (), words)
    matches = model.matcher.match(*_as_listed(model, frame))
    follow_match: IntentMatch | None = None
    follow_intent = mentions.follow_intent
    if follow_intent and follow_intent in model.intents and frame.mentions:
        # "and the MLF?": the last question again, about something else
        intent = model.intents[follow_intent]
        slot = intent.slots[0] if intent.slots else "entity"
        fill = ((slot, frame.mentions[0].entity),)
        follow_match = IntentMatch(intent, 0.9, f"(follow-up of {follow_intent})", 1.0, 1.0, fill)
        matches.insert(0, follow_match)
    elif (again := _year_again(model, frame, context)) is not None:
        # "what about 2015?" after "and in 2014?": the last question again, of another year; "what else
        # happened that year?": what happened in the last answer's year
        fill = (("year", f"year:{frame.years[0]}"),)
        follow_match = IntentMatch(again, 0.9, f"(follow-up of {again.id})", 1.0, 1.0, fill)
        matches.insert(0, follow_match)
    readings: list[Reading] = []
    lowest = floor(matches)
    for match in matches[:4]:
        if match.score < lowest:
            continue
        reading = intent_reading(model, frame, words, match, context)
        if reading is not None:
            readings.append(reading)
    exact = [r for r in readings if is_exact(r)]
    # a bag of words never beats a question whose whole shape a template recognised: when such a reading
    # is confident, the (costly) fact lookup over every fact of the subject is not needed
    generic = None if exact and max(r.score for r in exact) >= 0.8 else generic_reading(model, frame, words, context)
    if generic is not None:
        if exact:
            generic = generic._replace(score=min(generic.score, max(r.score for r in exact) - 0.01))
        readings.append(generic)
    each = side_by_side_reading(model, frame, words)
    if each is not None:
        readings.append(each)
    ranked = rank(model, readings, frame, words, context)
    summary = summary_reading(model, frame, words)
    if summary is not None:
        # the question asks for a summary ("the deadliest", "in all", "each of"): no single fact answers it
        ranked.insert(0, summary)
    # follow-ups: what the turn says of the last answer comes before what its words find elsewhere
    follow = wh_reading(model, frame, context) if mentions.bare else None
    if follow is not None:
        ranked.insert(0, follow)
    pointing = pointing_reading(model, frame, mentions.explicit, context)
    # "who leads it?" with 'it' resolved is the leader question, whatever the last answer said
    whole_question = bool(ranked) and is_exact(ranked[0])
    if pointing is not None and not whole_question and (not ranked or pointing.score > ranked[0].score):
        ranked.insert(0, pointing)
    elliptical = elliptical_reading(model, frame, context)
    if elliptical is not None:
        # "was the hostage ever freed?": what the turn adds must be words the brief uses
        elliptical = penalise_unknown(elliptical, words)
    if elliptical is not None and (not ranked or elliptical.score > ranked[0].score):
        ranked.insert(0, elliptical)
    other = else_reading(model, frame, context) if follow is None and not mentions.explicit else None
    if other is not None:
        # "where else?": what the last answer left out, not the words' nearest facts
        ranked.insert(0, other)
    return Readings(tuple(ranked), tuple(matches), words, follow_match)
