"""Spelling correction of question words against the words the knowledge actually uses.

People type "wat", "leeds", "founed", "buisness".  A word that the facts,
the templates and the entity names never use is compared with those that
they do; a close one (by edit ratio, or Jaro-Winkler for words that share a
first letter) replaces it.  Words with no close match stay as they are, so an
off-topic word ("weather", "recipe") still counts against an answer.
May import: ``normalize``, ``question``, rapidfuzz.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

__all__ = ["SpellChecker"]

#: Chat spellings too short for edit distance to tell apart safely.
SHORT_FORMS: dict[str, str] = {
    "wat": "what",
    "wht": "what",
    "wut": "what",
    "wen": "when",
    "whn": "when",
    "wher": "where",
    "whr": "where",
    "hw": "how",
    "dose": "does",
    "doe": "does",
    "u": "you",
    "ur": "your",
    "r": "are",
    "abt": "about",
    "bc": "because",
    "cuz": "because",
    "y": "why",
    "teh": "the",
    "thier": "their",
    "ther": "there",
    "govt": "government",
    "gov": "government",
    "intl": "international",
    "ppl": "people",
    "pls": "please",
    "plz": "please",
    "info": "information",
}


class SpellChecker:
    """Built once from the knowledge's words; ``correct`` is pure."""

    def __init__(self, words: Iterable[str]) -> None:
        self.known = frozenset(w for w in words if w)
        self.choices = {w: w for w in self.known if len(w) >= 4 and not w.isdigit()}

    def correct(self, token: str) -> str | None:
        """Return the word ``token`` was probably meant to be, or ``None`` when it is fine or unknown."""
        if token in self.known or token.isdigit():
            return None
        if token in SHORT_FORMS:
            return SHORT_FORMS[token]
        if len(token) < 4:
            return None
        cutoff = 85.0 if len(token) == 4 else 80.0
        hits = process.extract(token, self.choices, scorer=fuzz.ratio, processor=None, limit=5, score_cutoff=cutoff)
        best: tuple[float, str] | None = None
        for word, ratio, _ in hits:
            score = ratio
            if word[0] == token[0] and len(token) >= 5:
                score = max(score, JaroWinkler.normalized_similarity(token, word) * 100)
            if abs(len(word) - len(token)) > 2:
                continue
            if best is None or score > best[0]:
                best = (score, word)
        if best is None or best[0] < 88.0:
            return None
        return best[1]
