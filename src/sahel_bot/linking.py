"""The link stage: which entities the question is about — named, pointed at in the conversation, or
described by a title or role ("AQIM leader X", "the head of the MLF") — and which places it sets aside.

Names the brief does not cover are kept apart (the question is then declined honestly), and a place the
question reaches past ("beyond northern Mali") stays named without being asked about.  The references
to earlier turns are resolved by ``dialogue``; everything else about mentions is decided here.
May import: ``entities``, ``model``, ``context``, ``dialogue``.
"""

from __future__ import annotations

import re

from .context import Context
from .cues import YEAR
from .described_references import occasion_counted
from .dialogue import ones_meant, resolve_references
from .entities import Mention
from .model import Model
from .normalize import normalize, possessed
from .records import record
from .set_references import owned_by

__all__ = ["Mentions", "link", "names_in", "owned_names"]


@record
class Mentions:
    """What the question points at: the brief's entities (with spans over ``tokens``) and what else."""

    tokens: tuple[str, ...]
    #: the brief's entities, left to right: named, resolved from the conversation, or by role
    found: tuple[Mention, ...]
    #: names the brief does not cover
    outside: tuple[Mention, ...] = ()
    #: the question itself names one of the brief's entities (not only through the conversation)
    explicit: bool = False
    #: places set aside ("beyond northern Mali"), and the words that are no content words any more
    beyond: tuple[str, ...] = ()
    aside: frozenset[str] = frozenset()
    #: the spans of names set in contrast ("rather than Al Qaeda"), with the words that contrast them
    contrasted: tuple[tuple[int, int], ...] = ()
    #: the last question's intent, when this one is that question about something new ("and the MLF?")
    follow_intent: str | None = None
    #: a bare follow-up ("when?", "and where exactly?"): no name and no word of its own
    bare: bool = False
    #: what was resolved and how, for the explanation
    notes: tuple[str, ...] = ()


def names_in(model: Model, text: str, tokens: list[str] | tuple[str, ...]) -> list[Mention]:
    """Return the entities named in ``tokens``, without the readings that are never meant.

    "this CRS brief": the publisher's name before a word for the document names the document; a name that
    is also an ordinary English word ("US" / "us") counts only when typed as a name (in capitals).
    """
    mentions = model.linker.link(list(tokens))
    lang = model.lang
    kept = []
    for m in mentions:
        if m.entity in model.publishers and m.end < len(tokens) and tokens[m.end] in lang.document_nouns:
            continue
        if m.entity in model.publishers and m.start and tokens[m.start - 1] in lang.demonstratives:
            continue  # "who wrote this CRS In Focus?": the publisher's series, pointed at, is this document
        if m.words in lang.stopwords and m.words in model.speller.common:
            # ("the us": after "the", a name, whatever its case)
            nth = sum(1 for t in tokens[: m.start] if t == m.words)
            if not (m.start and tokens[m.start - 1] in lang.name_articles) and not _typed_as_name(text, m.words, nth):
                continue
        kept.append(m)
    return _located(model, tokens, kept)


def _located(model: Model, tokens: list[str] | tuple[str, ...], mentions: list[Mention]) -> list[Mention]:
    """Without a place named right after an event as where it happened ("the gas plant siege in Algeria"),
    when the event's own name or description says so: the place is no second subject of the question."""
    lang = model.lang
    kept = []
    for m in mentions:
        event = next((p for p in mentions if p.end == m.start - 1 and model.cls.get(p.entity) == "event"), None)
        if event is not None and model.cls.get(m.entity) == "place" and tokens[m.start - 1] in lang.located_words:
            entity = model.entities[event.entity]
            said = f" {normalize(entity.name)} {normalize(entity.description)} "
            if any(f" {n} " in said for n in model.names.get(m.entity, ())):
                continue
        kept.append(m)
    return kept


def _typed_as_name(text: str, word: str, nth: int = 0) -> bool:
    """Whether the ``nth`` time ``word`` appears in ``text`` it is in capitals, dotted or not ("US", "U.S"),
    as a word of its own (the "IS" of "IS-GS" is part of another name; "who is the head of IS" has one)."""
    pattern = r"(?<![\w-])" + r"\.?".join(re.escape(c) for c in word) + r"\.?(?![\w-])"
    found = list(re.finditer(pattern, text, re.IGNORECASE))
    if nth >= len(found):
        return False
    typed = found[nth].group()
    return typed.replace(".", "") == word.upper()


