"""Descriptions that name something by what the brief says of it: "who leads the group that Abu Walid al
Sahrawi broke away from?", "what ethnicity is the leader of the group UN investigators call a local front
for AQIM?".

The description ("the group that ... broke away from") is a question of its own ("which group ... broke
away from"); when the brief's answer to it names one entity of the kind described (a few, for a plural),
that name takes the description's place and the question is asked again: two hops, each answered from
the brief and both cited.  This module finds the description and reads the entity off the inner
answer's facts; ``pipeline`` asks the two questions.  May import: ``model``, ``linking``, ``knowledge``.
"""

from __future__ import annotations

from .frame import YEAR
from .knowledge.schema import Fact
from .linking import names_in, owned_names
from .model import Model
from .normalize import normalize, possessed
from .records import record

__all__ = ["Description", "find_description", "named_by", "rewritten"]

#: The classes of thing a description can name for a second question (a group, a person).
_DESCRIBED = ("group", "person")
#: A description's clause this short ("the group in Mali") says too little to name one thing.
_SHORTEST_CLAUSE = 2


@record
class Description:
    """Where the description is in the question's tokens, and the question it makes of its own."""

    start: int
    end: int
    #: "which group abu walid al sahrawi broke away from"
    inner: str
    #: the entity types the head noun names ("group" -> group)
    kinds: tuple[str, ...]
    plural: bool
    #: the entities the description itself names (they are not what it describes)
    named: tuple[str, ...]
    #: the clause opens with a name ("the group that X broke away from"): what is described is the
    #: object of what the named one does; else ("the group formed from X") it is the subject
    object_clause: bool = False
    #: the clause's words ("abu walid al sahrawi broke away from")
    clause: str = ""
    #: what the described thing is a part of ("the branch of AQIM that ...": AQIM)
    owner: tuple[str, ...] = ()


