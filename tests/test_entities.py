from __future__ import annotations

from sahel_bot import Bot
from sahel_bot.entities import EntityLinker
from sahel_bot.knowledge.schema import Entity, Location
from sahel_bot.language import load_language

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
    classes = {e.id: {"country": "place"}.get(e.type, e.type) for e in entities}
    return EntityLinker({e.id: e for e in entities}, classes, load_language())


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
        mentions = bot._engine.model.linker.link(text.split())
        assert expected in [m.entity for m in mentions], text


def _places() -> EntityLinker:
    entities = [
        Entity("aqim", "group", "Al Qaeda in the Islamic Maghreb", "AQIM", ("AQIM",), "d", (), L),
        Entity("north", "place", "northern Mali", "northern Mali", (), "d", (), L),
        Entity("centre", "place", "central Mali", "central Mali", (), "d", (), L),
        Entity("south", "place", "southern Mali", "southern Mali", (), "d", (), L),
    ]
    classes = {e.id: {"country": "place"}.get(e.type, e.type) for e in entities}
    return EntityLinker({e.id: e for e in entities}, classes, load_language())


def test_a_shared_tail_left_out_in_a_list_still_names_each_place() -> None:
    mentions = _places().link("has aqim spread into central and southern mali".split())
    assert [(m.entity, m.start, m.end, m.method) for m in mentions] == [
        ("aqim", 1, 2, "exact"),
        ("centre", 4, 5, "elided"),
        ("south", 6, 8, "exact"),
    ]
    # a list whose commas normalisation dropped
    listed = _places().link("northern central or southern mali".split())
    assert [m.entity for m in listed] == ["north", "centre", "south"]


def test_only_words_that_make_a_name_with_the_tail_are_taken() -> None:
    # "aqim mali" is no name; "eastern mali" is none either: neither becomes a mention
    assert [m.entity for m in _places().link("aqim and southern mali".split())] == ["aqim", "south"]
    assert [m.entity for m in _places().link("eastern and southern mali".split())] == ["south"]


def test_coordinated_places_are_answered_together(bot: Bot) -> None:
    reply = bot.ask("has aqim spread into central and southern mali?")
    assert reply.answered
    assert "central" in reply.text
    assert "southern" in reply.text


def test_an_article_does_not_steal_the_start_of_a_longer_name() -> None:
    entities = [
        Entity("france", "country", "France", "France", ("the French", "French"), "d", (), L),
        Entity("op", "event", "French intervention", "French intervention", (), "d", (), L),
    ]
    linker = EntityLinker({e.id: e for e in entities}, {"france": "place", "op": "event"}, load_language())
    assert [m.entity for m in linker.link("after the french intervention".split())] == ["op"]
    assert [m.entity for m in linker.link("did the french leave".split())] == ["france"]
