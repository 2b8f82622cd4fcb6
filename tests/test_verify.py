"""The verify stage's checks, each on a question whose reading it must reject and one it must keep."""

from __future__ import annotations

from frames import read_best
from sahel_bot import Bot
from sahel_bot.verify import lesser_role_only, year_not_given


def test_a_deputy_does_not_answer_who_led(bot: Bot) -> None:
    model = bot._engine.model
    frame, best = read_best(bot, "who led al qaeda in 2006")
    assert lesser_role_only(model, frame, best)
    # asked for the deputy, the deputy answers
    frame, best = read_best(bot, "who was al qaeda's deputy leader in 2006")
    assert not lesser_role_only(model, frame, best)
    # and the leader now is no lesser role
    frame, best = read_best(bot, "who leads al qaeda")
    assert not lesser_role_only(model, frame, best)


def test_a_figure_of_another_year_is_no_figure_of_the_year_asked(bot: Bot) -> None:
    model = bot._engine.model
    frame, best = read_best(bot, "how many fighters did aqim have in 2010")
    assert year_not_given(model, frame, best)
    frame, best = read_best(bot, "how many fighters did aqim have in 2015")
    assert not year_not_given(model, frame, best)


def test_a_fact_said_to_hold_now_holds_from_the_briefs_year(bot: Bot) -> None:
    index = bot._engine.model.index
    now = [f for f in bot._engine.model.knowledge.facts if f.year_from is None and index.year_from[f.id]]
    assert now, "the brief says something holds 'now'"
    assert all(index.year_from[f.id] == bot._engine.model.brief_year for f in now)
    assert all(" now " in f" {f.quote.lower()} " or "currently" in f.quote.lower() for f in now)


def test_a_template_phrase_read_through_the_lexicon_is_the_templates_own(bot: Bot) -> None:
    model = bot._engine.model
    frame, best = read_best(bot, "who has sided with the islamic state")
    assert best.intent == "pledges_to"
    assert best.match is not None
    # "sided with" is the lexicon's "aligning": the template says it, in the question's words
    assert set(frame.content) <= model.brief_words(best.match.template) | best.match.words
    # a yes or a no is still asked of what the facts say: "still alive" is no fact of Droukdel's
    frame, best = read_best(bot, "is droukdel still alive")
    assert best.score < model.settings.answer_threshold
