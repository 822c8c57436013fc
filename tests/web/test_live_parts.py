"""The shared live parts (web/live_parts.py): rendered once per revision, at most once per
LIVE_POLL_FRESH_SECONDS during a burst, always tagged with the revision they show; the
reader's own line of the ballot panel from one query."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import event

from tests.web import test_workshop_pages
from tests.web.test_workshop_pages import HTMX
from workshop.models import db
from workshop.services import voting, voting_views
from workshop.web.live_parts import LatestParts

hall = test_workshop_pages.hall  # a workshop with an item, everyone present


def test_a_revision_is_rendered_once_and_kept():
    parts, renders = LatestParts(8), []
    first = parts.get("k", "r1", 0.0, lambda: renders.append(1) or ("one", 1))
    again = parts.get("k", "r1", 0.0, lambda: renders.append(1) or ("other", 1))
    assert (first.html, again.html, first.revision) == ("one", "one", "r1") and renders == [1]


def test_within_the_window_the_last_part_is_given_with_its_own_revision():
    parts = LatestParts(8)
    parts.get("k", "r1", 0.2, lambda: ("one", 1))
    within = parts.get("k", "r2", 0.2, lambda: pytest.fail("rendered within the window"))
    assert (within.revision, within.html) == ("r1", "one")  # its tag says what it shows
    time.sleep(0.25)
    after = parts.get("k", "r2", 0.2, lambda: ("two", 1))
    assert (after.revision, after.html) == ("r2", "two")


def test_without_a_window_every_new_revision_is_rendered():
    parts = LatestParts(8)
    parts.get("k", "r1", 0.0, lambda: ("one", 1))
    assert parts.get("k", "r2", 0.0, lambda: ("two", 1)).html == "two"
    assert parts.get("other", "r2", 0.0, lambda: ("three", 1)).html == "three"  # keys apart


def test_phones_that_see_a_new_revision_at_once_wait_for_one_render():
    parts, renders, gate = LatestParts(8), [], threading.Event()

    def render() -> tuple[str, int]:
        renders.append(1)
        gate.wait(5)
        return "new", 1

    answers: list[str] = []
    threads = [
        threading.Thread(target=lambda: answers.append(parts.get("k", "r9", 0.0, render).html))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.1)
    gate.set()
    for thread in threads:
        thread.join(5)
    assert answers == ["new"] * 8 and renders == [1]


def test_a_poll_in_a_burst_gets_the_recent_part_tagged_with_its_revision(make_app, hall, people):
    """With a window of 0.1 s (the default is 0.25 s): a ballot moved the revision, and a
    phone asking right after gets the part of a moment ago under that moment's tag; its
    next poll (a second later in the hall) gets the ballot."""
    workshop_id, item_id = hall
    round_id = voting.open_round(people["coordinator"], item_id).id
    app = make_app(LIVE_POLL_FRESH_SECONDS=0.1)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = people["other_representative"].get_id()
    url = f"/workshops/{workshop_id}/live/projector"
    began = time.monotonic()  # (before the part is rendered: the window counts from there)
    before = client.get(url, headers=HTMX)
    voting.cast(people["representative"], round_id, "approve")
    during = client.get(url, headers={**HTMX, "If-None-Match": before.headers["ETag"]})
    if time.monotonic() - began < 0.1:  # a slow machine may cross the window
        assert during.status_code == 200 and during.headers["ETag"] == before.headers["ETag"]
        assert during.text == before.text
    time.sleep(0.15)
    # (The tag the phone holds: before's, which `during` repeated within the window.)
    after = client.get(url, headers={**HTMX, "If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert after.text.count('class="tile cast') == 1


@pytest.mark.parametrize(
    ("role", "words"),
    [
        ("representative", "صوت جهتك: موافقة."),
        ("other_representative", "لم تُدلِ جهتك بصوتها بعد."),
    ],
)
def test_the_readers_own_line_comes_from_one_query(client, hall, people, sign_in, role, words):
    workshop_id, item_id = hall
    round_id = voting.open_round(people["coordinator"], item_id).id
    voting.cast(people["representative"], round_id, "approve")
    sign_in(role)
    client.get(f"/workshops/{workshop_id}/live/vote", headers=HTMX)  # the shared part
    reader = people[role]
    assert reader.agency_id is not None  # (loaded before counting)
    queries: list[str] = []
    listener = lambda *args: queries.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        mine = voting_views.mine(reader, workshop_id)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(queries) == 1 and mine.open and mine.round_id == round_id
    panel = client.get(f"/workshops/{workshop_id}/live/vote", headers=HTMX)
    assert words in panel.text


def test_no_line_of_ones_own_without_an_open_round(client, hall, people, sign_in):
    workshop_id, _item = hall
    assert voting_views.mine(people["representative"], workshop_id) == voting_views.Mine(
        None, False, None
    )
    sign_in("representative")
    panel = client.get(f"/workshops/{workshop_id}/live/vote", headers=HTMX)
    assert panel.status_code == 200 and 'class="mine"' not in panel.text


def test_the_item_is_drawn_once_a_round_and_again_when_its_proposal_changes(
    make_app, hall, people, monkeypatch
):
    """A ballot moves the revision and the tiles are drawn again, but the item (the
    proposal as a tree diff, which reads the base version) is not; an edit of the proposal
    (its revision moves on) draws it again, once the workshop moves on."""
    from workshop.models import AgendaItem
    from workshop.services import proposals

    workshop_id, item_id = hall
    round_id = voting.open_round(people["coordinator"], item_id).id
    reads: list[int] = []
    base_tree = proposals.base_tree
    monkeypatch.setattr(proposals, "base_tree", lambda p: reads.append(p.id) or base_tree(p))
    app = make_app(LIVE_POLL_FRESH_SECONDS=0)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = people["other_representative"].get_id()
    url = f"/workshops/{workshop_id}/live/projector"
    before = client.get(url, headers=HTMX)
    voting.cast(people["representative"], round_id, "approve")
    after = client.get(url, headers=HTMX)
    assert after.text.count('class="tile cast') == 1 and before.text.count("tile cast") == 0
    assert len(reads) == 1
    proposal = db.session.get(AgendaItem, item_id).proposal
    assert proposal.title in after.text
    proposal.title, proposal.revision = "عنوان بعد التعديل", proposal.revision + 1
    db.session.commit()
    voting.cast(people["other_representative"], round_id, "abstain")
    edited = client.get(url, headers=HTMX)
    assert "عنوان بعد التعديل" in edited.text and len(reads) == 2
    assert edited.text.count('class="tile cast') == 2


def test_a_counted_ballot_is_answered_with_its_rounds_latest_part_and_its_own_line(
    make_app, hall, people, monkeypatch
):
    """The answer to a ballot confirms the agency's ballot; the hall's count in it may be
    the latest part of that round (the next poll brings the new count), but never a part
    of another round, and never a part drawn for this answer when one is there."""
    workshop_id, item_id = hall
    first_round = voting.open_round(people["coordinator"], item_id).id
    app = make_app(LIVE_POLL_FRESH_SECONDS=0)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = people["representative"].get_id()
    url = f"/workshops/{workshop_id}/live/vote"
    shown = client.get(url, headers=HTMX).text  # this process now has the round's part
    drawn: list[int] = []
    live = voting_views.live
    monkeypatch.setattr(voting_views, "live", lambda *a: drawn.append(1) or live(*a))
    ballot = f"/workshops/{workshop_id}/ballot"
    answer = client.post(
        ballot, data={"round": first_round, "choice": "reject", "reason": "لا"}, headers=HTMX
    )
    assert answer.status_code == 200 and drawn == []
    assert "صوت جهتك: رفض." in answer.text and shown.split('<p class="mine"')[0] in answer.text
    poll = client.get(url, headers=HTMX)  # the next poll has the count, and the same line
    assert drawn == [1] and "صوت جهتك: رفض." in poll.text
    voting.close(people["coordinator"], first_round)
    voting.reopen(people["coordinator"], item_id, "تصويت ثانٍ")
    second_round = voting.open_round_of(workshop_id).id
    answer = client.post(ballot, data={"round": second_round, "choice": "approve"}, headers=HTMX)
    # The process's latest part shows the first round: a new one is drawn for the answer.
    assert answer.status_code == 200 and len(drawn) == 2
    assert "صوت جهتك: موافقة." in answer.text
