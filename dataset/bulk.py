"""The bulk downloads at /data/: the whole public dataset with the computed verdicts and their
history, as a zip of CSV files and as one SQLite file.

Both hold the same tables (`TABLES`), read from the database in chunks and written by
`core.tabular` (the export format of data/DICTIONARY.md): one table per model, keyed by
its database `id`, with foreign keys as `<name>_id` columns and a companion table per
many-to-many relation (`visit_sources`, `verdict_warrants`, `finding_persons`, ...) and
for the sources a withdrawal cites (`withdrawal_sources`), so that several warrants or
sources are several rows, never several values in one cell.

Only what the public sees is included: verified visits and those withdrawn from the
record (with their `withdrawn` verdict), never a report awaiting review, nor researchers'
notes, nor who edited what. Each file carries the codebook (every column with its type
and meaning), DICTIONARY.md, LICENSE, CHANGELOG.md, the dataset's version and the date
the data last changed (`data_as_of`, never the build's time: `data_as_of()`), and the zip
the SHA-256 of each member: the documentation is that of the folder the latest import
read (DatasetImport.documents). In the zip they are members (`codebook.csv`, `VERSION`,
`README.txt` with the version, date and checksums); the SQLite file is plain tables with
primary and foreign keys (Datasette opens it as it is), plus `_meta` (title, version,
data_as_of, and where the licence, dictionary and changelog are), `_codebook` and
`_documents` (name, content: the three documents).

`build()` writes both files under `settings.ICCWATCH_DOWNLOADS_DIR`, named by the data's
version and a digest of its state (`data_key`), with a manifest (`manifest.json`: file
names, sizes, SHA-256, version, date). It does nothing when the files for the current
state exist: `manage.py build_downloads` and the beat task call it, the page reads the
manifest (`latest_manifest`).

A file name once published stays true: a new build keeps the builds it supersedes, the
`ICCWATCH_DOWNLOADS_KEEP` latest of them, listed in the manifest (`earlier`) and still
served; the files of an older one are removed, and recorded first (`removed.json`: name,
version, dates, SHA-256), so that /data/ answers such a name 410 Gone with a page that
says what it was (`published`), never a bare 404.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import logging
import os
import re
import sqlite3
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from core import reasons, tabular
from core.models import Source
from dataset.models import DOCUMENTS, DatasetImport
from dataset.state import data_state
from states.models import Declaration, JointStatement, SecurityCouncilReferral, State, TreatyEvent
from visits.models import (
    Citation,
    Finding,
    Verdict,
    VerdictChange,
    Visit,
    WithdrawalCitation,
    decision_body_expressions,
    outstanding_requests,
    readable_visit,
    reevaluation_pending,
)
from visits.tables import rule_version_cell
from warrants.models import Case, Person, Situation, Warrant

logger = logging.getLogger(__name__)

DATA_DIR = Path(settings.BASE_DIR) / "data"
CHUNK = 2000
MANIFEST = "manifest.json"
# The files a build removed (no longer kept): what /data/ says of their names (`published`).
REMOVED = "removed.json"
# A build's file name: the dataset's version and the data's key (`data_key`).
BUILD_NAME = re.compile(r"^iccwatch-data-(?P<version>.+)-(?P<key>[0-9a-f]{12})\.(?:zip|sqlite)$")

# Fields never published: who edited a record, researchers' notes, bookkeeping.
PRIVATE_FIELDS = {
    "created_by",
    "updated_by",
    "notes",
    "self_check",
    "xact_id",
    "dataset_version",
    "sounds",  # a person's names as search codes them (warrants migration 0005)
}


def _public_visits():
    """The visits a reader may open (`VisitQuerySet.readable`): the published ones, and
    those rejected or withdrawn after they were published; never one never published.
    The tables of their rows filter by it as one semi-join (`visit__in`), not a test per
    row: a verdicts' file holds a row per visit."""
    return Visit.objects.readable()


@dataclass(frozen=True)
class Computed:
    """A column of a bulk table read from a database expression rather than a model field:
    in place of the field of the same name, or, for a name no field has, a new column
    after the column `after` (None: after every other, the table's last). `expression` is
    a callable giving the expression to annotate each row with
    (visits.models.decision_body_expressions, visits.models.reevaluation_pending)."""

    name: str
    type: str  # a tabular type: "boolean", "string", ...
    meaning: str
    expression: object
    after: str | None = None


@dataclass(frozen=True)
class TableSource:
    """One table of the bulk files: the model it reads, which rows, and the fields left out."""

    name: str
    model: type[models.Model]
    rows: object = None  # a callable giving the queryset; default: every row
    exclude: tuple[str, ...] = ()
    description: str = ""
    # What a column means where its model field says too little (column -> meaning).
    columns: tuple[tuple[str, str], ...] = ()
    # Columns read from an expression (`Computed`), in place of a field or new.
    computed: tuple[Computed, ...] = ()

    def queryset(self):
        return self.rows() if self.rows else self.model._default_manager.all()


