"""The production web server streams a long download to its end.

docker/entrypoint.sh starts gunicorn. With gunicorn's default synchronous workers, a
worker busy with one response for longer than the worker timeout (30 s by default) is
killed: the visits of the busiest country as CSV (112,012 rows, 183 MB, two to three
minutes) were cut after 30 s, under a 200 status. The entrypoint runs threaded workers,
whose main thread keeps reporting to gunicorn while a thread streams.

Checked with the real gunicorn and the entrypoint's own worker arguments, on a tiny WSGI
application that streams for three times a two-second worker timeout. (Not one second:
a threaded worker reports to gunicorn after each wait of up to one second for a
connection, so under a one-second timeout a loaded machine had it killed while idle.)
"""

import http.client
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from bench.web import entrypoint_worker_args

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "no gunicorn"
                time.sleep(0.1)
        started = time.monotonic()
        status, body = read_all(port)
        # Six seconds of streaming under a two-second worker timeout, to the last line.
        assert time.monotonic() - started >= 5.5
        assert (status, body.splitlines()) == (200, [b"line %d" % n for n in range(8)])
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    assert b"WORKER TIMEOUT" not in errors
