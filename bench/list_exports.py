#!/usr/bin/env python3
"""Time the whole-table downloads of the persons and the warrants (/persons.csv,
/persons.json, /warrants.csv, /warrants.json) in process: the working tree's rows against
a committed version's, interleaved, on the same data, and check that both write the same
bytes.

    createdb iccwatch_bench_lists
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/iccwatch_bench_lists
    .venv/bin/python manage.py migrate                     # once, on the scratch database
    .venv/bin/python bench/list_exports.py --generate      # bench/synthetic.py's persons
    .venv/bin/python bench/list_exports.py --rev 80124c4b --rounds 7

`--generate` fills the database with bench/synthetic.py's data at 10,000 visits: the 1M
dataset's 5,000 persons and 7,466 warrants (they are drawn before the visits), and the
visits the persons' counts read.

The committed version is its front/views/warrants.py (`PERSONS`, `WARRANTS`: each list's
queryset and row builder), loaded as a module of its own; both versions are written by
the working tree's front/listing.py and core/tabular.py. Each round times every download
with one version then the other, the order alternating from round to round, each through
`front.listing.export` called with a request as the site's view calls it, its stream read
to the end. It prints, and appends to bench/results.jsonl, the median seconds of each
download and version and their ratio (working tree over committed; under 1 is faster),
and stops at the first download whose bytes differ (the JSON's `generated_at` aside, the
moment it was made). `--profile` prints where the working tree's downloads spend their
time instead.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import re
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.exports import (  # noqa: E402 - the scratch-database guard and the record, shared
    record_list_exports,
    setup_django,
)

ROOT = Path(__file__).resolve().parent.parent
DOWNLOADS = [
    ("warrants", "csv"),
    ("warrants", "json"),
    ("persons", "csv"),
    ("persons", "json"),
]
# The JSON head's moment of making, different on every download.
GENERATED_AT = re.compile(rb'"generated_at": "[^"]*"')


def generate(visits: int) -> None:
    from django.db import transaction

    from bench import synthetic

    with transaction.atomic():
        counts = synthetic.generate(visits=visits)
    synthetic.analyze()
    print(f"generated {counts.persons:,} persons, {counts.warrants:,} warrants", flush=True)


def committed_listings(rev: str) -> dict:
    """{"persons": PERSONS, "warrants": WARRANTS} of front/views/warrants.py at `rev`."""
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{rev}:front/views/warrants.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType("front.views.warrants_committed")
    module.__file__ = f"{rev}:front/views/warrants.py"
    sys.modules[module.__name__] = module
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return {"persons": module.PERSONS, "warrants": module.WARRANTS}


def current_listings() -> dict:
    from front.views import warrants

    return {"persons": warrants.PERSONS, "warrants": warrants.WARRANTS}


def download(listing, fmt: str, language: str) -> tuple[float, bytes]:
    """(seconds to the last byte, the bytes) of one download, as the site's view answers it."""
    from django.test import RequestFactory
    from django.utils import translation

    from front import listing as listings

    request = RequestFactory().get(f"/{listing.name}.{fmt}")
    with translation.override(language):
        request.LANGUAGE_CODE = language
        started = time.perf_counter()
        response = listings.export(request, listing, fmt)
        content = b"".join(response.streaming_content)
        seconds = time.perf_counter() - started
        response.close()  # gives the download's slot back
    assert response.status_code == 200, response.status_code
    return seconds, content


def run(rev: str, rounds: int, language: str) -> dict:
    versions = {"committed": committed_listings(rev), "working": current_listings()}
    for name, fmt in DOWNLOADS:  # warm up: the persons' counts, the catalogues, the plans
        for listings in versions.values():
            download(listings[name], fmt, language)
    times = {(name, fmt, v): [] for name, fmt in DOWNLOADS for v in versions}
    sizes = {}
    for i in range(rounds):
        order = list(versions) if i % 2 == 0 else list(reversed(versions))
        for name, fmt in DOWNLOADS:
            written = {}
            for version in order:
                gc.collect()  # not the other version's garbage
                seconds, content = download(versions[version][name], fmt, language)
                times[(name, fmt, version)].append(seconds)
                written[version] = GENERATED_AT.sub(b"", content)
            if written["working"] != written["committed"]:
                sys.exit(f"/{name}.{fmt}: the two versions wrote different bytes")
            sizes[(name, fmt)] = len(written["working"])
        print(f"round {i + 1} of {rounds}: the same bytes from both", flush=True)
    summary = {}
    for name, fmt in DOWNLOADS:
        committed = statistics.median(times[(name, fmt, "committed")])
        working = statistics.median(times[(name, fmt, "working")])
        summary[f"/{name}.{fmt}"] = {
            "committed_s": round(committed, 4),
            "working_s": round(working, 4),
            "ratio": round(working / committed, 3),
            "bytes": sizes[(name, fmt)],
        }
    return {"times": {"/".join(k): [round(s, 4) for s in v] for k, v in times.items()}, **summary}


def profile(language: str) -> None:
    listings = current_listings()
    for name, fmt in DOWNLOADS:
        download(listings[name], fmt, language)
        gc.collect()
        profiler = cProfile.Profile()
        profiler.enable()
        seconds, _ = download(listings[name], fmt, language)
        profiler.disable()
        print(f"\n/{name}.{fmt}: {seconds:.3f} s (profiled)")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(12)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rev", default="HEAD", help="the committed version to compare with")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--language", default="en", help="the downloads' language (en, fr)")
    parser.add_argument("--generate", action="store_true", help="fill the database first")
    parser.add_argument("--visits", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true", help="profile the working tree's")
    args = parser.parse_args()
    setup_django()
    if args.generate:
        generate(args.visits)
    if args.profile:
        profile(args.language)
        return

    rev = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", args.rev],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    result = run(rev, args.rounds, args.language)
    record_list_exports(result, bench="list-exports", rev=rev, language=args.language)


if __name__ == "__main__":
    main()
