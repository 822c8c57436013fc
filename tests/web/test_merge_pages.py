"""The merge page, the changelog, the crosswalk and the consensus document through the
web, in Arabic; and their JSON in the API."""

from __future__ import annotations

import csv
import io
import re

from tests.web.test_merge import approved, relabel
from tests.web.test_voting import workshop_with
from workshop.models import Proposal, Version, db
from workshop.services import candidates, voting, workshops


def _voted_pair(people):
    """Two proposals on "dental" decided in a workshop: both approved, the second conflicts
    with the first; and a third that retires "clinics" in favour of "hospitals"."""
    coordinator = people["coordinator"]
    first = approved(people["representative"], coordinator, "أسنان", relabel("dental", "Teeth"))
    second = approved(
        people["other_representative"], coordinator, "طب الفم", relabel("dental", "Oral care")
    )
    third = approved(
        people["representative"],
        coordinator,
        "دمج العيادات",
        {"op": "retire", "id": "clinics", "replaced_by": "hospitals"},
    )
    return first, second, third


def test_the_coordinator_builds_resolves_and_publishes_from_the_page(
    client, people, published, sign_in
):
    first, second, third = _voted_pair(people)
    sign_in("coordinator")
    page = client.get("/taxonomies/gov/merge").text
    assert "لا يوجد" not in page and f'name="position-{second}"' in page
    built = client.post(
        "/taxonomies/gov/merge/build",
        data={f"position-{first}": "1", f"position-{second}": "2", f"position-{third}": "3"},
    )
    assert built.status_code == 303
    page = client.get("/taxonomies/gov/merge").text
    assert "تعارض" in page and "Teeth" in page  # the conflict, in words
    assert "نشر بوصفه الإصدار 3" not in page  # nothing to publish while it conflicts
    candidate = candidates.current(candidates.taxonomies.get_taxonomy("gov"))
    refused = client.post(
        f"/taxonomies/gov/merge/{candidate.id}/hold-back", data={"proposal": str(second)}
    )
    assert refused.status_code == 303 and db.session.get(Proposal, second).status == "approved"
    client.post(
        f"/taxonomies/gov/merge/{candidate.id}/hold-back",
        data={"proposal": str(second), "reason": "يتعارض مع المقترح الأول"},
    )
    page = client.get("/taxonomies/gov/merge").text
    assert "نشر بوصفه الإصدار 3" in page
    current = candidates.current(candidates.taxonomies.get_taxonomy("gov"))
    published_now = client.post(
        f"/taxonomies/gov/merge/{current.id}/publish", data={"note": "ورشة الدمج"}
    )
    assert published_now.status_code == 303
    assert published_now.headers["Location"].endswith("/taxonomies/gov/versions/3/changelog")
    version = db.session.query(Version).filter_by(number=3).one()
    assert version.proposal_ids == [first, third]
    log = client.get("/taxonomies/gov/versions/3/changelog").text
    assert "Teeth" in log and f"#{third}" in log and "ورشة الدمج" in log
    again = client.post(f"/taxonomies/gov/merge/{current.id}/publish", data={})
    assert again.status_code == 303 and db.session.query(Version).count() == 3


def test_the_crosswalk_maps_retired_ids_to_where_services_go(client, people, published, sign_in):
    coordinator = people["coordinator"]
    _first, second, _third = _voted_pair(people)
    candidate = candidates.build(coordinator, "gov")
    from workshop.services import publication

    rebuilt, _ = publication.hold_back(coordinator, candidate.id, second, "لاحقا")
    publication.publish(coordinator, rebuilt.id)
    sign_in("observer")
    page = client.get("/taxonomies/gov/versions/3/crosswalk").text
    assert "العيادات" in page or "المراكز الصحية" in page
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get("/taxonomies/gov/versions/3/crosswalk?format=csv").data.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    by_id = {r["old"]: r for r in rows}
    assert by_id["clinics"]["new"] == "hospitals" and by_id["clinics"]["final"] == "hospitals"
    assert by_id["clinics"]["retired_in_this_version"] == "yes"
    assert by_id["clinics"]["label_ar"] == "المراكز الصحية"  # Arabic survives the CSV
    assert by_id["insurance"]["final"] == "hospitals"  # retired earlier, still mapped
    data = client.get("/api/v1/taxonomies/gov/versions/3/crosswalk").get_json()
    assert {r["old"] for r in data["crosswalk"]} == set(by_id)


