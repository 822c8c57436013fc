"""SKOS through rdflib: every language of every label and note, codes, links and IRIs kept.

Export (Turtle): a ConceptScheme; each concept under its own IRI (the one it was imported
with, else one made from the id), with ws:id, prefLabel / altLabel / hiddenLabel, the
scope note and the other SKOS notes, notations, related and mapping links, broader /
narrower / topConceptOf; retired concepts as owl:deprecated with dct:isReplacedBy; and the
sibling order in ws:position (SKOS has no order of its own; other readers ignore it).
Import: `skos_read.read` takes RDF/XML, Turtle, N-Triples or JSON-LD.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from urllib.parse import quote

from ..details import NOTE_KINDS
from ..model import Concept, Tree
from ..text import LANGUAGE_TAG
from .skos_read import DEFAULT_BASE, read

__all__ = ["DEFAULT_BASE", "read", "write"]


def write(
    tree: Tree,
    slug: str = "taxonomy",
    names: Mapping[str, str] | None = None,
    base: str | None = None,
) -> bytes:
    """Turtle for the whole version.

    Written line by line rather than through an rdflib Graph: for 100,000 concepts a Graph
    takes over a gigabyte and half a minute. The tests read every export back with rdflib.
    """
    namespace = base or f"{DEFAULT_BASE}{quote(slug, safe='')}/"
    out: list[str] = [
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix dct: <http://purl.org/dc/terms/> .",
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .",
        "@prefix ws: <https://workshop.invalid/ns#> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        "",
    ]
    scheme = _iri(namespace)
    out.append(f"{scheme} a skos:ConceptScheme")
    for language, name in sorted((names or {}).items()):
        out.append(f"    ; dct:title {_text(name, language)}")
    out.append("    .")

    def iri(concept_id: str) -> str:
        concept = tree.concepts.get(concept_id)
        if concept is not None and concept.details.iri:
            return _kept_iri(concept.details.iri)
        return _iri(namespace + quote(concept_id, safe=""))

    buffer = io.StringIO()
    for concept in (*tree.walk(), *tree.retired()):
        buffer.write("\n".join(out))
        out.clear()
        out.append("")
        out.append(f"{iri(concept.id)} a skos:Concept")
        out.append(f"    ; ws:id {_text(concept.id)}")
        out.extend(_texts(concept))
        out.extend(f"    ; skos:related {iri(other)}" for other in concept.related)
        out.extend(
            f"    ; skos:{kind}Match {_kept_iri(target)}"
            for kind, targets in concept.details.mappings.items()
            for target in targets
        )
        if not concept.active:
            out.append("    ; owl:deprecated true")
            if concept.replaced_by:
                out.append(f"    ; dct:isReplacedBy {iri(concept.replaced_by)}")
        else:
            out.append(f"    ; skos:inScheme {scheme}")
            out.append(f"    ; ws:position {concept.position}")
            if concept.parent is None:
                out.append(f"    ; skos:topConceptOf {scheme}")
            else:
                out.append(f"    ; skos:broader {iri(concept.parent)}")
            out.extend(
                f"    ; skos:narrower {iri(child)}" for child in tree.children_of(concept.id)
            )
        out.append("    .")
    out.append("")
    buffer.write("\n".join(out))
    return buffer.getvalue().encode("utf-8")


def _texts(concept: Concept) -> list[str]:
    details = concept.details
    lines = [f"    ; skos:notation {_text(code)}" for code in details.notations]
    lines += [f"    ; skos:prefLabel {_text(v, k)}" for k, v in concept.labels.items()]
    for predicate, values in (
        ("altLabel", details.alt_labels),
        ("hiddenLabel", details.hidden_labels),
    ):
        lines += [f"    ; skos:{predicate} {_text(v, k)}" for k, vs in values.items() for v in vs]
    lines += [f"    ; skos:scopeNote {_text(v, k)}" for k, v in concept.notes.items()]
    for kind in NOTE_KINDS:
        texts = details.other_notes.get(kind, {})
        lines += [f"    ; skos:{kind} {_text(v, k)}" for k, vs in texts.items() for v in vs]
    return lines


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _text(value: str, language: str | None = None) -> str:
    literal = '"' + value.translate(_ESCAPES) + '"'
    # (Imports refuse other tags; a tag is never written unchecked into the Turtle.)
    if language and language != "und" and LANGUAGE_TAG.match(language):
        return f"{literal}@{language}"
    return literal


def _iri(value: str) -> str:
    return "<" + quote(value, safe=":/#?&=;@!$'()*+,~%-._") + ">"


_NOT_IN_IRIS = frozenset('<>"{}|^`\\ ')


def _kept_iri(value: str) -> str:
    """An IRI from a file, written as it was (Unicode included); only what Turtle forbids
    inside <...> is escaped, so that reading it back gives the same string."""
    return (
        "<"
        + "".join(f"\\u{ord(c):04X}" if c in _NOT_IN_IRIS or ord(c) < 0x21 else c for c in value)
        + ">"
    )
