"""The one way a published version goes out as a file: type, name, strong ETag."""

from __future__ import annotations

from flask import Response, make_response

from ..services import browsing
from ..services.browsing import VersionRef
from ..services.formats import Export


def file_response(at: VersionRef, made: Export, fmt: str, disposition: str) -> Response:
    """The export as a response named after the taxonomy and version (`attachment` for the
    browser's download links, `inline` for the API)."""
    response = make_response(made.data)
    response.content_type = made.mimetype
    name = f"{at.taxonomy.slug}-v{at.version.number}.{made.extension}"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response.set_etag(browsing.etag(at.version, fmt))
    return response
