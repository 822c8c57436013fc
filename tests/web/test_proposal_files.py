"""A proposal from a file: a subtree in place of a concept's, and the file's concepts under
new ids paired by the author (or confirmed as new) before any change is made."""

from __future__ import annotations

import io
import re

import pytest

from tests.web.taxonomy_files import EDITION, VERSION_2
from workshop.models import Proposal, db
from workshop.services import proposal_files, proposals, uploads
from workshop.services.errors import NotFound, ServiceError
from workshop.taxonomy import build, make_concept
from workshop.taxonomy.formats import csv_format


@pytest.fixture
def rep(people, published):
    return people["representative"]


def draft(author):
    return proposals.create(author, "gov", "الصحة", "ترتيب أوضح")


def changes_of(proposal_id):
    return [(c["op"], c["id"]) for c in db.session.get(Proposal, proposal_id).changes]


def test_a_subtree_takes_the_place_of_a_concept_s(rep):
    proposal = draft(rep)
    health = [c for c in VERSION_2.walk() if c.parent == "health"]
    assert {c.id for c in health} == {"hospitals", "clinics", "dental"}
    part = build(
        [
            make_concept("hospitals", {"ar": "المستشفيات العامة", "en": "Hospitals"}),
            make_concept("clinics", VERSION_2["clinics"].labels, position=1),
            make_concept("pharmacies", {"ar": "الصيدليات"}, parent="clinics"),
        ]
    )  # dental is not in the file: retired; the rest of the tree is not touched
    done = proposal_files.add_file(
        rep, proposal.id, 1, uploads.Upload(csv_format.write(part), "health.csv"), under="health"
    )
    # pharmacies is new and dental is gone: is pharmacies dental under a new id? No.
    assert isinstance(done, proposal_files.Pairing)
    assert [(a.id, a.suggestion) for a in done.arrivals] == [("pharmacies", None)]
    assert [c.id for c in done.candidates] == ["dental"]
    proposal_files.pair(rep, proposal.id, 1, done.token, {})
    assert sorted(changes_of(proposal.id)) == [
        ("add", "pharmacies"),
        ("relabel", "hospitals"),
        ("retire", "dental"),
    ]
    with pytest.raises(ServiceError, match="ghost") as refused:
        proposal_files.add_file(
            rep, proposal.id, 2, uploads.Upload(csv_format.write(part), "x.csv"), under="ghost"
        )
    assert refused.value.field == "under"


def edition_file() -> bytes:
    return csv_format.write(EDITION)  # dental is dental-care there; housing relabelled


def test_a_concept_under_a_new_id_is_paired_by_the_author(rep, people):
    proposal = draft(rep)
    waiting = proposal_files.add_file(
        rep, proposal.id, 1, uploads.Upload(edition_file(), "edition.csv")
    )
    assert isinstance(waiting, proposal_files.Pairing)
    assert [(a.id, a.suggestion) for a in waiting.arrivals] == [("dental-care", "dental")]
    assert [c.id for c in waiting.candidates] == ["dental"]
    assert db.session.get(Proposal, proposal.id).revision == 1  # nothing changed yet
    with pytest.raises(ServiceError, match="paired once"):
        proposal_files.pair(rep, proposal.id, 1, waiting.token, {"dental-care": "health"})
    db.session.rollback()
    with pytest.raises(NotFound):  # another person's upload
        proposal_files.pair(people["coordinator"], proposal.id, 1, waiting.token, {})
    db.session.rollback()
    done = proposal_files.pair(rep, proposal.id, 1, waiting.token, {"dental-care": "dental"})
    assert done.added == 1 and changes_of(proposal.id) == [("relabel", "housing")]


def test_a_concept_under_a_new_id_may_be_confirmed_as_new(rep):
    proposal = draft(rep)
    waiting = proposal_files.add_file(
        rep, proposal.id, 1, uploads.Upload(edition_file(), "edition.csv")
    )
    proposal_files.pair(rep, proposal.id, 1, waiting.token, {})
    assert sorted(changes_of(proposal.id)) == [
        ("add", "dental-care"),
        ("relabel", "housing"),
        ("retire", "dental"),
    ]


def test_the_pairing_page(client, rep, sign_in):
    proposal = draft(rep)
    sign_in("representative")
    data = {"revision": "1", "file": (io.BytesIO(edition_file()), "edition.csv")}
    page = client.post(
        f"/proposals/{proposal.id}/file", data=data, content_type="multipart/form-data"
    )
    assert page.status_code == 200 and '<html lang="ar" dir="rtl">' in page.text
    assert '<input type="hidden" name="new-0" value="dental-care">' in page.text
    assert re.search(r'<option value="dental" selected>', page.text)
    action = re.search(r'action="(/proposals/\d+/file/[^"]+)"', page.text).group(1)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
    form = {"revision": "1", "new-0": "dental-care", "pair-0": "dental"}
    if csrf:
        form["csrf_token"] = csrf.group(1)
    done = client.post(action, data=form)
    assert done.status_code == 303 and done.headers["Location"].endswith("#changes")
    assert changes_of(proposal.id) == [("relabel", "housing")]
    again = client.post(action, data=form)  # the form replayed: stale, nothing doubled
    assert again.status_code == 303 and changes_of(proposal.id) == [("relabel", "housing")]


def test_an_unparseable_or_oversized_file_is_refused_and_nothing_is_saved(
    client, rep, sign_in, app
):
    proposal = draft(rep)
    sign_in("representative")
    broken = {"revision": "1", "file": (io.BytesIO(b"PK\x03\x04 not a workbook"), "tree.xlsx")}
    refused = client.post(
        f"/proposals/{proposal.id}/file", data=broken, content_type="multipart/form-data"
    )
    assert refused.status_code == 303 and refused.headers["Location"].endswith("#from-file")
    page = client.get(f"/proposals/{proposal.id}").text
    assert 'class="flash flash-error"' in page
    app.config["MAX_CONTENT_LENGTH"] = 1024
    big = {"revision": "1", "file": (io.BytesIO(b"id,label_ar\n" + b"x,y\n" * 1000), "t.csv")}
    too_big = client.post(
        f"/proposals/{proposal.id}/file", data=big, content_type="multipart/form-data"
    )
    assert too_big.status_code == 413
    stored = db.session.get(Proposal, proposal.id)
    assert (stored.changes, stored.revision) == ([], 1)
