"""Whether a fact can give the kind of answer asked for (the fact index's type checks)."""

from __future__ import annotations

import pytest

from frames import frame_of
from sahel_bot import Bot


@pytest.mark.parametrize(
    ("question", "fitting", "other"),
    [
        # a "when" question wants a dated fact
        ("when was aqim formed", "aqim_formed_from_gspc_and_al_qaeda", "droukdel_based_northeastern_algeria"),
        # a "who leads" question wants someone in the role
        ("who leads aqim", "droukdel_leads_aqim_central", "aqim_attacks_concentrated_algeria"),
    ],
)
def test_a_question_wants_a_fact_of_the_kind_it_asks_for(bot: Bot, question: str, fitting: str, other: str) -> None:
    index = bot._engine.model.index
    facts = bot._engine.model.facts
    frame = frame_of(bot, question)
    assert index.type_fit(frame, facts[fitting]) == 1.0
    assert index.type_fit(frame, facts[other]) < 1.0


def test_the_name_of_a_described_thing_is_one_the_fact_names_that_is_such_a_thing(bot: Bot) -> None:
    index = bot._engine.model.index
    facts = bot._engine.model.facts
    # "offshoot" describes IS-GS (its description says so): the fact naming it gives the name asked for
    frame = frame_of(bot, "what is the name of the mujao offshoot that sought affiliation with the islamic state")
    assert index.type_fit(frame, facts["is_gs_sought_islamic_state_affiliation"]) == 1.0
    # AQIM is a group the fact names, but no affiliate; the affiliate it names has no name in the brief
    frame = frame_of(bot, "what is the name of the affiliate in tunisia")
    assert index.type_fit(frame, facts["aqim_claimed_attack_in_tunisia"]) < 0.5
