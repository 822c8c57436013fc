"""The composer on a proposal's page: add an action, remove it or move it earlier, and the
concept picker. With htmx each answers with the page's workbench (changes, preview, forms)
instead of a reload; without it, with a redirect back to the page."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..services import proposal_views, proposals
from ..services.errors import PermissionDenied, ServiceError
from .forms import ChangeForm, change_form, show_error
from .htmx import wants_fragment
from .proposals import OPS, back_to_page, bp, page

PICKABLE = ("concept", "parent", "replaced_by", "into", "under")


@bp.post("/<int:proposal_id>/changes")
@login_required
def add_change(proposal_id: int) -> ResponseReturnValue:
    form = change_form()
    if form.validate_on_submit():
        try:
            proposals.add_change(
                current_user, proposal_id, int(form.revision.data or 0), action_of(form)
            )
        except PermissionDenied:
            raise  # the 403 page
        except ServiceError as error:
            show_error(form, error, "concept")
        else:
            flash(_l("The change is added."), "success")
            if wants_fragment():
                # A fresh form for the next action of the same kind.
                return page(proposal_id, op=form.op.data)
            return redirect(url_for("proposals.show", proposal_id=proposal_id) + "#changes", 303)
    return page(proposal_id, 422, composer=form, op=form.op.data)


def action_of(form: ChangeForm) -> dict[str, Any]:
    """The engine's JSON form of the action the composer describes (the service fills in
    what a form leaves out: a new concept's id and place, the synonyms' merge)."""
    op = form.op.data or ""
    concept = (form.concept.data or "").strip()
    labels = {"ar": form.label_ar.data or "", "en": form.label_en.data or ""}
    notes = {"ar": form.note_ar.data or "", "en": form.note_en.data or ""}
    synonyms = {"ar": form.alt_ar.data or "", "en": form.alt_en.data or ""}
    if op == "add":
        return {
            "op": op,
            "id": "",
            "parent": (form.parent.data or "").strip() or None,
            "labels": {k: v for k, v in labels.items() if v.strip()},
            "notes": {k: v for k, v in notes.items() if v.strip()},
            "alt_labels": {k: v.splitlines() for k, v in synonyms.items() if v.strip()},
        }
    if op == "relabel":
        return {
            "op": op,
            "id": concept,
            "labels": labels,
            "notes": notes,
            "alt_labels": synonyms,
            "prefilled": bool(concept) and form.prefilled_for.data == concept,
        }
    if op == "move":
        return {"op": op, "id": concept, "parent": (form.parent.data or "").strip() or None}
    if op == "retire":
        return {
            "op": op,
            "id": concept,
            "children": form.children.data or "promote",
            "replaced_by": (form.replaced_by.data or "").strip() or None,
            "confirmed": bool(form.confirmed.data),
        }
    return {"op": op, "id": concept, "into": (form.into.data or "").strip()}


@bp.post("/<int:proposal_id>/changes/<int:index>/remove")
@login_required
def remove_change(proposal_id: int, index: int) -> ResponseReturnValue:
    return back_to_page(
        proposal_id,
        lambda revision: proposals.remove_change(current_user, proposal_id, revision, index),
    )


@bp.post("/<int:proposal_id>/changes/<int:index>/earlier")
@login_required
def earlier(proposal_id: int, index: int) -> ResponseReturnValue:
    return back_to_page(
        proposal_id,
        lambda revision: proposals.move_change(current_user, proposal_id, revision, index, -1),
    )


@bp.get("/<int:proposal_id>/pick")
@login_required
def pick(proposal_id: int) -> ResponseReturnValue:
    """Concepts matching what is typed in a picker, as buttons that fill in the field (for
    the concept to relabel: that draw the form with its labels)."""
    target = request.args.get("field", "concept")
    op = request.args.get("op", "add")
    picks = proposal_views.pick(current_user, proposal_id, request.args.get("q", "")[:200])
    return render_template(
        "proposals/_picks.html",
        picks=picks,
        target=target if target in PICKABLE else "concept",
        op=op if op in OPS else "add",
        proposal_id=proposal_id,
        query=request.args.get("q", "")[:200],
    )
