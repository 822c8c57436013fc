"""WTForms forms: they parse and check the shape of input; services check the rest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from ..services.errors import PermissionDenied, ServiceError
from ..services.permissions import Role


class EmptyForm(FlaskForm):
    """A bare button: only the CSRF token."""


T = TypeVar("T")


def attempt(action: Callable[[], T], *passed_on: type[ServiceError]) -> T | None:
    """Run a form post's service call. A refusal is flashed for the page the post returns
    to, and None comes back; "not allowed at all" (403) and the errors in `passed_on` go
    on to their error pages."""
    passed: tuple[type[Exception], ...] = (PermissionDenied, *passed_on)
    try:
        return action()
    except passed:
        raise
    except ServiceError as error:
        flash(error.message, "error")
        return None


def show_error(form: FlaskForm, error: ServiceError, default: str) -> None:
    """Put a service's refusal next to the field it names (else next to `default`)."""
    field = getattr(form, error.field or default, None) or getattr(form, default)
    field.errors = [*field.errors, error.message]  # a tuple until the form is validated


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class FirstPasswordForm(FlaskForm):
    """Right after signing in with a one-time password: only the new one."""

    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two passwords differ."))],
    )


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two passwords differ."))],
    )


def role_choices() -> list[tuple[str, str]]:
    # No role is chosen for the user: a representative also needs an agency.
    return [
        ("", str(_l("Choose a role"))),
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


class TaxonomyImportForm(FlaskForm):
    file = FileField(_l("File"), validators=[FileRequired()])
    slug = StringField(
        _l("Short name of the taxonomy (an existing one gets a new version)"),
        validators=[DataRequired(), Length(max=64)],
    )
    name_ar = StringField(_l("Name in Arabic (a new taxonomy)"), validators=[Length(max=300)])
    name_en = StringField(_l("Name in English (a new taxonomy)"), validators=[Length(max=300)])
    fmt = SelectField(_l("Format"), default="auto")
    mapping = StringField(
        _l("Column mapping: our column = the column in the file, separated by commas"),
        validators=[Length(max=1000)],
    )
    dotted_codes = BooleanField(_l("Parents from dotted codes (01.1.2 is under 01.1)"))
    match_labels = BooleanField(
        _l(
            "Pair concepts with the latest version by their labels, and keep the old ids "
            "for the pairs (you will see every pair before publishing)"
        )
    )
    ids = SelectField(_l("Ids of SKOS concepts"), default="auto")
    more_files = MultipleFileField(
        _l("Linked tables: the CSV files of the levels below the first file, in order")
    )
    crosswalk = FileField(
        _l(
            "Correspondence table (CSV with columns old, new): a code the file no longer "
            "has points to its new code"
        )
    )
    linked = BooleanField(_l("Excel: every sheet is one level, the top level first"))
    levels = StringField(
        _l("Level columns, the top level first (for example Sector, Division, Service)"),
        validators=[Length(max=1000)],
    )
    level_codes = StringField(
        _l("A code column for each level (optional: the codes become the ids)"),
        validators=[Length(max=1000)],
    )
    level_language = StringField(
        _l("Language of the level columns"), default="ar", validators=[Length(max=10)]
    )


def taxonomy_import_form(refill: dict[str, Any] | None = None) -> TaxonomyImportForm:
    """The import form; `refill`: the answers of a refused upload (all but its files)."""
    form = TaxonomyImportForm(data=refill) if refill else TaxonomyImportForm()
    # Set after construction: WTForms 3.3 deprecates tuple choices in the declaration.
    form.fmt.choices = [
        ("auto", str(_l("Recognise it"))),
        ("json", "JSON"),
        ("csv", "CSV"),
        ("xlsx", "Excel (XLSX)"),
        ("skos", "SKOS (RDF/XML, Turtle, N-Triples, JSON-LD)"),
    ]
    form.ids.choices = [
        ("auto", str(_l("Recognise them (a notation each, else the end of the IRI)"))),
        ("notation", str(_l("The notation (skos:notation)"))),
        ("suffix", str(_l("The shortest unique end of the IRI"))),
        ("iri", str(_l("The whole IRI"))),
    ]
    return form


class PublishForm(FlaskForm):
    note = TextAreaField(_l("Note on this version"), validators=[Length(max=2000)])
    allow_mass_retire = BooleanField(_l("Yes, retire them"))


class TokenForm(FlaskForm):
    name = StringField(
        _l("System that will use the token"), validators=[DataRequired(), Length(max=200)]
    )


class ProposalForm(FlaskForm):
    """A new proposal, or its title and rationale edited (`revision` from the page)."""

    taxonomy = SelectField(_l("Taxonomy"), validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    rationale = TextAreaField(_l("Rationale: why this change?"), validators=[DataRequired()])
    revision = HiddenField()


class ChangeForm(FlaskForm):
    """One action of the composer; which fields count depends on `op`."""

    revision = HiddenField(validators=[DataRequired()])
    op = HiddenField(validators=[DataRequired()])
    concept = StringField(_l("Concept (id)"), validators=[Optional(), Length(max=200)])
    parent = StringField(
        _l("Under (the parent's id; empty: at the top)"), validators=[Optional(), Length(max=200)]
    )
    label_ar = StringField(_l("Label in Arabic"), validators=[Optional(), Length(max=500)])
    label_en = StringField(_l("Label in English"), validators=[Optional(), Length(max=500)])
    note_ar = TextAreaField(_l("Scope note in Arabic"), validators=[Optional(), Length(max=5000)])
    note_en = TextAreaField(_l("Scope note in English"), validators=[Optional(), Length(max=5000)])
    alt_ar = TextAreaField(
        _l("Synonyms in Arabic, one per line"), validators=[Optional(), Length(max=5000)]
    )
    alt_en = TextAreaField(
        _l("Synonyms in English, one per line"), validators=[Optional(), Length(max=5000)]
    )
    prefilled_for = HiddenField()  # the concept whose own values the form was drawn with
    children = SelectField(_l("Its children"), validators=[Optional()])
    replaced_by = StringField(
        _l("Replaced by (id, optional)"), validators=[Optional(), Length(max=200)]
    )
    confirmed = BooleanField(_l("Yes, retire them all"))
    into = StringField(_l("Merge into (id)"), validators=[Optional(), Length(max=200)])


def change_form(**options: Any) -> ChangeForm:
    form = ChangeForm(**options)
    form.children.choices = [
        ("promote", str(_l("move up to take its place"))),
        ("cascade", str(_l("are retired with it"))),
    ]
    return form


class RevisionForm(FlaskForm):
    """A button on a proposal's page: the revision the page showed."""

    revision = HiddenField(validators=[DataRequired()])
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])
    by = IntegerField(_l("By proposal number"), validators=[Optional()])


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Your comment"), validators=[DataRequired(), Length(max=10_000)])
    kind = SelectField(_l("It is"), validators=[DataRequired()])
    reply_to = HiddenField()


