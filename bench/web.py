"""HTTP benchmark of the public pages and the API, as production serves them (issue 12, item 8).

    python bench/web.py --label seed --database-url postgres://.../iccwatch_x [--json bench/web.jsonl]

One run starts, on this machine:

- nginx serving a static file (the site's stylesheet): what the machine can serve at all;
- gunicorn with the production settings (`DJANGO_ENV=production`, as the Docker image
  runs it, `WEB_CONCURRENCY` workers) twice over the same database and Redis: one with
  the page cache (`ICCWATCH_PAGE_CACHE=true`, the default), one without.

Requests carry `X-Forwarded-Proto: https`, as the production proxy sends it.

Then it measures:

1. **Single requests**: every page and endpoint of the list below, one request at a
   time. *Cold*: the data version is bumped before each request, so the page is
   rendered from the database (what the first reader after a write waits for; the script
   waits out the second a server process keeps the version it read). *Warm*:
   served from the cache. p50 and max of `--repeats` requests, and the size of the body.
   The CSV download of the biggest country's visits is streamed once, with the peak
   resident memory (VmHWM) of the gunicorn workers before and after. A cold request over
   `--stall-ms` (1 s, the issue's bound) is kept in `stalls` with what a sampler saw
   while it ran, every 100 ms: the CPU's busy and iowait shares, and every statement
   running in the database, PostgreSQL's checkpointer and autovacuum included.
2. **Throughput** with wrk (`-c --connections`, `-d --duration`), interleaved in
   `--rounds` rounds so that ratios come from the same moments: nginx's static file,
   /healthz, the biggest country's page and a 50-row API page with and without the
   cache, and revalidations (If-None-Match, 304). Each figure is also given as a
   fraction of /healthz's throughput in the same round.

The pages are chosen from the database: the state that hosted the most visits, the
person who made the most trips, one of their visits. Nothing is written except the
data version in Redis. Needs `wrk` and `nginx` (Debian packages of the same names).
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADERS = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
# Seconds a single request may take. The servers run as the Docker image runs them
# (docker/entrypoint.sh: threaded workers, gunicorn's default 30-second worker timeout,
# which with threaded workers bounds a silent process, not a request).
CLIENT_TIMEOUT = 300
STATIC_FILE = "css/site.css"


def pages(db) -> list[tuple[str, str]]:
    """(name, path) of every page and endpoint benchmarked, with identifiers from `db`. A
    detail page whose table is empty (`db[...]` None: the synthetic data has no joint
    statement or Security Council referral) is left out; `untimed(db)` names them."""
    return [
        ("home", "/"),
        ("country (most visits)", f"/states/{db['state']}/"),
        ("country (seed's Mongolia or 2nd)", f"/states/{db['state2']}/"),
        ("person (most trips)", f"/persons/{db['person']}/"),
        ("visit", f"/visits/{db['visit']}/"),
        ("states", "/states/"),
        ("persons", "/persons/"),
        ("warrants", "/warrants/"),
        ("visits", "/visits/"),
        ("visits, page 2000", "/visits/?page=2000"),
        ("visits of the country", f"/visits/?host={db['state']}"),
        ("visits by person name", "/visits/?ordering=person"),
        ("visits by verdict", "/visits/?ordering=verdict"),
        ("visits by host name", "/visits/?ordering=host"),
        ("visits by host name, French", "/fr/visits/?ordering=host"),
        ("visits by host name, French, reversed, page 500", "/fr/visits/?ordering=-host&page=500"),
        ("visits of the person", f"/visits/?person={db['person']}"),
        ("visits of the person by host name", f"/visits/?person={db['person']}&ordering=host"),
        ("visits by last day", "/visits/?ordering=-end"),
        ("visits by last day, page 2000", "/visits/?ordering=end&page=2000"),
        (
            "visits of the country started after",
            f"/visits/?host={db['state']}&start_after=2015-03-15",
        ),
        ("incidents", "/incidents/"),
        ("incidents, page 2000", "/incidents/?page=2000"),
        ("search", "/search/?q=Ulan"),
        ("search, another spelling", "/search/?q=ulan+bator"),
        ("search, a state", "/search/?q=Mongolia"),
        ("search, a state's French name", "/fr/search/?q=Hongrie"),
        ("search, a state code (most visits)", f"/search/?q={db['state']}"),
        ("search, a person", "/search/?q=putin"),
        ("search, a synthetic person", "/search/?q=Person+4321"),
        ("search, one letter", "/search/?q=a"),
        ("search, nothing", "/search/?q=zzzqqq"),
        ("search, a common word", "/search/?q=city"),
        ("search, a place", "/search/?q=City+17"),
        ("search, an occasion's common word", "/search/?q=visit"),
        ("API search", "/api/v1/search/?q=Ulan"),
        ("API search, a state code (most visits)", f"/api/v1/search/?q={db['state']}"),
        ("API search, a common word, 100", "/api/v1/search/?q=city&limit=100"),
        ("changes", "/changes/"),
        ("changes of the country", f"/changes/?state={db['state']}"),
        ("changes of the visit", f"/changes/?visit={db['visit']}"),
        *([("change", f"/changes/{db['change']}/")] if db.get("change") else []),
        ("incidents feed", "/incidents/feed/"),
        ("country feed", f"/states/{db['state']}/feed/"),
        ("API visits, 50", "/api/v1/visits/?page_size=50"),
        ("API visits, page 2000", "/api/v1/visits/?page=2000"),
        ("API visits of the country", f"/api/v1/visits/?host={db['state']}&page_size=50"),
        ("API visits of the country, page 1000", f"/api/v1/visits/?host={db['state']}&page=1000"),
        ("API visits by cursor, first page", "/api/v1/visits/?cursor=0&page_size=500"),
        (
            "API visits by cursor, middle",
            f"/api/v1/visits/?cursor={db['visit_cursor_middle']}&page_size=500",
        ),
        ("API visits by verdict", "/api/v1/visits/?ordering=verdict"),
        ("API visits by last day, page 2000", "/api/v1/visits/?ordering=-end&page=2000"),
        (
            "API visits started after, with facets",
            f"/api/v1/visits/?start_after=2015-03-15&host={db['state']}&facets=verdict",
        ),
        ("API visits by host name", "/api/v1/visits/?ordering=host"),
        (
            "API visits by host name, French, reversed, page 500",
            "/api/v1/visits/?ordering=-host&lang=fr&page=500",
        ),
        (
            "API visits of the person by host name, French, reversed",
            f"/api/v1/visits/?person={db['person']}&ordering=-host&lang=fr",
        ),
        ("API visit", f"/api/v1/visits/{db['visit']}/"),
        ("API states", "/api/v1/states/"),
        ("API state", f"/api/v1/states/{db['state']}/"),
        ("API persons", "/api/v1/persons/"),
        ("API person", f"/api/v1/persons/{db['person']}/"),
        ("API warrants", "/api/v1/warrants/"),
        ("API incidents feed", "/api/v1/incidents/"),
        ("API incidents feed, middle", f"/api/v1/incidents/?cursor={db['cursor_middle']}"),
        ("API incidents feed, end", f"/api/v1/incidents/?cursor={db['cursor_end']}"),
        ("API incidents of the country", f"/api/v1/incidents/?host={db['state']}"),
        ("API findings", "/api/v1/findings/"),
        ("API findings of two states", f"/api/v1/findings/?state={db['state']},{db['state2']}"),
        ("changes in French", "/fr/changes/"),
        ("API visits started after, page 2000", "/api/v1/visits/?start_after=2015-03-15&page=2000"),
        (
            "API states withdrawing on a past day, with facets",
            "/api/v1/states/?as_of=2016-12-01&status=withdrawing&facets=status",
        ),
        ("API warrants issued after a day", "/api/v1/warrants/?issued_after=2023-06-01"),
        (
            "API findings of either kind and referral",
            "/api/v1/findings/?kind=art_87_7,other&referred_to=ASP,UNSC",
        ),
        ("API incidents named by their verdict", "/api/v1/incidents/?verdict=non_compliance"),
        ("API states that are State Parties", "/api/v1/states/?party=true"),
        ("API root", "/api/v1/"),
        ("API schema", "/api/v1/schema/"),
        ("API documentation", "/api/v1/docs/"),
        *([("API warrant", f"/api/v1/warrants/{db['warrant']}/")] if db.get("warrant") else []),
        *([("API finding", f"/api/v1/findings/{db['finding']}/")] if db.get("finding") else []),
        ("API statements", "/api/v1/statements/"),
        ("API referrals", "/api/v1/referrals/"),
        *(
            [("API statement", f"/api/v1/statements/{db['statement']}/")]
            if db.get("statement")
            else []
        ),
        *([("API referral", f"/api/v1/referrals/{db['referral']}/")] if db.get("referral") else []),
        ("method", "/method/"),
        ("method in French", "/fr/method/"),
        ("downloads", "/data/"),
        ("data changelog", "/data/changelog/"),
        ("data changelog feed", "/data/changelog/feed/"),
        ("data dictionary", "/data/dictionary/"),
        ("changes feed", "/changes/feed/"),
        ("person feed", f"/persons/{db['person']}/feed/"),
        ("embedded country", f"/embed/states/{db['state']}/"),
        ("embedded person", f"/embed/persons/{db['person']}/"),
        ("country card", f"/states/{db['state']}/card.en.png"),
        ("person card, French", f"/persons/{db['person']}/card.fr.png"),
        ("states as CSV", "/states.csv"),
        ("persons as JSON", "/persons.json"),
        ("warrants as CSV", "/warrants.csv"),
        ("sitemap index", "/sitemap.xml"),
        ("sitemap of the visits, last file", f"/sitemap-visits.xml?p={db['sitemap_last']}"),
        ("robots.txt", "/robots.txt"),
    ]


def untimed(db) -> list[str]:
    """The detail routes `pages(db)` leaves out for want of a row to show."""
    details = {
        "warrant": "api-warrant-detail",
        "finding": "api-finding-detail",
        "statement": "api-statement-detail",
        "referral": "api-referral-detail",
        "change": "change",
    }
    return [route for key, route in details.items() if not db.get(key)]


# Public routes that `pages` does not time, each with why (a test holds `pages` and this
# list to every route the site has, so a new page is benchmarked or said not to be).
NOT_TIMED = {
    "healthz": "the reference every throughput is a fraction of",
    "visits-export": "the whole table streamed: bench/exports.py times it against its floor",
    "incidents-export": "every incident streamed: bench/exports.py's memory bound applies",
    "data-file": "a file built ahead (manage.py build_downloads) and sent as it is",
    "set-language": "a redirect that sets a cookie, no data read",
    "set_language": "Django's form endpoint behind the language switch, no data read",
    "record-history": "the newsroom's record history: signed-in staff only",
    "record-history-download": "the newsroom's record history, downloaded: signed-in staff only",
    "api-report-list": "the newsroom's reports: signed-in staff only",
    "api-report-queue": "the newsroom's queue: signed-in staff only",
    "api-report-detail": "the newsroom's reports: signed-in staff only",
    "api-report-reject": "a newsroom action (POST)",
    "api-report-request-changes": "a newsroom action (POST)",
    "api-report-resubmit": "a newsroom action (POST)",
    "api-report-verify": "a newsroom action (POST)",
    "api-report-withdrawals": "a newsroom action (POST): a withdrawal filed",
    "api-report-restorations": "a newsroom action (POST): a restoration filed",
    "person-any-case": "a redirect of a person's address in capitals to its own: one lookup",
    "visit-any-case": "a redirect of a visit's address in capitals to its own: one lookup",
}


# --- Servers -------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, path: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, _, _ = get(port, path)
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"nothing answers on port {port}{path}")


def start_nginx(workdir: Path, static_root: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    conf = workdir / "nginx.conf"
    conf.write_text(
        f"""
