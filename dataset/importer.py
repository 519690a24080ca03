"""The dataset importer: validate every row of the CSV files, then load them all or nothing.

Files (UTF-8 with or without a byte-order mark, header row, ISO dates possibly partial,
`;` between list items): states.csv, declarations.csv, referrals.csv, persons.csv,
warrants.csv, visits.csv, findings.csv, statements.csv (data/DICTIONARY.md documents
every column). An optional VERSION file names the dataset's version; each import that
changes something is recorded (DatasetImport) with that version, or with an empty one when
the folder has none, with the digest of its rows, and with the folder's CHANGELOG.md,
DICTIONARY.md and LICENSE, which the site and the downloads show (`read_documents`).

The contract (docs/DOMAIN.md, "The dataset"):

- Every problem is reported as `file:line: column: message`, the header being line 1;
  a rule that spans two rows names both (`persons.csv:13`, `warrants.csv:15`).
- Hostile or damaged cells are messages too, never tracebacks: a byte that is not UTF-8
  names its line and column; a NUL character, or a value longer than the `max_length`
  of the model field it is stored in, is an error; a cell a spreadsheet would run as a
  formula (`=`, `+`, `-`, `@` before something that is not a number) is a warning.
- When any row is invalid nothing is written.
- A file-wide problem is `file: (file): message`. A file that cannot be read whole (not
  UTF-8, separated by semicolons or tabs, a column named twice, a required one missing
  or holding its header only) is named once, and the checks of other files against it
  are skipped, with a note saying which (ImportFailed.notes), never reported as hundreds
  of false problems. A file that may have been cut short (no line break at its end, or
  ending inside a quoted cell: `check_complete`) is an error on its last line.
- A visit's row is refused for what the newsroom would refuse (one rule for both): a
  date out of the years a visit can have, a trip that took place starting after
  tomorrow (visits.review), an outcome that does not go with the status
  (visits.reports.outcome_fits); so is what the database would refuse while loading (a
  situation's address too long, a count out of its column's range), never a traceback.
- Importing the same files again changes nothing; a newer version updates what changed.
  A version older than the latest import's, and other files under the same version
  (`rows_digest`, recorded with each import), are refused (`check_version`).
  A visit the files no longer list is withdrawn (review state `withdrawn`, note
  "removed from dataset version X"), never deleted, and restored if it comes back;
  only visits an import wrote are withdrawn, never those reported on the site. Other
  rows the files no longer list are deleted when nothing depends on them; otherwise
  the import is refused naming what depends on them. Situations and cases no row names
  any more are deleted when nothing refers to them. An optional file that is absent
  lists nothing only when nothing of its kind is recorded (`check_absent_files`); an
  import that would remove most rows of a kind is refused unless asked for
  (`check_mass_removal`), and said among the other problems of a run refused for them
  (`unlisted_counts`).
- A dry run (`import_dataset(..., dry_run=True)`) does all of it in a transaction that
  is rolled back: the report is a real import's, nothing is kept or sent.
- The counts are exact: a row whose sources, signatories, persons or notes changed
  is `updated`.
- A warrant's identifier is never a line number: a row listed twice is an error naming
  both lines, and a corrected date keeps the warrant and its identifier
  (`assign_warrant_refs`). A finding and a joint statement are found by their `id`
  column, so a newer version correcting any other column keeps the row, its `id` and
  its address (`identified`).

Art. 126(2) mismatches (not for a succession, `instrument` `succession`), a signature
after the Statute closed for signature, an executed warrant ending on another day than
the person's custody began (`warn_of_executions_off_custody`) and the self-check of
docs/DOMAIN.md (an Art. 87(7) finding, or the researcher's `expected_verdict`,
disagreeing with the verdict) are warnings.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import difflib
import hashlib
import io
import json
import re
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pycountry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Prefetch, ProtectedError, Q, RestrictedError
from django.utils import timezone, translation
from django.utils.text import slugify

from compliance import (
    FOUNDING_DEPOSIT_DEADLINE,
    SIGNATURE_CLOSED,
    ImpossibleDate,
    Period,
    entry_into_force_for,
    withdrawal_effective_for,
)
from core import history, pagecache
from core.identifiers import is_iso3, is_slug
from core.models import (
    Source,
    carries_credentials,
    character_no_url_holds,
    publisher_from_url,
    shown_character,
)
from dataset import changelog
from dataset.models import DOCUMENTS, PROJECT_DATA, DatasetImport
from states import territories
from states.models import (
    Declaration,
    DeclarationEffect,
    Instrument,
    JointStatement,
    SecurityCouncilReferral,
    State,
    TreatyEvent,
    TreatyEventKind,
)
from visits import flagging, outbox
from visits.models import (
    DATASET_LANGUAGE,
    OPEN_REPORT_STATES,
    PUBLIC_TEXT_FIELDS,
    Finding,
    FindingKind,
    HostControl,
    Report,
    ReportState,
    ReviewState,
    Verdict,
    VerdictChange,
    VerdictCode,
    Visit,
    VisitOutcome,
    VisitStatus,
    decision_incoherences,
    decision_visit_incoherences,
)
from visits.reports import (
    UNKNOWN_END,
    SourceInput,
    outcome_fits,
    record_visit_report,
    withdraw_visit,
)
from visits.review import unknown_end_refused, visit_date_out_of_range, visit_started_too_late
from warrants.models import Case, Person, PersonStatus, Situation, Warrant, WarrantEndReason

# The columns of each file, in the dictionary's order. A column not listed here is an error.
FILES = {
    "states.csv": [
        "iso3",
        "name",
        "signed",
        "deposited",
        "instrument",
        "entry_into_force",
        "withdrawal_notified",
        "withdrawal_effective",
        "withdrawal_revoked",
        "notes",
        "source_urls",
    ],
    "declarations.csv": [
        "iso3",
        "lodged",
        "situation",
        "covers_from",
        "covers_to",
        "effect",
        "notes",
        "source_urls",
    ],
    "referrals.csv": ["situation", "resolution", "adopted", "bound_iso3", "notes", "source_urls"],
    "persons.csv": [
        "slug",
        "name",
        "other_names",
        "nationality_iso3",
        "born",
        "role",
        "situation",
        "status",
        "status_date",
        "notes",
        "source_urls",
    ],
    "warrants.csv": [
        "person_slug",
        "case_name",
        "case_number",
        "issued",
        "made_public",
        "charges",
        "ended",
        "end_reason",
        "notes",
        "source_urls",
    ],
    "visits.csv": [
        "id",
        "person_slug",
        "host_iso3",
        "city",
        "start",
        "end",
        "occasion",
        "status",
        "outcome",
        "host_notified",
        "host_control",
        "controlled_by_iso3",
        "host_justification",
        "review_state",
        "expected_verdict",
        "notes",
        "source_urls",
    ],
    "findings.csv": [
        "id",
        "state_iso3",
        "decided",
        "decision_ref",
        "chamber",
        "persons",
        "visit_id",
        "kind",
        "referred_to",
        "notes",
        "source_urls",
        "reported_by",
    ],
    "statements.csv": ["id", "date", "title", "signatories_iso3", "count", "source_urls"],
}
# Files a folder may lack: read as empty while nothing of their kind is recorded (a missing
# file must not delete what an earlier import recorded: check_absent_files).
OPTIONAL_FILES = {"declarations.csv", "referrals.csv", "findings.csv", "statements.csv"}
# Columns a file may lack (a folder of an earlier version): read as empty.
OPTIONAL_COLUMNS = {("findings.csv", "reported_by")}
# The values each coded column accepts; empty is allowed where the validation below says so.
# FILES and VOCABULARIES are what data/DICTIONARY.md documents (a test keeps them equal).
# findings.csv `referred_to` is a `;` list of these bodies (empty: not referred).
VOCABULARIES = {
    ("states.csv", "instrument"): tuple(Instrument.values),
    # Empty: given effect.
    ("declarations.csv", "effect"): tuple(e for e in DeclarationEffect.values if e),
    ("persons.csv", "status"): tuple(PersonStatus.values),
    ("warrants.csv", "end_reason"): tuple(WarrantEndReason.values),
    ("visits.csv", "status"): tuple(VisitStatus.values),
    ("visits.csv", "outcome"): tuple(VisitOutcome.values),
    ("visits.csv", "host_notified"): ("yes", "no"),
    ("visits.csv", "host_control"): tuple(HostControl.values),
    # `withdrawn` is the importer's to give (a visit the files no longer list), not the files'.
    ("visits.csv", "review_state"): tuple(s for s in ReviewState.values if s != "withdrawn"),
    ("visits.csv", "expected_verdict"): tuple(c for c in VerdictCode.values if c != "withdrawn"),
    ("findings.csv", "kind"): tuple(FindingKind.values),
    ("findings.csv", "referred_to"): ("asp", "unsc"),
    ("findings.csv", "reported_by"): ("state",),
}
# The dataset's version: one line in this file of the folder (optional; missing = unknown).
VERSION_FILE = "VERSION"
# Its form (data/DICTIONARY.md, "Other files"): the day of the release, YYYY.MM.DD, with a
# fourth part from 2 for a later release the same day (2026.11.30.2).
VERSION_RE = re.compile(r"^(?P<day>\d{4}\.\d{2}\.\d{2})(?:\.(?:[2-9]|[1-9]\d+))?$")
VERSION_FORM = (
    "YYYY.MM.DD, the day of the release (2026.11.30), with a fourth part from 2 for a later "
    "release the same day (2026.11.30.2)"
)
# What Visit.dataset_version records for a folder without VERSION (blank means "from the site").
UNKNOWN_VERSION = "unknown"
TREATY_COLUMNS = {
    "signed": TreatyEventKind.SIGNED,
    "deposited": TreatyEventKind.DEPOSITED,
    "entry_into_force": TreatyEventKind.ENTRY_INTO_FORCE,
    "withdrawal_notified": TreatyEventKind.WITHDRAWAL_NOTIFIED,
    "withdrawal_revoked": TreatyEventKind.WITHDRAWAL_REVOKED,
    "withdrawal_effective": TreatyEventKind.WITHDRAWAL_EFFECTIVE,
}
# The outcomes a report counts, in the order the command prints them. `restored`: a visit
# withdrawn by an earlier import that the files list again.
OUTCOMES = ("created", "updated", "unchanged", "restored", "deleted", "withdrawn")
# The outcomes whose rows the report also names (ImportReport.named).
NAMED_OUTCOMES = ("restored", "deleted", "withdrawn")


class ImportFailed(Exception):
    """Raised with the full list of problems when any row is invalid, or when the import
    would remove too much (`check_mass_removal`).

    `errors` are the problems, one `file:line: column: message` each (`file: (file):
    message` for a whole file); `notes` say which checks were skipped because a file could
    not be read (not problems of their own, not counted).
    """

    def __init__(self, errors: list[str], notes: list[str] | None = None):
        super().__init__(f"{len(errors)} problem(s) in the dataset")
        self.errors = errors
        self.notes = notes or []


@dataclass
class Row:
    file: str
    line: int
    values: dict[str, str]

    @property
    def where(self) -> str:
        """`persons.csv:13`: the row, as named in a message about two rows."""
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class ChangedVerdict:
    """A verdict an import changed: the visit's id (its slug), and the verdict's code and
    basis before ("" for a visit that had no verdict, "" for no basis) and after."""

    visit: str
    old_code: str
    new_code: str
    old_basis: str = ""
    new_basis: str = ""


@dataclass
class ImportReport:
    """What an import did: counts per kind of row and outcome (OUTCOMES), the ids of the
    rows restored, deleted or withdrawn (`named`), the verdicts whose code or basis
    changed (`verdicts`), warnings, the evaluation's statistics and the dataset's
    version."""

    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    # {kind: {outcome of NAMED_OUTCOMES: [the rows' ids (`row_name`), in the order met]}}.
    named: dict[str, dict[str, list[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    # The verdicts whose code or basis changed (`changed_verdicts`).
    verdicts: list[ChangedVerdict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    evaluation: flagging.EvaluationStats | None = None
    version: str = ""
    # A dry run: everything was checked and counted, then rolled back.
    dry_run: bool = False
    # Whether the import was recorded (DatasetImport): not when it changed nothing.
    recorded: bool = False

    def count(self, model: str, outcome: str, name: str = "") -> None:
        """Count a row of `model` (a kind, as verbose_name_plural) under `outcome`; `name`,
        the row's id, is kept for an outcome of NAMED_OUTCOMES."""
        self.counts[model][outcome] += 1
        if name and outcome in NAMED_OUTCOMES:
            self.named[model][outcome].append(name)

    @property
    def changed(self) -> bool:
        return any(
            c.get(outcome)
            for c in self.counts.values()
            for outcome in OUTCOMES
            if outcome != "unchanged"
        )


