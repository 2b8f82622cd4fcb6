"""Tab completion for the REPL: names of what the brief talks about, slash commands and section names.

Names are matched the way the bot reads them (through ``normalize``), on the
last one to four words before the cursor, so "ansar al d" completes to
"Ansar al Dine" and "drouk" to "Abdelmalik Droukdel".  As you type, only
prefixes of a name or of a word in it are offered (three letters or more, never
for everyday words like "who" or "leads"); Tab also offers fuzzy matches whose
letters appear in order ("mkhtr" finds "Mokhtar bel Mokhtar").  Entities of type
"outside" (not in the brief) are never offered.
May import: prompt_toolkit, the standard library and ``sahel_bot``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from ..normalize import normalize
from .render import COMMANDS

__all__ = ["Name", "NameIndex", "ReplCompleter"]

#: Words that start questions rather than names: never completed while typing.
_EVERYDAY = frozenset(
    """
    who whom whose what when where which why how does did do done is are was were will would can could should
    the and for from with about into than that this these those there their them they his her its has have had
    lead leads led leader leaders head heads many much long mean means meaning tell say says said know
    group groups attack attacks name names born based still alive dead kill killed fund funds funded money
    """.split()
)

_WORD = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class Name:
    """One name a user may type: the text to insert, its folded form, and what to show beside it."""

    text: str
    key: str
    meta: str
    entity: str
    #: 0 for the entity's name, 1 for its short form, 2 for an alias: names are preferred
    rank: int = 0


class NameIndex:
    """Every name and alias of the brief's entities, folded once, for prefix and fuzzy look-ups."""

    def __init__(self, names: Iterable[Name]) -> None:
        seen: set[str] = set()
        self.names: list[Name] = []
        for name in names:
            if name.key and name.key not in seen:
                seen.add(name.key)
                self.names.append(name)
        self.names.sort(key=lambda n: (len(n.key), n.key))

    @classmethod
    def from_entities(cls, entities: Mapping[str, Any]) -> NameIndex:
        """Return the index of ``entities`` (id -> Entity), leaving out those of type "outside"."""
        names: list[Name] = []
        for entity_id, entity in entities.items():
            if entity.type == "outside":
                continue
            main = entity.name
            for rank, texts in enumerate(((entity.name,), (entity.short,), entity.aliases)):
                for text in texts:
                    if text:
                        meta = entity.type if text == main else f"\u2192 {main}"
                        names.append(Name(text, normalize(text), meta, entity_id, rank))
        return cls(names)

    def complete(self, before_cursor: str, requested: bool) -> list[tuple[Name, int]]:
        """Return the names that complete ``before_cursor``, best first, each with how many characters it replaces.

        One name per entity: its own name or short form when they fit, else the
        alias that does.  ``requested`` is true when the user pressed Tab (then
        short and fuzzy matches are offered too); otherwise this runs as the user
        types and stays quiet unless a match is likely.  Returns an empty list
        when nothing fits.
        """
        if not self.names:
            return []
        if not before_cursor or before_cursor[-1].isspace():
            if requested:
                return [(name, 0) for name in self._best([(0, n) for n in self.names if n.rank == 0])]
            return []
        starts = [m.start() for m in _WORD.finditer(before_cursor)]
        for k in range(min(4, len(starts)), 1, -1):
            fragment = before_cursor[starts[-k] :]
            key = normalize(fragment)
            if len(key) < 4:
                continue
            found = [(0, n) for n in self.names if n.key.startswith(key) and (requested or n.key != key)]
            if found:
                return [(n, len(fragment)) for n in self._best(found)]
        fragment = before_cursor[starts[-1] :]
        key = normalize(fragment)
        if not key or " " in key:
            return []
        if not requested and (len(key) < 3 or any(word.startswith(key) for word in _EVERYDAY)):
            return []
        if not requested and any(n.key == key for n in self.names):
            return []  # already a whole name: nothing to add while typing
        scored: list[tuple[int, Name]] = []
        for name in self.names:
            if name.key.startswith(key):
                scored.append((0, name))
            elif f" {key}" in f" {name.key}":
                scored.append((1, name))
        if not scored and len(key) >= 3:
            scored = [(2, name) for name in self._fuzzy(key, anchored=not requested)]
        return [(n, len(fragment)) for n in self._best(scored)]

    @staticmethod
    def _best(scored: list[tuple[int, Name]]) -> list[Name]:
        """Return one name per entity, best entity first.

        Per entity: its name or short form before any alias, then the better tier
        (prefix, word inside, fuzzy), then the shorter.  Entities are ordered by
        the tier of that name, then fuzzy order or length.
        """
        best: dict[str, tuple[tuple[bool, int, int, int], int, Name]] = {}
        for order, (tier, name) in enumerate(scored):
            rank = (name.rank == 2, tier, name.rank, len(name.key))
            if name.entity not in best or rank < best[name.entity][0]:
                best[name.entity] = (rank, order, name)

        def order_key(item: tuple[tuple[bool, int, int, int], int, Name]) -> tuple[int, int, int, str]:
            (_, tier, _, length), order, name = item
            return (tier, order if tier == 2 else 0, length, name.key)

        return [name for _, _, name in sorted(best.values(), key=order_key)]

    def _fuzzy(self, key: str, anchored: bool) -> list[Name]:
        """Return names holding ``key``'s letters in order, tightest match first (anchored: from a word start)."""
        pattern = re.compile("(?=(" + ".*?".join(map(re.escape, key)) + "))")
        scored: list[tuple[int, int, Name]] = []
        for name in self.names:
            best: tuple[int, int] | None = None
            for match in pattern.finditer(name.key):
                start = match.start()
                if anchored and start and name.key[start - 1] != " ":
                    continue
                span = len(match.group(1))
                if best is None or (span, start) < best:
                    best = (span, start)
            if best is not None and best[0] <= 2 * len(key) + 2:
                scored.append((best[0], best[1], name))
        scored.sort(key=lambda s: (s[0], s[1], len(s[2].key)))
        return [name for _, _, name in scored]


