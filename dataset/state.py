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

from django.conf import settings
from django.db import connection

from core.locale import query_digest
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


# A moment in a file name: ISO 8601's basic format in UTC ("20261205T234017Z"), which has
# no colon (Windows refuses one in a file name) and sorts as the moments do.
NAME_MOMENT = "%Y%m%dT%H%M%SZ"


def download_name(
    stem: str,
    extension: str,
    state: DataState,
    *,
    language: str = "",
    filters: str = "",
    as_of: datetime.date | None = None,
) -> str:
    """A download's file name, the same for the site's and the API's (data/DICTIONARY.md,
    "Which data, and when"): what its rows are, so that two files of other rows never
    share a name, and a cited name says what it holds.

    `iccwatch-<list>-<version>[-changes-<moment>][-<language>][-<filters>][-as-of-<day>].<ext>`:

    - `stem`, "iccwatch-visits" (the list; "iccwatch-<resource>-<id>" for one record of
      the API: "iccwatch-visit-<id>", "iccwatch-state-MNG");
    - the data's dataset version (`state.version`, the latest import's), followed by
      "changes-" and the moment the data last changed (`state.changed_at`, UTC, in
      NAME_MOMENT's form) when it changed after that import (`changed_since_import`: a
      newsroom edit, which the version's files do not hold); without a recorded version,
      "data-" and that moment; neither on an empty database;
    - the language of its words (explanations, translated names) when it is not the
      site's default, English: "fr";
    - a digest of the filters when the rows are filtered (`filters`, their canonical
      query string, core.locale.canonical_filters; its digest, core.locale.query_digest,
      ends the list's BibTeX key too): the same filters, in any order, give the same name
      on the site and in the API, the sort and the page none;
    - "as-of-" and the day of an `as_of` (the API's past verdicts and standings).

    'iccwatch-visits-2026.12.04.csv', 'iccwatch-visits-2026.12.04-changes-20261205T234017Z-fr-06577de2.csv',
    'iccwatch-states-2026.12.04-as-of-2020-01-01.csv'."""
    parts = [stem]
    version = _name_part(state.version or "")
    moment = (
        state.changed_at.astimezone(datetime.UTC).strftime(NAME_MOMENT) if state.changed_at else ""
    )
    if version:
        parts.append(version)
        if state.changed_since_import and moment:
            parts += ["changes", moment]
    elif moment:
        parts += ["data", moment]
    language = _name_part(language.lower())
    if language and language != settings.LANGUAGE_CODE:
        parts.append(language)
    if filters:
        parts.append(query_digest(filters))
    if as_of is not None:
        parts += ["as-of", as_of.isoformat()]
    return "-".join(parts) + f".{extension}"


def _name_part(text: str) -> str:
    """`text` as a part of a file name: letters, digits, dots, underscores and hyphens only."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")
