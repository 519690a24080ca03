"""Which data the site shows: the latest import's dataset version, and when the public data
last changed since (a newsroom correction, a verified report, an edit, a verdict changed).

A dataset version names files (data/*.csv); what a page shows is those files as imported,
plus every change made on the site after the import. So a citation (front.citations),
a list's download (front.listing) and the bulk files of /data/ (dataset.bulk) name both:
the version, and the moment the data last changed. That moment is read from the data
itself (the latest change to a visit, person, warrant or state, verdict change or
import), never from the page cache's data version (core.pagecache), which is a counter in
Redis that a flush resets and that no reader could look up: the same data gives the same
moment, on every server, and it is the `data_as_of` of the bulk files built from that data,
so a citation names the build of /data/ that holds what the page showed.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from dataset.models import DatasetImport
from states.models import State
from visits.models import VerdictChange, Visit
from warrants.models import Person, Warrant

# (model, the column that says when a row last changed): the moments `changed_at` is the
# latest of, with the latest import's time.
_CHANGES = (
    (Visit, "updated_at"),
    (Person, "updated_at"),
    (Warrant, "updated_at"),
    (State, "updated_at"),
    (VerdictChange, "changed_at"),
    (DatasetImport, "imported_at"),
)


@dataclass(frozen=True)
class DataState:
    """The data as the site has it: `version`, the latest import's dataset version (None
    when nothing was imported, "" when that import's folder had no VERSION);
    `imported_at`, when that import ran (None without one); `changed_at`, when the
    public data last changed (that import included), in UTC to the second (None on an
    empty database); `changed_since_import`, whether anything changed after that import
    (True when the database holds data and nothing was imported): then the dataset
    version alone does not say what the site shows."""

    version: str | None
    imported_at: datetime.datetime | None
    changed_at: datetime.datetime | None
    changed_since_import: bool = False

    @property
    def changed_at_iso(self) -> str:
        """`changed_at` as ISO 8601 in UTC ('2026-12-05T11:40:17Z'), '' when None."""
        if self.changed_at is None:
            return ""
        return self.changed_at.isoformat().replace("+00:00", "Z")


def data_state() -> DataState:
    """The data's state now (`DataState`), in one query: the latest import (as
    DatasetImport.latest_version orders them) and the latest of the moments of `_CHANGES`,
    each read from its own maximum (an index's last entry where there is one)."""
    latest = ", ".join(
        f'(SELECT MAX("{model._meta.get_field(name).column}") FROM "{model._meta.db_table}")'
        for model, name in _CHANGES
    )
    imports = DatasetImport._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT latest.version, latest.imported_at, changed.at,
                   changed.at > COALESCE(latest.imported_at, '-infinity')
            FROM (SELECT GREATEST({latest}) AS at) AS changed
            LEFT JOIN LATERAL (
                SELECT version, imported_at FROM "{imports}"
                ORDER BY imported_at DESC, id DESC LIMIT 1
            ) AS latest ON TRUE
            """  # noqa: S608 - the tables and columns are the models' own
        )
        version, imported_at, changed_at, changed_since = cursor.fetchone()
    return DataState(
        version=version,
        imported_at=imported_at,
        changed_at=(
            changed_at.astimezone(datetime.UTC).replace(microsecond=0)
            if changed_at is not None
            else None
        ),
        changed_since_import=bool(changed_since),
    )


def download_name(
    stem: str, extension: str, state: DataState, made: datetime.datetime | None = None
) -> str:
    """A download's file name: `stem`, the data's dataset version (left out when no import
    recorded one), the day the file was made (`made`, UTC; now by default) and
    `extension`: 'iccwatch-visits-2026.12.04-2026-12-05.csv'. A file saved from the site
    or the API says which data it holds and when it was taken, as its citation does."""
    made = made or timezone.now()
    version = re.sub(r"[^A-Za-z0-9._-]+", "-", state.version or "").strip("-.")
    day = made.astimezone(datetime.UTC).date().isoformat()
    return "-".join(part for part in (stem, version, day) if part) + f".{extension}"