class _Validator:
    """Parses values and collects `file:line: column: message` errors."""

    def __init__(self):
        self.errors: list[str] = []
        self.warnings: list[str] = []
        # Files that could not be read whole (missing, not UTF-8, an unusable header, no
        # rows, a row that is not one record): the checks of other files against them
        # are skipped, not reported as hundreds of false problems.
        self.unreadable: set[str] = set()
        # Optional files the folder lacks (and holds nothing that looks like them).
        self.absent: set[str] = set()

    def error(self, row: Row, column: str, message: str) -> None:
        self.errors.append(f"{row.file}:{row.line}: {column}: {message}")

    def warn(self, row: Row, column: str, message: str) -> None:
        self.warnings.append(f"{row.file}:{row.line}: {column}: {message}")

    def required(self, row: Row, column: str) -> str | None:
        value = row.values[column]
        if not value:
            self.error(row, column, "is required")
            return None
        return value

    def period(
        self, row: Row, column: str, *, partial: bool = True, required: bool = False
    ) -> Period | None:
        value = row.values[column]
        if not value:
            if required:
                self.error(row, column, "is required")
            return None
        try:
            period = Period.parse(value)
        except ImpossibleDate as exc:
            # "'2026-02-30': February 2026 has no 30th day.", not "not a date".
            self.error(row, column, f"{value!r}: {exc}")
            return None
        except ValueError as exc:
            self.error(row, column, str(exc))
            return None
        if not partial and not period.exact:
            self.error(row, column, f"{value!r} must be a full date (YYYY-MM-DD)")
            return None
        return period

    def visit_date(self, row: Row, column: str, *, required: bool = False) -> Period | None:
        """A visit's start or end: a partial date within the years a visit can have, the
        newsroom's rule (visits.review.visit_date_out_of_range: from 1900 to ten years
        ahead), or None after the error."""
        period = self.period(row, column, required=required)
        if period is not None and (
            refused := english(visit_date_out_of_range, period, row.values[column])
        ):
            self.error(row, column, refused)
            return None
        return period

    def day(self, row: Row, column: str, *, required: bool = False) -> datetime.date | None:
        period = self.period(row, column, partial=False, required=required)
        return period.first if period else None

    def iso3(self, row: Row, column: str, *, required: bool = True) -> str | None:
        value = row.values[column]
        if not value:
            if required:
                self.error(row, column, "is required")
            return None
        if not is_iso3(value) or pycountry.countries.get(alpha_3=value) is None:
            self.error(row, column, f"{value!r} is not an ISO 3166-1 alpha-3 country code")
            return None
        return value

    def choice(self, row: Row, column: str, choices, *, required: bool = True) -> str | None:
        value = row.values[column]
        if not value and not required:
            return ""
        if value not in choices:
            self.error(
                row,
                column,
                f"{value!r} is not one of: {', '.join(sorted(c for c in choices if c))}",
            )
            return None
        return value

    def urls(self, row: Row, column: str = "source_urls", *, required: bool = False) -> list[str]:
        urls = [u.strip() for u in row.values[column].split(";") if u.strip()]
        if required and not urls:
            self.error(row, column, "at least one source URL is required")
        for url in urls:
            if not re.match(r"^https?://[^\s/]+\.[^\s]*$", url):
                self.error(row, column, f"{url!r} is not an http(s) URL")
            elif (char := character_no_url_holds(url)) is not None:
                # Published as typed in the API and the downloads, as the newsroom refuses it.
                self.error(
                    row,
                    column,
                    f"{url!r} contains {shown_character(char)}, which no web address may "
                    f"hold: write it percent-encoded ({urllib.parse.quote(char, safe='')})",
                )
            elif carries_credentials(url):
                # Shown on the public pages to every reader, as the newsroom refuses it.
                self.error(row, column, f"{url!r} carries a user name or password")
        return urls

    def codes(self, row: Row, column: str) -> list[str]:
        """The ISO3 codes of a `;` list; each unknown one is an error."""
        codes = [c.strip() for c in row.values[column].split(";") if c.strip()]
        for code in codes:
            if not is_iso3(code) or pycountry.countries.get(alpha_3=code) is None:
                self.error(row, column, f"{code!r} is not an ISO 3166-1 alpha-3 country code")
        return codes

    def in_order(self, row: Row, earlier: str, later: str, a, b) -> None:
        if a is not None and b is not None and _first(b) < _first(a):
            self.error(row, later, f"{row.values[later]} is before {earlier} {row.values[earlier]}")


def _first(value) -> datetime.date:
    return value.first if isinstance(value, Period) else value


def english(rule, *args):
    """What a rule shared with the newsroom (`rule(*args)`, a refusal in the active
    language, or None) says, in the dataset's language, English, as the importer's other
    messages are."""
    with translation.override(DATASET_LANGUAGE):
        return rule(*args)


def outcome_mismatch(status: str, outcome: str) -> str:
    """The refusal of a visits.csv row whose `outcome` does not go with its `status`
    (visits.reports.outcome_fits, the rule of every write path): `n/a` for a trip that
    did not take place, and only for one."""
    if outcome == VisitOutcome.NOT_APPLICABLE:
        taken = [o for o in VisitOutcome.values if o not in (outcome, VisitOutcome.UNKNOWN)]
        return (
            f"a trip with the status {status} took place: its outcome says what the host did "
            f"({', '.join(taken)}, or {VisitOutcome.UNKNOWN} if it is not known), not {outcome}"
        )
    return (
        f"a trip with the status {status} did not take place: its outcome is "
        f"{VisitOutcome.NOT_APPLICABLE}, not {outcome}"
    )


def read_version(directory: Path, validator: _Validator) -> str:
    """The dataset's version from the folder's VERSION file; "" (unknown) when there is none.

    A VERSION file that is present must hold one line, a version of the documented form
    (`version_problem`: data/DICTIONARY.md, "Other files"); anything else is an error, and
    the version is then "".
    """
    path = directory / VERSION_FILE
    if not path.is_file():
        return ""
    try:
        lines = [
            line.strip()
            for line in path.read_text(encoding="utf-8-sig").splitlines()
            if line.strip()
        ]
    except UnicodeDecodeError as exc:
        validator.errors.append(
            f"{VERSION_FILE}: (file): not valid UTF-8 ({exc.reason} at byte {exc.start})"
        )
        return ""
    if len(lines) != 1:
        validator.errors.append(
            f"{VERSION_FILE}:1: (version): must be one line, the version: {VERSION_FORM}"
        )
        return ""
    problem = version_problem(lines[0], timezone.now().astimezone(datetime.UTC).date())
    if problem:
        validator.errors.append(f"{VERSION_FILE}:1: (version): {problem}")
        return ""
    return lines[0]


def version_problem(version: str, today: datetime.date) -> str:
    """What is wrong with `version` as a dataset version, "" when nothing is: it must be of
    the documented form (VERSION_RE, data/DICTIONARY.md), its day one of the calendar, and
    not after the day after `today` (UTC; a release dated tomorrow is someone's today).
    A version dated later, or mistyped (2027.O4.03, which sorts after every version of
    digits), would have every correct version until then refused as older
    (`check_version`)."""
    match = VERSION_RE.match(version)
    if match is None:
        return f"{version!r} is not a version of the form {VERSION_FORM}"
    try:
        day = datetime.datetime.strptime(match["day"], "%Y.%m.%d").date()
    except ValueError:
        return f"{version!r} is not a day of the calendar: write the version as {VERSION_FORM}"
    tomorrow = today + datetime.timedelta(days=1)
    if day > tomorrow:
        return (
            f"{version} is after tomorrow ({tomorrow.isoformat()}, UTC): a version is the day "
            "of its release, and a version dated later would have every correct version "
            "until that day refused as older"
        )
    return ""


def read_documents(directory: Path, validator: _Validator) -> dict[str, str]:
    """The folder's documentation, as DatasetImport keeps it ({"changelog", "dictionary",
    "licence": text}): its CHANGELOG.md ("" without one), its DICTIONARY.md and LICENSE (the
    project's data/ files without them: the format the importer reads, the site's licence).
    A file that is not UTF-8 is an error."""
    documents = {}
    for name, file in DOCUMENTS.items():
        path = directory / file
        if path.is_file():
            try:
                text = path.read_bytes().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                validator.errors.append(
                    f"{file}:0: (file): not valid UTF-8 ({exc.reason} at byte {exc.start})"
                )
                text = ""
        elif name == "changelog":
            text = ""
        else:
            text = (PROJECT_DATA / file).read_text(encoding="utf-8")
        documents[name] = text
    return documents


def _field(model, name: str):
    return model._meta.get_field(name)


def out_of_range(model, name: str, value: int) -> str | None:
    """What the validators of `model`'s integer field `name` (the range its database
    column holds) say of `value`, in English; None when it holds it."""
    try:
        with translation.override(DATASET_LANGUAGE):
            _field(model, name).run_validators(value)
    except ValidationError as refused:
        return f"{value}: {' '.join(refused.messages)} ({model.__name__}.{name})"
    return None


def _text_limits() -> dict[tuple[str, str], tuple[object, bool]]:
    """{(file, column): (model field, is a `;` list)}: the columns stored in a field with a
    `max_length`, checked against it (a longer value is an error, not a database failure)."""
    url = _field(Source, "url")
    limits = {
        ("states.csv", "name"): (_field(State, "name"), False),
        ("persons.csv", "slug"): (_field(Person, "slug"), False),
        ("persons.csv", "name"): (_field(Person, "name"), False),
        ("persons.csv", "other_names"): (_field(Person, "other_names").base_field, True),
        ("persons.csv", "role"): (_field(Person, "role"), False),
        ("persons.csv", "situation"): (_field(Situation, "name"), False),
        ("declarations.csv", "situation"): (_field(Situation, "name"), False),
        ("referrals.csv", "situation"): (_field(Situation, "name"), False),
        ("referrals.csv", "resolution"): (_field(SecurityCouncilReferral, "resolution"), False),
        ("warrants.csv", "case_name"): (_field(Case, "name"), False),
        ("warrants.csv", "case_number"): (_field(Case, "number"), False),
        ("visits.csv", "city"): (_field(Visit, "place"), False),
        ("visits.csv", "occasion"): (_field(Visit, "occasion"), False),
        ("findings.csv", "chamber"): (_field(Finding, "chamber"), False),
        ("statements.csv", "title"): (_field(JointStatement, "title"), False),
    }
    for name, columns in FILES.items():
        if "source_urls" in columns:
            limits[name, "source_urls"] = (url, True)
    return limits


# What a spreadsheet runs as a formula when a cell starts with it (core.tabular guards the
# downloads; the importer warns, since the researcher may have pasted it by mistake).
FORMULA_START = ("=", "+", "-", "@")


