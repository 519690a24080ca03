""" "Cite this page" on country, person, visit and list pages: text, BibTeX and RIS, each
with the date of the verdicts and the rule version."""

import datetime
import html as html_module
import re

import bibtexparser
import pytest
import rispy
from django.db.models import Max
from django.test import RequestFactory
from django.utils import timezone, translation

from compliance import RULE_VERSION
from core.names import format_date
from core.pagecache import bump_data_version
from dataset.models import DatasetImport
from front import citations
from tests.site.conftest import body
from tests.site.test_cards import in_language
from visits.models import Verdict

pytestmark = pytest.mark.django_db

PUTIN_MNG = "/visits/vladimir-putin-mng-2024-09-02/"
PAGES = [
    ("/states/MNG/", "Mongolia", {"visit__host__iso3": "MNG"}),
    (
        "/persons/vladimir-putin/",
        "Vladimir Vladimirovich Putin",
        {"visit__person__slug": "vladimir-putin"},
    ),
    (
        PUTIN_MNG,
        "Vladimir Vladimirovich Putin in Mongolia, 2–3 September 2024",
        {"visit__slug": "vladimir-putin-mng-2024-09-02"},
    ),
    ("/visits/", "Visits", {}),
    ("/incidents/", "Incidents", {}),
    ("/states/", "States", {}),
    ("/persons/", "Persons", {}),
    ("/warrants/", "Warrants", {}),
]


def verdicts_as_of(**filters) -> datetime.date:
    latest = Verdict.objects.filter(visit__review_state="verified", **filters).aggregate(
        at=Max("computed_at")
    )["at"]
    return timezone.localdate(latest)


def bibtex_entry(text: str):
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == [] and len(library.entries) == 1
    return library.entries[0]


@pytest.mark.parametrize(("url", "title", "filters"), PAGES)
def test_each_page_cites_itself_with_the_verdict_date_and_rule_version(
    reader, seeded, url, title, filters
):
    html = body(reader.get(url))
    as_of = format_date(verdicts_as_of(**filters))
    today = format_date(timezone.localdate())
    area = html[html.index('<textarea id="citation"') :]
    text = area[area.index(">") + 1 : area.index("</textarea>")]
    assert text.startswith(f"iccwatch, “{title}”. ")
    version = DatasetImport.latest_version()
    assert version  # the seed's data/VERSION
    assert (
        f"as of {as_of}, rule version {RULE_VERSION}, dataset version {version}. "
        f"http://testserver{url} (accessed {today})."
    ) in text
    assert f"Dataset version {version}." in html[html.index('id="cite-verdicts"') :]
    assert f'href="{url}?cite=bibtex"' in html and f'href="{url}?cite=ris"' in html


