"""The dialogue stage: what a turn points back to ("he", "that group", "there", "and the MLF?").

Given the conversation's state (``context.Context``) and the names a turn uses, it resolves pronouns
and descriptors to the entity they stand for and recognises a follow-up that asks the last question
about something new.  How the state moves on after a turn is ``context.next_context``.
May import: ``entities``, ``model``, ``context``.
"""

from __future__ import annotations

from typing import NamedTuple

from .context import Context
from .entities import Mention
from .model import Model

__all__ = ["Resolution", "resolve_references"]


class Resolution(NamedTuple):
    """The turn's mentions with references to the conversation filled in, and how."""

    mentions: list[Mention]
    note: str = ""
    #: the last question's intent when the turn asks it again about a new subject ("and the MLF?")
    follow_intent: str | None = None


def resolve_references(model: Model, tokens: tuple[str, ...], mentions: list[Mention], context: Context) -> Resolution:
    """Fill pronouns and elliptical follow-ups from the context."""
    if context.is_empty:
        return Resolution(mentions)
    lang = model.lang
    joined = " ".join(tokens)
    mentioned = sum(m.end - m.start for m in mentions)
    if mentions and context.intent and (context.intent in model.intents or context.words):
        others = [t for i, t in enumerate(tokens) if not any(m.start <= i < m.end for m in mentions)]
        bare = all(t in lang.follow_up_fillers or t in ("and", "what", "about", "how", "the") for t in others)
        if (lang.follow_up_openers.match(joined) and len(tokens) <= mentioned + 3) or (bare and len(others) <= 3):
            note = f"follow-up: the last question ({context.intent}) about a new subject"
            return Resolution(mentions, note, context.intent)
    if lang.about_the_document.search(joined):
        # "when was it published?": "it" is the brief, which is no entity
        return Resolution(mentions)
    taken = {model.cls[m.entity] for m in mentions}
    added: list[Mention] = []
    for i, token in enumerate(tokens):
        if any(m.start <= i < m.end for m in mentions):
            continue
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token in lang.demonstratives and following:
            if _descriptor(model, following) or (following not in lang.stopwords and not _points_on(model, following)):
                # "that group": the noun says what kind of thing is meant; "that affiliate": something this
                # bot has no name for, not the last subject
                continue
        kind = lang.pronouns.get(token)
        previous = tokens[i - 1] if i else ""
        if previous in lang.saying_verbs and token in lang.demonstratives:
            continue  # "who says that?": the claim the last answer made, which no entity stands for
        adjective = ""
        if previous in lang.anaphoric_adjectives and i >= 2 and tokens[i - 2] in ("the", "this", "that"):
            # "the new group", "the merged group", "the latter group"
            adjective, previous = previous, tokens[i - 2]
        descriptor = _descriptor(model, token) if following != "of" else ""
        if descriptor and previous in lang.definite_articles:
            kind = descriptor
            if kind == "event" and mentions:
                continue  # "who claimed the attack in Bamako?": the question says which
        if kind is None:
            continue
        # a pronoun before every name in the question cannot stand for one of them: "is it tied to the
        # Islamic State?", "did that make it richer than other Al Qaeda branches?" ask about the subject
        first = bool(mentions) and i < min(m.start for m in mentions)
        # "does AQIM give it money?": an object pronoun after a name is someone else than that name
        other = bool(mentions) and not first and token in lang.object_pronouns and previous not in lang.articles
        if mentions and kind == "any" and not first and not other:
            if token not in lang.neuter_pronouns or taken - {"place"}:
                continue
            kind = "group"
        demonstrative = bool(descriptor) and (previous in lang.demonstratives or bool(adjective))
        definite = bool(descriptor) and previous == "the" and not adjective
        # "his group": a possessive before a noun of a kind points at an entity of that kind
        owned = ""
        if token in lang.possessive_pronouns and following in model.type_nouns:
            owned = _descriptor(model, following)
        entity = _context_entity(
            model,
            owned or kind,
            context,
            token if descriptor else "",
            newest=demonstrative,
            topic=definite,
            merged=adjective in lang.result_adjectives,
        )
        if entity is None or any(m.entity == entity for m in mentions):
            continue
        if model.cls[entity] in taken and not first and not other:
            continue
        added.append(Mention(entity, i, i + 1, model.entities[entity].name, token, 100.0, "context"))
        break
    if added:
        names = ", ".join(f"'{m.words}' = {model.entities[m.entity].short}" for m in added)
        merged = sorted([*mentions, *added], key=lambda m: m.start)
        return Resolution(merged, f"from the conversation: {names}")
    return Resolution(mentions)


def _descriptor(model: Model, noun: str) -> str:
    """Return the class a noun describes ("group" -> group, "town" -> place), or "" (a role noun: none)."""
    if noun in model.role_nouns:
        return ""  # "the leader" names someone by their relation to another, not a thing talked about
    types = model.type_words.get(noun)
    if not types:
        return ""
    return model.knowledge.types[types[0]].cls


def _points_on(model: Model, word: str) -> bool:
    """Whether "that <word>" still points at the last subject: a verb ("did that make ..."), an event noun."""
    return word in model.lang.that_verbs or _descriptor(model, word) == "event"


def _context_entity(
    model: Model,
    kind: str,
    context: Context,
    noun: str,
    newest: bool = False,
    topic: bool = False,
    merged: bool = False,
) -> str | None:
    """Return the conversation's entity of ``kind`` a reference points at, or ``None``.

    ``noun`` is the descriptor used ("the arrest"): an entity whose name uses it comes first.
    """
    pool = [e for e in ((context.subject,) if context.subject else ()) + context.entities if e in model.entities]
    if merged:
        # "the new group": what the groups just talked about became
        results = [
            (f.object if model.relations[f.relation].result == "object" else f.subject)
            for e in pool
            for f in model.index.by_entity.get(e, ())
            if model.relations[f.relation].result
            and (f.subject if model.relations[f.relation].result == "object" else f.object) == e
        ]
        results = [r for r in results if r in model.entities]
        # the entity most of them became comes first
        ranked = sorted(dict.fromkeys(results), key=lambda e: -results.count(e))
        pool = ranked + pool
    elif newest:
        # "that group" points at what the last answer brought up, not at what was asked about
        fresh = [e for e in context.entities if e not in context.asked and e in model.entities]
        pool = fresh + [e for e in pool if e not in fresh]
    elif topic and context.recent:
        # "the group": the one the conversation has been about most (ties: the one it began with)
        counts = {e: context.recent.count(e) for e in context.recent}
        first = {e: context.recent.index(e) for e in context.recent}
        ranked = sorted(counts, key=lambda e: (-counts[e], first[e]))
        pool = [e for e in ranked if e in model.entities] + [e for e in pool if e not in ranked]
    wanted: str | None = None if kind == "any" else kind
    if noun and noun not in model.type_nouns:
        # "the arrest", "that siege": a descriptor names what it describes; nothing talked about so far is
        # called that, so it is no reference back, and its own words will find the facts
        stem = model.stem(noun)
        pool = [e for e in pool if any(stem in map(model.stem, n.split()) for n in model.names[e])]
        if not pool:
            return None
    for entity in pool:
        if wanted is None or model.cls[entity] == wanted:
            return entity
    if wanted == "event" or (kind == "any" and pool):
        return pool[0] if pool else None
    return None
