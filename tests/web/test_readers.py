"""Fragments every reader gets alike check the session's account with one Core query
(web/readers.py); whoever may not read them is refused as before, and a cached fragment
is found by the same key as the ORM path makes."""

from __future__ import annotations

import pytest

from workshop.models import User, db
from workshop.services import accounts, browsing, tokens
from workshop.services.permissions import SYSTEM

HTMX = {"HX-Request": "true"}
FRAGMENTS = [
    "/taxonomies/gov/v/1/children?level=1",
    "/taxonomies/gov/v/latest/children?parent=health&level=2",
    "/taxonomies/gov/v/2/search?q=%D8%B5",
    "/taxonomies/gov/v/1/concepts/clinics",
    "/taxonomies/gov/diff?a=1&b=2",
]


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The session ids Flask-Login's user loader was asked for."""
    asked: list[str] = []
    original = accounts.load_user

    def counting(session_id: str) -> User | None:
        asked.append(session_id)
        return original(session_id)

    from workshop.extensions import login_manager

    monkeypatch.setattr(login_manager, "_user_callback", counting)
    return asked


@pytest.mark.parametrize("url", FRAGMENTS)
@pytest.mark.parametrize("role", ["coordinator", "observer", "representative"])
def test_every_role_reads_a_fragment_without_the_orm_user(
    client, sign_in, published, loads, url, role
) -> None:
    sign_in(role)
    first = client.get(url, headers=HTMX)  # drawn: its templates may load the user
    assert first.status_code == 200, first.text
    loads.clear()
    cached = client.get(url, headers=HTMX)
    assert cached.status_code == 200 and cached.data == first.data
    again = client.get(url, headers={**HTMX, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert loads == []


@pytest.mark.parametrize("url", FRAGMENTS)
def test_signed_out_ended_and_inactive_sessions_are_refused(
    client, sign_in, people, published, url
) -> None:
    sign_in(None)
    assert client.get(url, headers=HTMX).status_code in (401, 302)
    sign_in("observer")
    observer = db.session.get(User, people["observer"].id)
    observer.end_sessions()  # signed out everywhere: the cookie names the old epoch
    db.session.commit()
    assert client.get(url, headers=HTMX).status_code in (401, 302)
    sign_in("representative")
    representative = db.session.get(User, people["representative"].id)
    representative.active = False
    db.session.commit()
    assert client.get(url, headers=HTMX).status_code in (401, 302)


def test_a_one_time_password_must_be_changed_first(client, sign_in, people, published) -> None:
    observer = db.session.get(User, people["observer"].id)
    observer.must_change_password = True
    db.session.commit()
    sign_in("observer")
    answer = client.get(FRAGMENTS[0], headers=HTMX)
    assert answer.status_code == 302 and answer.location.endswith("/profile")


def test_a_forged_session_id_is_no_reader(app, published) -> None:
    for forged in ["", "x", "1", "1:x", "-1:0", "99999999999:0", "1:-1"]:
        assert accounts.session_reader(forged) is None


@pytest.mark.parametrize("ref", ["1", "2", "latest"])
def test_the_core_key_names_a_version_as_the_orm_path_does(app, published, ref) -> None:
    at = browsing.version_ref(SYSTEM, "gov", ref)
    found = browsing.key_of(SYSTEM, "gov", ref)
    assert browsing.key_content(found) == browsing.content_key(at)
    assert browsing.etag(found, "json") == browsing.etag(at.version, "json")


@pytest.mark.parametrize("ref", ["3", "0", "-1", "x", str(2**40)])
def test_a_missing_version_is_named(app, published, ref) -> None:
    with pytest.raises(browsing.NotFound, match="has no version"):
        browsing.key_of(SYSTEM, "gov", ref)
    with pytest.raises(browsing.NotFound, match="no taxonomy"):
        browsing.key_of(SYSTEM, "nowhere", "1")


def test_a_revoked_token_is_refused_and_a_used_one_noted(app, published) -> None:
    issued = tokens.create(SYSTEM, "consumer")
    client = app.test_client()
    bearer = {"Authorization": f"Bearer {issued.secret}"}
    assert client.get("/api/v1/taxonomies/gov/versions/1", headers=bearer).status_code == 200
    db.session.expire_all()
    assert tokens.get_token(SYSTEM, issued.token.id).last_used_at is not None
    tokens.revoke(SYSTEM, issued.token.id)
    assert client.get("/api/v1/taxonomies/gov/versions/1", headers=bearer).status_code == 401


@pytest.mark.parametrize("url", [*FRAGMENTS, "/taxonomies/gov/v/1/children?level=1&q=x"])
def test_fragments_read_outside_a_transaction_on_postgresql(
    app, client, sign_in, published, url
) -> None:
    """On PostgreSQL a fragment's reads run without a transaction (no BEGIN, no ROLLBACK:
    a round trip each), and the connection goes back to the pool in transaction mode, as
    the others are; on SQLite, whose reads cost no round trip, nothing changes."""
    from sqlalchemy import event

    from workshop.services.unit_of_work import READS_ONLY

    sign_in("observer")
    db.session.remove()  # the request's session is its own, as in a server process
    modes: list[tuple[object, object]] = []

    def note(connection, *_args) -> None:
        driver = connection.connection.driver_connection
        modes.append((db.session().info.get(READS_ONLY), getattr(driver, "autocommit", None)))

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        answer = client.get(url, headers=HTMX)
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert answer.status_code == 200, answer.text
    assert modes, "the fragment read nothing"
    if db.engine.dialect.name == "postgresql":
        assert set(modes) == {(True, True)}
        with db.engine.connect() as connection:  # the pool's connection, as the next one gets
            assert connection.connection.driver_connection.autocommit is False
    else:
        assert {marked for marked, _mode in modes} == {None}
