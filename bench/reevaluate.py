#!/usr/bin/env python3
"""Benchmark a full re-evaluation of every visit against the set-based SQL floor.

    export ICCWATCH_SKIP_BOOTSTRAP=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/iccwatch_bench
    .venv/bin/python manage.py migrate            # once, on the scratch database
    .venv/bin/python bench/reevaluate.py --visits 1000000

In one process and one run it:

1. fills the scratch database with synthetic data (bench/synthetic.py, COPY, no
   signals) and VACUUM ANALYZEs it;
2. times the floor: one INSERT ... SELECT classifying every visit (bench/floor.py),
   three times (the median counts), plus the incidents-only EXISTS-in-WHERE shape;
3. times `flagging.evaluate_visits()` end to end twice: the first run writes every
   verdict, its warrant links and a history row; the second finds nothing changed
   (the steady-state cost). For each: visits/s, peak RSS of this process (VmHWM,
   reset before the run) and RSS sampled as the run progresses (it must stay flat);
4. checks the counts (one verdict and one history row per visit, nothing written
   by the second run) and how often the floor's code agrees with the rule's;
5. times writing rows with COPY versus Django's bulk_create (a sample, extrapolated);
6. with `--phases ...,writefloor`, the write floor: PostgreSQL alone copying the stored
   verdicts, links and history rows into tables with the same indexes and keys,
   interleaved with the floor (what any first pass storing the same rows must pay).

`--profile` runs the two evaluations under cProfile and prints the top functions
(use it with --visits 100000). It is a standalone script (not a management command)
so that it can set the scratch database up itself and refuse any other database.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import json
import os
import platform
import pstats
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        sys.exit(
            "Set DATABASE_URL to a scratch database, e.g. postgres://postgres@127.0.0.1:5432/iccwatch_bench"
        )
    os.environ.setdefault("ICCWATCH_SKIP_BOOTSTRAP", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iccwatch.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    # As in production. With DEBUG on, Django keeps the last 9,000 queries with their
    # parameters (each verdict upsert carries 2,000 explanations), so RSS grows with
    # the run: measure that with --debug.
    os.environ["DJANGO_DEBUG"] = "true" if "--debug" in sys.argv else "false"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- Memory -------------------------------------------------------------------------


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        match = re.search(rf"^{field}:\s+(\d+) kB", f.read(), re.MULTILINE)
    return int(match.group(1)) if match else 0


def rss_mib() -> float:
    return _status_kib("VmRSS") / 1024


def peak_rss_mib() -> float:
    """The RSS high-water mark (VmHWM) since the last reset_peak_rss()."""
    return _status_kib("VmHWM") / 1024


def reset_peak_rss() -> None:
    """Linux: writing 5 to clear_refs resets VmHWM to the current RSS."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


# --- Machine -----------------------------------------------------------------------


def machine() -> dict:
    from django.db import connection

    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kib = int(re.search(r"MemTotal:\s+(\d+)", f.read()).group(1))
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
        cur.execute("SHOW shared_buffers")
        shared_buffers = cur.fetchone()[0]
        cur.execute("SHOW synchronous_commit")
        sync = cur.fetchone()[0]
    import psycopg

    return {
        "nproc": os.cpu_count(),
        "ram_gib": round(mem_kib / 1024 / 1024, 1),
        "cpu": cpu,
        "postgresql": pg,
        "shared_buffers": shared_buffers,
        "synchronous_commit": sync,
        "python": platform.python_version(),
        "psycopg": f"{psycopg.__version__} ({psycopg.pq.__impl__})",
        "load_avg_at_start": os.getloadavg(),
        # The commit, and "-dirty" when the working tree had uncommitted changes.
        "git": subprocess.run(
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
        ).stdout.strip(),
    }


