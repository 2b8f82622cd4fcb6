"""state_codec: contexts to bytes and back, generically over Context's fields; anything that does not fit
loads as a fresh context, never an exception."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sahel_bot import state_codec
from sahel_bot.context import Context
from sahel_bot.state_codec import dump, load

FULL = Context(
    subject="aqim",
    subject_name="AQIM",
    entities=("aqim", "mujao"),
    intent="leader_of",
    facts=("f1", "f2"),
    age=1,
    turn=3,
    words=("who", "leads"),
    asked=("aqim",),
    answer_type="person",
    recent=("mujao", "aqim"),
)


def document(context: Context = FULL) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(dump(context))
    return data


def test_round_trip_keeps_every_field() -> None:
    assert load(dump(FULL)) == FULL
    assert load(dump(Context())) == Context()


def test_the_document_names_every_field_of_context_and_a_version() -> None:
    data = document()
    assert data["version"] == state_codec.VERSION
    assert data["shape"] == state_codec.shape()
    assert list(data["fields"]) == list(Context._fields)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(version=state_codec.VERSION + 1),
        lambda d: d.update(shape="0" * 16),
        lambda d: d.pop("version"),
        lambda d: d.update(extra=1),
        lambda d: d["fields"].update(mood="curious"),  # a field this code does not know
        lambda d: d["fields"].pop("subject"),
        lambda d: d["fields"].update(subject=5),
        lambda d: d["fields"].update(turn=True),  # a bool is not an int here
        lambda d: d["fields"].update(turn="3"),
        lambda d: d["fields"].update(entities="aqim"),
        lambda d: d["fields"].update(entities=["aqim", 1]),
        lambda d: d.update(fields=[]),
    ],
)
def test_a_document_that_does_not_fit_loads_fresh(change: Any) -> None:
    data = document()
    change(data)
    assert load(json.dumps(data).encode()) == Context()


@pytest.mark.parametrize("raw", [None, b"", b"{", b"[]", b"null", b"\xff\xfe", "{}", b'{"version": 1}', b"1" * 5000])
def test_garbage_loads_fresh(raw: Any) -> None:
    assert load(raw) == Context()


def test_deep_nesting_loads_fresh_rather_than_raising() -> None:
    assert load(b"[" * 100_000 + b"]" * 100_000) == Context()


@given(
    subject=st.none() | st.text(max_size=20),
    entities=st.lists(st.text(max_size=10), max_size=5).map(tuple),
    age=st.integers(min_value=0, max_value=10**6),
    words=st.lists(st.text(max_size=10), max_size=5).map(tuple),
)
def test_any_context_round_trips(
    subject: str | None, entities: tuple[str, ...], age: int, words: tuple[str, ...]
) -> None:
    context = Context(subject=subject, entities=entities, age=age, words=words)
    assert load(dump(context)) == context


# -- Context will change shape: the codec follows it without a list of its own -----------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Mention:
    entity: str
    span: tuple[int, int]


@dataclasses.dataclass(frozen=True, slots=True)
class NewContext:
    """A redesigned Context: other fields, a nested dataclass, a set and a mapping."""

    mentions: tuple[Mention, ...] = ()
    focus: Mention | None = None
    seen: frozenset[str] = frozenset()
    scores: dict[str, float] = dataclasses.field(default_factory=dict)
    turn: int = 0


@pytest.fixture
def new_shape(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    state_codec.shape.cache_clear()
    monkeypatch.setattr(state_codec, "Context", NewContext)
    yield
    state_codec.shape.cache_clear()


def test_the_codec_follows_a_new_shape_of_context(new_shape: None) -> None:
    context = NewContext(
        mentions=(Mention("a", (0, 3)), Mention("b", (4, 6))),
        focus=Mention("a", (0, 3)),
        seen=frozenset({"x", "y"}),
        scores={"a": 0.5, "b": 1.0},
        turn=2,
    )
    assert load(dump(context)) == context  # type: ignore[arg-type]


def test_contexts_stored_under_the_old_shape_load_fresh_under_the_new(monkeypatch: pytest.MonkeyPatch) -> None:
    old = dump(FULL)
    state_codec.shape.cache_clear()
    monkeypatch.setattr(state_codec, "Context", NewContext)
    try:
        assert load(old) == NewContext()
    finally:
        state_codec.shape.cache_clear()


def test_unstorable_values_are_a_value_error(new_shape: None) -> None:
    with pytest.raises(ValueError, match="non-finite"):
        dump(NewContext(scores={"a": float("nan")}))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="object"):
        dump(NewContext(mentions=(object(),)))  # type: ignore[arg-type,arg-type]
