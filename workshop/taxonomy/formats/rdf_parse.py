"""Parsing RDF in any syntax rdflib reads, quietly, into a store that keeps only what the
SKOS reader asks of it."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rdflib import Graph, URIRef
from rdflib.store import Store

from . import FormatError, decode, problem
from .skos_terms import STORED, SYNTAX_NAMES


def syntax_of(text: str) -> str:
    head = text.lstrip()[:4096]
    if head.startswith("<?xml") or "<rdf:RDF" in head:
        return "xml"
    if head.startswith(("{", "[")):
        return "json-ld"
    return "turtle"  # N-Triples is Turtle too


@contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """rdflib logs and warns about odd literals and IRIs; the findings say what matters."""
    logger = logging.getLogger("rdflib")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


class CompactStore(Store):
    """An rdflib store that keeps just what reading SKOS asks of it: each statement once
    by subject and once by predicate, without contexts. rdflib's own memory store kept
    1.5 GB for a 100,000-concept file; this keeps well under half of that."""

    def __init__(self) -> None:
        super().__init__()
        self.by_subject: dict[Any, dict[Any, list[Any]]] = {}
        self.by_predicate: dict[Any, list[tuple[Any, Any]]] = {}
        self.count = 0
        self.terms: dict[Any, Any] = {}
        self._namespaces: dict[str, URIRef] = {}

    def add(self, triple: Any, context: Any, quoted: bool = False) -> None:
        subject, predicate, value = triple
        terms = self.terms  # one object per IRI: a parser makes a new one per mention
        subject = terms.setdefault(subject, subject)
        predicate = terms.setdefault(predicate, predicate)
        if predicate not in STORED:  # only counted (unkept_property): no value is kept
            self.by_subject.setdefault(subject, {}).setdefault(predicate, []).append(None)
            return
        if isinstance(value, URIRef):
            value = terms.setdefault(value, value)
        self.by_subject.setdefault(subject, {}).setdefault(predicate, []).append(value)
        self.by_predicate.setdefault(predicate, []).append((subject, value))
        self.count += 1

    def triples(self, pattern: Any, context: Any = None) -> Iterator[Any]:
        subject, predicate, value = pattern
        none: Iterator[Any] = iter(())
        if subject is not None:
            found = self.by_subject.get(subject, {})
            for p, values in (
                found.items() if predicate is None else [(predicate, found.get(predicate, []))]
            ):
                for o in values:
                    if value is None or o == value:
                        yield (subject, p, o), none
            return
        # Asked by predicate (what the reader does), or by nothing but the value: a scan.
        pairs = (
            [(predicate, self.by_predicate.get(predicate, []))]
            if predicate is not None
            else list(self.by_predicate.items())
        )
        for p, members in pairs:
            for s, o in members:
                if value is None or o == value:
                    yield (s, p, o), none

    def __len__(self, context: Any = None) -> int:
        return self.count

    def bind(self, prefix: str, namespace: Any, override: bool = True) -> None:
        self._namespaces[prefix] = namespace

    def namespace(self, prefix: str) -> Any:
        return self._namespaces.get(prefix)

    def prefix(self, namespace: Any) -> Any:
        return next((p for p, n in self._namespaces.items() if n == namespace), None)

    def namespaces(self) -> Iterator[tuple[str, Any]]:
        return iter(list(self._namespaces.items()))


def parse(data: bytes) -> Graph:
    text = decode(data)
    syntax = syntax_of(text)
    # (rdflib's JSON-LD parser needs a store that knows named graphs: rdflib's own.)
    graph = Graph() if syntax == "json-ld" else Graph(store=CompactStore())
    try:
        with _quiet_rdflib():
            graph.parse(data=text, format=syntax)
    except Exception as error:  # rdflib raises many parser exception types
        reason = (str(error).splitlines() or [type(error).__name__])[0][:300]
        raise FormatError(
            [problem("bad_file", format=f"{SYNTAX_NAMES[syntax]} (SKOS)", reason=reason)]
        ) from None
    return graph
