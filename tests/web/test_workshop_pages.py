"""The workshop screens: the console, the ballot panel and the projector, their polled
live parts (304 while nothing moved), and a ballot through the web."""

from __future__ import annotations

import re

import pytest

from tests.web.test_voting import open_proposal, workshop_with
from workshop.models import Ballot, db
from workshop.services import voting, workshops

HTMX = {"HX-Request": "true"}


@pytest.fixture
def hall(people, published):
    coordinator = people["coordinator"]
    workshop_id, item_id = workshop_with(coordinator, open_proposal(people["representative"]))
    seats = {s.agency_id: ("present", "") for s in workshops.get(workshop_id).seats}
    workshops.roll_call(coordinator, workshop_id, seats)
    return workshop_id, item_id


def test_the_facilitator_runs_a_vote_from_the_console(client, hall, people, sign_in):
    workshop_id, item_id = hall
    sign_in("coordinator")
    console = client.get(f"/workshops/{workshop_id}/console")
    assert console.status_code == 200 and "ورشة التصنيف" in console.text
    opened = client.post(f"/workshops/{workshop_id}/items/{item_id}/open", data={"seconds": "120"})
    assert opened.status_code == 303
    live = client.get(f"/workshops/{workshop_id}/live/console", headers=HTMX)
    assert live.status_code == 200 and "<html" not in live.text
    assert "صوّتت 0 من 2" in live.text and "data-seconds" in live.text
    tag = live.headers["ETag"]
    unchanged = client.get(
        f"/workshops/{workshop_id}/live/console", headers={**HTMX, "If-None-Match": tag}
    )
    assert unchanged.status_code == 304 and unchanged.data == b""
    voting.cast(people["representative"], voting.open_round_of(workshop_id).id, "approve")
    moved = client.get(
        f"/workshops/{workshop_id}/live/console", headers={**HTMX, "If-None-Match": tag}
    )
    assert moved.status_code == 200 and "صوّتت 1 من 2" in moved.text


def test_a_representative_votes_from_the_ballot_panel(client, hall, people, sign_in):
    workshop_id, item_id = hall
    round_id = voting.open_round(people["coordinator"], item_id).id
    sign_in("representative")
    panel = client.get(f"/workshops/{workshop_id}").text
    assert f'name="round" value="{round_id}" form="ballot-form"' in panel
    assert "يُقبل بموافقة الثلثين" in panel  # the rule in words
    cast = client.post(
        f"/workshops/{workshop_id}/ballot", data={"round": str(round_id), "choice": "reject"}
    )
    assert cast.status_code == 303  # a rejection without a reason: told, nothing written
    assert db.session.query(Ballot).count() == 0
    cast = client.post(
        f"/workshops/{workshop_id}/ballot",
        data={"round": str(round_id), "choice": "reject", "reason": "غير واضح"},
    )
    assert cast.status_code == 303 and db.session.query(Ballot).count() == 1
    live = client.get(f"/workshops/{workshop_id}/live/vote", headers=HTMX).text
    assert "صوت جهتك: رفض." in live
    voting.close(people["coordinator"], round_id)
    late = client.post(
        f"/workshops/{workshop_id}/ballot", data={"round": str(round_id), "choice": "approve"}
    )
    assert late.status_code == 409
    assert db.session.query(Ballot).one().choice == "reject"


def test_a_ballot_from_htmx_answers_with_the_panels_live_part(client, hall, people, sign_in):
    """The phone's page stays (and what is typed in it): the answer is the live part with
    the agency's ballot as it now stands, and the message for the page's flash region."""
    workshop_id, item_id = hall
    round_id = voting.open_round(people["coordinator"], item_id).id
    sign_in("representative")
    url = f"/workshops/{workshop_id}/ballot"
    refused = client.post(url, data={"round": str(round_id), "choice": "reject"}, headers=HTMX)
    assert refused.status_code == 422 and "<html" not in refused.text
    assert "الرفض اعتراض: اذكر السبب." in refused.text
    assert 'hx-target="#ballot-status"' in refused.text  # next to the buttons
    assert "لم تُدلِ جهتك بصوتها بعد." in refused.text
    assert db.session.query(Ballot).count() == 0
    cast = client.post(url, data={"round": str(round_id), "choice": "approve"}, headers=HTMX)
    assert cast.status_code == 200 and "<html" not in cast.text
    assert "صوت جهتك: موافقة." in cast.text and "سُجّل صوت جهتك." in cast.text
    assert f'name="round" value="{round_id}" form="ballot-form"' in cast.text
    voting.close(people["coordinator"], round_id)
    late = client.post(url, data={"round": str(round_id), "choice": "abstain"}, headers=HTMX)
    assert late.status_code == 409 and "أُغلق التصويت: لم يُحتسب صوتك." in late.text
    assert "<html" not in late.text and 'class="outcome' in late.text
    assert [b.choice for b in db.session.query(Ballot)] == ["approve"]


