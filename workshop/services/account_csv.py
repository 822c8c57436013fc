"""Bulk creation of accounts from a CSV file: all lines or none."""

from __future__ import annotations

import csv
import io

from flask_babel import lazy_gettext as _l

from ..models import Role, User, db
from . import audit
from .accounts import Issued, NewAccount, build_account, normalise_username
from .errors import InvalidFile, ServiceError
from .permissions import Actor, Permission
from .unit_of_work import use_case

COLUMNS = ("agency", "username", "display_name", "role")
# Headers people write for the same columns.
ALIASES = {"agency_code": "agency", "display name": "display_name", "name": "display_name"}


@use_case(Permission.MANAGE_ACCOUNTS)
def import_accounts(actor: Actor, data: bytes) -> list[Issued]:
    """Create the accounts of a CSV file (agency code, username, display name, role).

    Either every line is valid and all accounts are created, or InvalidFile lists every line
    at fault and nothing is written.
    """
    rows = read_rows(data)
    problems: list[str] = []
    built: list[tuple[User, str]] = []
    seen: set[str] = set()
    for line, row in rows:
        try:
            username = normalise_username(row["username"])
            if username in seen:
                raise ServiceError(str(_l("The username %(name)s is taken.", name=username)))
            seen.add(username)
            new = NewAccount(
                username=row["username"],
                display_name=row["display_name"],
                role=parse_role(row["role"]),
                agency_code=row["agency"] or None,
            )
            built.append(build_account(new))
        except ServiceError as error:
            problems.append(str(_l("Line %(line)d: %(problem)s", line=line, problem=error)))
    if problems:
        raise InvalidFile(str(_l("Nothing was imported.")), problems)
    for user, _password in built:
        db.session.add(user)
    db.session.flush()
    for user, _password in built:
        audit.record(actor, "account.imported", user.username, role=user.role.value)
    return [Issued(user, password) for user, password in built]


def parse_role(raw: str) -> Role:
    try:
        return Role(raw.strip().lower())
    except ValueError:
        raise ServiceError(
            str(
                _l(
                    "Unknown role %(role)s (use coordinator, representative or observer).",
                    role=raw.strip(),
                )
            )
        ) from None


def read_rows(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """Decode and parse the file; return (line number, row) pairs or raise InvalidFile."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidFile(
            str(_l("The file is not UTF-8 text.")),
            [
                str(
                    _l(
                        "Invalid byte at position %(pos)d; save the file as CSV UTF-8.",
                        pos=error.start,
                    )
                )
            ],
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidFile(str(_l("The file is empty.")), []) from None
    names = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise InvalidFile(
            str(_l("Line 1: missing column(s) %(columns)s.", columns=", ".join(missing))),
            [str(_l("Expected the columns %(columns)s.", columns=", ".join(COLUMNS)))],
        )
    rows = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        values = dict(zip(names, row, strict=False))
        rows.append((reader.line_num, {c: values.get(c, "").strip() for c in COLUMNS}))
    if not rows:
        raise InvalidFile(str(_l("The file has no accounts.")), [])
    return rows
