"""No string in the code names the brief's topic: banners, help and messages come from the loaded brief's
``About``, the engine's words from its language file and the knowledge.

Every module of the package is read (docstrings and comments may give examples), the webhook's too.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from sahel_bot import Bot

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "sahel_bot"
CHECKED = sorted(PACKAGE.rglob("*.py"))


def _strings(path: Path) -> list[tuple[int, str]]:
    """Return every string constant of ``path`` with its line, leaving out docstrings (they may say anything)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


@pytest.fixture(scope="module")
def topic_words(bot: Bot) -> re.Pattern[str]:
    """The brief's number, date and title, and the names of the groups, people and places it is about."""
    about = bot.about
    words = {about.number, about.date_printed, about.title, about.date_printed.split(",")[-1].strip()}
    for entity in bot.knowledge.entities.values():
        if entity.type in {"group", "person", "country"}:
            words.update({entity.name, entity.short})
    words = {w for w in words if len(w) >= 4}
    return re.compile(r"\b(" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")\b")


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_interface_string_names_the_briefs_topic(path: Path, topic_words: re.Pattern[str]) -> None:
    found = [
        f"{path.name}:{line}: {match.group()!r} in {text!r}"
        for line, text in _strings(path)
        if (match := topic_words.search(text))
    ]
    assert not found, "\n".join(found)
