"""Conversation contexts as bytes and back, for stores shared between processes (Redis).

The encoding follows Context's fields (a NamedTuple's or a dataclass's) and their types, never a
hand-written list, so
``Context`` may change shape freely: a stored context whose version or shape differs from the running
code's, or that holds a field or value the code does not know, loads as a fresh ``Context()`` (that
conversation starts afresh) and never raises.
May import: ``context`` and the standard library.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import json
import types
import typing
from typing import Any

from .context import Context

__all__ = ["VERSION", "dump", "load", "shape"]

#: Bump when the encoding itself changes (a change of Context's fields changes ``shape()`` by itself).
VERSION = 1


class _Mismatch(Exception):
    """A stored value does not fit the type the running code declares."""


def dump(context: Context) -> bytes:
    """Return ``context`` as compact JSON bytes carrying the codec version and Context's shape.

    Raises ``ValueError`` when a field holds a value JSON cannot carry faithfully (an object of an
    unknown kind, a non-finite float, a mapping with non-string keys).
    """
    try:
        fields = _plain(context)
    except TypeError as exc:
        raise ValueError(f"Cannot store a Context holding {exc}.") from None
    document = {"version": VERSION, "shape": shape(), "fields": fields}
    return json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


def load(data: bytes | str | None) -> Context:
    """Return the context ``data`` holds, or a fresh ``Context()`` when there is none or it does not fit.

    It does not fit when the version or shape differs, a field is unknown or missing, or a value is not
    of the field's type.  Never raises.
    """
    if not data:
        return Context()
    try:
        document = json.loads(data)
        if (
            not isinstance(document, dict)
            or document.get("version") != VERSION
            or document.get("shape") != shape()
            or set(document) != {"version", "shape", "fields"}
        ):
            return Context()
        value = _typed(document["fields"], Context)
        return value if isinstance(value, Context) else Context()
    except (_Mismatch, ValueError, TypeError, RecursionError):
        return Context()


@functools.lru_cache(maxsize=1)
def shape() -> str:
    """Return a short digest of Context's fields and their types (nested records included)."""
    return hashlib.sha256(repr(_describe(Context, set())).encode()).hexdigest()[:16]


def _describe(cls: type, seen: set[type]) -> Any:
    if cls in seen:
        return cls.__qualname__
    seen = seen | {cls}
    out = []
    for name, hint in _hints(cls).items():
        nested = [_describe(t, seen) for t in _walk(hint) if _is_record(t)]
        out.append((name, repr(hint), nested))
    return (cls.__qualname__, out)


def _walk(hint: Any) -> list[Any]:
    found = [hint]
    for arg in typing.get_args(hint):
        found.extend(_walk(arg))
    return found


def _is_record(hint: Any) -> bool:
    """Whether ``hint`` is a class of named, typed fields: a dataclass or a NamedTuple."""
    if not isinstance(hint, type):
        return False
    return dataclasses.is_dataclass(hint) or (issubclass(hint, tuple) and hasattr(hint, "_fields"))


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    """Return the resolved type of each field of the record ``cls`` (its constructor's), in field order."""
    resolved = typing.get_type_hints(cls)
    if dataclasses.is_dataclass(cls):
        return {f.name: resolved[f.name] for f in dataclasses.fields(cls) if f.init}
    return {name: resolved[name] for name in cls._fields}  # type: ignore[attr-defined]


def _plain(value: Any) -> Any:
    """Return ``value`` as JSON-ready data; raise ``TypeError`` for what JSON cannot carry."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise TypeError(f"the non-finite number {value!r}")
        return value
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if _is_record(type(value)):
        return {name: _plain(getattr(value, name)) for name in _hints(type(value))}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(v) for v in value), key=repr)
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("a mapping with keys other than strings")
        return {k: _plain(v) for k, v in value.items()}
    raise TypeError(f"a value of type {type(value).__name__}")


def _typed(value: Any, hint: Any) -> Any:
    """Return ``value`` (decoded JSON) as an instance of ``hint``; raise ``_Mismatch`` when it is not one."""
    if hint is Any:
        return value
    if hint is None or hint is type(None):
        if value is not None:
            raise _Mismatch
        return None
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Union or (hasattr(types, "UnionType") and isinstance(hint, types.UnionType)):
        for option in args:
            try:
                return _typed(value, option)
            except _Mismatch:
                continue
        raise _Mismatch
    if origin is typing.Literal:
        if value not in args:
            raise _Mismatch
        return value
    if origin in (tuple, list, set, frozenset):
        if not isinstance(value, list):
            raise _Mismatch
        if origin is tuple and args and args[-1] is not Ellipsis:
            if len(args) != len(value):
                raise _Mismatch
            return tuple(_typed(v, a) for v, a in zip(value, args, strict=True))
        item = args[0] if args else Any
        return origin(_typed(v, item) for v in value)
    if origin is dict:
        if not isinstance(value, dict):
            raise _Mismatch
        item = args[1] if len(args) == 2 else Any
        return {k: _typed(v, item) for k, v in value.items()}
    if isinstance(hint, type):
        if _is_record(hint):
            hints = _hints(hint)
            if not isinstance(value, dict) or set(value) != set(hints):
                raise _Mismatch
            try:
                return hint(**{name: _typed(value[name], h) for name, h in hints.items()})
            except (TypeError, ValueError):
                raise _Mismatch from None
        if issubclass(hint, enum.Enum):
            try:
                return hint(value)
            except ValueError:
                raise _Mismatch from None
        if hint is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        # bool is an int to Python, never to a stored field
        if isinstance(value, hint) and not (isinstance(value, bool) and hint is not bool):
            return value
    raise _Mismatch
