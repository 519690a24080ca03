"""Indexes that bound the visit lists and the Changes page at a million visits.

- The published visits in the lists' default order (newest first, unknown dates last, then
  id): a page, however deep, and the capped count read this index only.
- The same per host state (`/visits/?host=REU`).
- (The published visits' ids are indexed by 0015's `visits_visit_published_tally`: a list
  filtered on the verdict, the incidents, is counted by merging it with the next one.)
- Each visit's verdict code and basis: the incidents (and `?verdict=`, and the counts by
  verdict) are found and counted from this index alone, not from the wide verdict rows.
- The history events of visits and of their sources in time order: the Changes page reads
  the newest of each kind instead of sorting every event.

Built CONCURRENTLY: no write waits on them.
"""

from django.db import migrations

INDEXES = {
    "visits_visit_published_start": (
        "visits_visit (start DESC NULLS LAST, id) WHERE review_state = 'verified'"
    ),
    "visits_visit_published_host_start": (
        "visits_visit (host_id, start DESC NULLS LAST, id) WHERE review_state = 'verified'"
    ),
    "visits_verdict_visit_code": "visits_verdict (visit_id, code, basis)",
    "visits_visitevent_created": "visits_visitevent (pgh_created_at, pgh_id)",
    "visits_citationevent_created": "visits_citationevent (pgh_created_at, pgh_id)",
}


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("visits", "0015_list_count_indexes")]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {spec};",
            reverse_sql=f"DROP INDEX CONCURRENTLY IF EXISTS {name};",
        )
        for name, spec in INDEXES.items()
    ]
