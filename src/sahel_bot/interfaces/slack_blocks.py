"""Slack message formatting: a ``Reply`` as Block Kit (or plain text), and Slack markup in questions back to text.

Pure functions, no I/O.  Limits are Slack's documented ones: 3,000 characters per section, 50 blocks per
message, 10 elements per context block, 4,000 characters of top-level ``text``.
May import: the standard library and the public API.
"""

from __future__ import annotations

import re
from typing import Any

from ..about import About
from ..reply import Reply

__all__ = [
    "escape",
    "plain_text",
    "slack_message",
    "slack_to_plain",
    "split_text",
    "strip_leading_mention",
]

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_CONTEXT_ELEMENTS = 10
MAX_TEXT_CHARS = 4000
MAX_QUOTE_CHARS = 300


def escape(text: str) -> str:
    """Return ``text`` with Slack's three control characters escaped (``&`` first, so nothing is escaped twice)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _shorten(text: str, limit: int) -> str:
    """Return ``text`` cut to at most ``limit`` characters at a word boundary, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    if cut < limit // 2:
        cut = limit - 1
    return text[:cut].rstrip() + "…"


def _safe_cut(text: str, limit: int) -> int:
    """Return a cut position <= ``limit`` that does not fall inside an ``&amp;``-style entity."""
    amp = text.rfind("&", max(0, limit - 5), limit)
    if amp != -1 and ";" not in text[amp:limit]:
        return amp if amp > 0 else limit
    return limit


