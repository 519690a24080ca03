"""Production's static files: named by their content, cached for good, served compressed.

Production collects them with whitenoise's CompressedManifestStaticFilesStorage (settings,
STORAGES): css/site.css becomes css/site.<hash>.css, with a gzip copy, and `{% static %}`
links the hashed name, which whitenoise serves with a ten-year `immutable` cache. Before,
collectstatic copied the files as they were named, the pages linked /static/css/site.css
and whitenoise served it with a 60-second cache, uncompressed.

The tests' own settings keep Django's plain storage (nothing collected, files read where
they are); here the files are collected once, with production's storage, into a folder of
the module's, and the main pages rendered with it.
"""

import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from tests.site.conftest import body
from tests.test_settings import load_settings

# A name whitenoise and Django's manifest give a collected file: its hash before the suffix.
HASHED = re.compile(r"\.[0-9a-f]{12}\.[a-z0-9]+$")
LINKED = re.compile(r'(?:href|src)="(/static/[^"]+)"')
PAGES = [
    "/",
    "/fr/",
    "/states/MNG/",
    "/fr/states/MNG/",
    "/persons/vladimir-putin/",
    "/visits/",
    "/search/?q=putin",
    "/method/",
    "/data/",
    "/embed/states/MNG/",
    "/newsroom/sign-in/",
    "/api/v1/docs/",
]
TEN_YEARS = 10 * 365 * 24 * 3600


def storages(environment: str) -> dict:
    """STORAGES as the settings set them for DJANGO_ENV=`environment` (a fresh interpreter)."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.STORAGES))"
    )
    result = load_settings(_code=code, DJANGO_ENV=environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def production_storages():
    return storages("production")


def test_production_names_static_files_by_their_content_and_development_does_not(
    production_storages,
):
    assert production_storages["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    # The tests and `manage.py up` read the files where they are, nothing collected.
    assert storages("development")["staticfiles"]["BACKEND"] == (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )


@pytest.fixture(scope="module")
def collected(production_storages, tmp_path_factory):
    """The static files collected as `docker/entrypoint.sh assets` collects them in
    production, and these settings while the module's tests run; the folder."""
    root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(STATIC_ROOT=root, STORAGES=production_storages):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield root


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_every_static_file_a_page_links_is_hashed_and_collected(collected, seeded, url):
    response = Client().get(url)
    assert response.status_code == 200, url
    linked = LINKED.findall(body(response))
    assert linked, f"{url} links no static file"
    unhashed = [path for path in linked if not HASHED.search(path)]
    assert unhashed == []
    missing = [path for path in linked if not (collected / path.removeprefix("/static/")).is_file()]
    assert missing == []


@pytest.mark.django_db
def test_the_stylesheet_is_served_for_good_and_compressed(collected, seeded):
    """The hashed name a page links: whitenoise serves it with a ten-year immutable cache,
    gzipped to a browser that accepts it; the name without its hash still answers (an
    address kept from before), with whitenoise's short cache."""
    page = body(Client().get("/"))
    (stylesheet,) = re.findall(r'<link rel="stylesheet" href="(/static/css/site\.[^"]+)"', page)
    assert HASHED.search(stylesheet)
    client = Client()
    response = client.get(stylesheet, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert response["Content-Encoding"] == "gzip"
    cache = response["Cache-Control"]
    assert "immutable" in cache and "public" in cache
    assert int(re.search(r"max-age=(\d+)", cache).group(1)) >= TEN_YEARS
    plain = client.get("/static/css/site.css")
    assert plain.status_code == 200 and "immutable" not in plain["Cache-Control"]


def test_no_static_file_refers_to_another_by_a_path_the_manifest_cannot_rewrite():
    """A stylesheet's url() and a script's fetch of a static file would keep a plain name
    (or, for a script, one collectstatic cannot see): none is written in the project's own
    files, which reach each other through `{% static %}` in the templates only."""
    static = Path(__file__).resolve().parents[2] / "static"
    for path in static.rglob("*"):
        if path.suffix == ".css":
            assert "url(" not in path.read_text(), path
        if path.suffix == ".js":
            assert "/static/" not in path.read_text(), path
