"""Build the project's environment on first use. Standard library only, any Python 3."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
# The development lock: the runtime dependencies plus the test tools, every one hashed.
LOCK = ROOT / "requirements" / "dev.txt"
MIN_VERSION = (3, 12)


def _venv_python():
    return VENV / "bin" / "python"


def _in_project_venv():
    return Path(sys.prefix).resolve() == VENV.resolve()


def _version_of(python):
    try:
        out = subprocess.run(
            [str(python), "-c", "import sys; print(sys.version_info[0], sys.version_info[1])"],
            capture_output=True,
            text=True,
            timeout=20,
        )
        major, minor = out.stdout.split()
        return int(major), int(minor)
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


def why_refused(python):
    """Why `python` (a path, or a name looked up on PATH) cannot build .venv, as words
    that follow "was refused: " ("it does not exist", "it is not on PATH", "it is not
    executable", "it is Python 3.10, older than 3.12", "it did not answer as a Python
    does"), or None when it is a Python >= MIN_VERSION."""
    if os.sep not in python:
        found = shutil.which(python)
        if found is None:
            return "it is not on PATH"
        python = found
    if not os.path.exists(python):
        return "it does not exist"
    if os.path.isdir(python) or not os.access(python, os.X_OK):
        return "it is not executable"
    version = _version_of(python)
    if version is None:
        return "it did not answer as a Python does (it printed no version)"
    if version < MIN_VERSION:
        wanted = ".".join(map(str, MIN_VERSION))
        return "it is Python {}.{}, older than {}".format(*version, wanted)
    return None


def chosen_python():
    """$ICCWATCH_PYTHON, spaces around it left out ("" when unset or empty)."""
    return os.environ.get("ICCWATCH_PYTHON", "").strip()


def refusal_of_the_chosen_python():
    """The sentence that says $ICCWATCH_PYTHON was set and why it cannot build .venv
    ("ICCWATCH_PYTHON=/usr/bin/python3.10 was refused: it is Python 3.10, older than
    3.12."), or "" when it is unset or fit."""
    chosen = chosen_python()
    why = why_refused(chosen) if chosen else None
    return f"ICCWATCH_PYTHON={chosen} was refused: {why}." if why else ""


def other_pythons():
    """Where a Python is looked for after $ICCWATCH_PYTHON, in order: the one running this,
    python3.14/3.13/3.12/python3 on PATH, then pyenv's installed versions (newest name
    first) under $PYENV_ROOT (~/.pyenv by default)."""
    candidates = [sys.executable]
    for name in ("python3.14", "python3.13", "python3.12", "python3"):
        found = shutil.which(name)
        if found:
            candidates.append(found)
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    if (pyenv_root / "versions").is_dir():
        for version_dir in sorted((pyenv_root / "versions").iterdir(), reverse=True):
            candidates.append(str(version_dir / "bin" / "python3"))
    return candidates


def find_python():
    """A Python >= 3.12: $ICCWATCH_PYTHON, else the first of `other_pythons` (None when none
    is). A refused $ICCWATCH_PYTHON is said by `refusal_of_the_chosen_python`."""
    chosen = chosen_python()
    for candidate in ([chosen] if chosen else []) + other_pythons():
        if why_refused(candidate) is None:
            return candidate
    return None


def build_venv():
    """Create .venv and install the locked dependencies (idempotent; pip skips what is there)."""
    stamp = VENV / ".lock-installed"
    lock_text = LOCK.read_text()
    if _venv_python().exists() and stamp.exists() and stamp.read_text() == lock_text:
        return
    if not _venv_python().exists() or (_version_of(_venv_python()) or (0, 0)) < MIN_VERSION:
        python = find_python()
        refusal = refusal_of_the_chosen_python()
        if python is None:
            if refusal:
                sys.exit(
                    "iccwatch needs Python 3.12 or newer (Django 6 requires it).\n"
                    f"{refusal}\n"
                    "No other was found (the Python running this, python3.14 to python3 on "
                    "PATH, pyenv's versions).\n"
                    "Point ICCWATCH_PYTHON at a Python 3.12 or newer (e.g. after "
                    "`pyenv install 3.12`), then run again."
                )
            sys.exit(
                "iccwatch needs Python 3.12 or newer (Django 6 requires it) and none was found.\n"
                "Install one (e.g. `pyenv install 3.12`) or point ICCWATCH_PYTHON at it, then run again."
            )
        if refusal:
            print(f"{refusal} Using {python} instead.", file=sys.stderr, flush=True)
        print(f"Creating .venv with {python} ...", flush=True)
        if VENV.exists():
            shutil.rmtree(VENV)
        subprocess.run([python, "-m", "venv", str(VENV)], check=True)
    print("Installing dependencies from requirements/dev.txt ...", flush=True)
    pip = [str(_venv_python()), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "--require-hashes", "-r", str(LOCK)], check=True)
    stamp.write_text(lock_text)


