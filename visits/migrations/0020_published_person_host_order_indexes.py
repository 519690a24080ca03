"""Indexes for one person's or one host's published visits in the lists' orders, measured
at 1,000,000 visits (bench/RESULTS.md):

- `visits_visit_published_person_start`: a person's visits newest first (the site's list
  `/visits/?person=…` and the person page's latest trips). The synthetic busiest person
  has 83,734 published visits: their keys were read from the heap and sorted, 200 ms.
- `visits_visit_published_host_order`: the API's default order (start, slug) for one
  host, with the id, so that a deep page (`/api/v1/visits/?host=REU&page=1000`) skips its
  offset in the index alone instead of sorting the host's 112,012 visits (300 ms,
  spilling to disk).

(`visits_visit_published_host_start`, 0016, already serves one host newest first.)
Built CONCURRENTLY: no write waits on them.
"""

from django.db import migrations

INDEXES = {
    "visits_visit_published_person_start": (
        "visits_visit (person_id, start DESC NULLS LAST, id) WHERE review_state = 'verified'"
    ),
    "visits_visit_published_host_order": (
        "visits_visit (host_id, start, slug) INCLUDE (id) WHERE review_state = 'verified'"
    ),
}


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("visits", "0019_verdict_code_known")]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {spec};",
            reverse_sql=f"DROP INDEX CONCURRENTLY IF EXISTS {name};",
        )
        for name, spec in INDEXES.items()
    ]
