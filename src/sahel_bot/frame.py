"""The frame stage: read the question's words once — what kind of answer it wants, its content words,
the kinds of entity asked for, and the constraints that limit the answer (a period, places set aside,
an exact figure, the present tense).

The ``Frame`` built here is what every later stage reads; none of them looks at the words again to
decide what is asked.  A follow-up's frame takes what it leaves unsaid from the last one ("and Ansar
Dine?" after "how many fighters ...?" asks for a number too).
May import: ``language``, ``entities``, ``model``, ``context``, ``linking``.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

from . import clauses, cues, phrases
from .context import Context
from .cues import YEAR
from .entities import Mention
from .knowledge.schema import Entity
from .linking import Mentions
from .model import Model
from .records import record

__all__ = ["YEAR", "Frame", "build_frame"]

#: The classes of entity a "how many" question can count by listing them (see ``Frame.tally``).
_NAMED_CLASSES = ("group", "place")


@record
class Frame:
    """A question read once: tokens, the entities it names, the answer it wants and what limits it."""

    text: str
    tokens: tuple[str, ...]
    mentions: tuple[Mention, ...]
    answer_type: str
    is_yesno: bool
    #: the words that carry what is asked (no stopwords, names, years or months), in the brief's words
    content: tuple[str, ...]
    #: every word of the question with its position, user phrases read as the brief's word ("used to be" ->
    #: "formerly"): what the stages that read a span of the question in the brief's words read
    read: tuple[tuple[int, str], ...]
    years: tuple[int, ...]
    #: entity types the answer should name ("which countries ..." wants countries)
    wanted: tuple[str, ...] = ()
    #: the words that say what kind of thing is asked for, the noun last ("which Christian aid organization")
    wanted_words: tuple[str, ...] = ()
    #: the noun a "which"/"what" question asks for when it names no kind of entity ("which languages",
    #: "what percentage"), in the brief's word
    asked_noun: str = ""
    #: years the answer must fall in, from "before 2013", "since 2015", "after the French intervention"
    period: tuple[int, int] | None = None
    #: places the question sets aside ("beyond northern Mali", "outside Algeria"): named, not asked about
    beyond: tuple[str, ...] = ()
    #: the country whose people "which Algerian ..." asks about: the person answering must be from it
    origin: str | None = None
    #: an exact figure asked for ("exactly how much")
    exact: bool = False
    #: a date finer than the year is asked ("in what month ...")
    finer_date: bool = False
    #: ... and the day itself ("on what day in February 2017"), not only the month
    day_asked: bool = False
    #: who came before or after a person in a role is asked ("who succeeded X?", "who took over after X?")
    succession: bool = False
    #: "how many groups merged?": the question is "which groups merged?", answered with how many there are
    tally: bool = False
    #: what a "how many" question counts, in the brief's words ("how many American hostages were taken"
    #: -> "american", "hostages"): the words right after the cue
    counted: tuple[str, ...] = ()
    #: the kind of value the question's relation must give, when its words name none ("how many do they have")
    gives: str = ""
    #: how the question reaches past the brief's date ("in 2020"), or ""
    after_brief: str = ""
    #: the question is in the present tense (the answer holds as of the brief's date)
    present: bool = False
    #: the summary the question asks for: a superlative cue ("deadliest"), a total ("in all"), the years
    #: between two things, the same question of each member of a set, what several entities share
    superlative: str = ""
    total: bool = False
    interval: bool = False
    each: bool = False
    both: bool = False
    #: what happened, in date order ("what happened between 2012 and 2015", "a timeline of X")
    timeline: bool = False
    #: "was A before or after B?": two things ordered by their dates
    order: bool = False
    #: "what did X do?": the answer is what X did, facts where X acts
    acting: bool = False
    #: the tokens of a clause that only says when ("who led X when it joined Y?"): the question is the rest
    clause: tuple[int, int] | None = None
    #: the event a "since"/"after" period starts from: its own facts are not what followed it
    after: str | None = None
    #: the spans of names set in contrast ("rather than Al Qaeda"): not part of what is asked
    contrast: tuple[tuple[int, int], ...] = ()

    @property
    def normalized(self) -> str:
        return " ".join(self.tokens)

    @property
    def asked(self) -> frozenset[str]:
        """The entities the question names (those it sets aside included: the answer must name others)."""
        return frozenset((*(m.entity for m in self.mentions), *self.beyond))

    def asked_besides(self, entities: Mapping[str, Entity]) -> frozenset[str]:
        """The entities asked about, less those the conversation supplied for the kind asked for ("what's
        his ethnicity?" resolved "his ethnicity" to Fulani, "the name of the new group" to Al Murabitoun:
        that is the answer, not what is asked about)."""
        if not self.wanted:
            return self.asked
        wanted = set(self.wanted)
        noun = self.wanted_words[-1:]
        given = {
            m.entity
            for m in self.mentions
            if m.method == "context"
            and entities[m.entity].type in wanted
            # "his ethnicity", "the new group": the words pointing back are the noun asked about
            and bool(noun)
            and noun[0] in self.tokens[m.start : m.end + 1]
        }
        return self.asked - given

    @property
    def entity_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.entity for m in self.mentions))


def answer_type(model: Model, tokens: tuple[str, ...] | list[str]) -> tuple[str, bool]:
    """Return (answer type, is yes/no) from the question's first cue ("who was its leader when ..." asks who)."""
    lang = model.lang
    text = " " + " ".join(tokens) + " "
    # "which hotel attacks ...", "which hotel and restaurant attacks ..." ask which attacks, not the hotel's
    # name (the pairs first, whatever order the set gives)
    kinds = sorted(lang.attack_kind_nouns)
    for noun, other in itertools.product(kinds, kinds):
        text = text.replace(f" {noun} and {other} attack", " attack")
    for noun in kinds:
        text = text.replace(f" {noun} attack", " attack")
    first = tokens[0] if tokens else ""
    if first in lang.yes_no_starts:
        # "does the U.S. publish how big the groups are?" asks yes or no, whatever words follow
        return "yesno", True
    found: list[tuple[int, int, str]] = []
    called = lang.called.search(text)
    if called:
        found.append((called.start(), -1, "name"))
    for order, cue in enumerate(lang.answer_types):
        positions = [text.find(c) for c in cue.cues if c in text]
        if positions:
            found.append((min(positions), order, cue.type))
    # at one position the more specific cue wins ("how many" over "how")
    for _, _, kind in sorted(found):
        return kind, False
    return "what", False


