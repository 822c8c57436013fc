"""A coordinator imports a file on a phone, in Arabic, with CSRF on: a long check shows a
page that reloads itself until the changes are there, a publication ends on the versions,
and a refused file comes back with the form filled in. Screenshots under build/screenshots/."""

from __future__ import annotations

import threading

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SHOTS, fits, sign_in
from tests.web.taxonomy_files import VERSION_2, csv_bytes
from workshop.services import import_jobs, upload_previews
from workshop.taxonomy.build import build
from workshop.taxonomy.model import make_concept

pytestmark = [pytest.mark.e2e, pytest.mark.engine_independent]


def choose(page, tmp_path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    page.set_input_files("#file", str(path))


def test_a_long_check_then_publishing_on_a_phone(
    live_server, published, phone, tmp_path, monkeypatch
):
    release = threading.Event()
    real = upload_previews.preview

    def slow(*args, **kwargs):
        assert release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(upload_previews, "preview", slow)
    monkeypatch.setattr(import_jobs, "WAIT_IN_REQUEST_SECONDS", 0.05)
    page = phone
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, live_server, "coord")
    page.goto(f"{live_server}/taxonomies/import/")
    third = build(
        [
            *VERSION_2.concepts.values(),
            make_concept("pharmacies", {"ar": "الصيدليات", "en": "Pharmacies"}, parent="health"),
        ]
    )
    choose(page, tmp_path, "v3.csv", csv_bytes(third))
    page.get_by_label("الاسم المختصر للتصنيف").fill("gov")
    page.get_by_role("button", name="افحص الملف").click()
    expect(page.locator("h1")).to_have_text("جارٍ فحص الملف")
    assert fits(page)
    page.screenshot(path=str(SHOTS / "phone-ar-import-waiting.png"), full_page=True)
    release.set()
    # the page reloads itself (no script) and shows the changes
    expect(page.locator("h1")).to_have_text("راجع قبل النشر", timeout=15_000)
    expect(page.locator(".changes")).to_contain_text("الصيدليات")
    assert fits(page)
    page.screenshot(path=str(SHOTS / "phone-ar-import-preview.png"), full_page=True)
    page.get_by_role("button", name="انشر").click()
    expect(page.locator(".flashes")).to_contain_text("نُشر الإصدار 3")
    assert page.url.endswith("/taxonomies/gov/")
    assert page.console_errors == []


def test_a_refused_file_comes_back_with_the_form_filled_in(live_server, published, phone, tmp_path):
    page = phone
    sign_in(page, live_server, "coord")
    page.goto(f"{live_server}/taxonomies/import/")
    choose(page, tmp_path, "bad.csv", b"id,label_ar\na,x\na,y\n")
    page.get_by_label("الاسم المختصر للتصنيف").fill("new-one")
    page.get_by_label("الاسم بالعربية (لتصنيف جديد)").fill("تصنيف جديد")
    page.get_by_label("الاسم بالإنجليزية (لتصنيف جديد)").fill("A new one")
    page.get_by_role("button", name="افحص الملف").click()
    expect(page.locator(".finding-groups")).to_contain_text("معرّفات مستخدمة أكثر من مرة")
    expect(page.get_by_label("الاسم بالعربية (لتصنيف جديد)")).to_have_value("تصنيف جديد")
    expect(page.locator("#file-error")).to_be_visible()
    assert fits(page)
    page.screenshot(path=str(SHOTS / "phone-ar-import-refused.png"), full_page=True)
    # the page itself answers 422 (the browser logs that status); nothing else went wrong
    assert [e for e in page.console_errors if "status of 422" not in e] == []
