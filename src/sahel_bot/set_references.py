"""What plural references point at: "they" and "those two groups" at the last set, "their two groups" at the
groups of the people talked about.

Kept apart from ``dialogue`` (which resolves every reference of a turn) because a set is made of several
entities and takes the turn's words in a way of its own.  May import: ``model``, ``entities``, ``context``.
"""

from __future__ import annotations

from .context import Context
from .entities import Mention
from .model import Model

__all__ = ["owned_by", "set_reference"]


def set_reference(
    model: Model, tokens: tuple[str, ...], mentions: list[Mention], context: Context, idiom: set[int]
) -> tuple[list[Mention], str] | None:
    """ "how were they able to ...?" after a list, "what do those two groups want?": a set, not one entity.

    A plural pronoun points at the last set (what a list answer listed, or a question named together) when
    it is recent; "those two groups", "both groups" at that set too, or at the last groups named.
    """
    lang = model.lang
    named_classes = {model.cls[m.entity] for m in mentions}
    recent = 0 <= context.turn - context.group_turn <= 2
    for i, token in enumerate(tokens):
        if any(m.start <= i < m.end for m in mentions) or i in idiom:
            continue
        end = i + 1
        count: int | None = None
        kind = ""
        types: tuple[str, ...] = ()
        described = False
        paired = False
        after = tokens[i + 1 : i + 3]
        if token in lang.set_pronouns and after[:1] and after[0] in lang.pair_words:
            # "are they both Algerian?": two, of whatever kind
            count, end, paired = 2, i + 2, True
        elif (
            token in lang.pair_words
            and len(after) == 2
            and after[0] in lang.partitives
            and after[1] in lang.set_pronouns
        ):
            # "were both of them ...?"
            count, end, paired = 2, i + 3, True
        elif token in lang.set_determiners:
            j = i + 1
            if j < len(tokens) and tokens[j] in lang.number_words:
                count, j = lang.number_words[tokens[j]], j + 1
            if j < len(tokens) and tokens[j] in model.type_nouns and tokens[j].endswith("s"):
                kind, end, types = model.noun_class(tokens[j]), j + 1, model.type_nouns[tokens[j]]
            elif count is not None and j < len(tokens) and model.is_plural(tokens[j]) and model.noun_class(tokens[j]):
                # "the two attacks": a word describing things of a type
                kind, end, types = model.noun_class(tokens[j]), j + 1, model.type_words[tokens[j]]
                described = True
            elif token == "both" and j < len(tokens) and tokens[j] in model.type_nouns:
                kind, end, count = model.noun_class(tokens[j]), j + 1, 2
            elif count is None:
                continue
            else:
                end = j  # ("those two": the number is part of the reference)
        elif token in lang.set_pronouns and recent:
            kind = model.cls[context.group[0]] if context.group else ""
            # ("which of them are Algerian?": a place the turn names is what it asks of the set; anything
            # else it names, "were any Americans killed in them?", leaves "them" to what the answers spoke of)
            if any(model.cls[m.entity] != "place" for m in mentions) or (mentions and kind == "place"):
                continue
        elif token in lang.set_pronouns and token in lang.possessive_pronouns and not mentions:
            # "what do their two groups want?" after talking of two leaders: the groups they lead
            j = i + 1
            if j < len(tokens) and tokens[j] in lang.number_words:
                count, j = lang.number_words[tokens[j]], j + 1
            if j >= len(tokens) or tokens[j] not in model.type_nouns:
                continue
            kind, end = model.noun_class(tokens[j]), j + 1
            people = [
                e
                for e in dict.fromkeys((*context.entities, *context.named, *context.heard))
                if model.cls.get(e) == "person"
            ][: count or 2]
            owned = [g for p in people if (g := owned_by(model, p, kind)) is not None]
            if len(owned) >= 2:
                words = " ".join(tokens[i:end])
                first = Mention(owned[0], i, end, model.entities[owned[0]].name, words, 100.0, "set")
                rest = [
                    Mention(e, len(tokens), len(tokens), model.entities[e].name, words, 100.0, "set") for e in owned[1:]
                ]
                names = ", ".join(model.entities[e].short for e in owned)
                return [first, *rest], f"from the conversation: '{words}' = {names}"
            continue
        else:
            continue
        if kind in named_classes:
            continue  # "which groups does AQIM fund, and do they ...": the question names its own
        members = _set_of(model, context, kind, count, recent, types, described, paired)
        if len(members) < 2:
            continue
        words = " ".join(tokens[i:end])
        # (method "set": a fact about any member is about what was asked, see retrieval)
        first = Mention(members[0], i, end, model.entities[members[0]].name, words, 100.0, "set")
        # the other members are named by the same words: they take no place of their own in the question
        rest = [Mention(e, len(tokens), len(tokens), model.entities[e].name, words, 100.0, "set") for e in members[1:]]
        merged = sorted([*mentions, first], key=lambda m: m.start) + rest
        names = ", ".join(model.entities[e].short for e in members)
        return merged, f"from the conversation: '{words}' = {names}"
    return None


