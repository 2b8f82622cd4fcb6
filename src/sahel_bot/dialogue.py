"""The dialogue stage: what a turn points back to ("he", "that group", "there", "and the MLF?").

Given the conversation's state (``context.Context``) and the names a turn uses, it resolves pronouns
and descriptors to the entity they stand for and recognises a follow-up that asks the last question
about something new.  How the state moves on after a turn is ``context.next_context``.
May import: ``entities``, ``model``, ``context``.
"""

from __future__ import annotations

from .context import Context
from .described_references import origin_reference, the_one_in
from .entities import Mention
from .model import Model
from .records import record
from .set_references import owned_by, set_reference

__all__ = ["Resolution", "resolve_references"]


@record
class Resolution:
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
    ordinal = _ordinal_reference(model, tokens, mentions, context)
    if ordinal is not None:
        # "what does the second one stand for?": a member of the last list, by its place in it
        names = f"'{ordinal.words}' = {model.entities[ordinal.entity].short}"
        mentions = sorted([*mentions, ordinal], key=lambda m: m.start)
        return Resolution(mentions, f"from the conversation: {names}")
    # "when was the Mali one?": of the occasions talked of, the one that took place there; "going back to the
    # Malian leader, ...": the person talked of who is from there
    for described in (the_one_in, origin_reference):
        found = described(model, tokens, mentions, context)
        if found is not None:
            place, meant = found
            mentions = sorted([m for m in mentions if m is not place] + [meant], key=lambda m: m.start)
            return Resolution(
                mentions, f"from the conversation: '{meant.words}' = {model.entities[meant.entity].short}"
            )
    # "how many made it out?": the pronoun of an idiom points at nothing
    idiom = _in_idioms(model, tokens)
    found = set_reference(model, tokens, mentions, context, idiom)
    plural = Resolution(*found) if found is not None else None
    notes = []
    if plural is not None:
        # "what did that do to them?": the set first, then what else the turn points back to
        notes.append(plural.note)
        idiom |= {m.start for m in plural.mentions if m.method == "set"}
        mentions = plural.mentions
    taken = {model.cls[m.entity] for m in mentions}
    added: list[Mention] = []
    for i, token in enumerate(tokens):
        if any(m.start <= i < m.end for m in mentions) or i in idiom:
            continue
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token in lang.demonstratives and following in lang.time_nouns:
            continue  # "what else happened that year?": a time (the frame's), not a thing talked of
        if token in lang.demonstratives and following:
            if model.noun_class(following) or (following not in lang.stopwords and not _points_on(model, following)):
                # "that group": the noun says what kind of thing is meant; "that affiliate": something this
                # bot has no name for, not the last subject
                continue
        kind = lang.pronouns.get(token)
        if (
            kind == "group"
            and token in lang.plural_pronouns
            and context.subject
            and model.cls.get(context.subject) == "person"
            and not 0 <= context.turn - context.group_turn <= 1
        ):
            # "what was their name?" after "what was that person doing there?": one person, singular they
            kind = "person"
        elif (
            kind == "group"
            and token in lang.plural_pronouns
            and (topic := context.subject or (context.named[0] if context.named else None))
            and model.cls.get(topic) == "event"
            and _named_in_plural(model, topic)
            and not 0 <= context.turn - context.group_turn <= 1
        ):
            # "who claimed them?" after "which hotel and restaurant attacks ...?": things named in the plural
            kind = "event"
        previous = tokens[i - 1] if i else ""
        if kind == "place" and previous in lang.existential_verbs and following in lang.existential_followers:
            continue  # "is there a country it wants to push back?": "there" points at nothing
        if previous in lang.saying_verbs and token in lang.demonstratives:
            continue  # "who says that?": the claim the last answer made, which no entity stands for
        adjective = ""
        if previous in lang.anaphoric_adjectives and i >= 2 and tokens[i - 2] in ("the", "this", "that"):
            # "the new group", "the merged group", "the latter group"
            adjective, previous = previous, tokens[i - 2]
        descriptor = model.noun_class(token) if following != "of" else ""
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
        # "why were they able to do that?": what one does, named by "that", is what happened
        done = token in lang.demonstratives and previous in lang.doing_verbs and not following
        if mentions and kind == "any" and not first and not other and not done:
            if token not in lang.neuter_pronouns or taken - {"place"}:
                continue
            kind = "group"
        demonstrative = bool(descriptor) and (previous in lang.demonstratives or bool(adjective))
        definite = bool(descriptor) and previous == "the" and not adjective
        # "his group": a possessive before a noun of a kind points at an entity of that kind
        owned = ""
        if token in lang.possessive_pronouns and following in model.type_nouns:
            owned = model.noun_class(following)
        # "what did that do to them?": "that" doing something is what happened, an event, first
        happened = token in lang.demonstratives and following in lang.happening_verbs
        # "what caused it?", "what led to that?": what has a cause is an event
        happened = happened or (token in lang.neuter_pronouns | lang.demonstratives and previous in lang.causal_verbs)
        # "what did France do about it?": what one does something about is what happened
        happened = happened or (token in lang.neuter_pronouns | lang.demonstratives and previous in lang.response_words)
        # "which group carried it out?", "who claimed it?": what is carried out or claimed is what happened
        happened = happened or (token in lang.neuter_pronouns | lang.demonstratives and previous in lang.deed_verbs)
        happened = happened or done
        entity = _owned_by_person(model, context, owned) if owned and lang.pronouns.get(token) == "person" else None
        if adjective in lang.other_words and descriptor:
            # "the other man": of the two talked about, the one the conversation is not about now ("the
            # other man's group": the group he leads)
            entity = _second_of(model, context, descriptor)
            after = model.noun_class(following) if following in model.type_nouns else ""
            if entity is not None and after and after != descriptor:
                entity = owned_by(model, entity, after)
        entity = entity or _context_entity(
            model,
            owned or kind,
            context,
            token if descriptor else "",
            newest=demonstrative,
            topic=definite,
            merged=adjective in lang.result_adjectives,
            event=happened,
            # "who runs its operations?" after talking of AQIM's leader: "it" is never a person
            thing=token in lang.neuter_pronouns and not owned,
            owner=token in lang.possessive_pronouns,
        )
        if entity is None and owned and kind:
            # "what is his ethnicity?" with no ethnicity talked about yet: "his" is still the person
            entity = _context_entity(model, kind, context, "", newest=demonstrative)
        merged = adjective in lang.result_adjectives
        if merged and entity is not None:
            # "what did they call the new outfit?": what they merged into is no member of their set
            mentions = [m for m in mentions if not (m.entity == entity and m.method == "set")]
        if entity is None or any(m.entity == entity for m in mentions):
            continue
        if model.cls[entity] in taken and not first and not other and not merged:
            # ("what did they call the new outfit?": what the set merged into is another group again)
            continue
        owned_name = _owned_name(model, tokens, i, entity) if token in lang.possessive_pronouns else None
        if owned_name is not None:
            # the words after the possessive are part of the name: they name nothing of their own
            mentions = [m for m in mentions if m.end <= owned_name.start or m.start >= owned_name.end]
        added.append(owned_name or Mention(entity, i, i + 1, model.entities[entity].name, token, 100.0, "context"))
        # "what did it do there?": a place pointed at besides the thing ("there" after "it")
        if model.cls[entity] != "place" and context.place and context.place != entity:
            at = next((j for j in range(i + 1, len(tokens)) if lang.pronouns.get(tokens[j]) == "place"), None)
            if at is not None:
                name = model.entities[context.place].name
                added.append(Mention(context.place, at, at + 1, name, tokens[at], 100.0, "context"))
        break
    if added and model.cls[added[0].entity] == "person":
        # "what do he and his group want?": his group, after him, is the group he leads
        added.extend(_his_own(model, tokens, added[0], mentions))
    if added:
        names = ", ".join(f"'{m.words}' = {model.entities[m.entity].short}" for m in added)
        notes.append(f"from the conversation: {names}")
        mentions = sorted([*mentions, *added], key=lambda m: m.start if m.start < m.end else len(tokens) + 1)
    return Resolution(mentions, "; ".join(notes))


