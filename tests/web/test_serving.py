"""waitress as `workshop serve` runs it: a poll answered 304 keeps its connection."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator

import pytest
from flask import Flask, Response, request

from workshop.serving import make_server


@pytest.fixture
def connection(port: int) -> Iterator[http.client.HTTPConnection]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    yield connection
    connection.close()


@pytest.fixture
def port() -> Iterator[int]:
    app = Flask("polls")

    @app.get("/unchanged")
    def unchanged() -> Response:
        answer = Response(status=304)
        answer.headers["ETag"] = '"r1"'
        answer.headers["X-Client-Port"] = str(request.environ["REMOTE_PORT"])
        return answer

    @app.get("/changed")
    def changed() -> Response:
        return Response("new", headers={"X-Client-Port": str(request.environ["REMOTE_PORT"])})

    server = make_server(app, "127.0.0.1", 0, 2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield server.effective_port
    finally:
        server.close()
        thread.join(timeout=5)


def ask(connection: http.client.HTTPConnection, path: str, **headers: str):
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    return response


def test_a_304_keeps_the_connection_for_the_next_poll(connection) -> None:
    first = ask(connection, "/unchanged")
    assert first.status == 304
    assert first.getheader("Connection") is None
    assert first.getheader("Content-Length") is None  # a 304 carries none (RFC 9110)
    seen = {ask(connection, path).getheader("X-Client-Port") for path in ["/unchanged"] * 3}
    after = ask(connection, "/changed")
    assert after.status == 200 and after.read() == b""
    assert seen == {first.getheader("X-Client-Port"), after.getheader("X-Client-Port")}


def test_a_client_asking_to_close_is_still_closed(connection) -> None:
    response = ask(connection, "/unchanged", Connection="close")
    assert response.status == 304
    assert response.getheader("Connection") == "close"
