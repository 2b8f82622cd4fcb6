"""The engine knows no brief: renaming a relation or an entity type changes nothing it says, and the
small test knowledge is introduced and declined in its own terms."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from sahel_bot import Bot, Settings

ROOT = Path(__file__).resolve().parent.parent
GOOD = Path(__file__).resolve().parent / "data" / "good"


def _questions() -> list[str]:
    """Questions of every kind from the FAQ files: answers, declines, lists, yes/no, overviews."""
    out: list[str] = []
    for path in sorted((ROOT / "tests" / "faq").glob("faq_*.yaml")):
        items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        out += [item["q"] for item in items if "q" in item][::6]
    return out


def _copy(tmp_path: Path) -> Path:
    copy = tmp_path / "knowledge"
    for part in ("brief", "facts", "intents"):
        shutil.copytree(ROOT / part, copy / part)
    return copy


def _rename(root: Path, pattern: str, replacement: str) -> int:
    changed = 0
    for path in [*root.joinpath("facts").glob("*.yaml"), *root.joinpath("intents").glob("*.yaml")]:
        if path.name == "lexicon.yaml":
            continue  # users' words, not ids
        text = path.read_text(encoding="utf-8")
        new, n = re.subn(pattern, replacement, text)
        if n:
            path.write_text(new, encoding="utf-8")
            changed += n
    return changed


def _replies(bot: Bot, questions: list[str]) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(r.outcome, r.text, tuple(c.quote for c in r.citations)) for r in map(bot.ask, questions)]


@pytest.fixture(scope="module")
def before() -> list[tuple[str, str, tuple[str, ...]]]:
    return _replies(Bot.load(ROOT, Settings()), _questions())


def test_renaming_relations_changes_no_answer(tmp_path: Path, before, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAHEL_BOT_CACHE", "off")
    copy = _copy(tmp_path)
    # the relation id as facts, relations and intents name it (not the section id 'leadership.2.1')
    for old, new in (("leadership", "heads_up"), ("biography", "background_of")):
        assert _rename(copy, rf"(?<=relation: ){old}\b|(?<=id: ){old}\b(?!\.)|(?<=[\[ ,]){old}(?=[,\]:])", new) > 3
    renamed = Bot.load(copy, Settings())
    assert "heads_up" in renamed.knowledge.relations
    assert "leadership" not in renamed.knowledge.relations
    assert _replies(renamed, _questions()) == before


def test_renaming_an_entity_type_changes_no_answer(tmp_path: Path, before, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAHEL_BOT_CACHE", "off")
    copy = _copy(tmp_path)
    assert _rename(copy, r"(?<=type: )group\b|(?<=id: )group\b", "armed_band") > 10
    renamed = Bot.load(copy, Settings())
    assert {e.type for e in renamed.knowledge.entities.values()} >= {"armed_band"}
    assert _replies(renamed, _questions()) == before


@pytest.mark.parametrize(
    "question",
    ["", "hello", "thanks", "what is the weather in paris?", "who leads the moon?", "tell me a joke", "asdf"],
)
def test_the_small_knowledge_speaks_of_its_own_brief(question: str) -> None:
    bot = Bot.load(GOOD)
    reply = bot.ask(question)
    assert not reply.answered
    for word in ("AQIM", "MUJAO", "2017", "Sahel", "Al Qaeda"):
        assert word not in reply.text, (question, reply.text)
