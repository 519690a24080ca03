"""A person's, a warrant's and a visit's `updated_at` move when their own shown columns
change, however written.

`auto_now` moves `updated_at` only when Django saves the row. A bulk `update()` (a
script's, an admin action's) and an `UPDATE` run in psql wrote a person's name, a
warrant's notes or a visit's place without moving it, so `?changed_since=` and
`?ordering=-updated` never told a client keeping a copy in step (migration 0045 did this
for a state's own columns only). As `states_state_touch_itself` does, a BEFORE UPDATE
trigger stamps the row with the transaction's start (`now()`, never earlier than its
stamp) when a column its API record shows changed (IS DISTINCT FROM: the same value
written again moves nothing) and the statement did not write `updated_at` itself (a
model's save, whose `auto_now` already did). Columns no record shows (a visit's
researchers' `notes`, its `dataset_version`, `created_by`/`updated_by`; a person's
`sounds`) move nothing, nor does a verdict, which has its own marker (`computed_at`).

What each record shows (api.warrants.serializers, api.visits.serializers):

- a person: slug, name, other names, nationality, birth date and its precision, role,
  situation, status and its date, notes;
- a warrant: ref, person, case, issue and publication dates and their precisions,
  charges, end and its reason, notes;
- a visit: slug, person, host, host control and the controlling state, place, dates and
  their precisions, occasion, status, outcome, host notified, the host's justification,
  the text's language, review state, withdrawal note and the expected verdict. A visit
  that left the record (withdrawn or rejected) keeps the day it left as its `updated_at`
  (visits.review.withdrawn_on): it moves only when its review state changes.

Findings, joint statements, declarations and referrals have no `updated_at` of their own:
what they change is stamped on the records showing them (migration 0045).
"""

from django.db import migrations

PERSON = (
    "slug, name, other_names, nationality_id, born, born_precision, role, situation_id, "
    "status, status_date, notes"
)
WARRANT = (
    "ref, person_id, case_id, issued, issued_precision, made_public, made_public_precision, "
    "charges, ended, end_reason, notes"
)
VISIT = (
    'slug, person_id, host_id, host_control, controlled_by_id, place, start, start_precision, "end", '
    "end_precision, end_known, occasion, status, outcome, host_notified, host_justification, "
    "text_language, review_state, withdrawal_note, expected_verdict"
)


def _row(prefix: str, columns: str) -> str:
    return "(" + ", ".join(f"{prefix}.{c.strip()}" for c in columns.split(",")) + ")"


def _trigger(table: str, columns: str, extra: str = "") -> str:
    return f"""
CREATE TRIGGER {table}_touch_itself
    BEFORE UPDATE OF {columns} ON {table}
    FOR EACH ROW WHEN ({_row("OLD", columns)} IS DISTINCT FROM {_row("NEW", columns)}{extra})
    EXECUTE FUNCTION iccwatch_touch_itself();
"""


TRIGGERS = (
    """
-- A row's own shown columns changed by a statement that did not write `updated_at`.
CREATE OR REPLACE FUNCTION iccwatch_touch_itself() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
        NEW.updated_at := greatest(OLD.updated_at, now());
    END IF;
    RETURN NEW;
END
$$;
"""
    + _trigger("warrants_person", PERSON)
    + _trigger("warrants_warrant", WARRANT)
    + _trigger(
        "visits_visit",
        VISIT,
        " AND (NEW.review_state NOT IN ('withdrawn', 'rejected')"
        " OR OLD.review_state IS DISTINCT FROM NEW.review_state)",
    )
)

DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS visits_visit_touch_itself ON visits_visit;
DROP TRIGGER IF EXISTS warrants_warrant_touch_itself ON warrants_warrant;
DROP TRIGGER IF EXISTS warrants_person_touch_itself ON warrants_person;
DROP FUNCTION IF EXISTS iccwatch_touch_itself();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("warrants", "0006_person_status_label_not_in_court_custody"),
        ("visits", "0051_range_evaluation_request"),
    ]

    operations = [migrations.RunSQL(TRIGGERS, reverse_sql=DROP_TRIGGERS)]
