"""The pieces of the ``sahel-bot`` argument parser: a help formatter that wraps to the terminal without
importing shutil, a parser whose description (the brief's scope) is read only when help is shown, and
the usage error the commands raise after parsing.  May import: the standard library and sahel_bot.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from ..errors import SahelBotError

__all__ = ["HelpFormatter", "Parser", "UsageError", "describe_brief", "terminal_columns"]


def terminal_columns() -> int:
    """Return the terminal's width as ``shutil.get_terminal_size`` would, without importing shutil.

    argparse imports shutil (and with it bz2 and lzma) for every parser it builds, which is a few
    milliseconds of every ``sahel-bot ask``: worth the eight lines.
    """
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Wraps the paragraphs of descriptions and epilogs to the terminal, but keeps indented tables as written."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None):
        width = terminal_columns() - 2 if width is None else width
        super().__init__(prog, indent_increment, max_help_position, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        import textwrap

        paragraphs = []
        for paragraph in text.strip("\n").split("\n\n"):
            if "\n " in paragraph or paragraph.startswith(" "):
                paragraphs.append("\n".join(indent + line for line in paragraph.splitlines()))
            else:
                words = " ".join(paragraph.split())
                paragraphs.append(textwrap.fill(words, width, initial_indent=indent, subsequent_indent=indent))
        return "\n\n".join(paragraphs) + ("\n" if text.endswith("\n") else "")


class UsageError(Exception):
    """A bad argument found after parsing (e.g. an intent the loaded bot does not have): exit 2 with usage."""


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose description may be computed when help is shown, not before.

    The description names the brief, which is read from the knowledge's front matter: worth it for
    ``--help``, not for every ``sahel-bot ask``.
    """

    describe: Callable[[], str | None] | None = None

    def format_help(self) -> str:
        if self.describe is not None:
            self.description = self.describe() or self.description
            self.describe = None
        return super().format_help()


def describe_brief(knowledge: str | None) -> Callable[[], str | None]:
    """Return a function giving one paragraph on what the brief covers, or ``None`` when it cannot be read."""

    def describe() -> str | None:
        from ..about import About
        from ..knowledge.brief import read_front_matter
        from ..knowledge.loader import default_knowledge_dir

        try:
            root = Path(knowledge or os.environ.get("SAHEL_BOT_KNOWLEDGE_DIR") or default_knowledge_dir())
            files = sorted((root / "brief").glob("*.txt"))
            about = About.from_front_matter(read_front_matter(files[0]))
        except (SahelBotError, OSError, IndexError, ValueError):
            return None
        text = f"Grounded answers about {about.scope}, from {about.citation}."
        if about.examples:
            text += f'\n\nFor example: sahel-bot ask "{about.examples[0]}"'
        return text

    return describe
