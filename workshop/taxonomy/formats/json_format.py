"""Our JSON export format, "workshop-taxonomy/1" (DESIGN.md section 8): its schema and its
import. The export itself is written by `json_export` (its names are here too)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import orjson

from ..details import from_record
from ..findings import Finding, Severity
from ..model import Concept, Status, make_concept
from . import FormatError, Imported, decode, finish, problem
from .json_export import FORMAT as FORMAT
from .json_export import concept_record as concept_record
from .json_export import dumps as dumps
from .json_export import export_bytes as export_bytes
from .json_export import export_document as export_document

SCHEMA_FILE = "workshop-taxonomy-1.schema.json"


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema every export is valid against (shipped in the package)."""
    text = resources.files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    result: dict[str, Any] = json.loads(text)
    return result


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
