"""The audit chain in the database: every committed entry is chained, a publication
cites the head, and `workshop audit verify` names the first entry edited, deleted or
inserted behind the application's back."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from workshop.models import AuditEntry, Version, db
from workshop.services import accounts
from workshop.services.audit import check_chain
from workshop.services.errors import ServiceError


def verify(app):
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    return result.exit_code, result.output


def test_every_entry_is_chained_and_a_version_cites_its_own(app, people, published):
    verdict = check_chain()
    assert verdict.ok and verdict.entries == db.session.query(AuditEntry).count()
    latest = db.session.scalars(select(Version).order_by(Version.id.desc())).first()
    own = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "taxonomy.published")
        .order_by(AuditEntry.seq.desc())
    ).first()
    assert latest.audit_head == own.entry_hash
    code, output = verify(app)
    assert code == 0 and f"head {verdict.head}" in output


def test_a_failed_use_case_leaves_the_chain_as_it_was(app, people, published):
    before = check_chain()
    with pytest.raises(ServiceError):
        accounts.set_active(people["coordinator"], people["coordinator"].id, False)
    db.session.rollback()
    accounts.reset_password(people["coordinator"], people["observer"].id)
    after = check_chain()
    assert after.ok and after.entries == before.entries + 1


def _middle(people) -> AuditEntry:
    for role in ("observer", "representative", "other_representative"):
        accounts.reset_password(people["coordinator"], people[role].id)
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert len(entries) >= 3
    return entries[len(entries) // 2]


def test_an_edited_entry_is_named(app, people, published):
    victim = _middle(people)
    db.session.execute(
        text("UPDATE audit_entry SET target = 'someone else' WHERE id = :id"), {"id": victim.id}
    )
    db.session.commit()
    code, output = verify(app)
    assert code == 1 and f"entry {victim.id} (number {victim.seq}" in output
    assert "changed after it was written" in output


def test_a_deleted_entry_is_found_at_the_next(app, people, published):
    victim = _middle(people)
    following = db.session.scalar(select(AuditEntry).where(AuditEntry.seq == victim.seq + 1))
    db.session.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": victim.id})
    db.session.commit()
    code, output = verify(app)
    assert code == 1 and f"entry {following.id} " in output and "deleted or changed" in output


def test_an_entry_inserted_behind_the_applications_back_is_named(app, people, published):
    db.session.execute(
        text(
            "INSERT INTO audit_entry (at, action, target, details, note) "
            "VALUES (CURRENT_TIMESTAMP, 'account.created', 'ghost', '{}', '')"
        )
    )
    db.session.commit()
    ghost = db.session.scalar(select(AuditEntry.id).where(AuditEntry.target == "ghost"))
    code, output = verify(app)
    assert code == 1 and f"entry {ghost} was added outside the application" in output
