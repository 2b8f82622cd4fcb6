"""Reading the knowledge's vocabulary: relations (what their facts give), entity types, and the lexicon.

A mixin of the loader: it reads into the loader's tables and reports into its error list.
May import: ``errors``, ``normalize``, ``knowledge.schema``, ``knowledge.fields``, ``knowledge.yamlfile``.
"""

from __future__ import annotations

from ..errors import KnowledgeError
from ..normalize import normalize
from .fields import RELATION_FIELDS, TYPE_FIELDS
from .schema import ENTITY_CLASSES, VALUE_KINDS, Brief, EntityType, Location, Relation
from .yamlfile import Doc, MappingView, did_you_mean

__all__ = ["VocabularyReader"]

_SCALES = ("country", "local")


class VocabularyReader:
    """Reads relations, entity types, stems and synonyms into the loader's tables."""

    errors: list[KnowledgeError]
    relations: dict[str, Relation]
    types: dict[str, EntityType]
    stems: dict[str, tuple[str, Location]]
    synonyms: dict[str, tuple[str, Location]]
    canonicals: dict[str, Location]

    def read_relation(self, doc: Doc, view: MappingView) -> None:
        e = self.errors
        view.check_keys(RELATION_FIELDS, "a relation", e)
        rid = view.string("id", e, "a relation", required=True)
        if rid is None:
            return
        if rid in self.relations:
            e.append(
                doc.error(view.where("id"), f"duplicate relation id '{rid}' (first at {self.relations[rid].location})")
            )
            return
        gives = []
        for kind, node in view.strings("gives", e):
            if kind not in VALUE_KINDS:
                e.append(doc.error(node, f"unknown value kind '{kind}'{did_you_mean(kind, VALUE_KINDS)}"))
            gives.append(kind)
        result = view.string("result", e, "a relation") or ""
        if result and result not in ("subject", "object"):
            e.append(doc.error(view.where("result"), f"'result' must be 'subject' or 'object', not '{result}'"))
        self.relations[rid] = Relation(
            id=rid,
            description=view.string("description", e, "a relation", required=True) or "",
            keywords=tuple(normalize(k) for k, _ in view.strings("keywords", e) if normalize(k)),
            location=doc.location(view.node),
            gives=tuple(gives),
            role_nouns=tuple(normalize(n) for n, _ in view.strings("role_nouns", e) if normalize(n)),
            current=view.boolean("current", e),
            result=result,
            label=view.string("label", e, "a relation") or rid.replace("_", " "),
        )

    def read_type(self, doc: Doc, view: MappingView) -> None:
        e = self.errors
        view.check_keys(TYPE_FIELDS, "an entity type", e)
        tid = view.string("id", e, "an entity type", required=True)
        cls = view.string("class", e, "an entity type", required=True)
        if tid is None or cls is None:
            return
        if tid in self.types:
            first = self.types[tid].location
            e.append(doc.error(view.where("id"), f"duplicate entity type '{tid}' (first at {first})"))
            return
        if cls not in ENTITY_CLASSES:
            e.append(doc.error(view.where("class"), f"unknown class '{cls}'{did_you_mean(cls, ENTITY_CLASSES)}"))
        scale = view.string("scale", e, "an entity type") or ""
        if scale and (cls != "place" or scale not in _SCALES):
            e.append(
                doc.error(view.where("scale"), f"'scale' is 'country' or 'local', for places only (not '{scale}')")
            )
        agent = view.values.get("agent")
        self.types[tid] = EntityType(
            id=tid,
            cls=cls,
            nouns=tuple(normalize(n) for n, _ in view.strings("nouns", e) if normalize(n)),
            descriptors=tuple(normalize(n) for n, _ in view.strings("descriptors", e) if normalize(n)),
            slots=tuple(s for s, _ in view.strings("slots", e)),
            agent=view.boolean("agent", e) if agent is not None else cls in ("person", "group"),
            scale=scale,
            location=doc.location(view.node),
        )

    def _canonical(self, doc: Doc, view: MappingView, what: str) -> tuple[str, str] | None:
        """The canonical word of a stem or synonym group as written and normalised, or ``None`` (with an
        error) when it is missing or more than one word."""
        e = self.errors
        view.check_keys(("canonical", "words"), what, e)
        canonical = view.string("canonical", e, what, required=True)
        if canonical is None:
            return None
        key = normalize(canonical)
        if len(key.split()) != 1:
            e.append(doc.error(view.where("canonical"), f"canonical word '{canonical}' must be a single word"))
            return None
        return canonical, key

    def read_stems(self, doc: Doc, view: MappingView) -> None:
        e = self.errors
        found = self._canonical(doc, view, "a stem group")
        if found is None:
            return
        key = found[1]
        for word, node in view.strings("words", e):
            w = normalize(word)
            if len(w.split()) != 1:
                e.append(doc.error(node, f"stem word '{word}' must be a single word"))
            elif w in self.stems and self.stems[w][0] != key:
                first = self.stems[w]
                e.append(doc.error(node, f"'{word}' is folded into '{first[0]}' (at {first[1]}) and into '{key}'"))
            else:
                self.stems.setdefault(w, (key, doc.location(node)))

    # -- facts ------------------------------------------------------------------
    def read_synonyms(self, doc: Doc, view: MappingView) -> None:
        e = self.errors
        found = self._canonical(doc, view, "a synonym group")
        if found is None:
            return
        canonical, key = found
        self.canonicals.setdefault(key, doc.location(view.where("canonical")))
        words = view.strings("words", e)
        if not words:
            e.append(doc.error(view.node, f"synonym group '{canonical}' has no 'words'"))
        for word, node in words:
            w = normalize(word)
            if not w:
                continue
            if w in self.synonyms and self.synonyms[w][0] != key:
                first = self.synonyms[w]
                e.append(doc.error(node, f"'{word}' is a synonym of '{first[0]}' (at {first[1]}) and of '{key}'"))
                continue
            self.synonyms.setdefault(w, (key, doc.location(node)))

    def check_synonyms(self, brief: Brief | None) -> None:
        if brief is None:
            return
        text = " " + " ".join(normalize(s.text) for s in brief.sentences)
        text += " " + " ".join(normalize(sec.title) for sec in brief.sections) + " "
        for word, (canonical, at) in self.synonyms.items():
            if word in self.canonicals and word != canonical:
                self.errors.append(
                    KnowledgeError(at.path, at.line, at.column, f"'{word}' is both a synonym and a canonical word")
                )
        for canonical, at in self.canonicals.items():
            if f" {canonical} " not in text:
                self.errors.append(
                    KnowledgeError(
                        at.path, at.line, at.column, f"canonical word '{canonical}' does not occur in the brief"
                    )
                )