def ones_meant(model: Model, tokens: tuple[str, ...], context: Context) -> tuple[str, ...]:
    """ "And which ones are from Mali?" after "which leaders are Algerian?" asks "which leaders are from
    Mali?": "ones" stands for the kind of thing the last question asked about (word for word, so that the
    names' places in the question stay where they are)."""
    lang = model.lang
    at = next(
        (
            i
            for i in range(1, len(tokens))
            if tokens[i] in lang.one_words and tokens[i - 1] == lang.description_question
        ),
        None,
    )
    if at is None:
        return tokens
    noun = next((w for w in context.words if w in model.type_nouns or w in model.role_nouns), None)
    if noun is None:
        return tokens
    return (*tokens[:at], noun, *tokens[at + 1 :])


def _owned_name(model: Model, tokens: tuple[str, ...], at: int, owner: str) -> Mention | None:
    """ "its Sahel operations" after AQIM: the owner's name with the words after the possessive, when that
    is the name of something else ("AQIM's Sahel operations", its Sahel branch), as one mention."""
    # the owner or what it is part of ("its Sahel operations" after AQIM "central": AQIM's)
    owners = (owner, *model.entities[owner].part_of)
    names = [n for o in owners for n in sorted(model.names.get(o, ()), key=len)[:3]]
    for size in (3, 2, 1):
        after = tokens[at + 1 : at + 1 + size]
        if len(after) < size:
            continue
        for name in names:
            words = [*name.split(), *after]
            found = model.linker.link(words)
            if len(found) == 1 and found[0].start == 0 and found[0].end == len(words) and found[0].entity not in owners:
                entity = found[0].entity
                return Mention(
                    entity, at, at + 1 + size, model.entities[entity].name, " ".join(after), 100.0, "context"
                )
    return None


