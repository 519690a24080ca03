"""The API's visit list index (published visits by start, then slug) carries the start's
precision, as migration 0030 gave the site's two indexes by start.

`?start_after=` reads a partial start as some day of its month or year (visits.filters:
`start_after`, core.filters.PartialDateAfterFilter), which needs `start_precision` beside
`start`. The API lists visits by start then slug (`visits_visit_published_order`,
migration 0017), and without the
precision in that index every key of a page was looked up in the table: at 1M visits the
keys of `/api/v1/visits/?start_after=2015-03-15&page=2000` took 214 ms (an index scan
reading 105,000 buffers); carried as an INCLUDE column, they are read from the index alone.
Built anew CONCURRENTLY under a temporary name, then swapped in, as 0030 does: no write
waits, and no moment without the index. Django's state gets the same index through
SeparateDatabaseAndState.
"""

from django.db import migrations, models
from django.db.models import Q

NAME = "visits_visit_published_order"
AFTER = "visits_visit (start, slug) INCLUDE (id, start_precision) WHERE review_state = 'verified'"
BEFORE = "visits_visit (start, slug) INCLUDE (id) WHERE review_state = 'verified'"


def _replace(spec: str) -> list[str]:
    return [
        f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}_new;",
        f"CREATE INDEX CONCURRENTLY {NAME}_new ON {spec};",
        f"DROP INDEX CONCURRENTLY IF EXISTS {NAME};",
        f"ALTER INDEX {NAME}_new RENAME TO {NAME};",
    ]


def _index(include: list[str]) -> models.Index:
    return models.Index(
        fields=["start", "slug"],
        include=include,
        name=NAME,
        condition=Q(review_state="verified"),
    )


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("visits", "0030_published_start_precision")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(sql=_replace(AFTER), reverse_sql=_replace(BEFORE))
            ],
            state_operations=[
                migrations.RemoveIndex(model_name="visit", name=NAME),
                migrations.AddIndex(model_name="visit", index=_index(["id", "start_precision"])),
            ],
        )
    ]
