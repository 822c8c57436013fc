"""Polls of an unchanged live screen are answered before Flask (web/live_polls.py), with
the headers the view gives; everything else still goes through the view."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.web import test_workshop_pages
from tests.web.test_workshop_pages import HTMX
from workshop.models import Round, db, utcnow
from workshop.services import voting

hall = test_workshop_pages.hall  # the fixture: a workshop with an item, everyone present


def tag_of(client, workshop_id: int, screen: str = "vote") -> str:
    first = client.get(f"/workshops/{workshop_id}/live/{screen}", headers=HTMX)
    assert first.status_code == 200
    return first.headers["ETag"]


def test_an_unchanged_poll_is_answered_before_flask(app, client, hall, sign_in):
    workshop_id, _item = hall
    sign_in("representative")
    tag = tag_of(client, workshop_id)
    polls = app.wsgi_app
    real = polls.wrapped
    polls.wrapped = lambda environ, start: pytest.fail("reached Flask")
    try:
        answer = client.get(
            f"/workshops/{workshop_id}/live/vote", headers={**HTMX, "If-None-Match": tag}
        )
    finally:
        polls.wrapped = real
    assert answer.status_code == 304 and answer.data == b""
    assert answer.headers["ETag"] == tag
    assert answer.headers["Cache-Control"] == "private, no-cache"
    assert "default-src 'self'" in answer.headers["Content-Security-Policy"]


def test_a_moved_revision_another_screen_or_workshop_goes_to_the_view(
    client,
    hall,
    people,
    sign_in,
):
    workshop_id, item_id = hall
    sign_in("representative")
    tag = tag_of(client, workshop_id)
    other_screen = client.get(
        f"/workshops/{workshop_id}/live/projector", headers={**HTMX, "If-None-Match": tag}
    )
    assert other_screen.status_code == 200  # a vote panel's tag says nothing of the projector
    unknown = client.get("/workshops/999999/live/vote", headers={**HTMX, "If-None-Match": tag})
    assert unknown.status_code == 404
    voting.open_round(people["coordinator"], item_id)
    moved = client.get(
        f"/workshops/{workshop_id}/live/vote", headers={**HTMX, "If-None-Match": tag}
    )
    assert moved.status_code == 200 and moved.headers["ETag"] != tag


def test_a_countdown_that_ran_out_is_closed_by_the_view(client, hall, people, sign_in):
    workshop_id, item_id = hall
    round_id = voting.open_round(people["coordinator"], item_id, seconds=60).id
    sign_in("representative")
    tag = tag_of(client, workshop_id)
    db.session.get(Round, round_id).closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    answer = client.get(
        f"/workshops/{workshop_id}/live/vote", headers={**HTMX, "If-None-Match": tag}
    )
    assert answer.status_code == 200  # not a 304 from before Flask: the round is closed
    db.session.expire_all()
    assert db.session.get(Round, round_id).closed_at is not None


def test_a_failing_read_before_flask_leaves_the_poll_to_the_view(
    client, hall, sign_in, monkeypatch
):
    workshop_id, _item = hall
    sign_in("representative")
    tag = tag_of(client, workshop_id)

    def broken(connection, workshop_id):
        raise ConnectionError("the database went away")

    from workshop.services import voting_views

    monkeypatch.setattr(voting_views, "peek", broken)
    answer = client.get(
        f"/workshops/{workshop_id}/live/vote", headers={**HTMX, "If-None-Match": tag}
    )
    assert answer.status_code == 304  # answered by the view, which reads through the session


def test_each_process_reads_the_revision_at_most_once_per_window(
    make_app, hall, people, monkeypatch
):
    """With a window of 0.1 s (the default is 0.25 s), within which polls are answered
    from the revision the process last read, and after which a change is seen."""
    import time

    from workshop.services import voting_views

    workshop_id, item_id = hall
    app = make_app(LIVE_POLL_FRESH_SECONDS=0.1)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = people["representative"].get_id()
    tag = tag_of(client, workshop_id)
    reads = []
    real_peek = voting_views.peek
    monkeypatch.setattr(voting_views, "peek", lambda *args: reads.append(1) or real_peek(*args))
    poll = {**HTMX, "If-None-Match": tag}
    url = f"/workshops/{workshop_id}/live/vote"
    began = time.monotonic()
    answers = [client.get(url, headers=poll).status_code for _ in range(20)]
    if time.monotonic() - began < 0.1:  # a slow machine may cross the window once
        assert reads == [1]
    assert answers == [304] * 20
    voting.open_round(people["coordinator"], item_id)
    time.sleep(0.15)
    moved = client.get(url, headers=poll)
    assert moved.status_code == 200 and moved.headers["ETag"] != tag


def test_a_moved_revision_is_read_once_for_the_view(client, hall, people, sign_in, monkeypatch):
    """The poll read the revision before Flask; the view that draws the new part takes it
    along instead of reading it again (a burst sends every phone's next poll there)."""
    from workshop.services import voting_views

    workshop_id, item_id = hall
    sign_in("representative")
    tag = tag_of(client, workshop_id)
    voting.open_round(people["coordinator"], item_id)
    monkeypatch.setattr(voting_views, "revision", lambda _id: pytest.fail("read twice"))
    moved = client.get(
        f"/workshops/{workshop_id}/live/vote", headers={**HTMX, "If-None-Match": tag}
    )
    assert moved.status_code == 200 and moved.headers["ETag"] != tag
    assert 'class="mine"' in moved.text  # the new round's panel, with the reader's line


def test_the_revision_is_read_outside_a_transaction_on_postgresql(
    app, client, hall, sign_in, monkeypatch
):
    """On PostgreSQL a transaction around the one read cost a BEGIN and a ROLLBACK, a round
    trip each; the connection goes back to the pool as it came (in transactions). SQLite
    begins no transaction for a read: its connections are left as they are."""
    from workshop.services import voting_views

    workshop_id, _item = hall
    sign_in("representative")
    tag = tag_of(client, workshop_id)
    seen = []
    real_peek = voting_views.peek

    def peek(connection, workshop_id):
        seen.append(connection.connection.driver_connection)
        seen.append(getattr(seen[-1], "autocommit", None))
        return real_peek(connection, workshop_id)

    monkeypatch.setattr(voting_views, "peek", peek)
    poll = {**HTMX, "If-None-Match": tag}
    assert client.get(f"/workshops/{workshop_id}/live/vote", headers=poll).status_code == 304
    driver, autocommit = seen
    on_postgres = db.engine.dialect.name == "postgresql"
    assert autocommit is (True if on_postgres else None)
    if on_postgres:
        assert driver.autocommit is False  # back in the pool, as the others are


def test_a_moved_poll_is_drawn_outside_a_transaction_on_postgresql(client, hall, people, sign_in):
    """A poll after a ballot (the revision moved) reads the panel's rows without a
    transaction on PostgreSQL, as every fragment does (web/readers.py)."""
    from sqlalchemy import event

    workshop_id, item_id = hall
    sign_in("representative")
    tag = tag_of(client, workshop_id)
    voting.open_round(people["coordinator"], item_id)
    db.session.remove()
    modes = []

    def note(connection, *_args) -> None:
        modes.append(getattr(connection.connection.driver_connection, "autocommit", None))

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        moved = client.get(
            f"/workshops/{workshop_id}/live/vote", headers={**HTMX, "If-None-Match": tag}
        )
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert moved.status_code == 200 and 'class="mine"' in moved.text
    assert modes  # the reader, the agency's ballot, the round's rows
    if db.engine.dialect.name == "postgresql":
        assert set(modes) == {True}
