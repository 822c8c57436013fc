"""Storing versions as intervals: publish, read, diff, history, immutability, atomicity."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from tests.web.taxonomy_files import (
    EDITION,
    VERSION_1,
    VERSION_2,
    create_taxonomy,
    csv_bytes,
    publish_version,
)
from workshop.models import ConceptRevision, Taxonomy, Version, db
from workshop.services import browsing, differences, taxonomies, versions
from workshop.services.errors import InvalidFile, NotFound, PermissionDenied, ServiceError
from workshop.services.permissions import SYSTEM
from workshop.storage import revisions as store


def publish_two(actor=SYSTEM):
    first = create_taxonomy(actor, "gov", "الخدمات", "Services", csv_bytes(), "v1.csv")
    second = publish_version(actor, "gov", csv_bytes(VERSION_2), "v2.csv", note="workshop 1")
    return first.version, second.version


def rows() -> int:
    return db.session.scalar(select(func.count()).select_from(ConceptRevision))


def test_version_1_stores_one_row_per_concept_and_reads_back_equal(app):
    version = create_taxonomy(SYSTEM, "gov", "الخدمات", "Services", csv_bytes(), "v1.csv").version
    assert version.number == 1 and version.concept_count == 8 and rows() == 8
    _at, tree = browsing.tree(SYSTEM, "gov", 1)
    assert tree == VERSION_1


def test_the_next_version_stores_only_what_changed(app):
    _first, second = publish_two()
    assert second.number == 2 and second.parent_number == 1 and second.note == "workshop 1"
    assert (second.added, second.relabelled, second.moved, second.retired) == (1, 1, 1, 1)
    # clinics, schools, insurance, dental, and housing/health siblings renumbered: few rows
    assert second.rows_written <= 6 and rows() == 8 + second.rows_written
    assert browsing.tree(SYSTEM, "gov", 1)[1] == VERSION_1
    assert browsing.tree(SYSTEM, "gov", 2)[1] == VERSION_2
    assert browsing.tree(SYSTEM, "gov", "latest")[1] == VERSION_2


def test_reading_a_version_is_one_query(app):
    publish_two()
    store.trees.clear()
    statements = []
    from sqlalchemy import event

    def count(*_args):
        statements.append(1)

    taxonomy = db.session.scalar(select(Taxonomy))
    version = db.session.scalar(select(Version).where(Version.number == 1))
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        store.read_tree(taxonomy, version)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1


@pytest.mark.parametrize("order", [(1, 2), (2, 1)])
def test_two_versions_read_together_equal_each_read_alone_and_share_their_concepts(app, order):
    publish_two()
    taxonomy = db.session.scalar(select(Taxonomy))
    old, new = (db.session.scalar(select(Version).where(Version.number == n)) for n in order)
    store.trees.clear()
    statements = []
    from sqlalchemy import event

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        before, after = store.read_pair(taxonomy, old, new)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1
    trees = {1: VERSION_1, 2: VERSION_2}
    assert (before, after) == (trees[order[0]], trees[order[1]])
    # The rows both versions show are one concept object each, which diff passes over.
    shared = [c for c, concept in before.concepts.items() if after.get(c) is concept]
    assert {"hospitals", "public-schools"} <= set(shared)  # rows version 2 did not rewrite
    assert store.read_tree(taxonomy, old) is before  # both kept
    store.trees.clear()
    assert (store.read_tree(taxonomy, old), store.read_tree(taxonomy, new)) == (before, after)
    assert store.read_pair(taxonomy, old, new) == (before, after)  # from the kept trees


@pytest.mark.parametrize("kept", [1, 2])
def test_a_version_read_beside_a_kept_one_shares_its_unchanged_concepts(app, kept):
    """When one of the two is kept already (the latest, after anyone browsed it), the other
    is read alone, and its concepts that are the same revision at the same place are the
    kept tree's objects: the diff passes over them as over a pair read together."""
    publish_two()
    taxonomy = db.session.scalar(select(Taxonomy))
    old, new = (db.session.scalar(select(Version).where(Version.number == n)) for n in (1, 2))
    store.trees.clear()
    kept_tree = store.read_tree(taxonomy, old if kept == 1 else new)
    before, after = store.read_pair(taxonomy, old, new)
    assert (before, after) == (VERSION_1, VERSION_2)
    assert (before if kept == 1 else after) is kept_tree
    shared = {c for c, concept in before.concepts.items() if after.get(c) is concept}
    assert {"hospitals", "public-schools"} <= shared
    assert not shared & {"dental", "clinics", "schools", "insurance"}  # what version 2 changed
    assert differences.difference(SYSTEM, "gov", 1, 2).counts == {
        "add": 1,
        "relabel": 1,
        "move": 1,
        "retire": 1,
    }


