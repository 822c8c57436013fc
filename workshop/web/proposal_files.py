"""Changes of a proposal from a file: upload it (the whole tree, a subtree or a change
set); when some of its concepts may be the tree's under other ids, pair them first."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..services import proposal_files, proposals, uploads
from ..services.errors import InvalidFile, PermissionDenied, ServiceError
from .forms import PairingForm, ProposalFileForm
from .proposals import bp


@bp.post("/<int:proposal_id>/file")
@login_required
def add_file(proposal_id: int) -> ResponseReturnValue:
    """Changes from a file: the tree (or a subtree) as the agency wants it, or a change
    set."""
    form = ProposalFileForm()
    if not form.validate_on_submit():
        flash(_l("Choose a file."), "error")
        return _back(proposal_id, "from-file")
    uploaded = form.file.data
    upload = uploads.Upload(
        uploaded.read(), uploaded.filename or "upload", match_labels=bool(form.match_labels.data)
    )
    try:
        done = proposal_files.add_file(
            current_user,
            proposal_id,
            int(form.revision.data or 0),
            upload,
            bool(form.allow_mass_retire.data),
            (form.under.data or "").strip(),
        )
    except PermissionDenied:
        raise
    except ServiceError as error:
        _refused(error)
        return _back(proposal_id, "from-file")
    if isinstance(done, proposal_files.Pairing):
        return _pairing_page(
            proposal_id, done, PairingForm(formdata=None, revision=form.revision.data)
        )
    return _added(proposal_id, done)


@bp.post("/<int:proposal_id>/file/<token>")
@login_required
def pair_file(proposal_id: int, token: str) -> ResponseReturnValue:
    """The author's pairs: each of the file's new concepts is new, or one of the tree's."""
    form = PairingForm()
    if not form.validate_on_submit():
        return _back(proposal_id, "from-file")
    chosen = {}
    for key, new_id in request.form.items():
        if key.startswith("new-"):
            old_id = request.form.get("pair-" + key.removeprefix("new-"), "")
            if old_id:
                chosen[new_id] = old_id
    try:
        done = proposal_files.pair(
            current_user,
            proposal_id,
            int(form.revision.data or 0),
            token,
            chosen,
            bool(form.allow_mass_retire.data),
        )
    except PermissionDenied:
        raise
    except ServiceError as error:
        _refused(error)
        return _back(proposal_id, "from-file")
    return _added(proposal_id, done)


def _pairing_page(
    proposal_id: int, pairing: proposal_files.Pairing, form: PairingForm
) -> ResponseReturnValue:
    return render_template(
        "proposals/pairing.html",
        proposal=proposals.get(proposal_id),
        pairing=pairing,
        form=form,
    )


def _added(proposal_id: int, done: proposal_files.FromFile) -> Response:
    flash(
        ngettext(
            "%(num)d change from the file is added.",
            "%(num)d changes from the file are added.",
            done.added,
        ),
        "success",
    )
    for pair in done.pairs[:20]:
        flash(
            _l(
                "Paired by label: %(new)s in the file is %(old)s.", new=pair.new_id, old=pair.old_id
            ),
            "info",
        )
    return _back(proposal_id, "changes")


def _refused(error: ServiceError) -> None:
    flash(error.message, "error")
    if isinstance(error, InvalidFile):
        for problem in error.problems[:5]:
            flash(
                problem.text(str(get_locale() or "en"))
                if hasattr(problem, "text")
                else str(problem),
                "error",
            )


def _back(proposal_id: int, anchor: str) -> Response:
    return redirect(url_for("proposals.show", proposal_id=proposal_id) + f"#{anchor}", 303)
