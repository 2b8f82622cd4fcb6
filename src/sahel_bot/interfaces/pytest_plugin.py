"""pytest plugin: every question or conversation of a FAQ file (``faq_*.yaml``) is a test item.

Registered as the ``pytest11`` entry point ``sahel_bot_faq``, so it is loaded
in every pytest run of any project that installs sahel-bot; it therefore
imports nothing heavy at module level (the bot, PyYAML and the evaluation code
are imported inside hooks, the first time a FAQ file is collected).

Options::

    [tool.pytest.ini_options]
    sahel_faq_glob = "faq_*.yaml"        # which files are FAQ files (space-separated globs)
    sahel_faq_knowledge = "path/to/dir"  # optional knowledge dir (relative to the ini file)

    pytest --sahel-knowledge DIR         # the same, from the command line (wins over the ini)

The bot is built once per session with ``sahel_bot.Bot.load()``.  A conftest
can supply its own (any object with ``ask()`` and ``conversation()``)::

    def pytest_configure(config):
        from sahel_bot.interfaces.pytest_plugin import use_bot
        use_bot(config, my_bot)

The format of FAQ files and the checks are those of :mod:`sahel_bot.evaluation`.
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest  # already imported by whoever loads this plugin: free

if TYPE_CHECKING:
    from ..evaluation import Case, CaseResult

__all__ = ["FaqFile", "FaqItem", "bot_for", "use_bot"]

_BOT = pytest.StashKey[Any]()
_BOT_ERROR = pytest.StashKey[BaseException]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "sahel_faq_glob",
        "space-separated glob(s) of the FAQ files run as tests by sahel-bot's plugin",
        default="faq_*.yaml",
    )
    parser.addini(
        "sahel_faq_knowledge",
        "knowledge directory for the FAQ tests (relative to the ini file); default: the shipped knowledge",
        default="",
    )
    group = parser.getgroup("sahel-bot", "sahel-bot FAQ tests")
    group.addoption(
        "--sahel-knowledge",
        metavar="DIR",
        default=None,
        help="knowledge directory the FAQ tests load (default: ini sahel_faq_knowledge, "
        "env SAHEL_BOT_KNOWLEDGE_DIR, else the shipped knowledge)",
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> FaqFile | None:
    patterns = str(parent.config.getini("sahel_faq_glob")).split()
    if any(fnmatch.fnmatch(file_path.name, pattern) for pattern in patterns):
        return FaqFile.from_parent(parent, path=file_path)
    return None


def use_bot(config: pytest.Config, bot: Any) -> None:
    """Make FAQ items of this session ask ``bot`` (call it from ``pytest_configure``)."""
    config.stash[_BOT] = bot


def bot_for(config: pytest.Config) -> Any:
    """Return the session's bot, loading it on first use (and remembering a failure to load)."""
    if _BOT in config.stash:
        return config.stash[_BOT]
    if _BOT_ERROR in config.stash:
        raise config.stash[_BOT_ERROR]
    from .. import Bot, Settings

    knowledge = _knowledge_dir(config)
    try:
        settings = Settings.from_env(knowledge_dir=knowledge)
        bot = Bot.load(settings=settings)
    except Exception as exc:
        config.stash[_BOT_ERROR] = exc
        raise
    config.stash[_BOT] = bot
    return bot


def _knowledge_dir(config: pytest.Config) -> str | None:
    option = config.getoption("sahel_knowledge", default=None)
    if option:
        return str(option)
    ini = str(config.getini("sahel_faq_knowledge") or "")
    if ini:
        base = config.inipath.parent if config.inipath else config.rootpath
        return str((base / ini).resolve())
    return os.environ.get("SAHEL_BOT_KNOWLEDGE_DIR") or None


class FaqFailure(Exception):
    """Raised by a FAQ item whose reply did not meet its expectations."""

    def __init__(self, result: CaseResult) -> None:
        super().__init__(result.case.id)
        self.result = result


class FaqFile(pytest.File):
    """A FAQ file: one :class:`FaqItem` per question or conversation."""

    def collect(self) -> list[FaqItem]:
        from ..evaluation import FaqFormatError, parse_cases

        try:
            shown = self.path.relative_to(self.config.rootpath)
        except ValueError:
            shown = self.path
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise self.CollectError(f"{shown}:1:1: cannot read the FAQ file: {exc}") from None
        try:
            cases = parse_cases(text, str(shown))
        except FaqFormatError as exc:
            raise self.CollectError(f"invalid FAQ file\n{exc}") from None
        return [FaqItem.from_parent(self, name=case.id, case=case) for case in cases]


class FaqItem(pytest.Item):
    """One FAQ question (or conversation), located at its line of the file."""

    def __init__(self, *, case: Case, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.user_properties.append(("question", case.turns[0].q))
        if case.xfail:
            # a known gap, written down in the FAQ file; strict, so fixing it is noticed
            self.add_marker(pytest.mark.xfail(reason=case.xfail, strict=True, raises=FaqFailure))

    def runtest(self) -> None:
        from ..evaluation import run_case

        result = run_case(bot_for(self.config), self.case)
        if not result.passed:
            raise FaqFailure(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str | Any:
        from ..errors import SahelBotError
        from ..evaluation import render_failure

        if isinstance(excinfo.value, FaqFailure):
            return render_failure(excinfo.value.result)
        if isinstance(excinfo.value, SahelBotError):
            return f"{self.case.location}: the bot could not be loaded:\n{excinfo.value}"
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        kind = "conversation" if self.case.conversation else "faq"
        return self.path, self.case.line - 1, f"{kind}: {self.case.id}"
