"""Discussion of a concept: threads on the concept's page, across versions, resolved by a
coordinator or the agency that started the thread."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from workshop.models import AuditEntry, Comment, db
from workshop.services import comments
from workshop.services.comments import ConceptRef
from workshop.services.errors import NotFound, PermissionDenied, ServiceError

DENTAL = ConceptRef("gov", "dental")


@pytest.fixture
def rep(people, published):
    return people["representative"]


def test_a_concept_has_threads_of_its_own(rep, people):
    other, coordinator, observer = (
        people["other_representative"],
        people["coordinator"],
        people["observer"],
    )
    question = comments.post(rep, DENTAL, "هل يشمل تقويم الأسنان؟", "question")
    answer = comments.post(other, DENTAL, "نعم", reply_to=question.id)
    assert (answer.parent_id, answer.proposal_id, answer.concept_id) == (
        question.id,
        None,
        "dental",
    )
    assert [len(t.replies) for t in comments.threads(observer, DENTAL)] == [1]
    assert comments.threads(observer, ConceptRef("gov", "clinics")) == []
    with pytest.raises(PermissionDenied):
        comments.post(observer, DENTAL, "رأيي")
    with pytest.raises(NotFound):
        comments.post(rep, ConceptRef("gov", "ghost"), "؟")
    with pytest.raises(NotFound):
        comments.post(rep, ConceptRef("nowhere", "dental"), "؟")
    with pytest.raises(NotFound):  # a reply names a thread of the same concept
        comments.post(rep, ConceptRef("gov", "clinics"), "؟", reply_to=question.id)
    with pytest.raises(ServiceError):
        comments.post(rep, DENTAL, "   ")
    db.session.rollback()
    # The agency that asked, or a coordinator, resolves the thread; another agency does not.
    assert comments.discussion(other, DENTAL).resolvable == set()
    assert comments.discussion(rep, DENTAL).resolvable == {question.id}
    with pytest.raises(PermissionDenied):
        comments.resolve(other, question.id)
    comments.resolve(coordinator, answer.id)
    assert db.session.get(Comment, question.id).resolved_by_id == coordinator.id
    targets = db.session.scalars(
        select(AuditEntry.target).where(AuditEntry.action.like("comment.%"))
    ).all()
    assert set(targets) == {"gov/dental"}


def test_the_concept_page_shows_its_discussion(client, rep, sign_in):
    sign_in("representative")
    assert client.get("/taxonomies/gov/v/1/concepts/dental").status_code == 404  # new in v2
    page = client.get("/taxonomies/gov/v/2/concepts/dental").text
    assert 'hx-get="/taxonomies/gov/discussion/dental"' in page
    assert 'action="/taxonomies/gov/discussion/dental"' in page
    assert '<input type="hidden" name="ref" value="2">' in page
    posted = client.post(
        "/taxonomies/gov/discussion/dental",
        data={"body": "اقتراح: https://example.org/a", "kind": "comment", "ref": "2"},
    )
    assert posted.status_code == 303
    assert posted.headers["Location"].startswith("/taxonomies/gov/v/2/concepts/dental#comment-")
    threads = client.get("/taxonomies/gov/discussion/dental", headers={"HX-Request": "true"})
    assert threads.status_code == 200 and "<html" not in threads.text
    assert 'href="https://example.org/a" rel="nofollow noopener noreferrer"' in threads.text
    # the panel the tree swaps in (cached, the same for everyone) links to the discussion
    panel = client.get("/taxonomies/gov/v/2/concepts/dental", headers={"HX-Request": "true"})
    assert "comment-threads" not in panel.text
    assert 'href="/taxonomies/gov/v/2/concepts/dental#comments"' in panel.text


def test_the_concept_page_offers_the_reader_s_proposals_to_change_it(client, rep, people, sign_in):
    from workshop.services import proposals

    mine = proposals.create(rep, "gov", "مسودتنا", "سبب")
    theirs = proposals.create(people["other_representative"], "gov", "مسودة غيرنا", "سبب")
    sign_in("representative")
    page = client.get("/taxonomies/gov/v/2/concepts/dental").text
    assert f"/proposals/{mine.id}?op=relabel&amp;concept=dental#composer" in page
    assert f"/proposals/{theirs.id}?" not in page
    assert "/proposals/new?taxonomy=gov&amp;concept=dental" in page
    sign_in("observer")
    assert 'id="propose"' not in client.get("/taxonomies/gov/v/2/concepts/dental").text
