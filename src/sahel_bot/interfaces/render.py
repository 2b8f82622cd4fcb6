"""What the REPL shows, as styled fragments: banner, replies, citations, help, sources and brief sections.

Every function here is pure: it turns the public API's objects into a list of
``(style, text)`` fragments (prompt_toolkit's formatted-text shape) laid out for
a given width, and :func:`plain` drops the styles for pipes and pagers.  No I/O
and no prompt_toolkit import, so the piped mode and the tests use it as is.
May import: the standard library and ``sahel_bot``'s public API.
"""

from __future__ import annotations

import math
import textwrap
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "COMMANDS",
    "STYLE",
    "Fragments",
    "banner",
    "brief_text",
    "error",
    "explanation",
    "help_text",
    "notice",
    "plain",
    "quoted",
    "reply_fragments",
    "section_titles",
    "sources",
    "toolbar",
    "wrap",
]

Fragments = list[tuple[str, str]]

#: The slash commands, in the order /help lists them, with their one-line help.
COMMANDS: dict[str, tuple[str, str]] = {
    "/help": ("", "this help"),
    "/why": ("", "why the last answer was given: entities, intents, facts, decision"),
    "/sources": ("", "the sections of the brief and what each covers"),
    "/brief": ("[SECTION]", "read a section of the brief (a number, a name or part of one; all of it without one)"),
    "/reset": ("", "forget the conversation and start afresh"),
    "/quit": ("", "leave (Ctrl-D on an empty line does too)"),
}

#: Style classes used by the fragments (prompt_toolkit ``Style.from_dict`` form).  Only
#: named ANSI colours and attributes, so the terminal's own palette decides how they look.
STYLE: dict[str, str] = {
    "prompt": "bold",
    "banner.title": "bold",
    "banner": "",
    "answer": "",
    "clarify": "",
    "decline": "italic",
    "suggestion.number": "bold",
    "suggestion": "",
    "hint": "dim",
    "citation": "dim",
    "citation.section": "dim bold",
    "heading": "bold",
    "command": "bold",
    "why": "",
    "error": "ansired",
    "warning": "ansiyellow",
    "notice": "dim",
    "bottom-toolbar": "reverse",
    "bottom-toolbar.subject": "reverse bold",
}

_OPEN, _CLOSE = "\u201c", "\u201d"


def quoted(quote: str) -> str:
    """Return ``quote`` in quotation marks, as a citation shows it.

    A quote is a verbatim span of the brief, and a span may stop inside a quotation
    of the brief's own ("... AQIM also \u201csuccessfully fundraises globally") or
    start inside one: the marks it leaves open are closed, after an ellipsis that
    says the quotation goes on, so every citation reads balanced.
    """
    opened = quote.count(_OPEN) - quote.count(_CLOSE)
    head = f"{_OPEN}\u2026" * max(0, -opened)
    tail = ("\u2026" + _CLOSE * opened) if opened > 0 else ""
    return f"{_OPEN}{head}{quote}{tail}{_CLOSE}"


def plain(fragments: Iterable[tuple[str, str]]) -> str:
    """Return the text of ``fragments`` without styles (what a pipe or a pager gets)."""
    return "".join(text for _, text in fragments)


def wrap(
    text: str, width: int, indent: str = "", subsequent: str | None = None, break_long_words: bool = True
) -> list[str]:
    """Return ``text`` wrapped to ``width`` columns, keeping its own line breaks; never an empty list.

    ``break_long_words=False`` keeps a word longer than the line whole (a path stays one piece to copy).
    """
    width = max(20, width)
    rest = indent if subsequent is None else subsequent
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        if not paragraph.strip():
            lines.append("")
            continue
        lines.extend(
            textwrap.wrap(
                paragraph,
                width=width,
                initial_indent=indent,
                subsequent_indent=rest,
                break_long_words=break_long_words,
                break_on_hyphens=False,
            )
        )
    return lines or [""]


def _lines(style: str, lines: Iterable[str]) -> Fragments:
    out: Fragments = []
    for line in lines:
        out.append((style, line))
        out.append(("", "\n"))
    return out


def section_titles(brief: Any) -> dict[str, str]:
    """Return a map from section id and title to the title users see."""
    titles: dict[str, str] = {}
    for section in brief.sections:
        titles[section.id] = section.title
        titles[section.title] = section.title
    return titles


