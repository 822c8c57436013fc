"""The discussion of a proposal: its threads (a fragment that pages poll for new comments),
posting, replying, editing, hiding and resolving."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..services import comments
from ..services.errors import PermissionDenied, ServiceError
from .forms import EmptyForm, HideForm, comment_form
from .htmx import wants_fragment

bp = Blueprint("comments", __name__, url_prefix="/proposals")


@bp.get("/<int:proposal_id>/comments")
@login_required
def threads(proposal_id: int) -> ResponseReturnValue:
    """The threads alone, for the page's polling; a browser is sent to the whole page."""
    found = comments.discussion(current_user, proposal_id)
    if not wants_fragment():
        return redirect(url_for("proposals.show", proposal_id=proposal_id) + "#comments", 303)
    return render_template(
        "proposals/_comments.html",
        discussion=found,
        proposal_id=proposal_id,
        action_form=EmptyForm(),
        edit_minutes=comments.EDIT_MINUTES,
    )


def _back(proposal_id: int, anchor: str = "comments") -> ResponseReturnValue:
    return redirect(url_for("proposals.show", proposal_id=proposal_id) + f"#{anchor}", 303)


@bp.post("/<int:proposal_id>/comments")
@login_required
def post(proposal_id: int) -> ResponseReturnValue:
    form = comment_form()
    if form.validate_on_submit():
        try:
            reply_to = int(form.reply_to.data) if form.reply_to.data else None
            comment = comments.post(
                current_user, proposal_id, form.body.data or "", form.kind.data or "", reply_to
            )
        except (PermissionDenied, ValueError):
            raise
        except ServiceError as error:
            flash(error.message, "error")
        else:
            return _back(proposal_id, f"comment-{comment.id}")
    else:
        flash(_l("Write something first."), "error")
    return _back(proposal_id, "comment-form")


@bp.post("/<int:proposal_id>/comments/<int:comment_id>/edit")
@login_required
def edit(proposal_id: int, comment_id: int) -> ResponseReturnValue:
    body = comment_form().body.data or ""
    _flash_refusal(lambda: comments.edit(current_user, comment_id, body))
    return _back(proposal_id, f"comment-{comment_id}")


@bp.post("/<int:proposal_id>/comments/<int:comment_id>/hide")
@login_required
def hide(proposal_id: int, comment_id: int) -> ResponseReturnValue:
    reason = HideForm().reason.data or ""  # the service says when it is missing
    _flash_refusal(lambda: comments.hide(current_user, comment_id, reason))
    return _back(proposal_id, f"comment-{comment_id}")


def _flash_refusal(action: Callable[[], object]) -> None:
    """Do it; a refusal is shown on the page it returns to (not allowed at all: 403)."""
    try:
        action()
    except PermissionDenied:
        raise
    except ServiceError as error:
        flash(error.message, "error")


@bp.post("/<int:proposal_id>/comments/<int:comment_id>/resolve")
@login_required
def resolve(proposal_id: int, comment_id: int) -> ResponseReturnValue:
    if EmptyForm().validate_on_submit():
        comments.resolve(current_user, comment_id)
    return _back(proposal_id, f"comment-{comment_id}")


def form_mode() -> tuple[str, int | None]:
    """What the page's comment form does: ("new"|"reply"|"edit"|"hide", comment id)."""
    for mode in ("reply", "edit", "hide"):
        value = request.args.get(mode, "")
        if value.isdigit():
            return mode, int(value)
    return "new", None
