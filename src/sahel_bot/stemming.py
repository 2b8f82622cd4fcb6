"""Crude stemming: enough to meet "leads"/"lead", "funded"/"fund", "attacks"/"attack" on both sides.

A question's words and the facts' words are folded the same way, through the knowledge's ``stems`` table
("died" -> "die", from ``facts/lexicon.yaml``) and then a short suffix list.  May import: the standard
library only.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

__all__ = ["Stemmer", "crude_stem"]

_SUFFIXES = (
    ("ations", 0),
    ("ation", 0),
    ("ings", 0),
    ("ing", 0),
    ("ies", 1),
    ("ied", 1),
    ("ers", 0),
    ("er", 0),
    ("ed", 0),
    ("es", 0),
    ("ly", 0),
    ("s", 0),
)


@functools.lru_cache(maxsize=8192)
def crude_stem(word: str) -> str:
    """Return ``word`` without its inflection ("attacks" -> "attack", "countries" -> "country")."""
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, keep in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            if suffix == "es" and not word.endswith(("ses", "xes", "ches", "shes", "zes")):
                continue
            base = word[: -len(suffix)]
            if keep:
                base += "y"
            if len(base) >= 4 and base[-1] == base[-2] and base[-1] not in "aeiouls":
                base = base[:-1]
            if base.endswith("e") and len(base) > 4:
                base = base[:-1]
            return base
    if word.endswith("e") and len(word) > 4:
        return word[:-1]
    return word


class Stemmer:
    """Fold a word through the knowledge's stem table, then strip its suffix; built once per engine."""

    __slots__ = ("stems",)

    def __init__(self, stems: Mapping[str, str]) -> None:
        self.stems = dict(stems)

    def __call__(self, word: str) -> str:
        return crude_stem(self.stems.get(word, word))

    def __getstate__(self) -> dict[str, str]:
        return self.stems

    def __setstate__(self, state: dict[str, str]) -> None:
        self.stems = state
