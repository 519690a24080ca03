#!/usr/bin/env python3
"""Where a steady-state re-evaluation spends its time, phase by phase.

    .venv/bin/python bench/reevaluate.py --visits 1000000     # leaves data and verdicts behind
    .venv/bin/python bench/breakdown.py

Walks every visit the way flagging.evaluate_visits() does (same chunk query with its
row locks, same sources query, same rule calls, one transaction per chunk) and times
each phase separately. Nothing is written: verdicts are already current, so this is
the "nothing changed" run taken apart.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.reevaluate import setup_django  # noqa: E402


def main() -> None:
    setup_django()
    from django.db import connection, transaction

    import compliance
    from visits import flagging

    clock = time.perf_counter
    spent: dict[str, float] = defaultdict(float)
    started = clock()
    facts = flagging.load_facts()
    spent["load facts (once)"] = clock() - started
    last_id, visits = 0, 0
    while True:
        with transaction.atomic(), connection.cursor() as cur:
            t = clock()
            cur.execute(flagging._NEXT_CHUNK, {"after": last_id, "limit": flagging.CHUNK_SIZE})
            rows = cur.fetchall()
            spent["read visits + stored verdicts (query, locks, fetch)"] += clock() - t
            if not rows:
                break
            t = clock()
            sources = flagging._load_sources(cur, [r[0] for r in rows])
            spent["read sources"] += clock() - t
            for row in rows:
                visit_id, person_id, host_id = row[0], row[2], row[3]
                t0 = clock()
                visit = flagging.visit_facts(row, facts.persons[person_id])
                t1 = clock()
                verdict = compliance.evaluate(
                    visit,
                    facts.states[host_id],
                    facts.warrants.get(person_id, ()),
                    facts.findings.get(visit_id, ()),
                    sources.get(visit_id, ()),
                )
                t2 = clock()
                check = compliance.self_check(verdict, bool(facts.findings.get(visit_id)), row[14])
                unchanged = (
                    row[15] == verdict.code
                    and row[16] == verdict.basis
                    and row[17] == verdict.explanation
                    and row[18] == verdict.would_have_been_bound
                    and row[19] == check
                    and list(row[20]) == sorted(verdict.warrant_ids)
                )
                t3 = clock()
                spent["build VisitFacts"] += t1 - t0
                spent["compliance.evaluate (rule + explanation)"] += t2 - t1
                spent["self-check + compare with stored verdict"] += t3 - t2
                if not unchanged:
                    spent["changed (should be 0)"] += 1
            visits += len(rows)
            last_id = rows[-1][0]
    total = clock() - started
    timed = sum(v for k, v in spent.items() if not k.startswith("changed"))
    spent["loop, commits, clock calls (the rest)"] = total - timed
    print(f"{visits:,} visits in {total:.1f} s ({visits / total:,.0f} visits/s)\n")
    print("| phase | seconds | µs per visit | share |")
    print("|---|---:|---:|---:|")
    for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        if name.startswith("changed"):
            continue
        print(
            f"| {name} | {seconds:.1f} | {1e6 * seconds / max(visits, 1):.1f} | {100 * seconds / total:.0f}% |"
        )
    print(f"\nverdicts that would change: {int(spent.get('changed (should be 0)', 0))}")


if __name__ == "__main__":
    main()
