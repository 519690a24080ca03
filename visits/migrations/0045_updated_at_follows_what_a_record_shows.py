"""A record's `updated_at` moves when anything its API record shows changes, whoever writes.

`updated_at` ("When the record last changed in iccwatch") is a client's change marker: a
state's (`/api/v1/states/?ordering=-updated`), a person's, a warrant's, and a visit's
(with its verdict's `computed_at`, what `?changed_since=` reads). `auto_now` moves it
when the row itself is saved; but a record also shows rows of other tables, which an
import, the admin or a script write without saving it: a state's treaty events (Argentina's
`signed` corrected left its `updated_at` as it was), a warrant's person's name. These
triggers stamp the record that shows a row whenever the row is written, in the same
statement, so that every write path (the importer's upserts and bulk writes, the admin,
a model's save or delete, a many-to-many `set`) moves it:

- a state (api.states.serializers.StateSerializer): its own name, notes and
  `territory_of` (also when written by a bulk update, which `auto_now` does not see), the
  name and code of the State it is a territory of, its sources, its treaty events and
  declarations and their sources, the Security Council referrals binding it, the ICC
  decisions about it (and the persons and published visit they name), the joint
  statements it signed (a signatory added to or removed from one changes the count each
  of its signatories shows), and the situation of a declaration or referral renamed;
- a person (PersonSerializer): its nationality's name and code, its situation's, its
  warrants (`ref`, `issued`, `made_public`) and its sources;
- a warrant (WarrantSerializer): its person's slug and name, their situation, its case's
  name and number, and its sources;
- a published visit (VisitSerializer): its person's slug and name, their situation, its
  host's and controlling state's name and code, the ICC decisions about it, and its
  citations (and the sources they fall back on). Its verdict has its own marker,
  `computed_at`. A withdrawn visit is left alone: its `updated_at` is the day it left the
  record (visits.review.withdrawn_on), which nothing after changes.

A document's details (core_source) changed move every record citing it. A stamp is the
transaction's start (`now()`), written only over an earlier one: a row stamped at or
after it (saved by the same transaction with `auto_now`, or touched already) is left as
it is, so a row touched twice is written once, and a stamp never goes back. Such a row
is read again by any client that asked for changes before this transaction commits
(api.base.changes_horizon is earlier than its start). Touching only `updated_at` fires
none of these triggers again, nor the history's (which leave `updated_at` out).
"""

from django.db import migrations

