"""The verify stage: does a reading's fact hold a value of the kind asked for, at the granularity asked,
about the entity asked about?

A number or a date asked for and a fact that gives none; an exact figure asked for and a fact that says
"millions"; a town asked for and a fact that names only a country: each reading is checked here, and
``decide`` declines with what the brief does say rather than answer another question.
May import: ``model``, ``frame``, ``reading``.
"""

from __future__ import annotations

import re

from .frame import Frame
from .model import Model
from .normalize import normalize
from .reading import Reading

__all__ = [
    "asked_noun_unknown",
    "counted_not_given",
    "exact_not_given",
    "finer_date_not_given",
    "finer_place_not_named",
    "lesser_role_only",
    "name_not_given",
    "narrower_count",
    "nothing_of_the_year",
    "pointed_but_not_given",
    "succession_not_given",
    "wanted_not_named",
    "year_not_given",
]

_NUMBER = re.compile(r"\b(?!(?:19|20)\d\d\b)\d+")


def pointed_but_not_given(model: Model, frame: Frame, reading: Reading) -> bool:
    """Whether a number or a date was asked about something, and the reading's fact is of that kind but gives none."""
    entity_ids = frame.entity_ids
    if frame.answer_type not in model.lang.measured_types or not entity_ids or not reading.facts:
        return False
    top = reading.facts[0]
    # the fact is of the kind asked about: of the intent's relations, or (read by its words) close to them
    of_kind = top.fact.relation in reading.match.intent.relations if reading.match is not None else top.lexical >= 0.5
    roles = model.index.roles[top.fact.id]
    return top.typed < 1 and of_kind and all(e in roles for e in entity_ids)


def exact_not_given(model: Model, frame: Frame, reading: Reading) -> bool:
    """Whether an exact figure was asked for and the reading's fact gives only a rough one ("millions")."""
    if not frame.exact or not reading.facts:
        return False
    statement = model.index.said[reading.facts[0].fact.id]
    # a number other than a year would be a figure
    return bool(model.lang.rough_amounts & set(statement.split())) and not _NUMBER.search(statement)


def year_not_given(model: Model, frame: Frame, reading: Reading) -> bool:
    """Whether a figure was asked for a year ("how many fighters in 2010?") and every fact the reading
    found gives it for another year: a figure of 2015 is no figure of 2010."""
    if not frame.years or frame.period is not None or frame.answer_type not in ("how_many", "size"):
        return False
    facts = [s.fact for s in reading.facts]
    if not facts or any(f.year_from is None for f in facts):
        return False
    return not any(f.year_from <= y <= (f.year_to or f.year_from) for f in facts for y in frame.years)


def nothing_of_the_year(model: Model, frame: Frame, reading: Reading) -> bool:
    """Whether "what did X do in 2010?" (a year and no other words of its own) finds no fact of that year:
    what the brief says of X with no date, or of other years, is not what X did then."""
    if not frame.years or frame.period is not None or frame.content or frame.answer_type != "what":
        return False
    if not reading.facts or all(y >= model.brief_year for y in frame.years):
        return False  # (what holds as of the brief's own year is what it says of X)
    named = {frame.tokens[i] for m in frame.mentions for i in range(m.start, m.end)}
    if all(str(y) in named for y in frame.years):
        return False  # the year is part of a name ("the 2015 Country Reports on Terrorism")
    year_from = model.index.year_from
    return not any(
        (start := year_from[s.fact.id]) is not None and start <= y <= (s.fact.year_to or start)
        for s in reading.facts
        for y in frame.years
    )


def finer_date_not_given(model: Model, frame: Frame, reading: Reading) -> bool:
    """Whether a month or a day was asked ("in what month of 2013 ...") and the reading's fact dates its
    event by the year (or "early 2013") only."""
    if not frame.finer_date or not reading.facts:
        return False
    date = (reading.facts[0].fact.date or "").lower().split()
    day = any(w.isdigit() and len(w) <= 2 for w in date)
    if frame.day_asked:
        return not day  # "on what day in February 2017": February is known, the day is not
    return not any(w in model.lang.months or day for w in date)


