"""Production smoke test: the Docker image's tree and commands, run without a Docker engine.

Run as `bash .ci/production-smoke` from the project root. Standard library only.

1. Reads the Dockerfile and rebuilds each stage's file system in a temporary folder:
   every COPY (from the build context, honouring .dockerignore, or --from an earlier
   stage) is carried out as Docker would. RUN lines are carried out by known
   stand-ins: `npm ci` runs with this machine's npm, `python -m venv V && V/bin/pip
   install ...` builds that venv with a Python of the image's version from the lock
   the Dockerfile names (hashes required), `apt-get install` is checked against the
   commands it provides here, and `docker/entrypoint.sh ...` runs as it is. Any other
   RUN line fails the test, so that a new build step is not silently skipped. A file
   the final stage does not COPY is missing here too.
2. In the final stage's tree, with its ENV and, when run as root, as an unprivileged
   user (the image's USER), starts `entrypoint.sh web`, `worker` and `beat` with
   DJANGO_ENV=production and production-valid variables, against a fresh PostgreSQL
   database (created and dropped here) and a Redis database of its own.
3. Checks: /healthz; /fr/states/MNG/ in French; the home page's SVG world map (not its
   table fallback); static files served by whitenoise, the pages linking them by hashed
   names served gzipped with a long immutable cache; `celery inspect ping`; a task
   enqueued by the web tier processed by the worker; a beat-scheduled task run.
4. Stops everything and removes the database, the Redis keys and the temporary folder,
   whatever happened; the whole run is bounded by ICCWATCH_SMOKE_TIMEOUT seconds.

Variables (all optional): ICCWATCH_SMOKE_POSTGRES (server URL, default
postgres://postgres@127.0.0.1:5432), ICCWATCH_SMOKE_REDIS (default
redis://127.0.0.1:6379/9), ICCWATCH_SMOKE_PYTHON (the venv's Python),
ICCWATCH_SMOKE_TIMEOUT (default 1200), ICCWATCH_SMOKE_KEEP=1 (keep the folder).
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
# One database per run: two runs on one machine (a developer's and CI's) must not drop
# each other's tables halfway.
DATABASE = f"iccwatch_smoke_{os.getpid()}"
POSTGRES = os.environ.get("ICCWATCH_SMOKE_POSTGRES", "postgres://postgres@127.0.0.1:5432").rstrip(
    "/"
)
REDIS = os.environ.get("ICCWATCH_SMOKE_REDIS", "redis://127.0.0.1:6379/9")
TIMEOUT = int(os.environ.get("ICCWATCH_SMOKE_TIMEOUT", "1200"))
STARTED = time.monotonic()


class SmokeFailure(Exception):
    """A check failed, or the image could not be assembled."""


def say(message: str) -> None:
    """One progress line, with the seconds since the start."""
    print(f"[{time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


def check(condition: bool, message: str, detail: str = "") -> None:
    """Record a passing check, or stop the test with what was expected."""
    if not condition:
        raise SmokeFailure(f"{message}: FAILED" + (f"\n{detail}" if detail else ""))
    CHECKS.append(message)
    say(f"ok - {message}")


CHECKS: list[str] = []


# --- The Dockerfile --------------------------------------------------------------


class Stage:
    """One FROM section of the Dockerfile and the folder standing in for its file system."""

    def __init__(self, index: int, image: str, name: str | None, root: Path):
        self.index, self.image, self.name, self.root = index, image, name, root
        self.workdir = "/"
        self.env: dict[str, str] = {}
        self.user = "root"
        self.entrypoint: list[str] = []
        self.cmd: list[str] = []
        # Folders a RUN chown gives to the image's user (see choose_user).
        self.owned: list[Path] = []

    def path(self, container_path: str) -> Path:
        """The host path standing for an absolute or WORKDIR-relative path of this stage."""
        absolute = PurePosixPath(self.workdir) / container_path
        return self.root / str(absolute).lstrip("/")

    def host_env(self) -> dict[str, str]:
        """The stage's ENV, its paths moved into its folder, over this machine's environment.

        What configures iccwatch or Python here is left out: a container starts without it.
        """
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "ICCWATCH_", "CELERY_", "PYTHON", "PIP_REQUIRE"))
            and key not in ("DATABASE_URL", "REDIS_URL", "VIRTUAL_ENV")
        }
        for key, value in self.env.items():
            if key == "PATH":
                parts = [p for p in value.split(":") if p and p != "$PATH"]
                env["PATH"] = ":".join([*(str(self.path(p)) for p in parts), os.environ["PATH"]])
            else:
                env[key] = value
        return env


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    instructions, current = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        keyword, _, rest = current.partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
        current = ""
    return instructions


def json_or_words(arguments: str) -> list[str]:
    """An instruction's arguments in exec (JSON) or shell form, as a list."""
    if arguments.startswith("["):
        return json.loads(arguments)
    return shlex.split(arguments)


