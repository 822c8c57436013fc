"""A version's diff from its parent is kept when it is published (storage/diffs.py): it
equals the diff of the two versions read back, and the diff page shows the same from it."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select, text

from tests.web.taxonomy_files import EDITION, create_taxonomy, csv_bytes, publish_version
from workshop.models import Version, VersionDiff, db
from workshop.services import browsing, differences, versions
from workshop.services.errors import ServiceError
from workshop.services.permissions import SYSTEM
from workshop.storage import diffs
from workshop.storage import revisions as store
from workshop.taxonomy import diff, seen_in_order


def kept_count() -> int:
    return db.session.scalar(select(func.count()).select_from(VersionDiff))


def delete_kept_diffs() -> None:
    """As an operator would (the history guards refuse it otherwise): under maintenance."""
    db.session.execute(text("INSERT INTO history_maintenance (reason) VALUES ('tests')"))
    db.session.execute(delete(VersionDiff))
    db.session.execute(text("DELETE FROM history_maintenance"))
    db.session.commit()


def forget_everything() -> None:
    store.trees.clear()
    differences.differences.clear()
    browsing.fragments.clear()


def table(page: bytes) -> bytes:
    start = page.index(b'<div id="diff-table">')
    return page[start : page.index(b"</main>", start)]


def whole_versions_unread(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object) -> None:
        raise AssertionError("a whole version was read")

    monkeypatch.setattr(store, "read_pair", refuse)
    monkeypatch.setattr(store, "read_tree", refuse)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_the_kept_diff_equals_the_diff_of_the_versions_read_back(app, data):
    """Random histories: a file, then a file or a list of changes, twice. For each version
    after the first, the kept changes are the engine's diff of the two versions as stored,
    and every concept they show is as those versions have it (parents and replacements)."""
    from uuid import uuid4

    from tests.unit.taxonomy.trees import change_lists, trees
    from workshop.taxonomy import apply
    from workshop.taxonomy.formats import json_format

    first = data.draw(trees(max_size=25))
    slug = f"k{uuid4().hex[:10]}"
    meta = ({"slug": slug, "name": {"ar": "س", "en": "S"}}, {"number": 1})
    made = create_taxonomy(SYSTEM, slug, "س", "S", json_format.export_bytes(first, *meta), "a.json")
    taxonomy = made.version.taxonomy
    latest = first
    for step in range(2):
        changes = data.draw(change_lists(latest))
        provenance = versions.Provenance(f"step {step}")
        try:  # (nothing to publish, or a change list that does not apply, makes no version)
            if data.draw(st.booleans(), label="as a file"):
                tree = apply(latest, changes).tree
                versions.publish_tree(SYSTEM, taxonomy, tree, provenance, allow_mass_retire=True)
            else:
                versions.publish_changes(
                    SYSTEM, taxonomy, seen_in_order(changes, latest), provenance
                )
        except ServiceError:
            db.session.rollback()
        latest = store.latest_tree(taxonomy)
    published = db.session.scalars(
        select(Version).where(Version.taxonomy_id == taxonomy.id).order_by(Version.number)
    ).all()
    assert kept_count() >= len(published) - 1
    for old, new in pairwise(published):
        found = diffs.kept(new)
        assert found is not None
        changes, before, after = found
        store.trees.clear()
        old_tree, new_tree = store.read_tree(taxonomy, old), store.read_tree(taxonomy, new)
        assert changes == diff(old_tree, new_tree)
        for change in changes:
            for excerpt, tree in ((before, old_tree), (after, new_tree)):
                concept = tree.get(change.id)
                assert excerpt.get(change.id) == concept
                if concept is not None and concept.parent is not None:
                    assert excerpt[concept.parent] == tree[concept.parent]
            replaced_by = new_tree.get(change.id) and new_tree[change.id].replaced_by
            if replaced_by is not None and replaced_by in new_tree:
                assert after[replaced_by] == new_tree[replaced_by]
    delete_kept_diffs()


@pytest.fixture
def reader(client, published, sign_in):
    publish_version(SYSTEM, "gov", csv_bytes(EDITION), "v3.csv", note="edition")
    sign_in("observer")
    return client


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_diff_page_from_a_kept_diff_is_the_page_from_the_versions(
    reader, monkeypatch, language
):
    reader.set_cookie("lang", language)
    assert kept_count() == 2  # versions 2 and 3
    forget_everything()
    with monkeypatch.context() as patched:
        whole_versions_unread(patched)
        kept_pages = [reader.get(f"/taxonomies/gov/diff?a={n}&b={n + 1}") for n in (1, 2)]
    delete_kept_diffs()
    forget_everything()
    read_pages = [reader.get(f"/taxonomies/gov/diff?a={n}&b={n + 1}") for n in (1, 2)]
    for kept, read in zip(kept_pages, read_pages, strict=True):
        assert kept.status_code == read.status_code == 200
        # The table of changes; the rest of the page holds a CSRF token signed each second.
        assert table(kept.data) == table(read.data)
    retired = {"ar": "التأمين الصحي", "en": "Health insurance"}[language]
    assert retired.encode() in kept_pages[0].data  # the retired concept, by its label


def test_the_api_and_the_command_line_give_the_kept_diff(reader, app, monkeypatch):
    from workshop.cli_taxonomy import taxonomy as group

    forget_everything()
    whole_versions_unread(monkeypatch)
    answer = app.test_cli_runner().invoke(group, ["diff", "gov", "1", "2"])
    assert answer.exit_code == 0, answer.output
    assert "retire   insurance\tHealth insurance" in answer.output
    assert differences.difference(SYSTEM, "gov", 2, 3).counts["add"] == 1  # dental-care


def test_versions_further_apart_are_read_and_diffed(reader, monkeypatch):
    forget_everything()
    read = []
    read_pair = store.read_pair
    monkeypatch.setattr(store, "read_pair", lambda *a: read.append(1) or read_pair(*a))
    page = reader.get("/taxonomies/gov/diff?a=1&b=3")
    assert page.status_code == 200 and read == [1]
    assert b"dental-care" in page.data


def test_a_diff_of_too_many_changes_is_not_kept_and_is_computed_when_asked(
    client, sign_in, app, monkeypatch
):
    from tests.conftest import publish_gov

    monkeypatch.setattr(diffs, "MOST_CHANGES", 3)  # version 2 has 4
    publish_gov()
    assert kept_count() == 0
    sign_in("observer")
    forget_everything()
    page = client.get("/taxonomies/gov/diff?a=1&b=2")
    assert page.status_code == 200 and "المراكز الصحية".encode() in page.data


def test_a_document_of_another_format_is_not_read(published, monkeypatch):
    assert kept_count() == 1
    version = db.session.scalar(select(Version).where(Version.number == 2))
    assert diffs.kept(version) is not None
    monkeypatch.setattr(diffs, "FORMAT", diffs.FORMAT + 1)
    assert diffs.kept(version) is None
    forget_everything()
    assert differences.difference(SYSTEM, "gov", 1, 2).counts["retire"] == 1


def test_a_diff_that_fails_at_publishing_leaves_the_publication_and_no_document(app, monkeypatch):
    """Keeping the diff must never cost a publication: if the engine's diff refused the two
    trees, the version is published without a document (the page then says what stops it)."""
    from workshop.taxonomy import DiffError

    calls = []
    real_diff = versions.diff

    def refusing(before, after):
        calls.append(1)
        if len(calls) == 3:  # (1: version 1's file, 2: version 2's file, 3: keeping its diff)
            raise DiffError("x is replaced by y, which is not an active concept")
        return real_diff(before, after)

    monkeypatch.setattr(versions, "diff", refusing)
    from tests.conftest import publish_gov

    publish_gov()
    assert len(calls) == 3
    assert db.session.scalar(select(func.max(Version.number))) == 2
    assert kept_count() == 0
