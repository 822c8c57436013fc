"""Reading SKOS in any RDF syntax rdflib reads (RDF/XML, Turtle, N-Triples, JSON-LD).

Nothing is dropped without a finding: a concept with several broader concepts goes under
the first (in a stable order) and keeps the others as related; a second prefLabel in one
language becomes a synonym; links to concepts outside the file become mapping links; and
properties this tool does not keep are counted, per property, in a warning.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DC, DCTERMS, OWL, SKOS

from ..details import MATCH_KINDS, NOTE_KINDS, make_details
from ..findings import Finding, Severity
from ..model import Concept, Status, make_concept
from . import FormatError, Imported, finish, problem
from .rdf_parse import parse
from .skos_ids import choose_ids
from .skos_terms import DEFAULT_BASE, ID_CHOICES, KEPT, WS

__all__ = ["DEFAULT_BASE", "ID_CHOICES", "choose_ids", "parse", "read"]


def warning(rule: str, concept: str | None = None, **params: object) -> Finding:
    return Finding(rule, Severity.WARNING, concept, params)


def read(data: bytes, ids: str = "auto") -> Imported:
    """A tree from SKOS. `ids`: "auto" (our own ws:id, else a notation when every concept
    has exactly one and they are unique, else the shortest unique end of the IRI),
    "notation", "suffix" or "iri"."""
    graph = parse(data)
    subjects = sorted(
        {s for s in graph.subjects(RDF.type, SKOS.Concept) if isinstance(s, URIRef)}
        | {s for s in graph.subjects(OWL.deprecated, None) if isinstance(s, URIRef)},
        key=str,
    )
    if not subjects:
        raise FormatError([problem("bad_file", format="SKOS", reason="no skos:Concept found")])
    id_of = choose_ids(graph, subjects, ids)
    findings: list[Finding] = []
    reader = _Reader(graph, id_of, findings)
    concepts = [reader.concept(subject) for subject in subjects]
    findings.extend(_schemes(graph))
    findings.extend(_unkept(graph, subjects))
    if not any(True for _ in graph.subjects(WS.position, None)):
        concepts.sort(key=lambda c: c.id)  # no order in the file: by id, so imports are stable
    return finish(concepts, metadata=_scheme_metadata(graph), notes=findings)


class _Reader:
    def __init__(self, graph: Graph, id_of: dict[URIRef, str], findings: list[Finding]):
        self.graph, self.id_of, self.findings = graph, id_of, findings
        self.broader: dict[URIRef, list[URIRef]] = defaultdict(list)
        for child, upper in graph.subject_objects(SKOS.broader):
            if isinstance(child, URIRef) and isinstance(upper, URIRef):
                self.broader[child].append(upper)
        for upper, child in graph.subject_objects(SKOS.narrower):
            if (
                isinstance(child, URIRef)
                and isinstance(upper, URIRef)
                and upper not in self.broader[child]
            ):
                self.broader[child].append(upper)
        self.deprecated = {
            s
            for s in id_of
            if any(
                o.toPython() is True
                for o in graph.objects(s, OWL.deprecated)
                if isinstance(o, Literal)
            )
        }

    def parents(self, subject: URIRef) -> list[URIRef]:
        return sorted((p for p in self.broader.get(subject, []) if p in self.id_of), key=str)

    def active_parent(self, subject: URIRef) -> URIRef | None:
        """Up through retired (deprecated) ancestors: their children are promoted."""
        seen = {subject}
        parents = self.parents(subject)
        parent = parents[0] if parents else None
        while parent is not None and parent in self.deprecated and parent not in seen:
            seen.add(parent)
            above = self.parents(parent)
            parent = above[0] if above else None
        return parent if parent not in self.deprecated and parent not in seen else None

    def concept(self, subject: URIRef) -> Concept:
        graph, ids = self.graph, self.id_of
        concept_id = ids[subject]
        retired = subject in self.deprecated
        parents = self.parents(subject)
        related = {
            ids[o]
            for o in graph.objects(subject, SKOS.related)
            if isinstance(o, URIRef) and o in ids
        }
        mappings: dict[str, set[str]] = defaultdict(set)
        for kind in MATCH_KINDS:
            mappings[kind].update(str(o) for o in graph.objects(subject, SKOS[f"{kind}Match"]))
        for outside in (o for o in graph.objects(subject, SKOS.related) if o not in ids):
            if str(outside).startswith(DEFAULT_BASE):  # ours, to a concept not in the file
                related.add(unquote(str(outside).rsplit("/", 1)[-1]))
                continue
            mappings["related"].add(str(outside))
            self.findings.append(warning("outside_link", concept_id, target=str(outside)))
        for outside in (p for p in self.broader.get(subject, []) if p not in ids):
            mappings["broad"].add(str(outside))
            self.findings.append(warning("outside_parent", concept_id, target=str(outside)))
        if parents and parents[0] in self.deprecated and not retired:
            promoted_to = self.active_parent(subject)
            self.findings.append(
                warning(
                    "promoted_from_retired" if promoted_to is not None else "promoted_to_top",
                    concept_id,
                    parent=ids[parents[0]],
                    target=ids[promoted_to] if promoted_to is not None else None,
                )
            )
            parents = [promoted_to, *parents[1:]] if promoted_to is not None else parents[1:]
        parent = None
        if parents and not retired:
            parent = ids[parents[0]]
            if len(parents) > 1:
                others = [ids[p] for p in parents[1:]]
                related.update(others)
                self.findings.append(
                    warning("several_parents", concept_id, parent=parent, others=", ".join(others))
                )
        labels, extra_labels = self.one_per_language(subject, concept_id, SKOS.prefLabel)
        if not labels:
            labels, extra_labels = self.one_per_language(subject, concept_id, RDFS.label)
        notes, extra_notes = self.one_per_language(subject, concept_id, SKOS.scopeNote)
        other_notes = {
            kind: _by_language(graph.objects(subject, SKOS[kind])) for kind in NOTE_KINDS
        }
        if extra_notes:
            other_notes["note"] = _merged(other_notes["note"], extra_notes)
        position = next(
            (o.toPython() for o in graph.objects(subject, WS.position) if isinstance(o, Literal)), 0
        )
        iri = str(subject)
        return make_concept(
            concept_id,
            labels,
            notes,
            parent,
            int(position) if isinstance(position, int) else 0,
            Status.RETIRED if retired else Status.ACTIVE,
            next(
                (
                    ids[o]
                    for o in graph.objects(subject, DCTERMS.isReplacedBy)
                    if isinstance(o, URIRef) and o in ids
                ),
                None,
            ),
            details=make_details(
                alt_labels=_merged(
                    _by_language(graph.objects(subject, SKOS.altLabel)), extra_labels
                ),
                hidden_labels=_by_language(graph.objects(subject, SKOS.hiddenLabel)),
                notations=[str(o) for o in graph.objects(subject, SKOS.notation)],
                related=related,
                mappings=mappings,
                other_notes=other_notes,
                iri=None if iri.startswith(DEFAULT_BASE) else iri,
            ),
        )

    def one_per_language(
        self, subject: URIRef, concept_id: str, predicate: URIRef
    ) -> tuple[dict[str, str], dict[str, list[str]]]:
        """The first text per language (in a stable order) and the rest, reported."""
        first: dict[str, str] = {}
        rest: dict[str, list[str]] = defaultdict(list)
        for language, texts in _by_language(self.graph.objects(subject, predicate)).items():
            first[language] = texts[0]
            if len(texts) > 1:
                rest[language].extend(texts[1:])
                self.findings.append(
                    warning(
                        "several_texts",
                        concept_id,
                        property=_curie(predicate),
                        language=language,
                        kept=texts[0],
                    )
                )
        return first, rest


def _by_language(literals: Iterable[Any]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = defaultdict(list)
    for literal in sorted((lit for lit in literals if isinstance(lit, Literal)), key=str):
        result[literal.language or "und"].append(str(literal))
    return result


def _merged(first: dict[str, list[str]], second: dict[str, list[str]]) -> dict[str, list[str]]:
    return {k: [*first.get(k, []), *second.get(k, [])] for k in first.keys() | second.keys()}


def _schemes(graph: Graph) -> list[Finding]:
    schemes = sorted(str(s) for s in graph.subjects(RDF.type, SKOS.ConceptScheme))
    if len(schemes) <= 1:
        return []
    return [warning("several_schemes", None, count=len(schemes), schemes=", ".join(schemes))]


def _unkept(graph: Graph, subjects: list[URIRef]) -> list[Finding]:
    """Properties of concepts that this tool does not keep, counted per property."""
    counts: Counter[URIRef] = Counter()
    for subject in subjects:
        for predicate in graph.predicates(subject, None):
            if predicate not in KEPT and isinstance(predicate, URIRef):
                counts[predicate] += 1
    return [
        warning("unkept_property", None, property=_curie(p), count=n)
        for p, n in sorted(counts.items(), key=lambda item: str(item[0]))
    ]


_PREFIXES = {
    str(SKOS): "skos:",
    str(DCTERMS): "dct:",
    str(DC): "dc:",
    str(RDFS): "rdfs:",
    str(OWL): "owl:",
}


def _curie(iri: URIRef) -> str:
    text = str(iri)
    for namespace, prefix in _PREFIXES.items():
        if text.startswith(namespace):
            return prefix + text[len(namespace) :]
    return text


def _scheme_metadata(graph: Graph) -> dict[str, Any]:
    scheme = next(iter(sorted(graph.subjects(RDF.type, SKOS.ConceptScheme), key=str)), None)
    if scheme is None:
        return {}
    names = {k: v[0] for k, v in _by_language(graph.objects(scheme, DCTERMS.title)).items()} or {
        k: v[0] for k, v in _by_language(graph.objects(scheme, RDFS.label)).items()
    }
    return {"scheme": str(scheme), "name": names}
