"""References to the conversation: what each pronoun of a turn stands for."""

from __future__ import annotations

from frames import frame_of
from sahel_bot import Bot


def test_his_group_after_he_is_the_group_he_leads(bot: Bot) -> None:
    conversation = bot.conversation()
    conversation.ask("who heads the MLF?")
    frame = frame_of(bot, "what do he and his group want?", conversation.context)
    assert [m.entity for m in frame.mentions] == ["amadou_koufa", "mlf"]
    # "his group" is one reference: "group" is no content word of the question
    assert "group" not in frame.content


def test_ones_stands_for_the_kind_the_last_list_question_asked_of(bot: Bot) -> None:
    conversation = bot.conversation()
    conversation.ask("which leaders are algerian?")
    frame = frame_of(bot, "and which ones are from mali?", conversation.context)
    assert "leaders" in frame.tokens
    assert "ones" not in frame.tokens
