"""SKOS in Turtle, through rdflib: every language of prefLabel / altLabel / scopeNote kept.

Export: a ConceptScheme, concepts with broader / narrower / topConceptOf, retired concepts
as owl:deprecated with dct:isReplacedBy, and the sibling order in ws:position (SKOS has no
order of its own; other readers ignore it). Import takes any SKOS file: a concept with
several skos:broader goes under the first in a stable order and keeps the others as
related, each reported as a warning.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, SKOS

from ..findings import Finding, Severity
from ..model import Concept, Status, Tree, make_concept
from . import FormatError, Imported, decode, finish, problem

WS = Namespace("https://workshop.invalid/ns#")
DEFAULT_BASE = "urn:x-workshop:"


def write(
    tree: Tree,
    slug: str = "taxonomy",
    names: Mapping[str, str] | None = None,
    base: str | None = None,
) -> bytes:
    """Turtle for the whole version; concept IRIs are `base` + the (escaped) id.

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
        return _iri(namespace + quote(concept_id, safe=""))

    buffer = io.StringIO()
    for concept in (*tree.walk(), *sorted(tree.retired(), key=lambda c: c.id)):
        buffer.write("\n".join(out))
        out.clear()
        out.append("")
        out.append(f"{iri(concept.id)} a skos:Concept")
        out.append(f"    ; skos:notation {_text(concept.id)}")
        out.extend(f"    ; skos:prefLabel {_text(v, k)}" for k, v in concept.labels.items())
        out.extend(
            f"    ; skos:altLabel {_text(v, k)}"
            for k, values in concept.alt_labels.items()
            for v in values
        )
        out.extend(f"    ; skos:scopeNote {_text(v, k)}" for k, v in concept.notes.items())
        out.extend(f"    ; skos:related {iri(other)}" for other in concept.related)
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


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _text(value: str, language: str | None = None) -> str:
    literal = '"' + value.translate(_ESCAPES) + '"'
    return f"{literal}@{language}" if language and language != "und" else literal


def _iri(value: str) -> str:
    return "<" + quote(value, safe=":/#?&=;@!$'()*+,~%-._") + ">"


