"""A representative writes a proposal on a phone, in Arabic: three changes, one refused with
its reason next to the form, then submitted for discussion. Screenshots under
build/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, SHOTS, fits, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.engine_independent]


def test_write_a_proposal_with_three_changes_and_submit_it(live_server, published, phone):
    page = phone
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, live_server, "rep-moh")
    page.goto(f"{live_server}/proposals/")
    page.get_by_role("link", name="مقترح جديد").click()
    page.get_by_label("العنوان").fill("تنظيم خدمات الصحة")
    page.get_by_label("المبررات: لماذا هذا التغيير؟").fill("تسميات أوضح للمواطنين")
    page.get_by_role("button", name="أنشئ المسودة").click()
    expect(page.locator("h1")).to_have_text("تنظيم خدمات الصحة")

    # 1. relabel
    page.get_by_role("link", name="غيّر التسمية").click()
    page.get_by_label("المفهوم (المعرّف)").fill("dental")
    page.get_by_label("التسمية بالعربية").fill("طب الأسنان")
    page.get_by_role("button", name="أضف التغيير").click()
    expect(page.locator(".proposal-changes li")).to_have_count(1)
    # 2. add a concept under health
    page.get_by_role("link", name="أضف مفهومًا").click()
    page.get_by_label("تحت (معرّف الأصل؛ فارغ: في أعلى الشجرة)").fill("health")
    page.get_by_label("التسمية بالعربية").fill("الصيدليات")
    page.get_by_label("التسمية بالإنجليزية").fill("Pharmacies")
    page.get_by_role("button", name="أضف التغيير").click()
    expect(page.locator(".proposal-changes li")).to_have_count(2)
    # a move into its own subtree is refused, with the reason by the form
    page.get_by_role("link", name="انقل").click()
    page.get_by_label("المفهوم (المعرّف)").fill("health")
    page.get_by_label("تحت (معرّف الأصل؛ فارغ: في أعلى الشجرة)").fill("clinics")
    page.get_by_role("button", name="أضف التغيير").click()
    expect(page.locator(".field-error")).to_contain_text("حلقة")
    assert fits(page)
    page.screenshot(path=str(SHOTS / "phone-ar-proposal-refused-change.png"), full_page=True)
    # 3. fixed: move the public schools to education
    page.get_by_label("المفهوم (المعرّف)").fill("public-schools")
    page.get_by_label("تحت (معرّف الأصل؛ فارغ: في أعلى الشجرة)").fill("education")
    page.get_by_role("button", name="أضف التغيير").click()
    expect(page.locator(".proposal-changes li")).to_have_count(3)
    expect(page.locator(".proposal-changes")).to_contain_text("الصيدليات")
    assert fits(page)
    page.screenshot(path=str(SHOTS / "phone-ar-proposal-draft.png"), full_page=True)

    page.get_by_role("button", name="قدّمه للنقاش").click()
    expect(page.locator(".facts .badge")).to_have_text("مفتوح للنقاش")
    page.goto(f"{live_server}/proposals/")
    expect(page.locator(".proposal-list")).to_contain_text("تنظيم خدمات الصحة")
    assert fits(page)
    page.screenshot(path=str(SHOTS / "phone-ar-proposals.png"), full_page=True)
    # the same proposal in English, left to right
    page.get_by_role("link", name="English").click()
    page.locator(".proposal-list a").first.click()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator(".facts .badge")).to_have_text("Open for discussion")
    assert fits(page)
    page.screenshot(path=str(SHOTS / "phone-en-proposal.png"), full_page=True)
    # the page itself answered 422 once (the refused change); nothing else went wrong
    assert [e for e in page.console_errors if "status of 422" not in e] == []


def test_a_reply_appears_for_the_other_agency_without_a_reload(
    live_server, published, browser, people
):
    """Two representatives in two browsers: a question from one agency, a reply from the
    proposal's agency, and the question's author sees it arrive while typing, undisturbed."""
    from workshop.services import proposals

    author = people["representative"]
    proposal = proposals.create(author, "gov", "طب الأسنان", "أوضح")
    proposals.add_change(
        author, proposal.id, 1, {"op": "relabel", "id": "dental", "labels": {"en": "Teeth"}}
    )
    proposals.move(author, proposal.id, "open")
    address = f"{live_server}/proposals/{proposal.id}"
    contexts = [browser.new_context(viewport=PHONE, is_mobile=True) for _ in range(2)]
    asker, answerer = (c.new_page() for c in contexts)
    try:
        sign_in(asker, live_server, "rep-moe")
        asker.goto(address)
        asker.get_by_label("تعليقك").fill("هل يشمل العيادات الخاصة؟")
        asker.get_by_label("نوعه").select_option("question")
        asker.get_by_role("button", name="انشر التعليق").click()
        expect(asker.locator("#comment-threads")).to_contain_text("هل يشمل العيادات الخاصة؟")

        sign_in(answerer, live_server, "rep-moh")
        answerer.goto(address)
        answerer.locator("#comment-threads").get_by_role("link", name="ردّ").click()
        answerer.get_by_label("تعليقك").fill("نعم، العامة والخاصة.")
        # meanwhile the asker starts typing a follow-up
        asker.get_by_label("تعليقك").fill("وماذا عن")
        answerer.get_by_role("button", name="انشر التعليق").click()

        expect(asker.locator("#comment-threads .replies")).to_contain_text(
            "نعم، العامة والخاصة.", timeout=15_000
        )
        assert asker.get_by_label("تعليقك").input_value() == "وماذا عن"  # undisturbed
        assert fits(asker)
        asker.screenshot(path=str(SHOTS / "phone-ar-discussion.png"), full_page=True)
    finally:
        for context in contexts:
            context.close()
