"""Accounts: sign-in, own password, and the coordinators' account administration."""

from __future__ import annotations

import contextlib
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from importlib import resources

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash, generate_password_hash

from ..models import Agency, Role, User, as_utc, db, utcnow
from . import audit
from .errors import Busy, NotFound, ServiceError
from .permissions import Actor, Permission, require
from .unit_of_work import unit_of_work, use_case

MIN_PASSWORD_LENGTH = 10
USERNAME_ALLOWED = set("abcdefghijklmnopqrstuvwxyz0123456789._-")
# Checked against when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-password")


@dataclass(frozen=True)
class NewAccount:
    """What a coordinator enters to create one account."""

    username: str
    display_name: str
    role: Role
    agency_code: str | None = None
    password: str | None = None


@dataclass(frozen=True)
class Issued:
    """An account together with the one-time password it was given."""

    user: User
    password: str


def normalise_username(raw: str) -> str:
    return unicodedata.normalize("NFC", raw).strip().lower()


def load_user(session_id: str) -> User | None:
    """The account behind a session (Flask-Login's user loader): "id:epoch" as
    User.get_id made it, or None once the account's sessions were ended since."""
    user_id, _sep, epoch = session_id.partition(":")
    try:
        user = db.session.get(User, int(user_id))
    except ValueError:
        return None
    if user is None or str(user.session_epoch) != epoch:
        return None
    return user


@dataclass(frozen=True)
class SessionReader:
    """The account behind a session as a read needs it (an Actor), from one Core query."""

    id: int
    role: Role
    agency_id: int | None
    must_change_password: bool
    active: bool = True


_account = User.__table__.c
_READER = select(_account.role, _account.agency_id, _account.must_change_password).where(
    _account.id == bindparam("id"),
    _account.session_epoch == bindparam("epoch"),
    _account.active.is_(True),
)


def session_reader(session_id: str) -> SessionReader | None:
    """load_user's answer without building the ORM user (which cost more than the query,
    on fragments every reader shares): None when load_user would give None."""
    user_id, _sep, epoch = session_id.partition(":")
    try:
        number, era = int(user_id), int(epoch)
    except ValueError:
        return None
    if not 0 < number < 2**31 or not 0 <= era < 2**31:
        return None
    row = db.session.connection().execute(_READER, {"id": number, "epoch": era}).first()
    if row is None:
        return None
    return SessionReader(number, Role(row.role), row.agency_id, bool(row.must_change_password))


# Failed sign-ins of one account, from any address, before it must wait; then the wait
# doubles with each failure, up to BACK_OFF_MAX_SECONDS. Not a lockout: the owner's own
# browser (one that signed in to the account before) is not held back.
FREE_FAILURES = 5
BACK_OFF_MAX_SECONDS = 300


def back_off_seconds(failures: int) -> int:
    if failures < FREE_FAILURES:
        return 0
    return int(min(2 ** (failures - FREE_FAILURES), BACK_OFF_MAX_SECONDS))


def authenticate(username: str, password: str, known_browser: bool = False) -> User:
    """Return the active user with these credentials or raise with a message for the form.
    `known_browser`: the request comes from a browser that signed in to this account
    before, which the account's back-off does not hold back."""
    with unit_of_work():
        user = db.session.scalar(select(User).where(User.username == normalise_username(username)))
        if user is None:
            check_password_hash(_DUMMY_HASH, password)
            raise ServiceError(str(_l("Unknown username or wrong password.")), field="password")
        now = utcnow()
        waiting = user.sign_in_after is not None and as_utc(user.sign_in_after) > now
        if waiting and not known_browser:
            assert user.sign_in_after is not None
            seconds = int((as_utc(user.sign_in_after) - now).total_seconds()) + 1
            raise ServiceError(
                str(
                    _l(
                        "Too many failed sign-ins for this account: try again in %(seconds)d "
                        "seconds.",
                        seconds=seconds,
                    )
                ),
                field="password",
            )
        if check_password_hash(user.password_hash, password):
            return _signed_in(user)
        failures = user.failed_sign_ins + 1
    _record_failure(user.id, failures)
    raise ServiceError(str(_l("Unknown username or wrong password.")), field="password")


def _record_failure(user_id: int, failures: int) -> None:
    """Count the failure in a unit of work of its own (the refusal itself writes nothing);
    a busy database only loses the count."""
    with contextlib.suppress(Busy), unit_of_work():
        user = db.session.get(User, user_id)
        if user is not None:
            user.failed_sign_ins = failures
            wait = back_off_seconds(failures)
            user.sign_in_after = utcnow() + timedelta(seconds=wait) if wait else None
            audit.record(user, "auth.sign_in_failed", user.username, failures=failures)


def _signed_in(user: User) -> User:
    if not user.active:
        raise ServiceError(
            str(_l("This account is deactivated. Ask the coordinators.")), field="username"
        )
    if user.failed_sign_ins or user.sign_in_after is not None:
        user.failed_sign_ins, user.sign_in_after = 0, None
    audit.record(user, "auth.sign_in", user.username)
    return user


@use_case()
def record_sign_out(user: User) -> None:
    """Signing out ends every session of the account (a copied cookie too)."""
    user.end_sessions()
    audit.record(user, "auth.sign_out", user.username)


