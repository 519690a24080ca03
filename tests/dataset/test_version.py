"""The dataset's version: read from the folder, printed by the import, recorded in the database."""

import datetime
import io
import re
import shutil

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse

from dataset.models import DatasetImport
from states.models import State
from tests.releases import CURRENT, NEWER, changelog_heading, refused, release, run_import, today

pytestmark = pytest.mark.django_db


def test_the_projects_dataset_has_a_version_a_changelog_entry_and_a_licence(dataset_dir):
    version = (dataset_dir / "VERSION").read_text(encoding="utf-8").strip()
    # The release date, with a fourth part for a second release the same day (2026.11.30.2).
    assert re.fullmatch(r"\d{4}\.\d{2}\.\d{2}(\.\d+)?", version)
    changelog = (dataset_dir / "CHANGELOG.md").read_text(encoding="utf-8")
    entries = re.findall(r"^## (\S+) — (\d{4}-\d{2}-\d{2})$", changelog, flags=re.M)
    # The newest entry comes first, and it is this version, released on the day it names.
    assert entries[0] == (version, "-".join(version.split(".")[:3]))
    assert len(entries) == len(set(entries)) >= 2
    licence = (dataset_dir / "LICENSE").read_text(encoding="utf-8")
    assert "Creative Commons Attribution 4.0 International" in licence
    assert "https://creativecommons.org/licenses/by/4.0/" in licence


def test_an_import_prints_and_records_the_version_and_its_counts(dataset_dir, tmp_path):
    assert DatasetImport.latest_version() is None
    output = run_import(dataset_dir)
    version = (dataset_dir / "VERSION").read_text(encoding="utf-8").strip()
    assert output.splitlines()[0] == f"dataset version: {version}"
    record = DatasetImport.objects.get()
    assert record.version == version
    assert record.counts["visits"] == {"created": 97}
    assert record.visits_evaluated == 97 and record.verdicts_changed == 97
    assert DatasetImport.latest_version() == version

    # A third-party folder without VERSION still imports; its version is recorded as unknown.
    copy = tmp_path / "no-version"
    shutil.copytree(dataset_dir, copy)
    (copy / "VERSION").unlink()
    output = run_import(copy)
    assert "dataset version: unknown (the folder has no VERSION file)" in output
    assert "Nothing changed" in output
    assert DatasetImport.objects.count() == 2
    latest = DatasetImport.objects.first()
    assert latest.version == "" and latest.counts["visits"] == {"unchanged": 97}
    assert DatasetImport.latest_version() == ""


def test_a_malformed_version_is_reported_and_nothing_is_imported(dataset_dir, tmp_path):
    copy = tmp_path / "bad-version"
    shutil.copytree(dataset_dir, copy)
    (copy / "VERSION").write_text("2026.11.30\nsecond line\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_dataset", str(copy), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        "VERSION:1: (version): must be one line, the version: YYYY.MM.DD, the day of the "
        "release (2026.11.30), with a fourth part from 2 for a later release the same day "
        "(2026.11.30.2)"
    ]
    assert not State.objects.exists() and not DatasetImport.objects.exists()


# --- A new version needs its changelog entry ---------------------------------------------


def test_a_new_version_without_its_changelog_entry_is_refused(seeded, dataset_dir, tmp_path):
    """VERSION 2027.01.26 with CHANGELOG.md untouched was imported: /data/ then said
    "Dataset version 2027.01.26" above its files and "Latest version: 2026.12.06" under
    Changes, and the zip's VERSION and CHANGELOG.md disagreed."""
    copy = tmp_path / "data"
    shutil.copytree(dataset_dir, copy)
    (copy / "VERSION").write_text(f"{NEWER}\n", encoding="utf-8")
    before = list(DatasetImport.objects.values_list("pk", "version"))

    assert refused(copy) == [
        f"VERSION:1: (version): CHANGELOG.md has no entry for {NEWER}, the version in "
        f"VERSION: its newest entry is {CURRENT}. Add the entry of {NEWER} at the top of "
        f"CHANGELOG.md, under the heading '{changelog_heading(NEWER)}' (the version, a dash "
        "and the day of the release), saying what changed"
    ]
    assert list(DatasetImport.objects.values_list("pk", "version")) == before

    # An entry for it further down (not the newest) is no better: the changelog would
    # give another version as the latest.
    text = (copy / "CHANGELOG.md").read_text(encoding="utf-8")
    at = text.index(f"## {CURRENT} ")
    (copy / "CHANGELOG.md").write_text(
        text[:at] + text[at:].replace("\n## ", f"\n{changelog_heading(NEWER)}\n\nOlder.\n\n## ", 1),
        encoding="utf-8",
    )
    assert refused(copy)[0].startswith(
        f"VERSION:1: (version): CHANGELOG.md's newest entry is {CURRENT}, not {NEWER}, the "
        "version in VERSION"
    )

    # With its entry at the top, it is imported.
    shutil.rmtree(copy)
    shutil.copytree(dataset_dir, copy)
    release(copy, NEWER)
    call_command("import_dataset", str(copy), stdout=io.StringIO(), stderr=io.StringIO())
    assert DatasetImport.latest_version() == NEWER


