"""Every route answers every role (anonymous, observer, representative, coordinator) rightly."""

from __future__ import annotations

import pytest

ROLES = ("anonymous", "observer", "representative", "coordinator")
SIGN_IN = 302  # anonymous users are sent to the sign-in page

# (method, rule, path, data, expected status per role in ROLES order)
MATRIX = [
    ("GET", "/", "/", None, (SIGN_IN, 200, 200, 200)),
    ("GET", "/login", "/login", None, (200, 302, 302, 302)),
    ("POST", "/login", "/login", {"username": "x"}, (422, 302, 302, 302)),
    ("POST", "/logout", "/logout", {}, (SIGN_IN, 303, 303, 303)),
    ("GET", "/profile", "/profile", None, (SIGN_IN, 200, 200, 200)),
    ("POST", "/profile", "/profile", {}, (SIGN_IN, 422, 422, 422)),
    ("GET", "/agencies", "/agencies", None, (SIGN_IN, 200, 200, 200)),
    ("GET", "/lang/<code>", "/lang/en", None, (303, 303, 303, 303)),
    ("GET", "/healthz", "/healthz", None, (200, 200, 200, 200)),
    ("GET", "/admin/accounts", "/admin/accounts", None, (SIGN_IN, 403, 403, 200)),
    (
        "POST",
        "/admin/accounts",
        "/admin/accounts",
        {"username": "new-obs", "display_name": "مراقب جديد", "role": "observer", "agency": ""},
        (SIGN_IN, 403, 403, 200),
    ),
    (
        "POST",
        "/admin/accounts/<int:user_id>/<any(deactivate, activate):action>",
        "/admin/accounts/{target}/deactivate",
        {},
        (SIGN_IN, 403, 403, 303),
    ),
    (
        "POST",
        "/admin/accounts/<int:user_id>/reset",
        "/admin/accounts/{target}/reset",
        {},
        (SIGN_IN, 403, 403, 200),
    ),
    ("GET", "/admin/accounts/import", "/admin/accounts/import", None, (SIGN_IN, 403, 403, 200)),
    ("POST", "/admin/accounts/import", "/admin/accounts/import", {}, (SIGN_IN, 403, 403, 422)),
    ("GET", "/admin/tokens", "/admin/tokens", None, (SIGN_IN, 403, 403, 200)),
    ("POST", "/admin/tokens", "/admin/tokens", {"name": "directory"}, (SIGN_IN, 403, 403, 200)),
    (
        "POST",
        "/admin/tokens/<int:token_id>/revoke",
        "/admin/tokens/99999/revoke",
        {},
        (SIGN_IN, 403, 403, 404),
    ),
    # taxonomies
    ("GET", "/taxonomies/", "/taxonomies/", None, (SIGN_IN, 200, 200, 200)),
    ("GET", "/taxonomies/<slug>/", "/taxonomies/gov/", None, (SIGN_IN, 200, 200, 200)),
    ("GET", "/taxonomies/<slug>/v/<ref>/", "/taxonomies/gov/v/2/", None, (SIGN_IN, 200, 200, 200)),
    (
        "GET",
        "/taxonomies/<slug>/v/<ref>/children",
        "/taxonomies/gov/v/1/children?parent=health",
        None,
        (SIGN_IN, 200, 200, 200),
    ),
    (
        "GET",
        "/taxonomies/<slug>/v/<ref>/concepts/<path:concept_id>",
        "/taxonomies/gov/v/2/concepts/clinics",
        None,
        (SIGN_IN, 200, 200, 200),
    ),
    (
        "GET",
        "/taxonomies/<slug>/v/<ref>/search",
        "/taxonomies/gov/v/2/search?q=schools",
        None,
        (SIGN_IN, 200, 200, 200),
    ),
    (
        "GET",
        "/taxonomies/<slug>/diff",
        "/taxonomies/gov/diff?a=1&b=2",
        None,
        (SIGN_IN, 200, 200, 200),
    ),
    (
        "GET",
        "/taxonomies/<slug>/v/<ref>/export.<fmt>",
        "/taxonomies/gov/v/2/export.json",
        None,
        (SIGN_IN, 200, 200, 200),
    ),
    ("GET", "/taxonomies/import/", "/taxonomies/import/", None, (SIGN_IN, 403, 403, 200)),
    ("POST", "/taxonomies/import/", "/taxonomies/import/", {}, (SIGN_IN, 403, 403, 422)),
    (
        "POST",
        "/taxonomies/import/<token>",
        "/taxonomies/import/expired-token",
        {},
        (SIGN_IN, 403, 403, 404),
    ),
    # the read API: a session or a token; anonymous callers get 401
    ("GET", "/api/v1/openapi.json", "/api/v1/openapi.json", None, (200, 200, 200, 200)),
    ("GET", "/api/v1/taxonomies", "/api/v1/taxonomies", None, (401, 200, 200, 200)),
    (
        "GET",
        "/api/v1/taxonomies/<slug>/versions",
        "/api/v1/taxonomies/gov/versions",
        None,
        (401, 200, 200, 200),
    ),
    (
        "GET",
        "/api/v1/taxonomies/<slug>/versions/<ref>",
        "/api/v1/taxonomies/gov/versions/2",
        None,
        (401, 200, 200, 200),
    ),
    (
        "GET",
        "/api/v1/taxonomies/<slug>/versions/<a>/diff/<b>",
        "/api/v1/taxonomies/gov/versions/1/diff/2",
        None,
        (401, 200, 200, 200),
    ),
    (
        "GET",
        "/api/v1/taxonomies/<slug>/concepts/<path:concept_id>",
        "/api/v1/taxonomies/gov/concepts/clinics?version=1",
        None,
        (401, 200, 200, 200),
    ),
]

