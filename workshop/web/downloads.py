"""The one way a published version goes out as a file: type, name, strong ETag, and a
compressed copy (made once, kept with the export) for clients that accept one."""

from __future__ import annotations

from flask import Request, Response, make_response, request
from werkzeug.datastructures import ETags

from ..caching import ENCODINGS
from ..services import browsing
from ..services.browsing import VersionRef
from ..services.formats import Export

SMALLEST_TO_COMPRESS = 1024


def chosen_encoding(incoming: Request, size: int) -> str | None:
    if size < SMALLEST_TO_COMPRESS:
        return None
    accepted = incoming.accept_encodings
    return next((e for e in ENCODINGS if accepted[e]), None)


def etag_matches(held: ETags, tag: str) -> bool:
    """If-None-Match (`held`) names this version's export in any of its encodings (compared
    weakly, as RFC 9110 says for GET: W/"tag" matches too)."""
    return any(
        held.contains_weak(candidate) for candidate in (tag, *(f"{tag}.{e}" for e in ENCODINGS))
    )


def file_response(at: VersionRef, made: Export, fmt: str, disposition: str) -> Response:
    """The export as a response named after the taxonomy and version (`attachment` for the
    browser's download links, `inline` for the API)."""
    tag = browsing.etag(at.version, fmt)
    encoding = chosen_encoding(request, len(made.data))
    response = make_response(made.encoded(encoding) if encoding else made.data)
    response.content_type = made.mimetype
    name = f"{at.taxonomy.slug}-v{at.version.number}.{made.extension}"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response.vary.add("Accept-Encoding")
    if encoding:
        response.headers["Content-Encoding"] = encoding
        tag = f"{tag}.{encoding}"  # a strong ETag names one representation
    response.set_etag(tag)
    return response
