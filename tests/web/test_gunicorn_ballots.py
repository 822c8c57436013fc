"""53 agencies voting at once through 4 gunicorn worker processes (no shared memory, as in
a scaled-out hall), each agency clicking twice with two different choices: exactly one
ballot per agency, every answer a success, the stored choice one that was sent."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy import func, select

from tests.web.test_kill_nine import (
    free_port,
    open_round_of_53,
    post_ballot,
    server_env,
    started,
)
from workshop.models import Ballot, BallotEvent, db
from workshop.services.audit import check_chain

WORKERS = 4


def gunicorn(database_url: str, instance: Path, port: int) -> subprocess.Popen[bytes]:
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "workshop:create_app()",
    ]
    return started(command, server_env(database_url, instance), port)


def test_53_agencies_through_4_processes_give_53_ballots(
    app, people, published, password_hash, database_url, tmp_path
):
    voters, workshop_id, round_id, cookies = open_round_of_53(app, people, password_hash)
    port = free_port()
    server = gunicorn(database_url, tmp_path / "instance", port)
    clicks = [(n, choice) for n in range(len(cookies)) for choice in ("approve", "abstain")]
    answers: list[int] = []
    start = threading.Barrier(len(clicks))

    def click(n: int, choice: str) -> None:
        start.wait(timeout=60)
        answers.append(post_ballot(port, workshop_id, round_id, cookies[n], choice))

    threads = [threading.Thread(target=click, args=c) for c in clicks]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert answers == [303] * len(clicks)
    db.session.rollback()
    stored = db.session.execute(
        select(Ballot.cast_by_id, Ballot.choice).where(Ballot.round_id == round_id)
    ).all()
    assert sorted(v for v, _choice in stored) == sorted(voters)
    assert {choice for _v, choice in stored} <= {"approve", "abstain"}
    events = db.session.scalar(
        select(func.count()).select_from(BallotEvent).where(BallotEvent.round_id == round_id)
    )
    assert events == len(clicks)  # every click kept, who and when
    verdict = check_chain()  # four processes chained their entries one after another
    assert verdict.ok and verdict.entries >= len(clicks)
