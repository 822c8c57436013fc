"""A live vote in a full hall: a real server (waitress, 8 threads, SQLite), 160 participants
polling the ballot panel's live part every second (each phone in its own rhythm, spread
over the second), and 20 rounds in which 53 agencies cast
their ballots at once, against a bare Flask endpoint served the same way in the same run.

    python benchmarks/live.py [--rounds 20] [--pollers 160] [--seconds 10]
                              [--database-url postgresql://postgres@127.0.0.1:5432/test]

With --database-url the app runs under gunicorn with 4 workers on PostgreSQL (in a scratch
schema, dropped afterwards), the bare endpoint under the same gunicorn.

Needs Debian's `wrk`. Prints name<TAB>value<TAB>unit:
- `bare_flask_rps`, `poll_rps`: what the server answers with 32 connections for the bare
  endpoint and for a poll whose workshop has not moved (304), measured by wrk;
- `p50_ms`, `p95_ms`, `p99_ms`: the polls of the 160 participants during the 20 ballot bursts;
  `polls_answered_in_full`: the share of them answered 200 (the rest: 304);
- `errors`: failed requests of any kind (polls and ballots);
- `ballots_expected`, `ballots_counted`: acknowledged ballots and those in the tallies;
- `vote_to_projector_ms_p99`: from a ballot's acknowledgement to the projector's live
  part (polled every 200 ms here) showing it;
- `burst_ms_p50`: from the first ballot of a burst sent to the last acknowledged;
- `server_cpu_ms_per_ballot`, `database_cpu_ms_per_ballot` (PostgreSQL's processes): the
  CPU time the server and the database spent over the rounds (each 1.5 s of polls, then
  its burst), polls included, per ballot.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import scratch_schema
from web import BARE_APP, free_port, processes, report, start, stop, wrk

AGENCIES = 53
PASSWORD = "bench-password-42"


def prepare(instance: Path, rounds: int, url: str | None = None) -> dict[str, object]:
    """53 agencies with a representative each, a small taxonomy, `rounds` open proposals on
    a workshop's agenda, everyone present."""
    from werkzeug.security import generate_password_hash

    from workshop import create_app
    from workshop.database import upgrade_schema
    from workshop.models import Agency, Role, User, db
    from workshop.services import proposals, taxonomies, uploads, workshops
    from workshop.services.permissions import SYSTEM
    from workshop.taxonomy import build, make_concept
    from workshop.taxonomy.formats import csv_format

    app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "bench", "DATABASE_URL": url})
    with app.app_context():
        upgrade_schema()
        hashed = generate_password_hash(PASSWORD)
        coordinator = User(
            username="coord",
            display_name="Coordinator",
            password_hash=hashed,
            role=Role.COORDINATOR,
        )
        db.session.add(coordinator)
        for n in range(AGENCIES):
            agency = Agency(code=f"A{n:02d}", name_ar=f"جهة {n}", name_en=f"Agency {n}")
            db.session.add(
                User(
                    username=f"rep{n}",
                    display_name=f"ممثل {n}",
                    password_hash=hashed,
                    role=Role.REPRESENTATIVE,
                    agency=agency,
                )
            )
        db.session.commit()
        tree = build(
            make_concept(f"c{i}", {"ar": f"فئة {i}", "en": f"Category {i}"}, position=i)
            for i in range(rounds)
        )
        taxonomies.create_from_file(
            SYSTEM,
            taxonomies.NewTaxonomy("live", "الخدمات", "Services"),
            uploads.Upload(csv_format.write(tree), "live.csv"),
        )
        author = db.session.query(User).filter_by(username="rep0").one()
        workshop = workshops.create(
            coordinator,
            workshops.Setting("live", "ورشة", "Workshop", date(2026, 12, 1)),
        )
        for i in range(rounds):
            proposal = proposals.create(author, "live", f"مقترح {i}", "سبب")
            proposals.add_change(
                author, proposal.id, 1, {"op": "relabel", "id": f"c{i}", "labels": {"en": f"N{i}"}}
            )
            proposals.move(author, proposal.id, "open")
            workshops.add_item(coordinator, workshop.id, proposal.id)
        workshops.roll_call(
            coordinator, workshop.id, {s.agency_id: ("present", "") for s in workshop.seats}
        )
        return {"workshop": workshop.id, "items": [i.id for i in workshop.items]}


