"""A representative writes a proposal on a phone, in Arabic: three changes, one refused with
its reason next to the form, then submitted for discussion. Screenshots under
build/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, SHOTS, fits, shoot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.engine_independent]


def choose(page, action: str) -> None:
    """A kind of change: its form comes without a reload, so wait until it is there."""
    page.locator(".op-tabs").get_by_role("link", name=action).click()
    expect(page.locator(".op-tabs a[aria-current]")).to_have_text(action)


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

    page.evaluate("window.notReloaded = true")  # gone if any step reloads the page
    rows = page.locator(".proposal-changes tbody tr")
    # 1. relabel, the concept found by its name with the picker: the form is drawn with
    # its own labels and synonyms
    choose(page, "غيّر التسمية")
    page.locator("#composer").get_by_label("ابحث عنه بالاسم").fill("اسنان")
    page.locator(".pick-list").get_by_role("link", name="طب الأسنان").click()
    expect(page.get_by_label("التسمية بالإنجليزية")).to_have_value("Dental care")
    page.get_by_label("التسمية بالعربية").fill("طب الفم والأسنان")
    page.get_by_label("المرادفات بالعربية، واحد في كل سطر").fill("الأسنان\nطب الفم")
    page.get_by_role("button", name="أضف التغيير").click()
    expect(rows).to_have_count(2)  # the relabel and the synonyms
    # 2. add a concept under health, picked by name
    choose(page, "أضف مفهومًا")
    page.locator("#composer").get_by_label("ابحث عنه بالاسم").fill("الصحة")
    page.locator(".pick-list").get_by_role("button", name="الصحة").first.click()
    expect(page.get_by_label("تحت (معرّف الأصل؛ فارغ: في أعلى الشجرة)")).to_have_value("health")
    page.get_by_label("التسمية بالعربية").fill("الصيدليات")
    page.get_by_label("التسمية بالإنجليزية").fill("Pharmacies")
    page.get_by_role("button", name="أضف التغيير").click()
    expect(rows).to_have_count(3)
    expect(page.locator("#preview")).to_contain_text("الصيدليات")
    # a move into its own subtree is refused, with the reason by the form
    choose(page, "انقل")
    page.get_by_label("المفهوم (المعرّف)").fill("health")
    page.get_by_label("تحت (معرّف الأصل؛ فارغ: في أعلى الشجرة)").fill("clinics")
    page.get_by_role("button", name="أضف التغيير").click()
    expect(page.locator(".field-error")).to_contain_text("حلقة")
    assert fits(page)
    shoot(page, "phone-ar-proposal-refused-change")
    # 3. fixed: move the public schools to education
    page.get_by_label("المفهوم (المعرّف)").fill("public-schools")
    page.get_by_label("تحت (معرّف الأصل؛ فارغ: في أعلى الشجرة)").fill("education")
    page.get_by_role("button", name="أضف التغيير").click()
    expect(rows).to_have_count(4)
    expect(page.locator(".proposal-changes")).to_contain_text("الصيدليات")
    expect(page.locator("#preview .mark-moved")).to_contain_text("المدارس")
    assert page.evaluate("window.notReloaded === true")  # every action joined without a reload
    assert fits(page)
    shoot(page, "phone-ar-proposal-draft")
    page.locator("#preview").screenshot(path=str(SHOTS / "phone-ar-proposal-preview.png"))

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


def test_a_whole_tree_upload_becomes_changes_after_pairing(live_server, published, phone, tmp_path):
    """The next edition of the tree as a spreadsheet, uploaded to a draft on a phone: the
    concept it has under a new code is paired with the tree's, and the rest are changes."""
    from tests.web.taxonomy_files import EDITION
    from workshop.taxonomy.formats import csv_format

    page = phone
    edition = tmp_path / "edition.csv"
    edition.write_bytes(csv_format.write(EDITION))
    sign_in(page, live_server, "rep-moh")
    page.goto(f"{live_server}/proposals/new")
    page.get_by_label("العنوان").fill("الإصدار القادم")
    page.get_by_label("المبررات: لماذا هذا التغيير؟").fill("من جدول الجهة")
    page.get_by_role("button", name="أنشئ المسودة").click()
    page.locator("#from-file input[type=file]").set_input_files(str(edition))
    page.get_by_role("button", name="حوّل الملف إلى تغييرات").click()
    expect(page.locator("h1")).to_have_text("اربط مفاهيم الملف")
    expect(page.locator("select#pair-0")).to_have_value("dental")  # suggested: same labels
    assert fits(page)
    shoot(page, "phone-ar-proposal-pairing")
    page.get_by_role("button", name="حوّل الملف إلى تغييرات").click()
    expect(page.locator(".proposal-changes tbody tr")).to_have_count(1)  # housing relabelled
    expect(page.locator(".proposal-changes")).to_contain_text("Housing and land")
    assert page.console_errors == []


def test_a_concept_s_discussion_on_its_page(live_server, published, phone):
    page = phone
    sign_in(page, live_server, "rep-moh")
    page.goto(f"{live_server}/taxonomies/gov/v/2/concepts/dental")
    page.get_by_label("تعليقك").fill("هل يشمل تقويم الأسنان؟")
    page.get_by_label("نوعه").select_option("question")
    page.get_by_role("button", name="انشر التعليق").click()
    expect(page).to_have_url(f"{live_server}/taxonomies/gov/v/2/concepts/dental#comment-1")
    expect(page.locator("#comment-threads")).to_contain_text("هل يشمل تقويم الأسنان؟")
    assert fits(page)
    shoot(page, "phone-ar-concept-discussion")
    assert page.console_errors == []
