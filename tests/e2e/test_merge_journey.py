"""The whole loop in real browsers, in Arabic: a coordinator imports a new version, two
agencies write proposals on phones, a workshop votes on them, the coordinator builds the
candidate, holds back the one that conflicts and publishes; the JSON export validates
against its schema and holds the change; the consensus document shows the decisions.
Screenshots under build/screenshots/."""

from __future__ import annotations

from datetime import date

import jsonschema
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, SHOTS, fits, shoot, sign_in
from tests.e2e.test_proposal_journey import choose
from tests.web.taxonomy_files import VERSION_2, csv_bytes
from workshop.taxonomy.build import build
from workshop.taxonomy.formats import export_schema
from workshop.taxonomy.model import make_concept

pytestmark = [pytest.mark.e2e, pytest.mark.engine_independent]


def propose(page, base: str, title: str, english: str) -> None:
    """A relabel of dental care written in the composer, then submitted for discussion."""
    page.goto(f"{base}/proposals/new")
    page.get_by_label("العنوان").fill(title)
    page.get_by_label("المبررات: لماذا هذا التغيير؟").fill("تسمية أوضح")
    page.get_by_role("button", name="أنشئ المسودة").click()
    expect(page.locator("h1")).to_have_text(title)
    choose(page, "غيّر التسمية")
    page.locator("#composer").get_by_label("ابحث عنه بالاسم").fill("اسنان")
    page.locator(".pick-list").get_by_role("link", name="طب الأسنان").click()
    expect(page.get_by_label("التسمية بالإنجليزية")).to_have_value("Dental care")
    page.get_by_label("التسمية بالإنجليزية").fill(english)
    page.get_by_role("button", name="أضف التغيير").click()
    expect(page.locator(".proposal-changes tbody tr")).to_have_count(1)
    page.get_by_role("button", name="قدّمه للنقاش").click()
    expect(page.locator(".facts .badge")).to_have_text("مفتوح للنقاش")


