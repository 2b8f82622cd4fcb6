"""Start the interactive REPL: ask questions about the brief, follow up, check the sources.

On a terminal, a prompt_toolkit ``PromptSession`` (one per REPL, owning the
history) with completion of names and commands, suggestions from history and a
toolbar showing the conversation's subject.  When standard input or output is
not a terminal, a plain mode (``shell.run_piped``): each input line is one turn
of one conversation, answers are printed with their citations and without
escape codes, so ``echo "who leads aqim" | sahel-bot`` and
``sahel-bot < questions.txt`` work.

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
from typing import TYPE_CHECKING, Any

from .cli import add_knowledge_argument, load_bot
from .render import STYLE, Fragments, banner, error, notice, plain, toolbar
from .shell import EXIT_OK, Output, Shell, run_piped

if TYPE_CHECKING:
    from prompt_toolkit.formatted_text import FormattedText

__all__ = ["Output", "Repl", "Shell", "add_arguments", "run", "run_pager", "run_piped"]

PROMPT = "sahel> "

#: Without colour the history suggestion would look like typed text: underline it instead (NO_COLOR only
#: forbids colour).
NO_COLOR_STYLE = {"auto-suggestion": "underline"}


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
    notices:
        Like ``warnings``, but news rather than trouble (e.g. that a miss log is kept); shown dimmed.
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
        notices: list[str] | None = None,
    ) -> None:
        from prompt_toolkit import PromptSession
        from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
        from prompt_toolkit.history import InMemoryHistory
        from prompt_toolkit.output import ColorDepth
        from prompt_toolkit.styles import Style

        from .completion import ReplCompleter

        self.bot = bot
        self.style = Style.from_dict(STYLE if color else {**STYLE, **NO_COLOR_STYLE})
        self.color_depth = None if color else ColorDepth.DEPTH_1_BIT
        self.warnings = warnings if warnings is not None else []
        self.notices = notices if notices is not None else []
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

    def _flush_messages(self) -> None:
        while self.warnings:
            self.print(notice("warning: " + self.warnings.pop(0), "class:warning", self.width()))
        while self.notices:
            self.print([*notice(self.notices.pop(0), "class:notice", self.width()), ("", "\n")])

    def run(self) -> int:
        """Run until /quit or Ctrl-D; return the exit status (0)."""
        self.print([*banner(self.bot, self.width()), ("", "\n")])
        while True:
            self._flush_messages()
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
                self.print(error(f"Internal error while answering: {exc!r}. Please report it.", self.width()))
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


def _miss_logger(
    args: argparse.Namespace, warn: Callable[[str], None], notify: Callable[[str], None] | None = None
) -> Callable[[Any], None] | None:
    """Return the callback that appends declined and unsure replies to the miss log, or None when it is off.

    The log is ``sahel_bot.misses.MissLog`` (interface "repl"): on by default,
    ``SAHEL_BOT_MISS_LOG`` moves it or turns it off, and so does ``--no-miss-log``.
    The log holds the questions as typed, so at the first one written ``notify``
    says so once: where, and how to turn it off.  A log that cannot be written
    costs one warning, never the session.
    """
    if args.no_miss_log:
        return None
    from ..misses import ENV_VAR, MissLog

    log = MissLog.from_env(interface="repl")
    if not log.enabled:
        return None
    warned = told = False

    def record(reply: Any) -> None:
        nonlocal warned, told
        if log.record(reply):
            if notify is not None and not told:
                told = True
                notify(
                    f"(Questions the bot could not answer are kept for the maintainers in {log.path}; "
                    f"sahel-bot --no-miss-log, or {ENV_VAR}=off, turns this off.)"
                )
        elif log.last_error and not warned:
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
    notices: list[str] = []
    on_reply = _miss_logger(args, warnings.append, notices.append)
    path = None if args.no_history else history_path(args.history)
    history = open_history(path, warnings.append)
    color = not (args.no_color or os.environ.get("NO_COLOR"))
    repl = Repl(bot, history=history, color=color, on_reply=on_reply, warnings=warnings, notices=notices)
    return repl.run()
