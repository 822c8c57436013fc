"""Account administration for coordinators."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, lazy_ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..services import account_csv, accounts, agencies, tokens
from ..services.errors import InvalidFile, ServiceError
from ..services.permissions import Permission, Role, require
from ..taxonomy import Finding
from .forms import AccountForm, EmptyForm, ImportForm, TokenForm, role_choices, show_error
from .htmx import render, wants_fragment
from .security import shows_secret

bp = Blueprint("admin", __name__, url_prefix="/admin")


def account_form() -> AccountForm:
    form = AccountForm()
    locale = str(get_locale())
    form.role.choices = role_choices()
    form.agency.choices = [("", str(_l("None (not a representative)")))] + [
        (a.code, a.name_ar if locale == "ar" else f"{a.code} · {a.name_en}")
        for a in agencies.list_agencies(current_user)
        if a.active
    ]
    return form


def accounts_page(
    form: AccountForm, issued: list[accounts.Issued] | None = None, status: int = 200
) -> ResponseReturnValue:
    if issued:
        shows_secret()
    return render(
        "admin/accounts.html",
        "admin/_account_table.html",
        status=status,
        form=form,
        action_form=EmptyForm(),
        users=accounts.list_accounts(current_user),
        issued=issued or [],
    )


@bp.get("/accounts")
@login_required
def account_list() -> ResponseReturnValue:
    """Every account with its role, agency and state, and the form to add one."""
    return accounts_page(account_form())


@bp.post("/accounts")
@login_required
def create_account() -> ResponseReturnValue:
    form = account_form()
    if form.validate_on_submit():
        try:
            issued = accounts.create_account(
                current_user,
                accounts.NewAccount(
                    username=form.username.data or "",
                    display_name=form.display_name.data or "",
                    role=Role(form.role.data),
                    agency_code=form.agency.data or None,
                    password=form.password.data or None,
                ),
            )
        except ServiceError as error:
            show_error(form, error, "username")
        else:
            flash(_l("Account %(name)s created.", name=issued.user.username), "success")
            # A password the coordinator chose is not echoed; an issued one is shown once.
            return accounts_page(account_form(), [] if form.password.data else [issued])
    return accounts_page(form, status=422)


@bp.get("/accounts/<int:user_id>/<any(deactivate, activate, reset):action>")
@login_required
def confirm_account_action(user_id: int, action: str) -> ResponseReturnValue:
    """Ask before acting: the question and a form that does it (in place of the buttons,
    or as a page without JavaScript)."""
    user = accounts.get_account(current_user, user_id)
    question = {
        "deactivate": _l("Deactivate the account %(name)s? It can no longer sign in."),
        "activate": _l("Activate the account %(name)s again?"),
        "reset": _l("Give %(name)s a new one-time password? The current password stops working."),
    }[action]
    target = (
        url_for("admin.reset_password", user_id=user_id)
        if action == "reset"
        else url_for("admin.set_active", user_id=user_id, action=action)
    )
    return render(
        "admin/confirm.html",
        "admin/_confirm.html",
        question=str(question) % {"name": user.username},
        action=target,
        swap_target="#accounts",
        back=url_for("admin.account_list"),
        form=EmptyForm(),
    )


@bp.post("/accounts/<int:user_id>/<any(deactivate, activate):action>")
@login_required
def set_active(user_id: int, action: str) -> ResponseReturnValue:
    if EmptyForm().validate_on_submit():
        user = accounts.set_active(current_user, user_id, action == "activate")
        flash(
            _l("Account %(name)s activated.", name=user.username)
            if user.active
            else _l("Account %(name)s deactivated.", name=user.username),
            "success",
        )
    if wants_fragment():
        return accounts_page(account_form())
    return redirect(url_for("admin.account_list"), 303)


@bp.post("/accounts/<int:user_id>/reset")
@login_required
def reset_password(user_id: int) -> ResponseReturnValue:
    """Issue a one-time password and show it once."""
    if EmptyForm().validate_on_submit():
        issued = accounts.reset_password(current_user, user_id)
        return accounts_page(account_form(), [issued])
    return redirect(url_for("admin.account_list"), 303)


@bp.route("/accounts/import", methods=["GET", "POST"])
@login_required
def import_accounts() -> ResponseReturnValue:
    """Create accounts from a CSV file: all lines or none."""
    require(current_user, Permission.MANAGE_ACCOUNTS)
    form = ImportForm()
    problems: list[Finding | str] = []
    if form.validate_on_submit():
        try:
            issued = account_csv.import_accounts(current_user, form.file.data.read())
        except InvalidFile as error:
            form.file.errors.append(error.message)
            problems = error.problems
        else:
            flash(
                lazy_ngettext(
                    "%(num)d account imported.", "%(num)d accounts imported.", len(issued)
                ),
                "success",
            )
            shows_secret()
            return render_template("admin/import_done.html", issued=issued)
    status = 422 if form.errors else 200
    return render_template("admin/import.html", form=form, problems=problems), status


@bp.get("/tokens")
@login_required
def token_list() -> ResponseReturnValue:
    """API tokens for consuming systems: create, see last use, revoke."""
    return render_template(
        "admin/tokens.html",
        form=TokenForm(),
        action_form=EmptyForm(),
        tokens=tokens.list_tokens(current_user),
        issued=None,
    )


@bp.post("/tokens")
@login_required
def create_token() -> ResponseReturnValue:
    form = TokenForm()
    issued = None
    if form.validate_on_submit():
        try:
            issued = tokens.create(current_user, form.name.data or "")
        except ServiceError as error:
            show_error(form, error, "name")
    status = 422 if form.errors else 200
    if issued is not None:
        shows_secret()
    return render_template(
        "admin/tokens.html",
        form=form if form.errors else TokenForm(formdata=None),
        action_form=EmptyForm(),
        tokens=tokens.list_tokens(current_user),
        issued=issued,
    ), status


@bp.get("/tokens/<int:token_id>/revoke")
@login_required
def confirm_revoke_token(token_id: int) -> ResponseReturnValue:
    token = tokens.get_token(current_user, token_id)
    question = _l(
        "Revoke the token of %(name)s? The system that uses it can no longer read.",
        name=token.name,
    )
    return render(
        "admin/confirm.html",
        "admin/_confirm.html",
        question=str(question),
        action=url_for("admin.revoke_token", token_id=token_id),
        swap_target=None,
        back=url_for("admin.token_list"),
        form=EmptyForm(),
    )


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> ResponseReturnValue:
    if EmptyForm().validate_on_submit():
        token = tokens.revoke(current_user, token_id)
        flash(_l("Token %(name)s revoked.", name=token.name), "success")
    return redirect(url_for("admin.token_list"), 303)
