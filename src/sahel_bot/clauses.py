"""Clauses that say when: "before the 2013 gas plant siege", "since it moved into the Sahel", "who led X
when it joined Y?".

Such words limit the answer to a time; they are not what is asked, so the frame stage takes them out of the
question's content and keeps the time they give (a period of years, or the year of the fact the clause
describes).  May import: ``language``, ``entities``, ``model``, ``retrieval``.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from .cues import YEAR
from .entities import Mention
from .model import Model
from .normalize import normalize
from .records import record

if TYPE_CHECKING:
    from .frame import Frame

__all__ = ["Clause", "after_clause", "period"]

#: a clause dates the question only when it reads clearly as one fact of the brief
_DATING_SCORE = 0.5


def period(
    model: Model, tokens: tuple[str, ...], mentions: tuple[Mention, ...]
) -> tuple[tuple[int, int] | None, Mention | None]:
    """Return the years "before 2013" or "since the French intervention" allow, and the event named as the time."""
    lang = model.lang
    starts = {m.start: m for m in mentions}
    for i, token in enumerate(tokens[:-1]):
        word = "prior" if token == "prior" and tokens[i + 1] == "to" else token
        if word not in lang.period_words:
            continue
        j = i + (2 if word == "prior" else 1)
        while j < len(tokens) and tokens[j] in lang.period_fillers:
            j += 1
        if j >= len(tokens):
            return None, None
        anchor = starts.get(j) or next((m for m in mentions if m.start < j < m.end), None)
        year: int | None = None
        if YEAR.fullmatch(tokens[j]):
            year = int(tokens[j])
            if anchor is None:
                # "before the 2013 gas plant siege": the year opens the event's name, or comes just before it
                anchor = next((m for m in mentions if m.start <= j < m.end or m.start == j + 1), None)
        elif anchor is not None and model.cls[anchor.entity] == "event":
            inside = [int(t) for t in tokens[anchor.start : anchor.end] if YEAR.fullmatch(t)]
            dated = [f.year_from for f in model.index.by_entity.get(anchor.entity, ()) if f.year_from]
            year = inside[0] if inside else min(dated) if dated else None
        if year is None or year > model.brief_year:
            if tokens[j] in lang.period_words:
                continue  # ("gone after since the French intervention": the next period word says when)
            return None, None
        if anchor is not None and model.cls[anchor.entity] != "event":
            anchor = None
        lo, hi = lang.period_words[word]
        return (0 if lo is None else year + lo, 9999 if hi is None else year + hi), anchor
    years = [(i, int(t)) for i, t in enumerate(tokens) if YEAR.fullmatch(t)]
    for (i, first), (j, last) in itertools.pairwise(years):
        # "between 2012 and 2015", "from 2012 to 2015", "in 2015-2016": the years from one to the other (not
        # the date in an event's name: "the hotel attacks of 2015-2016")
        joined = list(tokens[i + 1 : j])
        opened = i > 0 and tokens[i - 1] in lang.range_openers
        if opened and joined in (["and"], ["to"], ["until"], ["through"], []) and first < last <= model.brief_year:
            return (first, last), None
    return None, None


@record
class Clause:
    """A clause that says when: what it leaves of the question's content, and the time it gives."""

    #: the question's content words without the clause's
    content: tuple[str, ...]
    #: the tokens the clause spans, when it only dates the question (the question is the words outside it)
    span: tuple[int, int] | None = None
    #: the year of the fact it describes, and the word opening it ("when", "after", "since")
    year: int | None = None
    opener: str = ""


