"""Indexes for search (front.search) in its order: each kind of match reads its latest visits first.

Search lists, for each way a visit can match, the latest published visits first (`start
DESC NULLS LAST, slug`), and reads only the first few of each. Most kinds read indexes
that exist already: the published visits in time order (0016's
`visits_visit_published_start`: the latest visits, the visits of crowded places, the
visits with a word of their occasion) and a host's published visits in time order
(`visits_visit_published_host_start`); ties on a day are sorted by slug as they are read.
Two more:

- the published visits with a place, by (host, place, order): a place's latest few are
  read off it and the scan stops, however many visits the place has (its condition
  names the place too, so that a count of all the published visits never reads it);
- (person, review state): the number of a person's published trips is counted from the
  index alone.

Built CONCURRENTLY: no write waits on them.
"""

from django.db import migrations

INDEXES = {
    "visits_visit_place_search_order": (
        "(host_id, place, start DESC NULLS LAST, slug)"
        " WHERE review_state = 'verified' AND place <> ''"
    ),
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
