"""The web app under a hall's load: a real server, 32 concurrent clients, a 100,000-concept
taxonomy, against a bare Flask endpoint served the same way in the same run.

    python benchmarks/web.py [--concepts 100000] [--seconds 5] [--servers gunicorn,waitress]

Needs Debian's `wrk` and gunicorn (`pip install -e '.[bench]'`). Prints
name<TAB>value<TAB>unit: per server and endpoint `<server>_<name>_rps` and
`<server>_<name>_p99_ms` (after every worker has served it once; the diff page's first
computation is `<server>_diff_page_first_ms`) and `<server>_<name>_ratio_to_bare`, to a
bare Flask endpoint's rate measured right before it (`<server>_bare_flask_rps`: their
median), each the median of three turns of bare and endpoint, `--seconds` each; for a
restart with 32 concurrent first requests
`<server>_cold_first_byte_ms` (the slowest), `<server>_cold_peak_rss_mb` and
`<server>_warm_rss_mb` (all worker processes together); and the root fragment again while
the hall signs in at 160 a minute (`<server>_root_p99_during_sign_ins_ms`,
`<server>_sign_in_p99_ms`).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from common import report  # noqa: E402

VENV_BIN = Path(sys.executable).parent
CLIENTS = 32
ROUNDS = 3  # turns of bare and endpoint per endpoint; medians are reported
BARE_APP = (
    "from flask import Flask\napp = Flask('bare')\napp.add_url_rule('/', 'hi', lambda: 'hello')\n"
)


def prepare(instance: Path, concepts: int) -> dict[str, str]:
    """A database with the demo accounts and a taxonomy 'bench' in two versions."""
    from common import import_bench_taxonomy
    from engine import random_changes

    from workshop import create_app
    from workshop.database import upgrade_schema
    from workshop.services import taxonomies, tokens, versions
    from workshop.services.demo import seed
    from workshop.services.permissions import SYSTEM
    from workshop.taxonomy import apply

    app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade_schema()
        seed()
        tree = import_bench_taxonomy(concepts)
        taxonomy = taxonomies.get_taxonomy("bench")
        changes = random_changes(tree, 1000, random.Random(3), "v2")
        second = apply(tree, changes).tree  # the few that conflict are left out
        versions.publish_tree(SYSTEM, taxonomy, second, versions.Provenance("v2"))
        token = tokens.create(SYSTEM, "bench").secret
        parent = next(c for c in tree.roots if len(tree.children_of(c)) > 5)
        word = tree[tree.children_of(parent)[0]].labels["en"].split()[0]
        return {"token": token, "parent": parent, "word": word}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(
    kind: str, target: str, port: int, env: dict[str, str], workers: int = 2
) -> subprocess.Popen[bytes]:
    if kind == "gunicorn":
        command = [str(VENV_BIN / "gunicorn"), "--workers", str(workers), "--threads", "4"]
        command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning", target]
    else:  # as `workshop serve` runs it: workshop/serving.py
        module, expression = target.split(":")
        code = f"import {module}\nfrom workshop.serving import serve_app\n"
        code += f"serve_app({module}.{expression}, '127.0.0.1', {port}, 8)"
        command = [sys.executable, "-c", code]
    server = subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except urllib.error.HTTPError:  # it answers (the bare app has no /healthz)
            return server
        except OSError:  # not up yet
            time.sleep(0.2)
    stop(server)
    raise RuntimeError(f"{kind} did not start")


def stop(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def processes(server: subprocess.Popen[bytes]) -> list[int]:
    found = [server.pid]
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        match = re.search(r"^PPid:\s+(\d+)", text, re.M)
        if match and int(match.group(1)) == server.pid:
            found.append(int(status.parent.name))
    return found


def memory_mb(pids: list[int], field: str) -> float:
    total = 0
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
        total += int(match.group(1)) if match else 0
    return total / 1024


def wrk(url: str, seconds: int, headers: dict[str, str]) -> tuple[float, float]:
    """Requests per second and the 99th percentile latency in ms."""
    command = ["wrk", "-t", "2", "-c", str(CLIENTS), "-d", f"{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    assert p99 is not None, out
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses\n{out}")
    return rps, float(p99.group(1)) * scale


def warm(url: str, headers: dict[str, str]) -> float:
    """Requests first, so that the timed run measures the warm server: one alone (its time
    in ms is returned: a first computation), then a burst that reaches every worker."""

    def one() -> float:
        start = time.perf_counter()
        try:
            urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=120)
        except urllib.error.HTTPError as error:
            if error.code != 304:
                raise
        return (time.perf_counter() - start) * 1000

    first = one()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(lambda _n: one(), range(CLIENTS)))
    return first


def session_cookie(base: str) -> str:
    """Sign in as the demo observer through the form (CSRF is off for the benchmark)."""
    import http.cookiejar

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    body = b"username=observer&password=workshop-demo"
    opener.open(f"{base}/login", data=body, timeout=30)
    cookie = next(c for c in jar if c.name == "session")
    return f"session={cookie.value}"


def sign_ins(base: str, seconds: int, per_minute: int = 160) -> list[float]:
    """Sign in through the form at `per_minute` (each one hashes a password, ~100 ms of
    CPU) for `seconds`; the time each took, in ms."""
    count = max(1, per_minute * seconds // 60)
    waits: list[float] = []

    def one() -> None:
        start = time.perf_counter()
        session_cookie(base)
        waits.append((time.perf_counter() - start) * 1000)

    with ThreadPoolExecutor(8) as pool:
        for _n in range(count):
            pool.submit(one)
            time.sleep(seconds / count)
    return waits


def first_bytes(url: str, headers: dict[str, str]) -> float:
    """32 concurrent first requests; the slowest time to the first byte, in ms."""

    def one() -> float:
        start = time.perf_counter()
        request = urllib.request.Request(url, headers=headers)
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read(1)
        return (time.perf_counter() - start) * 1000

    with ThreadPoolExecutor(CLIENTS) as pool:
        return max(pool.map(lambda _n: one(), range(CLIENTS)))


def bare_server(kind: str, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    """A bare Flask "hello", served the same way (idle but for its own measurements)."""
    port = free_port()
    bare_dir = Path(tempfile.mkdtemp(prefix="bare-flask-"))
    (bare_dir / "bare_app.py").write_text(BARE_APP)
    server = start(kind, "bare_app:app", port, {**env, "PYTHONPATH": str(bare_dir)})
    return server, f"http://127.0.0.1:{port}/"


def measure(kind: str, env: dict[str, str], facts: dict[str, str], seconds: int) -> None:
    # This machine's bare rate swung 2-3x within one run: each endpoint's ratio is to the
    # bare rate measured right before it.
    bare, bare_url = bare_server(kind, env)
    try:
        bare_rates = measure_app(kind, env, facts, seconds, bare_url)
    finally:
        stop(bare)
    report(f"{kind}_bare_flask_rps", statistics.median(bare_rates), "req/s")
    report(f"{kind}_bare_flask_rps_range", max(bare_rates) / min(bare_rates), "x")


def measure_app(
    kind: str, env: dict[str, str], facts: dict[str, str], seconds: int, bare_url: str
) -> list[float]:
    """The app's endpoints, each after a run of the bare server (whose rates are returned)."""
    bare_rates: list[float] = []
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start(kind, "workshop:create_app()", port, env)
    try:
        cookie = session_cookie(base)
        page = {"Cookie": cookie, "HX-Request": "true", "Accept-Encoding": "gzip, br"}
        api = {"Authorization": f"Bearer {facts['token']}"}
        etag = urllib.request.urlopen(
            urllib.request.Request(f"{base}/api/v1/taxonomies/bench/versions/1", headers=api)
        ).headers["ETag"]
        endpoints = {
            "root": (f"{base}/taxonomies/bench/v/1/children?level=1", page),
            "expand": (
                f"{base}/taxonomies/bench/v/1/children?parent={facts['parent']}&level=2",
                page,
            ),
            "search": (f"{base}/taxonomies/bench/v/1/search?q={facts['word']}", page),
            "api304": (
                f"{base}/api/v1/taxonomies/bench/versions/1",
                {**api, "If-None-Match": etag},
            ),
            "diff_page": (f"{base}/taxonomies/bench/diff?a=1&b=2", page),
        }
        for name, (url, headers) in endpoints.items():
            first = warm(url, headers)
            if name == "diff_page":  # computed once per process, then kept
                report(f"{kind}_diff_page_first_ms", first)
            # Bare and endpoint take turns, ROUNDS times: on a shared 2-core machine either
            # can dip for seconds, and a single pair gave ratios from 0.14 to 0.97.
            rates, p99s, ratios = [], [], []
            for _ in range(ROUNDS):
                bare_rates.append(wrk(bare_url, seconds, {})[0])
                rps, p99 = wrk(url, seconds, headers)
                rates.append(rps)
                p99s.append(p99)
                ratios.append(rps / bare_rates[-1])
            report(f"{kind}_{name}_rps", statistics.median(rates), "req/s")
            report(f"{kind}_{name}_p99_ms", statistics.median(p99s))
            report(f"{kind}_{name}_ratio_to_bare", statistics.median(ratios), "x")
        report(f"{kind}_warm_rss_mb", memory_mb(processes(server), "VmRSS"), "MB")
        root_url, root_headers = endpoints["root"]
        with ThreadPoolExecutor(1) as pool:  # the hall signs in at 160 a minute meanwhile
            storm = pool.submit(sign_ins, base, 2 * seconds)  # 10 s: about 27 sign-ins
            rps, p99 = wrk(root_url, 2 * seconds, root_headers)
            waits = storm.result()
        report(f"{kind}_root_rps_during_sign_ins", rps, "req/s")
        report(f"{kind}_root_p99_during_sign_ins_ms", p99)
        report(f"{kind}_sign_in_p99_ms", sorted(waits)[int(len(waits) * 0.99) - 1])
    finally:
        stop(server)

    server = start(kind, "workshop:create_app()", port, env)
    try:
        cookie = session_cookie(base)
        cold = first_bytes(f"{base}/taxonomies/bench/diff?a=1&b=2", {"Cookie": cookie})
        report(f"{kind}_cold_first_byte_ms", cold)
        report(f"{kind}_cold_peak_rss_mb", memory_mb(processes(server), "VmHWM"), "MB")
    finally:
        stop(server)
    return bare_rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concepts", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=5, help="per turn (three per endpoint)")
    parser.add_argument("--servers", default="gunicorn,waitress")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("benchmarks/web.py needs wrk: apt-get install wrk")
    instance = Path(tempfile.mkdtemp(prefix="workshop-web-"))
    facts = prepare(instance, args.concepts)
    env = {
        **os.environ,
        "WORKSHOP_INSTANCE_PATH": str(instance),
        "WORKSHOP_SECRET_KEY": "bench",
        "WORKSHOP_WTF_CSRF_ENABLED": "false",
    }
    for kind in args.servers.split(","):
        measure(kind, env, facts, args.seconds)


if __name__ == "__main__":
    main()
