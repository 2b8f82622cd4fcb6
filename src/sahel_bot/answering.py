"""The answer engine: from a question and a conversation context to a cited reply and a new context.

It links entities, resolves follow-ups against the context, scores intent
templates and facts, and then decides: answer (composed from facts, with
their hedges and citations), ask "did you mean", or decline — saying what the
brief does say when it can.  It never raises: any input gets a reply.
May import: every core module below ``bot``; never ``interfaces``.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace

from .config import Settings
from .context import Context
from .entities import EntityLinker, Mention
from .intents import READING_FLOOR, IntentMatch, IntentMatcher
from .knowledge.schema import Entity, Fact, Intent, Knowledge
from .normalize import MAX_QUESTION_CHARS, normalize
from .question import ANAPHORA, STOPWORDS, Question, analyse, stem
from .reply import ANSWER, CLARIFY, DECLINE, Candidate, Citation, Explanation, LinkedEntity, Reply
from .retrieval import PLACE_RELATIONS, FactIndex, FactScore
from .spelling import SpellChecker, common_english_words

__all__ = ["Engine"]

MAX_TOKENS = 60
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_FOLLOW_UP = re.compile(r"^(and|what about|how about|and what about|same for|also|now)\b")
_POINTERS = frozenset("they them their it its that this those these there he him his she her".split())
#: "before 2013" -> years up to 2012; the offsets from the year named (None: open-ended).
_PERIOD_WORDS: dict[str, tuple[int | None, int | None]] = {
    "before": (None, -1),
    "prior": (None, -1),
    "until": (None, 0),
    "after": (0, None),  # "after the January 2013 siege": later in 2013 counts
    "since": (0, None),
    "following": (0, None),
}
_YEAR_TOKEN = re.compile(r"1[89]\d\d|20\d\d")
#: Kinds of answer that are one detail (a number, a date, a place, a name), not an account.
_WH_WORDS = frozenset({"what", "whats", "where", "wheres", "when", "who", "whos", "which", "why", "how", "hows"})
# words after "that" that leave it pointing at the last subject: verbs ("did that make it richer?") and the
# events a conversation is about ("that siege", "that operation"); any other noun names something else
_SKIP_AFTER_THAT = frozenset(
    """make made makes mean means happen happened year time day date
    attack attacks siege operation assault strike airstrike raid kidnapping abduction murder killing bombing
    incident event episode merger pledge oath split intervention agreement deal arrest arrests announcement
    video claim""".split()
)
# words that open a clause after "since" / "after" ("since it moved into the Sahel")
_CLAUSE_SUBJECTS = frozenset({"it", "they", "he", "she", "the", "aqim", "we", "its", "their"})
# words that set a place aside ("beyond northern Mali", "outside Algeria", "other than Mali")
_ASIDE_WORDS = frozenset({"beyond", "outside", "other", "than"})
_TOWN_WORDS = frozenset({"town", "towns", "city", "cities", "village", "villages"})
_POINTED = frozenset({"how_many", "size", "when", "duration", "where", "who"})
_ELSE_WORDS = frozenset("else elsewhere other others besides additional further".split())
_PLACE_WORDS = frozenset("where anywhere elsewhere somewhere place places country countries region regions".split())
_PERSON_WORDS = frozenset("who whom anyone anybody someone somebody person people leader leaders".split())
_BARE_FOLLOW_UP = frozenset(
    "when where who whom why how many much by and so exactly really what year date place was were it that".split()
)
_NOT_GIVEN = {
    "when": "The brief doesn't say when.",
    "how_many": "The brief doesn't give that number.",
    "size": "The brief doesn't give that figure.",
    "duration": "The brief doesn't say how long.",
    "where": "The brief doesn't say where.",
    "who": "The brief doesn't say who.",
    "why": "The brief doesn't say why.",
    "name": "The brief doesn't give that name.",
    "exact": "The brief gives no exact figure.",
}
_EXACT_WORDS = frozenset({"exact", "exactly", "precise", "precisely"})
_ROUGH_AMOUNTS = frozenset("millions thousands hundreds dozens several some many limited few tens billions".split())
#: Hedges that put a fact in doubt: among equally good facts, those come after the ones the brief asserts.
_DOUBTFUL = frozenset({"debated", "unclear", "uncertain", "unconfirmed", "possibly", "may"})
_ANAPHORIC_ADJECTIVES = frozenset("new merged combined latter resulting".split())
_LEADER_NOUNS = frozenset("leader leaders emir head chief commander boss".split())
_KIND_NOUNS = {
    "ethnic": "ethnic",
    "groups": "group",
    "group": "group",
    "organizations": "group",
    "organisations": "group",
    "factions": "group",
    "affiliates": "group",
    "offshoots": "group",
    "people": "person",
    "persons": "person",
    "person": "person",
    "individuals": "person",
    "leaders": "person",
    "leader": "person",
    "figures": "person",
    "nationals": "person",
    "countries": "country",
    "country": "country",
    "places": "place",
    "cities": "place",
    "towns": "place",
    "events": "event",
    "attacks": "event",
    "actions": "event",
    "operations": "event",
    "actors": "actor",
    "bodies": "actor",
}
_KIND_TYPES = {
    "group": ("group",),
    "person": ("person",),
    "country": ("country",),
    "place": ("place", "country"),
    "event": ("event",),
    "actor": ("organisation", "group"),
    "ethnic": ("concept",),
}
_LEAD_WORDS = frozenset({"led", "lead", "leads", "leader", "leaders", "headed", "run", "commanded"})
_BRIEF_WORDS = frozenset(
    "brief report document author wrote written writer authored published publish dated date title figure "
    "picture image cover covers summary sections section crs source sources you your about".split()
)
_ABOUT_THE_BRIEF = re.compile(r"\b(published|written|wrote|authored|author|writer|brief|report)\b")
_SMALL_TALK = frozenset(
    "hi hello hey hiya yo thanks thank you thx cheers bye goodbye good morning afternoon evening night ok okay "
    "cool great nice awesome please how are doing today fine well lol haha yes no sure alright there all".split()
)


def _small_talk_reply(tokens: list[str]) -> str:
    words = set(tokens)
    if words & {"thanks", "thank", "thx", "cheers"}:
        return "You're welcome. Ask me anything else about the brief."
    if words & {"bye", "goodbye"}:
        return "Goodbye."
    return "Hello! " + HELP_TEXT


_US = re.compile(r"\bU\.?S\b")
_FILLERS = frozenset("ok okay so well hmm um uh please hey hi thanks right alright now then also yes no".split())
_NOUN_ANAPHORA = {
    "group": "group",
    "groups": "group",
    "organization": "group",
    "organisation": "group",
    "movement": "group",
    "faction": "group",
    "man": "person",
    "person": "person",
    "guy": "person",
    "country": "place",
    "place": "place",
    "city": "place",
    "town": "place",
    "region": "place",
    "area": "place",
    # events: only when the question names nothing else ("what was the operation called?")
    "operation": "event",
    "offensive": "event",
    "intervention": "event",
    "siege": "event",
    "attack": "event",
    "kidnapping": "event",
    "merger": "event",
}
_AFTER_BRIEF = re.compile(
    r"\b(since|after) (the|this) (brief|report|document)( was| came)?( written| published| released| out| issued)?\b"
    r"|\b(this week|this month|latest news|recent news|current events)\b"
)
_HEDGE_LEAD = {
    "reportedly": "Reportedly",
    "appears": "It appears so",
    "apparently": "Apparently",
    "may": "Possibly",
    "possibly": "Possibly",
    "suggests": "Possibly",
    "unconfirmed": "Not confirmed",
    "uncertain": "Uncertain",
    "unclear": "Unclear",
    "debated": "It is debated",
}
HELP_TEXT = (
    "Ask me about the CRS brief \u201cAl Qaeda in the Islamic Maghreb (AQIM) and Related Groups\u201d "
    "(March 20, 2017): its groups, leaders, areas of operation, attacks, financing and ties to Al Qaeda "
    "and the Islamic State \u2014 for example \u201cWho leads AQIM?\u201d or \u201cWhat is MUJAO?\u201d."
)


@dataclass(frozen=True, slots=True)
class Reading:
    """One way of understanding the question, with the facts that would answer it."""

    intent: str
    score: float
    facts: tuple[FactScore, ...]
    compose: str
    detail: str
    entities: tuple[str, ...] = ()
    match: IntentMatch | None = None
    missing: str = ""


class Engine:
    """Everything built once from the knowledge that answering needs."""

    def __init__(self, knowledge: Knowledge, settings: Settings) -> None:
        self.knowledge = knowledge
        self.settings = settings
        self.entities = knowledge.entities
        self.linker = EntityLinker(knowledge.entities, settings.entity_cutoff)
        self.matcher = IntentMatcher(knowledge.intents, knowledge.entities)
        self.index = FactIndex(knowledge.facts, knowledge.entities, knowledge.relations)
        self.sentences = {s.id: s for s in knowledge.brief.sentences}
        self.facts = {f.id: f for f in knowledge.facts}
        template_words = {
            w for i in knowledge.intents.values() for t in i.templates for w in t.normalized.split() if "{" not in w
        }
        self.speller = SpellChecker(_lexicon(knowledge), common_english_words(), template_words)
        alias_words = {w for key in self.linker.exact for w in key.split()}
        self.linker.plain_words = frozenset((self.speller.common | set(STOPWORDS)) - alias_words)
        self.names = {
            e.id: tuple(n for n in dict.fromkeys(normalize(x) for x in e.names) if n) for e in self.entities.values()
        }
        # the brief's year: nothing after it can be in the brief ("in 2020", "since 2018")
        self.brief_year = int(knowledge.brief.date[:4]) if knowledge.brief.date[:4].isdigit() else 9999
        # how plainly each fact speaks of its relation: "a key source of funding" is about financing in the
        # relation's own words, "observers debate ... drug smuggling" only around it; used to order equals
        self.topical: dict[str, int] = {}
        for f in knowledge.facts:
            relation = knowledge.relations.get(f.relation)
            vocabulary = {stem(w) for k in (relation.keywords if relation else ()) for w in k.split()}
            self.topical[f.id] = len(vocabulary & {stem(w) for w in normalize(f.statement).split()})
        self.overviews = {
            (e, compose): self._overview(e, compose) for e in self.index.by_entity for compose in ("about", "timeline")
        }

    def _overview(self, ent: str, compose: str) -> tuple[tuple[Fact, ...], tuple[FactScore, ...]]:
        """Return an entity's facts in the order an overview ("about") or a timeline tells them.

        Built once per entity with the engine: the order depends on the facts alone, not on the question.
        The facts are not ranked by any question, so each carries a plain score of 1.
        """
        facts = list(self.index.by_entity.get(ent, ()))
        if compose == "timeline":
            dated: dict[int, list[Fact]] = {}
            for f in facts:
                if f.year_from:
                    dated.setdefault(f.year_from, []).append(f)
            # every year first (its most central fact), then a second fact per year while there is room
            ranked = {y: sorted(fs, key=lambda f: (-f.weight, f.id)) for y, fs in dated.items()}
            picked = {y: fs[:1] for y, fs in ranked.items()}
            room = 16 - len(picked)
            for y in sorted(ranked):
                if room <= 0:
                    break
                if len(ranked[y]) > 1:
                    picked[y].append(ranked[y][1])
                    room -= 1
            facts = [f for y in sorted(picked) for f in sorted(picked[y], key=lambda f: (_month(f.date), f.id))]
        else:
            roles = self.index.roles
            facts.sort(key=lambda f: (roles[f.id].get(ent) != "subject", -f.weight, f.year_from or 9999, f.id))
        return tuple(facts), tuple(FactScore(f, 1.0, 1.0, 1.0, 1.0) for f in facts)

    # -- entry point ---------------------------------------------------------------
    def answer(self, question: str, context: Context) -> tuple[Reply, Context]:
        """Return the reply to ``question`` and the context after it; never raises."""
        try:
            return self._answer(question, context)
        except Exception as exc:  # a reply is always owed; the reason stays visible in the explanation
            reply = Reply(
                question=_safe_text(question),
                answered=False,
                text="Sorry, I could not process that question. Please rephrase it.",
                outcome=DECLINE,
                explanation=Explanation(reason=f"internal error: {type(exc).__name__}: {exc}"),
            )
            return reply, context

    def _answer(self, raw: str, context: Context) -> tuple[Reply, Context]:
        text = _safe_text(raw)
        tokens = normalize(text).split()[:MAX_TOKENS]
        aged = context.aged(self.settings.context_turns)
        if not tokens:
            return self._decline(text, HELP_TEXT, "empty question", aged, tokens=tokens)

        mentions = self._link(text, tokens)
        tokens, corrections = self._spell(tokens, mentions)
        if corrections:
            # "macina liberaton front": with the typo mended, the whole name links (not "macina" alone)
            relinked = self._link(text, tokens)
            if sum(m.end - m.start for m in relinked) > sum(m.end - m.start for m in mentions):
                mentions = relinked
        outside = [m for m in mentions if self.entities[m.entity].type == "outside"]
        mentions = [m for m in mentions if self.entities[m.entity].type != "outside"]
        if set(tokens) <= _SMALL_TALK:
            return self._decline(
                text, _small_talk_reply(tokens), "small talk, not a question about the brief", aged, tokens=tokens
            )
        bare_follow_up = bool(tokens) and not mentions and set(tokens) <= _BARE_FOLLOW_UP
        explicit = bool(mentions)
        mentions, context_note, follow_intent = self._resolve_context(tokens, mentions, aged)
        if corrections:
            note = "read " + ", ".join(f"'{a}' as '{b}'" for a, b in corrections)
            context_note = f"{context_note}; {note}" if context_note else note
        mentions, role_note = self._resolve_roles(tokens, mentions)
        if role_note:
            context_note = f"{context_note}; {role_note}" if context_note else role_note
        mentions, beyond, aside = self._beyond(tokens, mentions)
        question = analyse(text, tokens, mentions, self.knowledge.synonyms)
        if beyond:
            question = replace(question, beyond=beyond, content=tuple(w for w in question.content if w not in aside))
        if question.answer_type == "how_many" and not question.content and {"have", "has", "had"} & set(tokens):
            # "how many does Al Murabitoun have?": of a group, its members is what one has
            question = replace(question, content=("members",))
        if follow_intent and not question.content and aged.answer_type:
            # "and Ansar Dine?" after "how many fighters does AQIM have?" asks for a number too
            question = replace(question, answer_type=aged.answer_type)
            if follow_intent not in self.knowledge.intents and aged.answer_type in _POINTED:
                # the last question ("how many fighters ...?") was read by its words, not by an intent: the
                # same words, about the new name
                question = replace(question, content=aged.words)
        if not question.years and aged.facts and re.search(r"\b(that|the same|same) year\b", " ".join(tokens)):
            # "who else swore allegiance to him that year?": the year of the last answer
            years = [self.facts[f].year_from for f in aged.facts if f in self.facts and self.facts[f].year_from]
            if years:
                question = replace(question, years=(years[0],))
        period, anchor = self._period(tokens, mentions, question)
        if period is not None:
            # "before the 2013 gas plant siege": a time, not a subject; facts of the period answer
            mentions = [m for m in mentions if m is not anchor]
            # the period word is no content word; the event's own words still say what the facts are near
            content = tuple(w for w in question.content if w not in _PERIOD_WORDS and w != "to")
            if anchor is not None:
                content += tuple(w for w in tokens[anchor.start : anchor.end] if w not in STOPWORDS and not w.isdigit())
            question = replace(question, years=(), period=period, mentions=tuple(mentions), content=content)
        else:
            question = self._after_clause(question, tokens)
        linked = tuple(self._linked(m, tokens) for m in mentions)

        if not mentions and aged.is_empty and len(tokens) <= 6 and set(tokens) & {"it", "its", "they", "them", "their"}:
            # "who leads it?" with nothing said before: ask which, rather than guess
            asked = self._which_one(text, tokens, aged)
            if asked is not None:
                return asked
        unresolved = [t for t in tokens if t in ("he", "him", "his", "she", "her")]
        if unresolved and not mentions:
            return self._decline(
                text,
                f"I don't know who “{unresolved[0]}” is here — please ask again with a name.",
                f"the pronoun '{unresolved[0]}' refers to nobody in this conversation",
                aged,
                tokens=tokens,
                context_note=context_note,
            )
        if outside:
            names = ", ".join(self.entities[m.entity].name for m in outside)
            about = ""
            if mentions:
                ent = self.entities[mentions[0].entity]
                about = f" It does cover {ent.short}: {ent.description}"
            return self._decline(
                text,
                f"The brief doesn't cover {names}, so I can't answer that from it.{about}",
                f"mentions {names}, which the brief does not cover",
                aged,
                tokens=tokens,
                linked=linked,
                context_note=context_note,
            )

        after = self._after_the_brief(question)
        if after:
            return self._decline(
                text,
                f"The brief is dated {self.knowledge.brief.date_printed}, so it can't say what happened {after}.",
                f"asks about {after}, after the brief's date",
                aged,
                tokens=tokens,
                linked=linked,
                context_note=context_note,
            )
        entity_ids = tuple(dict.fromkeys(m.entity for m in mentions))
        words = self.index.resolve_words(question.content)
        unknown = [w for w, s, _ in words if s is None]
        matches = self.matcher.match(question)
        follow_match: IntentMatch | None = None
        if follow_intent and follow_intent in self.knowledge.intents and mentions:
            # "and the MLF?": the last question again, about something else
            intent = self.knowledge.intents[follow_intent]
            slot = intent.slots[0] if intent.slots else "entity"
            follow_match = IntentMatch(
                intent, 0.9, f"(follow-up of {follow_intent})", 1.0, 1.0, ((slot, mentions[0].entity),)
            )
            matches.insert(0, follow_match)

        readings = self._readings(question, entity_ids, words, matches, aged)
        follow = self._wh_follow_up(question, aged) if bare_follow_up else None
        if follow is not None:
            readings.insert(0, follow)
        pointing = self._pointing_back(question, tokens, explicit, aged)
        # "who leads it?" with 'it' resolved is the leader question, whatever the last answer said
        whole_question = bool(readings) and _is_exact(readings[0])
        if pointing is not None and not whole_question and (not readings or pointing.score > readings[0].score):
            readings.insert(0, pointing)
        elliptical = self._elliptical(question, tokens, entity_ids, aged)
        if elliptical is not None and (not readings or elliptical.score > readings[0].score):
            readings.insert(0, elliptical)
        other = self._else_follow_up(question, aged) if follow is None and not explicit else None
        if other is not None:
            # "where else?": what the last answer left out, not the words' nearest facts
            readings.insert(0, other)
        computed = [Candidate(r.intent, r.score, tuple(f.fact.id for f in r.facts[:6]), r.detail) for r in readings[:5]]
        seen_intents = {c.intent for c in computed}
        # intents whose templates came close but were not worth reading facts for: shown as runners-up
        computed += [
            Candidate(m.intent.id, m.score, (), f"template '{m.template}' only (ratio {m.ratio:.2f})")
            for m in matches[:4]
            if m.intent.id not in seen_intents
        ]
        candidates = tuple(computed[:6])
        explanation = Explanation(
            normalized=" ".join(tokens),
            entities=linked,
            candidates=candidates,
            context=context_note,
        )
        best = readings[0] if readings else None
        threshold = self.settings.answer_threshold
        if follow_intent:
            # "and Ansar Dine?" after "how many fighters does AQIM have?": if the brief has no number for it,
            # that is the answer, not an overview of Ansar Dine
            again = next(
                (
                    r
                    for r in readings
                    if (follow_match is not None and r.match is follow_match)
                    or (r.intent == follow_intent and follow_intent not in self.knowledge.intents)
                ),
                None,
            )
            if again is not None and self._pointed_but_not_given(question, again, entity_ids):
                return self._decline_nearby(text, question, entity_ids, unknown, again, explanation, aged)
        if best is not None and best.intent == "follow_up" and not best.facts:
            return self._decline(
                text,
                f"The brief doesn't say {best.missing}.",
                "a follow-up the last answer's facts cannot answer",
                aged,
                tokens=tokens,
                context_note=context_note,
            )
        if (
            best is None
            or best.score < self.settings.clarify_threshold
            or (not best.facts and best.compose not in ("brief", "about", "acronym", "entities"))
        ):
            return self._decline_nearby(text, question, entity_ids, unknown, best, explanation, aged)
        ambiguous = (
            len(readings) > 1
            and readings[1].score >= threshold
            and best.score - readings[1].score < self.settings.ambiguity_margin
            and readings[1].intent != best.intent
            and not _same_facts(best, readings[1])
            and not entity_ids
        )
        if self._exact_not_given(question, best):
            # "what was the exact dollar total of ransoms?": the brief says "millions of dollars", no more
            inexact = replace(best, facts=tuple(replace(f, typed=min(f.typed, 0.99)) for f in best.facts[:1]))
            for_exact = replace(question, answer_type="exact")
            return self._decline_nearby(text, for_exact, entity_ids, unknown, inexact, explanation, aged)
        if self._town_not_named(question, best):
            # "which town in Côte d'Ivoire did AQIM attack?": the brief names the country, not the town
            return self._decline_nearby(text, question, entity_ids, unknown, best, explanation, aged)
        if best.score < threshold and self._pointed_but_not_given(question, best, entity_ids):
            # "how many fighters does Ansar al Dine have?": understood, and the brief's facts about it give no
            # number; say so, with what it does say, rather than ask what was meant
            return self._decline_nearby(text, question, entity_ids, unknown, best, explanation, aged)
        if best.score < threshold or ambiguous:
            # only a question that names something in the brief, or whose shape a template
            # recognised, is worth a "did you mean"; anything else is simply off-topic
            grounded = bool(entity_ids) or (best.match is not None and best.match.ratio >= 0.85)
            suggestions = self._suggestions(readings[:3]) if grounded else ()
            if suggestions:
                reply = Reply(
                    question=text,
                    answered=False,
                    text="I'm not sure what you mean. Did you mean:",
                    outcome=CLARIFY,
                    intent=best.intent,
                    confidence=best.score,
                    suggestions=suggestions,
                    explanation=replace(
                        explanation,
                        reason=f"confidence {best.score:.2f} "
                        + ("is close to the runner-up" if ambiguous else f"is below the answer threshold {threshold}"),
                    ),
                )
                # remember what was asked, so a bare answer ("AQIM", "1") can complete it
                pending = best.intent if best.intent in self.knowledge.intents else aged.intent
                return reply, replace(aged, intent=pending, age=0)
            return self._decline_nearby(text, question, entity_ids, unknown, best, explanation, aged)
        return self._compose(text, question, best, explanation, aged, entity_ids)

    def _unrepeated(self, facts: list[Fact]) -> list[Fact]:
        """Return the facts whose statements say something an earlier one from the same quote did not.

        One sentence of the brief is often several facts ("concentrated in Algeria, as well as in Mali,
        Mauritania, and Niger" is one per country); said once, it names them all.  A fact is left out only
        when an earlier fact of the same quote already names everything it is about.
        """
        kept: list[Fact] = []
        by_quote: dict[tuple[str, ...], list[Fact]] = {}  # kept facts by the sentence they cite first
        for fact in facts:
            roles = self.index.roles[fact.id]
            same = by_quote.setdefault(fact.cites[:1], [])
            earlier = [
                k
                for k in same
                if (
                    k.quote == fact.quote
                    # the same sentence said again with no word of its own ("Al Murabitoun and AQIM's Sahel-based
                    # emirate announced ..." after "AQIM's Sahel-based emirate and Al Murabitoun announced ...")
                    or _says_nothing_new(fact.statement, k.statement)
                )
            ]
            if earlier and any(self._names_all(k, roles.keys() - self.index.roles[k.id].keys()) for k in earlier):
                continue
            kept.append(fact)
            same.append(fact)
        return kept

    def _names_all(self, fact: Fact, entity_ids: set[str]) -> bool:
        said = f" {_normal_statement(fact.statement)} "
        return all(any(f" {n} " in said for n in self.names.get(e, ())) for e in entity_ids)

    def _to_another_group(self, fact: Fact, ids: tuple[str, ...]) -> bool:
        """Whether the fact's object is a group the question did not name (what the subject does to it)."""
        target = self.entities.get(fact.object) if fact.object else None
        return target is not None and target.type == "group" and fact.object not in ids

    def _pointed_but_not_given(self, question: Question, best: Reading, entity_ids: tuple[str, ...]) -> bool:
        """Whether a number or a date was asked about something, and its best fact is of that kind but gives none."""
        if question.answer_type not in ("how_many", "size", "when", "duration") or not entity_ids or not best.facts:
            return False
        top = best.facts[0]
        # the fact is of the kind asked about: of the intent's relations, or (read by its words) close to them
        fits = top.fact.relation in best.match.intent.relations if best.match is not None else top.lexical >= 0.5
        roles = self.index.roles[top.fact.id]
        return top.typed < 1 and fits and all(e in roles for e in entity_ids)

    def _exact_not_given(self, question: Question, best: Reading) -> bool:
        """Whether an exact figure was asked for and the answer's fact gives only a rough one ("millions")."""
        if not _EXACT_WORDS & set(question.tokens) or not best.facts:
            return False
        statement = normalize(best.facts[0].fact.statement)
        # a number other than a year would be a figure
        return bool(_ROUGH_AMOUNTS & set(statement.split())) and not re.search(r"\b(?!(?:19|20)\d\d\b)\d+", statement)

    def _town_not_named(self, question: Question, best: Reading) -> bool:
        """Whether a town or city was asked for and none of the answer's facts names one (in the country asked).

        An answer naming only countries, or a town elsewhere, would answer another question than the one asked.
        """
        asks = question.answer_type in ("where", "which", "what", "name")
        if not asks or not _TOWN_WORDS & set(question.tokens) or not best.facts:
            return False
        if _TOWN_WORDS & set(normalize(best.facts[0].fact.statement).split()):
            return False  # "ousted Islamist leaders from major towns": as far as the brief goes
        asked = question.asked
        # "which town in Mali": a town of the country asked about (a town elsewhere answers another question)
        countries = {e for e in asked if e in self.entities and self.entities[e].type == "country"}
        for s in best.facts[:3]:
            for e in self.index.places[s.fact.id] - asked:
                place = self.entities[e]
                if place.type != "country" and (not countries or countries & set(place.part_of)):
                    return False
        return True

    def _spell(self, tokens: list[str], mentions: list[Mention]) -> tuple[list[str], list[tuple[str, str]]]:
        """Return the tokens with misspelt words (outside entity mentions) corrected, and the corrections."""
        in_mention = {i for m in mentions for i in range(m.start, m.end)}
        out = list(tokens)
        corrections = []
        for i, token in enumerate(tokens):
            if i in in_mention:
                continue
            fixed = self.speller.correct(token)
            if fixed and " " not in fixed:
                out[i] = fixed
                corrections.append((token, fixed))
        return out, corrections

    def _which_one(self, text: str, tokens: list[str], context: Context) -> tuple[Reply, Context] | None:
        """Ask which group a question about "it" means, when nothing came before; remember the question."""
        pronoun = next(t for t in tokens if t in {"it", "its", "they", "them", "their"})
        probe = [("aqim" if t == pronoun else t) for t in tokens]
        mentions = self.linker.link(probe)
        question = analyse(text, probe, mentions, self.knowledge.synonyms)
        matches = [m for m in self.matcher.match(question) if m.intent.slots and m.score >= 0.7]
        if not matches:
            return None
        intent = matches[0].intent
        central = sorted(
            (e for e in self.entities.values() if e.type == "group"),
            key=lambda e: (-len(self.index.by_entity.get(e.id, ())), e.id),
        )[:3]
        template = matches[0].template.replace("the {group}", "{}").replace("the {entity}", "{}")
        template = template.replace("{group}", "{}").replace("{entity}", "{}")
        suggestions = tuple(
            (template.format(e.short) + "?")[0].upper() + (template.format(e.short) + "?")[1:]
            for e in central
            if template.count("{}") == 1
        )
        reply = Reply(
            question=text,
            answered=False,
            text=f"Which group do you mean by \u201c{pronoun}\u201d? Did you mean:",
            outcome=CLARIFY,
            intent=intent.id,
            confidence=matches[0].score,
            suggestions=suggestions,
            explanation=Explanation(
                normalized=" ".join(tokens),
                reason=f"'{pronoun}' refers to nothing said before; the question reads as {intent.id}",
            ),
        )
        return reply, replace(context, intent=intent.id, age=0)

    def _link(self, text: str, tokens: list[str]) -> list[Mention]:
        """Return the entities named in ``tokens``, without the two readings that are never meant."""
        mentions = self.linker.link(tokens)
        # "this CRS brief", "the CRS report": the publisher's name is part of the brief's name here
        mentions = [
            m
            for m in mentions
            if not (
                self.entities[m.entity].type == "organisation"
                and m.end < len(tokens)
                and tokens[m.end] in ("brief", "report", "document", "in")
            )
        ]
        if not _US.search(text):
            # "tell us about ..." is not the United States: "us" only counts when typed as U.S. or US
            mentions = [m for m in mentions if m.words != "us"]
        return mentions

    def _appositions(self, tokens: list[str], mentions: list[Mention]) -> list[Mention]:
        """Fold a title into the person it describes: "AQIM leader Abdelmalik Droukdel", "Koufa, the MLF's chief".

        The group and its title say who the person is; the question is about the person, and a fact need
        not name the group to answer it.
        """
        people = [m for m in mentions if self.entities[m.entity].type == "person"]
        if not people:
            return mentions
        out = list(mentions)
        for m in mentions:
            if self.entities[m.entity].type != "group":
                continue
            after = tokens[m.end : m.end + 2]
            noun = next((i for i, t in enumerate(after) if t in _LEADER_NOUNS), None)
            if noun is None:
                continue
            noun_end = m.end + noun + 1
            for p in people:
                # the person right after the title, or right before the group ("Koufa the MLF leader")
                if p.start == noun_end or p.end == m.start or (p.end == m.start - 1 and tokens[p.end] == "the"):
                    out = [x for x in out if x is not m and x is not p]
                    start, end = min(p.start, m.start), max(p.end, noun_end)
                    out.append(replace(p, start=start, end=end, words=" ".join(tokens[start:end])))
                    break
        out.sort(key=lambda x: x.start)
        return out

    def _resolve_roles(self, tokens: list[str], mentions: list[Mention]) -> tuple[list[Mention], str]:
        """Read "AQIM's leader" as the person who leads AQIM, when the question asks something else about them.

        "Where is AQIM's top leader based?" is a question about Droukdel; "who is AQIM's leader?"
        is left alone, since there the leader is the answer.
        """
        mentions = self._appositions(tokens, mentions)
        if not tokens or tokens[0] in ("who", "whos", "whom", "which", "name", "list"):
            return mentions, ""
        if any(self.entities[m.entity].type == "person" for m in mentions):
            # "is Koufa the leader of Ansar al Dine?": the leader is what is being asked about
            return mentions, ""
        out = list(mentions)
        notes = []
        for m in mentions:
            if self.entities[m.entity].type != "group":
                continue
            after = tokens[m.end : m.end + 2]
            before = tokens[max(0, m.start - 3) : m.start]
            noun = next((t for t in after if t in _LEADER_NOUNS), None)
            # the mention grows to take in the noun: "leader" names the person here, it is not asked about
            start, end = m.start, m.end
            if noun is not None:
                # "Al Murabitoun's Algerian leader": words between the group and the noun describe the leader
                noun_at = m.end + after.index(noun)
                out = [x for x in out if not (m.end <= x.start and x.end <= noun_at)]
                end = noun_at + 1
            article = 1 if before[-1:] == ["the"] else 0  # "the head of the MLF"
            if article:
                before = before[:-1]
            if noun is None and len(before) >= 2 and before[-1] == "of" and before[-2] in _LEADER_NOUNS:
                noun = before[-2]
                start = m.start - 2 - article
            if noun is None:
                continue
            leaders = sorted(
                (
                    f
                    for f in self.knowledge.facts
                    if f.relation == "leadership"
                    and f.object
                    and (f.object == m.entity or m.entity in self.entities[f.object].part_of)
                    and self.entities[f.subject].type == "person"
                ),
                key=lambda f: (-f.weight, f.id),
            )
            if not leaders:
                continue
            leader = leaders[0].subject
            out = [x for x in out if x is not m] + [
                Mention(leader, start, end, self.entities[leader].name, " ".join(tokens[start:end]), 100.0, "role")
            ]
            notes.append(f"'{' '.join(tokens[start:end])}' = {self.entities[leader].short}")
        out.sort(key=lambda x: x.start)
        return out, ("read " + ", ".join(notes)) if notes else ""

    def _period(
        self, tokens: list[str], mentions: list[Mention], question: Question
    ) -> tuple[tuple[int, int] | None, Mention | None]:
        """Return the years "before 2013" or "since the French intervention" allow, and the event named as the time."""
        starts = {m.start: m for m in mentions}
        for i, token in enumerate(tokens[:-1]):
            word = "prior" if token == "prior" and tokens[i + 1] == "to" else token
            if word not in _PERIOD_WORDS:
                continue
            j = i + (2 if word == "prior" else 1)
            while j < len(tokens) and tokens[j] in ("the", "a", "year", "of"):
                j += 1
            if j >= len(tokens):
                return None, None
            anchor = starts.get(j) or next((m for m in mentions if m.start < j < m.end), None)
            year: int | None = None
            if _YEAR_TOKEN.fullmatch(tokens[j]):
                year = int(tokens[j])
                if anchor is None:
                    # "before the 2013 gas plant siege": the year opens the event's name, or comes just before it
                    anchor = next((m for m in mentions if m.start <= j < m.end or m.start == j + 1), None)
            elif anchor is not None and self.entities[anchor.entity].type == "event":
                inside = [int(t) for t in tokens[anchor.start : anchor.end] if _YEAR_TOKEN.fullmatch(t)]
                dated = [f.year_from for f in self.index.by_entity.get(anchor.entity, ()) if f.year_from]
                year = inside[0] if inside else min(dated) if dated else None
            if year is None or year > self.brief_year:
                return None, None
            if anchor is not None and self.entities[anchor.entity].type != "event":
                anchor = None
            lo, hi = _PERIOD_WORDS[word]
            return (0 if lo is None else year + lo, 9999 if hi is None else year + hi), anchor
        return None, None

    def _after_clause(self, question: Question, tokens: list[str]) -> Question:
        """ "What has AQIM done since it moved into the Sahel?": the clause says when, not what is asked.

        Its verbs and nouns are no content words (a fact repeating the move would answer nothing); the places
        it names stay, since what followed happened there.
        """
        for i, token in enumerate(tokens[:-2]):
            if token not in ("since", "after", "once", "following") or tokens[i + 1] not in _CLAUSE_SUBJECTS:
                continue
            if not any(m.start > i + 1 for m in question.mentions):
                # "after it was created": no place or event to anchor the clause; its words may be the point
                break
            clause = set(tokens[i + 2 :])
            content = tuple(w for w in question.content if w not in clause)
            if content != question.content:
                return replace(question, content=content)
            break
        return question

    def _after_the_brief(self, question: Question) -> str:
        """Return how the question reaches past the brief's date ("in 2020", "since it was written"), or ""."""
        later = [y for y in question.years if y > self.brief_year]
        if later:
            return f"in {later[0]}"
        if _AFTER_BRIEF.search(" ".join(question.tokens)):
            return "after it was written"
        return ""

    # -- context -----------------------------------------------------------------
    def _resolve_context(
        self, tokens: list[str], mentions: list[Mention], context: Context
    ) -> tuple[list[Mention], str, str | None]:
        """Fill pronouns and elliptical follow-ups from the context; return (mentions, note, intent to reuse)."""
        if context.is_empty:
            return mentions, "", None
        joined = " ".join(tokens)
        mentioned = sum(m.end - m.start for m in mentions)
        if mentions and context.intent and (context.intent in self.knowledge.intents or context.words):
            others = [t for i, t in enumerate(tokens) if not any(m.start <= i < m.end for m in mentions)]
            bare = all(t in _FILLERS or t in ("and", "what", "about", "how", "the") for t in others)
            if (_FOLLOW_UP.match(joined) and len(tokens) <= mentioned + 3) or (bare and len(others) <= 3):
                return mentions, f"follow-up: the last question ({context.intent}) about a new subject", context.intent
        if _ABOUT_THE_BRIEF.search(joined):
            # "when was it published?": "it" is the brief, which is no entity
            return mentions, "", None
        taken = {self.entities[m.entity].type for m in mentions}
        added: list[Mention] = []
        for i, token in enumerate(tokens):
            if any(m.start <= i < m.end for m in mentions):
                continue
            if token in ("that", "this", "these", "those") and i + 1 < len(tokens):
                following = tokens[i + 1]
                if following in _NOUN_ANAPHORA or (following not in STOPWORDS and following not in _SKIP_AFTER_THAT):
                    # "that group": the noun says what kind of thing is meant; "that affiliate": something
                    # this bot has no name for, not the last subject
                    continue
            kind = ANAPHORA.get(token)
            previous = tokens[i - 1] if i else ""
            adjective = ""
            if previous in _ANAPHORIC_ADJECTIVES and i >= 2 and tokens[i - 2] in ("the", "this", "that"):
                # "the new group", "the merged group", "the latter group"
                adjective, previous = previous, tokens[i - 2]
            if token in _NOUN_ANAPHORA and previous in ("the", "this", "that", "these", "those", "same"):
                kind = _NOUN_ANAPHORA[token]
                if kind == "event" and mentions:
                    continue  # "who claimed the attack in Bamako?": the question says which
            if kind is None:
                continue
            # a pronoun before every name in the question cannot stand for one of them: "is it tied to the
            # Islamic State?", "did that make it richer than other Al Qaeda branches?" ask about the subject
            first = bool(mentions) and i < min(m.start for m in mentions)
            if mentions and kind == "any" and not first:
                if token not in ("it", "its") or taken - {"country", "place"}:
                    continue
                kind = "group"
            demonstrative = token in _NOUN_ANAPHORA and (
                previous in ("that", "this", "those", "these") or bool(adjective)
            )
            definite = token in _NOUN_ANAPHORA and previous == "the" and not adjective
            entity = self._context_entity(
                kind,
                context,
                tokens[i + 1] if i + 1 < len(tokens) else "",
                newest=demonstrative,
                topic=definite,
                merged=adjective in ("new", "merged", "combined", "resulting"),
            )
            if entity is None or any(m.entity == entity for m in mentions):
                continue
            if self.entities[entity].type in taken and not first:
                continue
            added.append(Mention(entity, i, i + 1, self.entities[entity].name, token, 100.0, "context"))
            break
        if added:
            names = ", ".join(f"'{m.words}' = {self.entities[m.entity].short}" for m in added)
            merged = sorted([*mentions, *added], key=lambda m: m.start)
            return merged, f"from the conversation: {names}", None
        return mentions, "", None

    def _context_entity(
        self,
        kind: str,
        context: Context,
        next_word: str,
        newest: bool = False,
        topic: bool = False,
        merged: bool = False,
    ) -> str | None:
        pool = [e for e in ((context.subject,) if context.subject else ()) + context.entities if e in self.entities]
        if merged:
            # "the new group": what the groups just talked about merged into
            results = [
                f.object
                for e in pool
                for f in self.index.by_entity.get(e, ())
                if f.relation == "merger" and f.subject == e and f.object in self.entities
            ]
            # the group most of them merged into comes first
            ranked = sorted(dict.fromkeys(results), key=lambda e: -results.count(e))
            pool = ranked + pool
        elif newest:
            # "that group" points at what the last answer brought up, not at what was asked about
            fresh = [e for e in context.entities if e not in context.asked and e in self.entities]
            pool = fresh + [e for e in pool if e not in fresh]
        elif topic and context.recent:
            # "the group": the one the conversation has been about most (ties: the one it began with)
            counts = {e: context.recent.count(e) for e in context.recent}
            first = {e: context.recent.index(e) for e in context.recent}
            ranked = sorted(counts, key=lambda e: (-counts[e], first[e]))
            pool = [e for e in ranked if e in self.entities] + [e for e in pool if e not in ranked]
        types = {
            "person": ("person",),
            "group": ("group", "organisation"),
            "place": ("country", "place"),
            "event": ("event",),
            "any": None,
        }[kind]
        if next_word in ("movement", "group", "faction", "organisation", "organization"):
            types = ("group", "organisation")
        elif next_word in ("deployment", "attack", "siege", "intervention", "merger", "event", "kidnapping", "strike"):
            types = ("event",)
        elif next_word in ("country", "place", "city", "region", "area", "camp", "camps"):
            types = ("country", "place")
        elif next_word in ("man", "person", "leader", "guy"):
            types = ("person",)
        for entity in pool:
            if types is None or self.entities[entity].type in types:
                return entity
        if types == ("event",) or (kind == "any" and pool):
            return pool[0] if pool else None
        return None

    # -- readings ------------------------------------------------------------------
    def _readings(
        self,
        question: Question,
        entity_ids: tuple[str, ...],
        words: list[tuple[str, str | None, float]],
        matches: list[IntentMatch],
        context: Context,
    ) -> list[Reading]:
        readings: list[Reading] = []
        floor = max(READING_FLOOR, (matches[0].score - 0.3) if matches else 0.0)
        for match in matches[:4]:
            if match.score < floor:
                continue
            reading = self._intent_reading(question, entity_ids, words, match, context)
            if reading is not None:
                readings.append(reading)
        exact = [r for r in readings if _is_exact(r)]
        # a bag of words never beats a question whose whole shape a template recognised: when such a
        # reading is confident, the (costly) fact lookup over every fact of the subject is not needed
        generic = (
            None
            if exact and max(r.score for r in exact) >= 0.8
            else self._generic_reading(question, entity_ids, words, context)
        )
        if generic is not None:
            if exact:
                generic = replace(generic, score=min(generic.score, max(r.score for r in exact) - 0.01))
            readings.append(generic)
        each = self._per_entity_reading(question, entity_ids, words)
        if each is not None:
            readings.append(each)
        if context.facts and {"else", "other", "others", "besides"} & set(question.tokens):
            # "who else ...": not what the last answer already said
            said = set(context.facts)
            kept = []
            for r in readings:
                rest = tuple(f for f in r.facts if f.fact.id not in said)
                if r.facts and not rest:
                    continue
                kept.append(replace(r, facts=rest) if r.facts else r)
            readings = kept
        readings = [self._penalise_unknown(r, words) for r in readings]
        readings.sort(key=lambda r: -r.score)
        # An intent understood with a near-exact template but with no fact to answer it
        # ("who leads Boko Haram?") is the honest reading, even when some loosely related
        # fact scores higher: answering with that fact would answer another question.
        best_ratio = max((r.match.ratio for r in readings if r.match is not None and r.facts), default=0.0)
        unanswerable = [
            r
            for r in readings
            if r.missing
            and r.match is not None
            and r.match.ratio >= 0.95
            and r.match.coverage >= 0.99
            and r.match.ratio >= best_ratio
        ]
        if unanswerable and readings and readings[0].facts:
            top = readings[0]
            gap = unanswerable[0]
            intent = gap.match.intent if gap.match else None
            fits = intent is not None and any(self._fits(s.fact, intent, gap.entities) for s in top.facts)
            if intent is None or not intent.relations or not fits:
                readings.remove(gap)
                readings.insert(0, replace(gap, score=max(gap.score, top.score)))
        # keep one reading per intent
        seen: set[str] = set()
        unique = []
        for r in readings:
            if r.intent not in seen:
                seen.add(r.intent)
                unique.append(r)
        return unique

    def _per_entity_reading(
        self, question: Question, entity_ids: tuple[str, ...], words: list[tuple[str, str | None, float]]
    ) -> Reading | None:
        """ "How do AQIM's objectives differ from those of Ansar al Dine?": the same question about each, side by side.

        Only when no one fact covers everything the question names, and every entity has a fact that
        answers the question's words.
        """
        if not 2 <= len(entity_ids) <= 4 or not any(s is not None for _, s, _ in words):
            return None
        # only for subjects asked about in parallel ("X and Y", "both", "differ"), not for a relation
        # between them ("when did X break away from Y")
        tokens = question.tokens
        spans = sorted(question.mentions, key=lambda m: m.start)
        parallel: list[str] = []
        for a, b in itertools.pairwise(spans):
            between = tokens[a.end : b.start]
            # "X and Y", or a list whose commas normalisation dropped ("northern, central and southern")
            if ("and" in between and len(between) <= 2) or (not between and b.method == "elided"):
                parallel += [a.entity, b.entity]
        parallel = list(dict.fromkeys(parallel))
        if not parallel:
            if not {"both", "differ", "differs", "different", "compare", "each", "respectively"} & set(tokens):
                return None
            parallel = list(entity_ids)
        others = tuple(e for e in entity_ids if e not in parallel)
        best: list[FactScore] = []
        for ent in parallel:
            # the same question about each subject; what else the question names must hold for each
            found = [
                s
                for s in self.index.score(question, (ent, *others), words, min_lexical=0.2)
                if s.lexical >= 0.2 and s.typed >= 1.0
            ]
            if not found:
                return None
            best.append(found[0])
        if len({s.fact.id for s in best}) < 2:
            return None
        score = min(s.score for s in best) * 0.9
        detail = "the same question about each of " + ", ".join(self.entities[e].short for e in parallel)
        return Reading("side_by_side", score, tuple(best), "all", detail, entity_ids)

    def _pointing_back(self, question: Question, tokens: list[str], explicit: bool, context: Context) -> Reading | None:
        """Answer a short question that points back ("where are they?", "who was blamed for that?") from the last facts."""
        if explicit or len(tokens) > 6 or not context.facts or not set(tokens) & _POINTERS:
            return None
        kind = question.answer_type
        if kind not in ("where", "when", "who", "how_many", "why"):
            return None
        previous = [self.facts[f] for f in context.facts if f in self.facts]
        words = self.index.resolve_words(question.content)
        scored = self.index.score(question, (), words, candidates=previous) if words else []
        fitting = [f for f in previous if self.index.type_fit(question, f, frozenset()) >= 1.0]
        if scored:
            fitting = [s.fact for s in scored if s.typed >= 1.0] or fitting
        if not fitting:
            return None
        chosen = tuple(FactScore(f, 0.88, 1.0, 1.0, 1.0) for f in fitting[:2])
        return Reading("follow_up", 0.88, chosen, "all", "a short question about what the last answer said")

    def _elliptical(
        self, question: Question, tokens: list[str], entity_ids: tuple[str, ...], context: Context
    ) -> Reading | None:
        """Read "and in Bamako?", "and how many escaped?", "anywhere else?" as the last question, amended."""
        if not context.words and not context.asked:
            return None
        opener = bool(tokens) and (
            tokens[0] in ("and", "also", "plus")
            or " ".join(tokens[:2]) in ("what about", "how about")
            or "same" in tokens
            or "else" in tokens
        )
        if not opener and (entity_ids or len(question.content) > 2):
            return None
        rest = [t for t in tokens if t not in STOPWORDS and not _YEAR_TOKEN.fullmatch(t)]
        if not opener and not entity_ids and rest:
            own = self.index.resolve_words(tuple(rest))
            if all(s is None for _, s, _ in own):
                # "what is 2+2?", "tell me a joke": nothing the brief knows amends the last question
                return None
        new_types = {self.entities[e].type for e in entity_ids}
        kept = tuple(e for e in context.asked if self.entities[e].type not in new_types)
        if {"else", "other", "others"} & set(tokens) and question.answer_type in ("who", "which"):
            # "who else ...?" asks for someone other than the last subject: do not carry it over
            kept = ()
        ids = tuple(dict.fromkeys((*entity_ids, *kept)))
        if not ids:
            return None
        merged_words = tuple(
            dict.fromkeys((*question.content, *(w for w in context.words if w not in question.content)))
        )
        amended = replace(
            question,
            content=merged_words,
            answer_type=question.answer_type
            if question.answer_type not in ("what", "yesno")
            else (context.answer_type or "what"),
        )
        words = self.index.resolve_words(amended.content)
        scored = self.index.score(amended, ids, words)
        if set(tokens) & {"else", "other", "others", "besides", "more"}:
            # "anywhere else?": not what the last answer already said
            scored = [s for s in scored if s.fact.id not in context.facts]
        if not scored:
            return None
        top = scored[0]
        chosen = [s for s in scored if s.score >= top.score * 0.85][:3]
        detail = (
            "the last question again, amended: "
            + " ".join(merged_words)
            + " about "
            + ", ".join(self.entities[e].short for e in ids)
        )
        return Reading("follow_up", top.score * 0.97, tuple(chosen), "all", detail, ids)

    def _wh_follow_up(self, question: Question, context: Context) -> Reading | None:
        """Answer a bare "when?", "where?", "by whom?" from the facts of the last answer."""
        if context.intent in self.knowledge.intents and self.knowledge.intents[context.intent].compose == "brief":
            # "who wrote this?" ... "when?": the same question about the brief, another detail
            return Reading(context.intent, 0.9, (), "brief", "a bare follow-up about the brief")
        if not context.facts:
            return None
        previous = [self.facts[f] for f in context.facts if f in self.facts]
        kind = question.answer_type
        if kind == "when":
            fitting = [f for f in previous if f.date]
        elif kind == "where":
            fitting = [f for f in previous if f.place or f.relation in ("operates_in", "attacked_in", "location_of")]
            fitting = fitting or [
                f
                for f in previous
                if self.entities.get(f.object or "", None) is not None
                and self.entities[f.object or ""].type in ("country", "place")
            ]
        elif kind == "how_many":
            fitting = [f for f in previous if f.count]
        elif kind == "who":
            fitting = previous
        else:
            return None
        detail = f"a bare '{' '.join(question.tokens)}' about the last answer's facts"
        if not fitting:
            what = {"when": "when", "where": "where", "how_many": "how many", "who": "who"}[kind]
            return Reading("follow_up", 0.9, (), "all", detail, missing=what)
        scored = tuple(FactScore(f, 0.9, 1.0, 1.0, 1.0) for f in fitting[:3])
        return Reading("follow_up", 0.9, scored, "all", detail)

    def _else_follow_up(self, question: Question, context: Context) -> Reading | None:
        """Answer "who else?", "anywhere else?", "any others?": the last question again, minus what was said.

        When the brief has nothing more, that is the answer ("The brief doesn't say who else"), rather than
        whatever else the words happen to match.
        """
        tokens = set(question.tokens)
        if not context.facts or not tokens & _ELSE_WORDS or len(question.tokens) > 6 or question.mentions:
            return None
        if tokens & _PLACE_WORDS:
            kind = "where"
        elif tokens & _PERSON_WORDS:
            kind = "who"
        elif "when" in tokens:
            kind = "when"
        else:
            kind = context.answer_type or question.answer_type
        ids = context.asked or ((context.subject,) if context.subject else ())
        ids = tuple(e for e in ids if e in self.entities)
        again = replace(question, answer_type=kind, content=context.words)
        words = self.index.resolve_words(context.words)
        said = set(context.facts)
        # what shares a quote with what was said was said too ("concentrated in Algeria, as well as in Mali")
        said |= {
            other.id
            for f in list(said)
            if f in self.facts
            for other in self.index.by_sentence.get(self.facts[f].cites[0], ())
            if other.quote == self.facts[f].quote
        }
        intent = self.knowledge.intents.get(context.intent or "")
        by_intent = intent is not None and intent.kind == "relation" and bool(intent.relations)
        if intent is not None and by_intent:
            relations = frozenset(intent.relations)
        else:
            # more of the same: facts of the relations the last answer's facts were of
            relations = frozenset(self.facts[f].relation for f in said if f in self.facts)
        found = [
            s
            for s in self.index.score(again, ids, words, relations=relations or None, limit=60)
            if s.fact.id not in said
            and all(e in self.index.roles[s.fact.id] for e in ids)
            and s.typed >= 1.0
            and (s.lexical >= 0.2 or not words or by_intent)
        ]
        if kind == "where":
            named = {e for f in said if f in self.facts for e in self.index.places[f]}
            found = [
                s
                for s in found
                if (s.fact.place or s.fact.relation in PLACE_RELATIONS)
                and self.index.places[s.fact.id] - named - set(ids)
            ]
        detail = f"'{' '.join(question.tokens)}': the last question again, without what the last answer said"
        if not found:
            missing = {"where": "anywhere else", "who": "who else", "when": "when else"}.get(kind, "anything more")
            return Reading("follow_up", 0.9, (), "all", detail, missing=missing)
        scored = tuple(replace(s, score=0.9) for s in found[:3])
        return Reading("follow_up", 0.9, scored, "all", detail)

    def _entity_list_reading(
        self, question: Question, intent_id: str, match: IntentMatch, slots: tuple[str, ...], detail: str
    ) -> Reading | None:
        """ "Which groups are led by Algerians?", "which UN actors does the brief mention?": entities, not facts."""
        words = set(question.tokens)
        kinds = [k for noun, k in _KIND_NOUNS.items() if noun in words]
        if not kinds:
            return None
        kind = kinds[0]
        wanted = _KIND_TYPES[kind]
        roles = self.index.roles
        linking: list[Fact] = []
        if slots:
            anchor = slots[0]
            anchor_type = self.entities[anchor].type
            if kind == "group" and anchor_type in ("country", "place") and words & _LEAD_WORDS:
                # groups led by people from a place: two hops, person -> place, person -> group
                people = {f.subject for f in self.index.by_entity.get(anchor, ()) if f.relation == "biography"}
                linking = [
                    f
                    for f in self.knowledge.facts
                    if f.relation == "leadership" and f.subject in people and f.object in self.entities
                ]
                linking += [
                    f for f in self.index.by_entity.get(anchor, ()) if f.relation == "biography" and f.subject in people
                ]
                found = [f.object for f in linking if f.relation == "leadership" and f.object]
            elif kind == "person" and anchor_type in ("country", "place"):
                linking = [f for f in self.index.by_entity.get(anchor, ()) if f.relation == "biography"]
                found = [f.subject for f in linking]
            else:
                linking = list(self.index.by_entity.get(anchor, ()))
                # "UN actors", "French military actions": entities named after the anchor, or parts of it,
                # are what is meant; only when there are none, everything the brief ties to it
                prefixes = tuple(n + " " for n in self.names[anchor])
                mention = next((m for m in question.mentions if m.entity == anchor), None)
                # only when the anchor is used as an adjective ("UN actors"), not "groups tied to X"
                adjectival = (
                    mention is not None
                    and mention.end < len(question.tokens)
                    and question.tokens[mention.end] in _KIND_NOUNS
                )
                own = (
                    [
                        e.id
                        for e in self.entities.values()
                        if e.id != anchor
                        and (anchor in e.part_of or any(n.startswith(prefixes) for n in self.names[e.id]))
                    ]
                    if adjectival
                    else []
                )
                found = own or [e for f in linking for e in roles[f.id] if e != anchor]
        else:
            found = [e.id for e in self.entities.values()]
        names: dict[str, None] = {}
        for e in found:
            entity = self.entities.get(e)
            if entity is None or entity.type not in wanted:
                continue
            if kind == "ethnic" and "ethnic" not in entity.description.lower():
                continue
            names.setdefault(e, None)
        if not names:
            return None
        chosen: list[Fact] = []
        for f in linking:
            if not names.keys().isdisjoint(roles[f.id]):
                chosen.append(f)
                if len(chosen) == 8:
                    break
        scored = tuple(FactScore(f, match.score, 1.0, 1.0, 1.0) for f in chosen)
        return Reading(intent_id, match.score, scored, "entities", detail, tuple(names), match=match)

    def _fits(self, fact: Fact, intent: Intent, ids: tuple[str, ...]) -> bool:
        """Return whether ``fact`` is one the intent reads: its relation, with the slot in the required role."""
        if fact.relation not in intent.relations:
            return False
        role = intent.slot_roles.get(fact.relation)
        return role is None or not ids or self.index.roles[fact.id].get(ids[-1]) == role

    def _penalise_unknown(self, reading: Reading, words: list[tuple[str, str | None, float]]) -> Reading:
        """Lower a reading's score by the share of the question's words that neither the facts nor its template know."""
        total = sum(w for _, _, w in words)
        if not total:
            return reading
        template_words = set(reading.match.template.split()) if reading.match is not None else set()
        unknown = sum(w for word, s, w in words if s is None and word not in template_words)
        if not unknown:
            return reading
        share = unknown / total
        return replace(
            reading, score=reading.score * (1 - 0.75 * share), detail=reading.detail + f"; unknown words {share:.2f}"
        )

    def _generic_reading(
        self,
        question: Question,
        entity_ids: tuple[str, ...],
        words: list[tuple[str, str | None, float]],
        context: Context,
    ) -> Reading | None:
        scored = self.index.score(question, entity_ids, words)
        note = ""
        if not entity_ids and context.entities and not context.is_empty:
            # an implicit subject ("how big was the area?", "and how many made it out?"): try the
            # conversation's entities, and the last answer's facts, as the subject
            ctx_ids = tuple(dict.fromkeys(e for e in (context.subject, *context.entities) if e))[:4]
            previous = [self.facts[f] for f in context.facts if f in self.facts]
            options: list[tuple[float, list[FactScore], str]] = []
            for rank, ent in enumerate(ctx_ids):
                found = [s for s in self.index.score(question, (ent,), words, min_lexical=0.3) if s.lexical >= 0.3]
                if found:
                    options.append((found[0].score * (0.95 - 0.03 * rank), found, self.entities[ent].short))
            if previous:
                ent = previous[0].subject
                near = {f.id: f for p in previous for f in self.index.by_entity.get(p.subject, ())}
                found = [
                    s
                    for s in self.index.score(question, (ent,), words, candidates=near.values(), min_lexical=0.3)
                    if s.lexical >= 0.3
                ]
                if found:
                    options.append((found[0].score * 0.95, found, "the last answer"))
            if options:
                best_score, found, label = max(options, key=lambda o: o[0])
                if not scored or best_score > scored[0].score:
                    factor = best_score / found[0].score if found[0].score else 1.0
                    scored = [replace(s, score=s.score * factor) for s in found]
                    note = f"subject from the conversation: {label}"
        if not scored:
            return None
        top = scored[0]
        limit = 6 if question.answer_type == "which" else 3
        # a yes-or-no answer shows its evidence: a second close fact often holds the when and where
        band = 0.75 if question.answer_type == "which" else 0.8 if question.is_yesno else 0.85
        near = [s for s in scored if s.score >= top.score * band and s.score >= self.settings.answer_threshold * 0.9]
        # one sentence read as several facts takes one place, not all of them
        distinct = {f.id for f in self._unrepeated([s.fact for s in near])}
        chosen = [s for s in near if s.fact.id in distinct][:limit]
        if not chosen:
            chosen = [top]
        detail = f"fact lookup: entity {top.entity:.2f}, words {top.lexical:.2f}, type {top.typed:.2f}"
        if note:
            detail += f"; {note}"
        return Reading("fact_lookup", top.score, tuple(chosen), "all", detail, entity_ids)

    def _intent_reading(
        self,
        question: Question,
        entity_ids: tuple[str, ...],
        words: list[tuple[str, str | None, float]],
        match: IntentMatch,
        context: Context,
    ) -> Reading | None:
        intent = match.intent
        slot_entities = tuple(f for s, f in match.slots if s != "year")
        years = tuple(int(f.split(":")[1]) for s, f in match.slots if s == "year")
        detail = f"template '{match.template}' (ratio {match.ratio:.2f}, coverage {match.coverage:.2f})"
        relations = frozenset(intent.relations) if intent.relations else None
        compose = intent.compose
        if compose == "brief":
            # "what time is it" is not a question about the brief, whatever template it resembles
            score = match.score if _BRIEF_WORDS & set(question.tokens) else match.score * 0.5
            return Reading(intent.id, score, (), "brief", detail, match=match)
        if compose == "entities":
            return self._entity_list_reading(question, intent.id, match, slot_entities, detail)
        if compose == "check" and not question.is_yesno:
            return None  # "who was its leader when it pledged ...?" is not a yes-or-no question
        if compose == "check" and len(slot_entities) == 2 and relations:
            # "is Koufa the leader of Ansar al Dine?": yes if one fact links them, else no, with what is true
            first, second = slot_entities
            both = [
                f
                for f in self.knowledge.facts
                if f.relation in relations and {first, second} <= set(self.index.roles[f.id])
            ]
            if both:
                scored = tuple(FactScore(f, match.score, 1.0, 1.0, 1.0) for f in both)
                return Reading(intent.id, match.score, scored, "check", detail, slot_entities, match=match)
            sides = [
                [
                    f
                    for f in self.index.by_entity.get(e, ())
                    if f.relation in relations and self.index.roles[f.id].get(e) in ("subject", "object")
                ]
                for e in (first, second)
            ]
            place = self.entities[second].type in ("country", "place")
            if sides[0] and (sides[1] or place):
                # "is Koufa the leader of Ansar al Dine?": no, with what is true of each; "is Abu el Hammam
                # Malian?": no, with what the brief says of him (a place has no such facts of its own)
                if place:
                    # where the person is from, not what else is said of the place
                    found = (min(sides[0], key=lambda f: not self.index.places[f.id]),)
                else:
                    found = (sides[0][0], sides[1][0])
                scored = tuple(FactScore(f, match.score, 1.0, 1.0, 1.0) for f in found)
                return Reading(intent.id, match.score, scored, "check_no", detail, slot_entities, match=match)
            return Reading(
                intent.id,
                match.score * 0.9,
                (),
                compose,
                detail,
                slot_entities,
                match=match,
                missing=intent.description,
            )
        if compose == "attribution":
            previous = [self.facts[f] for f in context.facts if f in self.facts]
            if not previous:
                return None
            scored = tuple(FactScore(f, match.score, 1.0, 1.0, 1.0) for f in previous)
            return Reading(intent.id, match.score, scored, compose, detail + "; the last answer's facts", match=match)
        if compose == "sources":
            facts = [f for f in self.knowledge.facts if f.source]
            scored = tuple(FactScore(f, match.score, 1.0, 1.0, 1.0) for f in facts)
            return Reading(intent.id, match.score, scored, "sources", detail, match=match)
        if compose == "year":
            if not years:
                return None
            y = years[0]
            facts = [f for f in self.knowledge.facts if f.year_from and f.year_from <= y <= (f.year_to or f.year_from)]
            facts.sort(key=lambda f: (-f.weight, f.id))
            scored = tuple(FactScore(f, match.score, 1.0, 1.0, 1.0) for f in facts)
            if not scored:
                return Reading(intent.id, match.score, (), compose, detail, match=match, missing=f"anything in {y}")
            return Reading(intent.id, match.score, scored, compose, detail, match=match)
        if compose in ("about", "timeline"):
            if not slot_entities:
                return None
            ent = slot_entities[0]
            facts, scored = self.overviews.get((ent, compose), ((), ()))
            score = match.score
            if compose == "about" and question.answer_type in ("when", "how_many", "where", "name", "why", "meaning"):
                # "what is X's date of birth" is not "what is X": an overview does not answer a pointed question
                score *= 0.6
            template_words = set(match.template.split())
            own = [w for w in words if w[0] not in template_words and w[1] is not None]
            if own and facts:
                # words beyond the template ("the population of X") must be found in X's facts
                best_lex = max(
                    s.lexical
                    for s in self.index.score(question, (ent,), own, candidates=facts)[:1]
                    or [FactScore(facts[0], 0, 0, 0, 0)]
                )
                score *= 0.55 + 0.45 * best_lex
            return Reading(intent.id, score, scored, compose, detail, (ent,), match=match)
        # relation-reading intents: facts of the intent's relations involving the slot entities
        ids = slot_entities or entity_ids
        if (
            intent.answer_types
            and question.answer_type not in intent.answer_types
            and question.answer_type in ("what", "which", "how", "where", "who", "yesno")
        ):
            # the template says what kind of answer is wanted better than the first word does
            question = replace(question, answer_type=intent.answer_types[0])
        template_words = set(match.template.split())
        own_words = [w for w in words if w[0] not in template_words]
        if not ids and relations and not any(s is not None for _, s, _ in own_words):
            # "list the leaders named in the brief": every fact of the relation, most central first
            every = sorted(
                (f for f in self.knowledge.facts if f.relation in relations), key=lambda f: (-f.weight, f.id)
            )
            scored = [FactScore(f, 0.75, 0.0, 1.0, 1.0) for f in every]
        else:
            scored = self.index.score(question, ids, own_words, relations=relations)
        if ids:
            scored = [s for s in scored if all(e in self.index.roles[s.fact.id] for e in ids)]
        if ids and intent.slot_roles:
            # "who founded MUJAO": a merger MUJAO went *into* says nothing of how MUJAO was founded
            scored = [
                s
                for s in scored
                if s.fact.relation not in intent.slot_roles
                or self.index.roles[s.fact.id].get(ids[-1]) == intent.slot_roles[s.fact.relation]
            ]
        if compose == "subjects" and ids:
            # list questions ("which groups operate in Mali"): the slot is the object or place
            scored = [s for s in scored if self.index.roles[s.fact.id].get(ids[0]) != "subject"] or scored
        if not scored and "acronym" in intent.relations and ids and self._expansion(ids[0]) is not None:
            # "what does AQIM stand for": the brief spells the acronym out in a name, not in a fact
            return Reading(intent.id, match.score, (), "acronym", detail, ids, match=match)
        if not scored:
            what = intent.description or intent.id
            # understood but unanswerable: only a close template match should win over readings that have facts
            score = match.score * (0.9 if match.ratio >= 0.9 else 0.6)
            return Reading(intent.id, score, (), compose, detail, ids, match=match, missing=what)
        top = scored[0]
        keep = [s for s in scored if s.score >= top.score * (0.6 if compose in ("subjects", "objects") else 0.7)]
        # the intent's first relation is what it is mainly about ("formation" before "merger")
        # "how does AQIM make money?": what it gives another group (funds to Ansar al Sharia) comes after
        # how it gets its own, and what the brief asserts in the relation's own words comes first
        how = question.answer_type == "how"
        keep.sort(
            key=lambda s: (
                intent.relations.index(s.fact.relation) if s.fact.relation in intent.relations else 99,
                how and self._to_another_group(s.fact, ids),
                -s.score,
                how and s.fact.hedge in _DOUBTFUL,
                -self.topical.get(s.fact.id, 0) if how else 0,
            )
        )
        limit = 10 if compose in ("subjects", "objects") or intent.kind == "list" else 5 if compose == "all" else 3
        score = 0.55 * match.score + 0.45 * max(top.score, 0.5 if top.entity >= 1 else top.score)
        if match.ratio >= 0.95 and match.coverage >= 0.99:
            score = max(score, min(1.0, 0.6 + 0.4 * top.score))
        if any(s is not None for _, s, _ in own_words):
            # the question's own words must be borne out by the facts, not only by the template
            score *= 0.55 + 0.45 * top.lexical
        asked = {s for _, s, _ in words if s is not None}
        if question.is_yesno and asked and not any(asked & self.index.strong[s.fact.id] for s in keep[:3]):
            # "is Droukdel still alive?": a yes or a no needs a fact that speaks of what is asked (alive) in its
            # own words, not only one of the intent's relation (where he is based, whose keywords say 'dead')
            score *= 0.6
        if top.typed < 1:
            score *= top.typed + (1 - top.typed) * 0.3
        return Reading(intent.id, score, tuple(keep[:limit]), compose, detail, ids, match=match)

    # -- composing ---------------------------------------------------------------------
    def _compose(
        self,
        text: str,
        question: Question,
        reading: Reading,
        explanation: Explanation,
        context: Context,
        entity_ids: tuple[str, ...],
    ) -> tuple[Reply, Context]:
        facts = [s.fact for s in reading.facts]
        compose = reading.compose
        if compose == "acronym":
            expansion = self._expansion(reading.entities[0])
            assert expansion is not None
            body, citation = expansion
            reply = _answer(
                text,
                reading,
                body,
                (citation,),
                explanation,
                "answered from the name the brief prints",
                subject=self.entities[reading.entities[0]].short,
            )
            return reply, replace(context, subject=reading.entities[0], intent=reading.intent, age=0)
        if compose == "entities":
            listed = [self.entities[e] for e in reading.entities]
            body = f"The brief names {len(listed)}: " + "; ".join(
                f"{e.short} ({_first_clause(e.description)})" if e.description else e.short for e in listed[:12]
            )
            body += "." if len(listed) <= 12 else f"; and {len(listed) - 12} more."
            citations = self._citations(facts) if facts else ()
            if not citations:
                citations = tuple(
                    self._sentence_citation(e.cites[0]) for e in listed[:6] if e.cites and e.cites[0] in self.sentences
                )
            reply = _answer(
                text,
                reading,
                body,
                tuple(dict.fromkeys(citations)),
                explanation,
                "answered with a list of entities",
                facts=facts,
            )
            # "which groups are linked to AQIM?" ... "who leads it?": the subject stays what was asked about,
            # the listed names are the conversation's other entities
            subject = entity_ids[0] if entity_ids else context.subject
            return reply, replace(
                context,
                subject=subject,
                subject_name=self.entities[subject].short if subject else context.subject_name,
                intent=reading.intent,
                entities=tuple(dict.fromkeys((*entity_ids, *reading.entities)))[:12],
                facts=tuple(f.id for f in facts),
                age=0,
            )
        if compose == "brief":
            body, citations = self._about_the_brief(question)
            reply = _answer(text, reading, body, citations, explanation, "answered from the brief's metadata")
            return reply, replace(context, intent=reading.intent, age=0)
        if compose == "sources":
            by_source: dict[str, list[Fact]] = {}
            for f in facts:
                assert f.source
                by_source.setdefault(f.source, []).append(f)
            parts = []
            used: list[Fact] = []
            for source, fs in by_source.items():
                parts.append(self.entities[source].name)
                used.append(fs[0])
            body = "The brief attributes statements to " + _join(parts) + "."
            body += " " + " ".join(dict.fromkeys(f.statement for f in used[:4]))
            facts = used
        elif compose == "attribution":
            sourced = [f for f in facts if f.source]
            if sourced:
                names = _join(list(dict.fromkeys(self.entities[f.source].name for f in sourced if f.source)))
                body = f"The brief attributes that to {names}. " + " ".join(
                    dict.fromkeys(f.statement for f in sourced[:3])
                )
                facts = sourced[:3]
            else:
                body = "The brief states that itself, without attributing it to anyone else: " + " ".join(
                    dict.fromkeys(f.statement for f in facts[:2])
                )
                facts = facts[:2]
        elif compose in ("timeline", "year"):
            lines: dict[str, Fact] = {}
            for f in facts:
                when = f.date or ""
                lines.setdefault(f"{when}: {f.statement}" if when else f.statement, f)
                if len(lines) >= 16:
                    break
            body = "\n".join(lines)
            facts = list(lines.values())
        elif compose == "about":
            ent = self.entities[reading.entities[0]] if reading.entities else None
            statements = list(dict.fromkeys(f.statement for f in facts[:4]))
            lead = ""
            if ent is not None and ent.description:
                lead = (
                    f"{ent.name}: {ent.description}"
                    if ent.name.lower() not in ent.description.lower()
                    else ent.description
                )
            body = " ".join([lead, *statements]).strip()
            facts = facts[:4]
        elif compose == "check":
            body = "Yes. " + " ".join(_distinct(f.statement for f in facts[:2]))
        elif compose == "check_no":
            body = "No. " + " ".join(_distinct(f.statement for f in facts[:2]))
        elif (compose == "yesno" and question.tokens[0] not in _WH_WORDS) or (
            question.is_yesno and compose in ("all", "best")
        ):
            # a yes or a no, unless the question asks what or where ("what does AQIM do in Mauritania?" reads
            # like "is AQIM active in Mauritania?" but is answered with the facts alone)
            facts = self._covering(self._unrepeated(facts), question)
            top = facts[0]
            body = self._yes_no(top, facts)
            facts = facts[:3]
        elif compose in ("subjects", "objects") and len(facts) > 1:
            names = self._listed(facts, reading, compose)
            statements = _distinct(f.statement for f in self._unrepeated(facts))
            body = (f"{_join(names)}. " if len(names) > 1 else "") + " ".join(statements[:4])
        else:
            facts = self._with_siblings(facts, reading, question)
            body = " ".join(_distinct(f.statement for f in self._unrepeated(facts)))
        if self._time_sensitive(question, facts):
            body += " (As of the brief's date, March 20, 2017.)"
        citations = self._citations(facts)
        if compose == "about" and reading.entities:
            ent = self.entities[reading.entities[0]]
            extra = tuple(self._sentence_citation(c) for c in ent.cites[:2] if c in self.sentences)
            citations = tuple(dict.fromkeys(extra + citations))
        subject = self._subject(entity_ids, facts, reading)
        entities = tuple(dict.fromkeys([*entity_ids, *(e for f in facts for e in f.entities)]))
        new_context = Context(
            subject=subject,
            subject_name=self.entities[subject].short if subject else None,
            entities=entities[:12],
            intent=reading.intent,
            facts=tuple(f.id for f in facts),
            age=0,
            turn=context.turn,
            # a bare "when?" keeps the words of the question it followed
            words=question.content or context.words,
            asked=entity_ids or context.asked,
            answer_type=question.answer_type,
            recent=(*context.recent, *((subject,) if subject else ()))[-4:],
        )
        reason = f"answered: confidence {min(1.0, reading.score):.2f} >= {self.settings.answer_threshold}"
        reply = _answer(
            text, reading, body, citations, explanation, reason, subject=new_context.subject_name, facts=facts
        )
        return reply, new_context

    def _about_the_brief(self, question: Question) -> tuple[str, tuple[Citation, ...]]:
        """Answer from the brief's metadata: which parts depend on what the question asks about."""
        brief = self.knowledge.brief
        meta = brief.metadata
        furniture = {str(f.get("role")): str(f.get("text")) for f in meta_list(meta.get("furniture_lines"))}
        words = set(question.tokens)
        series = str(meta.get("series") or "CRS")
        publisher = str(meta.get("publisher") or "Congressional Research Service")
        if not publisher.lower().startswith("the "):
            publisher = "the " + publisher
        parts: list[str] = []
        cites: list[Citation] = []

        def cite(role: str, text: str) -> None:
            cites.append(Citation("(document metadata)", text, f"meta.{role}"))

        if words & {"author", "wrote", "written", "writer", "authored", "contact", "email", "phone", "who", "reach"}:
            contact = ", ".join(str(meta[k]) for k in ("author_email", "author_phone") if meta.get(k))
            parts.append(
                f"The brief was written by {brief.author} of {publisher}" + (f" ({contact})." if contact else ".")
            )
            if "author_line" in furniture:
                cite("author", furniture["author_line"])
        if words & {
            "when",
            "date",
            "dated",
            "written",
            "published",
            "old",
            "recent",
            "current",
            "year",
            "released",
            "issued",
        }:
            parts.append(f"It is dated {brief.date_printed}; it describes events up to then.")
            if "date" in furniture:
                cite("date", furniture["date"])
        if words & {"figure", "picture", "image", "insignia", "logo", "photo", "illustration", "flag"}:
            for figure in meta_list(meta.get("figures")):
                parts.append(
                    f"Its one figure, in the {figure.get('section')} section, is \u201c{figure.get('caption')}\u201d "
                    f"({figure.get('source')})."
                )
                cite("figure", str(figure.get("caption")))
        if words & {"number", "product", "if", "id", "identifier", "series", "kind", "type"}:
            parts.append(f"It is {series} {brief.number}, a short brief from {publisher}.")
            if "product_number" in furniture:
                cite("number", furniture["product_number"])
        if not parts or words & {
            "title",
            "called",
            "about",
            "cover",
            "covers",
            "summary",
            "sections",
            "contain",
            "topic",
        }:
            sections = "; ".join(s.title for s in brief.sections)
            parts.insert(
                0,
                f"The brief is {series} {brief.number}, \u201c{brief.title},\u201d by {brief.author} "
                f"({publisher}), dated {brief.date_printed}. It covers AQIM and related groups in North and "
                f"West Africa, in these sections: {sections}.",
            )
            if "title" in furniture:
                cite("title", furniture["title"])
        if not cites:
            first = brief.sections[0].sentences[0]
            cites.append(Citation(first.section, first.text, first.id))
        return " ".join(parts), tuple(dict.fromkeys(cites))

    def _expansion(self, entity_id: str) -> tuple[str, Citation] | None:
        """Return "X stands for Y" for an acronym entity, cited where the brief prints the full name."""
        entity = self.entities.get(entity_id)
        if entity is None or not re.fullmatch(r"[A-Z][A-Z-]{1,7}", entity.short) or entity.short == entity.name:
            return None
        body = f"{entity.short} stands for {entity.name}."
        for sid in entity.cites:
            sentence = self.sentences.get(sid)
            if sentence is not None and entity.name in sentence.text:
                return body, Citation(sentence.section, entity.name, sid)
        brief = self.knowledge.brief
        if entity.name in brief.title and entity.short in brief.title:
            return body, Citation("(document metadata)", brief.title, "meta.title")
        if entity.type == "organisation" and entity.short in (brief.metadata.get("series") or ""):
            return body, Citation("(document metadata)", str(brief.metadata.get("publisher")), "meta.publisher")
        return None

    def _listed(self, facts: list[Fact], reading: Reading, compose: str) -> list[str]:
        """Return the names a list answer enumerates: the facts' subjects (or objects), not the slot itself."""
        slot = set(reading.entities)
        names: dict[str, None] = {}
        for f in facts:
            ent = f.subject if compose == "subjects" else f.object
            if ent and ent not in slot and ent in self.entities:
                names.setdefault(self.entities[ent].short, None)
        return list(names)

    def _with_siblings(self, facts: list[Fact], reading: Reading, question: Question) -> list[Fact]:
        """Add facts that say more of the same sentence about the same subject, so an answer is not half a sentence."""
        if not facts or len(facts) >= 4:
            return facts
        top = facts[0]
        chosen = {f.id for f in facts}
        # a "why" or "how" question wants the rest of the sentence too (the motive beside the event)
        any_relation = question.answer_type in ("why", "how")
        same_sentences = {f.id: f for sid in top.cites for f in self.index.by_sentence.get(sid, ())}
        siblings = [
            f
            for f in same_sentences.values()
            if f.id not in chosen
            and (
                (top.subject in (f.subject, f.object) and (f.relation == top.relation or any_relation))
                or (f.relation == top.relation and question.answer_type in ("what", "how"))
            )
        ]
        return facts + siblings[: 4 - len(facts)]

    def _covering(self, facts: list[Fact], question: Question) -> list[Fact]:
        """Put next to the top fact one that covers what it leaves out of the question.

        "Has AQIM spread into central and southern Mali?": the brief says both, in one sentence read as
        two facts; a yes/no answer shows two statements, and they should be the two the question names.
        """
        if len(question.asked) < 2 or not facts:
            return facts
        top = facts[0]
        roles = self.index.roles
        missing = [e for e in question.asked if e not in roles[top.id]]
        if not missing:
            return facts
        same_sentence = [
            f for sid in top.cites for f in self.index.by_sentence.get(sid, ()) if f.relation == top.relation
        ]
        for candidate in (*facts[1:], *same_sentence):
            if candidate.id != top.id and any(e in roles[candidate.id] for e in missing):
                return [top, candidate, *(f for f in facts[1:] if f.id != candidate.id)]
        return facts

    def _yes_no(self, top: Fact, facts: list[Fact]) -> str:
        statements = " ".join(dict.fromkeys(f.statement for f in facts[:2]))
        if top.negated:
            return f"No. {statements}"
        if top.hedge in _HEDGE_LEAD:
            return f"{_HEDGE_LEAD[top.hedge]}. {statements}"
        return f"Yes. {statements}"

    def _time_sensitive(self, question: Question, facts: list[Fact]) -> bool:
        if not facts:
            return False
        present = {"is", "are", "does", "do", "has", "have", "now", "currently", "today", "still", "current"}
        return bool(present & set(question.tokens)) and facts[0].relation in (
            "leadership",
            "whereabouts",
            "operates_in",
            "size",
        )

    def _sentence_citation(self, sentence_id: str) -> Citation:
        """Cite a whole sentence (an entity's, when no fact is quoted)."""
        sentence = self.sentences[sentence_id]
        return Citation(sentence.section, sentence.text, sentence_id)

    def _citations(self, facts: list[Fact]) -> tuple[Citation, ...]:
        out: dict[tuple[str, str], Citation] = {}
        for f in facts:
            sid = f.cites[0]
            for candidate in f.cites:
                sentence = self.sentences.get(candidate)
                if sentence is not None and f.quote in sentence.text:
                    sid = candidate
                    break
            sentence = self.sentences[sid]
            out.setdefault((sid, f.quote), Citation(sentence.section, f.quote, sid))
        return tuple(out.values())

    def _subject(self, entity_ids: tuple[str, ...], facts: list[Fact], reading: Reading) -> str | None:
        if reading.entities:
            return reading.entities[0]
        if entity_ids:
            return entity_ids[0]
        return facts[0].subject if facts else None

    def _suggestions(self, readings: list[Reading]) -> tuple[str, ...]:
        out: list[str] = []
        for r in readings:
            if r.match is not None and r.match.intent.templates:
                template = r.match.intent.templates[0].text
                filled = template
                for slot, filler in r.match.slots:
                    name = filler.split(":")[1] if filler.startswith("year:") else self.entities[filler].short
                    filled = filled.replace("{" + slot + "}", name, 1)
                filled = re.sub(r"\[[^\]]*\]", "", filled)
                filled = re.sub(r"\(([^|)]*)(\|[^)]*)?\)", r"\1", filled)
                suggestion = " ".join(filled.split()).rstrip("?") + "?"
                out.append(suggestion[0].upper() + suggestion[1:])
            elif r.facts:
                f = r.facts[0].fact
                out.append(f"Tell me about {self.entities[f.subject].short}")
        return tuple(dict.fromkeys(out))[:3]

    # -- declining ----------------------------------------------------------------------
    def _decline(
        self,
        text: str,
        message: str,
        reason: str,
        context: Context,
        tokens: list[str],
        linked: tuple[LinkedEntity, ...] = (),
        context_note: str = "",
    ) -> tuple[Reply, Context]:
        reply = Reply(
            question=text,
            answered=False,
            text=message,
            outcome=DECLINE,
            explanation=Explanation(normalized=" ".join(tokens), entities=linked, context=context_note, reason=reason),
        )
        return reply, context

    def _decline_nearby(
        self,
        text: str,
        question: Question,
        entity_ids: tuple[str, ...],
        unknown: list[str],
        best: Reading | None,
        explanation: Explanation,
        context: Context,
    ) -> tuple[Reply, Context]:
        if entity_ids:
            entity: Entity = self.entities[entity_ids[0]]
            what = "that"
            if best is not None and best.missing:
                what = _phrase(
                    best.missing.rstrip("."), [self.entities[e].short for e in (best.entities or entity_ids)]
                )
            message = f"The brief doesn't say {what}." if what != "that" else "The brief doesn't answer that."
            nearby = best.facts[0].fact if best is not None and best.facts and best.facts[0].typed < 1 else None
            if nearby is not None:
                message = _NOT_GIVEN.get(question.answer_type, message) + f" What it does say: {nearby.statement}"
            elif entity.description:
                message += f" What it does say about {entity.short}: {entity.description}"
            reason = "no fact answers this question about " + entity.short
            if best is not None and best.missing:
                reason += f" (understood as {best.intent}, but the brief has no such fact)"
            elif best is not None:
                reason += f" (best reading {best.intent} {best.score:.2f} < {self.settings.answer_threshold})"
            if unknown:
                reason += "; words the brief never uses: " + ", ".join(unknown[:5])
            citations = (
                self._citations([nearby])
                if nearby is not None
                else tuple(self._sentence_citation(c) for c in entity.cites[:1] if c in self.sentences)
            )
            reply = Reply(
                question=text,
                answered=False,
                text=message,
                outcome=DECLINE,
                intent=best.intent if best else None,
                confidence=best.score if best else 0.0,
                citations=citations,
                subject=entity.short,
                explanation=replace(explanation, reason=reason),
            )
            return reply, context
        reason = "no entity of the brief and no confident reading"
        if best is not None:
            reason += f" (best {best.intent} {best.score:.2f})"
        if unknown:
            reason += "; words the brief never uses: " + ", ".join(unknown[:5])
        message = "I can only answer from the CRS brief on AQIM and related groups, and it doesn't cover that. " + (
            "Try asking, for example, \u201cWho leads AQIM?\u201d or \u201cWhere is MUJAO active?\u201d"
        )
        reply = Reply(
            question=text,
            answered=False,
            text=message,
            outcome=DECLINE,
            intent=best.intent if best else None,
            confidence=best.score if best else 0.0,
            explanation=replace(explanation, reason=reason),
        )
        return reply, context

    def _beyond(
        self, tokens: list[str], mentions: list[Mention]
    ) -> tuple[list[Mention], tuple[str, ...], frozenset[str]]:
        """Set aside the places a question reaches past: "moved beyond northern Mali", "outside Algeria".

        Such a place is not what the question is about: a region stands for its country (the facts about
        the rest of Mali answer), a place without one is dropped; either way it joins ``Question.beyond``
        so answers name somewhere else.  Also returns the words that are no content words any more: the
        word that set the place aside ("outside their areas" is no match) and the name of a place dropped.
        """
        kept: list[Mention] = []
        beyond: list[str] = []
        aside = set(_ASIDE_WORDS)
        last_aside = -1  # where the last place set aside ends: "beyond North and West Africa" sets both aside
        for m in mentions:
            before = tokens[max(0, m.start - 2) : m.start]
            listed = last_aside >= 0 and all(t in ("and", "or") for t in tokens[last_aside : m.start])
            if self.entities[m.entity].type in ("place", "country") and (
                before[-1:] in (["beyond"], ["outside"]) or before == ["other", "than"] or listed
            ):
                last_aside = m.end
                beyond.append(m.entity)
                parents = self.entities[m.entity].part_of
                if parents and parents[0] in self.entities:
                    kept.append(replace(m, entity=parents[0], method="beyond"))
                else:
                    aside.update(tokens[m.start : m.end])
                continue
            kept.append(m)
        return kept, tuple(beyond), frozenset(aside)

    def _linked(self, m: Mention, tokens: list[str]) -> LinkedEntity:
        entity = self.entities[m.entity]
        return LinkedEntity(m.entity, entity.name, m.alias, (m.start, m.end), m.words, m.score, m.method)


_PLACEHOLDERS = re.compile(r"\b(a group|a person|a place|someone|something|two entities|a subject|a year)\b")


def _phrase(description: str, names: list[str]) -> str:
    """Fill an intent description's placeholders ("who leads a group") with the names asked about."""
    queue = list(names)

    def fill(match: re.Match[str]) -> str:
        if match.group() == "two entities" and len(queue) >= 2:
            first, second = queue.pop(0), queue.pop(0)
            return f"{first} and {second}"
        return queue.pop(0) if queue else match.group()

    return _PLACEHOLDERS.sub(fill, description)


_MONTH_ORDER = {
    m: i
    for i, m in enumerate(
        "january february march april may june july august september october november december".split(), start=1
    )
}


def _month(date: str | None) -> int:
    """Return a sortable position within the year for "January 2013", "late 2016", "early 2017"."""
    words = (date or "").lower().split()
    for word in words:
        if word in _MONTH_ORDER:
            return _MONTH_ORDER[word]
    if "early" in words:
        return 2
    if "mid" in words:
        return 6
    if "late" in words:
        return 11
    return 6


def _answer(
    text: str,
    reading: Reading,
    body: str,
    citations: tuple[Citation, ...],
    explanation: Explanation,
    reason: str,
    subject: str | None = None,
    facts: list[Fact] | None = None,
) -> Reply:
    """Return an answered reply: the one shape every composed answer takes."""
    used = tuple(f.id for f in facts) if facts is not None else explanation.facts
    return Reply(
        question=text,
        answered=True,
        text=body,
        outcome=ANSWER,
        intent=reading.intent,
        confidence=min(1.0, reading.score),
        citations=citations,
        subject=subject,
        explanation=replace(explanation, facts=used, reason=reason),
    )


def _first_clause(description: str) -> str:
    """Return a description's first clause, short enough for a list."""
    clause = re.split(r"[;,(]| which | who | whose ", description, maxsplit=1)[0].strip().rstrip(".")
    clause = re.sub(r"\s+(with|of|to|in|by|for|that)$", "", clause[:90])
    return clause


def _distinct(statements: Iterable[str]) -> list[str]:
    """Return the statements without repeats or near-repeats (the same claim said twice)."""
    out: dict[str, str] = {}
    for statement in statements:
        out.setdefault(_normal_statement(statement), statement)
    return list(out.values())


def _says_nothing_new(statement: str, earlier: str) -> bool:
    """Whether nearly every word of ``statement`` (nine in ten) is already in ``earlier``."""
    words = _statement_words(statement)
    if not words:
        return True
    return len(words - _statement_words(earlier)) <= len(words) // 10


@functools.lru_cache(maxsize=2048)
def _statement_words(statement: str) -> frozenset[str]:
    return frozenset(_normal_statement(statement).split()) - STOPWORDS


@functools.lru_cache(maxsize=2048)
def _normal_statement(statement: str) -> str:
    """Normalised statement: the same few hundred fact statements are compared answer after answer."""
    return normalize(statement)


def meta_list(value: object) -> list[dict[str, object]]:
    """Return a metadata list of mappings (figures, furniture), ignoring anything malformed."""
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, dict)]