def parse_env(arguments: str, env: dict[str, str]) -> None:
    """ENV KEY=VALUE ... (or the old ENV KEY VALUE), $VAR expanded from the stage's ENV."""
    words = shlex.split(arguments)
    if words and "=" not in words[0]:
        env[words[0]] = " ".join(words[1:])
        return
    for word in words:
        key, _, value = word.partition("=")
        env[key] = re.sub(r"\$(\w+)", lambda m: env.get(m.group(1), "$" + m.group(1)), value)


# --- .dockerignore ---------------------------------------------------------------


def dockerignore_patterns() -> list[tuple[bool, re.Pattern]]:
    """(excluded?, regex) per line of .dockerignore, in order; the last match wins."""
    path = ROOT / ".dockerignore"
    patterns = []
    if not path.exists():
        return patterns
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = line.lstrip("!").strip("/")
        regex = ""
        i = 0
        while i < len(pattern):
            if pattern.startswith("**", i):
                regex += ".*"
                i += 2
                if pattern.startswith("/", i):
                    regex = regex[:-2] + "(.*/)?"
                    i += 1
                continue
            char = pattern[i]
            regex += "[^/]*" if char == "*" else "[^/]" if char == "?" else re.escape(char)
            i += 1
        patterns.append((not negated, re.compile(regex + r"(/.*)?\Z")))
    return patterns


IGNORED = dockerignore_patterns()


def ignored(relative: str) -> bool:
    """Whether Docker leaves this context path (posix, relative to the root) out."""
    excluded = False
    for exclude, regex in IGNORED:
        if regex.match(relative):
            excluded = exclude
    return excluded


# --- COPY ------------------------------------------------------------------------


def copy_into(source: Path, destination: Path, *, from_context: bool) -> int:
    """Copy a file or a folder's contents as COPY does; returns the number of files."""
    if source.is_dir():
        count = 0
        for dirpath, dirnames, filenames in os.walk(source):
            dirnames.sort()
            for filename in sorted(filenames):
                file = Path(dirpath) / filename
                if from_context and ignored(file.relative_to(ROOT).as_posix()):
                    continue
                target = destination / file.relative_to(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                if from_context:
                    shutil.copy2(file, target, follow_symlinks=True)
                elif file.is_symlink():
                    os.symlink(os.readlink(file), target)  # as COPY --from keeps them
                else:
                    try:
                        os.link(file, target)  # between stages: the same bytes, no copy
                    except OSError:
                        shutil.copy2(file, target)
                count += 1
            if not from_context:
                for name in dirnames:
                    if (Path(dirpath) / name).is_symlink():
                        link = Path(dirpath) / name
                        target = destination / link.relative_to(source)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        os.symlink(os.readlink(link), target)
        return count
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, destination, follow_symlinks=True)
    return 1


