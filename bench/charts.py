"""How long the three charts take to count at a million visits (front/charts.py).

    createdb iccwatch_charts_bench
    DATABASE_URL=postgres://…/iccwatch_charts_bench python3 manage.py migrate
    DATABASE_URL=postgres://…/iccwatch_charts_bench python3 -m bench.charts --visits 1000000

Fills the database with `bench.synthetic` (it refuses a database whose name lacks
"bench" or "test") unless it already holds that many visits, gives every visit a
verdict by one SQL statement (about 1 in 20 an incident; the charts count verdicts, they
do not compute them), then times each chart's one query (`charts.incident_counts`,
`trip_counts`, `record_counts`: what a recount of its summary costs after a write; pages
draw the chart from the summary in between): the median of `--runs` runs after one
warm-up, with the number of queries each made.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

import django


def fill_verdicts() -> None:
    """One verdict per visit, spread over the codes by the visit's id (deterministic)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("TRUNCATE visits_verdict CASCADE")
        cur.execute(
            """
            INSERT INTO visits_verdict (visit_id, code, basis, explanation, self_check,
                                        rule_version, computed_at, reasons)
            SELECT id, c.code, CASE WHEN c.code = 'non_compliance' THEN 'state_party' ELSE '' END,
                   '', '', 'bench', now(), '[]'::jsonb
            FROM visits_visit
            CROSS JOIN LATERAL (SELECT CASE
                WHEN id % 20 = 0 THEN 'non_compliance'
                WHEN id % 20 = 1 THEN 'complied'
                WHEN id % 20 IN (2, 3) THEN 'deterred'
                WHEN id % 20 = 4 THEN 'upcoming'
                WHEN id % 20 < 15 THEN 'no_obligation'
                ELSE 'pending' END AS code) c
            """
        )
        cur.execute("ANALYZE visits_verdict")


def timed(function, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    function()  # warm-up
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            counts = function()
            times.append(time.perf_counter() - started)
    return {
        "median_ms": round(statistics.median(times) * 1000, 1),
        "queries": len(queries),
        "counted": sum(n for year in counts.values() for n in year.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iccwatch.settings")
    django.setup()
    from django.db.models import Count

    from bench import synthetic
    from front import charts
    from states.models import State
    from visits.models import Visit
    from warrants.models import Person

    if Visit.objects.count() < args.visits:
        synthetic.generate(visits=args.visits)
        synthetic.analyze()
        fill_verdicts()
    persons = list(Person.objects.annotate(n=Count("visits")).order_by("-n"))
    hosts = list(State.objects.annotate(n=Count("visits_hosted")).order_by("-n"))
    result = {
        "visits": Visit.objects.count(),
        "incidents_per_year": timed(charts.incident_counts, args.runs),
    }
    # The busiest person and host (the synthetic data is skewed: tens of thousands of
    # visits) and a typical one (the median).
    for which, person, host in (
        ("busiest", persons[0], hosts[0]),
        ("median", persons[len(persons) // 2], hosts[len(hosts) // 2]),
    ):
        result[f"trips_per_year_{which}_person"] = timed(
            lambda person=person: charts.trip_counts(person), args.runs
        )
        result[f"country_record_{which}_host"] = timed(
            lambda host=host: charts.record_counts(host), args.runs
        )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
