"""Follow-up readings: a short turn read against what the last answer said.

"when?", "where are they?", "who else?", "and in Bamako?": each is the last question again, amended, or
a question about the last answer's facts.  When the last answer's facts cannot answer it, the reading
says what is missing ("The brief doesn't say who else"), rather than letting the words find some other
fact.  May import: ``model``, ``frame``, ``context``, ``retrieval``, ``reading``.
"""

from __future__ import annotations

from .context import Context
from .frame import YEAR, Frame
from .knowledge.schema import Fact
from .model import Model
from .normalize import normalize
from .reading import Reading, scored

__all__ = ["elliptical_reading", "else_reading", "more_reading", "next_reading", "pointing_reading", "wh_reading"]


def pointing_reading(model: Model, frame: Frame, explicit: bool, context: Context) -> Reading | None:
    """Answer a short question that points back ("where are they?", "who was blamed for that?") from the last facts."""
    tokens = frame.tokens
    if explicit or len(tokens) > 6 or not context.facts or not set(tokens) & model.lang.pointers:
        return None
    if frame.answer_type not in ("where", "when", "who", "how_many", "why"):
        return None
    previous = [model.facts[f] for f in context.facts if f in model.facts]
    words = model.index.resolve_words(frame.content)
    fitting: list[Fact] = []
    if words:
        found = model.index.score(frame, (), words, candidates=previous)
        fitting = [s.fact for s in found if s.typed >= 1.0 and s.lexical > 0]
    if not fitting and not words:
        # "where was that?", "who was it?": the kind of answer says which of the last facts answer; but
        # not "what is his date of birth?", whose words the brief never uses, nor "who drove them out?",
        # whose words the last facts do not say (another fact of the brief does)
        fitting = [f for f in previous if model.index.type_fit(frame, f, frozenset()) >= 1.0]
    if not fitting:
        return None
    return Reading(
        "follow_up", 0.88, scored(fitting[:2], 0.88), "all", "a short question about what the last answer said"
    )


