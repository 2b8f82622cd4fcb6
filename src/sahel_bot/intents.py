"""Intent matching: score the question's skeleton (entities replaced by slots) against intent templates.

Entities are linked first and replaced by a slot marker, so "who leads aqim"
and "who leads ansar al dine" both become "who leads ⟨slot⟩" and match the
same template; the entity is scored separately.  A coverage check keeps a
lone shared keyword from matching.  May import: ``knowledge.schema``,
``knowledge.intents_file``, ``question``, rapidfuzz.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .knowledge.intents_file import SLOT_TYPES
from .knowledge.schema import Entity, Intent
from .question import STOPWORDS, Question

__all__ = ["SLOT_MARK", "IntentMatch", "IntentMatcher"]

SLOT_MARK = "xslotx"
# Words that open or close a question without changing it ("ok, who leads aqim").
_FILLERS = frozenset("ok okay so well hmm um uh please hey hi thanks alright".split())
# Adverbs that hedge or stress a question without changing what it asks.
_ARTICLES = frozenset(("the", "a", "an"))
_SKIP = frozenset(
    "reportedly allegedly apparently supposedly really actually exactly ever thought believed then".split()
)
_SLOT = re.compile(r"\{([a-z_]+)\}")
# question words that count towards a template's coverage although they are stopwords
_WH = frozenset(("who", "when", "where", "why", "how"))


@dataclass(frozen=True, slots=True)
class IntentMatch:
    """One intent's best template for the question: scores 0..1 and the slot fillers."""

    intent: Intent
    score: float
    template: str
    ratio: float
    coverage: float
    slots: tuple[tuple[str, str], ...]


def _strip_articles(text: str) -> str:
    return " ".join(w for w in text.split() if w not in _ARTICLES)


