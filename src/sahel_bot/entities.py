"""Entity linking: find which entities of the fact base a question names, and where.

Exact alias lookup over the question's n-grams first (longest match wins),
then a typo-tolerant fallback with rapidfuzz for the words left over.  Short
acronyms (four letters or fewer) are matched exactly only: one wrong letter
in "mlf" already makes another word.  May import: ``normalize``,
``knowledge.schema``, ``language``, rapidfuzz.
"""

from __future__ import annotations

from collections.abc import Mapping

from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

from .knowledge.schema import Entity
from .language import Language
from .normalize import normalize
from .records import record

__all__ = ["EntityLinker", "Mention"]

MAX_NGRAM = 8


@record
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
        # per length of the words typed, the aliases a typo of that length may stand for (at most a quarter
        # of the alias longer or shorter, see _fuzzy): each n-gram is compared with those alone
        longest = max((len(k) for k in self.fuzzy_choices), default=0)
        self.fuzzy_windows: dict[int, list[str]] = {
            size: [k for k in self.fuzzy_choices if abs(size - len(k)) <= max(2, len(k) // 4)]
            for size in range(1, longest + longest // 3 + 3)
        }
        # the first word of every exact or weak name, and the longest name starting with it: most words of a
        # question start none, and the exact pass skips them without building any n-gram
        self.starts: dict[str, int] = {}
        for k in (*self.exact, *self.weak):
            words = k.split()
            self.starts[words[0]] = max(self.starts.get(words[0], 0), len(words))
        #: correctly spelt ordinary words (set by the engine): never a misspelt name
        self.common: frozenset[str] = frozenset()
        self.stopwords = language.stopwords
        self.alias_words = frozenset(w for key in self.exact for w in key.split())

    def link(self, tokens: list[str]) -> list[Mention]:
        """Return the mentions in ``tokens`` (normalised words), left to right, never overlapping."""
        taken = [False] * len(tokens)
        mentions: list[Mention] = []
        # 1. exact, longest first; reach[i]: the longest name that can start at i (most words start none)
        reach = [self.starts.get(t, 0) for t in tokens]
        longest = min(self.max_len, len(tokens), max(reach, default=0))
        for n in range(longest, 0, -1):
            for i in range(0, len(tokens) - n + 1):
                if reach[i] < n or any(taken[i : i + n]):
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
                if all(self._plain(w) for w in words):
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

    def _plain(self, word: str) -> bool:
        """Whether ``word`` is an ordinary word spelt right (no name uses it): never a typo of a name."""
        return (word in self.common or word in self.stopwords) and word not in self.alias_words

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
        choices = self.fuzzy_windows.get(len(key))
        if not choices:
            return None
        best = process.extractOne(key, choices, scorer=fuzz.ratio, processor=None, score_cutoff=self.cutoff - 8)
        if best is None:
            return None
        alias = best[0]
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
        if score < self.cutoff:
            return None
        return alias, score
