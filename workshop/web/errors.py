"""Friendly error pages in both languages; JSON for API clients."""

from __future__ import annotations

from flask import Flask, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from ..services.errors import Busy, Closed, NotFound, PermissionDenied, ServiceError
from .htmx import render

TITLES = {
    400: _l("Bad request"),
    401: _l("Sign-in required"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Too late"),
    413: _l("File too large"),
    422: _l("Invalid input"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
    503: _l("Busy"),
}
MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("Your account is not allowed to see or do this."),
    404: _l("There is nothing at this address."),
    405: _l("This address does not accept that kind of request."),
    413: _l("The upload is larger than the limit of %(mb)s MB."),
    429: _l("Too many attempts in a short time. Wait a minute and try again."),
    500: _l("The error was logged. Nothing was saved by the failed action."),
}


def error_page(code: int, message: str | None = None) -> ResponseReturnValue:
    from flask import current_app

    text = message or str(MESSAGES.get(code, MESSAGES[400])) % {
        "mb": current_app.config.get("MAX_UPLOAD_MB")
    }
    title = str(TITLES.get(code, TITLES[400]))
    if request.accept_mimetypes.best == "application/json" or request.path.startswith("/api/"):
        return {"error": title, "message": text, "status": code}, code
    return render(
        "errors/error.html", "errors/_error.html", code, code=code, title=title, message=text
    )


# A refused service call: the unit of work has already rolled back what it began.
STATUS_OF_REFUSAL = (
    (PermissionDenied, 403),
    (NotFound, 404),
    (Closed, 409),
    (Busy, 503),
    (ServiceError, 422),
)


def refusal_status(error: ServiceError) -> int:
    return next(status for kind, status in STATUS_OF_REFUSAL if isinstance(error, kind))


def init_app(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def refused(error: ServiceError) -> ResponseReturnValue:
        return error_page(refusal_status(error), error.message)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ResponseReturnValue:
        return error_page(
            400, str(_l("The form has expired or lacks its security token. Reload the page."))
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        return error_page(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> ResponseReturnValue:
        app.logger.exception("Unhandled error", exc_info=error)
        if app.testing and app.config.get("PROPAGATE_UNEXPECTED", True):
            raise error
        return error_page(InternalServerError.code)
