"""What plural references point at: the last set, or the groups of the people talked about."""

from __future__ import annotations

from sahel_bot import Bot
from sahel_bot.set_references import owned_by


def test_the_group_a_person_leads_is_his(bot: Bot) -> None:
    model = bot._engine.model
    assert owned_by(model, "amadou_koufa", "group") == "mlf"
    assert owned_by(model, "iyad_ag_ghaly", "group") == "ansar_al_dine"


def test_their_two_groups_are_the_groups_of_the_two_people_talked_about(bot: Bot) -> None:
    conversation = bot.conversation()
    conversation.ask("who heads ansar al dine")
    conversation.ask("and who runs the mlf?")
    reply = conversation.ask("what do their two groups want?")
    assert reply.answered
    entities = {e.entity for e in reply.explanation.entities}
    assert {"ansar_al_dine", "mlf"} <= entities


def test_they_points_at_the_last_set_of_groups(bot: Bot) -> None:
    conversation = bot.conversation()
    conversation.ask("which groups merged into al murabitoun")
    reply = conversation.ask("when did they merge?")
    assert "2013" in reply.text
