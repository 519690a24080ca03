"""Running `python3 manage.py` in a subprocess, as a user would, from the project's root."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """`python3 manage.py ARGS` with this Python (the bootstrap skipped), output captured.

    `env` defaults to this process's environment.
    """
    env = {**(os.environ if env is None else env), "ICCWATCH_SKIP_BOOTSTRAP": "1"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
