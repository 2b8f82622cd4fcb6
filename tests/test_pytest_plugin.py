"""The FAQ pytest plugin (``interfaces/pytest_plugin.py``), tested with pytester.

Most runs use a scripted bot installed with ``use_bot`` (so the tests do not
depend on how the answer engine words things); a few use the real shipped bot
with expectations that cannot move (an off-topic question is declined).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent

# A conftest for the inner runs: a bot that answers from a script.
FAKE_CONFTEST = """
from sahel_bot import Candidate, Citation, Explanation, Reply
from sahel_bot.interfaces.pytest_plugin import use_bot

LEADER = Reply(
    question="", answered=True, outcome="answer", intent="leader_of", confidence=0.91,
    text="The reported leader of AQIM \\u201ccentral\\u201d is Abdelmalik Droukdel.",
    citations=(Citation("Leadership", "The reported leader/emir of AQIM", "leadership.1.1"),),
    explanation=Explanation(candidates=(Candidate("leader_of", 0.91), Candidate("about", 0.62, detail="template 'who is {entity}'"))),
)
WHERE = Reply(
    question="", answered=True, outcome="answer", intent="based_in", confidence=0.8,
    text="Droukdel is reportedly based in northeastern Algeria.",
    citations=(Citation("Leadership", "based in northeastern Algeria", "leadership.1.1"),),
)
CLARIFY = Reply(
    question="", answered=False, outcome="clarify", intent=None, confidence=0.45,
    text="Did you mean one of these?", suggestions=("Who leads AQIM?", "Who leads Ansar al Dine?"),
)
DECLINE = Reply(question="", answered=False, outcome="decline", text="The brief does not say.")
SCRIPT = {"who leads aqim?": LEADER, "who leads the group?": CLARIFY}


class FakeConversation:
    def __init__(self, bot):
        self.bot = bot
        self.subject = None

    def ask(self, q):
        if q.lower() == "where is he based?":
            return WHERE if self.subject else DECLINE
        reply = self.bot.ask(q)
        if reply.answered:
            self.subject = "aqim"
        return reply


class FakeBot:
    loads = 0

    def ask(self, q):
        return SCRIPT.get(q.lower(), DECLINE)

    def conversation(self):
        return FakeConversation(self)


def pytest_configure(config):
    use_bot(config, FakeBot())
"""


@pytest.fixture
def faq(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytester whose inner runs load the plugin through its entry point, with the scripted bot."""
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    monkeypatch.delenv("SAHEL_BOT_KNOWLEDGE_DIR", raising=False)
    pytester.makeconftest(FAKE_CONFTEST)
    return pytester


def write(pytester: pytest.Pytester, name: str, text: str) -> Path:
    path = pytester.path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def test_a_passing_question(faq: pytest.Pytester) -> None:
    write(
        faq,
        "faq_lead.yaml",
        """
        - id: L1
          cat: direct
          q: "Who leads AQIM?"
          expect: [["droukdel"], ["central", "centre"]]
          section: "Leadership"
          sentence: leadership.1.1
          intent: leader_of
        """,
    )
    result = faq.runpytest("-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*faq_lead.yaml::L1 PASSED*"])


def test_a_known_gap_is_a_strict_xfail(faq: pytest.Pytester) -> None:
    write(
        faq,
        "faq_gaps.yaml",
        """
        - id: G1
          q: "Who leads AQIM?"
          expect: [["somebody else"]]
          xfail: "the fact base lacks this"
        - id: G2
          q: "Who leads AQIM?"
          expect: [["droukdel"]]
          xfail: "fixed since, so the xfail must go"
        """,
    )
    result = faq.runpytest("-rxX")
    result.assert_outcomes(xfailed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*XPASS(strict)* fixed since, so the xfail must go*", "XFAIL*G1 - the fact base lacks this*"]
    )


