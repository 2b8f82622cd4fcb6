"""FAQ and evaluation files: load them, judge replies against them, and score a whole run.

The pytest plugin (``interfaces/pytest_plugin.py``) and ``sahel-bot eval``
(``interfaces/evaluation.py``) both use this package, so a FAQ item means the
same thing everywhere.  One concept per module:

- ``cases``: the file format (``load_cases``, ``Case``, ``Expectation``, ``FaqFormatError``);
- ``judging``: asking a case and checking each reply (``run_case``, ``check``);
- ``report``: the scores of a whole run (``evaluate``, ``Report``);
- ``rendering``: bug reports for failures and the report as text.

May import: the standard library, PyYAML, ``errors`` and ``reply`` (never an interface).
"""

from __future__ import annotations

from .cases import CATEGORIES, DECLINE_CATEGORIES, Case, Expectation, FaqFormatError, fold, load_cases, parse_cases
from .judging import CaseResult, TurnResult, check, run_case, runner_up
from .rendering import render_failure, render_turn
from .report import Report, evaluate

__all__ = [
    "CATEGORIES",
    "DECLINE_CATEGORIES",
    "Case",
    "CaseResult",
    "Expectation",
    "FaqFormatError",
    "Report",
    "TurnResult",
    "check",
    "evaluate",
    "fold",
    "load_cases",
    "parse_cases",
    "render_failure",
    "render_turn",
    "run_case",
    "runner_up",
]
