"""The language the engine reads and writes, loaded from data (``en.yaml`` beside this file).

Every word list the stages consult (stopwords, fillers, pronouns, answer-type cues, period words, hedge
openers) and every message template lives in the data file, so the pipeline code spells no English word
and no topic: the same stages run over another brief, or another language file.  Loaded once per
engine (and cached with it).  May import: ``errors``, ``normalize``, PyYAML.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import KnowledgeError, KnowledgeErrors

__all__ = ["DEFAULT_LANGUAGE", "AnswerCue", "Language", "load_language"]

DEFAULT_LANGUAGE = Path(__file__).resolve().parent / "en.yaml"


@dataclass(frozen=True, slots=True)
class AnswerCue:
    """One answer type and the phrases that ask for it (" how many ", padded for a word match)."""

    type: str
    cues: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Language:
    """Word sets, phrase lists, patterns and message templates; see ``en.yaml`` for what each is for."""

    stopwords: frozenset[str]
    fillers: frozenset[str]
    follow_up_fillers: frozenset[str]
    adverbs: frozenset[str]
    articles: frozenset[str]
    coordinators: frozenset[str]
    question_words: frozenset[str]
    covering_question_words: frozenset[str]
    yes_no_starts: frozenset[str]
    answer_types: tuple[AnswerCue, ...]
    called: re.Pattern[str]
    attack_kind_nouns: frozenset[str]
    pointed_types: frozenset[str]
    measured_types: frozenset[str]
    pronouns: Mapping[str, str]
    personal_pronouns: frozenset[str]
    neuter_pronouns: frozenset[str]
    plural_pronouns: frozenset[str]
    possessive_pronouns: frozenset[str]
    pointers: frozenset[str]
    demonstratives: frozenset[str]
    definite_articles: frozenset[str]
    result_adjectives: frozenset[str]
    anaphoric_adjectives: frozenset[str]
    that_verbs: frozenset[str]
    follow_up_openers: re.Pattern[str]
    elliptical_openers: tuple[str, ...]
    bare_follow_up: frozenset[str]
    else_words: frozenset[str]
    other_words: frozenset[str]
    more_words: frozenset[str]
    someone_else: frozenset[str]
    parallel_words: frozenset[str]
    place_words: frozenset[str]
    person_words: frozenset[str]
    same_year: re.Pattern[str]
    period_words: Mapping[str, tuple[int | None, int | None]]
    period_fillers: frozenset[str]
    clause_openers: frozenset[str]
    clause_subjects: frozenset[str]
    aside_words: frozenset[str]
    aside_phrases: tuple[tuple[str, ...], ...]
    exact_words: frozenset[str]
    rough_amounts: frozenset[str]
    measure: re.Pattern[str]
    because: re.Pattern[str]
    present_words: frozenset[str]
    have_words: frozenset[str]
    kind_question_words: frozenset[str]
    list_starters: frozenset[str]
    hedges: tuple[str, ...]
    doubtful_hedges: frozenset[str]
    answering_hedges: frozenset[str]
    hedge_leads: Mapping[str, str]
    document_words: frozenset[str]
    document_nouns: frozenset[str]
    about_the_document: re.Pattern[str]
    after_the_document: re.Pattern[str]
    document_parts: Mapping[str, frozenset[str]]
    small_talk: frozenset[str]
    thanks_words: frozenset[str]
    bye_words: frozenset[str]
    months: tuple[str, ...]
    month_abbreviations: tuple[str, ...]
    month_positions: Mapping[str, int]
    short_forms: Mapping[str, str]
    not_names: frozenset[str]
    placeholders: re.Pattern[str]
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


def _alternation(phrases: tuple[str, ...]) -> str:
    longest_first = sorted(phrases, key=lambda p: -len(p))
    return "|".join(re.escape(p) for p in longest_first)


_CONVERTERS: dict[str, Any] = {
    "answer_types": lambda v: tuple(AnswerCue(str(c["type"]), tuple(f" {x} " for x in c["cues"])) for c in v),
    "called": re.compile,
    "follow_up_openers": lambda v: re.compile(rf"^({'|'.join(re.escape(p) for p in v)})\b"),
    "elliptical_openers": _phrases,
    "same_year": re.compile,
    "period_words": lambda v: {str(k): (p[0], p[1]) for k, p in v.items()},
    "aside_phrases": lambda v: tuple(tuple(str(p).split()) for p in v),
    "measure": lambda v: re.compile(v, re.IGNORECASE),
    "because": lambda v: re.compile(v, re.IGNORECASE),
    "hedges": lambda v: tuple(str(v).split()) if isinstance(v, str) else _phrases(v),
    "about_the_document": re.compile,
    "after_the_document": lambda v: re.compile(" ".join(str(v).split())),
    "document_parts": lambda v: {str(k): _words(w) for k, w in v.items()},
    "months": lambda v: tuple(str(v).split()),
    "month_abbreviations": lambda v: tuple(str(v).split()),
    "placeholders": lambda v: re.compile(rf"\b({_alternation(_phrases(v))})\b"),
}
_MAPPINGS = frozenset(
    {"pronouns", "hedge_leads", "month_positions", "short_forms", "messages", "not_given", "missing_kinds"}
    | {"else_missing"}
)


def load_language(path: Path = DEFAULT_LANGUAGE) -> Language:
    """Return the language in ``path``; raise ``KnowledgeErrors`` naming the file when it does not hold."""
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
    for name in Language.__dataclass_fields__:
        if name not in data:
            problems.append(KnowledgeError(shown, 1, 1, f"the language file has no '{name}'"))
            continue
        raw = data[name]
        try:
            if name in _CONVERTERS:
                values[name] = _CONVERTERS[name](raw)
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
    unknown = sorted(set(data) - set(Language.__dataclass_fields__))
    problems += [KnowledgeError(shown, 1, 1, f"unknown key '{k}' in the language file") for k in unknown]
    if problems:
        raise KnowledgeErrors(problems)
    return Language(**values)