def elliptical_reading(model: Model, frame: Frame, context: Context) -> Reading | None:
    """Read "and in Bamako?", "and how many escaped?", "anywhere else?" as the last question, amended."""
    if not context.words and not context.asked:
        return None
    lang = model.lang
    tokens = frame.tokens
    entity_ids = frame.entity_ids
    joined = " ".join(tokens)
    opener = bool(tokens) and (
        any(joined == o or joined.startswith(o + " ") for o in lang.elliptical_openers)
        or "same" in tokens
        or "else" in tokens
    )
    if not opener and (entity_ids or len(frame.content) > 2):
        return None
    opened = next((o for o in lang.elliptical_openers if joined.startswith(o + " ")), "")
    after = tokens[len(opened.split()) :]
    complete = bool(
        after
        and after[0] in lang.question_words
        and (entity_ids or (len(frame.content) >= 2 and not lang.follow_up_openers.match(" ".join(after))))
        and any(s is not None for _, s, _ in model.index.resolve_words(frame.content))
    )
    if complete and not lang.other_words & set(tokens):
        # "and who is its leader?": a question of its own about what it names, "and" only joins it on
        return None
    rest = [t for t in tokens if t not in lang.stopwords and not YEAR.fullmatch(t)]
    if not opener and not entity_ids and rest:
        own = model.index.resolve_words(tuple(rest))
        if all(s is None for _, s, _ in own):
            # "what is 2+2?", "tell me a joke": nothing the brief knows amends the last question
            return None
    new_classes = {model.cls[e] for e in entity_ids}
    # ("how many Americans died?" ... "and how many people were killed overall?": a count of a noun of the
    # kind of what the last count counted counts that kind instead)
    counting = frame.answer_type == context.answer_type == "how_many"
    new_types = {t for _, ts in model.types_named(tokens) for t in ts} if counting else set()
    # ("did Americans die in the Bamako one?" ... "what about Ouagadougou?": a new place asks of what happened
    # there, not of the occasion in the last place)
    placed = "place" in new_classes
    kept = tuple(
        e
        for e in context.asked
        if e in model.entities
        and model.cls[e] not in new_classes
        and model.entities[e].type not in new_types
        and not (placed and model.cls[e] == "event")
    )
    if lang.someone_else & set(tokens) and frame.answer_type in ("who", "which"):
        # "who else ...?" asks for someone other than the last subject: do not carry it over
        kept = ()
    ids = tuple(dict.fromkeys((*entity_ids, *kept)))
    if not ids and not (frame.years and context.words):
        # (a year alone re-asks a question of no particular entity: "which attacks in 2015?" ... "and 2016?")
        return None
    # ("who else leads in AQIM?" says all it asks: "else" only sets aside what was said, none of the last
    # question's words are carried over)
    carried = () if complete else tuple(w for w in context.words if w not in frame.content)
    merged_words = tuple(dict.fromkeys((*frame.content, *carried)))
    amended = frame._replace(
        content=merged_words,
        answer_type=frame.answer_type
        if frame.answer_type not in ("what", "yesno")
        else (context.answer_type or "what"),
    )
    words = model.index.resolve_words(amended.content)
    # "and the related groups?": what the turn adds is what the answer must be about, the last question's
    # words only what is asked of it
    timing = set(lang.period_words) | lang.interval_units | set(lang.number_words)
    own = {s for w, s, _ in model.index.resolve_words(frame.content) if s is not None and w not in timing}
    strong = model.index.strong
    # the last answer's relations first ("who gave that figure?" ... "what about the related groups?" still
    # asks of their size), then any
    last = frozenset(model.facts[f].relation for f in context.facts if f in model.facts)
    found, bearing = [], False
    for relations in (last, None) if last else (None,):
        found = model.index.score(amended, ids, words, relations=relations)
        bearing_found = [s for s in found if own & strong[s.fact.id]] if own else []
        bearing = bool(bearing_found)
        found = bearing_found or found
        if bearing or not own:
            break
    if set(tokens) & lang.more_words:
        # "anywhere else?": not what the last answer already said
        found = [s for s in found if s.fact.id not in context.facts]
    if not found:
        return None
    top = found[0]
    chosen = [s for s in found if s.score >= top.score * 0.85][:3]
    detail = "the last question again, amended: " + " ".join(merged_words)
    if ids:
        detail += " about " + ", ".join(model.entities[e].short for e in ids)
    if frame.years:
        detail += " in " + ", ".join(str(y) for y in frame.years)
    # an explicit follow-up ("and the related groups?") whose own words the facts bear out is the reading,
    # whatever a word-by-word lookup of the turn alone finds
    score = 1.0 if opener and bearing else top.score * 0.97
    roles = model.index.roles[top.fact.id]
    named_only = all(
        any(m.start <= i < m.end for m in frame.mentions) or tokens[i] in lang.follow_up_fillers | lang.articles
        for i in range(len(opened.split()), len(tokens))
    )
    if opened and named_only and carried and top.lexical >= 1.0 and entity_ids and all(e in roles for e in entity_ids):
        # ("what about Burkina Faso?": all the last question's words in a fact about the new subject: the
        # last question again, before any reading of the name alone)
        score = max(score, 0.9)
    return Reading("follow_up", score, tuple(chosen), "all", detail, ids)


def wh_reading(model: Model, frame: Frame, context: Context) -> Reading | None:
    """Answer a bare "when?", "where?", "by whom?" from the facts of the last answer."""
    last = model.intents.get(context.intent or "")
    if last is not None and last.compose == "brief":
        # "who wrote this?" ... "when?": the same question about the brief, another detail
        return Reading(last.id, 0.9, (), "brief", "a bare follow-up about the brief")
    if not context.facts:
        return None
    previous = [model.facts[f] for f in context.facts if f in model.facts]
    kind = frame.answer_type
    if kind == "when":
        fitting = [f for f in previous if f.date]
    elif kind == "where":
        places = model.giving.get("place", frozenset())
        fitting = [f for f in previous if f.place or f.relation in places]
        fitting = fitting or [f for f in previous if f.object and model.cls.get(f.object) == "place"]
    elif kind == "how_many":
        fitting = [f for f in previous if f.count]
    elif kind == "who":
        fitting = previous
    else:
        return None
    detail = f"a bare '{' '.join(frame.tokens)}' about the last answer's facts"
    if not fitting:
        return Reading("follow_up", 0.9, (), "all", detail, missing=model.lang.missing_kinds[kind])
    return Reading("follow_up", 0.9, scored(fitting[:3], 0.9), "all", detail)