SOURCES = [
    TableSource("states", State, description="States, with their ISO 3166-1 alpha-3 code."),
    TableSource("treaty_events", TreatyEvent, description="Each state's Rome Statute timeline."),
    TableSource("declarations", Declaration, description="Art. 12(3) declarations."),
    TableSource("referrals", SecurityCouncilReferral, description="UN Security Council referrals."),
    TableSource("statements", JointStatement, description="Joint statements by states."),
    TableSource("situations", Situation, description="ICC situations."),
    TableSource("cases", Case, description="ICC cases."),
    TableSource("persons", Person, description="Persons wanted under ICC arrest warrants."),
    TableSource("warrants", Warrant, description="ICC arrest warrants."),
    TableSource("sources", Source, description="Public documents that back the facts."),
    TableSource(
        "visits",
        Visit,
        rows=_public_visits,
        description="Visits: verified ones, and those withdrawn from the record after they "
        "were published.",
        columns=(
            (
                "end",
                "The last day (a partial date's first day; see end_precision); empty for a "
                "visit that ended on its start day, for an undated one, and for one whose end "
                "is not known (end_known false).",
            ),
        ),
        # Whether its verdict (in `verdicts`) awaits re-evaluation: the downloads' column
        # (visits.tables), empty for a visit without a verdict, after the others.
        computed=(
            Computed(
                "reevaluation_pending",
                "boolean",
                "Whether the visit's verdict (in `verdicts`) awaits re-evaluation: true when "
                "it was decided before a change to the facts it rests on that has not been "
                "evaluated yet, so that it may not follow from the visit's other columns (the "
                "verdicts' column of the same name); false for a verdict that is up to date; "
                "empty for a visit without a verdict.",
                lambda: models.Case(
                    models.When(verdict__isnull=True, then=models.Value(None)),
                    default=reevaluation_pending(),
                    output_field=models.BooleanField(),
                ),
            ),
        ),
    ),
    TableSource(
        "visit_sources",
        Citation,
        rows=lambda: Citation.objects.filter(visit__in=_public_visits()),
        description="One row per source a visit cites, as that visit cites it.",
    ),
    TableSource(
        "withdrawal_sources",
        WithdrawalCitation,
        rows=lambda: WithdrawalCitation.objects.filter(visit__in=_public_visits()),
        description="One row per source the withdrawal of a withdrawn visit cites (its reason "
        "is the visit's `withdrawal_note`), as that withdrawal cites it.",
    ),
    TableSource(
        "findings",
        Finding,
        description="ICC decisions on failures to arrest and surrender: Art. 87(7) findings "
        "of non-compliance (`kind` `art_87_7`) and other decisions on a state's cooperation "
        "(`other`), which make no finding and refer nothing.",
        # As the API says them (visits.models.decision_bodies): only an Art. 87(7) finding
        # refers; what a decision of kind `other` did is said in columns of its own.
        computed=(
            Computed(
                "referred_to_asp",
                "boolean",
                "Whether the chamber referred its Art. 87(7) finding to the Assembly of States "
                "Parties. Always false for a decision of kind `other` (see informed_asp).",
                lambda: decision_body_expressions()["referred_to_asp"],
            ),
            Computed(
                "referred_to_unsc",
                "boolean",
                "Whether the chamber referred its Art. 87(7) finding to the UN Security "
                "Council. Always false for a decision of kind `other` (see informed_unsc).",
                lambda: decision_body_expressions()["referred_to_unsc"],
            ),
            Computed(
                "informed_asp",
                "boolean",
                "Whether a decision of kind `other` informed the Assembly of States Parties "
                "(no finding, no referral). Always false for an Art. 87(7) finding.",
                lambda: decision_body_expressions()["informed_asp"],
                after="referred_to_unsc",
            ),
            Computed(
                "informed_unsc",
                "boolean",
                "Whether a decision of kind `other` informed the UN Security Council (no "
                "finding, no referral). Always false for an Art. 87(7) finding.",
                lambda: decision_body_expressions()["informed_unsc"],
                after="informed_asp",
            ),
        ),
    ),
    TableSource(
        "verdicts",
        Verdict,
        rows=lambda: Verdict.objects.filter(visit__in=_public_visits()),
        # Copies of the visit's columns, kept for one index (the visits table has them).
        exclude=("visit_start", "visit_published"),
        description="The current verdict on each visit (docs/DOMAIN.md).",
        # As the downloads' visits table says it (visits.tables), after the other columns.
        computed=(
            Computed(
                "reevaluation_pending",
                "boolean",
                "Whether this verdict awaits re-evaluation: true when it was decided before a "
                "change to the facts it rests on (a verified correction of the visit, a change "
                "to a warrant or to the host's record, a new rule version) that has not been "
                "evaluated yet, so that it may not follow from the visit's columns in `visits` "
                "(the API's `verdict.reevaluation_pending`, the downloads' "
                "`reevaluation_pending`); false for a verdict that is up to date (an edit the "
                "rule does not read, such as the researchers' notes, does not count).",
                lambda: reevaluation_pending("visit_id"),
            ),
        ),
    ),
    TableSource(
        "verdict_changes",
        VerdictChange,
        rows=lambda: VerdictChange.objects.filter(visit__in=_public_visits()),
        description="Every change of a verdict: the verdicts' history.",
    ),
]


