"""Indexes in search's order (front.search): each kind of match reads its latest visits first.

Search lists, for each way a visit can match, the latest visits first (`start DESC NULLS
LAST, slug`). An index in exactly that order lets each branch read its first few entries
and stop, however many visits match: a host's visits (host, order), a place's visits
(host, place, order), and visits whose occasion has a very common word (order; the
occasion's words index serves the rare ones). A person's published trips are counted
on (person, review state) without reading the visits. Built CONCURRENTLY: no write waits on it.
"""

from django.db import migrations

ORDER = "start DESC NULLS LAST, slug"
INDEXES = {
    "visits_visit_search_order": f"({ORDER})",
    "visits_visit_host_search_order": f"(host_id, {ORDER})",
    "visits_visit_place_search_order": f"(host_id, place, {ORDER})",
    # A person's published trips counted from the index alone (search's "12 trips").
    "visits_visit_person_review": "(person_id, review_state)",
}


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("visits", "0017_paging_indexes")]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON visits_visit {spec};",
            reverse_sql=f"DROP INDEX CONCURRENTLY IF EXISTS {name};",
        )
        for name, spec in INDEXES.items()
    ]