MAP_SHAPES = ROOT / "node_modules" / "world-atlas" / "countries-110m.json"
TERRITORIES = (
    ROOT / "node_modules" / "@rapideditor" / "country-coder" / "src" / "data" / "borders.json"
)
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# What package-lock.json installs: the map's shapes and which entries are territories (the
# site) and axe-core (the browser tests' accessibility check), by package; npm ci runs
# again when one is missing.
NPM_PACKAGES = {
    "world-atlas": MAP_SHAPES,
    "@rapideditor/country-coder": TERRITORIES,
    "axe-core": AXE,
}

# What is lost without the npm packages, said once per command (on stderr: a command's
# output, such as an export, stays its own).
WITHOUT_NPM = (
    "the npm packages that package-lock.json pins are missing (node_modules/).\n"
    "Without them the world map is shown as a table only, territories (Réunion, Greenland)\n"
    "are not told apart from States not party, and the tests that need them (marked `npm`)\n"
    "are skipped (they fail where CI is set)."
)


def missing_npm_packages() -> list[str]:
    """The npm packages of NPM_PACKAGES whose file is missing, by name (`[]` when all are
    installed)."""
    return [name for name, path in NPM_PACKAGES.items() if not path.exists()]


def ensure_map_shapes():
    """Install the npm packages pinned in package-lock.json when one is missing: the world
    map's country shapes (world-atlas), which ISO 3166-1 entries are territories
    (country-coder) and axe-core for the browser tests.

    Without npm, or when `npm ci` fails, it says once, on stderr, what is lost (WITHOUT_NPM)
    and how to get it; the site still works, with tables instead of maps.
    """
    if not missing_npm_packages() or not (ROOT / "package-lock.json").exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        print(
            f"npm is not installed: {WITHOUT_NPM}\n"
            "Install npm (Debian: apt-get install npm): the next manage.py command runs "
            "`npm ci`.",
            file=sys.stderr,
            flush=True,
        )
        return
    print("Installing the map shapes, the territories and axe-core (npm ci) ...", flush=True)
    result = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=ROOT)
    if result.returncode != 0:
        print(
            f"npm ci failed (its messages are above): {WITHOUT_NPM}\n"
            "The next manage.py command runs `npm ci` again.",
            file=sys.stderr,
            flush=True,
        )


def _lock_installed():
    """Whether .venv holds the dependencies of the current lock (its stamp matches LOCK)."""
    stamp = VENV / ".lock-installed"
    return stamp.exists() and stamp.read_text() == LOCK.read_text()


def ensure_environment():
    """Re-run this command inside .venv, building it first if needed; there, install the
    npm packages when one is missing (`ensure_map_shapes`).

    The npm packages are looked at in the process that runs the command only: looked at
    before the switch into .venv as well, a missing npm was reported twice.
    """
    if os.environ.get("ICCWATCH_SKIP_BOOTSTRAP"):
        return
    if not (_in_project_venv() and _lock_installed()):
        build_venv()
        if not _in_project_venv():
            os.execv(str(_venv_python()), [str(_venv_python()), *sys.argv])
    ensure_map_shapes()