def _type_of(field: models.Field) -> str:
    if isinstance(field, models.ForeignKey):
        return "integer"
    if isinstance(field, models.BooleanField):
        return "boolean"
    if isinstance(field, models.DateTimeField):
        return "datetime"
    if isinstance(field, models.DateField):
        return "date"
    if isinstance(field, models.IntegerField | models.AutoField | models.BigAutoField):
        return "integer"
    if isinstance(field, models.FloatField | models.DecimalField):
        return "number"
    if isinstance(field, models.JSONField) or field.get_internal_type() == "ArrayField":
        return "json"
    return "string"


# What a column means when its model field has no help text.
COMMON_DESCRIPTIONS = {
    "id": "The row's id: what other tables' `<table>_id` columns reference.",
    "slug": "The dataset's stable identifier (as in the site's and the API's addresses).",
    "iso3": "ISO 3166-1 alpha-3 code.",
    "name": "The name, in English.",
    "created_at": "When the record was created (UTC).",
    "updated_at": "When the record last changed (UTC).",
}


def _describe(field: models.Field) -> str:
    if field.name.endswith("_precision"):
        dated = field.name.removesuffix("_precision")
        text = f"How much of `{dated}` is known: `day`, `month` or `year`; empty when `{dated}` is."
        return text + " The date column holds the first day of that month or year."
    text = (
        str(field.help_text or "")
        or COMMON_DESCRIPTIONS.get(field.name)
        or str(field.verbose_name).capitalize() + "."
    )
    if isinstance(field, models.ForeignKey):
        target = field.target_field.attname
        text += f" References {_table_of(field.related_model)}.{target}."
    if field.choices and not isinstance(field, models.BooleanField):
        text += " One of: " + ", ".join(f"`{value}`" for value, _ in field.choices) + "."
    return text


def _table_of(model) -> str:
    for source in SOURCES:
        if source.model is model:
            return source.name
    raise LookupError(model)


@dataclass(frozen=True)
class BulkTable:
    """A table of the bulk files: its description (`table`), the attribute names it reads,
    the foreign keys (column -> (referenced table, its key column)) and its rows' queryset."""

    table: tabular.Table
    attnames: tuple[str, ...]
    foreign_keys: dict
    queryset: object


def _fields(source: TableSource) -> list[models.Field]:
    return [
        field
        for field in source.model._meta.concrete_fields
        if field.name not in PRIVATE_FIELDS and field.name not in source.exclude
    ]


