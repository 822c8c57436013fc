"""Workshops: the list, a new one, the facilitator's console, a participant's ballot
panel and the projector. The live parts of the three screens are fragments that htmx polls
every second; an unchanged workshop answers 304 (its revision is the ETag), so a hall of
phones costs one indexed read each per second."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..services import taxonomies, voting, voting_views, workshops
from ..services.errors import Closed, PermissionDenied, ServiceError
from ..services.permissions import Permission, require
from . import live_parts, live_polls
from .errors import refusal_status
from .forms import EmptyForm, attempt, show_error, workshop_form
from .htmx import wants_fragment
from .readers import reader, reader_required

bp = Blueprint("workshops", __name__, url_prefix="/workshops")
SCREENS = ("console", "vote", "projector")


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    return render_template("workshops/index.html", found=workshops.listing(current_user))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    require(current_user, Permission.FACILITATE)
    form = workshop_form(
        [(t.slug, t.name(str(get_locale()))) for t, _v in taxonomies.list_taxonomies(current_user)]
    )
    if form.validate_on_submit():
        try:
            made = workshops.create(
                current_user,
                workshops.Setting(
                    form.taxonomy.data or "",
                    form.title_ar.data or "",
                    form.title_en.data or "",
                    form.held_on.data or date.today(),
                    form.place.data or "",
                    quorum_percent=form.quorum_percent.data or 50,
                    quorum_base=form.quorum_base.data or "present",
                    threshold=form.threshold.data or "2/3",
                    structural_threshold=form.structural_threshold.data or "",
                    consent=bool(form.consent.data),
                    secret=bool(form.secret.data),
                    results_hidden=not form.results_live.data,
                ),
            )
        except ServiceError as error:
            show_error(form, error, "title_ar")
        else:
            return redirect(url_for("workshops.console", workshop_id=made.id), 303)
    return render_template("workshops/new.html", form=form), 422 if form.errors else 200


@bp.get("/join")
@login_required
def join() -> ResponseReturnValue:
    """A workshop's join code, typed on a phone: to its ballot panel."""
    code = request.args.get("code", "")
    if not code:
        return render_template("workshops/join.html")
    found = workshops.by_code(current_user, code[:20])
    return redirect(url_for("workshops.vote", workshop_id=found.id), 303)


@bp.get("/<int:workshop_id>/console")
@login_required
def console(workshop_id: int) -> ResponseReturnValue:
    require(current_user, Permission.FACILITATE)
    return _screen(workshop_id, "console")


@bp.get("/<int:workshop_id>")
@login_required
def vote(workshop_id: int) -> ResponseReturnValue:
    return _screen(workshop_id, "vote")


@bp.get("/<int:workshop_id>/projector")
@login_required
def projector(workshop_id: int) -> ResponseReturnValue:
    return _screen(workshop_id, "projector")


def _screen(workshop_id: int, screen: str) -> ResponseReturnValue:
    state = voting_views.live(current_user, workshop_id)
    mine = voting_views.mine(current_user, workshop_id) if screen == "vote" else None
    return render_template(
        f"workshops/{screen}.html", mine=mine, **live_parts.context(state, screen)
    )


@bp.get("/<int:workshop_id>/live/<screen>")
def live(workshop_id: int, screen: str) -> ResponseReturnValue:
    """The live part of a screen. Its ETag is the workshop's revision (with the reader's
    agency and language, which change what it shows). A poll whose tag holds the current
    revision answers 304 after one indexed read, before the signed-in user is even loaded:
    the tag was given to that reader, and nothing it covers has moved. A full answer checks
    the reader as every fragment does (web/readers.py)."""
    if screen not in SCREENS:
        return redirect(url_for("workshops.vote", workshop_id=workshop_id), 303)
    revision = live_polls.peeked(request.environ, workshop_id) or voting_views.revision(workshop_id)
    held = request.if_none_match.as_set(include_weak=True)
    if any(t.startswith(f"{revision}-") and t.endswith(f"-{screen}") for t in held):
        response = make_response("", 304)
        response.set_etag(next(iter(t for t in held if t.startswith(f"{revision}-"))), weak=True)
        return _no_store(response)
    return _live_part(workshop_id, screen, revision)


@reader_required
def _live_part(workshop_id: int, screen: str, revision: str) -> ResponseReturnValue:
    actor = reader()
    if screen == "console":
        require(actor, Permission.FACILITATE)
    if not wants_fragment():
        return redirect(url_for(f"workshops.{screen}", workshop_id=workshop_id), 303)
    html, tag = live_parts.part(actor, workshop_id, screen, revision)
    response = make_response(html)
    response.set_etag(f"{tag}-{actor.agency_id}-{get_locale()}-{screen}", weak=True)
    return _no_store(response)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Cookie")
    return response