def banner(bot: Any, width: int = 80) -> Fragments:
    """Return the start-up banner: the brief's title, its label and date, the number of facts, how to get help.

    Everything comes from ``bot.about`` (the brief's front matter), so the banner names whatever brief is loaded.
    """
    about = bot.about
    facts = bot.fact_count
    details = ", ".join(part for part in (about.label, about.date_printed) if part)
    if about.author:
        details += f", by {about.author}"
    details += f" \u00b7 {facts} fact{'s' if facts != 1 else ''}"
    example = about.example_text(1)
    ask = f"Ask about the brief in plain words ({example})" if example else "Ask about the brief in plain words"
    out: Fragments = _lines("class:banner.title", wrap(about.title, width))
    out += _lines("class:banner", wrap(details, width))
    out += _lines("class:banner", wrap(f"{ask}; type /help for commands, Ctrl-D to quit.", width))
    return out


def reply_fragments(reply: Any, width: int, titles: Mapping[str, str] | None = None) -> Fragments:
    """Return a reply laid out for ``width`` columns.

    The text comes first, wrapped; then numbered suggestions (a "did you mean"
    the user may answer with the number); then, dimmed, each citation: the
    section and the verbatim quote.
    """
    titles = titles or {}
    style = {"answer": "class:answer", "clarify": "class:clarify"}.get(reply.outcome, "class:decline")
    out = _lines(style, wrap(reply.text, width))
    if reply.suggestions:
        for number, suggestion in enumerate(reply.suggestions, start=1):
            label = f"  {number}. "
            body = wrap(suggestion, width, indent=" " * len(label))
            out.append(("class:suggestion.number", label))
            out.append(("class:suggestion", body[0].lstrip()))
            out.append(("", "\n"))
            out.extend(_lines("class:suggestion", body[1:]))
        n = len(reply.suggestions)
        hint = "type the number to ask it" if n == 1 else f"type a number (1-{n}) to ask one"
        out.extend(_lines("class:hint", [f"  ({hint})"]))
    for citation in reply.citations:
        section = titles.get(citation.section, citation.section)
        label = f"[{section}]"
        lines = wrap(f"{label} {quoted(citation.quote)}", width, indent="  ", subsequent="    ")
        first = lines[0]
        at = first.find(label)
        if at < 0:  # a title longer than the line: no bold, same words
            out.extend(_lines("class:citation", lines))
            continue
        out.append(("class:citation", first[:at]))
        out.append(("class:citation.section", label))
        out.append(("class:citation", first[at + len(label) :]))
        out.append(("", "\n"))
        out.extend(_lines("class:citation", lines[1:]))
    return out


def explanation(reply: Any | None) -> Fragments:
    """Return the explanation of ``reply`` for /why, or a hint when nothing was asked yet."""
    if reply is None:
        return notice("Nothing to explain yet: ask a question first, then /why.")
    out: Fragments = [("class:heading", f"why: {reply.question}"), ("", "\n")]
    out.extend(_lines("class:why", ["  " + line for line in reply.explanation.render().splitlines()]))
    return out


def help_text(width: int, about: Any = None) -> Fragments:
    """Return the /help text; ``about`` (the bot's ``About``) gives the example question."""
    example = about.example_text(1) if about is not None else ""
    ask = f"Ask about the brief in plain words ({example})" if example else "Ask about the brief in plain words"
    out: Fragments = []
    out.extend(
        _lines(
            "",
            wrap(
                f'{ask} and follow up ("where is he from?"): the bot keeps track of the subject, shown at the '
                "bottom. Each answer quotes the brief, with the section it comes from.",
                width,
            ),
        )
    )
    out.append(("", "\n"))
    out.append(("class:heading", "Commands"))
    out.append(("", "\n"))
    for name, (arg, text) in COMMANDS.items():
        usage = f"{name} {arg}".strip()
        out.append(("class:command", f"  {usage:<17}"))
        out.append(("", text))
        out.append(("", "\n"))
    out.append(("", "\n"))
    out.append(("class:heading", "Keys"))
    out.append(("", "\n"))
    keys = [
        ("Tab", "complete names of people, groups and places, and commands"),
        ("\u2192 (Right)", "take the grey suggestion from your history"),
        ("\u2191 \u2193, Ctrl-R", "browse and search your earlier questions"),
        ("Ctrl-C", "discard the line you are typing"),
        ("Ctrl-D", "quit (on an empty line)"),
    ]
    for key, text in keys:
        out.append(("class:command", f"  {key:<17}"))
        out.append(("", text))
        out.append(("", "\n"))
    out.append(("", "\n"))
    out.extend(_lines("", wrap('When the bot asks "did you mean", answer with the number.', width)))
    return out


