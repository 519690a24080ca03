"""/data/: the bulk downloads with their checksums and schema.org description, the data
changelog (page and Atom feed), and "last updated" in every page's footer."""

import base64
import hashlib
import json
import re
import xml.etree.ElementTree as ET

import pytest

from dataset import bulk
from front.views.data import changelog_entries
from tests.site.conftest import body

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def downloads(settings, tmp_path):
    settings.ICCWATCH_DOWNLOADS_DIR = tmp_path / "downloads"
    return settings.ICCWATCH_DOWNLOADS_DIR


def json_ld(html: str) -> dict:
    (text,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(text)


def test_the_page_offers_the_zip_and_the_sqlite_file_with_their_checksums(
    reader, seeded, downloads
):
    manifest = bulk.build()
    html = body(reader.get("/data/"))
    for file in manifest["files"]:
        assert f'href="/data/{file["name"]}"' in html
        assert file["sha256"] in html
        response = reader.get(f"/data/{file['name']}")
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="{file["name"]}"'
        content = b"".join(response.streaming_content)
        assert hashlib.sha256(content).hexdigest() == file["sha256"]
        digest = base64.b64encode(hashlib.sha256(content).digest()).decode()
        assert response["Repr-Digest"] == f"sha-256=:{digest}:"
    assert manifest["version"] in html
    assert 'href="/data/changelog/"' in html and 'href="/data/changelog/feed/"' in html


def test_the_page_describes_the_dataset_in_schema_org_terms(reader, seeded, downloads):
    manifest = bulk.build()
    dataset = json_ld(body(reader.get("/data/")))
    assert dataset["@type"] == "Dataset" and dataset["version"] == manifest["version"]
    assert dataset["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert [d["encodingFormat"] for d in dataset["distribution"]] == [
        "application/zip",
        "application/vnd.sqlite3",
    ]
    assert dataset["distribution"][0]["contentUrl"].startswith(
        "http://testserver/data/iccwatch-data-"
    )


def test_before_a_build_the_page_says_so_and_no_file_is_served(reader, seeded, downloads):
    html = body(reader.get("/data/"))
    # A reader is told when to come back and what to use meanwhile, not a command to run.
    assert 'id="downloads-pending"' in html and "built within the hour" in html
    assert "manage.py" not in html
    assert "distribution" not in json_ld(html)
    assert reader.get("/data/iccwatch-data-2026.11.30-abc.zip").status_code == 404


def test_only_the_files_of_the_manifest_are_served(reader, seeded, downloads):
    bulk.build()
    (downloads / "iccwatch-data-other.zip").write_bytes(b"not listed")
    assert reader.get("/data/iccwatch-data-other.zip").status_code == 404
    assert reader.get("/data/manifest.json").status_code == 404
    assert reader.get("/data/..%2Fmanifest.json").status_code == 404


def test_the_changelog_page_and_feed_have_one_entry_per_dataset_version(reader, db):
    entries = changelog_entries()
    assert (
        len(entries) >= 3 and entries[0].version == (bulk.DATA_DIR / "VERSION").read_text().strip()
    )
    html = body(reader.get("/data/changelog/"))
    for entry in entries:
        assert f'id="v{entry.version}"' in html
    feed = ET.fromstring(reader.get("/data/changelog/feed/").content)
    ids = [e.find(f"{ATOM}id").text for e in feed.iter(f"{ATOM}entry")]
    assert ids == [f"http://testserver/data/changelog/#v{e.version}" for e in entries]


def test_a_french_changelog_marks_its_entries_english_and_their_dates_french(reader, db):
    """WCAG 3.1.2: an entry's words are the changelog's English, its heading's date is in
    the page's language (« 3 décembre 2026 »), so lang="en" holds the words, not the date."""
    french = body(reader.get("/fr/data/changelog/"))
    entry = changelog_entries()[0]
    section = french[french.index(f'id="v{entry.version}"') :]
    section = section[: section.index("</section>")]
    opening = section[: section.index(">")]
    assert 'lang="en"' not in opening and "<h2>" in section
    heading = section[section.index("<h2>") : section.index("</h2>")]
    assert "lang=" not in heading
    words = section[section.index("</h2>") + len("</h2>") :].lstrip()
    assert words.startswith('<div lang="en">'), words[:80]
    english = body(reader.get("/data/changelog/"))
    assert 'lang="en"' not in english[english.index(f'id="v{entry.version}"') :][:2000]


def test_the_french_changelog_feed_gives_its_category_in_french_and_marks_the_entries_english(
    reader, db
):
    """RFC 4287 and WCAG 3.1.2 as on the page: the French feed's entries said
    `<category term="dataset"/>` in English, and their English words were marked French by
    the feed's xml:lang="fr"."""
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    french = ET.fromstring(reader.get("/fr/data/changelog/feed/").content)
    assert french.get(xml_lang) == "fr"
    for entry in french.iter(f"{ATOM}entry"):
        assert [c.get("term") for c in entry.iter(f"{ATOM}category")] == ["jeu de données"]
        assert entry.find(f"{ATOM}summary").get(xml_lang) == "en"
        assert entry.find(f"{ATOM}title").text.startswith("Version ")
    english = ET.fromstring(reader.get("/data/changelog/feed/").content)
    for entry in english.iter(f"{ATOM}entry"):
        assert [c.get("term") for c in entry.iter(f"{ATOM}category")] == ["dataset"]
        assert entry.find(f"{ATOM}summary").get(xml_lang) is None


def test_the_changelog_shows_markup_as_text():
    (entry,) = changelog_entries("## 2030.01.01 — 2030-01-01\n\n<script>alert(1)</script> *new*\n")
    assert "<script>" not in entry.html and "&lt;script&gt;" in entry.html
    assert "<em>new</em>" in entry.html


def test_every_page_says_when_the_data_was_last_updated(reader, seeded):
    from django.core.cache import cache

    from dataset.models import DatasetImport

    cache.delete("front:last-updated")
    imported = DatasetImport.objects.latest().imported_at
    html = body(reader.get("/visits/"))
    assert "Data last updated on" in html
    assert str(imported.year) in html.split("Data last updated on")[1][:40]
    cache.delete("front:last-updated")
    french = body(reader.get("/fr/visits/"))
    assert "Données mises à jour le" in french


def test_the_data_dictionary_is_a_page_the_data_page_and_the_api_link(reader, seeded):
    """The API's CSV answers and the downloads point to the dictionary: a reader without
    the repository reads it at /data/dictionary/, its tables as tables."""
    html = body(reader.get("/data/dictionary/"))
    assert html.count('<table class="reflow">') >= 8
    assert '<td data-label="column"><code>host_notified</code></td>' in html
    assert '<div class="dictionary" lang="en">' in html
    assert 'href="/data/dictionary/"' in body(reader.get("/data/"))
    french = body(reader.get("/fr/data/dictionary/"))
    assert "Dictionnaire des données" in french and "écrit en anglais" in french
    schema = reader.get("/api/v1/schema/?format=json").json()
    described = json.dumps(schema)
    assert "/data/dictionary/" in described and "data/DICTIONARY.md" not in described


def test_each_code_example_of_the_dictionary_is_a_named_region_the_keyboard_reaches(reader, seeded):
    """WCAG 2.1.1 (axe's scrollable-region-focusable): the pandas example scrolls sideways on
    a phone, and its <pre> took no focus, so a keyboard could not scroll it. Each code
    example is in the tab order, a region named in the reader's language (each language
    its own, whichever was asked first); indented code too."""
    from django.utils import translation

    from front.views.data import dictionary_html

    for path, name in (
        ("/data/dictionary/", "Code example (python)"),
        ("/fr/data/dictionary/", "Exemple de code (python)"),
        ("/data/dictionary/", "Code example (python)"),
    ):
        html = body(reader.get(path))
        pres = re.findall(r"<pre\b[^>]*>", html)
        assert pres == [f'<pre tabindex="0" role="region" aria-label="{name}">'], (path, pres)
    with translation.override("fr"):
        indented = dictionary_html("Read it:\n\n    import pandas\n")
    assert '<pre tabindex="0" role="region" aria-label="Exemple de code">' in indented


def test_the_page_says_a_list_downloads_more_columns_than_it_shows_and_where_the_api_differs(
    reader, seeded, downloads
):
    """A list's download has the dictionary's columns (32 for the visits), not the five on
    screen; the API's visits and incidents name their page page_url and their API address url."""
    html = body(reader.get("/data/"))
    assert "with the columns the data dictionary gives for it, more than the list shows" in html
    assert "but for url (the API address there; page_url is the page)" in html
    assert "the list&#x27;s own columns" not in html and "the list's own columns" not in html
    dictionary = body(reader.get("/data/dictionary/"))
    assert "the API&#x27;s visits and incidents add page_url" in dictionary.replace(
        "the API's", "the API&#x27;s"
    )


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_page_names_each_companion_table_of_a_visits_sources_and_warrants(
    reader, seeded, downloads, language
):
    """The page's "Several warrants or sources of one visit are several rows of a
    companion table (…)" names each such table of a visit, its withdrawal's sources too."""
    manifest = bulk.build()
    # A visit's own sources, its withdrawal's, and its verdict's warrants.
    companions = ["verdict_warrants", "visit_sources", "withdrawal_sources"]
    assert set(companions) <= set(manifest["tables"])
    html = body(reader.get("/data/" if language == "en" else "/fr/data/"))
    assert f"({', '.join(companions)})" in html


def test_the_api_documentation_says_it_is_english_whatever_the_readers_language(reader, seeded):
    """WCAG 3.1.1: the documentation's words (its schema's descriptions, Swagger UI's labels)
    are English in every language; a French reader's page said `<html lang="fr">`, and
    the French /fr/data/ linked it as a French page."""
    reader.cookies["django_language"] = "fr"
    docs = body(reader.get("/api/v1/docs/", HTTP_ACCEPT_LANGUAGE="fr"))
    assert '<html lang="en">' in docs
    french = body(reader.get("/fr/data/"))
    assert '<a href="/api/v1/docs/" hreflang="en">Documentation de l’API</a> (en anglais)' in french
    english = body(reader.get("/data/"))
    assert '<a href="/api/v1/docs/" hreflang="en">API documentation</a></p>' in english


def change_the_data(n: int) -> None:
    from visits.models import Visit

    visit = Visit.objects.published().first()
    visit.place = f"Elsewhere {n}"
    visit.save()


def test_a_superseded_build_is_still_served_and_listed_as_an_earlier_build(
    reader, seeded, downloads
):
    """A cited file name and SHA-256 stay true after `build_downloads` builds newer files."""
    first = bulk.build()
    change_the_data(1)
    second = bulk.build()
    assert second["key"] != first["key"]
    for file in first["files"]:
        response = reader.get(f"/data/{file['name']}")
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        assert hashlib.sha256(content).hexdigest() == file["sha256"]
        digest = base64.b64encode(hashlib.sha256(content).digest()).decode()
        assert response["Repr-Digest"] == f"sha-256=:{digest}:"
    html = body(reader.get("/data/"))
    earlier = html[html.index('id="earlier-builds"') :]
    for file in first["files"]:
        assert f'href="/data/{file["name"]}"' in earlier and file["sha256"] in earlier
    assert first["data_as_of"].replace(".000000Z", "Z") in earlier  # <time datetime>
    # The current build's line says what its data is of, as a citation names it.
    current = html[: html.index('id="earlier-builds"')]
    assert "data as of <time datetime=" in current
    assert all(f'href="/data/{f["name"]}"' in current for f in second["files"])


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_file_no_longer_kept_is_gone_with_a_page_that_says_so(
    reader, seeded, downloads, settings, language
):
    settings.ICCWATCH_DOWNLOADS_KEEP = 0
    first = bulk.build()
    change_the_data(1)
    bulk.build()
    prefix = "/fr" if language == "fr" else ""
    for file in first["files"]:
        response = reader.get(f"{prefix}/data/{file['name']}")
        assert response.status_code == 410
        assert response["Content-Type"].startswith("text/html")
        assert response["Content-Language"] == language
        html = body(response)
        said = html[html.index('id="gone-file"') :]
        assert f"<code>{file['name']}</code>" in said
        assert file["sha256"] in html
        assert f'href="{prefix}/data/"' in html and f'href="{prefix}/data/changelog/"' in html
        if language == "en":
            assert "<title>File no longer kept · iccwatch</title>" in html
            assert f"version {first['version']}, data as of <time" in said
            assert "Newer builds have superseded it, and it is no longer kept." in said
        else:
            assert "<title>Fichier qui n’est plus conservé · iccwatch</title>" in html
            assert "Des compilations plus récentes l’ont remplacé" in said


def test_a_build_removed_before_removals_were_recorded_is_gone_not_missing(
    reader, seeded, downloads
):
    """A name shaped as a build's, of a dataset version the site imported, may have been
    published by a build removed before removed.json existed: 410, never a bare 404."""
    from dataset.models import DatasetImport

    bulk.build()
    version = DatasetImport.latest_version()
    for name in (
        f"iccwatch-data-{version}-75fe54630b17.zip",
        f"iccwatch-data-{version}-75fe54630b17.sqlite",
    ):
        response = reader.get(f"/data/{name}")
        assert response.status_code == 410
        assert f"<code>{name}</code>" in body(response)
    # Never a build's name: a version never imported, or no key.
    assert reader.get("/data/iccwatch-data-1999.01.01-75fe54630b17.zip").status_code == 404
    assert reader.get(f"/data/iccwatch-data-{version}-abc.zip").status_code == 404


def test_a_build_recorded_before_builds_kept_their_datas_date_still_shows(
    reader, seeded, downloads
):
    """A manifest written before builds recorded `data_as_of` (the current build's, and an
    earlier build's kept beside it) gave /data/ a 500 after the upgrade: it shows, without
    that date."""
    manifest = bulk.build()
    old = {k: v for k, v in manifest.items() if k != "data_as_of"}
    old["earlier"] = [{k: v for k, v in old.items() if k not in ("earlier",)}]
    (bulk.downloads_dir() / bulk.MANIFEST).write_text(json.dumps(old))
    response = reader.get("/data/")
    assert response.status_code == 200
    assert manifest["files"][0]["sha256"] in body(response)


def test_the_page_gives_the_latest_imports_version_everywhere(reader, seeded, downloads):
    """An import recorded under a version its changelog had no entry for (the importer did
    not ask for one then): /data/ said "Dataset version X" above its files but "Latest
    version: <the changelog's newest entry>" under Changes, and described the dataset,
    before a build, with the changelog's version."""
    from dataset.models import DatasetImport
    from tests.releases import CURRENT, NEWER, changelog_heading

    assert f"Latest version: {CURRENT}." in body(reader.get("/data/"))
    seed = DatasetImport.objects.latest()
    kept = {name: getattr(seed, name) for name in ("changelog", "dictionary", "licence")}
    DatasetImport.objects.create(version=NEWER, digest=seed.digest, **kept)

    html = body(reader.get("/data/"))
    assert "Latest version:" not in html  # the changelog has no entry for it
    assert json_ld(html)["version"] == NEWER
    bulk.build()
    html = body(reader.get("/data/"))
    assert f"Dataset version {NEWER}," in html and "Latest version:" not in html
    assert json_ld(html)["version"] == NEWER

    # Its entry written (above it, a newer one the data is not of): the import's version.
    entry = f"{changelog_heading(NEWER)}\n\nA release.\n\n"
    changelog = kept["changelog"].replace("\n## ", f"\n## 2099.01.01\n\nNot yet.\n\n{entry}## ", 1)
    DatasetImport.objects.filter(version=NEWER).update(changelog=changelog)
    html = body(reader.get("/data/"))
    assert f"Latest version: {NEWER}." in html and "2099.01.01." not in html
