"""A ballot's answer and the polls after it, with the live window as deployed (0.25 s):
the answer confirms the agency's own ballot at once; the hall's count reaches every panel
by the next poll, without a reload, and a reason being typed on another panel stays as it
is. An Arabic phone (390 x 844) and an English laptop (1366 px); screenshots of both under
build/screenshots/."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, SHOTS, fits, serving, shoot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.engine_independent]

WITHIN = 2_000  # ms: the hall's target for a ballot to reach the screens


@pytest.fixture
def server_as_deployed(make_app, people):
    from workshop.config import Defaults

    fresh = Defaults.LIVE_POLL_FRESH_SECONDS  # the tests' own default is 0
    with serving(make_app(WTF_CSRF_ENABLED=True, LIVE_POLL_FRESH_SECONDS=fresh)) as address:
        yield address


def test_the_answer_confirms_at_once_and_the_count_follows(
    server_as_deployed, published, browser, people
):
    from workshop.services import proposals, voting, workshops

    base = server_as_deployed
    author, coordinator = people["representative"], people["coordinator"]
    proposal = proposals.create(author, "gov", "طب الفم والأسنان", "تسمية أوضح")
    proposals.add_change(
        author, proposal.id, 1, {"op": "relabel", "id": "dental", "labels": {"en": "Oral care"}}
    )
    proposals.move(author, proposal.id, "open")
    workshop = workshops.create(
        coordinator,
        workshops.Setting("gov", "ورشة التصنيف", "Taxonomy workshop", date(2026, 12, 1)),
    )
    workshop_id = workshop.id
    item = workshops.add_item(coordinator, workshop_id, proposal.id)
    workshops.roll_call(
        coordinator, workshop_id, {s.agency_id: ("present", "") for s in workshop.seats}
    )
    voting.open_round(coordinator, item.id)

    phone_context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    laptop_context = browser.new_context(viewport={"width": 1366, "height": 768})
    errors: list[str] = []
    for context in (phone_context, laptop_context):
        context.on("console", lambda m: m.type == "error" and errors.append(m.text))
    try:
        phone = phone_context.new_page()  # Arabic, the default
        sign_in(phone, base, "rep-moh")
        phone.goto(f"{base}/workshops/{workshop_id}")
        expect(phone.locator("#live")).to_contain_text("صوّتت 0 من 2")

        laptop = laptop_context.new_page()
        sign_in(laptop, base, "rep-moe")
        laptop.goto(f"{base}/lang/en")
        laptop.goto(f"{base}/workshops/{workshop_id}")
        expect(laptop.locator("#live")).to_contain_text("0 / 2 cast")
        reason = laptop.get_by_label("To reject, say why (it is an objection)")
        reason.fill("The new label is too long")  # being typed while the hall votes

        phone.get_by_role("button", name="موافقة", exact=True).click()
        expect(phone.locator("#ballot-status")).to_contain_text("سُجّل صوت جهتك.")
        expect(phone.locator("#live")).to_contain_text("صوت جهتك: موافقة.")
        # The answer may carry the count of a moment ago; the next poll has this ballot.
        expect(phone.locator("#live")).to_contain_text("صوّتت 1 من 2", timeout=WITHIN)
        expect(laptop.locator("#live")).to_contain_text("1 / 2 cast", timeout=WITHIN)
        expect(reason).to_have_value("The new label is too long")  # not disturbed

        laptop.get_by_role("button", name="Reject", exact=True).click()
        expect(laptop.locator("#live")).to_contain_text("Your agency's ballot: Reject.")
        expect(laptop.locator("#ballot-status")).to_contain_text("Your agency's ballot is")
        expect(phone.locator("#live")).to_contain_text("صوّتت 2 من 2", timeout=WITHIN)

        # A change of mind: the agency's own line follows it at once.
        phone.get_by_role("button", name="امتناع", exact=True).click()
        expect(phone.locator("#live")).to_contain_text("صوت جهتك: امتناع.")
        expect(phone.locator("#live")).to_contain_text("صوّتت 2 من 2")

        assert fits(phone)
        shoot(phone, "phone-ar-ballot-answer")
        SHOTS.mkdir(parents=True, exist_ok=True)
        laptop.screenshot(path=str(SHOTS / "laptop-en-ballot-answer.png"), full_page=True)
        assert laptop.evaluate("document.documentElement.scrollWidth") <= 1366
        assert errors == []
    finally:
        for context in (phone_context, laptop_context):
            context.close()
