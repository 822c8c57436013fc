"""Hostile files and a large import, the way the hall meets them.

    python benchmarks/imports.py [--concepts 100000] [--runs 3]

1. The three files that once exhausted the server (a 4.7 KB XLSX declaring 16,384 x
   1,048,576 cells, a 900 KB zip bomb, a 16 MB CSV of a million rows), each read in a
   process of its own: `hostile_<file>_s` (median) and `hostile_<file>_peak_mb`.
2. A real server (waitress, 8 threads, SQLite) while a coordinator uploads and publishes
   a `--concepts` CSV through the web: the upload's request (`import_upload_request_ms`:
   the request only, the work goes on in the background), the check and the publication
   (`import_check_s`, `import_publish_s`), the server's memory before, at its peak and
   after (`server_rss_before_mb`, `server_peak_mb`, `server_rss_after_mb`; the published
   version's tree stays in the tree cache, for the hall to browse), after a refused
   million-row CSV as well (`server_rss_after_a_refused_million_rows_mb`), and the taxonomy
   list page meanwhile, against the same page with nothing else going on
   (`page_p50_idle_ms`, `page_p99_idle_ms`, `page_p50_during_import_ms`,
   `page_p99_during_import_ms`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from web import free_port, memory_mb, prepare, report, start, stop  # noqa: E402

from tests.hostile_files import dimension_bomb, million_rows_csv, zip_bomb  # noqa: E402

READ = """
import json, resource, sys, time
from workshop.taxonomy.formats import FormatError, read
data = open(sys.argv[1], "rb").read()
started = time.perf_counter()
try:
    outcome = "read %d concepts" % len(read(data, sys.argv[2]).tree)
except FormatError as error:
    outcome = "refused: " + ", ".join(f.rule for f in error.findings)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps([outcome, time.perf_counter() - started, peak]))
"""


def hostile(runs: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="workshop-hostile-"))
    files = {
        "dimension_xlsx": (dimension_bomb(), "xlsx"),
        "zip_bomb_xlsx": (zip_bomb(), "xlsx"),
        "million_rows_csv": (million_rows_csv(), "csv"),
    }
    for name, (data, fmt) in files.items():
        path = folder / name
        path.write_bytes(data)
        results = []
        for _ in range(runs):
            out = subprocess.run(
                [sys.executable, "-c", READ, str(path), fmt],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            results.append(json.loads(out))
        print(f"# {name} ({len(data):,} bytes): {results[0][0]}", flush=True)
        report(f"hostile_{name}_s", statistics.median(r[1] for r in results), "s")
        report(f"hostile_{name}_peak_mb", statistics.median(r[2] for r in results), "MB")


def multipart(fields: dict[str, str], filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"'
        "\r\nContent-Type: text/csv\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def signed_in(base: str) -> urllib.request.OpenerDirector:
    import http.cookiejar

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    try:
        opener.open(f"{base}/login", data=b"username=coordinator&password=workshop-demo")
    except urllib.error.HTTPError as error:
        assert error.code == 303, error.code
    return opener


def wait_for(opener: urllib.request.OpenerDirector, url: str) -> tuple[int, str]:
    """Poll a job's page until it is no longer the waiting page."""
    while True:
        try:
            response = opener.open(url, timeout=60)
            text = response.read().decode()
            if 'http-equiv="refresh"' not in text:
                return response.status, text
        except urllib.error.HTTPError as error:
            if error.code in (303, 422):
                return error.code, ""
            raise
        time.sleep(0.2)


def page_times(
    base: str, stop_event: threading.Event, cookie_opener: urllib.request.OpenerDirector
) -> list[float]:
    times = []
    while not stop_event.is_set():
        started = time.perf_counter()
        cookie_opener.open(f"{base}/taxonomies/", timeout=60).read()
        times.append((time.perf_counter() - started) * 1000)
        time.sleep(0.05)
    return times


def quantiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def large_import(concepts: int) -> None:
    from engine import rows

    from workshop.taxonomy import build, make_concept
    from workshop.taxonomy.formats import csv_format

    instance = Path(tempfile.mkdtemp(prefix="workshop-imports-"))
    prepare(instance, 1000)
    data = rows(concepts)
    tree = build(make_concept(i, {"ar": ar, "en": en}, None, p, n) for i, p, n, ar, en in data)
    csv_data = csv_format.write(tree)
    print(f"# uploading {concepts:,} concepts, {len(csv_data):,} bytes of CSV", flush=True)
    env = {
        **os.environ,
        "WORKSHOP_INSTANCE_PATH": str(instance),
        "WORKSHOP_SECRET_KEY": "bench",
        "WORKSHOP_WTF_CSRF_ENABLED": "false",
        "WORKSHOP_RATELIMIT_ENABLED": "false",
        "WORKSHOP_MAX_UPLOAD_MB": "100",
    }
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start("waitress", "workshop:create_app()", port, env)
    try:
        reader, coordinator = signed_in(base), signed_in(base)
        for _ in range(20):  # warm the page and the server
            reader.open(f"{base}/taxonomies/").read()
        idle_stop = threading.Event()
        timer = threading.Timer(5, idle_stop.set)
        timer.start()
        idle = page_times(base, idle_stop, reader)
        before = memory_mb([server.pid], "VmRSS")

        during_stop = threading.Event()
        during: list[float] = []
        watcher = threading.Thread(
            target=lambda: during.extend(page_times(base, during_stop, reader))
        )
        watcher.start()
        body, kind = multipart(
            {"slug": "big", "name_ar": "كبير", "name_en": "Big", "fmt": "auto"}, "big.csv", csv_data
        )
        started = time.perf_counter()
        request = urllib.request.Request(
            f"{base}/taxonomies/import/", data=body, headers={"Content-Type": kind}
        )
        try:
            coordinator.open(request, timeout=120)
        except urllib.error.HTTPError as error:
            assert error.code == 303, error.code
            job = error.headers["Location"]
        upload_ms = (time.perf_counter() - started) * 1000
        status, _text = wait_for(coordinator, f"{base}{job}")
        checked = time.perf_counter()
        assert status == 200, status
        try:
            coordinator.open(f"{base}{job}", data=b"note=bench", timeout=120)
        except urllib.error.HTTPError as error:
            assert error.code == 303, error.code
        status, _text = wait_for(coordinator, f"{base}{job}")
        published = time.perf_counter()
        assert status == 303, status
        during_stop.set()
        watcher.join()
        time.sleep(2)
        after = memory_mb([server.pid], "VmRSS")
        peak = memory_mb([server.pid], "VmHWM")
        # a refused file keeps nothing: the million-row CSV, checked and refused
        body, kind = multipart(
            {"slug": "million", "name_ar": "م", "name_en": "M", "fmt": "auto"},
            "million.csv",
            million_rows_csv(),
        )
        request = urllib.request.Request(
            f"{base}/taxonomies/import/", data=body, headers={"Content-Type": kind}
        )
        try:
            coordinator.open(request, timeout=120)
        except urllib.error.HTTPError as error:
            job = error.headers["Location"]
        status, _text = wait_for(coordinator, f"{base}{job}")
        assert status == 422, status
        time.sleep(2)
        after_refusal = memory_mb([server.pid], "VmRSS")
    finally:
        stop(server)
    report("import_upload_request_ms", upload_ms)
    report("import_check_s", checked - started, "s")
    report("import_publish_s", published - checked, "s")
    report("server_rss_before_mb", before, "MB")
    report("server_peak_mb", peak, "MB")
    report("server_rss_after_mb", after, "MB")
    report("server_rss_after_a_refused_million_rows_mb", after_refusal, "MB")
    for name, times in (("idle", idle), ("during_import", during)):
        p50, p99 = quantiles(times)
        report(f"page_p50_{name}_ms", p50)
        report(f"page_p99_{name}_ms", p99)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concepts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    hostile(args.runs)
    large_import(args.concepts)


if __name__ == "__main__":
    main()
