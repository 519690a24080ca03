""" "Cite this page" on country, person, visit and list pages: text, BibTeX and RIS, each
with the date of the verdicts, the rule version and the data the page was built from (the
dataset version, and when the data last changed: after it, as changes made since)."""

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
from core import roles
from core.names import format_date, format_moment
from core.pagecache import bump_data_version
from dataset import bulk
from dataset.models import DatasetImport
from front import citations
from states.models import State
from tests.factories import verified_correction
from tests.history.test_changes import MONGOLIA, account
from tests.site.conftest import body, row_ids
from tests.site.test_cards import in_language
from visits.models import Verdict, VerdictChange, Visit
from warrants.models import Person, Warrant

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
    # A list of visits names the newest verdict of the rows on screen: the seed's, all
    # computed as it was imported, are of one day.
    ("/visits/", "Visits", {}),
    ("/incidents/", "Incidents", {"code": "non_compliance"}),
    # Lists of states, persons and warrants show no verdict (a count is none), and name none.
    ("/states/", "States", None),
    ("/persons/", "Persons", None),
    ("/warrants/", "Warrants", None),
]


def verdicts_as_of(**filters) -> datetime.date:
    latest = Verdict.objects.filter(visit__review_state="verified", **filters).aggregate(
        at=Max("computed_at")
    )["at"]
    return timezone.localdate(latest)


def verdicts_words(filters) -> str:
    """What a citation says of the verdicts of a page whose verdicts `filters` select (None:
    the page shows none), up to the rule version."""
    if filters is None:
        return f"No verdict on this page, rule version {RULE_VERSION}"
    return f"as of {format_date(verdicts_as_of(**filters))}, rule version {RULE_VERSION}"


def data_changed_at() -> datetime.datetime:
    """When the data last changed, read here on its own: the latest change to a visit,
    person, warrant or state, verdict change or import, in UTC to the second."""
    moments = [
        model.objects.aggregate(m=Max(name))["m"]
        for model, name in (
            (Visit, "updated_at"),
            (Person, "updated_at"),
            (Warrant, "updated_at"),
            (State, "updated_at"),
            (VerdictChange, "changed_at"),
            (DatasetImport, "imported_at"),
        )
    ]
    return max(m for m in moments if m).astimezone(datetime.UTC).replace(microsecond=0)


def data_words(version: str) -> str:
    """What a citation says of the seed's data, just imported: its version and its moment."""
    return f"dataset version {version}, data as of {format_moment(data_changed_at(), True)}"


def bibtex_entry(text: str):
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == [] and len(library.entries) == 1
    return library.entries[0]


@pytest.mark.parametrize(("url", "title", "filters"), PAGES)
def test_each_page_cites_itself_with_the_verdict_date_and_rule_version(
    reader, seeded, url, title, filters
):
    html = body(reader.get(url))
    today = format_date(timezone.localdate())
    area = html[html.index('<textarea id="citation"') :]
    text = area[area.index(">") + 1 : area.index("</textarea>")]
    assert text.startswith(f"iccwatch, “{title}”. ")
    version = DatasetImport.latest_version()
    assert version  # the seed's data/VERSION
    assert (
        f"{verdicts_words(filters)}, {data_words(version)}. "
        f"http://testserver{url} (accessed {today})."
    ) in text
    iso = data_changed_at().isoformat().replace("+00:00", "Z")
    moment = format_moment(data_changed_at(), seconds=True)
    assert (
        f'Dataset version {version}, data as of <time datetime="{iso}">{moment}</time>.'
        in html[html.index('id="cite-verdicts"') :]
    )
    assert f'href="{url}?cite=bibtex"' in html and f'href="{url}?cite=ris"' in html


