#!/usr/bin/env python3
"""iccwatch's command line. `python3 manage.py up` runs the site; `python3 manage.py test` runs the tests.

Run with any Python: when Django is not importable here (a fresh clone), it first
builds the project's environment in .venv with Python >= 3.12 and re-runs itself there.
"""

import os
import sys


def main():
    from iccwatch.bootstrap import ensure_environment

    ensure_environment()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iccwatch.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