def check_cells(row: Row, validator: _Validator, limits) -> None:
    """Every cell of a row: a NUL is an error (and is dropped, so that the other checks
    still run), a value longer than its model field's `max_length` is an error, a value
    a spreadsheet would run as a formula is a warning."""
    for column, value in row.values.items():
        if "\x00" in value:
            validator.error(row, column, "contains a NUL character (\\x00), which cannot be stored")
            value = row.values[column] = value.replace("\x00", "")
        limit = limits.get((row.file, column))
        if limit is not None:
            model_field, is_list = limit
            items = [i.strip() for i in value.split(";")] if is_list else [value]
            for item in items:
                if len(item) > model_field.max_length:
                    validator.error(
                        row,
                        column,
                        f"{item[:40]!r}... is {len(item)} characters long; at most "
                        f"{model_field.max_length} ({model_field.model.__name__}.{model_field.name})",
                    )
        if value.startswith(FORMULA_START) and not _is_number(value):
            validator.warn(
                row,
                column,
                f"starts with {value[0]!r}: a spreadsheet would run {value[:40]!r} as a formula "
                "(the site's downloads show it with a leading apostrophe)",
            )


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _decode(name: str, data: bytes, validator: _Validator) -> str | None:
    """The file's text (a UTF-8 byte-order mark dropped), or None after an error naming the
    line, and the column where it can be told, of the first byte that is not UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = "(file)"
        text = data.decode("utf-8", errors="replace")
        reader = csv.reader(io.StringIO(text, newline=""))
        header = [h.strip() for h in next(reader, [])]
        if line == 1:
            column = "(header)"
        else:
            start = reader.line_num
            for record in reader:
                if start < line <= reader.line_num:
                    bad = [i for i, cell in enumerate(record) if "\ufffd" in cell]
                    if bad and bad[0] < len(header):
                        column = header[bad[0]] or column
                    break
                start = reader.line_num
        byte = data[exc.start : exc.start + 1].hex()
        validator.errors.append(
            f"{name}:{line}: {column}: not valid UTF-8 ({exc.reason}: byte 0x{byte}); "
            "save the file as UTF-8 (a spreadsheet's 'CSV UTF-8')"
        )
        return None


# Files of a dataset folder the importer does not read, but knows (never taken for a
# misspelling of a CSV file's name).
KNOWN_OTHER_FILES = {
    VERSION_FILE,
    "CHANGELOG.md",
    "DATA-NOTES.md",
    "DICTIONARY.md",
    "LICENSE",
    "README.md",
    "UNCERTAIN.md",
}


def lookalikes(name: str, present: set[str]) -> list[str]:
    """The files of `present` (names in a folder) that look like a misspelling of `name`,
    one of FILES: the same name in another case (`Referrals.csv`), with another or a
    further extension (`findings.csv.txt`, `findings.txt`), or a letter or two off
    (`referals.csv`). Never another file the importer reads or knows."""
    stem = name.removesuffix(".csv")
    found = []
    for other in sorted(present):
        if other in FILES or other in KNOWN_OTHER_FILES:
            continue
        lowered = other.lower()
        if (
            lowered.split(".")[0].strip() == stem
            or difflib.SequenceMatcher(None, lowered, name).ratio() >= 0.85
        ):
            found.append(other)
    return found


def _separator_of(header_line: str) -> str | None:
    """The separator of a header row split by something else than commas: "semicolons" or
    "tabs" (a spreadsheet's regional CSV, a tab-separated export); None otherwise."""
    if ";" in header_line:
        return "semicolons"
    if "\t" in header_line:
        return "tabs"
    return None


def check_complete(name: str, text: str, validator: _Validator) -> None:
    """An error, on the last line of `name` (its `text`), when the file may have been cut
    short: it does not end with a line break, or it ends inside a quoted cell (a `"`
    never closed, the rest of a cell holding line breaks lost). A save or a copy cut short
    stops anywhere, most often inside a row, and a row cut inside its last cell (a
    source's URL cut short) still reads as a whole row, while the rows after it are lost
    (the import would withdraw or delete them). Every file the project writes, and every
    spreadsheet's CSV, ends its last row with a line break; a file found complete is
    confirmed so by ending it with one."""
    if not text:
        return
    line = text.count("\n") + (0 if text.endswith("\n") else 1)
    if not text.endswith(("\n", "\r")):
        cause, remedy = "does not end with a line break", "end the file with a line break"
    elif '"' in text and _ends_inside_quotes(text):
        cause, remedy = "ends inside a quoted cell", 'close its quote (")'
    else:
        return
    validator.errors.append(
        f"{name}:{line}: (file): the file {cause}, so it may have been cut short (a save or "
        f"a copy interrupted): compare it with the last version; if its last row is "
        f"complete, {remedy}"
    )


def _ends_inside_quotes(text: str) -> bool:
    """Whether CSV `text` ends inside a quoted cell (what a strict reader calls an
    unexpected end of data); other faults of quoting are the reading's to report."""
    try:
        for _record in csv.reader(io.StringIO(text, newline=""), strict=True):
            pass
    except csv.Error as exc:
        return str(exc) == "unexpected end of data"
    return False


def repeated_columns(name: str, header: list[str], validator: _Validator) -> list[str]:
    """The columns of FILES[name] that `header` names more than once, in the header's
    order, each an error naming their positions: a row would keep one copy's value and
    drop the other's without a word."""
    repeated = [
        column
        for i, column in enumerate(header)
        if column in FILES[name] and header.index(column) == i and header.count(column) > 1
    ]
    for column in repeated:
        positions = [str(i + 1) for i, c in enumerate(header) if c == column]
        times = "twice" if len(positions) == 2 else f"{len(positions)} times"
        validator.errors.append(
            f"{name}:1: {column}: the column appears {times} (columns "
            f"{', '.join(positions[:-1])} and {positions[-1]}): keep one of them, holding "
            "the values to import"
        )
    return repeated


def read_rows(directory: Path, validator: _Validator) -> dict[str, list[Row]]:
    """Read every file; missing files, bad encodings, missing and unknown columns are errors,
    and so are NUL characters and values too long for their field (`check_cells`).

    Returns {file name: [Row]}. An optional file that is absent reads as no rows and is
    put in `validator.absent` (`check_absent_files` refuses it when rows of its kind are
    recorded); a missing file is an error when it is required, or when the folder holds a
    file that looks like a misspelling of its name (`lookalikes`). A required file with a
    header but no rows is an error (a truncated save), and so is a header split by
    semicolons or tabs (a spreadsheet's regional CSV), named once rather than column by
    column, and a header naming a column twice (`repeated_columns`). Every file that
    could not be read whole goes to `validator.unreadable`. A file whose last line has no
    line break, or that ends inside a quoted cell, is an error too (`check_complete`: it
    may have been cut short); its rows are still read and checked.
    """
    rows: dict[str, list[Row]] = {}
    limits = _text_limits()
    present = {p.name for p in directory.iterdir() if p.is_file()} if directory.is_dir() else set()
    for name, columns in FILES.items():
        path = directory / name
        rows[name] = []
        if not path.exists():
            similar = lookalikes(name, present)
            if similar:
                names = ", ".join(similar)
                validator.errors.append(
                    f"{name}: (file): the file is missing from {directory}, which holds "
                    f"{names} instead: the importer reads {name} only (lower case, ending in "
                    f".csv); rename the file {name}"
                )
                validator.unreadable.add(name)
            elif name not in OPTIONAL_FILES:
                validator.errors.append(f"{name}: (file): the file is missing from {directory}")
                validator.unreadable.add(name)
            else:
                validator.absent.add(name)
            continue
        # A byte-order mark (spreadsheets write one) is accepted and dropped.
        text = _decode(name, path.read_bytes(), validator)
        if text is None:
            validator.unreadable.add(name)
            continue
        check_complete(name, text, validator)
        reader = csv.reader(io.StringIO(text, newline=""))
        header = [h.strip() for h in next(reader, [])]
        if not any(header):
            validator.errors.append(
                f"{name}:1: (header): the file is empty, without even its header row; "
                f"restore it (data/DICTIONARY.md documents the columns of {name})"
            )
            validator.unreadable.add(name)
            continue
        missing = [c for c in columns if c not in header and (name, c) not in OPTIONAL_COLUMNS]
        first_line = text.split("\n", 1)[0].strip()
        separator = _separator_of(first_line)
        if missing and separator:
            shown = first_line if len(first_line) <= 60 else first_line[:60] + "..."
            validator.errors.append(
                f"{name}:1: (header): the file looks separated by {separator}, not commas "
                f"(its header reads {shown!r}): save it as comma-separated UTF-8 (a "
                "spreadsheet's 'CSV UTF-8 (comma delimited)'), then import again"
            )
            validator.unreadable.add(name)
            continue
        for column in missing:
            validator.errors.append(f"{name}:1: {column}: the column is missing from the header")
        unknown = [c for c in header if c not in columns]
        for column in unknown:
            validator.errors.append(
                f"{name}:1: {column or '(empty)'}: unknown column "
                f"(data/DICTIONARY.md documents the columns of {name})"
            )
        repeated = repeated_columns(name, header, validator)
        if missing or unknown or repeated:
            validator.unreadable.add(name)
            continue
        parsed, line = [], reader.line_num
        for record in reader:
            start_line, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                validator.errors.append(
                    f"{name}:{start_line}: (row): has {len(record)} fields, the header has {len(header)}"
                )
                validator.unreadable.add(name)
                continue
            values = {k: v.strip() for k, v in zip(header, record, strict=True)}
            for file, column in OPTIONAL_COLUMNS:
                if file == name:
                    values.setdefault(column, "")
            row = Row(name, start_line, values)
            check_cells(row, validator, limits)
            parsed.append(row)
        if not parsed and name not in OPTIONAL_FILES and name not in validator.unreadable:
            validator.errors.append(
                f"{name}: (file): the file has its header row but no rows (a truncated "
                f"save?): {name} must list at least one row; restore it from the last version"
            )
            validator.unreadable.add(name)
        rows[name] = parsed
    return rows


# --- Validation: every row, before anything is written ---------------------------------


@dataclass
class Parsed:
    """The validated rows, as (Row, values) pairs per file, and what the import removes."""

    version: str = ""
    # The folder's changelog, dictionary and licence (read_documents).
    documents: dict[str, str] = field(default_factory=dict)
    states: list[tuple[Row, dict]] = field(default_factory=list)
    declarations: list[tuple[Row, dict]] = field(default_factory=list)
    referrals: list[tuple[Row, dict]] = field(default_factory=list)
    persons: list[tuple[Row, dict]] = field(default_factory=list)
    warrants: list[tuple[Row, dict]] = field(default_factory=list)
    visits: list[tuple[Row, dict]] = field(default_factory=list)
    findings: list[tuple[Row, dict]] = field(default_factory=list)
    statements: list[tuple[Row, dict]] = field(default_factory=list)
    # Visits an earlier import wrote that these files no longer list (pks): withdrawn.
    withdrawn_visits: list[int] = field(default_factory=list)
    # Imported visits a verified newsroom correction changed: {slug: (row, message)}; the
    # import may list them again unchanged, but a row that would change them is refused.
    corrected_visits: dict[str, tuple[Row, str]] = field(default_factory=dict)
    # The rows' fingerprint (`rows_digest`), recorded with the import (DatasetImport.digest).
    digest: str = ""
    # One line per file that could not be read: the checks skipped for want of it.
    skipped: list[str] = field(default_factory=list)
    # The files not read whole (unreadable, or optional and absent): what they no longer
    # list is not known (`unlisted_counts`).
    unread: set[str] = field(default_factory=set)

    def rows(self):
        """Every (Row, values) pair of every file."""
        for name in FILES:
            yield from getattr(self, name.removesuffix(".csv"))


def check_instrument(
    v: _Validator, row: Row, instrument: str, dates: dict[str, datetime.date | None]
) -> None:
    """Errors for a states.csv row whose `instrument` its dates contradict: any instrument
    needs its `deposited` date (a succession's notification received by the UN
    Secretary-General); a ratification is a signatory's (Art. 125(2): `signed` by 31
    December 2000, when the Statute closed for signature); a succession needs its
    `entry_into_force`, the date of succession, which no computation from the notification
    gives (Montenegro: independence on 3 June 2006, notified on 23 October 2006)."""
    if not instrument:
        return
    if dates["deposited"] is None:
        v.error(row, "instrument", f"{instrument} needs the deposited date of its instrument")
    if instrument == Instrument.RATIFICATION and (
        dates["signed"] is None or dates["signed"] > SIGNATURE_CLOSED
    ):
        v.error(
            row,
            "instrument",
            "a ratification is a signatory's (Art. 125(2)): it needs a signed date by "
            "31 December 2000; a state that did not sign by then accedes (Art. 125(3))",
        )
    if instrument == Instrument.SUCCESSION and dates["entry_into_force"] is None:
        v.error(
            row,
            "instrument",
            "a succession needs its entry_into_force, the date of succession (it is not "
            "computed from the notification under Art. 126)",
        )


def entry_into_force_article(deposited: datetime.date) -> str:
    """The paragraph of Art. 126 that dates the Statute's entry into force for a deposit:
    "Art. 126(1)" up to 2002-04-11 (in force on 2002-07-01 for every such state), "Art.
    126(2)" after (the first day of the month after the 60th day following the deposit)."""
    return "Art. 126(1)" if deposited <= FOUNDING_DEPOSIT_DEADLINE else "Art. 126(2)"


def row_id(v: _Validator, row: Row, seen: dict[str, int]) -> str | None:
    """A findings.csv or statements.csv row's `id` (data/DICTIONARY.md): required, a slug,
    once in its file (`seen`: {id: line}, filled here). None when it is not usable."""
    rid = v.required(row, "id")
    if rid and not is_slug(rid):
        v.error(row, "id", f"{rid!r} must be lower-case words joined by hyphens")
        return None
    if rid in seen:
        v.error(row, "id", f"{rid} is already used on line {seen[rid]}")
        return None
    if rid:
        seen[rid] = row.line
    return rid


def decision_coherence(
    v: _Validator,
    row: Row,
    kind: str | None,
    visit_id: str,
    bodies: list[str],
    reported_by: str,
) -> None:
    """Refuse a findings.csv row whose columns contradict its `kind` (data/DICTIONARY.md;
    docs/DOMAIN.md, "ICC finding"), each with an error naming the row and why. The rule is
    every write path's (visits.models.decision_incoherences, the admin's too): a
    `no_failure` decision needs its `visit_id` and has no `referred_to`; `reported_by`
    goes only with a `no_failure` decision.

    `kind` None (not in the vocabulary, already refused) checks nothing."""
    fields = decision_incoherences(
        kind,
        on_visit=bool(visit_id),
        asp="asp" in bodies,
        unsc="unsc" in bodies,
        reported_by=reported_by,
    )
    if "visit" in fields:
        v.error(
            row,
            "visit_id",
            "a no_failure decision is a decision on a visit (it found no failure to "
            "comply on it): give its visit_id, or record the decision as kind `other`",
        )
    if "referred_to_asp" in fields or "referred_to_unsc" in fields:
        v.error(
            row,
            "referred_to",
            f"{';'.join(bodies)!r} is given, but a no_failure decision referred nothing "
            "and informed no body (its explanation says so): leave referred_to empty",
        )
    if "reported_by" in fields:
        v.error(
            row,
            "reported_by",
            f"{reported_by!r} is read only with a no_failure decision, whose holding the "
            f"site attributes to the state's report; a decision of kind {kind} is stated as "
            "the Court's, from its publication or independent reports: leave reported_by "
            "empty",
        )


def decision_visit_coherence(
    v: _Validator, row: Row, state: str | None, visit: dict, named: list[str]
) -> None:
    """Refuse a findings.csv row on a visit of visits.csv (`visit`, its parsed row) that
    contradicts that visit (data/DICTIONARY.md, `state_iso3` and `persons`), each with an
    error naming both rows. The rule is every write path's
    (visits.models.decision_visit_incoherences, the admin's too): the decision's
    `state_iso3` is the visit's host, and the persons it names (`named`, their slugs; none:
    not checked) include the visit's person.

    `state`, the visit's host or its person None (refused on its own) checks nothing of it."""
    traveller = visit["person"]["slug"] if visit["person"] else None
    fields = decision_visit_incoherences(
        state, host=visit["host"], traveller=traveller, persons=named
    )
    if "visit" in fields:
        v.error(
            row,
            "visit_id",
            f"{visit['slug']}'s host is {visit['host']} ({visit['row'].where}), not {state}",
        )
    if "persons" in fields:
        v.error(
            row,
            "persons",
            f"{visit['slug']}'s person is {traveller} ({visit['row'].where}), "
            f"not {' or '.join(named)}",
        )


def validate(directory: Path) -> tuple[Parsed, list[str], list[str]]:
    """Parse and check every row; returns (parsed rows, errors, warnings).

    Reads the database too, without writing: the rules that span the files and what is
    already recorded (a nationality against the visits already recorded, the persons a
    newer version removes) are checked here, so that a run with errors writes nothing.
    """
    v = _Validator()
    warnings: list[str] = v.warnings
    rows = read_rows(directory, v)
    parsed = Parsed(
        version=read_version(directory, v),
        digest=rows_digest(rows),
        documents=read_documents(directory, v),
    )
    check_absent_files(v, directory)
    check_version(v, parsed)
    # Checks of one file against another that could not be read are skipped: every row
    # would name a person, situation or visit "unknown" (see `skipped_checks`).
    persons_read = "persons.csv" not in v.unreadable
    visits_read = "visits.csv" not in v.unreadable

    seen_states: dict[str, int] = {}
    for row in rows["states.csv"]:
        iso3 = v.iso3(row, "iso3")
        name = v.required(row, "name")
        dates = {col: v.day(row, col) for col in TREATY_COLUMNS}
        instrument = (
            v.choice(row, "instrument", VOCABULARIES["states.csv", "instrument"], required=False)
            or ""
        )
        succession = instrument == Instrument.SUCCESSION
        check_instrument(v, row, instrument, dates)
        if (
            dates["deposited"]
            and dates["entry_into_force"]
            and dates["entry_into_force"] < dates["deposited"]
            and not succession
        ):
            # Legitimate for a succession (Montenegro: in force from independence, notified
            # later), which says so in `instrument`.
            warnings.append(
                f"{row.file}:{row.line}: entry_into_force: {dates['entry_into_force']} is before the deposit "
                f"{dates['deposited']} (a succession? say so in instrument); the recorded date is used"
            )
        v.in_order(
            row,
            "withdrawal_notified",
            "withdrawal_effective",
            dates["withdrawal_notified"],
            dates["withdrawal_effective"],
        )
        v.in_order(
            row, "signed", "withdrawal_notified", dates["signed"], dates["withdrawal_notified"]
        )
        if dates["signed"] and dates["signed"] > SIGNATURE_CLOSED:
            # Art. 125(1): open for signature until 31 December 2000; later, a state accedes.
            warnings.append(
                f"{row.file}:{row.line}: signed: {dates['signed']} is after 31 December 2000, when the "
                "Statute closed for signature (Art. 125(1)); the state is taken to have acceded"
            )
        if dates["withdrawal_revoked"] and not dates["withdrawal_notified"]:
            v.error(row, "withdrawal_revoked", "a revocation needs a withdrawal_notified date")
        if iso3 in seen_states:
            v.error(row, "iso3", f"{iso3} is already listed on line {seen_states[iso3]}")
        elif iso3:
            seen_states[iso3] = row.line
        deposited, recorded = dates["deposited"], dates["entry_into_force"]
        effective = dates["withdrawal_effective"]
        # A succession's entry into force is the date of succession (independence), not
        # computed from the notification under Art. 126.
        if (
            deposited
            and recorded
            and entry_into_force_for(deposited) != recorded
            and not succession
        ):
            warnings.append(
                f"{row.file}:{row.line}: entry_into_force: {recorded} differs from the "
                f"{entry_into_force_article(deposited)} computation "
                f"({entry_into_force_for(deposited)} for a deposit on {deposited}); the recorded date is used"
            )
        notified = dates["withdrawal_notified"]
        # A withdrawal before entry into force (Malaysia) may take effect at once.
        never_in_force = deposited and effective and effective < entry_into_force_for(deposited)
        if (
            notified
            and effective
            and withdrawal_effective_for(notified) > effective
            and not never_in_force
        ):
            warnings.append(
                f"{row.file}:{row.line}: withdrawal_effective: {effective} is earlier than one year after the "
                f"notification of {notified} (Art. 127(1))"
            )
        parsed.states.append(
            (
                row,
                {
                    "iso3": iso3,
                    "name": name,
                    "dates": dates,
                    "instrument": instrument,
                    "notes": row.values["notes"],
                    "urls": v.urls(row),
                },
            )
        )

    persons: dict[str, dict] = {}
    situations: set[str] = set()
    for row in rows["persons.csv"]:
        slug = v.required(row, "slug")
        if slug and not is_slug(slug):
            v.error(row, "slug", f"{slug!r} must be lower-case words joined by hyphens")
        if slug in persons:
            v.error(row, "slug", f"{slug} is already listed on line {persons[slug]['line']}")
        data = {
            "line": row.line,
            "row": row,
            "slug": slug,
            "name": v.required(row, "name"),
            "other_names": [n.strip() for n in row.values["other_names"].split(";") if n.strip()],
            "nationality": v.iso3(row, "nationality_iso3", required=False),
            "born": v.period(row, "born"),
            "role": row.values["role"],
            "situation": v.required(row, "situation"),
            "status": v.choice(row, "status", VOCABULARIES["persons.csv", "status"]),
            "status_date": v.day(row, "status_date"),
            "notes": row.values["notes"],
            "urls": v.urls(row),
        }
        if data["situation"]:
            situations.add(data["situation"])
        if slug:
            persons[slug] = data
        parsed.persons.append((row, data))

    def known_situation(row: Row, column: str) -> str | None:
        situation = v.required(row, column)
        if (
            situation
            and persons_read
            and situation not in situations
            and not Situation.objects.filter(name=situation).exists()
        ):
            v.error(
                row,
                column,
                f"{situation!r} is not a known situation (none of the persons belongs to it)",
            )
        return situation

    declarations: dict[tuple, int] = {}
    for row in rows["declarations.csv"]:
        situation = known_situation(row, "situation")
        covers_from, covers_to = v.period(row, "covers_from"), v.period(row, "covers_to")
        v.in_order(row, "covers_from", "covers_to", covers_from, covers_to)
        if covers_to and not covers_from:
            v.error(row, "covers_to", "a covered period's end needs its start (covers_from)")
        iso3, lodged = v.iso3(row, "iso3"), v.day(row, "lodged", required=True)
        # Matched by these three when loading: a second row would overwrite the first.
        key = (iso3, lodged, situation)
        if None not in key:
            if key in declarations:
                v.error(
                    row,
                    "lodged",
                    f"the same declaration ({iso3}, lodged {lodged}, {situation}) is already "
                    f"on line {declarations[key]}: list it once (its sources `;`-separated)",
                )
            else:
                declarations[key] = row.line
        parsed.declarations.append(
            (
                row,
                {
                    "iso3": iso3,
                    "lodged": lodged,
                    "situation": situation,
                    "covers_from": covers_from,
                    "covers_to": covers_to,
                    "effect": v.choice(
                        row, "effect", VOCABULARIES["declarations.csv", "effect"], required=False
                    )
                    or "",
                    "notes": row.values["notes"],
                    "urls": v.urls(row),
                },
            )
        )

    resolutions: dict[str, int] = {}
    for row in rows["referrals.csv"]:
        resolution = v.required(row, "resolution")
        if resolution in resolutions:
            v.error(
                row,
                "resolution",
                f"{resolution} is already listed on line {resolutions[resolution]}",
            )
        elif resolution:
            resolutions[resolution] = row.line
        bound = v.codes(row, "bound_iso3")
        if not bound and not row.values["bound_iso3"]:
            v.error(row, "bound_iso3", "at least one state the resolution binds is required")
        parsed.referrals.append(
            (
                row,
                {
                    "situation": known_situation(row, "situation"),
                    "resolution": resolution,
                    "adopted": v.day(row, "adopted", required=True),
                    "bound": bound,
                    "notes": row.values["notes"],
                    "urls": v.urls(row, required=True),
                },
            )
        )
    check_situation_slugs(v, parsed)

    def known_person(row: Row, column: str, slug: str | None = None) -> dict | None:
        slug = v.required(row, column) if slug is None else slug
        if slug is None:
            return None
        if slug not in persons and not persons_read:
            return None  # persons.csv could not be read: not this row's problem
        if slug not in persons:
            v.error(row, column, f"{slug!r} is not a known person (not in persons.csv)")
            return None
        return persons[slug]

    for row in rows["warrants.csv"]:
        person = known_person(row, "person_slug")
        issued = v.period(row, "issued")
        made_public = v.period(row, "made_public")
        ended = v.day(row, "ended")
        if not row.values["issued"] and not row.values["made_public"]:
            v.error(
                row, "issued", "a warrant needs an issue date or, failing that, a made_public date"
            )
        v.in_order(row, "issued", "made_public", issued, made_public)
        v.in_order(row, "issued", "ended", issued, ended)
        end_reason = v.choice(
            row, "end_reason", VOCABULARIES["warrants.csv", "end_reason"], required=False
        )
        # docs/DOMAIN.md, "Warrant": a warrant with an end reason has an end date, and a
        # person not at large has no warrant without an end (Bemba, acquitted in 2018,
        # flying home must not become an incident). Both are errors naming both rows.
        where = f", {person['row'].where}" if person else ""
        if end_reason and not row.values["ended"]:
            v.error(
                row,
                "ended",
                f"end_reason is {end_reason!r} but the end date is missing: a warrant that "
                f"ended has an end date (person {row.values['person_slug']}{where})",
            )
        elif (
            person
            and not row.values["ended"]
            and person["status"]
            and person["status"] != PersonStatus.AT_LARGE
        ):
            v.error(
                row,
                "ended",
                f"the warrant has no end, but {person['row'].where} gives "
                f"{person['slug']}'s status as {person['status']}: a person not at large "
                "has no warrant without an end",
            )
        parsed.warrants.append(
            (
                row,
                {
                    # Given by assign_warrant_refs, once every row is read.
                    "ref": "",
                    "person": person,
                    "case_name": row.values["case_name"],
                    "case_number": row.values["case_number"],
                    "issued": issued,
                    "made_public": made_public,
                    "ended": ended,
                    "end_reason": end_reason or "",
                    "charges": row.values["charges"],
                    "notes": row.values["notes"],
                    "urls": v.urls(row),
                },
            )
        )

    assign_warrant_refs(v, parsed.warrants)

    visits: dict[str, dict] = {}
    for row in rows["visits.csv"]:
        vid = v.required(row, "id")
        if vid and not is_slug(vid):
            v.error(row, "id", f"{vid!r} must be lower-case words joined by hyphens")
        if vid in visits:
            v.error(row, "id", f"{vid} is already used on line {visits[vid]['row'].line}")
        person = known_person(row, "person_slug")
        host = v.iso3(row, "host_iso3")
        status = v.choice(row, "status", VOCABULARIES["visits.csv", "status"])
        start = v.visit_date(row, "start", required=status not in (None, VisitStatus.CANCELLED))
        # `?`: the sources give no end (data/DICTIONARY.md); the visit covered its start.
        end_known = row.values["end"] != UNKNOWN_END
        end = v.visit_date(row, "end") if end_known else None
        if not end_known and not row.values["start"]:
            v.error(row, "end", "an end that is not known (?) needs a start date")
        elif not end_known and (refused := english(unknown_end_refused, status)):
            v.error(row, "end", refused)
        if start and status and (refused := english(visit_started_too_late, start, status)):
            v.error(row, "start", refused)
        last = end or start
        if status == VisitStatus.ANNOUNCED and last and last.last < timezone.localdate():
            # A trip announced when the dataset was made may have passed by the day it is
            # imported: the row still imports (a shipped dataset must keep importing as time
            # passes), and the site says "dates passed; not confirmed as taken".
            v.warn(
                row,
                "status",
                f"announced, but its dates passed ({last.isoformat()}) before the import "
                f"date ({timezone.localdate().isoformat()}): not confirmed as taken; record "
                "whether it occurred, was cancelled or was attended by video "
                "(manage.py announced_passed lists them)",
            )
        if end and not row.values["start"]:
            v.error(row, "end", "an end date needs a start date")
        v.in_order(row, "start", "end", start, end)
        outcome = v.choice(row, "outcome", VOCABULARIES["visits.csv", "outcome"])
        if status and outcome and outcome_fits(status, outcome) is False:
            v.error(row, "outcome", outcome_mismatch(status, outcome))
        if person and host and person["nationality"] == host:
            v.error(
                row,
                "host_iso3",
                f"{host} is {row.values['person_slug']}'s own state of nationality "
                f"({person['row'].where}): a visit to one's own state is not a visit",
            )
        control = (
            v.choice(
                row, "host_control", VOCABULARIES["visits.csv", "host_control"], required=False
            )
            or HostControl.EFFECTIVE
        )
        controlled_by = v.iso3(row, "controlled_by_iso3", required=False)
        if controlled_by and control != HostControl.NONE:
            v.error(
                row,
                "controlled_by_iso3",
                "names the state that controlled the place when the host did not: "
                "only with host_control none",
            )
        elif controlled_by and controlled_by == host:
            v.error(row, "controlled_by_iso3", f"{controlled_by} is the host itself")
        data = {
            "row": row,
            "slug": vid,
            "person": person,
            "host": host,
            "place": row.values["city"],
            "start": start,
            "end": end,
            "end_known": end_known,
            "occasion": row.values["occasion"],
            "status": status,
            "outcome": outcome,
            "host_notified": v.choice(
                row, "host_notified", VOCABULARIES["visits.csv", "host_notified"], required=False
            )
            == "yes",
            "host_control": control,
            "controlled_by": controlled_by,
            "host_justification": row.values["host_justification"],
            "review_state": v.choice(
                row, "review_state", VOCABULARIES["visits.csv", "review_state"], required=False
            )
            or ReviewState.REPORTED,
            "expected_verdict": v.choice(
                row,
                "expected_verdict",
                VOCABULARIES["visits.csv", "expected_verdict"],
                required=False,
            )
            or "",
            "notes": row.values["notes"],
            "urls": v.urls(row, required=True),
        }
        if vid and vid not in visits:
            visits[vid] = data
        parsed.visits.append((row, data))

    newsroom_collisions(v, visits, parsed)
    refuse_unpublishing(v, visits)

    # A nationality must not make a visit already recorded, and no longer listed in
    # visits.csv (withdrawn, or reported on the site), one to the person's own state.
    nationals = {p["slug"]: p for p in persons.values() if p["nationality"] and visits_read}
    for visit_slug, person_slug, host_iso3 in (
        Visit.objects.filter(person__slug__in=nationals)
        .exclude(slug__in=visits)
        .values_list("slug", "person__slug", "host__iso3")
    ):
        person = nationals[person_slug]
        if person["nationality"] == host_iso3:
            v.error(
                person["row"],
                "nationality_iso3",
                f"{host_iso3} would make visit {visit_slug} (recorded in the database, "
                f"not in visits.csv) one to {person_slug}'s own state of nationality",
            )

    findings: dict[tuple, int] = {}
    withdrawn = newsroom_withdrawals(
        {row.values["visit_id"] for row in rows["findings.csv"]} - set(visits) - {""}
    )
    finding_ids: dict[str, int] = {}
    for row in rows["findings.csv"]:
        fid = row_id(v, row, finding_ids)
        state = v.iso3(row, "state_iso3")
        decided = v.period(row, "decided", required=True)
        slugs = [s.strip() for s in row.values["persons"].split(";") if s.strip()]
        found = [known_person(row, "persons", slug) for slug in slugs]
        visit_id = row.values["visit_id"]
        if visit_id and visit_id in withdrawn:
            v.error(
                row,
                "visit_id",
                f"{visit_id} was withdrawn through the newsroom ({_by(withdrawn[visit_id])}), "
                "so visits.csv no longer lists it: empty this visit_id to keep the decision "
                "without its visit, or remove this row if the decision goes with the visit",
            )
        elif visit_id and visit_id not in visits and visits_read:
            # Only once visits.csv was read: unread, a missing visit is not this row's problem.
            v.error(row, "visit_id", f"{visit_id!r} is not a visit of visits.csv")
        if visit_id in visits:
            named = [p["slug"] for p in found if p]  # the unknown ones already refused
            decision_visit_coherence(v, row, state, visits[visit_id], named)
        kind = v.choice(row, "kind", VOCABULARIES["findings.csv", "kind"])
        reported_by = row.values["reported_by"]
        if reported_by not in ("", *VOCABULARIES["findings.csv", "reported_by"]):
            v.error(
                row,
                "reported_by",
                f"{reported_by!r} is not one of: state (empty: the Court's publication or "
                "independent reports were read)",
            )
        bodies = [b.strip() for b in row.values["referred_to"].split(";") if b.strip()]
        for body in bodies:
            if body not in VOCABULARIES["findings.csv", "referred_to"]:
                v.error(
                    row,
                    "referred_to",
                    f"{body!r} is not one of: asp, unsc (a `;` list; empty: not referred)",
                )
        decision_coherence(v, row, kind, visit_id, bodies, reported_by)
        key = (state, visit_id, decided.first if decided else None, kind)
        if None not in (state, decided, kind):
            if key in findings:
                v.error(
                    row,
                    "decided",
                    f"the same finding (state, visit, date, kind) is already on line {findings[key]}",
                )
            else:
                findings[key] = row.line
        parsed.findings.append(
            (
                row,
                {
                    "slug": fid,
                    "state": state,
                    "decided": decided,
                    "reference": row.values["decision_ref"],
                    "chamber": row.values["chamber"],
                    "persons": [p["slug"] for p in found if p],
                    "visit": visit_id,
                    "kind": kind,
                    "asp": "asp" in bodies,
                    "unsc": "unsc" in bodies,
                    "notes": row.values["notes"],
                    "urls": v.urls(row, required=True),
                    "reported_by": reported_by,
                },
            )
        )

    statements: dict[tuple, int] = {}
    statement_ids: dict[str, int] = {}
    for row in rows["statements.csv"]:
        sid = row_id(v, row, statement_ids)
        signatories = v.codes(row, "signatories_iso3")
        date, title = v.day(row, "date", required=True), v.required(row, "title")
        # Matched by these two when loading: a second row would overwrite the first.
        if date is not None and title is not None:
            if (date, title) in statements:
                v.error(
                    row,
                    "title",
                    f"the same statement ({date}, {title!r}) is already on line "
                    f"{statements[date, title]}: list it once (its sources `;`-separated)",
                )
            else:
                statements[date, title] = row.line
        count = row.values["count"]
        if count and not (count.isascii() and count.isdigit()):
            v.error(row, "count", f"{count!r} is not a whole number")
            count = ""
        elif count and int(count) < len(signatories):
            v.error(row, "count", f"{count} is fewer than the {len(signatories)} states listed")
        elif count and (refused := out_of_range(JointStatement, "signatory_count", int(count))):
            v.error(row, "count", refused)
        parsed.statements.append(
            (
                row,
                {
                    "slug": sid,
                    "date": date,
                    "title": title,
                    "signatories": signatories,
                    "count": int(count) if count else None,
                    "urls": v.urls(row),
                },
            )
        )

    # What a newer version removes: visits are withdrawn; a person is deleted, unless a
    # visit still recorded (withdrawn, or reported on the site) depends on him.
    parsed.withdrawn_visits = list(
        Visit.objects.exclude(dataset_version="")
        .exclude(slug__in=visits)
        .exclude(review_state=ReviewState.WITHDRAWN)
        .values_list("pk", flat=True)
    )
    refuse_withdrawing_restorations(v, parsed.withdrawn_visits)
    if persons_read:
        refuse_removing_persons(v, persons, visits)
    if persons_read and "warrants.csv" not in v.unreadable:
        refuse_at_large_without_warrant(v, parsed)
        warn_of_executions_off_custody(v, parsed)
        if not v.errors:  # else a row not identified would look removed
            warn_of_removed_warrants(v, parsed)
    parsed.skipped = skipped_checks(v.unreadable)
    parsed.unread = v.unreadable | v.absent
    return parsed, v.errors, warnings


def rows_digest(rows: dict[str, list[Row]]) -> str:
    """The fingerprint (SHA-256, hex) of what the files list: every row's cells in FILES'
    column order, the rows sorted. The same data gives the same digest whatever a
    spreadsheet changed around it (a byte-order mark, line ends, the order of the columns
    or of the rows, blank lines, spaces around cells); an absent optional file and one with
    its header only are alike.
    `check_version` compares it with the digest recorded by the import of the same version.
    """
    digest = hashlib.sha256()
    for name, columns in FILES.items():
        cells = sorted([row.values[c] for c in columns] for row in rows.get(name, []))
        digest.update(json.dumps([name, cells], ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def version_key(version: str) -> tuple:
    """How versions sort: part by part between `.`, `-`, `+` and `_`, numbers as numbers
    (2026.12.05 < 2026.12.05.2 < 2026.12.10), a part with letters after every number."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(r"[._+-]", version)
    )


def next_version(latest: str, today: datetime.date) -> str:
    """A version newer than `latest` to suggest: today's date (YYYY.MM.DD) when it is newer,
    else the same day's next release (2026.12.05 -> 2026.12.05.2 -> 2026.12.05.3)."""
    dated = today.strftime("%Y.%m.%d")
    if version_key(dated) > version_key(latest):
        return dated
    parts = latest.split(".")
    if len(parts) == 4 and parts[3].isdigit():
        return ".".join([*parts[:3], str(int(parts[3]) + 1)])
    return f"{latest}.2"


def check_version(v: _Validator, parsed: Parsed) -> None:
    """The folder's VERSION against the latest import that had one (data/README.md,
    "Versions"): an older version is an error (the site would cite it for newer facts),
    and so are changed files under the same version (two different datasets would carry
    one name); the same files under the same version are the re-import that changes
    nothing. A folder without VERSION (a third party's) is not compared; nor is a
    version whose latest import recorded no digest (one made before digests were kept),
    nor a folder with a file that could not be read (its digest says nothing yet).

    A new version (newer than the latest import's, or the first) needs its entry at the
    top of the folder's CHANGELOG.md (`check_changelog`). When the version imported last
    is itself none a release could have (recorded before the importer checked versions:
    `version_problem`), the error for an older one says how to undo that import.
    """
    if not parsed.version:
        return
    latest = DatasetImport.objects.exclude(version="").order_by("-imported_at", "-pk").first()
    if latest is None:
        check_changelog(v, parsed)
        return
    when = timezone.localtime(latest.imported_at).date().isoformat()
    suggestion = next_version(latest.version, timezone.localdate())
    what_to_do = (
        f"write a newer version to {VERSION_FILE} (such as {suggestion}) and add its entry "
        "at the top of CHANGELOG.md, saying what changed"
    )
    ours, theirs = version_key(parsed.version), version_key(latest.version)
    if ours > theirs:
        check_changelog(v, parsed)
    elif ours < theirs:
        wrong = version_problem(latest.version, timezone.now().astimezone(datetime.UTC).date())
        if wrong:
            what_to_do = (
                f"But {latest.version} is itself wrong ({wrong}): if it was recorded by "
                "mistake, an admin deletes its import in the admin (Dataset imports), then "
                "imports again"
            )
        else:
            what_to_do = f"To publish these files, {what_to_do}"
        v.errors.append(
            f"{VERSION_FILE}:1: (version): {parsed.version} is older than {latest.version}, "
            f"the version imported last (on {when}): the site would cite an older version for "
            f"newer facts. {what_to_do}"
        )
    elif ours == theirs and latest.digest and not v.unreadable and parsed.digest != latest.digest:
        v.errors.append(
            f"{VERSION_FILE}:1: (version): these files differ from version {latest.version} "
            f"as imported on {when}: changed data needs a new version, or two datasets would "
            f"carry one name. {what_to_do[0].upper()}{what_to_do[1:]}"
        )


def check_changelog(v: _Validator, parsed: Parsed) -> None:
    """An error when the folder's CHANGELOG.md does not give the new version of VERSION as
    its newest entry (README: changed data "needs a newer version in VERSION and its entry
    in CHANGELOG.md"): /data/, its changelog and the bulk files' VERSION and CHANGELOG.md
    would otherwise name two versions as the latest. The entry's heading is as
    dataset.changelog reads it (`## 2026.11.30 — 2026-11-30`). A folder without a
    CHANGELOG.md (a third party's: the site then shows no changelog) is not asked for one.
    """
    text = parsed.documents.get("changelog", "")
    if not text:
        return
    listed = changelog.versions(text)
    if listed and listed[0] == parsed.version:
        return
    day = parsed.version.split(".")[:3]
    heading = f"## {parsed.version} — {'-'.join(day)}"
    what_to_do = (
        f"Add the entry of {parsed.version} at the top of CHANGELOG.md, under the heading "
        f"'{heading}' (the version, a dash and the day of the release), saying what changed"
    )
    if parsed.version in listed:
        v.errors.append(
            f"{VERSION_FILE}:1: (version): CHANGELOG.md's newest entry is {listed[0]}, not "
            f"{parsed.version}, the version in {VERSION_FILE}: the newest entry comes first, "
            f"and it is the version imported. Move the entry of {parsed.version} to the top "
            "of CHANGELOG.md, or write the newest version to VERSION"
        )
        return
    newest = f"its newest entry is {listed[0]}" if listed else "it has no entry at all"
    v.errors.append(
        f"{VERSION_FILE}:1: (version): CHANGELOG.md has no entry for {parsed.version}, the "
        f"version in {VERSION_FILE}: {newest}. {what_to_do}"
    )


# The optional files' kinds of rows: an absent file must not delete those recorded.
OPTIONAL_KINDS = {
    "declarations.csv": Declaration,
    "referrals.csv": SecurityCouncilReferral,
    "findings.csv": Finding,
    "statements.csv": JointStatement,
}


def check_absent_files(v: _Validator, directory: Path) -> None:
    """An error for each optional file the folder lacks while rows of its kind are recorded:
    read as "lists nothing", the import would delete them all (a file renamed
    `findings.csv.txt` by an editor deleted every finding). A file with its header row
    only says that on purpose."""
    for name in FILES:
        if name not in v.absent:
            continue
        model = OPTIONAL_KINDS[name]
        count = model.objects.count()
        if count:
            v.errors.append(
                f"{name}: (file): the file is missing from {directory}, but {count} "
                f"{model._meta.verbose_name_plural} recorded by earlier imports come from it, "
                f"and a missing file is not an empty one: put {name} back (to delete them "
                "all, keep its header row only)"
            )


def check_situation_slugs(v: _Validator, parsed: Parsed) -> None:
    """An error for two situation names the files list whose addresses (slugs) would be
    the same ("Ukraine" and "ukraine"): they would be one situation. Names the rows. And
    an error for a name whose address would be longer than Situation.slug holds (a name
    may be longer than its address may: the database would refuse it while loading)."""
    first: dict[str, tuple[str, Row]] = {}
    longest = _field(Situation, "slug").max_length
    for row, data in [*parsed.persons, *parsed.declarations, *parsed.referrals]:
        name = data["situation"]
        if not name:
            continue
        slug = slugify(name)
        if len(slug) > longest:
            v.error(
                row,
                "situation",
                f"{name[:40]!r}... would have an address {len(slug)} characters long "
                f"({slug[:40]}...); at most {longest} (Situation.slug): shorten the name",
            )
        elif slug in first and first[slug][0] != name:
            other_name, other_row = first[slug]
            v.error(
                row,
                "situation",
                f"{name!r} and {other_name!r} ({other_row.where}) would be the same situation "
                f"(both {slug}): write the name the same way in every row",
            )
        else:
            first.setdefault(slug, (name, row))


def refuse_removing_persons(v: _Validator, persons: dict[str, dict], visits: dict[str, dict]):
    """An error for each person persons.csv no longer lists while visits recorded in the
    database depend on him (a removed visit is withdrawn, not deleted, so it keeps its
    person). Named by the file alone (the row is gone); the visits by the line of
    visits.csv that still lists them, or as in the database only (withdrawn, or reported
    on the site). `persons` and `visits` are the files' rows by slug."""
    listed: dict[str, list[str]] = defaultdict(list)
    stored: dict[str, list[str]] = defaultdict(list)
    for person_slug, visit_slug in (
        Visit.objects.exclude(person__slug__in=persons)
        .order_by("slug")
        .values_list("person__slug", "slug")
    ):
        if visit_slug in visits:
            listed[person_slug].append(f"{visits[visit_slug]['row'].where} ({visit_slug})")
        else:
            stored[person_slug].append(visit_slug)
    for person_slug in sorted({*listed, *stored}):
        named = listed[person_slug][:]
        if stored[person_slug]:
            named.append(
                f"{', '.join(stored[person_slug])} (in the database only: withdrawn, or "
                "reported on the site)"
            )
        v.errors.append(
            f"persons.csv: slug: {person_slug} is no longer listed, but visits depend on it: "
            f"{'; '.join(named)}. Keep the person in persons.csv (a removed visit is "
            "withdrawn, not deleted, and keeps its person)"
        )


def refuse_at_large_without_warrant(v: _Validator, parsed: Parsed) -> None:
    """An error for each person of persons.csv whose status is `at_large` while no row of
    warrants.csv names them. data/DICTIONARY.md makes it a rule: persons.csv lists only
    persons named in a public ICC arrest warrant, and `at_large` means a warrant is
    outstanding. Such a person is a warrant's row removed by mistake (the import would
    delete the warrant, and the verdicts on the person's trips with it) or a status not
    brought up to date. Names the person's row."""
    named = {row.values["person_slug"] for row, _ in parsed.warrants}
    for row, data in parsed.persons:
        if data["slug"] and data["status"] == PersonStatus.AT_LARGE and data["slug"] not in named:
            v.error(
                row,
                "status",
                f"at_large, but no row of warrants.csv names {data['slug']}: persons.csv "
                "lists only persons named in a public ICC arrest warrant, and at_large means "
                "a warrant is outstanding (data/DICTIONARY.md); keep the warrant's row, or "
                "give the person's status as it now is",
            )


def warn_of_executions_off_custody(v: _Validator, parsed: Parsed) -> None:
    """A warning for each warrant ended by execution (`end_reason` `executed`) whose last
    day (`ended`) is not the first day of the person's custody (persons.csv: `status`
    `in_custody` with its `status_date`), naming both rows.

    docs/DOMAIN.md, "Warrant" and "Dates": a warrant stops being in force when it is
    executed, the person surrendered to the Court, and that day is its last; an arrest
    before the surrender (Duterte, arrested in Manila on 11 March 2025, surrendered on
    12 March) does not end it. Checked only where both days are known: a person held by
    the Court with a custody date, and a warrant issued (its issue date's latest reading)
    on or before it; a warrant issued while the person was already held is served in
    detention and ends later. A warning, not an error: both are researched dates that
    sources may give a day apart; the rule reads `ended`, so one of the rows needs a look.
    """
    for row, data in parsed.warrants:
        person, ended = data["person"], data["ended"]
        if not person or not ended or data["end_reason"] != WarrantEndReason.EXECUTED:
            continue
        custody = person["status_date"]
        if person["status"] != PersonStatus.IN_CUSTODY or custody is None:
            continue
        started = data["issued"] or data["made_public"]
        if started is None or started.last > custody or ended == custody:
            continue
        v.warn(
            row,
            "ended",
            f"the warrant was executed, ending on {ended}, but {person['row'].where} gives "
            f"{person['slug']} in the Court's custody from {custody}: an executed warrant's "
            "last day is the day of the surrender, the first day in custody; correct one of "
            "the two rows",
        )


def warn_of_removed_warrants(v: _Validator, parsed: Parsed) -> None:
    """A warning for each warrant recorded that no row of warrants.csv is any more (by its
    identifier, `assign_warrant_refs`) while it decided the verdict of a published visit
    (Verdict.warrants, the bulk files' `verdict_warrants`): the import deletes it, and those
    verdicts are evaluated again without it. Named by the file alone (the row is gone):
    the person, the warrant's identifier, and each visit with its verdict as it stands."""
    listed = {data["ref"] for _, data in parsed.warrants if data["ref"]}
    decided: dict[tuple[str, str], list[str]] = defaultdict(list)
    for ref, person, visit, code in (
        Verdict.warrants.through.objects.filter(
            # Published: Visit.objects.published().
            verdict__visit__review_state=ReviewState.VERIFIED
        )
        .exclude(warrant__ref__in=listed)
        .order_by("warrant__ref", "verdict__visit__slug")
        .values_list(
            "warrant__ref", "warrant__person__slug", "verdict__visit__slug", "verdict__code"
        )
    ):
        decided[ref, person].append(f"{visit} ({code})")
    for (ref, person), visits in decided.items():
        published = "1 published visit" if len(visits) == 1 else f"{len(visits)} published visits"
        v.warnings.append(
            f"warrants.csv: person_slug: {person}'s warrant {ref} is no longer listed, so the "
            f"import deletes it: it decided the verdicts of {published}: {', '.join(visits)}. "
            "They are evaluated again without it; if the warrant stands, keep its row (a "
            "corrected date keeps the warrant)"
        )


# The checks of other files against a file that could not be read (skipped, `validate`).
DEPENDENT_CHECKS = {
    "persons.csv": "the persons and situations named in warrants.csv, visits.csv, "
    "findings.csv, declarations.csv and referrals.csv, and the persons the import "
    "would remove",
    "visits.csv": "the visits named in findings.csv, and the nationalities of "
    "persons.csv against the visits recorded",
}


def skipped_checks(unreadable: set[str]) -> list[str]:
    """One line per file that could not be read, saying which checks were skipped for
    want of it (they run once it is fixed)."""
    return [
        f"{name} could not be read, so these checks were skipped: {DEPENDENT_CHECKS[name]} "
        "(they run once it is fixed)"
        for name in FILES
        if name in unreadable and name in DEPENDENT_CHECKS
    ]


# --- Warrants: their identifiers --------------------------------------------------------


@dataclass(frozen=True)
class _Recorded:
    """A warrant already in the database, as assign_warrant_refs compares it with a row."""

    pk: int
    ref: str
    person: str
    case_name: str
    case_number: str
    issued: Period | None
    made_public: Period | None

    @property
    def start(self) -> tuple[str, Period]:
        return ("issued", self.issued) if self.issued else ("made_public", self.made_public)


def _start(data: dict) -> tuple[str, Period] | None:
    """The column a warrant counts from and its date: ("issued", ...), or ("made_public",
    ...) when the issue date is unknown; None when neither could be read."""
    if data["issued"]:
        return "issued", data["issued"]
    if data["made_public"]:
        return "made_public", data["made_public"]
    return None


def _case_slug(number: str) -> str:
    """A case number as the end of an identifier: ICC-02/17-02/25 -> icc-02-17-02-25."""
    return slugify(number.replace("/", "-"))


def _overlap(a: Period | None, b: Period | None) -> bool:
    return a is not None and b is not None and a.first <= b.last and b.first <= a.last


def _same_case(data: dict, recorded: _Recorded) -> bool:
    """Whether a row and a recorded warrant may be of one case: the same number where both
    give one, else the same name where both name one (either naming none: they may)."""
    if data["case_number"] and recorded.case_number:
        return data["case_number"] == recorded.case_number
    if data["case_name"] and recorded.case_name:
        return data["case_name"] == recorded.case_name
    return True


def _corrects(data: dict, recorded: _Recorded) -> bool:
    """Whether the row's dates may be a correction of the recorded warrant's: their issue
    dates overlap (2023-03-17 and 2023-03), or, when either has no issue date, their
    dates of publication do."""
    if data["issued"] and recorded.issued:
        return _overlap(data["issued"], recorded.issued)
    return _overlap(data["made_public"], recorded.made_public)


def _pair(candidates: dict[int, list[_Recorded]]) -> dict[int, _Recorded]:
    """{row index: recorded warrant} for each row with a single candidate that no other
    row has: a one-to-one match, never a guess."""
    wanted = defaultdict(int)
    for found in candidates.values():
        for recorded in found:
            wanted[recorded.pk] += 1
    return {
        index: found[0]
        for index, found in candidates.items()
        if len(found) == 1 and wanted[found[0].pk] == 1
    }


def assign_warrant_refs(v: _Validator, warrants: list[tuple[Row, dict]]) -> None:
    """Give each row of warrants.csv its identifier (`data["ref"]`), reporting problems to `v`.

    A new warrant's identifier is its person and the day it counts from, as written
    (`issued`, or `made_public` when the issue date is unknown): `vladimir-putin-2023-03-17`.
    Never a line number:

    - Two rows of one person with the same date are one warrant listed twice: an error
      naming both lines, unless each gives its own `case_number` (two warrants of one
      person issued the same day are of two cases); each such identifier then ends with
      its case number (`...-2013-11-20-icc-01-05-01-13`).
    - A row is the recorded warrant of the same person with the same date; failing that,
      the one recorded warrant of the same person (and case, `_same_case`) whose date
      overlaps the row's (`_corrects`: 2023-03-17 corrected to 2023-03, or 2023 found to
      be 2023-03-17): its date was corrected. Either way the row keeps the warrant, its
      identifier (and so its address) and its history; the verdicts citing it stay.
    - A row whose date overlaps several recorded warrants' (or one that several rows'
      overlap) is none of them, with a warning: it is a new warrant, and the recorded
      ones no row lists are deleted.
    - A new warrant whose identifier is already another's (a warrant whose date was
      corrected keeps the identifier of its first date) is an error, unless its case
      number tells it apart.
    """
    recorded = [
        _Recorded(
            pk,
            ref,
            person,
            case_name or "",
            case_number or "",
            Period.from_stored(issued, issued_precision) if issued else None,
            Period.from_stored(public, public_precision) if public else None,
        )
        for pk, ref, person, case_name, case_number, issued, issued_precision, public, public_precision in (
            Warrant.objects.order_by("pk").values_list(
                "pk",
                "ref",
                "person__slug",
                "case__name",
                "case__number",
                "issued",
                "issued_precision",
                "made_public",
                "made_public_precision",
            )
        )
    ]
    by_person: dict[str, list[_Recorded]] = defaultdict(list)
    for warrant in recorded:
        by_person[warrant.person].append(warrant)

    # The rows that can be identified (a known person and a date), by person and date.
    rows: dict[int, tuple[Row, dict, str, Period]] = {}
    same_day: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, (row, data) in enumerate(warrants):
        start = _start(data)
        if data["person"] is None or start is None:
            continue
        rows[index] = (row, data, *start)
        same_day[data["person"]["slug"], start[1].isoformat()].append(index)
    wanted: dict[int, str] = {}
    for (slug, day), indexes in same_day.items():
        base = slugify(f"{slug}-{day}")
        numbers = [rows[i][1]["case_number"] for i in indexes]
        if len(indexes) == 1:
            wanted[indexes[0]] = base
        elif all(numbers) and len(set(numbers)) == len(numbers):
            for i in indexes:
                wanted[i] = f"{base}-{_case_slug(rows[i][1]['case_number'])}"
        else:
            first = rows[indexes[0]][0]
            for i in indexes[1:]:
                row, _data, column, _period = rows[i]
                v.error(
                    row,
                    column,
                    f"{slug}'s warrant of {day} is already on line {first.line} "
                    f"({first.where}): a warrant listed twice; if these are two warrants "
                    "of one day, give each its own case_number, which tells them apart",
                )

    # The recorded warrant each row is: the one of the same date, else the one with the
    # identifier the row would give (a date corrected back), else a corrected one.
    def same_date(index: int, warrant: _Recorded) -> bool:
        return warrant.start == rows[index][2:]

    def same_ref(index: int, warrant: _Recorded) -> bool:
        return warrant.ref == wanted.get(index)

    def corrected(index: int, warrant: _Recorded) -> bool:
        data = rows[index][1]
        return _same_case(data, warrant) and _corrects(data, warrant)

    matched: dict[int, _Recorded] = {}
    for test in (same_date, same_ref, corrected):
        taken = {w.pk for w in matched.values()}
        candidates: dict[int, list[_Recorded]] = {}
        for index, (_row, data, _column, period) in rows.items():
            if index in matched:
                continue
            found = [
                w for w in by_person[data["person"]["slug"]] if w.pk not in taken and test(index, w)
            ]
            one_day = same_day[data["person"]["slug"], period.isoformat()]
            if test is same_date and (len(found) > 1 or len(one_day) > 1):
                # Two warrants of one day: their cases tell them apart.
                found = [w for w in found if _same_case(data, w)]
            if found:
                candidates[index] = found
        pairs = _pair(candidates)
        matched.update(pairs)
        if test is corrected:
            for index in sorted(set(candidates) - set(pairs)):
                row, data, column, _period = rows[index]
                refs = ", ".join(w.ref for w in candidates[index])
                v.warnings.append(
                    f"{row.where}: {column}: its date overlaps the recorded warrants "
                    f"{refs}, or another row's does: which one it corrects cannot be told, "
                    "so it is recorded as a new warrant"
                )

    held = {w.ref: w for w in recorded}
    given: set[str] = set()
    for index, (row, data, column, period) in rows.items():
        if index in matched:
            data["ref"] = matched[index].ref
        elif index in wanted:
            ref = wanted[index]
            alone = len(same_day[data["person"]["slug"], period.isoformat()]) == 1
            if ref in held and data["case_number"] and alone:
                ref = f"{ref}-{_case_slug(data['case_number'])}"
            if ref in held or ref in given:
                holder = held.get(ref)
                now = f" (its date now {holder.start[1].isoformat()})" if holder else ""
                v.error(
                    row,
                    column,
                    f"{ref}, the identifier this warrant would get, is already another "
                    f"warrant's{now}: give this row its case_number to tell them apart",
                )
                continue
            data["ref"] = ref
        if data["ref"]:
            given.add(data["ref"])


def _by(report: Report) -> str:
    return f"report {report.pk}, {report.state}, by {report.author.get_username()}"


def refuse_withdrawing_restorations(v: _Validator, withdrawn: list[int]) -> None:
    """An error for each visit the import would withdraw (`withdrawn`, the ids of those
    visits.csv no longer lists) that a verified restoration put back on the record through
    the newsroom after the latest import (visits.review.propose_restoration: withdrawn by
    mistake): leaving it out would take it off the record again, unseen, as listing a
    visit withdrawn through the newsroom would publish it again (`newsroom_collisions`).
    Named by the file alone (the visit has no row). Once an import has listed it again,
    a later version may leave it out: its removal is then the dataset's. Two queries."""
    if not withdrawn:
        return
    restorations = Report.objects.filter(
        visit_id__in=withdrawn, state=ReportState.VERIFIED, is_correction=True
    ).exclude(restoration_note="")
    latest = DatasetImport.objects.aggregate(at=Max("imported_at"))["at"]
    if latest is not None:
        restorations = restorations.filter(reviewed_at__gt=latest)
    seen = set()
    for report in restorations.select_related("visit", "author").order_by(
        "visit__slug", "-reviewed_at"
    ):
        if report.visit_id in seen:
            continue
        seen.add(report.visit_id)
        v.errors.append(
            f"visits.csv: id: {report.visit.slug} was restored to the record through the "
            f"newsroom ({_by(report)}) after the last import: leaving it out would withdraw "
            "it again; list it in visits.csv as it stands, or withdraw it through the newsroom"
        )


def newsroom_withdrawals(slugs: set[str]) -> dict[str, Report]:
    """The visits among `slugs` withdrawn through the newsroom (review state `withdrawn` by
    a verified withdrawal), each with that withdrawal (the latest): visits.csv may not list
    them again (`newsroom_collisions`), so a finding naming one is told why, and what its
    row can do instead. One query."""
    if not slugs:
        return {}
    withdrawals = Report.objects.filter(
        visit__slug__in=slugs,
        visit__review_state=ReviewState.WITHDRAWN,
        state=ReportState.VERIFIED,
        is_correction=True,
    ).exclude(withdrawal_note="")
    return {
        report.visit.slug: report
        for report in withdrawals.select_related("visit", "author").order_by("reviewed_at", "id")
    }


def refuse_unpublishing(v: _Validator, visits: dict[str, dict]) -> None:
    """An error for each row of visits.csv (`visits`: slug -> the row's data) that sets a
    visit a reader may open (`Visit.objects.readable`: published, or withdrawn after it was)
    back to `reported`: it would vanish from its page, the API and the downloads without a
    word, and readers, links and copies kept through the API would lose it. To take a
    visit off the record, the dataset removes its row (the import withdraws it, its page
    saying why) or marks it `rejected`."""
    back_to_review = [
        slug for slug, data in visits.items() if data["review_state"] == ReviewState.REPORTED
    ]
    public = Visit.objects.readable().filter(slug__in=back_to_review).order_by("slug")
    for slug, state in public.values_list("slug", "review_state"):
        v.error(
            visits[slug]["row"],
            "review_state",
            f"reported, but visit {slug} is public ({state}): a dataset version does not take "
            "a published visit back to review; to take it off the record, remove its row "
            "(it is then withdrawn, its page saying why) or mark it rejected",
        )


def newsroom_collisions(v: _Validator, visits: dict[str, dict], parsed: Parsed) -> None:
    """A visits.csv id that belongs to the newsroom's work is an import error naming both.

    Refused: a visit reported through the newsroom (a report became it, or it was
    reported on the site: created_by set, never imported), and an imported visit with a
    correction still open (draft, submitted, sent back: verifying it later would undo the
    import, or the import would overwrite what is under review). An imported visit with a
    verified correction may be listed again only unchanged (`corrected_visits`, checked
    while loading): the row must carry the correction, not undo it. A visit withdrawn
    through the newsroom (a verified withdrawal) may not be listed again: the import
    would publish it again.
    """
    candidates = (
        Visit.objects.filter(slug__in=[slug for slug in visits if slug])
        .filter(Q(reports__isnull=False) | Q(created_by__isnull=False, dataset_version=""))
        .distinct()
        .select_related("created_by")
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=Report.objects.select_related("author").order_by("id"),
            )
        )
    )
    for visit in candidates:
        row = visits[visit.slug]["row"]
        reports = list(visit.reports.all())
        new = [r for r in reports if not r.is_correction]
        open_corrections = [r for r in reports if r.is_correction and r.state in OPEN_REPORT_STATES]
        verified = [r for r in reports if r.is_correction and r.state == ReportState.VERIFIED]
        if new or not visit.dataset_version:
            what = (
                f"newsroom {_by(new[0])}"
                if new
                else f"reported on the site by {visit.created_by.get_username()}, never imported"
            )
            v.error(
                row,
                "id",
                f"{visit.slug} is a visit reported through the newsroom ({what}): the import "
                "would overwrite it; give this row another id, or leave the visit to the newsroom",
            )
        elif open_corrections:
            v.error(
                row,
                "id",
                f"{visit.slug} has a correction under review in the newsroom "
                f"({_by(open_corrections[0])}): review it first, then import",
            )
        elif visit.review_state == ReviewState.WITHDRAWN and any(r.is_withdrawal for r in verified):
            withdrawal = [r for r in verified if r.is_withdrawal][-1]
            v.error(
                row,
                "id",
                f"{visit.slug} was withdrawn through the newsroom ({_by(withdrawal)}): the "
                "import would publish it again; remove this row from visits.csv",
            )
        elif verified:
            parsed.corrected_visits[visit.slug] = (
                row,
                f"{row.where}: id: {visit.slug} was corrected through the newsroom "
                f"({_by(verified[-1])}): this row would change it again; carry the "
                "correction into visits.csv first",
            )


# --- Loading: all or nothing ---------------------------------------------------------


class _Loader:
    """Upserts parsed rows, saving only what differs so a re-import changes nothing.

    Source links are compared against one preloaded map per model and new links are
    written in bulk, so the import costs a few queries per row, not per citation. Each
    row's outcome is kept until `finish`: a row whose fields are unchanged but whose
    sources or related states/persons changed becomes `updated`.
    """

    def __init__(self, report: ImportReport, urls: set[str]):
        self.report = report
        self.sources: dict[str, Source] = {s.url: s for s in Source.objects.filter(url__in=urls)}
        # A source is never changed by an import (what a row says of it is its citation's):
        # each one the files cite that is recorded already is unchanged.
        for _ in self.sources:
            report.count("sources", "unchanged")
        missing = [
            Source(url=u, publisher=publisher_from_url(u)) for u in sorted(urls - set(self.sources))
        ]
        for source in Source.objects.bulk_create(missing):
            self.sources[source.url] = source
            report.count("sources", "created")
        self.links: dict[type, dict[int, set[int]]] = {}
        self.new_links: dict[type, list] = defaultdict(list)
        self.outcomes: dict[tuple[type, int], str] = {}

    def upsert(self, model, lookup: dict, values: dict):
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model.objects.create(**lookup, **values)
            outcome = "created"
        elif any(getattr(obj, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(obj, k, v)
            obj.save()
            outcome = "updated"
        else:
            outcome = "unchanged"
        key = (type(obj), obj.pk)
        if self.outcomes.get(key) not in ("created", "updated"):  # a row met twice (a case)
            self.outcomes[key] = outcome
        return obj

    def touched(self, obj) -> None:
        """Something of `obj` beyond its fields changed (sources, a many-to-many list)."""
        key = (type(obj), obj.pk)
        if self.outcomes.get(key) == "unchanged":
            self.outcomes[key] = "updated"

    def set_many(self, obj, relation: str, wanted: set[int]) -> None:
        """Set a many-to-many relation to `wanted` (pks) if it differs."""
        manager = getattr(obj, relation)
        if set(manager.values_list("pk", flat=True)) != wanted:
            manager.set(wanted)
            self.touched(obj)

    def _current_links(self, model) -> dict[int, set[int]]:
        if model not in self.links:
            through = model.sources.through
            owner = model._meta.model_name + "_id"
            links: dict[int, set[int]] = defaultdict(set)
            for owner_id, source_id in through.objects.values_list(owner, "source_id"):
                links[owner_id].add(source_id)
            self.links[model] = links
        return self.links[model]

    def set_sources(self, obj, urls: list[str]) -> None:
        wanted = {self.sources[u].pk for u in urls}
        current = self._current_links(type(obj)).get(obj.pk, set())
        if current == wanted:
            return
        self.touched(obj)
        if not current:
            through = type(obj).sources.through
            owner = type(obj)._meta.model_name + "_id"
            self.new_links[through] += [
                through(**{owner: obj.pk, "source_id": pk}) for pk in wanted
            ]
        else:
            obj.sources.set(wanted)
        self._current_links(type(obj))[obj.pk] = wanted

    def delete_unlisted(self, queryset, keep: set[int]) -> None:
        """Delete the rows of `queryset` not in `keep` (pks): rows a newer version removed."""
        label = queryset.model._meta.verbose_name_plural
        for obj in queryset.exclude(pk__in=keep):
            name = row_name(obj)
            obj.delete()
            self.report.count(label, "deleted", name)

    def delete_unreferenced(self, queryset, keep: set[int]) -> None:
        """Delete the rows of `queryset` not in `keep` (pks) that no other row refers to
        (a situation no person, case, declaration or referral names); keep the others."""
        label = queryset.model._meta.verbose_name_plural
        for obj in queryset.exclude(pk__in=keep):
            name = row_name(obj)
            try:
                with transaction.atomic():
                    obj.delete()
            except (ProtectedError, RestrictedError):
                continue
            self.report.count(label, "deleted", name)

    def listed(self, model) -> set[int]:
        """The pks of `model` the files list (those upserted in this run)."""
        return {pk for (m, pk) in self.outcomes if m is model}

    def flush_links(self) -> None:
        for through, rows in self.new_links.items():
            through.objects.bulk_create(rows, ignore_conflicts=True)
        self.new_links.clear()

    def finish(self) -> None:
        """Count each row's outcome."""
        for (model, _), outcome in self.outcomes.items():
            self.report.count(model._meta.verbose_name_plural, outcome)


def row_name(obj) -> str:
    """The id a report names a row by: a warrant's `ref`, a person's, visit's or
    situation's `slug`, else the row's text (a treaty event: "MNG Entry into force
    2002-07-01")."""
    return getattr(obj, "ref", None) or getattr(obj, "slug", None) or str(obj)


def _stored(period: Period | None) -> tuple[datetime.date | None, str]:
    return (period.first, period.precision) if period else (None, "day")


def _mark_territories(listed: set[str], report: ImportReport) -> list[State]:
    """Set each state's `territory_of` from states.territories: Réunion is France's, and
    a row of states.csv is a State whatever the borders dataset says. Without that
    dataset (npm packages not installed) the marks already stored are kept, with a
    warning, so an import never unmarks territories for want of a file.

    Returns the states whose mark changed, for the caller to count: a state this import
    created is counted once, as created, and one it updated otherwise, once."""
    try:
        sovereign_of = territories.sovereigns()
    except territories.TerritoriesUnavailable as error:
        report.warnings.append(f"territories not marked: {error}")
        return []
    ids = dict(State.objects.values_list("iso3", "id"))
    wanted = {iso3: ids.get(sovereign_of.get(iso3)) if iso3 not in listed else None for iso3 in ids}
    changed = [
        state
        for state in State.objects.only("id", "iso3", "territory_of_id")
        if state.territory_of_id != wanted[state.iso3]
    ]
    for state in changed:
        state.territory_of_id = wanted[state.iso3]
    State.objects.bulk_update(changed, ["territory_of"])
    return changed


def identified(model, slug: str, natural: dict) -> tuple[dict, dict]:
    """How `_Loader.upsert` finds a row of findings.csv or statements.csv: by its `id`, the
    model's `slug`, so that a newer version correcting any other column updates the same
    row, which keeps its primary key (the API's `id` and address). A row recorded before
    the files had ids is found once by what identified it then (`natural`: a finding's
    state, visit, date and kind; a statement's date and title) and given its `id`.

    Returns (the lookup, the values to set besides): ({"slug": slug}, {}), or
    ({"pk": pk}, {"slug": slug}) for a row recorded without one."""
    if not model.objects.filter(slug=slug).exists():
        earlier = model.objects.filter(slug="", **natural).values_list("pk", flat=True).first()
        if earlier is not None:
            return {"pk": earlier}, {"slug": slug}
    return {"slug": slug}, {}


def load(parsed: Parsed, report: ImportReport) -> None:
    """Write the validated rows (inside the caller's transaction); counts go to `report`.

    Rows are matched by their natural keys (iso3, slug, visit id, resolution, ...), findings
    and statements by their `id` (`identified`);
    rows the files no longer list are deleted (situations and cases when nothing refers
    to them any more), and visits withdrawn (see the module).
    """
    urls = {u for _, data in parsed.rows() for u in data["urls"]}
    loader = _Loader(report, urls)
    listed = {data["iso3"] for _, data in parsed.states}
    existing = set(State.objects.values_list("iso3", flat=True))
    # Every ISO 3166 country exists as a state, so that any host or nationality can be
    # recorded; the states.csv rows add names and treaty timelines. (New states host
    # no visits yet, so they need no evaluation: bulk_create skips the signals.)
    new_states = [
        State(iso3=c.alpha_3, name=getattr(c, "common_name", None) or c.name)
        for c in pycountry.countries
        if c.alpha_3 not in listed and c.alpha_3 not in existing
    ]
    State.objects.bulk_create(new_states)
    for _ in new_states:
        report.count("states", "created")
    # Each state is counted once: as created, or updated by a change of its row, its notes
    # or its territory mark (the first import marks the territories it just created).
    counted = {state.iso3 for state in new_states}
    for _, data in parsed.states:
        state = loader.upsert(
            State,
            {"iso3": data["iso3"]},
            {"name": data["name"], "notes": data["notes"], "instrument": data["instrument"]},
        )
        loader.set_sources(state, data["urls"])
        current = {e.kind: e for e in state.treaty_events.all()}
        for column, kind in TREATY_COLUMNS.items():
            date = data["dates"][column]
            if date is None:
                if kind in current:
                    name = row_name(current[kind])
                    current[kind].delete()
                    report.count("treaty events", "deleted", name)
                continue
            event = loader.upsert(TreatyEvent, {"state": state, "kind": kind}, {"date": date})
            loader.set_sources(event, data["urls"])
    # A state no longer listed keeps its name (every country exists) but loses its timeline
    # and notes.
    for event in TreatyEvent.objects.exclude(state__iso3__in=listed).select_related("state"):
        name = row_name(event)
        event.delete()
        report.count("treaty events", "deleted", name)
    for state in State.objects.exclude(iso3__in=listed).exclude(notes="", instrument=""):
        state.notes = state.instrument = ""
        state.save()
        report.count("states", "updated")
        counted.add(state.iso3)
    for state in _mark_territories(listed, report):
        if state.iso3 in listed:
            loader.touched(state)  # its row's outcome, counted by loader.finish: once
        elif state.iso3 not in counted:
            report.count("states", "updated")
    states = {s.iso3: s for s in State.objects.all()}

    situation_names = (
        {data["situation"] for _, data in parsed.persons}
        | {d["situation"] for _, d in parsed.declarations}
        | {d["situation"] for _, d in parsed.referrals}
    )
    # A listed name new to the database whose slug is that of a situation no longer listed
    # renames it ("ukraine" for "Ukraine"): the same situation, at the same address.
    stored = {s.name: s for s in Situation.objects.all()}
    unlisted_by_slug = {s.slug: s for s in stored.values() if s.name not in situation_names}
    situations = {}
    for name in sorted(situation_names):
        renamed = None if name in stored else unlisted_by_slug.pop(slugify(name), None)
        if renamed is not None:
            situations[name] = loader.upsert(
                Situation, {"pk": renamed.pk}, {"name": name, "slug": slugify(name)}
            )
        else:
            situations[name] = loader.upsert(Situation, {"name": name}, {"slug": slugify(name)})
    situations.update({s.name: s for s in Situation.objects.exclude(name__in=situations)})

    for _, data in parsed.declarations:
        covers_from, covers_from_precision = _stored(data["covers_from"])
        covers_to, covers_to_precision = _stored(data["covers_to"])
        declaration = loader.upsert(
            Declaration,
            {
                "state": states[data["iso3"]],
                "lodged": data["lodged"],
                "situation": situations[data["situation"]],
            },
            {
                "covers_from": covers_from,
                "covers_from_precision": covers_from_precision,
                "covers_to": covers_to,
                "covers_to_precision": covers_to_precision,
                "effect": data["effect"],
                "notes": data["notes"],
            },
        )
        loader.set_sources(declaration, data["urls"])
    loader.delete_unlisted(Declaration.objects.all(), loader.listed(Declaration))

    for _, data in parsed.referrals:
        referral = loader.upsert(
            SecurityCouncilReferral,
            {"resolution": data["resolution"]},
            {
                "situation": situations[data["situation"]],
                "adopted": data["adopted"],
                "notes": data["notes"],
            },
        )
        loader.set_many(referral, "bound_states", {states[c].pk for c in data["bound"]})
        loader.set_sources(referral, data["urls"])
    loader.delete_unlisted(
        SecurityCouncilReferral.objects.all(), loader.listed(SecurityCouncilReferral)
    )

    for _, data in parsed.persons:
        born, born_precision = _stored(data["born"])
        person = loader.upsert(
            Person,
            {"slug": data["slug"]},
            {
                "name": data["name"],
                "other_names": data["other_names"],
                "nationality": states.get(data["nationality"]) if data["nationality"] else None,
                "born": born,
                "born_precision": born_precision,
                "role": data["role"],
                "situation": situations[data["situation"]],
                "status": data["status"],
                "status_date": data["status_date"],
                "notes": data["notes"],
            },
        )
        loader.set_sources(person, data["urls"])
    persons = {p.slug: p for p in Person.objects.all()}

    for _, data in parsed.warrants:
        person = persons[data["person"]["slug"]]
        case = None
        if data["case_name"]:
            case = loader.upsert(Case, {"name": data["case_name"]}, {"situation": person.situation})
            if data["case_number"] and case.number != data["case_number"]:
                case.number = data["case_number"]
                case.save()
                loader.touched(case)
        issued, issued_precision = _stored(data["issued"])
        public, public_precision = _stored(data["made_public"])
        warrant = loader.upsert(
            Warrant,
            {"ref": data["ref"]},
            {
                "person": person,
                "case": case,
                "issued": issued,
                "issued_precision": issued_precision,
                "made_public": public,
                "made_public_precision": public_precision,
                "charges": data["charges"],
                "ended": data["ended"],
                "end_reason": data["end_reason"],
                "notes": data["notes"],
            },
        )
        loader.set_sources(warrant, data["urls"])
    loader.delete_unlisted(Warrant.objects.all(), loader.listed(Warrant))

    version = parsed.version or UNKNOWN_VERSION
    visits: dict[str, Visit] = {}
    for _, data in parsed.visits:
        visits[data["slug"]] = load_visit(
            data,
            persons[data["person"]["slug"]],
            states[data["host"]],
            states.get(data["controlled_by"]) if data["controlled_by"] else None,
            version,
            report,
            corrected=parsed.corrected_visits.get(data["slug"]),
        )
    # The version that last listed each visit (not a change of the visit: not counted).
    Visit.objects.filter(slug__in=visits).exclude(dataset_version=version).update(
        dataset_version=version
    )
    for visit in Visit.objects.filter(pk__in=parsed.withdrawn_visits).order_by("slug"):
        withdraw_visit(visit, f"removed from dataset version {version}")
        report.count("visits", "withdrawn", visit.slug)

    for _, data in parsed.findings:
        decided, decided_precision = _stored(data["decided"])
        natural = {
            "state": states[data["state"]],
            "visit": visits[data["visit"]] if data["visit"] else None,
            "decided": decided,
            "kind": data["kind"],
        }
        lookup, slug = identified(Finding, data["slug"], natural)
        finding = loader.upsert(
            Finding,
            lookup,
            {
                **slug,
                **natural,
                "decided_precision": decided_precision,
                "chamber": data["chamber"],
                "decision_reference": data["reference"],
                "referred_to_asp": data["asp"],
                "referred_to_unsc": data["unsc"],
                "notes": data["notes"],
                "reported_by": data["reported_by"],
            },
        )
        loader.set_many(finding, "persons", {persons[s].pk for s in data["persons"]})
        loader.set_sources(finding, data["urls"])
    loader.delete_unlisted(Finding.objects.all(), loader.listed(Finding))

    for _, data in parsed.statements:
        natural = {"date": data["date"], "title": data["title"]}
        lookup, slug = identified(JointStatement, data["slug"], natural)
        statement = loader.upsert(
            JointStatement, lookup, {**slug, **natural, "signatory_count": data["count"]}
        )
        loader.set_many(statement, "signatories", {states[c].pk for c in data["signatories"]})
        loader.set_sources(statement, data["urls"])
    loader.delete_unlisted(JointStatement.objects.all(), loader.listed(JointStatement))

    # Persons last: validation refused the run if a recorded visit depends on one removed.
    loader.delete_unlisted(Person.objects.all(), loader.listed(Person))
    # Then the cases and situations no row names any more, when nothing refers to them
    # (a renamed situation would otherwise stay in every filter, with nobody in it).
    loader.delete_unreferenced(Case.objects.all(), loader.listed(Case))
    loader.delete_unreferenced(Situation.objects.all(), loader.listed(Situation))
    loader.flush_links()
    loader.finish()


def load_visit(
    data: dict,
    person: Person,
    host: State,
    controlled_by: State | None,
    version: str,
    report: ImportReport,
    corrected: tuple[Row, str] | None = None,
) -> Visit:
    """Visits go through the one write path, record_visit_report, like every other report.

    A withdrawn visit listed again is restored (its review state is the file's again),
    and counted `restored`.
    """
    start, start_precision = _stored(data["start"])
    end, end_precision = _stored(data["end"])
    fields = {
        "person": person,
        "host": host,
        "start": start,
        "start_precision": start_precision,
        "end": end,
        "end_precision": end_precision,
        "end_known": data["end_known"],
        "place": data["place"],
        "occasion": data["occasion"],
        "status": data["status"],
        "outcome": data["outcome"],
        "host_notified": data["host_notified"],
        "host_control": data["host_control"],
        "controlled_by": controlled_by,
        "host_justification": data["host_justification"],
        "review_state": data["review_state"],
        "expected_verdict": data["expected_verdict"],
        "notes": data["notes"],
    }
    existing = Visit.objects.filter(slug=data["slug"]).first()
    # visits.csv has no column for the language of a visit's text: the dataset's words are
    # English (data/DICTIONARY.md), but a row that repeats a visit's occasion and host
    # justification as recorded (a newsroom correction in French carried into the file)
    # keeps the language they are in, whatever its notes say: a researcher's note, in the
    # dataset's English and never published, does not make French words English.
    fields["text_language"] = (
        existing.text_language
        if existing is not None and all(getattr(existing, f) == data[f] for f in PUBLIC_TEXT_FIELDS)
        else DATASET_LANGUAGE
    )
    same_sources = existing is not None and set(
        existing.sources.values_list("url", flat=True)
    ) == set(data["urls"])
    if (
        existing is not None
        and same_sources
        and not existing.withdrawal_note
        and all(getattr(existing, k) == v for k, v in fields.items())
    ):
        report.count("visits", "unchanged")
        return existing
    if corrected is not None:  # a newsroom correction stands: the row may not undo it
        raise ImportFailed([corrected[1]])
    visit = record_visit_report(
        slug=data["slug"],
        sources=[SourceInput(url=u) for u in data["urls"]],
        dataset_version=version,
        **fields,
    )
    if existing is None:
        report.count("visits", "created")
    elif existing.review_state == ReviewState.WITHDRAWN:
        report.count("visits", "restored", visit.slug)
    else:
        report.count("visits", "updated")
    return visit


def self_check_warnings(parsed: Parsed) -> list[str]:
    """The self-check of docs/DOMAIN.md after evaluation, as warnings naming the row:
    a visit whose verdict differs from its structured `expected_verdict`, a visit whose
    host is a territory of a State (states.territories), and an Art. 87(7) finding tied
    to a visit whose verdict is not `non_compliance`. A withdrawn verdict (a visit rejected
    on review) is checked against neither: it has left the record (compliance.self_check)."""
    codes = dict(Visit.objects.values_list("slug", "verdict__code"))
    owners = dict(
        State.objects.filter(territory_of__isnull=False).values_list("iso3", "territory_of__iso3")
    )
    warnings = []
    for row, data in parsed.visits:
        expected, actual = data["expected_verdict"], codes.get(data["slug"])
        if expected and actual != expected and actual != VerdictCode.WITHDRAWN:
            warnings.append(
                f"{row.where}: expected_verdict: the rule gives {actual or '(no verdict)'}, "
                f"the researcher expected {expected} (self-check)"
            )
        if data["host"] in owners:
            owner = owners[data["host"]]
            warnings.append(
                f"{row.where}: host_iso3: {data['host']} is a territory of {owner}, not a State, "
                f"so the rule judges it as a state that is not a party; if {owner}'s "
                f"ratification covers the territory, record {owner} as the host and the "
                "territory in `place`"
            )
    for row, data in parsed.findings:
        if data["visit"] and data["kind"] == FindingKind.NO_FAILURE:
            actual = codes.get(data["visit"])
            if actual == VerdictCode.NON_COMPLIANCE:
                warnings.append(
                    f"{row.where}: visit_id: the ICC found no failure to comply, but the "
                    f"verdict on {data['visit']} is {actual}: iccwatch's reading against the "
                    "Court's decision (self-check)"
                )
        if data["visit"] and data["kind"] == FindingKind.ART_87_7:
            actual = codes.get(data["visit"])
            if actual not in (VerdictCode.NON_COMPLIANCE, VerdictCode.WITHDRAWN):
                warnings.append(
                    f"{row.where}: visit_id: an Art. 87(7) finding of non-compliance, but the "
                    f"verdict on {data['visit']} is {actual or '(none)'} (self-check)"
                )
    return warnings


# An import that would delete or withdraw more than this share of the rows of a kind
# recorded, and more than MASS_REMOVAL_MINIMUM of them, is refused unless asked for
# (`allow_mass_removal`): a truncated or emptied file, not a new version.
MASS_REMOVAL_SHARE = 0.5
MASS_REMOVAL_MINIMUM = 5


def removable_kinds() -> dict[str, tuple[str, object]]:
    """{kind (as the report counts it): (the file that lists it, the rows recorded that the
    import may delete or withdraw)}. Visits: those an import wrote and not withdrawn."""
    kinds = {
        TreatyEvent: "states.csv",
        Declaration: "declarations.csv",
        SecurityCouncilReferral: "referrals.csv",
        Situation: "persons.csv",
        Person: "persons.csv",
        Case: "warrants.csv",
        Warrant: "warrants.csv",
        Finding: "findings.csv",
        JointStatement: "statements.csv",
    }
    removable = {
        model._meta.verbose_name_plural: (name, model.objects.all())
        for model, name in kinds.items()
    }
    removable["visits"] = (
        "visits.csv",
        Visit.objects.exclude(dataset_version="").exclude(review_state=ReviewState.WITHDRAWN),
    )
    return removable


def mass_removal_problems(recorded: dict[str, int], removed: dict[str, int]) -> list[str]:
    """The refusals of a removal (deletion or withdrawal) of more than MASS_REMOVAL_SHARE
    of the rows of a kind `recorded` before the import ({kind: count}, as
    `removable_kinds` names them), and more than MASS_REMOVAL_MINIMUM, `removed` being
    {kind: rows removed}: one message per kind, naming the file, how many rows of how many
    would go, and the option that allows it."""
    problems = []
    for kind, (name, _rows) in removable_kinds().items():
        count, total = removed.get(kind, 0), recorded.get(kind, 0)
        if count > MASS_REMOVAL_MINIMUM and count > total * MASS_REMOVAL_SHARE:
            verb = "withdraw" if kind == "visits" else "delete"
            problems.append(
                f"{name}: (file): the import would {verb} {count} of the {total} {kind} "
                f"recorded, which {name} no longer lists: is the file complete (not a "
                "truncated save, not another folder's)? If the removal is meant, import "
                "again with --allow-mass-removal"
            )
    return problems


def check_mass_removal(recorded: dict[str, int], report: ImportReport) -> None:
    """Raise ImportFailed when the import removed (deleted or withdrew) more than
    MASS_REMOVAL_SHARE of the rows of a kind `recorded` before it ({kind: count}), and
    more than MASS_REMOVAL_MINIMUM (`mass_removal_problems`)."""
    removed = {
        kind: counts.get("deleted", 0) + counts.get("withdrawn", 0)
        for kind, counts in report.counts.items()
    }
    if problems := mass_removal_problems(recorded, removed):
        raise ImportFailed(problems)


def unlisted_counts(parsed: Parsed) -> dict[str, int]:
    """{kind (as `removable_kinds` names it): how many of the rows recorded the files no
    longer list}, matched by the keys `load` matches them by, read without loading: what
    an import refused for other problems would have removed, so that a file cut short
    is told even then (`check_mass_removal` counts what a load removed). A kind whose file
    was not read whole (`Parsed.unread`; warrants and situations need persons.csv too) is
    left out: its own error says why. Situations and cases are counted as if nothing else
    referred to them."""
    unread = parsed.unread
    listed = {
        TreatyEvent: (
            ("state__iso3", "kind"),
            {
                (d["iso3"], TREATY_COLUMNS[column])
                for _, d in parsed.states
                for column, date in d["dates"].items()
                if date
            },
            {"states.csv"},
        ),
        Declaration: (
            ("state__iso3", "lodged", "situation__name"),
            {(d["iso3"], d["lodged"], d["situation"]) for _, d in parsed.declarations},
            {"declarations.csv"},
        ),
        SecurityCouncilReferral: (
            ("resolution",),
            {(d["resolution"],) for _, d in parsed.referrals},
            {"referrals.csv"},
        ),
        Situation: (
            ("slug",),
            {
                (slugify(d["situation"]),)
                for _, d in [*parsed.persons, *parsed.declarations, *parsed.referrals]
                if d["situation"]
            },
            {"persons.csv", "declarations.csv", "referrals.csv"},
        ),
        Person: (("slug",), {(d["slug"],) for _, d in parsed.persons}, {"persons.csv"}),
        Case: (("name",), {(d["case_name"],) for _, d in parsed.warrants}, {"warrants.csv"}),
        Warrant: (
            ("ref",),
            {(d["ref"],) for _, d in parsed.warrants},
            {"warrants.csv", "persons.csv"},
        ),
        Finding: (
            ("state__iso3", "visit__slug", "decided", "kind"),
            {
                (d["state"], d["visit"] or None, d["decided"] and d["decided"].first, d["kind"])
                for _, d in parsed.findings
            },
            {"findings.csv"},
        ),
        JointStatement: (
            ("date", "title"),
            {(d["date"], d["title"]) for _, d in parsed.statements},
            {"statements.csv"},
        ),
    }
    counts = {}
    for model, (key, keys, files) in listed.items():
        if not files & unread:
            counts[model._meta.verbose_name_plural] = sum(
                1 for values in model.objects.values_list(*key) if values not in keys
            )
    if "visits.csv" not in unread:
        counts["visits"] = len(parsed.withdrawn_visits)
    return counts


def import_dataset(
    directory: Path, *, dry_run: bool = False, allow_mass_removal: bool = False
) -> ImportReport:
    """Validate the files in `directory`, load them in one transaction, evaluate every visit,
    and record the import (version, time, counts, digest, documentation) unless it changed
    nothing (`unchanged`).

    Returns the ImportReport (counts per kind of row and outcome: created, updated,
    unchanged, deleted, withdrawn; warnings; evaluation statistics). Raises ImportFailed
    (and writes nothing) when any row is invalid, when the version is older than the
    latest import's or the same with other files (`check_version`), or when the import
    would delete or withdraw most of the rows of a kind (`check_mass_removal`) unless
    `allow_mass_removal`. The rules are docs/DOMAIN.md's.

    `dry_run`: everything is checked, loaded, evaluated and counted in a transaction that
    is then rolled back, the report returned as a real import's: nothing is kept, and
    nothing leaves (the evaluation requests and every task enqueued after commit go with
    the rollback).
    """
    parsed, errors, warnings = validate(directory)
    if errors:
        if not allow_mass_removal:
            # What the files lost is told with the problems it may have caused.
            recorded = {kind: rows.count() for kind, (_, rows) in removable_kinds().items()}
            errors += mass_removal_problems(recorded, unlisted_counts(parsed))
        raise ImportFailed(errors, parsed.skipped)
    report = ImportReport(warnings=warnings, version=parsed.version, dry_run=dry_run)
    with contextlib.ExitStack() as stack:
        if dry_run:
            stack.enter_context(transaction.atomic())
            # Rolled back at the end: no cached page, summary or search list is dropped.
            stack.enter_context(pagecache.rolled_back_writes())
        # Every change the import writes is recorded in the history as made by the import
        # of this dataset version (core.history).
        with history.recording(
            history.WritePath.IMPORT, dataset_version=parsed.version or UNKNOWN_VERSION
        ):
            # The history of each verdict that a change of this version moves names the
            # import.
            imported = {"key": "import", "version": report.version}
            # The verdicts changed from here on are those the report lists.
            started = timezone.now()
            with outbox.relay_deferred(), outbox.caused_by(imported), transaction.atomic():
                recorded = {kind: rows.count() for kind, (_, rows) in removable_kinds().items()}
                load(parsed, report)
                if not allow_mass_removal:
                    check_mass_removal(recorded, report)
            # Verdicts computed by an older rule say so in their history, not "dataset import".
            # Deferred: the pass below evaluates and counts them (relayed as this commits,
            # the workers, or the task run at once without a broker, would take them first
            # and the import would report them unchanged); the sweeper relays what remains.
            with outbox.relay_deferred():
                outbox.request_outdated_rule_version()
            # Verdicts are derived: evaluate everything (cheap at this size); only changes
            # are written.
            report.evaluation = flagging.evaluate_visits(cause=imported)
            report.verdicts = changed_verdicts(started)
            report.warnings += self_check_warnings(parsed)
            report.recorded = not unchanged(report, parsed.documents)
            if report.recorded:
                DatasetImport.objects.create(
                    version=report.version,
                    digest=parsed.digest,
                    counts={str(model): dict(counts) for model, counts in report.counts.items()},
                    visits_evaluated=report.evaluation.evaluated,
                    verdicts_changed=report.evaluation.changed,
                    **parsed.documents,
                )
        if dry_run:
            transaction.set_rollback(True)
    return report


def changed_verdicts(since: datetime.datetime) -> list[ChangedVerdict]:
    """The verdicts whose code or basis changed from `since` on (an import's start), read
    from the history the evaluation wrote (VerdictChange), one per visit: its code and
    basis before the first change and after the last, a visit changed back left out. The
    verdicts that changed come first, then the new ones (a visit that had none), each by
    visit id."""
    found: dict[str, ChangedVerdict] = {}
    history = (
        VerdictChange.objects.filter(changed_at__gte=since)
        .exclude(old_code=F("new_code"), old_basis=F("new_basis"))
        .order_by("changed_at", "id")
        .values_list("visit__slug", "old_code", "new_code", "old_basis", "new_basis")
    )
    for slug, old_code, new_code, old_basis, new_basis in history:
        before = found.get(slug)
        if before is not None:
            old_code, old_basis = before.old_code, before.old_basis
        found[slug] = ChangedVerdict(slug, old_code, new_code, old_basis, new_basis)
    changed = [c for c in found.values() if (c.old_code, c.old_basis) != (c.new_code, c.new_basis)]
    return sorted(changed, key=lambda c: (c.old_code == "", c.visit))


def unchanged(report: ImportReport, documents: dict[str, str]) -> bool:
    """Whether an import changed nothing the public sees: no row, no verdict, and the same
    version and documentation as the latest import recorded. Such an import is not
    recorded, so that the date the data last changed, the downloads' names and their
    bytes stay as they were."""
    if report.changed or (report.evaluation and report.evaluation.changed):
        return False
    latest = DatasetImport.objects.order_by("-imported_at", "-pk").first()
    return (
        latest is not None
        and latest.version == report.version
        and all(getattr(latest, name) == text for name, text in documents.items())
    )
