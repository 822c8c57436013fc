"""Flask extensions, created unbound and attached in create_app()."""

from __future__ import annotations

from flask import request
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

# Only what changes state is rate limited (signing in, a POST). The limiter otherwise looks
# for limits on every request, a tenth of a cached fragment's or a poll's cost, so reads
# skip it. tests/web/test_sign_in_limits.py checks that no read endpoint has a limit.
UNLIMITED_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@limiter.request_filter
def reads_are_not_limited() -> bool:
    return request.method in UNLIMITED_METHODS


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
