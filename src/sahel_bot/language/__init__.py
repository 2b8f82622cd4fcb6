"""The language the engine reads and writes, loaded from data (``en.yaml`` beside this file).

Every word list the stages consult (stopwords, fillers, pronouns, answer-type cues, period words, hedge
openers) and every message template lives in the data file, so the pipeline code spells no English word
and no topic: the same stages run over another brief, or another language file.  Loaded once per
engine (and cached with it).  May import: ``errors``, ``normalize``, PyYAML.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import KnowledgeError, KnowledgeErrors
from ..records import record

__all__ = ["DEFAULT_LANGUAGE", "AnswerCue", "Language", "LazyPattern", "Superlative", "load_language"]

DEFAULT_LANGUAGE = Path(__file__).resolve().parent / "en.yaml"


class LazyPattern:
    """A regular expression compiled on first use.

    A cached model is loaded at every start: its patterns are kept as text and compiled only when a
    question needs one (compiling them all would cost a tenth of the start-up).
    """

    __slots__ = ("_compiled", "flags", "source")

    def __init__(self, source: str, flags: int = 0) -> None:
        self.source = source
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None

    def _pattern(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.source, self.flags)
        return self._compiled

    def search(self, text: str) -> re.Match[str] | None:
        return self._pattern().search(text)

    def match(self, text: str) -> re.Match[str] | None:
        return self._pattern().match(text)

    def sub(self, repl: Any, text: str) -> str:
        return self._pattern().sub(repl, text)

    def __reduce__(self) -> tuple[type[LazyPattern], tuple[str, int]]:
        return (LazyPattern, (self.source, self.flags))


@record
class Superlative:
    """A superlative cue: order by "count" or "date", the most (latest) first or not, the words counted."""

    by: str
    most: bool
    counting: frozenset[str]
    #: a comparative ("older"): it weighs two things named ("A or B"), never a set
    pair: bool = False


@record
class AnswerCue:
    """One answer type and the phrases that ask for it (" how many ", padded for a word match)."""

    type: str
    cues: tuple[str, ...]


@record
class Language:
    """Word sets, phrase lists, patterns and message templates; see ``en.yaml`` for what each is for."""

    stopwords: frozenset[str]
    fillers: frozenset[str]
    follow_up_fillers: frozenset[str]
    adverbs: frozenset[str]
    articles: frozenset[str]
    coordinators: frozenset[str]
    part_joiners: frozenset[str]
    option_words: frozenset[str]
    comparison_words: frozenset[str]
    relative_pronouns: frozenset[str]
    prepositions: frozenset[str]
    object_question_words: frozenset[str]
    response_words: frozenset[str]
    related_phrases: tuple[tuple[str, ...], ...]
    ordinals: Mapping[str, int]
    ordinals_alone: frozenset[str]
    one_words: frozenset[str]
    description_question: str
    question_words: frozenset[str]
    covering_question_words: frozenset[str]
    yes_no_starts: frozenset[str]
    answer_types: tuple[AnswerCue, ...]
    called: LazyPattern
    attack_kind_nouns: frozenset[str]
    pointed_types: frozenset[str]
    measured_types: frozenset[str]
    pronouns: Mapping[str, str]
    personal_pronouns: frozenset[str]
    neuter_pronouns: frozenset[str]
    plural_pronouns: frozenset[str]
    possessive_pronouns: frozenset[str]
    set_pronouns: frozenset[str]
    pronoun_idioms: tuple[str, ...]
    set_determiners: frozenset[str]
    object_pronouns: frozenset[str]
    saying_verbs: frozenset[str]
    pointers: frozenset[str]
    demonstratives: frozenset[str]
    definite_articles: frozenset[str]
    result_adjectives: frozenset[str]
    anaphoric_adjectives: frozenset[str]
    that_verbs: frozenset[str]
    happening_verbs: frozenset[str]
    doing_verbs: frozenset[str]
    causal_verbs: frozenset[str]
    follow_up_openers: LazyPattern
    elliptical_openers: tuple[str, ...]
    bare_follow_up: frozenset[str]
    else_words: frozenset[str]
    other_words: frozenset[str]
    more_words: frozenset[str]
    someone_else: frozenset[str]
    parallel_words: frozenset[str]
    more_requests: tuple[str, ...]
    next_requests: tuple[str, ...]
    overview_words: int
    answer_words: int
    more_chunk_words: int
    superlatives: Mapping[str, Superlative]
    superlative_openers: frozenset[str]
    superlative_idioms: tuple[str, ...]
    timeline_words: tuple[str, ...]
    total_words: tuple[str, ...]
    total_nouns: tuple[str, ...]
    interval_words: tuple[str, ...]
    interval_units: frozenset[str]
    each_words: tuple[str, ...]
    both_words: tuple[str, ...]
    number_words: Mapping[str, int]
    place_words: frozenset[str]
    person_words: frozenset[str]
    same_year: LazyPattern
    since_then: tuple[str, ...]
    period_words: Mapping[str, tuple[int | None, int | None]]
    period_fillers: frozenset[str]
    strictly_after: frozenset[str]
    range_openers: frozenset[str]
    clause_openers: frozenset[str]
    now_words: frozenset[str]
    past_words: frozenset[str]
    reflexives: frozenset[str]
    aspect_verbs: frozenset[str]
    emphasis_phrases: tuple[tuple[str, ...], ...]
    sequence_words: frozenset[str]
    auxiliaries: frozenset[str]
    lesser_roles: frozenset[str]
    dating_clause_openers: frozenset[str]
    clause_subjects: frozenset[str]
    aside_words: frozenset[str]
    aside_phrases: tuple[tuple[str, ...], ...]
    contrast_phrases: tuple[tuple[str, ...], ...]
    order_cues: tuple[str, ...]
    name_articles: frozenset[str]
    document_fillers: tuple[tuple[str, ...], ...]
    exact_words: frozenset[str]
    finer_date_cues: tuple[str, ...]
    day_cues: tuple[str, ...]
    total_commands: tuple[str, ...]
    succession_words: tuple[str, ...]
    succession_links: tuple[str, ...]
    identity_openers: tuple[str, ...]
    name_words: tuple[str, ...]
    dangling_words: frozenset[str]
    rough_amounts: frozenset[str]
    measure: LazyPattern
    because: LazyPattern
    present_words: frozenset[str]
    have_words: frozenset[str]
    kind_question_words: frozenset[str]
    list_starters: frozenset[str]
    hedges: tuple[str, ...]
    doubtful_hedges: frozenset[str]
    answering_hedges: frozenset[str]
    hedge_leads: Mapping[str, str]
    limiting_words: frozenset[str]
    document_words: frozenset[str]
    document_nouns: frozenset[str]
    document_subjects: frozenset[str]
    question_tags: tuple[tuple[str, ...], ...]
    hedge_infinitives: tuple[tuple[str, ...], ...]
    naming_verbs: frozenset[str]
    time_sharpeners: frozenset[str]
    topic_openers: tuple[tuple[str, ...], ...]
    partitives: frozenset[str]
    pair_words: frozenset[str]
    existential_verbs: frozenset[str]
    existential_followers: frozenset[str]
    apart_words: frozenset[str]
    opposites: tuple[tuple[str, str], ...]
    time_nouns: frozenset[str]
    deed_verbs: frozenset[str]
    time_prepositions: frozenset[str]
    about_the_document: LazyPattern
    after_the_document: LazyPattern
    document_parts: Mapping[str, frozenset[str]]
    small_talk: frozenset[str]
    thanks_words: frozenset[str]
    bye_words: frozenset[str]
    thanked_for: frozenset[str]
    listing_word: str
    name_nouns: frozenset[str]
    question_word_slips: Mapping[str, str]
    interval_spans: tuple[tuple[str, str], ...]
    located_words: frozenset[str]
    months: tuple[str, ...]
    month_abbreviations: tuple[str, ...]
    month_positions: Mapping[str, int]
    short_forms: Mapping[str, str]
    not_names: frozenset[str]
    placeholders: LazyPattern
    messages: Mapping[str, str]
    not_given: Mapping[str, str]
    missing_kinds: Mapping[str, str]
    else_missing: Mapping[str, str]

    def message(self, key: str, **values: object) -> str:
        """Return the message template ``key`` filled with ``values``."""
        return self.messages[key].format(**values)


def _words(value: Any) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset(value.split())
    return frozenset(str(v) for v in value)


def _phrases(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value)


def _word_phrases(value: Any) -> tuple[tuple[str, ...], ...]:
    """Phrases as tuples of words, in the file's order."""
    return tuple(tuple(str(p).split()) for p in value)


