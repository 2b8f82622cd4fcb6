"""Print a shell completion script for sahel-bot: bash, zsh or fish.

The script is generated from the command line's own parser (every subcommand,
its options, and the values an option takes: directories, files or a fixed
list) and from the loaded knowledge (the names of the groups, people and places
the brief covers, offered as the words of an ``ask`` question), so it is never
out of date with the version that printed it.  Install it once, e.g.
``sahel-bot completion bash > ~/.local/share/bash-completion/completions/sahel-bot``;
print it again after the knowledge changes to complete new names.
May import: the standard library and ``sahel_bot``.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .cli import add_knowledge_argument, build_parser, load_bot

__all__ = ["SHELLS", "Command", "Option", "add_arguments", "commands", "run", "script"]

SHELLS = ("bash", "zsh", "fish")


@dataclass(frozen=True, slots=True)
class Option:
    """One option: its flags, its help, and what value it takes ("" a switch, "dir", "file", "choice", "text")."""

    flags: tuple[str, ...]
    help: str
    value: str = ""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Command:
    """One subcommand: its options and what its operands are ("names", "files", "choice" or "")."""

    name: str
    help: str
    options: tuple[Option, ...]
    operand: str = ""
    choices: tuple[str, ...] = ()


def _value(action: argparse.Action) -> tuple[str, tuple[str, ...]]:
    choices = tuple(action.choices or ()) or tuple(getattr(action.type, "choices", ()) or ())
    if choices:
        return "choice", tuple(str(c) for c in choices)
    metavar = str(action.metavar or action.dest).upper()
    if metavar in {"DIR", "DIRECTORY"}:
        return "dir", ()
    if metavar in {"FILE", "PATH"}:
        return "file", ()
    return "text", ()


def _options(parser: argparse.ArgumentParser) -> tuple[Option, ...]:
    out = []
    for action in parser._actions:
        if not action.option_strings or action.help == argparse.SUPPRESS:
            continue
        help_text = " ".join(str(action.help or "").split()).replace("%%", "%")
        if action.nargs == 0:
            out.append(Option(tuple(action.option_strings), help_text))
        else:
            kind, choices = _value(action)
            out.append(Option(tuple(action.option_strings), help_text, kind, choices))
    return tuple(out)


def commands() -> tuple[tuple[Option, ...], tuple[Command, ...]]:
    """Return (top-level options, subcommands) from the full parser."""
    parser = build_parser(True)
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help or "" for choice in sub._choices_actions}
    found = []
    for name, subparser in sub.choices.items():
        operand, choices = "", ()
        for action in subparser._actions:
            if action.option_strings or action.dest == "help":
                continue
            if name == "ask":
                operand = "names"
            else:
                kind, choices = _value(action)
                operand = {"dir": "files", "file": "files", "choice": "choice"}.get(kind, "")
        found.append(Command(name, helps.get(name, ""), _options(subparser), operand, choices))
    repl = next(c for c in found if c.name == "repl")
    top = (
        Option(("-h", "--help"), "show the help and exit"),
        Option(("--version",), "show the version and exit"),
        *(o for o in repl.options if "--help" not in o.flags),
    )
    return top, tuple(found)


#: Entities whose names are worth completing (events and documents have sentence-long names).
_NAMED_TYPES = frozenset({"group", "person", "country", "place", "organisation", "concept"})


def names(bot: Any) -> list[str]:
    """Return the names a question may mention: each entity's name and short form (groups, people,
    places, organisations and concepts of the brief), sorted case-insensitively."""
    out: set[str] = set()
    for entity in bot.knowledge.entities.values():
        if entity.type in _NAMED_TYPES:
            out.update(n for n in (entity.name, entity.short) if n)
    return sorted(out, key=lambda n: (n.casefold(), n))


# -- bash ------------------------------------------------------------------------------------------------


def _sq(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _bash_values(options: Iterable[Option]) -> list[str]:
    lines = []
    for option in options:
        if not option.value:
            continue
        pattern = "|".join(option.flags)
        if option.value == "dir":
            action = 'COMPREPLY=($(compgen -d -- "$cur"))'
        elif option.value == "file":
            action = 'COMPREPLY=($(compgen -f -- "$cur"))'
        elif option.value == "choice":
            action = f'COMPREPLY=($(compgen -W {_sq(" ".join(option.choices))} -- "$cur"))'
        else:
            action = ":"
        lines.append(f"        {pattern}) {action}; return ;;")
    return lines


def _bash(top: tuple[Option, ...], cmds: tuple[Command, ...], entity_names: list[str]) -> str:
    takes_value = sorted({f for c in cmds for o in c.options if o.value for f in o.flags})
    out = [
        "# bash completion for sahel-bot; generated by `sahel-bot completion bash`.",
        "# Install: sahel-bot completion bash > ~/.local/share/bash-completion/completions/sahel-bot",
        "_sahel_bot_names=(",
        *(f"    {_sq(n)}" for n in entity_names),
        ")",
        "",
        "_sahel_bot_complete_names() {",
        "    # Names of the brief's groups, people and places; a name with spaces is inserted escaped,",
        "    # or, inside an open quote, completes the quote's last word.",
        '    local quote="" text="$1" head="" word name lower',
        '    if [[ "$text" == \\"* || "$text" == \\\'* ]]; then',
        '        quote="${text:0:1}"; text="${text:1}"',
        '        if [[ "$text" == *" "* ]]; then head="${text% *} "; fi',
        '        word="${text##* }"',
        "    else",
        '        word="${text//\\\\ / }"',
        "    fi",
        '    lower="${word,,}"',
        '    for name in "${_sahel_bot_names[@]}"; do',
        '        if [[ "${name,,}" == "$lower"* ]]; then',
        '            if [[ -n "$quote" ]]; then COMPREPLY+=("$quote$head$name"); else COMPREPLY+=("$(printf "%q" "$name")"); fi',
        "        fi",
        "    done",
        '    [[ -n "$quote" ]] && compopt -o nospace 2>/dev/null',
        "    return 0",
        "}",
        "",
        "_sahel_bot() {",
        '    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" cmd="" i',
        "    local IFS=$' \\t\\n'",
        "    for ((i = 1; i < COMP_CWORD; i++)); do",
        '        case "${COMP_WORDS[i]}" in',
        f"            {'|'.join(takes_value)}) ((i++)) ;;",
        "            -*) ;;",
        '            *) cmd="${COMP_WORDS[i]}"; break ;;',
        "        esac",
        "    done",
        "    COMPREPLY=()",
        '    case "$cmd" in',
    ]
    for command in cmds:
        options = " ".join(f for o in command.options for f in o.flags)
        out.append(f"    {command.name})")
        values = _bash_values(command.options)
        if values:
            out.append('        case "$prev" in')
            out.extend("    " + v for v in values)
            out.append("        esac")
        out.append(
            f'        if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W {_sq(options)} -- "$cur")); return; fi'
        )
        if command.operand == "names":
            out.append('        _sahel_bot_complete_names "$cur"')
        elif command.operand == "files":
            out.append('        COMPREPLY=($(compgen -f -- "$cur"))')
        elif command.operand == "choice":
            out.append(f'        COMPREPLY=($(compgen -W {_sq(" ".join(command.choices))} -- "$cur"))')
        out.append("        ;;")
    words = " ".join([c.name for c in cmds] + [f for o in top for f in o.flags])
    out += [
        "    *)",
        '        case "$prev" in',
        *("    " + v for v in _bash_values(top)),
        "        esac",
        f'        COMPREPLY=($(compgen -W {_sq(words)} -- "$cur"))',
        "        ;;",
        "    esac",
        "}",
        "complete -F _sahel_bot sahel-bot",
        "",
    ]
    return "\n".join(out)


# -- zsh -------------------------------------------------------------------------------------------------


def _zq(text: str) -> str:
    """Escape text for an _arguments spec inside single quotes."""
    return text.replace("'", "'\\''").replace("[", "\\[").replace("]", "\\]").replace(":", "\\:")


def _zsh_spec(option: Option) -> str:
    flags = option.flags
    head = flags[0] if len(flags) == 1 else "{" + ",".join(flags) + "}"
    excl = "" if len(flags) == 1 else "(" + " ".join(flags) + ")"
    spec = f"{excl}{head}" if not excl else f"'{excl}'{head}"
    value = ""
    if option.value == "dir":
        value = ":directory:_files -/"
    elif option.value == "file":
        value = ":file:_files"
    elif option.value == "choice":
        value = f":value:({' '.join(option.choices)})"
    elif option.value == "text":
        value = ":value: "
    return f"{spec}'[{_zq(option.help)}]{value}'"


def _zsh(top: tuple[Option, ...], cmds: tuple[Command, ...], entity_names: list[str]) -> str:
    out = [
        "#compdef sahel-bot",
        "# zsh completion for sahel-bot; generated by `sahel-bot completion zsh`.",
        '# Install: sahel-bot completion zsh > "${fpath[1]}/_sahel-bot" (then start a new shell)',
        "",
        "_sahel_bot_names() {",
        "    local -a names",
        "    names=(",
        *(f"        {_sq(n)}" for n in entity_names),
        "    )",
        "    _wanted names expl 'name in the brief' compadd -M 'm:{a-zA-Z}={A-Za-z}' -a names",
        "}",
        "",
        "_sahel_bot() {",
        '    local curcontext="$curcontext" state line',
        "    local -a commands",
        "    commands=(",
        *(f"        {_sq(c.name + ':' + c.help)}" for c in cmds),
        "    )",
        "    _arguments -C \\",
        *(f"        {_zsh_spec(o)} \\" for o in top),
        "        '1: :->command' \\",
        "        '*:: :->args'",
        "    case $state in",
        "    command)",
        "        _describe -t commands 'sahel-bot command' commands",
        "        ;;",
        "    args)",
        "        case $words[1] in",
    ]
    for command in cmds:
        operand = {
            "names": "'*:question:_sahel_bot_names'",
            "files": "'*:file:_files'",
            "choice": f"'1:shell:({' '.join(command.choices)})'",
        }.get(command.operand, "")
        specs = [_zsh_spec(o) for o in command.options] + ([operand] if operand else [])
        out.append(f"        {command.name})")
        out.append("            _arguments \\")
        out.extend(f"                {s} \\" for s in specs[:-1])
        out.append(f"                {specs[-1]}")
        out.append("            ;;")
    out += ["        esac", "        ;;", "    esac", "}", "", "compdef _sahel_bot sahel-bot"]
    # autoloaded from $fpath, the file is the function _sahel-bot, called for a completion: complete now too
    out += ['if [[ "${funcstack[1]-}" == _sahel-bot ]]; then', '    _sahel_bot "$@"', "fi", ""]
    return "\n".join(out)


# -- fish ------------------------------------------------------------------------------------------------


def _fq(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish_option(option: Option, condition: str) -> str:
    parts = [f"complete -c sahel-bot -n {_fq(condition)}"]
    for flag in option.flags:
        parts.append(f"-l {flag[2:]}" if flag.startswith("--") else f"-s {flag[1:]}")
    if option.value == "dir":
        parts.append("-r -f -a '(__fish_complete_directories)'")
    elif option.value == "file":
        parts.append("-r -F")
    elif option.value == "choice":
        parts.append(f"-r -f -a {_fq(' '.join(option.choices))}")
    elif option.value == "text":
        parts.append("-r -f")
    parts.append(f"-d {_fq(option.help[:80])}")
    return " ".join(parts)


def _fish(top: tuple[Option, ...], cmds: tuple[Command, ...], entity_names: list[str]) -> str:
    names_list = " ".join(c.name for c in cmds)
    out = [
        "# fish completion for sahel-bot; generated by `sahel-bot completion fish`.",
        "# Install: sahel-bot completion fish > ~/.config/fish/completions/sahel-bot.fish",
        "function __sahel_bot_names",
        *(f"    echo {_fq(n)}" for n in entity_names),
        "end",
        "complete -c sahel-bot -f",
    ]
    no_command = f"not __fish_seen_subcommand_from {names_list}"
    for command in cmds:
        out.append(f"complete -c sahel-bot -n {_fq(no_command)} -a {command.name} -d {_fq(command.help)}")
    out.extend(_fish_option(o, no_command) for o in top)
    for command in cmds:
        condition = f"__fish_seen_subcommand_from {command.name}"
        out.extend(_fish_option(o, condition) for o in command.options)
        if command.operand == "names":
            out.append(f"complete -c sahel-bot -n {_fq(condition)} -a '(__sahel_bot_names)' -d 'name in the brief'")
        elif command.operand == "files":
            out.append(f"complete -c sahel-bot -n {_fq(condition)} -F")
        elif command.operand == "choice":
            out.append(f"complete -c sahel-bot -n {_fq(condition)} -a {_fq(' '.join(command.choices))}")
    return "\n".join(out) + "\n"


def script(shell: str, bot: Any) -> str:
    """Return the completion script for ``shell`` (one of ``SHELLS``) with ``bot``'s names for ``ask``."""
    top, cmds = commands()
    make = {"bash": _bash, "zsh": _zsh, "fish": _fish}[shell]
    return make(top, cmds, names(bot))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("shell", choices=SHELLS, help="the shell to complete for: bash, zsh or fish")
    add_knowledge_argument(parser)
    parser.epilog = (
        "install:\n"
        "  bash  sahel-bot completion bash > ~/.local/share/bash-completion/completions/sahel-bot\n"
        '  zsh   sahel-bot completion zsh > "${fpath[1]}/_sahel-bot"\n'
        "  fish  sahel-bot completion fish > ~/.config/fish/completions/sahel-bot.fish\n\n" + (parser.epilog or "")
    )


def run(args: argparse.Namespace) -> int:
    print(script(args.shell, load_bot(args)), end="")
    return 0
