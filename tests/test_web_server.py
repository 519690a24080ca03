"""The production web server: it streams a long download to its end, and starts with the
project's gunicorn settings (docker/gunicorn.conf.py).

docker/entrypoint.sh starts gunicorn. With gunicorn's default synchronous workers, a
worker busy with one response for longer than the worker timeout (30 s by default) is
killed: the visits of the busiest country as CSV (112,012 rows, 183 MB, two to three
minutes) were cut after 30 s, under a 200 status. The entrypoint runs threaded workers,
whose main thread keeps reporting to gunicorn while a thread streams.

Checked with the real gunicorn and the entrypoint's own worker arguments, on a tiny WSGI
application that streams for three times a two-second worker timeout. (Not one second:
a threaded worker reports to gunicorn after each wait of up to one second for a
connection, so under a one-second timeout a loaded machine had it killed while idle.)

The entrypoint also passes docker/gunicorn.conf.py: its access log writes a password
link's token `[redacted]` (core/accesslog.py), and it opens no control socket (by default
gunicorn opens one at $HOME/.gunicorn/gunicorn.ctl, a path every gunicorn of the user on
the host shares, and the image's user has no home: a warning at each start).
"""

import http.client
import os
import re
import runpy
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from gunicorn.config import Config

from bench.web import entrypoint_worker_args
from core.accesslog import RedactingLogger

ROOT = Path(__file__).resolve().parent.parent

SLOW_APP = textwrap.dedent(
    """
    import time

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])

        def lines():
            for number in range(8):
                yield b"line %d\\n" % number
                time.sleep(0.75)

        return lines()
    """
)


TINY_APP = textwrap.dedent(
    """
    def app(environ, start_response):
        start_response("302 Found", [("Location", "/newsroom/password-reset/MQ/set-password/")])
        return [b""]
    """
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_it_answers(server: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline, "no gunicorn"
            time.sleep(0.1)


def read_all(port: int) -> tuple[int, bytes]:
    """(status, body) of GET /, or the bytes read before the server cut the response."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    connection.request("GET", "/")
    response = connection.getresponse()
    try:
        return response.status, response.read()
    except http.client.IncompleteRead as cut:
        return response.status, cut.partial


def test_a_response_streams_past_the_worker_timeout(tmp_path):
    (tmp_path / "slow_app.py").write_text(SLOW_APP)
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "slow_app:app",
            "--chdir",
            str(tmp_path),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "2",
            *entrypoint_worker_args(),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        wait_until_it_answers(server, port)
        started = time.monotonic()
        status, body = read_all(port)
        # Six seconds of streaming under a two-second worker timeout, to the last line.
        assert time.monotonic() - started >= 5.5
        assert (status, body.splitlines()) == (200, [b"line %d" % n for n in range(8)])
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    assert b"WORKER TIMEOUT" not in errors


# --- docker/gunicorn.conf.py ---------------------------------------------------------


def entrypoint_gunicorn_config() -> Path | None:
    """The file docker/entrypoint.sh's `exec gunicorn` passes as `--config` (the entrypoint
    runs from the checkout's root), or None."""
    text = (ROOT / "docker" / "entrypoint.sh").read_text()
    start = text.index("exec gunicorn")
    command = text[start : text.index('"$@"', start)]
    match = re.search(r"(?:--config|-c)[\s=]+(\S+)", command)
    return ROOT / match.group(1) if match else None


def project_gunicorn_config() -> Config:
    """gunicorn's settings with the entrypoint's config file applied, as gunicorn applies a
    config file: each of its names that is a setting is set (and validated)."""
    path = entrypoint_gunicorn_config()
    assert path is not None and path.is_file(), "the entrypoint passes no gunicorn config file"
    cfg = Config()
    for name, value in runpy.run_path(str(path)).items():
        if name in cfg.settings:
            cfg.set(name, value)
    return cfg


def test_the_entrypoint_starts_gunicorn_with_the_projects_config():
    assert entrypoint_gunicorn_config() == ROOT / "docker" / "gunicorn.conf.py"
    cfg = project_gunicorn_config()
    assert cfg.control_socket_disable is True
    assert cfg.logger_class is RedactingLogger


def test_gunicorn_accepts_the_config():
    checked = subprocess.run(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--check-config",
            "--config",
            str(entrypoint_gunicorn_config()),
            "iccwatch.wsgi",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stderr


def test_gunicorn_opens_no_control_socket_and_logs_no_password_link(tmp_path):
    """A real gunicorn with the entrypoint's config file and worker arguments, as the
    image's user (no home: HOME=/dev/null, where nothing can be created, even as root)."""
    (tmp_path / "tiny_app.py").write_text(TINY_APP)
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "XDG_RUNTIME_DIR"}
    env["HOME"] = "/dev/null"
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "tiny_app:app",
            "--config",
            str(entrypoint_gunicorn_config()),
            "--pythonpath",
            str(tmp_path),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--access-logfile",
            "-",
            *entrypoint_worker_args(),
        ],
        cwd=ROOT,  # the project's packages (core.accesslog) are importable, as in the image
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        wait_until_it_answers(server, port)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        connection.request("GET", "/newsroom/password-reset/MQ/cz8k2a-6f1e0b2c9d8e7f6a/")
        assert connection.getresponse().status == 302
        connection.close()
    finally:
        server.terminate()
        access, errors = server.communicate(timeout=30)
    assert b"Booting worker" in errors
    # Neither "Control socket listening at ..." nor "Control server error: ...".
    assert not re.search(rb"control (socket|server)", errors, re.I), errors.decode()
    assert b"cz8k2a" not in access
    assert b'"GET /newsroom/password-reset/MQ/[redacted]/ HTTP/1.1" 302' in access, access
