"""A representative given a one-time password, on a 390 x 844 phone in Arabic: signs in, is
sent to choose a new password, browses the tree through htmx, downloads the JSON export and
signs out; then the same reading at 1366 px in English. What the requests' fixed costs were
trimmed around must hold: the strict security headers once on every answer, a session cookie
that a read leaves as it is, sign-in's limits, the export's bytes."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import fits, shoot
from workshop.models import db

pytestmark = [pytest.mark.e2e, pytest.mark.engine_independent]
NEW_PASSWORD = "a-new-hall-password"
ONCE = ("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy")


def header_counts(response) -> dict[str, int]:
    names = [h["name"].lower() for h in response.headers_array()]
    return {name: names.count(name) for name in ONCE}


def session_cookie(page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == "session")


def test_a_one_time_password_then_the_tree_the_export_and_sign_out_on_a_phone(
    live_server, published, people, phone
):
    people["observer"].must_change_password = True
    db.session.commit()
    page = phone

    page.goto(f"{live_server}/login")
    page.get_by_label("اسم المستخدم").fill("watcher")
    page.get_by_label("كلمة المرور").fill(PASSWORD)
    page.get_by_role("button", name="تسجيل الدخول").click()
    page.wait_for_url(f"{live_server}/profile")
    expect(page.locator("main")).to_contain_text("اختر كلمة مرور جديدة قبل المتابعة.")
    # a page asked for directly still leads to the profile
    page.goto(f"{live_server}/taxonomies/gov/v/2/")
    assert page.url == f"{live_server}/profile"
    shoot(page, "phone-ar-one-time-password")
    assert fits(page)

    # (a one-time password was just typed: the form does not ask for it again)
    page.get_by_label("كلمة المرور الجديدة", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("أعد كتابة كلمة المرور الجديدة").fill(NEW_PASSWORD)
    page.get_by_role("button", name="تغيير كلمة المرور").click()
    page.wait_for_load_state()

    answer = page.goto(f"{live_server}/taxonomies/gov/v/2/")
    assert page.url == f"{live_server}/taxonomies/gov/v/2/"
    assert header_counts(answer) == dict.fromkeys(ONCE, 1)
    cookie = session_cookie(page)
    health = page.locator('[data-concept="health"]')
    with page.expect_response(lambda r: "/children" in r.url) as fragment:
        health.locator(".concept-link").first.tap()
    expect(page.locator('[data-concept="hospitals"]')).to_be_visible()
    assert header_counts(fragment.value) == dict.fromkeys(ONCE, 1)
    assert "set-cookie" not in fragment.value.headers  # a read leaves the session alone
    assert session_cookie(page) == cookie
    shoot(page, "phone-ar-tree-after-new-password")
    assert fits(page)

    page.locator("#concept-panel .sheet-close").tap()  # back from the details sheet
    with page.expect_download() as download:
        page.get_by_role("link", name="JSON", exact=True).tap()
    document = json.loads(download.value.path().read_bytes())
    labels = [node["labels"].get("ar") for node in document["concepts"]]
    assert document["format"] == "workshop-taxonomy/1" and "الصحة" in labels

    page.get_by_role("button", name="تسجيل الخروج").tap()
    page.wait_for_url(f"{live_server}/login*")
    page.goto(f"{live_server}/taxonomies/gov/v/2/")
    assert page.url.startswith(f"{live_server}/login")
    # the new password is the one that signs in now
    page.get_by_label("اسم المستخدم").fill("watcher")
    page.get_by_label("كلمة المرور").fill(NEW_PASSWORD)
    page.get_by_role("button", name="تسجيل الدخول").click()
    page.wait_for_url(f"{live_server}/taxonomies/gov/v/2/")
    assert page.console_errors == []


def test_reading_in_english_at_1366_keeps_the_session_and_the_sign_in_limit_holds(
    live_server, published, people, browser
):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))

    # failed sign-ins still count (the limiter now looks at writes only)
    page.goto(f"{live_server}/login")
    for _ in range(12):
        page.get_by_label("Username").fill("rep-moh")
        page.get_by_label("Password").fill("wrong-password")
        page.get_by_role("button", name="Sign in").click()
        if "Too many" in page.locator("main").inner_text():
            break
    expect(page.locator("main")).to_contain_text("Too many")

    errors.clear()  # the refused sign-ins' 422 and 429 answers, logged by the browser
    page.goto(f"{live_server}/login")  # reading the form is never limited
    page.get_by_label("Username").fill("watcher")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/")
    cookie = next(c["value"] for c in context.cookies() if c["name"] == "session")
    answer = page.goto(f"{live_server}/taxonomies/gov/v/2/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert header_counts(answer) == dict.fromkeys(ONCE, 1)
    page.locator('[data-concept="health"] .concept-link').first.click()
    expect(page.locator('[data-concept="hospitals"]')).to_be_visible()
    expect(page.locator("#concept-panel h2")).to_contain_text("Health")
    assert next(c["value"] for c in context.cookies() if c["name"] == "session") == cookie
    shoot(page, "desktop-en-tree-after-sign-in")
    assert errors == []
    context.close()