def tables() -> list[BulkTable]:
    """Every table of the bulk files, with its columns, in a fixed order."""
    result = []
    for source in SOURCES:
        fields = _fields(source)
        columns, attnames, foreign_keys = [], [], {}
        for field in fields:
            name = field.attname
            meaning = dict(source.columns).get(name) or _describe(field)
            columns.append(tabular.Column(name, _type_of(field), meaning))
            attnames.append(field.attname)
            if isinstance(field, models.ForeignKey):
                target = field.target_field.attname
                foreign_keys[name] = (_table_of(field.related_model), target)
        queryset = source.queryset()
        for computed in source.computed:
            # Read as an annotation named apart from the model's fields.
            alias = f"computed_{computed.name}"
            queryset = queryset.annotate(**{alias: computed.expression()})
            column = tabular.Column(computed.name, computed.type, computed.meaning)
            names = [c.name for c in columns]
            if computed.name in names:
                place = names.index(computed.name)
                columns[place], attnames[place] = column, alias
            elif computed.after is None:
                columns.append(column)
                attnames.append(alias)
            else:
                place = names.index(computed.after) + 1
                columns.insert(place, column)
                attnames.insert(place, alias)
        result.append(
            BulkTable(
                tabular.Table(
                    source.name,
                    tuple(columns),
                    source.description,
                    (source.model._meta.pk.attname,),
                ),
                tuple(attnames),
                foreign_keys,
                queryset,
            )
        )
        # One companion table per many-to-many relation without its own model.
        for m2m in source.model._meta.many_to_many:
            through = m2m.remote_field.through
            if through is Citation:
                continue  # visit_sources, above: a citation has fields of its own
            owner_fk, other_fk = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
            other = _table_of(m2m.related_model)
            left, right = f"{owner_fk}_id", f"{other_fk}_id"
            if left == right:
                left, right = f"{source.name.rstrip('s')}_id", f"{other.rstrip('s')}_id"
            name = f"{source.name.rstrip('s')}_{m2m.name}"
            owners = source.queryset().values("pk")
            queryset = through.objects.filter(**{f"{owner_fk}__in": owners})
            result.append(
                BulkTable(
                    tabular.Table(
                        name,
                        (
                            tabular.Column(
                                left,
                                "integer",
                                f"References {source.name}.{source.model._meta.pk.attname}.",
                            ),
                            tabular.Column(
                                right,
                                "integer",
                                f"References {other}.{m2m.related_model._meta.pk.attname}.",
                            ),
                        ),
                        f"One row per {m2m.name} item of a {source.name.rstrip('s')}.",
                        (left, right),
                    ),
                    (f"{owner_fk}_id", f"{other_fk}_id"),
                    {
                        left: (source.name, source.model._meta.pk.attname),
                        right: (other, m2m.related_model._meta.pk.attname),
                    },
                    queryset,
                )
            )
    return result


def rows(bulk: BulkTable) -> Iterator[dict]:
    """The table's rows as mappings of column -> value, read `CHUNK` rows at a time."""
    names = bulk.table.names
    # In the order of the whole primary key (a companion table's is both its columns), so
    # that two builds of the same data write the same bytes.
    queryset = bulk.queryset.order_by(*bulk.attnames[: len(bulk.table.primary_key)])
    attnames = list(bulk.attnames)
    if bulk.table.name == "findings":
        # A finding about a visit that is not public shows no visit.
        queryset = queryset.annotate(
            public_visit_id=models.Case(
                models.When(readable_visit(), then=models.F("visit_id")),
                default=None,
            )
        )
        attnames[attnames.index("visit_id")] = "public_visit_id"
    versions = [name for name in names if name == "rule_version"]
    # Verdicts and their history keep structured reasons, not prose: the file's
    # `explanation` is their English rendering, as in the visits table.
    explained = "explanation" in names and "reasons" in names
    # A precision says how much of its date is known: none when the date is unknown (an
    # undated visit, a one-day visit's end), as in every other export (tabular.dated).
    precisions = [
        (name, name.removesuffix("_precision"))
        for name in names
        if name.endswith("_precision") and name.removesuffix("_precision") in names
    ]
    # A visit that ends on its start has no end, however it is stored, as in every other
    # export (tabular.dated_span).
    spans = bulk.table.name == _table_of(Visit)
    for values in queryset.values_list(*attnames).iterator(chunk_size=CHUNK):
        row = dict(zip(names, values, strict=True))
        if spans:
            row.update(
                tabular.dated_span(
                    row["start"], row["start_precision"], row["end"], row["end_precision"]
                )
            )
        for name, dated in precisions:
            row.update(tabular.dated(dated, row[dated], row[name]))
        for name in versions:  # as in the visits table: text no tool reads as a date
            row[name] = rule_version_cell(row[name])
        if explained:
            row["explanation"] = reasons.explanation_or_stored(
                row["reasons"], row["explanation"], "en"
            )
        yield row


def codebook_rows(all_tables: list[BulkTable]) -> Iterator[dict]:
    """Every column of every table: table, column, type, pandas dtype, description."""
    for bulk in all_tables:
        for column in bulk.table.columns:
            yield {
                "table": bulk.table.name,
                "column": column.name,
                "type": column.type,
                "pandas_dtype": tabular.DTYPES[column.type],
                "description": column.description,
            }


CODEBOOK = tabular.Table(
    "codebook",
    (
        tabular.Column("table", "string", "The table (the CSV file's name without .csv)."),
        tabular.Column("column", "string", "The column."),
        tabular.Column(
            "type", "string", "string, integer, number, boolean, date, datetime or json."
        ),
        tabular.Column("pandas_dtype", "string", "The dtype pandas reads it with."),
        tabular.Column("description", "string", "What it holds."),
    ),
)


# --- Versions and the manifest --------------------------------------------------------


def dataset_version() -> str:
    """The version of the latest import ("unversioned" when there is none)."""
    return DatasetImport.latest_version() or "unversioned"


