"""Questions in several parts: "Which groups threatened Morocco, and how are they related?" is two
questions, answered in order as a short conversation (the second part's "they" is the first's answer).

A turn is split where a clause boundary (a comma, a semicolon, a question mark, or a joining word such as
"and" alone) is followed by a word that opens a question ("who", "how", "did", ...): "who runs AQIM and
who runs its Sahel operations" is two questions; "what did France do in 2013, and then again in 2016?"
stays one.  The joining words are the language file's ``part_joiners``.  May import: ``language``,
``normalize``.
"""

from __future__ import annotations

import functools
import re

from .language import Language

__all__ = ["split_parts"]


@functools.lru_cache(maxsize=4)
def _boundary(part_joiners: frozenset[str]) -> re.Pattern[str]:
    """Where a question may end and another begin: "?", ";" or "," (with joining words after it), or a
    joining word alone ("... and who ...")."""
    joiners = "|".join(re.escape(w) for w in sorted(part_joiners, key=len, reverse=True))
    return re.compile(rf"(?:\?|;|,)\s*(?:(?:{joiners})\s+)*|\s+(?:{joiners})\s+", re.IGNORECASE)


#: More parts than this is no longer a question asked in parts.
_MOST = 3


def split_parts(lang: Language, text: str) -> list[str]:
    """Return the questions ``text`` asks, in order (the text itself when it asks one)."""
    parts: list[str] = []
    start = 0
    for boundary in _boundary(lang.part_joiners).finditer(text):
        first = re.match(r"[A-Za-z']+", text[boundary.end() :])
        if first is None or not _opens_question(lang, first.group()):
            continue
        head = text[start : boundary.start()].strip()
        plain = not any(c in boundary.group() for c in ",;?")
        if plain and set(re.findall(r"[a-z']+", head.lower())) & set(lang.both_words):
            continue  # "who both leads X and was recognized as ...": one question of two descriptions
        if _asks(lang, head):
            parts.append(head)
            start = boundary.end()
    if not parts:
        return [text]
    # what follows the last split opens a question too ("..., and why?" is a follow-up of its own)
    parts.append(text[start:].strip())
    return parts if len(parts) <= _MOST else [text]


def _opens_question(lang: Language, word: str) -> bool:
    if len(word) > 1 and word.isupper():
        return False  # "IS-GS", "US": a name in capitals, not the verb "is" or the pronoun "us"
    word = word.lower().replace("'", "")
    return word in lang.question_words or word in lang.yes_no_starts


def _asks(lang: Language, clause: str) -> bool:
    """Whether a clause is a question of its own: it opens with a question word and says something more."""
    words = re.findall(r"[A-Za-z']+", clause)
    return len(words) >= 3 and _opens_question(lang, words[0])