def _set_of(
    model: Model,
    context: Context,
    kind: str,
    count: int | None,
    recent: bool,
    types: tuple[str, ...] = (),
    described: bool = False,
    paired: bool = False,
) -> list[str]:
    """The members a plural reference points at: the last set when recent, else the last ones named, else
    (for "the groups", a noun of a type) the ones of that type the conversation talks of."""
    if recent and context.group and (count is None or len(context.group) == count):
        members = [e for e in context.group if not kind or model.cls.get(e) == kind]
        # the one the conversation has been about comes first ("when did the Islamic State acknowledge
        # them?" ... "where have they claimed attacks?": IS-GS, the topic, then the Islamic State): the
        # subject of the most answers, and of those the one talked about longest
        first = {e: n for n, e in reversed(list(enumerate(context.recent)))}
        if len(members) >= 2:
            return sorted(members, key=lambda e: (-context.recent.count(e), first.get(e, len(context.recent))))
    if count is not None and not kind:
        # "which attacks did the two claim together?": the two the last answer was about (what the last
        # question named and what it pointed back to), of the kinds that act
        agents = [e for e in context.entities if model.cls.get(e) in ("group", "person")]
        if len(agents) == count and not paired:
            return agents
        fresh = next((e for e in agents if e not in context.asked), agents[0] if agents else None)
        if paired and fresh is not None:
            # "are they both Algerian?": of the kind of thing the last answer brought up (Hammam, after "who
            # runs its Sahel operations?"), the ones talked of, that one first
            alike = [e for e in context.talked_of if model.cls.get(e) == model.cls[fresh]]
            alike = [fresh, *(e for e in alike if e != fresh)]
            if len(alike) >= count:
                return alike[:count]
    named = [e for e in context.named if e in model.entities and (not kind or model.cls[e] == kind)]
    if count is not None and len(named) >= count:
        return named[:count]
    if not types:
        return []
    # "what have the groups done since then?" after the French intervention against three of them: the
    # groups (not France's military, an organisation of another type) the answers spoke of
    talked = [e for e in context.talked_of if e in model.entities and model.entities[e].type in types]
    if described:
        # ("the two attacks": those of the type the questions named, the newest first, then those the last
        # answer spoke of)
        talked = [e for e in dict.fromkeys((*context.named, *context.entities)) if e in talked]
    return talked[: count or len(talked)] if len(talked) >= (count or 2) else []


def owned_by(model: Model, person: str, owned: str, led: bool = False) -> str | None:
    """The entity of class ``owned`` a fact has ``person`` act on, the group he leads first (only that one
    when ``led``)."""
    agents = model.giving.get("agent", frozenset())
    facts = sorted(
        (
            f
            for f in model.index.by_entity.get(person, ())
            if f.subject == person and f.object in model.entities and (not led or f.relation in agents)
        ),
        key=lambda f: (f.relation not in agents, -f.weight, f.id),
    )
    return next((f.object for f in facts if model.cls.get(f.object or "") == owned), None)
