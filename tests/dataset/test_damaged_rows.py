"""What the importer refuses in the rows and files of a damaged copy of the project's data/,
which it used to import (or to crash on, with a traceback): a visit that took place dated
in the future or beyond any real date, a file cut short, an outcome that does not go with
the status, a column listed twice, a finding naming another person than its visit's.
Each refusal is a `file:line: column: message` collected with the others, and nothing
changes (see dataset/importer.py and data/DICTIONARY.md)."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from core.names import format_date
from dataset.importer import import_dataset
from tests.dataset.test_import_safety import newer_copy, record
from tests.dataset.test_importer_rules import line_of
from tests.releases import refused
from visits.models import ReviewState, Visit
from visits.review import YEARS_AHEAD
from warrants.models import Warrant

pytestmark = pytest.mark.django_db

MONGOLIA = "vladimir-putin-mng-2024-09-02"
JORDAN = "omar-al-bashir-jor-2017-03-28"
HUNGARY = "benjamin-netanyahu-hun-2025-04-03"


def edit(path, name, key, match, /, **values):
    """Set `values` in the row of `name` (a file of the folder `path`) whose `key` column
    is `match`, writing the file back as CSV with a line break after each row."""
    with (path / name).open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        columns, rows = reader.fieldnames, list(reader)
    (row,) = [r for r in rows if r[key] == match]
    row.update(values)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (path / name).write_text(out.getvalue(), encoding="utf-8")


def refusals(path, *args) -> list[str]:
    """The problems the command printed, without its notes."""
    return [line for line in refused(path, *args) if not line.startswith("note: ")]


# --- 1. A visit that took place, dated in the future or beyond any real date -----------


def test_a_visit_dated_beyond_any_real_date_or_taking_place_in_the_future_is_refused(
    seeded, dataset_dir, tmp_path
):
    """A typo (2062 for 2026) published a visit of November 2062 as an incident: "was not
    arrested"; an end 36 years after the start was taken. The newsroom's rule refuses
    both, and a trip that took place starting after tomorrow (it is announced)."""
    path = newer_copy(dataset_dir, tmp_path / "data")
    edit(path, "visits.csv", "id", MONGOLIA, start="2062-11-20", end="")
    edit(path, "visits.csv", "id", JORDAN, end="2053-03-29")
    today = timezone.now().date()
    soon = today + datetime.timedelta(days=40)
    edit(path, "visits.csv", "id", HUNGARY, start=soon.isoformat(), end="")
    before = record()
    latest = today.year + YEARS_AHEAD
    tomorrow = format_date(today + datetime.timedelta(days=1))
    lines = {vid: line_of(path, "visits.csv", f"{vid},") for vid in (MONGOLIA, JORDAN, HUNGARY)}
    assert refusals(path) == [
        f"visits.csv:{lines[MONGOLIA]}: start: '2062-11-20' is after {latest}: give the "
        "visit's real date.",
        f"visits.csv:{lines[JORDAN]}: end: '2053-03-29' is after {latest}: give the visit's "
        "real date.",
        f"visits.csv:{lines[HUNGARY]}: start: A visit that took place cannot start after "
        f"tomorrow ({tomorrow}): record a planned trip as announced.",
    ]
    assert record() == before
    # Announced, the trip to come is an early warning, and imports.
    edit(path, "visits.csv", "id", MONGOLIA, start="2024-09-02", end="2024-09-03")
    edit(path, "visits.csv", "id", JORDAN, end="2017-03-29")
    edit(path, "visits.csv", "id", HUNGARY, status="announced", outcome="n/a")
    import_dataset(path)
    assert Visit.objects.get(slug=HUNGARY).verdict.code == "upcoming"


def test_an_announced_trip_whose_dates_passed_imports_with_a_warning(seeded, dataset_dir, tmp_path):
    """A dataset shipped with a trip announced for next month must keep importing once that
    month has passed: a warning names the row (its dates passed, not confirmed as taken),
    never a refusal; its verdict stays `upcoming` (it does not depend on the day)."""
    path = newer_copy(dataset_dir, tmp_path / "data")
    edit(path, "visits.csv", "id", HUNGARY, status="announced", outcome="n/a")
    line = line_of(path, "visits.csv", f"{HUNGARY},")
    report = import_dataset(path)
    today = timezone.localdate().isoformat()
    assert (
        f"visits.csv:{line}: status: announced, but its dates passed (2025-04-06) before the "
        f"import date ({today}): not confirmed as taken" in "\n".join(report.warnings)
    )
    visit = Visit.objects.get(slug=HUNGARY)
    assert visit.verdict.code == "upcoming" and visit.dates_passed()


# --- 2. A file cut short ----------------------------------------------------------------


def cut(path, name, line, keep=12):
    """Cut `name` inside its line `line` (1-based), `keep` characters before its end: no
    line break at the end, the rows after it lost."""
    lines = (path / name).read_text(encoding="utf-8").splitlines(keepends=True)
    text = "".join(lines[: line - 1]) + lines[line - 1].rstrip("\n")[:-keep]
    (path / name).write_text(text, encoding="utf-8")


MESSAGE_CUT = (
    "{name}:{line}: (file): the file does not end with a line break, so it may have been cut "
    "short (a save or a copy interrupted): compare it with the last version; if its last "
    "row is complete, end the file with a line break"
)
MESSAGE_QUOTE = (
    "{name}:{line}: (file): the file ends inside a quoted cell, so it may have been cut short "
    "(a save or a copy interrupted): compare it with the last version; if its last row is "
    'complete, close its quote (")'
)


def test_a_file_cut_inside_a_row_is_refused_as_possibly_cut_short(seeded, dataset_dir, tmp_path):
    """Cut inside a source's URL, visits.csv lost 9 rows and warrants.csv 6: the dry run
    withdrew 9 visits and deleted 6 warrants."""
    path = newer_copy(dataset_dir, tmp_path / "data")
    visits_line = len((path / "visits.csv").read_text(encoding="utf-8").splitlines()) - 9
    warrants_line = len((path / "warrants.csv").read_text(encoding="utf-8").splitlines()) - 6
    cut(path, "visits.csv", visits_line)
    cut(path, "warrants.csv", warrants_line, keep=3)
    before = record()
    problems = refusals(path, "--dry-run")
    assert problems[:2] == [
        MESSAGE_CUT.format(name="warrants.csv", line=warrants_line),
        MESSAGE_CUT.format(name="visits.csv", line=visits_line),
    ]
    # What the cut did besides is told too (the last row's cell cut short, the findings
    # of the visits lost, the persons at large left with no warrant), never taken for a
    # smaller dataset.
    assert all(
        p.startswith((f"visits.csv:{visits_line}: ", f"warrants.csv:{warrants_line}: "))
        or p.startswith("findings.csv:")
        and "is not a visit of visits.csv" in p
        or p.startswith("persons.csv:")
        and "keep the warrant's row" in p
        for p in problems[2:]
    ), problems
    assert record() == before
    # Ended with a line break, the files are taken as they are: their rows are checked.
    for name in ("visits.csv", "warrants.csv"):
        with (path / name).open("a", encoding="utf-8") as file:
            file.write("\n")
    assert not any("(file): the file does not end" in p for p in refusals(path, "--dry-run"))


def test_a_file_cut_inside_a_quoted_cell_after_a_line_break_is_refused(
    seeded, dataset_dir, tmp_path
):
    """A quoted cell cut after a line break (one it held, or one added to end the file):
    the file ends with a line break, and the row's last cell, its sources, reads whole."""
    path = newer_copy(dataset_dir, tmp_path / "data")
    text = (path / "visits.csv").read_text(encoding="utf-8")
    end = text.index('"\n')  # the first row whose last cell is quoted
    quote = text.rindex(',"', 0, end) + 2
    (path / "visits.csv").write_text(text[: quote + 30] + "\n", encoding="utf-8")
    line = text[:quote].count("\n") + 1
    before = record()
    assert refusals(path)[0] == MESSAGE_QUOTE.format(name="visits.csv", line=line)
    assert record() == before