worker_processes auto;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {workdir}/nginx-body;
    proxy_temp_path {workdir}/nginx-proxy;
    fastcgi_temp_path {workdir}/nginx-fastcgi;
    uwsgi_temp_path {workdir}/nginx-uwsgi;
    scgi_temp_path {workdir}/nginx-scgi;
    server {{
        listen 127.0.0.1:{port};
        location /static/ {{ alias {static_root}/; }}
    }}
}}
"""
    )
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    proc = subprocess.Popen([nginx, "-c", str(conf), "-g", "daemon off; user root;"])
    wait_for(port, f"/static/{STATIC_FILE}")
    return proc, port


# How long a server process keeps the data version it read (production's default). A bump
# made by this script, another process, shows in the servers at most this late: a cold
# request waits it out after the bump, or it would be answered from the cache.
VERSION_HOLD_MS = 1000


def bump_and_wait() -> None:
    """Bump the data version and wait until every server process has seen it."""
    from core.pagecache import bump_data_version

    bump_data_version()
    time.sleep(VERSION_HOLD_MS / 1000 + 0.1)


def server_env(database_url: str, redis_url: str, cache: bool) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        # Production refuses to start without the address its mailed links begin with.
        ICCWATCH_BASE_URL="https://127.0.0.1",
        # ...and without a mail server and a sender (the benchmark mails nothing).
        EMAIL_HOST="smtp.invalid",
        DJANGO_DEFAULT_FROM_EMAIL="iccwatch <noreply@iccwatch.example.org>",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        ICCWATCH_SKIP_BOOTSTRAP="1",
        ICCWATCH_PAGE_CACHE="true" if cache else "false",
        # Production's default, stated: a worker keeps the data version it read this long.
        ICCWATCH_DATA_VERSION_LOCAL_MS=str(VERSION_HOLD_MS),
        CELERY_BROKER_URL="",
        # Production refuses to run without a broker unless inline tasks are asked for.
        ICCWATCH_TASKS_INLINE="on",
        # The rate limits stay on (their cost is measured) but far above the benchmark's load.
        # Both apply to an anonymous reader (DRF's user throttle counts anonymous readers
        # by address too).
        ICCWATCH_API_ANON_RATE="100000000/min",
        ICCWATCH_API_USER_RATE="100000000/min",
    )
    return env


def entrypoint_worker_args() -> list[str]:
    """The worker class and thread arguments of docker/entrypoint.sh's `exec gunicorn`,
    with the shell defaults substituted (`"${ICCWATCH_WEB_THREADS:-4}"` -> `4`): the
    servers here run as the Docker image runs them. [] if it names neither."""
    text = (ROOT / "docker" / "entrypoint.sh").read_text()
    start = text.index("exec gunicorn")
    command = text[start : text.index('"$@"', start)]
    args = []
    for name in ("--worker-class", "--threads"):
        match = re.search(rf"{name}\s+(\S+)", command)
        if match:
            args += [name, re.sub(r'^"?\$\{\w+:-([^}]*)\}"?$', r"\1", match.group(1))]
    return args


def start_gunicorn(env: dict, workers: int, logdir: Path, name: str):
    port = free_port()
    log = open(logdir / f"gunicorn-{name}.log", "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "iccwatch.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            *entrypoint_worker_args(),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    wait_for(port, "/healthz")
    return proc, port


def worker_pids(master: subprocess.Popen) -> list[int]:
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master.pid)], capture_output=True, text=True
    )
    return [int(p) for p in out.stdout.split()]


def peak_rss_mib(pids: list[int]) -> float:
    """The largest peak resident set (VmHWM) among these processes, in MiB."""
    peak = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        m = re.search(r"VmHWM:\s+(\d+) kB", status)
        if m:
            peak = max(peak, int(m.group(1)))
    return round(peak / 1024, 1)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


# --- Requests ------------------------------------------------------------------------


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, int, dict]:
    """GET path: (status, body bytes, headers), reading the body to its end."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
    try:
        conn.request("GET", path, headers={**HEADERS, **(headers or {})})
        response = conn.getresponse()
        size = 0
        while chunk := response.read(1 << 16):
            size += len(chunk)
        return response.status, size, dict(response.getheaders())
    finally:
        conn.close()


