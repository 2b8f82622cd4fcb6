"""Reading ``intents/*.yaml``: question templates with ``(a|b)``, ``[optional]`` and ``{slot}``.

Templates are expanded once at load time into plain normalised variants (with
a budget, so a template cannot blow up combinatorially); the matcher only ever
sees the expansions.  May import: ``errors``, ``normalize``, ``knowledge.schema``,
``knowledge.yamlfile``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..errors import KnowledgeError
from ..normalize import normalize
from .schema import EntityType, Intent, Relation, Template, slot_types
from .yamlfile import Doc, did_you_mean, records, top_keys

__all__ = ["COMPOSE_MODES", "INTENT_KINDS", "expand_template", "load_intents"]

INTENT_KINDS = ("relation", "list", "yesno", "about", "timeline", "year", "brief", "sources", "meta")
COMPOSE_MODES = (
    "all",
    "best",
    "subjects",
    "objects",
    "yesno",
    "timeline",
    "about",
    "brief",
    "sources",
    "year",
    "attribution",
    "entities",
    "check",
)
INTENT_FIELDS = (
    "id",
    "description",
    "kind",
    "relations",
    "slots",
    "templates",
    "answer_types",
    "compose",
    "slot_roles",
)
MAX_EXPANSIONS = 512
_SLOT = re.compile(r"\{([a-z_]+)\}")


class TemplateError(ValueError):
    pass


def _parse(text: str, pos: int, closing: str | None) -> tuple[list[list[str]], int]:
    """Return (alternatives, end): each alternative is a list of expanded strings (recursive descent)."""
    alternatives: list[list[str]] = []
    current = [""]
    while pos < len(text):
        ch = text[pos]
        if ch in "([":
            inner, pos = _parse(text, pos + 1, ")" if ch == "(" else "]")
            options = [o for alt in inner for o in alt]
            if ch == "[":
                options.append("")
            current = [c + o for c in current for o in options]
            if len(current) > MAX_EXPANSIONS:
                raise TemplateError(f"expands to more than {MAX_EXPANSIONS} sentences")
            continue
        if ch in ")]":
            if closing != ch:
                raise TemplateError(f"unbalanced '{ch}'")
            alternatives.append(current)
            return alternatives, pos + 1
        if ch == "|":
            if closing is None:
                raise TemplateError("'|' outside of '(...)' or '[...]'")
            alternatives.append(current)
            current = [""]
            pos += 1
            continue
        current = [c + ch for c in current]
        pos += 1
    if closing is not None:
        raise TemplateError(f"missing '{closing}'")
    alternatives.append(current)
    return alternatives, pos


def expand_template(text: str) -> list[str]:
    """Return every sentence ``text`` stands for, normalised, without repeats, slots kept as ``{name}``."""
    alternatives, _ = _parse(text, 0, None)
    out: dict[str, None] = {}
    for option in alternatives[0]:
        # normalise the whole sentence with slots masked, so "{group}'s leader" loses its possessive
        masked = _SLOT.sub(lambda m: " zzslot" + m.group(1).replace("_", "qq") + "zz", option)
        sentence = re.sub(r"zzslot([a-z]+)zz", lambda m: "{" + m.group(1).replace("qq", "_") + "}", normalize(masked))
        if sentence:
            out.setdefault(sentence, None)
    return list(out)


def load_intents(
    docs: list[Doc],
    relations: Mapping[str, Relation],
    errors: list[KnowledgeError],
    types: Mapping[str, EntityType] | None = None,
) -> dict[str, Intent]:
    """Return the intents in ``docs`` by id, appending every problem to ``errors``.

    Slots are checked against those the entity ``types`` declare.
    """
    SLOT_TYPES = slot_types(types or {})
    intents: dict[str, Intent] = {}
    skeleton_owner: dict[str, tuple[str, str]] = {}
    for doc in docs:
        top_keys(doc, ("intents",), errors)
        for view in records(doc, "intents", errors):
            view.check_keys(INTENT_FIELDS, "an intent", errors)
            iid = view.string("id", errors, "an intent", required=True)
            if iid is None:
                continue
            if iid in intents:
                errors.append(
                    doc.error(view.where("id"), f"duplicate intent id '{iid}' (first at {intents[iid].location})")
                )
                continue
            kind = view.string("kind", errors, "an intent") or "relation"
            if kind not in INTENT_KINDS:
                errors.append(
                    doc.error(view.where("kind"), f"unknown intent kind '{kind}'{did_you_mean(kind, INTENT_KINDS)}")
                )
            compose = view.string("compose", errors, "an intent") or "all"
            if compose not in COMPOSE_MODES:
                errors.append(
                    doc.error(
                        view.where("compose"), f"unknown compose mode '{compose}'{did_you_mean(compose, COMPOSE_MODES)}"
                    )
                )
            rels = []
            for rel, node in view.strings("relations", errors):
                if rel not in relations:
                    errors.append(doc.error(node, f"unknown relation '{rel}'{did_you_mean(rel, tuple(relations))}"))
                rels.append(rel)
            slots = []
            for slot, node in view.strings("slots", errors):
                if slot not in SLOT_TYPES:
                    errors.append(doc.error(node, f"unknown slot type '{slot}'{did_you_mean(slot, tuple(SLOT_TYPES))}"))
                slots.append(slot)
            templates: list[Template] = []
            raw_templates = view.strings("templates", errors)
            if not raw_templates:
                errors.append(doc.error(view.node, f"intent '{iid}' has no 'templates'"))
            for text, node in raw_templates:
                loc = doc.location(node)
                try:
                    variants = expand_template(text)
                except TemplateError as exc:
                    errors.append(doc.error(node, f"template {text!r}: {exc}"))
                    continue
                for variant in variants:
                    used = tuple(_SLOT.findall(variant))
                    for slot in used:
                        if slot not in SLOT_TYPES:
                            hint = did_you_mean(slot, tuple(SLOT_TYPES))
                            errors.append(doc.error(node, f"unknown slot '{{{slot}}}' in template{hint}"))
                    literal = [w for w in variant.split() if not w.startswith("{")]
                    if len(variant.split()) < 2 or not literal:
                        errors.append(
                            doc.error(node, f"template variant '{variant}' is too short (a lone word matches anything)")
                        )
                        continue
                    owner = skeleton_owner.get(variant)
                    if owner and owner[0] != iid:
                        errors.append(
                            doc.error(
                                node, f"template variant '{variant}' is also in intent '{owner[0]}' (at {owner[1]})"
                            )
                        )
                        continue
                    skeleton_owner.setdefault(variant, (iid, str(loc)))
                    templates.append(Template(text=text, normalized=variant, slots=used, location=loc))
            answer_types = tuple(a for a, _ in view.strings("answer_types", errors))
            slot_roles: dict[str, str] = {}
            roles_node = view.values.get("slot_roles")
            if roles_node is not None:
                value = doc.value(roles_node)
                if not isinstance(value, dict):
                    errors.append(doc.error(roles_node, "'slot_roles' must map relations to 'subject' or 'object'"))
                else:
                    for rel, role in value.items():
                        if rel not in rels:
                            errors.append(
                                doc.error(
                                    roles_node, f"slot_roles names '{rel}', which is not in the intent's relations"
                                )
                            )
                        elif role not in ("subject", "object"):
                            errors.append(
                                doc.error(
                                    roles_node, f"slot role of '{rel}' must be 'subject' or 'object', not {role!r}"
                                )
                            )
                        else:
                            slot_roles[str(rel)] = str(role)
            intents[iid] = Intent(
                id=iid,
                description=view.string("description", errors, "an intent", required=True) or "",
                kind=kind,
                relations=tuple(rels),
                slots=tuple(slots),
                templates=tuple(templates),
                answer_types=answer_types,
                compose=compose,
                location=doc.location(view.node),
                slot_roles=slot_roles,
            )
        doc.close()
    return intents