def link(
    model: Model,
    text: str,
    tokens: tuple[str, ...],
    names: tuple[Mention, ...],
    context: Context,
) -> Mentions:
    """Return the question's mentions: names, references to the conversation, roles, places set aside."""
    tokens = ones_meant(model, tokens, context)
    outside = tuple(m for m in names if model.cls[m.entity] == "outside")
    inside = [m for m in names if model.cls[m.entity] != "outside"]
    bare = bool(tokens) and not inside and set(tokens) <= model.lang.bare_follow_up
    resolved = resolve_references(model, tokens, inside, context)
    implied = occasion_counted(model, tokens, resolved.mentions, context)
    if implied is not None:
        resolved = resolved._replace(
            mentions=[implied], note=f"the occasion talked of: {model.entities[implied.entity].short}"
        )
    notes = [resolved.note] if resolved.note else []
    found, role_note = _resolve_roles(model, tokens, resolved.mentions)
    if role_note:
        notes.append(role_note)
    found, owned_note = owned_names(model, text, tokens, found)
    if owned_note:
        notes.append(owned_note)
    found = _dated_events(model, tokens, found)
    found, beyond, aside, contrasted = _set_aside(model, tokens, found)
    return Mentions(
        tokens=tokens,
        found=tuple(found),
        outside=outside,
        explicit=bool(inside),
        beyond=beyond,
        aside=aside,
        contrasted=contrasted,
        follow_intent=resolved.follow_intent,
        bare=bare,
        notes=tuple(notes),
    )


def owned_names(model: Model, text: str, tokens: tuple[str, ...], mentions: list[Mention]) -> tuple[list[Mention], str]:
    """Read "Koufa's group" as the group he leads (the entity of the noun's kind a fact has him act on),
    when the question says so with a possessive: "who leads the alliance Koufa's group joined?"."""
    if model.lang.naming_verbs & set(tokens):
        return mentions, ""  # "what does Sahrawi's faction call itself?": its name is what is asked
    owners = possessed(text)
    out, notes = [], []
    for m in mentions:
        noun = tokens[m.end] if m.end < len(tokens) else ""
        kind = model.noun_class(noun) if noun in model.type_nouns else ""
        last = m.words.split()[-1] if m.words else ""
        if model.cls[m.entity] != "person" or kind != "group" or last not in owners:
            out.append(m)
            continue
        # (only a group a fact has him lead: "Sahrawi's faction" is none he is said to lead, it is named for him)
        entity = owned_by(model, m.entity, kind, led=True)
        if entity is None:
            out.append(m)
            continue
        words = " ".join(tokens[m.start : m.end + 1])
        out.append(Mention(entity, m.start, m.end + 1, model.entities[entity].name, words, 100.0, "role"))
        notes.append(f"read '{words}' = {model.entities[entity].short}")
    return out, "; ".join(notes)


def _appositions(model: Model, tokens: tuple[str, ...], mentions: list[Mention]) -> list[Mention]:
    """Fold a title into the person it describes: "AQIM leader Abdelmalik Droukdel", "Koufa, the MLF's chief".

    The group and its title say who the person is; the question is about the person, and a fact need
    not name the group to answer it.
    """
    people = [m for m in mentions if model.cls[m.entity] == "person"]
    if not people:
        return mentions
    out = list(mentions)
    for m in mentions:
        if model.cls[m.entity] != "group":
            continue
        after = tokens[m.end : m.end + 2]
        noun = next((i for i, t in enumerate(after) if t in model.role_nouns), None)
        if noun is None:
            continue
        noun_end = m.end + noun + 1
        for p in people:
            # the person right after the title, or right before the group ("Koufa the MLF leader")
            if p.start == noun_end or p.end == m.start or (p.end == m.start - 1 and tokens[p.end] == "the"):
                out = [x for x in out if x is not m and x is not p]
                start, end = min(p.start, m.start), max(p.end, noun_end)
                out.append(p._replace(start=start, end=end, words=" ".join(tokens[start:end])))
                break
    out.sort(key=lambda x: x.start)
    return out


def _resolve_roles(model: Model, tokens: tuple[str, ...], mentions: list[Mention]) -> tuple[list[Mention], str]:
    """Read "AQIM's leader" as the person who leads AQIM, when the question asks something else about them.

    "Where is AQIM's top leader based?" is a question about that person; "who is AQIM's leader?" is left
    alone, since there the leader is the answer.
    """
    mentions = _appositions(model, tokens, mentions)
    if not tokens or tokens[0] in model.lang.list_starters:
        return mentions, ""
    if any(model.cls[m.entity] == "person" for m in mentions):
        # "is X the leader of Y?": the leader is what is being asked about
        return mentions, ""
    out = list(mentions)
    notes = []
    lang = model.lang
    carried: tuple[str, int] | None = None  # "the leaders of X and Y": the role holds for Y too
    for m in mentions:
        if model.cls[m.entity] != "group":
            continue
        after = tokens[m.end : m.end + 2]
        before = list(tokens[max(0, m.start - 3) : m.start])
        noun = next((t for t in after if t in model.role_nouns), None)
        # the mention grows to take in the noun: the noun names the person here, it is not asked about
        start, end = m.start, m.end
        if noun is not None:
            # "Al Murabitoun's Algerian leader": words between the group and the noun describe the leader
            noun_at = m.end + after.index(noun)
            out = [x for x in out if not (m.end <= x.start and x.end <= noun_at)]
            end = noun_at + 1
        # ("the leader of the newly proclaimed JNIM": words describing the group stand between)
        described = 0
        while (
            noun is None
            and described < 2
            and len(before) > 2
            and before[-1] not in lang.stopwords
            and before[-1] not in model.role_nouns
            and not any(x.start <= m.start - described - 1 < x.end for x in mentions)
        ):
            described += 1
            before = list(tokens[max(0, m.start - 3 - described) : m.start - described])
        article = 1 if before[-1:] == ["the"] else 0  # "the head of the MLF"
        if article:
            before = before[:-1]
        if noun is None and len(before) >= 2 and before[-1] == "of" and before[-2] in model.role_nouns:
            noun = before[-2]
            start = m.start - described - 2 - article
        joined = carried is not None and set(tokens[carried[1] : m.start]) <= lang.coordinators | lang.articles
        if noun is None and carried is not None and joined:
            noun = carried[0]
        if noun is None:
            continue
        carried = (noun, end)
        relation = model.role_nouns[noun]
        holders = sorted(
            (
                f
                for f in model.knowledge.facts
                if f.relation == relation
                and f.object
                and (f.object == m.entity or m.entity in model.entities[f.object].part_of)
                and model.cls[f.subject] == "person"
            ),
            key=lambda f: (-f.weight, f.id),
        )
        if not holders:
            continue
        holder = holders[0].subject
        person = model.entities[holder]
        out = [x for x in out if x is not m] + [
            Mention(holder, start, end, person.name, " ".join(tokens[start:end]), 100.0, "role")
        ]
        notes.append(f"'{' '.join(tokens[start:end])}' = {person.short}")
    out.sort(key=lambda x: x.start)
    return out, ("read " + ", ".join(notes)) if notes else ""


