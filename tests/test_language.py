"""The language file: every word list and message the stages use, loaded and checked once."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from sahel_bot import KnowledgeErrors
from sahel_bot.language import DEFAULT_LANGUAGE, LazyPattern, load_language


def test_the_shipped_language_loads() -> None:
    lang = load_language()
    assert "the" in lang.stopwords
    assert lang.answer_types[0].type == "how_many"
    assert lang.message("stands_for", short="X", name="Y") == "X stands for Y."


def test_a_yes_or_no_key_must_be_quoted(tmp_path: Path) -> None:
    text = DEFAULT_LANGUAGE.read_text(encoding="utf-8").replace('  "yes": "Yes."', '  yes: "Yes."')
    bad = tmp_path / "en.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeErrors, match=r"'messages' has a key True that is not text; quote it"):
        load_language(bad)


def test_a_bad_pattern_and_an_unknown_key_are_reported_with_the_file(tmp_path: Path) -> None:
    text = DEFAULT_LANGUAGE.read_text(encoding="utf-8")
    text = text.replace("same_year: '", "same_year: '(unclosed ") + "\nextra_words: a b\n"
    bad = tmp_path / "en.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeErrors) as caught:
        load_language(bad)
    shown = str(caught.value)
    assert f"{bad}:1:1: 'same_year' is malformed" in shown
    assert "unknown key 'extra_words'" in shown


def test_a_lazy_pattern_pickles_as_its_source() -> None:
    pattern = LazyPattern(r"\bab+c\b")
    assert pattern.search("x abbc y") is not None
    loaded = pickle.loads(pickle.dumps(pattern))
    assert loaded.source == pattern.source
    assert loaded._compiled is None  # compiled again only when used
    assert loaded.sub("z", "abc abbbc") == "z z"
