"""The README's "API in five minutes" works: every curl command in it runs against a live server.

Each command is run as written (with the live server's address instead of
127.0.0.1:8000, and $ICCWATCH_TOKEN set to a reporter's token), in order, in one
directory, with the real curl. It must answer 2xx (304 for `--etag-compare`, which is
the point of that example) with JSON, or CSV when the command asks for CSV.
"""

import csv
import io
import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "## API in five minutes"
ADVERTISED_HOST = "http://127.0.0.1:8000"


def readme_section() -> str:
    text = README.read_text(encoding="utf-8")
    assert SECTION in text, f"README.md has no {SECTION!r} section"
    section = text.split(SECTION, 1)[1]
    return section.split("\n## ", 1)[0]


def shell_commands(section: str) -> list[str]:
    """The commands in the section's sh code blocks, continuation lines and quoted newlines joined."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL):
        pending = ""
        for line in block.splitlines():
            if not pending and (not line.strip() or line.lstrip().startswith("#")):
                continue
            pending += line + "\n"
            if pending.rstrip().endswith("\\"):
                continue
            try:
                shlex.split(pending)
            except ValueError:  # an open quote: the command goes on
                continue
            commands.append(pending.strip())
            pending = ""
        assert not pending, f"unterminated command in README: {pending!r}"
    return commands


def test_the_section_has_curl_examples_for_every_kind_of_use():
    commands = shell_commands(readme_section())
    assert len(commands) >= 8
    assert all(c.startswith("curl ") for c in commands)
    joined = " ".join(commands)
    for needle in (
        "format=csv",
        "text/csv",
        "as_of=",
        "incidents",
        "cursor=",
        "--etag-compare",
        "Authorization: Token",
        "-X POST",
        "/api/v1/reports/",
        "Idempotency-Key",
    ):
        assert needle in joined, needle


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_every_curl_command_in_the_readme_works(live_server, seeded, reporter, tmp_path):
    token = Token.objects.get_or_create(user=reporter)[0].key
    for command in shell_commands(readme_section()):
        runnable = command.replace(ADVERTISED_HOST, live_server.url)
        result = subprocess.run(
            ["bash", "-c", runnable + " -sS -w '\\n%{http_code} %{content_type}'"],
            cwd=tmp_path,
            env={
                "PATH": "/usr/bin:/bin:/usr/local/bin",
                "ICCWATCH_TOKEN": token,
                "HOME": str(tmp_path),
            },
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, (command, result.stderr)
        body, _, status_line = result.stdout.rpartition("\n")
        status, _, content_type = status_line.partition(" ")
        if "--etag-compare" in command:
            assert status == "304", (command, status)
            continue
        assert status.startswith("2"), (command, status, body[:500])
        if "format=csv" in command or "text/csv" in command:
            assert content_type.startswith("text/csv"), (command, content_type)
            assert body.startswith("\ufeff"), (command, "a CSV starts with a byte order mark")
            header = next(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
            assert "url" in header, (command, header)
        else:
            assert content_type == "application/json", (command, content_type)
            json.loads(body)