def comment_form(**options: Any) -> CommentForm:
    form = CommentForm(**options)
    form.kind.choices = [
        ("comment", str(_l("a comment"))),
        ("question", str(_l("a question"))),
        ("objection", str(_l("an objection"))),
    ]
    return form


class HideForm(FlaskForm):
    reason = StringField(_l("Why it is hidden"), validators=[DataRequired(), Length(max=1000)])


class ProposalFileForm(FlaskForm):
    revision = HiddenField(validators=[DataRequired()])
    file = FileField(_l("The tree as you want it, or a change set"), validators=[FileRequired()])
    match_labels = BooleanField(_l("Pair concepts by label (the file's ids differ)"))
    allow_mass_retire = BooleanField(_l("Yes, retire them"))
    under = StringField(
        _l("Only the subtree of (its id; empty: the whole tree)"),
        validators=[Optional(), Length(max=200)],
    )


class PairingForm(FlaskForm):
    """The file's concepts paired with the tree's: fields pair-N (the tree's id, or empty
    for a new concept) for the file's concept new-N."""

    revision = HiddenField(validators=[DataRequired()])
    allow_mass_retire = BooleanField(_l("Yes, retire them"))


class WorkshopForm(FlaskForm):
    taxonomy = SelectField(_l("Taxonomy"), validators=[DataRequired()])
    title_ar = StringField(_l("Title in Arabic"), validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Title in English"), validators=[DataRequired(), Length(max=200)])
    held_on = DateField(_l("Date"), validators=[DataRequired()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    quorum_percent = IntegerField(
        _l("Quorum: ballots cast above this share (%)"), default=50, validators=[Optional()]
    )
    quorum_base = SelectField(_l("of"), default="present")
    threshold = StringField(
        _l("Approvals needed, as a share of approve + reject"),
        default="2/3",
        validators=[DataRequired(), Length(max=10)],
    )
    structural_threshold = StringField(
        _l("For retiring or merging a top-level concept (optional)"),
        validators=[Optional(), Length(max=10)],
    )
    consent = BooleanField(_l("Consent: any rejection blocks"))
    secret = BooleanField(_l("Secret ballots (who chose what is never kept)"))
    results_live = BooleanField(_l("Show the running tally before the vote closes"))


def workshop_form(taxonomies: list[tuple[str, str]]) -> WorkshopForm:
    form = WorkshopForm()
    form.taxonomy.choices = taxonomies
    form.quorum_base.choices = [
        ("present", str(_l("the agencies present at roll call"))),
        ("electorate", str(_l("all the agencies of the workshop"))),
    ]
    return form
