"""The rebuilt brief is faithful to the PDF extraction, and its sentences split where the brief's do."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from sahel_bot.errors import KnowledgeErrors
from sahel_bot.knowledge.brief import join_lines, parse_brief, split_sentences

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "brief" / "source" / "IF10172.pdf.txt"
BRIEF = ROOT / "brief" / "IF10172.txt"
SHARED_SEED = ROOT.parent / "shared" / "seed" / "IF10172.txt"


def _body_and_furniture() -> tuple[list[str], list[dict[str, object]]]:
    lines = BRIEF.read_text(encoding="utf-8").splitlines()
    end = lines.index("---", 1)
    meta = yaml.safe_load("\n".join(lines[1:end]))
    body = [line[3:] if line.startswith("## ") else line for line in lines[end + 1 :] if line.strip()]
    return body, meta["furniture"]


def test_seed_copy_is_the_shared_seed() -> None:
    if not SHARED_SEED.exists():
        pytest.skip("../shared is not beside this checkout")
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()


def test_rebuild_uses_every_seed_line_exactly_once_and_adds_nothing() -> None:
    seed = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    body, furniture = _body_and_furniture()
    furniture_lines = [str(item["text"]) for item in furniture]
    rebuilt = Counter(body) + Counter(furniture_lines)
    assert rebuilt == Counter(seed)
    # each furniture entry names the seed line it came from
    numbered = SEED.read_text(encoding="utf-8").splitlines()
    for item in furniture:
        assert numbered[int(item["line"]) - 1] == item["text"]


def test_sections_in_the_briefs_order() -> None:
    brief = parse_brief(BRIEF)
    ids = brief.metadata["section_ids"]
    assert [s.title for s in brief.sections] == list(ids)
    # each section's id comes from the front matter, and sentence ids start with it
    assert [s.id for s in brief.sections] == list(ids.values())
    assert brief.sections[3].sentences[0].id == "areas.1.1"
    assert brief.number == "IF10172"
    assert brief.date == "2017-03-20"
    assert brief.date_printed == "March 20, 2017"
    assert brief.author == "Alexis Arieff"
    assert brief.title == "Al Qaeda in the Islamic Maghreb (AQIM) and Related Groups"


def test_words_kept_exactly_as_printed() -> None:
    text = " ".join(s.text for s in parse_brief(BRIEF).sentences)
    for printed in (
        "\u201cunited\u201d with Al Qaeda",
        "The U.S government has not released",
        "C\u00f4te d\u2019Ivoire",
        "seeking local partners\u2014although",
        "a multi-day siege",
        "local front for AQIM\u2014pledged",
        "Jama\u2019at Nusrat al Islam wal Muslimeen",
    ):
        assert printed in text


def test_sentence_ids_are_stable_and_unique() -> None:
    brief = parse_brief(BRIEF)
    ids = [s.id for s in brief.sentences]
    assert len(ids) == len(set(ids)) == 66
    assert brief.sentence("leadership.2.1").text.startswith("Ansar al Dine is led by Iyad Ag Ghaly")
    assert brief.sentence("relationship.1.2").text == (
        "The Obama Administration referred to AQIM as a formal Al Qaeda \u201caffiliate.\u201d"
    )
    assert brief.sentence("nope.1.1") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A U.S. citizen was here. Then more.", ["A U.S. citizen was here.", "Then more."]),
        ("It said \u201cfoo.\u201d In 2014, bar.", ["It said \u201cfoo.\u201d", "In 2014, bar."]),
        ("In C\u00f4te d\u2019Ivoire. Next.", ["In C\u00f4te d\u2019Ivoire.", "Next."]),
        ("Attack U.S. embassies and kill U.S. ambassadors.", ["Attack U.S. embassies and kill U.S. ambassadors."]),
        ("e.g. this stays. One more.", ["e.g. this stays.", "One more."]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_join_lines_keeps_hyphens_and_dashes() -> None:
    assert join_lines(["a multi-", "day siege"]) == "a multi-day siege"
    assert join_lines(["front for AQIM\u2014", "pledged"]) == "front for AQIM\u2014pledged"
    assert join_lines(["two", "words"]) == "two words"


def test_broken_brief_is_located(tmp_path: Path) -> None:
    path = tmp_path / "b.txt"
    path.write_text("---\nnumber: X\n---\ntext before heading\n", encoding="utf-8")
    with pytest.raises(KnowledgeErrors) as info:
        parse_brief(path, "brief/b.txt")
    messages = [str(e) for e in info.value.errors]
    assert "brief/b.txt:4:1: text before the first '## ' heading" in messages
    assert any("front matter has no 'title'" in m for m in messages)
