#!/usr/bin/env python3
"""Benchmark the streamed exports: the site's /visits.csv against the API's ?format=csv.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/iccwatch_bench_exports
    .venv/bin/python manage.py migrate            # once, on the scratch database
    .venv/bin/python bench/exports.py --generate  # 1M synthetic visits (bench/synthetic.py)
    .venv/bin/python bench/exports.py --host REU --repeats 3
    .venv/bin/python bench/exports.py --bulk      # the /data/ files of the whole database

The synthetic database's busiest host (REU) has about 112,000 published visits, the
size of the export the issue measured. Every download runs in a fresh process (one
"worker"), which requests the URL through Django's test client and reads the stream
to the end; it reports the time to the last byte, the rows and bytes written, and the
process's peak resident memory (VmHWM) and its RSS before the request. The parent runs
the two downloads interleaved (site, API, site, API, ...), so the ratio is measured in
one run on one machine state, and prints the medians and the worst peak.

`--bulk` builds the zip and the SQLite file of /data/ (dataset/bulk.py) from the whole
database in a fresh process, into a scratch folder, and reports the time, the sizes and
the peak resident memory: they must stay flat whatever the number of rows.

Verdicts: the synthetic data has none. `--generate` (or a database without verdicts)
writes one per visit with the floor's code (bench/floor.py) and a typical explanation,
which is what a download reads; the rule itself is not what is measured here.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
URLS = {
    "site": "/visits.csv?host={host}",
    "api": "/api/v1/visits/?host={host}&format=csv",
}
EXPLANATION = (
    "Réunion has been bound since 1 July 2002 as a State Party to the Rome Statute (Art. 126). "
    "The warrant of 17 March 2023 against the person was public and in force during the visit, "
    "and the person left again without being arrested and surrendered to the Court. Sources: "
    "two news reports of the visit."
)


def setup_django() -> None:
    database = os.environ.get("DATABASE_URL", "")
    if "bench" not in database.rsplit("/", 1)[-1]:
        sys.exit("Set DATABASE_URL to a scratch database whose name contains 'bench'.")
    os.environ.setdefault("ICCWATCH_SKIP_BOOTSTRAP", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iccwatch.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_DEBUG"] = "false"  # as in production: no query log
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def record_list_exports(result: dict, *, bench: str, rev: str, language: str) -> None:
    """Completes `result` (a run of bench/list_exports.py or bench/api_list_exports.py)
    with what was measured on what: `bench`, `rev`, `language`, the persons and warrants
    counted, the time (UTC); prints it without its `times`, and appends it as one line to
    bench/results.jsonl."""
    from warrants.models import Person, Warrant

    result.update(
        bench=bench,
        rev=rev,
        language=language,
        persons=Person.objects.count(),
        warrants=Warrant.objects.count(),
        when=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    )
    print(json.dumps({k: v for k, v in result.items() if k != "times"}, indent=2))
    with open(ROOT / "bench" / "results.jsonl", "a") as f:
        f.write(json.dumps(result) + "\n")


def _status_mib(field: str) -> float:
    with open("/proc/self/status") as f:
        match = re.search(rf"^{field}:\s+(\d+) kB", f.read(), re.MULTILINE)
    return int(match.group(1)) / 1024 if match else 0.0


def ensure_verdicts() -> int:
    """One verdict per visit, written set-based if the database has none; returns how many."""
    from django.db import connection, transaction

    from bench import floor
    from compliance import RULE_VERSION

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM visits_verdict")
        existing = cur.fetchone()[0]
    if existing:
        return existing
    floor.prepare()
    floor.classify_into_table()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            f"""
            INSERT INTO visits_verdict (visit_id, code, basis, would_have_been_bound, explanation,
                                        self_check, rule_version, computed_at, reasons)
            SELECT visit_id, code,
                   CASE WHEN code = 'non_compliance' THEN 'state_party' ELSE '' END,
                   NULL, %s, '', %s, now(), '[]'::jsonb
            FROM {floor.FLOOR_TABLE}
            """,
            [EXPLANATION, RULE_VERSION],
        )
        written = cur.rowcount
    floor.drop()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE visits_verdict")
    return written


def generate(visits: int) -> None:
    from django.db import transaction

    from bench import synthetic

    with transaction.atomic():
        counts = synthetic.generate(visits=visits)
    synthetic.analyze()
    print(f"generated {counts.visits:,} visits", flush=True)


def download(which: str, host: str) -> dict:
    """One download in this process: time to the last byte, rows, bytes, peak RSS."""
    from django.db import connection
    from django.test import Client

    connection.ensure_connection()
    client = Client()
    before = _status_mib("VmRSS")
    started = time.perf_counter()
    response = client.get(URLS[which].format(host=host))
    size = rows = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        rows += chunk.count(b"\r\n")
    seconds = time.perf_counter() - started
    return {
        "which": which,
        "status": response.status_code,
        "streaming": response.streaming,
        "seconds": round(seconds, 2),
        "rows": rows - 1,  # the header
        "mib": round(size / 2**20, 1),
        "rss_before_mib": round(before, 1),
        "peak_rss_mib": round(_status_mib("VmHWM"), 1),
    }


def build_bulk() -> dict:
    """The /data/ files of the whole database, in this process: time, sizes, peak RSS."""
    import tempfile

    from django.conf import settings

    from dataset import bulk

    scratch = ROOT / "bench" / "scratch"  # ignored by git
    scratch.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch) as folder:
        settings.ICCWATCH_DOWNLOADS_DIR = Path(folder)
        before = _status_mib("VmRSS")
        started = time.perf_counter()
        manifest = bulk.build(force=True)
        seconds = time.perf_counter() - started
    return {
        "which": "bulk",
        "seconds": round(seconds, 1),
        "files": {f["format"]: round(f["bytes"] / 2**20, 1) for f in manifest["files"]},
        "rss_before_mib": round(before, 1),
        "peak_rss_mib": round(_status_mib("VmHWM"), 1),
    }


def run_interleaved(host: str, repeats: int) -> dict:
    runs = []
    for i in range(repeats):
        for which in ("site", "api"):
            out = subprocess.run(
                [sys.executable, __file__, "--one", which, "--host", host],
                check=True,
                capture_output=True,
                text=True,
                env=os.environ,
            ).stdout
            result = json.loads(out.strip().splitlines()[-1])
            print(f"run {i + 1} {which}: {result}", flush=True)
            runs.append(result)
    summary = {}
    for which in ("site", "api"):
        mine = [r for r in runs if r["which"] == which]
        summary[which] = {
            "median_seconds": statistics.median(r["seconds"] for r in mine),
            "worst_peak_rss_mib": max(r["peak_rss_mib"] for r in mine),
            "rows": mine[0]["rows"],
            "mib": mine[0]["mib"],
        }
    summary["api_over_site_time"] = round(
        summary["api"]["median_seconds"] / summary["site"]["median_seconds"], 2
    )
    return {"runs": runs, "summary": summary}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="REU", help="The host state (ISO3) to export.")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--generate", action="store_true", help="Fill the database first.")
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--bulk", action="store_true", help="Time building the /data/ files.")
    parser.add_argument("--one", choices=sorted(URLS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    setup_django()
    if args.one:
        print(json.dumps(download(args.one, args.host)))
        return
    if args.bulk:
        print(f"verdicts: {ensure_verdicts():,}", flush=True)
        result = build_bulk()
        result.update(bench="exports-bulk", when=datetime.datetime.now(datetime.UTC).isoformat())
        print(json.dumps(result))
        with open(ROOT / "bench" / "results.jsonl", "a") as f:
            f.write(json.dumps(result) + "\n")
        return
    if args.generate:
        generate(args.visits)
    print(f"verdicts: {ensure_verdicts():,}", flush=True)
    result = run_interleaved(args.host, args.repeats)
    result.update(
        bench="exports",
        host=args.host,
        when=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    )
    print(json.dumps(result["summary"], indent=2))
    with open(ROOT / "bench" / "results.jsonl", "a") as f:
        f.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