def _dated_events(model: Model, tokens: tuple[str, ...], mentions: list[Mention]) -> list[Mention]:
    """An event's year said just before its name is part of the name ("the 2012 seizure of northern Mali"):
    when the brief dates the event to that year, the mention takes the year in."""
    out = []
    for m in mentions:
        year = tokens[m.start - 1] if m.start > 0 else ""
        if model.cls[m.entity] == "event" and YEAR.fullmatch(year) and m.method in ("exact", "fuzzy"):
            dated = {f.year_from for f in model.index.by_entity.get(m.entity, ()) if f.year_from}
            if int(year) in dated and not any(o.end == m.start for o in mentions):
                m = m._replace(start=m.start - 1, words=f"{year} {m.words}")
        out.append(m)
    return out


def _set_aside(
    model: Model, tokens: tuple[str, ...], mentions: list[Mention]
) -> tuple[list[Mention], tuple[str, ...], frozenset[str], tuple[tuple[int, int], ...]]:
    """Set aside the places a question reaches past: "moved beyond northern Mali", "outside Algeria".

    Such a place is not what the question is about: a region stands for its country (the facts about
    the rest of the country answer), a place without one is dropped; either way it joins ``Frame.beyond``
    so answers name somewhere else.  Also returns the words that are no content words any more: the
    word that set the place aside ("outside their areas" is no match) and the name of a place dropped;
    and the spans of anything named only in contrast ("rather than Al Qaeda"), dropped too.
    """
    lang = model.lang
    kept: list[Mention] = []
    beyond: list[str] = []
    aside = set(lang.aside_words)
    last_aside = -1  # where the last place set aside ends: "beyond North and West Africa" sets both aside
    contrasted: list[tuple[int, int]] = []
    for m in mentions:
        listed = last_aside >= 0 and all(t in lang.coordinators for t in tokens[last_aside : m.start])
        opened = _phrase_before(tokens, m.start, lang.aside_phrases) is not None
        contrast = _phrase_before(tokens, m.start, lang.contrast_phrases)
        if contrast is not None:
            # "... rather than Al Qaeda": named to be contrasted, not asked about (its words ask nothing either)
            aside.update((*tokens[m.start : m.end], *contrast))
            contrasted.append((m.start - len(contrast), m.end))
            continue
        if (
            opened
            and model.cls[m.entity] != "place"
            and not listed
            and any(o is not m and o.method != "context" for o in mentions)
        ):
            # "does Ansar al Dine get money from anyone besides AQIM?": set aside, not asked about; answers
            # name someone else (beside another name the turn gives: "who else besides AQIM ...?" alone, or
            # with a name the conversation supplied, asks of others like it)
            aside.update(tokens[m.start : m.end])
            beyond.append(m.entity)
            continue
        if model.cls[m.entity] == "place" and (opened or listed):
            last_aside = m.end
            beyond.append(m.entity)
            parents = model.entities[m.entity].part_of
            if parents and parents[0] in model.entities:
                kept.append(m._replace(entity=parents[0], method="beyond"))
            else:
                aside.update(tokens[m.start : m.end])
            continue
        kept.append(m)
    return kept, tuple(beyond), frozenset(aside), tuple(contrasted)


def _phrase_before(tokens: tuple[str, ...], at: int, phrases: tuple[tuple[str, ...], ...]) -> tuple[str, ...] | None:
    """The one of ``phrases`` that ends right before ``at`` ("outside", "rather than"), or ``None``."""
    return next((p for p in phrases if tuple(tokens[max(0, at - len(p)) : at]) == p), None)
