"""The pages of imports and proposals on a 1366 px laptop, in Arabic and English: nothing
runs off the screen, no console error. Screenshots under build/screenshots/."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import SHOTS, sign_in
from tests.e2e.test_accessibility import discussed_proposal

pytestmark = [pytest.mark.e2e, pytest.mark.engine_independent]
LAPTOP = {"width": 1366, "height": 900}
PAGES = ["/", "/proposals/", "/proposals/new", "/proposals/{proposal}", "/taxonomies/import/"]


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_pages_fit_a_laptop(live_server, published, browser, people, language):
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    try:
        sign_in(page, live_server, "coord")
        if language == "en":
            page.goto(f"{live_server}/lang/en")
        proposal = discussed_proposal(people)
        SHOTS.mkdir(parents=True, exist_ok=True)
        wide = {}
        for path in PAGES:
            page.goto(live_server + path.format(proposal=proposal))
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > LAPTOP["width"]:
                wide[path] = width
            name = path.strip("/").replace("/", "-").replace("{proposal}", "one") or "home"
            page.screenshot(path=str(SHOTS / f"laptop-{language}-{name}.png"), full_page=True)
        assert wide == {}
        assert errors == []
    finally:
        context.close()
