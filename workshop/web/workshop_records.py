"""What a workshop leaves behind: its minutes (a printable page, and JSON in the API), and
the sign-in cards handed out in the hall before it starts."""

from __future__ import annotations

from flask import g, jsonify, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ..services import minutes, sign_in_cards
from .api import bp as api_bp
from .forms import EmptyForm
from .workshops import bp


@bp.get("/<int:workshop_id>/minutes")
@login_required
def minutes_page(workshop_id: int) -> ResponseReturnValue:
    return render_template("workshops/minutes.html", minutes=minutes.of(current_user, workshop_id))


@api_bp.get("/workshops/<int:workshop_id>/minutes")
def minutes_json(workshop_id: int) -> ResponseReturnValue:
    return jsonify(minutes.of(g.actor, workshop_id).record())


@bp.route("/<int:workshop_id>/cards", methods=["GET", "POST"])
@login_required
def cards(workshop_id: int) -> ResponseReturnValue:
    """Who gets a card; a confirmed POST issues them (shown once, to print)."""
    form = EmptyForm()
    found = sign_in_cards.representatives(current_user, workshop_id)
    if form.validate_on_submit():
        _workshop, issued = sign_in_cards.issue(current_user, workshop_id)
        return render_template("workshops/cards.html", found=found, issued=issued, form=form)
    return render_template("workshops/cards.html", found=found, issued=[], form=form)
