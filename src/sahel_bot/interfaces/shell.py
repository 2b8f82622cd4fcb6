"""One conversation driven line by line, with no terminal: questions, slash commands, "did you mean" numbers.

:class:`Shell` turns one input line into an :class:`Output` (styled fragments
and what to do with them); the interactive REPL (``repl.py``) shows them in a
terminal, and :func:`run_piped` prints them plainly for pipes and files.
May import: the standard library and ``sahel_bot`` (never prompt_toolkit: pipes do not need it).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from .cli import format_reply
from .render import (
    COMMANDS,
    Fragments,
    brief_text,
    error,
    explanation,
    help_text,
    notice,
    plain,
    reply_fragments,
    section_titles,
    sources,
)

__all__ = ["EXIT_BAD_INPUT", "EXIT_OK", "Output", "Shell", "run_piped"]

EXIT_OK = 0
EXIT_BAD_INPUT = 1

#: Bare words that act like their slash command (people type them without thinking).
_BARE_WORDS = {"help": "/help", "quit": "/quit", "exit": "/quit"}
#: Other spellings of the commands.
_ALIASES = {"/exit": "/quit", "/q": "/quit", "/?": "/help", "/": "/help", "/source": "/sources"}


# -- the transport-free part: one conversation, commands, "did you mean" numbers ---------------------


@dataclass
class Output:
    """What one input line produced: fragments to show, and what to do with them."""

    fragments: Fragments = field(default_factory=list)
    #: the user asked to leave
    quit: bool = False
    #: long text (a section of the brief): page it when it does not fit
    long: bool = False
    #: the line was bad input (an unknown command, a bad argument)
    failed: bool = False


class Shell:
    """One conversation with the bot, driven line by line; knows nothing about terminals.

    ``handle(line)`` returns an :class:`Output`.  A line is a question, a slash
    command, or a number answering the last "did you mean".  ``render_reply`` lays
    a reply out (styled for the terminal, plain for pipes); ``width`` gives the
    current width in columns.  ``on_reply`` sees every reply (the miss log).
    """

    def __init__(
        self,
        bot: Any,
        *,
        width: Callable[[], int] = lambda: 80,
        render_reply: Callable[[Any, int], Fragments] | None = None,
        on_reply: Callable[[Any], None] | None = None,
    ) -> None:
        self.bot = bot
        self.conversation = bot.conversation()
        self.width = width
        self.titles = section_titles(bot.knowledge.brief)
        self.render_reply = render_reply or (lambda reply, w: reply_fragments(reply, w, self.titles))
        self.on_reply = on_reply
        self.last: Any | None = None
        self.pending: tuple[str, ...] = ()

    @property
    def subject(self) -> str | None:
        return self.conversation.subject  # type: ignore[no-any-return]

    def handle(self, line: str) -> Output:
        """Return what ``line`` produces.  Never raises for bad input: that is an Output with ``failed``."""
        text = line.strip()
        if not text:
            return Output()
        word = _BARE_WORDS.get(text.casefold())
        if word:
            return self.command(word)
        if text.startswith("/"):
            return self.command(text)
        choice = text.rstrip(".)")
        if self.pending and choice.isascii() and choice.isdecimal():
            number = int(choice)
            if not 1 <= number <= len(self.pending):
                n = len(self.pending)
                choices = "1" if n == 1 else f"1-{n}"
                message = f"There is no suggestion {number}: type {choices}, or ask a question."
                return Output(error(message, self.width()), failed=True)
            question = self.pending[number - 1]
            out = self.ask(question)
            out.fragments[:0] = notice(f"\u2192 {question}")
            return out
        return self.ask(text)

    def ask(self, question: str) -> Output:
        """Ask ``question`` as the next turn and return the laid-out reply."""
        reply = self.conversation.ask(question)
        self.last = reply
        self.pending = tuple(reply.suggestions)
        if self.on_reply is not None:
            self.on_reply(reply)
        return Output(self.render_reply(reply, self.width()))

    def command(self, text: str) -> Output:
        """Run a slash command (``text`` starts with "/")."""
        name, _, arg = text.partition(" ")
        name = name.casefold()
        name = _ALIASES.get(name, name)
        arg = arg.strip()
        if name not in COMMANDS:
            import difflib

            close = difflib.get_close_matches(name, list(COMMANDS), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}?" if close else "type /help for the list."
            return Output(error(f"Unknown command {name!r}; {hint}", self.width()), failed=True)
        if arg and name != "/brief":
            return Output(error(f"{name} takes no argument (got {arg!r}).", self.width()), failed=True)
        width = self.width()
        if name == "/help":
            return Output(help_text(width, getattr(self.bot, "about", None)))
        if name == "/why":
            return Output(explanation(self.last))
        if name == "/sources":
            return Output(sources(self.bot.knowledge, width))
        if name == "/brief":
            return self._brief(arg, width)
        if name == "/reset":
            self.conversation.reset()
            self.last = None
            self.pending = ()
            return Output(notice("Forgot the conversation: the next question starts afresh.", width=width))
        return Output(quit=True)

    def _brief(self, arg: str, width: int) -> Output:
        brief = self.bot.knowledge.brief
        if not arg:
            return Output(brief_text(brief.sections, width), long=True)
        section = None
        if arg.isascii() and arg.isdecimal():
            if 1 <= int(arg) <= len(brief.sections):
                section = brief.sections[int(arg) - 1]
        else:
            section = brief.section(arg)
        if section is None:
            names = ", ".join(f"{i} {s.title}" for i, s in enumerate(brief.sections, start=1))
            return Output(error(f"No section {arg!r} in the brief; the sections are: {names}.", width), failed=True)
        return Output(brief_text([section], width), long=True)


# -- piped mode ----------------------------------------------------------------------------------------


def run_piped(
    bot: Any,
    lines: Iterable[bytes | str],
    out: IO[str],
    err: IO[str],
    on_reply: Callable[[Any], None] | None = None,
) -> int:
    """Answer each line of ``lines`` as one turn of one conversation; return the exit status.

    Answers are printed as ``sahel-bot ask`` prints them (text, numbered
    suggestions, ``[Section] "quote"`` citations), separated by blank lines,
    without escape codes.  Commands work too.  Bad lines (an unknown command,
    text that is not UTF-8) are reported on ``err`` with their line number, the
    rest still runs, and the status is then 1.
    """
    width = shutil.get_terminal_size((80, 24)).columns
    shell = Shell(
        bot,
        width=lambda: width,
        render_reply=lambda reply, _: [("", format_reply(reply) + "\n")],
        on_reply=on_reply,
    )
    status = EXIT_OK
    first = True
    for number, raw in enumerate(lines, start=1):
        if isinstance(raw, bytes):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                print(f"sahel-bot: line {number}: not UTF-8 text; skipped.", file=err, flush=True)
                status = EXIT_BAD_INPUT
                continue
        else:
            line = raw
        line = line.lstrip("\ufeff") if number == 1 else line
        try:
            result = shell.handle(line.rstrip("\r\n"))
        except Exception as exc:  # a bug in the engine must not cost the other lines
            print(f"sahel-bot: line {number}: internal error: {exc!r}", file=err, flush=True)
            status = EXIT_BAD_INPUT
            continue
        if result.failed:
            message = " ".join(plain(result.fragments).split())  # one line per bad input line, however wrapped
            print(f"sahel-bot: line {number}: {message}", file=err, flush=True)
            status = EXIT_BAD_INPUT
            continue
        if result.quit:
            break
        if result.fragments:
            if not first:
                out.write("\n")
            out.write(plain(result.fragments))
            out.flush()
            first = False
    return status
