"""The dataset lives in the project: `up` and the tests import data/, and nothing reads outside the project."""

import os
import re
from pathlib import Path

from devtools.management.commands.up import DATASET as UP_DATASET
from tests.conftest import DATASET as TEST_DATASET

ROOT = Path(__file__).resolve().parent.parent.parent


def test_up_and_the_tests_import_the_projects_own_dataset():
    assert UP_DATASET == TEST_DATASET == ROOT / "data"
    assert (ROOT / "data" / "visits.csv").is_file()


SKIPPED_DIRS = {".git", ".venv", "node_modules", ".local", "staticfiles", "vendor", "__pycache__"}
TEXT_SUFFIXES = {
    ".py",
    ".md",
    ".html",
    ".txt",
    ".toml",
    ".yml",
    ".yaml",
    ".cfg",
    ".ini",
    ".sh",
    ".po",
    "",
}


RELATIVE_PATH = re.compile(r"(?<![\w.])((?:\.\./)+)([\w.-]+)")


def paths_outside(path: Path, text: str) -> list[str]:
    """The relative paths in `text` (`../x`, `../../y/z`) that, read from `path`'s folder,
    lead out of the project."""
    return [
        match.group(0)
        for match in RELATIVE_PATH.finditer(text)
        if not (path.parent / match.group(1) / match.group(2)).resolve().is_relative_to(ROOT)
    ]


def test_a_relative_path_that_leaves_the_project_is_found():
    inside = ROOT / "data" / "README.md"
    assert paths_outside(inside, "see ../README.md and ./x") == []
    assert paths_outside(inside, "the research copy in ../../elsewhere/data") == ["../../elsewhere"]


def test_no_file_of_the_project_refers_to_a_folder_beside_it():
    offenders = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
        for name in files:
            path = Path(folder) / name
            if path.suffix not in TEXT_SUFFIXES:
                continue
            for found in paths_outside(path, path.read_text(encoding="utf-8", errors="replace")):
                offenders.append(f"{path.relative_to(ROOT)}: {found}")
    assert offenders == []
