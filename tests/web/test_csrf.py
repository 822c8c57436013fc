"""Every state-changing request needs the CSRF token: in the form, or as an htmx header."""

from __future__ import annotations

import re

import pytest

# Pages and forms, the same on every engine.
pytestmark = pytest.mark.engine_independent


@pytest.fixture
def csrf_client(make_app, people):
    app = make_app(WTF_CSRF_ENABLED=True)
    return app.test_client()


def token_from(page: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    assert match, "the page carries no CSRF token"
    return match.group(1)


def test_sign_in_without_the_token_is_rejected(csrf_client):
    response = csrf_client.post("/login", data={"username": "coord", "password": "x" * 12})
    assert response.status_code == 400
    assert "رمز الأمان" in response.text


def test_sign_in_with_the_form_token_is_accepted(csrf_client):
    from tests.conftest import PASSWORD

    token = token_from(csrf_client.get("/login").text)
    response = csrf_client.post(
        "/login", data={"username": "coord", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303


def test_an_htmx_request_may_send_the_token_as_a_header(csrf_client):
    from tests.conftest import PASSWORD

    token = token_from(csrf_client.get("/login").text)
    csrf_client.post(
        "/login", data={"username": "coord", "password": PASSWORD, "csrf_token": token}
    )
    home = csrf_client.get("/admin/accounts").text
    header_token = re.search(r'hx-headers:inherited=\'\{"X-CSRFToken": "([^"]+)"\}\'', home)
    assert header_token, "base.html must hand the token to htmx"
    # the row's button asks first; the question holds the form that acts
    asking = re.search(r'hx-get="(/admin/accounts/\d+/deactivate)"', home).group(1)
    question = csrf_client.get(asking, headers={"HX-Request": "true"}).text
    target = re.search(r'hx-post="(/admin/accounts/\d+/deactivate)"', question).group(1)
    without = csrf_client.post(target, headers={"HX-Request": "true"})
    assert without.status_code == 400
    with_header = csrf_client.post(
        target, headers={"HX-Request": "true", "X-CSRFToken": header_token.group(1)}
    )
    assert with_header.status_code == 200
    assert "<html" not in with_header.text


def test_sign_out_without_the_token_does_not_sign_out(csrf_client):
    from tests.conftest import PASSWORD

    token = token_from(csrf_client.get("/login").text)
    csrf_client.post(
        "/login", data={"username": "coord", "password": PASSWORD, "csrf_token": token}
    )
    assert csrf_client.post("/logout").status_code == 400
    assert csrf_client.get("/").status_code == 200
