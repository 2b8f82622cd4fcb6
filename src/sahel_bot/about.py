"""What the loaded brief is and what it covers, read from its front matter: the one source of every
banner, greeting, help and "I only know about ..." text.

The engine and the interfaces name no topic of their own; they ask an ``About`` built from the brief's
metadata, so the same code answers (and introduces itself for) any brief.
May import: ``knowledge.schema``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .knowledge.schema import Brief
from .records import record

__all__ = ["About"]


@record
class About:
    """The brief's identity and scope: title, number, date, a one-line scope and example questions."""

    title: str
    series: str
    number: str
    date_printed: str
    author: str
    publisher: str
    #: what the brief covers, as a phrase ("AQIM and related groups in North and West Africa")
    scope: str
    #: questions the brief answers, shown as examples ("Who leads AQIM?")
    examples: tuple[str, ...]
    #: where the brief can be read (a URL), or ""
    link: str

    @classmethod
    def from_brief(cls, brief: Brief) -> About:
        """Return the ``About`` of ``brief``; missing optional front matter gives plain defaults."""
        meta = dict(brief.metadata)
        meta.update(title=brief.title, number=brief.number, date_printed=brief.date_printed, author=brief.author)
        return cls.from_front_matter(meta)

    @classmethod
    def from_front_matter(cls, meta: Mapping[str, Any]) -> About:
        """Return the ``About`` of a brief from its front matter alone (no need to parse the brief's text).

        The command line uses this for its help, which must not cost a full load.
        """
        about = meta.get("about") if isinstance(meta.get("about"), dict) else {}
        assert isinstance(about, dict)
        examples = about.get("examples") if isinstance(about.get("examples"), list) else []
        assert isinstance(examples, list)
        title = str(meta.get("title") or "")
        return cls(
            title=title,
            series=str(meta.get("series") or ""),
            number=str(meta.get("number") or ""),
            date_printed=str(meta.get("date_printed") or meta.get("date") or ""),
            author=str(meta.get("author") or ""),
            publisher=str(meta.get("publisher") or ""),
            scope=str(about.get("scope") or title),
            examples=tuple(str(e) for e in examples if str(e).strip()),
            link=str(about.get("link") or ""),
        )

    @property
    def label(self) -> str:
        """A short name for the brief: "CRS In Focus IF10172", or its number alone."""
        return f"{self.series} {self.number}".strip()

    @property
    def citation(self) -> str:
        """The brief as one would cite it: series and number, title in quotes, date."""
        return f"{self.label}, \u201c{self.title}\u201d ({self.date_printed})"

    def example_text(self, count: int = 2) -> str:
        """Return up to ``count`` example questions, quoted and joined ("\u201cA\u201d or \u201cB\u201d"), or ""."""
        quoted = [f"\u201c{e}\u201d" for e in self.examples[:count]]
        return " or ".join(quoted)

    @property
    def intro(self) -> str:
        """One sentence saying what the bot answers about, for banners and "about" replies."""
        return f"I answer questions about {self.scope}, from {self.citation}."
