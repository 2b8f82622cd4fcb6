"""The ``sahel-bot`` command: a thin layer that turns arguments into calls on the public API.

Subcommands live in their own interface modules, each exposing
``add_arguments(parser)`` and ``run(args) -> int``; those modules keep their
heavy imports (prompt_toolkit, starlette, uvicorn) inside functions, so
``sahel-bot ask`` starts fast.  Core errors (``SahelBotError``) become one-line
messages and an exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
from typing import Any

from .. import __version__
from ..errors import ConfigError, KnowledgeErrors, SahelBotError
from ..plural import plural
from .arguments import directory
from .cli_parser import HelpFormatter, Parser, UsageError, describe_brief

EXIT_OK = 0
EXIT_FAILED = 1  # knowledge errors, a failed check, an evaluation under --fail-under
EXIT_USAGE = 2  # bad arguments
EXIT_CONFIG = 3  # a bad setting (environment variable or flag value)
EXIT_INTERRUPTED = 130

EPILOG = """\
exit status:
  0    success
  1    the knowledge does not hold (errors are printed as file:line:col: message),
       'check' found a problem, or 'eval' scored under --fail-under
  2    bad command-line usage
  3    a bad setting (environment variable or flag)
  130  interrupted (Ctrl-C)
"""

#: Only the top-level help says what happens without a command (the subcommands' help is about them).
TOP_EPILOG = (
    """\
With no command, sahel-bot starts the interactive REPL on a terminal, and reads one
question per line (one conversation) when standard input is a pipe or a file.

"""
    + EPILOG
)

GENERIC_DESCRIPTION = "Ask questions about a brief and get short answers, each quoting the sentence it rests on."

# name -> (module, one-line help); "ask" and "check" live here.
EXTERNAL_COMMANDS: dict[str, tuple[str, str]] = {
    "repl": ("sahel_bot.interfaces.repl", "start the interactive REPL (the default on a terminal)"),
    "serve": ("sahel_bot.interfaces.serve", "run the Slack-style webhook server (uvicorn)"),
    "eval": ("sahel_bot.interfaces.evaluation", "run FAQ or evaluation files and print a report"),
    "misses": ("sahel_bot.interfaces.misses", "show what the bot could not answer, grouped"),
    "completion": ("sahel_bot.interfaces.shell_completion", "print a shell completion script (bash, zsh or fish)"),
}
COMMANDS = ("ask", "check", *EXTERNAL_COMMANDS)


def add_knowledge_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--knowledge DIR`` (shared by every command that loads the bot)."""
    parser.add_argument(
        "--knowledge",
        metavar="DIR",
        type=directory,
        default=None,
        help="a knowledge directory laid out like the repository (brief/, facts/, intents/); "
        "default: the shipped knowledge (env SAHEL_BOT_KNOWLEDGE_DIR)",
    )


def load_bot(args: argparse.Namespace) -> Any:
    """Return a loaded ``Bot`` for ``args`` (raises ``SahelBotError`` subclasses)."""
    from ..bot import Bot
    from ..config import Settings

    settings = Settings.from_env(knowledge_dir=getattr(args, "knowledge", None))
    return Bot.load(settings=settings)


def _print_knowledge_errors(exc: KnowledgeErrors) -> None:
    for error in exc.errors:
        print(str(error), file=sys.stderr)
    n = len(exc.errors)
    print(f"sahel-bot: {plural(n, 'problem')} in the knowledge; nothing was loaded.", file=sys.stderr)


# -- ask -------------------------------------------------------------------------------


def _add_ask(sub: Any) -> None:
    p = sub.add_parser(
        "ask",
        help="answer questions (from arguments, or one per line on standard input)",
        description="Answer questions. With no QUESTION, read one question per line from standard input.",
        epilog=EPILOG,
        formatter_class=HelpFormatter,
    )
    p.add_argument(
        "question",
        nargs="*",
        metavar="QUESTION",
        help="a question (its words are joined into one); with --conversation, each QUESTION is one turn",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object per question (JSON Lines)")
    p.add_argument(
        "--conversation",
        action="store_true",
        help="treat the questions (arguments, or lines of standard input) as consecutive turns of one conversation",
    )
    p.add_argument("--explain", action="store_true", help="show why each answer was given")
    add_knowledge_argument(p)
    p.set_defaults(func=_run_ask)


def format_reply(reply: Any, explain: bool = False) -> str:
    """Return a reply as plain text: the answer, then its citations (and the explanation)."""
    from .render import quoted

    lines = [reply.text]
    for i, suggestion in enumerate(reply.suggestions, start=1):
        lines.append(f"  {i}. {suggestion}")
    for citation in reply.citations:
        lines.append(f"  [{citation.section}] {quoted(citation.quote)}")
    if explain:
        lines.append("")
        lines.extend("  " + line for line in reply.explanation.render().splitlines())
    return "\n".join(lines)


def _run_ask(args: argparse.Namespace) -> int:
    bot = load_bot(args)
    if args.question:
        questions: Any = list(args.question) if args.conversation else [" ".join(args.question)]
    else:
        if sys.stdin is not None and sys.stdin.isatty():
            print(
                "sahel-bot ask: type a question and press Enter (one per line; Ctrl-D to finish). "
                "For the interactive REPL, run sahel-bot with no command.",
                file=sys.stderr,
                flush=True,
            )
        questions = (line.rstrip("\r\n") for line in sys.stdin)
    conversation = bot.conversation() if args.conversation else None
    first = True
    for question in questions:
        if not args.question and not question.strip() and not args.json:
            continue
        reply = conversation.ask(question) if conversation else bot.ask(question)
        if args.json:
            import json  # only with --json: a plain `ask` starts without it

            print(json.dumps(reply.to_dict(explain=args.explain), ensure_ascii=False), flush=True)
        else:
            if not first:
                print()
            print(format_reply(reply, explain=args.explain), flush=True)
        first = False
    return EXIT_OK


# -- check -----------------------------------------------------------------------------


def _add_check(sub: Any) -> None:
    p = sub.add_parser(
        "check",
        help="validate the knowledge and print a summary",
        description="Validate the brief, facts and intents; print every problem as file:line:col: message, "
        "or a summary. Exits 0 only when everything holds, including 100% sentence coverage.",
        epilog=EPILOG,
        formatter_class=HelpFormatter,
    )
    add_knowledge_argument(p)
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=_run_check)


