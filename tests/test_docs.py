"""The docs' examples run (tests/docs_examples.py): a failure names the file and line of the example, shows
the difference, and says how to regenerate the outputs (./scripts/update-docs)."""

from __future__ import annotations

import re

import pytest

from docs_examples import DOCS, ROOT, Block, all_blocks, check, matches, refreshed
from sahel_bot import Bot

EXAMPLES = all_blocks()


@pytest.mark.parametrize("block", EXAMPLES, ids=[f"{b.where} {b.lang}" for b in EXAMPLES])
def test_the_example_shows_what_the_bot_does(block: Block, bot: Bot) -> None:
    problems = check(block, bot)
    assert not problems, "\n\n".join(problems)


def test_the_docs_have_examples_of_every_kind() -> None:
    kinds = {b.lang for b in EXAMPLES}
    assert kinds == {"console", "python", "yaml", "sh"}
    assert sum(b.lang == "console" for b in EXAMPLES) >= 6


def test_links_and_paths_in_the_docs_exist_in_a_clone() -> None:
    missing = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#:]+)\)", text):
            if not (path.parent / target).exists():
                missing.append(f"{path.name}: link to {target}")
        for mention in re.findall(r"`((?:\.\./|tests/|docs/|scripts/|facts/|intents/|brief/)[^` *<]+)`", text):
            if not (ROOT / mention).exists() and not (path.parent / mention).exists():
                missing.append(f"{path.name}: {mention}")
    assert not missing, missing


@pytest.mark.parametrize(
    ("expected", "actual", "fits"),
    [
        (["a", "b"], ["a", "b"], True),
        (["a ... z"], ["a 123 z"], True),
        (["a", "...", "z"], ["a", "1", "2", "z"], True),
        (["a", "...", "z"], ["a", "z"], True),
        (["a", "b"], ["a", "c"], False),
        (["a"], ["a", "b"], False),
    ],
)
def test_expected_output_may_skip_what_varies(expected: list[str], actual: list[str], fits: bool) -> None:
    assert matches(expected, actual) is fits


def test_an_update_keeps_the_wildcards_that_still_fit() -> None:
    assert refreshed(["last seen ...", "old"], ["last seen 2026", "new"]) == ["last seen ...", "new"]
    assert refreshed(["head", "...", "tail"], ["head2", "x", "y", "tail2"]) == ["head2", "...", "tail2"]
