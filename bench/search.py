"""Search at a million visits: front.search with and without its GIN indexes, interleaved.

    createdb -h 127.0.0.1 -U postgres iccwatch_search_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iccwatch_search_bench \\
        python3 manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iccwatch_search_bench \\
        python3 -m bench.search --visits 1000000 [--skip-generate] [--repeats 5]

Fills the database with bench.synthetic (it refuses a database whose name lacks "bench"),
then times `front.search.search(q)` for each query, the whole search (the queries of
a search page), with the visits indexes of migration visits/0011 and without them: in
each repeat, for each query, once as deployed, then once inside a transaction that drops
the three indexes and is rolled back (DROP INDEX is transactional), so both sides run on
the same warm cache, one after the other. Prints one JSON line per query with the median
milliseconds of each side and their ratio, and appends them to bench/search-results.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from bench.reevaluate import setup_django

RESULTS = Path(__file__).with_name("search-results.jsonl")
INDEXES = ("visits_visit_place_trgm", "visits_visit_place_words", "visits_visit_occasion_words")
QUERIES = {
    "a person's name (their trips)": "Person 4321",
    "a place's words": "City 17",
    "a place with a typo (trigrams)": "Citty 17",
    "a word in no occasion": "Khalkhin",
    "a state's name (its visits)": "Mongolia",
}


def _timed_search(query: str) -> tuple[float, int]:
    from front import search

    began = time.perf_counter()
    found = search.search(query)
    return (time.perf_counter() - began) * 1000, found.total


def _without_indexes(query: str) -> tuple[float, int]:
    from django.db import connection, transaction

    with transaction.atomic():
        with connection.cursor() as cursor:
            for name in INDEXES:
                cursor.execute(f"DROP INDEX {name}")
        result = _timed_search(query)
        transaction.set_rollback(True)
    return result


def prepared(description: str, *, visits: int, repeats: int) -> argparse.Namespace:
    """The options of a search benchmark (`--visits`, `--persons`, `--repeats`,
    `--skip-generate`, with these defaults), Django set up, and the scratch database filled
    with bench.synthetic unless `--skip-generate`."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--visits", type=int, default=visits)
    parser.add_argument("--persons", type=int, default=5_000)
    parser.add_argument("--repeats", type=int, default=repeats)
    parser.add_argument("--skip-generate", action="store_true")
    args = parser.parse_args()
    setup_django()

    from bench import reevaluate

    if not args.skip_generate:
        reevaluate.generate(
            argparse.Namespace(visits=args.visits, persons=args.persons, states=200, seed=2026)
        )
    return args


def record(line: dict, args: argparse.Namespace) -> None:
    """Print one result `line` (a dict) with the run's repeats and machine, and append it
    to bench/search-results.jsonl."""
    from bench import reevaluate

    line = {**line, "repeats": args.repeats, "machine": reevaluate.machine()}
    print(json.dumps(line), flush=True)
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")


def main() -> None:
    # The places' lists kept under a data version, as a site with Redis keeps them
    # (front.search.place_list): in this process's memory, which makes every write here.
    os.environ.setdefault("ICCWATCH_PAGE_CACHE", "true")
    args = prepared(__doc__, visits=1_000_000, repeats=5)

    from django.db import connection

    from front import search

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM visits_visit")
        visits = cursor.fetchone()[0]
    search.place_aliases()  # read the gazetteer once, as a running site has
    for query in QUERIES.values():
        _timed_search(query)  # warm the cache
        _without_indexes(query)
    times = {label: {"indexed": [], "unindexed": []} for label in QUERIES}
    results = {}
    for _ in range(args.repeats):
        for label, query in QUERIES.items():
            ms, results[label] = _timed_search(query)
            times[label]["indexed"].append(ms)
            ms, unindexed_total = _without_indexes(query)
            times[label]["unindexed"].append(ms)
            assert unindexed_total == results[label], (label, unindexed_total, results[label])
    for label, query in QUERIES.items():
        indexed = statistics.median(times[label]["indexed"])
        unindexed = statistics.median(times[label]["unindexed"])
        line = {
            "bench": "search",
            "visits": visits,
            "query": query,
            "what": label,
            "results": results[label],
            "indexed_ms": round(indexed, 1),
            "unindexed_ms": round(unindexed, 1),
            "speedup": round(unindexed / indexed, 1) if indexed else None,
        }
        record(line, args)


if __name__ == "__main__":
    main()
