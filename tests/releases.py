"""A new release of a dataset folder, as the importer takes one (data/README.md, README
"python3 manage.py import_dataset"): a VERSION of the documented form, `YYYY.MM.DD` with
a fourth part for a later release the same day, no later than tomorrow (UTC), newer
than the version imported before, and its entry at the top of the folder's CHANGELOG.md.

Derived from the clock and from data/VERSION, never written as a far-future date, so
that a new release of data/ leaves the tests that use them meaningful.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from dataset.importer import next_version
from tests.conftest import DATASET

# data/'s version, as the seed imports it.
CURRENT = (DATASET / "VERSION").read_text(encoding="utf-8").strip()


def today() -> datetime.date:
    """Today in UTC, the day the importer dates a version by."""
    return datetime.datetime.now(datetime.UTC).date()


def newer_than(version: str) -> str:
    """A version the importer takes after `version`: today's date when it is newer, else
    the same day's next release (2026.12.05 -> 2026.12.05.2)."""
    return next_version(version, today())


# A version newer than data/'s: the one a changed copy of data/ carries.
NEWER = newer_than(CURRENT)


def release_date(version: str) -> datetime.date:
    """The day a version names: its first three parts (2026.12.05.2 -> 2026-12-05)."""
    return datetime.datetime.strptime(".".join(version.split(".")[:3]), "%Y.%m.%d").date()


def changelog_heading(version: str) -> str:
    """The heading of a version's entry in CHANGELOG.md: `## 2026.12.05 — 2026-12-05`."""
    return f"## {version} — {release_date(version).isoformat()}"


def release(folder: Path, version: str | None = None, text: str = "A test release.") -> str:
    """Release `folder` as `version` (by default, one newer than its VERSION): write VERSION
    and, when the folder has a CHANGELOG.md, the version's entry at its top, saying `text`.
    Returns the version."""
    path = folder / "VERSION"
    if version is None:
        version = newer_than(path.read_text(encoding="utf-8").strip())
    path.write_text(version + "\n", encoding="utf-8")
    changelog = folder / "CHANGELOG.md"
    if changelog.is_file():
        old = changelog.read_text(encoding="utf-8")
        at = old.find("\n## ")
        at = len(old) if at < 0 else at
        entry = f"\n{changelog_heading(version)}\n\n{text}\n"
        changelog.write_text(old[:at] + entry + old[at:], encoding="utf-8")
    return version


# --- Running the importer as its command does ---------------------------------------


def command(path, *args, verbosity: int = 1) -> tuple[str, str]:
    """Run `import_dataset path *args` as `manage.py` would; returns (stdout, stderr).
    Raises CommandError when the import is refused."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_dataset", str(path), *args, verbosity=verbosity, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_import(path, *args) -> str:
    """The report an accepted import prints (stdout)."""
    return command(path, *args)[0]


def refused(path, *args) -> list[str]:
    """The lines the command printed to stderr before refusing the import; fails the test
    when the import was not refused."""
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_dataset", str(path), *args, stdout=io.StringIO(), stderr=err)
    return err.getvalue().splitlines()
