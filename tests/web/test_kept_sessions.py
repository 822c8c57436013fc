"""Session cookies verified once are kept by each process (web/sessions.py): a kept
cookie is not verified again, still expires, cannot be tampered with, and each request
gets a session of its own."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer

from workshop.web.sessions import KeptCookieSessions

pytestmark = pytest.mark.engine_independent

PAGE = "/profile"  # a page only a signed-in user sees


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The cookies whose signature was checked."""
    checked: list[str] = []
    real = URLSafeTimedSerializer.loads

    def counting(self, value, *args, **kwargs):
        checked.append(value)
        return real(self, value, *args, **kwargs)

    monkeypatch.setattr(URLSafeTimedSerializer, "loads", counting)
    return checked


def cookie_of(client) -> str:
    return client.get_cookie("session").value


def signed_in(client, sign_in) -> str:
    """Signed in as the observer, with the cookie a page leaves (its form's CSRF token
    joins the session once), verified and kept."""
    sign_in("observer")
    assert client.get(PAGE).status_code == 200
    assert client.get(PAGE).status_code == 200
    return cookie_of(client)


def test_a_kept_cookie_is_not_verified_again(client, sign_in, verifications) -> None:
    sign_in("observer")
    assert client.get(PAGE).status_code == 200  # the form's CSRF token joins the session
    verifications.clear()
    assert client.get(PAGE).status_code == 200
    assert verifications == [cookie_of(client)]
    assert client.get(PAGE).status_code == 200  # still signed in, from the kept cookie
    assert client.get(PAGE).status_code == 200
    assert verifications == [cookie_of(client)]


def test_a_kept_cookie_still_expires(app, client, sign_in, monkeypatch) -> None:
    cookie = signed_in(client, sign_in)
    assert app.session_interface.kept.get(cookie) is not None
    app.permanent_session_lifetime = timedelta(minutes=5)
    later = time.time() + 301
    monkeypatch.setattr(time, "time", lambda: later)
    answer = client.get(PAGE)
    assert answer.status_code == 302 and "/login" in answer.location


def test_a_tampered_cookie_is_refused(client, sign_in) -> None:
    good = signed_in(client, sign_in)
    head, _sep, signature = good.rpartition(".")
    forged = f"{head}.{signature[:-2]}{'AA' if not signature.endswith('AA') else 'BB'}"
    client.set_cookie("session", forged)
    answer = client.get(PAGE)
    assert answer.status_code == 302 and "/login" in answer.location


def test_each_request_gets_a_session_of_its_own(app, client, sign_in) -> None:
    cookie = signed_in(client, sign_in)
    interface = app.session_interface
    assert isinstance(interface, KeptCookieSessions)
    with app.test_request_context(headers={"Cookie": f"session={cookie}"}):
        from flask import request

        first = interface.open_session(app, request)
        first["_user_id"] = "changed"
        first["extra"] = "x"
        second = interface.open_session(app, request)
    assert interface.kept.get(cookie) is not None
    assert second["_user_id"] != "changed" and "extra" not in second


def test_a_session_holding_a_list_is_decoded_each_time(app, client, verifications) -> None:
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "مرحبا")]
    cookie = cookie_of(client)
    interface = app.session_interface
    with app.test_request_context(headers={"Cookie": f"session={cookie}"}):
        from flask import request

        verifications.clear()
        first = interface.open_session(app, request)
        first["_flashes"].append(("info", "again"))
        second = interface.open_session(app, request)
    assert second["_flashes"] == [("info", "مرحبا")]
    assert len(verifications) == 2 and interface.kept.get(cookie) is None


def test_a_cookie_kept_under_another_key_is_not_taken(app, client, sign_in) -> None:
    cookie = signed_in(client, sign_in)
    interface = app.session_interface
    assert interface.kept.get(cookie) is not None
    app.secret_key = "another key altogether"
    with app.test_request_context(headers={"Cookie": f"session={cookie}"}):
        from flask import request

        assert dict(interface.open_session(app, request)) == {}


@pytest.mark.parametrize("data", [{}, {"_user_id": "3"}])
@pytest.mark.parametrize("modified", [False, True])
@pytest.mark.parametrize("permanent", [False, True])
@pytest.mark.parametrize("refresh", [False, True])
@pytest.mark.parametrize("accessed", [False, True])
def test_a_session_is_saved_as_flask_saves_it(data, modified, permanent, refresh, accessed):
    """save_session's shortcut for untouched sessions answers with Flask's headers in every
    case: the cookie set, refreshed, deleted or left alone, and Vary: Cookie."""
    from flask import Flask, Response
    from flask.sessions import SecureCookieSessionInterface

    app = Flask("sessions")
    app.secret_key = "k"
    app.config["SESSION_REFRESH_EACH_REQUEST"] = refresh
    answers = []
    for interface in (KeptCookieSessions(), SecureCookieSessionInterface()):
        session = interface.session_class(data)
        session.permanent = permanent  # (sets modified; reset below)
        session.modified, session.accessed = modified, accessed
        response = Response()
        with app.test_request_context("/"):
            interface.save_session(app, session, response)
        cookie = response.headers.get("Set-Cookie", "")
        answers.append((cookie.split("=")[0], "Max-Age=0" in cookie, response.headers.get("Vary")))
    assert answers[0] == answers[1]


def test_no_cookie_opens_the_empty_session_flask_opens(app):
    from flask.sessions import SecureCookieSessionInterface

    with app.test_request_context("/"):
        ours = KeptCookieSessions().open_session(app, __import__("flask").request)
        flasks = SecureCookieSessionInterface().open_session(app, __import__("flask").request)
    assert type(ours) is type(flasks) and dict(ours) == dict(flasks) == {}
    assert (ours.modified, ours.accessed, ours.permanent) == (False, False, False)