def find_description(model: Model, tokens: tuple[str, ...], text: str = "") -> Description | None:
    """Return the first description with a clause in ``tokens`` ("the <noun> [that] <clause>"), or None.

    ``text`` is the question as typed: "the group's Sahel operations" is a possessive (its tokens, "the
    group sahel operations", read like a clause)."""
    lang = model.lang
    fronted = _fronted(model, tokens)
    if fronted is not None:
        return fronted
    marked = possessed(text)
    definite = lang.articles & lang.definite_articles
    each = {p for p in lang.each_words if " " not in p}
    for i in range(1, len(tokens) - 2):
        if tokens[i] not in definite:
            continue
        before = set(tokens[:i])
        if not before & lang.question_words or before & each:
            # "did the Islamists impose ...": the description is the question's subject, asked about as
            # it stands; "each of the groups that ...": the question of each member (summaries)
            continue
        j = i + 1
        count = lang.number_words.get(tokens[j])
        if count is not None:
            j += 1  # "the two groups that ..."
        first = j
        # "the two Malian-led groups": a few words may qualify the noun
        # ("the AQIM leader to whom ...": a role noun names a person by what the clause says of them)
        nouns = model.type_nouns.keys() | model.role_nouns.keys()
        j = next((n for n in range(j, min(j + 3, len(tokens))) if tokens[n] in nouns), j)
        head = tokens[j] if j < len(tokens) else ""
        role = head in model.role_nouns
        if head in marked or (not role and (model.noun_class(head) not in _DESCRIBED or head not in model.type_nouns)):
            continue  # a noun of the kind ("group", "man"), not a word describing one ("the Islamists")
        k = j + 1
        stranded: tuple[str, ...] = ()
        if k + 1 < len(tokens) and tokens[k] in lang.prepositions and tokens[k + 1] in lang.relative_pronouns:
            # "the leader to whom X pledged allegiance": the preposition goes to the end of the clause
            stranded, k = (tokens[k],), k + 1
        owner: tuple[str, ...] = ()
        if k < len(tokens) and tokens[k] in lang.prepositions:
            # "the branch of AQIM that joined JNIM": a name the noun belongs to, then the clause
            after = names_in(model, " ".join(tokens[k + 1 :]), tokens[k + 1 :])
            ending = next((m.end for m in after if m.start == 0), 0)
            if ending and k + 1 + ending < len(tokens) and tokens[k + 1 + ending] in lang.relative_pronouns:
                owner = tokens[k : k + 1 + ending]
                k += 1 + ending
        relative = k < len(tokens) and tokens[k] in lang.relative_pronouns
        clause = tokens[k + 1 :] if relative else tokens[k:]
        end = len(tokens)
        if all(t in lang.question_words or t in lang.yes_no_starts for t in tokens[:i]) and len(clause) > 2:
            # "when was the group that Koufa leads founded?": the question's own verb comes last
            clause, end = clause[:-1], end - 1
        clause = (*clause, *stranded)
        if len(clause) < _SHORTEST_CLAUSE or (clause[0] in lang.prepositions and not relative):
            # "the group in Mali", "the leader of the group": a phrase, not a clause describing it
            continue
        # ("the alliance that Koufa's group joined": the possessive stays, it says whose group)
        said = [
            f"{t}'s" if t in marked and n + 1 < len(clause) and clause[n + 1] in model.type_nouns else t
            for n, t in enumerate(clause)
        ]
        found, _ = owned_names(model, " ".join(said), clause, names_in(model, " ".join(clause), clause))
        named = tuple(dict.fromkeys(m.entity for m in found))
        if not relative and not named:
            continue
        object_clause = bool(found) and min(m.start for m in found) == 0
        plural = (count or 0) > 1 or model.is_plural(head)
        # the words qualifying the noun stay in the inner question: "the Christian aid organization ..." is
        # not any organization the clause fits (a name, as in "the Malian group", says where it is from:
        # the brief's fact need not say so again)
        qualifiers = [t for t in tokens[first:j] if not names_in(model, t, (t,))]
        if not owner:
            # "the AQIM branch that ...": a name before a noun of a part is what it is a part of
            before = names_in(model, " ".join(tokens[first:j]), tokens[first:j])
            owner = ("of", *(w for m in before if model.cls[m.entity] == "group" for w in m.words.split()))
            owner = owner if len(owner) > 1 else ()
        inner = " ".join((lang.description_question, *qualifiers, head, *owner, *said))
        owners = tuple(m.entity for m in names_in(model, " ".join(owner[1:]), owner[1:])) if owner else ()
        kinds = model.class_types["person"] if role else model.type_words[head]
        return Description(i, end, inner, kinds, plural, named, object_clause, " ".join(clause), owners)
    return None


def _fronted(model: Model, tokens: tuple[str, ...]) -> Description | None:
    """ "The group suspected in the 2016 Niger kidnapping merged with which faction ...?": a description as
    the subject, the question word after it; it ends with the last name before the question word (what
    follows is the question's own verb)."""
    lang = model.lang
    if len(tokens) < 6 or tokens[0] not in lang.definite_articles:
        return None
    head = tokens[1]
    if head not in model.type_nouns or model.noun_class(head) not in _DESCRIBED:
        return None
    asks = next((j for j in range(3, len(tokens)) if tokens[j] in lang.question_words), None)
    if asks is None:
        return None
    k = 3 if tokens[2] in lang.relative_pronouns else 2
    region = tokens[k:asks]
    found = names_in(model, " ".join(region), region)
    if not found:
        return None
    end = k + max(m.end for m in found)
    if end + 1 < asks and tokens[end] in lang.range_openers and YEAR.fullmatch(tokens[end + 1]):
        end += 2  # ("the faction that split from X in 2015, who ...": the year dates the description)
    clause = tokens[k:end]
    # ("the group that kidnapped the American in Niger, what did it merge into?": the question that follows
    # points back at the description; else a name just before the question word is the question's own)
    pointed = bool(lang.clause_subjects & set(tokens[asks:]) - lang.articles)
    if len(clause) < _SHORTEST_CLAUSE or clause[0] in lang.prepositions or (end >= asks and not pointed):
        return None
    named = tuple(dict.fromkeys(m.entity for m in found))
    inner = " ".join((lang.description_question, head, *clause))
    plural = model.is_plural(head)
    object_clause = min(m.start for m in found) == 0
    return Description(0, end, inner, model.type_words[head], plural, named, object_clause, " ".join(clause))