def succession_not_given(model: Model, frame: Frame, reading: Reading) -> bool:
    """Whether who came before or after a person is asked ("who took over after X?") and none of the
    reading's facts says who succeeded whom: the person's other facts answer another question."""
    if not frame.succession or not reading.facts:
        return False
    words = model.lang.succession_words
    return not any(any(f" {w} " in model.index.said[s.fact.id] for w in words) for s in reading.facts)


def lesser_role_only(model: Model, frame: Frame, reading: Reading) -> bool:
    """Whether "who led X (then)?" finds only people in a role under the one asked ("then-deputy leader"):
    a deputy is not who led it, unless the question asks for the deputy."""
    lesser = model.lang.lesser_roles
    if frame.answer_type != "who" or not reading.facts or lesser & set(frame.tokens):
        return False
    agents = model.index.agent_relations
    roles = [s.fact.role for s in reading.facts if s.fact.relation in agents]
    return (
        bool(roles)
        and len(roles) == len(reading.facts)
        and all(lesser & set(normalize(r or "").split()) for r in roles)
    )


def role_holder_not_given(model: Model, frame: Frame, reading: Reading) -> bool:
    """Whether "who led the GSPC?" asks who holds a role (a relation that gives people in a role, by its
    verb or its role noun) and none of the reading's facts is of such a relation with what the question
    names in it (or a part or whole of it): the facts say something else of it, not who led it."""
    if frame.answer_type != "who" or not reading.facts or not frame.entity_ids:
        return False
    index = model.index
    agents = index.agent_relations
    # the relations the question asks of: those its words or role nouns name, only such ones ("who did
    # their leadership pledge allegiance to?" asks of the pledge), and "who" its own question word (not a
    # relative pronoun: "what did the Islamists who held northern Mali set up?")
    lang = model.lang
    opening = next((t for t in frame.tokens if t in lang.question_words), "")
    said = index._named(frame.content)
    named = (said | {model.role_nouns.get(t) for t in frame.tokens}) & agents
    if not named or not said <= agents or opening not in lang.person_words:
        return False
    asked = set(frame.entity_ids)
    near = asked | {w for e in asked for w in model.entities[e].part_of if e in model.entities}
    near |= {e for e in model.entities if asked & set(model.entities[e].part_of)}
    return not any(s.fact.relation in named and near & set(index.roles[s.fact.id]) for s in reading.facts)


def lesser_role_not_given(model: Model, frame: Frame, reading: Reading) -> bool:
    """Whether "who is AQIM's deputy leader?" asks for a role under the top one that no fact of the reading
    gives for what the question names (the brief's "Al Qaeda's then-deputy leader" is Al Qaeda's, not
    AQIM's): the leader is not the deputy."""
    asked = model.lang.lesser_roles & set(frame.tokens)
    if frame.answer_type != "who" or not asked or not reading.facts or not frame.entity_ids:
        return False
    names = [re.escape(n) for e in frame.entity_ids for n in model.names.get(e, ())]
    given = re.compile(rf" (?:{'|'.join(names)}) (?:\w+ )?(?:{'|'.join(sorted(asked))}) ")
    return not any(given.search(model.index.said[s.fact.id]) for s in reading.facts)


def counted_not_given(model: Model, frame: Frame, reading: Reading) -> bool:
    """Whether a "how many" question counts something ("how many hostages ...") that none of the reading's
    facts speaks of: their numbers count something else (one American killed is no count of hostages).

    A word for a kind of entity ("how many people ...") says too little to tell: it is not checked.
    """
    counted = {model.stem(w) for w in frame.counted if w not in model.type_nouns}
    if reading.facts and narrower_count(model, frame, reading):
        return True
    if not counted or not reading.facts:
        return False
    strong = model.index.strong
    # all of them: "how many fighters died?" counts dead fighters (several hundred fighters is no such count)
    return not any(counted <= strong[s.fact.id] for s in reading.facts)


