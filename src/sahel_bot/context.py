"""Conversation context: what earlier turns were about, so follow-ups can lean on them.

A ``Context`` is immutable; each answered turn returns a new one.  It expires:
a subject not mentioned for ``Settings.context_turns`` turns is forgotten.
May import: the standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

__all__ = ["Context"]


@dataclass(frozen=True, slots=True)
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

    @property
    def is_empty(self) -> bool:
        return self.subject is None and not self.entities and self.intent is None

    def aged(self, max_turns: int) -> Context:
        """Return the context one turn older, or an empty one when it has expired."""
        if self.age + 1 >= max_turns:
            return Context(turn=self.turn + 1)
        return replace(self, age=self.age + 1, turn=self.turn + 1)