def test_a_folder_without_a_changelog_is_not_asked_for_an_entry(db, dataset_dir, tmp_path):
    """A third party's folder may have no CHANGELOG.md: /data/ then shows no changelog,
    which nothing contradicts."""
    copy = tmp_path / "data"
    shutil.copytree(dataset_dir, copy)
    (copy / "CHANGELOG.md").unlink()
    (copy / "VERSION").write_text(f"{NEWER}\n", encoding="utf-8")
    run_import(copy)
    assert DatasetImport.latest_version() == NEWER


def test_the_same_version_again_needs_no_new_entry(seeded, dataset_dir):
    """Only a new version is asked for its entry: the import of the version imported last
    (the re-import that changes nothing) is not refused for its changelog."""
    assert "Nothing changed" in run_import(dataset_dir)


# --- The version's form, and its day -------------------------------------------------


@pytest.mark.parametrize(
    ("version", "problem"),
    [
        ("2027.O4.03", "is not a version of the form YYYY.MM.DD"),
        ("2027.4.03", "is not a version of the form YYYY.MM.DD"),
        ("v7", "is not a version of the form YYYY.MM.DD"),
        ("2026.11.30.1", "is not a version of the form YYYY.MM.DD"),
        ("2026.11.30.02", "is not a version of the form YYYY.MM.DD"),
        ("2026.11.30-rc1", "is not a version of the form YYYY.MM.DD"),
        ("2026.13.01", "is not a day of the calendar"),
        ("2027.02.29", "is not a day of the calendar"),
    ],
)
def test_a_version_not_of_the_documented_form_is_refused(
    db, dataset_dir, tmp_path, version, problem
):
    """`2027.O4.03` (a letter O) was taken, and sorted after every version of digits: the
    correct 2027.04.03 was then refused as older than it."""
    copy = tmp_path / "data"
    shutil.copytree(dataset_dir, copy)
    (copy / "VERSION").write_text(f"{version}\n", encoding="utf-8")
    (line,) = refused(copy)
    assert line.startswith(f"VERSION:1: (version): {version!r} {problem}"), line
    assert "(2026.11.30)" in line and "(2026.11.30.2)" in line, line
    assert not DatasetImport.objects.exists()


def test_a_version_after_tomorrow_is_refused_tomorrows_is_taken(db, dataset_dir, tmp_path):
    """A far-future date (2062.12.06) was taken, and every correct version after it was
    refused as older for 36 years. A release dated tomorrow in UTC is someone's today."""
    tomorrow = today() + datetime.timedelta(days=1)
    for later in (tomorrow + datetime.timedelta(days=1), datetime.date(2062, 12, 6)):
        copy = tmp_path / later.isoformat()
        shutil.copytree(dataset_dir, copy)
        version = release(copy, later.strftime("%Y.%m.%d"))
        assert refused(copy) == [
            f"VERSION:1: (version): {version} is after tomorrow ({tomorrow.isoformat()}, UTC): "
            "a version is the day of its release, and a version dated later would have "
            "every correct version until that day refused as older"
        ]
    assert not DatasetImport.objects.exists()
    copy = tmp_path / "tomorrow"
    shutil.copytree(dataset_dir, copy)
    version = release(copy, tomorrow.strftime("%Y.%m.%d") + ".2")
    run_import(copy)
    assert DatasetImport.latest_version() == version


def test_a_mistyped_version_locks_no_correct_one_out(db, dataset_dir, tmp_path):
    mistyped = tmp_path / "mistyped"
    shutil.copytree(dataset_dir, mistyped)
    (mistyped / "VERSION").write_text("2027.O4.03\n", encoding="utf-8")
    refused(mistyped)
    run_import(dataset_dir)
    assert DatasetImport.latest_version() == CURRENT


def test_a_wrong_version_recorded_before_the_checks_is_undone_in_the_admin(
    client, seeded, dataset_dir, tmp_path
):
    """A wrong version imported before these checks (a letter O, a date years ahead) still
    refuses every later version as older. The refusal says so, and README's way out works:
    an admin deletes that import in the admin, and the correct version is imported."""
    wrong = DatasetImport.objects.create(version="2062.12.06", digest="", counts={})
    copy = tmp_path / "data"
    shutil.copytree(dataset_dir, copy)
    version = release(copy)
    (line,) = refused(copy)
    assert line.startswith(f"VERSION:1: (version): {version} is older than 2062.12.06"), line
    assert "But 2062.12.06 is itself wrong (2062.12.06 is after tomorrow (" in line, line
    assert line.endswith(
        "if it was recorded by mistake, an admin deletes its import in the admin (Dataset "
        "imports), then imports again"
    ), line

    admin = User.objects.create_superuser("admin", "admin@example.org", "a long password 1")
    client.force_login(admin)
    address = reverse("admin:dataset_datasetimport_delete", args=[wrong.pk])
    assert client.post(address, {"post": "yes"}).status_code == 302
    assert not DatasetImport.objects.filter(pk=wrong.pk).exists()
    run_import(copy)
    assert DatasetImport.latest_version() == version
