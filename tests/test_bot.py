"""The public API: Bot.ask, conversations and their context, explanations, honest declines."""

from __future__ import annotations

import pytest

from sahel_bot import Bot, Context, Reply
from sahel_bot.config import Settings


def test_answer_is_cited_and_verbatim(bot: Bot) -> None:
    reply = bot.ask("Who leads AQIM?")
    assert reply.answered
    assert reply.outcome == "answer"
    assert "Droukdel" in reply.text
    assert "Hammam" in reply.text  # both parts of AQIM's leadership
    assert "reportedly" in reply.text.lower()  # the brief's hedge is kept
    sentences = {s.id: s for s in bot.knowledge.brief.sentences}
    assert reply.citations
    for citation in reply.citations:
        assert citation.quote in sentences[citation.sentence_id].text
        assert citation.section == sentences[citation.sentence_id].section
    assert 0.55 <= reply.confidence <= 1.0


def test_reply_is_immutable_and_serialisable(bot: Bot) -> None:
    reply = bot.ask("who leads aqim")
    with pytest.raises(AttributeError):
        reply.text = "x"  # type: ignore[misc]
    data = reply.to_dict(explain=True)
    for key in ("question", "answered", "text", "intent", "confidence", "citations", "suggestions", "explanation"):
        assert key in data
    assert data["citations"][0].keys() >= {"section", "quote"}


def test_off_topic_is_declined(bot: Bot) -> None:
    for question in ("what's the weather in Paris", "who leads Hezbollah", "how do I bake bread"):
        reply = bot.ask(question)
        assert not reply.answered, question
        assert reply.outcome == "decline"


def test_understood_but_not_in_the_brief_says_what_it_does_say(bot: Bot) -> None:
    reply = bot.ask("Who leads Boko Haram?")
    assert not reply.answered
    assert "doesn't say" in reply.text
    assert "Boko Haram" in reply.text
    assert "no fact" in reply.explanation.reason or "understood" in reply.explanation.reason


def test_follow_ups_use_the_conversation(bot: Bot) -> None:
    chat = bot.conversation()
    first = chat.ask("who leads ansar al dine?")
    assert first.answered
    assert "Ghaly" in first.text
    assert chat.subject == "Ansar al Dine"
    second = chat.ask("where is he from?")
    assert second.answered
    assert "Kidal" in second.text
    assert "from the conversation" in second.explanation.context
    third = chat.ask("and the MLF?")
    assert third.answered
    assert "Koufa" in third.text
    chat.reset()
    assert chat.subject is None
    assert not chat.ask("where is he from?").answered


def test_context_expires(bot: Bot) -> None:
    settings = Settings(context_turns=2)
    small = Bot(bot.knowledge, settings)
    chat = small.conversation()
    assert chat.ask("who leads ansar al dine?").answered
    chat.ask("what's the weather like")
    chat.ask("good morning")
    assert not chat.ask("where is he from?").answered


def test_pure_form_returns_new_context(bot: Bot) -> None:
    empty = Context()
    reply, context = bot.answer("who leads the MLF", empty)
    assert reply.answered
    assert context.subject == "mlf"
    assert empty.subject is None


def test_explanation_names_entities_intent_and_runner_up(bot: Bot) -> None:
    reply = bot.ask("who is in charge of ansar dine")
    explanation = reply.explanation
    assert explanation.entities[0].entity == "ansar_al_dine"
    assert explanation.entities[0].alias
    assert explanation.candidates[0].intent == reply.intent
    assert len(explanation.candidates) >= 2
    assert explanation.facts
    text = explanation.render()
    assert "Ansar al Dine" in text
    assert "decision:" in text


def test_yes_no_keeps_the_hedge(bot: Bot) -> None:
    reply = bot.ask("is belmokhtar dead?")
    assert reply.answered
    assert "not been publicly confirmed" in reply.text
    no = bot.ask("did IS-GS attack Morocco?")
    assert no.answered
    assert no.text.startswith("No")


def test_a_place_the_question_reaches_beyond_is_set_aside(bot: Bot) -> None:
    reply = bot.ask("have the militants moved beyond northern mali?")
    assert reply.answered
    assert "central" in reply.text or "southern" in reply.text
    # the region stands for its country, and the explanation says why
    (mali,) = reply.explanation.entities
    assert (mali.entity, mali.method, mali.words) == ("mali", "beyond", "northern mali")
    # "outside" sets a country aside: the answer names the others, not the word "outside" in another fact
    outside = bot.ask("where has aqim attacked outside algeria")
    assert "Mauritania" in outside.text
    assert "outside" not in outside.text


def test_reply_type(bot: Bot) -> None:
    assert isinstance(bot.ask("hello"), Reply)


def test_how_a_group_is_funded_leads_with_its_own_funding(bot: Bot) -> None:
    # what AQIM gives other groups, or what observers debate, comes after how it gets its money
    for question in ("how does aqim make money", "how is aqim funded"):
        first = bot.ask(question).text.split(". ")[0]
        assert "source of funding for AQIM" in first, first


def test_one_sentence_read_as_several_facts_is_said_once(bot: Bot) -> None:
    text = bot.ask("Which countries does AQIM mainly attack in?").text
    assert text.count("primarily concentrated") == 1, text
    for country in ("Algeria", "Mali", "Mauritania", "Niger"):
        assert country in text
    # facts of one quote that each name something the others do not are all kept
    both = bot.ask("what do ansar dine and the mlf want").text
    assert "Islamist regime" in both
    assert "foreign troops" in both


def test_who_else_keeps_to_the_question_it_follows(bot: Bot) -> None:
    # the last question again, without what was said: not the leader of some other group
    _, context = bot.answer("who leads aqim?", Context())
    reply, _ = bot.answer("who else?", context)
    assert "Ag Ghaly" not in reply.text
    assert "Koufa" not in reply.text
    assert "Droukdel" not in reply.text  # said already


def test_before_an_event_is_a_time_not_a_subject(bot: Bot) -> None:
    # the siege is when, not what: the answer is the death before it, not the siege
    reply = bot.ask("did aqim kill any americans before the 2013 gas plant siege?")
    assert reply.answered
    assert "single American citizen death" in reply.text
    assert "siege" not in reply.text
    # since an event: what came after it, in the event's own words
    after = bot.ask("what have aqim and its allies done since the french intervention?")
    assert "asymmetric attacks" in after.text


def test_a_sentence_said_again_in_other_words_is_left_out(bot: Bot) -> None:
    merger = bot.ask("which groups announced a merger in early 2017?").text
    assert merger.count("announced a merger") == 1, merger
    # two facts of one sentence with words of their own are both said
    hostage = bot.ask("what happened to the us citizen kidnapped in niger").text
    assert "Christian aid organization" in hostage
    assert "decades" in hostage


def test_about_comes_from_the_brief_front_matter(bot, tmp_path) -> None:
    about = bot.about
    assert about.number == "IF10172"
    assert about.date_printed == "March 20, 2017"
    assert "AQIM" in about.scope
    assert about.examples
    assert all(e.endswith("?") for e in about.examples)
    assert about.intro.startswith("I answer questions about ")
    assert "IF10172" in about.intro


def test_about_without_scope_falls_back_to_the_title() -> None:
    from pathlib import Path

    from sahel_bot import Bot

    small = Bot.load(Path(__file__).parent / "data" / "good")
    assert small.about.scope == "A Test Brief"
    assert small.about.examples == ()
    assert "AQIM" not in small.about.intro
