"""Error pages and security headers, for every kind of visitor."""

from __future__ import annotations


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


def test_a_security_header_a_view_set_is_kept_and_the_others_added_once(make_app):
    app = make_app(SECURE_COOKIES=True)

    @app.get("/framed")
    def framed():
        return "x", 200, {"X-Frame-Options": "SAMEORIGIN"}

    headers = app.test_client().get("/framed").headers
    assert headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    for name in ("Content-Security-Policy", "Referrer-Policy", "Strict-Transport-Security"):
        assert len(headers.getlist(name)) == 1, name


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
