"""The shapes of loaded knowledge: frozen dataclasses, each remembering where it was written.

Nothing here reads files; ``knowledge.loader`` builds these objects and
``knowledge.validate`` checks them against each other.  May import: the
standard library only.
"""

from __future__ import annotations

import copyreg
from collections.abc import Mapping
from types import MappingProxyType

from ..records import record

__all__ = [
    "HEDGES",
    "YEAR_SLOT",
    "Brief",
    "Entity",
    "EntityType",
    "Fact",
    "Intent",
    "Knowledge",
    "Location",
    "Paragraph",
    "Relation",
    "Section",
    "Sentence",
    "Template",
    "slot_types",
]

#: The hedge words a fact may carry.  When a cited quote hedges, the fact must say so too.
HEDGES: tuple[str, ...] = (
    "reportedly",
    "appears",
    "apparently",
    "may",
    "possibly",
    "suggests",
    "unconfirmed",
    "uncertain",
    "unclear",
    "debated",
)

#: The empty mapping a record's optional mapping field defaults to (records are immutable, so one is shared).
_EMPTY: Mapping[str, object] = MappingProxyType({})


def read_only(items: Mapping[str, object]) -> Mapping[str, object]:
    """Return a read-only view of a copy of ``items`` (for records' mapping fields)."""
    return MappingProxyType(dict(items))


# a read-only mapping pickles as the mapping it shows (the start-up cache holds records that have one)
copyreg.pickle(MappingProxyType, lambda m: (read_only, (dict(m),)))

#: How the engine treats the entities of a type (each type of the knowledge's types.yaml names one):
#: a person is "he", answers "who"; a group is "it"/"they", answers "who"; a place answers "where"; an
#: event has a date; an outside name is one the brief does not cover, which is declined honestly.
ENTITY_CLASSES: tuple[str, ...] = ("person", "group", "place", "event", "thing", "outside")

#: The kinds of value a relation's facts may hold (``Relation.gives``).
VALUE_KINDS: tuple[str, ...] = (
    "place",
    "date",
    "count",
    "size",
    "reason",
    "name",
    "meaning",
    "expansion",
    "origin",
    "agent",
    "status",
    "description",
)


@record
class Location:
    """Where something was written: a path as the user gave it and a 1-based line (and column)."""

    path: str
    line: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@record
class Sentence:
    """One sentence of the brief; ``id`` is what citations point at."""

    id: str
    text: str
    section: str
    location: Location


@record
class Paragraph:
    number: int
    sentences: tuple[Sentence, ...]
    location: Location

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


@record
class Section:
    id: str
    title: str
    paragraphs: tuple[Paragraph, ...]
    location: Location

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        return tuple(s for p in self.paragraphs for s in p.sentences)

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.paragraphs)


@record
class Brief:
    """The document itself: its metadata as data and its text in reading order."""

    number: str
    title: str
    date: str
    date_printed: str
    author: str
    metadata: Mapping[str, object]
    sections: tuple[Section, ...]
    path: str

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        return tuple(s for sec in self.sections for s in sec.sentences)

    def sentence(self, sentence_id: str) -> Sentence | None:
        """Return the sentence with ``sentence_id``, or ``None`` if there is none."""
        for s in self.sentences:
            if s.id == sentence_id:
                return s
        return None

    def section(self, key: str) -> Section | None:
        """Return the section whose id or title (case-insensitive) is ``key``, or ``None``."""
        k = key.strip().casefold()
        for sec in self.sections:
            if sec.id == k or sec.title.casefold() == k:
                return sec
        for sec in self.sections:
            if sec.title.casefold().startswith(k) or k in sec.title.casefold():
                return sec
        return None


@record
class EntityType:
    """A kind of entity: its engine class, the words that name or describe it, the template slots it fills."""

    id: str
    cls: str
    #: words naming the kind itself ("group", "country"): "which groups" wants entities of the type
    nouns: tuple[str, ...]
    #: words describing an entity of the type by something more ("offshoot", "siege"): they point at one
    descriptors: tuple[str, ...]
    slots: tuple[str, ...]
    agent: bool
    #: for places: "country" or "local" (a town or region within a country); "" otherwise
    scale: str
    location: Location