def timed_get(port: int, path: str, headers: dict | None = None) -> tuple[float, int, int, dict]:
    start = time.perf_counter()
    status, size, h = get(port, path, headers)
    return (time.perf_counter() - start) * 1000, status, size, h


class Sampler:
    """What the database and the machine were doing, every `interval` seconds, kept for the
    last `keep` seconds (longer than a request may take): so that a request over
    `--stall-ms` can be told apart from the rest.

    Each sample is (monotonic seconds, UTC time, the CPU's busy and iowait shares since the
    last sample, the non-idle backends of the database and PostgreSQL's own background
    processes: pid, backend type, state, wait event, seconds since the statement started,
    the statement's first 160 characters). A sample the database could not give holds the
    error's class and message instead of backends, and the next one reconnects.
    `during(start, end)` gives the samples taken between two monotonic times, for the
    result's `stalls`."""

    QUERY = (
        "SELECT pid, backend_type, state, wait_event_type || ':' || wait_event,"
        " round(extract(epoch FROM clock_timestamp() - query_start)::numeric, 3),"
        " left(regexp_replace(query, '\\s+', ' ', 'g'), 160)"
        " FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
        " AND ((datname = current_database() AND state IS DISTINCT FROM 'idle')"
        "      OR backend_type IN ('checkpointer', 'autovacuum worker'))"
    )

    def __init__(self, database_url: str, interval: float = 0.1, keep: float = CLIENT_TIMEOUT + 30):
        self.database_url = database_url
        self.interval, self.keep = interval, keep
        self.samples: list[tuple] = []
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, name="sampler", daemon=True)
        self.thread.start()

    @staticmethod
    def _cpu() -> tuple[int, int, int]:
        """(total, idle, iowait) jiffies since boot: /proc/stat's first eight fields (user,
        nice, system, idle, iowait, irq, softirq, steal; guest time is already in user)."""
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
        return sum(fields), fields[3], fields[4]

    def _backends(self, conn):
        with conn.cursor() as cur:
            cur.execute(self.QUERY)
            return [
                [r[0], r[1], r[2], r[3], float(r[4]) if r[4] is not None else None, r[5]]
                for r in cur.fetchall()
            ]

    def _run(self) -> None:
        import psycopg

        conn = None
        last = self._cpu()
        try:
            while not self.done.wait(self.interval):
                now = self._cpu()
                total = max(now[0] - last[0], 1)
                busy = 1 - ((now[1] - last[1]) + (now[2] - last[2])) / total
                iowait = (now[2] - last[2]) / total
                last = now
                try:
                    if conn is None or conn.closed:
                        conn = psycopg.connect(self.database_url, autocommit=True)
                    backends = self._backends(conn)
                except psycopg.Error as error:
                    backends = {"error": f"{type(error).__name__}: {error}".strip()}
                    if conn is not None:
                        conn.close()
                    conn = None
                stamp = time.monotonic()
                with self.lock:
                    self.samples.append(
                        (
                            stamp,
                            datetime.datetime.now(datetime.UTC).strftime("%H:%M:%S.%f")[:-3],
                            round(busy, 2),
                            round(iowait, 2),
                            backends,
                        )
                    )
                    while self.samples and self.samples[0][0] < stamp - self.keep:
                        self.samples.pop(0)
        finally:
            if conn is not None:
                conn.close()

    def during(self, start: float, end: float) -> list[dict]:
        with self.lock:
            return [
                {"at": at, "cpu_busy": busy, "iowait": iowait, "backends": rows}
                for stamp, at, busy, iowait, rows in self.samples
                if start <= stamp <= end
            ]

    def stop(self) -> None:
        """Stop sampling; the thread closes its own connection."""
        self.done.set()
        self.thread.join(timeout=10)