def read(data: bytes) -> Imported:
    """A tree from Turtle; ids are the skos:notation, else the last segment of the URI."""
    text = decode(data)
    graph = Graph()
    try:
        graph.parse(data=text, format="turtle")
    except Exception as error:  # rdflib raises many parser exception types
        raise FormatError(
            [problem("bad_file", format="Turtle (SKOS)", reason=str(error).splitlines()[0][:300])]
        ) from None
    subjects = sorted(
        {s for s in graph.subjects(RDF.type, SKOS.Concept) if isinstance(s, URIRef)}
        | {s for s in graph.subjects(OWL.deprecated, None) if isinstance(s, URIRef)},
        key=str,
    )
    if not subjects:
        raise FormatError(
            [problem("bad_file", format="Turtle (SKOS)", reason="no skos:Concept found")]
        )
    ids = _ids(graph, subjects)
    warnings: list[Finding] = []
    broader: dict[URIRef, list[URIRef]] = defaultdict(list)
    for child, upper in graph.subject_objects(SKOS.broader):
        if isinstance(child, URIRef) and isinstance(upper, URIRef):
            broader[child].append(upper)
    for upper, child in graph.subject_objects(SKOS.narrower):
        if isinstance(child, URIRef) and isinstance(upper, URIRef) and upper not in broader[child]:
            broader[child].append(upper)

    deprecated = {
        s
        for s in subjects
        if any(
            o.toPython() is True for o in graph.objects(s, OWL.deprecated) if isinstance(o, Literal)
        )
    }

    def first_parent(subject: URIRef, seen: frozenset[URIRef] = frozenset()) -> URIRef | None:
        parents = sorted((p for p in broader.get(subject, []) if p in ids), key=str)
        return parents[0] if parents and parents[0] not in seen else None

    def active_parent(subject: URIRef) -> URIRef | None:
        """Up through retired (deprecated) ancestors: their children are promoted."""
        parent = first_parent(subject)
        seen = {subject}
        while parent is not None and parent in deprecated and parent not in seen:
            seen.add(parent)
            parent = first_parent(parent, frozenset(seen))
        return parent if parent not in deprecated else None

    concepts = []
    for subject in subjects:
        is_deprecated = subject in deprecated
        parents = sorted((p for p in broader.get(subject, []) if p in ids), key=str)
        if parents and parents[0] in deprecated and not is_deprecated:
            promoted_to = active_parent(subject)
            warnings.append(
                Finding(
                    "promoted_from_retired",
                    Severity.WARNING,
                    ids[subject],
                    {
                        "parent": ids[parents[0]],
                        "target": ids[promoted_to] if promoted_to is not None else "-",
                    },
                )
            )
            parents = [promoted_to, *parents[1:]] if promoted_to is not None else parents[1:]
        related = [ids[o] for o in graph.objects(subject, SKOS.related) if o in ids]
        parent: str | None = None
        if parents and not is_deprecated:
            parent = ids[parents[0]]
            if len(parents) > 1:
                others = [ids[p] for p in parents[1:]]
                related.extend(others)
                warnings.append(
                    Finding(
                        "several_parents",
                        Severity.WARNING,
                        ids[subject],
                        {"parent": parent, "others": ", ".join(others)},
                    )
                )
        replaced = next(
            (ids[o] for o in graph.objects(subject, DCTERMS.isReplacedBy) if o in ids), None
        )
        position = next(
            (o.toPython() for o in graph.objects(subject, WS.position) if isinstance(o, Literal)), 0
        )
        concepts.append(
            make_concept(
                ids[subject],
                _texts(graph.objects(subject, SKOS.prefLabel))
                or _texts(graph.objects(subject, RDFS.label)),
                _texts(graph.objects(subject, SKOS.scopeNote))
                or _texts(graph.objects(subject, SKOS.definition)),
                parent,
                int(position) if isinstance(position, int) else 0,
                Status.RETIRED if is_deprecated else Status.ACTIVE,
                replaced,
                sorted(set(related)),
                _alternatives(graph.objects(subject, SKOS.altLabel)),
            )
        )
    _order_by_label_where_unordered(concepts, graph)
    return finish(concepts, metadata=_scheme_metadata(graph), notes=warnings)


def _ids(graph: Graph, subjects: list[URIRef]) -> dict[Any, str]:
    result = {}
    for subject in subjects:
        notation = next(iter(graph.objects(subject, SKOS.notation)), None)
        text = str(notation) if notation is not None else str(subject)
        if notation is None:
            text = text.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        result[subject] = text
    return result


def _texts(literals: Iterable[Any]) -> dict[str, str]:
    """One text per language; where a file has several, the first in a stable order."""
    result: dict[str, str] = {}
    for literal in sorted((lit for lit in literals if isinstance(lit, Literal)), key=str):
        result.setdefault(literal.language or "und", str(literal))
    return result


def _alternatives(literals: Iterable[Any]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = defaultdict(list)
    for literal in literals:
        if isinstance(literal, Literal):
            result[literal.language or "und"].append(str(literal))
    return result


def _order_by_label_where_unordered(concepts: list[Concept], graph: Graph) -> None:
    """Files without ws:position: siblings in the order of their ids, so imports are stable."""
    if any(True for _ in graph.subjects(WS.position, None)):
        return
    concepts.sort(key=lambda c: c.id)


def _scheme_metadata(graph: Graph) -> dict[str, Any]:
    scheme = next(iter(graph.subjects(RDF.type, SKOS.ConceptScheme)), None)
    if scheme is None:
        return {}
    names = _texts(graph.objects(scheme, DCTERMS.title)) or _texts(
        graph.objects(scheme, RDFS.label)
    )
    return {"scheme": str(scheme), "name": names}
