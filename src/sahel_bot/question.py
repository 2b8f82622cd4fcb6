"""Reading a question: its words, what kind of answer it wants, and the words that carry its content.

Pure functions over normalised tokens; no knowledge is needed except the
entity mentions found by ``entities``.  May import: ``normalize``, ``entities``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .entities import Mention

__all__ = ["ANAPHORA", "STOPWORDS", "Question", "analyse", "stem"]

STOPWORDS = frozenset(
    """
    a an the of in on at to for from by with and or but nor so as if than then that this these those there here
    is are was were be been being am do does did doing done has have had having can could will would shall should
    may might must ought i me my mine we us our you your he him his she her it its they them their what who whom
    whose which when where why how whats whos wheres hows any all some each every either neither both such own
    same other another also too very just only even ever still yet already again really actually exactly
    tell say says said saying know knows think explain describe give show list name mention mentions mentioned
    please thanks thank hi hey hello ok okay about regarding concerning according per brief report crs document
    paper text one ones thing things something anything someone anyone way kind kinds sort sorts type types
    developments part lot lots much many more
    most less least few several into onto over under up down out off through across between among within without
    against upon via s t d ll re ve m get got gets make made makes go goes went gone come came take took play plays
    played playing
    happen happens happened happening occur occurs occurred take place took place going ok okay
    month year date day time exactly specifically reportedly allegedly apparently supposedly really actually
    manage managed manages try tried tries trying able effort efforts problem problems issue issues situation
    involve involved involvement become became becomes keep kept exist exists existed
    thought believed believe rumored rumoured supposed reckoned
    mainly mostly largely primarily chiefly generally usually typically especially particularly
    differ differs different difference differences compare compared comparison contrast similar same both
    else others
    """.split()
)

#: Words that stand for something said before ("he", "there", "that group").
ANAPHORA: dict[str, str] = {
    "he": "person",
    "him": "person",
    "his": "person",
    "she": "person",
    "her": "person",
    "it": "any",
    "its": "any",
    "they": "group",
    "them": "group",
    "their": "group",
    "there": "place",
    "that": "any",
    "this": "any",
    "those": "group",
    "these": "group",
}

#: Nouns that name the kind of thing an answer is ("which countries ...") -> entity types.
TYPE_NOUNS: dict[str, tuple[str, ...]] = {
    "country": ("country",),
    "countries": ("country",),
    "place": ("country", "place"),
    "places": ("country", "place"),
    "city": ("place",),
    "cities": ("place",),
    "town": ("place",),
    "towns": ("place",),
    "region": ("place", "country"),
    "regions": ("place", "country"),
    "group": ("group",),
    "groups": ("group",),
    "organization": ("group", "organisation"),
    "organizations": ("group", "organisation"),
    "organisation": ("group", "organisation"),
    "organisations": ("group", "organisation"),
    "faction": ("group",),
    "factions": ("group",),
    "people": ("person", "concept"),
    "person": ("person",),
    "individuals": ("person",),
}

_YES_NO_STARTS = frozenset(
    "is are was were does do did has have had can could will would should isnt arent wasnt doesnt didnt hasnt".split()
)
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
# "what is it called", "was X called anything else" — but not "called for", "called on"
_CALLED = re.compile(
    r"( (is|was|are|were|be|being|s) (\w+ ){0,8}|^ what (\w+ ){1,6})called (?!for |on |upon |in |out |off |to )"
)
MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()


#: Words folded together before stemming, so a question and a fact that say the same thing meet.
SYNONYMS: dict[str, str] = {
    "dead": "die",
    "death": "die",
    "died": "die",
    "dies": "die",
    "alive": "die",
    "led": "lead",
    "leader": "lead",
    "leaders": "lead",
    "leadership": "lead",
    "money": "fund",
    "cash": "fund",
    "funds": "fund",
    "funding": "fund",
    "finance": "fund",
    "financed": "fund",
    "financing": "fund",
    "financial": "fund",
    "fundraises": "fund",
    "fundraising": "fund",
    "americans": "american",
    "american": "american",
    "killed": "kill",
    "kills": "kill",
    "murder": "kill",
    "murdered": "kill",
    "goals": "goal",
    "aims": "goal",
    "aim": "goal",
    "objectives": "goal",
    "objective": "goal",
    "wants": "goal",
    "want": "goal",
    "formed": "form",
    "founded": "form",
    "created": "form",
    "established": "form",
    "found": "form",
    "founding": "form",
    "founder": "form",
    "founders": "form",
    "kidnappings": "kidnap",
    "kidnapping": "kidnap",
    "kidnapped": "kidnap",
    "abducted": "kidnap",
    "hostages": "hostage",
    "fighters": "fighter",
    "members": "fighter",
    "militants": "militant",
    "allies": "ally",
    "allied": "ally",
    "army": "military",
    "soldiers": "military",
    "forces": "military",
    "warplanes": "strike",
    "airstrike": "strike",
    "bombing": "strike",
}


def stem(word: str) -> str:
    """Return a crude stem: enough to meet "leads"/"lead", "funded"/"fund", "attacks"/"attack"."""
    word = SYNONYMS.get(word, word)
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, keep in (
        ("ations", 0),
        ("ation", 0),
        ("ings", 0),
        ("ing", 0),
        ("ies", 1),
        ("ied", 1),
        ("ers", 0),
        ("er", 0),
        ("ed", 0),
        ("es", 0),
        ("ly", 0),
        ("s", 0),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix in ("s",) and word.endswith(("ss", "us", "is")):
                return word
            if suffix == "es" and not word.endswith(("ses", "xes", "ches", "shes", "zes")):
                continue
            base = word[: -len(suffix)]
            if keep:
                base += "y"
            if len(base) >= 4 and base[-1] == base[-2] and base[-1] not in "aeiouls":
                base = base[:-1]
            if base.endswith("e") and len(base) > 4:
                base = base[:-1]
            return base
    if word.endswith("e") and len(word) > 4:
        return word[:-1]
    return word


@dataclass(frozen=True, slots=True)
class Question:
    """A question read once: tokens, entity mentions, the answer type it wants and its content words."""

    text: str
    tokens: tuple[str, ...]
    mentions: tuple[Mention, ...]
    answer_type: str
    is_yesno: bool
    content: tuple[str, ...]
    years: tuple[int, ...]
    months: tuple[str, ...]
    anaphora: tuple[tuple[int, str], ...]
    skeleton: str
    #: entity types the answer should name ("which countries ..." wants countries)
    wanted: tuple[str, ...] = ()
    #: years the answer must fall in, from "before 2013", "since 2015", "after the French intervention"
    period: tuple[int, int] | None = None
    #: places the question sets aside ("beyond northern Mali", "outside Algeria"): named, not asked about
    beyond: tuple[str, ...] = ()

    @property
    def normalized(self) -> str:
        return " ".join(self.tokens)

    @property
    def asked(self) -> frozenset[str]:
        """The entities the question names (those it sets aside included: the answer must name others)."""
        return frozenset((*(m.entity for m in self.mentions), *self.beyond))


def _answer_type(tokens: list[str]) -> tuple[str, bool]:
    # "which hotel attacks ..." asks which attacks, not the hotel's name
    text = (" " + " ".join(tokens) + " ").replace(" hotel attack", " attack").replace(" restaurant attack", " attack")
    first = tokens[0] if tokens else ""
    is_yesno = first in _YES_NO_STARTS
    checks = (
        ("how_many", (" how many ", " number of ")),
        ("size", (" how big ", " how large ", " what size ", " how strong ", " how much ")),
        ("duration", (" how long ", " for how long ", " since when ")),
        (
            "when",
            (
                " when ",
                " what year ",
                " which year ",
                " what month ",
                " what date ",
                " which month ",
                " what time ",
                " how long ago ",
                " since when ",
                " date of ",
                " what century ",
                " which century ",
            ),
        ),
        ("meaning", (" mean ", " means ", " meaning ", " stand for ", " stands for ", " translate", " in english ")),
        (
            "name",
            (
                " name of ",
                " names ",
                " names of ",
                " what name ",
                " which name ",
                " which hotel ",
                " what hotel ",
                " which restaurant ",
                " what restaurant ",
                " which company ",
            ),
        ),
        (
            "where",
            (
                " where ",
                " what country ",
                " which country ",
                " in what country ",
                " what region ",
                " which town ",
                " what town ",
                " which city ",
                " what city ",
                " which village ",
            ),
        ),
        (
            "why",
            (
                " why ",
                " what reason ",
                " what explains ",
                " what accounts for ",
                " for what reason ",
                " how come ",
                " what circumstances ",
                " what conditions ",
                " what factors ",
                " what allowed ",
                " what enabled ",
            ),
        ),
        ("who", (" who ", " whom ", " whose ", " which person ", " what person ")),
        ("which", (" which ", " what groups ", " what countries ", " list ", " name the ")),
        ("how", (" how ",)),
    )
    # The question word that comes first decides ("who was its leader when ..." asks who, not when);
    # at one position the more specific cue wins ("how many" over "how").
    found: list[tuple[int, int, str]] = []
    called = _CALLED.search(text)
    if called:
        found.append((called.start(), -1, "name"))
    for order, (kind, cues) in enumerate(checks):
        positions = [text.find(cue) for cue in cues if cue in text]
        if positions:
            found.append((min(positions), order, kind))
    if is_yesno:
        # "does the U.S. publish how big the groups are?" asks yes or no, whatever words follow
        return "yesno", True
    for _, _, kind in sorted(found):
        return kind, False
    return ("yesno" if is_yesno else "what"), is_yesno


def _with_synonyms(tokens: list[str], in_mention: list[bool], synonyms: Mapping[str, str]) -> list[tuple[int, str]]:
    """Return (position, word) with user phrases replaced by the brief's word ("used to be" -> "formerly")."""
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(tokens):
        for n in (4, 3, 2, 1):
            phrase = tokens[i : i + n]
            if len(phrase) < n or any(in_mention[i : i + n]):
                continue
            canonical = synonyms.get(" ".join(phrase))
            if canonical is not None:
                out.append((i, canonical))
                i += n
                break
        else:
            out.append((i, tokens[i]))
            i += 1
    return out