def run_copy(stage: Stage, arguments: str, stages: list[Stage]) -> None:
    """Carry out one COPY instruction in the stage's folder."""
    words = json_or_words(arguments)
    flags = {w.split("=", 1)[0]: w.split("=", 1)[-1] for w in words if w.startswith("--")}
    words = [w for w in words if not w.startswith("--")]
    *sources, destination = words
    origin = flags.get("--from")
    if origin is not None:
        matches = [s for s in stages if s.name == origin or str(s.index) == origin]
        if not matches:
            raise SmokeFailure(f"COPY --from={origin}: no such earlier stage")
        source_stage = matches[-1]
        resolve = source_stage.path
    else:

        def resolve(path: str) -> Path:
            return ROOT / path

    into_folder = destination.endswith("/") or len(sources) > 1
    target = stage.path(destination)
    for source in sources:
        found = [Path(p) for p in sorted(glob.glob(str(resolve(source))))]
        if origin is None:
            found = [p for p in found if not ignored(p.relative_to(ROOT).as_posix())]
        if not found:
            where = f"stage {origin}" if origin else "the build context"
            raise SmokeFailure(
                f"COPY {arguments}: {source} is not in {where} (docker build would stop here)"
            )
        for path in found:
            dest = target / path.name if into_folder and not path.is_dir() else target
            count = copy_into(path, dest, from_context=origin is None)
            if count == 0:
                raise SmokeFailure(f"COPY {arguments}: {source} copies no file")


# --- RUN stand-ins ---------------------------------------------------------------


def image_python_version(image: str) -> tuple[int, int] | None:
    """3.12 for python:3.12-slim-bookworm."""
    match = re.match(r"(?:docker\.io/)?(?:library/)?python:(\d+)\.(\d+)", image)
    return (int(match.group(1)), int(match.group(2))) if match else None


def find_python(version: tuple[int, int]) -> str:
    """A Python of the image's version (or ICCWATCH_SMOKE_PYTHON), on PATH or pyenv's."""
    wanted = f"{version[0]}.{version[1]}"
    candidates = [
        os.environ.get("ICCWATCH_SMOKE_PYTHON", ""),
        shutil.which(f"python{wanted}") or "",
    ]
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates += sorted(
        glob.glob(str(pyenv / f"{wanted}*" / "bin" / f"python{wanted}")), reverse=True
    )
    for candidate in filter(None, candidates):
        result = subprocess.run(
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
        )
        if result.returncode == 0 and (
            result.stdout.strip() == wanted or candidate == os.environ.get("ICCWATCH_SMOKE_PYTHON")
        ):
            return candidate
    raise SmokeFailure(f"no Python {wanted} here (the image's); set ICCWATCH_SMOKE_PYTHON")


def logged_run(
    command: list[str], *, log: Path, cwd: Path, env: dict[str, str], timeout: float
) -> None:
    """Run a build step, its output to a log; on failure, show the log's end."""
    with log.open("ab") as out:
        result = subprocess.run(
            command,
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
        )
    if result.returncode != 0:
        lines = [
            line
            for line in log.read_text(errors="replace").splitlines()
            if not line.startswith("WARNING: Location")
        ]  # pip's notes on unused local indexes
        tail = "\n".join(lines[-40:])
        raise SmokeFailure(f"{shlex.join(command)} exited {result.returncode}\n{tail}")


