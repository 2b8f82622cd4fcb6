"""Questions that ask for what fits two descriptions at once: "which group both helped seize northern Mali
and later merged into Al Murabitoun?", "which leader swore allegiance to Zawahiri in 2014 and reportedly
survived a U.S. air strike?".

Each description is a question of its own ("which group helped seize northern Mali", "which group merged
into Al Murabitoun"); the answer is what both answers name, with the statements of each that name it.  This
module finds the two questions and reads the names off their facts; ``pipeline`` asks them.  May import:
``model``, ``linking``, ``knowledge``.
"""

from __future__ import annotations

from .knowledge.schema import Fact
from .linking import names_in
from .model import Model
from .records import record

__all__ = ["Intersection", "find_intersection", "named_in", "shared"]

#: The classes of thing such a question asks for (what its facts name as subject or object).
_ASKED = ("group", "person")
#: Each description is at least this many words ("merged into X" is two).
_SHORTEST = 2


@record
class Intersection:
    """The two questions a "which X both A and B" question is made of, and the kinds of thing asked for."""

    first: str
    second: str
    kinds: tuple[str, ...]
    #: the entities the question names (what both descriptions are about, not what they describe)
    named: tuple[str, ...] = ()


def find_intersection(model: Model, tokens: tuple[str, ...]) -> Intersection | None:
    """Return the two descriptions of "which <noun> [both] <A> and [later] <B>", or ``None``."""
    lang = model.lang
    fronted = _partitive_front(model, tokens)
    if fronted is not None:
        return fronted
    if len(tokens) < 6 or tokens.count("and") != 1:
        return None
    if tokens[0] == "who":
        head, start, kinds = ("who",), 1, model.class_types.get("person", ()) + model.class_types.get("group", ())
    elif tokens[0] in lang.kind_question_words and tokens[1] in model.type_words:
        # "which group", "which leader": a kind of thing that acts
        kinds = model.type_words[tokens[1]]
        if not any(model.knowledge.types[t].cls in _ASKED for t in kinds if t in model.knowledge.types):
            return None
        head, start = (lang.description_question, tokens[1]), 2
    else:
        return None
    both = False
    while start < len(tokens) and tokens[start] in lang.both_words:
        start += 1
        both = True
    joint = tokens.index("and")
    first = tokens[start:joint]
    second = list(tokens[joint + 1 :])
    ordered = False
    while second and second[0] in lang.adverbs | lang.sequence_words:
        second = second[1:]
        ordered = True
    if not both and not ordered and not (second and second[0] in lang.auxiliaries):
        # "who claimed the hotel and restaurant attacks?": only "both ... and", "... and later ..." or an
        # auxiliary after "and" ("... and may also be active in Mali") says that two descriptions are joined
        # (a bare "and" joins names and nouns far more often)
        return None
    if len(first) < _SHORTEST or len(second) < _SHORTEST:
        return None
    # "which groups attacked Mali and Niger": a list of names, not a second description
    if second[0] in lang.articles or second[0] in lang.prepositions or names_in(model, second[0], (second[0],)):
        return None
    if first[0] in lang.prepositions or first[0] in lang.articles:
        return None  # "which groups in Mali and ...": a phrase, not a description
    named = tuple(dict.fromkeys(m.entity for m in names_in(model, " ".join(tokens), tokens)))
    return Intersection(" ".join((*head, *first)), " ".join((*head, *second)), tuple(kinds), named)


def _partitive_front(model: Model, tokens: tuple[str, ...]) -> Intersection | None:
    """ "Of the three groups that took over northern Mali, which one later helped form Al Murabitoun?": the
    set the fronted phrase describes, then what the question asks of its members; the two descriptions of
    "which group took over northern Mali" and "which group later helped form Al Murabitoun"."""
    lang = model.lang
    if len(tokens) < 7 or tokens[0] not in lang.partitives or tokens[1] not in lang.definite_articles:
        return None
    at = 3 if tokens[2] in lang.number_words else 2
    noun = tokens[at] if at < len(tokens) else ""
    kinds = model.type_words.get(noun, ())
    if not any(model.knowledge.types[t].cls in _ASKED for t in kinds if t in model.knowledge.types):
        return None
    at += 1
    if at < len(tokens) and tokens[at] in lang.relative_pronouns:
        at += 1
    asks = next(
        (j for j in range(at + 1, len(tokens)) if tokens[j] in lang.kind_question_words or tokens[j] == "who"), None
    )
    if asks is None:
        return None
    rest = asks + 1
    if rest < len(tokens) and (tokens[rest] in lang.one_words or tokens[rest] == noun):
        rest += 1  # "which one", "which group"
    elif rest + 1 < len(tokens) and tokens[rest] in lang.partitives and tokens[rest + 1] in lang.set_pronouns:
        rest += 2  # "which of them"
    first, second = tokens[at:asks], tokens[rest:]
    if len(first) < _SHORTEST or len(second) < _SHORTEST:
        return None
    head = (lang.description_question, noun)
    named = tuple(dict.fromkeys(m.entity for m in names_in(model, " ".join(tokens), tokens)))
    return Intersection(" ".join((*head, *first)), " ".join((*head, *second)), tuple(kinds), named)


def named_in(model: Model, facts: list[Fact], intersection: Intersection) -> list[str]:
    """The entities of the kinds asked for that ``facts`` name, besides those the question names, in the
    order the facts name them."""
    kinds = set(intersection.kinds)
    roles = model.index.roles
    return list(
        dict.fromkeys(
            e
            for f in facts
            for e in roles[f.id]
            if e in model.entities
            and model.entities[e].type in kinds
            and e not in intersection.named
            and not model.entities[e].unnamed
        )
    )


def shared(model: Model, answers: list[list[Fact]], intersection: Intersection) -> list[str]:
    """What every answer names: by the best fact of each first (the rest of an answer brings what it says
    in passing), then by all of their facts."""
    # what each fact of each answer names, worked out once (a part names its whole too: AQIM took over
    # northern Mali, and its Sahel branch joined the 2017 merger)
    named = [
        [
            {
                w
                for e in named_in(model, [f], intersection)
                for w in (e, *model.entities[e].part_of)
                if w in model.entities
            }
            for f in facts
        ]
        for facts in answers
    ]
    for depth in (1, None):
        found = set.intersection(*(set().union(*ns[:depth]) for ns in named)) if named else set()
        if found:
            # of those, what every answer's facts name most often ("AQIM breakaway factions" names AQIM once)
            share = {e: min(sum(e in n for n in ns) / len(ns) for ns in named) for e in found}
            most = max(share.values())
            return sorted(e for e, n in share.items() if n == most)
    return []
