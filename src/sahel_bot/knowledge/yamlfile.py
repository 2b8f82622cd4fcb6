"""Reading YAML while keeping every node's position, so errors can point at file:line:col.

PyYAML's ``compose`` keeps a ``start_mark`` on every node (0-based); this
module wraps mappings so a loader can ask for a key's value *and* where it was
written, and turns syntax errors into ``KnowledgeError``.  May import:
``errors``, ``knowledge.schema``, PyYAML, rapidfuzz.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml
from rapidfuzz import fuzz, process

from ..errors import KnowledgeError
from .schema import Location

__all__ = ["Doc", "MappingView", "describe_yaml_error", "did_you_mean", "load_yaml"]


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """Return "; did you mean 'x'?" for the closest choice, or "" when none is close."""
    if not word or not choices:
        return ""
    best = process.extractOne(word, list(choices), scorer=fuzz.ratio, processor=None, score_cutoff=60)
    return f"; did you mean '{best[0]}'?" if best else ""


class Doc:
    """One YAML file: its composed node tree and a constructor for plain values."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self._loader = yaml.SafeLoader(text)
        self.root: yaml.Node | None = self._loader.get_single_node()

    def value(self, node: yaml.Node) -> Any:
        return self._loader.construct_object(node, deep=True)

    def location(self, node: yaml.Node) -> Location:
        return Location(self.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def error(self, node: yaml.Node, message: str) -> KnowledgeError:
        loc = self.location(node)
        return KnowledgeError(loc.path, loc.line, loc.column, message)

    def close(self) -> None:
        self._loader.dispose()


def describe_yaml_error(exc: yaml.MarkedYAMLError) -> tuple[int, int, str]:
    """Return (line, column, message) for a YAML syntax error, in words an author can act on.

    PyYAML says what its parser expected ("expected ',' or ']', but got ':'"); this says what is
    wrong in the file, and points at the line to fix: for a list or quote left open, where it opens.
    """
    problem = exc.problem or ""
    context = exc.context or ""
    problem_mark, context_mark = exc.problem_mark, exc.context_mark
    mark = problem_mark or context_mark
    message = problem or context or "invalid YAML"
    opened = {"flow sequence": ("list", "[", "]"), "flow mapping": ("mapping", "{", "}")}
    for kind, (what, start, end) in opened.items():
        if kind in context and problem.startswith("expected") and context_mark is not None:
            mark = context_mark
            message = f"the {what} opened here with '{start}' is not closed with '{end}'"
    if "quoted scalar" in context and "end of stream" in problem and context_mark is not None:
        mark = context_mark
        message = "the quoted text that starts here has no closing quote"
    elif problem.startswith("mapping values are not allowed here"):
        message = "a ': ' here makes a second key on one line; put the value in quotes if it contains ': '"
    elif "'\\t' that cannot start any token" in problem or "'\t' that cannot start any token" in problem:
        message = "a tab character: YAML indents with spaces only"
    elif "that cannot start any token" in problem:
        char = problem.split("'")[1] if problem.count("'") >= 2 else "this character"
        message = f"a value cannot start with '{char}'; put the value in quotes"
    elif problem.startswith("found undefined alias"):
        message = "a value starting with '*' names an anchor that is not defined; put the value in quotes"
    elif problem.startswith("expected <block end>") and context_mark is not None:
        message = (
            f"this line is not indented like the block it belongs to (which starts at line {context_mark.line + 1}); "
            "indent it like its siblings"
        )
    elif problem.startswith("could not find expected ':'"):
        mark = context_mark or mark
        message = "a line of a mapping must read 'key: value' (the ':' is missing)"
    elif context and message == problem:
        message = f"{problem} ({context})"
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return line, col, f"YAML syntax error: {message}"


def load_yaml(path: str, text: str, errors: list[KnowledgeError]) -> Doc | None:
    """Return the composed document, or ``None`` after appending the syntax error to ``errors``."""
    try:
        return Doc(path, text)
    except yaml.MarkedYAMLError as exc:
        errors.append(KnowledgeError(path, *describe_yaml_error(exc)))
    except yaml.YAMLError as exc:
        errors.append(KnowledgeError(path, 1, 1, f"YAML error: {exc}"))
    return None


class MappingView:
    """A YAML mapping node with its keys' nodes, for reading one record field by field."""

    def __init__(self, doc: Doc, node: yaml.MappingNode, errors: list[KnowledgeError]) -> None:
        self.doc = doc
        self.node = node
        self.keys: dict[str, yaml.Node] = {}
        self.values: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                errors.append(doc.error(key_node, "keys must be plain strings"))
                continue
            if key in self.keys:
                first = doc.location(self.keys[key])
                errors.append(doc.error(key_node, f"duplicate key '{key}' (first at line {first.line})"))
                continue
            self.keys[key] = key_node
            self.values[key] = value_node

    def __contains__(self, key: str) -> bool:
        return key in self.values

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    @property
    def location(self) -> Location:
        return self.doc.location(self.node)

    def where(self, key: str) -> yaml.Node:
        """Return the node to blame for ``key``: its value if present, else the mapping itself."""
        return self.values.get(key, self.node)

    def check_keys(self, allowed: tuple[str, ...], what: str, errors: list[KnowledgeError]) -> None:
        for key, node in self.keys.items():
            if key not in allowed:
                errors.append(self.doc.error(node, f"unknown field '{key}' in {what}{did_you_mean(key, allowed)}"))

    def string(self, key: str, errors: list[KnowledgeError], what: str, required: bool = False) -> str | None:
        node = self.values.get(key)
        if node is None:
            if required:
                errors.append(self.doc.error(self.node, f"{what} has no '{key}'"))
            return None
        value = self.doc.value(node)
        if value is None and not required:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            errors.append(self.doc.error(node, f"'{key}' must be a string"))
            return None
        text = str(value).strip()
        if required and not text:
            errors.append(self.doc.error(node, f"'{key}' must not be empty"))
            return None
        return text

    def strings(self, key: str, errors: list[KnowledgeError]) -> tuple[tuple[str, yaml.Node], ...]:
        """Return a string-or-list field as (string, node) pairs."""
        node = self.values.get(key)
        if node is None:
            return ()
        if isinstance(node, yaml.ScalarNode):
            value = self.doc.value(node)
            return () if value is None else ((str(value).strip(), node),)
        if not isinstance(node, yaml.SequenceNode):
            errors.append(self.doc.error(node, f"'{key}' must be a string or a list of strings"))
            return ()
        out = []
        for item in node.value:
            value = self.doc.value(item) if isinstance(item, yaml.ScalarNode) else None
            if value is None or isinstance(value, bool) or not isinstance(value, (str, int, float)):
                errors.append(self.doc.error(item, f"every item of '{key}' must be a string"))
                continue
            out.append((str(value).strip(), item))
        return tuple(out)

    def integer(self, key: str, errors: list[KnowledgeError], default: int, low: int, high: int) -> int:
        node = self.values.get(key)
        if node is None:
            return default
        value = self.doc.value(node)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            errors.append(self.doc.error(node, f"'{key}' must be a whole number from {low} to {high}"))
            return default
        return value

    def boolean(self, key: str, errors: list[KnowledgeError]) -> bool:
        node = self.values.get(key)
        if node is None:
            return False
        value = self.doc.value(node)
        if not isinstance(value, bool):
            errors.append(self.doc.error(node, f"'{key}' must be true or false"))
            return False
        return value


def records(doc: Doc, key: str, errors: list[KnowledgeError]) -> list[MappingView]:
    """Return the mappings listed under top-level ``key`` (an absent key gives none)."""
    root = doc.root
    if root is None:
        return []
    if not isinstance(root, yaml.MappingNode):
        errors.append(doc.error(root, "a knowledge file must be a mapping of lists (e.g. 'facts:')"))
        return []
    top = MappingView(doc, root, errors)
    node = top.values.get(key)
    if node is None:
        return []
    if isinstance(node, yaml.ScalarNode) and doc.value(node) is None:
        return []
    if not isinstance(node, yaml.SequenceNode):
        errors.append(doc.error(node, f"'{key}' must be a list"))
        return []
    out = []
    for item in node.value:
        if not isinstance(item, yaml.MappingNode):
            errors.append(doc.error(item, f"every item of '{key}' must be a mapping"))
            continue
        out.append(MappingView(doc, item, errors))
    return out


def top_keys(doc: Doc, allowed: tuple[str, ...], errors: list[KnowledgeError]) -> None:
    """Report top-level keys that no loader reads (a typo would otherwise hide a whole list)."""
    root = doc.root
    if isinstance(root, yaml.MappingNode):
        for key_node, _ in root.value:
            key = getattr(key_node, "value", None)
            if isinstance(key, str) and key not in allowed:
                errors.append(doc.error(key_node, f"unknown top-level key '{key}'{did_you_mean(key, allowed)}"))