@bp.post("/<int:workshop_id>/ballot")
@reader_required
def ballot(workshop_id: int) -> ResponseReturnValue:
    """The agency's ballot in the round the panel showed (a changed round is refused).
    From htmx, the answer is the panel's live part with the message (the page and what is
    typed in it stay); without JavaScript, back to the page (409 once closed)."""
    actor = reader()
    require(actor, Permission.VOTE)
    round_id = request.form.get("round", type=int) or 0
    choice = request.form.get("choice", "")
    reason = request.form.get("reason", "")[:5000]
    message, kind, status = _l("Your agency's ballot is recorded."), "success", 200
    if not EmptyForm().validate_on_submit():
        message, kind, status = _l("The form expired; try again."), "error", 400
    else:
        try:
            voting.cast(actor, round_id, choice, reason, workshop_id)
        except PermissionDenied:
            raise
        except ServiceError as error:
            if isinstance(error, Closed) and not wants_fragment():
                raise  # the 409 page
            message, kind, status = error.message, "error", refusal_status(error)
    if not wants_fragment():
        flash(message, kind)
        return _back(workshop_id)
    if status == 200:
        mine = voting_views.Mine(round_id, True, choice)
        html = live_parts.ballot_answer(actor, workshop_id, mine)
    else:
        revision = voting_views.revision(workshop_id)
        html, _tag = live_parts.part(actor, workshop_id, "vote", revision)
    # The message goes next to the buttons, where the thumb is (the page's flash region
    # is a screen away on a phone).
    html += render_template("workshops/_ballot_status.html", message=message, kind=kind)
    return _no_store(make_response(html, status))


def _back(workshop_id: int) -> ResponseReturnValue:
    return redirect(url_for("workshops.vote", workshop_id=workshop_id) + "#ballot", 303)


def _to_console(workshop_id: int) -> ResponseReturnValue:
    return redirect(url_for("workshops.console", workshop_id=workshop_id), 303)


def _console_action(workshop_id: int, action: Any) -> ResponseReturnValue:
    if EmptyForm().validate_on_submit():
        attempt(action)
    return _to_console(workshop_id)


@bp.post("/<int:workshop_id>/roll-call")
@login_required
def roll_call(workshop_id: int) -> ResponseReturnValue:
    marks = {}
    everyone = request.form.get("everyone", "")
    if everyone in workshops.ATTENDANCE:  # "everyone present" at the start of the day
        seats = workshops.get(workshop_id).seats
        marks = {s.agency_id: (everyone, "") for s in seats}
    for key, value in request.form.items():
        if key.startswith("seat-") and key[5:].isdigit():
            marks[int(key[5:])] = (value, request.form.get(f"alternate-{key[5:]}", ""))
    return _console_action(
        workshop_id, lambda: workshops.roll_call(current_user, workshop_id, marks)
    )


@bp.post("/<int:workshop_id>/items")
@login_required
def add_item(workshop_id: int) -> ResponseReturnValue:
    proposal_id = request.form.get("proposal", type=int) or 0
    return _console_action(
        workshop_id, lambda: workshops.add_item(current_user, workshop_id, proposal_id)
    )


@bp.post("/<int:workshop_id>/items/<int:item_id>/<any(earlier, later):step>")
@login_required
def move_item(workshop_id: int, item_id: int, step: str) -> ResponseReturnValue:
    move = -1 if step == "earlier" else 1
    return _console_action(
        workshop_id, lambda: workshops.move_item(current_user, workshop_id, item_id, move)
    )


@bp.post("/<int:workshop_id>/items/<int:item_id>/open")
@login_required
def open_round(workshop_id: int, item_id: int) -> ResponseReturnValue:
    seconds = request.form.get("seconds", type=int)
    return _console_action(
        workshop_id, lambda: voting.open_round(current_user, item_id, seconds or None)
    )


@bp.post("/<int:workshop_id>/items/<int:item_id>/reopen")
@login_required
def reopen(workshop_id: int, item_id: int) -> ResponseReturnValue:
    reason = request.form.get("reason", "")[:2000]
    return _console_action(workshop_id, lambda: voting.reopen(current_user, item_id, reason))


@bp.post("/<int:workshop_id>/items/<int:item_id>/send-back")
@login_required
def send_back(workshop_id: int, item_id: int) -> ResponseReturnValue:
    return _console_action(workshop_id, lambda: voting.send_back(current_user, item_id))


@bp.post("/<int:workshop_id>/rounds/<int:round_id>/close")
@login_required
def close(workshop_id: int, round_id: int) -> ResponseReturnValue:
    return _console_action(workshop_id, lambda: voting.close(current_user, round_id))


@bp.post("/<int:workshop_id>/rounds/<int:round_id>/extend")
@login_required
def extend(workshop_id: int, round_id: int) -> ResponseReturnValue:
    seconds = request.form.get("seconds", type=int) or 60
    return _console_action(workshop_id, lambda: voting.extend(current_user, round_id, seconds))
