"""Ids for SKOS concepts, chosen so that two concepts never share one."""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import unquote

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from . import FormatError, problem
from .skos_terms import ID_CHOICES, MAX_ID, WS


def choose_ids(graph: Graph, subjects: list[URIRef], choice: str) -> dict[URIRef, str]:
    if choice not in ID_CHOICES:
        raise ValueError(f"ids must be one of {', '.join(ID_CHOICES)}")
    if choice == "auto":
        ours = {s: str(o) for s in subjects for o in graph.objects(s, WS.id)}
        if len(ours) == len(subjects) and len(set(ours.values())) == len(ours):
            return ours
    if choice in ("auto", "notation"):
        codes = {s: [str(o) for o in graph.objects(s, SKOS.notation)] for s in subjects}
        if all(len(c) == 1 for c in codes.values()):
            chosen = {s: c[0].strip() for s, c in codes.items()}
            if len(set(chosen.values())) == len(chosen) and all(chosen.values()):
                return chosen
        if choice == "notation":
            raise FormatError(
                [
                    problem(
                        "bad_ids",
                        reason="not every concept has exactly one notation, unique in the file",
                    )
                ]
            )
    if choice == "iri":
        return {s: str(s) for s in subjects}
    return shortest_suffixes(subjects)


def shortest_suffixes(subjects: list[URIRef]) -> dict[URIRef, str]:
    """Each IRI's shortest run of last path segments that no other IRI ends with: .../ord/
    skole and .../tema/skole become ord/skole and tema/skole; unique ones keep one segment."""
    parts = {s: [unquote(p) for p in _segments(str(s))] for s in subjects}
    length = dict.fromkeys(subjects, 1)
    while True:
        by_suffix: dict[str, list[URIRef]] = defaultdict(list)
        for subject in subjects:
            by_suffix["/".join(parts[subject][-length[subject] :])].append(subject)
        clashes = [group for group in by_suffix.values() if len(group) > 1]
        grown = False
        for group in clashes:
            for subject in group:
                if length[subject] < len(parts[subject]):
                    length[subject] += 1
                    grown = True
        if not clashes or not grown:
            break
    result = {s: "/".join(parts[s][-length[s] :]) for s in subjects}
    if len(set(result.values())) < len(result) or any(len(v) > MAX_ID for v in result.values()):
        return {s: str(s) for s in subjects}
    return result


def _segments(iri: str) -> list[str]:
    body = iri.split("://", 1)[-1].rstrip("/#")
    return [p for p in body.replace("#", "/").split("/") if p] or [iri]