def after_clause(model: Model, frame: Frame) -> Clause | None:
    """ "What has X done since it moved into Y?": the clause says when, not what is asked.

    Return what the clause leaves of the question's content, and, for a clause that only dates the question
    ("who led X when it joined Y?" asks "who led X?"; "after the French pushed them out of the towns, what
    kind of warfare did they go back to?"), its span and the year of the fact it describes; ``None`` when
    there is no such clause.  Its verbs and nouns are no content words (a fact repeating the move would
    answer nothing); the places a clause after "since" names stay, since what followed happened there.
    """
    lang = model.lang
    tokens = frame.tokens
    if tokens and tokens[0] in lang.clause_openers and tokens[0] not in lang.question_words:
        opening = _opening_clause(model, frame)
        if opening is not None:
            return opening
    for i, token in enumerate(tokens[:-2]):
        subject = tokens[i + 1]
        named = any(m.start == i + 1 for m in frame.mentions)
        if token not in lang.clause_openers or (subject not in lang.clause_subjects and not named):
            continue
        if i == 0 and token in lang.question_words:
            continue
        if not any(m.start > i + (0 if named else 1) for m in frame.mentions):
            # "after it was created": no place or event to anchor the clause; its words may be the point
            return None
        # (inside the question, its words as read too: "once they were in charge" is read "leader", which is
        # no content either)
        clause = set(tokens[i + 2 :]) | ({w for j, w in frame.read if j >= i + 2} if i else set())
        content = tuple(w for w in frame.content if w not in clause)
        if content == frame.content:
            return None
        said = tuple(w for w in frame.content if w in clause)
        year = _year_of(model, frame, i, len(tokens), said)
        if token not in lang.dating_clause_openers:
            # "what did they do once they were in charge?": from the year of what the clause describes on
            return Clause(content, None, year if i else None, token)
        # a clause the brief gives no date for may be what is asked ("where did X go when Y cracked down?")
        return Clause(content, (i, len(tokens)), year, token) if year is not None else None
    return None


def _opening_clause(model: Model, frame: Frame) -> Clause | None:
    """ "After the French pushed them out of the towns, what ...?": a clause before the question's own
    question word; it dates the question when it reads as one dated fact of the brief."""
    tokens = frame.tokens
    lang = model.lang
    end = next((j for j in range(2, len(tokens)) if tokens[j] in lang.question_words), None)
    if end is None and "," in frame.text:
        # "after being pushed out of the north, did they spread ...?": a yes/no question after the comma
        comma = len(normalize(frame.text[: frame.text.index(",")]).split())
        if 2 <= comma < len(tokens) and tokens[comma] in lang.yes_no_starts:
            end = comma
    if end is None or end >= len(tokens) - 1:
        return None
    said = [w for j, w in frame.read if 0 < j < end and w in frame.content]
    if not said:
        return None
    year = _year_of(model, frame, 0, end, tuple(said))
    if year is None:
        return None
    content = list(frame.content)
    for w in said:
        content.remove(w)
    return Clause(tuple(content), (0, end), year, tokens[0])


def _year_of(model: Model, frame: Frame, start: int, end: int, said: tuple[str, ...]) -> int | None:
    """The year of the one fact the clause over ``start:end`` describes ("when it united with Al Qaeda":
    2006).  The clause's subject, when a pronoun, is what the question names outside it."""
    inside = tuple(m for m in frame.mentions if start < m.start and m.end <= end)
    outside = tuple(m for m in frame.mentions if m.end <= start or m.start >= end)
    # (inside a question, "when the Islamic State split off" is still of what the question names: AQIM's
    # allegiance; a clause opening the question names its own subject)
    subjects = model.lang.pronouns if start == 0 else model.lang.clause_subjects
    pronoun = frame.tokens[start + 1] in subjects
    mentions = (*outside[:1], *inside) if pronoun else inside
    probe = frame._replace(
        answer_type="when", content=said, mentions=mentions, years=(), period=None, wanted=(), asked_noun=""
    )
    words = model.index.resolve_words(said)
    found = model.index.score(probe, tuple(m.entity for m in mentions), words, limit=2)
    if not found or found[0].score < _DATING_SCORE or found[0].lexical < 0.5:
        return None
    return found[0].fact.year_from