def narrower_count(model: Model, frame: Frame, reading: Reading) -> bool:
    """Whether "how many people were killed in X?" (or "the total death toll of X") is met only by counts of
    a narrower kind of people the question did not name ("one U.S. citizen was killed in X"), none of them
    the brief's own total ("in all, 39 civilians ...")."""
    nouns = [w for w in frame.counted if w in model.type_nouns]
    if not nouns and not frame.total:
        return False
    # (with no noun, "the death toll": kinds of people)
    kinds = {t for w in nouns for t in model.type_nouns[w]} or model.people_types
    named = set(frame.entity_ids)
    roles = model.index.roles
    entities = model.entities
    # ("the U.S. deaths": a kind of people named by the place it is of, "U.S. citizens", is named too)
    named_words = {w for e in named for n in model.names.get(e, ()) for w in n.split()}
    named |= {
        e
        for e, ns in model.names.items()
        if model.cls.get(e) == "thing" and any(n.split()[0] in named_words for n in ns if len(n.split()) > 1)
    }

    def narrower(fact_id: str) -> bool:
        return any(
            model.cls.get(e) == "thing" and e not in named and entities[e].type in kinds
            for e in roles[fact_id]
            if e in entities
        )

    counts = [s.fact for s in reading.facts if s.fact.count]
    return bool(counts) and all(narrower(f.id) and not model.in_all(f.statement) for f in counts)


def asked_noun_unknown(model: Model, frame: Frame) -> bool:
    """Whether "which <noun>" asks for a kind of thing no fact of the brief speaks of ("which languages",
    "what percentage"): whatever facts the other words find, none gives one."""
    noun = frame.asked_noun
    if not noun or noun in model.lang.months or noun.isdigit():
        return False
    return model.stem(noun) not in model.index.idf


def name_not_given(model: Model, frame: Frame) -> str | None:
    """The entity whose name or identity is asked ("who was the missionary?", "what was his name?") when the
    brief never names it, else ``None``: its description is what the brief says, not who it was."""
    if not frame.mentions:
        return None
    first = frame.mentions[0]
    entity = model.entities.get(first.entity)
    if entity is None or not entity.unnamed:
        return None
    lang = model.lang
    text = " ".join(frame.tokens)
    before = " ".join(frame.tokens[: first.start])
    if frame.tokens[-1] in lang.dangling_words:
        return None  # "who was he working for?"
    # "who was <it> ...": the question opens by asking who it is, and what follows only describes it
    # ("who was the missionary killed in Mauritania?")
    who = any(before in (o, f"{o} the", f"{o} that", f"{o} this") for o in lang.identity_openers)
    # "which U.S. official called AQIM ...?": which one of those the brief never names
    which = first.start > 0 and frame.tokens[first.start - 1] in lang.kind_question_words
    if who:
        known = {model.stem(w) for n in (*entity.names, entity.description) for w in normalize(n).split()}
        told = {model.stem(t) for m in frame.mentions for t in frame.tokens[m.start : m.end]}
        after = [t for t in frame.tokens[first.end :] if t not in lang.stopwords and not t.isdigit()]
        synonyms = model.knowledge.synonyms
        who = all(model.stem(synonyms.get(t, t)) in known | told for t in after)
    named = any(f" {w} " in f" {text} " for w in lang.name_words)
    return entity.id if who or named or which else None


