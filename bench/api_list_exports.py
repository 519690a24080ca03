#!/usr/bin/env python3
"""Time the API's lists of the warrants and the persons (their whole CSV, and a JSON page
of 500) in process: built from plain column reads (api.warrants.rows) against built by
their serializers from model instances, interleaved, on the same data, and check that
both write the same bytes.

    createdb iccwatch_bench_lists
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/iccwatch_bench_lists
    .venv/bin/python manage.py migrate                     # once, on the scratch database
    .venv/bin/python bench/list_exports.py --generate      # bench/synthetic.py's persons
    .venv/bin/python bench/api_list_exports.py --rounds 7

The data are bench/list_exports.py's (`--generate`: the 1M dataset's 5,000 persons and
7,466 warrants). The serializers' way is the code's own, for one record and the schema:
`api.rows.PlainRowsMixin.plain_rows` answering no, as `tests/api/test_warrant_rows.py`
reads it. Each round asks for every address one way then the other, the order
alternating from round to round, through the whole stack (django.test.Client: the
middleware, the API's checks, the download slot), the page cache off and the rate limits
out of the way, its answer read to the end. It prints, and appends to
bench/results.jsonl, the median seconds of each address and way and their ratio (rows
over serializers; under 1 is faster), and stops at the first address whose bytes differ.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.exports import (  # noqa: E402 - the scratch-database guard and the record, shared
    record_list_exports,
    setup_django,
)

ROOT = Path(__file__).resolve().parent.parent
ADDRESSES = [
    "/api/v1/warrants/?format=csv",
    "/api/v1/warrants/?page_size=500",
    "/api/v1/persons/?format=csv",
    "/api/v1/persons/?page_size=500",
]
WAYS = ("serializers", "rows")


def answer(address: str, way: str, language: str) -> tuple[float, bytes]:
    """(seconds to the last byte, the bytes) of one answer, built `way`."""
    from django.test import Client

    from api.rows import PlainRowsMixin

    plain_rows = PlainRowsMixin.plain_rows
    if way == "serializers":
        PlainRowsMixin.plain_rows = lambda self: False
    try:
        started = time.perf_counter()
        response = Client().get(address, HTTP_ACCEPT_LANGUAGE=language)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        seconds = time.perf_counter() - started
        response.close()  # gives a download's slot back
    finally:
        PlainRowsMixin.plain_rows = plain_rows
    assert response.status_code == 200, (address, response.status_code, content[:300])
    return seconds, content


def run(rounds: int, language: str) -> dict:
    for address in ADDRESSES:  # warm up: the catalogues, the plans, the link templates
        for way in WAYS:
            answer(address, way, language)
    times = {(address, way): [] for address in ADDRESSES for way in WAYS}
    sizes = {}
    for i in range(rounds):
        order = WAYS if i % 2 == 0 else tuple(reversed(WAYS))
        for address in ADDRESSES:
            written = {}
            for way in order:
                gc.collect()  # not the other way's garbage
                seconds, written[way] = answer(address, way, language)
                times[(address, way)].append(seconds)
            if written["rows"] != written["serializers"]:
                sys.exit(f"{address}: the two ways wrote different bytes")
            sizes[address] = len(written["rows"])
        print(f"round {i + 1} of {rounds}: the same bytes both ways", flush=True)
    summary = {}
    for address in ADDRESSES:
        before = statistics.median(times[(address, "serializers")])
        after = statistics.median(times[(address, "rows")])
        summary[address] = {
            "serializers_s": round(before, 4),
            "rows_s": round(after, 4),
            "ratio": round(after / before, 3),
            "bytes": sizes[address],
        }
    return {"times": {"/".join(k): [round(s, 4) for s in v] for k, v in times.items()}, **summary}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--language", default="en", help="the answers' language (en, fr)")
    args = parser.parse_args()
    # The page cache would answer a JSON page from its first reading; the rate limits
    # would refuse the rounds' requests.
    os.environ["ICCWATCH_PAGE_CACHE"] = "false"
    os.environ["ICCWATCH_API_ANON_RATE"] = "100000/min"
    os.environ["ICCWATCH_API_ANON_NETWORK_RATE"] = "100000/min"
    setup_django()
    result = run(args.rounds, args.language)
    rev = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    record_list_exports(result, bench="api-list-exports", rev=rev, language=args.language)


if __name__ == "__main__":
    main()
