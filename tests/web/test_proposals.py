"""Proposals: a representative writes one for its agency; its changes are checked against
the base version as they are added; the lifecycle decides who moves it; a proposal written
against an older version shows whether it still applies; overlaps are flagged."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.web.taxonomy_files import EDITION, VERSION_2, csv_bytes, publish_version
from workshop.models import AuditEntry, Proposal, db
from workshop.services import proposal_views, proposals
from workshop.services.errors import NotFound, PermissionDenied, ServiceError
from workshop.services.permissions import SYSTEM

RELABEL = {"op": "relabel", "id": "dental", "labels": {"en": "Teeth"}}


@pytest.fixture
def rep(people, published):
    return people["representative"]


def draft(author, title="طب الأسنان", rationale="التسمية أوضح للمواطن"):
    return proposals.create(author, "gov", title, rationale)


def test_a_representative_writes_a_draft_for_its_agency(rep):
    proposal = draft(rep)
    assert (proposal.status, proposal.base_number, proposal.agency_id) == (
        "draft",
        2,
        rep.agency_id,
    )
    proposals.add_change(rep, proposal.id, 1, RELABEL)
    proposals.add_change(
        rep,
        proposal.id,
        2,
        {"op": "add", "parent": "health", "labels": {"ar": "الصيدليات", "en": "Pharmacies"}},
    )
    proposals.add_change(
        rep, proposal.id, 3, {"op": "move", "id": "public-schools", "parent": "education"}
    )
    stored = db.session.get(Proposal, proposal.id)
    assert [c["op"] for c in stored.changes] == ["relabel", "add", "move"]
    assert stored.changes[1]["id"] == "pharmacies" and stored.changes[1]["position"] == 3
    assert stored.changes[0]["from"]["labels"] == {"en": "Dental care"}  # what was seen
    assert set(stored.touches) == {"dental", "health", "public-schools", "education"}
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-4:] == ["proposal.created", *["proposal.change_added"] * 3]


def test_a_change_that_does_not_apply_is_refused_with_its_reason_and_nothing_is_saved(rep):
    proposal = draft(rep)
    proposals.add_change(rep, proposal.id, 1, RELABEL)
    cases = [
        ({"op": "relabel", "id": "ghost", "labels": {"en": "x"}}, "ghost"),
        ({"op": "move", "id": "health", "parent": "clinics"}, "cycle"),
        ({"op": "relabel", "id": "clinics", "labels": {"en": "Hospitals"}}, "Hospitals"),
        ({"op": "add", "parent": "nowhere", "labels": {"en": "x"}}, "nowhere"),
        ({"op": "merge", "id": "clinics"}, "into"),
        ({"op": "explode", "id": "clinics"}, "explode"),
    ]
    for change, reason in cases:
        with pytest.raises(ServiceError, match=reason):
            proposals.add_change(rep, proposal.id, 2, change)
        db.session.rollback()
    stored = db.session.get(Proposal, proposal.id)
    assert len(stored.changes) == 1 and stored.revision == 2


def test_a_stale_form_is_told_and_nothing_is_lost(rep, people):
    proposal = draft(rep)
    proposals.add_change(rep, proposal.id, 1, RELABEL)  # the first person saves
    with pytest.raises(ServiceError, match="Someone changed this proposal") as stale:
        proposals.add_change(rep, proposal.id, 1, {"op": "retire", "id": "hospitals"})
    assert stale.value.field == "stale"
    db.session.rollback()
    assert [c["op"] for c in db.session.get(Proposal, proposal.id).changes] == ["relabel"]


def test_empty_title_empty_rationale_and_a_100_kb_rationale_are_refused(rep):
    for title, rationale, field in (
        ("", "x", "title"),
        ("t", "  ", "rationale"),
        ("t", "ب" * 100_000, "rationale"),
    ):
        with pytest.raises(ServiceError) as refused:
            proposals.create(rep, "gov", title, rationale)
        assert refused.value.field == field
        db.session.rollback()
    assert db.session.scalar(select(Proposal.id)) is None


def test_who_may_do_what(rep, people):
    proposal = draft(rep)
    other, observer, coordinator = (
        people["other_representative"],
        people["observer"],
        people["coordinator"],
    )
    with pytest.raises(PermissionDenied):
        proposals.create(observer, "gov", "t", "r")
    with pytest.raises(PermissionDenied):
        proposals.add_change(other, proposal.id, 1, RELABEL)
    with pytest.raises(ServiceError, match="at least one change"):
        proposals.move(rep, proposal.id, "open")
    db.session.rollback()
    proposals.add_change(rep, proposal.id, 1, RELABEL)
    proposals.move(rep, proposal.id, "open")
    with pytest.raises(PermissionDenied):
        proposals.move(rep, proposal.id, "voting")  # the coordinators put it to the vote
    proposals.move(coordinator, proposal.id, "voting", "جلسة الصباح")
    with pytest.raises(ServiceError, match="can no longer be changed"):
        proposals.add_change(rep, proposal.id, 4, {"op": "retire", "id": "hospitals"})
    db.session.rollback()
    with pytest.raises(PermissionDenied):
        proposals.move(coordinator, proposal.id, "merged")  # only a publication merges
    db.session.rollback()
    events = db.session.get(Proposal, proposal.id).events
    assert [(e.from_status, e.to_status) for e in events] == [
        (None, "draft"),
        ("draft", "open"),
        ("open", "voting"),
    ]
    assert events[-1].note == "جلسة الصباح"


def test_a_draft_is_seen_by_its_agency_and_the_coordinators_only(rep, people):
    proposal = draft(rep)
    for reader in (rep, people["coordinator"]):
        assert proposal_views.view(reader, proposal.id).proposal.id == proposal.id
    for reader in (people["other_representative"], people["observer"]):
        with pytest.raises(NotFound):
            proposal_views.view(reader, proposal.id)
        assert proposal_views.listing(reader, proposal_views.Filters()).proposals == []


def test_after_a_new_version_the_proposal_says_whether_it_still_applies(rep, people):
    applies = draft(rep, "يبقى صالحًا")
    proposals.add_change(
        rep,
        applies.id,
        1,
        {"op": "relabel", "id": "hospitals", "labels": {"en": "Hospitals and wards"}},
    )
    clashes = draft(rep, "يتعارض")
    proposals.add_change(rep, clashes.id, 1, RELABEL)
    publish_version(SYSTEM, "gov", csv_bytes(EDITION), "edition.csv")  # relabels dental
    fine = proposal_views.view(rep, applies.id)
    assert fine.against_current is not None and not fine.conflicts
    clash = proposal_views.view(rep, clashes.id)
    assert [o.index for o in clash.conflicts] == [0]
    assert "dental" in clash.conflicts[0].conflict.text("en")
    with pytest.raises(ServiceError, match="conflicts with the current version"):
        proposals.rebase(rep, clashes.id, 2)
    db.session.rollback()
    proposals.rebase(rep, applies.id, 2)
    assert db.session.get(Proposal, applies.id).base_number == 3
    assert proposal_views.view(rep, applies.id).against_current is None


def test_overlapping_live_proposals_are_flagged_on_both(rep, people):
    other = people["other_representative"]
    mine = draft(rep)
    proposals.add_change(rep, mine.id, 1, RELABEL)
    proposals.move(rep, mine.id, "open")
    theirs = proposals.create(other, "gov", "الصحة", "سبب")
    proposals.add_change(
        other, theirs.id, 1, {"op": "retire", "id": "health", "children": "promote"}
    )
    proposals.move(other, theirs.id, "open")
    elsewhere = proposals.create(other, "gov", "التعليم", "سبب")
    proposals.add_change(
        other, elsewhere.id, 1, {"op": "relabel", "id": "education", "labels": {"en": "Schooling"}}
    )
    proposals.move(other, elsewhere.id, "open")
    view = proposal_views.view(rep, mine.id)
    assert list(view.overlaps) == [theirs.id]
    assert [(o.kind, o.theirs) for o in view.overlaps[theirs.id]] == [("inside", "health")]
    back = proposal_views.view(other, theirs.id)
    assert [(o.kind, o.theirs) for o in back.overlaps[mine.id]] == [("around", "dental")]


def test_the_list_filters_by_status_agency_concept_and_folded_words(rep, people):
    first = draft(rep, "الأسرة والطفولة")
    proposals.add_change(rep, first.id, 1, RELABEL)
    proposals.move(rep, first.id, "open")
    second = proposals.create(people["coordinator"], "gov", "Schools", "Why")
    proposals.add_change(people["coordinator"], second.id, 1, {"op": "retire", "id": "hospitals"})
    proposals.move(people["coordinator"], second.id, "open")
    reader = people["observer"]

    def ids(**filters):
        return [
            p.id
            for p in proposal_views.listing(reader, proposal_views.Filters(**filters)).proposals
        ]

    assert ids(text="اسره") == [first.id]  # hamza, taa marbuta and "ال" folded
    assert ids(agency="moh") == [first.id]
    assert ids(concept="hospitals") == [second.id]
    assert sorted(ids(status="open")) == sorted([first.id, second.id])
    counts = proposal_views.listing(reader, proposal_views.Filters()).counts
    assert counts["open"] == 2


def test_the_pages_in_arabic(client, rep, sign_in):
    sign_in("representative")
    created = client.post(
        "/proposals/new", data={"taxonomy": "gov", "title": "طب الأسنان", "rationale": "أوضح"}
    )
    assert created.status_code == 303
    page_url = created.headers["Location"]
    page = client.get(page_url + "?op=relabel")
    assert page.status_code == 200 and "مسودة" in page.text
    revision = re.search(r'name="revision" type="hidden" value="(\d+)"', page.text).group(1)
    bad = client.post(
        page_url + "/changes",
        data={"revision": revision, "op": "relabel", "concept": "clinics", "label_en": "Hospitals"},
    )
    assert bad.status_code == 422 and "Hospitals" in bad.text and 'value="clinics"' in bad.text
    added = client.post(
        page_url + "/changes",
        data={"revision": revision, "op": "relabel", "concept": "dental", "label_ar": "الأسنان"},
    )
    assert added.status_code == 303
    page = client.get(page_url).text
    assert "الأسنان" in page and "قُدّمت للنقاش" not in page
    listing = client.get("/proposals/?q=اسنان").text
    assert "طب الأسنان" in listing


def open_proposal(rep):
    proposal = draft(rep)
    proposals.add_change(rep, proposal.id, 1, RELABEL)
    proposals.move(rep, proposal.id, "open")
    return proposal


def test_a_discussion_in_threads_with_objections_edits_hiding_and_resolution(rep, people):
    from workshop.models import CommentEdit
    from workshop.services import comments

    proposal = open_proposal(rep)
    other, coordinator, observer = (
        people["other_representative"],
        people["coordinator"],
        people["observer"],
    )
    first = comments.post(
        other, proposal.id, "لماذا؟\nانظر https://example.org/a?b=1&c=2", "question"
    )
    reply = comments.post(rep, proposal.id, "لأن التسمية أوضح", reply_to=first.id)
    nested = comments.post(other, proposal.id, "شكرًا", reply_to=reply.id)  # joins the thread
    objection = comments.post(other, proposal.id, "نعترض: يمس خدماتنا", "objection")
    with pytest.raises(PermissionDenied):
        comments.post(observer, proposal.id, "رأيي")
    for body in ("", "  ", "ب" * 10_001):
        with pytest.raises(ServiceError):
            comments.post(other, proposal.id, body)
        db.session.rollback()
    threads = comments.threads(observer, proposal.id)
    assert [(t.first.id, [r.id for r in t.replies]) for t in threads] == [
        (first.id, [reply.id, nested.id]),
        (objection.id, []),
    ]
    comments.edit(rep, reply.id, "لأن التسمية أوضح للمواطن")
    assert db.session.scalar(select(CommentEdit.body)) == "لأن التسمية أوضح"
    with pytest.raises(PermissionDenied):
        comments.edit(other, reply.id, "تعديل")
    with pytest.raises(PermissionDenied):
        comments.hide(rep, objection.id, "خارج الموضوع")
    comments.hide(coordinator, objection.id, "خارج الموضوع")
    with pytest.raises(PermissionDenied):
        comments.resolve(other, first.id)  # not the proposal's agency
    comments.resolve(rep, nested.id)  # resolves its thread
    db.session.expire_all()
    assert db.session.get(type(first), first.id).resolved_by_id == rep.id
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("comment.%"))
    ).all()
    assert actions.count("comment.posted") == 4 and "comment.hidden" in actions


def test_the_discussion_on_the_page_and_its_polled_fragment(client, rep, people, sign_in):
    from workshop.services import comments

    proposal = open_proposal(rep)
    comments.post(
        people["other_representative"],
        proposal.id,
        "<script>x</script> https://example.org/x",
        "objection",
    )
    sign_in("representative")
    page = client.get(f"/proposals/{proposal.id}").text
    assert 'hx-trigger="every 5s"' in page and "&lt;script&gt;" in page and "<script>x" not in page
    assert 'href="https://example.org/x" rel="nofollow noopener noreferrer"' in page
    assert "اعتراض" in page
    fragment = client.get(f"/proposals/{proposal.id}/comments", headers={"HX-Request": "true"})
    assert (
        fragment.status_code == 200
        and "<html" not in fragment.text
        and "example.org" in fragment.text
    )
    posted = client.post(
        f"/proposals/{proposal.id}/comments", data={"body": "ردّنا", "kind": "comment"}
    )
    assert posted.status_code == 303 and "#comment-" in posted.headers["Location"]
    assert (
        "ردّنا"
        in client.get(f"/proposals/{proposal.id}/comments", headers={"HX-Request": "true"}).text
    )


def test_the_read_api_gives_proposals_but_not_drafts(client, rep, people):
    from workshop.services import tokens

    shown = open_proposal(rep)
    hidden = draft(rep, "مسودة")
    secret = tokens.create(SYSTEM, "directory").secret
    auth = {"Authorization": f"Bearer {secret}"}
    listing = client.get("/api/v1/proposals?taxonomy=gov", headers=auth).json
    assert [p["id"] for p in listing["proposals"]] == [shown.id] and listing["counts"] == {
        "open": 1
    }
    one = client.get(f"/api/v1/proposals/{shown.id}", headers=auth).json
    assert one["change_set"][0]["op"] == "relabel" and one["change_set"][0]["from"]
    assert [(h["from"], h["to"]) for h in one["history"]] == [(None, "draft"), ("draft", "open")]
    assert one["title"] == "طب الأسنان" and one["agency"] == "MOH"
    missing = client.get(f"/api/v1/proposals/{hidden.id}", headers=auth)
    assert missing.status_code == 404 and missing.json["status"] == 404


def test_a_whole_tree_from_a_spreadsheet_becomes_changes(rep, people):
    from dataclasses import replace

    from workshop.services import proposal_files, uploads
    from workshop.taxonomy import build, make_concept
    from workshop.taxonomy.formats import csv_format

    proposal = draft(rep)
    proposals.add_change(rep, proposal.id, 1, RELABEL)  # the composer's change comes first
    edited = build(
        [
            *(
                replace(c, labels={**c.labels, "ar": "الرعاية الصحية"}) if c.id == "health" else c
                for c in VERSION_2.concepts.values()
            ),
            make_concept(
                "pharmacies", {"ar": "الصيدليات", "en": "Pharmacies"}, parent="health", position=9
            ),
        ]
    )
    # the agency's spreadsheet also keeps the composer's relabel of dental: no change twice
    edited = build(
        replace(c, labels={**c.labels, "en": "Teeth"}) if c.id == "dental" else c
        for c in edited.concepts.values()
    )
    done = proposal_files.add_file(
        rep, proposal.id, 2, uploads.Upload(csv_format.write(edited), "mine.csv")
    )
    assert done.added == 2 and done.pairs == []
    stored = db.session.get(Proposal, proposal.id)
    assert [(c["op"], c["id"]) for c in stored.changes] == [
        ("relabel", "dental"),
        ("relabel", "health"),
        ("add", "pharmacies"),
    ]


def test_a_change_set_file_and_a_truncated_tree(rep, monkeypatch):
    from workshop.services import proposal_files, uploads, versions

    monkeypatch.setattr(versions, "MASS_RETIRE_MINIMUM", 0)  # the test tree is small
    from workshop.taxonomy import build, make_concept
    from workshop.taxonomy.formats import csv_format

    proposal = draft(rep)
    change_set = b'{"changes": [{"op": "relabel", "id": "dental", "labels": {"en": "Teeth"}}]}'
    assert (
        proposal_files.add_file(rep, proposal.id, 1, uploads.Upload(change_set, "set.json")).added
        == 1
    )
    many = build(make_concept(f"s{n}", {"ar": f"خدمة {n}"}, position=n) for n in range(3))
    with pytest.raises(ServiceError, match="retires") as refused:
        proposal_files.add_file(
            rep, proposal.id, 2, uploads.Upload(csv_format.write(many), "cut.csv")
        )
    assert refused.value.field == "allow_mass_retire"
    db.session.rollback()
    with pytest.raises(ServiceError, match="explode"):
        proposal_files.add_file(
            rep, proposal.id, 2, uploads.Upload(b'[{"op": "explode", "id": "x"}]', "s.json")
        )
    db.session.rollback()
    assert len(db.session.get(Proposal, proposal.id).changes) == 1


def test_the_whole_tree_upload_on_the_page(client, rep, sign_in):
    import io

    from workshop.taxonomy import build, make_concept
    from workshop.taxonomy.formats import csv_format

    proposal = draft(rep)
    sign_in("representative")
    page = client.get(f"/proposals/{proposal.id}").text
    assert "/taxonomies/gov/v/2/export.csv" in page
    edited = build(
        [
            *VERSION_2.concepts.values(),
            make_concept("eyes", {"ar": "العيون"}, parent="health", position=9),
        ]
    )
    data = {"revision": "1", "file": (io.BytesIO(csv_format.write(edited)), "mine.csv")}
    done = client.post(
        f"/proposals/{proposal.id}/file", data=data, content_type="multipart/form-data"
    )
    assert done.status_code == 303
    page = client.get(f"/proposals/{proposal.id}").text
    assert "أُضيف تغيير واحد من الملف" in page and "العيون" in page


@pytest.mark.parametrize(
    "path",
    [
        "/proposals/4294967296",
        "/api/v1/proposals/4294967296",
        "/comments/4294967296/edit",
    ],
)
def test_numbers_too_large_for_an_id_are_not_found(client, rep, sign_in, path):
    sign_in("coordinator")
    method = client.post if path.endswith("/edit") else client.get
    assert method(path, data={"body": "x"}).status_code in (303, 404)


def test_a_nul_in_the_filters_is_ignored(client, rep, sign_in):
    sign_in("observer")
    for query in ("q=%00", "taxonomy=g%00ov", "agency=M%00OH", "concept=%00"):
        assert client.get(f"/api/v1/proposals?{query}").status_code in (200, 404), query
        assert client.get(f"/proposals/?{query}").status_code in (200, 404), query


def test_the_home_page_shows_the_agency_s_proposals_and_those_open_for_discussion(
    client, rep, people, sign_in
):
    mine = draft(rep, "مسودتنا")
    opened = proposals.create(people["other_representative"], "gov", "مقترح مفتوح", "سبب")
    proposals.add_change(people["other_representative"], opened.id, 1, RELABEL)
    proposals.move(people["other_representative"], opened.id, "open")
    sign_in("representative")
    home = client.get("/").text
    assert "مقترحات جهتك" in home and "مسودتنا" in home and "مقترح مفتوح" in home
    sign_in("observer")
    home = client.get("/").text
    assert "مسودتنا" not in home and "مقترح مفتوح" in home
    assert f"/proposals/{mine.id}" not in home