def else_reading(model: Model, frame: Frame, context: Context) -> Reading | None:
    """Answer "who else?", "anywhere else?", "any others?": the last question again, minus what was said.

    When the brief has nothing more, that is the answer ("The brief doesn't say who else"), rather than
    whatever else the words happen to match.
    """
    lang = model.lang
    tokens = set(frame.tokens)
    if not context.facts or not tokens & lang.else_words or len(frame.tokens) > 6 or frame.mentions:
        return None
    if frame.years and tokens & lang.happening_verbs:
        return None  # "what else happened that year?": what happened then, besides what was said
    if tokens & lang.place_words:
        kind = "where"
    elif tokens & lang.person_words:
        kind = "who"
    elif "when" in tokens:
        kind = "when"
    else:
        kind = context.answer_type or frame.answer_type
    ids = context.asked or ((context.subject,) if context.subject else ())
    ids = tuple(e for e in ids if e in model.entities)
    again = frame._replace(answer_type=kind, content=context.words)
    words = model.index.resolve_words(context.words)
    said = set(context.facts)
    # what shares a quote with what was said was said too ("concentrated in Algeria, as well as in Mali")
    said |= {
        other.id
        for f in list(said)
        if f in model.facts
        for other in model.index.by_sentence.get(model.facts[f].cites[0], ())
        if other.quote == model.facts[f].quote
    }
    intent = model.intents.get(context.intent or "")
    by_intent = intent is not None and intent.kind == "relation" and bool(intent.relations)
    if intent is not None and by_intent:
        relations = frozenset(intent.relations)
    else:
        # more of the same: facts of the relations the last answer's facts were of
        relations = frozenset(model.facts[f].relation for f in said if f in model.facts)
    roles = model.index.roles
    found = [
        s
        for s in model.index.score(again, ids, words, relations=relations or None, limit=60)
        if s.fact.id not in said
        and all(e in roles[s.fact.id] for e in ids)
        and s.typed >= 1.0
        and (s.lexical >= 0.2 or not words or by_intent)
    ]
    if kind == "where":
        places = model.giving.get("place", frozenset())
        named = {e for f in said if f in model.facts for e in model.index.places[f]}
        found = [
            s
            for s in found
            if (s.fact.place or s.fact.relation in places) and model.index.places[s.fact.id] - named - set(ids)
        ]
    detail = f"'{' '.join(frame.tokens)}': the last question again, without what the last answer said"
    if not found and ids and tokens & lang.object_question_words:
        # "who pledged to him?" ... "and to whom else?": the one who answered pledged to someone else too,
        # named in the same statement ("to AQIM's Droukdel (and to Zawahiri)")
        asked_class = model.cls.get(ids[0])
        also = [
            model.facts[f]
            for f in context.facts
            if f in model.facts
            and any(r != "subject" and e not in ids and model.cls.get(e) == asked_class for e, r in roles[f].items())
        ]
        if also:
            return Reading("follow_up", 0.9, scored(also[:2], 0.9), "all", detail)
    if not found:
        return Reading(
            "follow_up", 0.9, (), "all", detail, missing=lang.else_missing.get(kind, lang.else_missing["other"])
        )
    return Reading("follow_up", 0.9, tuple(s._replace(score=0.9) for s in found[:3]), "all", detail)


