"""What the importer refuses so that a damaged folder never damages the record: files
emptied, missing, misnamed, unreadable or duplicated, an older or a reused version, a
removal of most of a kind's rows; its dry run; and what it deletes once no row lists it
(situations, cases). Each refusal names the file (and line), says what to do, and
changes nothing (see dataset/importer.py and README, "python3 manage.py import_dataset")."""

import csv
import datetime
import io
import shutil

import pytest
from django.utils import timezone

from compliance import RULE_VERSION
from dataset.importer import (
    FILES,
    TREATY_COLUMNS,
    ImportFailed,
    import_dataset,
    next_version,
    version_key,
)
from dataset.models import DatasetImport
from front.views.warrants import situation_choices
from states.models import Declaration, JointStatement, SecurityCouncilReferral, TreatyEvent
from tests.dataset.test_importer_rules import (
    PERSONS,
    VISITS,
    WARRANTS,
    folder,
    line_of,
    write_csv,
)
from tests.releases import NEWER, command, refused, release
from visits import outbox
from visits.models import EvaluationRequest, Finding, Verdict, VerdictChange, Visit
from warrants.models import Case, Person, Situation, Warrant

pytestmark = pytest.mark.django_db

FINDING = {
    "id": "mng-2024-10-24",
    "state_iso3": "MNG",
    "decided": "2024-10-24",
    "persons": "vladimir-putin",
    "visit_id": "vladimir-putin-mng-2024-09-02",
    "kind": "art_87_7",
}
REFERRAL = {
    "situation": "Ukraine",
    "resolution": "S/RES/9999 (2030)",
    "adopted": "2030-01-01",
    "bound_iso3": "MNG",
}
DECLARATION = {"iso3": "MNG", "lodged": "2015-09-08", "situation": "Ukraine"}
STATEMENT = {
    "id": "2024-06-14",
    "date": "2024-06-14",
    "title": "Joint statement in support of the ICC",
}


def newer_copy(dataset_dir, path, version=NEWER):
    """A copy of data/ at `path`, released as `version` (newer than data/'s: the version a
    changed copy of data/ must carry), with its changelog entry."""
    shutil.copytree(dataset_dir, path)
    release(path, version)
    return path


def header_only(path, name):
    text = (path / name).read_text(encoding="utf-8")
    (path / name).write_text(text.splitlines()[0] + "\n", encoding="utf-8")


def failure_of(path, **options) -> ImportFailed:
    with pytest.raises(ImportFailed) as failure:
        import_dataset(path, **options)
    return failure.value


def record():
    """What an import would change, to compare before and after a refusal or a dry run."""
    return (
        TreatyEvent.objects.count(),
        Person.objects.count(),
        Situation.objects.count(),
        Case.objects.count(),
        Warrant.objects.count(),
        Finding.objects.count(),
        Declaration.objects.count(),
        SecurityCouncilReferral.objects.count(),
        JointStatement.objects.count(),
        sorted(Visit.objects.values_list("slug", "review_state", "verdict__code")),
        VerdictChange.objects.count(),
        EvaluationRequest.objects.count(),
        list(DatasetImport.objects.values_list("pk", "version")),
    )


# --- 1. An emptied file, a removal of most rows, the dry run ---------------------------


@pytest.mark.parametrize("name", ["states.csv", "visits.csv"])
def test_a_required_file_with_its_header_only_is_refused(seeded, dataset_dir, tmp_path, name):
    """A truncated save of states.csv deleted all 380 treaty events (38 verdicts changed,
    the incidents list emptied); of visits.csv, withdrew all 98 visits."""
    path = newer_copy(dataset_dir, tmp_path / "data")
    header_only(path, name)
    before = record()
    lines = refused(path)
    assert [line for line in lines if not line.startswith("note: ")] == [
        f"{name}: (file): the file has its header row but no rows (a truncated save?): "
        f"{name} must list at least one row; restore it from the last version"
    ]
    assert record() == before


