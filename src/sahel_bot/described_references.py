"""References by description: "the Mali one", "the one in Burkina Faso", "the Malian leader".

A description points back at what the conversation talked of by where it took place or where its person
is from, rather than by a pronoun; kept apart from ``dialogue`` (which resolves every reference of a turn)
because each reads the facts of what was talked of.  May import: ``model``, ``entities``, ``context``,
``phrases``.
"""

from __future__ import annotations

from .context import Context
from .entities import Mention
from .model import Model
from .phrases import by_demonym

__all__ = ["origin_reference", "the_one_in"]


def the_one_in(
    model: Model, tokens: tuple[str, ...], mentions: list[Mention], context: Context
) -> tuple[Mention, Mention] | None:
    """ "the Mali one", "the Burkina Faso one": of the events talked of (and their parts), the one whose
    facts place it in the named place or in a part of it; the place's mention and the event's, or ``None``."""
    lang = model.lang
    for m in mentions:
        if model.cls[m.entity] != "place" or by_demonym(model, m):
            continue  # ("the Malian one": the one from Mali, a group, not the one that took place there)
        before = tokens[max(0, m.start - 3) : m.start]
        if len(before) == 3 and before[0] in lang.definite_articles and before[1] in lang.one_words:
            start, end = m.start - 3, m.end  # "the one in Mali"
        elif (
            m.start
            and tokens[m.start - 1] in lang.definite_articles
            and tokens[m.end : m.end + 1] in ((w,) for w in lang.one_words)
        ):
            start, end = m.start - 1, m.end + 1  # "the Mali one"
        else:
            continue
        talked = [e for e in context.talked_of if model.cls.get(e) == "event"]
        parts = [e.id for e in model.entities.values() if set(e.part_of) & set(talked)]
        for event in dict.fromkeys((*parts, *talked)):
            places = {p for f in model.index.by_entity.get(event, ()) for p in model.index.places[f.id]}
            if m.entity in places or any(m.entity in model.entities[p].part_of for p in places):
                words = " ".join(tokens[start:end])
                return m, Mention(event, start, end, model.entities[event].name, words, 100.0, "context")
    return None


def origin_reference(
    model: Model, tokens: tuple[str, ...], mentions: list[Mention], context: Context
) -> tuple[Mention, Mention] | None:
    """ "the Malian leader", "the Algerian": a person the conversation talked of who is from the country
    named as an adjective; the country's mention and the person's, or ``None``."""
    lang = model.lang
    for m in mentions:
        if m.start == 0 or tokens[m.start - 1] not in lang.definite_articles or model.scale.get(m.entity) != "country":
            continue
        noun = tokens[m.end] if m.end < len(tokens) else ""
        if noun not in model.role_nouns and model.noun_class(noun) != "person":
            continue
        people = [
            e
            for e in context.talked_of
            if model.cls.get(e) == "person" and m.entity in model.index.origins.get(e, frozenset())
        ]
        if people:
            words = " ".join(tokens[m.start - 1 : m.end + 1])
            person = Mention(people[0], m.start - 1, m.end + 1, model.entities[people[0]].name, words, 100.0, "context")
            return m, person
    return None


def occasion_counted(
    model: Model, tokens: tuple[str, ...], mentions: list[Mention], context: Context
) -> Mention | None:
    """ "How many people died in total?" after talking of the Bamako attack: a count that names nothing
    counts on the occasion the conversation is about (the last event talked of), as a mention at the end."""
    if mentions or context.is_empty or not any(tokens[: len(c)] == c for c in model.counting_cues):
        return None
    event = next((e for e in context.talked_of if model.cls.get(e) == "event"), None)
    if event is None:
        return None
    return Mention(event, len(tokens), len(tokens), model.entities[event].name, "", 100.0, "context")
