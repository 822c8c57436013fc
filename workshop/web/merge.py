"""The merge page: the approved proposals in merge order, the candidate they make with its
report and tree diff, holding a proposal back, publishing; and undoing a version."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..services import candidates, decisions, publication
from ..services.errors import NotFound
from .forms import EmptyForm, attempt

bp = Blueprint("merge", __name__, url_prefix="/taxonomies")


@bp.get("/<slug>/merge")
@login_required
def page(slug: str) -> ResponseReturnValue:
    taxonomy, queue, candidate = candidates.view(current_user, slug)
    context: dict[str, Any] = {
        "taxonomy": taxonomy,
        "queue": queue,
        "candidate": candidate,
        "decided": decisions.last_decisions([p.id for p in queue]),
        "button": EmptyForm(formdata=None),
    }
    if candidate is not None:
        merged = candidates.trees(candidate)
        entries = candidates.entries_of(candidate)
        context.update(
            entries=entries,
            titles={p.id: p for p in queue},
            merged=merged,
            rows=[(p, change) for p, changes in merged.applied().items() for change in changes],
            held=[e for e in entries if not e.accepted],
            stale=candidates.stale(candidate),
        )
        positions = {p: n for n, p in enumerate(candidate.order, start=1)}
    else:
        positions = {p.id: n for n, p in enumerate(queue, start=1)}
    context["positions"] = positions
    context["queue"] = sorted(queue, key=lambda p: positions.get(p.id, len(positions) + 1))
    return render_template("taxonomy/merge.html", **context)


def _act(slug: str, action: Callable[[], Any], done: str) -> ResponseReturnValue:
    if EmptyForm().validate_on_submit() and attempt(action, NotFound) is not None:
        flash(done, "success")
    return redirect(url_for("merge.page", slug=slug), 303)


@bp.post("/<slug>/merge/build")
@login_required
def build(slug: str) -> ResponseReturnValue:
    """The proposals sorted by the positions typed in (ties keep the order shown)."""
    placed: list[tuple[float, int, int]] = []
    for key, value in request.form.items():
        if key.startswith("position-") and key[9:].isdigit():
            try:
                position = float(value)
            except ValueError:
                position = float("inf")
            placed.append((position, len(placed), int(key[9:])))
    order = [proposal for _position, _n, proposal in sorted(placed)] or None
    note = request.form.get("note", "")[:2000]
    return _act(
        slug,
        lambda: candidates.build(current_user, slug, order, note),
        str(_l("The candidate is built.")),
    )


@bp.post("/<slug>/merge/<int:candidate_id>/hold-back")
@login_required
def hold_back(slug: str, candidate_id: int) -> ResponseReturnValue:
    proposal_id = request.form.get("proposal", type=int) or 0
    reason = request.form.get("reason", "")[:2000]
    amend = request.form.get("amend") == "yes"
    return _act(
        slug,
        lambda: publication.hold_back(current_user, candidate_id, proposal_id, reason, amend),
        str(_l("The proposal is held back and the candidate built again without it.")),
    )


@bp.post("/<slug>/merge/<int:candidate_id>/publish")
@login_required
def publish(slug: str, candidate_id: int) -> ResponseReturnValue:
    note = request.form.get("note", "")
    version = None
    if EmptyForm().validate_on_submit():
        version = attempt(lambda: publication.publish(current_user, candidate_id, note), NotFound)
    if version is None:
        return redirect(url_for("merge.page", slug=slug), 303)
    flash(_l("Version %(number)d is published.", number=version.number), "success")
    return redirect(url_for("records.changelog", slug=slug, number=version.number), 303)


@bp.post("/<slug>/versions/<int:number>/revert")
@login_required
def revert(slug: str, number: int) -> ResponseReturnValue:
    reason = request.form.get("reason", "")[:2000]
    if EmptyForm().validate_on_submit():
        version = attempt(lambda: publication.revert(current_user, slug, number, reason), NotFound)
        if version is not None:
            flash(_l("Version %(number)d is published.", number=version.number), "success")
    return redirect(url_for("browser.versions", slug=slug), 303)
