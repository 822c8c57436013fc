"""Real classifications go in and come out unchanged: every field of every concept is
stored, exported in every format and read back equal; the file's ids are kept; a
retired concept can come back; a diff works in either direction."""

from __future__ import annotations

import pytest

from tests.unit.taxonomy.test_formats import DATA, needs_data
from tests.web.taxonomy_files import (
    VERSION_1,
    create_taxonomy,
    csv_bytes,
    import_request,
    publish_version,
)
from workshop.services import browsing
from workshop.services.errors import ServiceError
from workshop.services.permissions import SYSTEM
from workshop.taxonomy import build, make_concept, make_details
from workshop.taxonomy.formats import (
    FORMATS,
    csv_format,
    json_format,
    read,
    skos_format,
    xlsx_format,
)

# One concept of each kind of detail, in Arabic and English.
RICH = build(
    [
        make_concept(
            "health",
            {"ar": "الصحة", "en": "Health"},
            {"ar": "تشمل الرعاية", "en": "Includes care"},
            details=make_details(
                alt_labels={"ar": ["الرعاية الصحية", "الطب"], "en": ["Healthcare"]},
                hidden_labels={"ar": ["الصحه"], "en": ["Helth"]},
                notations=["07", "G07"],
                related=["education"],
                mappings={"exact": ["http://example.org/cofog/07"], "broad": ["http://x.org/a"]},
                other_notes={
                    "definition": {"ar": ["تعريف الصحة"], "en": ["What health covers"]},
                    "historyNote": {"en": ["Split in 2020 | then merged"]},
                },
                iri="https://data.example.gov/taxonomy/الصحة",
            ),
        ),
        make_concept(
            "education",
            {"ar": "التعليم", "en": "Education"},
            position=1,
            details=make_details(related=["health"], iri="https://data.example.gov/t/edu"),
        ),
        make_concept("schools", {"ar": "المدارس", "en": "Schools"}, parent="education"),
        make_concept(
            "old-grants",
            {"ar": "المنح", "en": "Grants"},
            status="retired",
            replaced_by="education",
            details=make_details(alt_labels={"en": ["Bursaries"]}, notations=["99"]),
        ),
    ]
)


def exported(slug: str, fmt: str, ref: object = "latest") -> bytes:
    return browsing.export(SYSTEM, slug, ref, fmt)[1].data


@pytest.mark.parametrize("source", FORMATS)
def test_every_field_survives_import_storage_and_every_export(app, source):
    document = json_format.export_document(RICH, {"slug": "t", "name": {}}, {"number": 1})
    files = {
        "json": json_format.dumps(document),
        "skos": skos_format.write(RICH, "t"),
        "csv": csv_format.write(RICH),
        "xlsx": xlsx_format.write(RICH),
    }
    create_taxonomy(SYSTEM, "rich", "غني", "Rich", files[source], f"rich.{source}")
    stored = browsing.tree(SYSTEM, "rich", 1)[1]
    assert stored == RICH
    for fmt in FORMATS:
        data = exported("rich", fmt)
        assert read(data, fmt).tree == RICH, fmt
    # Byte for byte: what is read back from an export writes the same bytes again. (The
    # normal form: values sorted and without repeats, text NFC and stripped; XLSX is
    # compared through its rows, as its zip holds the time it was written.)
    again = read(exported("rich", "json"), "json").tree
    assert csv_format.write(again) == exported("rich", "csv")
    assert skos_format.write(again, "rich", {"ar": "غني", "en": "Rich"}) == exported("rich", "skos")
    assert csv_format.table(again) == csv_format.table(read(exported("rich", "xlsx"), "xlsx").tree)


def test_a_version_that_changes_only_synonyms_or_links_is_a_new_version(app):
    create_taxonomy(SYSTEM, "gov", "أ", "A", csv_bytes(), "v1.csv")
    health = VERSION_1["health"]
    changed = build(
        [
            *(c for c in VERSION_1.concepts.values() if c.id != "health"),
            make_concept(
                "health",
                health.labels,
                health.notes,
                details=make_details(alt_labels={"ar": ["الطب"]}, related=["education"]),
            ),
        ]
    )
    version = publish_version(SYSTEM, "gov", csv_bytes(changed), "v2.csv").version
    assert version.number == 2 and version.rows_written == 1
    assert (version.annotated, version.change_count) == (1, 1)
    assert browsing.tree(SYSTEM, "gov", 2)[1] == changed
    with pytest.raises(ServiceError, match="same as version 2"):
        publish_version(SYSTEM, "gov", csv_bytes(changed), "again.csv")


