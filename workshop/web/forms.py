"""WTForms forms: they parse and check the shape of input; services check the rest."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from ..models import Role


class EmptyForm(FlaskForm):
    """A bare button: only the CSRF token."""


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two passwords differ."))],
    )


def role_choices() -> list[tuple[str, str]]:
    return [
        (Role.REPRESENTATIVE.value, str(_l("Representative"))),
        (Role.OBSERVER.value, str(_l("Observer"))),
        (Role.COORDINATOR.value, str(_l("Coordinator"))),
    ]


class AccountForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    display_name = StringField(_l("Display name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), validators=[DataRequired()])
    agency = SelectField(_l("Agency"), validators=[Optional()])
    password = PasswordField(
        _l("Password (leave empty to issue a one-time password)"),
        validators=[Optional(), Length(max=200)],
    )


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired()])
