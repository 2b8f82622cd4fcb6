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
import json
import os
import sys
from typing import Any

from .. import __version__
from ..errors import ConfigError, KnowledgeErrors, SahelBotError

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

With no command, sahel-bot starts the interactive REPL on a terminal, and reads one
question per line (one conversation) when standard input is a pipe or a file.
"""

# name -> (module, one-line help); "ask" and "check" live here.
EXTERNAL_COMMANDS: dict[str, tuple[str, str]] = {
    "repl": ("sahel_bot.interfaces.repl", "start the interactive REPL (the default on a terminal)"),
    "serve": ("sahel_bot.interfaces.serve", "run the Slack-style webhook server (uvicorn)"),
    "eval": ("sahel_bot.interfaces.evaluation", "run FAQ or evaluation files and print a report"),
    "misses": ("sahel_bot.interfaces.misses", "show what the bot could not answer, grouped"),
}


def add_knowledge_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--knowledge DIR`` (shared by every command that loads the bot)."""
    parser.add_argument(
        "--knowledge",
        metavar="DIR",
        default=os.environ.get("SAHEL_BOT_KNOWLEDGE_DIR") or None,
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
    print(f"sahel-bot: {n} problem{'s' if n != 1 else ''} in the knowledge; nothing was loaded.", file=sys.stderr)


# -- ask -------------------------------------------------------------------------------


def _add_ask(sub: Any) -> None:
    p = sub.add_parser(
        "ask",
        help="answer questions (from arguments, or one per line on standard input)",
        description="Answer questions. With no QUESTION, read one question per line from standard input.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("question", nargs="*", metavar="QUESTION", help="a question (words are joined)")
    p.add_argument("--json", action="store_true", help="print one JSON object per question (JSON Lines)")
    p.add_argument(
        "--conversation",
        action="store_true",
        help="treat the questions as consecutive turns of one conversation (stdin mode)",
    )
    p.add_argument("--explain", action="store_true", help="show why each answer was given")
    add_knowledge_argument(p)
    p.set_defaults(func=_run_ask)


def format_reply(reply: Any, explain: bool = False) -> str:
    """Return a reply as plain text: the answer, then its citations (and the explanation)."""
    lines = [reply.text]
    for i, suggestion in enumerate(reply.suggestions, start=1):
        lines.append(f"  {i}. {suggestion}")
    for citation in reply.citations:
        lines.append(f"  [{citation.section}] \u201c{citation.quote}\u201d")
    if explain:
        lines.append("")
        lines.extend("  " + line for line in reply.explanation.render().splitlines())
    return "\n".join(lines)


def _run_ask(args: argparse.Namespace) -> int:
    bot = load_bot(args)
    if args.question:
        questions: Any = [" ".join(args.question)]
    else:
        questions = (line.rstrip("\r\n") for line in sys.stdin)
    conversation = bot.conversation() if args.conversation else None
    first = True
    for question in questions:
        if not args.question and not question.strip() and not args.json:
            continue
        reply = conversation.ask(question) if conversation else bot.ask(question)
        if args.json:
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
        "or a summary. Exits 0 only when everything holds, including 100%% sentence coverage.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
        print(json.dumps(summary.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(summary.render())
    if summary.uncited:
        print(
            f"sahel-bot: {len(summary.uncited)} sentence(s) of the brief are cited by no fact: "
            + ", ".join(summary.uncited),
            file=sys.stderr,
        )
        return EXIT_FAILED
    return EXIT_OK


# -- main ------------------------------------------------------------------------------


def build_parser(load: bool | str = True) -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand registered.

    ``load`` says which external command modules to import for their full
    arguments: all (``True``), one by name, or none (``False``: they are listed
    for ``--help`` but not imported, so ``sahel-bot ask`` starts fast).
    """
    parser = argparse.ArgumentParser(
        prog="sahel-bot",
        description="Grounded answers about CRS In Focus IF10172, "
        '"Al Qaeda in the Islamic Maghreb (AQIM) and Related Groups" (March 20, 2017).',
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"sahel-bot {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_ask(sub)
    _add_check(sub)
    for name, (module_name, help_text) in EXTERNAL_COMMANDS.items():
        if load is not True and load != name:
            placeholder = sub.add_parser(name, help=help_text, add_help=False)
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
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(p)
        p.set_defaults(func=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        # No command: the REPL on a terminal, a plain conversation over a pipe; its options apply.
        argv = ["repl", *argv]
    command = argv[0]
    if command in EXTERNAL_COMMANDS:
        load: bool | str = command
    elif command in ("ask", "check"):
        load = False
    else:
        load = True
    parser = build_parser(load)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
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
