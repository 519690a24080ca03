"""Search support: pg_trgm (typo-tolerant matching), unaccent, and an immutable unaccent wrapper.

unaccent() itself is only STABLE (it reads its dictionary through the search path);
f_unaccent names the dictionary explicitly so that the planner may treat it as
IMMUTABLE and expressions built on it can be indexed later.
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    replaces = [("iccwatch", "0002_search")]

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        migrations.RunSQL(
            sql="""
            CREATE OR REPLACE FUNCTION f_unaccent(text) RETURNS text
            LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
            AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
            """,
            reverse_sql="DROP FUNCTION IF EXISTS f_unaccent(text);",
        ),
    ]
