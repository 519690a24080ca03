"""An index that bounds the public changes (/changes/, its feed, /api/v1/changes/) at a
million visits: the updates and deletions of sources (visits.history.SOURCE_CHANGES, the
only source events the public sees) in time order. Without it each page and its count
scanned every source event ever recorded, the inserts of every cited document included
(2.5 million at a million visits: 0.9 s a page).

Partial: the inserts, nearly every row, are left out. Built CONCURRENTLY: no write waits
on it.
"""

from django.db import migrations

NAME = "core_sourceevent_change_created"


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("core", "0005_source_history")]

    operations = [
        migrations.RunSQL(
            sql=(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {NAME} ON core_sourceevent "
                "(pgh_created_at, pgh_id) WHERE pgh_label IN ('update', 'delete');"
            ),
            reverse_sql=f"DROP INDEX CONCURRENTLY IF EXISTS {NAME};",
        )
    ]
