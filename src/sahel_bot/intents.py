"""Intent matching: score the question's skeleton (entities replaced by slots) against intent templates.

Entities are linked first and replaced by a slot marker, so "who leads aqim"
and "who leads ansar al dine" both become "who leads ⟨slot⟩" and match the
same template; the entity is scored separately.  A coverage check keeps a
lone shared keyword from matching.  May import: ``knowledge.schema``,
``knowledge.intents_file``, ``entities``, ``language``, rapidfuzz.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping

from rapidfuzz import fuzz, process

from .entities import Mention
from .knowledge.schema import YEAR_SLOT, Entity, Intent
from .language import Language
from .records import record

__all__ = ["READING_FLOOR", "SLOT_MARK", "IntentMatch", "IntentMatcher"]

SLOT_MARK = "xslotx"
_SLOT = re.compile(r"\{([a-z_]+)\}")
#: the lowest score at which a template's reading is weighed at all (answering reads no match below it)
READING_FLOOR = 0.55
# the lowest template ratio worth scoring: below it no reading reaches the floor
_CUTOFF = READING_FLOOR
_YEAR = re.compile(r"(1[89]\d\d|20\d\d)")


@record
class IntentMatch:
    """One intent's best template for the question: scores 0..1 and the slot fillers."""

    intent: Intent
    score: float
    template: str
    ratio: float
    coverage: float
    slots: tuple[tuple[str, str], ...]

    @property
    def words(self) -> frozenset[str]:
        """The template's words: a question word among them is accounted for by the template, whatever
        the facts say (readings, verification and the decision each ask this)."""
        return frozenset(self.template.split())


def _named(skeleton: str, slots: tuple[str, ...]) -> str:
    """The template a skeleton stands for: each slot marker named ("who leads {group}")."""
    names = iter(slots)
    return " ".join("{" + next(names) + "}" if w == SLOT_MARK else w for w in skeleton.split())