def test_diff_between_versions(app):
    publish_two()
    difference = differences.difference(SYSTEM, "gov", 1, 2)
    assert dict(difference.counts) == {"add": 1, "relabel": 1, "move": 1, "retire": 1}
    assert {c.id for c in difference.changes} == {"dental", "clinics", "schools", "insurance"}


def test_the_history_of_a_concept(app):
    publish_two()
    view = browsing.concept(SYSTEM, "gov", 2, "clinics")
    assert [(r.row.valid_from, r.last_version) for r in view.history] == [(1, 1), (2, None)]
    assert view.history[0].row.label_en == "Clinics"
    assert [r.concept_id for r in view.path] == ["health"]
    retired = browsing.concept(SYSTEM, "gov", 2, "insurance")
    assert retired.row.status == "retired" and retired.replaced_by.concept_id == "hospitals"


def test_children_and_search_at_a_version(app):
    publish_two()
    roots = browsing.children(SYSTEM, "gov", 1, None).nodes
    assert [(n.id, n.child_count) for n in roots] == [
        ("health", 3),
        ("education", 1),
        ("housing", 0),
    ]
    _at, found = browsing.search(SYSTEM, "gov", 2, "المدارس الحكو")
    assert [(m.node.concept_id, [p.concept_id for p in m.path]) for m in found.matches] == [
        ("public-schools", ["housing", "schools"])
    ]
    _at, found = browsing.search(SYSTEM, "gov", 1, "  CLINICS ")
    assert [m.node.concept_id for m in found.matches] == ["clinics"]


def test_a_published_version_is_never_updated(app):
    first, _second = publish_two()
    with pytest.raises((IntegrityError, DBAPIError), match="immutable"):
        db.session.execute(update(Version).where(Version.id == first.id).values(note="edited"))
    db.session.rollback()
    with pytest.raises((IntegrityError, DBAPIError), match="immutable"):
        db.session.execute(
            update(ConceptRevision)
            .where(ConceptRevision.valid_to.is_not(None))
            .values(valid_to=None)
        )
    db.session.rollback()
    with pytest.raises((IntegrityError, DBAPIError), match="immutable"):
        db.session.execute(text("UPDATE concept_revision SET label_en = 'x'"))
    db.session.rollback()


def test_publishing_the_same_file_again_is_refused(app):
    publish_two()
    with pytest.raises(ServiceError, match="same as version 2"):
        publish_version(SYSTEM, "gov", csv_bytes(VERSION_2), "again.csv")


def test_an_error_in_the_middle_of_publishing_leaves_no_version(app, monkeypatch):
    publish_two()
    before = rows()

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    from workshop.storage import writing

    monkeypatch.setattr(writing, "content_hash", broken)  # fails after the rows are written
    changed = VERSION_2.concepts["dental"]
    from dataclasses import replace

    from workshop.taxonomy.build import build

    third = build(
        [
            *(c for c in VERSION_2.concepts.values() if c.id != "dental"),
            replace(changed, labels={"ar": "الأسنان", "en": "Teeth"}),
        ]
    )
    with pytest.raises(RuntimeError):
        publish_version(SYSTEM, "gov", csv_bytes(third), "v3.csv")
    assert rows() == before
    assert db.session.scalar(select(func.max(Version.number))) == 2
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(ConceptRevision)
            .where(ConceptRevision.valid_to.is_(None))
        )
        == 9
    )


def test_a_bad_file_is_rejected_and_nothing_is_written(app):
    with pytest.raises(InvalidFile) as error:
        create_taxonomy(SYSTEM, "gov", "أ", "A", b"id,parent,label_ar\na,b,x\nb,a,y\n", "bad.csv")
    assert {f.rule for f in error.value.problems} == {"cycle"}
    assert db.session.scalar(select(func.count()).select_from(Taxonomy)) == 0


@pytest.mark.parametrize(("slug", "problem"), [("A B", "short name"), ("gov", "taken")])
def test_slugs_are_checked(app, slug, problem):
    create_taxonomy(SYSTEM, "gov", "أ", "A", csv_bytes(), "v1.csv")
    with pytest.raises(ServiceError, match=problem):
        create_taxonomy(SYSTEM, slug, "أ", "A", csv_bytes(), "v1.csv")


