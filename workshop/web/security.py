"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, Response, g

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


def security_headers(app: Flask) -> list[tuple[str, str]]:
    """The headers every response carries (also the polls answered before Flask)."""
    found = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ]
    if app.config["SECURE_COOKIES"]:
        found.append(("Strict-Transport-Security", "max-age=31536000"))
    return found


def init_app(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        for name, value in security_headers(app):
            headers.setdefault(name, value)
        if g.get("shows_secret"):  # a one-time password or a new token: never kept
            headers["Cache-Control"] = "no-store"
        return response


def shows_secret() -> None:
    """Mark the response of this request as holding a secret shown once (no-store)."""
    g.shows_secret = True
