"""The messages stage: what the bot says when it does not answer — help, greetings, "did you mean",
and honest declines that say what the brief does say nearby.

Every text comes from the language's message templates, filled from the decision's reason code and the
brief's own metadata (``about``): nothing here names a topic.  May import: ``model``, ``frame``,
``decide``, ``reading``, ``reply``, ``compose``, ``prepare``, ``linking``.
"""

from __future__ import annotations

import re

from .compose import citations, sentence_citation
from .decide import Decision
from .frame import Frame
from .linking import Mentions
from .model import Model
from .prepare import Turn
from .reading import Reading
from .records import record
from .reply import Citation

__all__ = ["Message", "help_text", "say"]


@record
class Message:
    """A reply that is not an answer: its text, what it cites, what it offers to ask instead."""

    text: str
    citations: tuple[Citation, ...] = ()
    suggestions: tuple[str, ...] = ()
    #: the entity the message is about (a decline that says what the brief says of it), or None
    subject: str | None = None


def help_text(model: Model) -> str:
    """What the bot can be asked about, with example questions: from the brief's front matter."""
    about = model.about
    if not about.examples:
        return model.lang.message("help_no_examples", citation=about.citation, scope=about.scope)
    return model.lang.message("help", citation=about.citation, scope=about.scope, examples=about.example_text())


def say(model: Model, decision: Decision, turn: Turn, mentions: Mentions | None, frame: Frame | None) -> Message:
    """Return the message for a decision to decline or to ask back."""
    lang = model.lang
    code = decision.code
    if code == "help":
        return Message(help_text(model))
    if code == "small_talk":
        words = set(turn.tokens)
        if words & lang.thanks_words:
            return Message(lang.message("thanks"))
        if words & lang.bye_words:
            return Message(lang.message("bye"))
        return Message(lang.message("greeting", help=help_text(model)))
    if code == "vague":
        kind = model.cls[decision.candidates[0]] if decision.candidates else "group"
        text = lang.message("which_one", kind=kind, pronoun=decision.pronoun)
        # the question in the user's own words, asked of each; a template's wording when theirs has none
        # to replace (a template drops the possessive "'s", the user's words keep it)
        names = [model.entities[e].short for e in decision.candidates]
        if decision.pronoun in lang.possessive_pronouns:
            names = [f"{n}\u2019s" for n in names]
        suggestions = _asked_of(model, frame.text, decision.pronoun, names) if frame is not None else ()
        suggestions = suggestions or _template_suggestions(model, decision.reading, decision.candidates)
        return Message(text, suggestions=suggestions)
    if code == "unnamed":
        entity = model.entities[decision.candidates[0]]
        return _with_description(model, lang.message("unnamed", name=entity.short), entity.id)
    if code == "unresolved":
        return Message(lang.message("who_is_pronoun", pronoun=decision.pronoun))
    if code == "outside":
        assert mentions is not None
        names = ", ".join(model.entities[m.entity].name for m in mentions.outside)
        text = lang.message("outside", names=names)
        if mentions.found:
            ent = model.entities[mentions.found[0].entity]
            text += lang.message("outside_but", name=ent.short, description=ent.description)
        return Message(text)
    if code == "after_brief":
        assert frame is not None
        return Message(lang.message("after_the_brief", date=model.about.date_printed, when=frame.after_brief))
    if code == "follow_up_missing":
        assert decision.reading is not None
        return Message(lang.message("follow_up_missing", what=decision.reading.missing))
    if code == "clarify":
        assert decision.reading is not None
        return Message(lang.message("clarify"), suggestions=_suggestions(model, decision.alternatives))
    assert frame is not None
    return _not_answered(model, decision, frame)


