"""Start the interactive REPL: ask questions about the brief, follow up, check the sources.

On a terminal, a prompt_toolkit ``PromptSession`` (one per REPL, owning the
history) with completion of names and commands, suggestions from history and a
toolbar showing the conversation's subject.  When standard input or output is
not a terminal, a plain mode: each input line is one turn of one conversation,
answers are printed with their citations and without escape codes, so
``echo "who leads aqim" | sahel-bot`` and ``sahel-bot < questions.txt`` work.

Only the standard library and ``sahel_bot`` are imported at module level: the
CLI imports this module at start-up to register its arguments, and
prompt_toolkit is imported when the REPL actually starts.
May import: the standard library, ``sahel_bot``; prompt_toolkit inside functions.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from .cli import add_knowledge_argument, format_reply, load_bot
from .render import (
    COMMANDS,
    STYLE,
    Fragments,
    banner,
    brief_text,
    error,
    explanation,
    help_text,
    notice,
    plain,
    reply_fragments,
    section_titles,
    sources,
    toolbar,
)

if TYPE_CHECKING:
    from prompt_toolkit.formatted_text import FormattedText

__all__ = ["Output", "Repl", "Shell", "add_arguments", "run", "run_pager", "run_piped"]

PROMPT = "sahel> "
EXIT_OK = 0
EXIT_BAD_INPUT = 1

#: Bare words that act like their slash command (people type them without thinking).
_BARE_WORDS = {"help": "/help", "quit": "/quit", "exit": "/quit"}
#: Other spellings of the commands.
_ALIASES = {"/exit": "/quit", "/q": "/quit", "/?": "/help", "/": "/help", "/source": "/sources"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the REPL's options on ``parser`` (also used by ``sahel-bot`` with no command)."""
    add_knowledge_argument(parser)
    parser.add_argument(
        "--history",
        metavar="FILE",
        default=None,
        help="keep the question history in FILE (env SAHEL_BOT_HISTORY; "
        "default: $XDG_STATE_HOME/sahel-bot/history, or ~/.local/state/sahel-bot/history)",
    )
    parser.add_argument("--no-history", action="store_true", help="keep no history on disk")
    parser.add_argument(
        "--no-miss-log",
        action="store_true",
        help="do not log unanswered questions (default: logged for the maintainers to "
        "$XDG_STATE_HOME/sahel-bot/misses.jsonl; env SAHEL_BOT_MISS_LOG=PATH or off)",
    )
    parser.add_argument(
        "--no-color",
        action="store_true",
        help="no colours (also when the NO_COLOR environment variable is set, or TERM=dumb)",
    )


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
                return Output(
                    error(f"There is no suggestion {number}: type {choices}, or ask a question."), failed=True
                )
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
            return Output(error(f"Unknown command {name!r}; {hint}"), failed=True)
        if arg and name != "/brief":
            return Output(error(f"{name} takes no argument (got {arg!r})."), failed=True)
        width = self.width()
        if name == "/help":
            return Output(help_text(width))
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
            return Output(notice("Forgot the conversation: the next question starts afresh."))
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
            return Output(error(f"No section {arg!r} in the brief; the sections are: {names}."), failed=True)
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
            print(f"sahel-bot: line {number}: {plain(result.fragments).strip()}", file=err, flush=True)
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


# -- paging --------------------------------------------------------------------------------------------


def run_pager(text: str) -> bool:
    """Show ``text`` through ``$PAGER`` (default ``less``); return False when no pager could run.

    While the pager runs, Ctrl-C belongs to it (as with git): the REPL ignores SIGINT.
    """
    import shlex
    import signal
    import subprocess

    command = os.environ.get("PAGER") or "less"
    try:
        argv = shlex.split(command)
    except ValueError:
        return False
    if not argv or shutil.which(argv[0]) is None:
        return False
    env = dict(os.environ)
    if os.path.basename(argv[0]) == "less":
        env.setdefault("LESS", "-FRX")
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        subprocess.run(argv, input=text, text=True, env=env, check=False)
    except OSError:
        return False
    finally:
        signal.signal(signal.SIGINT, previous)
    return True


# -- the interactive REPL ------------------------------------------------------------------------------


