"""A participant browses a version in a real browser: expand, search in Arabic, open a
concept, look at the changes, download the JSON."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

# The browser sees pages, the same on every engine.
pytestmark = [pytest.mark.e2e, pytest.mark.engine_independent]


def test_browse_expand_search_open_diff_and_download(live_server, published, page, tmp_path):
    sign_in(page, live_server, "rep-moh")
    page.goto(f"{live_server}/taxonomies/gov/v/2/")
    tree = page.get_by_role("tree")
    health = page.locator('[data-concept="health"]')
    assert health.get_attribute("aria-expanded") == "false"

    # keyboard: focus the first item, open it with the key that points inward (RTL: left)
    health.focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_selector('[data-concept="hospitals"]')
    assert health.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.dataset.concept") == "clinics"
    page.keyboard.press("Enter")
    page.wait_for_selector("#concept-panel h2")
    assert "المراكز الصحية" in page.locator("#concept-panel h2").inner_text()
    assert "العيادات" in page.locator("#concept-panel .history").inner_text()

    # search in Arabic: the match and its path
    page.get_by_label("ابحث في التسميات والمرادفات والرموز والملاحظات").fill("الحكومية")
    page.wait_for_selector(".search-results li")
    result = page.locator(".search-results li").first.inner_text()
    assert "المدارس الحكومية" in result and "الإسكان" in result
    page.screenshot(path=str(tmp_path / "browse-ar.png"), full_page=True)
    assert tree.count() == 1

    # the changes between versions 1 and 2, filtered to moves
    page.goto(f"{live_server}/taxonomies/gov/diff?a=1&b=2")
    assert page.locator("table.diff tbody tr").count() == 4
    page.locator(".kinds a").nth(3).click()  # All, Added, Relabelled, Moved
    expect(page.locator("table.diff tbody tr")).to_have_count(1)
    assert page.locator("tr.op-move").count() == 1

    # download the JSON of version 2
    page.goto(f"{live_server}/taxonomies/gov/v/2/")
    with page.expect_download() as info:
        page.get_by_role("link", name="JSON").click()
    download = tmp_path / "gov-v2.json"
    info.value.save_as(download)
    document = json.loads(download.read_text(encoding="utf-8"))
    assert document["version"]["number"] == 2 and document["format"] == "workshop-taxonomy/1"
    assert page.console_errors == []
