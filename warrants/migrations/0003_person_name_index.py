"""An index on the persons' names (then id): the visits sorted by person
(`/visits/?ordering=person`) walk the persons in name order and each one's visits by
date, instead of sorting a million visits. Built CONCURRENTLY: no write waits on it."""

from django.db import migrations


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("warrants", "0002_history")]

    operations = [
        migrations.RunSQL(
            sql="CREATE INDEX CONCURRENTLY IF NOT EXISTS warrants_person_name_id "
            "ON warrants_person (name, id);",
            reverse_sql="DROP INDEX CONCURRENTLY IF EXISTS warrants_person_name_id;",
        )
    ]