def sign_in(port: int, username: str) -> str:
    """The session cookie of a form sign-in (CSRF is off for the benchmark)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = urllib.parse.urlencode({"username": username, "password": PASSWORD})
    connection.request(
        "POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    response = connection.getresponse()
    response.read()
    cookie = response.getheader("Set-Cookie") or ""
    match = re.search(r"session=([^;]+)", cookie)
    if not match:
        raise RuntimeError(f"{username} could not sign in: {response.status}")
    return f"session={match.group(1)}"


class Poller(threading.Thread):
    """A participant's phone: the ballot panel's live part every `period` seconds, with
    the ETag of the last answer (so an unchanged workshop answers 304)."""

    def __init__(self, port: int, cookie: str, path: str, period: float, stop: threading.Event):
        super().__init__(daemon=True)
        self.port, self.cookie, self.path, self.period, self.halt = port, cookie, path, period, stop
        self.times: list[float] = []
        self.errors = 0
        self.seen: list[tuple[float, str]] = []  # (when, body) of each 200

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        tag = ""
        while not self.halt.is_set():
            began = time.perf_counter()
            headers = {"Cookie": self.cookie, "HX-Request": "true"}
            if tag:
                headers["If-None-Match"] = tag
            try:
                connection.request("GET", self.path, headers=headers)
                response = connection.getresponse()
                body = response.read().decode()
                if response.status == 200:
                    tag = response.getheader("ETag") or ""
                    self.seen.append((time.perf_counter(), body))
                elif response.status != 304:
                    self.errors += 1
            except OSError:
                self.errors += 1
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.times.append((time.perf_counter() - began) * 1000)
            self.halt.wait(max(0.0, self.period - (time.perf_counter() - began)))


def cast(port: int, cookie: str, workshop: int, round_id: int) -> tuple[bool, float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = urllib.parse.urlencode({"round": round_id, "choice": "approve"})
    connection.request(
        "POST",
        f"/workshops/{workshop}/ballot",
        body,
        {
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "HX-Request": "true",  # as the panel's form posts it: the answer is its live part
        },
    )
    response = connection.getresponse()
    body = response.read().decode()
    return response.status == 200 and "صوت جهتك" in body, time.perf_counter()


def cpu_ms(pids: list[int]) -> float:
    """User and system CPU time of these processes so far (Linux /proc), in ms."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total * 1000 / ticks


def database_pids() -> list[int]:
    found = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip().startswith("postgres"):
                found.append(int(comm.parent.name))
        except OSError:
            continue
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--pollers", type=int, default=160)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("benchmarks/live.py needs wrk: apt-get install wrk")
    instance = Path(tempfile.mkdtemp(prefix="workshop-live-"))
    with scratch_schema(args.database_url) as url:
        run(args, instance, url)