def _ordinal_reference(
    model: Model, tokens: tuple[str, ...], mentions: list[Mention], context: Context
) -> Mention | None:
    """ "the second one", "the first group", "the latter": a member of the last set, by its place in it."""
    lang = model.lang
    if not context.group or not 0 <= context.turn - context.group_turn <= 2:
        return None
    for i in range(1, len(tokens)):
        place = lang.ordinals.get(tokens[i])
        if place is None or tokens[i - 1] not in lang.definite_articles or any(m.start <= i < m.end for m in mentions):
            continue
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        alone = tokens[i] in lang.ordinals_alone
        if not alone and following not in lang.one_words and following not in model.type_nouns:
            continue  # "the first attack" asks which came first, not the first of a list
        if abs(place) > len(context.group):
            return None
        entity = context.group[place - 1] if place > 0 else context.group[place]
        end = i + 1 if alone or not following else i + 2
        words = " ".join(tokens[i - 1 : end])
        return Mention(entity, i - 1, end, model.entities[entity].name, words, 100.0, "context")
    return None


def _in_idioms(model: Model, tokens: tuple[str, ...]) -> set[int]:
    """The positions of the words of idioms whose pronoun refers to nothing ("made it out")."""
    out: set[int] = set()
    for idiom in model.lang.pronoun_idioms:
        words = idiom.split()
        for i in range(len(tokens) - len(words) + 1):
            if tokens[i : i + len(words)] == tuple(words):
                out.update(range(i, i + len(words)))
    return out


def _second_of(model: Model, context: Context, kind: str) -> str | None:
    """The second entity of class ``kind`` the conversation talks about (the first is the one it is about)."""
    of_kind = [e for e in context.talked_of if model.cls.get(e) == kind]
    return of_kind[1] if len(of_kind) > 1 else None


def _named_in_plural(model: Model, entity: str) -> bool:
    """Whether the entity's name ends in a plural noun ("the 2015-2016 hotel and restaurant attacks")."""
    return model.is_plural(model.entities[entity].name.split()[-1].lower())


