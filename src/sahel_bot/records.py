"""Typed records: a class of annotated fields made into a named tuple, cheaply.

Why not ``typing.NamedTuple``: it turns every field's annotation into a ``ForwardRef``, compiling
the annotation's text (about 25 µs a field).  The engine's records have some 400 fields, so that
was about 10 ms of every ``sahel-bot ask``, longer than answering.  ``@record`` builds the same
kind of class with ``collections.namedtuple`` and keeps the annotations as written, so
``typing.get_type_hints`` (the state codec) reads them as before.  Instances are plain tuples:
they pickle small and load fast (the engine cache), and compare and hash by value.

May import: the standard library.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any, TypeVar

__all__ = ["record"]

T = TypeVar("T", bound=type)

#: Names a record's body may not define: they would shadow the named tuple's own machinery.
_PROHIBITED = frozenset({"__new__", "__init__", "__slots__", "__getnewargs__", "_fields", "_field_defaults", "_make"})
_COPIED_AS_IS = frozenset({"__module__", "__qualname__", "__doc__", "__annotations__", "__dict__", "__weakref__"})


def record(cls: T) -> T:
    """Return a named tuple with ``cls``'s annotated fields (in order), defaults, methods and docstring.

    Fields with a default must come after those without, as in a function's parameters.
    """
    namespace = cls.__dict__
    annotations: dict[str, Any] = dict(namespace.get("__annotations__", {}))
    fields = tuple(annotations)
    defaults = [namespace[name] for name in fields if name in namespace]
    if any(name not in namespace for name in fields[len(fields) - len(defaults) :]):
        raise TypeError(f"{cls.__qualname__}: a field without a default follows one with a default")
    made = namedtuple(cls.__name__, fields, defaults=defaults or None, module=cls.__module__)
    for key, value in namespace.items():
        if key in _PROHIBITED:
            raise AttributeError(f"{cls.__qualname__}: a record cannot define {key}")
        if key not in _COPIED_AS_IS and key not in annotations:
            setattr(made, key, value)
    made.__qualname__ = cls.__qualname__
    made.__doc__ = cls.__doc__ or made.__doc__
    made.__annotations__ = annotations
    return made  # type: ignore[return-value]