class ReplCompleter(Completer):
    """Completes slash commands, section names after ``/brief``, and entity names anywhere else."""

    def __init__(self, names: NameIndex | Callable[[], NameIndex], sections: Sequence[str], limit: int = 30) -> None:
        self._names = names
        self.sections = list(sections)
        self.limit = limit

    @classmethod
    def from_bot(cls, bot: Any) -> ReplCompleter:
        """Return the completer for ``bot``'s entities and the sections of its brief.

        The name index is built at the first completion, not before the first prompt.
        """
        knowledge = bot.knowledge
        return cls(lambda: NameIndex.from_entities(knowledge.entities), [s.title for s in knowledge.brief.sections])

    @property
    def names(self) -> NameIndex:
        if not isinstance(self._names, NameIndex):
            self._names = self._names()
        return self._names

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterator[Completion]:
        before = document.text_before_cursor
        requested = complete_event.completion_requested
        stripped = before.lstrip()
        if stripped.startswith("/"):
            yield from self._commands(stripped, requested)
            return
        for count, (name, length) in enumerate(self.names.complete(before, requested)):
            if count >= self.limit:
                break
            yield Completion(name.text, start_position=-length, display_meta=name.meta)

    def _commands(self, text: str, requested: bool) -> Iterator[Completion]:
        if " " not in text:
            for command, (_, help_text) in COMMANDS.items():
                if command.startswith(text.lower()) and (requested or command != text):
                    yield Completion(command, start_position=-len(text), display_meta=help_text)
            return
        command, _, rest = text.partition(" ")
        if command.lower() != "/brief":
            return
        typed = rest.lstrip()
        key = typed.casefold()
        words = [t for t in self.sections if t.casefold().startswith(key)]
        words += [t for t in self.sections if t not in words and f" {key}" in f" {t.casefold()}"]
        for title in words:
            if requested or title.casefold() != key:
                yield Completion(title, start_position=-len(typed))
