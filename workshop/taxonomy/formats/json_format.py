"""Our JSON export format, "workshop-taxonomy/1" (DESIGN.md section 8), and its import."""

from __future__ import annotations

import gc
import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import orjson

from ..details import NO_DETAILS, from_record, record
from ..findings import Finding, Severity
from ..model import Concept, Status, Tree, empty_tree, make_concept
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
    # 100,000 new dicts would set off the cycle collector again and again; none of them
    # can be part of a cycle, so it stays off while they are made.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _document(tree, taxonomy, version)
    finally:
        if collecting:
            gc.enable()


def _document(
    tree: Tree, taxonomy: Mapping[str, Any], version: Mapping[str, Any]
) -> dict[str, Any]:
    active = Status.ACTIVE
    leaf: tuple[()] = ()  # one shared empty list of children: most concepts are leaves
    nodes: dict[str, dict[str, Any]] = {}
    for concept_id, c in tree.concepts.items():
        if c.status is not active:
            continue  # listed apart, in tree.retired()'s order
        if c.details is NO_DETAILS:
            nodes[concept_id] = {
                "id": concept_id,
                "labels": c.labels,
                "notes": c.notes,
                "children": leaf,
            }
        else:
            node = {"id": concept_id, "labels": c.labels, "notes": c.notes, "children": leaf}
            node.update(record(c.details))
            nodes[concept_id] = node
    for parent, ids in tree.children.items():
        if parent is not None:
            nodes[parent]["children"] = [nodes[i] for i in ids]
    return {
        "format": FORMAT,
        "taxonomy": dict(taxonomy),
        "version": dict(version),
        "concepts": [nodes[i] for i in tree.roots],
        "retired": [_retired(c) for c in tree.retired()],
    }


def _retired(concept: Concept) -> dict[str, Any]:
    node: dict[str, Any] = {
        "id": concept.id,
        "labels": concept.labels,
        "notes": concept.notes,
        "replaced_by": concept.replaced_by,
    }
    node.update(record(concept.details))
    return node


# orjson refuses documents nested deeper than 255 levels, two per concept level: deeper
# trees are written by `_stream`, which needs no recursion and gives the same bytes.


def export_bytes(tree: Tree, taxonomy: Mapping[str, Any], version: Mapping[str, Any]) -> bytes:
    """The export as JSON bytes, at any depth: orjson in one call, and the stack writer for
    the rare tree deeper than orjson nests (finding the depth first cost more than trying)."""
    try:
        return dumps(export_document(tree, taxonomy, version))
    except orjson.JSONEncodeError:
        return _stream(tree, taxonomy, version)


def _stream(tree: Tree, taxonomy: Mapping[str, Any], version: Mapping[str, Any]) -> bytes:
    """The same bytes as dumps(export_document(...)), written node by node from a stack."""
    document = export_document(empty_tree(), taxonomy, version)
    head = orjson.dumps({k: document[k] for k in ("format", "taxonomy", "version")})
    parts = [head[:-1], b',"concepts":[']
    # The stack holds ids to open, or the closing bytes of a node whose children are done.
    stack: list[str | bytes] = list(reversed(tree.roots))
    first_at_level = [True]
    while stack:
        item = stack.pop()
        if isinstance(item, bytes):
            parts.append(item)
            first_at_level.pop()
            continue
        concept = tree.concepts[item]
        if not first_at_level[-1]:
            parts.append(b",")
        first_at_level[-1] = False
        node = orjson.dumps({"id": item, "labels": concept.labels, "notes": concept.notes})
        parts += [node[:-1], b',"children":[']
        extra = record(concept.details)
        closing = b"]" + (b"," + orjson.dumps(extra)[1:] if extra else b"}")
        stack.append(closing)
        first_at_level.append(True)
        stack.extend(reversed(tree.children_of(item)))
    retired = orjson.dumps({"retired": [_retired(c) for c in tree.retired()]})
    parts += [b"],", retired[1:]]
    return b"".join(parts)