def test_a_failure_reads_like_a_bug_report(faq: pytest.Pytester) -> None:
    write(
        faq,
        "faq_lead.yaml",
        """
        - id: L1
          q: "Who leads AQIM?"
          expect: [["droukdel"]]

        - id: L2
          cat: direct
          q: "Who leads AQIM?"
          expect: [["wadoud", "abu musab"]]
          section: "Overview"
          note: "the aka should be in the answer"
        """,
    )
    result = faq.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*faq: L2*",
            "FAQ L2 (faq_lead.yaml:5) failed",
            "question:   'Who leads AQIM?'   [[]FAILED[]]  (direct)",
            "expected:   an answer",
            "            + text containing 'wadoud' or 'abu musab'",
            "            + a citation from section 'Overview'",
            "note:       the aka should be in the answer",
            "problem:    missing one of ['wadoud', 'abu musab']",
            "problem:    no citation from 'Overview'",
            "answer:     The reported leader of AQIM *central* is Abdelmalik Droukdel.",
            "outcome:    answer (answered: yes), intent leader_of, confidence 0.91",
            "runner-up:  about 0.62  template 'who is {entity}'",
            "citation:   [[]Leadership[]] leadership.1.1: The reported leader/emir of AQIM",
            "FAILED faq_lead.yaml::L2*",
        ]
    )


def test_items_carry_their_file_and_line(faq: pytest.Pytester) -> None:
    write(
        faq,
        "faq_lines.yaml",
        """
        # a comment
        - id: A
          q: "Who leads AQIM?"

        - id: B
          turns:
            - q: "Who leads AQIM?"
        """,
    )
    reprec = faq.inline_run()
    reports = [r for r in reprec.getreports("pytest_runtest_logreport") if r.when == "call"]
    assert [r.location for r in reports] == [
        ("faq_lines.yaml", 1, "faq: A"),
        ("faq_lines.yaml", 4, "conversation: B"),
    ]


def test_a_conversation_keeps_its_context(faq: pytest.Pytester) -> None:
    write(
        faq,
        "faq_conv.yaml",
        """
        - id: C1
          turns:
            - q: "Who leads AQIM?"
              expect: [["droukdel"]]
            - q: "where is he based?"
              expect: [["northeastern"]]
              section: "Leadership"
        - id: C2
          turns:
            - q: "where is he based?"
              expect: [["northeastern"]]
            - q: "what is the weather there?"
              cat: out_of_scope
        """,
    )
    result = faq.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "FAQ conversation C2 (faq_conv.yaml:8): 1 of 2 turns failed",
            "turn 1 (line 10):",
            "  question:   'where is he based?'   [[]FAILED[]]",
            "  problem:    should answer, but declined",
            "turn 2 (line 12):",
            "  question:   'what is the weather there?'   [[]ok[]]  (out_of_scope)",
        ]
    )


def test_declines_and_clarifications(faq: pytest.Pytester) -> None:
    write(
        faq,
        "faq_declines.yaml",
        """
        - id: D1
          cat: not_in_brief
          q: "When was Droukdel born?"
        - id: D2
          cat: not_in_brief
          q: "Who leads AQIM?"
        - id: D3
          q: "Who leads the group?"
          outcome: clarify
          expect: [["ansar al dine"]]
        - id: D4
          q: "Who leads AQIM?"
          outcome: clarify
        """,
    )
    result = faq.runpytest()
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        [
            "FAQ D2 * failed",
            "expected:   a decline (answered: false), as a not_in_brief question",
            "problem:    should decline, but answered",
        ]
    )
    result.stdout.fnmatch_lines(["FAQ D4 * failed", "problem:    should ask to clarify, but the outcome is answer"])


