"""Conversation context: what earlier turns were about, so follow-ups can lean on them.

A ``Context`` is immutable; each answered turn returns a new one.  It expires:
a subject not mentioned for ``Settings.context_turns`` turns is forgotten.
May import: the standard library only.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Context", "answered", "asked_back"]


class Context(NamedTuple):
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

    @property
    def is_empty(self) -> bool:
        return self.subject is None and not self.entities and self.intent is None

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
) -> Context:
    """Return the context after an answer of ``shape``: what the next turn may point back to."""
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
        )
    return Context(
        subject=subject,
        subject_name=subject_name,
        entities=entities[:12],
        intent=intent,
        facts=facts,
        age=0,
        turn=context.turn,
        # a bare "when?" keeps the words of the question it followed
        words=words or context.words,
        asked=asked or context.asked,
        answer_type=answer_type,
        recent=(*context.recent, *((subject,) if subject else ()))[-4:],
    )


def asked_back(context: Context, intent: str | None) -> Context:
    """Return the context after a "did you mean": remember what was asked, so a bare answer completes it."""
    return context._replace(intent=intent or context.intent, age=0)
