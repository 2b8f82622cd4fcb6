"""What a question's words ask for beyond the kind of answer: who came before or after someone, what a
"how many" counts, and the summary asked (a superlative or comparative, a total, an interval, each of a
set, what is shared, a timeline).  Read by the frame stage once; the words and cues are the language
file's.  May import: ``model``, ``entities``.
"""

from __future__ import annotations

import re

from .entities import Mention
from .model import Model
from .normalize import first_end

__all__ = ["YEAR", "counted", "has", "succession", "summary"]

YEAR = re.compile(r"1[89]\d\d|20\d\d")


def succession(model: Model, tokens: tuple[str, ...], mentions: tuple[Mention, ...], kind: str) -> bool:
    """Whether the question asks who came before or after a person it names ("who replaced X?", "who led
    the group after X?").  About a group ("who was AQIM's predecessor?") it asks what it grew from."""
    people = [m for m in mentions if model.cls.get(m.entity) == "person"]
    if kind != "who" or not people:
        return False
    lang = model.lang
    text = f" {' '.join(tokens)} "
    if has(text, lang.succession_words):
        return True
    # "after X", "prior to X": the link right before the person's name
    return any(
        tuple(tokens[max(0, m.start - len(link)) : m.start]) == link
        for m in people
        for link in (tuple(w.split()) for w in lang.succession_links)
    )


def counted(model: Model, tokens: tuple[str, ...], in_mention: list[bool], read_as: dict[int, str]) -> tuple[str, ...]:
    """The words a "how many" question counts: those right after its cue ("how many American hostages
    were ..." -> american, hostages; "how many of the hostages" -> hostages), in the brief's words; none
    when names or nothing follow the cue, or when the cue comes after a first part ("the death toll and
    the number of hostages")."""
    lang = model.lang
    cues = model.counting_cues
    start = first_end(tokens, cues)
    if start is None or lang.coordinators & set(tokens[:start]):
        return ()
    run: list[int] = []
    for i in range(start, len(tokens)):
        if tokens[i] in lang.stopwords or YEAR.fullmatch(tokens[i]):
            if run:
                break
            continue  # "how many of the ..."
        run.append(i)
    # "how many AQIM fighters": the name says whose, the word what; "how many peacekeepers": the name itself
    words = [i for i in run if not in_mention[i]] or run
    return tuple(read_as.get(i, tokens[i]) for i in words)


def has(text: str, phrases: tuple[str, ...]) -> bool:
    return any(f" {p} " in text for p in phrases)


def summary(model: Model, tokens: tuple[str, ...], kind: str) -> dict[str, object]:
    """Which summary the words ask for: a superlative, a total, an interval, each of a set, what is shared."""
    lang = model.lang
    text = f" {' '.join(tokens)} "
    for idiom in lang.superlative_idioms:
        text = text.replace(f" {idiom} ", " ")
    superlative = ""
    for cue in sorted(lang.superlatives, key=lambda c: -len(c)):
        at = text.find(f" {cue} ")
        if at < 0 or not text[:at].split():
            continue
        pair = lang.superlatives[cue].pair
        later = text[at + len(cue) + 2 :].split()
        # "is A older than B?": a comparative right before "than" weighs what comes either side
        than = pair and bool(later) and later[0] in lang.comparison_words
        # ("which has more fighters, A or B?": a comparative before the two options)
        weighed = than or (pair and bool(lang.option_words & set(later)))
        if text[:at].split()[-1] in lang.superlative_openers or weighed:
            if later[:1] and later[0] in lang.one_words:
                continue  # "the first one": a member of the last list (dialogue), not the earliest
            if (
                pair
                and not than
                and (text[:at].split()[-1] in lang.articles or not lang.option_words & set(text[at:].split()))
            ):
                continue  # "the newer groups": a comparative weighs two things named ("which is newer, A or B")
            superlative = cue
            break
    interval = (
        kind in ("how_many", "duration", "when", "size")
        and bool(lang.interval_units & set(tokens))
        and has(text, lang.interval_words)
        and not (kind == "when" and "years" not in tokens)
    )
    return {
        "superlative": superlative,
        "total": (kind == "how_many" and has(text, lang.total_words))
        or has(text, lang.total_commands)
        or has(text, lang.total_nouns),
        "interval": interval,
        "each": has(text, lang.each_words),
        "both": has(text, lang.both_words),
        "timeline": has(text, lang.timeline_words),
        "order": kind == "yesno" and has(text, lang.order_cues),
    }