class IntentMatcher:
    """Built once from the intents; ``match`` returns the best readings, best first."""

    def __init__(self, intents: Mapping[str, Intent], entities: Mapping[str, Entity]) -> None:
        self.intents = intents
        self.entities = entities
        # Choices grouped by how many slots they have: a question with one entity is only
        # compared with one-slot templates (fewer comparisons, and no wrong-arity matches).
        # Articles are dropped on both sides ("who leads [the] {group}" is one sentence, not two), and
        # identical skeletons are compared once, whichever templates they came from.
        # per slot count: the skeletons (a plain list is the fastest input for rapidfuzz) and their owner keys
        self.choices: dict[int, list[str]] = {}
        self.keys: dict[int, list[int]] = {}
        self.owner: list[list[tuple[Intent, str, tuple[str, ...]]]] = []
        self.words: list[frozenset[str]] = []
        # per slot count: word -> positions (in choices) of the skeletons that contain it
        self.postings: dict[int, dict[str, list[int]]] = {}
        self._hits: dict[tuple[int, str], list[tuple[str, float, int]]] = {}
        seen: dict[tuple[int, str], int] = {}
        for intent in intents.values():
            for template in intent.templates:
                skeleton = _strip_articles(_SLOT.sub(SLOT_MARK, template.normalized))
                key = (len(template.slots), skeleton)
                if key not in seen:
                    seen[key] = len(self.owner)
                    position = len(self.choices.setdefault(len(template.slots), []))
                    self.choices[len(template.slots)].append(skeleton)
                    postings = self.postings.setdefault(len(template.slots), {})
                    for word in set(skeleton.split()) - {SLOT_MARK}:
                        postings.setdefault(word, []).append(position)
                    self.keys.setdefault(len(template.slots), []).append(len(self.owner))
                    self.owner.append([])
                    self.words.append(frozenset(skeleton.split()))
                self.owner[seen[key]].append((intent, template.normalized, template.slots))

    def skeleton(self, question: Question, fillers: list[str]) -> str:
        """Return the question with each mention (and each year) replaced by the slot marker."""
        words = []
        i = 0
        starts = {m.start: m for m in question.mentions}
        tokens = question.tokens
        while i < len(tokens):
            m = starts.get(i)
            if m is not None:
                words.append(SLOT_MARK)
                fillers.append(m.entity)
                i = m.end
                continue
            if (tokens[i] in _FILLERS and (i == 0 or i == len(tokens) - 1)) or tokens[i] in _SKIP:
                i += 1
                continue
            if re.fullmatch(r"(1[89]\d\d|20\d\d)", tokens[i]):
                words.append(SLOT_MARK)
                fillers.append("year:" + tokens[i])
            else:
                words.append(tokens[i])
            i += 1
        return " ".join(words)

    def match(self, question: Question, limit: int = 5) -> list[IntentMatch]:
        """Return up to ``limit`` intents that fit the question, best first (empty when none does).

        Parameters
        ----------
        question:
            The analysed question; its mentions become slots.
        limit:
            How many intents to return.
        """
        fillers: list[str] = []
        skeleton = self.skeleton(question, fillers)
        if not skeleton:
            return []
        choices = self.choices.get(len(fillers))
        if not choices:
            return []
        skeleton = _strip_articles(skeleton)
        q_words = [w for w in skeleton.split() if w not in STOPWORDS or w in _WH]
        key = (len(fillers), skeleton)
        hits = self._hits.get(key)
        if hits is None:
            # many questions share a skeleton ("who leads ⟨slot⟩"): remember the template scores, not the slots
            hits = self._extract(skeleton, len(fillers), q_words)
            if len(self._hits) >= 4096:
                self._hits.clear()
            self._hits[key] = hits
        best: dict[str, IntentMatch] = {}
        # many templates share a slot list: each list is checked against the fillers once
        fills: dict[tuple[str, ...], tuple[tuple[str, str], ...] | None] = {}
        for _, ratio, key in hits:
            t_words = self.words[key]
            covered = sum(1 for w in q_words if w in t_words) / len(q_words) if q_words else 1.0
            score = (ratio / 100) * (0.3 + 0.7 * covered)
            for intent, template, slots in self.owner[key]:
                current = best.get(intent.id)
                if current is not None and current.score >= score:
                    continue
                if slots in fills:
                    filled = fills[slots]
                else:
                    filled = fills[slots] = self._fill(slots, fillers)
                if filled is None:
                    continue
                best[intent.id] = IntentMatch(intent, score, template, ratio / 100, covered, filled)
        return sorted(best.values(), key=lambda m: -m.score)[:limit]

    def _extract(self, skeleton: str, slot_count: int, q_words: list[str]) -> list[tuple[str, float, int]]:
        """Return the templates closest to ``skeleton`` as (skeleton, ratio, owner key), best first.

        Only skeletons sharing a word with the question are compared, when there are any: one that shares
        none covers none of the question's words and scores at most 0.3 of its ratio, too little to be read
        (about half of the comparisons, and a third of the matching time, went to those).
        """
        choices = self.choices[slot_count]
        keys = self.keys[slot_count]
        postings = self.postings.get(slot_count, {})
        positions: set[int] = set()
        for word in q_words:
            positions.update(postings.get(word, ()))
        if positions and len(positions) < len(choices):
            chosen = sorted(positions)
            subset = [choices[i] for i in chosen]
            found = process.extract(skeleton, subset, scorer=fuzz.ratio, processor=None, limit=20, score_cutoff=55)
            return [(choice, ratio, keys[chosen[i]]) for choice, ratio, i in found]
        found = process.extract(skeleton, choices, scorer=fuzz.ratio, processor=None, limit=20, score_cutoff=55)
        return [(choice, ratio, keys[i]) for choice, ratio, i in found]

    def _fill(self, slots: tuple[str, ...], fillers: list[str]) -> tuple[tuple[str, str], ...] | None:
        """Return (slot, filler) pairs when every slot gets a filler of a fitting type, else ``None``."""
        if len(slots) != len(fillers):
            return None
        out = []
        for slot, filler in zip(slots, fillers, strict=True):
            if slot == "year":
                if not filler.startswith("year:"):
                    return None
            else:
                if filler.startswith("year:"):
                    return None
                entity = self.entities.get(filler)
                if entity is None or entity.type not in SLOT_TYPES.get(slot, ()):
                    return None
            out.append((slot, filler))
        return tuple(out)
