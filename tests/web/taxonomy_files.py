"""Small taxonomy files for the storage, API and web tests."""

from __future__ import annotations

from typing import Any

from tests.unit.taxonomy.trees import services
from workshop.taxonomy.build import build
from workshop.taxonomy.formats import csv_format
from workshop.taxonomy.model import Status, make_concept

# Version 1: the engine tests' services tree, without its retired concept.
VERSION_1 = build(c for c in services().concepts.values() if c.active)
# Version 2: a relabel, a move, an add and a retire.
VERSION_2 = build(
    [
        *(
            c
            for c in VERSION_1.concepts.values()
            if c.id not in ("clinics", "insurance", "schools")
        ),
        make_concept(
            "clinics", {"ar": "المراكز الصحية", "en": "Health centres"}, parent="health", position=1
        ),
        make_concept("schools", {"ar": "المدارس", "en": "Schools"}, parent="housing"),
        make_concept(
            "dental", {"ar": "طب الأسنان", "en": "Dental care"}, parent="health", position=2
        ),
        make_concept(
            "insurance",
            {"ar": "التأمين الصحي", "en": "Health insurance"},
            {"ar": "تشمل بطاقات الضمان", "en": "Includes coverage cards"},
            status=Status.RETIRED,
            replaced_by="hospitals",
        ),
    ]
)

# The next edition of version 2 under another code for "dental" (its labels unchanged) and
# a relabelled "housing": the file's ids make dental-care an add; pairing by label keeps
# the old id.
EDITION = build(
    make_concept(
        "dental-care" if c.id == "dental" else c.id,
        {**c.labels, "en": "Housing and land"} if c.id == "housing" else c.labels,
        c.notes,
        c.parent,
        c.position,
        c.status,
        c.replaced_by,
    )
    for c in VERSION_2.concepts.values()
)


def csv_bytes(tree=VERSION_1) -> bytes:
    return csv_format.write(tree)


def create_taxonomy(
    actor: Any, slug: str, name_ar: str, name_en: str, data: bytes, filename: str, **options: Any
) -> Any:
    """A new taxonomy from a file, as the import command does it."""
    from workshop.services import taxonomies, uploads

    note = options.pop("note", "")
    upload = uploads.Upload(data, filename, **options)
    return taxonomies.create_from_file(
        actor, taxonomies.NewTaxonomy(slug, name_ar, name_en), upload, note
    )


def publish_version(actor: Any, slug: str, data: bytes, filename: str, **options: Any) -> Any:
    """A file as the next version of a taxonomy, as `import --new-version` does it."""
    from workshop.services import taxonomies, uploads

    note = options.pop("note", "")
    return taxonomies.publish_file(actor, slug, uploads.Upload(data, filename, **options), note)


def import_request(client, path, data, **kwargs):
    """POST to the web import (an upload or a confirmation), wait for the background job it
    starts, then follow to the job's page: what a person sees once the work is done (a slow
    machine may take more than the request's own short wait)."""
    from workshop.services import import_jobs

    if kwargs.get("content_type") == "multipart/form-data":
        # Encoded here, in memory: for a large body the test client would spool it to a
        # temporary file it never closes (a ResourceWarning when the job collects garbage).
        from werkzeug.datastructures import FileStorage, MultiDict
        from werkzeug.test import encode_multipart

        def part(value):
            return FileStorage(value[0], value[1]) if isinstance(value, tuple) else value

        fields = MultiDict()
        for key, value in data.items():
            for one in value if isinstance(value, list) else [value]:
                fields.add(key, part(one))
        boundary, data = encode_multipart(fields)
        kwargs["content_type"] = f"multipart/form-data; boundary={boundary}"
    response = client.post(path, data=data, **kwargs)
    import_jobs.wait_until_idle()
    location = response.headers.get("Location", "")
    if response.status_code == 303 and location.startswith("/taxonomies/import/"):
        return client.get(location, follow_redirects=True)
    return response
