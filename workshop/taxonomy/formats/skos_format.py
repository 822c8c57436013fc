"""SKOS in Turtle, through rdflib: every language of prefLabel / altLabel / scopeNote kept.

Export: a ConceptScheme, concepts with broader / narrower / topConceptOf, retired concepts
as owl:deprecated with dct:isReplacedBy, and the sibling order in ws:position (SKOS has no
order of its own; other readers ignore it). Import takes any SKOS file: a concept with
several skos:broader goes under the first in a stable order and keeps the others as
related, each reported as a warning.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, SKOS, XSD

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
    """Turtle for the whole version; concept URIs are `base` + id."""
    namespace = Namespace(base or f"{DEFAULT_BASE}{slug}/")
    graph = Graph(bind_namespaces="none")
    for prefix, ns in (
        ("skos", SKOS),
        ("dct", DCTERMS),
        ("owl", OWL),
        ("ws", WS),
        ("rdf", RDF),
        ("xsd", XSD),
    ):
        graph.bind(prefix, ns)
    scheme = URIRef(namespace)
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    for language, name in (names or {}).items():
        graph.add((scheme, DCTERMS.title, Literal(name, lang=language)))
    for concept in tree.concepts.values():
        node = namespace[concept.id]
        graph.add((node, SKOS.notation, Literal(concept.id)))
        for language, label in concept.labels.items():
            graph.add((node, SKOS.prefLabel, Literal(label, lang=language)))
        for language, alternatives in concept.alt_labels.items():
            for label in alternatives:
                graph.add((node, SKOS.altLabel, Literal(label, lang=language)))
        for language, note in concept.notes.items():
            graph.add((node, SKOS.scopeNote, Literal(note, lang=language)))
        for other in concept.related:
            graph.add((node, SKOS.related, namespace[other]))
        if not concept.active:
            graph.add((node, RDF.type, SKOS.Concept))
            graph.add((node, OWL.deprecated, Literal(True)))
            if concept.replaced_by:
                graph.add((node, DCTERMS.isReplacedBy, namespace[concept.replaced_by]))
            continue
        graph.add((node, RDF.type, SKOS.Concept))
        graph.add((node, SKOS.inScheme, scheme))
        graph.add((node, WS.position, Literal(concept.position)))
        if concept.parent is None:
            graph.add((node, SKOS.topConceptOf, scheme))
            graph.add((scheme, SKOS.hasTopConcept, node))
        else:
            graph.add((node, SKOS.broader, namespace[concept.parent]))
            graph.add((namespace[concept.parent], SKOS.narrower, node))
    return graph.serialize(format="turtle", encoding="utf-8")


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