def test_unknown_taxonomy_version_and_concept_are_not_found(app):
    publish_two()
    for call in (
        lambda: browsing.tree(SYSTEM, "nope", 1),
        lambda: browsing.tree(SYSTEM, "gov", 9),
        lambda: browsing.tree(SYSTEM, "gov", "x"),
        lambda: browsing.concept(SYSTEM, "gov", 1, "dental"),
    ):
        with pytest.raises(NotFound):
            call()


def test_only_coordinators_publish(app, people):
    with pytest.raises(PermissionDenied):
        create_taxonomy(people["representative"], "gov", "أ", "A", csv_bytes(), "v1.csv")
    version = create_taxonomy(people["coordinator"], "gov", "أ", "A", csv_bytes(), "v1.csv").version
    assert version.published_by_id == people["coordinator"].id


def test_a_file_without_our_ids_is_paired_by_label_and_path(app):
    create_taxonomy(SYSTEM, "gov", "أ", "A", csv_bytes(), "v1.csv")
    relabelled = (
        "label_ar,label_en,parent\n"
        "الصحة,Health,\nالمستشفيات,Hospitals,الصحة\nالعيادات,Clinics,الصحة\n"
        "التأمين الصحي,Health insurance,الصحة\nالتعليم,Education,\nالمدارس,Schools,التعليم\n"
        "المدارس الحكومية,Public schools,المدارس\nالإسكان,Housing,\n"
        "الإسكان الاجتماعي,Social housing,الإسكان\n"
    ).encode()
    version = publish_version(SYSTEM, "gov", relabelled, "no-ids.csv").version
    # one concept added; insurance keeps its id, and loses its notes (the file has none)
    assert (version.added, version.relabelled, version.retired) == (1, 1, 0)
    _at, tree = browsing.tree(SYSTEM, "gov", 2)
    assert tree["clinics"].parent == "health"
    assert tree.children_of("housing") == ("social-housing",)
    assert "health-insurance" not in tree and tree["insurance"].notes == {}


def test_publishing_changes_applies_them_to_the_latest_version(app):
    from workshop.services import proposals
    from workshop.taxonomy import changes as ch

    publish_two()
    taxonomy = taxonomies.get_taxonomy("gov")
    merged = [proposals.create(SYSTEM, "gov", f"p{n}", "r").id for n in (1, 2)][::-1]
    version = versions.publish_changes(
        SYSTEM,
        taxonomy,
        [
            ch.relabel("dental", {"en": "Teeth"}),
            ch.add("eyes", "health", 0, {"ar": "العيون", "en": "Eyes"}),
        ],
        versions.Provenance(note="merged", proposals=merged),
    )
    assert (version.number, version.added, version.relabelled, version.proposal_ids) == (
        3,
        1,
        1,
        merged,
    )
    tree = browsing.tree(SYSTEM, "gov", 3)[1]
    assert tree["dental"].labels["en"] == "Teeth" and tree.children_of("health")[0] == "eyes"


def test_publishing_changes_with_a_conflict_publishes_nothing(app):
    from workshop.taxonomy import changes as ch

    publish_two()
    taxonomy = taxonomies.get_taxonomy("gov")
    before = rows()
    with pytest.raises(ServiceError, match="ghost"):
        versions.publish_changes(
            SYSTEM,
            taxonomy,
            [ch.relabel("dental", {"en": "Teeth"}), ch.relabel("ghost", {"en": "Boo"})],
            versions.Provenance(),
        )
    assert rows() == before
    assert db.session.scalar(select(func.max(Version.number))) == 2


def test_equal_content_from_the_same_version_gives_the_same_hash(app):
    first, second = publish_two()
    twin_1 = create_taxonomy(SYSTEM, "twin", "أ", "A", csv_bytes(), "twin-1.csv").version
    twin_2 = publish_version(SYSTEM, "twin", csv_bytes(VERSION_2), "twin-2.csv").version
    assert (twin_1.content_hash, twin_2.content_hash) == (first.content_hash, second.content_hash)
    assert first.content_hash != second.content_hash
    assert len(second.content_hash) == 64


