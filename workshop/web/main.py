"""Home dashboard, language switch and the agency list."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ..services import agencies, dashboard
from .htmx import render
from .navigation import safe_next

bp = Blueprint("main", __name__)

ONE_YEAR = 365 * 24 * 3600


@bp.get("/")
@login_required
def home() -> ResponseReturnValue:
    """The dashboard of the signed-in user's role."""
    board = dashboard.for_user(current_user)
    return render("main/home.html", "main/_dashboard.html", board=board)


@bp.get("/lang/<code>")
def language(code: str) -> ResponseReturnValue:
    """Switch the interface language and return to the same page."""
    target = safe_next(request.args.get("next")) or url_for("main.home")
    response = redirect(target, 303)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(
            "lang",
            code,
            max_age=ONE_YEAR,
            httponly=True,
            samesite="Lax",
            secure=bool(current_app.config["SECURE_COOKIES"]),
        )
    return response


@bp.get("/agencies")
@login_required
def agency_list() -> ResponseReturnValue:
    """The agencies of the electorate with their codes and both names."""
    query = request.args.get("q", "")[:100]
    rows = agencies.list_agencies(current_user, query)
    return render("main/agencies.html", "main/_agency_table.html", agencies=rows, query=query)


@bp.get("/healthz")
def health() -> ResponseReturnValue:
    return {"status": "ok"}