# A page slower than this (ms) is requested once cold and once warm, not `repeats` times.
SLOW_MS = 3000
# A cold request slower than this (ms, the bound for any request) is kept in the
# result's `stalls` with what the sampler saw while it ran.
STALL_MS = 1000


def single_requests(
    port: int,
    name: str,
    path: str,
    repeats: int,
    bump,
    sampler: Sampler | None = None,
    stall_ms: float = STALL_MS,
) -> dict:
    cold, warm, stalls = [], [], []
    status = size = 0
    headers: dict = {}

    def stall(at: str, began: float, ms: float, timed_out: bool = False) -> None:
        if sampler is None:
            return
        time.sleep(sampler.interval * 2)  # the sample taken as it ended
        stalls.append(
            {
                "at": at,
                "ms": round(ms, 1),
                "timed_out": timed_out,
                "samples": sampler.during(began, time.monotonic()),
            }
        )

    try:
        for _ in range(repeats):
            bump()
            began = time.monotonic()
            at = datetime.datetime.now(datetime.UTC).strftime("%H:%M:%S.%f")[:-3]
            try:
                ms, status, size, _ = timed_get(port, path)
            except TimeoutError:
                stall(at, began, (time.monotonic() - began) * 1000, timed_out=True)
                raise
            cold.append(ms)
            if ms > stall_ms:
                stall(at, began, ms)
            if ms > SLOW_MS:
                break
        for _ in range(len(cold)):
            ms, status, size, headers = timed_get(port, path)
            warm.append(ms)
    except TimeoutError:
        return {
            "name": name,
            "path": path,
            "status": "timeout",
            "bytes": 0,
            "cold_p50_ms": None,
            "cold_max_ms": None,
            "warm_p50_ms": None,
            "revalidation": None,
            "stalls": stalls,
        }
    etag = headers.get("ETag")
    revalidation = None
    if etag:
        ms, code, _, _ = timed_get(port, path, {"If-None-Match": etag})
        revalidation = {"ms": round(ms, 1), "status": code}
    return {
        "name": name,
        "path": path,
        "status": status,
        "bytes": size,
        "cold_p50_ms": round(statistics.median(cold), 1),
        "cold_max_ms": round(max(cold), 1),
        "warm_p50_ms": round(statistics.median(warm), 1),
        "revalidation": revalidation,
        "stalls": stalls,
    }


