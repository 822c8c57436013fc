"""SKOS in every RDF syntax, ids from IRIs that never collide, and nothing dropped silently."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from tests.web.test_lossless_imports import RICH
from workshop.taxonomy.formats import FormatError, skos_format
from workshop.taxonomy.formats.skos_ids import shortest_suffixes

PREFIXES = """
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix ex: <https://example.org/vocab/> .
"""


def turtle(body: str) -> bytes:
    return (PREFIXES + body).encode()


@pytest.mark.parametrize("syntax", ["xml", "nt", "json-ld", "turtle"])
def test_every_rdf_syntax_reads_to_the_same_tree(syntax):
    graph = Graph().parse(data=skos_format.write(RICH, "t").decode(), format="turtle")
    data = graph.serialize(format=syntax).encode()
    assert skos_format.read(data).tree == RICH


def test_colliding_iri_tails_get_the_shortest_unique_suffix():
    data = turtle(
        """
        <https://example.org/vocab/ord/skole> a skos:Concept ; skos:prefLabel "Skole"@nb .
        <https://example.org/vocab/tema/skole> a skos:Concept ; skos:prefLabel "Skole tema"@nb ;
            skos:broader <https://example.org/vocab/ord/skole> .
        <https://example.org/vocab/tema/helse> a skos:Concept ; skos:prefLabel "Helse"@nb .
        """
    )
    tree = skos_format.read(data).tree
    assert {"ord/skole", "tema/skole", "helse"} <= set(tree.concepts)
    assert tree["tema/skole"].parent == "ord/skole"
    assert tree["tema/skole"].details.iri == "https://example.org/vocab/tema/skole"
    # exported under the IRIs they came with
    again = skos_format.read(skos_format.write(tree, "t")).tree
    assert again == tree


def test_suffixes_grow_only_where_they_clash():
    from rdflib import URIRef

    iris = [URIRef(f"https://x.org/{p}") for p in ("a/b/c", "d/b/c", "e/c", "f")]
    assert sorted(shortest_suffixes(iris).values()) == ["a/b/c", "d/b/c", "e/c", "f"]


def test_ids_can_be_notations_or_whole_iris():
    data = turtle(
        """
        ex:h a skos:Concept ; skos:notation "07" ; skos:prefLabel "الصحة"@ar .
        ex:e a skos:Concept ; skos:notation "09" ; skos:prefLabel "التعليم"@ar .
        """
    )
    assert set(skos_format.read(data).tree.concepts) == {"07", "09"}
    assert set(skos_format.read(data, "suffix").tree.concepts) == {"h", "e"}
    whole = skos_format.read(data, "iri").tree
    assert set(whole.concepts) == {"https://example.org/vocab/h", "https://example.org/vocab/e"}
    assert skos_format.read(data).tree["07"].details.notations == ("07",)


def test_ids_from_notations_must_be_there_for_every_concept():
    data = turtle(
        """
        ex:h a skos:Concept ; skos:notation "07" ; skos:prefLabel "الصحة"@ar .
        ex:e a skos:Concept ; skos:prefLabel "التعليم"@ar .
        """
    )
    assert set(skos_format.read(data).tree.concepts) == {"h", "e"}  # auto falls back
    with pytest.raises(FormatError) as raised:
        skos_format.read(data, "notation")
    assert raised.value.findings[0].rule == "bad_ids"


def test_what_the_tool_cannot_place_is_kept_and_reported():
    data = turtle(
        """
        ex:s1 a skos:ConceptScheme . ex:s2 a skos:ConceptScheme .
        ex:a a skos:Concept ; skos:prefLabel "أ"@ar, "ألف"@ar ; skos:inScheme ex:s1 ;
            skos:related <https://other.org/x> ; skos:broader <https://other.org/top> ;
            dct:created "2020-01-01" ; skos:scopeNote "one"@en, "two"@en .
        ex:b a skos:Concept ; skos:prefLabel "ب"@ar ; skos:inScheme ex:s2 .
        """
    )
    imported = skos_format.read(data)
    a = imported.tree["a"]
    assert a.parent is None
    assert a.labels == {"ar": "أ"} and a.alt_labels == {"ar": ("ألف",)}
    assert a.notes == {"en": "one"} and a.details.other_notes["note"] == {"en": ("two",)}
    assert a.details.mappings == {
        "broad": ("https://other.org/top",),
        "related": ("https://other.org/x",),
    }
    rules = sorted(w.rule for w in imported.warnings)
    assert rules == [
        "outside_link",
        "outside_parent",
        "several_schemes",
        "several_texts",
        "several_texts",
        "unkept_property",
    ]
    assert all(w.text("ar") and w.text("en") for w in imported.warnings)


def test_rdf_xml_that_is_broken_names_its_syntax_and_rdflib_stays_quiet(capsys, caplog):
    with pytest.raises(FormatError) as raised:
        skos_format.read(b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="nope"><oops')
    assert "RDF/XML" in raised.value.findings[0].text()
    assert capsys.readouterr().err == "" and not caplog.records


def test_the_compact_store_answers_every_pattern_rdflib_can_ask():
    from rdflib import Literal
    from rdflib.namespace import SKOS

    from workshop.taxonomy.formats.rdf_parse import parse

    graph = parse(turtle('ex:a a skos:Concept ; skos:prefLabel "أ"@ar . ex:b skos:broader ex:a .'))
    a = URIRef("https://example.org/vocab/a")
    assert set(graph.subjects(None, a)) == {URIRef("https://example.org/vocab/b")}
    assert set(graph.objects(a, SKOS.prefLabel)) == {Literal("أ", lang="ar")}
    assert len(list(graph.triples((None, None, None)))) == 3 == len(graph)
