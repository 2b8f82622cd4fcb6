"""References by description: "the Mali one", "the Malian leader"."""

from __future__ import annotations

from sahel_bot import Bot


def test_the_place_one_is_the_occasion_talked_of_that_took_place_there(bot: Bot) -> None:
    talk = bot.conversation()
    talk.ask("tell me about the 2015-2016 hotel and restaurant attacks")
    reply = talk.ask("when did the burkina faso one happen?")
    assert "January 2016" in reply.text
    assert "Ouagadougou" in reply.text


def test_the_country_adjective_leader_is_the_person_talked_of_from_there(bot: Bot) -> None:
    talk = bot.conversation()
    talk.ask("who heads the mlf?")
    talk.ask("who leads aqim?")
    reply = talk.ask("returning to the malian leader, what is his ethnicity?")
    assert "Fulani" in reply.text
    assert "Droukdel" not in reply.text


def test_a_country_adjective_is_not_the_one_that_took_place_there(bot: Bot) -> None:
    # "the Malian one among them": the group from Mali, not the event in Mali
    reply = bot.ask("Which groups took control of northern Mali in 2012, and who leads the Malian one among them?")
    assert "Ag Ghaly" in reply.text
