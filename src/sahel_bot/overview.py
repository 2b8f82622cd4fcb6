"""Answers that could go on: an overview of an entity, a timeline, what a year held.

The short answer comes first — who or what it is, in a sentence or two (``overview_words``), or the first
years of a timeline (``answer_words``) — then an offer naming what else there is ("More: funding,
attacks"); the rest waits behind "more", which gives it a chunk at a time.  Each thing is said once, and a
fact the entity's description was written from is not said again beside it.
May import: ``model``, ``frame``, ``reading``, ``statements``, ``knowledge.schema``.
"""

from __future__ import annotations

from .knowledge.schema import Entity, Fact
from .model import Model
from .statements import coordinate, said_once, statement_words, unrepeated

__all__ = ["Said", "description_lead", "events", "more_of", "offer", "overview", "same_event", "timeline", "words_in"]

#: What an answer says, the facts it says, and the facts it leaves for "more" (``offer`` names them).
Said = tuple[str, list[Fact], list[Fact]]


def words_in(text: str) -> int:
    return len(text.split())


def description_lead(entity: Entity, budget: int) -> str:
    """The entity's description as a lead ("Koufa: an ethnic Fulani ..."), cut at a clause to fit ``budget``."""
    description = entity.description
    if entity.name.lower() not in description.lower():
        description = f"{entity.name}: {description}"
    if words_in(description) <= budget:
        return description
    # cut at the last clause boundary that fits (";" first, then ","), and close the sentence
    for mark in (";", ","):
        parts = description.split(mark)
        while len(parts) > 1 and words_in(mark.join(parts)) > budget:
            parts.pop()
        if len(parts) > 1 or words_in(parts[0]) <= budget:
            kept = mark.join(parts).rstrip(" ,;")
            if words_in(kept) <= budget:
                return kept.rstrip(".") + "."
    return " ".join(description.split()[:budget]).rstrip(",;") + "…"


def offer(model: Model, rest: list[Fact] | tuple[Fact, ...]) -> str:
    """ "More: funding, attacks.": what the facts left over are about, by their relations' labels."""
    if not rest:
        return ""
    topics = list(dict.fromkeys(model.relations[f.relation].label for f in rest if f.relation in model.relations))
    if not topics:
        return model.lang.message("more_plain")
    return model.lang.message("more_offer", topics=", ".join(topics[:4]))


#: How many facts an answer that stops at a word budget looks at: more than it can say.
_WINDOW = 8

#: A fact this much of whose content words the lead has (the entity's names count as said) is said by it.
LEAD_SAYS = 0.7


def _fresh(model: Model, ones: list[Fact], lead: str, names: frozenset[str]) -> list[Fact]:
    """The facts to say (``ones``: each said once), leaving out those the lead (a description written from
    them) says; the entity's ``names`` count as said."""
    if not lead:
        return ones
    lead_words = statement_words(model, lead)
    told = lead_words | names
    fresh = []
    for f in ones:
        words = statement_words(model, f.statement)
        if not words or len(words & told) / min(len(words), len(lead_words) or 1) < LEAD_SAYS:
            fresh.append(f)
    return fresh


def _name_words(model: Model, entity: Entity | None) -> frozenset[str]:
    if entity is None:
        return frozenset()
    return frozenset(w for n in entity.names for w in statement_words(model, n))


def _once(model: Model, facts: list[Fact], once: bool) -> list[Fact]:
    """The facts, each thing said once: ``once`` when they already are (an entity's overview or timeline,
    made so when the model was built: saying once compares every pair, too slow to do per question)."""
    return list(facts) if once else said_once(model, unrepeated(model, facts))


def overview(model: Model, entity: Entity | None, facts: list[Fact], once: bool = False) -> Said:
    """Who or what the entity is, briefly, then what else there is to ask."""
    budget = model.lang.overview_words
    # room is left for the brief's date (when the answer is about the present) and the offer of more
    room = budget - words_in(model.lang.message("as_of", date="")) - 6
    lead = description_lead(entity, room) if entity is not None and entity.description else ""
    ones = _once(model, facts, once)
    names = _name_words(model, entity)
    fresh = _fresh(model, ones, lead, names)
    # the facts the lead was written from are said by it: one for each sentence the entity cites (else
    # the facts the lead says again) are cited, and the next turn may ask on from them
    kept = {f.id for f in fresh}
    sources = entity.cites if entity is not None and lead else ()
    covered: list[Fact] = []
    lead_words = statement_words(model, lead) - names if lead else frozenset()
    for sid in sources:
        # a fact of that sentence that says part of the lead (three of its words besides the name)
        found = [f for f in ones if sid in f.cites and len(statement_words(model, f.statement) & lead_words) >= 3]
        found.sort(key=lambda f: f.id in kept)
        if found and found[0] not in covered:
            covered.append(found[0])
    if lead and not covered:
        covered = [f for f in ones if f.id not in kept][:3]
    said: list[Fact] = list(covered)
    text = lead
    # only the first few can be said before "more": coordinating them all would compare every pair
    for statement, members in coordinate(model, fresh[:_WINDOW]):
        # a defining fact more, when there is room for it and the offer
        if words_in(text) + words_in(statement) > room or (lead and len(said) > len(covered)):
            break
        text = f"{text} {statement}".strip()
        said += members
    done = {f.id for f in said[len(covered) :]}
    rest = [f for f in fresh if f.id not in done]
    return (text, said, rest)


