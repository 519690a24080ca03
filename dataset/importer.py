"""The dataset importer: validate every row of the CSV files, then load them all or nothing.

Files (UTF-8, header row, ISO dates possibly partial, `;` between list items):
states.csv, declarations.csv, persons.csv, warrants.csv, visits.csv, statements.csv.
An optional VERSION file names the dataset's version; each import is recorded
(DatasetImport) with that version, or with an empty one when the folder has none.
Every problem is reported as `file:line: column: message`, the header being line 1.
When any row is invalid nothing is written. Importing the same files again changes
nothing; a newer version of the files updates what changed. Art. 126(2) mismatches
and the self-check of docs/DOMAIN.md are reported as warnings.
"""

from __future__ import annotations

import csv
import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pycountry
from django.db import transaction
from django.utils.text import slugify

from compliance import Period, entry_into_force_for, withdrawal_effective_for
from core.identifiers import is_iso3, is_slug
from core.models import Source, publisher_from_url
from dataset.models import DatasetImport
from states.models import Declaration, JointStatement, State, TreatyEvent, TreatyEventKind
from visits import flagging, outbox
from visits.models import Finding, ReviewState, Visit, VisitOutcome, VisitStatus
from visits.reports import SourceInput, record_visit_report
from warrants.models import Case, Person, PersonStatus, Situation, Warrant, WarrantEndReason

# The columns the importer reads from each file (a file may hold more; they are ignored).
FILES = {
    "states.csv": [
        "iso3",
        "name",
        "signed",
        "deposited",
        "entry_into_force",
        "withdrawal_notified",
        "withdrawal_effective",
        "withdrawal_revoked",
        "notes",
        "source_urls",
    ],
    "declarations.csv": ["iso3", "lodged", "situation", "notes", "source_urls"],
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
        "review_state",
        "icc_finding_date",
        "icc_finding_referred_to",
        "notes",
        "source_urls",
    ],
    "statements.csv": ["date", "title", "signatories_iso3", "count", "source_urls"],
}
OPTIONAL_FILES = {"declarations.csv", "statements.csv"}
# icc_finding_referred_to: (referred to the Assembly of States Parties, to the Security Council).
REFERRALS = {
    "": None,
    "none": (False, False),
    "ASP": (True, False),
    "UNSC": (False, True),
    "ASP;UNSC": (True, True),
    "UNSC;ASP": (True, True),
}
# The values each coded column accepts; empty is allowed where the validation below says so.
# FILES and VOCABULARIES are what data/DICTIONARY.md documents (a test keeps them equal).
VOCABULARIES = {
    ("persons.csv", "status"): tuple(PersonStatus.values),
    ("warrants.csv", "end_reason"): tuple(WarrantEndReason.values),
    ("visits.csv", "status"): tuple(VisitStatus.values),
    ("visits.csv", "outcome"): tuple(VisitOutcome.values),
    ("visits.csv", "host_notified"): ("yes", "no"),
    ("visits.csv", "review_state"): tuple(ReviewState.values),
    ("visits.csv", "icc_finding_referred_to"): tuple(k for k in REFERRALS if k),
}
# The dataset's version: one line in this file of the folder (optional; missing = unknown).
VERSION_FILE = "VERSION"
VERSION_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._+-]{0,63}$")
TREATY_COLUMNS = {
    "signed": TreatyEventKind.SIGNED,
    "deposited": TreatyEventKind.DEPOSITED,
    "entry_into_force": TreatyEventKind.ENTRY_INTO_FORCE,
    "withdrawal_notified": TreatyEventKind.WITHDRAWAL_NOTIFIED,
    "withdrawal_revoked": TreatyEventKind.WITHDRAWAL_REVOKED,
    "withdrawal_effective": TreatyEventKind.WITHDRAWAL_EFFECTIVE,
}


class ImportFailed(Exception):
    """Raised with the full list of problems when any row is invalid."""

    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} problem(s) in the dataset")
        self.errors = errors


@dataclass
class Row:
    file: str
    line: int
    values: dict[str, str]


