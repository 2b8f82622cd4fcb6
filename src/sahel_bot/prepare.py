"""The prepare stage: from raw input to the question's words, with typos mended and names found.

Any input is accepted: control characters are dropped, the length is bounded, and an empty turn or one
made only of small talk ("thanks!", "hi") is marked so that ``decide`` can say so.  Names are found
before spelling is corrected (a name is never "corrected" into a word), and again after, when the
corrected words name more ("macina liberaton front").  May import: ``model``, ``normalize``,
``entities``, ``linking``.
"""

from __future__ import annotations

import re
import unicodedata

from .entities import Mention
from .linking import names_in
from .model import Model
from .normalize import MAX_QUESTION_CHARS, normalize
from .records import record

__all__ = ["MAX_TOKENS", "Turn", "prepare", "safe_text"]

#: More words than any question about a short brief needs; the rest is dropped (it bounds the work).
MAX_TOKENS = 60
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@record
class Turn:
    """One turn's text and words: normalised, spelling mended, the brief's names found in them."""

    text: str
    tokens: tuple[str, ...]
    #: (typed, read as) for each word whose spelling was mended
    corrections: tuple[tuple[str, str], ...] = ()
    #: the entities named (of the brief, or names it does not cover), left to right
    names: tuple[Mention, ...] = ()
    small_talk: bool = False

    @property
    def empty(self) -> bool:
        return not self.tokens

    @property
    def note(self) -> str:
        """The corrections, for the explanation ("read 'leeds' as 'leads'")."""
        return ("read " + ", ".join(f"'{a}' as '{b}'" for a, b in self.corrections)) if self.corrections else ""


def safe_text(raw: object) -> str:
    """Return ``raw`` as one line of text: NFC, no control characters, bounded in length."""
    text = raw if isinstance(raw, str) else str(raw)
    text = unicodedata.normalize("NFC", text[: MAX_QUESTION_CHARS * 4])
    text = _CONTROL.sub(" ", text)
    return " ".join(text.split())[:MAX_QUESTION_CHARS]


def prepare(model: Model, raw: object) -> Turn:
    """Return the turn's text and words, spelling mended, names found."""
    text = safe_text(raw)
    tokens = normalize(text).split()[:MAX_TOKENS]
    if not tokens:
        return Turn(text, ())
    names = names_in(model, text, tokens)
    in_name = {i for m in names for i in range(m.start, m.end)}
    corrections = []
    for i, token in enumerate(tokens):
        if i in in_name:
            continue
        fixed = model.speller.correct(token)
        if fixed and " " not in fixed:
            tokens[i] = fixed
            corrections.append((token, fixed))
    if len(tokens) > 1 and tokens[0] in model.lang.question_word_slips and tokens[1] in model.lang.yes_no_starts:
        # "were does AQIM operate": two verbs in a row; the first was meant as the question word
        corrections.append((tokens[0], model.lang.question_word_slips[tokens[0]]))
        tokens[0] = model.lang.question_word_slips[tokens[0]]
    sharpened = [
        i
        for i in range(len(tokens) - 1)
        if tokens[i] in model.lang.time_sharpeners
        and tokens[i + 1] in model.lang.time_prepositions
        and i not in in_name
    ]
    for i in reversed(sharpened):
        # "right after it was formed": the time is "after", not anything right
        del tokens[i]
        names = [m._replace(start=m.start - 1, end=m.end - 1) if m.start > i else m for m in names]
        in_name = {j - 1 if j > i else j for j in in_name}
    for tag in model.lang.question_tags:
        if (
            len(tokens) > len(tag) + 2
            and tuple(tokens[-len(tag) :]) == tag
            and not in_name & set(range(len(tokens) - len(tag), len(tokens)))
        ):
            # "did France weaken AQIM or not?": the tag asks nothing the question does not
            del tokens[-len(tag) :]
            names = [m for m in names if m.end <= len(tokens)]
            break
    if corrections:
        # "macina liberaton front": with the typo mended, the whole name links (not "macina" alone)
        relinked = names_in(model, text, tokens)
        if sum(m.end - m.start for m in relinked) > sum(m.end - m.start for m in names):
            names = relinked
    tokens, names = _topic_first(model, text, tokens, names)
    small_talk = _small_talk(model, tokens, names)
    return Turn(text, tuple(tokens), tuple(corrections), tuple(names), small_talk)


def _small_talk(model: Model, tokens: list[str], names: list[Mention]) -> bool:
    """Whether the turn is only small talk: its words all small talk, or a thanks or a goodbye with
    nothing after it but words that ask nothing ("thanks, that's all for now": no question to answer
    from whatever fact happens to say "now")."""
    lang = model.lang
    words = set(tokens)
    if words <= lang.small_talk:
        return True
    if names or not words & (lang.thanks_words | lang.bye_words):
        return False
    thanked = next((i for i, word in enumerate(tokens) if word in lang.thanks_words), len(tokens))
    after = next((i for i in range(thanked, len(tokens)) if tokens[i] in lang.thanked_for), None)
    if after is not None:
        words = set(tokens[:after])
    return words <= lang.small_talk | lang.stopwords


def _topic_first(model: Model, text: str, tokens: list[str], names: list[Mention]) -> tuple[list[str], list[Mention]]:
    """ "Going back to Ag Ghaly, which region is he from?": what the preamble names takes the place of the
    question's first pronoun of its kind ("which region is Ag Ghaly from?"), or, with none, ends it.

    The topic is a name the question starts right after, or the words up to a comma or a dash ("going back
    to the Malian leader, ..."): a description the dialogue stage resolves in the pronoun's place."""
    lang = model.lang
    start = 1 if tokens and tokens[0] in lang.fillers else 0
    opener = next((o for o in lang.topic_openers if tuple(tokens[start : start + len(o)]) == o), None)
    if opener is None:
        return tokens, names
    at = start + len(opener)
    named = next((m for m in names if m.start in (at, at + (tokens[at] in lang.articles))), None)
    end = named.end if named is not None else at
    if end >= len(tokens) - 1 or (tokens[end] not in lang.question_words and tokens[end] not in lang.yes_no_starts):
        # not a name followed by the question: the words up to a comma or a dash
        # (the first one after the opener: "ok, back to him - what ...?")
        ends = (len(normalize(text[: c.start()]).split()) for c in re.finditer(r"\s*[,;:\u2013\u2014]|\s-\s", text))
        end = next((e for e in ends if e > at), 0)
        if not at < end < len(tokens) - 1:
            return tokens, names
        named = next((m for m in names if m.start >= at and m.end == end), None)
    kind = model.cls.get(named.entity, "") if named is not None and named.start <= at + 1 else "person"
    rest = tokens[end:]
    words = tokens[at:end]
    fits = ("person",) if kind == "person" else ("any", "group") if kind == "group" else ("any",)
    pronoun = next((j for j, t in enumerate(rest) if lang.pronouns.get(t) in fits and t != "that"), None)
    if pronoun is None and named is None:
        return tokens, names  # ("going back to the kidnappings - who were the usual victims?": as typed)
    if pronoun is None:
        tokens = [*rest, *words]
    else:
        tokens = [*rest[:pronoun], *words, *rest[pronoun + 1 :]]
    return tokens, names_in(model, text, tokens)
