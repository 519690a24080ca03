"""What an import records (DatasetImport): the documentation of the folder it read, which
/data/ and the downloads show, and nothing at all when it changed nothing."""

import datetime
import importlib
import io
import shutil
import xml.etree.ElementTree as ET
import zipfile

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management import CommandError, call_command

from dataset import bulk
from dataset.importer import version_key
from dataset.models import DatasetImport
from front.views.data import last_updated
from tests.conftest import DATASET
from tests.releases import run_import
from tests.site.conftest import body

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def released_after(version: str) -> tuple[str, datetime.date]:
    """A version newer than `version` (data/CHANGELOG.md's `YYYY.MM.DD`, with a fourth part
    for a second release the same day) and its release date: the day after `version`'s
    date, which `dataset.importer.version_key` sorts after any release of that day.
    Raises ValueError for a version that does not start with a date."""
    day = datetime.datetime.strptime(".".join(version.split(".")[:3]), "%Y.%m.%d").date()
    after = day + datetime.timedelta(days=1)
    return after.strftime("%Y.%m.%d"), after


# data/'s version, and one newer than it: derived, so that a new release of data/ (a
# new VERSION and its CHANGELOG.md entry) leaves these tests meaningful.
CURRENT = (DATASET / "VERSION").read_text(encoding="utf-8").strip()
NEW, NEW_DATE = released_after(CURRENT)


@pytest.fixture
def downloads(settings, tmp_path):
    settings.ICCWATCH_DOWNLOADS_DIR = tmp_path / "downloads"
    return settings.ICCWATCH_DOWNLOADS_DIR


def next_version(dataset_dir, tmp_path):
    """A copy of data/ released as NEW, with its own changelog entry, dictionary
    and licence (the project's data/ has none of them; the site shows the project's
    dictionary still)."""
    copy = tmp_path / "data"
    shutil.copytree(dataset_dir, copy)
    (copy / "VERSION").write_text(NEW + "\n", encoding="utf-8")
    changelog = (copy / "CHANGELOG.md").read_text(encoding="utf-8")
    at = changelog.index("\n## ")
    entry = f"\n## {NEW} — {NEW_DATE.isoformat()}\n\nA release of another folder: nothing else changed.\n"
    (copy / "CHANGELOG.md").write_text(changelog[:at] + entry + changelog[at:], encoding="utf-8")
    for name in ("DICTIONARY.md", "LICENSE"):
        path = copy / name
        path.write_text(
            path.read_text(encoding="utf-8") + f"\nThe {name} of release {NEW}.\n",
            encoding="utf-8",
        )
    return copy


def zip_member(manifest: dict, downloads, name: str) -> str:
    (archive,) = [f["name"] for f in manifest["files"] if f["format"] == "zip"]
    return zipfile.ZipFile(downloads / archive).read(name).decode("utf-8")


def test_the_changelog_dictionary_and_licence_are_the_imported_folders(
    seeded, dataset_dir, tmp_path, reader, downloads
):
    """A folder of a version newer than data/'s, with its own changelog entry, was
    imported: visit pages said the new version, but /data/ said "Latest version:" and
    the changelog topped at data/'s, and the zip's CHANGELOG.md had no entry for the new
    one: they were read from the project's data/, never from the folder imported."""
    assert version_key(NEW) > version_key(CURRENT)
    assert NEW not in (dataset_dir / "CHANGELOG.md").read_text(encoding="utf-8")
    run_import(next_version(dataset_dir, tmp_path))

    assert f"Latest version: {NEW}." in body(reader.get("/data/"))
    changelog = body(reader.get("/data/changelog/"))
    assert changelog.index(f'id="v{NEW}"') < changelog.index(f'id="v{CURRENT}"')
    feed = ET.fromstring(reader.get("/data/changelog/feed/").content)
    first = next(feed.iter(f"{ATOM}entry")).find(f"{ATOM}id").text
    assert first == f"http://testserver/data/changelog/#v{NEW}"
    # The dictionary is the project's: it documents the columns this code reads and
    # writes, which a release of the code changes without a new import.
    dictionary = body(reader.get("/data/dictionary/"))
    assert f"The DICTIONARY.md of release {NEW}." not in dictionary

    manifest = bulk.build()
    assert zip_member(manifest, downloads, "VERSION").strip() == NEW
    assert f"## {NEW} — {NEW_DATE.isoformat()}" in zip_member(manifest, downloads, "CHANGELOG.md")
    assert zip_member(manifest, downloads, "DICTIONARY.md") == (
        dataset_dir / "DICTIONARY.md"
    ).read_text(encoding="utf-8")
    assert f"The LICENSE of release {NEW}." in zip_member(manifest, downloads, "LICENSE")


