"""The brief as structured text: metadata, sections, paragraphs and sentences with stable ids.

The brief file keeps one printed line per line (so its faithfulness to the PDF
extraction can be proved line by line); this module joins those lines back
into paragraphs and splits sentences.  A sentence id is
``<section id>.<paragraph>.<sentence>`` (1-based), e.g. ``leadership.1.2``:
it only changes if the brief itself changes.  May import: ``errors``,
``knowledge.schema``, PyYAML.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import KnowledgeError, KnowledgeErrors
from .schema import Brief, Location, Paragraph, Section, Sentence

__all__ = ["join_lines", "parse_brief", "read_front_matter", "split_sentences"]

# A sentence ends at . ? or ! (optionally inside a closing quote or bracket) followed by
# a space and an upper-case letter, digit or opening quote.  Dotted initialisms
# ("U.S.") are protected first; in this brief they are never followed by a capital
# that starts a sentence, and the test of the split proves it.
_BOUNDARY = re.compile(r"(?<=[.?!])([\u201d\u2019\")]?)\s+(?=[A-Z0-9\u201c\u2018\"(])")
_INITIALISM = re.compile(r"\b(?:[A-Z]\.){2,}")
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "Dr.", "Mr.", "Mrs.", "Ms.", "St.", "No.", "vs.")


def join_lines(lines: list[str]) -> str:
    """Join printed lines into running text; a line-final hyphen or dash joins without a space."""
    text = ""
    for line in lines:
        line = line.strip()
        if not text:
            text = line
        elif text.endswith(("-", "\u2014", "\u2013")):
            text += line
        else:
            text += " " + line
    return text


def split_sentences(text: str) -> list[str]:
    """Split running text into sentences, keeping every character (joined by single spaces)."""
    protected: dict[str, str] = {}

    def protect(match: re.Match[str]) -> str:
        key = f"\x00{len(protected)}\x00"
        protected[key] = match.group()
        return key

    masked = _INITIALISM.sub(protect, text)
    for abbreviation in _ABBREVIATIONS:
        masked = masked.replace(abbreviation, abbreviation.replace(".", "\x01"))
    parts: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(masked):
        end = match.start() + len(match.group(1))
        parts.append(masked[start:end])
        start = match.end()
    parts.append(masked[start:])
    out = []
    for part in parts:
        for key, value in protected.items():
            part = part.replace(key.replace(".", ""), value)
        part = part.replace("\x01", ".")
        if part.strip():
            out.append(part.strip())
    return out


def _front_matter(path: Path, lines: list[str]) -> tuple[dict[str, object], int]:
    import yaml  # only when the brief is parsed: the sentence splitter below is used at every start

    if not lines or lines[0].strip() != "---":
        raise KnowledgeErrors([KnowledgeError(str(path), 1, 1, "the brief must start with '---' front matter")])
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            try:
                data = yaml.safe_load("\n".join(lines[1:i])) or {}
            except yaml.MarkedYAMLError as exc:
                mark = exc.problem_mark
                line = (mark.line + 2) if mark else 2
                col = (mark.column + 1) if mark else 1
                raise KnowledgeErrors([KnowledgeError(str(path), line, col, f"front matter: {exc.problem}")]) from None
            if not isinstance(data, dict):
                raise KnowledgeErrors([KnowledgeError(str(path), 2, 1, "front matter must be a mapping")])
            # YAML reads 2017-03-20 as a date object; kept as text, the cached engine loads without datetime
            return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in data.items()}, i + 1
    raise KnowledgeErrors([KnowledgeError(str(path), 1, 1, "the front matter is not closed with '---'")])


def read_front_matter(path: Path) -> dict[str, object]:
    """Return the front matter of the brief at ``path`` without parsing its text (for help screens).

    Raises ``KnowledgeErrors`` when it cannot be read, ``OSError`` when the file cannot be opened.
    """
    lines: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            lines.append(line.rstrip("\n"))
            if len(lines) > 1 and line.strip() == "---":
                break
    return _front_matter(path, lines)[0]


def parse_brief(path: Path, display: str | None = None) -> Brief:
    """Return the :class:`Brief` in ``path``; raise ``KnowledgeErrors`` when it cannot be read."""
    shown = display or str(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeErrors([KnowledgeError(shown, 1, 1, f"cannot read the brief: {exc}")]) from None
    meta, body_start = _front_matter(Path(shown), lines)
    errors: list[KnowledgeError] = []
    for key in ("number", "title", "date", "author"):
        if not meta.get(key):
            errors.append(KnowledgeError(shown, 2, 1, f"front matter has no '{key}'"))

    # Group lines: heading runs and paragraphs (runs of non-blank lines).
    sections: list[tuple[str, int, list[tuple[int, list[str]]]]] = []
    heading: list[str] = []
    para: list[str] = []
    para_line = 0

    def flush_para() -> None:
        nonlocal para
        if para:
            if not sections:
                errors.append(KnowledgeError(shown, para_line, 1, "text before the first '## ' heading"))
            else:
                sections[-1][2].append((para_line, para))
            para = []

    for number, raw in enumerate(lines[body_start:], start=body_start + 1):
        line = raw.rstrip()
        if line.startswith("## "):
            flush_para()
            if heading and sections and not sections[-1][2]:
                # a heading printed over two lines continues the previous one
                title, at, _ = sections[-1]
                sections[-1] = (f"{title} {line[3:].strip()}", at, [])
            else:
                sections.append((line[3:].strip(), number, []))
            heading = [line]
        elif not line.strip():
            flush_para()
        else:
            if not para:
                para_line = number
            para.append(line)
            heading = []
    flush_para()

    built: list[Section] = []
    ids = meta.get("section_ids") if isinstance(meta.get("section_ids"), dict) else {}
    assert isinstance(ids, dict)
    for title, at, paragraphs in sections:
        # the front matter may give a heading a short id ("Size and Financing": size); else a slug of it
        section_id = str(ids.get(title) or re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_"))
        paras: list[Paragraph] = []
        for p_index, (p_line, p_lines) in enumerate(paragraphs, start=1):
            sentences = tuple(
                Sentence(
                    id=f"{section_id}.{p_index}.{s_index}",
                    text=sentence,
                    section=title,
                    location=Location(shown, p_line),
                )
                for s_index, sentence in enumerate(split_sentences(join_lines(p_lines)), start=1)
            )
            paras.append(Paragraph(number=p_index, sentences=sentences, location=Location(shown, p_line)))
        if not paras:
            errors.append(KnowledgeError(shown, at, 1, f"section '{title}' has no text"))
        built.append(Section(id=section_id, title=title, paragraphs=tuple(paras), location=Location(shown, at)))
    if not built:
        errors.append(KnowledgeError(shown, body_start + 1, 1, "the brief has no '## ' sections"))
    if errors:
        raise KnowledgeErrors(errors)
    return Brief(
        number=str(meta["number"]),
        title=str(meta["title"]),
        date=str(meta["date"]),
        date_printed=str(meta.get("date_printed") or meta["date"]),
        author=str(meta["author"]),
        metadata={
            **{str(k): v for k, v in meta.items() if k != "furniture"},
            "furniture_lines": meta.get("furniture") or [],
        },
        sections=tuple(built),
        path=shown,
    )
