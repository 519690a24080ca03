"""A person's names as they sound: `Person.sounds`, for search across languages.

fuzzystrmatch (a PostgreSQL contrib extension, like pg_trgm and unaccent in core's search
migration) gives Double Metaphone: `dmetaphone` and `dmetaphone_alt` code a word by how it
sounds, so that the French press's "Poutine", "Béchir", "Choïgou" and "Kadhafi" code as
"Putin", "Bashir", "Shoigu" and "Gaddafi" do. `name_sounds(name, other_names)` collects the
codes of its words (`sounded_words`: Latin letters once case and accents are folded by
`f_unaccent`, three or more, not a particle such as "abu", "bin" or "the").
A trigger fills `sounds` with it on every insert and update, COPY included (a generated
column would do the same, but Django's checks then ask the server's version, so that
`manage.py check` could not run without a database).
"""

import django.contrib.postgres.fields
from django.db import migrations, models

NAME_SOUNDS = """
CREATE OR REPLACE FUNCTION public.sounded_words(text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT w.word
    FROM regexp_split_to_table(public.f_unaccent(lower($1)), '[^a-z]+') AS w(word)
    WHERE length(w.word) >= 3
      AND w.word <> ALL ('{the,les,des,abu,abou,bin,ibn,ben,von,van,der,den,del,della,and}')
$$;
CREATE OR REPLACE FUNCTION public.name_sounds(name text, other_names text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT s.code ORDER BY s.code), '{}')
    FROM public.sounded_words(
        coalesce(name, '') || ' ' || coalesce(array_to_string(other_names, ' '), '')
    ) AS w(word)
    CROSS JOIN LATERAL (
        VALUES (public.dmetaphone(w.word)), (public.dmetaphone_alt(w.word))
    ) AS s(code)
    WHERE s.code <> ''
$$;
"""

SOUNDS_TRIGGER = """
CREATE FUNCTION warrants_person_sounds() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.sounds := public.name_sounds(NEW.name, NEW.other_names);
    RETURN NEW;
END
$$;
CREATE TRIGGER warrants_person_sounds BEFORE INSERT OR UPDATE ON warrants_person
FOR EACH ROW EXECUTE FUNCTION warrants_person_sounds();
UPDATE warrants_person SET sounds = public.name_sounds(name, other_names);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_search"),
        ("warrants", "0004_warrant_order_by_id"),
    ]

    operations = [
        # In public, where the functions below call it, whatever the search path.
        migrations.RunSQL(
            sql="CREATE EXTENSION IF NOT EXISTS fuzzystrmatch SCHEMA public;",
            reverse_sql="DROP EXTENSION IF EXISTS fuzzystrmatch;",
        ),
        migrations.RunSQL(
            sql=NAME_SOUNDS,
            reverse_sql="""
            DROP FUNCTION IF EXISTS public.name_sounds(text, text[]);
            DROP FUNCTION IF EXISTS public.sounded_words(text);
            """,
        ),
        migrations.AddField(
            model_name="person",
            name="sounds",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.TextField(), blank=True, default=list, editable=False, size=None
            ),
        ),
        migrations.RunSQL(
            sql=SOUNDS_TRIGGER,
            reverse_sql="""
            DROP TRIGGER IF EXISTS warrants_person_sounds ON warrants_person;
            DROP FUNCTION IF EXISTS warrants_person_sounds();
            """,
        ),
    ]
