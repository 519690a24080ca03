"""The local services that `manage.py up` and `manage.py test` start, find and stop.

Standard library, redis-py and devtools/embedded.py only; no Django models.
"""

import os
import re
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


# --- PostgreSQL -------------------------------------------------------------------


def embedded_server():
    """The embedded PostgreSQL server the settings point at, or None when DATABASE_URL is set."""
    from devtools.embedded import EmbeddedPostgres

    return (
        EmbeddedPostgres(settings.ICCWATCH_EMBEDDED_PGDATA) if settings.EMBEDDED_DATABASE else None
    )


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for exactly this Django database: TCP host and port, or a Unix socket folder.

    A socket folder is written as the URL's host, percent-encoded
    (postgres://user@%2Fpath%2Fto%2Fsocket:5432/name), which is how dj-database-url reads it back.
    """
    from urllib.parse import quote

    auth = quote(settings_dict.get("USER") or "", safe="")
    if settings_dict.get("PASSWORD"):
        auth += ":" + quote(settings_dict["PASSWORD"], safe="")
    host = settings_dict.get("HOST") or ""
    if host.startswith("/"):
        host = quote(host, safe="")
    elif ":" in host:
        host = f"[{host}]"  # an IPv6 address
    port = settings_dict.get("PORT") or ""
    netloc = f"{auth}@{host}" if auth else host
    if port:
        netloc += f":{port}"
    return f"postgres://{netloc}/{quote(settings_dict['NAME'], safe='')}"


# --- The npm packages and CI ----------------------------------------------------


def npm_package_files() -> dict[str, Path]:
    """The file the project reads from each npm package that package-lock.json pins, by
    package name: the settings' paths for the map's shapes (WORLD_ATLAS_PATH) and the
    territories (COUNTRY_CODER_BORDERS), which variables may move, and axe-core's script
    in node_modules/ for the browser tests (devtools.bootstrap.AXE)."""
    from devtools.bootstrap import AXE

    return {
        "world-atlas": Path(settings.WORLD_ATLAS_PATH),
        "@rapideditor/country-coder": Path(settings.COUNTRY_CODER_BORDERS),
        "axe-core": AXE,
    }


def missing_npm_packages() -> list[str]:
    """The npm packages of `npm_package_files` whose file is missing (`npm ci` installs
    them), by name; `[]` when every one is there."""
    return [name for name, path in npm_package_files().items() if not path.exists()]


def in_ci() -> bool:
    """Whether this runs in CI: the variable CI is set to a value other than an empty one,
    0, false, no or off (CI services set CI=true, as .ci/run's caller does). There a test
    is never skipped for want of what CI installs: it fails, saying what is missing."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no", "off")


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


def worker_redis_url(url: str, worker: str | None) -> str:
    """The Redis database one pytest-xdist worker may use and empty: `url` itself for a
    run without workers (`worker` None or "master"), else for worker gwN the database
    N below `url`'s (gw0 keeps it, gw1 takes 14 when the tests' is 15), so that one
    worker's `cache.clear()` (FLUSHDB) never removes another's keys.

    Raises ValueError when `worker` is not gw<N> or when N exceeds the URL's number (a
    database below 0 does not exist): run fewer workers or name a higher database.
    """
    from urllib.parse import urlsplit

    if worker in (None, "", "master"):
        return url
    match = re.fullmatch(r"gw(\d+)", worker)
    if match is None:
        raise ValueError(f"not a pytest-xdist worker id: {worker!r}")
    path = urlsplit(url).path.strip("/")
    base = int(path) if path.isdigit() else 0
    number = base - int(match[1])
    if number < 0:
        raise ValueError(
            f"worker {worker} would need Redis database {number} below {url}: run at most "
            f"{base + 1} workers, or name a higher database in ICCWATCH_TEST_REDIS_URL"
        )
    return with_database(url, number)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_pid(url: str) -> int | None:
    """The process id of the Redis server answering at `url`, or None when none answers."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        return int(client.info("server")["process_id"])
    except (redis.RedisError, OSError, ValueError, KeyError):
        return None


class PrivateRedis:
    """A throwaway redis-server on a free local port, storing nothing on disk.

    `url` names logical database `database` on it. `stop()` and `start()` take it down
    and bring it back on the same port (the pipeline tests' Redis outages); `close()`
    stops it for good and removes its folder. Raises FileNotFoundError without
    redis-server on PATH, RuntimeError when it does not answer within 10 s.

    The port is free when chosen, but another process (a parallel test worker's own
    server) may take it before this one binds it: the server is only taken as started
    when the one answering is this process (its INFO process_id), and a first start on a
    port taken meanwhile is tried again on another, up to PORT_ATTEMPTS times.
    """

    PORT_ATTEMPTS = 5

    def __init__(self, database: int = 15):
        self.executable = shutil.which("redis-server")
        if self.executable is None:
            raise FileNotFoundError("redis-server")
        self.directory = tempfile.mkdtemp(prefix="iccwatch-redis-")
        self.process = None
        for attempt in range(1, self.PORT_ATTEMPTS + 1):
            self.port = _free_port()
            self.url = f"redis://127.0.0.1:{self.port}/{database}"
            try:
                self.start()
                return
            except RuntimeError:
                if attempt == self.PORT_ATTEMPTS:
                    shutil.rmtree(self.directory, ignore_errors=True)
                    raise

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.executable,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.directory,
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while _server_pid(self.url) != self.process.pid:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        stop_process(self.process, timeout=5)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)
