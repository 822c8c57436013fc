"""Taxonomy-consensus workshop: a Flask application around a pure taxonomy engine."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from flask_login import current_user

from . import caching, config
from .extensions import (
    babel,
    compress,
    csrf,
    limit_writes_only,
    limiter,
    login_manager,
    migrate,
    select_locale,
)
from .models import db

PACKAGE = Path(__file__).resolve().parent


def asset_dir(name: str) -> str:
    """templates/ or static/: inside the package when installed, beside it in a checkout."""
    inside = PACKAGE / name
    return str(inside if inside.is_dir() else PACKAGE.parent / name)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, CLI."""
    instance_path = os.environ.get("WORKSHOP_INSTANCE_PATH")
    if test_config and test_config.get("INSTANCE_PATH"):
        instance_path = test_config["INSTANCE_PATH"]
    app = Flask(
        __name__,
        instance_path=str(Path(instance_path).resolve()) if instance_path else None,
        instance_relative_config=True,
        template_folder=asset_dir("templates"),
        static_folder=asset_dir("static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    config.load(app, test_config)
    if int(app.config["PROXY_COUNT"]) > 0:
        # The client's address, scheme and host as the trusted proxies saw them: the sign-in
        # limits key on that address, and redirects keep https.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    caching.use_shared_store(app, app.config.get("CACHE_URL"))
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PACKAGE / "migrations"))
    # Templates get the lazy proxy (below), not the user Flask-Login would load for every
    # render: a fragment that never names the user (a live part, a message) reads no user.
    login_manager.init_app(app, add_context_processor=False)
    app.context_processor(lambda: {"current_user": current_user})
    csrf.init_app(app)
    compress.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    app.config["RATELIMIT_ENABLED"] = app.config.get("RATELIMIT_ENABLED", True)
    limiter.init_app(app)
    limit_writes_only(app)

    from . import database, web
    from .cli import register_cli

    database.init_app(app)
    web.init_app(app)
    register_cli(app)
    return app
