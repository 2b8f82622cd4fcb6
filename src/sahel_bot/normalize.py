"""Text normalisation: the one place where text is folded before it is compared.

Every alias, template and question goes through :func:`normalize` exactly once,
and the result is what rapidfuzz sees (with ``processor=None``), so a question
and the knowledge can never be folded two different ways.  May import: the
standard library only.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["MAX_QUESTION_CHARS", "first_end", "fold", "normalize", "phrase_at", "phrase_spans", "possessed", "tokens"]

#: Longer input is cut before matching: no question about a two-page brief needs more,
#: and it bounds the work any input can cause.
MAX_QUESTION_CHARS = 400

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": " ",
        "\u2015": " ",
        "\u2212": "-",
    }
)
# A possessive or contraction ending ('s, s', 're, 've, 'll, 'd) carries no meaning here.
_POSSESSIVE = re.compile(r"(?<=[a-z0-9])'(?:s|re|ve|ll|d|m)?(?![a-z0-9])")
# Dotted initialisms ("U.S.", "U.S") close up to one token ("us").
_INITIALISM = re.compile(r"\b[a-z](?:\.[a-z])+\b\.?")
_APOSTROPHE = re.compile(r"(?<=[a-z0-9])'(?=[a-z0-9])")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Return ``text`` case-folded, without accents, with straight quotes and hyphens.

    Used where punctuation still matters (matching expected substrings in tests).
    """
    if text.isascii():
        # nothing to decompose (most questions): the accent pass below costs a generator step per character
        return text.translate(_QUOTES).casefold()
    text = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.casefold()


def normalize(text: str) -> str:
    """Return ``text`` as space-separated lower-case ASCII-ish word tokens.

    Accents folded, curly quotes unified, possessives dropped ("AQIM's" -> "aqim"),
    apostrophes inside words closed up ("Jama'at" -> "jamaat"), hyphens and all
    other punctuation turned into spaces.  Input past ``MAX_QUESTION_CHARS`` is cut.
    """
    text = fold(text[:MAX_QUESTION_CHARS])
    text = _INITIALISM.sub(lambda m: m.group().replace(".", ""), text)
    text = _POSSESSIVE.sub(" ", text)
    text = _APOSTROPHE.sub("", text)
    return " ".join(_NON_WORD.sub(" ", text).split())


def tokens(text: str) -> list[str]:
    """Return the word tokens of :func:`normalize` (``text`` must not be normalised yet)."""
    return normalize(text).split()


# -- phrases among a question's words (what many stages look for: a cue, a filler, an opener) --------------
def phrase_at(words: tuple[str, ...] | list[str], phrase: tuple[str, ...]) -> int | None:
    """Where ``phrase`` (a tuple of words) first starts among ``words``, or ``None``."""
    size = len(phrase)
    return next((i for i in range(len(words) - size + 1) if tuple(words[i : i + size]) == phrase), None)


def first_end(words: tuple[str, ...] | list[str], phrases: tuple[tuple[str, ...], ...]) -> int | None:
    """Where the first of ``phrases`` to appear among ``words`` ends (at one start, the one listed first)."""
    return next((i + len(p) for i in range(len(words)) for p in phrases if tuple(words[i : i + len(p)]) == p), None)


def phrase_spans(words: tuple[str, ...] | list[str], phrases: tuple[tuple[str, ...], ...]) -> list[tuple[int, int]]:
    """Every (start, end) at which one of ``phrases`` stands among ``words``: phrase by phrase, left to right."""
    return [
        (i, i + len(p)) for p in phrases for i in range(len(words) - len(p) + 1) if tuple(words[i : i + len(p)]) == p
    ]


#: A word followed by a possessive ending as typed ("group's", "groups'")
_OWNER = re.compile(r"\b(\w+)(?:['\u2019]s|s['\u2019])(?!\w)")


def possessed(text: str) -> frozenset[str]:
    """The words a text marks as owners ("Koufa's group": koufa), with their possessive forms, normalised;
    normalisation drops the mark, so the stages that need it read the text as typed."""
    return frozenset(normalize(w) for m in _OWNER.finditer(text.lower()) for w in (m.group(1), m.group()))
