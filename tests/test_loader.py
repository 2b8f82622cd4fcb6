"""The loader refuses what it cannot prove, and says exactly where: a table of broken knowledge files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sahel_bot.errors import KnowledgeError, KnowledgeErrors
from sahel_bot.interfaces.cli import main
from sahel_bot.knowledge.loader import load_knowledge
from sahel_bot.knowledge.yamlfile import load_yaml

DATA = Path(__file__).resolve().parent / "data"

# bad file -> (where it goes in a copy of tests/data/good, every expected error in order)
CASES: dict[str, tuple[str, list[str]]] = {
    "bad_types": (
        "facts/types.yaml",
        [
            "facts/types.yaml:3:25: unknown class 'persn'; did you mean 'person'?",
            "facts/types.yaml:4:38: 'scale' is 'country' or 'local', for places only (not 'planet')",
            "facts/types.yaml:5:60: unknown field 'colour' in an entity type",
            "facts/types.yaml:6:10: duplicate entity type 'group' (first at facts/types.yaml:2:5)",
        ],
    ),
    "bad_relation_attributes": (
        "facts/relations.yaml",
        [
            "facts/relations.yaml:4:20: unknown value kind 'persons'; did you mean 'reason'?",
            "facts/relations.yaml:10:13: 'result' must be 'subject' or 'object', not 'outcome'",
            "facts/relations.yaml:15:14: 'current' must be true or false",
        ],
    ),
    "yaml_syntax": (
        "facts/facts.yaml",
        [
            "facts/facts.yaml:3:15: YAML syntax error: the list opened here with '[' is not closed with ']'; "
            "until this file parses, references to entities and relations are not checked"
        ],
    ),
    "unknown_field": (
        "facts/facts.yaml",
        ["facts/facts.yaml:3:5: unknown field 'subjet' in a fact; did you mean 'subject'?"],
    ),
    "missing_cite": (
        "facts/facts.yaml",
        ["facts/facts.yaml:2:5: fact 'a_in_c' has no 'cite' (every fact must cite the brief)"],
    ),
    "unknown_entity": (
        "facts/facts.yaml",
        ["facts/facts.yaml:5:13: unknown entity 'place_d' in 'object'; did you mean 'place_c'?"],
    ),
    "duplicate_fact": (
        "facts/facts.yaml",
        ["facts/facts.yaml:9:9: duplicate fact id 'a_in_c' (first at facts/facts.yaml:2:5)"],
    ),
    "quote_not_verbatim": (
        "facts/facts.yaml",
        [
            "facts/facts.yaml:8:12: quote is not verbatim in the cited sentence (overview.1.2)\n"
            "  sentence: Group A operates in Place C.\n"
            "  closest:  Group A operates in Place C.\n"
            "  quote:    Group A is active in Place C.\n"
            "                    ^ first difference"
        ],
    ),
    "unknown_relation": (
        "facts/facts.yaml",
        ["facts/facts.yaml:4:15: unknown relation 'operates'; did you mean 'operates_in'?"],
    ),
    "hedge_missing": (
        "facts/facts.yaml",
        ["facts/facts.yaml:2:5: quote hedges ('reportedly') but fact 'b_leads_a' sets no 'hedge'"],
    ),
    "hedge_dropped": (
        "facts/facts.yaml",
        ["facts/facts.yaml:7:16: fact 'b_leads_a' is hedged ('reportedly') but its statement drops the hedge"],
    ),
    "unknown_sentence": (
        "facts/facts.yaml",
        ["facts/facts.yaml:7:11: unknown sentence id 'overview.1.9'; did you mean 'overview.1.1'?"],
    ),
    "attribution_no_source": (
        "facts/facts.yaml",
        ["facts/facts.yaml:2:5: quote attributes ('according to') but fact 'b_from_c' sets no 'source'"],
    ),
    "bad_weight": ("facts/facts.yaml", ["facts/facts.yaml:9:13: 'weight' must be a whole number from 1 to 3"]),
    "not_a_list": (
        "facts/facts.yaml",
        [
            "facts/facts.yaml:1:8: 'facts' must be a list",
            "facts/facts.yaml:2:1: unknown top-level key 'factz'; did you mean 'facts'?",
        ],
    ),
    "bad_unnamed": (
        "facts/zz_extra.yaml",
        ["facts/zz_extra.yaml:7:14: 'unnamed' must be true or false"],
    ),
    "duplicate_entity_and_alias": (
        "facts/zz_extra.yaml",
        [
            "facts/zz_extra.yaml:2:9: duplicate entity id 'group_a' (first at facts/entities.yaml:2:5)",
            "facts/zz_extra.yaml:10:15: alias 'Bee' is claimed by 'group_x' and by 'person_b' "
            "(at facts/entities.yaml:12:15)",
            "facts/zz_extra.yaml:14:11: unknown entity type 'gadget'",
        ],
    ),
    "intent_problems": (
        "intents/intents.yaml",
        [
            "intents/intents.yaml:10:17: unknown relation 'leading'",
            "intents/intents.yaml:11:13: unknown slot type 'grup'; did you mean 'group'?",
            "intents/intents.yaml:13:9: template variant 'who leads {group}' is also in intent 'leader_of' "
            "(at intents/intents.yaml:7:9)",
            "intents/intents.yaml:14:9: template '(who': missing ')'",
            "intents/intents.yaml:15:9: unknown slot '{grup}' in template; did you mean 'group'?",
            "intents/intents.yaml:16:9: template variant 'leader' is too short (a lone word matches anything)",
        ],
    ),
}


def _knowledge_with(tmp_path: Path, bad: str, target: str) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(DATA / "good", root)
    shutil.copy(DATA / "bad" / f"{bad}.yaml", root / target)
    return root


def test_every_bad_fixture_is_in_the_table() -> None:
    assert {p.stem for p in (DATA / "bad").glob("*.yaml")} == set(CASES)


def test_good_fixture_loads() -> None:
    knowledge = load_knowledge(DATA / "good")
    assert {f.id for f in knowledge.facts} == {"b_leads_a", "a_in_c", "b_from_c"}
    assert knowledge.intents["leader_of"].templates


@pytest.mark.parametrize("bad", sorted(CASES))
def test_broken_file_is_refused_with_its_location(tmp_path: Path, bad: str, monkeypatch: pytest.MonkeyPatch) -> None:
    target, expected = CASES[bad]
    root = _knowledge_with(tmp_path, bad, target)
    monkeypatch.chdir(root)  # paths are shown as they open from the current directory
    with pytest.raises(KnowledgeErrors) as info:
        load_knowledge(root)
    assert [str(e) for e in info.value.errors] == expected


def test_all_problems_are_listed_at_once_sorted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _knowledge_with(tmp_path, "intent_problems", "intents/intents.yaml")
    monkeypatch.chdir(root)
    shutil.copy(DATA / "bad" / "unknown_entity.yaml", root / "facts" / "facts.yaml")
    with pytest.raises(KnowledgeErrors) as info:
        load_knowledge(root)
    errors = info.value.errors
    assert len(errors) == 7
    assert [e.sort_key() for e in errors] == sorted(e.sort_key() for e in errors)
    assert str(errors[0]).startswith("facts/facts.yaml:5:13:")
    assert str(info.value).endswith("7 problems found; nothing was loaded.")


def test_check_command_reports_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _knowledge_with(tmp_path, "quote_not_verbatim", "facts/facts.yaml")
    assert main(["check", "--knowledge", str(root)]) == 1
    err = capsys.readouterr().err
    assert "facts/facts.yaml:8:12: quote is not verbatim in the cited sentence (overview.1.2)" in err
    assert "Traceback" not in err


def test_check_command_summary_on_good_knowledge(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--knowledge", str(DATA / "good")]) == 0
    out = capsys.readouterr().out
    assert "coverage:  3/3 sentences cited (100.0%)" in out
    assert "facts:     3" in out


def test_check_fails_on_uncited_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "knowledge"
    shutil.copytree(DATA / "good", root)
    text = (root / "facts" / "facts.yaml").read_text(encoding="utf-8")
    (root / "facts" / "facts.yaml").write_text(text.split("  - id: b_from_c")[0], encoding="utf-8")
    assert main(["check", "--knowledge", str(root)]) == 1
    captured = capsys.readouterr()
    assert "uncited:   leadership.1.1" in captured.out
    assert "sahel-bot: 1 sentence of the brief is cited by no fact: leadership.1.1" in captured.err


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeErrors) as info:
        load_knowledge(tmp_path / "nowhere")
    assert "knowledge directory does not exist" in str(info.value)


def test_paths_open_from_where_the_user_stands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _knowledge_with(tmp_path, "unknown_entity", "facts/facts.yaml")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--knowledge", "knowledge"]) == 1
    assert "knowledge/facts/facts.yaml:5:13: unknown entity 'place_d'" in capsys.readouterr().err
    monkeypatch.chdir(tmp_path / "knowledge" / "facts")
    assert main(["check", "--knowledge", ".."]) == 1
    assert capsys.readouterr().err.startswith("facts.yaml:5:13: unknown entity 'place_d'")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["check", "--knowledge", "../knowledge"]) == 1
    assert "../knowledge/facts/facts.yaml:5:13: unknown entity" in capsys.readouterr().err


def test_a_syntax_error_does_not_bury_the_other_files_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _knowledge_with(tmp_path, "quote_not_verbatim", "facts/facts.yaml")
    entities = (root / "facts" / "entities.yaml").read_text(encoding="utf-8")
    (root / "facts" / "entities.yaml").write_text(entities.replace("name:", "name: [", 1), encoding="utf-8")
    monkeypatch.chdir(root)
    with pytest.raises(KnowledgeErrors) as info:
        load_knowledge(root)
    messages = [str(e).splitlines()[0] for e in info.value.errors]
    assert len(messages) == 2, messages  # no "unknown entity" for every id the broken file defines
    assert messages[0].startswith("facts/entities.yaml:")
    assert "YAML syntax error: the list opened here" in messages[0]
    assert messages[1].startswith("facts/facts.yaml:8:12: quote is not verbatim")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: [1, 2\nb: 3\n", "1:4: YAML syntax error: the list opened here with '[' is not closed with ']'"),
        ("a: {b: 1\n", "1:4: YAML syntax error: the mapping opened here with '{' is not closed with '}'"),
        ("a: 'abc\n", "1:4: YAML syntax error: the quoted text that starts here has no closing quote"),
        ("a: b: c\n", "1:5: YAML syntax error: a ': ' here makes a second key on one line"),
        ("a: 1\n\tb: 2\n", "2:1: YAML syntax error: a tab character: YAML indents with spaces only"),
        ("a: @x\n", "1:4: YAML syntax error: a value cannot start with '@'; put the value in quotes"),
        ("a: 1\nb\nc: 2\n", "2:1: YAML syntax error: a line of a mapping must read 'key: value'"),
        ("a:\n  - x\n - y\n", "3:2: YAML syntax error: this line is not indented like the block it belongs to"),
    ],
)
def test_yaml_syntax_errors_are_plain_words_at_the_line_to_fix(text: str, expected: str) -> None:
    errors: list[KnowledgeError] = []
    assert load_yaml("f.yaml", text, errors) is None
    assert str(errors[0]).startswith(f"f.yaml:{expected}"), str(errors[0])
