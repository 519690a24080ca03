"""A real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against live_server.

Playwright cannot download browsers here, so it is pointed at the system package
(`apt-get install chromium`, done by .ci/run). Screenshots of every page go to
tests/artifacts/ (ignored by git); tests/artifacts/home.png is the README's picture.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"  # Debian's package; Playwright cannot download browsers here
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests and
# fixtures make here are still plain synchronous calls, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session", autouse=True)
def _end_live_server_sessions(django_db_setup, django_db_blocker):
    """The live server answers each browser connection in its own thread, and a keep-alive
    connection can outlive the test with its database session open; end those sessions
    so that the test database can be dropped at the end of the run."""
    yield
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, seeded):
    """The live site's base URL, with the dataset loaded."""
    return live_server.url


@pytest.fixture
def browse(chromium):
    """Open a browser context: browse(locale="fr-FR", javascript=False, width=390)."""
    contexts = []

    def open_page(*, locale="en-GB", javascript=True, width=1280, height=900):
        context = chromium.new_context(
            locale=locale,
            java_script_enabled=javascript,
            viewport={"width": width, "height": height},
            accept_downloads=True,
        )
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
        page.on("pageerror", lambda e: page.problems.append(str(e)))
        return page

    yield open_page
    for context in contexts:
        context.close()


def snap(page, name: str) -> Path:
    """Save a full-page screenshot as an artifact."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture(autouse=True)
def generous_rate_limits(generous_rate_limits):
    """A browser loads many pages (and the API docs' schema, the person box's suggestions)
    from one address within a minute: the API's per-address limits are not under test."""