CASES = [
    pytest.param(method, path, data, role, expected[i], id=f"{method} {path} as {role}")
    for method, _rule, path, data, expected in MATRIX
    for i, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("method", "path", "data", "role", "status"), CASES)
def test_route_answers_role(client, people, published, sign_in, method, path, data, role, status):
    sign_in(None if role == "anonymous" else role)
    url = path.format(target=people["other_representative"].id)
    response = client.open(url, method=method, data=data)
    assert response.status_code == status, response.text[:500]
    if status == 403:
        assert "غير مخوّل" in response.text or "غير مسموح" in response.text
    if path.startswith("/api/") and status >= 400:
        assert response.is_json and response.json["status"] == status


def test_the_matrix_covers_every_route(app):
    covered = {(method, rule) for method, rule, *_ in MATRIX}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, rule.rule) in covered, f"{method} {rule.rule} is not in the matrix"


def test_an_unknown_page_is_a_friendly_404_in_both_languages(client):
    arabic = client.get("/no/such/page")
    assert arabic.status_code == 404 and "الصفحة غير موجودة" in arabic.text
    client.set_cookie("lang", "en")
    english = client.get("/no/such/page")
    assert english.status_code == 404 and "Page not found" in english.text


def test_an_unexpected_error_is_a_friendly_500_without_a_trace(make_app, people):
    app = make_app(PROPAGATE_UNEXPECTED=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "حدث خطأ ما" in response.text
    assert "secret internals" not in response.text and "Traceback" not in response.text


def test_api_clients_get_errors_as_json(client):
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["status"] == 404 and response.json["message"]


def test_security_headers_forbid_inline_scripts(client):
    headers = client.get("/login").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"


def test_session_cookie_is_httponly_and_samesite_lax(client, people):
    from tests.conftest import PASSWORD

    response = client.post("/login", data={"username": "coord", "password": PASSWORD})
    cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie" and "session=" in v)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_secure_cookies_when_configured(make_app, people):
    from tests.conftest import PASSWORD

    app = make_app(SECURE_COOKIES=True)
    response = app.test_client().post(
        "/login", data={"username": "coord", "password": PASSWORD}, base_url="https://localhost"
    )
    cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie" and "session=" in v)
    assert "Secure" in cookie
