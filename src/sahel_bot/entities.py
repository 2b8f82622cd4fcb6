"""Entity linking: find which entities of the fact base a question names, and where.

Exact alias lookup over the question's n-grams first (longest match wins),
then a typo-tolerant fallback with rapidfuzz for the words left over.  Short
acronyms (four letters or fewer) are matched exactly only: one wrong letter
in "mlf" already makes another word.  May import: ``normalize``,
``knowledge.schema``, ``language``, rapidfuzz.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

from .knowledge.schema import Entity
from .language import Language
from .normalize import normalize

__all__ = ["EntityLinker", "Mention"]

MAX_NGRAM = 8


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity named in the question: token span [start, end), the alias hit, a 0-100 score."""

    entity: str
    start: int
    end: int
    alias: str
    words: str
    score: float
    method: str


class EntityLinker:
    """Built once from the entities; ``link(tokens)`` is pure and fast."""

    def __init__(
        self, entities: Mapping[str, Entity], classes: Mapping[str, str], language: Language, cutoff: float = 85.0
    ) -> None:
        self.entities = entities
        self.cutoff = cutoff
        # words too common to be a typo of a name never start or end a fuzzy match
        self.no_fuzz = language.not_names
        self.coordinators = language.coordinators
        self.articles = language.articles
        outside = {e for e, c in classes.items() if c == "outside"}
        self.exact: dict[str, str] = {}
        self.weak: dict[str, str] = {}
        self.display: dict[str, str] = {}
        for entity in entities.values():
            for name in entity.names:
                key = normalize(name)
                if entity.id in outside and key.split()[0] in language.yes_no_starts and len(key.split()) > 1:
                    # "IS West Africa" would swallow the verb of "what is West Africa": names outside
                    # the brief never win over an ordinary word
                    continue
                if key:
                    self.exact.setdefault(key, entity.id)
                    self.display.setdefault(key, name)
            for name in entity.weak_aliases:
                key = normalize(name)
                if key and key not in self.exact:
                    self.weak.setdefault(key, entity.id)
                    self.display.setdefault(key, name)
        self.max_len = min(MAX_NGRAM, max((len(k.split()) for k in self.exact), default=1))
        # Fuzzy candidates: aliases long enough that one typo still leaves them recognisable.
        # Names the brief does not cover ("outside" entities) match exactly only: a typo of
        # a word ("parts") must never turn into a refusal ("the brief doesn't cover Paris").
        self.fuzzy_choices: dict[str, str] = {
            k: k
            for k in self.exact
            if len(k.replace(" ", "")) > 4 and k.split()[0] not in self.no_fuzz and self.exact[k] not in outside
        }
        # the first word of every exact or weak name, and the longest name starting with it: most words of a
        # question start none, and the exact pass skips them without building any n-gram
        self.starts: dict[str, int] = {}
        for k in (*self.exact, *self.weak):
            words = k.split()
            self.starts[words[0]] = max(self.starts.get(words[0], 0), len(words))
        #: correctly spelt ordinary words (set by the engine): never the start of a misspelt name
        self.plain_words: frozenset[str] = frozenset()

    def link(self, tokens: list[str]) -> list[Mention]:
        """Return the mentions in ``tokens`` (normalised words), left to right, never overlapping."""
        taken = [False] * len(tokens)
        mentions: list[Mention] = []
        # 1. exact, longest first
        starts = self.starts
        for n in range(min(self.max_len, len(tokens)), 0, -1):
            for i in range(0, len(tokens) - n + 1):
                if starts.get(tokens[i], 0) < n or any(taken[i : i + n]):
                    continue
                key = " ".join(tokens[i : i + n])
                if tokens[i] in self.articles and i + n < len(tokens) and not taken[i + n]:
                    # "the french intervention": "french intervention" says more than "the french"
                    if " ".join(tokens[i + 1 : i + n + 1]) in self.exact:
                        continue
                entity = self.exact.get(key)
                method = "exact"
                if entity is None:
                    entity = self.weak.get(key)
                    method = "weak"
                if entity is None:
                    continue
                mentions.append(Mention(entity, i, i + n, self.display[key], key, 100.0, method))
                for j in range(i, i + n):
                    taken[j] = True
        # 2. names shortened in a coordination: "central and southern mali" names central Mali as well
        for m in list(mentions):
            mentions.extend(self._elided(tokens, m, taken))
        # 3. typo-tolerant fallback over what is left
        for n in range(min(4, len(tokens)), 0, -1):
            for i in range(0, len(tokens) - n + 1):
                if any(taken[i : i + n]):
                    continue
                words = tokens[i : i + n]
                if words[0] in self.no_fuzz or words[-1] in self.no_fuzz:
                    continue
                key = " ".join(words)
                if len(key.replace(" ", "")) < 5 or any(w.isdigit() for w in words):
                    continue
                if all(w in self.plain_words for w in words):
                    # ordinary words, spelt right: had they named something, the exact pass would have found it
                    continue
                hit = self._fuzzy(key)
                if hit is None:
                    continue
                alias, score = hit
                mentions.append(Mention(self.exact[alias], i, i + n, self.display[alias], key, score, "fuzzy"))
                for j in range(i, i + n):
                    taken[j] = True
        mentions.sort(key=lambda m: m.start)
        return mentions

    def _elided(self, tokens: list[str], m: Mention, taken: list[bool]) -> list[Mention]:
        """Return the names whose shared tail was left out before ``m`` ("central and southern" Mali).

        Only a first word swapped for another, with the rest of the name in common, and only when the result
        is itself a name: "northern, central and southern mali" gives three places, "aqim and southern mali" none.
        """
        if m.end - m.start < 2 or self.exact.get(" ".join(tokens[m.start : m.end])) != m.entity:
            return []
        tail = " ".join(tokens[m.start + 1 : m.end])
        out: list[Mention] = []
        i = m.start - 1
        if i >= 1 and tokens[i] in self.coordinators:
            i -= 1
        while i >= 0 and not taken[i] and tokens[i] not in self.coordinators:
            key = f"{tokens[i]} {tail}"
            entity = self.exact.get(key)
            if entity is None or entity == m.entity:
                break
            out.append(Mention(entity, i, i + 1, self.display[key], tokens[i], 100.0, "elided"))
            taken[i] = True
            i -= 1
            if i >= 1 and tokens[i] in self.coordinators:
                i -= 1
        return out

    def _fuzzy(self, key: str) -> tuple[str, float] | None:
        best = process.extractOne(
            key, self.fuzzy_choices, scorer=fuzz.ratio, processor=None, score_cutoff=self.cutoff - 8
        )
        if best is None:
            return None
        alias = best[2]
        ratio = best[1]
        if len(alias.split()) != len(key.split()) and alias.replace(" ", "")[:2] != key.replace(" ", "")[:2]:
            # "government" is not a typo of "us government": a fuzzy match keeps its word count
            return None
        if key != alias and (key in alias or alias in key):
            # a word inside another is another word ("merger" is not "re-merger")
            return None
        if len(alias.split()) == len(key.split()) > 1 and any(
            fuzz.ratio(a, b) < 70 for a, b in zip(alias.split(), key.split(), strict=True)
        ):
            # every word must be a near miss: "foreign troops" is not "French troops"
            return None
        jw = JaroWinkler.normalized_similarity(key, alias) * 100
        # Jaro-Winkler rewards a stable prefix (name typos); ratio guards the length.
        score = max(ratio, (jw + ratio) / 2)
        if abs(len(key) - len(alias)) > max(2, len(alias) // 4):
            return None
        if score < self.cutoff:
            return None
        return alias, score