#: Entity types that say what a section is about (events and documents have sentence-long names).
_TOPIC_TYPES = frozenset({"group", "person", "country", "place", "organisation", "concept"})


def _covers(knowledge: Any, limit: int = 5) -> dict[str, list[str]]:
    """Return, per section id, the names its facts are most about.

    Each entity is scored by the facts citing the section that involve it,
    times how particular it is to that section (1 + log(sections / sections it
    is in)), so AQIM, which is everywhere, does not crowd out the section's own
    subjects.  Entities outside the brief, events and documents are left out.
    """
    counts: dict[str, Counter[str]] = {}
    entities = getattr(knowledge, "entities", {}) or {}
    for fact in getattr(knowledge, "facts", ()) or ():
        sections = {cite.split(".", 1)[0] for cite in fact.cites}
        for entity_id in fact.entities:
            entity = entities.get(entity_id)
            if entity is None or entity.type not in _TOPIC_TYPES:
                continue
            for section in sections:
                counts.setdefault(section, Counter())[entity_id] += 1
    n = max(1, len(knowledge.brief.sections))
    spread = Counter(entity_id for counter in counts.values() for entity_id in counter)
    out: dict[str, list[str]] = {}
    for section, counter in counts.items():
        ranked = sorted(counter, key=lambda e: (-counter[e] * (1 + math.log(n / spread[e])), e))
        out[section] = [entities[e].short or entities[e].name for e in ranked[:limit]]
    return out


def sources(knowledge: Any, width: int) -> Fragments:
    """Return the /sources list: each section, its size, and the names it covers (or how it begins)."""
    covers = _covers(knowledge)
    out: Fragments = [
        ("class:heading", f"The sections of {knowledge.brief.number} (read one with /brief NUMBER or /brief NAME)"),
        ("", "\n"),
    ]
    for number, section in enumerate(knowledge.brief.sections, start=1):
        count = len(section.sentences)
        out.append(("class:command", f"{number:>2}. {section.title}"))
        out.append(("class:notice", f"  ({count} sentence{'s' if count != 1 else ''})"))
        out.append(("", "\n"))
        names = covers.get(section.id)
        if names:
            text = "about: " + ", ".join(names)
        else:
            first = section.sentences[0].text if section.sentences else ""
            text = "begins: " + first
        lines = wrap(text, width, indent="    ", subsequent="      ")
        if len(lines) > 2:
            lines = lines[:2]
            lines[-1] = lines[-1][: max(0, width - 2)].rstrip() + "\u2026"
        out.extend(_lines("", lines))
    return out


def brief_text(sections: Sequence[Any], width: int) -> Fragments:
    """Return sections of the brief: each heading, then its paragraphs wrapped to ``width``."""
    out: Fragments = []
    for i, section in enumerate(sections):
        if i:
            out.append(("", "\n"))
        out.append(("class:heading", section.title))
        out.append(("", "\n"))
        for j, paragraph in enumerate(section.paragraphs):
            if j:
                out.append(("", "\n"))
            out.extend(_lines("", wrap(paragraph.text, width)))
    return out


def toolbar(subject: str | None) -> Fragments:
    """Return the bottom toolbar: the conversation's subject and the main keys."""
    if subject:
        head: Fragments = [("class:bottom-toolbar", " subject: "), ("class:bottom-toolbar.subject", subject)]
    else:
        head = [("class:bottom-toolbar", " no subject yet")]
    return [*head, ("class:bottom-toolbar", "  \u00b7  /help  \u00b7  Tab completes  \u00b7  Ctrl-D quits ")]


def error(message: str, width: int | None = None) -> Fragments:
    """Return an error message (the REPL goes on), wrapped to ``width`` columns when given."""
    return notice(message, "class:error", width)


def notice(message: str, style: str = "class:notice", width: int | None = None) -> Fragments:
    """Return a notice, wrapped to ``width`` columns when given (else one line)."""
    if width is None:
        return [(style, message), ("", "\n")]
    return _lines(style, wrap(message, width, break_long_words=False))
