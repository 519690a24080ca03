#!/usr/bin/env python3
"""iccwatch's command line. `python3 manage.py up` runs the site; `python3 manage.py test` runs the tests.

Run with any Python: when Django is not importable here (a fresh clone), it first
builds the project's environment in .venv with Python >= 3.12 and re-runs itself there.
"""

import os
import sys


def main():
    # Load bootstrap.py by its path: importing the devtools package is harmless, but
    # iccwatch/__init__ imports Celery, which a fresh clone does not have yet.
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent / "devtools" / "bootstrap.py"
    spec = importlib.util.spec_from_file_location("iccwatch_bootstrap", path)
    bootstrap = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bootstrap)
    bootstrap.ensure_environment()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iccwatch.settings")
    from django.core.management import execute_from_command_line

    from devtools.embedded import allow_start_on_demand

    # Without DATABASE_URL, a command that needs the database starts the embedded
    # server, says so, and stops it when it ends (devtools/embedded.py).
    allow_start_on_demand(sys.argv)

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
