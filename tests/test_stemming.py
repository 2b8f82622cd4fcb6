from __future__ import annotations

from sahel_bot.stemming import Stemmer, crude_stem


def test_crude_stem_meets_word_forms() -> None:
    assert crude_stem("attacks") == crude_stem("attacked") == "attack"
    assert crude_stem("countries") == "country"
    assert crude_stem("boss") == "boss"


def test_the_knowledge_stem_table_folds_words_first(bot) -> None:
    stem = bot._engine.model.stem
    assert stem("leads") == stem("leader") == stem("led") == "lead"
    assert stem("funded") == stem("funding") == stem("money") == "fund"
    assert stem("dead") == stem("death") == stem("died") == "die"
    # without the table, "money" is only itself
    assert Stemmer({})("money") == "money"
