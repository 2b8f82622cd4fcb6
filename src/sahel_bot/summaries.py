"""Summary readings: answers no single fact gives, built from several facts and shown with their working.

- a superlative ("the deadliest attack", "the most recent"): the facts of the question's topic ordered by
  a count or a date, the extreme one given with what it was measured by;
- a total ("how many ... in all"): the counts of distinct events added up, the sum shown;
- an interval ("how many years between X and Y", "how long after X did Y"): the years of two facts
  subtracted, both cited (``dated_pairs``, with the order of two dated things);
- a comparative of size ("is A bigger than B?"): the figures of the two named, when the brief gives both;
- each member of a set ("who led each of the groups that merged into X"): the set found first, then the
  question asked of each member;
- what several entities share ("which countries were attacked both by X and by Y");
- what happened in a period ("between 2012 and 2015"), in date order.

Each reading cites every fact it uses.  May import: ``model``, ``frame``, ``context``, ``intents``,
``retrieval``, ``reading``, ``relation_reading``, ``entities``, ``dated_pairs``, ``summary_sets``.
"""

from __future__ import annotations

import re

from .context import Context
from .dated_pairs import dated, earliest, interval_reading, order_reading
from .entities import Mention
from .frame import Frame
from .model import Model
from .normalize import first_end, phrase_at
from .reading import Reading, Words
from .relation_reading import intent_reading
from .retrieval import FactScore
from .summary_sets import SURE, in_common, members_reading, period_reading

__all__ = ["number", "number_text", "summary_reading"]

_DIGITS = re.compile(r"\d[\d,]*")


def number(model: Model, count: str | None) -> int | None:
    """The number a fact's count gives ("39", "some 800", "one"), or None."""
    if not count:
        return None
    digits = _DIGITS.search(count)
    if digits:
        return int(digits.group().replace(",", ""))
    for word, value in model.lang.number_words.items():
        if re.search(rf"\b{word}\b", count.lower()):
            return value
    return None


def number_text(model: Model, n: int) -> str:
    """A small number in words, capitalised ("Four"), as the language file spells them; larger ones in digits."""
    spelled = {v: w for w, v in model.lang.number_words.items() if " " not in w}
    word = spelled.get(n, str(n))
    return word[:1].upper() + word[1:]


def summary_reading(model: Model, frame: Frame, words: Words) -> Reading | None:
    """Return the summary reading the question asks for, or None (no summary asked, or no facts for it)."""
    if frame.interval:
        return interval_reading(model, frame)
    if frame.order:
        return order_reading(model, frame)
    if frame.superlative:
        return _superlative(model, frame, words)
    if frame.total:
        return _total(model, frame, words)
    if frame.each:
        return _each(model, frame)
    if frame.both and len(frame.entity_ids) >= 2:
        shared = in_common(model, frame, words)
        if shared is not None or not frame.is_yesno:
            return shared
    if frame.period is not None and frame.timeline:
        return period_reading(model, frame, words)
    return members_reading(model, frame, words)


def _topic(model: Model, frame: Frame, words: Words, cue: set[str] | None = None) -> list[FactScore]:
    """The facts about what the question is about, the summary's own words left out of it."""
    cue = cue or set()
    # the cue as the lexicon rewrote it ("deadliest" is read as the brief's "lethality") is no topic word
    cue |= {model.knowledge.synonyms.get(w, w) for w in cue}
    own = [w for w in words if w[0] not in cue]
    found = model.index.score(frame._replace(answer_type="what"), frame.entity_ids, own, limit=400)
    if own and any(s is not None for _, s, _ in own):
        found = [s for s in found if s.lexical >= 0.3]
    return found


def _options(model: Model, frame: Frame) -> tuple[range, range] | None:
    """The two things a "which came first: A or B?" question weighs: the spans either side of its "or"."""
    lang = model.lang
    tokens = frame.tokens
    cue = tuple(frame.superlative.split())
    at = phrase_at(tokens, cue)
    if at is None:
        return None
    end = at + len(cue)
    if end < len(tokens) - 1 and tokens[end] in lang.comparison_words:
        # "is A older than B?": A before the comparative (after the verb that opens the question), B after "than"
        return range(1, at), range(end + 1, len(tokens))
    inside = {j for m in frame.mentions for j in range(m.start + 1, m.end)}
    ors = [j for j in range(end + 1, len(tokens) - 1) if tokens[j] in lang.option_words and j not in inside]
    if len(ors) != 1:
        return None
    return range(end, ors[0]), range(ors[0] + 1, len(tokens))