@pytest.mark.parametrize(("url", "title", "filters"), PAGES)
def test_each_page_downloads_its_citation_as_bibtex_and_ris(reader, seeded, url, title, filters):
    as_of = verdicts_as_of(**filters)
    today = timezone.localdate()

    response = reader.get(url, {"cite": "bibtex"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"].endswith('.bib"')
    entry = bibtex_entry(response.content.decode())
    assert entry.entry_type == "misc" and entry.key.startswith("iccwatch-")
    fields = {f.key: f.value for f in entry.fields}
    assert fields["title"] == "{" + title + "}"
    assert fields["author"] == "{iccwatch}"
    assert fields["url"] == f"http://testserver{url}"
    assert fields["urldate"] == today.isoformat()
    version = DatasetImport.latest_version()
    assert (
        f"as of {format_date(as_of)}, rule version {RULE_VERSION}, dataset version {version}"
        in fields["note"]
    )

    response = reader.get(url, {"cite": "ris"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert response["Content-Disposition"].endswith('.ris"')
    [reference] = rispy.loads(response.content.decode())
    assert reference["type_of_reference"] == "ELEC"
    assert reference["title"] == title
    assert reference["urls"] == [f"http://testserver{url}"]
    assert reference["access_date"] == today.strftime("%Y/%m/%d")
    assert reference["date"] == as_of.strftime("%Y/%m/%d")
    assert f"rule version {RULE_VERSION}, dataset version {version}" in reference["notes"][0]


def test_a_visit_cites_its_own_verdict_and_the_rule_version_that_made_it(reader, seeded):
    verdict = Verdict.objects.get(visit__slug="vladimir-putin-mng-2024-09-02")
    Verdict.objects.filter(pk=verdict.pk).update(
        rule_version="2025.01.01",
        computed_at=datetime.datetime(2025, 3, 4, 12, tzinfo=datetime.UTC),
    )
    html = body(reader.get(PUTIN_MNG))
    assert "Verdict: non-compliance, as of 4 March 2025, rule version 2025.01.01, dataset" in html
    assert "Verdict as of 4 March 2025, rule version 2025.01.01." in html


def test_a_list_cites_its_filters_but_not_its_page(reader, seeded):
    html = body(reader.get("/visits/", {"host": "MNG", "page": "1"}))
    assert "http://testserver/visits/?host=MNG (accessed" in html
    assert 'href="/visits/?host=MNG&amp;cite=ris"' in html
    fields = {
        f.key: f.value
        for f in bibtex_entry(
            reader.get("/visits/", {"host": "MNG", "page": "1", "cite": "bibtex"}).content.decode()
        ).fields
    }
    assert fields["url"] == "http://testserver/visits/?host=MNG"


def test_a_filtered_list_is_cited_by_what_it_shows_and_a_refused_one_not_at_all(reader, seeded):
    query = {"host": "MNG", "person": "vladimir-putin", "year": "2024"}
    html = body(reader.get("/visits/", query))
    title = html_module.unescape(re.search(r"<title>([^<]+)</title>", html).group(1))
    assert title.startswith("Visits to Mongolia by Vladimir"), title
    entry = bibtex_entry(reader.get("/visits/", {**query, "cite": "bibtex"}).content.decode())
    fields = {f.key: f.value for f in entry.fields}
    assert fields["title"].strip("{}").startswith("Visits to Mongolia by Vladimir"), fields
    refused = reader.get("/visits/", {"host": "ZZZ"})
    assert refused.status_code == 400
    assert "Permanent address" not in body(refused)
    as_file = reader.get("/visits/", {"host": "ZZZ", "cite": "bibtex"})
    assert as_file.status_code == 400 and "@misc" not in body(as_file)


def test_a_filter_with_accents_is_cited_percent_encoded(reader, seeded):
    response = reader.get("/states/", {"name": "Côte", "cite": "bibtex"})
    fields = {f.key: f.value for f in bibtex_entry(response.content.decode()).fields}
    assert fields["url"] == "http://testserver/states/?name=C%C3%B4te"
    assert fields["howpublished"] == r"\url{http://testserver/states/?name=C\%C3\%B4te}"
    [reference] = rispy.loads(
        reader.get("/states/", {"name": "Côte", "cite": "ris"}).content.decode()
    )
    assert reference["urls"] == ["http://testserver/states/?name=C%C3%B4te"]


def test_the_citation_follows_the_readers_language(reader, seeded):
    html = body(in_language(reader, "/states/MNG/", "fr")[0])
    with translation.override("fr"):
        as_of = format_date(verdicts_as_of(visit__host__iso3="MNG"))
    version = DatasetImport.latest_version()
    assert (
        f"iccwatch, «\u00a0Mongolie\u00a0». Verdicts au {as_of}, version de la règle "
        f"{RULE_VERSION}, version des données {version}." in html
    )
    assert f"Version des données\u00a0: {version}." in html
    fields = {
        f.key: f.value
        for f in bibtex_entry(
            in_language(reader, "/states/MNG/?cite=bibtex", "fr")[0].content.decode()
        ).fields
    }
    assert fields["langid"] == "french" and fields["title"] == "{Mongolie}"


@pytest.mark.parametrize("fmt", ["", "endnote", "BIBTEX", "x" * 500])
def test_an_unknown_citation_format_is_refused_with_the_formats_that_exist(reader, seeded, fmt):
    response = reader.get("/states/MNG/", {"cite": fmt})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Unknown citation format" in text and "bibtex, ris" in text
    assert len(text) < 200  # the input is not echoed at length


def test_latex_special_characters_are_escaped_in_bibtex():
    assert citations.latex_text("R&D 100% $5 #1 a_b {x} ~ ^ \\") == (
        r"R\&D 100\% \$5 \#1 a\_b \{x\} \textasciitilde{} \textasciicircum{} \textbackslash{}"
    )
    request = RequestFactory().get("/states/MNG/")
    citation = citations.cite(
        request, "Odd & {unbalanced} name_%", verdicts_as_of=datetime.date(2025, 1, 2)
    )
    fields = {f.key: f.value for f in bibtex_entry(citation.bibtex()).fields}
    assert fields["title"] == r"{Odd \& \{unbalanced\} name\_\%}"
    assert fields["year"] == "2025"


def test_a_page_without_any_verdict_says_so():
    request = RequestFactory().get("/persons/someone/")
    citation = citations.cite(request, "Someone", verdicts_as_of=None)
    # Nothing imported either: no dataset version to name.
    assert f"No verdict on this page, rule version {RULE_VERSION}. http" in citation.text()
    [reference] = rispy.loads(citation.ris())
    assert "date" not in reference and reference["title"] == "Someone"


def test_the_citation_names_the_latest_imports_dataset_version(reader, seeded):
    """The dataset's version the page was built from: the latest import's
    (dataset.DatasetImport); an import without a VERSION file names none."""
    DatasetImport.objects.create(version="2027.01.15")
    bump_data_version()  # as the import's writes do
    html = body(reader.get("/states/MNG/"))
    assert f"rule version {RULE_VERSION}, dataset version 2027.01.15. http" in html
    assert "Dataset version 2027.01.15." in html
    DatasetImport.objects.create(version="")
    bump_data_version()
    html = body(reader.get("/states/MNG/"))
    assert "dataset version" not in html and "Dataset version" not in html
