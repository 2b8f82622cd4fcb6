"""Questions that weigh two dated things the brief tells: their order ("was the Niger kidnapping before or
after the Islamic State recognized Sahrawi's pledge?") and the years between them ("how many years
between X and Y", "how long after X did Y"), and the dated fact a span of a question names, which the
comparatives of ``summaries`` ("which came first, A or B?") use too.

May import: ``model``, ``frame``, ``retrieval``, ``reading``, ``normalize``, ``summary_sets``,
``knowledge.schema``.
"""

from __future__ import annotations

from .frame import YEAR, Frame
from .knowledge.schema import Fact
from .model import Model
from .normalize import phrase_at
from .reading import Reading
from .retrieval import FactScore
from .summary_sets import SURE

__all__ = ["dated", "earliest", "interval_reading", "order_reading"]


def _clauses(model: Model, frame: Frame) -> tuple[range, range] | None:
    """The two spans an interval question compares: "between A and B", or "after A did B"."""
    tokens = frame.tokens
    lang = model.lang
    inside = {j for m in frame.mentions for j in range(m.start + 1, m.end)}
    for i, t in enumerate(tokens):
        for opener, joiner in lang.interval_spans:
            # "between A and B", "separate A from B", "from A to B"
            if t != opener:
                continue
            joins = [j for j in range(i + 2, len(tokens) - 1) if tokens[j] == joiner and j not in inside]
            if joins:
                return range(i + 1, joins[0]), range(joins[0] + 1, len(tokens))
        if t in ("after", "before", "since"):
            verbs = [j for j in range(i + 2, len(tokens) - 1) if tokens[j] in lang.yes_no_starts]
            if verbs:
                first, second = range(i + 1, verbs[0]), range(verbs[0] + 1, len(tokens))
                return (second, first) if t == "before" else (first, second)
    return None


def dated(model: Model, frame: Frame, span: range, shared: range = range(0), besides: str = "") -> FactScore | None:
    """The dated fact a span of the question names ("Zawahiri announcing AQIM's union with Al Qaeda").

    ``shared`` is what the options have in common ("which air strike on Bel Mokhtar came first, the U.S. one
    or the French one?": the air strike on Bel Mokhtar), and ``besides`` a fact another option took.
    """
    within = set(span) | set(shared)
    mentions = tuple(m for m in frame.mentions if m.start in within)
    lang = model.lang
    # (in the brief's words: "the recognition of his pledge" is what "recognized" says)
    tokens = [w for i, w in frame.read if i in within]
    words = [t for t in tokens if t not in lang.stopwords and not YEAR.fullmatch(t)]
    inside = {t for m in mentions for t in frame.tokens[m.start : m.end]}
    content = tuple(w for w in words if w not in inside and w not in lang.interval_units)
    # ("AQIM's 2009 killing of an American": the year the span gives says which occasion)
    years = tuple(int(frame.tokens[i]) for i in span if YEAR.fullmatch(frame.tokens[i]))
    sub = frame._replace(mentions=mentions, content=content, answer_type="when", years=years, period=None)
    if not content and len(sub.entity_ids) == 1:
        # "which is older, AQIM or Al Murabitoun?": a name alone is dated by its beginning, the earliest
        # dated fact that has it as subject
        first = earliest(model, sub.entity_ids[0])
        if first is not None:
            return FactScore(first, 1.0, 1.0, 0.0, 1.0)
    found = model.index.score(sub, sub.entity_ids, model.index.resolve_words(content), limit=20)
    dated = [s for s in found if s.fact.year_from and s.typed >= 1.0 and s.fact.id != besides]
    if not dated:
        return None
    # of those nearly as good, the one saying the span's own words ("recognizing Sahrawi's pledge" is the
    # recognition, not the pledge): an occasion is told by what happened more than by who was there
    close = [s for s in dated if s.score >= dated[0].score * 0.9]
    return max(close, key=lambda s: (s.lexical, s.score))


def earliest(model: Model, entity: str, any_role: bool = False) -> Fact | None:
    """An entity's earliest dated fact of those it is the subject of (its beginning), else, with
    ``any_role``, of those it is in at all; ``None`` when the brief dates none."""
    roles = model.index.roles
    dated_facts = [f for f in model.index.by_entity.get(entity, ()) if f.year_from]
    own = [f for f in dated_facts if roles[f.id].get(entity) == "subject"] or (dated_facts if any_role else [])
    return min(own, key=lambda f: (f.year_from or 0, model.month(f.date), -f.weight, f.id)) if own else None


def order_reading(model: Model, frame: Frame) -> Reading | None:
    """ "Was the Niger kidnapping before or after the Islamic State recognized Sahrawi's pledge?": the
    things either side of the cue, each by the dated fact that tells it, in date order."""
    text = " ".join(frame.tokens)
    cue = next((c for c in model.lang.order_cues if f" {c} " in f" {text} "), None)
    if cue is None:
        return None
    words = tuple(cue.split())
    at = phrase_at(frame.tokens, words)
    if at is None:
        return None
    first_span, second_span = range(1, at), range(at + len(words), len(frame.tokens))
    second = dated(model, frame, second_span)
    first = dated(model, frame, first_span, besides=second.fact.id if second else "")
    if first is None or second is None:
        return None
    ordered = sorted((first, second), key=lambda s: (s.fact.year_from or 0, model.month(s.fact.date)))
    detail = f"the order of {first.fact.id} and {second.fact.id} by date"
    facts = tuple(s._replace(score=SURE) for s in ordered)
    return Reading("order", SURE, facts, "order", detail, frame.entity_ids)


def interval_reading(model: Model, frame: Frame) -> Reading | None:
    """ "How many years between X and Y?": the dated facts either span names, both cited (compose shows
    the subtraction)."""
    spans = _clauses(model, frame)
    if spans is None:
        return None
    first, second = (dated(model, frame, span) for span in spans)
    if first is None or second is None or first.fact.id == second.fact.id:
        return None
    pair = tuple(s._replace(score=SURE) for s in (first, second))
    detail = f"the years of two facts: {first.fact.id} and {second.fact.id}"
    return Reading("interval", SURE, pair, "interval", detail, frame.entity_ids)
