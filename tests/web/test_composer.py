"""The composer: actions join the draft without a reload (htmx gets the workbench back), a
relabel is drawn with the concept's own texts and may change synonyms, the picker finds
concepts by name, the page shows the changes as a diff and the tree after them, and a
proposal that no longer applies cannot be submitted."""

from __future__ import annotations

import re

import pytest

from tests.web.taxonomy_files import EDITION, csv_bytes, publish_version
from workshop.models import Proposal, db
from workshop.services import proposal_views, proposals
from workshop.services.errors import ServiceError
from workshop.services.permissions import SYSTEM

HTMX = {"HX-Request": "true"}


@pytest.fixture
def rep(people, published):
    return people["representative"]


def draft(author):
    return proposals.create(author, "gov", "طب الأسنان", "التسمية أوضح للمواطن")


def revision_of(html: str) -> str:
    return re.search(r'name="revision" type="hidden" value="(\d+)"', html).group(1)


def test_an_action_joins_the_draft_without_a_reload(client, rep, sign_in):
    proposal = draft(rep)
    sign_in("representative")
    url = f"/proposals/{proposal.id}"
    page = client.get(url).text
    assert f'hx-post="/proposals/{proposal.id}/changes"' in page
    added = client.post(
        url + "/changes",
        headers=HTMX,
        data={
            "revision": revision_of(page),
            "op": "add",
            "parent": "health",
            "label_ar": "الصيدليات",
            "label_en": "Pharmacies",
            "alt_ar": "صيدلية\nالأدوية",
        },
    )
    assert added.status_code == 200 and "<html" not in added.text
    assert "الصيدليات" in added.text and 'id="preview"' in added.text
    assert 'hx-target="#flashes"' in added.text  # "the change is added" in the flash region
    assert revision_of(added.text) == "2"  # every form of the workbench has the new revision
    stored = db.session.get(Proposal, proposal.id)
    assert stored.changes[0]["alt_labels"] == {"ar": ["الأدوية", "صيدلية"]}

    refused = client.post(
        url + "/changes",
        headers=HTMX,
        data={"revision": "2", "op": "move", "concept": "health", "parent": "clinics"},
    )
    assert refused.status_code == 422 and "<html" not in refused.text
    assert 'class="field-error"' in refused.text and 'value="health"' in refused.text
    removed = client.post(url + "/changes/0/remove", headers=HTMX, data={"revision": "2"})
    assert removed.status_code == 200 and "<html" not in removed.text
    assert db.session.get(Proposal, proposal.id).changes == []


def test_a_relabel_is_drawn_with_the_concept_s_own_texts(client, rep, sign_in):
    proposal = draft(rep)
    sign_in("representative")
    form = client.get(f"/proposals/{proposal.id}?op=relabel&concept=dental").text
    assert 'value="طب الأسنان"' in form and 'value="Dental care"' in form
    assert 'name="prefilled_for" type="hidden" value="dental"' in form
    fragment = client.get(f"/proposals/{proposal.id}?op=relabel&concept=dental", headers=HTMX)
    assert "<html" not in fragment.text and 'value="Dental care"' in fragment.text


def relabel(rep, proposal, revision, prefilled, **fields):
    data = {"ar": "", "en": ""}
    return proposals.add_change(
        rep,
        proposal.id,
        revision,
        {
            "op": "relabel",
            "id": "dental",
            "labels": {**data, **fields.get("labels", {})},
            "notes": {**data, **fields.get("notes", {})},
            "alt_labels": {**data, **fields.get("alt_labels", {})},
            "prefilled": prefilled,
        },
    )


def test_synonyms_join_those_the_concept_has_and_an_emptied_field_removes(rep):
    proposal = draft(rep)
    # Filled in blind: empty fields keep what is there; synonyms are added.
    relabel(rep, proposal, 1, False, alt_labels={"ar": "الأسنان\nطب الفم"})
    stored = db.session.get(Proposal, proposal.id)
    assert [c["op"] for c in stored.changes] == ["annotate"]
    assert stored.changes[0]["alt_labels"] == {"ar": ["الأسنان", "طب الفم"]}
    # Drawn with its texts: what the form shows is what it will be.
    relabel(
        rep,
        proposal,
        2,
        True,
        labels={"ar": "طب الأسنان", "en": "Dentistry"},
        alt_labels={"ar": "طب الفم"},
    )
    stored = db.session.get(Proposal, proposal.id)
    assert [c["op"] for c in stored.changes] == ["annotate", "relabel", "annotate"]
    assert stored.changes[1]["labels"] == {"en": "Dentistry"}  # Arabic unchanged: left out
    assert stored.changes[2]["alt_labels"] == {"ar": ["طب الفم"]}
    view = proposal_views.view(rep, proposal.id)
    assert view.result["dental"].alt_labels == {"ar": ("طب الفم",)}
    with pytest.raises(ServiceError, match="Nothing changes"):
        relabel(
            rep,
            proposal,
            3,
            True,
            labels={"ar": "طب الأسنان", "en": "Dentistry"},
            alt_labels={"ar": "طب الفم"},
        )
    db.session.rollback()
    with pytest.raises(ServiceError, match="no concept ghost"):
        proposals.add_change(
            rep, proposal.id, 3, {"op": "relabel", "id": "ghost", "labels": {}, "alt_labels": {}}
        )