class IntentMatcher:
    """Built once from the intents; ``match`` returns the best readings, best first."""

    def __init__(
        self,
        intents: Mapping[str, Intent],
        entities: Mapping[str, Entity],
        language: Language,
        slot_types: Mapping[str, tuple[str, ...]],
    ) -> None:
        # once the templates are compiled into the tables below, an intent keeps only its first template (a
        # "did you mean" shows it): the thousands of expanded sentences need not be kept, nor cached
        runtime = {i.id: i._replace(templates=i.templates[:1]) for i in intents.values()}
        self.intents: Mapping[str, Intent] = runtime
        self.entities = entities
        self.slot_types = slot_types
        self.articles = language.articles
        # words that open or close a question without changing it ("ok, who leads X"), and adverbs that
        # hedge or stress it: left out of the skeleton
        self.fillers = language.fillers
        self.question_words = language.question_words
        self.adverbs = language.adverbs
        # "believed to be based": what a hedging verb takes after it goes with it
        self.hedge_infinitives = language.hedge_infinitives
        self.stopwords = language.stopwords
        # question words that count towards a template's coverage although they are stopwords
        self.covering = language.covering_question_words
        # Choices grouped by how many slots they have: a question with one entity is only
        # compared with one-slot templates (fewer comparisons, and no wrong-arity matches).
        # Articles are dropped on both sides ("who leads [the] {group}" is one sentence, not two), and
        # identical skeletons are compared once, whichever templates they came from.
        # per slot count: the skeletons (a plain list is the fastest input for rapidfuzz) sorted by length,
        # their lengths, their owner keys, and word -> positions of the skeletons that contain the word
        self.choices: dict[int, list[str]] = {}
        self.lengths: dict[int, list[int]] = {}
        self.keys: dict[int, list[int]] = {}
        self.postings: dict[int, dict[str, list[int]]] = {}
        # per skeleton, the (intent id, slot names) pairs whose templates have it; the template itself is the
        # skeleton with its slots named (its articles dropped): the matcher keeps no template text of its own
        self.owner: list[tuple[tuple[str, tuple[str, ...]], ...]] = []
        self._hits: dict[tuple[int, str], list[tuple[str, float, int]]] = {}
        seen: dict[tuple[int, str], int] = {}
        owners: list[dict[tuple[str, tuple[str, ...]], None]] = []
        interned: dict[tuple[str, ...], tuple[str, ...]] = {}
        for intent in intents.values():
            for template in intent.templates:
                skeleton = self._strip_articles(_SLOT.sub(SLOT_MARK, template.normalized))
                key = (len(template.slots), skeleton)
                if key not in seen:
                    seen[key] = len(owners)
                    owners.append({})
                slots = interned.setdefault(template.slots, template.slots)
                owners[seen[key]].setdefault((intent.id, slots), None)
        self.owner = [tuple(o) for o in owners]
        for (slots, skeleton), owner_key in sorted(seen.items(), key=lambda item: (len(item[0][1]), item[1])):
            position = len(self.choices.setdefault(slots, []))
            self.choices[slots].append(skeleton)
            self.lengths.setdefault(slots, []).append(len(skeleton))
            self.keys.setdefault(slots, []).append(owner_key)
            postings = self.postings.setdefault(slots, {})
            for word in set(skeleton.split()) - {SLOT_MARK}:
                postings.setdefault(word, []).append(position)

    def _strip_articles(self, text: str) -> str:
        return " ".join(w for w in text.split() if w not in self.articles)

    def skeleton(self, tokens: tuple[str, ...], mentions: tuple[Mention, ...], fillers: list[str]) -> str:
        """Return the question with each mention (and each year) replaced by the slot marker."""
        words = []
        i = 0
        starts = {m.start: m for m in mentions}
        while i < len(tokens):
            m = starts.get(i)
            if m is not None:
                words.append(SLOT_MARK)
                fillers.append(m.entity)
                i = m.end
                continue
            # ("and who runs the MLF?": an opening "and" before a question word only joins the turn on)
            joined_on = i == 0 and tokens[i] == "and" and len(tokens) > 1 and tokens[1] in self.question_words
            if (
                (tokens[i] in self.fillers and (i == 0 or i == len(tokens) - 1))
                or tokens[i] in self.adverbs
                or joined_on
            ):
                i += 1
                if tokens[i - 1] in self.adverbs:
                    i += next((len(p) for p in self.hedge_infinitives if tokens[i : i + len(p)] == p), 0)
                continue
            if _YEAR.fullmatch(tokens[i]):
                words.append(SLOT_MARK)
                fillers.append("year:" + tokens[i])
            else:
                words.append(tokens[i])
            i += 1
        return " ".join(words)

    def match(self, tokens: tuple[str, ...], mentions: tuple[Mention, ...], limit: int = 5) -> list[IntentMatch]:
        """Return up to ``limit`` intents that fit the question, best first (empty when none does).

        Parameters
        ----------
        tokens:
            The question's normalised words.
        mentions:
            The entities named in it (spans over ``tokens``); they become slots.
        limit:
            How many intents to return.
        """
        fillers: list[str] = []
        skeleton = self.skeleton(tokens, mentions, fillers)
        if not skeleton:
            return []
        choices = self.choices.get(len(fillers))
        if not choices:
            return []
        skeleton = self._strip_articles(skeleton)
        q_words = [w for w in skeleton.split() if w not in self.stopwords or w in self.covering]
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
        for choice, ratio, key in hits:
            t_words = set(choice.split())
            covered = sum(1 for w in q_words if w in t_words) / len(q_words) if q_words else 1.0
            score = (ratio / 100) * (0.3 + 0.7 * covered)
            for intent_id, slots in self.owner[key]:
                current = best.get(intent_id)
                if current is not None and current.score >= score:
                    continue
                if slots in fills:
                    filled = fills[slots]
                else:
                    filled = fills[slots] = self._fill(slots, fillers)
                if filled is None:
                    continue
                template = _named(choice, slots)
                best[intent_id] = IntentMatch(self.intents[intent_id], score, template, ratio / 100, covered, filled)
        return sorted(best.values(), key=lambda m: -m.score)[:limit]

    def _extract(self, skeleton: str, slot_count: int, q_words: list[str]) -> list[tuple[str, float, int]]:
        """Return the templates closest to ``skeleton`` as (skeleton, ratio, owner key), best first.

        A template scores ``ratio * (0.3 + 0.7 * coverage)``; one that shares no word with the question
        covers only its slots, so it can reach ``READING_FLOOR`` only with a ratio of at least ``needed``
        below, which is more than 1 unless slots are over a third of the question's words ("aqim
        objectifs"). So the templates sharing a word are compared at the usual cutoff and the others only
        when they could matter, at that higher cutoff: about half of the ~3,200 comparisons per new
        question shape were spent on templates that could not be read. Only templates of a length within
        reach of the cutoff are compared at all (the choices are sorted by length: one slice).
        """
        choices = self.choices[slot_count]
        keys = self.keys[slot_count]
        lengths = self.lengths[slot_count]
        size = len(skeleton)
        # a ratio is at most 2 * shorter / (both lengths)
        lo = bisect.bisect_left(lengths, size * _CUTOFF / (2 - _CUTOFF) - 1e-9)
        hi = bisect.bisect_right(lengths, size * (2 - _CUTOFF) / _CUTOFF + 1e-9)
        content = [w for w in q_words if w != SLOT_MARK]
        needed = READING_FLOOR / (0.3 + 0.7 * (len(q_words) - len(content)) / len(q_words)) if q_words else 0.0
        found: dict[int, float] = {}
        if content:
            postings = self.postings.get(slot_count, {})
            positions: set[int] = set()
            for word in content:
                positions.update(postings.get(word, ()))
            chosen = sorted(p for p in positions if lo <= p < hi)
            subset = [choices[i] for i in chosen]
            for _, ratio, i in process.extract(
                skeleton, subset, scorer=fuzz.ratio, processor=None, limit=20, score_cutoff=_CUTOFF * 100
            ):
                found[chosen[i]] = ratio
        if not content or needed <= 1.0:
            cutoff = max(_CUTOFF, needed) * 100
            for _, ratio, i in process.extract(
                skeleton, choices[lo:hi], scorer=fuzz.ratio, processor=None, limit=20, score_cutoff=cutoff
            ):
                found[lo + i] = ratio
        best = sorted(found.items(), key=lambda item: (-item[1], item[0]))[:20]
        return [(choices[i], ratio, keys[i]) for i, ratio in best]

    def _fill(self, slots: tuple[str, ...], fillers: list[str]) -> tuple[tuple[str, str], ...] | None:
        """Return (slot, filler) pairs when every slot gets a filler of a fitting type, else ``None``."""
        if len(slots) != len(fillers):
            return None
        out = []
        for slot, filler in zip(slots, fillers, strict=True):
            if slot == YEAR_SLOT:
                if not filler.startswith("year:"):
                    return None
            else:
                if filler.startswith("year:"):
                    return None
                entity = self.entities.get(filler)
                if entity is None or entity.type not in self.slot_types.get(slot, ()):
                    return None
            out.append((slot, filler))
        return tuple(out)