@record
class Entity:
    """Something the brief talks about, with every name a user may type for it."""

    id: str
    type: str
    name: str
    short: str
    aliases: tuple[str, ...]
    description: str
    cites: tuple[str, ...]
    location: Location
    weak_aliases: tuple[str, ...] = ()
    part_of: tuple[str, ...] = ()
    #: the brief never names it ("an American citizen", "a local affiliate"): its name is a description,
    #: and "who was he?", "what was its name?" are not answered by it
    unnamed: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, self.short, *self.aliases)


@record
class Relation:
    """A kind of fact ("leads", "funded"): the words that ask for it and what its facts can tell."""

    id: str
    description: str
    keywords: tuple[str, ...]
    location: Location
    #: the kinds of value its facts hold (``VALUE_KINDS``): what questions it can answer
    gives: tuple[str, ...] = ()
    #: nouns naming its subject by its object ("the leader of X")
    role_nouns: tuple[str, ...] = ()
    #: its facts describe a state that may have changed since the brief
    current: bool = False
    #: the role that names what the relation produces ("object": a merger's new group), or ""
    result: str = ""
    #: what its facts are about, in a few words ("funding"), for an answer's offer of more; or its id
    label: str = ""


@record
class Fact:
    """One statement of the brief as subject, relation, object or value, with qualifiers.

    ``statement`` is the fact said as a sentence (hedges and attributions kept);
    ``cites`` and ``quote`` tie it to the brief and are proved verbatim at load time.
    """

    id: str
    subject: str
    relation: str
    object: str | None
    value: str | None
    statement: str
    cites: tuple[str, ...]
    quote: str
    date: str | None
    year_from: int | None
    year_to: int | None
    place: str | None
    source: str | None
    hedge: str | None
    negated: bool
    count: str | None
    role: str | None
    mentions: tuple[str, ...]
    keywords: tuple[str, ...]
    weight: int
    location: Location
    extra: Mapping[str, str] = _EMPTY

    @property
    def entities(self) -> tuple[str, ...]:
        """Every entity the fact is about, subject first, without repeats."""
        seen: dict[str, None] = {self.subject: None}
        for e in (self.object, self.place, self.source, *self.mentions):
            if e:
                seen.setdefault(e, None)
        return tuple(seen)


@record
class Template:
    """One question pattern of an intent, expanded: literal words and ``{slot}`` names."""

    text: str
    normalized: str
    slots: tuple[str, ...]
    location: Location


@record
class Intent:
    """A kind of question: its templates, the relations it reads and how the answer is put."""

    id: str
    description: str
    kind: str
    relations: tuple[str, ...]
    slots: tuple[str, ...]
    templates: tuple[Template, ...]
    answer_types: tuple[str, ...]
    compose: str
    location: Location
    #: relation -> the role ("subject" or "object") the last slot's entity must play in facts of it
    slot_roles: Mapping[str, str] = _EMPTY


@record
class Knowledge:
    """Everything one knowledge directory holds, validated."""

    root: str
    brief: Brief
    entities: Mapping[str, Entity]
    relations: Mapping[str, Relation]
    facts: tuple[Fact, ...]
    intents: Mapping[str, Intent]
    digest: str
    #: user word or phrase (normalised) -> the brief's own word for it
    synonyms: Mapping[str, str] = _EMPTY
    #: the kinds of entity, by id
    types: Mapping[str, EntityType] = _EMPTY
    #: word -> the word it is folded into on both sides before matching ("died" -> "die")
    stems: Mapping[str, str] = _EMPTY


#: The slot a year fills (a number, not an entity); every other slot is declared by the entity types.
YEAR_SLOT = "year"


def slot_types(types: Mapping[str, EntityType]) -> dict[str, tuple[str, ...]]:
    """Return slot name -> the entity types that may fill it, from the types' ``slots`` (and the year slot)."""
    out: dict[str, tuple[str, ...]] = {YEAR_SLOT: ()}
    for t in types.values():
        for slot in t.slots:
            out[slot] = (*out.get(slot, ()), t.id)
    return out