def concept_record(concept: Concept) -> dict[str, Any]:
    """Every field of a concept as plain JSON data (for hashing and comparing)."""
    return {
        "id": concept.id,
        "labels": concept.labels,
        "notes": concept.notes,
        "parent": concept.parent,
        "position": concept.position,
        "status": concept.status.value,
        "replaced_by": concept.replaced_by,
        **record(concept.details),
    }


def dumps(document: Mapping[str, Any], indent: bool = False) -> bytes:
    return orjson.dumps(document, option=orjson.OPT_INDENT_2 if indent else 0)


def read(data: bytes) -> Imported:
    """A tree from an export file, or FormatError naming each problem."""
    text = decode(data)
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        if "depth limit" in error.msg:
            # orjson reads 1,024 levels of JSON: about 500 levels of concepts.
            raise FormatError([problem("too_deep", line=error.lineno)]) from None
        raise FormatError(
            [problem("bad_file", line=error.lineno, format="JSON", reason=error.msg)]
        ) from None
    errors = sorted(
        _schema_errors(document),
        key=lambda e: [(0, p, "") if isinstance(p, int) else (1, 0, p) for p in e[0]],
    )
    if errors:
        raise FormatError([schema_problem(error, path) for path, error in errors])
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


def _schema_errors(document: Any) -> list[tuple[list[str | int], Any]]:
    """Every way the document breaks the schema, with its path. Each concept is checked
    on its own, without its children: the validator recurses, and a tree nested as deep
    as orjson reads (127 levels) would exhaust Python's stack."""
    from jsonschema import Draft202012Validator

    whole = schema()
    errors: list[tuple[list[str | int], Any]] = []
    concepts = document.get("concepts") if isinstance(document, dict) else None
    if not isinstance(concepts, list):
        validator = Draft202012Validator(whole)
        return [(list(e.absolute_path), e) for e in validator.iter_errors(document)]
    top = Draft202012Validator(whole)
    errors += [(list(e.absolute_path), e) for e in top.iter_errors({**document, "concepts": []})]
    one = Draft202012Validator({"$defs": whole["$defs"], "$ref": "#/$defs/concept"})
    stack: list[tuple[list[str | int], Any]] = [
        (["concepts", i], node) for i, node in enumerate(concepts)
    ]
    while stack:
        path, node = stack.pop()
        children = node.get("children") if isinstance(node, dict) else None
        if isinstance(children, list):
            node = {**node, "children": []}
            stack.extend(([*path, "children", i], child) for i, child in enumerate(children))
        errors += [([*path, *e.absolute_path], e) for e in one.iter_errors(node)]
    return errors


def schema_problem(error: Any, path: list[str | int] | None = None) -> Finding:
    """A finding for one way a document breaks the schema: where, and what the rule wants
    (the rule's kind is kept, so that the message can be given in Arabic too)."""
    steps = error.absolute_path if path is None else path
    where = "/" + "/".join(str(p) for p in steps)
    rule = error.validator
    if rule == "required":
        wanted = ", ".join(f for f in error.validator_value if f not in error.instance)
    elif rule == "additionalProperties":
        allowed = error.schema.get("properties", {})
        wanted = ", ".join(sorted(k for k in error.instance if k not in allowed))
    elif rule in ("type", "enum", "const", "minLength", "maxLength", "pattern", "minimum"):
        wanted = str(error.validator_value)
    else:
        rule, wanted = "other", error.message
    return Finding("schema_" + rule, Severity.ERROR, None, {"at": where, "wanted": wanted})


def _concept(node: Mapping[str, Any], parent: str | None, position: int, status: Status) -> Concept:
    return make_concept(
        node["id"],
        node.get("labels"),
        node.get("notes"),
        parent,
        position,
        status,
        node.get("replaced_by"),
        details=from_record(node),
    )
