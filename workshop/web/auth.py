"""Sign in, sign out, own profile and password."""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..extensions import limiter, login_manager
from ..services import accounts
from ..services.errors import ServiceError
from .forms import EmptyForm, FirstPasswordForm, LoginForm, PasswordForm, show_error
from .navigation import safe_next

bp = Blueprint("auth", __name__)

# Endpoints a user with a one-time password may reach before choosing a new one.
OPEN_WITH_TEMPORARY_PASSWORD = {"auth.profile", "auth.logout", "main.language", "static"}


def init_login(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"

    login_manager.user_loader(accounts.load_user)

    @app.before_request
    def require_new_password() -> ResponseReturnValue | None:
        if request.endpoint in POLLED:
            return None  # it checks its reader itself, after its cheap 304 (workshops.live)
        view = app.view_functions.get(request.endpoint or "")
        if getattr(view, "checks_its_reader", False):
            return None  # web/readers.py: reader_required
        if request.blueprint == "api" and request.headers.get("Authorization", "").startswith(
            "Bearer "
        ):
            return None  # the API answers a token, never the session (web/api.py checks it)
        return temporary_password_redirect()


def temporary_password_redirect() -> ResponseReturnValue | None:
    """To the profile page, for an account that must first choose a new password."""
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in OPEN_WITH_TEMPORARY_PASSWORD
    ):
        flash(_l("Choose a new password before you go on."), "info")
        return redirect(url_for("auth.profile"))
    return None


# Endpoints polled every second by a hall of phones: they answer "unchanged" (304) before
# loading the signed-in user, and check the user themselves when they answer in full.
POLLED = frozenset({"workshops.live"})


def login_rate_key() -> str:
    """Address and username together: a whole hall may sign in from one NAT address."""
    username = (request.form.get("username") or "").strip().lower()
    return f"{get_remote_address()}|{username}"


def _failed(response: Response) -> bool:
    """Only failed sign-ins count toward the limits (a success redirects)."""
    return response.status_code != 303


KNOWN_BROWSER_COOKIE = "known_browser"
KNOWN_BROWSER_DAYS = 180
KNOWN_BROWSER_ACCOUNTS = 5


def _known_accounts() -> list[str]:
    """The accounts that signed in on this browser before (a signed cookie)."""
    raw = request.cookies.get(KNOWN_BROWSER_COOKIE, "")
    try:
        names = _known_serializer().loads(raw, max_age=KNOWN_BROWSER_DAYS * 86400)
    except BadSignature:
        return []
    return [str(n) for n in names] if isinstance(names, list) else []


def _known_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="known-browser")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: str(current_app.config["LOGIN_RATE_LIMIT"]),
    key_func=login_rate_key,
    methods=["POST"],
    deduct_when=_failed,
)
@limiter.limit(
    lambda: str(current_app.config["LOGIN_ADDRESS_RATE_LIMIT"]),
    key_func=get_remote_address,
    methods=["POST"],
    deduct_when=_failed,
    scope="login-address",
)
def login() -> ResponseReturnValue:
    """Show the sign-in form; on success go where the user was heading."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        username = accounts.normalise_username(form.username.data or "")
        known = _known_accounts()
        try:
            user = accounts.authenticate(username, form.password.data or "", username in known)
        except ServiceError as error:
            show_error(form, error, "password")
        else:
            login_user(user)
            session.pop("csrf_token", None)  # a new CSRF token for the signed-in session
            if user.must_change_password:  # just typed: not asked again on the next page
                session["one_time_password_of"] = user.id
            response = redirect(safe_next(request.args.get("next")) or url_for("main.home"), 303)
            remembered = [username, *(n for n in known if n != username)]
            response.set_cookie(
                KNOWN_BROWSER_COOKIE,
                _known_serializer().dumps(remembered[:KNOWN_BROWSER_ACCOUNTS]),
                max_age=KNOWN_BROWSER_DAYS * 86400,
                httponly=True,
                samesite="Lax",
                secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
            )
            return response
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    form = EmptyForm()
    if form.validate_on_submit():
        accounts.record_sign_out(current_user)
        logout_user()
        flash(_l("You are signed out."), "info")
    return redirect(url_for("auth.login"), 303)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile() -> ResponseReturnValue:
    """The signed-in user's account, with the form to change the password."""
    first = (
        current_user.must_change_password and session.get("one_time_password_of") == current_user.id
    )
    form: PasswordForm | FirstPasswordForm = FirstPasswordForm() if first else PasswordForm()
    if form.validate_on_submit():
        try:
            if isinstance(form, FirstPasswordForm):
                accounts.choose_first_password(current_user, form.new.data or "")
                session.pop("one_time_password_of", None)
            else:
                accounts.change_password(current_user, form.current.data or "", form.new.data or "")
        except ServiceError as error:
            show_error(form, error, "new")
        else:
            login_user(current_user._get_current_object())  # this session goes on; others end
            flash(_l("Your password is changed."), "success")
            return redirect(url_for("auth.profile"), 303)
    status = 422 if form.errors else 200
    return render_template("auth/profile.html", form=form), status
