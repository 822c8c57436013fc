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
    wanted = [(name.lower(), name, value) for name, value in security_headers(app)]

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        # One pass over the response's headers, not one per header set (werkzeug's Headers
        # is a list: six setdefault calls cost a twentieth of a cached fragment's request).
        present = {key.lower() for key, _ in headers}
        headers.extend([(name, value) for key, name, value in wanted if key not in present])
        if g.get("shows_secret"):  # a one-time password or a new token: never kept
            headers["Cache-Control"] = "no-store"
        return response


def shows_secret() -> None:
    """Mark the response of this request as holding a secret shown once (no-store)."""
    g.shows_secret = True