def _superlative(model: Model, frame: Frame, words: Words) -> Reading | None:
    cue = model.lang.superlatives[frame.superlative]
    if cue.by == "count" and cue.pair:
        return _compared(model, frame, cue.most)
    options = _options(model, frame) if cue.by != "count" else None
    if options is not None:
        # "which came first: A or B?": the two facts the options name, by their dates
        # (elliptical options, "the U.S. one or the French one", share what comes before the cue)
        first, second = options
        cue_at = first.start - len(frame.superlative.split())
        ones = model.lang.one_words
        elliptical = all(ones & set(frame.tokens[span.start : span.stop]) for span in options)
        shared = range(1, cue_at) if elliptical else range(0)
        later = dated(model, frame, second, shared)
        pair = [dated(model, frame, first, shared, later.fact.id if later and shared else ""), later]
        if pair[0] is not None and pair[1] is not None and pair[0].fact.id != pair[1].fact.id:
            when = {s.fact.id: (s.fact.year_from, model.month(s.fact.date)) for s in pair if s is not None}
            ordered = sorted((s for s in pair if s is not None), key=lambda s: when[s.fact.id], reverse=cue.most)
            detail = f"superlative '{frame.superlative}' of the two named: {', '.join(s.fact.id for s in ordered)}"
            facts = tuple(s._replace(score=SURE) for s in ordered)
            return Reading("superlative", SURE, facts, "superlative", detail, frame.entity_ids)
    members = [m.entity for m in frame.mentions if m.method == "set"]
    if cue.by == "date" and len(members) >= 2:
        return _set_by_date(model, frame, members, cue.most)
    found = _topic(model, frame, words, set(frame.superlative.split()))
    said = _said_superlative(model, frame, found)
    if said is not None:
        # "the first kidnapping of an American by an AQIM-linked group": the brief says which it was
        detail = f"superlative '{frame.superlative}': the brief's own words"
        return Reading("superlative", SURE, (said._replace(score=SURE),), "best", detail, frame.entity_ids)
    if cue.by == "count":
        counted = {model.stem(w) for w in cue.counting}
        if not counted:
            # "the largest ransom payment": counts of what the superlative is said of, not any count ("the
            # largest group" is the size of groups: no count of what happened to someone)
            measured = _measured(model, frame)
            if measured & {model.stem(n) for n in model.type_nouns}:
                return None
            counted = measured
        ranked = [
            (value, s)
            for s in found
            if (value := number(model, s.fact.count)) is not None
            and (not counted or counted & model.index.strong[s.fact.id])
        ]
    else:
        ranked = [((s.fact.year_from, model.month(s.fact.date)), s) for s in found if s.fact.year_from]
    if not ranked:
        return None
    ranked.sort(key=lambda item: item[0], reverse=cue.most)
    best = ranked[0][1]
    detail = f"superlative '{frame.superlative}': {len(ranked)} facts ordered by {cue.by}"
    return Reading("superlative", SURE, (best._replace(score=SURE),), "superlative", detail, frame.entity_ids)


def _set_by_date(model: Model, frame: Frame, members: list[str], most: bool) -> Reading | None:
    """ "Which of the two attacks came first?": each member of the set by its own earliest dated fact (one
    it is the subject of, else any it is in), in date order."""
    own = []
    for e in members:
        first = earliest(model, e, any_role=True)
        if first is None:
            return None
        own.append(first)
    own.sort(key=lambda f: (f.year_from or 0, model.month(f.date)), reverse=most)
    detail = f"superlative '{frame.superlative}' of the set: {', '.join(f.id for f in own)}"
    facts = tuple(FactScore(f, SURE, 1.0, 1.0, 1.0) for f in own)
    return Reading("superlative", SURE, facts, "superlative", detail, frame.entity_ids)


