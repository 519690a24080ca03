"""devtools/bootstrap.py: a command run with the system's Python builds .venv, re-runs
itself there, and there installs the npm packages (or says once what is lost without them)."""

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_bootstrap():
    """A fresh copy of bootstrap.py, loaded by its path as manage.py loads it."""
    spec = importlib.util.spec_from_file_location(
        "bootstrap_under_test", ROOT / "devtools" / "bootstrap.py"
    )
    bootstrap = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bootstrap)
    return bootstrap


class ReRun(Exception):
    """os.execv: the command starts again, in .venv's Python."""


def test_without_npm_a_command_says_once_what_is_lost_and_how_to_get_it(
    monkeypatch, tmp_path, capsys
):
    """Without npm, every command printed "npm is not installed: the world map will be
    shown as a table only." twice (once with the system's Python, once in .venv) and
    left out the territories, the tests and the way to install it."""
    bootstrap = load_bootstrap()
    monkeypatch.delenv("ICCWATCH_SKIP_BOOTSTRAP", raising=False)
    missing = tmp_path / "node_modules" / "world-atlas" / "countries-110m.json"
    monkeypatch.setattr(bootstrap, "NPM_PACKAGES", {"world-atlas": missing}, raising=False)
    monkeypatch.setattr(bootstrap, "NODE_FILES", (missing,), raising=False)
    monkeypatch.setattr(bootstrap.shutil, "which", lambda name: None)  # no npm
    monkeypatch.setattr(bootstrap, "build_venv", lambda: None)

    def execv(path, argv):
        raise ReRun

    monkeypatch.setattr(bootstrap.os, "execv", execv)
    # With the system's python3, the command re-runs itself in .venv ...
    monkeypatch.setattr(bootstrap, "_in_project_venv", lambda: False)
    with pytest.raises(ReRun):
        bootstrap.ensure_environment()
    # ... whose Python runs it, the environment being up to date.
    monkeypatch.setattr(bootstrap, "_in_project_venv", lambda: True)
    monkeypatch.setattr(bootstrap, "_lock_installed", lambda: True, raising=False)
    bootstrap.ensure_environment()

    out, err = capsys.readouterr()
    assert out == ""  # a command's own output (an export) is left alone
    assert err.count("npm is not installed") == 1, err
    said = " ".join(err.split())
    assert "the world map is shown as a table only" in said, said
    assert "territories (Réunion, Greenland) are not told apart from States not party" in said
    assert "the tests that need them (marked `npm`) are skipped" in said, said
    assert "Install npm (Debian: apt-get install npm)" in said, said


def test_the_npm_packages_are_those_package_lock_pins():
    import json

    pinned = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    bootstrap = load_bootstrap()
    for name, path in bootstrap.NPM_PACKAGES.items():
        assert f"node_modules/{name}" in pinned, name
        assert path.is_relative_to(ROOT / "node_modules" / name), path


def test_the_readme_names_every_test_file_that_needs_npm():
    """README's list of the tests that need npm is the list of the files with tests marked
    `npm`, each mark naming a package the project reads (devtools.services)."""
    from devtools.services import npm_package_files

    bootstrap = load_bootstrap()
    assert set(bootstrap.NPM_PACKAGES) == set(npm_package_files())
    marked, packages = set(), set()
    for path in (ROOT / "tests").rglob("test_*.py"):
        found = re.findall(r"mark\.npm\(([^)]*)\)", path.read_text())
        if found:
            marked.add(str(path.relative_to(ROOT)))
            packages.update(re.findall(r'"([^"]+)"', " ".join(found)))
    assert packages == set(npm_package_files()), packages
    readme = (ROOT / "README.md").read_text()
    section = readme[
        readme.index("**The tests that need npm**") : readme.index("**The tests also need")
    ]
    assert set(re.findall(r"`(tests/[^`]+\.py)`", section)) == marked


def fake_python(path: Path, version: str) -> str:
    """An executable at `path` that answers the version probe as Python `version` would."""
    major, minor = version.split(".")
    path.write_text(f"#!/bin/sh\necho {major} {minor}\n")
    path.chmod(0o755)
    return str(path)


@pytest.fixture
def elsewhere(monkeypatch, tmp_path):
    """The other places the bootstrap looks in (the Python running it, PATH, pyenv's
    folder), holding only a Python 3.11: `elsewhere(name, version)` adds one to PATH."""
    import sys

    path = tmp_path / "bin"
    path.mkdir()
    monkeypatch.setenv("PATH", str(path))
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "no-pyenv"))
    monkeypatch.setattr(sys, "executable", fake_python(path / "python3", "3.11"))
    return lambda name, version: fake_python(path / name, version)


@pytest.fixture
def refused_choice(tmp_path):
    """ICCWATCH_PYTHON values refused, each with the words that must say why."""
    not_executable = tmp_path / "python3.12-not-executable"
    not_executable.write_text("#!/bin/sh\necho 3 12\n")
    old = fake_python(tmp_path / "python3.10", "3.10")
    return {
        "missing": (str(tmp_path / "no-such-python3.12"), "it does not exist"),
        "not-on-path": ("python3.99", "it is not on PATH"),
        "not-executable": (str(not_executable), "it is not executable"),
        "too-old": (old, "it is Python 3.10, older than 3.12"),
    }


@pytest.mark.parametrize("case", ["missing", "not-on-path", "not-executable", "too-old"])
def test_a_refused_iccwatch_python_is_named_with_why_when_none_is_found(
    monkeypatch, tmp_path, elsewhere, refused_choice, case
):
    """With ICCWATCH_PYTHON set to a 3.10 or a missing path, the command said "none was
    found ... point ICCWATCH_PYTHON at it", although it was set: it now names the value and
    why it was refused (missing, not executable, or its version)."""
    bootstrap = load_bootstrap()
    value, why = refused_choice[case]
    monkeypatch.setenv("ICCWATCH_PYTHON", value)
    monkeypatch.setattr(bootstrap, "VENV", tmp_path / ".venv")
    with pytest.raises(SystemExit) as stopped:
        bootstrap.build_venv()
    said = str(stopped.value.code)
    assert f"ICCWATCH_PYTHON={value} was refused: {why}." in said, said
    assert "iccwatch needs Python 3.12 or newer" in said, said
    assert "none was found" not in said, said
    assert not (tmp_path / ".venv").exists()


def test_a_refused_iccwatch_python_is_named_when_another_is_used(
    monkeypatch, elsewhere, refused_choice
):
    bootstrap = load_bootstrap()
    value, why = refused_choice["too-old"]
    monkeypatch.setenv("ICCWATCH_PYTHON", value)
    newer = elsewhere("python3.13", "3.13")
    assert bootstrap.find_python() == newer
    assert (
        bootstrap.refusal_of_the_chosen_python() == f"ICCWATCH_PYTHON={value} was refused: {why}."
    )


def test_without_iccwatch_python_the_message_says_to_set_it(monkeypatch, tmp_path, elsewhere):
    bootstrap = load_bootstrap()
    monkeypatch.delenv("ICCWATCH_PYTHON", raising=False)
    monkeypatch.setattr(bootstrap, "VENV", tmp_path / ".venv")
    with pytest.raises(SystemExit) as stopped:
        bootstrap.build_venv()
    said = str(stopped.value.code)
    assert "iccwatch needs Python 3.12 or newer" in said and "ICCWATCH_PYTHON" in said, said
    assert "was refused" not in said, said
    assert bootstrap.refusal_of_the_chosen_python() == ""