def test_import_propose_vote_merge_publish_document(
    live_server, published, browser, people, tmp_path
):
    from workshop.models import Proposal, db
    from workshop.services import workshops

    SHOTS.mkdir(parents=True, exist_ok=True)
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    phones = [browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True) for _ in range(2)]
    errors: list[str] = []
    for context in (desk, *phones):
        context.on("console", lambda m: m.type == "error" and errors.append(m.text))
    try:
        # 1. the coordinator imports the next edition (a pharmacies category added)
        coordinator = desk.new_page()
        sign_in(coordinator, live_server, "coord")
        coordinator.goto(f"{live_server}/taxonomies/import/")
        edition = build(
            [
                *VERSION_2.concepts.values(),
                make_concept(
                    "pharmacies", {"ar": "الصيدليات", "en": "Pharmacies"}, parent="health"
                ),
            ]
        )
        path = tmp_path / "v3.csv"
        path.write_bytes(csv_bytes(edition))
        coordinator.set_input_files("#file", str(path))
        coordinator.get_by_label("الاسم المختصر للتصنيف").fill("gov")
        coordinator.get_by_role("button", name="افحص الملف").click()
        expect(coordinator.locator("h1")).to_have_text("راجع قبل النشر", timeout=15_000)
        coordinator.get_by_role("button", name="انشر").click()
        expect(coordinator.locator(".flashes")).to_contain_text("نُشر الإصدار 3")

        # 2. two agencies propose on their phones: the same category, two new names
        moh, moe = (context.new_page() for context in phones)
        sign_in(moh, live_server, "rep-moh")
        propose(moh, live_server, "طب الأسنان: Teeth", "Teeth")
        sign_in(moe, live_server, "rep-moe")
        propose(moe, live_server, "طب الأسنان: Oral care", "Oral care")
        first, second = (p.id for p in db.session.query(Proposal).order_by(Proposal.id).all()[-2:])

        # 3. a workshop votes on both: the facilitator opens each round at the console
        workshop = workshops.create(
            people["coordinator"],
            workshops.Setting("gov", "ورشة الدمج", "Merge workshop", date(2026, 12, 1)),
        )
        workshop_id = workshop.id
        for proposal_id in (first, second):
            workshops.add_item(people["coordinator"], workshop_id, proposal_id)
        workshops.roll_call(
            people["coordinator"],
            workshop_id,
            {s.agency_id: ("present", "") for s in workshop.seats},
        )
        coordinator.goto(f"{live_server}/workshops/{workshop_id}/console")
        for title in ("Teeth", "Oral care"):
            coordinator.get_by_role("button", name="افتح التصويت").first.click()
            expect(coordinator.locator("#live")).to_contain_text(title)
            for phone in (moh, moe):
                phone.goto(f"{live_server}/workshops/{workshop_id}")
                phone.get_by_role("button", name="موافقة", exact=True).click()
                expect(phone.locator("#live")).to_contain_text("صوت جهتك: موافقة.")
            coordinator.get_by_role("button", name="أغلق التصويت").click()
            expect(coordinator.locator(".outcome")).to_contain_text("قُبل")

        # 4. the merge: the second conflicts with the first, is held back, and the rest
        # is published
        coordinator.set_viewport_size(PHONE)
        coordinator.goto(f"{live_server}/taxonomies/gov/merge")
        coordinator.get_by_role("button", name="بناء النسخة المرشحة").click()
        expect(coordinator.locator(".flashes")).to_contain_text("بُنيت النسخة المرشحة")
        held = coordinator.locator(".merge-report li.held")
        expect(held).to_contain_text("تعارض")
        shoot(coordinator, "phone-ar-merge-conflict")
        assert fits(coordinator)
        held.get_by_label("السبب (ستقرؤه الجهة صاحبة المقترح)").fill(
            "تعارض مع التسمية المعتمدة قبله"
        )
        held.get_by_role("button", name="إرجاء هذا المقترح").click()
        expect(coordinator.locator(".flashes")).to_contain_text("أُرجئ المقترح")
        coordinator.get_by_label("ملاحظة للإصدار").fill("نتائج ورشة الدمج")
        coordinator.get_by_role("button", name="نشر بوصفه الإصدار 4").click()
        expect(coordinator.locator("h1")).to_contain_text("الإصدار 4")
        expect(coordinator.locator("main")).to_contain_text("Teeth")
        shoot(coordinator, "phone-ar-changelog")
        assert fits(coordinator)

        # the agency held back reads why on its dashboard
        moe.goto(f"{live_server}/")
        expect(moe.locator("main")).to_contain_text("تعارض مع التسمية المعتمدة قبله")
        shoot(moe, "phone-ar-dashboard-held-back")

        # 5. the JSON export validates against its schema and holds the change
        export = coordinator.request.get(f"{live_server}/api/v1/taxonomies/gov/versions/4")
        data = export.json()
        jsonschema.validate(data, export_schema())
        assert data["version"]["proposals"] == [first]

        def find(concepts, concept_id):
            for concept in concepts:
                if concept["id"] == concept_id:
                    return concept
                found = find(concept.get("children", []), concept_id)
                if found:
                    return found
            return None

        assert find(data["concepts"], "dental")["labels"]["en"] == "Teeth"

        # 6. the consensus document shows the decisions, the ballots and the tree
        coordinator.goto(f"{live_server}/taxonomies/gov/versions/4/document")
        body = coordinator.locator("main")
        expect(body).to_contain_text("ورشة الدمج")
        expect(body).to_contain_text("قُبل")
        expect(body.locator("table.ballots").first).to_contain_text("وزارة الصحة")
        expect(body.locator(".outline")).to_contain_text("الصيدليات")
        shoot(coordinator, "phone-ar-consensus-document")
        assert fits(coordinator)
        # the crosswalk, the workshop's minutes, its sign-in cards, a proposal's votes
        for path, name, shown in (
            ("/taxonomies/gov/versions/4/crosswalk", "crosswalk", "التأمين الصحي"),
            (f"/workshops/{workshop_id}/minutes", "minutes", "الحضور: 2 حاضرة من 2"),
            (f"/workshops/{workshop_id}/cards", "cards", "بطاقات الدخول"),
            (f"/proposals/{first}", "proposal-votes", "ورشة الدمج، الجولة 1"),
        ):
            coordinator.goto(f"{live_server}{path}")
            expect(coordinator.locator("main")).to_contain_text(shown)
            shoot(coordinator, f"phone-ar-{name}")
            assert fits(coordinator), path
        # the same records in English, left to right, on a laptop
        coordinator.set_viewport_size({"width": 1366, "height": 768})
        coordinator.goto(f"{live_server}/lang/en")
        coordinator.goto(f"{live_server}/taxonomies/gov/versions/4/document")
        expect(coordinator.locator("html")).to_have_attribute("dir", "ltr")
        expect(coordinator.locator("h1")).to_contain_text("Consensus document")
        coordinator.screenshot(path=str(SHOTS / "laptop-en-consensus-document.png"), full_page=True)
        coordinator.goto(f"{live_server}/taxonomies/gov/merge")
        expect(coordinator.locator("main")).to_contain_text("No approved proposal")
        coordinator.screenshot(path=str(SHOTS / "laptop-en-merge.png"), full_page=True)
        assert errors == []
    finally:
        for context in (desk, *phones):
            context.close()
