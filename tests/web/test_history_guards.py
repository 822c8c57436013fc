"""Published history cannot be rewritten: every kind of statement against published versions
and their revisions, on SQLite and PostgreSQL (the `app` fixture runs on both)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from tests.web.taxonomy_files import VERSION_2, create_taxonomy, csv_bytes, publish_version
from workshop.models import ConceptRevision, Version, db
from workshop.services import browsing, proposals
from workshop.services.permissions import SYSTEM

REV = "concept_revision"
COLUMNS = (
    "taxonomy_id, concept_id, valid_from, valid_to, parent, order_key, status, replaced_by, "
    "label_ar, label_en, search_text, labels, notes, alt_labels, related, details"
)


def new_revision(valid_from: int, valid_to: str = "NULL") -> str:
    """A revision of a concept "x" of the taxonomy gov, as direct SQL."""
    values = f"'x', {valid_from}, {valid_to}, NULL, 1, 'active', NULL, 'س', 'x', 'x', " + ", ".join(
        ["'{}'"] * 5
    )
    return f"INSERT INTO {REV} ({COLUMNS}) SELECT id, {values} FROM taxonomy WHERE slug = 'gov'"


# (what it tries, the statement): each must be refused
REFUSED = [
    ("edit a version", "UPDATE taxonomy_version SET note = 'edited'"),
    ("delete the latest version", "DELETE FROM taxonomy_version WHERE number = 2"),
    ("delete the first version", "DELETE FROM taxonomy_version WHERE number = 1"),
    (
        "insert a version out of turn",
        "INSERT INTO taxonomy_version (taxonomy_id, number, published_at, note, source, "
        "concept_count, retired_count, added, relabelled, moved, retired, annotated, "
        "reinstated, rows_written, content_hash) SELECT taxonomy_id, 5, published_at, '', '', "
        "0, 0, 0, 0, 0, 0, 0, 0, 0, 'x' FROM taxonomy_version WHERE number = 2",
    ),
    ("reopen a closed revision", f"UPDATE {REV} SET valid_to = NULL WHERE valid_to IS NOT NULL"),
    ("re-date a closed revision", f"UPDATE {REV} SET valid_to = 1 WHERE valid_to = 2"),
    ("close a current revision early", f"UPDATE {REV} SET valid_to = 2 WHERE valid_to IS NULL"),
    (
        "close a current revision far ahead",
        f"UPDATE {REV} SET valid_to = 99 WHERE valid_to IS NULL",
    ),
    ("relabel a published revision", f"UPDATE {REV} SET label_en = 'x'"),
    ("move a published revision", f"UPDATE {REV} SET parent = NULL WHERE parent IS NOT NULL"),
    ("reorder a published revision", f"UPDATE {REV} SET order_key = order_key + 1"),
    ("edit the details of a revision", f'UPDATE {REV} SET details = \'{{"iri": "x"}}\''),
    ("delete a published revision", f"DELETE FROM {REV} WHERE valid_from = 1"),
    ("delete every revision", f"DELETE FROM {REV}"),
    (
        "insert a revision into version 1",
        new_revision(1, "NULL"),
    ),
    (
        "insert a revision into version 2",
        new_revision(2, "NULL"),
    ),
    (
        "insert an already closed revision",
        new_revision(3, "4"),
    ),
    ("edit the proposals of a version", "UPDATE version_proposal SET position = 7"),
    ("delete the proposals of a version", "DELETE FROM version_proposal"),
    ("edit a kept diff", "UPDATE version_diff SET document = '{}'"),
    ("delete a kept diff", "DELETE FROM version_diff"),
    (
        "keep a diff for an older version",
        "INSERT INTO version_diff (version_id, format, document) "
        "SELECT id, 1, '{}' FROM taxonomy_version WHERE number = 1",
    ),
]


@pytest.fixture
def history(app):
    create_taxonomy(SYSTEM, "gov", "الخدمات", "Services", csv_bytes(), "v1.csv")
    publish_version(SYSTEM, "gov", csv_bytes(VERSION_2), "v2.csv", note="workshop 1")
    version = db.session.scalar(select(Version.id).where(Version.number == 2))
    proposal = proposals.create(SYSTEM, "gov", "title", "rationale")
    db.session.execute(
        text("INSERT INTO version_proposal (version_id, proposal_id, position) VALUES (:v, :p, 0)"),
        {"v": version, "p": proposal.id},
    )
    db.session.commit()
    return snapshot()


def snapshot():
    return (
        db.session.execute(text("SELECT * FROM taxonomy_version ORDER BY id")).all(),
        db.session.execute(text(f"SELECT * FROM {REV} ORDER BY id")).all(),
        db.session.execute(text("SELECT * FROM version_proposal")).all(),
        db.session.execute(text("SELECT * FROM version_diff")).all(),
    )


@pytest.mark.parametrize(("attempt", "statement"), REFUSED, ids=[a for a, _s in REFUSED])
def test_a_statement_against_published_history_is_refused(history, attempt, statement):
    with pytest.raises(DBAPIError) as refused:
        db.session.execute(text(statement))
        db.session.flush()
    db.session.rollback()
    message = str(refused.value)
    assert "published" in message or "revisions are only added" in message, attempt
    assert snapshot() == history


def test_the_published_version_keeps_its_diff(history):
    """Publishing version 2 kept its diff (the guard lets the newest version's through)."""
    assert len(history[3]) == 1


def test_truncating_published_history_is_refused(history):
    """PostgreSQL's TRUNCATE bypasses row triggers, so a statement trigger refuses it;
    SQLite has no TRUNCATE at all (the statement is an error there too)."""
    refusal = "cannot be truncated" if db.engine.dialect.name == "postgresql" else "syntax error"
    for table in ("taxonomy_version", REV, "version_proposal", "version_diff"):
        with pytest.raises(DBAPIError, match=refusal):
            db.session.execute(text(f"TRUNCATE {table} CASCADE"))
        db.session.rollback()
    assert snapshot() == history


def test_a_stray_close_cannot_drop_a_concept_from_the_next_version(history):
    """Closing a current revision at the next number is the one update allowed (publishing
    does it); without the successor that publishing writes, the version is refused."""
    db.session.execute(text(f"UPDATE {REV} SET valid_to = 3 WHERE concept_id = 'dental'"))
    with pytest.raises(DBAPIError, match="successor"):
        db.session.execute(
            text(
                "INSERT INTO taxonomy_version (taxonomy_id, number, published_at, note, "
                "source, concept_count, retired_count, added, relabelled, moved, retired, "
                "annotated, reinstated, rows_written, content_hash) SELECT taxonomy_id, 3, "
                "published_at, '', '', 0, 0, 0, 0, 0, 0, 0, 0, 0, 'x' FROM taxonomy_version "
                "WHERE number = 2"
            )
        )
    db.session.rollback()
    assert snapshot() == history


def test_publishing_still_writes_the_next_version(history):
    third = browsing.tree(SYSTEM, "gov", 2)[1]
    from dataclasses import replace

    changed = [
        replace(c, labels={**c.labels, "en": c.labels.get("en", "") + "!"})
        for c in third.concepts.values()
    ]
    from workshop.taxonomy.build import build

    publish_version(SYSTEM, "gov", csv_bytes(build(changed)), "v3.csv")
    assert db.session.scalar(select(func.max(Version.number))) == 3
    assert db.session.scalar(select(func.count()).select_from(ConceptRevision)) > len(history[1])


def test_under_maintenance_an_operator_can_delete_history(history):
    db.session.execute(
        text("INSERT INTO history_maintenance (reason) VALUES ('a mistaken import')")
    )
    db.session.execute(text("DELETE FROM version_proposal"))
    db.session.execute(text(f"DELETE FROM {REV}"))
    db.session.execute(text("DELETE FROM taxonomy_version"))  # and the kept diff with it
    db.session.execute(text("DELETE FROM history_maintenance"))
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Version)) == 0
    assert db.session.scalar(text("SELECT COUNT(*) FROM version_diff")) == 0
    with pytest.raises(DBAPIError, match="only added"):  # and the guards are back
        db.session.execute(text(new_revision(2)))  # the taxonomy has no version 1 now
    db.session.rollback()
