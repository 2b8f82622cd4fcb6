"""The fields each kind of record in a facts file may have, and the answer types a relation may give.

The loader reports any other key as unknown, with the closest of these as a hint.
May import: nothing.
"""

from __future__ import annotations

__all__ = ["ANSWER_TYPES", "ENTITY_FIELDS", "FACT_FIELDS", "RELATION_FIELDS"]

ENTITY_FIELDS = ("id", "type", "name", "short", "aliases", "weak_aliases", "description", "cites", "part_of")
RELATION_FIELDS = ("id", "description", "answers", "keywords")
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
ANSWER_TYPES = (
    "who",
    "what",
    "when",
    "where",
    "how_many",
    "why",
    "how",
    "yesno",
    "meaning",
    "which",
    "name",
    "size",
    "duration",
)
