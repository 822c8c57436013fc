"""Flask extensions, created unbound and attached in create_app()."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

# The database object `db` lives with the models (workshop.models.base): only the layers
# below the web reach it.
migrate = Migrate()
compress = Compress()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address)

# Only what changes state is rate limited (signing in, a POST). Flask-Limiter looks for
# limits before every request, which cost a tenth of a cached fragment's or a poll's CPU,
# so reads skip its check. tests/web/test_sign_in_limits.py keeps every limit on a write.
UNLIMITED_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def limit_writes_only(app: Flask) -> None:
    """Put a check that passes reads by in place of the limiter's own before_request (which
    applies application-wide and blueprint limits, of which there are none; sign-in's own
    limits are checked by its decorator, in the view)."""
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit not in hooks:
        return  # a disabled limiter (RATELIMIT_ENABLED false) adds no check
    position = hooks.index(limiter._check_request_limit)

    def check_limits_of_writes() -> None:
        if request.method not in UNLIMITED_METHODS:
            limiter._check_request_limit()

    hooks[position] = check_limits_of_writes


def select_locale() -> str:
    """The language chosen with the switch (a cookie), else Arabic; the command line's outside."""
    from flask import current_app, has_request_context

    if not has_request_context():
        return str(current_app.config["CLI_LOCALE"])
    languages = current_app.config["LANGUAGES"]
    if request.path.startswith("/api/"):  # systems ask with Accept-Language; English otherwise
        return str(request.accept_languages.best_match(languages) or "en")
    chosen = request.cookies.get("lang")
    if chosen is not None and chosen in languages:
        return chosen
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])