def _read(model: Model, text: str, tokens: tuple[str, ...], mentions: tuple[Mention, ...]) -> Frame:
    """Return the frame of the words alone, before any constraint or follow-up is applied."""
    lang = model.lang
    in_mention = [False] * len(tokens)
    for m in mentions:
        for i in range(m.start, m.end):
            in_mention[i] = True
    kind, is_yesno = answer_type(model, tokens)
    years = tuple(int(t) for t in tokens if YEAR.fullmatch(t))
    months = set(lang.months) | set(lang.month_abbreviations)
    read_as = phrases.with_synonyms(model, tokens, in_mention)
    # words that say who acts or stress what they follow: no content of their own (see phrases.unasked)
    unasked = phrases.unasked(model, tokens)
    # "the number of": a question form, like "how many", not a word the facts must share
    asking = {w for c in model.counting_cues for w in c} if kind == "how_many" else set()
    # ("how many were there altogether?": the word asking for a total asks, the facts need not say it)
    asking |= {p for p in lang.total_words if " " not in p} if kind == "how_many" else set()
    content = tuple(
        t
        for i, t in read_as
        if not in_mention[i]
        and i not in unasked
        and t not in asking
        and t not in lang.stopwords
        and t not in lang.reflexives
        and not YEAR.fullmatch(t)
        and t not in months
        and len(t) > 1
    )
    # "which countries", "what groups": the noun says what kind of thing the answer names; it is matched
    # against the facts' entities, not against their words
    # ("which Malian city": a name before the noun says where, the noun what kind)
    wanted: list[str] = []
    wanted_words: tuple[str, ...] = ()
    asked_noun = ""
    if kind == "name":
        named = phrases.named_kind(model, tokens, in_mention)
        if named is not None:
            # "the name of the group based in Burkina Faso" asks which group: a name the brief gives
            start, end = named
            noun = tokens[end - 1]
            wanted.extend(model.type_words[noun])
            wanted_words = tokens[start:end]
            # (a noun of the kind only asks for one; a descriptor, "offshoot", says what the facts must say)
            spent = noun if noun in model.type_nouns else ""
            content = tuple(w for w in content if w not in lang.name_nouns and w != spent)
    described = phrases.identity_noun(model, tokens, in_mention)
    if described is not None:
        # "who was the U.S. ambassador killed in ...?": someone of that kind, whom the answer must name
        noun = tokens[described]
        wanted.extend(model.type_words.get(noun) or model.class_types.get("person", ()))
        wanted_words = (noun,)
    demonym = phrases.demonym_asked(model, tokens, mentions)
    origin = None
    if demonym is not None:
        # "which Algerian leads ...?": a person from that country; the country is what the person must be
        # from, not what the facts must be about
        wanted.extend(model.class_types.get("person", ()))
        wanted_words = (tokens[demonym],)
        origin = next(m.entity for m in mentions if m.start == demonym)
        mentions = tuple(m for m in mentions if m.start != demonym)
    for i, t in enumerate(tokens[:-1]):
        if t in lang.kind_question_words or (i == 0 and t in lang.list_starters):
            j = i + 1
            if t not in lang.kind_question_words:
                # "name the three countries where ...": a command, then the noun with its article and number
                while j < len(tokens) - 1 and (tokens[j] in lang.articles or tokens[j] in lang.number_words):
                    j += 1
                content = tuple(w for w in content if w not in lang.number_words)
            while j < len(tokens) - 1 and in_mention[j] and j - i <= 2:
                j += 1
            # "which Christian aid organization": words that qualify the noun come before it (not "what
            # kind of organization", "how many groups": a question form, then the noun)
            for n in range(j, min(j + 4, len(tokens))):
                if tokens[n] in model.type_nouns and not in_mention[n]:
                    j = n
                    break
                joined = tokens[n] in lang.coordinators and n > j and n + 1 < len(tokens)
                if joined and tokens[n + 1] not in lang.stopwords:
                    continue  # "which hotel and restaurant attacks": qualifiers joined by "and"
                if (tokens[n] in lang.stopwords and tokens[n] not in lang.other_words) or in_mention[n]:
                    break  # ("which other countries": "other" qualifies the noun too)
            noun = tokens[j]
            types = model.type_nouns.get(noun)
            if types is None and noun in model.role_nouns and t in lang.kind_question_words and in_mention[j - 1]:
                # "which Islamic State leader ...": someone in that role, whom the answer must name
                types = model.class_types.get("person")
            pair = f"{tokens[j - 1]} {noun}" if j - 1 > i else ""
            if pair in model.type_nouns and not in_mention[j - 1]:
                # "which ethnic group": the two words name one kind (an ethnicity, not an organization)
                types = model.type_nouns[pair]
            if types and not in_mention[j]:
                wanted.extend(types)
                wanted_words = wanted_words or tokens[i + 1 : j + 1]
                if noun not in model.role_nouns:
                    # (a role noun stays a content word: its relation is part of what is asked)
                    content = tuple(w for w in content if w != noun)
            elif (
                kind in ("which", "what")
                and not asked_noun
                and not in_mention[j]
                and j == i + 1
                and noun not in lang.stopwords
            ):
                asked_noun = dict(read_as).get(j, noun)
    counted = cues.counted(model, tokens, in_mention, dict(read_as)) if kind == "how_many" else ()
    # things known by their names (groups, countries) are listed and counted; people are counted by the brief
    noun = next((w for w in counted if w in model.type_nouns and model.noun_class(w) in _NAMED_CLASSES), None)
    tally = noun is not None and not wanted
    if noun is not None and tally:
        # "how many groups merged into X?": which groups, counted (the brief seldom gives the number itself)
        kind = "which"
        wanted.extend(model.type_nouns[noun])
        content = tuple(w for w in content if w != noun)
    return Frame(
        text=text,
        tokens=tokens,
        mentions=mentions,
        origin=origin,
        answer_type=kind,
        is_yesno=is_yesno,
        content=content,
        read=tuple(read_as),
        years=years,
        wanted=tuple(dict.fromkeys(wanted)),
        wanted_words=wanted_words,
        asked_noun=asked_noun,
        exact=bool(lang.exact_words & set(tokens)),
        finer_date=any(f" {c} " in f" {' '.join(tokens)} " for c in lang.finer_date_cues),
        day_asked=any(f" {c} " in f" {' '.join(tokens)} " for c in lang.day_cues),
        succession=cues.succession(model, tokens, mentions, kind),
        counted=() if tally else counted,
        tally=tally,
        acting=kind == "what" and bool(lang.doing_verbs & set(tokens)),
        present=bool(lang.present_words & set(tokens)) and not lang.past_words & set(tokens),
        **cues.summary(model, tokens, kind),
    )


