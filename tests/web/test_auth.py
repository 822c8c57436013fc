"""Signing in and out, own password, rate limiting."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import PASSWORD
from workshop.models import AuditEntry, Role, User, db


def login(client, username, password=PASSWORD, **kwargs):
    return client.post("/login", data={"username": username, "password": password}, **kwargs)


def test_a_user_signs_in_with_the_right_password_and_lands_on_home(client, people):
    response = login(client, "coord")
    assert response.status_code == 303
    assert response.location == "/"
    assert client.get("/").status_code == 200
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.sign_in"))
    assert entry is not None and entry.actor_id == people["coordinator"].id


def test_usernames_are_case_insensitive(client, people):
    assert login(client, "  COORD ").status_code == 303


def test_a_wrong_password_is_refused_with_a_message_by_the_field(client, people):
    response = login(client, "coord", "wrong-password")
    assert response.status_code == 422
    assert "اسم المستخدم غير معروف أو كلمة المرور غير صحيحة" in response.text
    assert 'id="password-error"' in response.text
    assert client.get("/").status_code == 302


def test_an_unknown_user_gets_the_same_message_as_a_wrong_password(client, people):
    unknown = login(client, "nobody")
    wrong = login(client, "coord", "wrong-password")
    assert unknown.status_code == wrong.status_code == 422
    assert "اسم المستخدم غير معروف" in unknown.text


def test_an_empty_form_names_the_missing_fields(client, people):
    response = client.post("/login", data={})
    assert response.status_code == 422
    assert 'id="username-error"' in response.text and 'id="password-error"' in response.text


def test_an_inactive_account_cannot_sign_in(client, factory):
    factory.user("gone", Role.OBSERVER, active=False)
    response = login(client, "gone")
    assert response.status_code == 422
    assert "هذا الحساب معطّل" in response.text


def test_a_deactivated_users_session_stops_working(client, people, sign_in):
    sign_in("observer")
    assert client.get("/").status_code == 200
    people["observer"].active = False
    db.session.commit()
    assert client.get("/").status_code == 302


def test_sign_out_ends_the_session(client, people):
    login(client, "watcher")
    response = client.post("/logout")
    assert response.status_code == 303
    assert client.get("/").status_code == 302


def test_after_sign_in_the_user_returns_to_the_page_asked_for(client, people):
    response = client.get("/agencies")
    assert response.status_code == 302 and "next=%2Fagencies" in response.location
    assert login(client, "coord", query_string={"next": "/agencies"}).location == "/agencies"


def test_next_never_leads_to_another_site(client, people):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        assert login(client, "coord", query_string={"next": target}).location == "/"
        client.post("/logout")


def test_repeated_failures_are_rate_limited_per_username(make_app, people):
    app = make_app(LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    for _ in range(3):
        assert login(client, "coord", "wrong-password").status_code == 422
    limited = login(client, "coord", "wrong-password")
    assert limited.status_code == 429
    assert "محاولات كثيرة" in limited.text
    # Another person in the same hall (same address) may still sign in.
    assert login(client, "watcher").status_code == 303


def test_a_one_time_password_must_be_changed_first(client, people):
    people["observer"].must_change_password = True
    db.session.commit()
    login(client, "watcher")
    assert client.get("/agencies").location == "/profile"
    response = client.post(
        "/profile", data={"current": PASSWORD, "new": "a-new-password", "confirm": "a-new-password"}
    )
    assert response.status_code == 303
    assert client.get("/agencies").status_code == 200


def test_a_bearer_header_does_not_skip_changing_a_one_time_password(client, people):
    """The API answers a token and never the session, so it skips the check; a page does
    not, whatever the request carries."""
    people["observer"].must_change_password = True
    db.session.commit()
    login(client, "watcher")
    bearer = {"Authorization": "Bearer wt_not-a-token"}
    assert client.get("/agencies", headers=bearer).location == "/profile"
    assert client.get("/api/v1/taxonomies", headers=bearer).status_code == 401
    assert client.get("/api/v1/taxonomies").location == "/profile"


def test_changing_the_password_checks_the_current_one_and_the_length(client, people, sign_in):
    sign_in("observer")
    wrong = client.post(
        "/profile", data={"current": "nope", "new": "a-new-password", "confirm": "a-new-password"}
    )
    assert wrong.status_code == 422 and "كلمة المرور الحالية غير صحيحة" in wrong.text
    short = client.post("/profile", data={"current": PASSWORD, "new": "short", "confirm": "short"})
    assert short.status_code == 422 and "10" in short.text
    differ = client.post(
        "/profile",
        data={"current": PASSWORD, "new": "a-new-password", "confirm": "another-password"},
    )
    assert differ.status_code == 422 and "كلمتا المرور مختلفتان" in differ.text
    user = db.session.get(User, people["observer"].id)
    db.session.refresh(user)
    from werkzeug.security import check_password_hash

    assert check_password_hash(user.password_hash, PASSWORD)


def copy_session(source, target) -> None:
    cookie = source.get_cookie("session")
    target.set_cookie("session", cookie.value)


def test_signing_out_ends_every_session_of_the_account_even_a_copied_one(app, people):
    mine, copy = app.test_client(), app.test_client()
    login(mine, "watcher")
    copy_session(mine, copy)
    assert copy.get("/").status_code == 200  # the copied cookie works while signed in
    mine.post("/logout")
    assert copy.get("/").status_code == 302  # and not after sign-out


def test_a_password_change_ends_the_other_sessions_but_not_this_one(app, people):
    mine, other = app.test_client(), app.test_client()
    login(mine, "watcher")
    login(other, "watcher")
    changed = mine.post(
        "/profile",
        data={"current": PASSWORD, "new": "another-secret-9", "confirm": "another-secret-9"},
    )
    assert changed.status_code == 303
    assert mine.get("/").status_code == 200
    assert other.get("/").status_code == 302


def test_sign_in_gives_a_new_csrf_token_and_next_never_carries_line_breaks(app, people):
    client = app.test_client()
    with client.session_transaction() as session:
        session["csrf_token"] = "chosen-by-someone-else"
    login(client, "watcher")
    with client.session_transaction() as session:
        assert session.get("csrf_token") != "chosen-by-someone-else"
    other = app.test_client()
    response = login(other, "watcher", query_string={"next": "/agencies\r\nSet-Cookie: x=1"})
    assert response.status_code == 303 and response.headers["Location"] == "/"
