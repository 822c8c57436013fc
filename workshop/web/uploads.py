"""Importing a classification file through the web: upload, preview, publish."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..services import upload_previews
from ..services.errors import InvalidFile, ServiceError
from ..services.permissions import Permission, require
from ..taxonomy import Finding
from .forms import PublishForm, show_error, taxonomy_import_form

bp = Blueprint("uploads", __name__, url_prefix="/taxonomies/import")


@bp.route("/", methods=["GET", "POST"])
@login_required
def upload() -> ResponseReturnValue:
    """Upload a file; its findings and its diff against the latest version are shown."""
    require(current_user, Permission.PUBLISH_TAXONOMY)
    form = taxonomy_import_form()
    problems: list[Finding | str] = []
    if form.validate_on_submit():
        upload_file = form.file.data
        try:
            preview = upload_previews.preview(
                current_user,
                upload_previews.UploadRequest(
                    data=upload_file.read(),
                    filename=upload_file.filename or "upload",
                    slug=form.slug.data or "",
                    fmt=form.fmt.data or "auto",
                    name_ar=form.name_ar.data or "",
                    name_en=form.name_en.data or "",
                    mapping=form.mapping.data or "",
                    dotted_codes=bool(form.dotted_codes.data),
                ),
            )
        except InvalidFile as error:
            form.file.errors.append(error.message)
            problems = list(error.problems)
        except ServiceError as error:
            show_error(form, error, "file")
        else:
            return render_template(
                "taxonomy/import_preview.html",
                preview=preview,
                form=PublishForm(),
            )
    status = 422 if form.errors else 200
    return render_template("taxonomy/import.html", form=form, problems=problems), status


@bp.post("/<token>")
@login_required
def publish(token: str) -> ResponseReturnValue:
    """Publish a previewed upload."""
    form = PublishForm()
    if not form.validate_on_submit():
        return redirect(url_for("uploads.upload"), 303)
    published = upload_previews.confirm(current_user, token, form.note.data or "")
    version = published.version
    flash(
        _l(
            "Version %(number)d of %(slug)s is published.",
            number=version.number,
            slug=version.taxonomy.slug,
        ),
        "success",
    )
    return redirect(url_for("browser.versions", slug=version.taxonomy.slug), 303)