def test_an_insert_among_many_siblings_writes_one_row(app):
    from workshop.taxonomy import Move, build, make_concept
    from workshop.taxonomy import changes as ch
    from workshop.taxonomy.formats import csv_format

    flat = build(
        [
            make_concept("all", {"ar": "الكل", "en": "All"}),
            *(
                make_concept(f"s{i}", {"ar": f"خدمة {i}", "en": f"Service {i}"}, None, "all", i)
                for i in range(500)
            ),
        ]
    )
    create_taxonomy(SYSTEM, "flat", "أ", "A", csv_format.write(flat), "flat.csv")
    taxonomy = taxonomies.get_taxonomy("flat")
    front = ch.add("front", "all", 0, {"ar": "أول", "en": "First"})
    added = versions.publish_changes(SYSTEM, taxonomy, [front], versions.Provenance())
    moved = versions.publish_changes(
        SYSTEM, taxonomy, [Move("s250", "all", 3)], versions.Provenance()
    )
    assert (added.rows_written, moved.rows_written) == (1, 1)
    store.trees.clear()  # read back from the rows, not from the tree kept at publishing
    tree = browsing.tree(SYSTEM, "flat", 3)[1]
    assert tree.children_of("all")[:5] == ("front", "s0", "s1", "s250", "s2")
    assert [tree[c].position for c in tree.children_of("all")] == list(range(501))
    nodes = browsing.children(SYSTEM, "flat", 3, "all").nodes
    assert [n.id for n in nodes[:5]] == ["front", "s0", "s1", "s250", "s2"]
    assert browsing.tree(SYSTEM, "flat", 1)[1] == flat


def test_the_order_key_of_a_published_row_cannot_change(app):
    publish_two()
    with pytest.raises((IntegrityError, DBAPIError), match="immutable"):
        db.session.execute(text("UPDATE concept_revision SET order_key = order_key + 1"))
    db.session.rollback()


def test_search_goes_through_a_trigram_index(app):
    publish_two()
    if db.engine.dialect.name == "sqlite":
        found = db.session.execute(
            text("SELECT count(*) FROM concept_search WHERE search_text LIKE '%clinic%'")
        ).scalar()
        plan = " ".join(
            str(row[-1])
            for row in db.session.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT rowid FROM concept_search WHERE search_text LIKE :p"
                ),
                {"p": "%clinic%"},
            )
        )
        assert found >= 1 and "VIRTUAL TABLE INDEX" in plan
    else:
        indexes = db.session.execute(
            text("SELECT indexname FROM pg_indexes WHERE tablename = 'concept_revision'")
        ).scalars()
        assert "ix_concept_revision_search_trgm" in set(indexes)
    _at, found = browsing.search(SYSTEM, "gov", 1, "clinic")
    assert [m.node.concept_id for m in found.matches] == ["clinics"]


def test_arabic_search_finds_everyday_spellings_codes_synonyms_and_notes(app):
    from workshop.taxonomy import build, make_concept, make_details
    from workshop.taxonomy.formats import csv_format

    tree = build(
        [
            make_concept(
                "family",
                {"ar": "الأسرة", "en": "Family"},
                {"ar": "تشمل رعاية الطفولة"},
                details=make_details(notations=["FAM-07"], alt_labels={"en": ["Household"]}),
            ),
            *(make_concept(f"s{n}", {"ar": f"خدمة {n}"}, position=n + 1) for n in range(60)),
        ]
    )
    create_taxonomy(SYSTEM, "fam", "أ", "A", csv_format.write(tree), "f.csv")
    for query in ("اسرة", "الاسره", "أسرة", "fam-07", "household", "الطفوله"):
        _at, found = browsing.search(SYSTEM, "fam", 1, query)
        assert [m.node.concept_id for m in found.matches] == ["family"], query
    _at, many = browsing.search(SYSTEM, "fam", 1, "خدمة")
    assert (len(many.matches), many.total) == (50, 60)
    _at, short = browsing.search(SYSTEM, "fam", 1, "خ")
    assert short.too_short and not short.matches


def test_the_upgrade_folds_the_search_texts_of_published_rows(app):
    from flask_migrate import downgrade, upgrade

    publish_two()
    downgrade(revision="0006")
    sqlite = db.engine.dialect.name == "sqlite"
    if sqlite:  # write a row's search text as 0006 did, around its guard
        db.session.execute(text("DROP TRIGGER concept_revision_immutable"))
    else:
        db.session.execute(text("ALTER TABLE concept_revision DISABLE TRIGGER USER"))
    as_before = "UPDATE concept_revision SET search_text = 'التأمين الصحي' WHERE id = :id"
    row = db.session.scalar(
        select(ConceptRevision.id).where(ConceptRevision.concept_id == "insurance")
    )
    db.session.execute(text(as_before), {"id": row})
    if not sqlite:
        db.session.execute(text("ALTER TABLE concept_revision ENABLE TRIGGER USER"))
    db.session.commit()
    upgrade()
    _at, found = browsing.search(SYSTEM, "gov", 1, "تامين")
    assert [m.node.concept_id for m in found.matches] == ["insurance"]
    with pytest.raises((IntegrityError, DBAPIError), match="immutable"):
        db.session.execute(text('UPDATE concept_revision SET details = \'{"iri": "x"}\''))
    db.session.rollback()


