"""Text normalisation: the one place where text is folded before it is compared.

Every alias, template and question goes through :func:`normalize` exactly once,
and the result is what rapidfuzz sees (with ``processor=None``), so a question
and the knowledge can never be folded two different ways.  May import: the
standard library only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

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
    spans = _starts(tuple(words), phrase)
    return next(spans, None)


def _starts(words: tuple[str, ...], phrase: tuple[str, ...]) -> Iterator[int]:
    """Each start of ``phrase`` among ``words``, left to right.  Every stage looks for phrases this way, many
    times per question: the first word is found by the C-level membership test and ``index`` before any
    slice is built, so a phrase that is not there costs one scan."""
    size = len(phrase)
    if not size:
        yield from range(len(words) + 1)
        return
    first, last = phrase[0], len(words) - size
    if first not in words:
        return
    i = words.index(first)
    while 0 <= i <= last:
        if words[i : i + size] == phrase:
            yield i
        try:
            i = words.index(first, i + 1)
        except ValueError:
            return


def first_end(words: tuple[str, ...] | list[str], phrases: tuple[tuple[str, ...], ...]) -> int | None:
    """Where the first of ``phrases`` to appear among ``words`` ends (at one start, the one listed first)."""
    words = tuple(words)
    best: tuple[int, int, int] | None = None  # (start, rank in phrases, end)
    for rank, p in enumerate(phrases):
        start = next(_starts(words, p), None)
        if start is not None and (best is None or (start, rank) < best[:2]):
            best = (start, rank, start + len(p))
    return None if best is None else best[2]


def phrase_spans(words: tuple[str, ...] | list[str], phrases: tuple[tuple[str, ...], ...]) -> list[tuple[int, int]]:
    """Every (start, end) at which one of ``phrases`` stands among ``words``: phrase by phrase, left to right."""
    words = tuple(words)
    if len(phrases) < 8:
        return [(i, i + len(p)) for p in phrases for i in _starts(words, p)]
    # long lists (fillers, openers) are indexed by first word once, so a question costs one look-up a word
    index = _first_words(phrases)
    found = []
    for i, word in enumerate(words):
        for rank, p in index.get(word, ()):
            if words[i : i + len(p)] == p:
                found.append((rank, i, i + len(p)))
    found.sort()
    return [(i, end) for _, i, end in found]


_INDEXES: dict[int, tuple[tuple[tuple[str, ...], ...], dict[str, list[tuple[int, tuple[str, ...]]]]]] = {}


def _first_words(phrases: tuple[tuple[str, ...], ...]) -> dict[str, list[tuple[int, tuple[str, ...]]]]:
    """``phrases`` by first word, each with its rank; kept per list (the lists are the language's, built once)."""
    held = _INDEXES.get(id(phrases))
    if held is not None and held[0] is phrases:
        return held[1]
    index: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
    for rank, p in enumerate(phrases):
        if p:
            index.setdefault(p[0], []).append((rank, p))
    if len(_INDEXES) > 256:
        _INDEXES.clear()
    _INDEXES[id(phrases)] = (phrases, index)
    return index


#: A word followed by a possessive ending as typed ("group's", "groups'")
_OWNER = re.compile(r"\b(\w+)(?:['\u2019]s|s['\u2019])(?!\w)")


def possessed(text: str) -> frozenset[str]:
    """The words a text marks as owners ("Koufa's group": koufa), with their possessive forms, normalised;
    normalisation drops the mark, so the stages that need it read the text as typed."""
    return frozenset(normalize(w) for m in _OWNER.finditer(text.lower()) for w in (m.group(1), m.group()))