def _compared(model: Model, frame: Frame, most: bool) -> Reading | None:
    """ "Is A bigger than B?", "which has more fighters, A or B?": each one's own figure of its size, when
    the brief gives both (``None`` otherwise: no answer, and the decision says the facts don't add up)."""
    options = _options(model, frame)
    if options is None:
        return None
    sizes = model.index.size_relations
    figures = []
    for span in options:
        named = [m.entity for m in frame.mentions if m.start in span]
        given = [
            (value, f)
            for e in named[:1]
            for f in model.index.by_entity.get(e, ())
            if f.relation in sizes and f.subject == e and (value := number(model, f.count)) is not None
        ]
        if not given:
            return None
        figures.append(max(given, key=lambda item: (item[0], item[1].id)))
    figures.sort(key=lambda item: item[0], reverse=most)
    detail = f"comparative '{frame.superlative}': the figures of the two named"
    facts = tuple(FactScore(f, SURE, 1.0, 1.0, 1.0) for _, f in figures)
    return Reading("superlative", SURE, facts, "superlative", detail, frame.entity_ids)


def _said_superlative(model: Model, frame: Frame, found: list[FactScore]) -> FactScore | None:
    """The fact that itself calls something the superlative asked of ("the first kidnapping"), if any."""
    asked = {model.stem(w) for w in frame.superlative.split()} | _measured(model, frame)
    strong = model.index.strong
    return next((s for s in found if asked <= strong[s.fact.id]), None)


def _measured(model: Model, frame: Frame) -> set[str]:
    """The noun a superlative is said of ("the largest single ransom payment" -> payment), as a stem."""
    tokens = frame.tokens
    cue = tuple(frame.superlative.split())
    start = phrase_at(tokens, cue)
    at = len(tokens) if start is None else start + len(cue)
    named = {i for m in frame.mentions for i in range(m.start, m.end)}
    run = []
    for i in range(at, len(tokens)):
        if tokens[i] in model.lang.stopwords:
            break
        if i not in named:  # "the largest ransom payment": a name may qualify the noun
            run.append(tokens[i])
    synonyms = model.knowledge.synonyms
    return {model.stem(synonyms.get(run[-1], run[-1]))} if run else set()


def _counted(model: Model, frame: Frame) -> tuple[str | None, str | None]:
    """What "how many" ("the number of") counts: an entity named right after it ("how many Americans"),
    or a word."""
    tokens = frame.tokens
    at = first_end(tokens, model.counting_cues)
    if at is None or at >= len(tokens):
        return None, None
    mention = next((m for m in frame.mentions if m.start == at), None)
    if mention is not None:
        return mention.entity, None
    return None, model.stem(tokens[at])


