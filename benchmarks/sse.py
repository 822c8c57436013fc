"""Why the live screens poll instead of holding a Server-Sent Events stream: a bare Flask SSE
endpoint under waitress (as `workshop serve` runs it), 160 clients connecting at once, each
waiting for the event sent when a ballot arrives.

    python benchmarks/sse.py [--clients 160] [--threads 8]

A stream holds a waitress thread for as long as the client listens, so only `--threads`
clients are served at a time. Prints name<TAB>value<TAB>unit:
- `sse_clients_served_2s`: clients that got the event within 2 s of it being sent;
- `sse_event_p99_ms`: from the event to the 99th percentile client receiving it (clients
  that never got it count as the timeout);
- `poll_clients_served_2s`, `poll_p99_ms`: the same 160 clients polling a bare endpoint once
  a second for the same 2 s, as the live screens do.
"""

from __future__ import annotations

import argparse
import http.client
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import report
from web import free_port, stop

SSE_APP = """
import threading, time
from flask import Flask, Response
app = Flask(__name__)
fired = threading.Event()

@app.get("/fire")
def fire():
    fired.set()
    return "ok"

@app.get("/stream")
def stream():
    def events():
        yield ": hello\\n\\n"
        fired.wait(30)
        yield "data: ballot\\n\\n"
    return Response(events(), mimetype="text/event-stream")

@app.get("/poll")
def poll():
    return "ballot" if fired.is_set() else ""
"""


def serve(folder: Path, port: int, threads: int):
    import subprocess

    (folder / "sse_app.py").write_text(SSE_APP)
    command = [
        str(Path(sys.executable).parent / "waitress-serve"),
        "--threads",
        str(threads),
        "--port",
        str(port),
        "--host",
        "127.0.0.1",
        "--connection-limit",
        "1000",
        "--asyncore-use-poll",
        "sse_app:app",
    ]
    server = subprocess.Popen(
        command,
        env={**os.environ, "PYTHONPATH": str(folder)},
        start_new_session=True,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/poll")
            return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("waitress did not start")


def listen(port: int, got: list[float], ready: threading.Barrier, timeout: float) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/stream")
        ready.wait(timeout=30)
        response = connection.getresponse()
        while True:
            line = response.fp.readline()
            if not line:
                return
            if line.startswith(b"data: ballot"):
                got.append(time.perf_counter())
                return
    except (OSError, threading.BrokenBarrierError):
        return
    finally:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=160)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="workshop-sse-"))
    port = free_port()
    server = serve(folder, port, args.threads)
    window = 2.0
    try:
        got: list[float] = []
        ready = threading.Barrier(args.clients + 1)
        listeners = [
            threading.Thread(target=listen, args=(port, got, ready, 6.0), daemon=True)
            for _ in range(args.clients)
        ]
        for listener in listeners:
            listener.start()
        ready.wait(timeout=30)
        time.sleep(0.5)  # every client has asked for its stream
        fire = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        fired_at = time.perf_counter()
        try:
            fire.request("GET", "/fire")
            fire.getresponse().read()
            fire_ok = True
        except OSError:
            fire_ok = False  # every thread is holding a stream: not even the ballot gets in
        for listener in listeners:
            listener.join(timeout=10)
        delays = sorted((t - fired_at) * 1000 for t in got)
        served = sum(1 for d in delays if d <= window * 1000)
        missing = args.clients - len(delays)
        everything = delays + [window * 1000 * 3] * missing
        report("sse_ballot_accepted", 1 if fire_ok else 0, "bool")
        report("sse_clients_served_2s", served, "count")
        report("sse_event_p99_ms", everything[int(len(everything) * 0.99) - 1])
    finally:
        stop(server)

    port = free_port()
    server = serve(folder, port, args.threads)
    try:
        times: list[float] = []
        seen: list[float] = []
        fire = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        start = time.perf_counter() + 0.5

        def poller() -> None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            time.sleep(max(0.0, start - time.perf_counter()))
            while time.perf_counter() < start + window + 1:
                began = time.perf_counter()
                connection.request("GET", "/poll")
                body = connection.getresponse().read()
                times.append((time.perf_counter() - began) * 1000)
                if body == b"ballot":
                    seen.append(time.perf_counter())
                    return
                time.sleep(max(0.0, 1.0 - (time.perf_counter() - began)))

        pollers = [threading.Thread(target=poller, daemon=True) for _ in range(args.clients)]
        for thread in pollers:
            thread.start()
        time.sleep(max(0.0, start + 0.2 - time.perf_counter()))
        fired_at = time.perf_counter()
        fire.request("GET", "/fire")
        fire.getresponse().read()
        for thread in pollers:
            thread.join(timeout=10)
        delays = sorted((t - fired_at) * 1000 for t in seen)
        report("poll_clients_served_2s", sum(1 for d in delays if d <= window * 1000), "count")
        times.sort()
        report("poll_p99_ms", times[int(len(times) * 0.99) - 1])
    finally:
        stop(server)


if __name__ == "__main__":
    main()
