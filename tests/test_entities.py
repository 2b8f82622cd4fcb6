from __future__ import annotations

from sahel_bot import Bot
from sahel_bot.entities import EntityLinker
from sahel_bot.knowledge.schema import Entity, Location

L = Location("t.yaml", 1)


def _linker() -> EntityLinker:
    entities = [
        Entity("aqim", "group", "Al Qaeda in the Islamic Maghreb", "AQIM", ("AQIM", "AQMI"), "d", (), L),
        Entity("mlf", "group", "Macina Liberation Front", "MLF", ("MLF",), "d", (), L),
        Entity("mlx", "group", "Mali Lions X", "MLX", (), "d", (), L),
        Entity("droukdel", "person", "Abdelmalik Droukdel", "Droukdel", ("Droukdel",), "d", (), L),
        Entity("morocco", "country", "Morocco", "Morocco", (), "d", (), L),
        Entity("boko", "group", "Boko Haram", "Boko Haram", (), "d", (), L),
        Entity("ansar_al_dine", "group", "Ansar al Dine", "Ansar al Dine", ("Ansar Dine",), "d", (), L),
    ]
    return EntityLinker({e.id: e for e in entities})


def test_exact_longest_match_wins() -> None:
    mentions = _linker().link("who leads ansar al dine".split())
    assert [(m.entity, m.start, m.end, m.method) for m in mentions] == [("ansar_al_dine", 2, 5, "exact")]


def test_several_mentions_left_to_right() -> None:
    mentions = _linker().link("did aqim and the mlf attack morocco".split())
    assert [m.entity for m in mentions] == ["aqim", "mlf", "morocco"]


def test_typos_in_long_names_are_forgiven() -> None:
    linker = _linker()
    assert [m.entity for m in linker.link("where is droukdal".split())] == ["droukdel"]
    assert [m.entity for m in linker.link("mujao ever attack marocco".split())] == ["morocco"]
    hit = linker.link("did aqim help boko harem".split())
    assert [(m.entity, m.method) for m in hit] == [("aqim", "exact"), ("boko", "fuzzy")]
    assert 85 <= hit[1].score < 100


def test_short_acronyms_only_match_exactly() -> None:
    linker = _linker()
    assert linker.link("who leads aqin".split()) == []
    assert linker.link("who leads mlg".split()) == []


def test_common_words_are_never_fuzzy_matched() -> None:
    assert _linker().link("where is the leader of the group".split()) == []


def test_real_aliases(bot: Bot) -> None:
    for text, expected in [
        ("who leads ansar dine", "ansar_al_dine"),
        ("is belmokhtar dead", "mokhtar_bel_mokhtar"),
        ("what is jnim", "jnim"),
        ("isgs attacks", "is_gs"),
        ("the masked ones", "al_mulathamun"),
    ]:
        mentions = bot._engine.linker.link(text.split())
        assert expected in [m.entity for m in mentions], text