def test_an_import_that_would_delete_most_of_a_kind_is_refused_unless_asked_for(
    seeded, dataset_dir, tmp_path
):
    path = newer_copy(dataset_dir, tmp_path / "data")
    lines = (path / "states.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (path / "states.csv").write_text("".join(lines[:11]), encoding="utf-8")
    recorded = TreatyEvent.objects.count()
    kept = sum(
        1
        for row in csv.DictReader(io.StringIO("".join(lines[:11])))
        for column in TREATY_COLUMNS
        if row[column]
    )
    before = record()
    assert refused(path) == [
        f"states.csv: (file): the import would delete {recorded - kept} of the {recorded} "
        "treaty events recorded, which states.csv no longer lists: is the file complete (not "
        "a truncated save, not another folder's)? If the removal is meant, import again with "
        "--allow-mass-removal"
    ]
    assert record() == before
    output, _ = command(path, "--allow-mass-removal")
    assert f"treaty events: 0 created, 0 updated, {kept} unchanged, {recorded - kept} deleted" in (
        output
    )
    assert TreatyEvent.objects.count() == kept


def test_a_handful_of_rows_removed_is_no_mass_removal(seeded, dataset_dir, tmp_path):
    """The project's 4 joint statements, all removed: more than half, but not more than 5."""
    path = newer_copy(dataset_dir, tmp_path / "data")
    header_only(path, "statements.csv")
    count = JointStatement.objects.count()
    assert 0 < count <= 5
    output, _ = command(path)
    assert f"joint statements: 0 created, 0 updated, 0 unchanged, {count} deleted" in output
    assert not JointStatement.objects.exists()


def test_a_dry_run_reports_what_the_import_would_do_and_keeps_nothing(
    seeded, dataset_dir, tmp_path
):
    # Mongolia's entry into force after Putin's visit: its incident would go.
    path = newer_copy(dataset_dir, tmp_path / "data")
    text = (path / "states.csv").read_text(encoding="utf-8")
    line = next(li for li in text.splitlines() if li.startswith("MNG,"))
    (path / "states.csv").write_text(
        text.replace(line, line.replace(",2002-07-01,", ",2025-01-01,", 1)), encoding="utf-8"
    )
    before = record()
    from core.pagecache import data_version

    version = data_version()
    output, _ = command(path, "--dry-run")
    # Nothing it wrote is kept: no cached page, summary or search list is dropped for it.
    assert data_version() == version
    assert output.splitlines()[0] == f"dataset version: {NEWER}"
    assert "treaty events: 0 created, 1 updated," in output
    assert "verdicts: 97 visits evaluated: 1 verdict changed, 0 explanations reworded" in output
    assert output.splitlines()[-1] == (
        "Dry run: nothing was imported (the import was rolled back). "
        "Run the command again without --dry-run to import."
    )
    assert record() == before
    assert Visit.objects.get(slug="vladimir-putin-mng-2024-09-02").verdict.code == (
        "non_compliance"
    )
    # The real import does what the dry run said.
    output, _ = command(path)
    assert "verdicts: 97 visits evaluated: 1 verdict changed, 0 explanations reworded" in output
    assert Visit.objects.get(slug="vladimir-putin-mng-2024-09-02").verdict.code == ("no_obligation")


def test_nothing_a_dry_run_enqueues_leaves_it(
    seeded, dataset_dir, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    """Evaluation tasks leave through the outbox's relay after commit (mails and webhooks
    likewise, after the commit of what owes them): a dry run rolls back, so the relay
    never runs, and no request is left for the sweeper."""
    relayed = []
    monkeypatch.setattr(outbox, "relay", lambda ids: relayed.append(sorted(ids)) or True)
    # Verdicts of an older rule: the import requests their evaluation.
    Verdict.objects.filter(visit__slug="vladimir-putin-mng-2024-09-02").update(rule_version="0")
    path = newer_copy(dataset_dir, tmp_path / "data")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        command(path, "--dry-run")
    assert (callbacks, relayed) == ([], [])
    assert not EvaluationRequest.objects.exists()
    assert Verdict.objects.get(visit__slug="vladimir-putin-mng-2024-09-02").rule_version == "0"
    # The same import for real evaluates that request in its own pass, which counts it
    # (relayed at the commit of the request, it went to the workers, or to the task run at
    # once without a broker, and the import said its verdicts were unchanged).
    with django_capture_on_commit_callbacks(execute=True):
        output, _ = command(path)
    assert relayed == []
    assert not EvaluationRequest.objects.exists()
    assert Verdict.objects.get(visit__slug="vladimir-putin-mng-2024-09-02").rule_version == (
        RULE_VERSION
    )
    assert f"1 unchanged but recorded under rule version {RULE_VERSION}" in output


# --- 2. A missing or misnamed optional file ------------------------------------------


def test_a_misnamed_optional_file_is_refused_naming_the_file_found(tmp_path):
    import_dataset(folder(tmp_path, "v1", findings=[FINDING], referrals=[REFERRAL]))
    path = folder(tmp_path, "v2", version="2026.12.02", findings=[FINDING], referrals=[REFERRAL])
    (path / "findings.csv").rename(path / "findings.csv.txt")
    (path / "referrals.csv").rename(path / "Referrals.csv")
    before = record()
    assert failure_of(path).errors == [
        f"referrals.csv: (file): the file is missing from {path}, which holds Referrals.csv "
        "instead: the importer reads referrals.csv only (lower case, ending in .csv); rename "
        "the file referrals.csv",
        f"findings.csv: (file): the file is missing from {path}, which holds findings.csv.txt "
        "instead: the importer reads findings.csv only (lower case, ending in .csv); rename "
        "the file findings.csv",
    ]
    assert record() == before


def test_a_missing_optional_file_does_not_delete_what_it_listed(tmp_path):
    import_dataset(folder(tmp_path, "v1", declarations=[DECLARATION], statements=[STATEMENT]))
    # Without the files: refused, each with the rows it would have deleted.
    path = folder(tmp_path, "v2", version="2026.12.02")
    before = record()
    assert failure_of(path).errors == [
        f"declarations.csv: (file): the file is missing from {path}, but 1 declarations "
        "recorded by earlier imports come from it, and a missing file is not an empty one: "
        "put declarations.csv back (to delete them all, keep its header row only)",
        f"statements.csv: (file): the file is missing from {path}, but 1 joint statements "
        "recorded by earlier imports come from it, and a missing file is not an empty one: "
        "put statements.csv back (to delete them all, keep its header row only)",
    ]
    assert record() == before
    # With their header rows only: deleted, as asked.
    import_dataset(folder(tmp_path, "v3", version="2026.12.03", declarations=[], statements=[]))
    assert not Declaration.objects.exists() and not JointStatement.objects.exists()
    # Nothing of their kind recorded: a folder may lack them.
    import_dataset(folder(tmp_path, "v4", version="2026.12.04"))


def test_a_lookalike_of_a_file_is_refused_even_on_a_first_import(tmp_path):
    path = folder(tmp_path, findings=[FINDING])
    (path / "findings.csv").rename(path / "Findings.CSV")
    assert failure_of(path).errors == [
        f"findings.csv: (file): the file is missing from {path}, which holds Findings.CSV "
        "instead: the importer reads findings.csv only (lower case, ending in .csv); rename "
        "the file findings.csv"
    ]
    assert not Visit.objects.exists()


# --- 3. A file that cannot be read ----------------------------------------------------


def test_a_file_that_is_not_utf8_is_one_problem_not_one_per_row_that_needs_it(tmp_path):
    """persons.csv saved as Windows-1252 gave its error, then 209 false ones."""
    persons = [{**PERSONS[0], "notes": "Acquitté en appel"}, PERSONS[1]]
    path = folder(tmp_path, persons=persons, findings=[FINDING], referrals=[REFERRAL])
    text = (path / "persons.csv").read_text(encoding="utf-8")
    (path / "persons.csv").write_bytes(text.encode("cp1252"))
    failure = failure_of(path)
    assert failure.errors == [
        "persons.csv:2: notes: not valid UTF-8 (invalid continuation byte: byte 0xe9); save "
        "the file as UTF-8 (a spreadsheet's 'CSV UTF-8')"
    ]
    assert failure.notes == [
        "persons.csv could not be read, so these checks were skipped: the persons and "
        "situations named in warrants.csv, visits.csv, findings.csv, declarations.csv and "
        "referrals.csv, and the persons the import would remove (they run once it is fixed)"
    ]
    err = "\n".join(refused(path))
    assert "note: persons.csv could not be read" in err


@pytest.mark.parametrize(("separator", "words"), [(";", "semicolons"), ("\t", "tabs")])
def test_a_file_separated_by_semicolons_or_tabs_is_named_once(tmp_path, separator, words):
    path = folder(tmp_path, referrals=[REFERRAL])
    text = (path / "referrals.csv").read_text(encoding="utf-8")
    (path / "referrals.csv").write_text(text.replace(",", separator), encoding="utf-8")
    header = separator.join(FILES["referrals.csv"])
    shown = header if len(header) <= 60 else header[:60] + "..."
    assert failure_of(path).errors == [
        f"referrals.csv:1: (header): the file looks separated by {words}, not commas (its "
        f"header reads {shown!r}): save it as comma-separated UTF-8 (a spreadsheet's "
        "'CSV UTF-8 (comma delimited)'), then import again"
    ]


def test_a_persons_file_separated_by_semicolons_hides_no_other_problem_under_false_ones(
    tmp_path,
):
    path = folder(tmp_path)
    text = (path / "persons.csv").read_text(encoding="utf-8")
    (path / "persons.csv").write_text(text.replace(",", ";"), encoding="utf-8")
    write_csv(path, "visits.csv", [{**VISITS[0], "host_iso3": "XYZ"}, VISITS[1]])
    failure = failure_of(path)
    assert [e.split(": ")[0] for e in failure.errors] == ["persons.csv:1", "visits.csv:2"]
    assert "separated by semicolons" in failure.errors[0]
    assert failure.errors[1] == (
        "visits.csv:2: host_iso3: 'XYZ' is not an ISO 3166-1 alpha-3 country code"
    )


# --- 4. The version -------------------------------------------------------------------


def test_an_older_version_is_refused(tmp_path):
    import_dataset(folder(tmp_path, "v2", version="2026.12.05"))
    path = folder(tmp_path, "v1", version="2026.11.26")
    before = record()
    (error,) = failure_of(path).errors
    imported = timezone.localtime(DatasetImport.objects.get().imported_at).date()
    assert error == (
        "VERSION:1: (version): 2026.11.26 is older than 2026.12.05, the version imported last "
        f"(on {imported}): the site would cite an older version for newer facts. To publish "
        "these files, write a newer version to VERSION (such as "
        f"{next_version('2026.12.05', timezone.localdate())}) and add its entry at the top of "
        "CHANGELOG.md, saying what changed"
    )
    assert record() == before
    assert DatasetImport.latest_version() == "2026.12.05"
    # Versions compare part by part, as numbers: 2026.12.05.10 is newer than 2026.12.05.9.
    import_dataset(folder(tmp_path, "v9", version="2026.12.05.9"))
    import_dataset(folder(tmp_path, "v10", version="2026.12.05.10"))
    assert DatasetImport.latest_version() == "2026.12.05.10"


def test_changed_files_under_the_same_version_are_refused_the_same_ones_import_again(tmp_path):
    import_dataset(folder(tmp_path, "v1", version="2026.12.05"))
    changed = folder(
        tmp_path, "changed", version="2026.12.05", visits=[{**VISITS[0], "city": "Ulaanbaatar"}]
    )
    before = record()
    (error,) = failure_of(changed).errors
    assert error.startswith(
        "VERSION:1: (version): these files differ from version 2026.12.05 as imported on "
    )
    assert "changed data needs a new version" in error
    assert "add its entry at the top of CHANGELOG.md" in error
    assert record() == before
    # The same rows as a spreadsheet saves them again (a byte-order mark, Windows line
    # ends, the columns in another order): the re-import that changes nothing.
    same = folder(tmp_path, "same", version="2026.12.05")
    write_csv(same, "visits.csv", VISITS, columns=FILES["visits.csv"][::-1], bom=True)
    text = (same / "states.csv").read_text(encoding="utf-8")
    (same / "states.csv").write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    output, _ = command(same)
    assert "Nothing changed" in output
    assert DatasetImport.objects.count() == 1  # an import that changes nothing is not recorded
    # The changed files under a newer version are imported.
    (changed / "VERSION").write_text("2026.12.06\n", encoding="utf-8")
    import_dataset(changed)
    assert Visit.objects.get(slug=VISITS[0]["id"]).place == "Ulaanbaatar"


def test_the_seed_imports_again_under_its_version_and_a_copy_changed_needs_a_new_one(
    seeded, dataset_dir, tmp_path
):
    assert "Nothing changed" in command(dataset_dir)[0]
    path = tmp_path / "data"
    shutil.copytree(dataset_dir, path)
    header_only(path, "statements.csv")
    version = (dataset_dir / "VERSION").read_text(encoding="utf-8").strip()
    (error,) = refused(path)
    assert error.startswith(f"VERSION:1: (version): these files differ from version {version}")


# --- 5. Duplicate rows ----------------------------------------------------------------


def test_a_declaration_listed_twice_is_refused_naming_both_lines(tmp_path):
    other_sources = {**DECLARATION, "source_urls": "https://example.org/other"}
    path = folder(tmp_path, declarations=[DECLARATION, other_sources])
    assert failure_of(path).errors == [
        "declarations.csv:3: lodged: the same declaration (MNG, lodged 2015-09-08, Ukraine) "
        "is already on line 2: list it once (its sources `;`-separated)"
    ]
    assert not Declaration.objects.exists()


def test_a_statement_listed_twice_is_refused_naming_both_lines(tmp_path):
    path = folder(
        tmp_path, statements=[STATEMENT, {**STATEMENT, "id": "again", "signatories_iso3": "BEL"}]
    )
    assert failure_of(path).errors == [
        "statements.csv:3: title: the same statement (2024-06-14, 'Joint statement in support "
        "of the ICC') is already on line 2: list it once (its sources `;`-separated)"
    ]
    assert not JointStatement.objects.exists()


# --- 6. A removed person others depend on ---------------------------------------------


def test_a_removed_person_names_the_rows_that_depend_on_him_by_file_and_line(tmp_path):
    import_dataset(folder(tmp_path, "v1"))
    path = folder(tmp_path, "v2", version="2026.12.02", persons=PERSONS[1:], warrants=WARRANTS[1:])
    line = line_of(path, "visits.csv", "jean-pierre-bemba-gombo-bel-2008-05-24,")
    assert failure_of(path).errors == [
        f"visits.csv:{line}: person_slug: 'jean-pierre-bemba-gombo' is not a known person "
        "(not in persons.csv)",
        "persons.csv: slug: jean-pierre-bemba-gombo is no longer listed, but visits depend on "
        f"it: visits.csv:{line} (jean-pierre-bemba-gombo-bel-2008-05-24). Keep the person in "
        "persons.csv (a removed visit is withdrawn, not deleted, and keeps its person)",
    ]


# --- 7. Situations and cases no row names any more -------------------------------------


def test_a_renamed_situation_or_case_leaves_no_stale_entry(tmp_path):
    cased = [{**WARRANTS[0], "case_name": "The Prosecutor v. Bemba"}, WARRANTS[1]]
    import_dataset(folder(tmp_path, "v1", warrants=cased))
    renamed = [PERSONS[0], {**PERSONS[1], "situation": "Situation in Ukraine"}]
    recased = [{**WARRANTS[0], "case_name": "The Prosecutor v. Jean-Pierre Bemba"}, WARRANTS[1]]
    output, _ = command(
        folder(tmp_path, "v2", version="2026.12.02", persons=renamed, warrants=recased)
    )
    assert "situations: 1 created, 0 updated, 1 unchanged, 1 deleted" in output
    assert "cases: 1 created, 0 updated, 0 unchanged, 1 deleted" in output
    assert set(Situation.objects.values_list("name", flat=True)) == {
        "Central African Republic",
        "Situation in Ukraine",
    }
    assert dict(situation_choices()).keys() - {""} == {
        "central-african-republic",
        "situation-in-ukraine",
    }
    assert list(Case.objects.values_list("name", flat=True)) == [
        "The Prosecutor v. Jean-Pierre Bemba"
    ]
    # A name written otherwise with the same address is the same situation, renamed.
    ukraine = Situation.objects.get(name="Situation in Ukraine")
    upper = [PERSONS[0], {**PERSONS[1], "situation": "SITUATION IN UKRAINE"}]
    import_dataset(folder(tmp_path, "v3", version="2026.12.03", persons=upper, warrants=recased))
    assert Situation.objects.get(pk=ukraine.pk).name == "SITUATION IN UKRAINE"


def test_two_ways_of_writing_one_situation_are_refused_naming_both_rows(tmp_path):
    persons = [{**PERSONS[0], "situation": "Ukraine"}, {**PERSONS[1], "situation": "ukraine"}]
    assert failure_of(folder(tmp_path, persons=persons)).errors == [
        "persons.csv:3: situation: 'ukraine' and 'Ukraine' (persons.csv:2) would be the same "
        "situation (both ukraine): write the name the same way in every row"
    ]


@pytest.mark.parametrize(
    ("latest", "today", "suggested"),
    [
        ("2026.12.05", datetime.date(2026, 12, 7), "2026.12.07"),
        ("2026.12.05", datetime.date(2026, 12, 5), "2026.12.05.2"),
        ("2026.12.05.2", datetime.date(2026, 12, 5), "2026.12.05.3"),
        ("v7", datetime.date(2026, 12, 5), "v7.2"),
    ],
)
def test_the_version_suggested_is_newer_than_the_latest(latest, today, suggested):
    assert next_version(latest, today) == suggested
    assert version_key(suggested) > version_key(latest)