def run_step(stage: Stage, command: str, work: Path) -> None:
    """Carry out a RUN line by its stand-in, or fail on a RUN line that has none."""
    log = work / "logs" / f"build-stage-{stage.index}.log"
    cwd = stage.path(".")
    cwd.mkdir(parents=True, exist_ok=True)
    parts = [part.strip() for part in re.split(r"&&", command)]
    for part in parts:
        words = shlex.split(part)
        if not words:
            continue
        if words[:2] == ["npm", "ci"]:
            say(f"stage {stage.name or stage.index}: {part}")
            logged_run(words, log=log, cwd=cwd, env=stage.host_env(), timeout=600)
        elif words[0] == "apt-get" or words[:2] == ["rm", "-rf"]:
            if words[0] == "apt-get" and "install" in words:
                packages = [w for w in words[words.index("install") + 1 :] if not w.startswith("-")]
                provides = {"gettext": "msgfmt"}
                for package in packages:
                    tool = provides.get(package)
                    if tool is None:
                        raise SmokeFailure(
                            f"RUN {part}: no stand-in for the Debian package {package}"
                        )
                    if shutil.which(tool) is None:
                        raise SmokeFailure(
                            f"{tool} is not installed here (Debian package {package})"
                        )
        elif len(words) >= 4 and words[1:3] == ["-m", "venv"]:
            venv = stage.path(words[3])
            version = image_python_version(stage.image)
            if version is None:
                raise SmokeFailure(
                    f"RUN {part}: the stage's image {stage.image} names no Python version"
                )
            python = find_python(version)
            say(f"stage {stage.name or stage.index}: {python} -m venv {words[3]}")
            logged_run(
                [python, "-m", "venv", str(venv)],
                log=log,
                cwd=cwd,
                env=os.environ.copy(),
                timeout=120,
            )
        elif words[0].endswith("/bin/pip") and "install" in words:
            if "--require-hashes" not in words:
                raise SmokeFailure(f"RUN {part}: the image must install with --require-hashes")
            pip = stage.path(words[0])
            args = []
            iterator = iter(words[1:])
            for word in iterator:
                if word == "-r":
                    args += ["-r", str(stage.path(next(iterator)))]
                elif word != "--no-cache-dir":  # the machine's pip cache may be used here
                    args.append(word)
            say(f"stage {stage.name or stage.index}: pip {' '.join(words[1:])}")
            logged_run(
                [str(pip), "--disable-pip-version-check", "-q", *args],
                log=log,
                cwd=cwd,
                env=os.environ.copy(),
                timeout=900,
            )
        elif words[0] in ("useradd", "groupadd"):
            pass  # the processes run as an unprivileged user of this machine (see as_image_user)
        elif words[0] == "mkdir":
            for word in words[1:]:
                if not word.startswith("-"):
                    stage.path(word).mkdir(parents=True, exist_ok=True)
        elif words[0] == "chown" and len(words) >= 3:
            # Given to the user the processes run as, once it is known (choose_user).
            stage.owned.extend(stage.path(word) for word in words[2:])
        elif words[0] in ("docker/entrypoint.sh", "./docker/entrypoint.sh"):
            say(f"stage {stage.name or stage.index}: {part}")
            logged_run(["sh", *words], log=log, cwd=cwd, env=stage.host_env(), timeout=300)
        else:
            raise SmokeFailure(f"RUN {part}: the smoke test has no stand-in for this build step")


def assemble(work: Path) -> Stage:
    """Build every stage of the Dockerfile in work/stages; return the final one."""
    stages: list[Stage] = []
    instructions = dockerfile_instructions((ROOT / "Dockerfile").read_text())
    for keyword, arguments in instructions:
        if keyword == "FROM":
            words = arguments.split()
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            root = work / "stages" / str(len(stages))
            root.mkdir(parents=True)
            stages.append(Stage(len(stages), words[0], name, root))
            continue
        if not stages:
            continue  # ARG before the first FROM
        stage = stages[-1]
        if keyword == "WORKDIR":
            stage.workdir = str(PurePosixPath(stage.workdir) / arguments)
            stage.path(".").mkdir(parents=True, exist_ok=True)
        elif keyword == "ENV":
            parse_env(arguments, stage.env)
        elif keyword == "COPY":
            run_copy(stage, arguments, stages[:-1])
        elif keyword == "ADD":
            raise SmokeFailure("ADD: use COPY, which this test can follow")
        elif keyword == "RUN":
            run_step(stage, arguments, work)
        elif keyword == "USER":
            stage.user = arguments.split(":")[0]
        elif keyword == "ENTRYPOINT":
            stage.entrypoint = json_or_words(arguments)
        elif keyword == "CMD":
            stage.cmd = json_or_words(arguments)
    if not stages:
        raise SmokeFailure("the Dockerfile has no FROM")
    return stages[-1]


