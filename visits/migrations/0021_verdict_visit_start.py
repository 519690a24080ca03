"""The incidents newest first from one index (measured at 1,000,000 visits, bench/RESULTS.md).

The incidents list (`/incidents/`, newest first) filters on the verdict (`code =
'non_compliance'`) and on the visit (published), and sorts on the visit (`start`): no
index spans the two tables, so a deep page (`?page=2000`) joined 860,000 published visits
to 268,000 incident verdicts and sorted them, or looked each incident's visit up by id,
100,000 times. The verdict now carries copies of its visit's start and published state,
`visit_start` and `visit_published`, and a partial index holds the published incidents
in the list's order, so a page's keys are read from it alone:

- the evaluation writes both with the verdict (visits.flagging, from the visit row it read);
- a trigger on visits_visit keeps them equal to the visit's columns when those change, in
  the same statement, before any re-evaluation (`visits_verdict_follow_visit`);
- existing verdicts are filled from their visits here;
- `visits_verdict_incident_start` (visit_start DESC NULLS LAST, visit_id) WHERE code =
  'non_compliance' AND visit_published, built CONCURRENTLY: no write waits on it.
"""

from django.db import migrations, models

TRIGGER = """
CREATE OR REPLACE FUNCTION visits_verdict_follow_visit() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE visits_verdict
       SET visit_start = NEW.start, visit_published = (NEW.review_state = 'verified')
     WHERE visit_id = NEW.id
       AND (visit_start IS DISTINCT FROM NEW.start
            OR visit_published IS DISTINCT FROM (NEW.review_state = 'verified'));
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS visits_verdict_follow_visit ON visits_visit;
CREATE TRIGGER visits_verdict_follow_visit
    AFTER UPDATE OF start, review_state ON visits_visit
    FOR EACH ROW WHEN (OLD.start IS DISTINCT FROM NEW.start
                       OR OLD.review_state IS DISTINCT FROM NEW.review_state)
    EXECUTE FUNCTION visits_verdict_follow_visit();
"""
DROP_TRIGGER = """
DROP TRIGGER IF EXISTS visits_verdict_follow_visit ON visits_visit;
DROP FUNCTION IF EXISTS visits_verdict_follow_visit();
"""
FILL = """
UPDATE visits_verdict vd
   SET visit_start = v.start, visit_published = (v.review_state = 'verified')
  FROM visits_visit v
 WHERE v.id = vd.visit_id
   AND (vd.visit_start IS DISTINCT FROM v.start
        OR vd.visit_published IS DISTINCT FROM (v.review_state = 'verified'));
"""
INDEX = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS visits_verdict_incident_start "
    "ON visits_verdict (visit_start DESC NULLS LAST, visit_id) "
    "WHERE code = 'non_compliance' AND visit_published;"
)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("visits", "0020_published_person_host_order_indexes")]

    operations = [
        migrations.AddField(
            model_name="verdict",
            name="visit_start",
            field=models.DateField(
                blank=True, editable=False, help_text="The visit's start (a copy).", null=True
            ),
        ),
        migrations.AddField(
            model_name="verdict",
            name="visit_published",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="Whether the visit is published, i.e. verified (a copy).",
            ),
        ),
        # Trigger first, then the fill: a visit changed between the two is caught by either.
        migrations.RunSQL(TRIGGER, reverse_sql=DROP_TRIGGER),
        migrations.RunSQL(FILL, reverse_sql=migrations.RunSQL.noop),
        migrations.RunSQL(
            INDEX, reverse_sql="DROP INDEX CONCURRENTLY IF EXISTS visits_verdict_incident_start;"
        ),
    ]
