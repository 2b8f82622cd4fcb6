"""Whether a fact can give the kind of answer asked for (the fact index's type checks)."""

from __future__ import annotations

from frames import frame_of
from sahel_bot import Bot


def test_a_when_question_wants_a_dated_fact(bot: Bot) -> None:
    index = bot._engine.model.index
    facts = bot._engine.model.facts
    frame = frame_of(bot, "when was aqim formed")
    assert index.type_fit(frame, facts["aqim_formed_from_gspc_and_al_qaeda"]) == 1.0
    assert index.type_fit(frame, facts["droukdel_based_northeastern_algeria"]) < 1.0


def test_a_who_leads_question_wants_someone_in_the_role(bot: Bot) -> None:
    index = bot._engine.model.index
    facts = bot._engine.model.facts
    frame = frame_of(bot, "who leads aqim")
    assert index.type_fit(frame, facts["droukdel_leads_aqim_central"]) == 1.0
    assert index.type_fit(frame, facts["aqim_attacks_concentrated_algeria"]) < 1.0
