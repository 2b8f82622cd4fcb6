"""The answer engine: a question and a conversation state in, a cited reply and the next state out.

The stages run in order, each building one immutable object that the later ones read:

    prepare -> Turn -> link (and dialogue) -> Mentions -> frame -> Frame -> readings -> Readings
            -> decide -> Decision -> compose (an answer) or messages (anything else) -> Reply, Context

``Engine.answer`` never raises: any input gets a reply.  May import: every stage module.
"""

from __future__ import annotations

from .compose import compose
from .config import Settings
from .context import Context, answered, asked_back, noted
from .decide import ANSWER, CLARIFY, Decision, decide, decide_early
from .entities import Mention
from .frame import Frame, build_frame
from .intersection import find_intersection, shared
from .knowledge.brief import split_sentences
from .knowledge.schema import Knowledge
from .linking import Mentions, link
from .messages import say
from .model import Model
from .nested import find_description, named_by, rewritten
from .normalize import normalize
from .parts import split_parts
from .prepare import Turn, prepare, safe_text
from .readings import Readings, read
from .reply import Candidate, Explanation, LinkedEntity, Reply
from .statements import says_nothing_new

__all__ = ["Engine"]


class Engine:
    """The stages over one model (the knowledge and language, built once)."""

    def __init__(self, knowledge: Knowledge, settings: Settings, model: Model | None = None) -> None:
        self.model = model if model is not None else Model(knowledge, settings)
        self.knowledge = self.model.knowledge
        self.settings = settings

    def answer(self, question: str, context: Context) -> tuple[Reply, Context]:
        """Return the reply to ``question`` and the context after it; never raises."""
        try:
            parts = split_parts(self.model.lang, safe_text(question))
            if len(parts) > 1:
                return self._in_parts(question, parts, context)
            return self._answer(question, context)
        except Exception as exc:  # a reply is always owed; the reason stays visible in the explanation
            reply = Reply(
                question=safe_text(question),
                answered=False,
                text=self.model.lang.message("internal_error"),
                outcome="decline",
                explanation=Explanation(reason=f"internal error: {type(exc).__name__}: {exc}"),
            )
            return reply, context

    def _in_parts(self, raw: str, parts: list[str], context: Context) -> tuple[Reply, Context]:
        """Answer a question asked in parts, each part a turn of its own, in order; one reply for all.

        When the first part is not answered, the later ones (which may point back at it: "what is X and
        is it still active?") are not asked: the question is answered whole.
        """
        start = context
        replies: list[Reply] = []
        for part in parts:
            reply, context = self._answer(part, context)
            if not replies and not reply.answered:
                return self._answer(raw, start)
            replies.append(reply)
        reasons = "; ".join(f"part {n}: {r.explanation.reason}" for n, r in enumerate(replies, start=1))
        return self._joined(raw, replies, f"asked in {len(parts)} parts ({' | '.join(parts)}): {reasons}"), context

    def _joined(self, raw: str, replies: list[Reply], reason: str) -> Reply:
        """One reply made of several: an answer only when every one is answered (otherwise a decline that
        says what the brief does say for each).  A statement made before is not made again, even in other
        words, and the answer's "as of" date is said once, last."""
        model = self.model
        answered = all(r.answered for r in replies)
        first = replies[0] if answered else next(r for r in replies if not r.answered)
        as_of = normalize(model.lang.message("as_of", date=model.about.date_printed))
        said: set[str] = {as_of}
        texts: list[str] = []
        dated = False
        for r in replies:
            sentences = split_sentences(r.text)
            dated = dated or any(normalize(x) == as_of for x in sentences)
            fresh = [x for x in sentences if normalize(x) not in said]
            if texts:
                # a later reply's statement that an earlier one already made in other words
                fresh = [x for x in fresh if not says_nothing_new(model, x, " ".join(texts))]
            said.update(normalize(x) for x in fresh)
            if fresh:
                texts.append(" ".join(fresh))
        if dated and texts:
            texts[-1] += model.lang.message("as_of", date=model.about.date_printed)
        return Reply(
            question=safe_text(raw),
            answered=answered,
            text="\n\n".join(texts),
            outcome=ANSWER if answered else first.outcome,
            intent=first.intent,
            confidence=min(r.confidence for r in replies),
            citations=tuple(dict.fromkeys(c for r in replies for c in r.citations)),
            suggestions=tuple(dict.fromkeys(s for r in replies for s in r.suggestions)),
            subject=replies[-1].subject or first.subject,
            explanation=first.explanation._replace(
                reason=reason, facts=tuple(f for r in replies for f in r.explanation.facts)
            ),
        )

    def _described(self, raw: str, tokens: tuple[str, ...], context: Context) -> tuple[Reply, Context] | None:
        """Answer "who leads the group that X broke away from?" in two hops, or return ``None``.

        The description is asked first ("which group X broke away from"); when the brief's answer names
        the one entity it describes, the question is asked of it by name.  Both answers are shown, each
        statement once, so every hop is cited.
        """
        model = self.model
        description = find_description(model, tokens, raw)
        if description is None or description.plural:
            # "how big are the groups related to AQIM?" asks about the set as such
            return None
        # (``_answer`` ages the context itself: the hop is part of this turn, not a turn of its own)
        inner, after_inner = self._answer(description.inner, context, hops=False)
        if not inner.answered:
            return None
        facts = [model.facts[f] for f in inner.explanation.facts if f in model.facts]
        named = named_by(model, facts, description)
        if len(named) != 1:
            return None
        entity = named[0]
        # of the first answer, what names the entity found (the hop), not what else it said
        inner = _naming(inner, model.names.get(entity, ()))
        described = " ".join(tokens[description.start : description.end])
        reason = f"'{described}' is {model.entities[entity].short}"
        lang = model.lang
        asking = lang.stopwords | lang.question_words | {w for p in lang.name_words for w in p.split()}
        if all(t in asking for t in (*tokens[: description.start], *tokens[description.end :])):
            # "what is the name of the group that ...?": the first answer, which names it, is the answer
            # ... and the conversation is now about what it named ("who leads it?")
            after = after_inner._replace(
                subject=entity,
                subject_name=model.entities[entity].short,
                entities=tuple(dict.fromkeys((entity, *after_inner.entities))),
            )
            return self._joined(raw, [inner], reason), after
        reply, context = self._answer(rewritten(model, tokens, description, entity), context, hops=False)
        if not reply.answered:
            return None
        return self._joined(raw, [inner, reply], reason), context

    def _both(self, raw: str, tokens: tuple[str, ...], context: Context) -> tuple[Reply, Context] | None:
        """Answer "which group both did A and later B?" with what both descriptions name, or ``None``.

        Each description is asked as a question of its own; what both answers name is the answer, with the
        statements of each that name it (so both are cited).
        """
        model = self.model
        both = find_intersection(model, tokens)
        if both is None:
            return None
        replies: list[Reply] = []
        answers = []
        for question in (both.first, both.second):
            reply, _ = self._answer(question, context, hops=False)
            if not reply.answered:
                return None
            answers.append([model.facts[f] for f in reply.explanation.facts if f in model.facts])
            replies.append(reply)
        chosen = shared(model, answers, both)
        if not chosen:
            return None
        names = tuple({n for e in chosen for n in model.names.get(e, ())})
        kept = [_naming(reply, names, most=2) for reply in replies]
        shorts = ", ".join(model.entities[e].short for e in chosen)
        reason = f"what both '{both.first}' and '{both.second}' name: {shorts}"
        lead = model.lang.message("both_answer", names=shorts)
        kept[0] = kept[0]._replace(text=f"{lead} {kept[0].text}")
        after = context.aged(self.settings.context_turns)._replace(
            subject=chosen[0], subject_name=model.entities[chosen[0]].short, entities=tuple(chosen), age=0
        )
        return self._joined(raw, kept, reason), after

    def _answer(self, raw: str, context: Context, hops: bool = True) -> tuple[Reply, Context]:
        model = self.model
        aged = context.aged(self.settings.context_turns)
        turn = prepare(model, raw)
        described = self._described(raw, turn.tokens, context) if hops and not turn.empty else None
        if described is not None:
            return described
        both = self._both(raw, turn.tokens, context) if hops and not turn.empty else None
        if both is not None:
            return both
        early = decide_early(model, turn, None, None, aged)
        if early is not None:
            return self._reply(early, turn, None, None, None, aged, "")
        mentions = link(model, turn.text, turn.tokens, turn.names, aged)
        frame, period = build_frame(model, turn.text, mentions, aged, mentions.follow_intent)
        early = decide_early(model, turn, mentions, frame, aged)
        if early is not None:
            return self._reply(early, turn, mentions, frame, None, aged, period)
        readings = read(model, frame, mentions, aged)
        decision = decide(model, frame, mentions, readings)
        return self._reply(decision, turn, mentions, frame, readings, aged, period)

    def _reply(
        self,
        decision: Decision,
        turn: Turn,
        mentions: Mentions | None,
        frame: Frame | None,
        readings: Readings | None,
        context: Context,
        period: str,
    ) -> tuple[Reply, Context]:
        """Put the decision in words: an answer composed from facts, or a message."""
        model = self.model
        explanation = self._explain(decision, turn, mentions, frame, readings, period)
        reading = decision.reading
        if decision.outcome == ANSWER:
            assert reading is not None
            assert frame is not None
            composed = compose(model, frame, reading, context.subject)
            subject = composed.subject
            name = model.entities[subject].short if subject else None
            facts = tuple(f.id for f in composed.facts)
            entities = (*frame.entity_ids, *composed.listed, *(e for f in composed.facts for e in f.entities))
            # (in the facts' own order of roles: a set's order changes from one process to the next)
            places = [e for f in composed.facts for e in model.index.roles[f.id] if model.cls.get(e) == "place"]
            after = answered(
                noted(context, *self._named(frame)),
                shape=reading.compose,
                intent=reading.intent,
                words=frame.content,
                answer_type=frame.answer_type,
                asked=frame.entity_ids,
                subject=subject,
                subject_name=name,
                facts=facts,
                entities=tuple(dict.fromkeys(entities)),
                listed=composed.listed,
                place=places[0] if places else None,
                # "then" is the time of what the answer is mainly about: its first dated fact
                years=next(((f.year_from,) for f in composed.facts if f.year_from), ()),
                more=tuple(f.id for f in composed.rest),
            )
            shown = name if reading.compose not in ("entities", "brief") else None
            reply = Reply(
                question=turn.text,
                answered=True,
                text=composed.text,
                outcome=ANSWER,
                intent=reading.intent,
                confidence=min(1.0, reading.score),
                citations=composed.citations,
                subject=shown,
                more=" ".join(f.statement for f in composed.rest),
                explanation=explanation._replace(facts=facts),
            )
            return reply, after
        message = say(model, decision, turn, mentions, frame)
        reply = Reply(
            question=turn.text,
            answered=False,
            text=message.text,
            outcome=decision.outcome,
            intent=reading.intent if reading is not None else None,
            confidence=reading.score if reading is not None else 0.0,
            citations=message.citations,
            suggestions=message.suggestions,
            subject=model.entities[message.subject].short if message.subject else None,
            explanation=explanation,
        )
        # a question not answered still talked about what it named ("how old is he?")
        context = noted(context, *self._named(frame)) if frame is not None else context
        if decision.outcome == CLARIFY and message.suggestions:
            pending = reading.intent if reading is not None and reading.intent in model.intents else None
            return reply, asked_back(context, pending)
        return reply, context

    def _named(self, frame: Frame | None) -> tuple[tuple[str, ...], tuple[str, ...], str | None]:
        """What a question named, for the dialogue state: the entities, those named together, a place."""
        if frame is None:
            return (), (), None
        cls = self.model.cls
        named = frame.entity_ids
        together = named if len(named) >= 2 and len({cls[e] for e in named}) == 1 else ()
        place = next((e for e in named if cls[e] == "place"), None)
        return named, together, place

    def _explain(
        self,
        decision: Decision,
        turn: Turn,
        mentions: Mentions | None,
        frame: Frame | None,
        readings: Readings | None,
        period: str,
    ) -> Explanation:
        """Why the bot did what it did: the words read, the entities linked, the readings weighed."""
        tokens = frame.tokens if frame is not None else turn.tokens
        linked = tuple(self._linked(m, tokens) for m in frame.mentions) if frame is not None else ()
        notes = [*mentions.notes] if mentions is not None else []
        if turn.note:
            notes.insert(1 if notes and notes[0].startswith(("follow-up", "from the")) else 0, turn.note)
        candidates: list[Candidate] = []
        if readings is not None:
            for r in readings.ranked[:5]:
                candidates.append(Candidate(r.intent, r.score, tuple(f.fact.id for f in r.facts[:6]), r.detail))
            seen = {c.intent for c in candidates}
            # intents whose templates came close but were not worth reading facts for: shown as runners-up
            candidates += [
                Candidate(m.intent.id, m.score, (), f"template '{m.template}' only (ratio {m.ratio:.2f})")
                for m in readings.matches[:4]
                if m.intent.id not in seen
            ]
        if period:
            notes.append(period)
        return Explanation(
            normalized=" ".join(tokens),
            entities=linked if decision.code not in ("help", "small_talk") else (),
            candidates=tuple(candidates[:6]),
            context="; ".join(n for n in notes if n),
            reason=decision.reason,
        )

    def _linked(self, m: Mention, tokens: tuple[str, ...]) -> LinkedEntity:
        entity = self.model.entities[m.entity]
        return LinkedEntity(m.entity, entity.name, m.alias, (m.start, m.end), m.words, m.score, m.method)


def _naming(reply: Reply, names: tuple[str, ...] | set[str], most: int | None = None) -> Reply:
    """Of a hop's answer, the statements (at most ``most``) and citations that name one of ``names``: what it
    says of the entity the hop found, not what else it said; the whole answer when no statement names it."""
    said = [x for x in split_sentences(reply.text) if any(f" {n} " in f" {normalize(x)} " for n in names)][:most]
    if not said:
        return reply
    cites = tuple(c for c in reply.citations if any(f" {n} " in f" {normalize(c.quote)} " for n in names))
    return reply._replace(text=" ".join(said), citations=cites or reply.citations)