def _run_check(args: argparse.Namespace) -> int:
    from ..config import Settings
    from ..knowledge.loader import load_knowledge
    from ..knowledge.summary import summarize

    settings = Settings.from_env(knowledge_dir=args.knowledge)
    knowledge = load_knowledge(settings.knowledge_dir)
    summary = summarize(knowledge, settings)
    if args.json:
        import json

        print(json.dumps(summary.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(summary.render())
    if summary.uncited:
        n = len(summary.uncited)
        verb = "is" if n == 1 else "are"
        uncited = ", ".join(summary.uncited)
        print(f"sahel-bot: {plural(n, 'sentence')} of the brief {verb} cited by no fact: {uncited}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


# -- main ------------------------------------------------------------------------------


def build_parser(load: bool | str = True, knowledge: str | None = None) -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand registered.

    ``load`` says which external command modules to import for their full
    arguments: all (``True``), one by name, or none (``False``: they are listed
    for ``--help`` but not imported, so ``sahel-bot ask`` starts fast).
    ``knowledge`` is the ``--knowledge`` directory, if given: the help describes its brief.
    """
    parser = Parser(
        prog="sahel-bot",
        description=GENERIC_DESCRIPTION,
        epilog=TOP_EPILOG,
        formatter_class=HelpFormatter,
    )
    parser.describe = describe_brief(knowledge)
    parser.add_argument("--version", action="version", version=f"sahel-bot {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_ask(sub)
    _add_check(sub)
    for name, (module_name, help_text) in EXTERNAL_COMMANDS.items():
        if load is not True and load != name:
            placeholder = sub.add_parser(name, help=help_text, add_help=False, formatter_class=HelpFormatter)
            placeholder.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
            continue
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        p = sub.add_parser(
            name,
            help=help_text,
            description=(module.__doc__ or help_text).strip().splitlines()[0],
            epilog=EPILOG,
            formatter_class=HelpFormatter,
        )
        module.add_arguments(p)
        p.set_defaults(func=module.run)
    parser.set_defaults(subcommands=sub.choices)
    return parser


def _subparser(parser: argparse.ArgumentParser, command: str | None) -> argparse.ArgumentParser:
    choices = parser.get_default("subcommands") or {}
    found = choices.get(command) if command else None
    return found if isinstance(found, argparse.ArgumentParser) else parser


def _quoted(text: str) -> str:
    """Return ``text`` quoted for a POSIX shell, in double quotes when that is safe (it reads best)."""
    if re.search(r'["$`\\!]', text):
        import shlex

        return shlex.quote(text)
    return f'"{text}"'


def _not_a_command(parser: argparse.ArgumentParser, argv: list[str]) -> None:
    """Exit 2 for a first argument that is no command: a near miss of one, or a question typed without ``ask``."""
    import difflib  # only for a mistyped command: not on the path of every `ask`

    word = argv[0]
    close = difflib.get_close_matches(word, COMMANDS, n=1, cutoff=0.6)
    if close and not re.search(r"\s", word):
        parser.error(f"unknown command {word!r}; did you mean {close[0]!r}?")
    question = " ".join(argv)
    parser.error(f"{word!r} is not a command. To ask a question: sahel-bot ask {_quoted(question)}")


def _unrecognized(parser: argparse.ArgumentParser, extras: list[str]) -> str:
    """Return the message for arguments the command does not take, naming the closest option."""
    import difflib

    message = "unrecognized arguments: " + " ".join(extras)
    options = [s for action in parser._actions for s in action.option_strings]
    for extra in extras:
        if extra.startswith("-"):
            close = difflib.get_close_matches(extra.split("=", 1)[0], options, n=1, cutoff=0.6)
            if close:
                return f"{message}; did you mean {close[0]!r}?"
    return message


def _knowledge_flag(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--knowledge" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--knowledge="):
            return arg.split("=", 1)[1]
    return None


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        # No command: the REPL on a terminal, a plain conversation over a pipe; its options apply.
        argv = ["repl", *argv]
    command = argv[0]
    if command in EXTERNAL_COMMANDS:
        load: bool | str = command
    elif command in ("ask", "check") or not command.startswith("-"):
        load = False
    else:
        load = True
    parser = build_parser(load, knowledge=_knowledge_flag(argv))
    if not command.startswith("-") and command not in COMMANDS:
        _not_a_command(parser, argv)
    args, extras = parser.parse_known_args(argv)
    if extras:
        target = _subparser(parser, args.command)
        target.error(_unrecognized(target, extras))
    try:
        return int(args.func(args) or 0)
    except UsageError as exc:
        _subparser(parser, args.command).error(str(exc))
    except KnowledgeErrors as exc:
        _print_knowledge_errors(exc)
        return EXIT_FAILED
    except ConfigError as exc:
        print(f"sahel-bot: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except SahelBotError as exc:
        print(f"sahel-bot: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # the reader went away (e.g. `sahel-bot ask ... | head`): not an error of ours
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return EXIT_OK
    return EXIT_USAGE
