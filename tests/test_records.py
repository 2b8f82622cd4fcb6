"""``@record``: annotated classes made named tuples (what the engine's data shapes and the cache rely on)."""

from __future__ import annotations

import pickle
import typing

import pytest

from sahel_bot.records import record


@record
class Point:
    """A point with an optional label."""

    x: int
    y: int
    label: str | None = None

    def moved(self, dx: int) -> Point:
        return self._replace(x=self.x + dx)

    @property
    def norm1(self) -> int:
        return abs(self.x) + abs(self.y)


def test_fields_defaults_and_methods_are_kept():
    p = Point(1, -2)
    assert p == (1, -2, None)
    assert Point._fields == ("x", "y", "label")
    assert Point._field_defaults == {"label": None}
    assert p.moved(3) == Point(4, -2)
    assert p.norm1 == 3
    assert Point.__doc__ == "A point with an optional label."
    assert Point.__qualname__ == "Point"
    assert isinstance(p, tuple)


def test_instances_pickle_and_hash_by_value():
    p = Point(1, 2, "a")
    assert pickle.loads(pickle.dumps(p)) == p
    assert type(pickle.loads(pickle.dumps(p))) is Point
    assert len({p, Point(1, 2, "a")}) == 1


def test_type_hints_resolve_as_with_typing_namedtuple():
    hints = typing.get_type_hints(Point)
    assert hints == {"x": int, "y": int, "label": str | None}


def test_a_field_without_default_after_a_defaulted_one_is_refused():
    with pytest.raises(TypeError, match="without a default follows"):

        @record
        class Bad:
            a: int = 0
            b: int


def test_a_record_cannot_redefine_the_tuples_machinery():
    with pytest.raises(AttributeError, match="cannot define __init__"):

        @record
        class Bad:
            a: int

            def __init__(self) -> None:  # pragma: no cover - never called
                pass