def _total(model: Model, frame: Frame, words: Words) -> Reading | None:
    cue = {w for phrase in (*model.lang.total_words, *model.lang.total_commands) for w in phrase.split()}
    # "in the gas plant siege, the Bamako attack and the Ouagadougou attack", "in Bamako and in
    # Ouagadougou": each fact is about one of the events or places named, and about everything else named
    counted_entity, counted_word = _counted(model, frame)
    # (not what is counted: "the number of U.S. deaths" counts Americans wherever they died)
    named_events = {e for e in frame.entity_ids if model.cls.get(e) in ("event", "place") and e != counted_entity}
    # "by AQIM and related groups": AQIM or any group tied to it, not AQIM in every fact
    related = [
        (m.entity, p)
        for m in frame.mentions
        for p in model.lang.related_phrases
        if tuple(frame.tokens[m.end : m.end + len(p)]) == p
    ]
    widened = {e for e, _ in related}
    # ... and those words say whose deeds are counted, not what the deeds are
    cue |= {w for _, p in related for w in p}
    found = _topic(model, frame, words, cue)
    others = [e for e in frame.entity_ids if e not in named_events and e not in widened]
    if counted_entity is not None:
        # "how many Americans": a fact counts them only when it is about them
        found = [s for s in found if counted_entity in model.index.roles[s.fact.id]]
    elif counted_word is not None:
        # "how many people": a fact of "one U.S. citizen" counts citizens, not people at large
        found = [s for s in found if counted_word in model.index.strong[s.fact.id]]
    # ... and it counts what the question says happened to them ("killed", "escaped"): one of its words
    doing = {s for _, s, _ in words if s is not None and s != counted_word} - {model.stem(w) for w in cue}
    if doing:
        found = [s for s in found if doing & model.index.strong[s.fact.id]]
    events: dict[tuple[str, int], FactScore] = {}
    for s in found:
        value = number(model, s.fact.count)
        if value is None:
            continue
        # counts of events only: a fact that sums up others ("as of 2012, a single death") is none; one
        # count per event and number, however many facts repeat it
        event = next((e for e in s.fact.entities if model.cls.get(e) == "event"), None)
        roles = model.index.roles[s.fact.id]
        if named_events and not named_events & roles.keys():
            continue
        if event is not None and all(e in roles for e in others):
            events.setdefault((event, value), s)
    if not events:
        return None
    # the one event asked about, with its own total ("in all, 39 civilians were killed"): that counts
    # everyone, its other counts ("three U.S. citizens") are among them, not more
    own = [s for (event, _), s in events.items() if event in frame.entity_ids and model.in_all(s.fact.statement)]
    if len(named_events) == 1 and own:
        events = {k: s for k, s in events.items() if s is own[0]}
    chosen = tuple(s._replace(score=SURE) for s in events.values())
    if len(chosen) == 1:
        # "how many civilians died in total at the gas plant?": for one event named, the brief gives the
        # total itself; for a group over all its attacks, one event's count is no total
        ((event, _),) = events
        if event not in frame.entity_ids:
            return None
        return Reading("total", SURE, chosen, "all", "the one count the brief gives", frame.entity_ids)
    detail = f"a total over {len(chosen)} events"
    return Reading("total", SURE, chosen, "total", detail, frame.entity_ids)


def _members(model: Model, frame: Frame, after: int) -> tuple[list[str], tuple[str, ...]]:
    """The set "each of the groups that merged into X" names, and the type nouns that name it."""
    tokens = frame.tokens
    named = model.types_named(tokens[after:])
    if not named:
        return [], ()
    _, wanted = named[0]
    anchors = [m.entity for m in frame.mentions if m.start >= after]
    clause = {model.stem(t) for t in tokens[after:]}
    members: dict[str, None] = {}
    for anchor in anchors:
        for f in model.index.by_entity.get(anchor, ()):
            if not model.relation_stems[f.relation] & clause:
                continue
            for e in model.index.roles[f.id]:
                inherited = e in model.index.inherited[f.id]  # AQIM is in a merger only through its branch
                if e != anchor and not inherited and e in model.entities and model.entities[e].type in wanted:
                    members.setdefault(e, None)
    return list(members), wanted


def _each(model: Model, frame: Frame) -> Reading | None:
    tokens = frame.tokens
    lang = model.lang
    at = next((i for i, t in enumerate(tokens) if t in {w for p in lang.each_words for w in p.split()}), None)
    if at is None or at < 2:
        return None
    members, _ = _members(model, frame, at)
    if len(members) < 2:
        return None
    main = tokens[:at]
    facts: list[FactScore] = []
    covered: list[str] = []
    for member in members:
        # the question before "each", asked of the member: "who led" + "Ansar al Dine"
        name = model.names[member][0].split()
        sub_tokens = (*main, *name)
        mention = Mention(member, len(main), len(sub_tokens), model.entities[member].name, " ".join(name), 100, "each")
        sub = frame._replace(tokens=sub_tokens, mentions=(mention,), content=(), each=False)
        matches = model.matcher.match(sub_tokens, (mention,))
        reading = intent_reading(model, sub, [], matches[0], Context()) if matches else None
        if reading is not None and reading.facts:
            facts.append(reading.facts[0]._replace(score=SURE))
            covered.append(member)
    if len(covered) < 2:
        return None
    detail = "each of " + ", ".join(model.entities[m].short for m in members)
    return Reading("each", SURE, tuple(facts), "each", detail, tuple(members))
