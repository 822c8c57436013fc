"""One unit of work per use case: permission, work, audit, then commit or roll back all."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from workshop.models import Agency, AuditEntry, db
from workshop.services import audit
from workshop.services.errors import PermissionDenied, ServiceError
from workshop.services.permissions import SYSTEM, Permission, Role, ServiceActor
from workshop.services.unit_of_work import Unaudited, unit_of_work, use_case


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@use_case(Permission.MANAGE_ACCOUNTS)
def add_agency(actor, code: str, fail: bool = False) -> Agency:
    agency = Agency(code=code, name_ar="جهة", name_en="Agency")
    db.session.add(agency)
    db.session.flush()
    audit.record(actor, "agency.added", code)
    if fail:
        raise ServiceError("refused after writing")
    return agency


@use_case(Permission.MANAGE_ACCOUNTS)
def add_two(actor, fail_second: bool = False) -> None:
    add_agency(actor, "ONE")
    add_agency(actor, "TWO", fail=fail_second)


def test_a_use_case_commits_its_change_with_its_audit_entry(app):
    add_agency(SYSTEM, "NEW")
    db.session.rollback()  # a new transaction sees only what was committed
    assert count(Agency) == 1 and count(AuditEntry) == 1


def test_an_error_after_writing_rolls_back_the_change_and_its_audit_entry(app):
    with pytest.raises(ServiceError):
        add_agency(SYSTEM, "NEW", fail=True)
    assert count(Agency) == 0 and count(AuditEntry) == 0


def test_nested_use_cases_commit_once_or_not_at_all(app):
    with pytest.raises(ServiceError):
        add_two(SYSTEM, fail_second=True)
    assert count(Agency) == 0
    add_two(SYSTEM)
    db.session.rollback()
    assert count(Agency) == 2 and count(AuditEntry) == 2


def test_a_failed_inner_unit_cannot_be_committed_by_an_outer_one_that_catches(app):
    with unit_of_work():
        with pytest.raises(ServiceError):
            add_agency(SYSTEM, "INNER", fail=True)
        audit.record(SYSTEM, "after.the.failure")
    assert count(Agency) == 0


def test_the_permission_is_checked_before_any_work(app):
    observer = ServiceActor("watcher", Role.OBSERVER)
    with pytest.raises(PermissionDenied):
        add_agency(observer, "NEW")
    assert count(Agency) == 0 and count(AuditEntry) == 0


def test_a_use_case_that_writes_without_an_audit_entry_is_refused(app):
    @use_case(Permission.MANAGE_ACCOUNTS)
    def silent(actor) -> None:
        db.session.add(Agency(code="QUIET", name_ar="جهة", name_en="Agency"))

    with pytest.raises(Unaudited):
        silent(SYSTEM)
    assert count(Agency) == 0


def test_a_read_only_use_case_needs_no_audit_entry(app):
    @use_case(Permission.VIEW_AGENCIES)
    def read(actor) -> int:
        return count(Agency)

    assert read(SYSTEM) == 0


def test_a_locked_database_is_a_clear_busy_answer_and_token_reads_go_on(
    app, client, people, sign_in, monkeypatch
):
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    from tests.conftest import PASSWORD
    from workshop.services import tokens
    from workshop.services.permissions import SYSTEM

    token = tokens.create(SYSTEM, "directory").secret

    def locked(self):
        raise OperationalError("COMMIT", {}, Exception("database is locked"))

    monkeypatch.setattr(Session, "commit", locked)
    signed_in = client.post("/login", data={"username": "watcher", "password": PASSWORD})
    # the sign-in form says so by the field, instead of an error page
    assert signed_in.status_code == 422 and "الخادم مشغول بنشر إصدار" in signed_in.text
    read = client.get("/api/v1/taxonomies", headers={"Authorization": f"Bearer {token}"})
    assert read.status_code == 200  # the last-used note waits for a later read
    sign_in("coordinator")
    action = client.post(f"/admin/accounts/{people['observer'].id}/deactivate")
    assert action.status_code == 503 and "مشغول" in action.text


def test_a_request_that_only_reads_refuses_to_write(app):
    """reads_only (on PostgreSQL: no transaction) refuses a unit of work and an ORM write,
    which would not be atomic, until the request's session ends; on SQLite it changes
    nothing."""
    from workshop.services.unit_of_work import reads_only

    db.session.remove()
    reads_only()
    if db.engine.dialect.name == "postgresql":
        with pytest.raises(RuntimeError, match="only reads"):
            add_agency(SYSTEM, "NEVER")
        db.session.add(Agency(code="NEVER", name_ar="جهة", name_en="Agency"))
        with pytest.raises(RuntimeError, match="only reads"):
            db.session.flush()
        db.session.rollback()
    db.session.remove()
    assert count(Agency) == 0
    add_agency(SYSTEM, "LATER")  # a new session writes as usual
    assert count(Agency) == 1
    if db.engine.dialect.name != "postgresql":
        reads_only()
        add_agency(SYSTEM, "AFTER")  # SQLite: nothing changed
        assert count(Agency) == 2
