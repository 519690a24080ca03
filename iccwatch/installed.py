"""Whether this Python holds the packages the runtime lock pins: production refuses to start
otherwise.

A release whose lock gained a package (publicsuffixlist) or moved one to another version,
started from a venv built for the release before, failed at the first import of it, with a
ModuleNotFoundError deep in a request or a command, or ran the wrong version. So a
production process (DJANGO_ENV=production: web, worker, beat, every manage.py command)
first compares `requirements/runtime.txt` with the distributions installed, and refuses to
start, with ImproperlyConfigured, in one line that names each package that differs and the
command that fixes it (README, "Production": an upgrade installs the lock before it
restarts anything). It runs from `iccwatch/__init__.py`, before Celery or the settings
import any package the lock pins.

The lock is read as pip reads a requirements file: continuation lines joined, comments
and options (`--hash=...`) dropped, each requirement parsed by `packaging` (a `name==version`
pin, with its environment marker: a requirement whose marker does not apply here, such as
`tzdata ; sys_platform == 'win32'`, is not looked for). Installed versions come from
importlib.metadata, one look-up per pinned name: some 50 ms in all with the parsing, paid
once per process.
"""

from __future__ import annotations

import importlib.metadata
import re
from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from iccwatch.env import env_choice

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_LOCK = ROOT / "requirements" / "runtime.txt"
# How many differing packages the line names before "and N more".
NAMED_AT_MOST = 3
# pip's own rule (pip._internal.req.req_file): `#` at the start or after a space starts a comment.
_COMMENT = re.compile(r"(^|\s+)#.*$")


def fix_command(lock: Path = RUNTIME_LOCK) -> str:
    """The command that installs `lock` into the running venv, its path as written from the
    project's root when it is there."""
    shown = lock.relative_to(ROOT) if lock.is_relative_to(ROOT) else lock
    return f"pip install --require-hashes -r {shown}"


def requirement_lines(text: str) -> list[str]:
    """The requirements of a pip requirements file, each as written before its options:
    `psycopg-binary==3.3.9 ; implementation_name != 'pypy'` from the lines of that entry
    and its `--hash=` continuation lines. Comments, blank lines and option lines (`-r`,
    `--index-url`) are left out."""
    logical, pending = [], []
    for line in text.splitlines():
        # A comment line ends a continued line (as pip's join_lines has it).
        if line.endswith("\\") and not _COMMENT.match(line):
            pending.append(line[:-1])
            continue
        logical.append(" ".join([*pending, line]))
        pending = []
    if pending:
        logical.append(" ".join(pending))
    requirements = []
    for line in logical:
        line = _COMMENT.sub("", line).strip()
        if not line or line.startswith("-"):
            continue
        # The requirement is the words before the first option (pip's break_args_options).
        words = []
        for word in line.split():
            if word.startswith("-"):
                break
            words.append(word)
        requirements.append(" ".join(words))
    return requirements


def differences(lock_text: str, version_of: Callable[[str], str] | None = None) -> list[str]:
    """How the installed distributions differ from the pins of `lock_text` (a requirements
    file: `requirement_lines`), in the lock's order: "publicsuffixlist (not installed,
    1.1.2.20261023 pinned)", "django 6.1.2 (6.1.3 pinned)"; [] when every requirement whose
    environment marker applies here is installed at a version its specifier allows (a
    pin's `==`, as PEP 440 compares versions: 1.0 is 1.0.0).

    `version_of(name)` gives a distribution's installed version, raising
    importlib.metadata.PackageNotFoundError when there is none (importlib.metadata.version,
    by default). Raises packaging's InvalidRequirement for a line that is no requirement."""
    from packaging.requirements import Requirement

    version_of = version_of or importlib.metadata.version
    found = []
    for line in requirement_lines(lock_text):
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate(
            context="requirement"
        ):
            continue
        pinned = str(requirement.specifier).removeprefix("==") or "any version"
        try:
            installed = version_of(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{requirement.name} (not installed, {pinned} pinned)")
            continue
        if not requirement.specifier.contains(installed, prereleases=True):
            found.append(f"{requirement.name} {installed} ({pinned} pinned)")
    return found


def unlike_the_lock(
    lock: Path = RUNTIME_LOCK, version_of: Callable[[str], str] | None = None
) -> str:
    """The one line that says how this Python's packages differ from `lock` and how to fix
    it; "" when they are the lock's (`differences`)."""
    try:
        text = lock.read_text()
    except OSError:
        return (
            f"{lock} cannot be read: production checks the installed packages against it "
            "(a checkout, or the image, holds it)."
        )
    found = differences(text, version_of)
    if not found:
        return ""
    named = ", ".join(found[:NAMED_AT_MOST])
    if len(found) > NAMED_AT_MOST:
        named += f" and {len(found) - NAMED_AT_MOST} more"
    shown = lock.relative_to(ROOT) if lock.is_relative_to(ROOT) else lock
    return (
        f"The installed packages are not those {shown} pins: {named}. Run "
        f"`{fix_command(lock)}` in this environment, then start again."
    )


def refuse_unlike_the_lock(lock: Path = RUNTIME_LOCK) -> None:
    """In production (DJANGO_ENV=production), raise ImproperlyConfigured with
    `unlike_the_lock`'s line when the installed packages are not those `lock` pins; elsewhere
    nothing (development and the tests build `.venv` from requirements/dev.txt, which
    manage.py's bootstrap keeps in step)."""
    environment = env_choice("DJANGO_ENV", ["development", "production"], default="development")
    if environment != "production":
        return
    unlike = unlike_the_lock(lock)
    if unlike:
        raise ImproperlyConfigured(unlike)