# What the files write of the same rows: raised when that changes, so that the files of
# the same data in the new layout get a new name (`data_key`) and a name once published
# keeps its bytes; the next build writes them, as for a change of the data. 2: a visit that
# ends on its start has an empty `end` however it is stored (tabular.dated_span). 3: a
# finding's `referred_to_*` are false for a decision of kind `other`, whose bodies are its
# `informed_asp` and `informed_unsc` (visits.models.decision_bodies). 4: the visits table's
# last column, `text_language` (the language of a visit's own words). 5: the codebook's
# `text_language` says what decides it (its occasion and justification; an import keeps it
# unless it changes one of them). 6: the findings and statements tables' last column,
# `slug` (the row's `id` in the dataset's files). 7: the last column of the visits and the
# verdicts, `reevaluation_pending` (whether a verdict awaits re-evaluation after a change).
# 8: the SQLite file holds DICTIONARY.md, LICENSE and CHANGELOG.md (`_documents`), and its
# `_meta` says where they are (`licence`, `dictionary`, `changelog`). 9: the states table's
# last column, `instrument` (ratification, accession, succession), and the declarations
# table's, `effect` (`not_given_effect` for one the Court did not act on).
# 10: the visits table's
# `end_known` (false for a visit whose end the sources do not give), after `text_language`.
LAYOUT = 10


def data_key() -> str:
    """A short digest of the public data's state and of the files' `LAYOUT`: changes
    whenever a row the files hold does, or what they write of it (which verdicts await
    re-evaluation among them)."""
    parts = [f"layout {LAYOUT}", dataset_version()]
    for model, field in (
        (Visit, "updated_at"),
        (Person, "updated_at"),
        (Warrant, "updated_at"),
        (State, "updated_at"),
    ):
        parts.append(str(model.objects.aggregate(latest=Max(field), n=models.Count("pk"))))
    parts.append(str(VerdictChange.objects.aggregate(latest=Max("pk"))))
    parts.append(str(DatasetImport.objects.aggregate(latest=Max("pk"))))
    parts.append(str(Finding.objects.aggregate(latest=Max("pk"), n=models.Count("pk"))))
    # Which verdicts await re-evaluation (`reevaluation_pending`): an evaluation that
    # clears a request changes the files even when it changes no verdict.
    parts.append(
        str(
            outstanding_requests().aggregate(latest=Max("change_recorded_at"), n=models.Count("pk"))
        )
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:12]


def downloads_dir() -> Path:
    return Path(settings.ICCWATCH_DOWNLOADS_DIR)


