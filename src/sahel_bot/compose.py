"""The compose stage: the answer's shape (a single fact, a list, a yes or no, an overview, a timeline,
...) put in words from the chosen facts' statements, hedges kept, each cited by its verbatim quote.

A statement is said once, and a fact that only repeats part of another's sentence is left out.
May import: ``model``, ``frame``, ``reading``, ``reply``, ``statements``, ``document``, ``context``.
"""

from __future__ import annotations

import functools

from .document import METADATA_SECTION, about_the_document
from .frame import Frame
from .knowledge.schema import Fact
from .model import Model
from .normalize import normalize
from .overview import more_of, offer, overview, timeline
from .reading import Reading, expansion_of
from .records import record
from .reply import Citation
from .statements import coordinate, first_clause, said_once, says_nothing_new, unrepeated, yes_no_opener
from .summaries import number_text
from .summary_text import SUMMARY_SHAPES, summarise

__all__ = ["Composed", "compose", "join", "sentence_citation"]


@record
class Composed:
    """An answer: its text, its citations, the facts it says, and what it is about."""

    text: str
    citations: tuple[Citation, ...]
    facts: tuple[Fact, ...]
    #: the entity the answer is about, for the conversation (None: the answer names none in particular)
    subject: str | None
    #: the entities an answer listed ("which groups ...?"), in order
    listed: tuple[str, ...] = ()
    #: the facts it leaves for "more", in the order they would be told
    rest: tuple[Fact, ...] = ()