# --- Steps ------------------------------------------------------------------------------


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def generate(args) -> dict:
    from django.db import connection, transaction

    from bench import synthetic

    with transaction.atomic():
        counts, seconds = timed(
            synthetic.generate,
            visits=args.visits,
            persons=args.persons,
            states=args.states,
            seed=args.seed,
        )
    _, vacuum_seconds = timed(vacuum)
    print(
        f"generated {counts.visits:,} visits in {seconds:.1f} s with COPY "
        f"({counts.visits / seconds:,.0f} visits/s incl. sources and links); VACUUM ANALYZE {vacuum_seconds:.1f} s",
        flush=True,
    )
    with connection.cursor() as cur:
        cur.execute("SELECT pg_size_pretty(pg_total_relation_size('visits_visit'))")
        size = cur.fetchone()[0]
    out = {k: v for k, v in vars(counts).items() if k != "extra"}
    return {
        "counts": out,
        "seconds": round(seconds, 2),
        "vacuum_seconds": round(vacuum_seconds, 2),
        "visits_table_size": size,
    }


def vacuum() -> None:
    """VACUUM ANALYZE the whole scratch database (outside a transaction): the tables the
    evaluation reads and writes, and the history's event tables the Changes page reads.
    Where the server runs without autovacuum (as some do), a table never analyzed after a
    bulk load is planned from defaults: the Changes page took 19 s at 1M visits until its
    event tables (2.6 million citation events) were analyzed."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("VACUUM (ANALYZE)")


def run_floor(repeats: int) -> dict:
    """The floor, `repeats` times (the median counts); also with JIT on, and the incidents-only shape."""
    from bench import floor

    floor.prepare()
    times = []
    for _ in range(repeats):
        rows, seconds = timed(floor.classify_into_table)
        times.append(seconds)
    _, jit_seconds = timed(floor.classify_into_table, jit=True)
    incidents, incidents_seconds = timed(floor.count_incidents)
    print(
        f"floor: classified and wrote {rows:,} visits in {statistics.median(times):.2f} s "
        f"(median of {', '.join(f'{t:.2f}' for t in times)}; with JIT on {jit_seconds:.2f} s); "
        f"incidents-only EXISTS-in-WHERE: {incidents:,} in {incidents_seconds:.2f} s",
        flush=True,
    )
    return {
        "rows": rows,
        "seconds": round(statistics.median(times), 3),
        "all_seconds": [round(t, 3) for t in times],
        "jit_on_seconds": round(jit_seconds, 3),
        "incidents": incidents,
        "incidents_only_seconds": round(incidents_seconds, 3),
    }


def run_evaluation(label: str, total_visits: int, profile: bool, flagging=None) -> dict:
    """Time flagging.evaluate_visits() over every visit (`flagging`: another version of the module)."""
    if flagging is None:
        from visits import flagging

    samples = []  # (visits evaluated so far, seconds, RSS MiB)
    marks = {int(total_visits * f) for f in (0.1, 0.25, 0.5, 0.75)}
    started = time.perf_counter()
    done = [0]

    def progress(stats):
        before = done[0]
        done[0] = stats.evaluated
        if any(before < m <= done[0] for m in marks):
            samples.append((done[0], round(time.perf_counter() - started, 2), round(rss_mib(), 1)))

    reset_peak_rss()
    rss_before = rss_mib()
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    try:
        stats = flagging.evaluate_visits(progress=progress)
    except TypeError:  # a version without the progress callback
        stats = flagging.evaluate_visits()
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - started
    samples.append((stats.evaluated, round(seconds, 2), round(rss_mib(), 1)))
    result = {
        "label": label,
        "evaluated": stats.evaluated,
        "changed": stats.changed,
        "seconds": round(seconds, 2),
        "visits_per_s": round(stats.evaluated / seconds),
        "rss_before_mib": round(rss_before, 1),
        "peak_rss_mib": round(peak_rss_mib(), 1),
        "rss_samples": samples,
    }
    print(
        f"{label}: {stats.evaluated:,} evaluated, {stats.changed:,} written in {seconds:.1f} s "
        f"= {result['visits_per_s']:,} visits/s; RSS {rss_before:.0f} MiB before, peak {result['peak_rss_mib']:.0f} MiB; "
        f"RSS as it went (visits, s, MiB): {samples}",
        flush=True,
    )
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        print(out.getvalue(), flush=True)
        result["profile_top"] = out.getvalue()
    return result


def _evaluate_range(bounds: tuple[int, int]) -> dict:
    """In a worker process: evaluate the visits with lo < id <= hi, as one Celery worker would."""
    from django.db import connection

    from visits import flagging

    reset_peak_rss()
    lo, hi = bounds
    with connection.cursor() as cur:
        cur.execute("SELECT id FROM visits_visit WHERE id > %s AND id <= %s ORDER BY id", [lo, hi])
        ids = [r[0] for r in cur.fetchall()]
    stats = flagging.evaluate_visits(ids, facts=flagging.load_facts())
    connection.close()
    return {
        "evaluated": stats.evaluated,
        "changed": stats.changed,
        "peak_rss_mib": round(peak_rss_mib(), 1),
    }


def run_parallel(label: str, workers: int) -> dict:
    """The same full re-evaluation split into `workers` processes over contiguous id ranges.

    This is what several Celery workers draining the outbox do; each process loads the
    facts itself and evaluates its visits with `evaluate_visits(ids)`, in chunks.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from django.db import connection, connections

    with connection.cursor() as cur:
        cur.execute(
            "SELECT percentile_disc(%s::float8[]) WITHIN GROUP (ORDER BY id), max(id) FROM visits_visit",
            [[k / workers for k in range(1, workers)]],
        )
        inner, last = cur.fetchone()
    cuts = [0, *inner, last]
    connections.close_all()  # never share a connection across fork
    started = time.perf_counter()
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        parts = list(pool.map(_evaluate_range, list(zip(cuts, cuts[1:], strict=False))))
    seconds = time.perf_counter() - started
    evaluated = sum(p["evaluated"] for p in parts)
    result = {
        "label": label,
        "workers": workers,
        "evaluated": evaluated,
        "changed": sum(p["changed"] for p in parts),
        "seconds": round(seconds, 2),
        "visits_per_s": round(evaluated / seconds),
        "peak_rss_mib": max(p["peak_rss_mib"] for p in parts),
        "peak_rss_sum_mib": round(sum(p["peak_rss_mib"] for p in parts), 1),
    }
    print(
        f"{label}: {evaluated:,} evaluated, {result['changed']:,} written in {seconds:.1f} s = "
        f"{result['visits_per_s']:,} visits/s; peak RSS per worker {result['peak_rss_mib']:.0f} MiB",
        flush=True,
    )
    return result


