"""What ``sahel-bot check`` reports about loaded knowledge: counts, coverage and thresholds.

May import: ``config``, ``normalize``, ``knowledge.schema``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from ..config import Settings
from ..normalize import normalize
from .schema import Knowledge

__all__ = ["Summary", "summarize"]


@dataclass(frozen=True, slots=True)
class Summary:
    root: str
    brief: str
    sections: int
    sentences: int
    cited: int
    uncited: tuple[str, ...]
    entities: dict[str, int]
    aliases: int
    facts: int
    facts_per_relation: dict[str, int]
    intents: int
    templates: int
    settings: dict[str, Any]
    digest: str

    @property
    def coverage(self) -> float:
        return 100.0 * self.cited / max(1, self.sentences)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["uncited"] = list(self.uncited)
        out["coverage"] = round(self.coverage, 1)
        return out

    def render(self) -> str:
        lines = [
            f"knowledge: {self.root}",
            f"brief:     {self.brief}",
            f"sections:  {self.sections}, sentences: {self.sentences}",
            "entities:  "
            + f"{sum(self.entities.values())} ("
            + ", ".join(f"{k} {v}" for k, v in sorted(self.entities.items()))
            + f"), {self.aliases} names",
            f"facts:     {self.facts}",
        ]
        for relation, n in sorted(self.facts_per_relation.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  {relation:<16} {n}")
        lines.append(f"intents:   {self.intents} ({self.templates} template sentences)")
        lines.append(f"coverage:  {self.cited}/{self.sentences} sentences cited ({self.coverage:.1f}%)")
        if self.uncited:
            lines.append("uncited:   " + ", ".join(self.uncited))
        lines.append("settings:  " + ", ".join(f"{k}={v}" for k, v in self.settings.items() if v is not None))
        lines.append(f"digest:    {self.digest[:16]}")
        lines.append("ok" if not self.uncited else "NOT OK: every sentence must be cited by a fact")
        return "\n".join(lines)


def summarize(knowledge: Knowledge, settings: Settings) -> Summary:
    """Return the summary of ``knowledge`` (coverage: sentences cited by at least one fact)."""
    cited_ids = {sid for fact in knowledge.facts for sid in fact.cites}
    sentences = knowledge.brief.sentences
    names = {normalize(n) for e in knowledge.entities.values() for n in (*e.names, *e.weak_aliases)}
    brief = knowledge.brief
    return Summary(
        root=knowledge.root,
        brief=f"{brief.metadata.get('series', 'CRS')} {brief.number}, \u201c{brief.title}\u201d, "
        f"{brief.date_printed}, by {brief.author}",
        sections=len(brief.sections),
        sentences=len(sentences),
        cited=sum(1 for s in sentences if s.id in cited_ids),
        uncited=tuple(s.id for s in sentences if s.id not in cited_ids),
        entities=dict(Counter(e.type for e in knowledge.entities.values())),
        aliases=len(names),
        facts=len(knowledge.facts),
        facts_per_relation=dict(Counter(f.relation for f in knowledge.facts)),
        intents=len(knowledge.intents),
        templates=sum(len(i.templates) for i in knowledge.intents.values()),
        settings={
            "answer_threshold": settings.answer_threshold,
            "clarify_threshold": settings.clarify_threshold,
            "ambiguity_margin": settings.ambiguity_margin,
            "entity_cutoff": settings.entity_cutoff,
            "context_turns": settings.context_turns,
        },
        digest=knowledge.digest,
    )
