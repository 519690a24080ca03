"""Fill the existing verdicts' copies of their visit's start and published state (0021),
then build the index that holds the published incidents newest first.

Outside a transaction, so that no write waits long on it:

- the copies are filled in batches of FILL_BATCH verdicts by id, each committed on its
  own (one UPDATE of every verdict would lock them all for its whole run: 33 s at
  1,000,000 visits); the triggers of 0021 already keep every verdict written meanwhile;
- VACUUM ANALYZE, so that the index below answers from the index alone at once (the fill
  rewrote every row) and the planner knows the new columns;
- `visits_verdict_incident_start` (visit_start DESC NULLS LAST, visit_id) WHERE code =
  'non_compliance' AND visit_published, built CONCURRENTLY; an invalid one left by a
  failed build is dropped first, so a rerun builds it again.
"""

from django.db import migrations

FILL_BATCH = 50_000
INDEX = "visits_verdict_incident_start"


def fill_copies(apps, schema_editor):
    with schema_editor.connection.cursor() as cur:
        cur.execute("SELECT min(visit_id), max(visit_id) FROM visits_verdict")
        low, high = cur.fetchone()
        if low is None:
            return
        for after in range(low - 1, high, FILL_BATCH):
            cur.execute(
                """
                UPDATE visits_verdict vd
                   SET visit_start = v.start, visit_published = (v.review_state = 'verified')
                  FROM visits_visit v
                 WHERE v.id = vd.visit_id AND vd.visit_id > %s AND vd.visit_id <= %s
                   AND (vd.visit_start IS DISTINCT FROM v.start
                        OR vd.visit_published IS DISTINCT FROM (v.review_state = 'verified'))
                """,
                [after, after + FILL_BATCH],
            )


def build_index(apps, schema_editor):
    with schema_editor.connection.cursor() as cur:
        cur.execute(
            "SELECT NOT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = %s",
            [INDEX],
        )
        row = cur.fetchone()
        if row is not None and row[0]:
            cur.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
        cur.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} "
            "ON visits_verdict (visit_start DESC NULLS LAST, visit_id) "
            "WHERE code = 'non_compliance' AND visit_published"
        )


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("visits", "0021_verdict_visit_start")]

    operations = [
        migrations.RunPython(fill_copies, migrations.RunPython.noop, atomic=False),
        migrations.RunSQL("VACUUM ANALYZE visits_verdict;", migrations.RunSQL.noop),
        migrations.RunPython(
            build_index,
            lambda apps, schema_editor: schema_editor.execute(
                f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}"
            ),
            atomic=False,
        ),
    ]
