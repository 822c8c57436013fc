"""Fragments that every signed-in reader gets alike (a level of the tree, search results,
a concept panel, a diff table: cached per published version) check the session's account
with one Core query instead of loading the ORM user, which cost more than the rest of
such a request. A full page loads the user anyway, for its header."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import g, request, session
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ..services import accounts
from ..services.permissions import Actor
from ..services.unit_of_work import reads_only
from .auth import temporary_password_redirect
from .htmx import wants_fragment


def reader_required(view: Callable[..., ResponseReturnValue]) -> Callable[..., Any]:
    """login_required; for a fragment or a form post (whose answer is a fragment or a
    redirect), answered from accounts.session_reader when the session names an active
    account in its current epoch that needs no new password. Any other case (a full page,
    no session, an ended one, a remember-me cookie, a one-time password) takes the usual
    path of Flask-Login and the new-password redirect. A page drawn after all (an error
    page, say) loads the user for its header as usual."""

    @functools.wraps(view)
    def checked(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        found = None
        if wants_fragment() and request.method == "GET":
            reads_only()
        if wants_fragment() or request.method == "POST":
            found = accounts.session_reader(str(session.get("_user_id", "")))
        if found is None or found.must_change_password:
            return temporary_password_redirect() or login_required(view)(*args, **kwargs)
        g.reader = found
        return view(*args, **kwargs)

    checked.checks_its_reader = True  # type: ignore[attr-defined]
    return checked


def reader() -> Actor:
    """Who reads: the session's account as reader_required found it, else the user."""
    found: Actor | None = g.get("reader")
    return found if found is not None else current_user._get_current_object()