def reset_verdicts() -> int:
    """Delete every verdict, link, history row and request (not the facts); returns the visit count."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE visits_verdict, visits_verdict_warrants, visits_verdictchange, visits_evaluationrequest"
        )
        cur.execute("SELECT count(*) FROM visits_visit")
        return cur.fetchone()[0]


def check_counts(visits: int, first: dict, second: dict) -> dict:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT (SELECT count(*) FROM visits_verdict), (SELECT count(*) FROM visits_verdictchange), "
            "(SELECT count(*) FROM visits_verdict_warrants), (SELECT count(*) FROM visits_evaluationrequest)"
        )
        verdicts, changes, links, requests = cur.fetchone()
        cur.execute("SELECT code, count(*) FROM visits_verdict GROUP BY code ORDER BY 2 DESC")
        codes = dict(cur.fetchall())
    ok = (
        verdicts == visits
        and changes == visits
        and first["changed"] == visits
        and second["changed"] == 0
        and first["evaluated"] == second["evaluated"] == visits
        and requests == 0
    )
    print(
        f"counts: {verdicts:,} verdicts, {changes:,} history rows, {links:,} warrant links, "
        f"{requests} outstanding requests -> {'OK' if ok else 'MISMATCH'}; codes {codes}",
        flush=True,
    )
    if not ok:
        raise SystemExit(
            "the evaluation did not write exactly one verdict and one history row per visit"
        )
    return {"verdicts": verdicts, "history_rows": changes, "warrant_links": links, "codes": codes}


def compare_writes(copy_rows: int, orm_rows: int) -> dict:
    """Write verdict-history-like rows with COPY and with bulk_create, then roll back."""
    from django.db import connection, transaction

    from visits.models import VerdictChange

    now = datetime.datetime.now(datetime.UTC)
    text = "A plain-language explanation of about the usual length. " * 6

    with connection.cursor() as cur:
        cur.execute("SELECT min(id) FROM visits_visit")
        visit_id = cur.fetchone()[0]

    def rows(n):
        return (
            (
                visit_id,
                now,
                "",
                "non_compliance",
                "",
                "state_party",
                text,
                "benchmark",
                "bench",
                "[]",
                '{"causes": []}',
            )
            for _ in range(n)
        )

    columns = (
        "visit_id, changed_at, old_code, new_code, old_basis, new_basis, explanation, cause, "
        "rule_version, reasons, cause_facts"
    )

    def copy(n):
        with (
            connection.cursor() as c,
            c.cursor.copy(f"COPY visits_verdictchange ({columns}) FROM STDIN") as cp,
        ):
            for row in rows(n):
                cp.write_row(row)

    def orm(n):
        VerdictChange.objects.bulk_create(
            (
                VerdictChange(
                    visit_id=r[0],
                    changed_at=r[1],
                    old_code=r[2],
                    new_code=r[3],
                    old_basis=r[4],
                    new_basis=r[5],
                    explanation=r[6],
                    cause=r[7],
                    rule_version=r[8],
                    reasons=json.loads(r[9]),
                    cause_facts=json.loads(r[10]),
                )
                for r in rows(n)
            ),
            batch_size=2000,
        )

    results = {}
    for name, fn, n in (
        ("copy", copy, copy_rows),
        ("copy_sample", copy, orm_rows),
        ("bulk_create", orm, orm_rows),
    ):
        with transaction.atomic():
            _, seconds = timed(fn, n)
            transaction.set_rollback(True)
        results[name] = {"rows": n, "seconds": round(seconds, 2), "rows_per_s": round(n / seconds)}
    per_million = {k: round(v["seconds"] * 1_000_000 / v["rows"], 1) for k, v in results.items()}
    results["seconds_per_million"] = per_million
    print(
        f"writes: COPY {copy_rows:,} rows {results['copy']['seconds']} s; sample of {orm_rows:,}: COPY "
        f"{results['copy_sample']['seconds']} s vs bulk_create {results['bulk_create']['seconds']} s "
        f"(per million: {per_million})",
        flush=True,
    )
    return results


def time_floor() -> float:
    """One run of the floor statement (for interleaving: timed right before a pass)."""
    from bench import floor

    floor.prepare()
    _, seconds = timed(floor.classify_into_table)
    floor.drop()
    return seconds


class CeleryWorker:
    """A real `celery worker` process (prefork, `concurrency` processes) on its own queue."""

    def __init__(self, concurrency: int, broker: str, logdir: Path):
        self.concurrency = concurrency
        self.queue = f"bench-reevaluate-{concurrency}"
        self.log = logdir / f"worker-{concurrency}.log"
        self.log.write_text("")
        env = {
            **os.environ,
            "CELERY_BROKER_URL": broker,
            "DJANGO_DEBUG": "false",
            "ICCWATCH_SKIP_BOOTSTRAP": "1",
        }
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "iccwatch",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                str(concurrency),
                "--queues",
                self.queue,
                "--hostname",
                f"bench{concurrency}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "INFO",
                "--logfile",
                str(self.log),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while "ready" not in self.log.read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the celery worker did not start: see {self.log}")
            time.sleep(0.2)

    def finished(self) -> int:
        return len(re.findall(r"visits\.reevaluate_range\[[^]]*\] succeeded", self.log.read_text()))

    def run_pass(self, ranges: list[tuple[int, int]], force: bool) -> float:
        """Enqueue one task per range and wait until the worker has finished them all."""
        from celery import signature

        task = signature("visits.reevaluate_range")
        before = self.finished()
        started = time.perf_counter()
        for lo, hi in ranges:
            task.apply_async(args=[lo, hi, force], queue=self.queue)
        while self.finished() < before + len(ranges):
            if self.process.poll() is not None:
                raise SystemExit(f"the celery worker died: see {self.log}")
            if re.search(r"visits\.reevaluate_range\[[^]]*\] (raised|retry)", self.log.read_text()):
                raise SystemExit(f"a task failed: see {self.log}")
            time.sleep(0.05)
        return time.perf_counter() - started

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def run_celery_workers(args) -> dict:
    """The same full re-evaluation split into Celery tasks, over 1 and over N worker processes.

    Two real `celery worker` processes (prefork pools of 1 and of N processes) consume two
    queues on Redis; each pass enqueues `--tasks` visits.reevaluate_range tasks (contiguous
    id ranges) and ends when the worker has logged them all as succeeded. Rounds alternate
    1 and N, each right after a floor run. Two kinds of pass: the steady one over every
    visit (nothing changed: the range scans), and a forced one over the first
    `--worker-force-visits` visits (the rule runs on each, nothing is written).
    """
    from visits import flagging

    logdir = Path(args.logdir)
    logdir.mkdir(parents=True, exist_ok=True)
    counts = [1, args.celery_workers]
    workers = {n: CeleryWorker(n, args.broker, logdir) for n in counts}
    all_ranges = flagging.id_ranges(args.tasks)
    forced_upto = all_ranges and _nth_id(args.worker_force_visits)
    forced_ranges = _split(0, forced_upto, args.tasks) if args.worker_force_visits else []
    rounds = []
    try:
        for n in counts:  # warm up: imports, connections, caches (not timed)
            workers[n].run_pass(forced_ranges[:1] or all_ranges[:1], False)
        for _round in range(args.rounds):
            for kind, ranges, force in (
                ("steady", all_ranges, False),
                ("forced", forced_ranges, True),
            ):
                if not ranges:
                    continue
                for n in counts:
                    floor_seconds = time_floor()
                    seconds = workers[n].run_pass(ranges, force)
                    rounds.append(
                        {
                            "kind": kind,
                            "workers": n,
                            "seconds": round(seconds, 2),
                            "floor_seconds": round(floor_seconds, 3),
                        }
                    )
                    print(
                        f"celery {kind} pass, {n} worker process(es), {len(ranges)} tasks: {seconds:.2f} s "
                        f"(floor just before: {floor_seconds:.2f} s)",
                        flush=True,
                    )
    finally:
        for worker in workers.values():
            worker.stop()
    result = {"rounds": rounds, "tasks": len(all_ranges), "forced_visits": args.worker_force_visits}
    for kind in ("steady", "forced"):
        one = [r["seconds"] for r in rounds if r["kind"] == kind and r["workers"] == 1]
        many = [r["seconds"] for r in rounds if r["kind"] == kind and r["workers"] == counts[1]]
        if one and many:
            result[f"{kind}_speedup"] = round(statistics.median(one) / statistics.median(many), 2)
            result[f"{kind}_seconds"] = {
                "1": statistics.median(one),
                str(counts[1]): statistics.median(many),
            }
    print(f"celery: {json.dumps({k: v for k, v in result.items() if k != 'rounds'})}", flush=True)
    return result


def _nth_id(n: int) -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT id FROM visits_visit ORDER BY id OFFSET %s LIMIT 1", [max(0, n - 1)])
        row = cur.fetchone()
    return row[0] if row else 0


def _split(lo: int, hi: int, parts: int) -> list[tuple[int, int]]:
    step = max(1, -(-(hi - lo) // parts))
    return [(a, min(a + step, hi)) for a in range(lo, hi, step)]


def run_write_floor(rounds: int) -> dict:
    """The write floor (bench/floor.py): PostgreSQL alone writing the stored verdicts, links
    and history rows into tables with the same indexes and keys, interleaved with the floor
    (floor, verdicts alone, everything) `rounds` times. Needs the verdicts of a first pass."""
    from bench import floor

    sizes = floor.stored_sizes()
    if not sizes["visits_verdict"]["rows"]:
        sys.exit("the write floor copies stored verdicts: run it after a first pass")
    floor.prepare()
    floor.prepare_writes()
    runs = []
    try:
        for number in range(1, rounds + 1):
            _, floor_seconds = timed(floor.classify_into_table)
            _, verdict_seconds = timed(floor.write_stored_rows, verdicts_only=True)
            written, all_seconds = timed(floor.write_stored_rows)
            runs.append(
                {
                    "floor_seconds": round(floor_seconds, 3),
                    "verdicts_seconds": round(verdict_seconds, 3),
                    "all_seconds": round(all_seconds, 3),
                    "rows": written,
                }
            )
            print(
                f"write floor, round {number}: floor {floor_seconds:.2f} s; the verdicts alone "
                f"{verdict_seconds:.2f} s ({verdict_seconds / floor_seconds:.1f}×); verdicts, "
                f"links and history ({written:,} rows) {all_seconds:.2f} s "
                f"({all_seconds / floor_seconds:.1f}×)",
                flush=True,
            )
    finally:
        floor.drop_writes()
        floor.drop()
    return {
        "sizes": sizes,
        "runs": runs,
        "verdicts_ratio": round(
            statistics.median(r["verdicts_seconds"] / r["floor_seconds"] for r in runs), 2
        ),
        "ratio": round(statistics.median(r["all_seconds"] / r["floor_seconds"] for r in runs), 2),
    }


def run_withdrawal() -> dict:
    """The busiest host notifies its withdrawal: which visits are marked, how long they take.

    The notice is dated at the 80th percentile of the host's visit dates. It is saved
    through the ORM (so the signals fan it out, as in production), with the relay
    deferred; then the outbox is drained in this process (evaluate_pending). Then the
    host's visits that were not marked are run through the rule: none may change (the
    proof that the narrowing is right). Finally the notice is deleted and drained again,
    leaving the data as it was.
    """
    from django.db import connection, transaction

    from states.models import TreatyEvent, TreatyEventKind
    from visits import flagging, outbox

    with connection.cursor() as cur:
        cur.execute(
            "SELECT v.host_id, count(*) FROM visits_visit v WHERE NOT EXISTS (SELECT 1 FROM states_treatyevent e "
            "WHERE e.state_id = v.host_id AND e.kind LIKE 'withdrawal%%') GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
        )
        host_id, host_visits = cur.fetchone()
        cur.execute(
            "SELECT percentile_disc(0.8) WITHIN GROUP (ORDER BY start) FROM visits_visit WHERE host_id = %s",
            [host_id],
        )
        day = cur.fetchone()[0]
    with outbox.relay_deferred(), transaction.atomic():
        (event, mark_seconds) = timed(
            TreatyEvent.objects.create,
            state_id=host_id,
            kind=TreatyEventKind.WITHDRAWAL_NOTIFIED,
            date=day,
        )
    with connection.cursor() as cur:
        cur.execute(
            'SELECT count(*), count(*) FILTER (WHERE v.start IS NULL OR coalesce(v."end", v.start) >= %s - 366) '
            "FROM visits_evaluationrequest er JOIN visits_visit v ON v.id = er.visit_id",
            [day],
        )
        marked, near_or_after = cur.fetchone()
        cur.execute(
            'SELECT count(*) FROM visits_visit WHERE host_id = %s AND (start IS NULL OR coalesce("end", start) >= %s)',
            [host_id, day],
        )
        on_or_after = cur.fetchone()[0]
        cur.execute(
            "SELECT array_agg(id) FROM visits_visit v WHERE host_id = %s AND NOT EXISTS "
            "(SELECT 1 FROM visits_evaluationrequest er WHERE er.visit_id = v.id)",
            [host_id],
        )
        unmarked = cur.fetchone()[0] or []
    stats, seconds = timed(flagging.evaluate_pending)
    check, check_seconds = timed(flagging.evaluate_visits, unmarked)
    with outbox.relay_deferred(), transaction.atomic():
        event.delete()
    flagging.evaluate_pending()
    result = {
        "host_visits": host_visits,
        "notice_date": day.isoformat(),
        "visits_on_or_after": on_or_after,
        "marked": marked,
        "marked_before_date_citing_timeline": marked - on_or_after,
        "mark_seconds": round(mark_seconds, 2),
        "evaluate_seconds": round(seconds, 2),
        "computed": stats.computed,
        "changed": stats.changed,
        "unmarked_checked": check.computed,
        "unmarked_changed": check.changed,
        "check_seconds": round(check_seconds, 2),
    }
    print(f"withdrawal of the busiest host: {json.dumps(result)}", flush=True)
    if check.changed:
        raise SystemExit("a visit left unmarked by the withdrawal changed: the fan-out missed it")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--persons", type=int, default=5_000)
    parser.add_argument("--states", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--skip-generate",
        action="store_true",
        help="reuse the data already there (verdicts are deleted first)",
    )
    parser.add_argument("--floor-repeats", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="run the evaluations under cProfile")
    parser.add_argument(
        "--write-sample",
        type=int,
        default=50_000,
        help="rows for the COPY vs bulk_create comparison (0 to skip); COPY also writes --visits rows",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="then repeat both runs split over this many forked processes (0 or 1 to skip; "
        "the celery phase measures the same with real workers)",
    )
    parser.add_argument(
        "--debug", action="store_true", help="run with DJANGO_DEBUG on (Django logs every query)"
    )
    parser.add_argument(
        "--json", type=Path, help="append the results as one JSON line to this file"
    )
    parser.add_argument(
        "--phases",
        default="first,steady,celery,withdrawal",
        help="which passes to run, of first,steady,celery,withdrawal,writefloor (celery, "
        "withdrawal and writefloor need the verdicts of a first run: with --skip-generate add "
        "--keep-verdicts)",
    )
    parser.add_argument(
        "--keep-verdicts",
        action="store_true",
        help="with --skip-generate: keep the verdicts in place (for celery, withdrawal)",
    )
    parser.add_argument(
        "--celery-workers", type=int, default=2, help="worker processes to compare with one"
    )
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/1", help="Redis for Celery")
    parser.add_argument("--tasks", type=int, default=8, help="tasks a Celery pass is split into")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds of Celery passes")
    parser.add_argument(
        "--worker-force-visits",
        type=int,
        default=20_000,
        help="visits of the forced Celery pass (the rule on each); 0 to skip",
    )
    parser.add_argument("--logdir", default="/tmp/iccwatch-bench", help="Celery worker logs")
    args = parser.parse_args()

    phases = set(args.phases.split(","))
    os.environ["CELERY_BROKER_URL"] = args.broker  # tasks go to the workers, not inline
    setup_django()
    from django.db import connection

    from bench import floor

    result = {
        "args": {k: str(v) for k, v in vars(args).items()},
        "machine": machine(),
        "started": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
    print(json.dumps(result["machine"]), flush=True)
    name = connection.settings_dict["NAME"]
    if "bench" not in name and "test" not in name:
        sys.exit(f"refusing to run on {name!r}: use a scratch database whose name contains 'bench'")
    if args.skip_generate and args.keep_verdicts:
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM visits_visit")
            args.visits = cur.fetchone()[0]
    elif args.skip_generate:
        args.visits = reset_verdicts()
        vacuum()
    else:
        result["generate"] = generate(args)

    summary = {"visits": args.visits}
    rows = []
    if "first" in phases or "steady" in phases:
        # The floor is timed right before each pass (the shared machine drifts): each ratio
        # compares a pass with the floor measured just before it.
        result["floor"] = run_floor(args.floor_repeats)
        result["first_run"] = run_evaluation(
            "first run (every verdict new)", args.visits, args.profile
        )
        result["first_run"]["floor_seconds"] = result["floor"]["seconds"]
        vacuum()  # as autovacuum would between two nightly runs; not counted in either run
        result["floor_before_second"] = run_floor(args.floor_repeats)
        result["second_run"] = run_evaluation(
            "second run (nothing changed)", args.visits, args.profile
        )
        result["second_run"]["floor_seconds"] = result["floor_before_second"]["seconds"]
        result["counts"] = check_counts(args.visits, result["first_run"], result["second_run"])
        summary["first_ratio"] = round(
            result["first_run"]["seconds"] / result["floor"]["seconds"], 2
        )
        summary["steady_ratio"] = round(
            result["second_run"]["seconds"] / result["floor_before_second"]["seconds"], 2
        )
        agreement = floor.agreement()
        result["agreement"] = agreement
        print(
            f"floor vs rule: same code for {agreement['same']:,} of {agreement['compared']:,} visits "
            f"({100 * agreement['same'] / max(1, agreement['compared']):.2f}%); differences: {agreement['mismatches'][:10]}",
            flush=True,
        )
        floor.drop()
        rows = ["first_run", "second_run"]
    if "celery" in phases and args.celery_workers > 1:
        result["celery"] = run_celery_workers(args)
        summary["workers_speedup"] = result["celery"].get("steady_speedup")
        summary["workers_speedup_forced"] = result["celery"].get("forced_speedup")
    if "withdrawal" in phases:
        result["withdrawal"] = run_withdrawal()
        summary["withdrawal_marked"] = result["withdrawal"]["marked"]
        summary["withdrawal_host_visits"] = result["withdrawal"]["host_visits"]
    if "writefloor" in phases:
        result["write_floor"] = run_write_floor(args.floor_repeats)
        summary["write_floor_ratio"] = result["write_floor"]["ratio"]
        summary["write_floor_verdicts_ratio"] = result["write_floor"]["verdicts_ratio"]
    result["summary"] = summary
    if args.workers > 1:
        reset_verdicts()
        vacuum()
        label = f"first run, {args.workers} processes"
        result["parallel_first_run"] = run_parallel(label, args.workers)
        vacuum()
        label = f"second run, {args.workers} processes"
        result["parallel_second_run"] = run_parallel(label, args.workers)
        check_counts(args.visits, result["parallel_first_run"], result["parallel_second_run"])
        rows += ["parallel_first_run", "parallel_second_run"]
    if args.write_sample:
        result["writes"] = compare_writes(args.visits, args.write_sample)

    f = result.get("floor", {}).get("seconds", 0)
    print()
    print("| run | visits | seconds | visits/s | peak RSS (MiB) | floor (s) | ratio to floor |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for key in rows:
        r = result[key]
        print(
            f"| {r['label']} | {r['evaluated']:,} | {r['seconds']:.1f} | {r['visits_per_s']:,} | "
            f"{r['peak_rss_mib']:.0f} | {r.get('floor_seconds', f):.2f} | {r['seconds'] / r.get('floor_seconds', f):.1f}× |"
        )
    print("SUMMARY " + json.dumps(summary), flush=True)
    if args.json:
        with args.json.open("a") as out:
            out.write(json.dumps(result, default=str) + "\n")


if __name__ == "__main__":
    main()