def _his_own(model: Model, tokens: tuple[str, ...], person: Mention, mentions: list[Mention]) -> list[Mention]:
    """After a pronoun resolved to a person, a possessive before a noun of a kind later in the turn ("he and
    his group"): the entity of that kind he acts on, as a mention of its own."""
    lang = model.lang
    for j in range(person.end, len(tokens) - 1):
        if tokens[j] not in lang.possessive_pronouns or any(m.start <= j < m.end for m in mentions):
            continue
        if lang.pronouns.get(tokens[j]) != "person" or tokens[j + 1] not in model.type_nouns:
            continue
        owned = owned_by(model, person.entity, model.noun_class(tokens[j + 1]))
        if owned is not None and owned != person.entity:
            # (the noun is part of the reference: "his group" asks nothing of groups)
            words = f"{tokens[j]} {tokens[j + 1]}"
            return [Mention(owned, j, j + 2, model.entities[owned].name, words, 100.0, "context")]
    return []


def _owned_by_person(model: Model, context: Context, owned: str) -> str | None:
    """ "His group": of the person talked about, the entity of that kind a fact has him act on (the group he
    leads, first), or ``None``."""
    person = _context_entity(model, "person", context, "")
    return None if person is None else owned_by(model, person, owned)


def _points_on(model: Model, word: str) -> bool:
    """Whether "that <word>" still points at the last subject: a verb ("did that make ..."), an event noun."""
    return word in model.lang.that_verbs or model.noun_class(word) == "event"


def _context_entity(
    model: Model,
    kind: str,
    context: Context,
    noun: str,
    newest: bool = False,
    topic: bool = False,
    merged: bool = False,
    event: bool = False,
    thing: bool = False,
    owner: bool = False,
) -> str | None:
    """Return the conversation's entity of ``kind`` a reference points at, or ``None``.

    ``noun`` is the descriptor used ("the arrest"): an entity whose name uses it comes first.
    """
    # what the last answer was about and said, then what the questions named (a person two turns back)
    first = (context.place,) if kind == "place" and context.place else ()
    pool = [e for e in dict.fromkeys((*first, *context.talked_of)) if e in model.entities]
    if merged:
        # "the new group": what the groups just talked about became
        results = [
            made
            for e in pool
            for f in model.index.by_entity.get(e, ())
            if (made := model.made(f)) is not None and e in (f.subject, f.object) and e != made
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
    if event and wanted is None:
        # the events the last answer spoke of: named in its facts, or told by the sentences they cite
        cited = {c for f in context.facts if f in model.facts for c in model.facts[f].cites}
        told = [e.id for e in model.entities.values() if model.cls[e.id] == "event" and cited & set(e.cites)]
        events = [e for e in pool if model.cls[e] == "event"] + told
        pool = list(dict.fromkeys(events + pool))
    if noun and noun not in model.type_nouns:
        # "the arrest", "that siege": a descriptor names what it describes; nothing talked about so far is
        # called that, so it is no reference back, and its own words will find the facts
        pool = model.called(pool, noun)
        if not pool:
            return None
    elif noun and model.stem(noun) not in {
        model.stem(model.knowledge.types[t].nouns[0]) for t in model.type_nouns[noun]
    }:
        # "that branch", "the coalition": a noun more telling than its type's own ("group") points first at
        # one called so (AQIM's Sahel branch)
        called = model.called(pool, noun)
        pool = called + [e for e in pool if e not in called]
    if thing:
        pool = [e for e in pool if model.cls[e] != "person"]
        if owner:
            # ("its operations": what has operations, members, a leader is a group before a place)
            pool.sort(key=lambda e: model.cls[e] != "group")
        # "its operations" after the answers spoke of AQIM "central": the whole the user named (AQIM)
        whole = next((w for w in model.entities[pool[0]].part_of if w in context.named), None) if pool else None
        if whole is not None and not newest:
            pool = [whole, *(e for e in pool if e != whole)]
    kinds = model.type_nouns.get(noun, ())
    for entity in pool:
        # "the country" is of the places talked of a country (Mali, not its Kidal region), when one is
        if model.entities[entity].type in kinds:
            return entity
    for entity in pool:
        if wanted is None or model.cls[entity] == wanted:
            return entity
    if wanted == "event" or (kind == "any" and pool):
        return pool[0] if pool else None
    return None
