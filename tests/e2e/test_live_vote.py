"""A vote in the hall, in four browsers: the facilitator opens a round from the console,
three agencies vote from phones, the projector lights their tiles without a reload, the
round closes, and the outcome and the objection are shown. Screenshots of the projector
(1920 x 1080) and of the ballot panel (390 x 844), in Arabic, under build/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, SHOTS, fits, shoot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.engine_independent]


def test_a_vote_in_four_browsers(live_server, published, browser, people, password_hash):
    from datetime import date

    from tests.conftest import Factory
    from workshop.models import Role
    from workshop.services import proposals, workshops

    factory = Factory(password_hash)
    factory.user(
        "rep-moi", Role.REPRESENTATIVE, factory.agency("MOI", "وزارة الداخلية", "Interior")
    )
    author = people["representative"]
    proposal = proposals.create(author, "gov", "طب الفم والأسنان", "تسمية أوضح")
    proposals.add_change(
        author,
        proposal.id,
        1,
        {"op": "relabel", "id": "dental", "labels": {"ar": "طب الفم والأسنان"}},
    )
    proposals.move(author, proposal.id, "open")
    coordinator = people["coordinator"]
    workshop = workshops.create(
        coordinator,
        workshops.Setting("gov", "ورشة التصنيف الأولى", "First workshop", date(2026, 12, 1)),
    )
    workshop_id = workshop.id
    workshops.add_item(coordinator, workshop_id, proposal.id)
    workshops.roll_call(
        coordinator, workshop_id, {s.agency_id: ("present", "") for s in workshop.seats}
    )

    hall = browser.new_context(viewport={"width": 1920, "height": 1080})
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    phones = [browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True) for _ in range(3)]
    SHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    for context in (hall, desk, *phones):
        context.on("console", lambda m: m.type == "error" and errors.append(m.text))
    try:
        projector = hall.new_page()
        sign_in(projector, live_server, "watcher")
        projector.goto(f"{live_server}/workshops/{workshop_id}/projector")
        expect(projector.locator("#live")).to_contain_text("لا تصويت بعد")

        console = desk.new_page()
        sign_in(console, live_server, "coord")
        console.goto(f"{live_server}/workshops/{workshop_id}/console")
        console.get_by_role("button", name="افتح التصويت").click()
        expect(console.locator("#live")).to_contain_text("صوّتت 0 من 3")
        expect(projector.locator("#live")).to_contain_text("طب الفم والأسنان")  # no reload

        voters = []
        for context, (username, choice) in zip(
            phones, (("rep-moh", "موافقة"), ("rep-moe", "رفض"), ("rep-moi", "موافقة")), strict=True
        ):
            phone = context.new_page()
            sign_in(phone, live_server, username)
            phone.goto(f"{live_server}/workshops/join")
            phone.get_by_label("الرمز المعروض على الشاشة").fill(workshop.join_code.lower())
            phone.get_by_role("button", name="انضم").click()
            expect(phone.locator("#live")).to_contain_text("لم تُدلِ جهتك بصوتها بعد")
            if choice == "رفض":  # first without a reason: told next to the buttons
                phone.get_by_role("button", name=choice, exact=True).click()
                expect(phone.locator("#ballot-status")).to_contain_text("الرفض اعتراض: اذكر السبب.")
                expect(phone.locator("#live")).to_contain_text("لم تُدلِ جهتك بصوتها بعد")
                phone.screenshot(path=str(SHOTS / "phone-ar-ballot-reason-needed.png"))
                phone.get_by_label("للرفض، اذكر السبب (فهو اعتراض)").fill(
                    "التسمية الجديدة أطول من اللازم"
                )
            phone.get_by_role("button", name=choice, exact=True).click()
            expect(phone.locator("#live")).to_contain_text(f"صوت جهتك: {choice}.")
            expect(phone.locator("#ballot-status")).to_contain_text("سُجّل صوت جهتك.")
            voters.append(phone)
        assert fits(voters[0])
        shoot(voters[0], "phone-ar-ballot-panel")

        expect(projector.locator(".tile.cast")).to_have_count(3)
        expect(projector.locator(".participation")).to_contain_text("صوّتت 3 من 3")
        projector.screenshot(path=str(SHOTS / "projector-ar-voting.png"))

        console.get_by_role("button", name="أغلق التصويت").click()
        expect(projector.locator(".outcome")).to_contain_text("قُبل")  # 2 of 3: 2/3 exactly
        expect(projector.locator(".objections")).to_contain_text("التسمية الجديدة أطول من اللازم")
        expect(voters[1].locator(".outcome")).to_contain_text("قُبل")
        projector.screenshot(path=str(SHOTS / "projector-ar-result.png"))
        # the console on a phone too (a facilitator may walk the hall)
        console.set_viewport_size(PHONE)
        console.reload()
        expect(console.locator(".outcome")).to_contain_text("قُبل")
        shoot(console, "phone-ar-console")
        assert fits(console)
        # the refused reject answered 422 once (the browser logs that status); nothing else
        assert [e for e in errors if "status of 422" not in e] == []
    finally:
        for context in (hall, desk, *phones):
            context.close()