def named_by(model: Model, facts: list[Fact], description: Description) -> list[str]:
    """The entities of the described kind the inner answer's facts name, besides those the description
    names: those a fact relates to a named one (one the subject, the other the object), else those all
    of its facts name when they agree, else those of the first; of those, the parts of what the
    description says it belongs to ("the branch of AQIM that ..."), when any is."""
    found = _named_by(model, facts, description)
    owner = set(description.owner)
    if not owner:
        return found
    found = [e for e in found if e not in owner]
    parts = [e for e in found if owner & set(model.entities[e].part_of)]
    if not parts:
        # the part of it any of the facts names ("AQIM's Sahel branch" in the second statement of the merger)
        kinds = set(description.kinds)
        parts = [
            e
            for f in facts
            for e, t in model.index.kinds[f.id]
            if t in kinds and owner & set(model.entities[e].part_of) and e not in description.named
        ]
    return list(dict.fromkeys(parts)) or found


def _named_by(model: Model, facts: list[Fact], description: Description) -> list[str]:
    kinds = set(description.kinds)
    roles = model.index.roles
    # the facts of the relation the clause's words name first ("broke away" names a split): a fact that
    # only mentions the split in passing names other things
    clause = f" {description.clause} "

    def names_relation(fact: Fact) -> bool:
        relation = model.relations.get(fact.relation)
        return relation is not None and any(f" {normalize(k)} " in clause for k in relation.keywords)

    # ... and of the year the clause names ("merged with in 2017")
    years = {int(w) for w in description.clause.split() if YEAR.fullmatch(w)}

    def in_year(fact: Fact) -> bool:
        return not years or any((fact.year_from or 0) <= y <= (fact.year_to or fact.year_from or 0) for y in years)

    # (a fact of no year or another is no answer when others are of the year the clause names)
    facts = sorted([f for f in facts if in_year(f)] or facts, key=lambda f: not names_relation(f))
    # what the named ones are part of is not what they acted with ("AQIM's Sahel branch ... merged with")
    wholes = {w for n in description.named for w in model.entities[n].part_of}
    # the clause's own order first (the named one acting on the described, or the other way round), then
    # the other (a passive: "the group formed from X")
    orders = [("subject", "object"), ("object", "subject")]
    if not description.object_clause:
        orders.reverse()
    for theirs_role, mine_role in orders:
        for fact in facts:
            if not any(roles[fact.id].get(n) == theirs_role for n in description.named):
                continue
            related = [
                e
                for e, t in model.index.kinds[fact.id]
                if t in kinds
                and e not in description.named
                and e not in wholes
                and not model.entities[e].unnamed
                and roles[fact.id].get(e) == mine_role
            ]
            if related:
                return list(dict.fromkeys(related))
    sets = []
    for fact in facts:
        found = [
            e
            for e, t in model.index.kinds[fact.id]
            if t in kinds and e not in description.named and not model.entities[e].unnamed
        ]
        if found:
            sets.append(found)
    if not sets:
        return []
    common = [e for e in sets[0] if all(e in s for s in sets[1:])]
    return common or sets[0]


def rewritten(model: Model, tokens: tuple[str, ...], description: Description, entity: str) -> str:
    """The question with ``entity``'s name in the description's place."""
    name = model.names[entity][0] if model.names.get(entity) else model.entities[entity].name
    return " ".join((*tokens[: description.start], name, *tokens[description.end :]))
