"""Spelling correction against the words the knowledge uses."""

from __future__ import annotations

from sahel_bot import Bot


def test_one_edit_mends_a_typo_and_leaves_real_words_alone(bot: Bot) -> None:
    speller = bot._engine.model.speller
    assert speller.correct("kidnaping") == "kidnapping"
    assert speller.correct("teritory") == "territory"
    # a common English word the brief never uses is no typo
    assert speller.correct("weather") is None


def test_two_edits_mend_a_word_clearly_closest_to_one_of_the_briefs(bot: Bot) -> None:
    speller = bot._engine.model.speller
    # "hapend" is two edits from "happened" (and from "hand", much less like it)
    assert speller.correct("hapend") == "happened"
    # too short for two edits to say which word was meant
    assert speller.correct("merj") is None


def test_a_tie_goes_to_the_word_a_question_is_made_of(bot: Bot) -> None:
    speller = bot._engine.model.speller
    # "realy" is one edit from the brief's "real" and from the adverb "really": questions say "really"
    assert speller.correct("realy") == "really"
