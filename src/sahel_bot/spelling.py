"""Spelling correction of question words against the words the knowledge actually uses.

People type "wat", "leeds", "founed", "buisness".  A word that the facts,
the templates and the entity names never use is compared with those that
they do; a close one (by edit ratio, or Jaro-Winkler for words that share a
first letter) replaces it.  Words with no close match stay as they are, so an
off-topic word ("weather", "recipe") still counts against an answer.
May import: rapidfuzz.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rapidfuzz import process
from rapidfuzz.distance import OSA, JaroWinkler

__all__ = ["SpellChecker"]

#: An English word seen at least this often (in pyspellchecker's frequency list) is a real word,
#: not a typo: "staying" and "heading" are left alone even though the brief never uses them.
COMMON_WORD_FREQUENCY = 1000


def common_english_words() -> frozenset[str]:
    """Return common English words (from pyspellchecker's word frequencies), or an empty set without it.

    Only called when the engine is built; the result is cached with the engine.
    """
    try:
        from spellchecker import SpellChecker as _Frequencies
    except ImportError:  # the engine still corrects typos, only less carefully
        return frozenset()
    frequencies = _Frequencies(distance=1).word_frequency
    return frozenset(w for w, n in frequencies.items() if n >= COMMON_WORD_FREQUENCY and w.isalpha())


class SpellChecker:
    """Built once from the knowledge's words; ``correct`` is pure."""

    def __init__(
        self,
        words: Iterable[str],
        common: frozenset[str] = frozenset(),
        preferred: Iterable[str] = (),
        short_forms: Mapping[str, str] | None = None,
        kin: Iterable[str] = (),
    ) -> None:
        self.known = frozenset(w for w in words if w)
        # chat spellings too short for edit distance to tell apart safely ("wat", "ppl"), from the language
        self.short_forms = dict(short_forms or {})
        self.common = common
        # words questions are made of ("wrote", "leads"): on a tie they win over the brief's other words
        self.preferred = frozenset(preferred)
        # candidates bucketed by length: a word within two edits is at most two letters longer or shorter;
        # the windows are built here, so they travel with the cached engine instead of per process
        by_length: dict[int, list[str]] = {}
        # (and the common words that are forms of the brief's words: "anounce" is one edit from "announce",
        # two from the brief's "announced")
        for w in sorted(self.known | frozenset(kin)):  # sorted: the same choices in every process
            if len(w) >= 4 and not w.isdigit():
                by_length.setdefault(len(w), []).append(w)
        longest = max(by_length, default=0) + 2
        self.windows: dict[int, tuple[str, ...]] = {
            size: tuple(
                w for n in range(size - _allowed(size), size + _allowed(size) + 1) for w in by_length.get(n, ())
            )
            for size in range(4, longest + 1)
        }
        # a second chance for mid-length words two edits off ("hapend", "kidnaping"): candidates sharing
        # the first and the last letter, within two letters of the length
        self.second: dict[int, tuple[str, ...]] = {
            size: tuple(w for n in range(size - 2, size + 3) for w in by_length.get(n, ()))
            for size in range(_SECOND_CHANCE, 10)
        }

    def correct(self, token: str) -> str | None:
        """Return the word ``token`` was probably meant to be, or ``None`` when it is fine or unknown."""
        if token in self.known or token.isdigit():
            return None
        if token in self.common and token not in self.short_forms:
            return None
        if token in self.short_forms:
            return self.short_forms[token]
        if len(token) < 4:
            return None
        # One edit (a transposition counts as one) for ordinary words, two for long ones: "seige",
        # "leeds", "figthers" are corrected; "president" is not turned into "present".  Optimal string
        # alignment is Damerau-Levenshtein without edits on a transposed pair, the same within these
        # distances for real typos, and four times faster.
        allowed = _allowed(len(token))
        choices = self.windows.get(len(token), ())
        hits = [
            (choice, d)
            for choice, d, _ in process.extract(
                token, choices, scorer=OSA.distance, processor=None, limit=5, score_cutoff=allowed
            )
        ]
        if not hits and len(token) in self.second:
            near = sorted(
                (
                    (JaroWinkler.normalized_similarity(token, choice), choice)
                    for choice, _, _ in process.extract(
                        token, self.second[len(token)], scorer=OSA.distance, processor=None, limit=50, score_cutoff=2
                    )
                    if choice[0] == token[0] and choice[-1] == token[-1]
                ),
                reverse=True,
            )
            # one word of the brief clearly closest: two edits are a typo of it, not another word
            if near and (len(near) == 1 or near[0][0] - near[1][0] >= _SECOND_MARGIN):
                return near[0][1]
            return None
        if not hits:
            return None

        def rank(hit: tuple[str, float]) -> tuple[float, bool, float, str]:
            word = hit[0]
            return (hit[1], word not in self.preferred, -JaroWinkler.normalized_similarity(token, word), word)

        ordered = sorted(hits, key=rank)
        best = ordered[0]
        tied = len(ordered) > 1 and ordered[1][1] == best[1]
        if tied and best[0][0] != token[0] and best[0] not in self.preferred:
            return None
        return best[0]


#: From this length on, a word two edits from exactly one of the brief's words is taken for it.
_SECOND_CHANCE = 6
#: ... when it is closer to that word (by Jaro-Winkler) than to any other by this much
_SECOND_MARGIN = 0.02


def _allowed(length: int) -> int:
    """Edits allowed in a word of this length: one, or two from ten letters on."""
    return 1 if length < 10 else 2