# --- Services --------------------------------------------------------------------


def psql(sql: str) -> None:
    """Run SQL on the server's maintenance database."""
    subprocess.run(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", f"{POSTGRES}/postgres", "-c", sql],
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        timeout=60,
        env={**os.environ, "PGOPTIONS": "-c client_min_messages=warning"},
    )


def redis_flush() -> None:
    """Empty the smoke test's own Redis database (never another one)."""
    if shutil.which("redis-cli"):
        subprocess.run(
            ["redis-cli", "-u", REDIS, "flushdb"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=20,
        )


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Processes:
    """The long-running processes started here, each in its own process group."""

    def __init__(self):
        self.started: list[tuple[str, subprocess.Popen, Path]] = []

    def start(self, name: str, command: list[str], *, cwd: Path, env: dict[str, str], logs: Path):
        """Start a process, its output to logs/NAME.log."""
        log = logs / f"{name}.log"
        out = log.open("wb")
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        out.close()
        self.started.append((name, process, log))
        return process

    def alive(self, name: str) -> None:
        """Fail with its log if the named process has exited."""
        for started_name, process, log in self.started:
            if started_name == name and process.poll() is not None:
                raise SmokeFailure(f"{name} exited with {process.returncode}\n{tail(log)}")

    def stop_all(self) -> None:
        """SIGTERM every process group, then SIGKILL what is left after 20 seconds."""
        for _name, process, _log in self.started:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for _name, process, _log in self.started:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(max(0.1, deadline - time.monotonic()))
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def tail(log: Path, lines: int = 40) -> str:
    """The end of a log file."""
    if not log.exists():
        return ""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def get(port: int, path: str, **headers: str) -> tuple[int, dict[str, str], str]:
    """GET through the loopback as the TLS proxy in front of the site would send it."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return (
                response.status,
                dict(response.headers),
                response.read().decode("utf-8", "replace"),
            )
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8", "replace")


def wait_for(what: str, test, seconds: float, processes: Processes, names: list[str]):
    """Poll test() until it returns a true value; fail after `seconds` or if a process died."""
    deadline = time.monotonic() + seconds
    while True:
        for name in names:
            processes.alive(name)
        try:
            value = test()
        except OSError:
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise SmokeFailure(f"{what}: nothing after {seconds:.0f}s")
        time.sleep(1)


# --- The test --------------------------------------------------------------------


UNPRIVILEGED = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
RUN_AS: list[str] = []


def choose_user(stage: Stage, env: dict[str, str]) -> None:
    """Run as an unprivileged user (nobody), as the image's USER does, when this runs as root.

    Only where nobody may run the venv's Python (a Python under /root, as pyenv's, is
    out of its reach): otherwise the processes run as this user.
    """
    RUN_AS.clear()
    if stage.user in ("", "root", "0") or os.geteuid() != 0 or shutil.which("setpriv") is None:
        say("the processes run as this machine's current user")
        return
    probe = subprocess.run(
        [*UNPRIVILEGED, "python", "-c", "import django"],
        env=env,
        cwd=stage.path("."),
        capture_output=True,
        timeout=60,
    )
    if probe.returncode == 0:
        RUN_AS.extend(UNPRIVILEGED)
        for folder in stage.owned:
            os.chown(folder, 65534, 65534)
        say("the processes run as the unprivileged user nobody, as the image's USER")
    else:
        say("the processes run as root: nobody cannot run this venv's Python here")


def as_image_user(stage: Stage, command: list[str]) -> list[str]:
    """The command, run as the user choose_user picked."""
    return [*RUN_AS, *command]


def smoke(work: Path, processes: Processes) -> None:
    """Assemble the image, start it, and check what a visitor and an operator would see."""
    for tool in ("npm", "psql"):
        if shutil.which(tool) is None:
            raise SmokeFailure(f"{tool} is needed and not installed")

    say("assembling the image's file tree from the Dockerfile")
    final = assemble(work)
    check(
        final.user not in ("", "root", "0"),
        f"the final stage runs as a non-root user ({final.user})",
    )
    check(
        bool(final.entrypoint),
        f"the final stage has an entrypoint ({shlex.join(final.entrypoint)})",
    )
    app = final.path(".")
    entrypoint = final.path(final.entrypoint[0])
    for needed in (
        "locale/fr/LC_MESSAGES/django.mo",
        "node_modules/world-atlas/countries-110m.json",
        "node_modules/@rapideditor/country-coder/src/data/borders.json",
        "staticfiles/css/site.css",
        "staticfiles/staticfiles.json",
        "staticfiles/admin/css/base.css",
        "requirements/runtime.txt",
        "data/states.csv",
    ):
        check((app / needed).is_file(), f"the image holds {needed}")

    logs = work / "logs"
    run_dir = work / "run"
    run_dir.mkdir()
    if os.geteuid() == 0:
        for folder in (work, work / "stages", run_dir):
            folder.chmod(0o755)
        run_dir.chmod(0o777)

    say(f"creating the database {DATABASE}; emptying {REDIS}")
    psql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{DATABASE}"')
    redis_flush()

    port = free_port()
    env = final.host_env()
    env.update(
        {
            # What docker compose and .env give the containers.
            "DJANGO_ENV": "production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "ICCWATCH_BASE_URL": "https://iccwatch.example.org",
            "DATABASE_URL": f"{POSTGRES}/{DATABASE}",
            "REDIS_URL": REDIS,
            "CELERY_BROKER_URL": REDIS,
            # Production refuses to start without a mail server and a sender; nothing
            # here sends mail.
            "EMAIL_HOST": "smtp.invalid",
            "DJANGO_DEFAULT_FROM_EMAIL": "iccwatch <noreply@iccwatch.example.org>",
            # This machine, not a container: a free port, fewer processes, quick sweeps.
            "ICCWATCH_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "2",
            "ICCWATCH_BEAT_SCHEDULE": str(run_dir / "celerybeat-schedule"),
            "ICCWATCH_SWEEP_SECONDS": "5",
            "HOME": str(run_dir),
        }
    )
    check(len(env["DJANGO_SECRET_KEY"]) >= 50, "a random secret key of 50+ characters")
    choose_user(final, env)

    say(f"starting entrypoint web (gunicorn on 127.0.0.1:{port}), worker and beat")
    processes.start(
        "web", as_image_user(final, [str(entrypoint), "web"]), cwd=app, env=env, logs=logs
    )
    processes.start(
        "worker", as_image_user(final, [str(entrypoint), "worker"]), cwd=app, env=env, logs=logs
    )
    processes.start(
        "beat", as_image_user(final, [str(entrypoint), "beat"]), cwd=app, env=env, logs=logs
    )

    status = wait_for(
        "GET /healthz",
        lambda: get(port, "/healthz")[0] == 200,
        600,
        processes,
        ["web", "worker", "beat"],
    )
    check(status, "web migrated, imported data/ and answers /healthz")
    web_log = (logs / "web.log").read_text(errors="replace")
    check(
        "Import complete." in web_log,
        "the web entrypoint imported the dataset into the empty database",
        tail(logs / "web.log"),
    )

    code, headers, page = get(port, "/fr/states/MNG/")
    check(code == 200, "GET /fr/states/MNG/ answers 200", page[:2000])
    check('<html lang="fr"' in page, "/fr/states/MNG/ is served in French (lang=fr)")
    french = ["Chronologie", "Visites accueillies", "Aller au contenu"]
    missing = [text for text in french if text not in page]
    check(
        not missing and "Timeline" not in page,
        "/fr/states/MNG/ shows French interface strings (compiled translations)",
        f"missing: {missing}",
    )
    check("Mongoli" in page, "/fr/states/MNG/ shows the imported state")
    check(
        re.search(r'<figure class="map">\s*<svg', page) is not None
        and "m-incident" in page
        and "Carte des visites accueillies" in page,
        "/fr/states/MNG/ draws its map of hosted visits (world-atlas shapes), in French",
    )

    code, headers, page = get(port, "/states/REU/")
    check(
        code == 200 and "territory of France" in page and "not a party" not in page,
        "/states/REU/ is France's territory, not a state 'not a party' (country-coder's borders)",
        page[:2000],
    )

    code, headers, page = get(port, "/fr/")
    check(code == 200, "GET /fr/ answers 200")
    check(
        re.search(r'<figure class="map">\s*<svg', page) is not None and "<path" in page,
        "the home page draws the SVG world map (world-atlas shapes), not the table fallback",
    )

    # The pages link the static files by their hashed names (the manifest `assets`
    # wrote), which whitenoise serves with a cache of ten years, gzipped when asked.
    stylesheets = re.findall(r'<link rel="stylesheet" href="(/static/css/site\.[^"]+)"', page)
    check(
        len(stylesheets) == 1 and re.search(r"\.[0-9a-f]{12}\.css$", stylesheets[0]) is not None,
        f"/fr/ links its stylesheet by a hashed name ({stylesheets})",
    )
    code, headers, _ = get(port, stylesheets[0], **{"Accept-Encoding": "gzip"})
    cache = headers.get("Cache-Control", "")
    max_age = re.search(r"max-age=(\d+)", cache)
    check(
        code == 200
        and "text/css" in headers.get("Content-Type", "")
        and "immutable" in cache
        and max_age is not None
        and int(max_age.group(1)) >= 365 * 24 * 3600
        and headers.get("Content-Encoding") == "gzip",
        f"{stylesheets[0]} is served gzipped with a long immutable cache ({cache})",
    )
    code, headers, css = get(port, "/static/css/site.css")
    check(
        code == 200 and "text/css" in headers.get("Content-Type", ""),
        "/static/css/site.css is served",
    )
    code, headers, _ = get(port, "/static/admin/css/base.css")
    check(code == 200, "collected app static files are served (/static/admin/css/base.css)")

    # gunicorn runs with docker/gunicorn.conf.py: its access log keeps no password link's
    # token, and it opens no control socket.
    token = f"cz8k2a-{secrets.token_hex(10)}"
    get(port, f"/newsroom/password-reset/MQ/{token}/")

    def link_logged() -> bool:
        return '"GET /newsroom/password-reset/MQ/[redacted]/ ' in (logs / "web.log").read_text(
            errors="replace"
        )

    check(
        wait_for("the access log line of a password link", link_logged, 30, processes, ["web"])
        and token not in (logs / "web.log").read_text(errors="replace"),
        "the access log writes a password link's token [redacted]",
        tail(logs / "web.log"),
    )
    check(
        re.search(r"control (socket|server)", (logs / "web.log").read_text(errors="replace"), re.I)
        is None,
        "gunicorn opened no control socket",
        tail(logs / "web.log"),
    )

    hostname = socket.gethostname()
    ping = subprocess.run(
        as_image_user(
            final,
            [
                str(entrypoint),
                "celery",
                "-A",
                "iccwatch",
                "inspect",
                "ping",
                "--destination",
                f"celery@{hostname}",
                "--timeout",
                "10",
            ],
        ),
        cwd=app,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    check(
        ping.returncode == 0 and "pong" in ping.stdout,
        "celery inspect ping: the worker answers",
        ping.stdout + ping.stderr,
    )

    # The web tier's own path: a verdict is dropped, the outbox relay enqueues the visit,
    # and only the worker can evaluate it again.
    code = (
        "from visits.models import Verdict, Visit\n"
        "from visits.outbox import relay\n"
        "visit = Visit.objects.filter(host__iso3='MNG').order_by('pk').first()\n"
        "Verdict.objects.filter(visit=visit).delete()\n"
        "assert relay([visit.pk])\n"
        "print(visit.pk)\n"
    )
    shell = subprocess.run(
        as_image_user(final, [str(entrypoint), "manage", "shell", "-v", "0", "-c", code]),
        cwd=app,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    check(
        shell.returncode == 0,
        "a visit's verdict is dropped and its evaluation enqueued",
        shell.stdout + shell.stderr,
    )
    visit_id = int(shell.stdout.strip().splitlines()[-1])
    probe = f"from visits.models import Verdict; print(Verdict.objects.filter(visit_id={visit_id}).exists())"

    def verdict_back() -> bool:
        result = subprocess.run(
            as_image_user(final, [str(entrypoint), "manage", "shell", "-v", "0", "-c", probe]),
            cwd=app,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return result.stdout.strip() == "True"

    check(
        wait_for("the worker re-evaluating the visit", verdict_back, 90, processes, ["worker"]),
        "the worker processed the task: the verdict is back",
    )

    def swept() -> bool:
        return "visits.sweep_evaluation_requests" in (logs / "worker.log").read_text(
            errors="replace"
        )

    check(
        wait_for("a beat-scheduled sweep", swept, 60, processes, ["beat", "worker"]),
        "beat scheduled the outbox sweep and the worker ran it",
    )

    def warmed() -> bool:
        return " summaries current in " in (logs / "web.log").read_text(errors="replace")

    check(
        wait_for("the pages' summaries counted", warmed, 120, processes, ["web"]),
        "the web entrypoint counted the pages' summaries in the background (warm_summaries)",
        tail(logs / "web.log"),
    )

    def downloads_built() -> bool:
        return any((app / "var" / "downloads").glob("iccwatch-data-*.zip"))

    check(
        wait_for("the bulk downloads built", downloads_built, 180, processes, ["web"]),
        "the web entrypoint built the bulk downloads of /data/ in the folder the image gives "
        "its user (build_downloads)",
        tail(logs / "web.log"),
    )
    code, _, page = get(port, "/data/")
    check(code == 200 and ".zip" in page, "/data/ offers the zip it built", page[:2000])
    for name in ("web", "worker", "beat"):
        processes.alive(name)
    check(True, "web, worker and beat are still running")


def main() -> int:
    """Run the smoke test within the time limit; always clean up."""
    work = Path(tempfile.mkdtemp(prefix="iccwatch-smoke-"))
    (work / "logs").mkdir()
    processes = Processes()

    def on_timeout(signum, frame):
        raise SmokeFailure(f"the smoke test ran out of its {TIMEOUT}s")

    def on_signal(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGALRM, on_timeout)
    signal.signal(signal.SIGTERM, on_signal)
    signal.alarm(TIMEOUT)
    try:
        smoke(work, processes)
        failed = None
    except (SmokeFailure, subprocess.SubprocessError, OSError) as failure:
        failed = failure
    finally:
        signal.alarm(0)
        say("stopping web, worker and beat; dropping the database")
        processes.stop_all()
        try:
            psql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        except (subprocess.SubprocessError, OSError) as error:
            print(f"could not drop {DATABASE}: {error}", file=sys.stderr)
        redis_flush()
    if failed is not None:
        print(f"\nPRODUCTION SMOKE TEST FAILED: {failed}", file=sys.stderr)
        for name, _process, log in processes.started:
            print(f"\n--- end of {name}'s log ---\n{tail(log)}", file=sys.stderr)
    if os.environ.get("ICCWATCH_SMOKE_KEEP"):
        say(f"kept {work}")
    else:
        say(f"removing {work}")
        shutil.rmtree(work, ignore_errors=True)
    elapsed = time.monotonic() - STARTED
    if failed is not None:
        print(f"production smoke test failed after {elapsed:.0f}s", flush=True)
        return 1
    print(f"production smoke test passed: {len(CHECKS)} checks in {elapsed:.0f}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
