"""A server killed with SIGKILL during a burst of ballots: every ballot that got a success
answer is in the database, and a restarted server goes on serving the round."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from sqlalchemy import select

from tests.web.test_voting import many_agencies, open_proposal, workshop_with
from workshop.models import Ballot, User, db
from workshop.services import voting


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_env(database_url: str, instance: Path) -> dict[str, str]:
    """The environment of the app in a process of its own, on the test's database."""
    return {
        **os.environ,
        "WORKSHOP_DATABASE_URL": database_url,
        "WORKSHOP_INSTANCE_PATH": str(instance),
        "WORKSHOP_SECRET_KEY": "test-secret",
        "WORKSHOP_WTF_CSRF_ENABLED": "false",
        "WORKSHOP_RATELIMIT_ENABLED": "false",
    }


def started(command: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """The server `command` runs, once it accepts connections on `port`."""
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"{command[0]} did not start")


def serve(database_url: str, instance: Path, port: int) -> subprocess.Popen[bytes]:
    """The app under waitress, as `workshop serve` runs it, in a process of its own."""
    code = "from workshop import create_app\nfrom workshop.serving import serve_app\n"
    code += f"serve_app(create_app(), '127.0.0.1', {port}, 8)"
    return started([sys.executable, "-c", code], server_env(database_url, instance), port)


def post_ballot(port: int, workshop_id: int, round_id: int, cookie: str, choice: str) -> int:
    """A ballot posted as the panel's form posts it; the answer's status."""
    body = urllib.parse.urlencode({"round": round_id, "choice": choice})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(
            "POST",
            f"/workshops/{workshop_id}/ballot",
            body,
            {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        )
        return connection.getresponse().status
    finally:
        connection.close()


def cookie_of(app, user: User) -> str:
    """A signed session cookie for `user`, as the sign-in form would set it."""
    serializer = app.session_interface.get_signing_serializer(app)
    return "session=" + serializer.dumps({"_user_id": user.get_id(), "_fresh": True})


def open_round_of_53(app, people, password_hash) -> tuple[list[int], int, int, list[str]]:
    """53 agencies with a representative each, a round open for them, and their session
    cookies: (user ids, workshop id, round id, cookies)."""
    coordinator = people["coordinator"]
    voters = many_agencies(53, password_hash)
    workshop_id, item_id = workshop_with(coordinator, open_proposal(people["representative"]))
    round_id = voting.open_round(coordinator, item_id).id
    cookies = [cookie_of(app, db.session.get(User, v)) for v in voters]
    db.session.commit()
    return voters, workshop_id, round_id, cookies


def test_every_acknowledged_ballot_survives_a_kill_9(
    app, people, published, password_hash, database_url, tmp_path
):
    voters, workshop_id, round_id, cookies = open_round_of_53(app, people, password_hash)
    port = free_port()
    server = serve(database_url, tmp_path / "instance", port)
    acknowledged: list[int] = []
    start = threading.Barrier(len(cookies) + 1)

    def cast(n: int) -> None:
        start.wait(timeout=60)
        try:
            if post_ballot(port, workshop_id, round_id, cookies[n], "approve") == 303:
                acknowledged.append(voters[n])
        except OSError:
            pass  # the server died under it: no success answer, no promise

    threads = [threading.Thread(target=cast, args=(n,)) for n in range(len(cookies))]
    for thread in threads:
        thread.start()
    try:
        start.wait(timeout=60)
        deadline = time.time() + 10
        while not acknowledged and time.time() < deadline:
            time.sleep(0.005)  # killed in the middle of the burst, after a first success
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
    finally:
        for thread in threads:
            thread.join(timeout=60)
        if server.poll() is None:
            server.kill()
    db.session.rollback()
    stored = set(db.session.scalars(select(Ballot.cast_by_id).where(Ballot.round_id == round_id)))
    assert acknowledged and set(acknowledged) <= stored  # nothing acknowledged is lost
    # Restarted, the server takes the ballots that did not get through.
    server = serve(database_url, tmp_path / "instance", port)
    try:
        missing = [n for n, v in enumerate(voters) if v not in stored]
        acknowledged.clear()
        start = threading.Barrier(len(missing) + 1)
        threads = [threading.Thread(target=cast, args=(n,)) for n in missing]
        for thread in threads:
            thread.start()
        start.wait(timeout=60)
        for thread in threads:
            thread.join(timeout=60)
    finally:
        server.kill()
        server.wait(timeout=10)
    db.session.rollback()
    counted = db.session.scalars(select(Ballot.agency_id).where(Ballot.round_id == round_id)).all()
    assert len(counted) == len(set(counted)) == 53