class Repl:
    """The interactive REPL: one ``PromptSession`` over one :class:`Shell`.

    Parameters
    ----------
    bot:
        A loaded ``Bot`` (or anything with the same public API).
    history:
        A prompt_toolkit ``History`` (default: in memory).
    input, output:
        prompt_toolkit ``Input``/``Output`` for the prompt (default: the terminal);
        tests pass ``create_pipe_input()`` and ``DummyOutput()``.
    console:
        Where answers and messages go (default: ``output``).
    color:
        False for no colours (``--no-color``, ``NO_COLOR``); True lets the terminal decide.
    pager:
        Shows long text; returns False when it could not (then the text is printed).
    on_reply:
        Sees every reply (the miss log).
    warnings:
        Messages to show before the next prompt (e.g. from the history); later ones may be appended.
    """

    def __init__(
        self,
        bot: Any,
        *,
        history: Any = None,
        input: Any = None,
        output: Any = None,
        console: Any = None,
        color: bool = True,
        pager: Callable[[str], bool] | None = None,
        on_reply: Callable[[Any], None] | None = None,
        warnings: list[str] | None = None,
    ) -> None:
        from prompt_toolkit import PromptSession
        from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
        from prompt_toolkit.history import InMemoryHistory
        from prompt_toolkit.output import ColorDepth
        from prompt_toolkit.styles import Style

        from .completion import ReplCompleter

        self.bot = bot
        self.style = Style.from_dict(STYLE)
        self.color_depth = None if color else ColorDepth.DEPTH_1_BIT
        self.warnings = warnings if warnings is not None else []
        self.pager = pager or run_pager
        self.session: Any = PromptSession(
            message=[("class:prompt", PROMPT)],
            history=history if history is not None else InMemoryHistory(),
            auto_suggest=AutoSuggestFromHistory(),
            completer=ReplCompleter.from_bot(bot),
            complete_while_typing=True,
            bottom_toolbar=self._toolbar,
            style=self.style,
            include_default_pygments_style=False,
            color_depth=self.color_depth,
            search_ignore_case=True,
            input=input,
            output=output,
        )
        self.console = console if console is not None else self.session.output
        self.shell = Shell(bot, width=self.width, on_reply=on_reply)

    def width(self) -> int:
        """Return the width answers are wrapped to: the terminal's, less one column."""
        return max(20, int(self.console.get_size().columns) - 1)

    def _toolbar(self) -> FormattedText:
        from prompt_toolkit.formatted_text import FormattedText

        return FormattedText(toolbar(self.shell.subject))

    def print(self, fragments: Fragments) -> None:
        """Print ``fragments`` to the console, in colour when the terminal has it."""
        from prompt_toolkit import print_formatted_text
        from prompt_toolkit.formatted_text import FormattedText

        print_formatted_text(
            FormattedText(fragments),
            end="",
            style=self.style,
            output=self.console,
            color_depth=self.color_depth,
            include_default_pygments_style=False,
        )

    def show(self, result: Output) -> None:
        """Show one line's output: paged when it is long and taller than the terminal."""
        if not result.fragments:
            return
        if result.long:
            rows = int(self.console.get_size().rows)
            text = plain(result.fragments)
            if text.count("\n") >= rows - 1 and self.pager(text):
                return
        self.print([*result.fragments, ("", "\n")])

    def _flush_warnings(self) -> None:
        while self.warnings:
            self.print([("class:warning", "warning: " + self.warnings.pop(0)), ("", "\n")])

    def run(self) -> int:
        """Run until /quit or Ctrl-D; return the exit status (0)."""
        self.print([*banner(self.bot), ("", "\n")])
        while True:
            self._flush_warnings()
            try:
                line = self.session.prompt()
            except KeyboardInterrupt:  # Ctrl-C: drop the line, keep going
                continue
            except EOFError:  # Ctrl-D on an empty line
                break
            try:
                result = self.shell.handle(line)
            except KeyboardInterrupt:
                self.print(notice("(interrupted)"))
                continue
            except Exception as exc:  # a bug in the engine must not end the session
                self.print(error(f"Internal error while answering: {exc!r}. Please report it."))
                continue
            if result.quit:
                break
            self.show(result)
        return EXIT_OK


# -- entry point ---------------------------------------------------------------------------------------


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):
        return False


def _miss_logger(args: argparse.Namespace, warn: Callable[[str], None]) -> Callable[[Any], None] | None:
    """Return the callback that appends declined and unsure replies to the miss log, or None when it is off.

    The log is ``sahel_bot.misses.MissLog`` (interface "repl"): on by default,
    ``SAHEL_BOT_MISS_LOG`` moves it or turns it off, and so does ``--no-miss-log``.
    A log that cannot be written costs one warning, never the session.
    """
    if args.no_miss_log:
        return None
    from ..misses import MissLog

    log = MissLog.from_env(interface="repl")
    if not log.enabled:
        return None
    warned = False

    def record(reply: Any) -> None:
        nonlocal warned
        if not log.record(reply) and log.last_error and not warned:
            warned = True
            warn(f"{log.last_error}; unanswered questions are not being logged.")

    return record


def _stdin_lines() -> Sequence[bytes] | Iterable[bytes]:
    stdin = sys.stdin
    if stdin is None:
        return ()
    buffer = getattr(stdin, "buffer", None)
    if buffer is not None:
        return iter(buffer.readline, b"")
    return (line.encode("utf-8") for line in stdin)


def run(args: argparse.Namespace) -> int:
    """Run the REPL (or the piped mode) for parsed ``args``; return the exit status.

    Knowledge and configuration errors propagate as ``SahelBotError`` for the
    CLI to print (``file:line:col: message``) with a non-zero status.
    """
    bot = load_bot(args)
    if not (_is_terminal(sys.stdin) and _is_terminal(sys.stdout)):
        if hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(errors="replace")
        on_reply = _miss_logger(args, lambda message: print(f"sahel-bot: warning: {message}", file=sys.stderr))
        return run_piped(bot, _stdin_lines(), sys.stdout, sys.stderr, on_reply=on_reply)

    from .history import history_path, open_history

    warnings: list[str] = []
    on_reply = _miss_logger(args, warnings.append)
    path = None if args.no_history else history_path(args.history)
    history = open_history(path, warnings.append)
    color = not (args.no_color or os.environ.get("NO_COLOR"))
    repl = Repl(bot, history=history, color=color, on_reply=on_reply, warnings=warnings)
    return repl.run()