def build_frame(
    model: Model, text: str, mentions: Mentions, context: Context, follow_intent: str | None
) -> tuple[Frame, str]:
    """Return the question's frame, and a note of what limits it (for the explanation)."""
    lang = model.lang
    tokens = mentions.tokens
    found = mentions.found
    frame = _read(model, text, tokens, found)
    if mentions.beyond or mentions.contrasted:
        frame = frame._replace(
            beyond=mentions.beyond,
            contrast=mentions.contrasted,
            content=tuple(w for w in frame.content if w not in mentions.aside),
        )
    if frame.answer_type == "how_many" and not frame.content and lang.have_words & set(tokens):
        # "how many does Al Murabitoun have?": what a group has, counted, is its size
        frame = frame._replace(gives="size")
    if follow_intent and not frame.content and context.answer_type:
        # "and Ansar Dine?" after "how many fighters does AQIM have?" asks for a number too
        frame = frame._replace(answer_type=context.answer_type)
        if follow_intent not in model.intents and context.answer_type in lang.pointed_types:
            # the last question ("how many fighters ...?") was read by its words, not by an intent: the
            # same words, about the new name
            frame = frame._replace(content=context.words)
    elif (
        not frame.content
        and frame.answer_type in ("how_many", "size")
        and context.words
        and any(m.method in ("context", "set") for m in found)
    ):
        # "how much does it give them?" after "does AQIM fund Ansar al Dine?": a number of what the last
        # question asked about
        frame = frame._replace(content=context.words)
    if not frame.years and context.facts and lang.same_year.search(" ".join(tokens)):
        # "who else swore allegiance to him that year?": the year of the last answer
        years = [model.facts[f].year_from for f in context.facts if f in model.facts and model.facts[f].year_from]
        if years:
            frame = frame._replace(years=(years[0],))
    text = f" {' '.join(tokens)} "
    since = any(f" {p} " in text for p in lang.since_then) or tokens[-1:] == ("since",)
    if context.years and not frame.years and not frame.period and since:
        # "what have they been doing since then?": from the last answer's year on
        frame = frame._replace(period=(min(context.years), 9999))
    note = ""
    period, anchor = (None, None) if frame.period else clauses.period(model, tokens, found)
    if period is not None:
        # "before the 2013 gas plant siege": a time, not a subject; facts of the period answer
        kept = tuple(m for m in found if m is not anchor)
        # the period word is no content word; the event's own words still say what the facts are near
        content = tuple(w for w in frame.content if w not in lang.period_words and w != "to")
        if anchor is not None:
            content += tuple(
                w for w in tokens[anchor.start : anchor.end] if w not in lang.stopwords and not w.isdigit()
            )
        frame = frame._replace(years=(), period=period, mentions=kept, content=content)
        if anchor is not None and period[1] == 9999:
            # "since the French intervention": what followed it is asked, not the intervention itself
            frame = frame._replace(after=anchor.entity)
        note = f"period {period[0]}-{period[1]}"
    else:
        clause = clauses.after_clause(model, frame)
        if clause is not None:
            frame = frame._replace(content=clause.content, clause=clause.span)
            if clause.span is not None:
                # what the clause names only dates the question: it is not asked about
                start, end = clause.span
                frame = frame._replace(mentions=tuple(m for m in frame.mentions if m.end <= start or m.start >= end))
            year = clause.year
            if year is not None and not frame.years and clause.opener not in lang.dating_clause_openers:
                # "after the French pushed them out of the towns, ...", "once they were in charge": from
                # that year on
                lo, hi = lang.period_words.get(clause.opener, (0, None))
                frame = frame._replace(period=(0 if lo is None else year + lo, 9999 if hi is None else year + hi))
                note = f"the clause dates it to {year}"
            elif year is not None and not frame.years:
                # "who led X when it joined Y?": in the year it joined
                frame = frame._replace(years=(year,))
                note = f"the clause dates it to {year}"
    later = [y for y in frame.years if y > model.brief_year]
    later += [
        int(t) + 1
        for w, t in itertools.pairwise(tokens)
        if w in lang.strictly_after and YEAR.fullmatch(t) and int(t) >= model.brief_year
    ]
    if later:
        frame = frame._replace(after_brief=f"in {later[0]}")
    elif lang.after_the_document.search(" ".join(tokens)):
        frame = frame._replace(after_brief="after it was written")
    return frame, note
