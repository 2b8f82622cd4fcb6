"""Phrases the frame stage reads in a question's words: the lexicon's user phrases ("used to be"), phrasal
verbs with their object inside ("kicked them out"), and the noun phrases that say what kind of thing is
asked for ("the name of the new group", "who was the U.S. ambassador ...", "which Algerian ...").

Kept apart from ``frame`` because each finder is a small parser of its own; the frame decides what the
spans they return mean.  May import: ``model``, ``entities``, ``normalize``.
"""

from __future__ import annotations

from .entities import Mention
from .model import Model
from .normalize import normalize, phrase_spans

__all__ = ["by_demonym", "demonym_asked", "identity_noun", "named_kind", "unasked", "with_synonyms"]

#: The classes of thing whose name "the name of the <noun>" asks for by asking which one it is.
_NAMED_KINDS = ("group", "place", "person")


def with_synonyms(model: Model, tokens: tuple[str, ...], in_mention: list[bool]) -> list[tuple[int, str]]:
    """Return (position, word) with user phrases replaced by the brief's word ("used to be" -> "formerly")."""
    synonyms = model.knowledge.synonyms
    phrases = model.synonym_starts
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(tokens):
        # only a word that starts some phrase is tried with the words after it
        for n in range(phrases.get(tokens[i], 1), 0, -1):
            phrase = tokens[i : i + n]
            if len(phrase) < n or any(in_mention[i : i + n]):
                continue
            canonical = synonyms.get(" ".join(phrase))
            if canonical is not None:
                out.append((i, canonical))
                i += n
                break
        else:
            separated = _separated_phrase(model, tokens, in_mention, i)
            if separated is not None:
                # "pushed them out" is "pushed out" with its object inside
                out.extend(((i, separated), (i + 1, tokens[i + 1])))
                i += 3
                continue
            out.append((i, tokens[i]))
            i += 1
    return out


def _separated_phrase(model: Model, tokens: tuple[str, ...], in_mention: list[bool], i: int) -> str | None:
    """The brief's word for a two-word phrase whose object sits between its words ("drove them out",
    "kicked AQIM out"), or None."""
    if i + 2 >= len(tokens) or in_mention[i] or in_mention[i + 2]:
        return None
    if not (in_mention[i + 1] or tokens[i + 1] in model.lang.pronouns):
        return None
    return model.knowledge.synonyms.get(f"{tokens[i]} {tokens[i + 2]}")


def named_kind(model: Model, tokens: tuple[str, ...], in_mention: list[bool]) -> tuple[int, int] | None:
    """The span of "<qualifiers> <noun>" in "the name of the [new Burkina Faso-based] group ...", when the
    noun is a kind of thing known by its name (a group, a place, a person), else None."""
    lang = model.lang
    for i in range(len(tokens) - 2):
        if tokens[i] not in lang.name_nouns or tokens[i + 1] not in lang.prepositions:
            continue
        start = i + 2 + (tokens[i + 2] in lang.articles)
        for j in range(start, min(start + 6, len(tokens))):
            # (a noun the conversation resolved, "the name of the new group", is still the noun asked about)
            # ("the name of the MUJAO offshoot that ...": a word describing one of a kind names that kind too)
            if tokens[j] in model.type_words:
                return (start, j + 1) if model.noun_class(tokens[j]) in _NAMED_KINDS else None
    return None


