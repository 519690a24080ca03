"""Indexes for search (front.search) at a million visits.

Each way search finds a visit by its own text is an indexed lookup on the exact expression
the query uses: the place's trigrams (typos: "Ulaanbatar"), the place's words and the
occasion's words (full text, 'simple' configuration, accents and case folded by
f_unaccent(lower(...)), core migration 0002). A person's trips and a host's visits are
found through the foreign keys' own indexes. Built CONCURRENTLY: no write waits on it.
"""

from django.db import migrations

INDEXES = {
    "visits_visit_place_trgm": "gin (f_unaccent(lower(place)) gin_trgm_ops)",
    "visits_visit_place_words": "gin (to_tsvector('simple', f_unaccent(lower(place))))",
    "visits_visit_occasion_words": "gin (to_tsvector('simple', f_unaccent(lower(occasion))))",
}


class Migration(migrations.Migration):
    atomic = False
    dependencies = [
        ("core", "0002_search"),
        ("visits", "0010_evaluationrequest_relayed_at"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON visits_visit USING {spec};",
            reverse_sql=f"DROP INDEX CONCURRENTLY IF EXISTS {name};",
        )
        for name, spec in INDEXES.items()
    ]