def test_the_picker_finds_concepts_of_the_draft_by_name(client, rep, sign_in):
    proposal = draft(rep)
    proposals.add_change(
        rep, proposal.id, 1, {"op": "add", "parent": "health", "labels": {"ar": "الصيدليات"}}
    )
    sign_in("representative")
    url = f"/proposals/{proposal.id}/pick"
    found = client.get(
        url, query_string={"field": "parent", "op": "add", "q": "اسنان"}, headers=HTMX
    )
    assert found.status_code == 200 and "<html" not in found.text
    assert 'data-pick="dental"' in found.text and 'data-pick-for="parent"' in found.text
    added = client.get(url, query_string={"field": "into", "op": "merge", "q": "صيدليات"}).text
    assert 'data-pick="' in added and "الصيدليات" in added  # a concept the draft adds
    relabel_pick = client.get(
        url, query_string={"field": "concept", "op": "relabel", "q": "dental"}
    ).text
    assert "op=relabel&amp;concept=dental" in relabel_pick and "data-pick=" not in relabel_pick
    assert "data-pick" not in client.get(url, query_string={"q": "a"}).text  # too short
    nothing = client.get(url, query_string={"q": "zzzz"}).text
    assert "لا يطابق ذلك أي مفهوم" in nothing


def test_the_page_shows_the_changes_as_a_diff_and_the_tree_after_them(client, rep, sign_in):
    proposal = draft(rep)
    proposals.add_change(rep, proposal.id, 1, {"op": "retire", "id": "dental"})
    proposals.add_change(
        rep, proposal.id, 2, {"op": "add", "parent": "health", "labels": {"en": "Pharmacies"}}
    )
    sign_in("representative")
    page = client.get(f"/proposals/{proposal.id}").text
    assert '<table class="diff stack proposal-changes">' in page
    tree = page[page.index('<ul class="mini-tree">') :]
    tree = tree[: tree.index("</ul>")]
    assert "<del><bdi" in tree and "طب الأسنان" in tree  # retired, struck through, in place
    assert "<ins><bdi" in tree and "Pharmacies" in tree  # no Arabic label: the English one


def test_a_proposal_that_no_longer_applies_cannot_be_submitted(client, rep, sign_in):
    proposal = draft(rep)
    proposals.add_change(
        rep, proposal.id, 1, {"op": "relabel", "id": "dental", "labels": {"en": "Teeth"}}
    )
    publish_version(SYSTEM, "gov", csv_bytes(EDITION), "edition.csv")  # relabels dental
    with pytest.raises(ServiceError, match="Change 1 does not apply to the current version 3"):
        proposals.move(rep, proposal.id, "open")
    db.session.rollback()
    assert db.session.get(Proposal, proposal.id).status == "draft"
    sign_in("representative")
    page = client.get(f"/proposals/{proposal.id}").text
    row = page[page.index('class="change-actions"') :]
    assert "لا ينطبق على الإصدار 3" in row[: row.index("</td>")]


def test_a_proposal_is_superseded_by_another_named_one(client, rep, people, sign_in):
    older = draft(rep)
    proposals.add_change(
        rep, older.id, 1, {"op": "relabel", "id": "dental", "labels": {"en": "Teeth"}}
    )
    proposals.move(rep, older.id, "open")
    newer = draft(rep)
    coordinator = people["coordinator"]
    for wrong in (None, older.id, 999):
        with pytest.raises(ServiceError, match="Name the proposal that takes its place"):
            proposals.move(coordinator, older.id, "superseded", superseded_by=wrong)
        db.session.rollback()
    proposals.move(coordinator, older.id, "superseded", superseded_by=newer.id)
    assert db.session.get(Proposal, older.id).superseded_by_id == newer.id
    sign_in("coordinator")
    assert f'href="/proposals/{newer.id}">#{newer.id}' in client.get(f"/proposals/{older.id}").text
    assert f'href="/proposals/{older.id}">#{older.id}' in client.get(f"/proposals/{newer.id}").text
    api = client.get(f"/api/v1/proposals/{older.id}").get_json()
    assert api["superseded_by"] == newer.id


def test_retiring_a_branch_with_its_children_needs_a_confirmation(client, rep, sign_in):
    proposal = draft(rep)
    cascade = {"op": "retire", "id": "health", "children": "cascade"}
    with pytest.raises(ServiceError, match="whole top-level branch: 3 concepts") as refused:
        proposals.add_change(rep, proposal.id, 1, cascade)
    assert refused.value.field == "children"
    db.session.rollback()
    assert db.session.get(Proposal, proposal.id).changes == []
    proposals.add_change(
        rep, proposal.id, 1, {"op": "retire", "id": "dental", "children": "cascade"}
    )
    proposals.add_change(rep, proposal.id, 2, {**cascade, "confirmed": True})
    stored = db.session.get(Proposal, proposal.id).changes
    assert [c["id"] for c in stored] == ["dental", "health"] and "confirmed" not in stored[1]
    sign_in("representative")
    page = client.post(
        f"/proposals/{proposal.id}/changes",
        data={"revision": "3", "op": "retire", "concept": "housing", "children": "cascade"},
    )
    assert page.status_code == 422 and 'id="confirmed"' in page.text