def print_stalls(stalls: list[dict], stall_ms: float) -> None:
    """Each stall of `single_requests` and its samples, one line a sample and a backend."""
    for stall in stalls:
        ended = "timed out after" if stall["timed_out"] else "took"
        print(f"  over {stall_ms:g} ms at {stall['at']}: {ended} {stall['ms']} ms", flush=True)
        for sample in stall["samples"]:
            print(
                f"    {sample['at']} cpu {sample['cpu_busy']:.2f} iowait {sample['iowait']:.2f}",
                flush=True,
            )
            backends = sample["backends"]
            for backend in [backends] if isinstance(backends, dict) else backends:
                print(f"      {backend}", flush=True)


def versioned_etag(port: int, path: str, timeout: float = 120.0) -> str:
    """The page's ETag once it is cached under the data version (a page built from a stale
    summary has a content ETag and is not cached: wait for the background recount)."""
    deadline = time.monotonic() + timeout
    etag = ""
    while time.monotonic() < deadline:
        etag = get(port, path)[2].get("ETag", "")
        if len(etag) == 26:  # '"' + 24 hex digits + '"' (core.pagecache.etag_for)
            return etag
        time.sleep(1)
    return etag


def wrk(port: int, path: str, *, connections: int, duration: int, threads: int, headers=None):
    """wrk's requests per second and latency p50/p99 (ms) for one address."""
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    for k, v in {**HEADERS, **(headers or {})}.items():
        args += ["-H", f"{k}: {v}"]
    out = subprocess.run(
        [*args, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def latency(pct):
        m = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)\b", out)
        if not m:
            return None
        value, unit = float(m.group(1)), m.group(2)
        return round(value / 1000 if unit == "us" else value * 1000 if unit == "s" else value, 2)

    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {
        "rps": rps,
        "p50_ms": latency(50),
        "p99_ms": latency(99),
        "non_2xx_3xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": errors.group(0) if errors else "",
    }


# --- The run -------------------------------------------------------------------------


def forget_summaries() -> None:
    """Delete every cached summary (core.pagecache.summary), so the next page counts anew."""
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)
    for key in client.scan_iter("*iccwatch:summary:*"):
        client.delete(key)