TRIGGERS = """
CREATE OR REPLACE FUNCTION iccwatch_touch(target regclass, ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    -- A row stamped at or after the transaction's start (saved by it, or touched before)
    -- is stamped already. Only a published visit is: a withdrawn visit's `updated_at` is
    -- the day it left the record (visits.review.withdrawn_on), and one never published
    -- shows nowhere.
    EXECUTE format(
        'UPDATE %s SET updated_at = now() WHERE id = ANY($1) AND updated_at < now()%s',
        target,
        CASE WHEN target = 'visits_visit'::regclass THEN ' AND review_state = ''verified''' ELSE '' END
    ) USING ids;
END
$$;

-- A row that names the record showing it: TG_ARGV[0] the record's table, TG_ARGV[1] the
-- row's column naming it; or, through a row between (a treaty event's source: its event's
-- state), TG_ARGV[1] the column naming the row between, TG_ARGV[2] its table and
-- TG_ARGV[3] its column naming the record.
CREATE OR REPLACE FUNCTION iccwatch_touch_shown_by() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[] := '{}';
BEGIN
    IF TG_OP <> 'INSERT' THEN
        ids := ids || (to_jsonb(OLD) ->> TG_ARGV[1])::bigint;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        ids := ids || (to_jsonb(NEW) ->> TG_ARGV[1])::bigint;
    END IF;
    IF TG_NARGS > 2 THEN
        EXECUTE format('SELECT array_agg(%I) FROM %s WHERE id = ANY($1)', TG_ARGV[3], TG_ARGV[2]::regclass)
            INTO ids USING ids;
    END IF;
    PERFORM iccwatch_touch(TG_ARGV[0]::regclass, ids);
    RETURN NULL;
END
$$;

-- A state's own columns, however written (a bulk update of `territory_of` included).
CREATE OR REPLACE FUNCTION states_state_touch_itself() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
        NEW.updated_at := greatest(OLD.updated_at, now());
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER states_state_touch_itself
    BEFORE UPDATE OF iso3, name, notes, territory_of_id ON states_state
    FOR EACH ROW WHEN ((OLD.iso3, OLD.name, OLD.notes, OLD.territory_of_id)
                       IS DISTINCT FROM (NEW.iso3, NEW.name, NEW.notes, NEW.territory_of_id))
    EXECUTE FUNCTION states_state_touch_itself();

-- A state's name and code, shown by its territories, its nationals and the visits it hosted
-- or whose place it controlled.
CREATE OR REPLACE FUNCTION states_state_touch_showing() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM iccwatch_touch('states_state',
        ARRAY(SELECT id FROM states_state WHERE territory_of_id = NEW.id));
    PERFORM iccwatch_touch('warrants_person',
        ARRAY(SELECT id FROM warrants_person WHERE nationality_id = NEW.id));
    PERFORM iccwatch_touch('visits_visit',
        ARRAY(SELECT id FROM visits_visit WHERE host_id = NEW.id OR controlled_by_id = NEW.id));
    RETURN NULL;
END
$$;
CREATE TRIGGER states_state_touch_showing
    AFTER UPDATE OF iso3, name ON states_state
    FOR EACH ROW WHEN ((OLD.iso3, OLD.name) IS DISTINCT FROM (NEW.iso3, NEW.name))
    EXECUTE FUNCTION states_state_touch_showing();

CREATE TRIGGER states_state_sources_touch
    AFTER INSERT OR UPDATE OR DELETE ON states_state_sources
    FOR EACH ROW EXECUTE FUNCTION iccwatch_touch_shown_by('states_state', 'state_id');
CREATE TRIGGER states_treatyevent_touch
    AFTER INSERT OR UPDATE OR DELETE ON states_treatyevent
    FOR EACH ROW EXECUTE FUNCTION iccwatch_touch_shown_by('states_state', 'state_id');
CREATE TRIGGER states_treatyevent_sources_touch
    AFTER INSERT OR UPDATE OR DELETE ON states_treatyevent_sources
    FOR EACH ROW EXECUTE FUNCTION iccwatch_touch_shown_by(
        'states_state', 'treatyevent_id', 'states_treatyevent', 'state_id');
CREATE TRIGGER states_declaration_touch
    AFTER INSERT OR UPDATE OR DELETE ON states_declaration
    FOR EACH ROW EXECUTE FUNCTION iccwatch_touch_shown_by('states_state', 'state_id');
CREATE TRIGGER states_declaration_sources_touch
    AFTER INSERT OR UPDATE OR DELETE ON states_declaration_sources
    FOR EACH ROW EXECUTE FUNCTION iccwatch_touch_shown_by(
        'states_state', 'declaration_id', 'states_declaration', 'state_id');
CREATE TRIGGER states_referral_bound_states_touch
    AFTER INSERT OR UPDATE OR DELETE ON states_securitycouncilreferral_bound_states
    FOR EACH ROW EXECUTE FUNCTION iccwatch_touch_shown_by('states_state', 'state_id');

-- A referral's resolution, date and situation, shown by each state it binds.
CREATE OR REPLACE FUNCTION states_referral_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM iccwatch_touch('states_state', ARRAY(
        SELECT state_id FROM states_securitycouncilreferral_bound_states
         WHERE securitycouncilreferral_id = NEW.id));
    RETURN NULL;
END
$$;
CREATE TRIGGER states_referral_touch
    AFTER UPDATE OF resolution, adopted, situation_id ON states_securitycouncilreferral
    FOR EACH ROW WHEN ((OLD.resolution, OLD.adopted, OLD.situation_id)
                       IS DISTINCT FROM (NEW.resolution, NEW.adopted, NEW.situation_id))
    EXECUTE FUNCTION states_referral_touch();

-- A joint statement, shown by each state that signed it (with how many are listed).
CREATE OR REPLACE FUNCTION states_jointstatement_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM iccwatch_touch('states_state', ARRAY(
        SELECT state_id FROM states_jointstatement_signatories WHERE jointstatement_id = NEW.id));
    RETURN NULL;
END
$$;
CREATE TRIGGER states_jointstatement_touch
    AFTER UPDATE OF date, title, signatory_count ON states_jointstatement
    FOR EACH ROW WHEN ((OLD.date, OLD.title, OLD.signatory_count)
                       IS DISTINCT FROM (NEW.date, NEW.title, NEW.signatory_count))
    EXECUTE FUNCTION states_jointstatement_touch();

CREATE OR REPLACE FUNCTION states_signatory_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM iccwatch_touch('states_state', ARRAY[OLD.state_id, NEW.state_id] || ARRAY(
        SELECT state_id FROM states_jointstatement_signatories
         WHERE jointstatement_id IN (OLD.jointstatement_id, NEW.jointstatement_id)));
    RETURN NULL;
END
$$;
CREATE TRIGGER states_signatory_touch
    AFTER INSERT OR UPDATE OR DELETE ON states_jointstatement_signatories
    FOR EACH ROW EXECUTE FUNCTION states_signatory_touch();

-- A situation's slug and name, shown by the states whose declarations or referrals name
-- it, and by its persons, their warrants and their visits.
CREATE OR REPLACE FUNCTION warrants_situation_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM iccwatch_touch('states_state', ARRAY(
        SELECT state_id FROM states_declaration WHERE situation_id = NEW.id
        UNION
        SELECT b.state_id FROM states_securitycouncilreferral_bound_states b
          JOIN states_securitycouncilreferral r ON r.id = b.securitycouncilreferral_id
         WHERE r.situation_id = NEW.id));
    PERFORM iccwatch_touch('warrants_person',
        ARRAY(SELECT id FROM warrants_person WHERE situation_id = NEW.id));
    PERFORM iccwatch_touch('warrants_warrant', ARRAY(
        SELECT w.id FROM warrants_warrant w JOIN warrants_person p ON p.id = w.person_id
         WHERE p.situation_id = NEW.id));
    PERFORM iccwatch_touch('visits_visit', ARRAY(
        SELECT v.id FROM visits_visit v JOIN warrants_person p ON p.id = v.person_id
         WHERE p.situation_id = NEW.id));
    RETURN NULL;
END
$$;
CREATE TRIGGER warrants_situation_touch
    AFTER UPDATE OF slug, name ON warrants_situation
    FOR EACH ROW WHEN ((OLD.slug, OLD.name) IS DISTINCT FROM (NEW.slug, NEW.name))
    EXECUTE FUNCTION warrants_situation_touch();

-- A person's slug, name and situation, shown by its warrants and visits; its slug, by
-- the states of the decisions naming it.
CREATE OR REPLACE FUNCTION warrants_person_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM iccwatch_touch('warrants_warrant',
        ARRAY(SELECT id FROM warrants_warrant WHERE person_id = NEW.id));
    PERFORM iccwatch_touch('visits_visit',
        ARRAY(SELECT id FROM visits_visit WHERE person_id = NEW.id));
    IF OLD.slug IS DISTINCT FROM NEW.slug THEN
        PERFORM iccwatch_touch('states_state', ARRAY(
            SELECT f.state_id FROM visits_finding f
              JOIN visits_finding_persons fp ON fp.finding_id = f.id
             WHERE fp.person_id = NEW.id));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER warrants_person_touch
    AFTER UPDATE OF slug, name, situation_id ON warrants_person
    FOR EACH ROW WHEN ((OLD.slug, OLD.name, OLD.situation_id)
                       IS DISTINCT FROM (NEW.slug, NEW.name, NEW.situation_id))
    EXECUTE FUNCTION warrants_person_touch();
CREATE TRIGGER warrants_person_sources_touch
    AFTER INSERT OR UPDATE OR DELETE ON warrants_person_sources
    FOR EACH ROW EXECUTE FUNCTION iccwatch_touch_shown_by('warrants_person', 'person_id');

-- A warrant, listed by its person (`ref`, `issued`, `made_public`).
CREATE TRIGGER warrants_warrant_added_or_removed_touch
    AFTER INSERT OR DELETE ON warrants_warrant
    FOR EACH ROW EXECUTE FUNCTION iccwatch_touch_shown_by('warrants_person', 'person_id');
CREATE TRIGGER warrants_warrant_touch
    AFTER UPDATE OF ref, issued, made_public, person_id ON warrants_warrant
    FOR EACH ROW WHEN ((OLD.ref, OLD.issued, OLD.made_public, OLD.person_id)
                       IS DISTINCT FROM (NEW.ref, NEW.issued, NEW.made_public, NEW.person_id))
    EXECUTE FUNCTION iccwatch_touch_shown_by('warrants_person', 'person_id');
CREATE TRIGGER warrants_warrant_sources_touch
    AFTER INSERT OR UPDATE OR DELETE ON warrants_warrant_sources
    FOR EACH ROW EXECUTE FUNCTION iccwatch_touch_shown_by('warrants_warrant', 'warrant_id');

-- A case's name and number, shown by its warrants.
CREATE OR REPLACE FUNCTION warrants_case_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM iccwatch_touch('warrants_warrant',
        ARRAY(SELECT id FROM warrants_warrant WHERE case_id = NEW.id));
    RETURN NULL;
END
$$;
CREATE TRIGGER warrants_case_touch
    AFTER UPDATE OF name, number ON warrants_case
    FOR EACH ROW WHEN ((OLD.name, OLD.number) IS DISTINCT FROM (NEW.name, NEW.number))
    EXECUTE FUNCTION warrants_case_touch();

-- An ICC decision, shown by the state it concerns (with the other decisions about the same
-- visit, whose `counts_as_finding` it may change) and, in short, by its visit.
CREATE OR REPLACE FUNCTION visits_finding_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM iccwatch_touch('states_state', ARRAY[OLD.state_id, NEW.state_id] || ARRAY(
        SELECT state_id FROM visits_finding WHERE visit_id IN (OLD.visit_id, NEW.visit_id)));
    IF TG_OP <> 'UPDATE'
       OR (OLD.visit_id, OLD.decided, OLD.decided_precision, OLD.kind, OLD.referred_to_asp,
           OLD.referred_to_unsc)
          IS DISTINCT FROM (NEW.visit_id, NEW.decided, NEW.decided_precision, NEW.kind,
                            NEW.referred_to_asp, NEW.referred_to_unsc) THEN
        PERFORM iccwatch_touch('visits_visit', ARRAY[OLD.visit_id, NEW.visit_id]);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER visits_finding_added_or_removed_touch
    AFTER INSERT OR DELETE ON visits_finding
    FOR EACH ROW EXECUTE FUNCTION visits_finding_touch();
CREATE TRIGGER visits_finding_touch
    AFTER UPDATE ON visits_finding
    FOR EACH ROW WHEN ((OLD.state_id, OLD.visit_id, OLD.decided, OLD.decided_precision, OLD.kind,
                        OLD.chamber, OLD.decision_reference, OLD.referred_to_asp,
                        OLD.referred_to_unsc)
                       IS DISTINCT FROM (NEW.state_id, NEW.visit_id, NEW.decided,
                                         NEW.decided_precision, NEW.kind, NEW.chamber,
                                         NEW.decision_reference, NEW.referred_to_asp,
                                         NEW.referred_to_unsc))
    EXECUTE FUNCTION visits_finding_touch();
CREATE TRIGGER visits_finding_persons_touch
    AFTER INSERT OR UPDATE OR DELETE ON visits_finding_persons
    FOR EACH ROW EXECUTE FUNCTION iccwatch_touch_shown_by(
        'states_state', 'finding_id', 'visits_finding', 'state_id');

-- A visit's id and whether a reader may open it, shown by the states of its decisions.
CREATE OR REPLACE FUNCTION visits_visit_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM iccwatch_touch('states_state',
        ARRAY(SELECT state_id FROM visits_finding WHERE visit_id = NEW.id));
    RETURN NULL;
END
$$;
CREATE TRIGGER visits_visit_touch
    AFTER UPDATE OF slug, review_state ON visits_visit
    FOR EACH ROW WHEN ((OLD.slug, OLD.review_state) IS DISTINCT FROM (NEW.slug, NEW.review_state))
    EXECUTE FUNCTION visits_visit_touch();
CREATE TRIGGER visits_citation_touch
    AFTER INSERT OR UPDATE OR DELETE ON visits_visit_sources
    FOR EACH ROW EXECUTE FUNCTION iccwatch_touch_shown_by('visits_visit', 'visit_id');

-- A document's details, shown by every record citing it.
CREATE OR REPLACE FUNCTION core_source_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM iccwatch_touch('states_state', ARRAY(
        SELECT state_id FROM states_state_sources WHERE source_id = NEW.id
        UNION
        SELECT e.state_id FROM states_treatyevent_sources s
          JOIN states_treatyevent e ON e.id = s.treatyevent_id WHERE s.source_id = NEW.id
        UNION
        SELECT d.state_id FROM states_declaration_sources s
          JOIN states_declaration d ON d.id = s.declaration_id WHERE s.source_id = NEW.id));
    PERFORM iccwatch_touch('warrants_person',
        ARRAY(SELECT person_id FROM warrants_person_sources WHERE source_id = NEW.id));
    PERFORM iccwatch_touch('warrants_warrant',
        ARRAY(SELECT warrant_id FROM warrants_warrant_sources WHERE source_id = NEW.id));
    PERFORM iccwatch_touch('visits_visit',
        ARRAY(SELECT visit_id FROM visits_visit_sources WHERE source_id = NEW.id));
    RETURN NULL;
END
$$;
CREATE TRIGGER core_source_touch
    AFTER UPDATE OF url, publisher, published, excerpt, archived_url ON core_source
    FOR EACH ROW WHEN ((OLD.url, OLD.publisher, OLD.published, OLD.excerpt, OLD.archived_url)
                       IS DISTINCT FROM (NEW.url, NEW.publisher, NEW.published, NEW.excerpt,
                                         NEW.archived_url))
    EXECUTE FUNCTION core_source_touch();
"""

DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS core_source_touch ON core_source;
DROP FUNCTION IF EXISTS core_source_touch();
DROP TRIGGER IF EXISTS visits_citation_touch ON visits_visit_sources;
DROP TRIGGER IF EXISTS visits_visit_touch ON visits_visit;
DROP FUNCTION IF EXISTS visits_visit_touch();
DROP TRIGGER IF EXISTS visits_finding_persons_touch ON visits_finding_persons;
DROP TRIGGER IF EXISTS visits_finding_touch ON visits_finding;
DROP TRIGGER IF EXISTS visits_finding_added_or_removed_touch ON visits_finding;
DROP FUNCTION IF EXISTS visits_finding_touch();
DROP TRIGGER IF EXISTS warrants_case_touch ON warrants_case;
DROP FUNCTION IF EXISTS warrants_case_touch();
DROP TRIGGER IF EXISTS warrants_warrant_sources_touch ON warrants_warrant_sources;
DROP TRIGGER IF EXISTS warrants_warrant_touch ON warrants_warrant;
DROP TRIGGER IF EXISTS warrants_warrant_added_or_removed_touch ON warrants_warrant;
DROP TRIGGER IF EXISTS warrants_person_sources_touch ON warrants_person_sources;
DROP TRIGGER IF EXISTS warrants_person_touch ON warrants_person;
DROP FUNCTION IF EXISTS warrants_person_touch();
DROP TRIGGER IF EXISTS warrants_situation_touch ON warrants_situation;
DROP FUNCTION IF EXISTS warrants_situation_touch();
DROP TRIGGER IF EXISTS states_signatory_touch ON states_jointstatement_signatories;
DROP FUNCTION IF EXISTS states_signatory_touch();
DROP TRIGGER IF EXISTS states_jointstatement_touch ON states_jointstatement;
DROP FUNCTION IF EXISTS states_jointstatement_touch();
DROP TRIGGER IF EXISTS states_referral_touch ON states_securitycouncilreferral;
DROP FUNCTION IF EXISTS states_referral_touch();
DROP TRIGGER IF EXISTS states_referral_bound_states_touch ON states_securitycouncilreferral_bound_states;
DROP TRIGGER IF EXISTS states_declaration_sources_touch ON states_declaration_sources;
DROP TRIGGER IF EXISTS states_declaration_touch ON states_declaration;
DROP TRIGGER IF EXISTS states_treatyevent_sources_touch ON states_treatyevent_sources;
DROP TRIGGER IF EXISTS states_treatyevent_touch ON states_treatyevent;
DROP TRIGGER IF EXISTS states_state_sources_touch ON states_state_sources;
DROP TRIGGER IF EXISTS states_state_touch_showing ON states_state;
DROP FUNCTION IF EXISTS states_state_touch_showing();
DROP TRIGGER IF EXISTS states_state_touch_itself ON states_state;
DROP FUNCTION IF EXISTS states_state_touch_itself();
DROP FUNCTION IF EXISTS iccwatch_touch_shown_by();
DROP FUNCTION IF EXISTS iccwatch_touch(regclass, bigint[]);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_roles"),
        ("states", "0008_jointstatement_slug"),
        ("warrants", "0006_person_status_label_not_in_court_custody"),
        ("visits", "0044_finding_slug"),
    ]

    operations = [migrations.RunSQL(TRIGGERS, reverse_sql=DROP_TRIGGERS)]
