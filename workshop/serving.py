"""The app served by waitress, as `workshop serve` and `workshop demo` run it."""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server
from waitress.task import WSGITask

from .web.live_polls import LIVE as LIVE_POLL

# A hall keeps 160 and more phones connected (each polls every second, so none goes idle):
# waitress's default of 100 connections left the rest waiting unserved, and select() cannot
# watch more than 1,024 sockets, poll() can.
CONNECTION_LIMIT = 1000


class KeepAliveTask(WSGITask):
    """waitress 3.0 closes the connection after every 304 and 204, because they carry no
    Content-Length; but such a response ends at its header (RFC 9112, 6.3), so the
    connection can serve the next request. A phone polling an unchanged screen every
    second gets a 304 nearly every time, and would otherwise open a new connection for
    each poll."""

    _bodiless_keep_alive = False

    def build_response_header(self) -> bytes:
        asked_close = self.request.headers.get("CONNECTION", "").lower() == "close"
        self._bodiless_keep_alive = (
            not self.has_body
            and self.version == "1.1"
            and not asked_close
            and not self.close_on_finish
        )
        try:
            return bytes(super().build_response_header())
        finally:
            self._bodiless_keep_alive = False

    def set_close_on_finish(self) -> None:
        if self._bodiless_keep_alive:
            return  # only "no Content-Length" asks for it here, which a 304 needs none of
        super().set_close_on_finish()


class KeepAliveChannel(HTTPChannel):
    task_class = KeepAliveTask


POSTS_AT_ONCE = 2


class Lanes:
    """waitress's queue of connections with a request ready, in three lanes, each in
    arrival order: the live screens' polls first; then posts, at most POSTS_AT_ONCE being
    served at a time; then the other requests.

    A burst of 53 ballots took every thread, and each phone's poll (a millisecond's work)
    waited behind the queue and then for the interpreter lock among the ballots. But posts
    write, and SQLite writes one at a time: more than two in hand at once only crowd the
    lock. A hall's phones poll at most once a second each, so the ballots wait no longer
    for them than for one more phone."""

    def __init__(self, condition: threading.Condition) -> None:
        self.condition = condition  # the dispatcher's; its lock is held when a lane is used
        self.polls: deque[Any] = deque()
        self.posts: deque[Any] = deque()
        self.rest: deque[Any] = deque()
        self.posting = 0

    def append(self, channel: Any) -> None:
        command, path = _request_line(channel)
        if command == "GET" and LIVE_POLL.match(path):
            self.polls.append(channel)
        elif command == "POST":
            self.posts.append(channel)
        else:
            self.rest.append(channel)

    def __len__(self) -> int:
        posts = len(self.posts) if self.posting < POSTS_AT_ONCE else 0
        return len(self.polls) + posts + len(self.rest)

    def popleft(self) -> Any:
        if self.polls:
            return self.polls.popleft()
        if self.posts and self.posting < POSTS_AT_ONCE:
            self.posting += 1
            return Posting(self, self.posts.popleft())
        return self.rest.popleft()

    def posted(self) -> None:
        with self.condition:
            self.posting -= 1
            self.condition.notify()


class Posting:
    """A post being served: its lane learns when it ends."""

    def __init__(self, lanes: Lanes, channel: Any) -> None:
        self.lanes, self.channel = lanes, channel

    def service(self) -> None:
        try:
            self.channel.service()
        finally:
            self.lanes.posted()

    def cancel(self) -> None:
        self.channel.cancel()


def _request_line(channel: Any) -> tuple[str, str]:
    requests = getattr(channel, "requests", None)
    if not requests:
        return "", ""
    return str(requests[0].command or ""), str(requests[0].path or "")


def make_server(app: Any, host: str, port: int, threads: int) -> BaseWSGIServer:
    """A waitress server for `app` (port 0: any free port, see `effective_port`)."""
    server = create_server(
        app,
        host=host,
        port=port,
        threads=threads,
        ident="workshop",
        connection_limit=CONNECTION_LIMIT,
        asyncore_use_poll=True,
    )
    assert isinstance(server, BaseWSGIServer), "one address, one listening socket"
    server.channel_class = KeepAliveChannel
    dispatcher = server.task_dispatcher
    with dispatcher.lock:  # (its threads wait on an empty queue until the server runs)
        dispatcher.queue = Lanes(dispatcher.queue_cv)
    return server


def serve_app(app: Any, host: str, port: int, threads: int) -> None:
    server = make_server(app, host, port, threads)
    print(f"Serving on http://{host}:{server.effective_port}  (Ctrl+C to stop)", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
