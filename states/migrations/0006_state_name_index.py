"""An index on the states' names (then id): the visits sorted by host (`/visits/?ordering=host`)
walk the states in name order and each one's visits by date, instead of sorting a million
visits. Built CONCURRENTLY: no write waits on it."""

from django.db import migrations


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("states", "0005_history")]

    operations = [
        migrations.RunSQL(
            sql="CREATE INDEX CONCURRENTLY IF NOT EXISTS states_state_name_id "
            "ON states_state (name, id);",
            reverse_sql="DROP INDEX CONCURRENTLY IF EXISTS states_state_name_id;",
        )
    ]
