"""Copies of the visit's start and published state on its verdict (the incidents newest
first from one index: measured at 1,000,000 visits, bench/RESULTS.md).

The incidents list (`/incidents/`, newest first) filters on the verdict (`code =
'non_compliance'`) and on the visit (published), and sorts on the visit (`start`): no
index spans the two tables, so a deep page (`?page=2000`) joined 860,000 published visits
to 268,000 incident verdicts and sorted them, or looked each incident's visit up by id,
100,000 times. The verdict now carries copies of its visit's start and published state,
`visit_start` and `visit_published`, kept by two triggers whatever writes the rows:

- `visits_verdict_copy_visit`, BEFORE INSERT on visits_verdict: a new verdict (the
  evaluation's COPY or upsert, the ORM, a script) takes them from its visit row;
- `visits_verdict_follow_visit`, AFTER UPDATE OF start, review_state on visits_visit:
  a change to the visit updates its verdict's copies in the same statement, before any
  re-evaluation.

This migration only adds the columns and the triggers (quick, in one transaction: a
constant default is not written to each row). 0022 fills the copies of the existing verdicts in
batches and builds the index.
"""

from django.db import migrations, models

TRIGGERS = """
CREATE OR REPLACE FUNCTION visits_verdict_copy_visit() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    SELECT v.start, v.review_state = 'verified' INTO NEW.visit_start, NEW.visit_published
      FROM visits_visit v WHERE v.id = NEW.visit_id;
    NEW.visit_published := coalesce(NEW.visit_published, false);
    RETURN NEW;
END
$$;
DROP TRIGGER IF EXISTS visits_verdict_copy_visit ON visits_verdict;
CREATE TRIGGER visits_verdict_copy_visit
    BEFORE INSERT ON visits_verdict
    FOR EACH ROW EXECUTE FUNCTION visits_verdict_copy_visit();

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
DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS visits_verdict_follow_visit ON visits_visit;
DROP FUNCTION IF EXISTS visits_verdict_follow_visit();
DROP TRIGGER IF EXISTS visits_verdict_copy_visit ON visits_verdict;
DROP FUNCTION IF EXISTS visits_verdict_copy_visit();
"""


class Migration(migrations.Migration):
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
        migrations.RunSQL(TRIGGERS, reverse_sql=DROP_TRIGGERS),
    ]
