"""Imports on the web run outside the request: a waiting page that reloads itself, the rest
of the hall answered meanwhile, then the changes, the refusal or the published version."""

from __future__ import annotations

import io
import json
import re
import threading
import time

import pytest
from sqlalchemy import func, select

from tests.hostile_files import dimension_bomb, million_rows_csv, zip_bomb
from tests.web.taxonomy_files import VERSION_2, csv_bytes, import_request
from workshop.models import Role, Version, db
from workshop.services import import_jobs, upload_previews
from workshop.taxonomy.build import build
from workshop.taxonomy.model import make_concept


@pytest.fixture
def coordinator(client, published, sign_in):
    sign_in("coordinator")
    return client


def post_upload(client, content, name="v3.csv", follow=True, **fields):
    data = {"file": (io.BytesIO(content), name), "slug": "gov", "fmt": "auto", **fields}
    if follow:
        return import_request(
            client, "/taxonomies/import/", data, content_type="multipart/form-data"
        )
    return client.post("/taxonomies/import/", data=data, content_type="multipart/form-data")


def third_version():
    return build(
        [
            *VERSION_2.concepts.values(),
            make_concept("pharmacies", {"ar": "الصيدليات"}, parent="health"),
        ]
    )


@pytest.fixture
def held(monkeypatch):
    """Jobs wait for `release` before they start: a large file, as the hall sees it."""
    release = threading.Event()
    for name in ("preview", "confirm"):
        real = getattr(upload_previews, name)

        def slow(*args, _real=real, **kwargs):
            assert release.wait(30)
            return _real(*args, **kwargs)

        monkeypatch.setattr(upload_previews, name, slow)
    monkeypatch.setattr(import_jobs, "WAIT_IN_REQUEST_SECONDS", 0.05)
    yield release
    release.set()
    import_jobs.wait_until_idle()


def test_a_long_check_shows_a_waiting_page_while_the_hall_keeps_working(coordinator, held):
    started = post_upload(coordinator, csv_bytes(third_version()), follow=False)
    assert started.status_code == 303
    address = started.headers["Location"]
    waiting = coordinator.get(address)
    assert waiting.status_code == 200 and "يُقرأ الملف" in waiting.text
    assert '<meta http-equiv="refresh" content="2">' in waiting.text
    assert 'role="status"' in waiting.text and "script" not in waiting.text.split("<body")[1][:0]
    assert coordinator.get("/taxonomies/gov/v/2/").status_code == 200  # nobody waits on it
    held.set()
    import_jobs.wait_until_idle()
    ready = coordinator.get(address)
    assert ready.status_code == 200 and "الصيدليات" in ready.text
    assert f'action="{address}"' in ready.text  # the form that publishes


def test_a_long_publication_runs_in_the_background_and_ends_on_the_versions(coordinator, held):
    held.set()
    preview = post_upload(coordinator, csv_bytes(third_version()))
    address = re.search(r'action="(/taxonomies/import/[^"]+)"', preview.text).group(1)
    held.clear()
    started = coordinator.post(address, data={"note": "ورشة 3"})
    assert started.status_code == 303 and started.headers["Location"] == address
    waiting = coordinator.get(address)
    assert "تُكتب النسخة الجديدة" in waiting.text or "يُكتب الإصدار الجديد" in waiting.text
    assert coordinator.post(address, data={"note": "again"}).status_code == 303  # not twice
    held.set()
    import_jobs.wait_until_idle()
    done = coordinator.get(address)
    assert done.status_code == 303 and done.headers["Location"] == "/taxonomies/gov/"
    assert "نُشر الإصدار 3" in coordinator.get("/taxonomies/gov/").text
    assert db.session.scalar(select(func.count()).select_from(Version)) == 3
    assert db.session.scalar(select(Version.note).where(Version.number == 3)) == "ورشة 3"


def test_a_job_is_shown_only_to_the_account_that_started_it(
    coordinator, factory, client, sign_in, app
):
    preview = post_upload(coordinator, csv_bytes(third_version()))
    address = re.search(r'action="(/taxonomies/import/[^"]+)"', preview.text).group(1)
    other = factory.user("coord-2", Role.COORDINATOR)
    with client.session_transaction() as session:
        session["_user_id"] = other.get_id()
    assert client.get(address).status_code == 404
    assert client.post(address, data={"note": ""}).status_code == 404
    assert client.get(f"{address}/findings.csv").status_code == 200  # the token is the key


def test_a_refused_file_fills_the_form_in_again_but_the_file(coordinator):
    response = post_upload(
        coordinator, b"id,label_ar\na,x\na,y\n", slug="new-one", name_ar="جديد", name_en="New"
    )
    assert response.status_code == 422
    assert 'value="new-one"' in response.text and 'value="جديد"' in response.text
    assert "اختر الملف من جديد" in response.text
    assert "معرّفات مستخدمة أكثر من مرة" in response.text


def test_a_job_left_by_a_stopped_server_says_so(coordinator, app):
    job = import_jobs.Job("stale-token", 0, "checking")
    with app.test_request_context():
        from workshop.models import User

        job.user = db.session.scalar(select(User.id).where(User.username == "coord"))
        import_jobs._save(job)
        path = upload_previews.folder() / "stale-token.job"
    data = json.loads(path.read_text())
    data["updated"] = time.time() - import_jobs.STALE_SECONDS - 1
    path.write_text(json.dumps(data))
    response = coordinator.get("/taxonomies/import/stale-token")
    assert response.status_code == 422 and "توقف الخادم" in response.text


def test_a_dimension_bomb_is_read_as_the_one_concept_it_holds(coordinator):
    response = post_upload(
        coordinator, dimension_bomb(), "bomb.xlsx", slug="bomb", name_ar="ق", name_en="B"
    )
    assert response.status_code == 200
    assert re.search(r"<dt>المفاهيم</dt><dd>1</dd>", response.text)


def test_a_million_rows_are_refused_with_the_limit_named(coordinator):
    started = time.perf_counter()
    response = post_upload(
        coordinator, million_rows_csv(), "million.csv", slug="million", name_ar="م", name_en="M"
    )
    assert response.status_code == 422, response.text[:500]
    assert "أكثر من 300,000 صف" in response.text
    assert time.perf_counter() - started < 30


def test_a_zip_bomb_is_refused_before_it_is_unpacked(coordinator, app):
    app.config["IMPORT_MAX_UNZIPPED_MB"] = 50
    response = post_upload(
        coordinator, zip_bomb(), "zip.xlsx", slug="zipped", name_ar="ز", name_en="Z"
    )
    assert response.status_code == 422 and "248" in response.text and "50" in response.text
