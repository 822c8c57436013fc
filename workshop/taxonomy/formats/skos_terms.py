"""The RDF terms the SKOS reader and writer share."""

from __future__ import annotations

from rdflib import RDF, RDFS, Namespace
from rdflib.namespace import DCTERMS, OWL, SKOS

from ..details import MATCH_KINDS, NOTE_KINDS

WS = Namespace("https://workshop.invalid/ns#")
DEFAULT_BASE = "urn:x-workshop:"
ID_CHOICES = ("auto", "notation", "suffix", "iri")
MAX_ID = 200
SYNTAX_NAMES = {"xml": "RDF/XML", "json-ld": "JSON-LD", "turtle": "Turtle / N-Triples"}

KEPT = {
    RDF.type,
    RDFS.label,
    OWL.deprecated,
    DCTERMS.isReplacedBy,
    WS.id,
    WS.position,
    SKOS.inScheme,
    SKOS.topConceptOf,
    SKOS.broader,
    SKOS.narrower,
    SKOS.prefLabel,
    SKOS.altLabel,
    SKOS.hiddenLabel,
    SKOS.notation,
    SKOS.scopeNote,
    SKOS.related,
    *(SKOS[kind] for kind in NOTE_KINDS),
    *(SKOS[f"{kind}Match"] for kind in MATCH_KINDS),
}


STORED = {*KEPT, DCTERMS.title}  # the scheme's name is read too
