"""axe-core (vendored for the tests only: tests/e2e/vendor/, MPL-2.0) on the main pages in
Arabic and English, on a phone and a laptop: no serious or critical violation."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.engine_independent]
AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
PAGES = [
    "/",
    "/agencies",
    "/profile",
    "/taxonomies/",
    "/taxonomies/gov/",
    "/taxonomies/gov/v/2/?concept=clinics",
    "/taxonomies/gov/v/2/concepts/insurance",
    "/taxonomies/gov/v/2/search?q=المدارس",
    "/taxonomies/gov/diff?a=1&b=2",
    "/taxonomies/import/",
    "/admin/accounts",
    "/admin/tokens",
    "/proposals/",
    "/proposals/new",
    "/proposals/{proposal}",
    "/proposals/{proposal}?op=retire",
]
SERIOUS = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ` +
      v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | "));
}"""


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("viewport", [(390, 844), (1280, 900)], ids=["phone", "laptop"])
def test_the_main_pages_have_no_serious_accessibility_violation(
    live_server, published, browser, people, language, viewport
):
    # The strict Content-Security-Policy forbids injected scripts; the test browser
    # bypasses it to run axe (the app's own pages are not changed).
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    page = context.new_page()
    try:
        sign_in(page, live_server, "coord")
        if language == "en":
            page.goto(f"{live_server}/lang/en")
        script = AXE.read_text(encoding="utf-8")
        proposal = discussed_proposal(people)
        found = {}
        for path in [*PAGES, "/no/such/page"]:
            page.goto(live_server + path.format(proposal=proposal))
            page.add_script_tag(content=script)
            violations = page.evaluate(SERIOUS)
            if violations:
                found[path] = violations
        assert found == {}
    finally:
        context.close()


def discussed_proposal(people) -> int:
    """An open proposal with a change, a question and its answer."""
    from workshop.services import comments, proposals

    author = people["representative"]
    proposal = proposals.create(author, "gov", "طب الأسنان", "أوضح")
    proposals.add_change(
        author, proposal.id, 1, {"op": "relabel", "id": "dental", "labels": {"en": "Teeth"}}
    )
    proposals.move(author, proposal.id, "open")
    question = comments.post(people["other_representative"], proposal.id, "لماذا؟", "question")
    comments.post(author, proposal.id, "لأنها أوضح", reply_to=question.id)
    return proposal.id
