"""A representative on a 390 x 844 phone, in Arabic: tap a category and see it at once,
open a branch by tapping its name, go Back, open a shared link; no page runs off the
screen. Screenshots are saved under build/screenshots/ to be looked at."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, SHOTS, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.engine_independent]
PAGES = [
    "/",
    "/agencies",
    "/profile",
    "/taxonomies/",
    "/taxonomies/gov/",
    "/taxonomies/gov/v/2/",
    "/taxonomies/gov/v/2/?concept=public-schools",
    "/taxonomies/gov/v/1/",
    "/taxonomies/gov/v/2/concepts/clinics",
    "/taxonomies/gov/v/2/search?q=المدارس",
    "/taxonomies/gov/diff?a=1&b=2",
    "/taxonomies/import/",
    "/proposals/",
    "/proposals/new",
    "/admin/accounts",
    "/admin/tokens",
]


def in_view(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + 20 <= PHONE["height"]


def test_tap_a_category_open_a_branch_go_back_and_share(live_server, published, phone):
    page = phone
    sign_in(page, live_server, "rep-moh")
    base = f"{live_server}/taxonomies/gov/v/2/"
    page.goto(base)
    health = page.locator('[data-concept="health"]')

    # tapping the name opens the branch and shows the details where the eye is
    health.locator(".concept-link").first.tap()
    expect(page.locator('[data-concept="hospitals"]')).to_be_visible()
    expect(page.locator("#concept-panel h2")).to_contain_text("الصحة")
    assert in_view(page, "#concept-panel h2")
    assert page.url.endswith("?concept=health")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "phone-ar-concept-sheet.png"))

    # back to the tree, at the same place, branch still open
    page.locator("#concept-panel .sheet-close").tap()
    expect(page.locator("#concept-panel")).not_to_have_class("concept-pane open")
    expect(page.locator('[data-concept="hospitals"]')).to_be_visible()
    assert health.get_attribute("aria-expanded") == "true"
    assert health.locator(".toggle").first.get_attribute("aria-expanded") == "true"

    # a second concept, then Back: the address and the page follow
    page.locator('[data-concept="clinics"] .concept-link').tap()
    expect(page.locator("#concept-panel h2")).to_contain_text("المراكز الصحية")
    assert page.url.endswith("?concept=clinics")
    page.go_back()
    expect(page.locator("#concept-panel h2")).to_contain_text("الصحة")
    assert page.url.endswith("?concept=health")

    # a shared link opens the tree down to the concept, with its details
    page.goto(base + "?concept=public-schools")
    expect(page.locator("#concept-panel h2")).to_contain_text("المدارس الحكومية")
    item = page.locator('[data-concept="public-schools"]')
    assert item.get_attribute("aria-current") == "true"
    for above in ("housing", "schools"):
        assert page.locator(f'[data-concept="{above}"]').get_attribute("aria-expanded") == "true"
    page.screenshot(path=str(SHOTS / "phone-ar-shared-link.png"))

    # an old version says so and links to the current one
    page.goto(f"{live_server}/taxonomies/gov/v/1/")
    expect(page.locator(".old-version")).to_contain_text("ليس الإصدار الحالي")
    assert page.console_errors == []


def test_no_page_runs_off_a_phone_screen(live_server, published, phone):
    page = phone
    sign_in(page, live_server, "coord")
    SHOTS.mkdir(parents=True, exist_ok=True)
    wide = {}
    for path in PAGES:
        page.goto(live_server + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[path] = width
        name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "home"
        page.screenshot(path=str(SHOTS / f"phone-ar-{name}.png"), full_page=True)
    assert wide == {}
    assert page.console_errors == []
