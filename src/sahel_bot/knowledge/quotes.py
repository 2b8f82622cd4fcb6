"""Checking a fact's quote against the sentences it cites: verbatim, hedges kept, attributions sourced.

When a quote is not verbatim, the message shows the cited sentence, the span of
it closest to the quote (rapidfuzz's ``partial_ratio_alignment``) and where the
two first differ, so the author sees the typo instead of hunting for it.
May import: ``knowledge.schema``, rapidfuzz.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

__all__ = ["ATTRIBUTION", "QUOTE_HEDGE", "STATEMENT_HEDGE", "not_verbatim"]

#: Words by which the brief hedges or attributes; a fact quoting them must keep them.
QUOTE_HEDGE = re.compile(
    r"\b(reportedly|reported|appears?|appeared|apparently|may|possibly|suggests?|"
    r"not been publicly confirmed|uncertain|unclear|debate|if so)\b",
    re.IGNORECASE,
)
STATEMENT_HEDGE = re.compile(
    r"\b(reportedly|reported|reports?|appears?|appeared|apparently|may|might|possibly|possible|suggests?|"
    r"not been publicly confirmed|unconfirmed|uncertain|unclear|debated?|if so|if confirmed|according to|allegedly)\b",
    re.IGNORECASE,
)
ATTRIBUTION = re.compile(r"\baccording to\b", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def not_verbatim(quote: str, sentences: list[str], where: str) -> str | None:
    """Return the error message when ``quote`` is not verbatim in ``sentences`` (cited as ``where``), else ``None``.

    The message's first line says what is wrong; the next lines show the cited
    sentence, its span closest to the quote, and the quote with a caret under
    the first character that differs.
    """
    haystack = _SPACES.sub(" ", " ".join(sentences))
    wanted = _SPACES.sub(" ", quote)
    if wanted in haystack:
        return None
    lines = [f"quote is not verbatim in the cited sentence ({where})", f"  sentence: {haystack}"]
    alignment = fuzz.partial_ratio_alignment(wanted, haystack, score_cutoff=50)
    if alignment is not None:
        start, end = alignment.dest_start, alignment.dest_end
        while start > 0 and haystack[start - 1].isalnum():  # whole words read better than a cut one
            start -= 1
        while end < len(haystack) and haystack[end].isalnum():
            end += 1
        closest = haystack[start:end].strip()
        differs = next(
            (i for i, (a, b) in enumerate(zip(wanted, closest, strict=False)) if a != b), min(len(wanted), len(closest))
        )
        lines.append(f"  closest:  {closest}")
        lines.append(f"  quote:    {wanted}")
        lines.append(f"            {' ' * differs}^ first difference")
    else:
        lines.append(f"  quote:    {wanted}  (nothing in the sentence is close)")
    return "\n".join(lines)
