"""The read API: tokens, ETag and 304, formats, errors as JSON."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.web.taxonomy_files import VERSION_2
from workshop.models import ApiToken, db
from workshop.services import tokens
from workshop.services.permissions import SYSTEM
from workshop.taxonomy.formats import json_format


@pytest.fixture
def token(published):
    return tokens.create(SYSTEM, "services directory").secret


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


def test_a_consumer_fetches_a_version_as_json_with_a_token(client, token):
    response = client.get("/api/v1/taxonomies/gov/versions/latest", headers=bearer(token))
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.json
    assert document["format"] == "workshop-taxonomy/1"
    assert document["version"]["number"] == 2 and document["version"]["based_on"] == 1
    assert document["taxonomy"] == {
        "slug": "gov",
        "name": {"ar": "الخدمات الحكومية", "en": "Government services"},
    }
    assert json_format.read(response.data).tree == VERSION_2
    from jsonschema import Draft202012Validator

    assert list(Draft202012Validator(json_format.schema()).iter_errors(document)) == []


def test_the_etag_is_strong_and_if_none_match_gives_304(client, token):
    first = client.get("/api/v1/taxonomies/gov/versions/1", headers=bearer(token))
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = client.get(
        "/api/v1/taxonomies/gov/versions/1", headers={**bearer(token), "If-None-Match": etag}
    )
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    weak = client.get(  # RFC 9110: If-None-Match compares weakly
        "/api/v1/taxonomies/gov/versions/1", headers={**bearer(token), "If-None-Match": "W/" + etag}
    )
    assert weak.status_code == 304
    other = client.get(
        "/api/v1/taxonomies/gov/versions/2", headers={**bearer(token), "If-None-Match": etag}
    )
    assert other.status_code == 200 and other.headers["ETag"] != etag
    csv = client.get(
        "/api/v1/taxonomies/gov/versions/1?format=csv",
        headers={**bearer(token), "If-None-Match": etag},
    )
    assert csv.status_code == 200, "each format has its own tag"


@pytest.mark.parametrize(
    ("fmt", "mimetype", "start"),
    [
        ("csv", "text/csv", "\ufeffid,parent".encode()),
        ("skos", "text/turtle", b"@prefix"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
    ],
)
def test_other_formats(client, token, fmt, mimetype, start):
    response = client.get(f"/api/v1/taxonomies/gov/versions/2?format={fmt}", headers=bearer(token))
    assert response.status_code == 200 and response.mimetype == mimetype
    assert response.data.startswith(start)


def test_lists_diff_and_concept_history(client, token):
    listing = client.get("/api/v1/taxonomies", headers=bearer(token)).json
    assert listing == [
        {
            "slug": "gov",
            "name": {"ar": "الخدمات الحكومية", "en": "Government services"},
            "latest_version": 2,
        }
    ]
    versions = client.get("/api/v1/taxonomies/gov/versions", headers=bearer(token)).json
    assert [v["number"] for v in versions["versions"]] == [2, 1]
    assert versions["versions"][0]["changes"] == {
        "added": 1,
        "relabelled": 1,
        "moved": 1,
        "retired": 1,
        "annotated": 0,
        "reinstated": 0,
    }
    changes = client.get("/api/v1/taxonomies/gov/versions/1/diff/2", headers=bearer(token)).json
    assert changes["counts"] == {"add": 1, "relabel": 1, "move": 1, "retire": 1}
    relabel = next(c for c in changes["changes"] if c["op"] == "relabel")
    assert relabel["from"]["labels"]["ar"] == "العيادات"
    concept = client.get("/api/v1/taxonomies/gov/concepts/clinics", headers=bearer(token)).json
    assert concept["labels"] == {"ar": "المراكز الصحية", "en": "Health centres"}
    assert [(h["from_version"], h["to_version"]) for h in concept["history"]] == [(1, 1), (2, None)]
    assert concept["path"] == ["health"]


def test_a_revoked_or_unknown_token_is_refused(client, token):
    assert client.get("/api/v1/taxonomies", headers=bearer("wst_nope")).status_code == 401
    row = db.session.scalar(select(ApiToken))
    tokens.revoke(SYSTEM, row.id)
    response = client.get("/api/v1/taxonomies", headers=bearer(token))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json["message"]


def test_tokens_are_stored_hashed_and_record_their_last_use(client, token):
    row = db.session.scalar(select(ApiToken))
    assert token not in (row.token_hash, row.prefix) and row.token_hash == tokens.digest(token)
    assert row.last_used_at is None
    client.get("/api/v1/taxonomies", headers=bearer(token))
    db.session.refresh(row)
    assert row.last_used_at is not None


def test_published_versions_can_be_made_public(make_app, published):
    closed = make_app().test_client().get("/api/v1/taxonomies/gov/versions/1")
    assert closed.status_code == 401
    open_app = make_app(PUBLIC_VERSIONS=True)
    response = open_app.test_client().get("/api/v1/taxonomies/gov/versions/1")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, no-cache"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/taxonomies/nope/versions", 404),
        ("/api/v1/taxonomies/gov/versions/9", 404),
        ("/api/v1/taxonomies/gov/versions/abc", 404),
        ("/api/v1/taxonomies/gov/versions/1/diff/7", 404),
        ("/api/v1/taxonomies/gov/concepts/ghost", 404),
        ("/api/v1/taxonomies/gov/concepts/dental?version=1", 404),
        ("/api/v1/taxonomies/gov/versions/1?format=pdf", 400),
        ("/api/v1/nothing-here", 404),
    ],
)
def test_errors_are_json_with_a_message(client, token, path, status):
    response = client.get(path, headers=bearer(token))
    assert response.status_code == status
    assert response.is_json and response.json["status"] == status and response.json["message"]


def test_api_errors_follow_accept_language(client, token):
    english = client.get("/api/v1/taxonomies/nope/versions", headers=bearer(token))
    arabic = client.get(
        "/api/v1/taxonomies/nope/versions", headers={**bearer(token), "Accept-Language": "ar"}
    )
    assert english.json["error"] == "Page not found"
    assert arabic.json["error"] == "الصفحة غير موجودة"


def test_a_large_export_is_compressed_once_and_keeps_a_strong_etag_per_encoding(client, token):
    import brotli

    url = "/api/v1/taxonomies/gov/versions/2"
    plain = client.get(url, headers=bearer(token))
    compressed = client.get(url, headers={**bearer(token), "Accept-Encoding": "gzip, br"})
    assert compressed.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in compressed.headers["Vary"]
    assert brotli.decompress(compressed.get_data()) == plain.get_data()
    tag, weak = compressed.get_etag()
    assert not weak and tag == f"{plain.get_etag()[0]}.br"
    for sent in (tag, plain.get_etag()[0]):
        again = client.get(url, headers={**bearer(token), "If-None-Match": f'"{sent}"'})
        assert again.status_code == 304


def test_pages_are_compressed_when_the_client_accepts_it(client, token):
    import gzip

    page = client.get("/api/v1/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(page.get_data()).startswith(b"{")
