"""The HTTP benchmark's diagnostics (bench/web.py) still work: the sampler sees what runs in
the database during a slow request, survives a database it cannot reach, and the database
settings and prewarm report what PostgreSQL holds.

The benchmark itself is not part of the suite (it serves the site with gunicorn for
minutes); these run its pieces against the test database and a throwaway HTTP server.
"""

import http.server
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection
from django.urls import get_resolver, resolve

from bench import web
from devtools.services import database_url


@pytest.fixture
def sampler(db):
    sampler = web.Sampler(database_url(connection.settings_dict), interval=0.05)
    yield sampler
    sampler.stop()


def test_the_sampler_sees_a_statement_running_in_the_database_and_its_wait(sampler):
    began = time.monotonic()
    with connection.cursor() as cur:
        cur.execute("SELECT pg_sleep(0.5)")
    samples = sampler.during(began, time.monotonic())

    assert len(samples) >= 3
    seen = [
        backend
        for sample in samples
        for backend in sample["backends"]
        if "pg_sleep" in backend[5] and backend[2] == "active"
    ]
    assert seen, samples
    pid, backend_type, _, wait, seconds, _ = seen[-1]
    assert pid == connection.connection.info.backend_pid
    assert backend_type == "client backend"
    assert wait == "Timeout:PgSleep"
    assert 0 < seconds <= 1
    assert all(0 <= sample["cpu_busy"] <= 1 and 0 <= sample["iowait"] <= 1 for sample in samples)


def test_the_sampler_records_a_database_it_cannot_reach_and_keeps_sampling():
    sampler = web.Sampler("postgres://nobody@127.0.0.1:1/nowhere?connect_timeout=1", interval=0.05)
    try:
        deadline = time.monotonic() + 10
        while len(sampler.during(0, time.monotonic())) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        sampler.stop()
    samples = sampler.during(0, time.monotonic())
    assert len(samples) >= 2  # the thread went on after the first failure
    assert all("OperationalError" in sample["backends"]["error"] for sample in samples)
    assert not sampler.thread.is_alive()


class _Slow(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the standard library's name
        time.sleep(0.4 if self.path == "/slow" else 0)
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def slow_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_a_cold_request_over_the_bound_is_kept_with_what_was_sampled_while_it_ran(
    sampler, slow_server
):
    slow = web.single_requests(slow_server, "slow", "/slow", 2, lambda: None, sampler, 200)
    fast = web.single_requests(slow_server, "fast", "/fast", 2, lambda: None, sampler, 200)

    assert [stall["timed_out"] for stall in slow["stalls"]] == [False, False]
    for stall in slow["stalls"]:
        assert stall["ms"] >= 400
        assert len(stall["samples"]) >= 4  # 0.4 s at one sample every 0.05 s
    assert fast["stalls"] == []


def test_the_database_settings_and_prewarm_say_what_postgresql_holds(db):
    settings = web.database_settings()
    with connection.cursor() as cur:
        cur.execute("SELECT pg_size_bytes(current_setting('shared_buffers'))")
        buffers = cur.fetchone()[0]
    assert settings["database_bytes"] > 0
    assert settings["database_fits_in_shared_buffers"] == (settings["database_bytes"] <= buffers)

    loaded = web.prewarm()
    assert loaded["relations"] > 10  # the project's tables, their indexes and TOAST
    assert loaded["blocks"] > 0


# What bench/web.py's pick_identifiers gives, every table holding a row.
IDENTIFIERS = {
    "state": "MNG",
    "state2": "HUN",
    "person": "vladimir-putin",
    "visit": "putin-mongolia-2024-09-03",
    "visit_cursor_middle": "2015-06-13.omar-al-bashir-zaf-2015-06-13",
    "cursor_middle": 10,
    "cursor_end": 20,
    "warrant": "icc-01-21-1",
    "finding": 3,
    "statement": 4,
    "referral": 5,
    "change": "visits.visit-7",
    "sitemap_last": 2,
}


def _public_routes() -> set[str]:
    """The name of every route outside a namespace: the admin, the newsroom, its alerts and the
    accounts live in namespaces and are for signed-in staff."""
    names = set()

    def walk(patterns, namespaced):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, namespaced or bool(pattern.namespace))
            elif pattern.name and not namespaced:
                names.add(pattern.name)

    walk(get_resolver().url_patterns, False)
    return names


def test_every_public_page_and_endpoint_is_timed_or_said_why_not():
    identifiers = dict(IDENTIFIERS)
    timed = set()
    for _, path in web.pages(identifiers):
        path = path.split("?")[0]
        timed.add(resolve(path.removeprefix("/fr")).view_name)

    assert not timed & set(web.NOT_TIMED), "a route both timed and said not to be"
    assert timed | set(web.NOT_TIMED) == _public_routes()


def test_the_benchmark_servers_environment_passes_the_production_settings_checks():
    """The servers start with production's settings, which refuse to start when a required
    setting is missing: the benchmark's environment must satisfy them, or nothing answers."""
    env = web.server_env(database_url(connection.settings_dict), "redis://127.0.0.1:6379/15", True)
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env, "DJANGO_SETTINGS_MODULE": "iccwatch.settings"},
        cwd=web.ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_detail_page_without_a_row_to_show_is_left_out_and_named():
    """The synthetic data holds no joint statement or referral: their detail pages are not
    timed, and the run says so rather than counting them as timed."""
    identifiers = {**IDENTIFIERS, "statement": None, "referral": None}
    paths = [path for _, path in web.pages(identifiers)]
    assert not any("None" in path for path in paths)
    assert not any(
        path.startswith(("/api/v1/statements/4", "/api/v1/referrals/5")) for path in paths
    )
    assert web.untimed(identifiers) == ["api-statement-detail", "api-referral-detail"]
    assert web.untimed({**identifiers, "statement": 4, "referral": 5}) == []
