"""The REPL driven in-process: prompt_toolkit's pipe input and dummy output, over a small scripted bot.

The scripted bot uses the real brief and real ``Reply``/``Citation``/``Entity``
objects; only the answers are scripted, so these tests do not move when the
engine's wording does.  The real bot is exercised in ``test_repl_pty.py``.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.data_structures import Size
from prompt_toolkit.document import Document
from prompt_toolkit.history import FileHistory, InMemoryHistory
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.output.plain_text import PlainTextOutput
from prompt_toolkit.output.vt100 import Vt100_Output

from sahel_bot import Citation, Explanation, Reply
from sahel_bot.about import About
from sahel_bot.interfaces import render
from sahel_bot.interfaces.completion import NameIndex, ReplCompleter
from sahel_bot.interfaces.history import SafeFileHistory, history_path, open_history
from sahel_bot.interfaces.repl import Repl, Shell, _miss_logger, run_piped
from sahel_bot.knowledge.brief import parse_brief
from sahel_bot.knowledge.schema import Entity, Location

ROOT = Path(__file__).resolve().parent.parent
BRIEF = parse_brief(ROOT / "brief" / "IF10172.txt", "brief/IF10172.txt")

ENTER, CTRL_C, CTRL_D = "\r", "\x03", "\x04"


def _entity(entity_id: str, kind: str, name: str, short: str = "", aliases: tuple[str, ...] = ()) -> Entity:
    return Entity(
        id=entity_id,
        type=kind,
        name=name,
        short=short or name,
        aliases=aliases,
        description="",
        cites=(),
        location=Location("facts/entities.yaml", 1),
    )


ENTITIES = {
    "aqim": _entity("aqim", "group", "Al Qaeda in the Islamic Maghreb", "AQIM", ("Al Qaida in the Islamic Maghreb",)),
    "droukdel": _entity(
        "droukdel", "person", "Abdelmalik Droukdel", "Droukdel", ("Abdelmalek Droukdal", "Abu Musab Abdel Wadoud")
    ),
    "ansar_al_dine": _entity("ansar_al_dine", "group", "Ansar al Dine", "", ("Ansar Dine", "Ansar al-Din")),
    "bel_mokhtar": _entity("bel_mokhtar", "person", "Mokhtar bel Mokhtar", "Bel Mokhtar", ("Belmokhtar",)),
    "mali": _entity("mali", "country", "Mali"),
    "boko_haram": _entity("boko_haram", "outside", "Boko Haram"),
}

LEADER = Reply(
    question="who leads aqim",
    answered=True,
    text="AQIM \u201ccentral\u201d is reportedly led by Abdelmalik Droukdel, an Algerian national.",
    outcome="answer",
    intent="leader_of",
    confidence=0.9,
    citations=(
        Citation(
            "Leadership",
            "The reported leader/emir of AQIM \u201ccentral,\u201d Abdelmalik Droukdel (aka Abu Musab Abdel Wadoud), "
            "is an Algerian national reportedly based in northeastern Algeria.",
            "leadership.1.1",
        ),
    ),
    subject="Abdelmalik Droukdel",
    explanation=Explanation(normalized="who leads aqim", reason="leader_of answered from fact aqim_leader"),
)
CLARIFY = Reply(
    question="who runs it",
    answered=False,
    text="Did you mean one of these?",
    outcome="clarify",
    suggestions=("who leads AQIM?", "who leads Ansar al Dine?"),
)


@dataclass
class ScriptedConversation:
    """Answers from a script (question -> Reply); anything else gets a decline."""

    script: dict[str, Reply]
    asked: list[str] = field(default_factory=list)
    resets: int = 0
    subject: str | None = None

    def ask(self, question: str) -> Reply:
        self.asked.append(question)
        reply = self.script.get(question.casefold().rstrip("?"))
        if reply is None:
            reply = Reply(question=question, answered=False, text="The brief does not say.", outcome="decline")
        self.subject = reply.subject or self.subject
        return reply

    def reset(self) -> None:
        self.resets += 1
        self.subject = None


class ScriptedBot:
    title = BRIEF.title
    about = About.from_brief(BRIEF)
    fact_count = 3

    def __init__(self, script: dict[str, Reply] | None = None) -> None:
        facts = (
            SimpleNamespace(cites=("leadership.1.1",), entities=("droukdel", "aqim")),
            SimpleNamespace(cites=("leadership.2.1",), entities=("ansar_al_dine", "boko_haram")),
            SimpleNamespace(cites=("overview.1.1",), entities=("aqim",)),
        )
        self.knowledge = SimpleNamespace(brief=BRIEF, entities=ENTITIES, facts=facts)
        self.script = script if script is not None else {"who leads aqim": LEADER, "who runs it": CLARIFY}
        self.conversations: list[ScriptedConversation] = []

    def conversation(self) -> ScriptedConversation:
        conversation = ScriptedConversation(self.script)
        self.conversations.append(conversation)
        return conversation


@dataclass
class Session:
    """One REPL run: what it printed, how it ended, what the bot was asked."""

    repl: Repl
    status: int
    text: str
    paged: list[str]

    @property
    def asked(self) -> list[str]:
        return self.repl.shell.conversation.asked  # type: ignore[no-any-return]


def drive(
    keys: str,
    *,
    bot: Any = None,
    history: Any = None,
    rows: int = 40,
    pager_works: bool = True,
    warnings: list[str] | None = None,
) -> Session:
    """Type ``keys`` into a fresh REPL (pipe input, dummy output) and run it to the end."""
    buffer = io.StringIO()
    console = PlainTextOutput(buffer)
    console.get_size = lambda: Size(rows=rows, columns=80)  # type: ignore[method-assign]
    paged: list[str] = []

    def pager(text: str) -> bool:
        paged.append(text)
        return pager_works

    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        repl = Repl(
            bot or ScriptedBot(),
            input=pipe,
            output=DummyOutput(),
            console=console,
            history=history,
            pager=pager,
            warnings=warnings,
        )
        status = repl.run()
    return Session(repl, status, buffer.getvalue().replace("\r\n", "\n"), paged)


# -- the session -----------------------------------------------------------------------------------------


def test_banner_names_the_brief_its_date_the_facts_and_help() -> None:
    session = drive(CTRL_D)
    assert session.status == 0
    first = session.text.splitlines()[:3]
    assert first[0] == "Al Qaeda in the Islamic Maghreb (AQIM) and Related Groups"
    assert "March 20, 2017" in first[1]
    assert "3 facts" in first[1]
    assert "type /help" in first[2]


def test_answer_is_wrapped_and_followed_by_its_citation() -> None:
    session = drive("who leads aqim" + ENTER + CTRL_D)
    assert session.asked == ["who leads aqim"]
    lines = session.text.splitlines()
    assert all(len(line) <= 80 for line in lines)
    answer = lines.index(next(line for line in lines if line.startswith("AQIM")))
    assert "Droukdel" in lines[answer]
    citation = next(line for line in lines[answer:] if line.startswith("  [Leadership]"))
    assert "\u201cThe reported leader/emir of AQIM" in citation
    quote = " ".join(line.strip() for line in lines[lines.index(citation) :] if line.startswith("  "))
    assert "reportedly based in northeastern Algeria.\u201d" in quote


def test_ctrl_d_on_an_empty_line_quits_and_quit_commands_too() -> None:
    for keys in (CTRL_D, "/quit" + ENTER, "quit" + ENTER, "/exit" + ENTER):
        session = drive(keys + "never asked" + ENTER)
        assert session.status == 0
        assert session.asked == []


def test_ctrl_c_discards_the_line_and_the_session_goes_on() -> None:
    session = drive("who leads" + CTRL_C + "who leads aqim" + ENTER + CTRL_D)
    assert session.asked == ["who leads aqim"]
    assert session.status == 0


def test_did_you_mean_is_numbered_and_answered_by_number() -> None:
    session = drive("who runs it" + ENTER + "1" + ENTER + CTRL_D)
    assert "  1. who leads AQIM?" in session.text
    assert "  2. who leads Ansar al Dine?" in session.text
    assert "type a number (1-2)" in session.text
    assert session.asked == ["who runs it", "who leads AQIM?"]
    assert "\u2192 who leads AQIM?" in session.text
    assert "Droukdel" in session.text


def test_a_number_out_of_range_is_a_clear_error_and_asks_nothing() -> None:
    session = drive("who runs it" + ENTER + "7" + ENTER + CTRL_D)
    assert session.asked == ["who runs it"]
    assert "There is no suggestion 7: type 1-2, or ask a question." in session.text


def test_a_number_without_suggestions_is_just_a_question() -> None:
    session = drive("2013" + ENTER + CTRL_D)
    assert session.asked == ["2013"]


@pytest.mark.parametrize("typed", ["2", " 2. ", "2)"])
def test_suggestion_numbers_may_carry_a_dot_or_bracket(typed: str) -> None:
    session = drive("who runs it" + ENTER + typed + ENTER + CTRL_D)
    assert session.asked == ["who runs it", "who leads Ansar al Dine?"]


@pytest.mark.parametrize("typed", ["\u00b2", "\u0663", "1e3"])
def test_other_digits_are_questions_not_choices(typed: str) -> None:
    session = drive("who runs it" + ENTER + typed + ENTER + CTRL_D)
    assert session.asked == ["who runs it", typed]


def test_why_explains_the_last_answer() -> None:
    session = drive("/why" + ENTER + "who leads aqim" + ENTER + "/why" + ENTER + CTRL_D)
    assert "Nothing to explain yet" in session.text
    assert "why: who leads aqim" in session.text
    assert "normalized: 'who leads aqim'" in session.text
    assert "decision: leader_of answered from fact aqim_leader" in session.text


def test_reset_forgets_the_conversation() -> None:
    session = drive("who leads aqim" + ENTER + "/reset" + ENTER + "/why" + ENTER + CTRL_D)
    conversation = session.repl.shell.conversation
    assert conversation.resets == 1
    assert conversation.subject is None
    assert "Forgot the conversation" in session.text
    assert "Nothing to explain yet" in session.text


def test_help_lists_every_command() -> None:
    session = drive("/help" + ENTER + CTRL_D)
    for command in ("/help", "/why", "/sources", "/brief [SECTION]", "/reset", "/quit"):
        assert f"  {command}" in session.text
    assert "Ctrl-C" in session.text


def test_sources_lists_the_sections_with_what_each_covers() -> None:
    session = drive("/sources" + ENTER + CTRL_D)
    for number, section in enumerate(BRIEF.sections, start=1):
        assert f"{number:>2}. {section.title}" in session.text
    # From the facts citing Leadership; AQIM, cited in two sections, counts for less.
    assert "about: Ansar al Dine, Droukdel, AQIM" in session.text
    assert "Boko Haram" not in session.text  # not in the brief
    assert "begins: AQIM and Al Murabitoun\u2019s public releases" in session.text  # no facts: how it begins


def test_brief_shows_a_section_by_name_number_or_part_of_its_title() -> None:
    for arg in ("leadership", "3", "Lead", "LEADERSHIP"):
        session = drive(f"/brief {arg}" + ENTER + CTRL_D)
        assert "\nLeadership\nThe reported leader/emir of AQIM" in session.text
        assert "Areas of Operation" not in session.text
        assert session.paged == []


def test_brief_pages_long_text_and_prints_it_when_no_pager_runs() -> None:
    session = drive("/brief" + ENTER + CTRL_D, rows=24)
    assert len(session.paged) == 1
    assert session.paged[0].startswith("Overview\n")
    assert "Relationship with Al Qaeda" in session.paged[0]
    assert "\x1b" not in session.paged[0]
    fallback = drive("/brief leadership" + ENTER + CTRL_D, rows=10, pager_works=False)
    assert len(fallback.paged) == 1
    assert "The reported leader/emir of AQIM" in fallback.text


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/brief nothing", "No section 'nothing' in the brief; the sections are: 1 Overview, 2 Objectives"),
        ("/brief 9", "No section '9' in the brief"),
        ("/brief \u00b2", "No section '\u00b2' in the brief"),
        ("/hlep", "Unknown command '/hlep'; did you mean /help?"),
        ("/frobnicate", "Unknown command '/frobnicate'; type /help for the list."),
        ("/why now", "/why takes no argument (got 'now')."),
    ],
)
def test_bad_commands_get_a_clear_error_and_the_session_goes_on(line: str, message: str) -> None:
    session = drive(line + ENTER + "who leads aqim" + ENTER + CTRL_D)
    assert message in session.text
    assert session.asked == ["who leads aqim"]


def test_an_engine_failure_is_reported_and_the_session_goes_on() -> None:
    class Broken(ScriptedConversation):
        def ask(self, question: str) -> Reply:
            if question == "boom":
                raise RuntimeError("kaput")
            return super().ask(question)

    bot = ScriptedBot()
    bot.conversation = lambda: Broken(bot.script)  # type: ignore[method-assign]
    session = drive("boom" + ENTER + "who leads aqim" + ENTER + CTRL_D, bot=bot)
    assert "Internal error while answering: RuntimeError('kaput')" in session.text
    assert "Droukdel" in session.text


def test_toolbar_shows_the_conversations_subject() -> None:
    session = drive(CTRL_D)
    assert render.plain(session.repl._toolbar()).startswith(" no subject yet")
    session = drive("who leads aqim" + ENTER + CTRL_D)
    toolbar = session.repl._toolbar()
    assert ("class:bottom-toolbar.subject", "Abdelmalik Droukdel") in toolbar
    assert render.plain(toolbar).startswith(" subject: Abdelmalik Droukdel")


# -- history ---------------------------------------------------------------------------------------------


def test_history_is_saved_and_suggests_on_the_next_run(tmp_path: Path) -> None:
    path = tmp_path / "state" / "sahel-bot" / "history"
    warnings: list[str] = []
    drive("who leads aqim" + ENTER + CTRL_D, history=open_history(path, warnings.append))
    assert warnings == []
    assert "+who leads aqim" in path.read_text()
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    # A new session recalls it (Up); the grey suggestion as you type is checked in a real terminal.
    session = drive("\x1b[A" + ENTER + CTRL_D, history=open_history(path, warnings.append))
    assert session.asked == ["who leads aqim"]
    assert isinstance(session.repl.session.auto_suggest, AutoSuggestFromHistory)


def test_up_arrow_recalls_the_previous_question() -> None:
    history = InMemoryHistory(["who leads aqim"])
    session = drive("\x1b[A" + ENTER + CTRL_D, history=history)
    assert session.asked == ["who leads aqim"]


def test_an_unwritable_history_is_a_warning_not_a_crash(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    warnings: list[str] = []
    history = open_history(blocker / "history", warnings.append)
    session = drive("who leads aqim" + ENTER + CTRL_D, history=history, warnings=warnings)
    assert session.asked == ["who leads aqim"]
    assert f"warning: cannot write the history file {blocker / 'history'}" in " ".join(session.text.split())
    assert "will not be saved" in session.text


def test_a_history_that_fails_later_warns_once_and_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "history"
    warnings: list[str] = []
    history = SafeFileHistory(path, warnings.append)
    path.mkdir()  # now neither readable nor writable as a file
    assert list(history.load_history_strings()) == []
    history.store_string("one")
    history.store_string("two")
    assert len(warnings) == 2
    assert warnings[0].startswith(f"cannot read the history file {path}")
    assert warnings[1].startswith(f"cannot write the history file {path}")


def test_history_path_flag_then_environment_then_xdg_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    assert history_path(None, {}) == tmp_path / "xdg" / "sahel-bot" / "history"
    assert history_path(None, {"SAHEL_BOT_HISTORY": "/x/h"}) == Path("/x/h")
    assert history_path("/y/h", {"SAHEL_BOT_HISTORY": "/x/h"}) == Path("/y/h")
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert history_path(None, {}) == tmp_path / "home" / ".local" / "state" / "sahel-bot" / "history"


def test_history_in_prompt_toolkits_own_format(tmp_path: Path) -> None:
    path = tmp_path / "history"
    drive("who leads aqim" + ENTER + CTRL_D, history=open_history(path, print))
    assert list(FileHistory(str(path)).load_history_strings()) == ["who leads aqim"]


# -- completion ------------------------------------------------------------------------------------------


def _complete(text: str, requested: bool = True) -> list[tuple[str, int]]:
    completer = ReplCompleter(NameIndex.from_entities(ENTITIES), [s.title for s in BRIEF.sections])
    event = CompleteEvent(text_inserted=not requested, completion_requested=requested)
    return [(c.text, c.start_position) for c in completer.get_completions(Document(text), event)]


def test_completes_a_name_from_part_of_any_word_in_it() -> None:
    assert _complete("who is drouk") == [("Droukdel", -5)]
    assert _complete("who is abdel")[0] == ("Abdelmalik Droukdel", -5)
    assert _complete("where is mokh")[0] == ("Mokhtar bel Mokhtar", -4)


def test_completes_several_words_at_once() -> None:
    assert _complete("is ansar al d") == [("Ansar al Dine", -10)]
    assert _complete("tell me about al qaeda in") == [("Al Qaeda in the Islamic Maghreb", -11)]


def test_fuzzy_completion_on_tab() -> None:
    assert _complete("who is mkhtr")[0] == ("Mokhtar bel Mokhtar", -5)
    assert _complete("who is drkdl")[0][0] in {"Droukdel", "Abdelmalik Droukdel"}


def test_aliases_complete_when_the_names_do_not_fit() -> None:
    completions = _complete("who is abu mus")
    assert completions == [("Abu Musab Abdel Wadoud", -7)]
    meta = next(
        c.display_meta_text
        for c in ReplCompleter(NameIndex.from_entities(ENTITIES), []).get_completions(
            Document("abu mus"), CompleteEvent(completion_requested=True)
        )
    )
    assert meta == "\u2192 Abdelmalik Droukdel"


def test_quiet_while_typing_everyday_words() -> None:
    for text in ("who", "who is", "where", "whe", "lea", "the", "aqim", "dr"):
        assert _complete(text, requested=False) == [], text
    assert _complete("who is drou", requested=False) == [("Droukdel", -4)]


def test_entities_outside_the_brief_are_never_offered() -> None:
    assert _complete("boko") == []
    assert all(text != "Boko Haram" for text, _ in _complete("who is "))


def test_completes_commands_and_section_names() -> None:
    assert _complete("/so", requested=False) == [("/sources", -3)]
    assert [text for text, _ in _complete("/")] == list(render.COMMANDS)
    assert _complete("/brief lea") == [("Leadership", -3)]
    assert _complete("/brief financ") == [("Size and Financing", -6)]
    assert _complete("/why ") == []


# -- colour ----------------------------------------------------------------------------------------------

_COLOUR = re.compile(r"\x1b\[(?:\d+;)*(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;\d+)*m")


def _coloured_session(color: bool) -> str:
    buffer = io.StringIO()
    console = Vt100_Output(buffer, lambda: Size(rows=40, columns=80), term="xterm-256color")
    with create_pipe_input() as pipe:
        pipe.send_text("/nosuch" + ENTER + "who leads aqim" + ENTER + CTRL_D)
        Repl(ScriptedBot(), input=pipe, output=DummyOutput(), console=console, color=color).run()
    return buffer.getvalue()


def test_colour_on_a_colour_terminal() -> None:
    out = _coloured_session(color=True)
    assert _COLOUR.search(out)  # the error is red
    assert "\x1b[0;2m" in out  # the citation is dimmed


def test_no_colour_means_no_colour_codes() -> None:
    out = _coloured_session(color=False)
    assert not _COLOUR.search(out)
    assert "Unknown command '/nosuch'" in out


# -- piped mode, in process ------------------------------------------------------------------------------


def _piped(lines: list[bytes]) -> tuple[int, str, str, ScriptedBot]:
    bot = ScriptedBot()
    out, err = io.StringIO(), io.StringIO()
    status = run_piped(bot, iter(lines), out, err)
    return status, out.getvalue(), err.getvalue(), bot


def test_piped_lines_are_turns_of_one_conversation_with_citations() -> None:
    status, out, err, bot = _piped([b"who runs it\n", b"\n", b"2\n", b"who leads aqim\r\n"])
    assert status == 0
    assert err == ""
    assert len(bot.conversations) == 1
    assert bot.conversations[0].asked == ["who runs it", "who leads Ansar al Dine?", "who leads aqim"]
    assert "  [Leadership] \u201cThe reported leader/emir of AQIM" in out
    assert "\x1b" not in out
    assert out.count("\n\n") == 2  # one blank line between turns


def test_piped_commands_work_and_quit_stops_reading() -> None:
    status, out, _, bot = _piped([b"who leads aqim\n", b"/why\n", b"/quit\n", b"never asked\n"])
    assert status == 0
    assert "why: who leads aqim" in out
    assert bot.conversations[0].asked == ["who leads aqim"]


def test_piped_bad_lines_are_reported_with_their_number_and_exit_one() -> None:
    status, out, err, _ = _piped([b"/nosuch\n", b"\xff\xfe bad bytes\n", b"who leads aqim\n"])
    assert status == 1
    assert "sahel-bot: line 1: Unknown command '/nosuch'" in err
    assert "sahel-bot: line 2: not UTF-8 text; skipped." in err
    assert "Droukdel" in out
    assert "Traceback" not in err


# -- rendering details -----------------------------------------------------------------------------------


def test_long_section_titles_in_citations_still_wrap() -> None:
    reply = Reply(
        question="q",
        answered=True,
        text="x",
        outcome="answer",
        citations=(Citation("relationship", "AQIM\u2019s \u201cunion\u201d with Al Qaeda was announced.", "r.1.1"),),
    )
    text = render.plain(render.reply_fragments(reply, 30, render.section_titles(BRIEF)))
    assert all(len(line) <= 30 for line in text.splitlines())
    assert "Relationship with Al Qaeda" in " ".join(text.split())


# -- miss log --------------------------------------------------------------------------------------------


def _args(**overrides: Any) -> SimpleNamespace:
    return SimpleNamespace(**{"no_miss_log": False, **overrides})


def test_declines_go_to_the_miss_log_as_the_repl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "misses.jsonl"
    monkeypatch.setenv("SAHEL_BOT_MISS_LOG", str(log))
    warnings: list[str] = []
    record = _miss_logger(_args(), warnings.append)
    assert record is not None
    for reply in (LEADER, CLARIFY):
        record(reply)
    entries = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [(e["interface"], e["question"], e["outcome"]) for e in entries] == [("repl", "who runs it", "clarify")]
    assert warnings == []


def test_the_repl_calls_the_miss_log_after_every_reply() -> None:
    seen: list[str] = []
    bot = ScriptedBot()
    with create_pipe_input() as pipe:
        pipe.send_text("who runs it" + ENTER + "2" + ENTER + CTRL_D)
        repl = Repl(bot, input=pipe, output=DummyOutput(), console=PlainTextOutput(io.StringIO()))
        repl.shell.on_reply = lambda reply: seen.append(reply.question)
        repl.run()
    assert seen == ["who runs it", "who leads Ansar al Dine?"]


def test_miss_log_off_by_flag_or_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SAHEL_BOT_MISS_LOG", str(tmp_path / "m.jsonl"))
    assert _miss_logger(_args(no_miss_log=True), print) is None
    monkeypatch.setenv("SAHEL_BOT_MISS_LOG", "off")
    assert _miss_logger(_args(), print) is None


def test_an_unwritable_miss_log_warns_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("SAHEL_BOT_MISS_LOG", str(blocker / "misses.jsonl"))
    warnings: list[str] = []
    record = _miss_logger(_args(), warnings.append)
    assert record is not None
    record(CLARIFY)
    record(CLARIFY)
    assert len(warnings) == 1
    assert "cannot write the miss log" in warnings[0]


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=60), requested=st.booleans())
def test_completion_never_fails_and_replaces_only_what_was_typed(text: str, requested: bool) -> None:
    completer = ReplCompleter(NameIndex.from_entities(ENTITIES), [s.title for s in BRIEF.sections])
    event = CompleteEvent(text_inserted=not requested, completion_requested=requested)
    for completion in completer.get_completions(Document(text), event):
        assert -len(text) <= completion.start_position <= 0
        assert completion.text


@settings(max_examples=200, deadline=None)
@given(line=st.text(max_size=40))
def test_any_line_gives_an_output_never_an_exception(line: str) -> None:
    shell = Shell(ScriptedBot())
    shell.handle("who runs it")
    result = shell.handle(line)
    assert isinstance(result.fragments, list)


def test_the_name_index_is_built_at_the_first_completion() -> None:
    completer = ReplCompleter.from_bot(ScriptedBot())
    assert not isinstance(completer._names, NameIndex)
    assert [c.text for c in completer.get_completions(Document("drouk"), CompleteEvent(completion_requested=True))] == [
        "Droukdel"
    ]
    assert isinstance(completer._names, NameIndex)


def test_real_knowledge_completes_names_and_never_outside_ones(bot: Any) -> None:
    completer = ReplCompleter.from_bot(bot)
    tab = CompleteEvent(completion_requested=True)
    assert "Droukdel" in [c.text for c in completer.get_completions(Document("who is drouk"), tab)]
    assert "Iyad Ag Ghaly" in [c.text for c in completer.get_completions(Document("who is iyad"), tab)]
    outside = {
        name.casefold()
        for entity in bot.knowledge.entities.values()
        if entity.type == "outside"
        for name in (entity.name, entity.short, *entity.aliases)
    }
    offered = {c.text.casefold() for c in completer.get_completions(Document(""), tab)}
    assert offered
    assert not offered & outside


def test_banner_and_help_come_from_the_brief_loaded() -> None:
    bot = ScriptedBot()
    bot.about = bot.about._replace(title="Water in the Sahel", series="Notes", number="N1", examples=("Who digs?",))
    text = drive("/help" + ENTER + CTRL_D, bot=bot).text
    assert text.splitlines()[0] == "Water in the Sahel"
    assert "Notes N1" in text.splitlines()[1]
    assert "(\u201cWho digs?\u201d)" in text
    assert "AQIM" not in text.split("Commands")[0]


def test_messages_that_are_not_answers_are_wrapped_too() -> None:
    text = drive("/brief nowhere" + ENTER + CTRL_D).text
    lines = [line for line in text.splitlines() if line]
    assert any(line.startswith("No section 'nowhere' in the brief") for line in lines)
    assert max(len(line) for line in lines) <= 79
    assert "Relationship with Al Qaeda" in " ".join(text.split())


def test_the_miss_log_notice_is_given_at_the_first_logged_miss_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAHEL_BOT_MISS_LOG", str(tmp_path / "misses.jsonl"))
    notices: list[str] = []
    record = _miss_logger(SimpleNamespace(no_miss_log=False), [].append, notices.append)
    assert record is not None
    record(LEADER)
    assert notices == []
    decline = Reply(question="who leads boko haram", answered=False, text="no", outcome="decline")
    record(decline)
    record(decline)
    assert len(notices) == 1
    assert str(tmp_path / "misses.jsonl") in notices[0]
    assert "--no-miss-log" in notices[0]


@pytest.mark.parametrize(
    ("quote", "shown"),
    [
        (
            "AQIM also \u201csuccessfully fundraises globally",
            "\u201cAQIM also \u201csuccessfully fundraises globally\u2026\u201d\u201d",
        ),
        ("central,\u201d Abdelmalik Droukdel", "\u201c\u201c\u2026central,\u201d Abdelmalik Droukdel\u201d"),
        ("AQIM \u201ccentral,\u201d Droukdel", "\u201cAQIM \u201ccentral,\u201d Droukdel\u201d"),
    ],
)
def test_a_citation_closes_the_quotation_marks_its_quote_leaves_open(quote: str, shown: str) -> None:
    assert render.quoted(quote) == shown


def test_every_shipped_citation_reads_balanced(bot: Any) -> None:
    for fact in bot.knowledge.facts:
        shown = render.quoted(fact.quote)
        assert shown.count("\u201c") == shown.count("\u201d"), fact.id