def more_reading(model: Model, frame: Frame, context: Context) -> Reading | None:
    """ "more", "tell me more", "go on": the next part of what the last answer left over."""
    lang = model.lang
    asked = " ".join(t for t in frame.tokens if t not in lang.fillers)
    if asked not in lang.more_requests:
        return None
    detail = "the rest of the last answer"
    left = [model.facts[f] for f in context.more if f in model.facts]
    if not left:
        return Reading("more", 0.95, (), "more", detail, missing=lang.else_missing["other"])
    subject = (context.subject,) if context.subject else ()
    return Reading("more", 0.95, scored(left, 0.95), "more", detail, subject)


def next_reading(model: Model, frame: Frame, context: Context) -> Reading | None:
    """ "then what?", "what happened next?": what the brief tells of the last subject after what was said.

    After a dated answer, the next thing is what the brief dates soonest after it of the subject (an event
    it took part in too); after an undated one, what the brief tells next of it, since the brief tells a
    group's story in order.  When there is none, that is the answer ("The brief doesn't say anything more").
    """
    lang = model.lang
    if not context.facts or not context.subject:
        return None
    # ("what did AQIM do next?" of AQIM talked of is "what did it do next?", of AQIM)
    subject = next(
        (m.entity for m in frame.mentions if m.entity in context.entities and m.method not in ("context", "set")),
        context.subject,
    )
    named = {
        i
        for m in frame.mentions
        if m.entity == subject and m.method not in ("context", "set")
        for i in range(m.start, m.end)
    }
    words = [
        "it" if i in named and i - 1 not in named else t
        for i, t in enumerate(frame.tokens)
        if t not in lang.fillers and (i not in named or i - 1 not in named)
    ]
    asked = " ".join(words)
    if asked not in lang.next_requests and asked.removeprefix("and ") not in lang.next_requests:
        return None
    detail = "what the brief tells next of " + (
        (context.subject_name or subject) if subject == context.subject else model.entities[subject].short
    )
    said = [model.facts[f] for f in context.facts if f in model.facts]
    if not said:
        return None

    def told_at(fact: Fact) -> tuple[int, int]:
        # where the brief tells it: its sentence, and where in the sentence its quote begins
        sentence = fact.cites[0]
        text = model.sentences[sentence].text if sentence in model.sentences else ""
        return model.sentence_at.get(sentence, -1), max(text.find(fact.quote), 0)

    # after what the answer was (its first fact), of no year before it
    told = told_at(said[0])
    year = said[0].year_from
    roles = model.index.roles
    near = [f for f in model.index.by_entity.get(subject, ()) if f.id not in context.facts and subject in roles[f.id]]
    about = [f for f in near if roles[f.id].get(subject) in ("subject", "object")]
    # of a dated answer, what is dated after it, the soonest first (an event it took part in too: "a U.S.
    # citizen was kidnapped, reportedly by MUJAO"); of an undated one, what the brief tells after it
    when = (year or 0, model.month(said[0].date))

    def dated_after(facts: list[Fact]) -> list[Fact]:
        return sorted(
            (f for f in facts if f.year_from is not None and (f.year_from, model.month(f.date)) > when),
            key=lambda f: (f.year_from or 0, model.month(f.date), told_at(f), f.id),
        )

    later = dated_after(near) if year is not None else []
    if later:
        # what the brief tells of it next, undated but in sequence ("AQIM then carried out ..."), comes next
        # too
        later = [
            *sorted(
                (
                    f
                    for f in about
                    if f.year_from is None
                    and told < told_at(f)
                    and told_at(f)[0] <= told[0] + 1
                    and lang.sequence_words & set(normalize(f.quote).split())
                ),
                key=lambda f: (told_at(f), -f.weight, f.id),
            ),
            *later,
        ]
    if not later and year is None:
        later = sorted(
            (f for f in about if told_at(f) > told),
            key=lambda f: (told_at(f), -f.weight, f.id),
        )
    if not later:
        return Reading("follow_up", 0.9, (), "all", detail, missing=lang.else_missing["other"])
    first = later[0]
    chosen = [
        f
        for f in later
        if told_at(f) == told_at(first) or ((f.year_from, f.date) == (first.year_from, first.date) and f.date)
    ][:2]
    return Reading("follow_up", 0.9, scored(chosen, 0.9), "all", detail, (subject,))