def test_the_files_ids_are_kept_and_never_renamed(app):
    create_taxonomy(SYSTEM, "gov", "أ", "A", csv_bytes(), "v1.csv")
    # The next edition renames two codes; their labels stay.
    renamed = {"clinics": "clinics-2026", "schools": "schools-2026"}
    edition = build(
        make_concept(
            renamed.get(c.id, c.id),
            c.labels,
            c.notes,
            renamed.get(c.parent, c.parent) if c.parent else None,
            c.position,
        )
        for c in VERSION_1.concepts.values()
    )
    published = publish_version(SYSTEM, "gov", csv_bytes(edition), "edition.csv")
    assert published.pairs == []
    tree = browsing.tree(SYSTEM, "gov", 2)[1]
    assert {c.id for c in tree.walk()} == {c.id for c in edition.walk()}
    assert not tree["clinics"].active and tree["clinics-2026"].parent == "health"
    assert tree["public-schools"].parent == "schools-2026"


def test_pairing_by_label_is_asked_for_and_its_pairs_are_shown(app):
    create_taxonomy(SYSTEM, "gov", "أ", "A", csv_bytes(), "v1.csv")
    edition = build(
        make_concept(
            "clinics-2026" if c.id == "clinics" else c.id,
            {**c.labels, "en": "Housing and land"} if c.id == "housing" else c.labels,
            c.notes,
            c.parent,
            c.position,
        )
        for c in VERSION_1.concepts.values()
    )
    published = publish_version(SYSTEM, "gov", csv_bytes(edition), "edition.csv", match_labels=True)
    [pair] = published.pairs
    assert (pair.old_id, pair.new_id, pair.reason) == ("clinics", "clinics-2026", "path")
    tree = browsing.tree(SYSTEM, "gov", 2)[1]
    assert tree["clinics"].active and "clinics-2026" not in tree
    assert tree["housing"].labels["en"] == "Housing and land"


def test_a_retired_concept_comes_back_and_diffs_work_both_ways(app, client, sign_in):
    create_taxonomy(SYSTEM, "gov", "أ", "A", csv_bytes(), "v1.csv")
    without = build(c for c in VERSION_1.concepts.values() if c.id != "clinics")
    publish_version(SYSTEM, "gov", csv_bytes(without), "v2.csv")
    version = publish_version(SYSTEM, "gov", csv_bytes(), "v3.csv").version
    assert (version.number, version.reinstated) == (3, 1)
    assert browsing.tree(SYSTEM, "gov", 3)[1] == VERSION_1
    sign_in("observer")
    for a, b in ((3, 2), (2, 3), (3, 1), (2, 1)):
        assert client.get(f"/taxonomies/gov/diff?a={a}&b={b}").status_code == 200
        assert client.get(f"/api/v1/taxonomies/gov/versions/{a}/diff/{b}").status_code == 200
    changes = client.get("/api/v1/taxonomies/gov/versions/2/diff/3").get_json()["changes"]
    assert [(c["op"], c["id"]) for c in changes] == [("reinstate", "clinics")]


@needs_data
def test_agift_is_stored_exactly_as_the_file_says(app):
    data = (DATA / "agift" / "agift.ttl").read_bytes()
    create_taxonomy(SYSTEM, "agift", "أ", "AGIFT", data, "agift.ttl")
    stored = browsing.tree(SYSTEM, "agift", 1)[1]
    assert stored == skos_format.read(data).tree
    assert sum(1 for c in stored.concepts.values() if c.alt_labels) == 473
    assert sum(1 for c in stored.concepts.values() if c.related) == 489


def test_the_concept_page_the_api_and_the_diff_show_every_field(app, client, sign_in):
    from workshop.taxonomy.formats import csv_format as csv

    create_taxonomy(SYSTEM, "rich", "غني", "Rich", csv.write(RICH), "rich.csv")
    changed = build(
        [
            *(c for c in RICH.concepts.values() if c.id not in ("schools", "old-grants")),
            make_concept("schools", {"ar": "المدارس", "en": "Schools"}, parent="education"),
            make_concept("old-grants", {"ar": "المنح", "en": "Grants"}, parent="education"),
        ]
    )
    changed = build(
        [
            *(c for c in changed.concepts.values() if c.id != "schools"),
            make_concept(
                "schools",
                {"ar": "المدارس", "en": "Schools"},
                parent="education",
                details=make_details(notations=["S1"]),
            ),
        ]
    )
    publish_version(SYSTEM, "rich", csv.write(changed), "v2.csv")
    sign_in("observer")
    page = client.get("/taxonomies/rich/v/1/concepts/health").text
    for shown in ("G07", "الصحه", "تعريف الصحة", "http://example.org/cofog/07", "education"):
        assert shown in page, shown
    assert "الصحة" in page and "data.example.gov" in page
    api = client.get("/api/v1/taxonomies/rich/concepts/health?version=1").get_json()
    assert api["notations"] == ["07", "G07"] and api["mappings"]["exact"]
    assert api["other_notes"]["definition"]["ar"] == ["تعريف الصحة"]
    diff = client.get("/taxonomies/rich/diff?a=1&b=2").text
    assert "أُعيد" in diff or "Brought back" in diff
    assert "الرموز" in diff or "codes" in diff


