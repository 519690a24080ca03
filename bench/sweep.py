#!/usr/bin/env python3
"""What the sweeper's look for verdicts of another rule costs at scale.

    export ICCWATCH_SKIP_BOOTSTRAP=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/iccwatch_bench
    .venv/bin/python bench/reevaluate.py --visits 1000000 --phases first   # the data, once
    .venv/bin/python manage.py migrate                                     # the index (0037)
    .venv/bin/python bench/sweep.py [--rounds 9] [--json bench/results.jsonl]

Every ICCWATCH_SWEEP_SECONDS (30 s) the sweeper asks for the verdicts computed by another
rule than RULE_VERSION (visits.outbox.request_outdated_rule_version); after the first
sweep following a deploy the answer is almost always none. Each round times, interleaved:

- `before`: the statement as it was, `rule_version <> RULE_VERSION`, which reads every
  verdict;
- `after`: the statement as it is (visits.outbox._OUTDATED_VERDICTS), the two ranges of
  the index visits_verdict_rule_version either side of RULE_VERSION;
- `sweep`: the whole `request_outdated_rule_version()`, as the sweeper calls it.

Both statements are timed under EXPLAIN (ANALYZE, BUFFERS), which also gives the pages
each touched (shared hits and reads, 8 KiB each): unlike seconds, that does not drift
with the machine. Refuses to run without the index or without verdicts. Prints one JSON
line: the medians, `speedup` (before over after) and the pages.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.reevaluate import machine, setup_django  # noqa: E402

BEFORE = "SELECT visit_id FROM visits_verdict WHERE rule_version <> %s"


def explained(sql: str, params: list) -> tuple[float, int]:
    """(seconds, pages touched) of `sql` under EXPLAIN (ANALYZE, BUFFERS): the execution
    time PostgreSQL reports and the shared buffers hit plus read at the plan's top."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
        plan = cur.fetchone()[0]
    plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
    top = plan["Plan"]
    pages = top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
    return plan["Execution Time"] / 1000, pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--json", help="append the results as one JSON line to this file")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    setup_django()
    from django.db import connection, transaction

    from compliance import RULE_VERSION
    from visits import outbox

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM visits_verdict")
        verdicts = cur.fetchone()[0]
        cur.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'visits_verdict_rule_version'")
        indexed = cur.fetchone() is not None
    if not verdicts:
        sys.exit("No verdicts: run bench/reevaluate.py --phases first on this database first.")
    if not indexed:
        sys.exit("No index visits_verdict_rule_version: run manage.py migrate first.")
    info = machine()
    print(json.dumps(info), flush=True)
    after_sql = outbox._OUTDATED_VERDICTS
    rounds = []
    for number in range(1, args.rounds + 1):
        before, before_pages = explained(BEFORE, [RULE_VERSION])
        after, after_pages = explained(after_sql, [RULE_VERSION, RULE_VERSION])
        start = time.perf_counter()
        with transaction.atomic():
            outbox.request_outdated_rule_version()
        sweep = time.perf_counter() - start
        rounds.append(
            {
                "before_seconds": round(before, 6),
                "after_seconds": round(after, 6),
                "sweep_seconds": round(sweep, 6),
                "before_pages": before_pages,
                "after_pages": after_pages,
            }
        )
        print(
            f"round {number}: rule_version <> {before * 1000:.1f} ms ({before_pages:,} pages); "
            f"two ranges of the index {after * 1000:.3f} ms ({after_pages:,} pages); "
            f"the sweeper's call {sweep * 1000:.1f} ms",
            flush=True,
        )

    def median(key: str) -> float:
        return statistics.median(r[key] for r in rounds)

    summary = {
        "bench": "sweep",
        "verdicts": verdicts,
        "rule_version": RULE_VERSION,
        "before_seconds": median("before_seconds"),
        "after_seconds": median("after_seconds"),
        "sweep_seconds": median("sweep_seconds"),
        "speedup": round(median("before_seconds") / median("after_seconds"), 1),
        "before_pages": int(median("before_pages")),
        "after_pages": int(median("after_pages")),
        "machine": info,
        "rounds": rounds,
    }
    line = json.dumps(summary)
    print("SUMMARY " + re.sub(r', "machine": .*', "}", line), flush=True)
    if args.json:
        with open(args.json, "a") as out:
            out.write(line + "\n")


if __name__ == "__main__":
    main()
