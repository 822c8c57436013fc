"""Importing a classification file through the web: upload, preview, publish."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..services import findings_report, upload_previews
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
    problems: list[Finding] = []
    download = None
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
                    match_labels=bool(form.match_labels.data),
                    ids=form.ids.data or "auto",
                    more=tuple(
                        (f.filename or f"table-{n}", f.read())
                        for n, f in enumerate(form.more_files.data or [], start=2)
                        if f and f.filename
                    ),
                    linked=bool(form.linked.data),
                    crosswalk=(
                        form.crosswalk.data.read()
                        if form.crosswalk.data and form.crosswalk.data.filename
                        else None
                    ),
                    levels=form.levels.data or "",
                    level_codes=form.level_codes.data or "",
                    level_language=form.level_language.data or "ar",
                ),
            )
        except InvalidFile as error:
            form.file.errors.append(error.message)
            problems = [p for p in error.problems if isinstance(p, Finding)]
            download = url_for(
                "uploads.findings", token=upload_previews.keep_rejected(current_user, problems)
            )
        except ServiceError as error:
            show_error(form, error, "file")
        else:
            return render_template(
                "taxonomy/import_preview.html",
                preview=preview,
                form=PublishForm(),
                groups=findings_report.grouped(preview.warnings),
                download=url_for("uploads.findings", token=preview.token),
            )
    status = 422 if form.errors else 200
    groups = findings_report.grouped(problems)
    return render_template(
        "taxonomy/import.html", form=form, groups=groups, download=download
    ), status


@bp.get("/<token>/findings.csv")
@login_required
def findings(token: str) -> ResponseReturnValue:
    """Every finding of a previewed or rejected upload, as CSV in the interface language."""
    data = upload_previews.findings_csv(current_user, token, str(get_locale() or "en"))
    return Response(
        data,
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="findings.csv"'},
    )


@bp.post("/<token>")
@login_required
def publish(token: str) -> ResponseReturnValue:
    """Publish a previewed upload."""
    form = PublishForm()
    if not form.validate_on_submit():
        return redirect(url_for("uploads.upload"), 303)
    published = upload_previews.confirm(
        current_user, token, form.note.data or "", bool(form.allow_mass_retire.data)
    )
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
