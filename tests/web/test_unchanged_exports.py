"""A consuming system's "has this version changed?" is answered before Flask
(web/unchanged_exports.py) with the view's own answer, headers and all; everything the
view must decide still reaches it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import request_started
from sqlalchemy import select

from tests.web.taxonomy_files import VERSION_1, csv_bytes, publish_version
from workshop.models import ApiToken, db, utcnow
from workshop.services import quick_reads, tokens
from workshop.services.permissions import SYSTEM
from workshop.web.unchanged_exports import UnchangedExports


@pytest.fixture
def token(published):
    return tokens.create(SYSTEM, "services directory").secret


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def reached_flask(app):
    """The paths of the requests Flask itself handled."""
    paths: list[str] = []

    def note(sender, **extra):
        from flask import request

        paths.append(request.full_path)

    request_started.connect(note, app)
    yield paths
    request_started.disconnect(note, app)


def layer(app) -> UnchangedExports:
    found = app.wsgi_app
    while not isinstance(found, UnchangedExports):
        found = found.wrapped
    return found


def tag_of(client, url, headers):
    """The version's ETag from a full answer (which also records the token's use)."""
    first = client.get(url, headers=headers)
    assert first.status_code == 200
    return first.headers["ETag"]


def through_the_view(client, url, headers, monkeypatch):
    with monkeypatch.context() as patched:
        patched.setattr(quick_reads, "export_etag", lambda *args: None)
        return client.get(url, headers=headers)


@pytest.mark.parametrize(
    ("url", "held"),
    [
        ("/api/v1/taxonomies/gov/versions/1", "{tag}"),
        ("/api/v1/taxonomies/gov/versions/latest", "{tag}"),
        ("/api/v1/taxonomies/gov/versions/2?format=csv", "{tag}"),
        ("/api/v1/taxonomies/gov/versions/2?lang=en&format=skos", "{tag}"),
        ("/api/v1/taxonomies/gov/versions/1", "W/{tag}"),  # compared weakly, as RFC 9110 says
        ("/api/v1/taxonomies/gov/versions/1", '"other", {tag}'),
        ("/api/v1/taxonomies/gov/versions/1", "{tag_unquoted_br}"),  # the brotli copy's tag
    ],
)
def test_an_unchanged_version_is_answered_before_flask_as_the_view_answers(
    client, token, reached_flask, monkeypatch, url, held
):
    tag = tag_of(client, url, bearer(token))
    held = held.format(tag=tag, tag_unquoted_br=f'"{tag.strip(chr(34))}.br"')
    headers = {**bearer(token), "If-None-Match": held}
    reached_flask.clear()
    answer = client.get(url, headers=headers)
    assert reached_flask == []
    assert answer.status_code == 304 and answer.data == b""
    assert answer.headers["ETag"] == tag
    view = through_the_view(client, url, headers, monkeypatch)
    assert len(reached_flask) == 1 and view.status_code == 304
    assert sorted(answer.headers.items()) == sorted(view.headers.items())


def test_a_revoked_or_unknown_token_reaches_the_view_at_once(client, token, reached_flask):
    url = "/api/v1/taxonomies/gov/versions/1"
    tag = tag_of(client, url, bearer(token))
    held = {**bearer(token), "If-None-Match": tag}
    assert client.get(url, headers=held).status_code == 304
    unknown = client.get(url, headers={**bearer("wst_nope"), "If-None-Match": tag})
    tokens.revoke(SYSTEM, db.session.scalar(select(ApiToken.id)))
    reached_flask.clear()
    revoked = client.get(url, headers=held)
    assert unknown.status_code == 401 and revoked.status_code == 401
    assert revoked.headers["WWW-Authenticate"].startswith("Bearer")
    assert reached_flask == [url + "?"]


def test_a_use_due_to_be_recorded_goes_to_the_view_which_records_it(client, token, reached_flask):
    url = "/api/v1/taxonomies/gov/versions/2"
    tag = tag_of(client, url, bearer(token))
    row = db.session.scalar(select(ApiToken))
    long_ago = utcnow() - tokens.TOUCH_EVERY - timedelta(seconds=1)
    row.last_used_at = long_ago
    db.session.commit()
    reached_flask.clear()
    answer = client.get(url, headers={**bearer(token), "If-None-Match": tag})
    assert answer.status_code == 304 and reached_flask == [url + "?"]
    db.session.refresh(row)
    assert row.last_used_at.replace(tzinfo=None) > long_ago.replace(tzinfo=None)
    again = client.get(url, headers={**bearer(token), "If-None-Match": tag})
    assert again.status_code == 304 and len(reached_flask) == 1  # recorded: before Flask


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/taxonomies/gov/versions/2", 200),  # the tag held names version 1
        ("/api/v1/taxonomies/gov/versions/1?format=csv", 200),  # ... in JSON
        ("/api/v1/taxonomies/gov/versions/1?format=pdf", 400),
        ("/api/v1/taxonomies/gov/versions/1?format=", 400),
        ("/api/v1/taxonomies/gov/versions/9", 404),
        ("/api/v1/taxonomies/nope/versions/1", 404),
        ("/api/v1/taxonomies/gov/versions/1/diff/2", 200),
    ],
)
def test_what_is_not_plainly_unchanged_reaches_the_view(client, token, reached_flask, url, status):
    tag = tag_of(client, "/api/v1/taxonomies/gov/versions/1", bearer(token))
    reached_flask.clear()
    answer = client.get(url, headers={**bearer(token), "If-None-Match": tag})
    assert answer.status_code == status and len(reached_flask) == 1


def test_latest_names_a_new_version_as_soon_as_it_is_published(client, token, reached_flask):
    url = "/api/v1/taxonomies/gov/versions/latest"
    tag = tag_of(client, url, bearer(token))
    held = {**bearer(token), "If-None-Match": tag}
    assert client.get(url, headers=held).status_code == 304
    publish_version(SYSTEM, "gov", csv_bytes(VERSION_1), "v3.csv")
    reached_flask.clear()
    moved = client.get(url, headers=held)
    assert moved.status_code == 200 and moved.headers["ETag"] != tag
    assert reached_flask == [url + "?"]


def test_a_signed_in_browser_and_a_head_request_are_answered_by_the_view(
    client, token, sign_in, reached_flask
):
    url = "/api/v1/taxonomies/gov/versions/1"
    tag = tag_of(client, url, bearer(token))
    assert client.get(url, headers={"If-None-Match": tag}).status_code == 401
    sign_in("observer")
    reached_flask.clear()
    assert client.get(url, headers={"If-None-Match": tag}).status_code == 304
    assert client.head(url, headers={**bearer(token), "If-None-Match": tag}).status_code == 304
    assert len(reached_flask) == 2


def test_public_versions_are_answered_before_flask_without_a_token(make_app, published):
    app = make_app(PUBLIC_VERSIONS=True)
    client = app.test_client()
    url = "/api/v1/taxonomies/gov/versions/latest"
    tag = tag_of(client, url, {})
    reached: list[str] = []
    request_started.connect(lambda sender, **extra: reached.append("flask"), app, weak=False)
    answer = client.get(url, headers={"If-None-Match": tag})
    assert answer.status_code == 304 and reached == []
    assert answer.headers["Cache-Control"] == "public, no-cache"
    closed = make_app().test_client().get(url, headers={"If-None-Match": tag})
    assert closed.status_code == 401


def test_a_failing_read_before_flask_leaves_the_answer_to_the_view(
    app, client, token, reached_flask
):
    url = "/api/v1/taxonomies/gov/versions/1"
    tag = tag_of(client, url, bearer(token))

    class Gone:
        def connect(self):
            raise ConnectionError("the database went away")

    layer(app).engine = Gone()
    reached_flask.clear()
    answer = client.get(url, headers={**bearer(token), "If-None-Match": tag})
    assert answer.status_code == 304 and len(reached_flask) == 1  # read through the session


def test_an_unknown_format_is_the_views_400_whatever_tag_is_held(client, token):
    tag = tag_of(client, "/api/v1/taxonomies/gov/versions/1", bearer(token))
    made_up = tag.replace(".json", ".pdf")  # as a tag for it would be, if there were one
    answer = client.get(
        "/api/v1/taxonomies/gov/versions/1?format=pdf",
        headers={**bearer(token), "If-None-Match": made_up},
    )
    assert answer.status_code == 400 and "pdf" in answer.json["message"]
