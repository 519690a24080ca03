#!/usr/bin/env python3
"""Where a re-evaluation spends its time, phase by phase.

    .venv/bin/python bench/reevaluate.py --visits 1000000     # leaves data and verdicts behind
    .venv/bin/python bench/breakdown.py [--sample 20000]

1. The steady pass (nothing changed), as flagging.evaluate_range() runs it: loading the
   facts, their digests, and the set-based range scans that compare each visit's
   inputs digest with its verdict's stored fingerprint.
2. Visits that do need the rule: `--sample` visits re-evaluated with force=True and
   their verdicts deleted first (so every one is written, as in a first run), with the
   time of each phase of flagging._evaluate_rows measured by wrapping its callees.
   The verdicts are written back, so the data is left as it was found.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.reevaluate import setup_django  # noqa: E402


def _timed(spent: dict, name: str, fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - t

    return wrapper


def _table(spent: dict, total: float, visits: int) -> None:
    spent["the rest (loop, fetch, commits, comparisons)"] = total - sum(spent.values())
    print("| phase | seconds | µs per visit | share |")
    print("|---|---:|---:|---:|")
    for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(
            f"| {name} | {seconds:.2f} | {1e6 * seconds / max(visits, 1):.1f} | {100 * seconds / total:.0f}% |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample", type=int, default=20_000)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    import compliance
    from core import causes, reasons
    from visits import flagging

    clock = time.perf_counter
    spent: dict[str, float] = defaultdict(float)
    started = clock()
    facts = flagging.load_facts()
    spent["load facts (once)"] = clock() - started
    t = clock()
    facts.digests  # noqa: B018 - computed once, cached on the FactBook
    spent["digests of persons, states, findings (once)"] = clock() - t
    original_evaluate_ids = flagging._evaluate_ids
    flagging._evaluate_ids = _timed(
        spent, "rule on changed visits (should be 0)", original_evaluate_ids
    )
    t = clock()
    stats = flagging.evaluate_range(facts=facts)
    total = clock() - started
    spent["range scans (SQL: digests compared)"] = (
        clock() - t - spent["rule on changed visits (should be 0)"]
    )
    flagging._evaluate_ids = original_evaluate_ids
    print(
        f"Steady pass: {stats.evaluated:,} visits checked, {stats.computed:,} computed in {total:.2f} s\n"
    )
    _table(spent, total, stats.evaluated)

    with connection.cursor() as cur:
        cur.execute("SELECT id FROM visits_visit ORDER BY id LIMIT %s", [args.sample])
        ids = [r[0] for r in cur.fetchall()]
        cur.execute("DELETE FROM visits_verdict_warrants WHERE verdict_id = ANY(%s)", [ids])
        cur.execute("DELETE FROM visits_verdict WHERE visit_id = ANY(%s)", [ids])
    spent = defaultdict(float)
    patched = {
        (flagging, "_load_sources"): "read sources",
        (flagging, "visit_facts"): "build VisitFacts",
        (compliance, "evaluate"): "compliance.evaluate (the rule, structured reasons)",
        (compliance, "self_check"): "self-check",
        (reasons, "render"): "render the English explanation (prose)",
        (causes, "render"): "render the history's cause (prose)",
        (flagging, "_write"): "write verdicts, links, history",
    }
    originals = {key: getattr(*key) for key in patched}
    for (module, name), label in patched.items():
        setattr(module, name, _timed(spent, label, originals[(module, name)]))
    try:
        started = clock()
        stats = flagging.evaluate_visits(ids, facts=facts, cause="benchmark")
        total = clock() - started
    finally:
        for (module, name), fn in originals.items():
            setattr(module, name, fn)
    print(
        f"\nEvery verdict new: {stats.computed:,} visits computed, {stats.changed:,} written in {total:.2f} s\n"
    )
    _table(spent, total, stats.computed)


if __name__ == "__main__":
    main()
