"""Importing a classification file through the web: upload, preview, publish. Reading and
publishing run in the background (services/import_jobs): the pages follow the job."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.file import FileField, MultipleFileField

from ..services import findings_report, import_jobs, upload_previews
from ..services.errors import ServiceError
from ..services.permissions import Permission, require
from .forms import PublishForm, TaxonomyImportForm, show_error, taxonomy_import_form

bp = Blueprint("uploads", __name__, url_prefix="/taxonomies/import")


@bp.route("/", methods=["GET", "POST"])
@login_required
def upload() -> ResponseReturnValue:
    """Upload a file; it is read and compared with the latest version in the background."""
    require(current_user, Permission.PUBLISH_TAXONOMY)
    form = taxonomy_import_form()
    if form.validate_on_submit():
        try:
            job = import_jobs.start_preview(current_user, _request(form), _refill(form))
        except ServiceError as error:
            show_error(form, error, "file")
        else:
            return redirect(url_for("uploads.job", token=job.token), 303)
    status = 422 if form.errors else 200
    return render_template("taxonomy/import.html", form=form, groups=[], download=None), status


def _request(form: TaxonomyImportForm) -> upload_previews.UploadRequest:
    upload_file = form.file.data
    return upload_previews.UploadRequest(
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
    )


def _refill(form: TaxonomyImportForm) -> dict[str, Any]:
    """The form's answers but the files, to fill the form in again if the file is refused."""
    return {
        f.name: f.data
        for f in form
        if not isinstance(f, FileField | MultipleFileField) and f.name != "csrf_token"
    }


@bp.get("/<token>")
@login_required
def job(token: str) -> ResponseReturnValue:
    """Where the upload's job is: a waiting page that reloads itself, then the changes to
    confirm, the refusal with the form filled in again, or the published version."""
    job = import_jobs.find(current_user, token)
    if job.running:
        return render_template("taxonomy/import_wait.html", job=job)
    if job.state == "published":
        flash(
            _l("Version %(number)d of %(slug)s is published.", number=job.version, slug=job.slug),
            "success",
        )
        return redirect(url_for("browser.versions", slug=job.slug), 303)
    if job.state in ("refused", "failed"):
        form = taxonomy_import_form(job.form)
        show_error(form, ServiceError(job.message, field=job.field or None), "file")
        problems = []
        if job.state == "refused":
            problems = upload_previews.kept_findings(current_user, token)
        download = url_for("uploads.findings", token=token) if problems else None
        groups = findings_report.grouped(problems)
        return render_template(
            "taxonomy/import.html", form=form, groups=groups, download=download, refused=True
        ), 422
    summary = upload_previews.summary(current_user, token)
    refusal = job.message if job.state == "publish_refused" else ""
    return render_template(
        "taxonomy/import_preview.html",
        preview=summary,
        refusal=refusal,
        form=PublishForm(),
        groups=findings_report.grouped(summary.warnings),
        download=url_for("uploads.findings", token=token),
    ), (422 if refusal else 200)


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
    """Publish a checked upload (in the background); its page follows the job."""
    form = PublishForm()
    if not form.validate_on_submit():
        return redirect(url_for("uploads.upload"), 303)
    import_jobs.start_publish(
        current_user, token, form.note.data or "", bool(form.allow_mass_retire.data)
    )
    return redirect(url_for("uploads.job", token=token), 303)