def join(items: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def sentence_citation(model: Model, sentence_id: str) -> Citation:
    """Cite a whole sentence (an entity's, when no fact is quoted)."""
    sentence = model.sentences[sentence_id]
    return Citation(sentence.section, sentence.text, sentence_id)


def citations(model: Model, facts: list[Fact] | tuple[Fact, ...]) -> tuple[Citation, ...]:
    """Each fact's quote, cited at the sentence that holds it; one citation per (sentence, quote)."""
    out: dict[tuple[str, str], Citation] = {}
    for f in facts:
        sid = f.cites[0]
        for candidate in f.cites:
            sentence = model.sentences.get(candidate)
            if sentence is not None and f.quote in sentence.text:
                sid = candidate
                break
        sentence = model.sentences[sid]
        out.setdefault((sid, f.quote), Citation(sentence.section, f.quote, sid))
    return tuple(out.values())


@functools.lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    """A quote's words, remembered: the same quotes come back answer after answer."""
    return frozenset(normalize(text).split())


def merged(model: Model, cites: tuple[Citation, ...]) -> tuple[Citation, ...]:
    """The citations without one whose quote's words all lie inside another's: that one cites it."""
    found = list(dict.fromkeys(cites))
    words = [_words(c.quote) for c in found]
    kept = []
    for i, c in enumerate(found):
        inside = any(j != i and words[i] <= words[j] and (words[i] < words[j] or j < i) for j in range(len(found)))
        if not inside:
            kept.append(c)
    return tuple(kept)


def compose(model: Model, frame: Frame, reading: Reading, subject_hint: str | None) -> Composed:
    """Return the answer ``reading`` gives to the question framed by ``frame``."""
    lang = model.lang
    facts = [s.fact for s in reading.facts]
    shape = reading.compose
    listed: list[str] = []
    rest: list[Fact] = []
    entity_ids = frame.entity_ids
    if shape == "acronym":
        expansion = expansion_of(model, reading.entities[0])
        assert expansion is not None
        name, where = expansion
        entity = model.entities[reading.entities[0]]
        if where.startswith("meta."):
            citation = Citation(METADATA_SECTION, name if where != "meta.title" else model.about.title, where)
        else:
            citation = Citation(model.sentences[where].section, name, where)
        body = lang.message("stands_for", short=entity.short, name=name)
        return Composed(body, (citation,), (), reading.entities[0])
    if shape == "entities":
        listed = [model.entities[e] for e in reading.entities]
        shown = "; ".join(
            f"{e.short} ({first_clause(e.description)})" if e.description else e.short for e in listed[:12]
        )
        body = lang.message("listed", count=len(listed), names=shown)
        body += "." if len(listed) <= 12 else lang.message("listed_more", count=len(listed) - 12)
        cites = citations(model, facts) if facts else ()
        if not cites:
            cites = tuple(
                sentence_citation(model, e.cites[0]) for e in listed[:6] if e.cites and e.cites[0] in model.sentences
            )
        subject = entity_ids[0] if entity_ids else subject_hint
        return Composed(body, tuple(dict.fromkeys(cites)), tuple(facts), subject, tuple(reading.entities))
    if shape == "brief":
        body, cites = about_the_document(model, frame)
        return Composed(body, cites, (), None)
    if shape == "sources":
        by_source: dict[str, list[Fact]] = {}
        for f in facts:
            assert f.source
            by_source.setdefault(f.source, []).append(f)
        said, facts = _say(model, [fs[0] for fs in by_source.values()], 4)
        body = " ".join([lang.message("sources", names=join([model.entities[s].name for s in by_source])), *said])
    elif shape == "attribution":
        sourced = [f for f in facts if f.source]
        if sourced:
            said, facts = _say(model, sourced, 3)
            names = join(list(dict.fromkeys(model.entities[f.source].name for f in facts if f.source)))
            body = " ".join([lang.message("attributed", names=names), *said])
        else:
            said, facts = _say(model, facts, 2)
            body = " ".join([lang.message("unattributed"), *said])
    elif shape in SUMMARY_SHAPES:
        body, facts = summarise(model, frame, reading)
    elif shape in ("timeline", "year"):
        # an entity's timeline comes from its overview facts, said once when the model was built
        body, facts, rest = timeline(model, facts, by_event=shape == "year", once=shape == "timeline")
    elif shape == "more":
        body, facts, rest = more_of(model, facts)
    elif shape == "about":
        ent = model.entities[reading.entities[0]] if reading.entities else None
        body, facts, rest = overview(model, ent, facts, once=True)
    elif shape in ("check", "check_no"):
        said, facts = _say(model, facts, 2)
        body = " ".join([lang.message("yes" if shape == "check" else "no"), *said])
    elif (shape == "yesno" and frame.tokens[0] not in lang.question_words) or (
        frame.is_yesno and shape in ("all", "best")
    ):
        # a yes or a no, unless the question asks what or where ("what does X do in Y?" reads like "is X
        # active in Y?" but is answered with the facts alone)
        # the evidence: the top fact, and up to two more (often the when and where)
        said, facts = _say(model, _covering(model, _once(model, facts), frame), 3)
        # "led by Algerians or by West Africans?" asks which, not whether: no yes or no before the facts
        which = bool(lang.option_words & set(frame.tokens))
        body = " ".join([*([] if which else [yes_no_opener(model, facts[0], frame.tokens)]), *said])
    elif shape in ("subjects", "objects") and len(facts) > 1:
        listed = _listed(model, facts, reading, shape)
        names = list(dict.fromkeys(model.entities[e].short for e in listed))
        said, facts = _say(model, facts, 4)
        # the list first, unless one statement already names them all ("X joined Y and Z in a merger")
        names_said = len(said) == 1 and says_nothing_new(model, join(names), said[0])
        body = " ".join([f"{join(names)}." if len(names) > 1 and not names_said else "", *said]).strip()
        if frame.tally:
            # "how many groups merged into X?": the number of those a relation lists, then the list
            body = lang.message("tally", count=number_text(model, len(names))) + body
    elif frame.tally and facts and (tallied := _tallied(model, facts, frame)):
        # "how many groups joined the early 2017 merger?": the statement that names them, counted (the brief
        # seldom gives the number itself)
        said, facts = _say(model, facts, 1)
        names = [model.entities[e].short for e in tallied]
        listed = tallied
        body = lang.message("tally", count=number_text(model, len(names))) + f"{join(names)}. " + " ".join(said)
    else:
        said, facts = _say(model, _with_siblings(model, facts, frame))
        body = " ".join(said)
    if frame.present and facts and facts[0].relation in model.current:
        body += lang.message("as_of", date=model.about.date_printed)
    if rest:
        # what is left, named last: after the answer and its date
        body += ("\n" if "\n" in body else " ") + offer(model, rest)
    cites = citations(model, facts)
    if shape == "about" and reading.entities:
        ent = model.entities[reading.entities[0]]
        extra = tuple(sentence_citation(model, c) for c in ent.cites[:2] if c in model.sentences)
        cites = tuple(dict.fromkeys(extra + cites))
    if shape in ("each", "in_common"):
        listed = list(reading.entities)
    elif not listed and (frame.wanted or _plural_kind(model, frame)):
        # "which groups seized northern Mali?", "how did the Islamists run it?": the answer names a set,
        # which "they" may point at next (those the first fact names, and those more than one fact names:
        # not every name in passing)
        listed = _named_set(model, facts, frame, set(frame.wanted) or set(_plural_kind(model, frame)))
    elif not listed and len(facts) > 1 and not any(model.cls.get(e) in _TOPICS for e in frame.entity_ids):
        # "what happened in northern Mali in 2012?": the groups the answer's facts all tell of are "they"
        # next (one fact's names are not yet a set: "France intervened against the groups that ...")
        groups = set(model.class_types.get("group", ()))
        together = [e for e in _named_set(model, facts, frame, groups) if e in model.index.roles[facts[1].id]]
        listed = together if len(together) > 1 else []
    noun = frame.wanted_words[-1] if frame.wanted_words else ""
    actor = bool(listed) and model.cls.get(listed[0]) in _ACTORS  # ("which country is it from?": still it)
    if shape not in ("subjects", "objects") and actor and noun and model.stem(noun) == noun:
        # "which group is based in Burkina Faso?" answered with one: the conversation is now about it (the
        # first fact's subject, when other names of the kind come with it: "linked to X and/or Y")
        subject: str | None = facts[0].subject if facts[0].subject in listed else listed[0]
    elif reading.entities:
        # "what did they call the new outfit?": what the question points at by name or description, before
        # the members of the set "they" stands for
        own = {m.entity for m in frame.mentions if m.method != "set"}
        subject = next((e for e in reading.entities if e in own), reading.entities[0])
    elif entity_ids:
        subject = entity_ids[0]
    else:
        subject = facts[0].subject if facts else None
    if (
        subject
        and model.cls.get(subject) == "thing"
        and subject_hint
        and model.cls.get(subject_hint) in _ACTORS
        and facts
        and all(subject_hint in model.index.roles[f.id] for f in facts)
    ):
        # "what about drugs?" in a talk about AQIM: what AQIM does with drugs; "does anyone fund it?" next
        # still asks about AQIM, not about a topic
        subject = subject_hint
    return Composed(body, merged(model, cites), tuple(facts), subject, tuple(listed), tuple(rest))


#: The classes of entity that act.
_ACTORS = ("group", "person")
#: ... and of those a question can be about as such: naming none of them leaves "they" to the answer's groups
#: ("which hotel and restaurant attacks ...?" ... "who claimed them?": the attacks)
_TOPICS = (*_ACTORS, "event")


def _counted_in(model: Model, fact: Fact, frame: Frame) -> list[str]:
    """The entities of the kind a "how many <kind>" question counts that one fact's statement names,
    besides those the question names and the wholes of those it names."""
    wanted = set(frame.wanted)
    wholes = {w for e in frame.entity_ids if e in model.entities for w in model.entities[e].part_of}
    said = model.index.said[fact.id]
    # what a merger made is not one of the groups that came together in it
    made = model.made(fact)
    named = [
        e
        for e in dict.fromkeys(model.index.roles[fact.id])
        if e in model.entities
        and model.entities[e].type in wanted
        and e not in frame.asked
        and e not in wholes
        and e != made
        # what the statement itself names, not what the fact is also about
        and any(f" {n} " in said for n in model.names.get(e, ()))
    ]
    # a part and its whole are one thing counted ("AQIM's Sahel branch" of AQIM)
    parts = {w for e in named for w in model.entities[e].part_of}
    return [e for e in named if e not in parts]


def _tallied(model: Model, facts: list[Fact], frame: Frame) -> list[str]:
    """What the first statement names of the kind counted (two or more), or nothing when another fact of its
    relation names more: then its names are not all there are ("attacks concentrated in Algeria, Mali ..."
    and "at least one attack in Côte d'Ivoire")."""
    first = _counted_in(model, facts[0], frame)
    if len(first) < 2:
        return []
    # (what the first says of its names in the question's words, "concentrated", others may not say of
    # theirs: "how many countries are its attacks concentrated in?" counts the first's alone)
    asked = frozenset(model.stem(w) for w in frame.content)

    def says(fact: Fact) -> frozenset[str]:
        return asked & model.statement_stems[fact.statement]

    own = says(facts[0])
    more = any(
        set(_counted_in(model, f, frame)) - set(first)
        for f in facts[1:]
        if f.relation == facts[0].relation and own <= says(f)
    )
    return [] if more else first


def _named_set(model: Model, facts: list[Fact], frame: Frame, kinds: set[str]) -> list[str]:
    """The entities of ``kinds`` an answer names as a set, besides those asked about: those the first fact
    names, and those more than one fact names (not every name in passing)."""
    asked = frame.asked_besides(model.entities)  # ("the name of the new group": that group answers)
    named = [
        e
        for f in facts
        for e in dict.fromkeys(model.index.roles[f.id])
        if e in model.entities and model.entities[e].type in kinds and e not in asked
    ]
    first = set(model.index.roles[facts[0].id]) if facts else set()
    # (and what any of the facts is about: "Ansar al Dine, a Malian insurgent group, is one of ...",
    # "Ansar al Islam ... is one of ...")
    subjects = {f.subject for f in facts}
    return [e for e in dict.fromkeys(named) if e in first or e in subjects or named.count(e) > 1]


def _plural_kind(model: Model, frame: Frame) -> tuple[str, ...]:
    """The types a plural word of the question names when it names no entity of them ("the Islamists")."""
    named = {model.entities[e].type for e in frame.entity_ids}
    for word, types in model.types_named(frame.tokens):
        if word.endswith("s") and not named & set(types):
            return types
    return ()


def _once(model: Model, facts: list[Fact]) -> list[Fact]:
    """The facts to say: one per claim (a sentence read as several facts, or two facts saying one thing)."""
    return said_once(model, unrepeated(model, facts))


def _say(model: Model, facts: list[Fact], most: int = 99) -> tuple[list[str], list[Fact]]:
    """The statements to make (at most ``most``), what several facts say of different things said together,
    and the facts they say (for the citations)."""
    said = coordinate(model, _once(model, facts))[:most]
    return [text for text, _ in said], [f for _, members in said for f in members]


def _listed(model: Model, facts: list[Fact], reading: Reading, shape: str) -> list[str]:
    """Return the entities a list answer enumerates: the facts' subjects (or objects), not the slot itself."""
    slot = set(reading.entities)
    listed: dict[str, None] = {}
    for f in facts:
        ent = f.subject if shape == "subjects" else f.object
        if ent and ent not in slot and ent in model.entities:
            listed.setdefault(ent, None)
    return list(listed)


def _with_siblings(model: Model, facts: list[Fact], frame: Frame) -> list[Fact]:
    """Add facts that say more of the same sentence about the same subject, so an answer is not half a sentence."""
    if not facts or len(facts) >= 4:
        return facts
    top = facts[0]
    chosen = {f.id for f in facts}
    # a "why" or "how" question wants the rest of the sentence too (the motive beside the event)
    any_relation = frame.answer_type in ("why", "how")
    same_sentences = {f.id: f for sid in top.cites for f in model.index.by_sentence.get(sid, ())}
    siblings = [
        f
        for f in same_sentences.values()
        if f.id not in chosen
        and (
            (top.subject in (f.subject, f.object) and (f.relation == top.relation or any_relation))
            or (f.relation == top.relation and frame.answer_type in ("what", "how"))
        )
    ]
    return facts + siblings[: 4 - len(facts)]


def _covering(model: Model, facts: list[Fact], frame: Frame) -> list[Fact]:
    """Put next to the top fact one that covers what it leaves out of the question.

    "Has X spread into central and southern Y?": the brief says both, in one sentence read as two facts;
    a yes/no answer shows two statements, and they should be the two the question names.
    """
    if len(frame.asked) < 2 or not facts:
        return facts
    top = facts[0]
    roles = model.index.roles
    missing = [e for e in frame.asked if e not in roles[top.id]]
    if not missing:
        return facts
    same_sentence = [f for sid in top.cites for f in model.index.by_sentence.get(sid, ()) if f.relation == top.relation]
    for candidate in (*facts[1:], *same_sentence):
        if candidate.id != top.id and any(e in roles[candidate.id] for e in missing):
            return [top, candidate, *(f for f in facts[1:] if f.id != candidate.id)]
    return facts