def identity_noun(model: Model, tokens: tuple[str, ...], in_mention: list[bool]) -> int | None:
    """The position of the noun in "who was the [U.S.] <noun> ...", when the noun says what kind of one is
    asked for (not a role of a relation: "who is the leader of X" is the leadership's to answer)."""
    lang = model.lang
    opener = next((o for o in lang.identity_openers if tokens[: len(o.split())] == tuple(o.split())), None)
    if opener is None or tokens[-1] in lang.dangling_words:
        return None  # ("who was the American kidnapped in Niger working for?": who is what ends it)
    at = len(opener.split())
    if at >= len(tokens) or tokens[at] not in lang.definite_articles:
        return None
    head = None
    for j in range(at + 1, min(at + 5, len(tokens))):
        if in_mention[j] or tokens[j].isdigit():
            continue  # (a year is no noun: "who was the 2015 peace deal between?")
        word = tokens[j]
        if word in lang.stopwords or ((head is not None or in_mention[j - 1]) and word.endswith("ed")):
            break  # the noun phrase ends: "the U.S. ambassador | killed in ...", "the colonial power | in ..."
        head = j
    if head is None or tokens[head] in model.role_nouns:
        return None
    return head


def demonym_asked(model: Model, tokens: tuple[str, ...], mentions: tuple[Mention, ...]) -> int | None:
    """The position of a country's name used as a noun for its people right after "which" ("which Algerian
    is ...", "which Malians lead ..."): a verb follows it, so it names people, not the country."""
    lang = model.lang
    for m in mentions:
        if m.start == 0 or tokens[m.start - 1] not in lang.kind_question_words or m.end - m.start != 1:
            continue
        after = tokens[m.end] if m.end < len(tokens) else ""
        # (a verb follows, not a noun: "which Algerian is / leads ...", not "which Malian president": an
        # auxiliary, or a verb of a relation that names people in a role)
        verb = (after in lang.stopwords or any(after in r.keywords for r in model.relations.values())) and (
            after not in model.type_words
        )
        # ("which Malian militant leader ...": a role noun after it, perhaps with a word describing the
        # person between, names people too)
        following = tokens[m.end : m.end + 2]
        # (not "which Nigerian group's leaders": a noun of a kind first says what is Nigerian)
        ahead = next((t for t in following if t in model.role_nouns or t in model.type_nouns), "")
        leader = ahead in model.role_nouns
        verb = verb or leader
        if verb and by_demonym(model, m):
            return m.start
    return None


def by_demonym(model: Model, mention: Mention) -> bool:
    """Whether a country is named by another word than its name ("Malian" for Mali): the word for its
    people, which names them, not the place."""
    name = normalize(model.entities[mention.entity].name)
    return model.scale.get(mention.entity) == "country" and normalize(mention.alias) != name


def unasked(model: Model, tokens: tuple[str, ...]) -> set[int]:
    """The positions of words that ask nothing the facts must say: words for groups or people at large that
    only say who acts, and words that stress, point at the document or say when a doing began."""
    lang = model.lang
    # "the Islamists", "the militants": a word for groups or people at large says who acts, not what about
    # (nor does "militant" in "the main militant leaders")
    out = {
        i
        for i, t in enumerate(tokens)
        if i and tokens[i - 1] in lang.articles and model.noun_class(t) in ("group", "person") and t.endswith("s")
    } | {i for i in range(len(tokens)) if model.describes_holder(tokens, i)}
    # ("these jihadist groups", "the Islamist militants": the same, with a word that only says what kind)
    out |= {
        j
        for i in range(1, len(tokens) - 1)
        if tokens[i - 1] in lang.definite_articles
        and model.describing_stems.get(model.stem(tokens[i])) == "group"
        and model.noun_class(tokens[i + 1]) in ("group", "person")
        and model.is_plural(tokens[i + 1])
        for j in (i, i + 1)
    }
    # "why France in particular?": words that stress what they follow
    out |= {j for start, end in phrase_spans(tokens, lang.emphasis_phrases) for j in range(start, end)}
    # ("the leaders the brief names": words that only point at the document ask nothing)
    out |= {j for start, end in phrase_spans(tokens, lang.document_fillers) if start for j in range(start, end)}
    # ("start pledging", "began to attack": when the doing began, and the doing is what is asked)
    out |= {
        i
        for i, t in enumerate(tokens[:-1])
        if t in lang.aspect_verbs and (tokens[i + 1].endswith("ing") or tokens[i + 1] == "to")
    }
    return out
