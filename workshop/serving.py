"""The app served by waitress, as `workshop serve` and `workshop demo` run it."""

from __future__ import annotations

from typing import Any

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server
from waitress.task import WSGITask

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
