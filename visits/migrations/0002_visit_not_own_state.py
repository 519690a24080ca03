from django.db import migrations

# A visit to the person's own state of nationality is not a visit. The rule spans
# two tables, so a CHECK constraint cannot express it; this trigger does.
CREATE = """
CREATE FUNCTION visits_visit_not_own_state() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM warrants_person p
        WHERE p.id = NEW.person_id AND p.nationality_id = NEW.host_id
    ) THEN
        RAISE EXCEPTION 'a visit to the person''s own state of nationality is not a visit'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'visit_not_own_state';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER visit_not_own_state
    BEFORE INSERT OR UPDATE OF person_id, host_id ON visits_visit
    FOR EACH ROW EXECUTE FUNCTION visits_visit_not_own_state();
"""

DROP = """
DROP TRIGGER IF EXISTS visit_not_own_state ON visits_visit;
DROP FUNCTION IF EXISTS visits_visit_not_own_state();
"""


class Migration(migrations.Migration):
    dependencies = [("visits", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
