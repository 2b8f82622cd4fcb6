"""Summary answers in words: the working shown (the count measured, the sum, the subtraction), each
fact's statement after it.  May import: ``model``, ``frame``, ``reading``, ``summaries``, ``statements``.
"""

from __future__ import annotations

from .frame import Frame
from .knowledge.schema import Fact
from .model import Model
from .reading import Reading
from .statements import distinct
from .summaries import number, number_text

__all__ = ["SUMMARY_SHAPES", "summarise"]

SUMMARY_SHAPES = frozenset({"superlative", "total", "interval", "each", "in_common", "order"})


def summarise(model: Model, frame: Frame, reading: Reading) -> tuple[str, list[Fact]]:
    """Return the text of a summary reading and the facts it says."""
    lang = model.lang
    facts = [s.fact for s in reading.facts]
    shape = reading.compose
    if shape == "superlative":
        cue = lang.superlatives[frame.superlative]
        counted = sorted(cue.counting)
        basis = lang.message("superlative_basis", counting=counted[0]) if cue.by == "count" and counted else ""
        cue_text = frame.superlative[0].upper() + frame.superlative[1:]
        if len(facts) == 2:
            if cue.by == "date" and (same := _same_time(model, facts[0], facts[1])):
                return same, facts
            # of the two the question named: the one, then the other ("after that" / "before that")
            then = lang.message("before_that" if cue.most else "after_that", statement=facts[1].statement)
            return f"{cue_text}: {facts[0].statement} {then}", facts
        return lang.message("superlative", cue=cue_text, basis=basis, statement=facts[0].statement), facts[:1]
    if shape == "order":
        earlier, later = facts[:2]
        same = _same_time(model, earlier, later)
        if same:
            return same, [earlier, later]
        then = lang.message("after_that", statement=later.statement)
        return f"{lang.message('order_first')} {earlier.statement} {then}", [earlier, later]
    if shape == "total":
        values = [number(model, f.count) or 0 for f in facts]
        working = " + ".join(str(v) for v in values)
        total = sum(values)
        head = lang.message("total", spelled=number_text(model, total), total=total, sum=working)
        return " ".join([head, *distinct(f.statement for f in facts)]), facts
    if shape == "interval":
        earlier, later = sorted(facts[:2], key=lambda f: (f.year_from or 0, model.month(f.date)))
        years = (later.year_from or 0) - (earlier.year_from or 0)
        head = lang.message(
            "interval", later=later.year_from, earlier=earlier.year_from, years=years, s="" if years == 1 else "s"
        )
        return " ".join([head, earlier.statement, later.statement]), [earlier, later]
    if shape == "each":
        lines = []
        for member, fact in zip(reading.entities, facts, strict=False):
            lines.append(lang.message("each_member", name=model.entities[member].short, statements=fact.statement))
        return "\n".join(lines), facts
    # in common: the entities every side shares, and the facts that show it
    names = [model.entities[e].short for e in reading.entities]
    head = lang.message("in_common", names=", ".join(names))
    return " ".join([head, *distinct(f.statement for f in facts)]), facts


def _same_time(model: Model, one: Fact, other: Fact) -> str:
    """ "The brief dates both to October 2016 ..." when it cannot tell which came first (the same month, or
    the same year with no month for one of them), else ""."""
    same_month = model.month(one.date) == model.month(other.date)
    vague = not (_within_year(model, one.date) and _within_year(model, other.date))
    if one.year_from != other.year_from or not (same_month or vague):
        return ""
    date = one.date if same_month and not vague else one.year_from
    return " ".join([model.lang.message("same_time", date=date), one.statement, other.statement])


def _within_year(model: Model, date: str | None) -> bool:
    """Whether a date says when in its year ("January 2013", "late 2016"), not the year alone."""
    words = set((date or "").lower().split())
    return bool(words & set(model.lang.months) or words & set(model.lang.month_positions))