def test_a_crosswalk_records_merges_and_splits(app):
    create_taxonomy(SYSTEM, "gov", "أ", "A", csv_bytes(), "v1.csv")
    # The next edition merges hospitals and clinics into care, and splits schools into
    # primary and secondary.
    edition = build(
        [
            *(
                c
                for c in VERSION_1.concepts.values()
                if c.id not in ("hospitals", "clinics", "schools", "public-schools")
            ),
            make_concept("care", {"ar": "الرعاية", "en": "Care"}, parent="health"),
            make_concept("primary", {"ar": "الابتدائي", "en": "Primary"}, parent="education"),
            make_concept(
                "secondary", {"ar": "الثانوي", "en": "Secondary"}, parent="education", position=1
            ),
        ]
    )
    table = b"old,new\nhospitals,care\nclinics,care\nschools,primary\nschools,secondary\nx,y\n"
    published = publish_version(SYSTEM, "gov", csv_bytes(edition), "v2.csv", crosswalk=table)
    tree = browsing.tree(SYSTEM, "gov", 2)[1]
    assert tree["hospitals"].replaced_by == "care" and tree["clinics"].replaced_by == "care"
    assert tree["schools"].replaced_by == "primary"
    assert tree["public-schools"].replaced_by is None  # not in the table: plainly retired
    kinds = sorted(w.rule for w in published.warnings if w.rule.startswith("crosswalk"))
    assert kinds == ["crosswalk_split", "crosswalk_unknown"]


def test_a_bad_crosswalk_is_refused_and_nothing_is_written(app):
    from workshop.services.errors import InvalidFile

    create_taxonomy(SYSTEM, "gov", "أ", "A", csv_bytes(), "v1.csv")
    with pytest.raises(InvalidFile) as raised:
        publish_version(SYSTEM, "gov", csv_bytes(), "v2.csv", crosswalk=b"old,new\nonly-old,\n")
    assert "line 2" in raised.value.problems[0].text().lower()
    assert browsing.tree(SYSTEM, "gov", "latest")[0].version.number == 1


def test_a_file_that_retires_most_concepts_needs_a_confirmation(app, client, sign_in):
    many = build(make_concept(f"s{n}", {"ar": f"خدمة {n}"}, position=n) for n in range(60))
    create_taxonomy(SYSTEM, "many", "أ", "A", csv_format.write(many), "1.csv")
    truncated = build(make_concept(f"s{n}", {"ar": f"خدمة {n}"}, position=n) for n in range(30))
    with pytest.raises(ServiceError, match="30 of the 60") as refused:
        publish_version(SYSTEM, "many", csv_format.write(truncated), "cut.csv")
    assert refused.value.field == "allow_mass_retire"
    assert browsing.tree(SYSTEM, "many", "latest")[0].version.number == 1
    # on the web the preview says so and asks; publishing without the tick is refused
    import io
    import re

    sign_in("coordinator")
    data = {"file": (io.BytesIO(csv_format.write(truncated)), "cut.csv"), "slug": "many"}
    preview = import_request(
        client, "/taxonomies/import/", data, content_type="multipart/form-data"
    )
    assert "نشر هذا الملف يوقف 30 من أصل 60" in preview.text
    assert 'name="allow_mass_retire"' in preview.text
    token = re.search(r'action="/taxonomies/import/([^"]+)"', preview.text).group(1)
    refused = import_request(client, f"/taxonomies/import/{token}", {"note": ""})
    assert refused.status_code == 422 and "30" in refused.text.split('role="alert"')[1][:300]
    done = import_request(
        client, f"/taxonomies/import/{token}", {"note": "", "allow_mass_retire": "y"}
    )
    assert done.status_code == 200 and "/import/" not in done.request.path
    assert browsing.tree(SYSTEM, "many", "latest")[1].active_count() == 30
