"""What finding persons by sound costs: front.search's persons query with and without it.

    createdb -h 127.0.0.1 -U postgres iccwatch_search_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iccwatch_search_bench \\
        python3 manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iccwatch_search_bench \\
        python3 -m bench.sounds --visits 100000 [--skip-generate] [--repeats 21]

Fills the database with bench.synthetic (5,000 persons by default; it refuses a database
whose name lacks "bench"), then, for each query and repeat, times the persons of a search
(`search(q, kinds=("person",))`, one query) as deployed, then with the Double Metaphone
condition switched off (`false AND` before it, which PostgreSQL folds away): the same
warm cache, one after the other. Prints one JSON line per query (median milliseconds of
each side, their ratio, the persons found each way) and appends them to
bench/search-results.jsonl.
"""

from __future__ import annotations

import statistics
import time

from bench.search import prepared, record

QUERIES = ("Person 4321", "Poutine", "Vladimir Poutine", "Bashir", "Parsons")
SOUNDING = "EXISTS (SELECT 1 FROM spoken)"


def _timed(query: str, sql: str) -> tuple[float, int]:
    from front import search

    deployed = search._PERSONS
    search._PERSONS = sql
    try:
        began = time.perf_counter()
        found = search.search(query, kinds=("person",))
        return (time.perf_counter() - began) * 1000, len(found.persons)
    finally:
        search._PERSONS = deployed


def main() -> None:
    args = prepared(__doc__, visits=100_000, repeats=21)

    from django.db import connection

    from front import search

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM warrants_person")
        persons = cursor.fetchone()[0]
    assert search._PERSONS.count(SOUNDING) == 1, "the sounding condition moved: update SOUNDING"
    variants = {
        "with": search._PERSONS,
        "without": search._PERSONS.replace(SOUNDING, "false AND " + SOUNDING),
    }
    for query in QUERIES:
        for sql in variants.values():
            _timed(query, sql)  # warm the cache
    times = {q: {name: [] for name in variants} for q in QUERIES}
    found = {q: {} for q in QUERIES}
    for _ in range(args.repeats):
        for query in QUERIES:
            for name, sql in variants.items():
                ms, found[query][name] = _timed(query, sql)
                times[query][name].append(ms)
    for query in QUERIES:
        with_ms = statistics.median(times[query]["with"])
        without_ms = statistics.median(times[query]["without"])
        line = {
            "bench": "sounds",
            "persons": persons,
            "query": query,
            "with_ms": round(with_ms, 1),
            "without_ms": round(without_ms, 1),
            "ratio": round(with_ms / without_ms, 2) if without_ms else None,
            "found_with": found[query]["with"],
            "found_without": found[query]["without"],
        }
        record(line, args)


if __name__ == "__main__":
    main()
