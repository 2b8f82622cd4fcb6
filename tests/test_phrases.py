"""The phrases the frame reads: lexicon phrases, phrasal verbs around their object, asked-for kinds."""

from __future__ import annotations

from sahel_bot import Bot
from sahel_bot.phrases import identity_noun, named_kind, with_synonyms


def test_a_user_phrase_becomes_the_briefs_word(bot: Bot) -> None:
    model = bot._engine.model
    tokens = ("who", "did", "they", "pick", "as", "leader")
    words = [w for _, w in with_synonyms(model, tokens, [False] * len(tokens))]
    assert "recognized" in words


def test_a_phrasal_verb_with_its_object_inside_is_one_word(bot: Bot) -> None:
    model = bot._engine.model
    tokens = ("who", "pushed", "them", "out")
    read = with_synonyms(model, tokens, [False] * len(tokens))
    # "pushed ... out" is the brief's word, and the object stays where it was
    assert read[1][0] == 1
    assert read[1][1] != "pushed"
    assert (2, "them") in read


def test_the_name_of_the_noun_asks_which_one_it_is(bot: Bot) -> None:
    model = bot._engine.model
    tokens = ("what", "is", "the", "name", "of", "the", "new", "group")
    assert named_kind(model, tokens, [False] * len(tokens)) == (6, 8)


def test_who_was_the_noun_names_the_kind_asked_for_and_skips_years(bot: Bot) -> None:
    model = bot._engine.model
    tokens = ("who", "was", "the", "american", "ambassador", "killed", "in", "benghazi")
    assert identity_noun(model, tokens, [False] * len(tokens)) == 4
    # a year is no noun: "who was the 2015 peace deal between"
    tokens = ("who", "was", "the", "2015", "peace", "deal", "between")
    in_mention = [False, False, False, False, True, True, False]
    assert identity_noun(model, tokens, in_mention) is None
