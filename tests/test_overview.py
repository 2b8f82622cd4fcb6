"""Overviews, timelines and "more" (overview.py), over every entity and year of the shipped knowledge.

The checks are those of the house's answer-style tool: no two sentences with 80% of their content words in
common, no citation whose quote's words lie inside another's, who-is answers at most 50 words and the others
at most 120.  "More" then gives what an answer left, a chunk at a time, each thing once, until nothing is left.
"""

from __future__ import annotations

import re
import unicodedata

import pytest

from sahel_bot import Bot
from sahel_bot.overview import events, same_event

#: English function words, as the style tool leaves them out
STOP = set(
    "a an the of and or in on at to for by with from as is are was were be been has have had its it their they he "
    "his this that these those also which who whose what when where than then there since into over after before "
    "about".split()
)


def _words(text: str) -> set[str]:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return {w for w in re.findall(r"[a-z0-9]+", text) if w not in STOP}


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])[\u201d\"]?\s+(?=[A-Z\u201c])", text.strip()) if s]


def style_problems(question: str, reply: dict) -> list[str]:
    """What the answer-style checks find in ``reply`` (an ``ask --json`` record)."""
    if not reply["answered"]:
        return []
    found = []
    said = [_words(s) for s in _sentences(reply["text"])]
    for i, a in enumerate(said):
        for b in said[i + 1 :]:
            if a and b and len(a & b) / min(len(a), len(b)) >= 0.8:
                found.append(f"says something twice: {question!r}: {reply['text']!r}")
    quotes = [_words(c["quote"]) for c in reply["citations"]]
    if any(i != j and a and a <= b for i, a in enumerate(quotes) for j, b in enumerate(quotes)):
        found.append(f"a citation inside another: {question!r}")
    limit = 50 if question.lower().startswith("who is") else 120
    n = len(reply["text"].split())
    if n > limit:
        found.append(f"{n} words (limit {limit}): {question!r}")
    return found


def _questions(bot: Bot) -> list[str]:
    model = bot._engine.model
    out = []
    for entity in bot.knowledge.entities.values():
        cls = model.cls[entity.id]
        if cls == "outside":
            continue
        out.append(f"{'who' if cls == 'person' else 'what'} is {entity.short or entity.name}")
        out.append(f"tell me about {entity.name}")
        if cls in ("person", "group"):
            out.append(f"timeline of {entity.short or entity.name}")
    years = sorted({f.year_from for f in bot.knowledge.facts if f.year_from})
    return out + [f"what happened in {y}?" for y in years]


def test_every_overview_timeline_and_year_reads_well(bot: Bot) -> None:
    questions = _questions(bot)
    assert len(questions) > 100
    problems = [p for q in questions for p in style_problems(q, bot.ask(q).to_dict())]
    assert problems == []


def test_overviews_offer_more_and_more_tells_the_rest_once(bot: Bot) -> None:
    model = bot._engine.model
    groups = [e for e in bot.knowledge.entities.values() if model.cls[e.id] == "group"]
    offered = 0
    for entity in groups:
        conversation = bot.conversation()
        first = conversation.ask(f"tell me about {entity.name}")
        if not first.more:
            continue
        offered += 1
        said = [_words(s) for s in _sentences(first.text)]
        for _ in range(20):
            nxt = conversation.ask("more")
            if not nxt.answered:
                break
            for sentence in _sentences(nxt.text):
                if sentence.startswith("More:"):
                    continue
                words = _words(sentence)
                assert words not in said, (entity.name, sentence)
                said.append(words)
        else:
            pytest.fail(f"'more' about {entity.name} never ran out")
        assert not nxt.answered
    assert offered >= 3


def test_a_fresh_conversation_has_nothing_more(bot: Bot) -> None:
    reply = bot.ask("more")
    assert (reply.answered, reply.outcome) == (False, "decline")


def test_timelines_run_oldest_first_and_span_their_years(bot: Bot) -> None:
    model = bot._engine.model
    for entity in bot.knowledge.entities.values():
        if model.cls[entity.id] not in ("person", "group"):
            continue
        reply = bot.ask(f"timeline of {entity.short or entity.name}")
        if not reply.answered:
            continue
        lines = [line for line in reply.text.splitlines() if not line.startswith("More:")]
        years = [int(m.group()) for line in lines if (m := re.search(r"\d{4}", line.split(":")[0]))]
        assert years == sorted(years), entity.name
        dated = sorted({f.year_from for f in model.overviews.get((entity.id, "timeline"), ()) if f.year_from})
        if dated:
            assert years[0] == dated[0], entity.name
            assert years[-1] == dated[-1], entity.name


def test_events_group_what_one_sentence_or_one_event_tells(bot: Bot) -> None:
    model = bot._engine.model
    for year in sorted({f.year_from for f in bot.knowledge.facts if f.year_from}):
        facts = [f for f in bot.knowledge.facts if f.year_from == year]
        groups = events(model, facts)
        assert sum(len(g) for g in groups) == len(facts)
        for group in groups:
            assert all(same_event(model, f, group[0]) for f in group)
        # facts citing one sentence are one event
        for a in facts:
            for b in facts:
                if a.cites[:1] == b.cites[:1]:
                    assert same_event(model, a, b)
