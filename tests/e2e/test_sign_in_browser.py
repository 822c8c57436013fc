"""A representative in the hall: signs in in Arabic, switches to English, uses htmx widgets."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import sign_in

# The browser sees pages, the same on every engine.
pytestmark = [pytest.mark.e2e, pytest.mark.engine_independent]


def test_sign_in_in_arabic_then_switch_to_english(live_server, page, tmp_path):
    page.goto(f"{live_server}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "تسجيل الدخول"
    page.get_by_label("اسم المستخدم").fill("rep-moh")
    page.get_by_label("كلمة المرور").fill(PASSWORD)
    page.get_by_role("button", name="تسجيل الدخول").click()
    page.wait_for_url(f"{live_server}/")
    assert "مرحبًا" in page.locator("h1").inner_text()
    assert "وزارة الصحة" in page.locator("#dashboard").inner_text()
    page.screenshot(path=str(tmp_path / "home-ar.png"), full_page=True)

    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"{live_server}/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("h1").inner_text().startswith("Welcome")
    screenshot = tmp_path / "home-en.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000
    assert page.console_errors == []


def test_the_agency_filter_updates_the_table_through_htmx(live_server, page):
    sign_in(page, live_server, "watcher")
    page.goto(f"{live_server}/agencies")
    assert page.locator("#agency-table tbody tr").count() == 2
    with page.expect_response(lambda r: "/agencies?" in r.url and r.status == 200):
        page.get_by_label("تصفية الجهات").fill("التربية")
    expect(page.locator("#agency-table tbody tr")).to_have_count(1)
    assert "MOE" in page.locator("#agency-table").inner_text()
    assert page.url == f"{live_server}/agencies"  # a fragment swap, not a page load
    assert page.console_errors == []


def test_a_coordinator_deactivates_an_account_through_htmx_with_the_csrf_header(live_server, page):
    sign_in(page, live_server, "coord")
    page.goto(f"{live_server}/admin/accounts")
    row = page.locator("#accounts tr", has_text="watcher")
    # it asks first, in the row; "No" leaves the account as it is
    row.get_by_role("link", name="تعطيل").click()
    expect(row.get_by_role("alertdialog")).to_contain_text("تعطيل الحساب watcher؟")
    with page.expect_response(
        lambda r: r.url.endswith("/deactivate") and r.request.method == "POST"
    ) as info:
        row.get_by_role("button", name="نعم، نفّذ").click()
    assert info.value.status == 200
    expect(page.locator("#accounts tr.inactive", has_text="watcher")).to_have_count(1)
    # the message lands in the page's one flash region, not inside the table
    expect(page.locator("#flashes")).to_contain_text("watcher")
    assert page.locator("#accounts .flash").count() == 0
    assert page.console_errors == []
