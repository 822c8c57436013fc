"""waitress's queue as `workshop serve` runs it (workshop/serving.py, Lanes): the live
screens' polls first, at most two posts served at once, every request served in the end."""

from __future__ import annotations

import http.client
import threading
import time
from types import SimpleNamespace

import pytest
from flask import Flask

from workshop.serving import POSTS_AT_ONCE, Lanes, Posting, make_server


def channel(command: str, path: str) -> SimpleNamespace:
    request = SimpleNamespace(command=command, path=path)
    return SimpleNamespace(requests=[request], served=[], service=lambda: None)


def test_polls_go_first_then_posts_then_the_rest_each_in_arrival_order():
    lanes = Lanes(threading.Condition())
    page, post, poll, poll2, post2 = (
        channel("GET", "/taxonomies/gov"),
        channel("POST", "/workshops/1/ballot"),
        channel("GET", "/workshops/1/live/vote"),
        channel("GET", "/workshops/1/live/projector"),
        channel("POST", "/workshops/1/ballot"),
    )
    for each in (page, post, poll, poll2, post2):
        lanes.append(each)
    assert len(lanes) == 5
    served = [lanes.popleft() for _ in range(5)]
    assert served[:2] == [poll, poll2]
    assert [s.channel for s in served[2:4]] == [post, post2]  # (wrapped: they report back)
    assert served[4] is page


def test_no_more_than_two_posts_are_handed_out_until_one_ends():
    lanes = Lanes(threading.Condition())
    posts = [channel("POST", "/workshops/1/ballot") for _ in range(4)]
    for each in posts:
        lanes.append(each)
    handed = [lanes.popleft() for _ in range(POSTS_AT_ONCE)]
    assert len(lanes) == 0  # the other two wait, though queued
    lanes.append(page := channel("GET", "/"))
    assert len(lanes) == 1 and lanes.popleft() is page  # other requests are not held up
    handed[0].service()
    assert len(lanes) == 2 and lanes.popleft().channel is posts[2]


def test_a_post_that_fails_still_gives_its_place_back():
    lanes = Lanes(threading.Condition())

    def fails() -> None:
        raise RuntimeError("broken")

    broken = Posting(lanes, SimpleNamespace(service=fails))
    lanes.posting = 1
    with pytest.raises(RuntimeError):
        broken.service()
    assert lanes.posting == 0


def test_a_poll_is_answered_while_slow_posts_hold_their_places():
    """On a real waitress with 4 threads: six slow posts queued, then a poll; the poll is
    answered at once, and every post is answered too."""
    app = Flask("lanes")
    release = threading.Event()
    at_once, peak = [0], [0]
    lock = threading.Lock()

    @app.post("/slow")
    def slow() -> str:
        with lock:
            at_once[0] += 1
            peak[0] = max(peak[0], at_once[0])
        release.wait(5)
        with lock:
            at_once[0] -= 1
        return "posted"

    @app.get("/workshops/1/live/vote")
    def poll() -> str:
        return "unchanged"

    server = make_server(app, "127.0.0.1", 0, 4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    port = server.effective_port
    answers: list[int] = []

    def post() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("POST", "/slow", body=b"")
            answers.append(connection.getresponse().status)
        finally:
            connection.close()

    posters = [threading.Thread(target=post) for _ in range(6)]
    try:
        for poster in posters:
            poster.start()
        time.sleep(0.3)
        began = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/workshops/1/live/vote")
            response = connection.getresponse()
            assert response.status == 200 and response.read() == b"unchanged"
        finally:
            connection.close()
        assert time.monotonic() - began < 2  # not after the posts (released below)
        release.set()
        for poster in posters:
            poster.join(10)
        assert answers == [200] * 6 and peak[0] == POSTS_AT_ONCE
    finally:
        release.set()
        server.close()
        thread.join(timeout=5)