def test_the_projects_files_end_with_a_line_break(dataset_dir):
    for path in sorted(dataset_dir.glob("*.csv")):
        assert path.read_bytes().endswith(b"\n"), path.name


def test_what_a_cut_file_lost_is_told_with_the_problems_it_caused(seeded, dataset_dir, tmp_path):
    """visits.csv cut to its first 29 rows, at a line break: only the findings of the
    visits lost were reported, and nothing said that visits.csv had lost 68 rows."""
    path = newer_copy(dataset_dir, tmp_path / "data")
    lines = (path / "visits.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (path / "visits.csv").write_text("".join(lines[:30]), encoding="utf-8")
    recorded = (
        Visit.objects.exclude(dataset_version="").exclude(review_state=ReviewState.WITHDRAWN)
    ).count()
    before = record()
    problems = refusals(path)
    assert problems[-1] == (
        f"visits.csv: (file): the import would withdraw {recorded - 29} of the {recorded} "
        "visits recorded, which visits.csv no longer lists: is the file complete (not a "
        "truncated save, not another folder's)? If the removal is meant, import again with "
        "--allow-mass-removal"
    )
    finding = line_of(path, "findings.csv", "mng-2024-10-24,MNG,")
    assert f"findings.csv:{finding}: visit_id: '{MONGOLIA}' is not a visit of visits.csv" in (
        problems
    )
    assert record() == before
    # Asked for, the removal is no longer a problem; the findings still are.
    allowed = refusals(path, "--allow-mass-removal")
    assert allowed == problems[:-1]
    assert all(p.startswith("findings.csv:") for p in allowed)
    assert record() == before


def test_a_warrants_file_cut_at_a_line_break_tells_what_it_lost(seeded, dataset_dir, tmp_path):
    path = newer_copy(dataset_dir, tmp_path / "data")
    lines = (path / "warrants.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (path / "warrants.csv").write_text("".join(lines[:11]), encoding="utf-8")
    # A row with a problem of its own: the refusal says what the file lost as well.
    edit(path, "visits.csv", "id", MONGOLIA, host_iso3="XYZ")
    recorded = Warrant.objects.count()
    before = record()
    problems = refusals(path)
    assert problems[0] == (
        f"visits.csv:{line_of(path, 'visits.csv', MONGOLIA)}: host_iso3: 'XYZ' is not an ISO "
        "3166-1 alpha-3 country code"
    )
    assert (
        f"warrants.csv: (file): the import would delete {recorded - 10} of the {recorded} "
        "warrants recorded, which warrants.csv no longer lists: is the file complete (not a "
        "truncated save, not another folder's)? If the removal is meant, import again with "
        "--allow-mass-removal"
    ) in problems
    assert record() == before


# --- 3. An outcome that does not go with the status --------------------------------------


@pytest.mark.parametrize(
    ("status", "outcome", "message"),
    [
        ("announced", "not_arrested", "did not take place: its outcome is n/a, not not_arrested"),
        ("cancelled", "not_arrested", "did not take place: its outcome is n/a, not not_arrested"),
        ("virtual", "arrested", "did not take place: its outcome is n/a, not arrested"),
        # A person cannot give himself up on a trip that did not take place.
        (
            "announced",
            "self_surrendered",
            "did not take place: its outcome is n/a, not self_surrendered",
        ),
        (
            "cancelled",
            "self_surrendered",
            "did not take place: its outcome is n/a, not self_surrendered",
        ),
        (
            "virtual",
            "self_surrendered",
            "did not take place: its outcome is n/a, not self_surrendered",
        ),
        (
            "occurred",
            "n/a",
            "took place: its outcome says what the host did (not_arrested, left_early, "
            "arrested, released, self_surrendered, or unknown if it is not known), not n/a",
        ),
    ],
)
def test_an_outcome_that_does_not_go_with_the_status_is_a_row_error_not_a_traceback(
    seeded, dataset_dir, tmp_path, status, outcome, message
):
    """The pair reached the one write path (record_visit_report), whose ValidationError
    ended the import, and its dry run, with a traceback."""
    path = newer_copy(dataset_dir, tmp_path / "data")
    edit(path, "visits.csv", "id", MONGOLIA, status=status, outcome=outcome)
    before = record()
    refusal = (
        f"visits.csv:{line_of(path, 'visits.csv', MONGOLIA)}: outcome: a trip with the status "
        f"{status} {message}"
    )
    assert refusals(path, "--dry-run") == [refusal]
    assert record() == before
    # Collected with the other problems of the rows.
    edit(path, "visits.csv", "id", JORDAN, host_iso3="XYZ")
    assert refusals(path) == [
        refusal,
        f"visits.csv:{line_of(path, 'visits.csv', JORDAN)}: host_iso3: 'XYZ' is not an ISO "
        "3166-1 alpha-3 country code",
    ]
    assert record() == before


@pytest.mark.parametrize("status", ["occurred", "transit"])
def test_a_person_who_gave_himself_up_imports_on_a_trip_that_took_place(
    seeded, dataset_dir, tmp_path, status
):
    """`self_surrendered` (data/DICTIONARY.md) is an outcome of a trip that took place, a
    visit or a transit stop: the row imports, and its verdict is `complied` with the basis
    the host had, the explanation saying the person surrendered voluntarily."""
    path = newer_copy(dataset_dir, tmp_path / "data")
    edit(path, "visits.csv", "id", MONGOLIA, status=status, outcome="self_surrendered")
    import_dataset(path)
    visit = Visit.objects.get(slug=MONGOLIA)
    assert (visit.status, visit.outcome) == (status, "self_surrendered")
    assert (visit.verdict.code, visit.verdict.basis) == ("complied", "state_party")
    assert "surrendered voluntarily and was transferred to the Court" in (
        visit.verdict.explanation_text("en")
    )


def test_a_situation_name_whose_address_is_too_long_is_a_row_error_not_a_traceback(
    seeded, dataset_dir, tmp_path
):
    """A name of 101 to 200 characters fits Situation.name but not its slug: the database
    refused it while loading (DataError)."""
    path = newer_copy(dataset_dir, tmp_path / "data")
    name = "Ukraine " + "x" * 150
    edit(path, "persons.csv", "slug", "vladimir-putin", situation=name)
    before = record()
    assert refusals(path) == [
        f"persons.csv:{line_of(path, 'persons.csv', 'vladimir-putin,')}: situation: "
        f"{name[:40]!r}... would have an address 158 characters long (ukraine-"
        f"{'x' * 32}...); at most 100 (Situation.slug): shorten the name"
    ]
    assert record() == before


@pytest.mark.parametrize(
    ("count", "message"),
    [
        ("²", "'²' is not a whole number"),
        (
            "99999999999",
            "99999999999: Ensure this value is less than or equal to 2147483647. "
            "(JointStatement.signatory_count)",
        ),
    ],
)
def test_a_statement_count_the_database_cannot_hold_is_a_row_error_not_a_traceback(
    seeded, dataset_dir, tmp_path, count, message
):
    """'²' is a digit to Python but no number to int() (ValueError); a count beyond the
    column's range failed while loading (DataError)."""
    path = newer_copy(dataset_dir, tmp_path / "data")
    edit(path, "statements.csv", "date", "2020-06-23", count=count)
    before = record()
    assert refusals(path) == [f"statements.csv:2: count: {message}"]
    assert record() == before


# --- 4. A column listed twice ------------------------------------------------------------


def test_a_column_listed_twice_is_refused(seeded, dataset_dir, tmp_path):
    """A second `city` at the end of the header won: every visit's place overwritten (the
    dry run said "98 updated")."""
    path = newer_copy(dataset_dir, tmp_path / "data")
    lines = (path / "visits.csv").read_text(encoding="utf-8").splitlines()
    columns = lines[0].split(",")
    text = "\n".join([lines[0] + ",city", *(line + ",Somewhere" for line in lines[1:])]) + "\n"
    (path / "visits.csv").write_text(text, encoding="utf-8")
    before = record()
    assert refusals(path, "--dry-run") == [
        f"visits.csv:1: city: the column appears twice (columns {columns.index('city') + 1} "
        f"and {len(columns) + 1}): keep one of them, holding the values to import"
    ]
    assert record() == before


# --- 5. A finding naming another person than its visit's ----------------------------------


def test_a_finding_naming_another_person_than_its_visits_is_refused_naming_both_rows(
    seeded, dataset_dir, tmp_path
):
    """The Mongolia visit given to Maria Lvova-Belova: the Art. 87(7) finding on Putin's
    arrest was attached to her visit."""
    path = newer_copy(dataset_dir, tmp_path / "data")
    edit(path, "visits.csv", "id", MONGOLIA, person_slug="maria-lvova-belova")
    before = record()
    assert refusals(path, "--dry-run") == [
        f"findings.csv:{line_of(path, 'findings.csv', 'mng-2024-10-24,MNG,')}: persons: {MONGOLIA}'s person "
        f"is maria-lvova-belova (visits.csv:{line_of(path, 'visits.csv', MONGOLIA)}), not "
        "vladimir-putin"
    ]
    assert record() == before
    # A finding may name others besides the visit's person.
    edit(path, "visits.csv", "id", MONGOLIA, person_slug="vladimir-putin")
    edit(path, "findings.csv", "state_iso3", "MNG", persons="vladimir-putin;maria-lvova-belova")
    assert import_dataset(path, dry_run=True).dry_run
