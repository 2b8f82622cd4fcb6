"""Answers about the document itself: who wrote it, when, its number, its figure, what it covers.

They come from the brief's front matter (its metadata and the printed page's furniture lines), worded by
the language's message templates, and cite the line of the page they rest on.
May import: ``model``, ``frame``, ``reply``.
"""

from __future__ import annotations

from .frame import Frame
from .model import Model
from .reply import Citation

__all__ = ["METADATA_SECTION", "about_the_document", "metadata_list"]

#: The section name citations of the front matter carry.
METADATA_SECTION = "(document metadata)"


def metadata_list(value: object) -> list[dict[str, object]]:
    """Return a metadata list of mappings (figures, furniture), ignoring anything malformed."""
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, dict)]


def about_the_document(model: Model, frame: Frame) -> tuple[str, tuple[Citation, ...]]:
    """Answer from the brief's metadata: which parts depend on what the question asks about."""
    brief = model.knowledge.brief
    about = model.about
    lang = model.lang
    meta = brief.metadata
    furniture = {str(f.get("role")): str(f.get("text")) for f in metadata_list(meta.get("furniture_lines"))}
    words = set(frame.tokens)
    parts_asked = {name for name, cues in lang.document_parts.items() if words & cues}
    publisher = about.publisher
    if publisher and not publisher.lower().startswith("the "):
        publisher = "the " + publisher
    parts: list[str] = []
    cites: list[Citation] = []

    def cite(role: str, text: str) -> None:
        cites.append(Citation(METADATA_SECTION, text, f"meta.{role}"))

    if "author" in parts_asked:
        contact = ", ".join(str(meta[k]) for k in ("author_email", "author_phone") if meta.get(k))
        parts.append(
            lang.message(
                "about_author", author=about.author, publisher=publisher, contact=f" ({contact})" if contact else ""
            )
        )
        if "author_line" in furniture:
            cite("author", furniture["author_line"])
    if "date" in parts_asked:
        parts.append(lang.message("about_date", date=about.date_printed))
        if "date" in furniture:
            cite("date", furniture["date"])
    if "figure" in parts_asked:
        for figure in metadata_list(meta.get("figures")):
            parts.append(
                lang.message(
                    "about_figure",
                    section=figure.get("section"),
                    caption=figure.get("caption"),
                    source=figure.get("source"),
                )
            )
            cite("figure", str(figure.get("caption")))
    if "number" in parts_asked:
        parts.append(lang.message("about_number", series=about.series, number=about.number, publisher=publisher))
        if "product_number" in furniture:
            cite("number", furniture["product_number"])
    if not parts or "overview" in parts_asked:
        sections = "; ".join(s.title for s in brief.sections)
        parts.insert(
            0,
            lang.message(
                "about_overview",
                series=about.series,
                number=about.number,
                title=about.title,
                author=about.author,
                publisher=publisher,
                date=about.date_printed,
                scope=about.scope,
                sections=sections,
            ),
        )
        if "title" in furniture:
            cite("title", furniture["title"])
    if not cites:
        first = brief.sections[0].sentences[0]
        cites.append(Citation(first.section, first.text, first.id))
    return " ".join(parts), tuple(dict.fromkeys(cites))