def test_the_consensus_document_shows_the_decisions_ballots_and_tree(
    client, people, published, sign_in
):
    coordinator = people["coordinator"]
    from tests.web.test_voting import open_proposal

    proposal_id = open_proposal(people["representative"])  # relabels dental to "Teeth"
    workshop_id, item_id = workshop_with(coordinator, proposal_id)
    seats = {s.agency_id: ("present", "") for s in workshops.get(workshop_id).seats}
    workshops.roll_call(coordinator, workshop_id, seats)
    round_id = voting.open_round(coordinator, item_id).id
    voting.cast(people["representative"], round_id, "approve")
    voting.cast(people["other_representative"], round_id, "approve")
    voting.close(coordinator, round_id)
    from workshop.services import publication

    version = publication.publish(coordinator, candidates.build(coordinator, "gov").id)
    sign_in("representative")
    page = client.get(f"/taxonomies/gov/versions/{version.number}/document").text
    assert "ورشة التصنيف" in page and "وزارة التربية" in page  # the workshop, who was there
    assert re.search(r"<td><bdi>وزارة الصحة</bdi></td><td>موافقة</td>", page)  # the ballots
    assert "قُبل" in page  # the outcome with its tally
    assert version.audit_head in page
    assert '<ul class="outline">' in page and "طب الأسنان" in page  # the resulting tree
    data = client.get(f"/api/v1/taxonomies/gov/versions/{version.number}/document").get_json()
    assert data["version"]["audit_head"] == version.audit_head
    assert data["proposals"][0]["decision"]["result"] == "passed"
    assert data["workshops"][0]["items"][0]["rounds"][0]["ballots"]
    assert data["result"]["version"]["proposals"] == [proposal_id]


def test_the_record_pages_in_arabic_are_fully_translated(client, people, published, sign_in):
    from tests.web.test_languages import untranslated_words
    from workshop.services import publication

    coordinator = people["coordinator"]
    _first, second, _third = _voted_pair(people)
    sign_in("coordinator")
    merge_page = client.get("/taxonomies/gov/merge").text
    assert untranslated_words(merge_page) == set()
    candidate = candidates.build(coordinator, "gov")
    conflicting = client.get("/taxonomies/gov/merge").text
    assert untranslated_words(conflicting) == set()
    rebuilt, _ = publication.hold_back(coordinator, candidate.id, second, "لاحقا")
    publication.publish(coordinator, rebuilt.id)
    for path in (
        "/taxonomies/gov/versions/3/changelog",
        "/taxonomies/gov/versions/3/crosswalk",
        "/taxonomies/gov/versions/3/document",
        "/taxonomies/gov/",
        "/",
    ):
        page = client.get(path).text
        assert untranslated_words(page) == set(), path


def test_a_version_is_undone_from_its_changelog(client, people, published, sign_in):
    from workshop.services import publication

    coordinator = people["coordinator"]
    _first, second, _third = _voted_pair(people)
    rebuilt, _ = publication.hold_back(
        coordinator, candidates.build(coordinator, "gov").id, second, "لاحقا"
    )
    publication.publish(coordinator, rebuilt.id)
    sign_in("observer")
    assert "undo-reason" not in client.get("/taxonomies/gov/versions/3/changelog").text
    sign_in("coordinator")
    page = client.get("/taxonomies/gov/versions/3/changelog").text
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "<" not in title and "undo-reason" in page.split("<main", 1)[1]
    refused = client.post("/taxonomies/gov/versions/3/revert", data={"reason": " "})
    assert refused.status_code == 303 and db.session.query(Version).count() == 3
    undone = client.post("/taxonomies/gov/versions/3/revert", data={"reason": "قرار خاطئ"})
    assert undone.status_code == 303 and undone.headers["Location"].endswith("/taxonomies/gov/")
    newest = db.session.query(Version).filter_by(number=4).one()
    assert newest.note == "قرار خاطئ"
    assert "نُشر الإصدار 4" in client.get("/taxonomies/gov/").text