def test_a_folder_without_a_changelog_has_none_and_keeps_the_projects_dictionary(
    seeded, dataset_dir, tmp_path, reader
):
    copy = next_version(dataset_dir, tmp_path)
    for name in ("CHANGELOG.md", "DICTIONARY.md", "LICENSE"):
        (copy / name).unlink()
    run_import(copy)

    record = DatasetImport.objects.latest()
    assert record.version == NEW and record.changelog == ""
    assert record.dictionary == (dataset_dir / "DICTIONARY.md").read_text(encoding="utf-8")
    assert record.licence == (dataset_dir / "LICENSE").read_text(encoding="utf-8")
    html = body(reader.get("/data/"))
    assert "Latest version" not in html
    assert f'id="v{CURRENT}"' not in body(reader.get("/data/changelog/"))


def test_a_changelog_that_is_not_utf8_is_refused(dataset_dir, tmp_path):
    copy = next_version(dataset_dir, tmp_path)
    (copy / "CHANGELOG.md").write_bytes(b"# changelog\n\n## 2026.12.06\n\nR\xe9sum\xe9\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_dataset", str(copy), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        "CHANGELOG.md:0: (file): not valid UTF-8 (invalid continuation byte at byte 29)"
    ]
    assert not DatasetImport.objects.exists()


def test_the_imports_recorded_before_get_the_projects_documentation(seeded, dataset_dir):
    """The migration that added the fields fills them, for the imports already recorded,
    with what the site showed for them until then: the project's data/ files."""
    DatasetImport.objects.update(changelog="", dictionary="", licence="")
    migration = importlib.import_module("dataset.migrations.0003_datasetimport_documents")

    migration.keep_the_projects_documents(apps, None)

    record = DatasetImport.objects.latest()
    assert record.changelog == (dataset_dir / "CHANGELOG.md").read_text(encoding="utf-8")
    assert record.dictionary == (dataset_dir / "DICTIONARY.md").read_text(encoding="utf-8")
    assert record.licence == (dataset_dir / "LICENSE").read_text(encoding="utf-8")


def test_importing_the_same_files_again_moves_nothing_public(
    seeded, dataset_dir, reader, downloads
):
    """It printed "Nothing changed" yet recorded an import, which gave the downloads a new
    name and SHA-256 for the same data and moved the footer's "Data last updated"."""
    before = bulk.build()
    cache.delete("front:last-updated")
    updated = last_updated()
    imports = list(DatasetImport.objects.values_list("pk", flat=True))

    output = run_import(dataset_dir)

    assert list(DatasetImport.objects.values_list("pk", flat=True)) == imports
    assert "Nothing changed" in output and "not recorded" in output
    cache.delete("front:last-updated")
    assert last_updated() == updated
    after = bulk.build(force=True)  # the same bytes too, not only the same name
    assert [(f["name"], f["sha256"]) for f in after["files"]] == [
        (f["name"], f["sha256"]) for f in before["files"]
    ]
    assert after["data_as_of"] == before["data_as_of"]


@pytest.mark.parametrize(
    ("version", "newer"),
    [("2026.12.05", "2026.12.06"), ("2026.12.31.2", "2027.01.01"), ("2028.02.28", "2028.02.29")],
)
def test_the_version_these_tests_release_is_newer_than_datas(version, newer):
    assert released_after(version)[0] == newer
    assert version_key(newer) > version_key(version)