def _not_answered(model: Model, decision: Decision, frame: Frame) -> Message:
    """The brief does not answer this: say so, and what it does say about what the question names."""
    lang = model.lang
    best = decision.reading
    entity_ids = frame.entity_ids
    if not entity_ids:
        examples = model.about.example_text() or model.about.scope
        return Message(lang.message("off_topic", citation=model.about.citation, examples=examples))
    entity = model.entities[entity_ids[0]]
    what = ""
    if best is not None and best.missing:
        what = _phrase(
            model, best.missing.rstrip("."), [model.entities[e].short for e in (best.entities or entity_ids)]
        )
    text = lang.message("not_said", what=what) if what else lang.message("not_answered")
    nearby = best.facts[0].fact if best is not None and best.facts and best.facts[0].typed < 1 else None
    if nearby is not None:
        text = lang.not_given.get(decision.asked_type, text) + lang.message("what_it_says", statement=nearby.statement)
        cites = citations(model, [nearby])
    else:
        return _with_description(model, text, entity.id)
    return Message(text, cites, subject=entity.id)


def _with_description(model: Model, text: str, entity_id: str) -> Message:
    """A decline, then what the brief does say of the entity (its description), cited at its first sentence."""
    entity = model.entities[entity_id]
    if entity.description:
        text += model.lang.message("what_it_says_about", name=entity.short, description=entity.description)
    cites = tuple(sentence_citation(model, c) for c in entity.cites[:1] if c in model.sentences)
    return Message(text, cites, subject=entity.id)


def _phrase(model: Model, description: str, names: list[str]) -> str:
    """Fill an intent description's placeholders ("who leads a group") with the names asked about."""
    queue = list(names)

    def fill(match: re.Match[str]) -> str:
        if match.group().startswith("two ") and len(queue) >= 2:
            first, second = queue.pop(0), queue.pop(0)
            return f"{first} and {second}"
        return queue.pop(0) if queue else match.group()

    return model.lang.placeholders.sub(fill, description)


def _plain(template: str) -> str:
    """A template as a sentence: optional parts dropped, the first of each choice kept."""
    filled = re.sub(r"\[[^\]]*\]", "", template)
    filled = re.sub(r"\(([^|)]*)(\|[^)]*)?\)", r"\1", filled)
    return " ".join(filled.split()).rstrip("?") + "?"


def _capital(text: str) -> str:
    return text[0].upper() + text[1:] if text else text


def _suggestions(model: Model, readings: tuple[Reading, ...]) -> tuple[str, ...]:
    """Up to three questions the user may have meant: each close reading's first template, filled."""
    out: list[str] = []
    for r in readings:
        if r.match is not None and r.match.intent.templates:
            filled = r.match.intent.templates[0].text
            for slot, filler in r.match.slots:
                name = filler.split(":")[1] if filler.startswith("year:") else model.entities[filler].short
                filled = filled.replace("{" + slot + "}", name, 1)
            out.append(_capital(_plain(filled)))
        elif r.facts:
            out.append(model.lang.message("tell_me_about", name=model.entities[r.facts[0].fact.subject].short))
    return tuple(dict.fromkeys(out))[:3]


def _asked_of(model: Model, question: str, pointer: str, names: list[str]) -> tuple[str, ...]:
    """The question with its pointing words ("he", "the group", "ansar") replaced by each name in turn."""
    found = re.search(rf"\b{re.escape(pointer)}\b", question, flags=re.IGNORECASE)
    if found is None:
        return ()
    asked = question.strip().rstrip("?.! ")
    first = asked.split()[0].lower() if asked.split() else ""
    mark = "?" if first in model.lang.question_words | model.lang.yes_no_starts else ""
    return tuple(_capital(asked[: found.start()] + name + asked[found.end() :]) + mark for name in names)


def _template_suggestions(model: Model, reading: Reading | None, candidates: tuple[str, ...]) -> tuple[str, ...]:
    """The question understood, asked of each candidate: "Who leads AQIM?", "Who leads MUJAO?"."""
    if reading is None or reading.match is None:
        return ()
    template = reading.match.template
    for slot in model.slot_types:
        template = template.replace("the {" + slot + "}", "{}").replace("{" + slot + "}", "{}")
    if template.count("{}") != 1:
        return ()
    return tuple(_capital(template.format(model.entities[e].short) + "?") for e in candidates)
