"""What the bot says back: the typed reply every interface renders, and its explanation.

These shapes are the contract between the core and the interfaces (REPL,
webhook, CLI, pytest plugin): ``Reply.to_dict()`` is exactly the JSON that
``sahel-bot ask --json`` prints.  May import: the standard library only.
"""

from __future__ import annotations

from typing import Any

from .records import record

__all__ = ["Candidate", "Citation", "Explanation", "LinkedEntity", "Reply"]

#: The three outcomes of a question.
ANSWER = "answer"
CLARIFY = "clarify"
DECLINE = "decline"


@record
class Citation:
    """A verbatim quote of the brief and the section it is printed in."""

    section: str
    quote: str
    sentence_id: str

    def to_dict(self) -> dict[str, str]:
        return {"section": self.section, "quote": self.quote, "sentence_id": self.sentence_id}


@record
class LinkedEntity:
    """An entity found in the question: which words, through which alias, how surely (0-100)."""

    entity: str
    name: str
    alias: str
    span: tuple[int, int]
    words: str
    score: float
    method: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "name": self.name,
            "alias": self.alias,
            "span": list(self.span),
            "words": self.words,
            "score": round(self.score, 1),
            "method": self.method,
        }


@record
class Candidate:
    """One reading of the question that was scored: an intent with its evidence."""

    intent: str
    score: float
    facts: tuple[str, ...] = ()
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"intent": self.intent, "score": round(self.score, 3), "facts": list(self.facts), "detail": self.detail}


@record
class Explanation:
    """Why the bot answered, asked or declined as it did."""

    normalized: str = ""
    entities: tuple[LinkedEntity, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    facts: tuple[str, ...] = ()
    context: str = ""
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "normalized": self.normalized,
            "entities": [e.to_dict() for e in self.entities],
            "candidates": [c.to_dict() for c in self.candidates],
            "facts": list(self.facts),
            "context": self.context,
            "reason": self.reason,
        }

    def render(self) -> str:
        """Return the explanation as indented plain text (for ``--explain`` and ``/why``)."""
        lines = [f"normalized: {self.normalized!r}"]
        if self.entities:
            lines.append("entities:")
            for e in self.entities:
                lines.append(
                    f"  {e.name} ({e.entity}) <- {e.words!r} via alias {e.alias!r}, "
                    f"{e.method} {e.score:.0f}, span {e.span[0]}-{e.span[1]}"
                )
        else:
            lines.append("entities: none")
        if self.context:
            lines.append(f"context: {self.context}")
        if self.candidates:
            lines.append("intents:")
            for i, c in enumerate(self.candidates):
                mark = "*" if i == 0 else " "
                lines.append(f" {mark} {c.intent} {c.score:.2f}" + (f"  {c.detail}" if c.detail else ""))
        if self.facts:
            lines.append("facts used: " + ", ".join(self.facts))
        if self.reason:
            lines.append(f"decision: {self.reason}")
        return "\n".join(lines)


@record
class Reply:
    """The bot's reply to one question.

    ``answered`` is true only for an answer grounded in cited facts; a
    clarifying question ("did you mean ...") and a decline are not answers.
    ``confidence`` is in 0..1.  ``subject`` is the conversation's subject after
    this turn (a display name), for toolbars and follow-ups.
    """

    question: str
    answered: bool
    text: str
    outcome: str
    intent: str | None = None
    confidence: float = 0.0
    citations: tuple[Citation, ...] = ()
    suggestions: tuple[str, ...] = ()
    subject: str | None = None
    explanation: Explanation = Explanation()
    #: what the answer left for "more" (its statements, said once), or ""
    more: str = ""

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        """Return the JSON-ready form (the ``sahel-bot ask --json`` contract)."""
        out: dict[str, Any] = {
            "question": self.question,
            "answered": self.answered,
            "outcome": self.outcome,
            "text": self.text,
            "intent": self.intent,
            "confidence": round(self.confidence, 3),
            "citations": [c.to_dict() for c in self.citations],
            "suggestions": list(self.suggestions),
            "subject": self.subject,
            "more": self.more,
        }
        if explain:
            out["explanation"] = self.explanation.to_dict()
        return out
