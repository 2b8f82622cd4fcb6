"""The fields each kind of record in a facts file may have.

The loader reports any other key as unknown, with the closest of these as a hint.
May import: nothing.
"""

from __future__ import annotations

__all__ = ["ENTITY_FIELDS", "FACT_FIELDS", "RELATION_FIELDS", "TYPE_FIELDS"]

ENTITY_FIELDS = (
    "id",
    "type",
    "name",
    "short",
    "aliases",
    "weak_aliases",
    "description",
    "cites",
    "part_of",
    "unnamed",
)
RELATION_FIELDS = ("id", "description", "keywords", "gives", "role_nouns", "current", "result", "label")
TYPE_FIELDS = ("id", "class", "nouns", "descriptors", "slots", "agent", "scale")
FACT_FIELDS = (
    "id",
    "subject",
    "relation",
    "object",
    "value",
    "statement",
    "cite",
    "cites",
    "quote",
    "date",
    "place",
    "source",
    "hedge",
    "negated",
    "count",
    "role",
    "mentions",
    "keywords",
    "weight",
)