def pick_identifiers() -> dict:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT s.iso3 FROM visits_visit v JOIN states_state s ON s.id = v.host_id "
            "WHERE v.review_state = 'verified' GROUP BY s.iso3 ORDER BY count(*) DESC LIMIT 2"
        )
        states = [r[0] for r in cur.fetchall()]
        cur.execute(
            "SELECT p.slug FROM visits_visit v JOIN warrants_person p ON p.id = v.person_id "
            "WHERE v.review_state = 'verified' GROUP BY p.slug ORDER BY count(*) DESC LIMIT 1"
        )
        person = cur.fetchone()[0]
        cur.execute(
            "SELECT slug FROM visits_visit WHERE review_state = 'verified' "
            "ORDER BY start DESC NULLS LAST LIMIT 1"
        )
        visit = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM visits_visit")
        visits = cur.fetchone()[0]
        # A visits cursor half-way through the published visits in their default order
        # (api.paging.ListPosition: the start, or `undated`, then the slug).
        cur.execute(
            "SELECT coalesce(start::text, 'undated') || '.' || slug FROM visits_visit "
            "WHERE review_state = 'verified' ORDER BY start, slug "
            "OFFSET (SELECT count(*) / 2 FROM visits_visit WHERE review_state = 'verified') "
            "LIMIT 1"
        )
        visit_cursor_middle = (cur.fetchone() or ("0",))[0]
        # Incidents feed cursors (a change's id) half-way and near the end of the feed.
        cur.execute(
            "SELECT id FROM visits_verdictchange WHERE new_code = 'non_compliance' "
            "ORDER BY xact_id, id"
        )
        changes = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT ref FROM warrants_warrant ORDER BY issued DESC NULLS LAST, id LIMIT 1")
        warrant = (cur.fetchone() or (None,))[0]
        cur.execute("SELECT max(id) FROM visits_finding")
        finding = cur.fetchone()[0]
        cur.execute("SELECT max(id) FROM states_jointstatement")
        statement = cur.fetchone()[0]
        cur.execute("SELECT max(id) FROM states_securitycouncilreferral")
        referral = cur.fetchone()[0]
        # A public change's own page (/changes/visits.visit-N/): a published visit's newest event.
        cur.execute(
            "SELECT max(pgh_id) FROM visits_visitevent WHERE review_state = 'verified' "
            "AND pgh_label <> 'baseline'"
        )
        change = cur.fetchone()[0]
    has_mng = "MNG" in states or _exists_state("MNG")
    return {
        "state": states[0],
        "state2": "MNG" if has_mng and states[0] != "MNG" else states[-1],
        "person": person,
        "visit": visit,
        "visits": visits,
        "incident_changes": len(changes),
        "visit_cursor_middle": visit_cursor_middle,
        "cursor_middle": changes[len(changes) // 2] if changes else 0,
        "cursor_end": changes[-3] if len(changes) > 3 else 0,
        "warrant": warrant,
        "finding": finding,
        "statement": statement,
        "referral": referral,
        "change": f"visits.visit-{change}" if change else None,
        "sitemap_last": _sitemap_files("visits"),
    }


def _sitemap_files(section: str) -> int:
    """How many files the sitemap's `section` spans (its last page number)."""
    from front.sitemaps import SITEMAPS

    return SITEMAPS[section]().paginator.num_pages


def _exists_state(iso3: str) -> bool:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT 1 FROM visits_visit v JOIN states_state s ON s.id = v.host_id "
            "WHERE s.iso3 = %s LIMIT 1",
            [iso3],
        )
        return cur.fetchone() is not None


def machine() -> dict:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())

    def version(command: list[str]) -> str:
        # Absent with --skip-wrk on a machine without wrk or nginx: recorded as "".
        try:
            done = subprocess.run(command, capture_output=True, text=True)
        except FileNotFoundError:
            return ""
        return (done.stdout + done.stderr).split("\n")[0].strip()

    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "cpu": cpu,
        "nproc": os.cpu_count(),
        "ram_gib": round(int(mem.group(1)) / 1024 / 1024, 1) if mem else None,
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "wrk": version(["wrk", "-v"]),
        "nginx": version(["nginx", "-v"]),
        # The commit, and "-dirty" when the working tree had uncommitted changes.
        "git": subprocess.run(
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
        ).stdout.strip(),
    }