def run(args: argparse.Namespace, instance: Path, url: str | None) -> None:
    facts = prepare(instance, args.rounds, url)
    workshop = int(str(facts["workshop"]))
    kind = "gunicorn" if url else "waitress"
    env = {
        **os.environ,
        **({"WORKSHOP_DATABASE_URL": url} if url else {}),
        "WORKSHOP_INSTANCE_PATH": str(instance),
        "WORKSHOP_SECRET_KEY": "bench",
        "WORKSHOP_WTF_CSRF_ENABLED": "false",
        "WORKSHOP_RATELIMIT_ENABLED": "false",
    }
    bare_file = instance / "bare_app.py"
    bare_file.write_text(BARE_APP)
    port = free_port()
    bare = start(kind, "bare_app:app", port, {**env, "PYTHONPATH": str(instance)}, 4)
    try:
        report("bare_flask_rps", wrk(f"http://127.0.0.1:{port}/", args.seconds, {})[0], "req/s")
    finally:
        stop(bare)

    port = free_port()
    server = start(kind, "workshop:create_app()", port, env, 4)
    errors = 0
    try:
        with ThreadPoolExecutor(8) as pool:
            cookies = list(pool.map(lambda n: sign_in(port, f"rep{n}"), range(AGENCIES)))
        path = f"/workshops/{workshop}/live/vote"
        first = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        first.request("GET", path, headers={"Cookie": cookies[0], "HX-Request": "true"})
        answer = first.getresponse()
        answer.read()
        tag = answer.getheader("ETag") or ""
        headers = {"Cookie": cookies[0], "HX-Request": "true", "If-None-Match": tag}
        poll_rps, _p99 = wrk(f"http://127.0.0.1:{port}{path}", args.seconds, headers)
        report("poll_rps", poll_rps, "req/s")

        from workshop import create_app
        from workshop.models import Ballot, Round, User, db
        from workshop.services import voting

        app = create_app(
            {"INSTANCE_PATH": str(instance), "SECRET_KEY": "bench", "DATABASE_URL": url}
        )
        halt = threading.Event()
        pollers = [
            Poller(port, cookies[n % AGENCIES], path, 1.0, halt) for n in range(args.pollers)
        ]
        projector = Poller(port, cookies[0], f"/workshops/{workshop}/live/projector", 0.2, halt)
        # Phones open the panel at different moments and htmx's `every 1s` keeps each
        # one's own rhythm: their polls are spread over the second, not fired together.
        projector.start()
        for poller in pollers:
            poller.start()
            time.sleep(1.0 / len(pollers))
        acknowledged = 0
        delays: list[float] = []
        bursts: list[float] = []
        server_pids = processes(server)
        server_cpu, database_cpu = cpu_ms(server_pids), cpu_ms(database_pids())
        with app.app_context():
            coordinator = db.session.query(User).filter_by(username="coord").one()
            for item in facts["items"]:  # type: ignore[attr-defined]
                round_id = voting.open_round(coordinator, item).id
                time.sleep(1.5)  # the hall sees the new item
                burst = time.perf_counter()
                with ThreadPoolExecutor(AGENCIES) as pool:
                    results = list(
                        pool.map(lambda c, r=round_id: cast(port, c, workshop, r), cookies)
                    )
                acknowledged += sum(1 for ok, _t in results if ok)
                errors += sum(1 for ok, _t in results if not ok)
                last = max(t for _ok, t in results)
                bursts.append((last - burst) * 1000)
                deadline = time.perf_counter() + 10
                while time.perf_counter() < deadline:
                    shown = [
                        t
                        for t, body in list(projector.seen)
                        if t >= burst and body.count('class="tile cast') >= AGENCIES
                    ]
                    if shown:
                        delays.append(max(0.0, (min(shown) - last) * 1000))
                        break
                    time.sleep(0.05)
                else:
                    delays.append(10_000)
                voting.close(coordinator, round_id)
            server_cpu = cpu_ms(server_pids) - server_cpu
            database_cpu = cpu_ms(database_pids()) - database_cpu
            counted = sum(
                (r.outcome or {}).get("approve", 0) for r in db.session.query(Round).all()
            )
            stored = db.session.query(Ballot).count()
        halt.set()
        for poller in (*pollers, projector):
            poller.join(timeout=10)
        times = sorted(t for p in pollers for t in p.times)
        errors += sum(p.errors for p in (*pollers, projector))
        report("p50_ms", statistics.median(times))
        report("p95_ms", times[int(len(times) * 0.95) - 1])
        report("p99_ms", times[int(len(times) * 0.99) - 1])
        full = sum(len(p.seen) for p in pollers)
        report("polls_answered_in_full", 100 * full / max(1, len(times)), "%")
        report("errors", errors, "count")
        report("ballots_expected", acknowledged, "count")
        report("ballots_counted", counted, "count")
        report("ballots_stored", stored, "count")
        report("vote_to_projector_ms_p99", sorted(delays)[max(0, int(len(delays) * 0.99) - 1)])
        report("burst_ms_p50", statistics.median(bursts))
        ballots = max(1, AGENCIES * len(bursts))
        report("server_cpu_ms_per_ballot", server_cpu / ballots)
        if url:  # (SQLite works inside the server's processes)
            report("database_cpu_ms_per_ballot", database_cpu / ballots)
    finally:
        stop(server)


if __name__ == "__main__":
    main()
