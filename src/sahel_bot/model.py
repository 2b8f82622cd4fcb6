"""The model: everything built once from a knowledge directory and the language that answering reads.

Every stage of the pipeline reads the model and never changes it.  It holds the matchers and indexes
(entity linker, intent matcher, fact index, spelling), the language, the brief's ``About``, and the
topic as the engine may know it: entity classes, the nouns naming each type, the relations that give
each kind of value.  The code names no relation id and no entity type; it asks the model.
It is pickled whole into the start-up cache.  May import: every core module below the stages.
"""

from __future__ import annotations

from .about import About
from .config import Settings
from .entities import EntityLinker
from .intents import IntentMatcher
from .knowledge.schema import Fact, Knowledge, slot_types
from .language import Language, load_language
from .normalize import normalize
from .retrieval import FactIndex
from .spelling import SpellChecker, common_english_words
from .stemming import Stemmer

__all__ = ["Model"]

#: How many facts a timeline shows before "more".
TIMELINE_FACTS = 16


class Model:
    """The knowledge, the language and everything derived from them once."""

    def __init__(self, knowledge: Knowledge, settings: Settings, language: Language | None = None) -> None:
        self.knowledge = knowledge
        self.settings = settings
        self.lang = language if language is not None else load_language()
        self.about = About.from_brief(knowledge.brief)
        self.entities = knowledge.entities
        self.relations = knowledge.relations
        self.stem = Stemmer(knowledge.stems)
        #: entity id -> its class ("person", "group", "place", "event", "thing", "outside")
        self.cls = {e.id: knowledge.types[e.type].cls for e in self.entities.values()}
        #: class -> the entity types of that class ("person" -> the person types)
        self.class_types: dict[str, tuple[str, ...]] = {}
        for t in knowledge.types.values():
            self.class_types[t.cls] = (*self.class_types.get(t.cls, ()), t.id)
        #: entity id -> whether it can answer "who"
        self.agent = {e.id: knowledge.types[e.type].agent for e in self.entities.values()}
        #: entity id -> "country" / "local" for places, "" otherwise
        self.scale = {e.id: knowledge.types[e.type].scale for e in self.entities.values()}
        #: noun (one or more words) -> the types it names ("towns" -> place), longest nouns first; and the
        #: same with the descriptors ("offshoot", "siege"), which point at an entity of a type
        nouns: dict[str, list[str]] = {}
        words: dict[str, list[str]] = {}
        for t in knowledge.types.values():
            for noun in t.nouns:
                nouns.setdefault(noun, []).append(t.id)
            for noun in (*t.nouns, *t.descriptors):
                words.setdefault(noun, []).append(t.id)
        self.type_nouns = {n: tuple(ts) for n, ts in sorted(nouns.items(), key=lambda item: -len(item[0].split()))}
        self.type_words = {n: tuple(ts) for n, ts in sorted(words.items(), key=lambda item: -len(item[0].split()))}
        #: the stem of a word describing one of a kind (not naming the kind) -> its class ("militant" -> group)
        self.describing_stems = {
            self.stem(w): knowledge.types[t.id].cls
            for t in knowledge.types.values()
            for w in t.descriptors
            if " " not in w
        }
        #: the types of things that are kinds of people ("U.S. citizens"): named by a noun persons are named by
        persons = {n for t in knowledge.types.values() if t.cls == "person" for n in t.nouns}
        self.people_types = frozenset(
            t.id for t in knowledge.types.values() if t.cls == "thing" and persons & set(t.nouns)
        )
        #: noun -> the relation whose subject it names by its object ("leader" -> who leads X)
        self.role_nouns = {n: r.id for r in self.relations.values() for n in r.role_nouns}
        #: value kind -> the relations whose facts give it
        self.giving: dict[str, frozenset[str]] = {}
        for r in self.relations.values():
            for kind in r.gives:
                self.giving[kind] = self.giving.get(kind, frozenset()) | {r.id}
        self.current = frozenset(r.id for r in self.relations.values() if r.current)
        #: the phrases that ask "how many" ("how many", "number of"), as words: what a count question counts
        #: comes right after one (read by the frame, the cues, the readings and the totals)
        self.counting_cues = tuple(
            tuple(c.split()) for cue in self.lang.answer_types if cue.type == "how_many" for c in cue.cues
        )
        self.slot_types = slot_types(knowledge.types)
        #: the first word of each lexicon phrase, and the longest phrase it starts ("used" -> 3)
        self.synonym_starts: dict[str, int] = {}
        for phrase in knowledge.synonyms:
            first, size = phrase.split()[0], len(phrase.split())
            self.synonym_starts[first] = max(self.synonym_starts.get(first, 1), size)
        #: relation id -> the stems of its keywords: what a question's words must share to name the relation
        self.relation_stems = {
            r.id: frozenset(self.stem(w) for k in r.keywords for w in k.split()) for r in self.relations.values()
        }
        self.linker = EntityLinker(knowledge.entities, self.cls, self.lang, settings.entity_cutoff)
        self.matcher = IntentMatcher(knowledge.intents, knowledge.entities, self.lang, self.slot_types)
        # a template's phrases in the brief's words, worked out when a reading first needs them
        self._brief_words: dict[str, frozenset[str]] = {}
        # the intents as the stages see them: each with its first template only (see IntentMatcher)
        self.intents = self.matcher.intents
        # the brief's year: nothing after it can be in the brief ("in 2020", "since 2018")
        date = knowledge.brief.date
        self.brief_year = int(date[:4]) if date[:4].isdigit() else 9999
        self.index = FactIndex(knowledge.facts, knowledge.entities, knowledge.relations, self)
        self.sentences = {s.id: s for s in knowledge.brief.sentences}
        #: sentence id -> its place in the brief: what the brief tells next ("then what?")
        self.sentence_at = {s.id: i for i, s in enumerate(knowledge.brief.sentences)}
        self.facts = {f.id: f for f in knowledge.facts}
        template_words = {
            w for i in knowledge.intents.values() for t in i.templates for w in t.normalized.split() if "{" not in w
        }
        lexicon = self._lexicon()
        common = common_english_words()
        stems = {self.stem(w) for w in lexicon}
        kin = (w for w in common if w not in lexicon and self.stem(w) in stems)
        # (the adverbs too: "realy" is "really", a question's word, not the brief's "real")
        preferred = template_words | self.lang.adverbs
        self.speller = SpellChecker(lexicon, common, preferred, self.lang.short_forms, kin)
        self.linker.common = self.speller.common
        self.names = {
            e.id: tuple(n for n in dict.fromkeys(normalize(x) for x in e.names) if n) for e in self.entities.values()
        }
        #: the words of the entities' names ("mali", "burkina"): a statement with one of them new says something new
        # (of the things a fact is about, a place, a group or a person; an event's name says what happened)
        self.naming_words = frozenset(
            w
            for e, ns in self.names.items()
            if self.cls[e] in ("place", "group", "person")
            for n in ns
            for w in n.split()
            if w not in self.lang.stopwords and not w.isdigit() and w not in self.type_words
        )
        # the first word of names that several groups or people share ("ansar", "abu"): typed alone, it is
        # a partial name the question back should resolve, not a guess; a word that is a name itself is none
        whole = {n for ns in self.names.values() for n in ns} | {
            normalize(w) for e in self.entities.values() for w in e.weak_aliases
        }
        # (common words: the speller's, read once from the word list)
        excluded = self.lang.stopwords | self.speller.common | whole | words.keys()
        heads: dict[str, set[str]] = {}
        for e, ns in self.names.items():
            if self.cls[e] not in ("group", "person"):
                continue
            for n in ns:
                head = n.split()[0]
                if len(n.split()) > 1 and len(head) > 2 and head not in excluded:
                    heads.setdefault(head, set()).add(e)
        self.name_heads = {h: tuple(sorted(es)) for h, es in heads.items() if len(es) > 1}
        # the entities that publish the brief ("the CRS report" names the document, not the publisher)
        publisher = {normalize(self.about.publisher), *normalize(self.about.series).split()} - {""}
        self.publishers = frozenset(e for e, ns in self.names.items() if publisher & set(ns))
        #: the words of the publisher and series ("crs", "in focus"): "this CRS brief" is "this brief"
        self.publisher_words = frozenset(w for p in publisher for w in p.split())
        #: what the brief's title names ("the brief on AQIM" is the document, not a question about AQIM)
        self.title_entities = frozenset(m.entity for m in self.linker.link(normalize(self.about.title).split()))
        self.title_words = frozenset(normalize(self.about.title).split())
        # how plainly each fact speaks of its relation: "a key source of funding" is about financing in the
        # relation's own words, "observers debate ... drug smuggling" only around it; used to order equals
        self.topical: dict[str, int] = {}
        for f in knowledge.facts:
            vocabulary = self.relation_stems.get(f.relation, frozenset())
            self.topical[f.id] = len(vocabulary & {self.stem(w) for w in normalize(f.statement).split()})
        #: each fact statement's content words: answers compare statements with each other to say things once
        self.statement_words = {
            f.statement: frozenset(normalize(f.statement).split()) - self.lang.stopwords for f in knowledge.facts
        }
        #: ... and their stems: whether a statement says the question's words itself, not only its keywords
        self.statement_stems = {s: frozenset(self.stem(w) for w in ws) for s, ws in self.statement_words.items()}
        #: entity id -> its names of more than one word: what says two statements are of different things
        self.long_names = {e.id: tuple(n for n in e.names if len(n.split()) > 1) for e in self.entities.values()}
        self.overviews = {
            (e, shape): self._overview(e, shape) for e in self.index.by_entity for shape in ("about", "timeline")
        }
        # the knowledge as the stages (and the interfaces) see it: the intents without their expansions
        self.knowledge = knowledge._replace(intents=self.intents)

    # -- what the engine may know of the topic -------------------------------------------
    def gives(self, relation: str, kind: str) -> bool:
        """Whether facts of ``relation`` hold a value of ``kind`` (a place, a reason, a name ...)."""
        return relation in self.giving.get(kind, frozenset())

    def brief_words(self, template: str) -> frozenset[str]:
        """The brief's words for the phrases of a template the lexicon knows ("who has sided with {entity}"
        -> "aligning"): the question's words read through the lexicon are the template's words too."""
        said = self._brief_words.get(template)
        if said is None:
            words = template.split()
            synonyms = self.knowledge.synonyms
            said = frozenset(
                canonical
                for n in range(1, 5)
                for i in range(len(words) - n + 1)
                if (canonical := synonyms.get(" ".join(words[i : i + n]))) is not None
            )
            if len(self._brief_words) >= 4096:
                self._brief_words.clear()
            self._brief_words[template] = said
        return said

    def called(self, entities: list[str], noun: str) -> list[str]:
        """Those of ``entities`` whose names use ``noun`` ("the siege", "that branch"), in their order."""
        stem = self.stem(noun)
        return [e for e in entities if any(stem in map(self.stem, n.split()) for n in self.names[e])]

    def is_plural(self, word: str) -> bool:
        """Whether a noun is in the plural ("groups", "attacks"; not "siege", nor "news", which stems as itself)."""
        return word.endswith("s") and self.stem(word) != word

    def made(self, fact: Fact) -> str | None:
        """What a fact's relation produces ("merged into": the new group), by the relation's result role."""
        result = self.relations[fact.relation].result
        return fact.object if result == "object" else fact.subject if result == "subject" else None

    def in_all(self, statement: str) -> bool:
        """Whether a statement gives its count as a total of its own ("in all, 39 civilians were killed"):
        everyone counted, so the other counts of the same occasion are among them."""
        said = f" {normalize(statement)} "
        return any(f" {p} " in said for p in self.lang.total_words)

    def describes_holder(self, tokens: tuple[str, ...], at: int) -> bool:
        """Whether the word at ``at`` describes a group just before a role noun ("the main militant leaders"):
        it only says what the role's holders are, as all the brief's are, and asks nothing."""
        return (
            at + 1 < len(tokens)
            and self.describing_stems.get(self.stem(tokens[at]), "") == "group"
            and tokens[at + 1] in self.role_nouns
        )

    def noun_class(self, noun: str) -> str:
        """Return the class a noun describes ("group" -> group, "town" -> place), or "" (a role noun: none)."""
        if noun in self.role_nouns:
            return ""  # "the leader" names someone by their relation to another, not a thing talked about
        types = self.type_words.get(noun)
        return self.knowledge.types[types[0]].cls if types else ""

    def types_named(self, tokens: tuple[str, ...]) -> list[tuple[str, tuple[str, ...]]]:
        """Return (word, types) for each noun or descriptor of a type the question uses, the longest first."""
        text = f" {' '.join(tokens)} "
        return [(n, ts) for n, ts in self.type_words.items() if f" {n} " in text]

    def month(self, date: str | None) -> int:
        """Return a sortable position within the year for "January 2013", "late 2016", "early 2017"."""
        words = (date or "").lower().split()
        months = self.lang.months
        for word in words:
            if word in months:
                return months.index(word) + 1
        for word in words:
            if word in self.lang.month_positions:
                return self.lang.month_positions[word]
        return 6

    def _overview(self, ent: str, shape: str) -> tuple[Fact, ...]:
        """Return an entity's facts in the order an overview ("about") or a timeline tells them.

        Built once per entity: the order depends on the facts alone, not on the question.
        """
        facts = list(self.index.by_entity.get(ent, ()))
        if shape == "timeline":
            dated: dict[int, list[Fact]] = {}
            for f in facts:
                if f.year_from:
                    dated.setdefault(f.year_from, []).append(f)
            # every year first (its most central fact), then a second fact per year while there is room
            ranked = {y: sorted(fs, key=lambda f: (-f.weight, f.id)) for y, fs in dated.items()}
            picked = {y: fs[:1] for y, fs in ranked.items()}
            room = TIMELINE_FACTS - len(picked)
            for y in sorted(ranked):
                if room <= 0:
                    break
                if len(ranked[y]) > 1:
                    picked[y].append(ranked[y][1])
                    room -= 1
            facts = [f for y in sorted(picked) for f in sorted(picked[y], key=lambda f: (self.month(f.date), f.id))]
        else:
            roles = self.index.roles
            facts.sort(key=lambda f: (roles[f.id].get(ent) != "subject", -f.weight, f.year_from or 9999, f.id))
        from .statements import said_once, unrepeated  # statements reads the model: imported once built

        # each thing once, here and not per question: saying once compares every pair of facts
        return tuple(said_once(self, unrepeated(self, facts)))

    def _lexicon(self) -> set[str]:
        """Every word the knowledge uses: facts, relation keywords, templates, entity names and stop words."""
        knowledge = self.knowledge
        words: set[str] = set(self.lang.stopwords)
        for fact in knowledge.facts:
            for text in (fact.statement, fact.quote, fact.value or "", *fact.keywords):
                words.update(normalize(text).split())
        for relation in knowledge.relations.values():
            for k in relation.keywords:
                words.update(k.split())
        for intent in knowledge.intents.values():
            for template in intent.templates:
                words.update(w for w in template.normalized.split() if not w.startswith("{"))
        for entity in knowledge.entities.values():
            for name in (*entity.names, *entity.weak_aliases):
                words.update(normalize(name).split())
        for sentence in knowledge.brief.sentences:
            words.update(normalize(sentence.text).split())
        for phrase in knowledge.synonyms:
            words.update(phrase.split())
        return words
