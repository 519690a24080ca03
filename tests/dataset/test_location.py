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


def test_no_file_of_the_project_refers_to_a_folder_beside_it():
    # `../shared`, or a path built from the project's parent folder and "shared".
    outside = re.compile(r"\.\./shared|parent\s*/\s*[\"']shared[\"']")
    offenders = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
        for name in files:
            path = Path(folder) / name
            if path.suffix not in TEXT_SUFFIXES or path == Path(__file__):
                continue
            if outside.search(path.read_text(encoding="utf-8", errors="replace")):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
