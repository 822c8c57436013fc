"""The web layer: blueprints, error pages, security headers."""

from __future__ import annotations

from flask import Flask

from . import (
    admin,
    api,
    api_proposals,  # noqa: F401 (its routes join the api blueprint when imported)
    auth,
    browser,
    comments,
    composer,  # noqa: F401 (its routes join the proposals blueprint when imported)
    context,
    errors,
    live_polls,
    main,
    merge,
    proposal_files,  # noqa: F401 (its routes join the proposals blueprint when imported)
    proposals,
    records,
    security,
    sessions,
    unchanged_exports,
    uploads,
    workshop_records,  # noqa: F401 (its routes join the workshops and api blueprints)
    workshops,
)


def init_app(app: Flask) -> None:
    for blueprint in (
        main.bp,
        auth.bp,
        admin.bp,
        api.bp,
        browser.bp,
        uploads.bp,
        proposals.bp,
        comments.bp,
        workshops.bp,
        merge.bp,
        records.bp,
    ):
        app.register_blueprint(blueprint)
    sessions.init_app(app)
    errors.init_app(app)
    # Answers before Flask; the last one wrapped looks first: a hall's polls.
    unchanged_exports.init_app(app)
    live_polls.init_app(app)
    context.init_app(app)
    security.init_app(app)
    auth.init_login(app)