@use_case(Permission.EDIT_PROFILE)
def change_password(user: User, current: str, new: str) -> None:
    """Change the signed-in user's own password after checking the current one."""
    if not check_password_hash(user.password_hash, current):
        raise ServiceError(str(_l("The current password is wrong.")), field="current")
    _set_password(user, new, _l("The new password must differ from the current one."))


@use_case(Permission.EDIT_PROFILE)
def choose_first_password(user: User, new: str) -> None:
    """The first password of an account signed in with a one-time password a moment ago
    (the sign-in checked it: it is not asked again)."""
    if not user.must_change_password:
        raise ServiceError(str(_l("The current password is wrong.")), field="current")
    _set_password(user, new, _l("Choose a password of your own, not the one-time password."))


def _set_password(user: User, new: str, same_as_before: object) -> None:
    """A new password of the user's own choosing, not the one it replaces; every session of
    the account ends (the caller's own goes on by signing in again)."""
    check_password_strength(new, field="new", username=user.username)
    if check_password_hash(user.password_hash, new):
        raise ServiceError(str(same_as_before), field="new")
    user.password_hash = generate_password_hash(new)
    user.must_change_password = False
    user.end_sessions()
    audit.record(user, "account.password_changed", user.username)


@cache
def common_passwords() -> frozenset[str]:
    """The common passwords of MIN_PASSWORD_LENGTH characters or more: Django's list of
    20,000 (by Royce Williams), kept in common-passwords.txt."""
    text = resources.files(__package__).joinpath("common-passwords.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def check_password_strength(password: str, field: str = "password", username: str = "") -> None:
    folded = password.strip().lower()
    if folded in common_passwords() or (username and username.lower() in folded):
        raise ServiceError(
            str(_l("This password is too easy to guess: it is common, or holds the username.")),
            field=field,
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            str(
                _l(
                    "A password needs at least %(count)d characters.",
                    count=MIN_PASSWORD_LENGTH,
                )
            ),
            field=field,
        )


def list_accounts(actor: Actor) -> list[User]:
    require(actor, Permission.MANAGE_ACCOUNTS)
    return list(
        db.session.scalars(
            select(User).options(selectinload(User.agency)).order_by(User.role, User.username)
        )
    )


@use_case(Permission.MANAGE_ACCOUNTS)
def create_account(actor: Actor, new: NewAccount) -> Issued:
    """Create one account; without a chosen password a one-time password is issued."""
    user, password = build_account(new)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "account.created", user.username, role=user.role.value)
    return Issued(user, password)


def build_account(new: NewAccount) -> tuple[User, str]:
    """Check one account's fields and build it (not yet added); raises ServiceError."""
    username = normalise_username(new.username)
    if not username or not set(username) <= USERNAME_ALLOWED or len(username) > 64:
        raise ServiceError(
            str(_l("A username uses 1 to 64 Latin letters, digits, '.', '_' or '-'.")),
            field="username",
        )
    if db.session.scalar(select(func.count()).where(User.username == username)):
        raise ServiceError(
            str(_l("The username %(name)s is taken.", name=username)), field="username"
        )
    display_name = unicodedata.normalize("NFC", new.display_name).strip()
    if not display_name:
        raise ServiceError(str(_l("A display name is required.")), field="display_name")
    agency = None
    if new.role is Role.REPRESENTATIVE:
        code = (new.agency_code or "").strip().upper()
        if not code:
            raise ServiceError(str(_l("A representative needs an agency.")), field="agency")
        agency = db.session.scalar(select(Agency).where(Agency.code == code))
        if agency is None or not agency.active:
            raise ServiceError(str(_l("Unknown agency %(code)s.", code=code)), field="agency")
    elif new.agency_code:
        raise ServiceError(str(_l("Only representatives belong to an agency.")), field="agency")
    password = new.password or temporary_password()
    check_password_strength(password, username=username)
    user = User(
        username=username,
        display_name=display_name,
        role=new.role,
        # The id, not the relationship: a half-built account must not join agency.users.
        agency_id=agency.id if agency else None,
        password_hash=generate_password_hash(password),
        must_change_password=new.password is None,
    )
    return user, password


# No 0/O/o, 1/l/I: a password read off a card in the hall must not be mistyped.
PASSWORD_ALPHABET = "23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"


def temporary_password() -> str:
    """Three groups of four (about 69 bits), easy to read aloud and type: "k7Qm-8rTz-3fHd"."""
    return "-".join(
        "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _group in range(3)
    )


def get_account(actor: Actor, user_id: int) -> User:
    require(actor, Permission.MANAGE_ACCOUNTS)
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(str(_l("No such account.")))
    return user


@use_case(Permission.MANAGE_ACCOUNTS)
def set_active(actor: Actor, user_id: int, active: bool) -> User:
    """Deactivate (or reactivate) an account; coordinators cannot lock themselves out."""
    user = get_account(actor, user_id)
    if user.id == actor.id and not active:
        raise ServiceError(str(_l("You cannot deactivate your own account.")))
    user.active = active
    audit.record(actor, "account.activated" if active else "account.deactivated", user.username)
    return user


@use_case(Permission.MANAGE_ACCOUNTS)
def reset_password(actor: Actor, user_id: int) -> Issued:
    """Give an account a new one-time password, to be changed at the next sign-in."""
    user = get_account(actor, user_id)
    password = temporary_password()
    user.password_hash = generate_password_hash(password)
    user.must_change_password = True
    user.end_sessions()
    audit.record(actor, "account.password_reset", user.username)
    return Issued(user, password)