def analyse(
    text: str, tokens: list[str], mentions: list[Mention], synonyms: Mapping[str, str] | None = None
) -> Question:
    """Return the :class:`Question` for ``tokens`` (normalised) with ``mentions`` already linked."""
    in_mention = [False] * len(tokens)
    for m in mentions:
        for i in range(m.start, m.end):
            in_mention[i] = True
    answer_type, is_yesno = _answer_type(tokens)
    years = tuple(int(t) for t in tokens if _YEAR.match(t))
    months = tuple(t for t in tokens if t in MONTHS and t != "may")
    content = tuple(
        t
        for i, t in _with_synonyms(tokens, in_mention, synonyms or {})
        if not in_mention[i] and t not in STOPWORDS and not _YEAR.match(t) and t not in MONTHS and len(t) > 1
    )
    # "which countries", "what groups": the noun says what kind of thing the answer names; it is
    # matched against the facts' entities, not against their words
    wanted: list[str] = []
    for i, t in enumerate(tokens[:-1]):
        if t in ("which", "what", "whose", "how") and tokens[i + 1] in TYPE_NOUNS:
            wanted.extend(TYPE_NOUNS[tokens[i + 1]])
            content = tuple(w for w in content if w != tokens[i + 1])
    anaphora = tuple((i, ANAPHORA[t]) for i, t in enumerate(tokens) if not in_mention[i] and t in ANAPHORA)
    # The skeleton replaces each mention by its slot type, for template matching.
    skeleton: list[str] = []
    i = 0
    by_start = {m.start: m for m in mentions}
    while i < len(tokens):
        m = by_start.get(i)
        if m is not None:
            skeleton.append("{" + m.entity + "}")
            i = m.end
            continue
        skeleton.append("{year}" if _YEAR.match(tokens[i]) else tokens[i])
        i += 1
    return Question(
        text=text,
        tokens=tuple(tokens),
        mentions=tuple(mentions),
        answer_type=answer_type,
        is_yesno=is_yesno,
        content=content,
        years=years,
        months=months,
        anaphora=anaphora,
        skeleton=" ".join(skeleton),
        wanted=tuple(dict.fromkeys(wanted)),
    )
