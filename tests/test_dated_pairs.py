"""Two dated things weighed: their order, the years between them, and the dated fact each span names."""

from __future__ import annotations

from frames import frame_of, read_best
from sahel_bot import Bot
from sahel_bot.dated_pairs import dated, interval_reading


def test_a_year_in_the_span_says_which_occasion(bot: Bot) -> None:
    model = bot._engine.model
    frame = frame_of(bot, "how many years between aqim's 2009 killing of an american and the 2016 niger kidnapping")
    found = dated(model, frame, range(4, 10))
    assert found is not None
    # the 2009 murder, not the "as of 2012" count of American deaths
    assert found.fact.year_from == 2009


def test_the_interval_subtracts_the_years_of_two_facts(bot: Bot) -> None:
    frame = frame_of(bot, "how many years passed between the formation of al murabitoun and the proclamation of jnim")
    reading = interval_reading(bot._engine.model, frame)
    assert reading is not None
    assert [s.fact.year_from for s in reading.facts] == [2013, 2017]


def test_order_reading_puts_the_earlier_first(bot: Bot) -> None:
    _, best = read_best(bot, "was the niger kidnapping before or after al murabitoun was formed?")
    assert best.intent == "order"
    years = [s.fact.year_from for s in best.facts]
    assert years == sorted(years)


def test_a_comparative_of_size_needs_a_figure_for_both(bot: Bot) -> None:
    # the brief gives AQIM's fighters and no figure for Ansar al Dine: no comparison, and no "yes"
    for question in ("is aqim bigger than ansar al dine?", "which has more fighters, aqim or al murabitoun?"):
        reply = bot.ask(question)
        assert not reply.answered, question
        assert not reply.text.startswith("Yes")