def test_the_projector_shows_the_tiles_and_the_outcome(client, hall, people, sign_in):
    workshop_id, item_id = hall
    round_id = voting.open_round(people["coordinator"], item_id).id
    voting.cast(people["representative"], round_id, "approve")
    voting.cast(people["other_representative"], round_id, "reject", "نعترض")
    voting.close(people["coordinator"], round_id)
    sign_in("observer")
    page = client.get(f"/workshops/{workshop_id}/projector").text
    assert len(re.findall(r'class="tile cast', page)) == 2
    assert "قُبل" not in page and "رُفض" in page and "نعترض" in page  # 1:1 is a tie
    assert workshops.get(workshop_id).join_code in page


def test_the_workshop_screens_in_arabic_are_fully_translated(client, hall, people, sign_in):
    from tests.web.test_languages import untranslated_words

    workshop_id, item_id = hall
    round_id = voting.open_round(people["coordinator"], item_id, seconds=300).id
    voting.cast(people["other_representative"], round_id, "reject", "نعترض")
    for role, path in (
        ("coordinator", f"/workshops/{workshop_id}/console"),
        ("coordinator", "/workshops/new"),
        ("representative", f"/workshops/{workshop_id}"),
        ("observer", f"/workshops/{workshop_id}/projector"),
        ("observer", "/workshops/"),
        ("observer", "/workshops/join"),
    ):
        sign_in(role)
        page = client.get(path).text
        assert '<html lang="ar" dir="rtl">' in page
        assert untranslated_words(page) == set(), path
    voting.close(people["coordinator"], round_id)
    page = client.get(f"/workshops/{workshop_id}/projector").text
    assert untranslated_words(page) == set()


def test_a_forged_agency_in_the_form_changes_nothing(client, hall, people, sign_in):
    workshop_id, item_id = hall
    round_id = voting.open_round(people["coordinator"], item_id).id
    other = people["other_representative"].agency_id
    sign_in("representative")
    for _click in range(2):  # a double click too
        client.post(
            f"/workshops/{workshop_id}/ballot",
            data={"round": str(round_id), "choice": "approve", "agency": str(other)},
        )
    ballots = db.session.query(Ballot).all()
    assert [b.agency_id for b in ballots] == [people["representative"].agency_id]


def test_a_round_posted_to_another_workshops_panel_is_refused(client, hall, people, sign_in):
    """The panel names its workshop and its round: a round of another workshop, or one
    that does not exist, is not the vote the panel showed (409, nothing written)."""
    workshop_id, item_id = hall
    round_id = voting.open_round(people["coordinator"], item_id).id
    other, _item = workshop_with(people["coordinator"], open_proposal(people["representative"]))
    sign_in("representative")
    for target, posted in ((other, round_id), (workshop_id, round_id + 1000)):
        answer = client.post(
            f"/workshops/{target}/ballot", data={"round": str(posted), "choice": "approve"}
        )
        assert answer.status_code == 409
    assert db.session.query(Ballot).count() == 0


def test_every_agency_marked_present_at_once(client, people, published, sign_in):
    workshop_id, _item = workshop_with(
        people["coordinator"], open_proposal(people["representative"])
    )
    sign_in("coordinator")
    done = client.post(f"/workshops/{workshop_id}/roll-call", data={"everyone": "present"})
    assert done.status_code == 303
    assert {s.attendance for s in workshops.get(workshop_id).seats} == {"present"}
