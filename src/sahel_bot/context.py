"""The dialogue state: what earlier turns were about, so follow-ups can point back at it.

A ``Context`` is immutable; each turn returns a new one: after an answer, what the answer was about and
said; after a decline or a question back, what the question named (so "how old is he?" declined does
not lose "he" for the next turn).  It holds the entities named in recent turns, newest first (a person
named two turns back is still there), the last set of things an answer listed or a question named
together ("they", "those two groups"), the last place ("there") and the last years ("then", "since
then").  It expires: nothing said for ``Settings.context_turns`` turns is forgotten.
May import: the standard library only.
"""

from __future__ import annotations

from .records import record

__all__ = ["Context", "answered", "asked_back", "noted"]

#: How many named entities the state keeps.
_NAMED = 8


@record
class Context:
    """The state a follow-up may use: the last subject, other entities, intent and facts."""

    subject: str | None = None
    subject_name: str | None = None
    entities: tuple[str, ...] = ()
    intent: str | None = None
    facts: tuple[str, ...] = ()
    age: int = 0
    turn: int = 0
    #: the last answered question's own words and the entities it named, for elliptical
    #: follow-ups ("and in Bamako?", "and how many escaped?")
    words: tuple[str, ...] = ()
    asked: tuple[str, ...] = ()
    answer_type: str = ""
    #: the subjects of the last few answered turns, newest last: "the group" is the one talked about most
    recent: tuple[str, ...] = ()
    #: the entities the questions named, newest first, answered or not
    named: tuple[str, ...] = ()
    #: the last set: what a list answer listed, or what a question named together ("they", "those groups")
    group: tuple[str, ...] = ()
    #: the turn the set was made in (a set from long ago is no longer "they")
    group_turn: int = -1
    #: the last place a question named or an answer gave ("there")
    place: str | None = None
    #: the years of the last answer ("then", "that year", "since then")
    years: tuple[int, ...] = ()
    #: the facts the last answer left for "more", in the order they would be told
    more: tuple[str, ...] = ()
    #: what earlier answers spoke of, newest first ("he" for a leader named two answers back)
    heard: tuple[str, ...] = ()

    @property
    def talked_of(self) -> tuple[str, ...]:
        """Everything the conversation talks of, the most salient first: what the last answer was about and
        said, then what the questions named, then what earlier answers spoke of."""
        return tuple(
            dict.fromkeys((*((self.subject,) if self.subject else ()), *self.entities, *self.named, *self.heard))
        )

    @property
    def is_empty(self) -> bool:
        return self.subject is None and not self.entities and self.intent is None and not self.named

    def aged(self, max_turns: int) -> Context:
        """Return the context one turn older, or an empty one when it has expired."""
        if self.age + 1 >= max_turns:
            return Context(turn=self.turn + 1)
        return self._replace(age=self.age + 1, turn=self.turn + 1)


def answered(
    context: Context,
    *,
    shape: str,
    intent: str,
    words: tuple[str, ...],
    answer_type: str,
    asked: tuple[str, ...],
    subject: str | None,
    subject_name: str | None,
    facts: tuple[str, ...],
    entities: tuple[str, ...],
    listed: tuple[str, ...] = (),
    place: str | None = None,
    years: tuple[int, ...] = (),
    more: tuple[str, ...] = (),
) -> Context:
    """Return the context after an answer of ``shape``: what the next turn may point back to."""
    context = context._replace(years=years, place=place or context.place, more=more)
    if shape == "more":
        # the rest of the last answer: the conversation is still about what it was about
        return context._replace(facts=facts, age=0)
    if len(listed) >= 2:
        context = context._replace(group=listed[:12], group_turn=context.turn)
    # what the last answer spoke of stays within reach when this one speaks of other things
    context = context._replace(heard=tuple(dict.fromkeys((*context.entities, *context.heard)))[:_NAMED])
    if shape in ("acronym", "brief"):
        # an expansion or the brief's metadata: the subject (if any) changes, nothing else is said
        if subject is None:
            return context._replace(intent=intent, age=0)
        return context._replace(subject=subject, subject_name=subject_name, intent=intent, age=0)
    if shape == "entities":
        # "which groups are linked to X?" ... "who leads it?": the subject stays what was asked about,
        # the listed names are the conversation's other entities
        return context._replace(
            subject=subject,
            subject_name=subject_name,
            intent=intent,
            entities=entities[:12],
            facts=facts,
            age=0,
            # ("which ones are from Mali?": the kind of thing listed)
            words=words or context.words,
            asked=asked or context.asked,
            answer_type=answer_type,
        )
    return context._replace(
        subject=subject,
        subject_name=subject_name,
        entities=entities[:12],
        intent=intent,
        facts=facts,
        age=0,
        # a bare "when?" keeps the words of the question it followed
        words=words or context.words,
        asked=asked or context.asked,
        answer_type=answer_type,
        recent=(*context.recent, *((subject,) if subject else ()))[-4:],
    )


def noted(
    context: Context, named: tuple[str, ...], together: tuple[str, ...] = (), place: str | None = None
) -> Context:
    """Return the context with what a question named: newest first, a set named together, a place.

    Every turn notes what it named, answered or not: "how old is he?" declined still talked about him.
    """
    if not named:
        return context
    kept = tuple(dict.fromkeys((*named, *context.named)))[:_NAMED]
    context = context._replace(named=kept, place=place or context.place)
    if len(together) >= 2:
        context = context._replace(group=together, group_turn=context.turn)
    return context


def asked_back(context: Context, intent: str | None) -> Context:
    """Return the context after a "did you mean": remember what was asked, so a bare answer completes it."""
    return context._replace(intent=intent or context.intent, age=0)