def test_a_large_import_refreshes_the_planner_statistics(app, monkeypatch):
    from workshop.storage import writing

    refreshed = []
    original = writing.refresh_statistics
    monkeypatch.setattr(versions, "ANALYZE_AFTER_ROWS", 5)
    monkeypatch.setattr(writing, "refresh_statistics", lambda: refreshed.append(original()))
    publish_two()  # 8 rows, then 4: only the first is "large" here
    assert len(refreshed) == 1


def test_the_loser_of_two_publishes_is_told_who_won(app, monkeypatch):
    first, _second = publish_two()
    before = rows()
    # This publisher read the latest version before version 2 was committed.
    monkeypatch.setattr(versions.revisions, "latest", lambda taxonomy: first)
    with pytest.raises(ServiceError, match="version 2 a moment ago"):
        publish_version(SYSTEM, "gov", csv_bytes(EDITION), "stale.csv", note="late")
    db.session.rollback()
    monkeypatch.undo()
    assert rows() == before
    assert db.session.scalar(select(func.max(Version.number))) == 2


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_version_made_beside_another_equals_it_read_alone(app, monkeypatch, data):
    """read_pair makes the second tree from the first and the rows only one of them has
    (storage/pairs.py): on random histories of three versions, each pair so made equals
    each version read alone, to the positions of its concepts."""
    from uuid import uuid4

    from tests.unit.taxonomy.trees import change_lists, trees
    from workshop.taxonomy import apply
    from workshop.taxonomy.formats import json_format

    first = data.draw(trees(max_size=25))
    second = apply(first, data.draw(change_lists(first))).tree
    third = apply(second, data.draw(change_lists(second))).tree
    slug = f"h{uuid4().hex[:10]}"
    meta = ({"slug": slug, "name": {"ar": "س", "en": "S"}}, {"number": 1})
    made = create_taxonomy(SYSTEM, slug, "س", "S", json_format.export_bytes(first, *meta), "a.json")
    taxonomy = made.version.taxonomy
    for tree in (second, third):
        provenance = versions.Provenance("hypothesis")
        try:  # (a file the same as the last version, or one the importer refuses, is not)
            versions.publish_tree(SYSTEM, taxonomy, tree, provenance, allow_mass_retire=True)
        except ServiceError:
            db.session.rollback()
    numbers = db.session.scalars(
        select(Version).where(Version.taxonomy_id == taxonomy.id).order_by(Version.number)
    ).all()
    whole: list[int] = []
    tree_of = store._tree_of
    monkeypatch.setattr(store, "_tree_of", lambda *a: whole.append(1) or tree_of(*a))
    for a, b in ((0, 1), (1, 0), (0, 2), (2, 1)):
        if b >= len(numbers) or a >= len(numbers):
            continue  # a publish that changed nothing made no version
        old, new = numbers[a], numbers[b]
        store.trees.clear()
        whole.clear()
        before, after = store.read_pair(taxonomy, old, new)
        assert whole == [1]  # the second made beside the first
        store.trees.clear()
        alone_old, alone_new = store.read_tree(taxonomy, old), store.read_tree(taxonomy, new)
        assert (before, after) == (alone_old, alone_new)


def test_rows_that_make_no_tree_are_left_to_the_whole_build():
    """pairs.tree_beside gives None (and read_pair builds the tree whole, where the fault
    is named) for a parent that is gone, a loop, or an id twice."""
    from workshop.storage import pairs

    def row(concept_id, parent, key, valid_from, valid_to=None):
        labels = f'{{"en": "{concept_id}"}}'
        stored = (concept_id, labels, "{}", parent, key, "active", None, "[]", "{}", "{}")
        return (*stored, valid_from, valid_to)

    base = [row("a", None, 1, 1), row("b", "a", 1, 1, 2), row("c", "a", 2, 1, 2)]
    first = store._tree_of(base, 1)

    def beside(more):
        return pairs.tree_beside(base + more, first, 1, 2, lambda r: store.concept_of(r[:-2], 0))

    moved = beside([row("b", None, 0, 2), row("c", "b", 1, 2)])
    assert moved is not None and moved.roots == ("b", "a") and moved.children_of("b") == ("c",)
    assert beside([row("b", "gone", 1, 2), row("c", "a", 2, 2)]) is None  # no such parent
    assert beside([row("b", "c", 1, 2), row("c", "b", 1, 2)]) is None  # a loop
    assert beside([row("b", "a", 1, 2), row("b", "a", 3, 2), row("c", "a", 2, 2)]) is None