def test_the_real_bot_declines_the_weather(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    write(
        pytester,
        "faq_weather.yaml",
        """
        - id: W1
          cat: out_of_scope
          q: "what is the weather in Paris"
        - id: W2
          turns:
            - q: "what is the weather in Paris"
              cat: out_of_scope
            - q: "and is it going to rain tomorrow?"
              cat: out_of_scope
        """,
    )
    result = pytester.runpytest("--sahel-knowledge", str(ROOT))
    result.assert_outcomes(passed=2)


def test_the_bot_is_loaded_once_per_session(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    import sahel_bot

    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    calls: list[object] = []
    real_load = sahel_bot.Bot.load.__func__  # type: ignore[attr-defined]

    def counting_load(cls: type, *args: object, **kwargs: object) -> object:
        calls.append(kwargs.get("settings"))
        return real_load(cls, *args, **kwargs)

    monkeypatch.setattr(sahel_bot.Bot, "load", classmethod(counting_load))
    items = "".join(f'- id: W{i}\n  cat: out_of_scope\n  q: "tell me a joke {i}"\n' for i in range(4))
    write(pytester, "faq_a.yaml", items)
    write(pytester, "faq_b.yaml", items)
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(passed=8)
    assert len(calls) == 1


def test_a_knowledge_dir_that_does_not_load_fails_every_item_clearly(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    write(
        pytester, "faq_x.yaml", '- id: X1\n  cat: out_of_scope\n  q: "hi"\n- id: X2\n  cat: out_of_scope\n  q: "yo"\n'
    )
    (pytester.path / "empty").mkdir()
    result = pytester.runpytest("--sahel-knowledge", "empty")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["faq_x.yaml:1: the bot could not be loaded:*"])


def test_a_broken_faq_file_is_a_collection_error_with_file_and_line(faq: pytest.Pytester) -> None:
    write(
        faq,
        "faq_broken.yaml",
        """
        - id: B1
          q: "Who leads AQIM?"
          cat: paraphrse
          expct: [["droukdel"]]
        - id: B1
          q: "again"
        - id: B3
          turns: []
        """,
    )
    write(faq, "faq_syntax.yaml", '- id: S1\n  q: "Who leads AQIM?"\n  expect: [["droukdel"]\n')
    result = faq.runpytest()
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        [
            "*ERROR collecting faq_broken.yaml*",
            "invalid FAQ file",
            "faq_broken.yaml:3:3: unknown category 'paraphrse'; did you mean 'paraphrase'?",
            "faq_broken.yaml:4:3: unknown key 'expct'; did you mean 'expect'?",
            "faq_broken.yaml:5:1: duplicate id 'B1' (first at line 1)",
            "faq_broken.yaml:8:3: 'turns' of 'B3' must be a non-empty list of turns",
        ]
    )
    result.stdout.fnmatch_lines(
        ["*ERROR collecting faq_syntax.yaml*", "faq_syntax.yaml:3:11: YAML syntax error: the list opened here*"]
    )


def test_the_ini_glob_chooses_the_files(faq: pytest.Pytester) -> None:
    faq.makeini("[pytest]\nsahel_faq_glob = qa_*.yml checks_*.yaml\n")
    question = '- id: G1\n  q: "Who leads AQIM?"\n  expect: [["droukdel"]]\n'
    write(faq, "faq_default.yaml", question)
    write(faq, "qa_one.yml", question)
    write(faq, "checks_two.yaml", question.replace("G1", "G2"))
    result = faq.runpytest("-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*checks_two.yaml::G2 PASSED*"])
    result.stdout.fnmatch_lines(["*qa_one.yml::G1 PASSED*"])
    result.stdout.no_fnmatch_line("*faq_default*")


def test_the_default_glob_ignores_other_yaml(faq: pytest.Pytester) -> None:
    write(faq, "settings.yaml", "a: 1\n")
    write(faq, "faq_ok.yaml", '- id: K1\n  q: "Who leads AQIM?"\n  expect: [["droukdel"]]\n')
    result = faq.runpytest()
    result.assert_outcomes(passed=1)


def test_the_plugin_module_imports_nothing_heavy() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import sahel_bot.interfaces.pytest_plugin; "
        "print(','.join(m for m in ('yaml', 'sahel_bot.evaluation') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "sahel_bot.evaluation" not in out.stdout
