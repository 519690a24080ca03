#!/usr/bin/env python3
"""Time sitemap.xml with many visits: the index, the first and the last file of visits.

    export ICCWATCH_SKIP_BOOTSTRAP=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/iccwatch_bench
    .venv/bin/python manage.py migrate            # once, on the scratch database
    .venv/bin/python bench/sitemap.py --visits 1000000 [--keep]

Fills the scratch database with synthetic data (bench/synthetic.py; --keep uses the data
in place), then asks for /sitemap.xml and for the first and the last
/sitemap-visits.xml?p=N through Django's test client, three times each (the median
counts), and prints the time, the size of the answer, its number of addresses and the
peak memory of this process. Each file holds the published visits of one range of
`VisitSitemap.ids_per_file` ids (at most 10,000 addresses: 5,000 visits in two
languages), read with one range query on the key: no file's cost grows with the data.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.reevaluate import _status_kib, setup_django  # noqa: E402


def timed(client, url: str, rounds: int = 3) -> tuple[float, bytes]:
    times, content = [], b""
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(url, HTTP_HOST="localhost")
        content = b"".join(response.streaming_content) if response.streaming else response.content
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="use the data in place")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost")
    setup_django()

    from django.db import connection
    from django.test import Client

    from bench import synthetic
    from front.sitemaps import VisitSitemap
    from visits.models import Visit

    if not args.keep:
        start = time.perf_counter()
        synthetic.generate(visits=args.visits)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"generated {args.visits:,} visits in {time.perf_counter() - start:.0f} s")
    published = Visit.objects.published().count()
    files = VisitSitemap().paginator.num_pages
    print(f"published visits: {published:,}; files of visits: {files}")
    client = Client()
    for url in ("/sitemap.xml", "/sitemap-visits.xml", f"/sitemap-visits.xml?p={files}"):
        seconds, content = timed(client, url)
        print(
            f"{url:32} {seconds * 1000:8.0f} ms  {len(content) / 1e6:6.2f} MB  "
            f"{content.count(b'<loc>'):6,} <loc>"
        )
    print(f"peak RSS: {_status_kib('VmHWM') / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