@dataclass
class ImportReport:
    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    warnings: list[str] = field(default_factory=list)
    evaluation: flagging.EvaluationStats | None = None
    version: str = ""

    def count(self, model: str, outcome: str) -> None:
        self.counts[model][outcome] += 1

    @property
    def changed(self) -> bool:
        return any(c.get("created") or c.get("updated") for c in self.counts.values())


class _Validator:
    """Parses values and collects `file:line: column: message` errors."""

    def __init__(self):
        self.errors: list[str] = []

    def error(self, row: Row, column: str, message: str) -> None:
        self.errors.append(f"{row.file}:{row.line}: {column}: {message}")

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
        except ValueError as exc:
            self.error(row, column, str(exc))
            return None
        if not partial and not period.exact:
            self.error(row, column, f"{value!r} must be a full date (YYYY-MM-DD)")
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
        return urls

    def in_order(self, row: Row, earlier: str, later: str, a, b) -> None:
        if a is not None and b is not None and _first(b) < _first(a):
            self.error(row, later, f"{row.values[later]} is before {earlier} {row.values[earlier]}")


def _first(value) -> datetime.date:
    return value.first if isinstance(value, Period) else value


def read_version(directory: Path, validator: _Validator) -> str:
    """The dataset's version from the folder's VERSION file; "" (unknown) when there is none.

    A VERSION file that is present must hold one line, a version such as `2026.11.30`.
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
            f"{VERSION_FILE}:0: (file): not valid UTF-8 ({exc.reason} at byte {exc.start})"
        )
        return ""
    if len(lines) != 1 or not VERSION_RE.match(lines[0]):
        validator.errors.append(
            f"{VERSION_FILE}:1: (version): must be one line such as 2026.11.30 "
            "(letters, digits, '.', '-', '+', '_'; at most 64 characters)"
        )
        return ""
    return lines[0]


def read_rows(directory: Path, validator: _Validator) -> dict[str, list[Row]]:
    """Read every file; missing files, bad encodings and missing columns are errors."""
    rows: dict[str, list[Row]] = {}
    for name, columns in FILES.items():
        path = directory / name
        if not path.exists():
            if name not in OPTIONAL_FILES:
                validator.errors.append(f"{name}:0: (file): the file is missing from {directory}")
            rows[name] = []
            continue
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                reader = csv.reader(handle)
                header = next(reader, [])
                missing = [c for c in columns if c not in header]
                for column in missing:
                    validator.errors.append(
                        f"{name}:1: {column}: the column is missing from the header"
                    )
                if missing:
                    rows[name] = []
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
                        continue
                    values = {k: v.strip() for k, v in zip(header, record, strict=True)}
                    parsed.append(Row(name, start_line, values))
                rows[name] = parsed
        except UnicodeDecodeError as exc:
            validator.errors.append(
                f"{name}:0: (file): not valid UTF-8 ({exc.reason} at byte {exc.start})"
            )
            rows[name] = []
    return rows


# --- Validation: every row, before anything is written ---------------------------------


@dataclass
class Parsed:
    version: str = ""
    states: list[tuple[Row, dict]] = field(default_factory=list)
    declarations: list[tuple[Row, dict]] = field(default_factory=list)
    persons: list[tuple[Row, dict]] = field(default_factory=list)
    warrants: list[tuple[Row, dict]] = field(default_factory=list)
    visits: list[tuple[Row, dict]] = field(default_factory=list)
    statements: list[tuple[Row, dict]] = field(default_factory=list)


def validate(directory: Path) -> tuple[Parsed, list[str], list[str]]:
    """Parse and check every row; returns (parsed rows, errors, warnings)."""
    v = _Validator()
    warnings: list[str] = []
    rows = read_rows(directory, v)
    parsed = Parsed(version=read_version(directory, v))

    seen_states: dict[str, int] = {}
    for row in rows["states.csv"]:
        iso3 = v.iso3(row, "iso3")
        name = v.required(row, "name")
        dates = {col: v.day(row, col) for col in TREATY_COLUMNS}
        if (
            dates["deposited"]
            and dates["entry_into_force"]
            and dates["entry_into_force"] < dates["deposited"]
        ):
            # Legitimate for a succession (Montenegro: in force from independence, notified later).
            warnings.append(
                f"{row.file}:{row.line}: entry_into_force: {dates['entry_into_force']} is before the deposit "
                f"{dates['deposited']} (a succession?); the recorded date is used"
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
        if dates["withdrawal_revoked"] and not dates["withdrawal_notified"]:
            v.error(row, "withdrawal_revoked", "a revocation needs a withdrawal_notified date")
        if iso3 in seen_states:
            v.error(row, "iso3", f"{iso3} is already listed on line {seen_states[iso3]}")
        elif iso3:
            seen_states[iso3] = row.line
        deposited, recorded = dates["deposited"], dates["entry_into_force"]
        effective = dates["withdrawal_effective"]
        if deposited and recorded and entry_into_force_for(deposited) != recorded:
            warnings.append(
                f"{row.file}:{row.line}: entry_into_force: {recorded} differs from the Art. 126(2) computation "
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
            (row, {"iso3": iso3, "name": name, "dates": dates, "urls": v.urls(row)})
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

    for row in rows["declarations.csv"]:
        situation = v.required(row, "situation")
        if (
            situation
            and situation not in situations
            and not Situation.objects.filter(name=situation).exists()
        ):
            v.error(
                row,
                "situation",
                f"{situation!r} is not a known situation (none of the persons belongs to it)",
            )
        parsed.declarations.append(
            (
                row,
                {
                    "iso3": v.iso3(row, "iso3"),
                    "lodged": v.day(row, "lodged", required=True),
                    "situation": situation,
                    "notes": row.values["notes"],
                    "urls": v.urls(row),
                },
            )
        )

    def known_person(row: Row, column: str) -> dict | None:
        slug = v.required(row, column)
        if slug is None:
            return None
        if slug in persons:
            return persons[slug]
        existing = Person.objects.filter(slug=slug).select_related("nationality").first()
        if existing is None:
            v.error(row, column, f"{slug!r} is not a known person (not in persons.csv)")
            return None
        return {
            "slug": slug,
            "nationality": existing.nationality.iso3 if existing.nationality else None,
        }

    refs: dict[str, int] = {}
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
        if end_reason and not ended:
            # The sources name the end but not its date: the warrant is treated as still in force.
            warnings.append(
                f"{row.file}:{row.line}: ended: end_reason is {end_reason!r} but the end date is missing; "
                "the warrant is treated as in force"
            )
        ref = slugify(
            f"{row.values['person_slug']}-{row.values['issued'] or row.values['made_public']}"
        )
        if ref in refs:
            ref = f"{ref}-{row.line}"
        refs[ref] = row.line
        parsed.warrants.append(
            (
                row,
                {
                    "ref": ref,
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

    visit_ids: dict[str, int] = {}
    for row in rows["visits.csv"]:
        vid = v.required(row, "id")
        if vid and not is_slug(vid):
            v.error(row, "id", f"{vid!r} must be lower-case words joined by hyphens")
        if vid in visit_ids:
            v.error(row, "id", f"{vid} is already used on line {visit_ids[vid]}")
        elif vid:
            visit_ids[vid] = row.line
        person = known_person(row, "person_slug")
        host = v.iso3(row, "host_iso3")
        status = v.choice(row, "status", VOCABULARIES["visits.csv", "status"])
        start = v.period(row, "start", required=status not in (None, VisitStatus.CANCELLED))
        end = v.period(row, "end")
        if end and not row.values["start"]:
            v.error(row, "end", "an end date needs a start date")
        v.in_order(row, "start", "end", start, end)
        if person and host and person.get("nationality") == host:
            v.error(
                row,
                "host_iso3",
                f"{host} is {row.values['person_slug']}'s own state of nationality: "
                "a visit to one's own state is not a visit",
            )
        finding = v.day(row, "icc_finding_date")
        referral = row.values["icc_finding_referred_to"]
        if referral and referral not in VOCABULARIES["visits.csv", "icc_finding_referred_to"]:
            v.error(
                row,
                "icc_finding_referred_to",
                f"{referral!r} is not one of: none, ASP, UNSC, ASP;UNSC",
            )
        elif referral and not row.values["icc_finding_date"]:
            v.error(row, "icc_finding_referred_to", "a referral needs an icc_finding_date")
        parsed.visits.append(
            (
                row,
                {
                    "slug": vid,
                    "person": person,
                    "host": host,
                    "place": row.values["city"],
                    "start": start,
                    "end": end,
                    "occasion": row.values["occasion"],
                    "status": status,
                    "outcome": v.choice(row, "outcome", VOCABULARIES["visits.csv", "outcome"]),
                    "host_notified": v.choice(
                        row,
                        "host_notified",
                        VOCABULARIES["visits.csv", "host_notified"],
                        required=False,
                    )
                    == "yes",
                    "review_state": v.choice(
                        row,
                        "review_state",
                        VOCABULARIES["visits.csv", "review_state"],
                        required=False,
                    )
                    or ReviewState.REPORTED,
                    "finding": finding,
                    "referral": REFERRALS.get(referral),
                    "notes": row.values["notes"],
                    "urls": v.urls(row, required=True),
                },
            )
        )

    for row in rows["statements.csv"]:
        signatories = [s.strip() for s in row.values["signatories_iso3"].split(";") if s.strip()]
        for code in signatories:
            if not is_iso3(code) or pycountry.countries.get(alpha_3=code) is None:
                v.error(
                    row, "signatories_iso3", f"{code!r} is not an ISO 3166-1 alpha-3 country code"
                )
        count = row.values["count"]
        if count and not count.isdigit():
            v.error(row, "count", f"{count!r} is not a whole number")
        parsed.statements.append(
            (
                row,
                {
                    "date": v.day(row, "date", required=True),
                    "title": v.required(row, "title"),
                    "signatories": signatories,
                    "count": int(count) if count.isdigit() else None,
                    "urls": v.urls(row),
                },
            )
        )
    return parsed, v.errors, warnings


# --- Loading: all or nothing ---------------------------------------------------------


class _Loader:
    """Upserts parsed rows, saving only what differs so a re-import changes nothing.

    Source links are compared against one preloaded map per model and new links are
    written in bulk, so the import costs a few queries per row, not per citation.
    """

    def __init__(self, report: ImportReport, urls: set[str]):
        self.report = report
        self.sources: dict[str, Source] = {s.url: s for s in Source.objects.filter(url__in=urls)}
        missing = [
            Source(url=u, publisher=publisher_from_url(u)) for u in sorted(urls - set(self.sources))
        ]
        for source in Source.objects.bulk_create(missing):
            self.sources[source.url] = source
            report.count("sources", "created")
        self.links: dict[type, dict[int, set[int]]] = {}
        self.new_links: dict[type, list] = defaultdict(list)

    def upsert(self, model, lookup: dict, values: dict):
        obj = model.objects.filter(**lookup).first()
        label = model._meta.verbose_name_plural
        if obj is None:
            obj = model.objects.create(**lookup, **values)
            self.report.count(label, "created")
            return obj
        if any(getattr(obj, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(obj, k, v)
            obj.save()
            self.report.count(label, "updated")
        else:
            self.report.count(label, "unchanged")
        return obj

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
        if not current:
            through = type(obj).sources.through
            owner = type(obj)._meta.model_name + "_id"
            self.new_links[through] += [
                through(**{owner: obj.pk, "source_id": pk}) for pk in wanted
            ]
        else:
            obj.sources.set(wanted)
        self._current_links(type(obj))[obj.pk] = wanted

    def flush_links(self) -> None:
        for through, rows in self.new_links.items():
            through.objects.bulk_create(rows, ignore_conflicts=True)
        self.new_links.clear()


def _stored(period: Period | None) -> tuple[datetime.date | None, str]:
    return (period.first, period.precision) if period else (None, "day")


def load(parsed: Parsed, report: ImportReport) -> None:
    urls = {
        u
        for name, rows in vars(parsed).items()
        if name != "version"
        for _, data in rows
        for u in data["urls"]
    }
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
    for _, data in parsed.states:
        state = loader.upsert(State, {"iso3": data["iso3"]}, {"name": data["name"]})
        loader.set_sources(state, data["urls"])
        current = {e.kind: e for e in state.treaty_events.all()}
        for column, kind in TREATY_COLUMNS.items():
            date = data["dates"][column]
            if date is None:
                if kind in current:
                    current[kind].delete()
                    report.count("treaty events", "updated")
                continue
            event = loader.upsert(TreatyEvent, {"state": state, "kind": kind}, {"date": date})
            loader.set_sources(event, data["urls"])
    states = {s.iso3: s for s in State.objects.all()}

    situation_names = {data["situation"] for _, data in parsed.persons} | {
        d["situation"] for _, d in parsed.declarations
    }
    situations = {
        name: loader.upsert(Situation, {"name": name}, {"slug": slugify(name)})
        for name in sorted(situation_names)
    }
    situations.update({s.name: s for s in Situation.objects.exclude(name__in=situations)})

    for _, data in parsed.declarations:
        state = states[data["iso3"]]
        declaration = loader.upsert(
            Declaration,
            {"state": state, "lodged": data["lodged"], "situation": situations[data["situation"]]},
            {"notes": data["notes"]},
        )
        loader.set_sources(declaration, data["urls"])

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

    for _, data in parsed.visits:
        load_visit(loader, data, persons[data["person"]["slug"]], states[data["host"]], report)

    for _, data in parsed.statements:
        statement = loader.upsert(
            JointStatement,
            {"date": data["date"], "title": data["title"]},
            {"signatory_count": data["count"]},
        )
        wanted = {states[c].pk for c in data["signatories"]}
        if set(statement.signatories.values_list("pk", flat=True)) != wanted:
            statement.signatories.set(wanted)
        loader.set_sources(statement, data["urls"])
    loader.flush_links()


def load_visit(
    loader: _Loader, data: dict, person: Person, host: State, report: ImportReport
) -> None:
    """Visits go through the one write path, record_visit_report, like every other report."""
    start, start_precision = _stored(data["start"])
    end, end_precision = _stored(data["end"])
    fields = {
        "person": person,
        "host": host,
        "start": start,
        "start_precision": start_precision,
        "end": end,
        "end_precision": end_precision,
        "place": data["place"],
        "occasion": data["occasion"],
        "status": data["status"],
        "outcome": data["outcome"],
        "host_notified": data["host_notified"],
        "review_state": data["review_state"],
        "notes": data["notes"],
    }
    existing = Visit.objects.filter(slug=data["slug"]).first()
    same_sources = existing is not None and set(
        existing.sources.values_list("url", flat=True)
    ) == set(data["urls"])
    if (
        existing is not None
        and same_sources
        and all(getattr(existing, k) == v for k, v in fields.items())
    ):
        report.count("visits", "unchanged")
        visit = existing
    else:
        visit = record_visit_report(
            slug=data["slug"],
            host_justification=existing.host_justification if existing else "",
            sources=[SourceInput(url=u) for u in data["urls"]],
            **fields,
        )
        report.count("visits", "updated" if existing else "created")
    if data["finding"]:
        asp, unsc = data["referral"] or (False, False)
        loader.upsert(
            Finding,
            {"visit": visit},
            {
                "state": host,
                "decided": data["finding"],
                "referred_to_asp": asp,
                "referred_to_unsc": unsc,
            },
        )


def import_dataset(directory: Path) -> ImportReport:
    """Validate the files in `directory`, load them in one transaction, evaluate every visit,
    and record the import (version, time, counts).

    Raises ImportFailed (and writes nothing) when any row is invalid.
    """
    parsed, errors, warnings = validate(directory)
    if errors:
        raise ImportFailed(errors)
    report = ImportReport(warnings=warnings, version=parsed.version)
    with outbox.relay_deferred(), transaction.atomic():
        load(parsed, report)
    # Verdicts are derived: evaluate everything (cheap at this size); only changes are written.
    report.evaluation = flagging.evaluate_visits(cause="dataset import")
    report.warnings += [
        f"visits.csv: {slug}: self-check: {check}"
        for slug, check in Visit.objects.exclude(verdict__self_check="").values_list(
            "slug", "verdict__self_check"
        )
    ]
    DatasetImport.objects.create(
        version=report.version,
        counts={str(model): dict(counts) for model, counts in report.counts.items()},
        visits_evaluated=report.evaluation.evaluated,
        verdicts_changed=report.evaluation.changed,
    )
    return report
