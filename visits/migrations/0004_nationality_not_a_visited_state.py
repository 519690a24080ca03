from django.db import migrations

# A change of a person's nationality must not turn an existing visit into one to the
# person's own state (docs/DOMAIN.md): the importer refuses it naming both rows; this
# trigger is the database's own guard for every other write path.
CREATE = """
CREATE FUNCTION warrants_person_not_national_of_a_host() RETURNS trigger AS $$
DECLARE
    visit_slug text;
BEGIN
    SELECT v.slug INTO visit_slug FROM visits_visit v
    WHERE v.person_id = NEW.id AND v.host_id = NEW.nationality_id LIMIT 1;
    IF visit_slug IS NOT NULL THEN
        RAISE EXCEPTION 'the new nationality makes visit % one to the person''s own state', visit_slug
            USING ERRCODE = 'check_violation', CONSTRAINT = 'visit_not_own_state';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER person_not_national_of_a_host
    BEFORE UPDATE OF nationality_id ON warrants_person
    FOR EACH ROW WHEN (NEW.nationality_id IS DISTINCT FROM OLD.nationality_id)
    EXECUTE FUNCTION warrants_person_not_national_of_a_host();
"""

DROP = """
DROP TRIGGER IF EXISTS person_not_national_of_a_host ON warrants_person;
DROP FUNCTION IF EXISTS warrants_person_not_national_of_a_host();
"""


# Evaluation requests record their causes as a JSON list (core.causes); a request
# recorded before keeps its words as one cause.
CAUSES_AS_JSON = """
UPDATE visits_evaluationrequest
SET reason = json_build_array(json_build_object('key', 'text', 'text', reason))::text
WHERE left(reason, 1) <> '[';
"""


class Migration(migrations.Migration):
    dependencies = [("visits", "0003_second_edition"), ("warrants", "0001_initial")]

    operations = [
        migrations.RunSQL(CREATE, DROP),
        migrations.RunSQL(CAUSES_AS_JSON, migrations.RunSQL.noop),
    ]
