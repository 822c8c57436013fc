"""The taxonomy pages: versions, tree browser, concept, search, diff, exports, import."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from tests.web.taxonomy_files import EDITION, VERSION_2, csv_bytes, import_request
from workshop.models import ConceptRevision, Version, db
from workshop.services import browsing, differences
from workshop.services.permissions import SYSTEM
from workshop.taxonomy.build import build
from workshop.taxonomy.model import make_concept

HTMX = {"HX-Request": "true"}


@pytest.fixture
def coordinator(client, published, sign_in):
    sign_in("coordinator")
    return client


def test_the_version_list_shows_counts_and_links(coordinator):
    page = coordinator.get("/taxonomies/gov/").text
    assert "الخدمات الحكومية" in page and "ورشة 1" in page
    assert "/taxonomies/gov/diff?a=1&amp;b=2" in page


def test_the_browser_shows_the_roots_as_an_aria_tree(coordinator):
    page = coordinator.get("/taxonomies/gov/v/2/").text
    assert 'role="tree"' in page
    roots = re.findall(r'aria-level="1"[^>]*data-concept="([^"]+)"', page, re.S)
    assert roots == ["health", "education", "housing"]
    closed = re.findall(r'role="treeitem"[^>]*aria-expanded="false"', page)
    assert len(closed) == 2  # housing now has schools too
    assert page.count('class="toggle" tabindex="-1" aria-expanded="false"') == 2
    assert "/static/js/tree.js" in page


def test_children_come_as_a_fragment_for_htmx(coordinator):
    response = coordinator.get("/taxonomies/gov/v/2/children?parent=health&level=2", headers=HTMX)
    assert "<html" not in response.text and 'aria-level="2"' in response.text
    assert re.findall(r'data-concept="([^"]+)"', response.text) == [
        "hospitals",
        "clinics",
        "dental",
    ]
    full = coordinator.get("/taxonomies/gov/v/2/children?parent=health")
    assert "<html" in full.text


def test_the_concept_panel_shows_labels_notes_replacement_and_history(coordinator):
    panel = coordinator.get("/taxonomies/gov/v/2/concepts/clinics", headers=HTMX).text
    assert "<html" not in panel
    assert "المراكز الصحية" in panel and "Health centres" in panel
    assert "العيادات" in panel  # version 1's label, in the history
    retired = coordinator.get("/taxonomies/gov/v/2/concepts/insurance").text
    assert "موقوف" in retired
    assert "/taxonomies/gov/v/2/concepts/hospitals" in retired  # replaced by


def test_search_in_arabic_shows_the_paths(coordinator):
    results = coordinator.get("/taxonomies/gov/v/2/search?q=الحكومية", headers=HTMX).text
    assert "المدارس الحكومية" in results
    assert re.search(r"الإسكان.*class=\"sep\".*المدارس", results, re.S)
    assert "<html" not in results
    nothing = coordinator.get("/taxonomies/gov/v/2/search?q=x", headers=HTMX).text
    assert "<li" not in nothing


def test_the_diff_page_counts_and_filters(coordinator):
    page = coordinator.get("/taxonomies/gov/diff?a=1&b=2").text
    for kind in ("add", "relabel", "move", "retire"):
        assert f'class="op-{kind}"' in page
    only_moves = coordinator.get("/taxonomies/gov/diff?a=1&b=2&show=move", headers=HTMX).text
    assert "<html" not in only_moves
    assert 'class="op-move"' in only_moves and 'class="op-add"' not in only_moves


@pytest.mark.parametrize(
    ("fmt", "mimetype"),
    [("json", "application/json"), ("csv", "text/csv"), ("skos", "text/turtle")],
)
def test_exports_download_with_a_file_name(coordinator, fmt, mimetype):
    response = coordinator.get(f"/taxonomies/gov/v/1/export.{fmt}")
    assert response.status_code == 200 and response.mimetype == mimetype
    assert response.headers["Content-Disposition"].startswith('attachment; filename="gov-v1.')
    assert (
        coordinator.get(
            f"/taxonomies/gov/v/1/export.{fmt}", headers={"If-None-Match": response.headers["ETag"]}
        ).status_code
        == 304
    )


@pytest.mark.parametrize(
    "path",
    [
        "/taxonomies/nope/",
        "/taxonomies/gov/v/9/",
        "/taxonomies/gov/v/2/concepts/ghost",
        "/taxonomies/gov/v/2/export.pdf",
    ],
)
def test_unknown_things_are_friendly_404_pages(coordinator, path):
    response = coordinator.get(path)
    assert response.status_code == 404 and "<html" in response.text


def upload(client, content, name="v3.csv", **fields):
    data = {"file": (io.BytesIO(content), name), "slug": "gov", "fmt": "auto", **fields}
    return import_request(client, "/taxonomies/import/", data, content_type="multipart/form-data")


def third_version():
    from dataclasses import replace

    dental = VERSION_2.concepts["dental"]
    return build(
        [
            *(c for c in VERSION_2.concepts.values() if c.id != "dental"),
            replace(dental, labels={"ar": "الأسنان", "en": "Teeth"}),
            make_concept("english-only", {"en": "Pharmacies"}, parent="health", position=9),
        ]
    )


def rows():
    return db.session.scalar(select(func.count()).select_from(ConceptRevision))


def test_import_shows_findings_and_changes_and_publishes_only_on_confirmation(coordinator):
    before = rows()
    preview = upload(coordinator, csv_bytes(third_version()))
    assert preview.status_code == 200
    assert "english-only" in preview.text  # a missing Arabic label: a finding
    assert "الأسنان" in preview.text
    assert rows() == before and db.session.scalar(select(func.max(Version.number))) == 2
    token = re.search(r'action="/taxonomies/import/([^"]+)"', preview.text).group(1)
    published = import_request(coordinator, f"/taxonomies/import/{token}", {"note": "ورشة 2"})
    assert published.status_code == 200 and published.request.path == "/taxonomies/gov/"
    version = db.session.scalar(select(Version).where(Version.number == 3))
    assert version.note == "ورشة 2" and (version.added, version.relabelled) == (1, 1)
    assert browsing.tree(SYSTEM, "gov", 3)[1]["dental"].labels["en"] == "Teeth"
    again = coordinator.post(f"/taxonomies/import/{token}", data={"note": ""})
    assert again.status_code == 404  # a confirmation is used once


def test_importing_a_new_taxonomy_needs_both_names(coordinator):
    response = upload(coordinator, csv_bytes(), slug="another")
    assert response.status_code == 422 and 'id="name_ar-error"' in response.text
    response = upload(coordinator, csv_bytes(), slug="another", name_ar="أخرى", name_en="Another")
    assert response.status_code == 200
    assert 'action="/taxonomies/import/' in response.text  # the form that confirms


def test_a_bad_upload_lists_its_problems_and_writes_nothing(coordinator):
    before = rows()
    response = upload(coordinator, b"id,parent,label_ar\na,b,x\nb,a,y\n")
    assert response.status_code == 422
    assert response.text.count("<li>") >= 2 and "السطر 2" in response.text
    assert rows() == before


def test_an_oversized_upload_gets_a_413_page(make_app, people, published):
    app = make_app(MAX_UPLOAD_MB=0.001)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = people["coordinator"].get_id()
    response = upload(client, b"id,label_ar\n" + b"a,x\n" * 2000)
    assert response.status_code == 413 and "الملف كبير جدًا" in response.text


def deep_chain(depth: int) -> bytes:
    from workshop.taxonomy.formats import csv_format

    return csv_format.write(
        build(
            make_concept(
                f"c{i}", {"ar": f"مستوى {i}", "en": f"Level {i}"}, None, f"c{i - 1}" if i else None
            )
            for i in range(depth)
        )
    )


def test_a_deep_concept_page_takes_a_few_queries_and_folds_its_path(coordinator):
    from sqlalchemy import event

    from tests.web.taxonomy_files import create_taxonomy

    create_taxonomy(SYSTEM, "deep", "عميق", "Deep", deep_chain(60), "deep.csv")
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = coordinator.get("/taxonomies/deep/v/1/concepts/c59").text
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) < 10  # the ancestors are one recursive query, not 59
    shown = re.findall(r"/taxonomies/deep/v/1/concepts/(c\d+)\"", page.split('class="path"')[1])
    assert shown[:6] == ["c0", "c1", "c55", "c56", "c57", "c58"]
    assert "53 مستوى آخر" in page


def test_search_shows_paths_of_a_deep_tree(coordinator):
    from tests.web.taxonomy_files import create_taxonomy

    create_taxonomy(SYSTEM, "deep", "عميق", "Deep", deep_chain(60), "deep.csv")
    page = coordinator.get("/taxonomies/deep/v/1/search?q=Level+59").text
    assert "Level 58" in page or "مستوى 58" in page


def flat_file(count: int) -> bytes:
    from workshop.taxonomy.formats import csv_format

    return csv_format.write(
        build(
            [
                make_concept("all", {"ar": "كل الخدمات", "en": "All services"}),
                *(
                    make_concept(f"s{i}", {"ar": f"خدمة {i}", "en": f"Service {i}"}, None, "all", i)
                    for i in range(count)
                ),
            ]
        )
    )


def test_a_category_of_hundreds_opens_a_page_at_a_time(coordinator):
    from tests.web.taxonomy_files import create_taxonomy

    create_taxonomy(SYSTEM, "flat", "مسطح", "Flat", flat_file(450), "flat.csv")
    shown = []
    url = "/taxonomies/flat/v/1/children?parent=all&level=2"
    while url:
        fragment = coordinator.get(url, headers=HTMX).text
        assert "<html" not in fragment
        shown += re.findall(r'data-concept="(s\d+)"', fragment)
        more = re.search(r'hx-get="([^"]+offset=\d+)"', fragment)
        url = more.group(1).replace("&amp;", "&") if more else None
    assert shown == [f"s{i}" for i in range(450)]
    first = coordinator.get("/taxonomies/flat/v/1/children?parent=all&level=2", headers=HTMX)
    assert "عرض المزيد (200 من 450)" in first.text


def test_the_concept_page_and_the_api_page_through_children(coordinator):
    from tests.web.taxonomy_files import create_taxonomy

    create_taxonomy(SYSTEM, "flat", "مسطح", "Flat", flat_file(450), "flat.csv")
    page = coordinator.get("/taxonomies/flat/v/1/concepts/all").text
    assert page.count("/taxonomies/flat/v/1/concepts/s") == 200
    assert "offset=200" in page
    last = coordinator.get("/taxonomies/flat/v/1/concepts/all?offset=400").text
    assert last.count("/taxonomies/flat/v/1/concepts/s") == 50 and "offset=600" not in last
    api = coordinator.get("/api/v1/taxonomies/flat/concepts/all?offset=440&limit=100").json
    assert api["children"] == [f"s{i}" for i in range(440, 450)]
    assert (api["children_total"], api["children_offset"]) == (450, 440)


def test_a_huge_offset_is_an_empty_page_not_an_error(coordinator):
    response = coordinator.get(f"/taxonomies/gov/v/2/children?parent=health&offset={2**70}")
    assert response.status_code == 200


def test_a_tree_fragment_is_rendered_once_and_revalidated_by_its_etag(coordinator):
    url = "/taxonomies/gov/v/2/children?parent=health&level=2"
    first = coordinator.get(url, headers=HTMX)
    second = coordinator.get(url, headers=HTMX)
    tag, weak = first.get_etag()
    assert tag and not weak and second.get_etag()[0] == tag and first.text == second.text
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = coordinator.get(url, headers={**HTMX, "If-None-Match": f'"{tag}"'})
    assert again.status_code == 304 and again.data == b""
    coordinator.set_cookie("lang", "en")
    english = coordinator.get(url, headers=HTMX)
    assert english.get_etag()[0] != tag and "Hospitals" in english.text


def test_a_diff_is_computed_once_per_pair_of_versions(coordinator):
    first = differences.difference(SYSTEM, "gov", 1, 2)
    assert differences.difference(SYSTEM, "gov", "1", "latest") is first
    page = coordinator.get("/taxonomies/gov/diff?a=1&b=2")
    assert page.status_code == 200 and 'id="diff-table"' in page.text


def test_a_cached_fragment_is_compressed_once_for_clients_that_accept_it(coordinator):
    import brotli

    from tests.web.taxonomy_files import create_taxonomy

    create_taxonomy(SYSTEM, "flat", "مسطح", "Flat", flat_file(300), "flat.csv")
    url = "/taxonomies/flat/v/1/children?parent=all&level=2"
    plain = coordinator.get(url, headers=HTMX)
    packed = coordinator.get(url, headers={**HTMX, "Accept-Encoding": "br"})
    assert len(plain.data) > 10_000 and "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(packed.data) == plain.data
    assert packed.get_etag()[0] == f"{plain.get_etag()[0]}.br"
    again = coordinator.get(
        url, headers={**HTMX, "Accept-Encoding": "br", "If-None-Match": packed.headers["ETag"]}
    )
    assert again.status_code == 304


@pytest.mark.parametrize("ref", [str(2**70), "-1", "0", "latest"])
def test_any_version_reference_is_a_page_or_a_404(coordinator, ref):
    response = coordinator.get(f"/taxonomies/gov/v/{ref}/children?parent=health", headers=HTMX)
    assert response.status_code == (200 if ref == "latest" else 404)
    api = coordinator.get(f"/api/v1/taxonomies/gov/versions/{ref}")
    assert api.status_code == (200 if ref == "latest" else 404)


def test_findings_are_grouped_by_kind_and_every_one_can_be_downloaded(coordinator):
    many = build(
        [
            *VERSION_2.concepts.values(),
            *(
                make_concept(f"en-{n}", {"en": f"Service {n}"}, parent="housing", position=n)
                for n in range(40)
            ),
        ]
    )
    preview = upload(coordinator, csv_bytes(many))
    assert preview.status_code == 200
    page = preview.text
    assert "تسميات ناقصة بلغة مطلوبة" in page  # the kind, once, with its count
    assert '<span class="count">40</span>' in page and "و35 غيرها" in page
    link = re.search(r'href="(/taxonomies/import/[^"]+/findings\.csv)"', page).group(1)
    download = coordinator.get(link)
    assert download.status_code == 200 and download.mimetype == "text/csv"
    rows_ = download.data.decode("utf-8-sig").splitlines()
    assert rows_[0] == "severity,kind,concept,line,message" and len(rows_) == 41
    assert "en-39" in download.data.decode("utf-8-sig")
    assert (
        coordinator.post(  # publishing is still one click away
            f"/taxonomies/import/{link.split('/')[3]}", data={"note": ""}
        ).status_code
        == 303
    )


def test_a_rejected_file_reports_every_kind_of_problem_and_all_of_them_download(coordinator):
    bad = b"id,parent,label_ar,status\na,,x,active\na,,y,active\nb,zz,z,active\nc,,w,bogus\n"
    response = upload(coordinator, bad)
    assert response.status_code == 422
    for kind in ("معرّفات مستخدمة أكثر من مرة", "أصول غير موجودة", "قيم غير صالحة"):
        assert kind in response.text
    link = re.search(r'href="(/taxonomies/import/[^"]+/findings\.csv)"', response.text).group(1)
    assert len(coordinator.get(link).data.decode("utf-8-sig").splitlines()) == 4


def test_pairing_by_label_shows_each_pair_before_publishing(coordinator):
    renamed = EDITION
    kept = upload(coordinator, csv_bytes(renamed))
    assert "dental-care" in kept.text and "قُرن" not in kept.text  # ids kept: an add
    paired = upload(coordinator, csv_bytes(renamed), match_labels="y")
    assert "مفهوم واحد قُرن بالتسمية" in paired.text
    assert "dental-care" in paired.text and "تسميات مساره كاملًا" in paired.text
    token = re.search(r'action="/taxonomies/import/([^"]+)"', paired.text).group(1)
    done = import_request(coordinator, f"/taxonomies/import/{token}", {"note": ""})
    assert done.status_code == 200 and "/import/" not in done.request.path
    tree = browsing.tree(SYSTEM, "gov", 3)[1]
    assert tree["dental"].active and "dental-care" not in tree


def test_linked_tables_upload_as_several_files(coordinator):
    from tests.unit.taxonomy.test_tables import AGENCIES, MINISTRIES, SERVICES

    more = [(io.BytesIO(AGENCIES), "agencies.csv"), (io.BytesIO(SERVICES), "services.csv")]
    preview = upload(
        coordinator,
        MINISTRIES,
        name="ministries.csv",
        slug="catalogue",
        name_ar="الدليل",
        name_en="Catalogue",
        more_files=more,
    )
    assert preview.status_code == 200, preview.text
    assert "سُبق كل معرّف باسم جدوله" in preview.text
    token = re.search(r'action="/taxonomies/import/([^"]+)"', preview.text).group(1)
    done = import_request(coordinator, f"/taxonomies/import/{token}", {"note": ""})
    assert done.status_code == 200 and "/import/" not in done.request.path
    tree = browsing.tree(SYSTEM, "catalogue", 1)[1]
    assert tree["services/1"].parent == "agencies/1" and tree.active_count() == 6


def test_the_diff_tells_a_new_parent_from_a_new_place_among_siblings(coordinator):
    from dataclasses import replace

    # version 3: dental goes before clinics among health's children; nothing changes parent
    v3 = build(
        [
            *(c for c in VERSION_2.concepts.values() if c.id != "dental"),
            replace(VERSION_2["dental"], position=0),
        ]
    )
    from tests.web.taxonomy_files import publish_version

    publish_version(SYSTEM, "gov", csv_bytes(v3), "v3.csv")
    page = coordinator.get("/taxonomies/gov/diff?a=2&b=3").text
    assert "أُعيد ترتيبه (1)" in page and "منقول (0)" in page and "الكل (0)" in page
    assert "تغيّر ترتيب الفئات الشقيقة فقط" in page  # the list of all leaves reorders out
    page = coordinator.get("/taxonomies/gov/diff?a=2&b=3&show=reorder").text
    assert "الموضع 3" in page and "الموضع 2" in page  # after hospitals, before clinics
    moved = coordinator.get("/taxonomies/gov/diff?a=1&b=2&show=move").text
    assert "تحت" in moved  # "under <parent>" before and after


def test_a_diff_of_hundreds_of_changes_comes_in_pages(coordinator):
    from tests.web.taxonomy_files import create_taxonomy, publish_version

    first = build(make_concept(f"s{n}", {"ar": f"خدمة {n}"}, position=n) for n in range(250))
    second = build(make_concept(f"s{n}", {"ar": f"الخدمة {n}"}, position=n) for n in range(250))
    create_taxonomy(SYSTEM, "many", "أ", "A", csv_bytes(first), "1.csv")
    publish_version(SYSTEM, "many", csv_bytes(second), "2.csv")
    page = coordinator.get("/taxonomies/many/diff?a=1&b=2").text
    assert page.count('<tr class="op-relabel">') == 200
    more = re.search(r'href="([^"]+shown=400[^"]*)"', page).group(1).replace("&amp;", "&")
    rest = coordinator.get(more, headers=HTMX).text
    assert rest.count('<tr class="op-relabel">') == 250 and "shown=600" not in rest


def test_the_history_names_parents_by_their_labels(coordinator):
    page = coordinator.get("/taxonomies/gov/v/2/concepts/schools").text
    history = page.split('class="history"')[1]
    assert "الإسكان" in history and "التعليم" in history  # moved from education to housing
    assert ">housing<" not in history and ">education<" not in history


def test_a_preview_is_not_published_over_a_newer_version(coordinator):
    from tests.web.taxonomy_files import publish_version

    preview = upload(coordinator, csv_bytes(third_version()))
    token = re.search(r'action="/taxonomies/import/([^"]+)"', preview.text).group(1)
    # meanwhile another coordinator publishes version 3
    publish_version(SYSTEM, "gov", csv_bytes(EDITION), "edition.csv")
    refused = import_request(coordinator, f"/taxonomies/import/{token}", {"note": ""})
    assert refused.status_code == 422 and "الإصدار 3" in refused.text
    assert db.session.scalar(select(func.max(Version.number))) == 3
    assert browsing.tree(SYSTEM, "gov", 3)[1]["dental-care"].active  # not undone


def test_kept_uploads_and_the_database_are_readable_by_their_owner_only(coordinator, app):
    import stat
    from pathlib import Path

    upload(coordinator, csv_bytes(third_version()))
    kept = Path(app.instance_path) / "uploads"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in kept.iterdir()} == {0o600}
    database = db.engine.url.database
    if db.engine.dialect.name == "sqlite":
        from workshop.database import upgrade_schema

        upgrade_schema()
        assert stat.S_IMODE(Path(database).stat().st_mode) == 0o600
