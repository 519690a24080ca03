"""The dataset's version: read from the folder, printed by the import, recorded in the database."""

import io
import re
import shutil

import pytest
from django.core.management import CommandError, call_command

from dataset.models import DatasetImport
from states.models import State

pytestmark = pytest.mark.django_db


def run_import(path) -> str:
    out = io.StringIO()
    call_command("import_dataset", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


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
        "VERSION:1: (version): must be one line such as 2026.11.30 "
        "(letters, digits, '.', '-', '+', '_'; at most 64 characters)"
    ]
    assert not State.objects.exists() and not DatasetImport.objects.exists()