def _longest_first(value: Any) -> tuple[tuple[str, ...], ...]:
    """Phrases as tuples of words, the longest first: "yes or no" is tried before "or no"."""
    return tuple(sorted(_word_phrases(value), key=lambda t: -len(t)))


def _alternation(phrases: tuple[str, ...]) -> str:
    longest_first = sorted(phrases, key=lambda p: -len(p))
    return "|".join(re.escape(p) for p in longest_first)


_CONVERTERS: dict[str, Any] = {
    "answer_types": lambda v: tuple(AnswerCue(str(c["type"]), tuple(f" {x} " for x in c["cues"])) for c in v),
    "called": LazyPattern,
    "follow_up_openers": lambda v: LazyPattern(rf"^({'|'.join(re.escape(p) for p in v)})\b"),
    "elliptical_openers": _phrases,
    "same_year": LazyPattern,
    "period_words": lambda v: {str(k): (p[0], p[1]) for k, p in v.items()},
    "aside_phrases": _word_phrases,
    "contrast_phrases": _word_phrases,
    "document_fillers": _word_phrases,
    "topic_openers": _longest_first,
    "hedge_infinitives": _longest_first,
    "question_tags": _longest_first,
    "related_phrases": _word_phrases,
    "measure": lambda v: LazyPattern(v, re.IGNORECASE),
    "because": lambda v: LazyPattern(v, re.IGNORECASE),
    "hedges": lambda v: tuple(str(v).split()) if isinstance(v, str) else _phrases(v),
    "about_the_document": LazyPattern,
    "after_the_document": lambda v: LazyPattern(" ".join(str(v).split())),
    "document_parts": lambda v: {str(k): _words(w) for k, w in v.items()},
    "months": lambda v: tuple(str(v).split()),
    "month_abbreviations": lambda v: tuple(str(v).split()),
    "superlatives": lambda v: {
        str(k): Superlative(str(c["by"]), bool(c["most"]), frozenset(c.get("counting") or ()), bool(c.get("pair")))
        for k, c in v.items()
    },
    "superlative_idioms": _phrases,
    "pronoun_idioms": _phrases,
    "since_then": _phrases,
    "timeline_words": _phrases,
    "more_requests": _phrases,
    "next_requests": _phrases,
    "finer_date_cues": _phrases,
    "day_cues": _phrases,
    "total_commands": _phrases,
    "succession_words": _phrases,
    "succession_links": _phrases,
    "identity_openers": _phrases,
    "name_words": _phrases,
    "overview_words": int,
    "answer_words": int,
    "more_chunk_words": int,
    "total_words": _phrases,
    "total_nouns": _phrases,
    "interval_words": _phrases,
    "each_words": _phrases,
    "both_words": _phrases,
    "order_cues": _phrases,
    "emphasis_phrases": _word_phrases,
    "description_question": str,
    "listing_word": str,
    "interval_spans": lambda v: tuple((str(a), str(b)) for a, b in v),
    "opposites": lambda v: tuple((str(a), str(b)) for a, b in v),
    "placeholders": lambda v: LazyPattern(rf"\b({_alternation(_phrases(v))})\b"),
}
_MAPPINGS = frozenset(
    {"pronouns", "hedge_leads", "month_positions", "short_forms", "messages", "not_given", "missing_kinds"}
    | {"number_words", "ordinals"}
    | {"else_missing", "question_word_slips"}
)