def split_text(text: str, limit: int = MAX_SECTION_CHARS) -> list[str]:
    """Return ``text`` split into chunks of at most ``limit`` characters.

    Cuts at a paragraph break if there is one in the second half of the window, else a line break, a
    sentence end, a space, and only then mid-word (never inside an escaped entity).
    """
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = -1
        for sep in ("\n\n", "\n", ". ", "? ", "! ", "; ", " "):
            at = window.rfind(sep, limit // 2)
            if at != -1:
                cut = at + (1 if sep in (". ", "? ", "! ", "; ") else 0)
                break
        if cut <= 0:
            cut = _safe_cut(rest, limit)
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks


#: a link Slack can show as it is: http(s), and none of the characters of its markup or whitespace
_PLAIN_LINK = re.compile(r"https?://[^\s<>|]+")


def _source(about: About) -> str:
    """Return the brief as mrkdwn: its label, linked to ``about.link`` when that is a plain http(s) URL."""
    label = escape(about.label or about.title)
    if _PLAIN_LINK.fullmatch(about.link):
        return f"<{about.link}|{label}>"
    return label


def _citation_line(source: str, section: str, quote: str) -> str:
    """Return a citation as mrkdwn: the brief's link, the section and the quote (escaped, at most 300 chars)."""
    line = f"Source: {source}, {escape(section)}"
    if quote:
        line += f": “{escape(_shorten(quote, MAX_QUOTE_CHARS))}”"
    return line


#: the hint under an answer that left something for "more", where the conversation goes on (a thread)
MORE_HINT = "Reply *more* in this thread for the rest."


def slack_message(
    reply: Reply, about: About, response_type: str | None = None, *, in_thread: bool = False
) -> dict[str, Any]:
    """Return ``reply`` as a Slack message: ``text`` (the notification fallback, always set) and ``blocks``.

    The answer goes in section blocks, "did you mean" suggestions in a bulleted section, the citations in a
    context block naming the brief (``about``).  Every piece of text is escaped; the only link is the
    brief's own (its front matter's ``about.link``).  With ``response_type`` (``ephemeral`` or
    ``in_channel``) the message is a slash-command reply.  ``in_thread``: the message goes to a thread that
    keeps the conversation, so an answer that left something for "more" says how to get it.
    """
    answer = escape(reply.text.strip()) or "…"
    sections = split_text(answer, MAX_SECTION_CHARS)
    extra: list[dict[str, Any]] = []
    if reply.suggestions:
        bullets = "\n".join(f"• {escape(_shorten(s, 200))}" for s in reply.suggestions[:10])
        extra.append({"type": "section", "text": {"type": "mrkdwn", "text": bullets}})
    if in_thread and reply.more:
        extra.append({"type": "context", "elements": [{"type": "mrkdwn", "text": MORE_HINT}]})
    if reply.citations:
        cited = list(reply.citations)
        if len(cited) > MAX_CONTEXT_ELEMENTS:
            cited = cited[: MAX_CONTEXT_ELEMENTS - 1]
        source = _source(about)
        elements = [{"type": "mrkdwn", "text": _citation_line(source, c.section, c.quote)} for c in cited]
        if len(cited) < len(reply.citations):
            elements.append({"type": "mrkdwn", "text": f"and {len(reply.citations) - len(cited)} more sources"})
        extra.append({"type": "context", "elements": elements})
    room = MAX_BLOCKS - len(extra)
    truncated = len(sections) > room
    if truncated:
        sections = sections[: room - 1]
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": s}} for s in sections]
    if truncated:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": "(truncated)"}]})
    blocks.extend(extra)

    fallback = answer
    if reply.suggestions:
        fallback += "\n" + "\n".join(f"• {escape(s)}" for s in reply.suggestions[:10])
    message: dict[str, Any] = {"text": _fallback(fallback), "blocks": blocks}
    if response_type is not None:
        message = {"response_type": response_type, **message}
    return message


def _fallback(text: str) -> str:
    if len(text) <= MAX_TEXT_CHARS:
        return text
    cut = text.rfind(" ", 0, MAX_TEXT_CHARS - 1)
    if cut < MAX_TEXT_CHARS // 2:
        cut = _safe_cut(text, MAX_TEXT_CHARS - 1)
    return text[:cut].rstrip() + "…"


def plain_text(reply: Reply, about: About, escaped: bool = False, limit: int = MAX_TEXT_CHARS) -> str:
    """Return ``reply`` as one plain-text message (answer, suggestions, sources) of at most ``limit`` characters.

    For Slack-compatible servers that read only ``text``.  ``escaped`` applies Slack's escaping (Slack's
    legacy outgoing webhooks need it; Mattermost, Rocket.Chat and Zulip render Markdown and do not).
    """
    esc = escape if escaped else (lambda s: s)
    lines = [esc(reply.text.strip())]
    lines.extend(f"• {esc(s)}" for s in reply.suggestions[:10])
    for c in reply.citations[:MAX_CONTEXT_ELEMENTS]:
        line = f"Source: {about.label or about.title}, {c.section}"
        if c.quote:
            line += f": “{_shorten(c.quote, MAX_QUOTE_CHARS)}”"
        lines.append("> " + esc(line))
    text = "\n".join(lines)
    if len(text) > limit:
        text = text[: _safe_cut(text, limit - 1)].rstrip() + "…"
    return text


_LEADING_MENTION = re.compile(r"^\s*<@[A-Z0-9]+(?:\|[^>]*)?>[\s:,]*")
_MARKUP = re.compile(r"<([^<>]*)>")


def strip_leading_mention(text: str) -> str:
    """Return ``text`` without the ``<@U…>`` mention it starts with (the one that addressed the bot)."""
    return _LEADING_MENTION.sub("", text, count=1)


def slack_to_plain(text: str, bot_user_id: str | None = None) -> str:
    """Return Slack message markup as the plain text a person typed.

    ``<@U1|ann>`` becomes ``@ann``, ``<#C1|general>`` ``#general``, ``<https://x|label>`` ``label``, special
    mentions such as ``<!here>`` are dropped, mentions of ``bot_user_id`` are removed, and ``&amp;``,
    ``&lt;``, ``&gt;`` are unescaped.  Whitespace is collapsed.
    """

    def plain(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            if bot_user_id and target[1:] == bot_user_id:
                return " "
            return f"@{label}" if label else target
        if target.startswith("#"):
            return f"#{label}" if label else target
        if target.startswith("!"):
            return label
        if target.startswith("mailto:"):
            return label or target[len("mailto:") :]
        return label or target

    if "<" not in text and "&" not in text:
        return " ".join(text.split())
    text = _MARKUP.sub(plain, strip_leading_mention(text))
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.split())
