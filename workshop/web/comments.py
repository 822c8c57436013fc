"""Discussions, of a proposal or of a concept: the threads (a fragment that pages poll for
new comments), posting and replying, and editing, hiding and resolving a comment (by its
id, whatever it is about)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..services import comments
from ..services.comments import ConceptRef, Subject
from ..services.errors import PermissionDenied, ServiceError
from .forms import EmptyForm, HideForm, attempt, comment_form
from .htmx import wants_fragment

bp = Blueprint("comments", __name__)


def page_of(subject: Subject, anchor: str = "comments", ref: str = "latest") -> str:
    """The page a discussion is on."""
    if isinstance(subject, int):
        return url_for("proposals.show", proposal_id=subject) + f"#{anchor}"
    where = url_for("browser.concept", slug=subject.slug, ref=ref, concept_id=subject.concept_id)
    return f"{where}#{anchor}"


def threads_url(subject: Subject) -> str:
    if isinstance(subject, int):
        return url_for("comments.threads", proposal_id=subject)
    return url_for("comments.concept_threads", slug=subject.slug, concept_id=subject.concept_id)


def post_url(subject: Subject) -> str:
    if isinstance(subject, int):
        return url_for("comments.post", proposal_id=subject)
    return url_for("comments.concept_post", slug=subject.slug, concept_id=subject.concept_id)


def discussion_context(subject: Subject, ref: str = "latest") -> dict[str, Any]:
    """What a page shows of a discussion (templates/_discussion.html): the threads, and the
    form the page's address asks for (a new comment, a reply, an edit, or hiding one)."""
    mode, target = form_mode()
    form = comment_form(formdata=None)
    if mode == "reply":
        form.reply_to.data = str(target)
    if mode == "edit":
        form.body.data = comments.body_of(current_user, target or 0)
    return {
        "discussion": comments.discussion(current_user, subject),
        "comment": form,
        "comment_mode": mode,
        "comment_target": target,
        "hide_form": HideForm(formdata=None),
        "action_form": EmptyForm(formdata=None),
        "edit_minutes": comments.EDIT_MINUTES,
        "threads_url": threads_url(subject),
        "post_url": post_url(subject),
        "discussion_page": page_of(subject, "comment-form", ref).split("#")[0],
        "discussion_ref": ref,
    }


@bp.get("/proposals/<int:proposal_id>/comments")
@login_required
def threads(proposal_id: int) -> ResponseReturnValue:
    """The threads alone, for the page's polling; a browser is sent to the whole page."""
    return _threads(proposal_id)


@bp.get("/taxonomies/<slug>/discussion/<path:concept_id>")
@login_required
def concept_threads(slug: str, concept_id: str) -> ResponseReturnValue:
    return _threads(ConceptRef(slug, concept_id))


def _threads(subject: Subject) -> ResponseReturnValue:
    found = comments.discussion(current_user, subject)
    if not wants_fragment():
        return redirect(page_of(subject), 303)
    return render_template(
        "_comments.html",
        discussion=found,
        action_form=EmptyForm(),
        edit_minutes=comments.EDIT_MINUTES,
    )


@bp.post("/proposals/<int:proposal_id>/comments")
@login_required
def post(proposal_id: int) -> ResponseReturnValue:
    return _post(proposal_id)


@bp.post("/taxonomies/<slug>/discussion/<path:concept_id>")
@login_required
def concept_post(slug: str, concept_id: str) -> ResponseReturnValue:
    return _post(ConceptRef(slug, concept_id))


def _post(subject: Subject) -> ResponseReturnValue:
    form = comment_form()
    ref = _ref()
    if form.validate_on_submit():
        try:
            reply_to = int(form.reply_to.data) if form.reply_to.data else None
            comment = comments.post(
                current_user, subject, form.body.data or "", form.kind.data or "", reply_to
            )
        except (PermissionDenied, ValueError):
            raise
        except ServiceError as error:
            flash(error.message, "error")
        else:
            return redirect(page_of(subject, f"comment-{comment.id}", ref), 303)
    else:
        flash(_l("Write something first."), "error")
    return redirect(page_of(subject, "comment-form", ref), 303)


def _ref() -> str:
    """The version of the concept page the form was on (its discussion is the same)."""
    ref = request.form.get("ref", "latest")
    return ref if ref.isdigit() else "latest"


@bp.post("/comments/<int:comment_id>/edit")
@login_required
def edit(comment_id: int) -> ResponseReturnValue:
    body = comment_form().body.data or ""
    attempt(lambda: comments.edit(current_user, comment_id, body))
    return _back(comment_id)


@bp.post("/comments/<int:comment_id>/hide")
@login_required
def hide(comment_id: int) -> ResponseReturnValue:
    reason = HideForm().reason.data or ""  # the service says when it is missing
    attempt(lambda: comments.hide(current_user, comment_id, reason))
    return _back(comment_id)


@bp.post("/comments/<int:comment_id>/resolve")
@login_required
def resolve(comment_id: int) -> ResponseReturnValue:
    if EmptyForm().validate_on_submit():
        comments.resolve(current_user, comment_id)
    return _back(comment_id)


def _back(comment_id: int) -> ResponseReturnValue:
    return redirect(page_of(comments.subject_of(comment_id), f"comment-{comment_id}", _ref()), 303)


def form_mode() -> tuple[str, int | None]:
    """What the page's comment form does: ("new"|"reply"|"edit"|"hide", comment id)."""
    for mode in ("reply", "edit", "hide"):
        value = request.args.get(mode, "")
        if value.isdigit():
            return mode, int(value)
    return "new", None
