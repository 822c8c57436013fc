"""Writing our JSON export format, "workshop-taxonomy/1" (DESIGN.md section 8): the nested
document, and its bytes at any depth. Reading it back is `json_format`."""

from __future__ import annotations

import gc
from collections.abc import Mapping, Sequence
from operator import itemgetter
from types import MappingProxyType
from typing import Any

import msgspec
import orjson

from ..details import NO_DETAILS, record
from ..model import Concept, Status, Tree, empty_tree

FORMAT = "workshop-taxonomy/1"


def export_document(
    tree: Tree, taxonomy: Mapping[str, Any], version: Mapping[str, Any]
) -> dict[str, Any]:
    """The nested export as plain data: what export_bytes() writes, byte for byte (it builds
    faster structs instead). Label and note mappings are shared with the tree, not copied:
    treat the result as read-only."""
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


# The export is written from msgspec structs rather than from export_document()'s dicts: a
# struct is made in C, about half the cost of a dict, and building the nested document
# costs more than encoding it. The bytes are the same as dumps(export_document(...)).


class _Node(msgspec.Struct, gc=False):
    id: str
    labels: Mapping[str, str]
    notes: Mapping[str, str]
    children: Sequence[Any]


class _DetailedNode(msgspec.Struct, gc=False, omit_defaults=True):
    """A node with details: only the fields it has are written, in `record()`'s order."""

    id: str
    labels: Mapping[str, str]
    notes: Mapping[str, str]
    children: Sequence[Any]
    alt_labels: Any = msgspec.UNSET
    hidden_labels: Any = msgspec.UNSET
    notations: Any = msgspec.UNSET
    related: Any = msgspec.UNSET
    mappings: Any = msgspec.UNSET
    other_notes: Any = msgspec.UNSET
    iri: Any = msgspec.UNSET


class _Document(msgspec.Struct, gc=False):
    format: str
    taxonomy: dict[str, Any]
    version: dict[str, Any]
    concepts: Sequence[Any]
    retired: list[dict[str, Any]]


_ENCODER = msgspec.json.Encoder()


def export_bytes(tree: Tree, taxonomy: Mapping[str, Any], version: Mapping[str, Any]) -> bytes:
    """The export as JSON bytes, at any depth: encoded in one call, and by the stack writer
    for the rare tree deeper than the encoder recurses (finding the depth first cost more
    than trying)."""
    collecting = gc.isenabled()
    gc.disable()  # see export_document(): the same holds for the tuples of children
    try:
        document = _Document(
            FORMAT,
            dict(taxonomy),
            dict(version),
            _root_nodes(tree),
            [_retired(c) for c in tree.retired()],
        )
        return _ENCODER.encode(document)
    except RecursionError:
        return _stream(tree, taxonomy, version)
    finally:
        if collecting:
            gc.enable()


def _root_nodes(tree: Tree) -> tuple[_Node | _DetailedNode, ...]:
    """The active tree as linked structs: one made per concept (in the dict's order, which
    is cheaper to walk than the tree's), then each parent handed its children's."""
    leaf: tuple[()] = ()
    made = [
        _Node(i, c.labels, c.notes, leaf) if c.details is NO_DETAILS else _detailed(c)
        for i, c in tree.concepts.items()
    ]  # retired concepts get one too: none of them is anybody's child
    index = dict(zip(tree.concepts, made, strict=True))
    for parent, ids in tree.children.items():
        if parent is not None and ids:
            # itemgetter makes the tuple in one C call (a third cheaper than map), but
            # gives the item itself for a single id
            index[parent].children = itemgetter(*ids)(index) if len(ids) > 1 else (index[ids[0]],)
    return tuple(map(index.__getitem__, tree.roots))


def _detailed(concept: Concept) -> _DetailedNode:
    # record(concept.details) in effect, without its copies: tuples encode as the lists it
    # makes, and a read-only mapping is copied in C. 3x cheaper, which tells on a file
    # where every concept has a code.
    d = concept.details
    unset = msgspec.UNSET
    other = d.other_notes
    return _DetailedNode(
        concept.id,
        concept.labels,
        concept.notes,
        (),
        _plain(d.alt_labels) if d.alt_labels else unset,
        _plain(d.hidden_labels) if d.hidden_labels else unset,
        d.notations or unset,
        d.related or unset,
        _plain(d.mappings) if d.mappings else unset,
        {kind: _plain(texts) for kind, texts in other.items()} if other else unset,
        d.iri or unset,
    )


def _plain(values: Mapping[str, Any]) -> dict[str, Any]:
    """A dict the encoder takes (Details keeps read-only mapping proxies)."""
    return values.copy() if isinstance(values, MappingProxyType) else dict(values)


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
