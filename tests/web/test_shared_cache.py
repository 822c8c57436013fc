"""WORKSHOP_CACHE_URL: exports and rendered fragments are kept in Redis too, so that what
one worker process made the others find, and a store that stops answering costs nothing
but the sharing."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from workshop.services import browsing, formats, tokens
from workshop.services.permissions import SYSTEM

REDIS_URL = os.environ.get("WORKSHOP_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
HTMX = {"HX-Request": "true"}


def redis_unavailable_reason() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception as error:
        return (
            f"Redis not reachable at {REDIS_URL} ({error}): start redis-server, or point "
            "WORKSHOP_TEST_REDIS_URL at one; CI fails instead of skipping"
        )
    return None


@pytest.fixture
def shared_app(make_app) -> Iterator[object]:
    reason = redis_unavailable_reason()
    if reason:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI runs the shared-cache tests. {reason}")
        pytest.skip(reason)
    import redis

    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    another_process()  # an entry an earlier test's app left in this process would hide the store
    app = make_app(CACHE_URL=REDIS_URL)
    with app.app_context():
        yield app
    store.flushdb()


def another_process() -> None:
    """What a second worker process has: nothing of its own yet."""
    browsing.fragments.clear()
    browsing.exports.clear()


def test_a_fragment_made_by_one_worker_is_found_by_another(
    shared_app, people, published, monkeypatch
) -> None:
    client = shared_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = people["observer"].get_id()
    url = "/taxonomies/gov/v/2/children?level=1"
    first = client.get(url, headers=HTMX)
    assert first.status_code == 200 and "الصحة" in first.text
    another_process()

    def no_drawing(*_args, **_kwargs):
        raise AssertionError("drawn again instead of found in the shared cache")

    monkeypatch.setattr("workshop.web.htmx.render_template", no_drawing)
    again = client.get(url, headers=HTMX)
    assert (again.status_code, again.data, again.headers["ETag"]) == (
        200,
        first.data,
        first.headers["ETag"],
    )


def test_an_export_made_by_one_worker_is_found_by_another(
    shared_app, published, monkeypatch
) -> None:
    client = shared_app.test_client()
    bearer = {"Authorization": f"Bearer {tokens.create(SYSTEM, 'consumer').secret}"}
    for fmt in ("json", "csv"):
        url = f"/api/v1/taxonomies/gov/versions/2?format={fmt}"
        first = client.get(url, headers=bearer)
        assert first.status_code == 200
        another_process()
        with monkeypatch.context() as patched:
            patched.setattr(formats, "write", lambda *_a: pytest.fail("written again"))
            again = client.get(url, headers=bearer)
        assert again.data == first.data
        assert again.headers["Content-Type"] == first.headers["Content-Type"]


def test_a_store_that_does_not_answer_costs_only_the_sharing(
    make_app, people, published, caplog
) -> None:
    app = make_app(CACHE_URL="redis://127.0.0.1:1/0")  # nothing listens there
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = people["observer"].get_id()
    another_process()
    url = "/taxonomies/gov/v/1/children?level=1"
    assert client.get(url, headers=HTMX).status_code == 200
    assert "does not answer" in caplog.text
    assert client.get(url, headers=HTMX).status_code == 200  # resting: not asked again
    assert caplog.text.count("does not answer") == 1
