"""The FAQ format, judging and reports (the ``evaluation`` package) and the ``sahel-bot eval`` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sahel_bot import Candidate, Citation, Explanation, Reply
from sahel_bot.evaluation import (
    Case,
    Expectation,
    FaqFormatError,
    check,
    evaluate,
    fold,
    load_cases,
    parse_cases,
    render_failure,
    run_case,
    runner_up,
)
from sahel_bot.interfaces.cli import main

ROOT = Path(__file__).resolve().parent.parent
SHARED_EVAL = ROOT.parent / "shared" / "eval"


def reply(
    text: str = "",
    *,
    answered: bool = True,
    outcome: str | None = None,
    intent: str | None = "leader_of",
    confidence: float = 0.9,
    citations: tuple[Citation, ...] = (),
    candidates: tuple[Candidate, ...] = (),
    suggestions: tuple[str, ...] = (),
) -> Reply:
    return Reply(
        question="q",
        answered=answered,
        text=text,
        outcome=outcome or ("answer" if answered else "decline"),
        intent=intent,
        confidence=confidence,
        citations=citations,
        suggestions=suggestions,
        explanation=Explanation(candidates=candidates, reason="because"),
    )


LEAD = Citation("Leadership", "The reported leader/emir of AQIM", "leadership.1.1")


# -- parsing ---------------------------------------------------------------------------


def test_parse_items_and_conversations_with_lines() -> None:
    cases = parse_cases(
        """\
- id: A
  cat: direct
  q: "Who leads AQIM?"
  expect: [["droukdel"], ["central", "centre"]]
  section: Leadership
  sentence: leadership.1.1
  intent: leader_of
  regex: "emir|leader"
  note: hello

- id: B
  turns:
    - q: one
      expect: [["x"]]
    - q: two
      cat: out_of_scope
""",
        "faq_x.yaml",
    )
    a, b = cases
    assert (a.id, a.line, a.conversation, a.path) == ("A", 1, False, "faq_x.yaml")
    assert a.turns[0] == Expectation(
        q="Who leads AQIM?",
        line=1,
        cat="direct",
        expect=(("droukdel",), ("central", "centre")),
        section="Leadership",
        sentence="leadership.1.1",
        regex="emir|leader",
        intent="leader_of",
        note="hello",
    )
    assert (b.id, b.line, b.conversation) == ("B", 11, True)
    assert [(t.q, t.line, t.expected_outcome) for t in b.turns] == [("one", 13, "answer"), ("two", 15, "decline")]


def test_expect_shorthands() -> None:
    (case,) = parse_cases('- id: A\n  q: x\n  expect: "one"\n')
    assert case.turns[0].expect == (("one",),)
    (case,) = parse_cases('- id: A\n  q: x\n  expect: ["one", "two"]\n')
    assert case.turns[0].expect == (("one",), ("two",))


def test_every_problem_is_reported_with_its_line_and_column() -> None:
    text = """\
- id: A
  q: x
  cat: typos
  outcome: maybe
  regex: "("
  expect: [[]]
- id: A
  q: again
- q: no id
- id: C
- just a string
- id: D
  turns:
    - q: t
      expekt: [["y"]]