def _lexicon(knowledge: Knowledge) -> set[str]:
    """Every word the knowledge uses: facts, relation keywords, templates, entity names and stop words."""
    words: set[str] = set(STOPWORDS)
    for fact in knowledge.facts:
        for text in (fact.statement, fact.quote, fact.value or "", *fact.keywords):
            words.update(normalize(text).split())
    for relation in knowledge.relations.values():
        for k in relation.keywords:
            words.update(k.split())
    for intent in knowledge.intents.values():
        for template in intent.templates:
            words.update(w for w in template.normalized.split() if not w.startswith("{"))
    for entity in knowledge.entities.values():
        for name in (*entity.names, *entity.weak_aliases):
            words.update(normalize(name).split())
    for sentence in knowledge.brief.sentences:
        words.update(normalize(sentence.text).split())
    for phrase in knowledge.synonyms:
        words.update(phrase.split())
    return words


def _is_exact(reading: Reading) -> bool:
    """Whether a reading's template matched the whole question and it found facts to answer with."""
    match = reading.match
    return bool(reading.facts) and match is not None and match.ratio >= 0.95 and match.coverage >= 0.99


def _same_facts(a: Reading, b: Reading) -> bool:
    return bool(a.facts and b.facts and a.facts[0].fact.id == b.facts[0].fact.id)


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _safe_text(raw: object) -> str:
    text = raw if isinstance(raw, str) else str(raw)
    text = unicodedata.normalize("NFC", text[: MAX_QUESTION_CHARS * 4])
    text = _CONTROL.sub(" ", text)
    return " ".join(text.split())[:MAX_QUESTION_CHARS]
