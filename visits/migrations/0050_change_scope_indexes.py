"""Indexes that bound the Changes page of one state or one visit (/changes/?state=HUN,
/changes/?visit=…) at a million visits: the history events of the visits a state hosted,
of one visit, and of one visit's sources, each in time order, so that a page reads the
newest events of that record instead of sorting all of its history.

Built CONCURRENTLY: no write waits on them.
"""

from django.db import migrations

INDEXES = {
    "visits_visitevent_host_created": "visits_visitevent (host_id, pgh_created_at, pgh_id)",
    "visits_visitevent_obj_created": "visits_visitevent (pgh_obj_id, pgh_created_at, pgh_id)",
    "visits_citationevent_visit_created": (
        "visits_citationevent (visit_id, pgh_created_at, pgh_id)"
    ),
    "visits_withdrawalcitationevent_visit_created": (
        "visits_withdrawalcitationevent (visit_id, pgh_created_at, pgh_id)"
    ),
}


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("visits", "0049_visit_end_known")]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {spec};",
            reverse_sql=f"DROP INDEX CONCURRENTLY IF EXISTS {name};",
        )
        for name, spec in INDEXES.items()
    ]