@pytest.mark.parametrize(("url", "title", "filters"), PAGES)
def test_each_page_downloads_its_citation_as_bibtex_and_ris(reader, seeded, url, title, filters):
    as_of = verdicts_as_of(**filters) if filters is not None else None
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
    assert f"{verdicts_words(filters)}, {data_words(version)}" in fields["note"]
    assert fields["year"] == str((as_of or today).year)

    response = reader.get(url, {"cite": "ris"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert response["Content-Disposition"].endswith('.ris"')
    [reference] = rispy.loads(response.content.decode())
    assert reference["type_of_reference"] == "ELEC"
    assert reference["title"] == title
    assert reference["urls"] == [f"http://testserver{url}"]
    assert reference["access_date"] == today.strftime("%Y/%m/%d")
    if as_of is None:
        assert "date" not in reference
    else:
        assert reference["date"] == as_of.strftime("%Y/%m/%d")
    assert f"rule version {RULE_VERSION}, {data_words(version)}" in reference["notes"][0]


def test_a_visit_cites_its_own_verdict_and_the_rule_version_that_made_it(reader, seeded):
    verdict = Verdict.objects.get(visit__slug="vladimir-putin-mng-2024-09-02")
    Verdict.objects.filter(pk=verdict.pk).update(
        rule_version="2025.01.01",
        computed_at=datetime.datetime(2025, 3, 4, 12, tzinfo=datetime.UTC),
    )
    html = body(reader.get(PUTIN_MNG))
    assert "Verdict: non-compliance, as of 4 March 2025, rule version 2025.01.01, dataset" in html
    # A version the list of versions does not name links to the list.
    assert (
        'Verdict as of 4 March 2025, rule version <a href="/method/#rule-versions">2025.01.01</a>.'
        in html
    )


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
        moment = format_moment(data_changed_at(), seconds=True)
    version = DatasetImport.latest_version()
    assert (
        f"iccwatch, «\u00a0Mongolie\u00a0». Verdicts au {as_of}, version de la règle "
        f"{RULE_VERSION}, version des données {version}, données au {moment}." in html
    )
    assert f"Version des données\u00a0: {version}, données au <time " in html
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
    moment = format_moment(data_changed_at(), seconds=True)
    assert f"{RULE_VERSION}, dataset version 2027.01.15, data as of {moment}. http" in html
    assert "Dataset version 2027.01.15, data as of <time" in html
    DatasetImport.objects.create(version="")
    bump_data_version()
    html = body(reader.get("/states/MNG/"))
    assert "dataset version" not in html and "Dataset version" not in html
    # The data is still named, by when it last changed.
    moment = format_moment(data_changed_at(), seconds=True)
    assert f"rule version {RULE_VERSION}, data as of {moment}. http" in html


def correct_mongolia() -> Visit:
    """Mongolia's end date corrected through the newsroom by one person, verified by another."""
    rita = account("rita-staffer", roles.REPORTERS)
    victor = account("victor-staffer", roles.REVIEWERS)
    visit = Visit.objects.get(slug=MONGOLIA)
    verified_correction(visit, rita, victor)
    visit.refresh_from_db()
    return visit


@pytest.mark.parametrize("url", [PUTIN_MNG, "/states/MNG/", "/visits/"])
def test_a_citation_after_a_newsroom_correction_names_the_changes_since_the_dataset_version(
    reader, seeded, url
):
    """The dataset version's files hold the visit as it was before the correction: a
    citation naming the version alone would name data that is not what the page shows.
    Text, BibTeX and RIS say "with later changes up to" the moment the data last changed,
    the `data_as_of` of the bulk files built from the same data; in French too."""
    version = DatasetImport.latest_version()
    visit = correct_mongolia()
    assert visit.end == datetime.date(2024, 9, 4)
    changed = data_changed_at()
    assert changed >= visit.updated_at.replace(microsecond=0)
    assert bulk.data_as_of() == changed  # the build of /data/ that holds this page's data
    later = f"dataset version {version} with later changes up to {format_moment(changed, True)}"

    html = body(reader.get(url))
    area = html[html.index('<textarea id="citation"') :]
    text = area[area.index(">") + 1 : area.index("</textarea>")]
    assert f"{RULE_VERSION}, {later}. http://testserver{url} (accessed " in text
    iso = changed.isoformat().replace("+00:00", "Z")
    assert (
        f'Dataset version {version}, with <a href="/changes/">later changes</a> up to '
        f'<time datetime="{iso}">{format_moment(changed, True)}</time>.'
    ) in html
    fields = {
        f.key: f.value
        for f in bibtex_entry(reader.get(url, {"cite": "bibtex"}).content.decode()).fields
    }
    assert fields["note"].endswith(later) and fields["urldate"] == timezone.localdate().isoformat()
    [reference] = rispy.loads(reader.get(url, {"cite": "ris"}).content.decode())
    assert reference["notes"][0].endswith(later)
    assert reference["access_date"] == timezone.localdate().strftime("%Y/%m/%d")

    french = body(in_language(reader, url, "fr")[0])
    with translation.override("fr"):
        moment = format_moment(changed, True)
    assert (
        f"version des données {version} avec les modifications ultérieures jusqu’au {moment}."
        in french
    )
    assert (
        f'Version des données\u00a0: {version}, avec les <a href="/fr/changes/">modifications '
        f'ultérieures</a> jusqu’au <time datetime="{iso}">{moment}</time>.'
    ) in french


def citation_text(html: str) -> str:
    """The citation a page offers as text."""
    area = html[html.index('<textarea id="citation"') :]
    return html_module.unescape(area[area.index(">") + 1 : area.index("</textarea>")])


def canonical_link(html: str) -> str:
    return html_module.unescape(re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1))


@pytest.mark.parametrize(
    ("url", "query", "canonical"),
    [
        (PUTIN_MNG, {"utm_source": "twitter", "fbclid": "abc"}, f"http://testserver{PUTIN_MNG}"),
        ("/persons/vladimir-putin/", {"lang": "fr"}, "http://testserver/persons/vladimir-putin/"),
        (
            f"/fr{PUTIN_MNG}",
            {"utm_source": "twitter"},
            f"http://testserver/fr{PUTIN_MNG}",
        ),
        ("/states/MNG/", {"utm_campaign": "x"}, "http://testserver/states/MNG/"),
    ],
)
def test_a_record_is_cited_at_its_canonical_address_not_the_one_the_reader_came_by(
    reader, seeded, url, query, canonical
):
    """The address cited is the page's canonical link: a shared link's tracking
    parameters, or a `lang` the site does not read, are not part of what is cited."""
    html = body(reader.get(url, query))
    assert canonical_link(html) == canonical
    cite = html[html.index('id="cite-heading"') :]
    cite = cite[: cite.index("</section>")]
    assert f'<a href="{canonical}" id="permalink">{canonical}</a>' in cite
    assert f" {canonical} (" in citation_text(html)
    for name in query:
        assert name not in cite
    fields = {
        f.key: f.value
        for f in bibtex_entry(reader.get(url, {**query, "cite": "bibtex"}).content.decode()).fields
    }
    assert fields["url"] == canonical
    assert fields["howpublished"] == rf"\url{{{canonical}}}"
    [reference] = rispy.loads(reader.get(url, {**query, "cite": "ris"}).content.decode())
    assert reference["urls"] == [canonical]


def test_a_list_is_cited_by_its_filters_sorted_as_its_canonical_link(reader, seeded):
    """The sort is not cited (nor any parameter but the filters), and the filters are in
    the canonical link's order, whatever the reader's; the download links keep the sort,
    which chooses the rows whose newest verdict the citation names."""
    query = "ordering=person&person=vladimir-putin&host=MNG"
    html = body(reader.get(f"/visits/?{query}"))
    canonical = "http://testserver/visits/?host=MNG&person=vladimir-putin"
    assert canonical_link(html) == canonical
    assert f" {canonical} (accessed " in citation_text(html)
    assert (
        'href="/visits/?host=MNG&amp;person=vladimir-putin&amp;ordering=person&amp;cite=bibtex"'
        in html
    )
    fields = {
        f.key: f.value
        for f in bibtex_entry(reader.get(f"/visits/?{query}&cite=bibtex").content.decode()).fields
    }
    assert fields["url"] == canonical
    [reference] = rispy.loads(reader.get(f"/visits/?{query}&cite=ris").content.decode())
    assert reference["urls"] == [canonical]


def test_an_empty_list_names_no_verdict(reader, seeded):
    html = body(reader.get("/visits/", {"host": "ARE", "year": "2020"}))
    assert "No visit matches these filters." in html
    text = citation_text(html)
    assert f"No verdict on this page, rule version {RULE_VERSION}, dataset version" in text
    assert "Verdicts as of" not in html and "Verdict as of" not in html
    response = reader.get("/visits/", {"host": "ARE", "year": "2020", "cite": "ris"})
    [reference] = rispy.loads(response.content.decode())
    assert "date" not in reference and "No verdict on this page" in reference["notes"][0]


@pytest.mark.parametrize(
    "url", ["/states/MNG/", PUTIN_MNG, "/visits/?host=MNG", "/incidents/?host=MNG"]
)
def test_a_list_names_the_newest_verdict_of_its_rows_not_the_sites(reader, seeded, url):
    """Mongolia's one visit's verdict is older than others: the lists narrowed to it name
    its day, as the state's page and the visit's do."""
    day = datetime.datetime(2025, 1, 10, 12, tzinfo=datetime.UTC)
    Verdict.objects.filter(visit__slug=MONGOLIA).update(computed_at=day)
    bump_data_version()
    assert verdicts_as_of() > day.date()  # the site's newest is another's
    text = citation_text(body(reader.get(url)))
    assert "as of 10 January 2025, rule version" in text, text
    assert f"as of {format_date(verdicts_as_of())}, rule version" not in text


def test_a_list_names_the_newest_verdict_of_the_rows_on_its_page(reader, seeded):
    """Over every row a filter keeps, the newest verdict is no bounded query at a million
    visits: a list names the newest of the rows it shows, page by page, and the download
    links of a later page keep it, so that the file names the same."""
    first = row_ids(body(reader.get("/visits/")))
    second = row_ids(body(reader.get("/visits/", {"page": "2"})))
    assert first and second and not set(first) & set(second)
    at = datetime.datetime(2025, 1, 1, 12, tzinfo=datetime.UTC)
    Verdict.objects.filter(visit__review_state="verified").update(computed_at=at)
    Verdict.objects.filter(visit__slug=second[0]).update(computed_at=at.replace(month=6, day=15))
    Verdict.objects.filter(visit__slug=first[-1]).update(computed_at=at.replace(month=9, day=9))
    bump_data_version()

    assert "Verdicts as of 9 September 2025," in citation_text(body(reader.get("/visits/")))
    html = body(reader.get("/visits/", {"page": "2"}))
    text = citation_text(html)
    assert "Verdicts as of 15 June 2025," in text
    assert " http://testserver/visits/ (accessed " in text  # the list's address, no page
    assert 'href="/visits/?page=2&amp;cite=bibtex"' in html
    fields = {
        f.key: f.value
        for f in bibtex_entry(reader.get("/visits/?page=2&cite=bibtex").content.decode()).fields
    }
    assert "as of 15 June 2025" in fields["note"] and fields["url"] == "http://testserver/visits/"


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("/fr/incidents/?host=TCD,DJI", "http://testserver/fr/incidents/?host=TCD,DJI"),
        (
            "/visits/?person=omar-al-bashir&host=TCD,DJI",
            "http://testserver/visits/?host=TCD,DJI&person=omar-al-bashir",
        ),
    ],
)
def test_a_comma_in_a_query_is_cited_as_a_comma(reader, seeded, url, canonical):
    """A comma needs no percent-encoding in a query (RFC 3986, 3.4): the permanent address,
    the canonical link, the alternates, BibTeX and RIS keep "host=TCD,DJI" as the reader's
    own "Link to this view" shows it, never "host=TCD%2CDJI"."""
    html = body(reader.get(url))
    assert canonical_link(html) == canonical
    assert f'<a href="{canonical}" id="permalink">{canonical}</a>' in html_module.unescape(html)
    assert f" {canonical} (" in citation_text(html)
    alternates = re.findall(r'<link rel="alternate" hreflang="[^"]+" href="([^"]+)"', html)
    assert len(alternates) == 3 and all("host=TCD,DJI" in a for a in alternates), alternates
    view = re.search(r'<p class="share">.*?<a href="[^"]*">([^<]*)</a>', html, re.S).group(1)
    assert "host=TCD,DJI" in view
    fields = {
        f.key: f.value
        for f in bibtex_entry(reader.get(f"{url}&cite=bibtex").content.decode()).fields
    }
    assert fields["url"] == canonical
    [reference] = rispy.loads(reader.get(f"{url}&cite=ris").content.decode())
    assert reference["urls"] == [canonical]


def test_a_comma_in_a_search_is_kept_in_its_canonical_address(reader, seeded):
    """The search's canonical address is written as a list's: its comma kept."""
    html = body(reader.get("/search/", {"q": "Ulan Bator, Mongolia"}))
    assert canonical_link(html) == "http://testserver/search/?q=Ulan+Bator,+Mongolia"