def database_settings() -> dict:
    """The PostgreSQL settings that decide whether a cold read waits on the disk: the server's
    own cache (`shared_buffers`), the planner's idea of the machine's (`effective_cache_size`)
    and the database's size, in bytes and as PostgreSQL prints them."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT current_setting('server_version'), current_setting('shared_buffers'),"
            " current_setting('effective_cache_size'), current_setting('max_parallel_workers_per_gather'),"
            " pg_database_size(current_database()), pg_size_pretty(pg_database_size(current_database())),"
            " pg_size_bytes(current_setting('shared_buffers'))"
        )
        version, buffers, cache_size, parallel, size, pretty, buffer_bytes = cur.fetchone()
    return {
        "postgresql": version,
        "shared_buffers": buffers,
        "effective_cache_size": cache_size,
        "max_parallel_workers_per_gather": parallel,
        "database_bytes": size,
        "database_size": pretty,
        "database_fits_in_shared_buffers": size <= buffer_bytes,
    }


def prewarm() -> dict:
    """Load the database's tables, indexes and their TOAST data into PostgreSQL's shared
    buffers with the pg_prewarm extension (PostgreSQL's contrib, created here if absent),
    one relation at a time, the biggest first: where the database does not fit, what is
    loaded later pushes out what was loaded earlier, so the small tables and indexes that
    every page reads are the ones kept. What a server that has served these pages for a
    while holds. Returns the blocks loaded and the seconds it took."""
    from django.db import connection

    started = time.monotonic()
    blocks = 0
    with connection.cursor() as cur:
        cur.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        cur.execute(
            "WITH mine AS ("
            "  SELECT c.oid, c.reltoastrelid FROM pg_class c"
            "  JOIN pg_namespace n ON n.oid = c.relnamespace"
            "  WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i', 'm')"
            "), toast AS ("
            "  SELECT reltoastrelid AS oid FROM mine WHERE reltoastrelid <> 0"
            "  UNION ALL SELECT i.indexrelid FROM pg_index i"
            "  JOIN mine ON i.indrelid = mine.reltoastrelid WHERE mine.reltoastrelid <> 0"
            ") SELECT oid FROM (SELECT oid FROM mine UNION ALL SELECT oid FROM toast) r"
            "  ORDER BY pg_relation_size(oid) DESC, oid"
        )
        relations = [row[0] for row in cur.fetchall()]
        for oid in relations:
            cur.execute("SELECT pg_prewarm(%s::oid::regclass)", [oid])
            blocks += cur.fetchone()[0]
    return {
        "relations": len(relations),
        "blocks": int(blocks),
        "seconds": round(time.monotonic() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--label", required=True, help="names the data, e.g. seed or 1m")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/2")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers per server")
    parser.add_argument("--repeats", type=int, default=5, help="single requests per page")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--skip-single", action="store_true")
    parser.add_argument("--only", help="single requests: only the paths matching this regex")
    parser.add_argument(
        "--export-only",
        action="store_true",
        help="measure only the biggest country's CSV export, on servers that served only the "
        "warm-up pages (so the workers' peak memory is not another page's)",
    )
    parser.add_argument("--skip-wrk", action="store_true")
    parser.add_argument(
        "--stall-ms",
        type=float,
        default=STALL_MS,
        help="keep what the database and the machine did during any cold request slower "
        "than this (ms) in the result's `stalls`",
    )
    parser.add_argument(
        "--no-vacuum", action="store_true", help="measure without VACUUM (ANALYZE) first"
    )
    parser.add_argument(
        "--prewarm",
        action="store_true",
        help="load the database into PostgreSQL's shared buffers first (pg_prewarm), as a "
        "server that has served it for a while holds it; useful only where shared_buffers "
        "holds the database (the result's machine.database says)",
    )
    parser.add_argument("--json", help="append the results as one JSON line to this file")
    args = parser.parse_args()
    if not args.database_url:
        raise SystemExit("--database-url or DATABASE_URL is required")

    os.environ.update(
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        ICCWATCH_SKIP_BOOTSTRAP="1",
        DJANGO_SETTINGS_MODULE="iccwatch.settings",
    )
    import django

    django.setup()

    from core.pagecache import bump_data_version

    # Collected as production collects them (`docker/entrypoint.sh assets`): hashed names
    # and the manifest the servers' `{% static %}` reads (iccwatch.settings, STORAGES),
    # which this process's own settings, not production's, would not write.
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
        env=server_env(args.database_url, args.redis_url, cache=False),
        check=True,
    )
    from django.conf import settings
    from django.db import connection

    if not args.no_vacuum:
        # What a server's autovacuum would have done by now. Where it is off (as on some
        # machines), a run right after bench/reevaluate.py's passes read 146,000 dead
        # verdicts: the incidents' page 2000, an index-only scan, took 571 ms, not 60.
        started = time.monotonic()
        with connection.cursor() as cur:
            cur.execute("VACUUM (ANALYZE)")
        print(f"VACUUM (ANALYZE) {time.monotonic() - started:.1f} s", flush=True)

    db = pick_identifiers()
    print(f"data: {db}", flush=True)
    result = {"label": args.label, "machine": machine(), "data": db, "args": vars(args)}
    result["untimed"] = untimed(db)
    if result["untimed"]:
        print(f"not timed, no row to show: {', '.join(result['untimed'])}", flush=True)
    result["machine"]["database"] = database_settings()
    print(f"database: {result['machine']['database']}", flush=True)
    if not result["machine"]["database"]["database_fits_in_shared_buffers"]:
        print(
            "note: the database is bigger than PostgreSQL's shared_buffers; a read of data "
            "that the operating system's cache has let go waits on the disk",
            flush=True,
        )
    if args.prewarm:
        result["prewarm"] = prewarm()
        print(f"prewarm: {result['prewarm']}", flush=True)

    workdir = Path(tempfile.mkdtemp(prefix="iccwatch-http-"))
    servers = []
    try:
        nginx, nginx_port = start_nginx(workdir, Path(settings.STATIC_ROOT))
        servers.append(nginx)
        cached, cached_port = start_gunicorn(
            server_env(args.database_url, args.redis_url, True), args.workers, workdir, "cached"
        )
        servers.append(cached)
        uncached, uncached_port = start_gunicorn(
            server_env(args.database_url, args.redis_url, False), args.workers, workdir, "plain"
        )
        servers.append(uncached)
        print(f"nginx :{nginx_port}, gunicorn cached :{cached_port}, uncached :{uncached_port}")

        # Each worker loads the map shapes and the gazetteer once: warm them all first (the
        # summaries of the home page, the pages of a country and a person, and the lists of
        # states and persons are counted once here, then recounted in the background).
        warmup = []
        for path in (
            "/",
            f"/states/{db['state']}/",
            f"/persons/{db['person']}/",
            "/states/",
            "/persons/",
            # The places in the gazetteer, as the entrypoint's warm_summaries resolves them.
            "/search/?q=Ulan",
        ):
            for _ in range(args.workers * 3):
                bump_data_version()
                get(cached_port, path)
                get(uncached_port, path)
            # Which warm-up page raised a worker's high-water mark, if one did (a run once
            # read 2.2 GiB before its first timed page, and three probes did not).
            warmup.append(
                {
                    "path": path,
                    "cached_peak_rss_mib": peak_rss_mib(worker_pids(cached)),
                    "uncached_peak_rss_mib": peak_rss_mib(worker_pids(uncached)),
                }
            )
            print(f"warm-up {warmup[-1]}", flush=True)
        result["warmup"] = warmup

        if not args.skip_single and not args.export_only:
            rows = []
            sampler = Sampler(args.database_url)  # only the single requests are sampled
            try:
                for name, path in pages(db):
                    if args.only and not re.search(args.only, path):
                        continue
                    row = single_requests(
                        cached_port, name, path, args.repeats, bump_and_wait, sampler, args.stall_ms
                    )
                    # The workers' high-water mark so far: which page raised it, if any.
                    row["worker_peak_rss_mib"] = peak_rss_mib(worker_pids(cached))
                    rows.append(row)
                    if row["status"] == "timeout":
                        print(f"timeout {path}", flush=True)
                    else:
                        print(
                            f"{row['status']} {row['cold_p50_ms']:8.1f} ms "
                            f"(max {row['cold_max_ms']:8.1f}) "
                            f"warm {row['warm_p50_ms']:6.1f} ms {row['bytes']:>10,} B "
                            f"{row['worker_peak_rss_mib']:6.1f} MiB  {path}",
                            flush=True,
                        )
                    print_stalls(row["stalls"], args.stall_ms)
            finally:
                sampler.stop()
            result["single"] = rows
        if not args.skip_single and not args.only and not args.export_only:
            # The summaries (counts) recounted in the request: what the first reader ever
            # waits for, and what the background thread spends after each write.
            recounts = []
            for path in ("/", f"/states/{db['state']}/", f"/persons/{db['person']}/"):
                times = []
                for _ in range(args.repeats):
                    forget_summaries()
                    bump_and_wait()
                    times.append(timed_get(cached_port, path)[0])
                recounts.append({"path": path, "p50_ms": round(statistics.median(times), 1)})
                print(f"recount {recounts[-1]}", flush=True)
            result["recount"] = recounts
        if (not args.skip_single and not args.only) or args.export_only:
            # The biggest country's visits as CSV, streamed: time, size, workers' peak memory.
            before = peak_rss_mib(worker_pids(cached))
            path = f"/visits.csv?host={db['state']}"
            ms, status, size, _ = timed_get(cached_port, path)
            after = peak_rss_mib(worker_pids(cached))
            result["export"] = {
                "path": path,
                "status": status,
                "bytes": size,
                "ms": round(ms, 1),
                "worker_peak_rss_mib_before": before,
                "worker_peak_rss_mib_after": after,
            }
            print(f"export {result['export']}", flush=True)

        if not args.skip_wrk and not args.export_only:
            country = f"/states/{db['state']}/"
            api = "/api/v1/visits/?page_size=50"
            country_headers = {"ETag": versioned_etag(cached_port, country)}
            api_headers = {"ETag": versioned_etag(cached_port, api)}
            targets = [
                ("nginx static file", nginx_port, f"/static/{STATIC_FILE}", None),
                ("/healthz", cached_port, "/healthz", None),
                ("country page, cached", cached_port, country, None),
                (
                    "country page, 304",
                    cached_port,
                    country,
                    {"If-None-Match": country_headers["ETag"]},
                ),
                ("country page, no cache", uncached_port, country, None),
                ("API 50 rows, cached", cached_port, api, None),
                ("API 50 rows, 304", cached_port, api, {"If-None-Match": api_headers["ETag"]}),
                ("API 50 rows, no cache", uncached_port, api, None),
                ("home, cached", cached_port, "/", None),
            ]
            rounds = []
            for r in range(args.rounds):
                measured = {}
                for name, port, path, headers in targets:
                    measured[name] = wrk(
                        port,
                        path,
                        connections=args.connections,
                        duration=args.duration,
                        threads=args.threads,
                        headers=headers,
                    )
                    # What one request answers right after (names any error wrk counted).
                    measured[name]["status_after"] = get(port, path, headers)[0]
                    print(f"round {r + 1} {name}: {measured[name]}", flush=True)
                healthz = measured["/healthz"]["rps"]
                for row in measured.values():
                    row["x_healthz"] = round(row["rps"] / healthz, 3)
                rounds.append(measured)
            result["wrk"] = rounds
    finally:
        for proc in reversed(servers):
            if proc.pid and proc in servers[1:]:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                    proc.wait(timeout=30)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    stop(proc)
            else:
                stop(proc)
        shutil.rmtree(workdir, ignore_errors=True)

    if args.json:
        with open(args.json, "a") as f:
            f.write(json.dumps(result) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