def load_language(path: Path = DEFAULT_LANGUAGE) -> Language:
    """Return the language in ``path``; raise ``KnowledgeErrors`` naming the file when it does not hold."""
    import yaml  # only when a model is built: a cached model carries its language

    shown = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeErrors([KnowledgeError(shown, 1, 1, f"cannot read the language file: {exc}")]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise KnowledgeErrors([KnowledgeError(shown, line, col, f"YAML syntax: {exc.problem}")]) from None
    if not isinstance(data, dict):
        raise KnowledgeErrors([KnowledgeError(shown, 1, 1, "the language file must be a mapping")])
    values: dict[str, Any] = {}
    problems: list[KnowledgeError] = []
    for name in Language._fields:
        if name not in data:
            problems.append(KnowledgeError(shown, 1, 1, f"the language file has no '{name}'"))
            continue
        raw = data[name]
        try:
            if name in _CONVERTERS:
                values[name] = _CONVERTERS[name](raw)
                if isinstance(values[name], LazyPattern):
                    values[name].search("")  # a pattern that does not compile is reported here, not in a reply
            elif name in _MAPPINGS:
                odd = [k for k in raw if not isinstance(k, str)]
                if odd:
                    # YAML reads a bare yes/no/on/off key as a boolean: it must be quoted
                    problems.append(
                        KnowledgeError(shown, 1, 1, f"'{name}' has a key {odd[0]!r} that is not text; quote it")
                    )
                values[name] = {str(k): v for k, v in raw.items()}
            else:
                values[name] = _words(raw)
        except (AttributeError, KeyError, TypeError, IndexError, re.error) as exc:
            problems.append(KnowledgeError(shown, 1, 1, f"'{name}' is malformed: {exc}"))
    unknown = sorted(set(data) - set(Language._fields))
    problems += [KnowledgeError(shown, 1, 1, f"unknown key '{k}' in the language file") for k in unknown]
    if problems:
        raise KnowledgeErrors(problems)
    return Language(**values)