"""
    with pytest.raises(FaqFormatError) as info:
        parse_cases(text, "f.yaml")
    assert str(info.value).splitlines() == [
        "f.yaml:3:3: unknown category 'typos'; did you mean 'typo'?",
        "f.yaml:4:3: unknown outcome 'maybe'; use one of answer, clarify, decline",
        "f.yaml:5:3: bad regex '(': missing ), unterminated subpattern at position 0",
        "f.yaml:6:3: 'expect' of 'A': each group must be a non-empty list of strings",
        "f.yaml:7:1: duplicate id 'A' (first at line 1)",
        "f.yaml:9:3: item has no 'id'",
        "f.yaml:10:3: 'C' has no question ('q')",
        "f.yaml:11:3: an item must be a mapping with 'id' and 'q' (or 'turns')",
        "f.yaml:15:7: unknown key 'expekt'; did you mean 'expect'?",
    ]
    assert info.value.line == 3


def test_yaml_syntax_errors_and_wrong_shapes() -> None:
    with pytest.raises(FaqFormatError) as info:
        parse_cases("- id: A\n  q: [x\n", "f.yaml")
    assert str(info.value) == "f.yaml:2:6: YAML syntax error: the list opened here with '[' is not closed with ']'"
    with pytest.raises(FaqFormatError, match=r"^f.yaml:1:1: a FAQ file is a YAML list"):
        parse_cases("id: A\nq: x\n", "f.yaml")
    assert parse_cases("", "f.yaml") == []
    assert parse_cases("# only a comment\n", "f.yaml") == []


def test_load_cases_reports_an_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(FaqFormatError, match="cannot read the file"):
        load_cases(tmp_path / "missing.yaml")


# -- judging ---------------------------------------------------------------------------


def exp(**kwargs: object) -> Expectation:
    kwargs.setdefault("q", "q")
    kwargs.setdefault("line", 1)
    return Expectation(**kwargs)  # type: ignore[arg-type]


def test_fold_matches_the_official_scorer() -> None:
    assert fold("Côte d’Ivoire “AQIM”") == 'cote d\'ivoire "aqim"'


def test_check_passes_on_case_accent_and_curly_quote_insensitive_substrings() -> None:
    r = reply("Attacks in CÔTE D’IVOIRE and Mali.", citations=(LEAD,))
    assert check(exp(expect=(("cote d'ivoire",), ("mali", "niger")), section="leadership"), r) == []


def test_check_lists_every_problem_of_an_answer() -> None:
    r = reply("Droukdel leads AQIM.", citations=(LEAD,))
    problems = check(
        exp(
            expect=(("droukdel",), ("wadoud", "abu musab")),
            section="Overview",
            sentence="overview.1.1",
            regex="emir",
            intent="about",
        ),
        r,
    )
    assert problems == [
        "missing one of ['wadoud', 'abu musab']",
        "no match for /emir/",
        "no citation from 'Overview'",
        "no citation of sentence overview.1.1",
        "intent leader_of instead of about",
    ]


@pytest.mark.parametrize(
    ("expectation", "the_reply", "problems"),
    [
        (exp(cat="not_in_brief"), reply("no", answered=False), []),
        (exp(cat="out_of_scope"), reply("yes"), ["should decline, but answered"]),
        (exp(cat="not_in_brief"), reply("did you mean", answered=False, outcome="clarify"), []),
        (
            exp(outcome="decline"),
            reply("did you mean", answered=False, outcome="clarify"),
            ["should decline, but the outcome is clarify"],
        ),
        (exp(), reply("no", answered=False), ["should answer, but declined"]),
        (exp(), reply("?", answered=False, outcome="clarify"), ["should answer, but asked to clarify"]),
        (exp(outcome="clarify"), reply("x"), ["should ask to clarify, but the outcome is answer"]),
        (
            exp(outcome="clarify", expect=(("ansar al dine",),)),
            reply("Did you mean:", answered=False, outcome="clarify", suggestions=("Who leads Ansar al Dine?",)),
            [],
        ),
        (
            exp(cat="not_in_brief", expect=(("nearby",),)),
            reply("it says nothing", answered=False),
            ["missing one of ['nearby']"],
        ),
    ],
)
def test_check_outcomes(expectation: Expectation, the_reply: Reply, problems: list[str]) -> None:
    assert check(expectation, the_reply) == problems


def test_runner_up_skips_the_chosen_intent() -> None:
    r = reply(candidates=(Candidate("leader_of", 0.9), Candidate("about", 0.6)))
    assert runner_up(r) == Candidate("about", 0.6)
    assert runner_up(reply(intent=None, candidates=(Candidate("about", 0.3),))) == Candidate("about", 0.3)
    assert runner_up(reply()) is None


class ScriptedBot:
    """Answers from a dict; conversations remember whether AQIM came up."""

    def __init__(self, script: dict[str, Reply]) -> None:
        self.script = script

    def ask(self, question: str) -> Reply:
        return self.script.get(question, reply("I can't say.", answered=False, intent=None, confidence=0.0))

    def conversation(self) -> ScriptedBot:
        return self


def test_run_case_and_render_failure() -> None:
    bot = ScriptedBot(
        {
            "who leads aqim": reply(
                "Droukdel.",
                citations=(LEAD,),
                candidates=(Candidate("leader_of", 0.9), Candidate("about", 0.5, detail="d")),
            )
        }
    )
    (case,) = parse_cases(
        '- id: C\n  turns:\n    - q: who leads aqim\n      expect: [["droukdel"]]\n    - q: where\n      expect: [["algeria"]]\n',
        "faq_c.yaml",
    )
    result = run_case(bot, case)
    assert [t.passed for t in result.turns] == [True, False]
    assert not result.passed
    text = render_failure(result)
    assert text.splitlines()[0] == "FAQ conversation C (faq_c.yaml:1): 1 of 2 turns failed"
    assert "  question:   'where'   [FAILED]" in text
    assert "  runner-up:  about 0.50  d" in text
    assert "  citation:   [Leadership] leadership.1.1: The reported leader/emir of AQIM" in text


def test_report_numbers() -> None:
    script = {
        "a": reply("Droukdel", intent="leader_of", confidence=0.9),
        "b": reply(
            "wrong",
            intent="leader_of",
            confidence=0.6,
            candidates=(Candidate("leader_of", 0.6), Candidate("about", 0.5)),
        ),
        "c": reply("answered a trap", intent="about", confidence=0.7),
        "d": reply("no", answered=False, intent=None, confidence=0.3),
    }
    cases = [
        Case("A", "f", 1, (exp(q="a", cat="direct", expect=(("droukdel",),), intent="leader_of"),)),
        Case("B", "f", 2, (exp(q="b", cat="paraphrase", expect=(("right",),), intent="about"),)),
        Case("C", "f", 3, (exp(q="c", cat="not_in_brief"),)),
        Case("D", "f", 4, (exp(q="d", cat="out_of_scope"),)),
        Case("E", "f", 5, (exp(q="a", expect=(("droukdel",),)), exp(q="d", cat="typo")), conversation=True),
    ]
    report = evaluate(ScriptedBot(script), cases, files=["f"], threshold=0.55)
    s = report.summary()
    assert (s["questions"], s["passed"]) == (6, 3)
    assert s["in_scope"] == {"passed": 1, "total": 2, "pct": 50.0}
    assert s["decline"] == {"passed": 1, "total": 2, "pct": 50.0}
    assert s["conversation"] == {"passed": 1, "total": 2, "pct": 50.0}
    assert list(report.by_category()) == ["direct", "paraphrase", "not_in_brief", "out_of_scope", "conversation"]
    intents = report.by_intent()
    assert intents["leader_of"]["precision"] == 0.5
    assert intents["leader_of"]["recall"] == 1.0
    assert intents["about"]["recall"] == 0.0
    assert intents["about"]["f1"] == 0.0
    conf = report.confusions()
    assert conf["expected_vs_picked"] == [{"expected": "about", "picked": "leader_of", "count": 1}]
    assert conf["picked_vs_runner_up"] == [{"picked": "(none)", "runner_up": "(none)", "count": 1}]
    wrong = report.wrong_outcomes()
    assert [r["id"] for r in wrong["declined_should_answer"]] == ["E"]
    assert [r["id"] for r in wrong["answered_should_decline"]] == ["C"]
    sweep = {row["threshold"]: row for row in report.threshold_sweep([0.2, 0.55, 0.65, 0.8, 0.95])}
    # 0.65: B (0.6, wrong) becomes a decline: one wrong answer fewer
    assert sweep[0.55]["wrong_answers"] == 2
    assert sweep[0.65]["wrong_answers"] == 1
    # 0.8: the trap C (0.7) is declined now
    assert sweep[0.8]["wrong_answers"] == 0
    assert sweep[0.8]["decline_pct"] == 100.0
    # 0.95: even the right answers are declined
    assert sweep[0.95]["in_scope_pct"] == 0.0
    # below the bot's own threshold a decline with confidence >= t would be reopened
    assert sweep[0.2]["would_reconsider"] == 2
    assert set(report.latency()) == {"p50_ms", "p99_ms", "mean_ms", "max_ms"}
    data = json.loads(json.dumps(report.to_dict()))
    assert data["summary"]["questions"] == 6
    assert len(data["failures"]) == 3
    text = report.render(show_failures=True)
    assert "threshold sweep (the bot's threshold: 0.55, marked *)" in text
    assert "most confused intents (expected -> picked):" in text
    assert "FAQ B (f:2) failed" in text


# -- the eval command (real bot, expectations that cannot move) ------------------------


def write_faq(tmp_path: Path, text: str, name: str = "faq_t.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


DECLINES = '- id: W1\n  cat: out_of_scope\n  q: "what is the weather in Paris"\n- id: W2\n  turns:\n    - q: "tell me a joke"\n      cat: out_of_scope\n'


def test_eval_prints_a_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_faq(tmp_path, DECLINES)
    assert main(["eval", str(path), "--knowledge", str(ROOT)]) == 0
    out = capsys.readouterr().out
    assert f"sahel-bot eval: 2 questions from {path}" in out
    assert "out_of_scope" in out
    assert "conversation" in out
    assert "threshold sweep" in out
    assert "latency: p50" in out


def test_eval_json_and_fail_under(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_faq(
        tmp_path, DECLINES + '- id: W3\n  cat: direct\n  q: "what is the weather in Paris"\n  expect: [["sunny"]]\n'
    )
    assert main(["eval", str(path), "--json", "--fail-under", "60"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["questions"] == 3
    assert data["summary"]["passed"] == 2
    assert [f["id"] for f in data["failures"]] == ["W3"]
    assert main(["eval", str(path), "--fail-under", "90"]) == 1
    assert "is under --fail-under 90%" in capsys.readouterr().out


def test_eval_reads_a_directory_and_filters_categories(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_faq(tmp_path, DECLINES, "faq_a.yaml")
    write_faq(tmp_path, "not: a faq\n", "other.yaml")
    assert main(["eval", str(tmp_path), "--json", "--category", "out_of_scope"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["questions"] == 2


def test_eval_reports_a_broken_file_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_faq(tmp_path, "- id: A\n  q: x\n  cat: nope\n")
    assert main(["eval", str(path)]) == 1
    assert capsys.readouterr().err.strip() == f"sahel-bot: {path}:3:3: unknown category 'nope'"


@pytest.mark.skipif(not SHARED_EVAL.is_dir(), reason="the shared evaluation files are not beside the repository")
def test_eval_accepts_the_shared_evaluation_files(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(SHARED_EVAL / "public-sample.yaml"), str(SHARED_EVAL / "public-conversations.yaml")]
    assert main(["eval", *files, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["questions"] > 50
    assert set(data["summary"]) >= {"in_scope", "decline", "conversation"}


def test_the_project_faq_files_are_well_formed() -> None:
    files = sorted((ROOT / "tests" / "faq").glob("faq_*.yaml"))
    assert files
    cases = [c for f in files for c in load_cases(f)]
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids)), "FAQ ids must be unique across files"


def test_known_gaps_are_shown_as_known_gaps_not_failures() -> None:
    script = {"a": reply("Droukdel"), "b": reply("wrong"), "c": reply("right")}
    cases = [
        Case("A", "f", 1, (exp(q="a", expect=(("droukdel",),)),)),
        Case("B", "f", 2, (exp(q="b", expect=(("right",),)),), xfail="needs a fact about b"),
        Case("C", "f", 3, (exp(q="c", expect=(("right",),)),), xfail="was a gap"),
    ]
    report = evaluate(ScriptedBot(script), cases, files=["f"], threshold=0.5)
    assert report.failures() == []
    assert [r.case.id for r in report.known_gaps()] == ["B"]
    assert [r.case.id for r in report.fixed_gaps()] == ["C"]
    data = report.to_dict()
    assert data["failures"] == []
    assert data["known_gaps"] == [{"id": "B", "where": "f:2", "reason": "needs a fact about b"}]
    assert data["summary"]["known_gaps"] == 1
    text = report.render(show_failures=True)
    assert "known gaps (marked xfail, not counted as failures): 1" in text
    assert "  B        'b'  -- needs a fact about b" in text
    assert "known gaps that pass now (remove their xfail): 1" in text
    assert "FAQ B (f:2) failed" not in text


def test_the_threshold_sweep_has_a_row_per_change_not_per_step() -> None:
    script = {"a": reply("Droukdel", confidence=0.9), "b": reply("x", answered=False, intent=None, confidence=0.3)}
    cases = [Case("A", "f", 1, (exp(q="a", expect=(("droukdel",),)),)), Case("B", "f", 2, (exp(q="b", cat="typo"),))]
    text = evaluate(ScriptedBot(script), cases, threshold=0.5).render()
    sweep = text.split("threshold sweep")[1].split("\n\n")[0].splitlines()[2:]
    # two questions, two confidences: the 21 thresholds fold into the stretches where something changes
    assert [line.split()[0] for line in sweep] == ["0.00-0.30", "0.35-0.45", "0.50", "0.55-0.90", "0.95"]
    assert sweep[0].endswith("(1 decline reopened, not judged)")
    assert sweep[2].endswith(" *")


def test_a_failure_without_runner_up_says_so_plainly() -> None:
    script = {"a": reply("wrong", candidates=(Candidate("leader_of", 0.9),))}
    text = evaluate(ScriptedBot(script), [Case("A", "f", 1, (exp(q="a", expect=(("right",),)),))]).render()
    assert "leader_of (no runner-up)" in text
    assert "(runner-up (none))" not in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--category", "typos"], "argument --category: unknown category 'typos'; did you mean 'typo'?"),
        (["--intent", "leader"], "argument --intent: unknown intent 'leader'; did you mean 'leader_of'?"),
        (["--fail-under", "150"], "argument --fail-under: 150 is out of range; use a number from 0 to 100"),
        (["--glob", "x_*.yaml"], "no files matching 'x_*.yaml'"),
    ],
)
def test_eval_refuses_unknown_filters_with_usage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    write_faq(tmp_path, DECLINES)
    with pytest.raises(SystemExit) as info:
        main(["eval", str(tmp_path), *args])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: sahel-bot eval")
    assert message in err


def test_eval_reports_an_item_labelled_with_an_unknown_intent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_faq(tmp_path, "- id: A\n  q: who leads aqim\n  intent: leadr_of\n")
    assert main(["eval", str(path)]) == 1
    assert f"{path}:1:1: unknown intent 'leadr_of'; did you mean 'leader_of'?" in capsys.readouterr().err


def test_eval_filters_by_intent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_faq(tmp_path, DECLINES + "- id: L\n  q: who leads aqim\n  intent: leader_of\n")
    assert main(["eval", str(path), "--json", "--intent", "leader_of"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["questions"] == 1
