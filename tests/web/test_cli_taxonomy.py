"""`workshop taxonomy ...` on the real classifications: import, export in every format and
import the export again; errors exit non-zero and write nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from tests.unit.taxonomy.test_formats import DATA, isic_csv, needs_data
from workshop.models import ConceptRevision, Taxonomy, Version, db
from workshop.services import browsing
from workshop.services.permissions import SYSTEM

COFOG_MAP = (
    "id=Code,label_en=Description_EN,label_fr=Description_FR,"
    "label_es=Description_ES,note_en=ExplanatoryNote"
)


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["taxonomy", *args], input=input)


def counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(m))
        for m in (Taxonomy, Version, ConceptRevision)
    )


def round_trip(app, tmp_path, slug):
    """Export the latest version in each format, import each as a new taxonomy: equal trees."""
    original = browsing.tree(SYSTEM, slug, "latest")[1]
    for fmt in ("json", "csv", "xlsx", "skos"):
        path = tmp_path / f"{slug}.{fmt}"
        exported = run(app, "export", slug, "--format", fmt, "-o", str(path))
        assert exported.exit_code == 0, exported.output
        copy = f"{slug}-{fmt}"
        imported = run(
            app,
            "import",
            str(path),
            "--taxonomy",
            copy,
            "--format",
            fmt,
            "--name-ar",
            "نسخة",
            "--name-en",
            "Copy",
        )
        assert imported.exit_code == 0, imported.output
        assert browsing.tree(SYSTEM, copy, 1)[1] == original, fmt


@needs_data
def test_cofog_csv_import_and_round_trips(app, tmp_path):
    result = run(
        app,
        "import",
        str(DATA / "cofog-1999" / "cofog.csv"),
        "--taxonomy",
        "cofog",
        "--name-ar",
        "تصنيف وظائف الحكومة",
        "--name-en",
        "COFOG",
        "--map",
        COFOG_MAP,
        "--dotted-codes",
    )
    assert result.exit_code == 0, result.output
    assert "cofog version 1: 188 concepts" in result.output
    assert "188 warning(s)" in result.stderr  # English only: Arabic to add through proposals
    round_trip(app, tmp_path, "cofog")


@needs_data
def test_isic_arabic_and_english_round_trips(app, tmp_path):
    path = tmp_path / "isic.csv"
    path.write_bytes(isic_csv())
    assert run(app, "import", str(path), "--taxonomy", "isic").exit_code == 0
    tree = browsing.tree(SYSTEM, "isic", 1)[1]
    assert tree["0111"].labels["ar"].startswith("زراعة الحبوب باستثناء الأرز(")
    round_trip(app, tmp_path, "isic")


@needs_data
def test_agift_skos_import_and_round_trips(app, tmp_path):
    result = run(app, "import", str(DATA / "agift" / "agift.ttl"), "--taxonomy", "agift")
    assert result.exit_code == 0, result.output
    version = db.session.scalar(select(Version))
    assert (version.concept_count, version.retired_count) == (557, 27)
    round_trip(app, tmp_path, "agift")


def test_a_new_version_diff_and_validate(app, published, tmp_path):
    listing = run(app, "list")
    assert listing.exit_code == 0 and "gov\tv2\t" in listing.output
    text = run(app, "diff", "gov", "1", "2")
    assert text.exit_code == 0 and "relabel  clinics" in text.output
    as_json = json.loads(run(app, "diff", "gov", "1", "latest", "--format", "json").output)
    assert {c["op"] for c in as_json["changes"]} == {"add", "relabel", "move", "retire"}
    checked = run(app, "validate", "gov")
    assert checked.exit_code == 0 and "0 error(s)" in checked.stderr
    exported = run(app, "export", "gov", "--version", "1")
    assert json.loads(exported.stdout_bytes)["version"]["number"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "nope"], "no taxonomy nope"),
        (["export", "gov", "--version", "7"], "no version 7"),
        (["diff", "gov", "1", "9"], "no version 9"),
        (["validate", "ghost"], "no taxonomy ghost"),
    ],
)
def test_unknown_names_fail_with_a_message(app, published, args, message):
    result = run(app, *args)
    assert result.exit_code == 1 and message in result.stderr


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"id,parent,label_ar\na,b,x\nb,a,y\n", "cycle"),
        (b"id,parent,label_ar\na,,x\na,,y\n", "used more than once"),
        ("id,label_ar\na,الصحة\n".encode("cp1256"), "not UTF-8"),
        (b"", "empty"),
    ],
)
def test_a_bad_file_fails_and_writes_nothing(app, published, tmp_path, content, expected):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    before = counts()
    result = run(app, "import", str(path), "--taxonomy", "bad")
    assert result.exit_code == 1 and expected in result.stderr
    again = run(app, "import", str(path), "--taxonomy", "gov", "--new-version")
    assert again.exit_code == 1
    assert counts() == before


def renamed_edition(tmp_path):
    from tests.web.taxonomy_files import EDITION, csv_bytes

    path = tmp_path / "edition.csv"
    path.write_bytes(csv_bytes(EDITION))
    return path


def test_pairing_by_label_shows_the_pairs_and_asks_first(app, published, tmp_path):
    path = renamed_edition(tmp_path)
    args = ["import", str(path), "--taxonomy", "gov", "--new-version", "--match", "labels"]
    before = counts()
    refused = run(app, *args, input="n\n")
    assert refused.exit_code == 1 and "dental-care -> dental  (by path)" in refused.output
    assert counts() == before
    accepted = run(app, *args, input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert "1 concept(s) kept their old id" in accepted.output
    assert "dental-care" not in browsing.tree(SYSTEM, "gov", 3)[1]


def test_without_pairing_the_files_ids_are_kept(app, published, tmp_path):
    result = run(
        app, "import", str(renamed_edition(tmp_path)), "--taxonomy", "gov", "--new-version"
    )
    assert result.exit_code == 0, result.output
    tree = browsing.tree(SYSTEM, "gov", 3)[1]
    assert tree["dental-care"].active and not tree["dental"].active


def test_findings_are_grouped_and_all_of_them_written_on_request(app, tmp_path):
    from tests.web.taxonomy_files import VERSION_1, csv_bytes
    from workshop.taxonomy import build, make_concept

    many = build(
        [
            *VERSION_1.concepts.values(),
            *(make_concept(f"en-{n}", {"en": f"S {n}"}, position=9 + n) for n in range(30)),
        ]
    )
    path, report = tmp_path / "many.csv", tmp_path / "findings.csv"
    path.write_bytes(csv_bytes(many))
    result = run(app, "import", str(path), "--taxonomy", "many", "--findings", str(report))
    assert result.exit_code == 0, result.output
    assert "warning missing_language: 30" in result.stderr and "and 25 more" in result.stderr
    assert len(report.read_text(encoding="utf-8-sig").splitlines()) == 31


def test_linked_tables_and_level_columns_import_in_one_command(app, tmp_path):
    from tests.unit.taxonomy.test_tables import AGENCIES, LEVELS, MINISTRIES, SERVICES

    paths = []
    for name, data in (("ministries", MINISTRIES), ("agencies", AGENCIES), ("services", SERVICES)):
        path = tmp_path / f"{name}.csv"
        path.write_bytes(data)
        paths.append(str(path))
    result = run(app, "import", *paths, "--taxonomy", "catalogue")
    assert result.exit_code == 0, result.output
    assert "ids_prefixed" in result.stderr
    tree = browsing.tree(SYSTEM, "catalogue", 1)[1]
    assert tree["services/2"].parent == "agencies/2"
    levels = tmp_path / "levels.csv"
    levels.write_bytes(LEVELS)
    args = ["import", str(levels), "--taxonomy", "levels", "--levels", "Sector,Division,Service"]
    assert run(app, *args).exit_code == 0
    assert browsing.tree(SYSTEM, "levels", 1)[1].active_count() == 8


@pytest.mark.engine_independent  # a fresh SQLite file, whatever engine the run tests
def test_an_instance_without_a_database_says_to_run_init_db(tmp_path):
    from tests.conftest import app_config
    from workshop import create_app

    app = create_app(app_config(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path / "instance"))
    result = app.test_cli_runner().invoke(args=["taxonomy", "list"])
    assert result.exit_code == 1 and "workshop init-db" in result.stderr


def test_the_readme_examples_import(app):
    from pathlib import Path

    examples = Path(__file__).resolve().parents[2] / "examples"
    new_svc = ["import", "services-v1.csv", "--taxonomy", "svc", "--name-ar", "خ", "--name-en", "S"]
    next_svc = ["import", "services-v2.csv", "--taxonomy", "svc", "--new-version"]
    tables = ["catalogue/1-ministries.csv", "catalogue/2-agencies.csv", "catalogue/3-services.csv"]
    commands = [
        new_svc,
        [*next_svc, "--crosswalk", "crosswalk-v1-v2.csv"],
        ["import", *tables, "--taxonomy", "catalogue"],
        ["import", "levels.csv", "--taxonomy", "levels", "--levels", "Sector,Division,Service"],
    ]
    for command in commands:
        args = [str(examples / a) if a.endswith(".csv") else a for a in command]
        result = run(app, *args)
        assert result.exit_code == 0, (command, result.output)
    tree = browsing.tree(SYSTEM, "svc", 2)[1]
    assert tree["birth-certificates"].replaced_by == "civil-records"
    assert tree["civil-id"].details.notations == ("PD-01",)


def test_control_characters_in_labels_do_not_reach_the_terminal(app, tmp_path):
    first, second = tmp_path / "1.csv", tmp_path / "2.csv"
    first.write_text("id,label_ar,label_en\nx,\u0633,Red\n", encoding="utf-8")
    second.write_text("id,label_ar,label_en\nx,\u0633,\x1b[31mRed\u202e\n", encoding="utf-8")
    assert run(app, "import", str(first), "--taxonomy", "escape").exit_code == 0
    assert run(app, "import", str(second), "--taxonomy", "escape", "--new-version").exit_code == 0
    shown = run(app, "diff", "escape", "1", "2")
    assert shown.exit_code == 0 and "relabel" in shown.output
    assert "\x1b" not in shown.output and "\u202e" not in shown.output
    assert "?[31mRed?" in shown.output


def test_a_mass_retirement_needs_the_flag(app, tmp_path):
    from tests.web.taxonomy_files import csv_bytes
    from workshop.taxonomy import build, make_concept

    many = build(make_concept(f"s{n}", {"ar": f"خدمة {n}"}, position=n) for n in range(60))
    first, cut = tmp_path / "1.csv", tmp_path / "cut.csv"
    first.write_bytes(csv_bytes(many))
    cut.write_bytes(b"id,label_ar\ns1,x\n")  # a header and one row: 59 would go
    assert run(app, "import", str(first), "--taxonomy", "many").exit_code == 0
    refused = run(app, "import", str(cut), "--taxonomy", "many", "--new-version")
    assert refused.exit_code == 1 and "59 of the 60" in refused.stderr
    args = ["import", str(cut), "--taxonomy", "many", "--new-version", "--allow-mass-retire"]
    assert run(app, *args).exit_code == 0