def _specific(model: Model, date: str | None) -> bool:
    """Whether a date names a time within its year ("January 2013", "late 2016"), not just the year."""
    words = (date or "").lower().split()
    return any(w in model.lang.months or w in model.lang.month_positions for w in words)


def same_event(model: Model, a: Fact, b: Fact) -> bool:
    """Whether two facts tell one event: they cite one sentence, or, of one year, name one event ("the
    2013 gas plant siege") or share a thing and a date more precise than the year ("October 2016")."""
    if a.cites[:1] == b.cites[:1]:
        return True
    if a.year_from != b.year_from:
        return False
    shared = set(a.entities) & set(b.entities)
    if any(model.cls.get(e) == "event" for e in shared):
        return True
    return bool(shared) and a.date == b.date and _specific(model, a.date)


def events(model: Model, facts: list[Fact]) -> list[list[Fact]]:
    """The facts grouped by the event they tell, in the order each event first comes.

    A fact joins the event whose first fact it tells the same event as: chaining through the facts in
    between would join a merger to an intervention through a group both name.
    """
    groups: list[list[Fact]] = []
    for fact in facts:
        group = next((g for g in groups if same_event(model, fact, g[0])), None)
        if group is None:
            groups.append([fact])
        else:
            group.append(fact)
    return groups


def _dated(fact: Fact) -> str:
    return f"{fact.date}: {fact.statement}" if fact.date else fact.statement


def _lines(firsts: list[Fact], seconds: list[Fact], budget: int) -> list[Fact]:
    """The facts that fit ``budget`` words as dated lines: the firsts in order, each that still fits,
    then the seconds while there is room."""
    said: list[Fact] = []
    used = 0
    for group in (firsts, seconds):
        for f in group:
            n = words_in(_dated(f))
            if said and used + n > budget:
                continue
            said.append(f)
            used += n
    return said


def timeline(model: Model, facts: list[Fact], by_event: bool = False, once: bool = False) -> Said:
    """What happened, a dated line each, oldest first, as far as ``answer_words`` goes.

    A timeline first gives each year its most central fact (``by_event``: each event of the year one
    fact), then a second while there is room; the rest waits behind "more".
    """
    fresh = _once(model, facts, once)
    if by_event:
        groups = events(model, fresh)
    else:
        years: dict[int | None, list[Fact]] = {}
        for f in fresh:
            years.setdefault(f.year_from, []).append(f)
        groups = list(years.values())
    groups = [sorted(g, key=lambda f: (-f.weight, words_in(f.statement))) for g in groups]
    firsts = [g[0] for g in groups]
    if not by_event and len(firsts) > 2:
        # a timeline spans its years: the first and the last come before the ones between
        firsts = [firsts[0], firsts[-1], *firsts[1:-1]]
    # an event's other facts wait behind "more"; a year's second fact fills the room a timeline has left
    seconds = [f for g in groups for f in g[1:] if not same_event(model, f, g[0])]
    said = _lines(firsts, [] if by_event else seconds, model.lang.answer_words - 8)
    done = {f.id for f in said}
    rest = [f for g in groups for f in g if f.id not in done]
    order = {f.id: i for i, f in enumerate(fresh)}
    said.sort(key=lambda f: (f.year_from or 9999, model.month(f.date), order[f.id]))
    return ("\n".join(_dated(f) for f in said), said, rest)


def more_of(model: Model, facts: list[Fact]) -> Said:
    """The next chunk of what an answer left over, and what is still left after it."""
    budget = model.lang.more_chunk_words
    window = facts[: 2 * _WINDOW]
    ones = said_once(model, window)
    # a fact that says nothing the window's others do not is done with, not left for the next "more"
    done = {f.id for f in window} - {f.id for f in ones}
    said: list[Fact] = []
    texts: list[str] = []
    for statement, members in coordinate(model, ones):
        if texts and words_in(" ".join(texts)) + words_in(statement) > budget:
            break
        texts.append(statement)
        said += members
    done |= {f.id for f in said}
    rest = [f for f in facts if f.id not in done]
    return (" ".join(texts), said, rest)
