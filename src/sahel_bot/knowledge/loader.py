"""Load a knowledge directory (brief, facts, intents) into one validated ``Knowledge``.

A knowledge directory holds ``brief/<number>.txt``, ``facts/*.yaml`` and
``intents/*.yaml``.  Every problem in every file is collected, then raised
once as ``KnowledgeErrors`` sorted by file and line: nothing is half-loaded.
May import: ``errors``, ``normalize``, ``knowledge.*``, PyYAML, rapidfuzz.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from ..errors import KnowledgeError, KnowledgeErrors
from ..normalize import normalize
from .brief import parse_brief
from .fields import ENTITY_FIELDS, FACT_FIELDS
from .intents_file import load_intents
from .paths import default_knowledge_dir, display_path, knowledge_files
from .quotes import ATTRIBUTION, QUOTE_HEDGE, STATEMENT_HEDGE, not_verbatim
from .schema import HEDGES, Brief, Entity, EntityType, Fact, Knowledge, Location, Relation
from .vocabulary import VocabularyReader
from .yamlfile import Doc, MappingView, did_you_mean, load_yaml, records, top_keys

__all__ = ["default_knowledge_dir", "knowledge_files", "load_knowledge"]

#: errors about a reference to an entity or relation (one defined in a file that did not parse would look unknown)
_REFERENCE = re.compile(r"unknown (entity|relation) '")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def _years(date: str | None) -> tuple[int | None, int | None]:
    if not date:
        return None, None
    years = [int(y) for y in _YEAR.findall(date)]
    if not years:
        return None, None
    # "2006-2007" and "2015-2016" are ranges; "2015-16" style is not used by the brief
    return min(years), max(years)


class _Loader(VocabularyReader):
    def __init__(self, root: Path) -> None:
        self.root = root
        self.errors: list[KnowledgeError] = []
        self.entities: dict[str, Entity] = {}
        self.entity_nodes: dict[str, tuple[Doc, MappingView]] = {}
        self.relations: dict[str, Relation] = {}
        self.facts: list[Fact] = []
        self.fact_views: list[tuple[Doc, MappingView]] = []
        self.synonyms: dict[str, tuple[str, Location]] = {}
        self.canonicals: dict[str, Location] = {}
        self.stems: dict[str, tuple[str, Location]] = {}
        self.types: dict[str, EntityType] = {}
        #: facts files that could not be parsed: the entities and relations they define are unknown
        self.unreadable: list[str] = []

    def without_cascade(self) -> list[KnowledgeError]:
        """Return the errors, less the references a facts file that could not be parsed may define.

        One unclosed bracket in the entities file would otherwise bury its syntax error under hundreds of
        "unknown entity" lines; the other files' own problems are still reported.
        """
        if not self.unreadable:
            return self.errors
        note = "; until this file parses, references to entities and relations are not checked"
        kept = []
        for error in self.errors:
            if _REFERENCE.match(error.message):
                continue
            if error.path in self.unreadable and error.message.startswith("YAML syntax error"):
                error = KnowledgeError(error.path, error.line, error.column, error.message + note)
            kept.append(error)
        return kept

    # -- files -------------------------------------------------------------
    def docs(self, folder: str) -> Iterable[Doc]:
        directory = self.root / folder
        if not directory.is_dir():
            self.errors.append(KnowledgeError(str(directory), 1, 1, f"missing directory '{folder}/'"))
            return
        for path in sorted(directory.glob("*.yaml")):
            shown = display_path(path, self.root)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                self.errors.append(KnowledgeError(shown, 1, 1, f"cannot read file: {exc}"))
                continue
            doc = load_yaml(shown, text, self.errors)
            if doc is not None:
                yield doc
            elif folder == "facts":
                self.unreadable.append(shown)

    # -- entities and relations -------------------------------------------------
    def read_entity(self, doc: Doc, view: MappingView) -> None:
        e = self.errors
        view.check_keys(ENTITY_FIELDS, "an entity", e)
        entity_id = view.string("id", e, "an entity", required=True)
        etype = view.string("type", e, "an entity", required=True)
        name = view.string("name", e, "an entity", required=True)
        if entity_id is None or etype is None or name is None:
            return
        if not re.fullmatch(r"[a-z][a-z0-9_]*", entity_id):
            e.append(doc.error(view.where("id"), f"entity id '{entity_id}' must be snake_case"))
        if etype not in self.types:
            hint = did_you_mean(etype, tuple(self.types))
            e.append(doc.error(view.where("type"), f"unknown entity type '{etype}'{hint}"))
        if entity_id in self.entities:
            first = self.entities[entity_id].location
            e.append(doc.error(view.where("id"), f"duplicate entity id '{entity_id}' (first at {first})"))
            return
        description = view.string("description", e, "an entity") or ""
        outside = etype in self.types and self.types[etype].cls == "outside"
        if not outside and not description:
            e.append(doc.error(view.node, f"entity '{entity_id}' has no 'description'"))
        self.entities[entity_id] = Entity(
            id=entity_id,
            type=etype,
            name=name,
            short=view.string("short", e, "an entity") or name,
            aliases=tuple(a for a, _ in view.strings("aliases", e) if a),
            weak_aliases=tuple(a for a, _ in view.strings("weak_aliases", e) if a),
            description=description,
            cites=tuple(c for c, _ in view.strings("cites", e)),
            location=doc.location(view.node),
            part_of=tuple(p for p, _ in view.strings("part_of", e)),
            unnamed=view.boolean("unnamed", e),
        )
        self.entity_nodes[entity_id] = (doc, view)

    def read_fact(self, doc: Doc, view: MappingView) -> None:
        e = self.errors
        view.check_keys(FACT_FIELDS, "a fact", e)
        fid = view.string("id", e, "a fact", required=True)
        subject = view.string("subject", e, "a fact", required=True)
        relation = view.string("relation", e, "a fact", required=True)
        statement = view.string("statement", e, "a fact", required=True)
        quote = view.string("quote", e, "a fact", required=True)
        cites = view.strings("cite", e) + view.strings("cites", e)
        if not cites:
            e.append(doc.error(view.node, f"fact '{fid or '?'}' has no 'cite' (every fact must cite the brief)"))
        if None in (fid, subject, relation, statement, quote):
            return
        assert fid
        assert subject
        assert relation
        assert statement
        assert quote
        date = view.string("date", e, "a fact")
        year_from, year_to = _years(date)
        self.facts.append(
            Fact(
                id=fid,
                subject=subject,
                relation=relation,
                object=view.string("object", e, "a fact"),
                value=view.string("value", e, "a fact"),
                statement=statement,
                cites=tuple(c for c, _ in cites),
                quote=quote,
                date=date,
                year_from=year_from,
                year_to=year_to,
                place=view.string("place", e, "a fact"),
                source=view.string("source", e, "a fact"),
                hedge=view.string("hedge", e, "a fact"),
                negated=view.boolean("negated", e),
                count=view.string("count", e, "a fact"),
                role=view.string("role", e, "a fact"),
                mentions=tuple(m for m, _ in view.strings("mentions", e)),
                keywords=tuple(normalize(k) for k, _ in view.strings("keywords", e) if normalize(k)),
                weight=view.integer("weight", e, 2, 1, 3),
                location=doc.location(view.node),
            )
        )
        self.fact_views.append((doc, view))

    # -- cross-file checks ----------------------------------------------------------
    def check_aliases(self) -> None:
        owner: dict[str, tuple[str, Location]] = {}
        for entity in self.entities.values():
            doc, view = self.entity_nodes[entity.id]
            named = [(entity.name, view.where("name")), (entity.short, view.where("short"))]
            named += list(view.strings("aliases", self.errors))
            named += list(view.strings("weak_aliases", []))
            for alias, node in named:
                key = normalize(alias)
                if not key:
                    self.errors.append(doc.error(node, f"alias '{alias}' of '{entity.id}' is empty once normalised"))
                    continue
                if key in owner and owner[key][0] != entity.id:
                    other, at = owner[key]
                    self.errors.append(
                        doc.error(node, f"alias '{alias}' is claimed by '{entity.id}' and by '{other}' (at {at})")
                    )
                owner.setdefault(key, (entity.id, doc.location(node)))

    def check_entity_refs(self, doc: Doc, node: object, ref: str, field: str) -> None:
        if ref not in self.entities:
            hint = did_you_mean(ref, tuple(self.entities))
            self.errors.append(doc.error(node, f"unknown entity '{ref}' in '{field}'{hint}"))  # type: ignore[arg-type]

    def check_facts(self, brief: Brief | None) -> None:
        sentences = {s.id: s for s in brief.sentences} if brief else {}
        seen: dict[str, Location] = {}
        for fact, (doc, view) in zip(self.facts, self.fact_views, strict=True):
            if fact.id in seen:
                self.errors.append(
                    doc.error(view.where("id"), f"duplicate fact id '{fact.id}' (first at {seen[fact.id]})")
                )
            seen.setdefault(fact.id, fact.location)
            if fact.relation not in self.relations:
                hint = did_you_mean(fact.relation, tuple(self.relations))
                self.errors.append(doc.error(view.where("relation"), f"unknown relation '{fact.relation}'{hint}"))
            for field in ("subject", "object", "place", "source"):
                ref = getattr(fact, field)
                if ref:
                    self.check_entity_refs(doc, view.where(field), ref, field)
            for ref, node in view.strings("mentions", []):
                self.check_entity_refs(doc, node, ref, "mentions")
            if fact.object and fact.value:
                self.errors.append(doc.error(view.where("value"), "a fact has an 'object' or a 'value', not both"))
            if fact.hedge and fact.hedge not in HEDGES:
                hint = did_you_mean(fact.hedge, HEDGES)
                self.errors.append(doc.error(view.where("hedge"), f"unknown hedge '{fact.hedge}'{hint}"))
            if not brief:
                continue
            cited = []
            for sid, node in view.strings("cite", []) + view.strings("cites", []):
                sentence = sentences.get(sid)
                if sentence is None:
                    hint = did_you_mean(sid, tuple(sentences))
                    self.errors.append(doc.error(node, f"unknown sentence id '{sid}'{hint}"))
                else:
                    cited.append(sentence.text)
            problem = not_verbatim(fact.quote, cited, ", ".join(fact.cites)) if cited else None
            if problem:
                self.errors.append(doc.error(view.where("quote"), problem))
            hedged = QUOTE_HEDGE.search(fact.quote)
            if hedged and not fact.hedge:
                self.errors.append(
                    doc.error(
                        view.node,
                        f"quote hedges ('{hedged.group()}') but fact '{fact.id}' sets no 'hedge'",
                    )
                )
            if fact.hedge and not STATEMENT_HEDGE.search(fact.statement):
                self.errors.append(
                    doc.error(
                        view.where("statement"),
                        f"fact '{fact.id}' is hedged ('{fact.hedge}') but its statement drops the hedge",
                    )
                )
            if ATTRIBUTION.search(fact.quote) and not fact.source:
                self.errors.append(
                    doc.error(view.node, f"quote attributes ('according to') but fact '{fact.id}' sets no 'source'")
                )

    def check_entity_cites(self, brief: Brief | None) -> None:
        for entity in self.entities.values():
            doc, view = self.entity_nodes[entity.id]
            for parent, node in view.strings("part_of", []):
                self.check_entity_refs(doc, node, parent, "part_of")
        if not brief:
            return
        ids = {s.id for s in brief.sentences}
        for entity in self.entities.values():
            doc, view = self.entity_nodes[entity.id]
            for sid, node in view.strings("cites", []):
                if sid not in ids:
                    self.errors.append(doc.error(node, f"unknown sentence id '{sid}'{did_you_mean(sid, tuple(ids))}"))


def load_knowledge(root: Path | str | None = None) -> Knowledge:
    """Return the validated knowledge in ``root`` (default: the shipped knowledge).

    Raises ``KnowledgeErrors`` listing every problem, sorted by file and line.
    """
    root = Path(root) if root is not None else default_knowledge_dir()
    if not root.is_dir():
        raise KnowledgeErrors([KnowledgeError(str(root), 1, 1, "knowledge directory does not exist")])
    loader = _Loader(root)
    brief: Brief | None = None
    brief_files = sorted((root / "brief").glob("*.txt"))
    if not brief_files:
        loader.errors.append(KnowledgeError(str(root / "brief"), 1, 1, "no brief found (expected brief/<number>.txt)"))
    else:
        try:
            brief = parse_brief(brief_files[0], display_path(brief_files[0], root))
        except KnowledgeErrors as exc:
            loader.errors.extend(exc.errors)

    fact_docs = list(loader.docs("facts"))
    for doc in fact_docs:
        top_keys(doc, ("entities", "facts", "relations", "synonyms", "stems", "types"), loader.errors)
        for view in records(doc, "relations", loader.errors):
            loader.read_relation(doc, view)
        for view in records(doc, "synonyms", loader.errors):
            loader.read_synonyms(doc, view)
        for view in records(doc, "stems", loader.errors):
            loader.read_stems(doc, view)
        for view in records(doc, "types", loader.errors):
            loader.read_type(doc, view)
    if not loader.types:
        loader.errors.append(KnowledgeError(str(root / "facts"), 1, 1, "no entity 'types:' defined in facts/"))
    for doc in fact_docs:
        for view in records(doc, "entities", loader.errors):
            loader.read_entity(doc, view)
    for doc in fact_docs:
        for view in records(doc, "facts", loader.errors):
            loader.read_fact(doc, view)
    loader.check_aliases()
    loader.check_synonyms(brief)
    loader.check_facts(brief)
    loader.check_entity_cites(brief)

    intents = load_intents(
        list(loader.docs("intents")),
        relations=loader.relations,
        errors=loader.errors,
        types=loader.types,
    )
    for doc in fact_docs:
        doc.close()
    if loader.errors:
        raise KnowledgeErrors(loader.without_cascade())
    assert brief is not None
    digest = hashlib.sha256()
    for path in knowledge_files(root):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return Knowledge(
        root=str(root),
        brief=brief,
        entities=loader.entities,
        relations=loader.relations,
        facts=tuple(loader.facts),
        intents=intents,
        digest=digest.hexdigest(),
        synonyms={w: c for w, (c, _) in loader.synonyms.items()},
        types=loader.types,
        stems={w: c for w, (c, _) in loader.stems.items()},
    )