def wanted_not_named(model: Model, frame: Frame, reading: Reading) -> bool:
    """Whether the question asks for things of a kind ("which countries ...", "what European governments
    ...") and none of the reading's facts names one besides those the question names: the facts say
    something about it ("European ransom payments"), not which ones."""
    if not frame.wanted or not reading.facts or frame.answer_type not in ("which", "what", "who", "where", "name"):
        return False
    wanted = set(frame.wanted)
    asked = frame.asked_besides(model.entities)
    kinds = model.index.kinds
    entities = model.entities
    # (one the brief never names, "AQIM's Tunisian affiliate", is not which one it is; of several asked for,
    # "which American victims ...", the brief's descriptions of them are)
    noun = frame.wanted_words[-1] if frame.wanted_words else ""
    plural = model.is_plural(noun)
    if not any(
        t in wanted and e not in asked and (plural or not entities[e].unnamed)
        for s in reading.facts
        for e, t in kinds[s.fact.id]
    ):
        # "who was he working for?" asks no name: the brief's "a Christian aid organization" says who (not
        # "which aid organization ...?", nor "who was the missionary?" of someone the brief only describes)
        return not (frame.answer_type == "who" and not noun and _describes_one_of(model, wanted, reading))
    return described_not_named(model, frame)


def _describes_one_of(model: Model, wanted: set[str], reading: Reading) -> bool:
    """Whether one of the reading's facts gives as its value something of a wanted type by a noun of it
    ("worked for a Christian aid organization")."""
    return any(
        wanted & set(model.type_nouns.get(w, ()))
        for s in reading.facts
        for w in (normalize(s.fact.value).split() if s.fact.value else ())
    )


def described_not_named(model: Model, frame: Frame) -> bool:
    """Whether the brief speaks of the thing asked for only as "a <words>" ("a Christian aid organization"),
    where the question asks which one it is ("which Christian aid organization ..."): a fact about what the
    question names says "a <words>" and names nothing of the kind."""
    words = frame.wanted_words
    if len(words) < 2 or not frame.entity_ids:
        return False
    indefinite = model.lang.articles - model.lang.definite_articles
    wanted = set(frame.wanted)
    # the qualifiers with any noun of the kind ("a Christian aid organization" for "which Christian aid group")
    nouns = [n for n, types in model.type_nouns.items() if wanted & set(types)]
    # (with a qualifier or two more: "a Christian aid organization" for "which aid organization")
    described = re.compile(
        rf" (?:{'|'.join(indefinite)}) (?:\w+ ){{0,2}}{re.escape(' '.join(words[:-1]))} (?:{'|'.join(map(re.escape, nouns))}) "
    )
    for entity in frame.entity_ids:
        for fact in model.index.by_entity.get(entity, ()):
            said = model.index.said[fact.id]
            if not described.search(said):
                continue
            # (naming one the question also names counts: "which faction was called the Masked Ones?")
            if not any(t in wanted for _, t in model.index.kinds[fact.id]):
                return True
    return False


def finer_place_not_named(model: Model, frame: Frame, reading: Reading) -> bool:
    """Whether a local place (a town, a city) was asked for and none of the reading's facts names one.

    An answer naming only countries, or a town in another country than the one asked about, would answer
    another question than the one asked.
    """
    if frame.answer_type not in ("where", "which", "what", "name") or not reading.facts:
        return False
    wanted = set(frame.wanted)
    local = {t.id for t in model.knowledge.types.values() if t.scale == "local"}
    if not wanted or not wanted <= local:
        return False
    nouns = {n for n, ts in model.type_nouns.items() if set(ts) <= local}
    if nouns & set(model.index.said[reading.facts[0].fact.id].split()):
        return False  # "ousted Islamist leaders from major towns": as far as the brief goes
    asked = frame.asked
    # "which town in X": a town of the country asked about (a town elsewhere answers another question)
    countries = {e for e in asked if model.scale.get(e) == "country"}
    for s in reading.facts[:3]:
        for e in model.index.places[s.fact.id] - asked:
            if model.scale.get(e) == "local" and (not countries or countries & set(model.entities[e].part_of)):
                return False
    return True
