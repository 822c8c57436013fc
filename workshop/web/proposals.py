"""Proposals: the list, a new proposal, its page with the composer, and the buttons that
change it. Each view parses the form, calls one service and renders (or redirects back)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..services import decisions, proposal_views, proposals
from ..services.errors import PermissionDenied, ServiceError
from ..taxonomy import Concept
from . import comments as comment_views
from . import htmx
from .forms import (
    ChangeForm,
    ProposalFileForm,
    ProposalForm,
    RevisionForm,
    change_form,
    show_error,
)

bp = Blueprint("proposals", __name__, url_prefix="/proposals")
OPS = ("add", "relabel", "move", "retire", "merge")


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """Every proposal the reader may see, filtered by taxonomy, status, agency, concept or
    words of the title and rationale."""
    filters = proposal_views.Filters(
        slug=request.args.get("taxonomy", ""),
        status=request.args.get("status", ""),
        agency=request.args.get("agency", ""),
        concept=request.args.get("concept", ""),
        text=request.args.get("q", "")[:200],
    )
    found = proposal_views.listing(current_user, filters, request.args.get("offset", 0, type=int))
    return render_template(
        "proposals/index.html",
        listing=found,
        filters=filters,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    form = ProposalForm()
    form.taxonomy.choices = [
        (slug, name_ar if _arabic() else name_en)
        for slug, name_ar, name_en in proposal_views.proposable(current_user)
    ]
    if request.method == "GET" and request.args.get("taxonomy"):
        form.taxonomy.data = request.args["taxonomy"]
    if form.validate_on_submit():
        try:
            proposal = proposals.create(
                current_user,
                form.taxonomy.data or "",
                form.title.data or "",
                form.rationale.data or "",
            )
        except ServiceError as error:
            show_error(form, error, "title")
        else:
            concept = request.form.get("concept") or None
            return redirect(
                url_for(
                    "proposals.show",
                    proposal_id=proposal.id,
                    concept=concept,
                    op="relabel" if concept else None,
                )
                + ("#composer" if concept else ""),
                303,
            )
    concept = (request.values.get("concept") or "")[:200]
    return render_template("proposals/new.html", form=form, concept=concept), (
        422 if form.errors else 200
    )


def _arabic() -> bool:
    from flask_babel import get_locale

    return str(get_locale()) == "ar"


@bp.get("/<int:proposal_id>")
@login_required
def show(proposal_id: int) -> ResponseReturnValue:
    return page(proposal_id)


def page(proposal_id: int, status: int = 200, **forms: Any) -> ResponseReturnValue:
    """The proposal's page; for htmx, only its workbench (changes, preview and the forms
    that carry the proposal's revision)."""
    view = proposal_views.view(current_user, proposal_id)
    composer = forms.get("composer") or change_form(formdata=None)
    composer.revision.data = str(view.proposal.revision)
    chosen_op = forms.get("op") or request.args.get("op", "add")
    composer.op.data = chosen_op if chosen_op in OPS else "add"
    if "composer" not in forms and request.args.get("concept"):
        _drawn_with(composer, view.result.get(request.args["concept"][:200].strip()))
    edit = forms.get("edit") or ProposalForm(
        formdata=None, title=view.proposal.title, rationale=view.proposal.rationale
    )
    edit.revision.data = str(view.proposal.revision)
    button = RevisionForm(formdata=None, revision=str(view.proposal.revision))
    # The workbench alone (htmx) has no discussion in it.
    discussion = {} if htmx.wants_fragment() else comment_views.discussion_context(proposal_id)
    votes = [] if htmx.wants_fragment() else decisions.all_for(proposal_id)
    return htmx.render(
        "proposals/show.html",
        "proposals/_workbench.html",
        status,
        **discussion,
        votes=votes,
        file_form=ProposalFileForm(formdata=None, revision=str(view.proposal.revision)),
        proposal_id=proposal_id,
        view=view,
        composer=composer,
        chosen_op=composer.op.data,
        ops=OPS,
        edit=edit,
        button=button,
    )


def _drawn_with(composer: ChangeForm, concept: Concept | None) -> None:
    """The composer for one concept: its id, and for a relabel its own labels, notes and
    synonyms to edit (so that an emptied field means "remove")."""
    if concept is None:
        return
    composer.concept.data = concept.id
    if composer.op.data != "relabel":
        return
    composer.label_ar.data = concept.labels.get("ar", "")
    composer.label_en.data = concept.labels.get("en", "")
    composer.note_ar.data = concept.notes.get("ar", "")
    composer.note_en.data = concept.notes.get("en", "")
    composer.alt_ar.data = "\n".join(concept.alt_labels.get("ar", ()))
    composer.alt_en.data = "\n".join(concept.alt_labels.get("en", ()))
    composer.prefilled_for.data = concept.id


@bp.post("/<int:proposal_id>/rebase")
@login_required
def rebase(proposal_id: int) -> ResponseReturnValue:
    return back_to_page(
        proposal_id, lambda revision: proposals.rebase(current_user, proposal_id, revision)
    )


@bp.post("/<int:proposal_id>/status/<target>")
@login_required
def status(proposal_id: int, target: str) -> ResponseReturnValue:
    form = RevisionForm()
    note = form.note.data or ""
    by = form.by.data if not form.by.errors else None
    return back_to_page(
        proposal_id,
        lambda _revision: proposals.move(current_user, proposal_id, target, note, by),
    )


def back_to_page(proposal_id: int, action: Any) -> ResponseReturnValue:
    """A button of the proposal's page: do it, then back to the page (with the refusal);
    for htmx, the page's workbench."""
    form = RevisionForm()
    where = "#changes"
    if form.validate_on_submit():
        try:
            action(int(form.revision.data or 0))
        except PermissionDenied:
            raise  # the 403 page
        except ServiceError as error:
            flash(error.message, "error")
            where = ""
    if htmx.wants_fragment():
        return page(proposal_id)
    return redirect(url_for("proposals.show", proposal_id=proposal_id) + where, 303)


@bp.post("/<int:proposal_id>/edit")
@login_required
def edit(proposal_id: int) -> ResponseReturnValue:
    form = ProposalForm()
    form.taxonomy.choices = [("-", "-")]
    form.taxonomy.data = "-"
    if form.validate_on_submit():
        try:
            proposals.edit(
                current_user,
                proposal_id,
                int(form.revision.data or 0),
                form.title.data or "",
                form.rationale.data or "",
            )
        except PermissionDenied:
            raise  # the 403 page
        except ServiceError as error:
            show_error(form, error, "title")
        else:
            flash(_l("The proposal is saved."), "success")
            return redirect(url_for("proposals.show", proposal_id=proposal_id), 303)
    return page(proposal_id, 422, edit=form)