def latest_manifest() -> dict | None:
    """The manifest of the latest build, or None when nothing was built yet."""
    try:
        return json.loads((downloads_dir() / MANIFEST).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def removed_files() -> list[dict]:
    """The files builds removed, oldest first: each with its `name`, `sha256`, `bytes`, its
    build's `version`, `key`, `built_at` and `data_as_of`, and `removed_at` ([] before any)."""
    try:
        return json.loads((downloads_dir() / REMOVED).read_text())["files"]
    except (FileNotFoundError, json.JSONDecodeError, KeyError, TypeError):
        return []


@dataclass(frozen=True)
class Published:
    """A file name /data/ offers or once offered: its manifest entry (`file`: name, format,
    media type, bytes, SHA-256; what was recorded of it when removed), its build (`build`:
    version, key, built_at, data_as_of), whether it is the current build's (`current`) and
    whether it is still served (`kept`: the current build's, or one of the earlier builds
    the manifest still lists)."""

    file: dict
    build: dict
    current: bool = False
    kept: bool = True


def published(name: str) -> Published | None:
    """What /data/ says of the file `name`: a file of the current build or of an earlier one
    still kept (served), one a build removed (gone), or None for a name it never recorded.
    A name of the current build is read from the manifest alone; removed.json is read only
    for a name the manifest does not list."""
    manifest = latest_manifest() or {}
    builds = [(manifest, True), *((b, False) for b in manifest.get("earlier", []))]
    for build, current in builds:
        for file in build.get("files", []):
            if file["name"] == name:
                return Published(file=file, build=_build_of(build), current=current)
    for file in reversed(removed_files()):
        if file.get("name") == name:
            return Published(file=file, build=_build_of(file), kept=False)
    return None


def _build_of(entry: dict) -> dict:
    return {k: entry.get(k) for k in ("version", "key", "built_at", "data_as_of")}


def named_like_a_build(name: str) -> str | None:
    """The dataset version a file name gives when it is named as builds are
    (`iccwatch-data-<version>-<12 hex digits>.zip|sqlite`) and names a version the site
    imported ("unversioned" included): a build removed before builds recorded what they
    removed (removed.json) may have been published under it. None otherwise. One query."""
    match = BUILD_NAME.match(name)
    if match is None:
        return None
    version = match["version"]
    if version == "unversioned" or DatasetImport.objects.filter(version=version).exists():
        return version
    return None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def data_as_of() -> datetime.datetime:
    """When the data the files hold last changed: the latest change to a visit, person,
    warrant or state, verdict change or import (`dataset.state`, which a citation of a
    page names too), in UTC to the second (1980-01-01 UTC, the earliest date a zip member
    can carry, on an empty database). The files carry this date, never the time they
    were built, so that two builds of the same data are the same bytes: a file name and
    SHA-256 once cited stay true."""
    return data_state().changed_at or EARLIEST_ZIP_TIME


# A zip member's date cannot be earlier (MS-DOS time).
EARLIEST_ZIP_TIME = datetime.datetime(1980, 1, 1, tzinfo=datetime.UTC)


def _about(version: str, as_of: datetime.datetime) -> dict:
    """What both files say of themselves: title, `version`, `data_as_of` (the date the data
    last changed, ISO 8601 UTC: never the build's time, so that the same data makes the
    same bytes) and `licence` (its name; each file says where its text is)."""
    return {
        "title": "iccwatch: visits of persons wanted under ICC arrest warrants, with verdicts",
        "version": version,
        "data_as_of": tabular.text(as_of),
        "licence": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
    }


def documents() -> list[tuple[str, str]]:
    """[(file name, text)] of the documentation both files hold, DICTIONARY.md, LICENSE
    and CHANGELOG.md, those of the folder the latest import read
    (DatasetImport.documents): the zip's members, the SQLite file's `_documents` rows."""
    texts = DatasetImport.documents()
    return [(DOCUMENTS[field], texts[field]) for field in ("dictionary", "licence", "changelog")]


# --- Writing ----------------------------------------------------------------------------


def write_zip(path: Path, all_tables: list[BulkTable], about: dict) -> None:
    """A zip of one CSV per table, the codebook, DICTIONARY.md, LICENSE, VERSION, CHANGELOG.md
    and README.txt (what it is, its version, the date the data last changed, the SHA-256
    of every other member)."""
    checksums = []
    dated = datetime.datetime.fromisoformat(about["data_as_of"])
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add_lines(name: str, lines) -> None:
            digest = hashlib.sha256()
            with archive.open(_member(name, dated), "w") as member:
                for line in lines:
                    data = line.encode("utf-8")
                    digest.update(data)
                    member.write(data)
            checksums.append((name, digest.hexdigest()))

        def add_text(name: str, text: str) -> None:
            add_lines(name, [text])

        for bulk in all_tables:
            add_lines(f"{bulk.table.name}.csv", tabular.csv_lines(rows(bulk), bulk.table.names))
        add_lines("codebook.csv", tabular.csv_lines(codebook_rows(all_tables), CODEBOOK.names))
        # The documentation of the folder the latest import read, as the site shows it.
        for name, text in documents():
            add_text(name, text)
        add_text("VERSION", about["version"] + "\n")
        readme = [
            about["title"],
            "",
            f"Version: {about['version']}",
            f"Data as of: {about['data_as_of']}",
            f"Licence: {about['licence']}; see LICENSE",
            "Columns, types and meanings: codebook.csv and DICTIONARY.md (Export format).",
            "CSV: UTF-8 with a byte order mark, RFC 4180; dates ISO 8601 with a <name>_precision "
            "column; lists as JSON arrays; one row per item in the companion tables.",
            "",
            "SHA-256 of each file:",
            *(f"{digest}  {name}" for name, digest in checksums),
            "",
        ]
        archive.writestr(_member("README.txt", dated), "\n".join(readme))


def _member(name: str, dated: datetime.datetime) -> zipfile.ZipInfo:
    """A zip member dated `dated` (the data's date, in UTC: the same data, the same bytes),
    deflated, readable by everyone (`-rw-r--r--`): zipfile gives a member opened or
    written by name the mode 0600."""
    moment = max(dated.astimezone(datetime.UTC), EARLIEST_ZIP_TIME)
    info = zipfile.ZipInfo(name, date_time=moment.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    return info


_SQLITE_TYPES = {
    "integer": "INTEGER",
    "boolean": "INTEGER",
    "number": "REAL",
}


def _sqlite_value(value, column_type: str):
    if value is None:
        return None
    if column_type == "boolean":
        return int(bool(value))
    if column_type in ("integer", "number"):
        return value
    if column_type == "json":
        return tabular.json_cell(value)
    return tabular.text(value)


def write_sqlite(path: Path, all_tables: list[BulkTable], about: dict) -> None:
    """One SQLite file: a table per bulk table with its primary and foreign keys, `_meta`
    (title, version, data_as_of, and where the licence, dictionary and changelog are),
    `_codebook` (every column's type and meaning, as codebook.csv) and `_documents`
    (name, content: DICTIONARY.md, LICENSE and CHANGELOG.md, as the zip holds them)."""
    db = sqlite3.connect(path)
    try:
        for bulk in all_tables:
            table = bulk.table
            definitions = [f'"{c.name}" {_SQLITE_TYPES.get(c.type, "TEXT")}' for c in table.columns]
            keys = ", ".join(f'"{k}"' for k in table.primary_key)
            definitions.append(f"PRIMARY KEY ({keys})")
            for column, (other, key) in bulk.foreign_keys.items():
                definitions.append(f'FOREIGN KEY ("{column}") REFERENCES "{other}" ("{key}")')
            db.execute(f'CREATE TABLE "{table.name}" ({", ".join(definitions)})')
            placeholders = ", ".join("?" for _ in table.columns)
            types = [c.type for c in table.columns]
            batch = []
            for row in rows(bulk):
                batch.append(
                    [
                        _sqlite_value(row[c.name], t)
                        for c, t in zip(table.columns, types, strict=True)
                    ]
                )
                if len(batch) >= CHUNK:
                    db.executemany(f'INSERT INTO "{table.name}" VALUES ({placeholders})', batch)
                    batch = []
            if batch:
                db.executemany(f'INSERT INTO "{table.name}" VALUES ({placeholders})', batch)
            for column in bulk.foreign_keys:
                db.execute(f'CREATE INDEX "{table.name}_{column}" ON "{table.name}" ("{column}")')
        meta = {
            **about,
            "licence": f"{about['licence']}; its text: the row LICENSE of _documents",
            "dictionary": "_codebook (every column's type and meaning) and the row "
            "DICTIONARY.md of _documents",
            "changelog": "the row CHANGELOG.md of _documents (what each dataset version changed)",
        }
        db.execute("CREATE TABLE _meta (key TEXT PRIMARY KEY, value TEXT)")
        db.executemany("INSERT INTO _meta VALUES (?, ?)", list(meta.items()))
        db.execute("CREATE TABLE _documents (name TEXT PRIMARY KEY, content TEXT)")
        db.executemany("INSERT INTO _documents VALUES (?, ?)", documents())
        db.execute(
            'CREATE TABLE _codebook ("table" TEXT, "column" TEXT, type TEXT, pandas_dtype TEXT, '
            'description TEXT, PRIMARY KEY ("table", "column"))'
        )
        db.executemany(
            "INSERT INTO _codebook VALUES (?, ?, ?, ?, ?)",
            [tuple(r.values()) for r in codebook_rows(all_tables)],
        )
        db.commit()
        db.execute("VACUUM")
    finally:
        db.close()


# One build at a time, whatever the process or machine (the web container at its start,
# the worker's hourly task): a PostgreSQL advisory lock, this key, held for the session.
BUILD_LOCK = 0x1CC_DA7A


@dataclass(frozen=True)
class BuildAttempt:
    """What `attempt_build` did. `manifest`: the manifest of the files /data/ offers now,
    {} before any build. `elsewhere`: another process held the build lock (`BUILD_LOCK`),
    so this one wrote nothing and `manifest` is the last build's, which may be of older
    data; that process's build replaces it once it ends."""

    manifest: dict
    elsewhere: bool = False


def attempt_build(*, force: bool = False) -> BuildAttempt:
    """Write the zip and the SQLite file for the data as it is now, and their manifest,
    unless another process is building them (BuildAttempt.elsewhere).

    Nothing is written when the files of the current `data_key` exist (unless `force`).
    Files are written under a temporary name and renamed, so a reader never downloads half
    a file; the builds it supersedes stay, the `ICCWATCH_DOWNLOADS_KEEP` latest (the
    manifest's `earlier`), and the files of older ones are recorded in removed.json, then
    removed (`_retire`). While another process builds
    (`BUILD_LOCK`), nothing is written and the manifest of the last build comes back ({}
    before any): two builds of different data into one folder would remove each other's
    files.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [BUILD_LOCK])
        if not cursor.fetchone()[0]:
            logger.info("Another process is building the downloads: this one leaves them.")
            return BuildAttempt(manifest=latest_manifest() or {}, elsewhere=True)
    try:
        return BuildAttempt(manifest=_build(force=force))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [BUILD_LOCK])


def build(*, force: bool = False) -> dict:
    """The manifest of the files /data/ offers once `attempt_build(force=force)` is done:
    the files just built or found up to date, or, while another process builds them, the
    last build's ({} before any)."""
    return attempt_build(force=force).manifest


def _build(*, force: bool) -> dict:
    folder = downloads_dir()
    folder.mkdir(parents=True, exist_ok=True)
    version, key = dataset_version(), data_key()
    stem = f"iccwatch-data-{version}-{key}"
    current = latest_manifest()
    up_to_date = current and current.get("key") == key
    if not force and up_to_date and all((folder / f["name"]).exists() for f in current["files"]):
        return current
    built = timezone.now().replace(microsecond=0)
    all_tables = tables()
    files = []
    # One snapshot for every table of both files (REPEATABLE READ): a change committed
    # while they are written is in neither, so every foreign key finds its row. Inside a
    # transaction the chunked reads also use plain server-side cursors, which PostgreSQL
    # does not copy out first as it does a WITH HOLD cursor outside one.
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        about = _about(version, data_as_of())
        for suffix, writer, media_type in (
            ("zip", write_zip, "application/zip"),
            ("sqlite", write_sqlite, "application/vnd.sqlite3"),
        ):
            final = folder / f"{stem}.{suffix}"
            fd, temporary = tempfile.mkstemp(dir=folder, suffix=f".{suffix}.part")
            os.close(fd)
            os.unlink(temporary)  # sqlite3 wants to create the file itself
            try:
                writer(Path(temporary), all_tables, about)
                os.replace(temporary, final)
            finally:
                Path(temporary).unlink(missing_ok=True)
            files.append(
                {
                    "name": final.name,
                    "format": suffix,
                    "media_type": media_type,
                    "bytes": final.stat().st_size,
                    "sha256": sha256_of(final),
                }
            )
    # The builds this one supersedes, newest first: the one /data/ offered until now (unless
    # it is this data's, rebuilt in place) and those it kept.
    earlier = [
        build
        for build in [
            *([_superseded(current, built)] if current and current.get("files") else []),
            *((current or {}).get("earlier", [])),
        ]
        if build["key"] != key
    ]
    kept, dropped = (
        earlier[: settings.ICCWATCH_DOWNLOADS_KEEP],
        earlier[settings.ICCWATCH_DOWNLOADS_KEEP :],
    )
    manifest = {
        "version": version,
        "key": key,
        "built_at": tabular.text(built),
        "data_as_of": about["data_as_of"],
        "files": files,
        "tables": {b.table.name: len(b.table.columns) for b in all_tables},
        "earlier": kept,
    }
    _retire(folder, dropped, keep={f["name"] for b in [manifest, *kept] for f in b["files"]})
    _write_json(folder / MANIFEST, manifest)
    _remove_unlisted(folder, keep={f["name"] for b in [manifest, *kept] for f in b["files"]})
    return manifest


def _superseded(build: dict, at: datetime.datetime) -> dict:
    """A manifest as an entry of a later one's `earlier`: what /data/ lists of it."""
    return {
        **_build_of(build),
        "superseded_at": tabular.text(at),
        "files": build["files"],
    }


def _write_json(path: Path, value) -> None:
    """`value` as JSON at `path`, written whole under another name and renamed: a reader
    reads the old file or the new one, never half of one."""
    part = path.with_name(path.name + ".part")
    part.write_text(json.dumps(value, indent=2))
    os.replace(part, path)


def _retire(folder: Path, dropped: list[dict], keep: set[str]) -> None:
    """Record in removed.json every file about to be removed (those of the builds no longer
    kept, and any other build file in the folder: a build of a release that kept none),
    before any is: a reader asking for one meanwhile is told it is gone, never that it
    never existed."""
    removed = removed_files()
    known = {file["name"] for file in removed}
    now = tabular.text(timezone.now().replace(microsecond=0))
    records = [
        {**_build_of(build), **file, "removed_at": now}
        for build in dropped
        for file in build["files"]
        if file["name"] not in known
    ]
    listed = known | {record["name"] for record in records}
    for path in sorted(folder.iterdir()):
        name = path.name
        match = BUILD_NAME.match(name)
        if match and name not in keep and name not in listed:
            records.append(
                {
                    "name": name,
                    "version": match["version"],
                    "key": match["key"],
                    "sha256": sha256_of(path),
                    "bytes": path.stat().st_size,
                    "removed_at": now,
                }
            )
    if records:
        _write_json(folder / REMOVED, {"files": [*removed, *records]})


def _remove_unlisted(folder: Path, keep: set[str]) -> None:
    """Remove the build files that neither the current build nor an earlier one kept lists
    (`_retire` recorded them)."""
    for old in folder.iterdir():
        if old.name.startswith("iccwatch-data-") and old.name not in keep:
            old.unlink()


def read_codebook(text: str) -> list[dict]:
    """codebook.csv's rows (a helper for readers and tests)."""
    return list(csv.DictReader(io.StringIO(text.removeprefix(tabular.BOM))))
