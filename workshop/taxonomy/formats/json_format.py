"""Our JSON export format, "workshop-taxonomy/1" (DESIGN.md section 8), and its import."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import orjson

from ..model import Concept, Status, Tree, make_concept
from . import FormatError, Imported, decode, finish, problem

FORMAT = "workshop-taxonomy/1"
SCHEMA_FILE = "workshop-taxonomy-1.schema.json"


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema every export is valid against (shipped in the package)."""
    text = resources.files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    result: dict[str, Any] = json.loads(text)
    return result


def export_document(
    tree: Tree, taxonomy: Mapping[str, Any], version: Mapping[str, Any]
) -> dict[str, Any]:
    """The nested export. Label and note mappings are shared with the tree, not copied:
    treat the result as read-only (it is meant to be serialised at once)."""
    nodes: dict[str, dict[str, Any]] = {}
    concepts = tree.concepts
    for parent, ids in tree.children.items():
        kids = []
        for concept_id in ids:
            node = nodes.get(concept_id)
            if node is None:
                node = nodes[concept_id] = _node(concepts[concept_id])
            kids.append(node)
        if parent is not None:
            holder = nodes.get(parent)
            if holder is None:
                holder = nodes[parent] = _node(concepts[parent])
            holder["children"] = kids
    roots = [nodes[i] for i in tree.roots]
    retired = [_retired(c) for c in concepts.values() if c.status is Status.RETIRED]
    return {
        "format": FORMAT,
        "taxonomy": dict(taxonomy),
        "version": dict(version),
        "concepts": roots,
        "retired": retired,
    }


def _node(concept: Concept) -> dict[str, Any]:
    node: dict[str, Any] = {
        "id": concept.id,
        "labels": concept.labels,
        "notes": concept.notes,
        "children": [],
    }
    if concept.alt_labels:
        node["alt_labels"] = concept.alt_labels
    if concept.related:
        node["related"] = concept.related
    return node


def _retired(concept: Concept) -> dict[str, Any]:
    node: dict[str, Any] = {
        "id": concept.id,
        "labels": concept.labels,
        "notes": concept.notes,
        "replaced_by": concept.replaced_by,
    }
    if concept.alt_labels:
        node["alt_labels"] = concept.alt_labels
    if concept.related:
        node["related"] = concept.related
    return node


def dumps(document: Mapping[str, Any], indent: bool = False) -> bytes:
    return orjson.dumps(document, option=orjson.OPT_INDENT_2 if indent else 0)


def read(data: bytes) -> Imported:
    """A tree from an export file, or FormatError naming each problem."""
    from jsonschema import Draft202012Validator

    text = decode(data)
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise FormatError(
            [problem("bad_file", line=error.lineno, format="JSON", reason=error.msg)]
        ) from None
    errors = sorted(
        Draft202012Validator(schema()).iter_errors(document), key=lambda e: list(e.absolute_path)
    )
    if errors:
        raise FormatError(
            [
                problem(
                    "bad_file",
                    format=FORMAT,
                    reason=f"at /{'/'.join(str(p) for p in e.absolute_path)}: {e.message}",
                )
                for e in errors[:20]
            ]
        )
    concepts: list[Concept] = []
    stack: list[tuple[str | None, int, Mapping[str, Any]]] = [
        (None, i, node) for i, node in reversed(list(enumerate(document["concepts"])))
    ]
    while stack:
        parent, position, node = stack.pop()
        concepts.append(_concept(node, parent, position, Status.ACTIVE))
        children = node.get("children", [])
        stack.extend((node["id"], i, child) for i, child in reversed(list(enumerate(children))))
    concepts.extend(_concept(node, None, 0, Status.RETIRED) for node in document.get("retired", []))
    metadata = {"taxonomy": document.get("taxonomy", {}), "version": document.get("version", {})}
    return finish(concepts, metadata=metadata)


def _concept(node: Mapping[str, Any], parent: str | None, position: int, status: Status) -> Concept:
    return make_concept(
        node["id"],
        node.get("labels"),
        node.get("notes"),
        parent,
        position,
        status,
        node.get("replaced_by"),
        node.get("related", ()),
        node.get("alt_labels"),
    )
