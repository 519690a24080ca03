"""A shared link opens the view it names: the tracking parameters a newsletter, a social
network or an advertiser appends (`utm_source`, `fbclid`, `gclid`…) and `lang` (a public
page's address names its language) are ignored by the site's lists and their downloads,
never a 400, and left out of every address the page writes (canonical, pagination, sort,
downloads, "Link to this view"); one list of them, core.locale's, which the canonical
address and the feeds read too. The API keeps refusing them: its contract names every
parameter it reads."""

import re

import pytest

from core import locale
from tests.site.conftest import body, row_ids

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("link", "plain"),
    [
        ("/visits/?host=MNG&fbclid=IwAR1", "/visits/?host=MNG"),
        ("/incidents/?utm_source=newsletter", "/incidents/"),
        ("/states/?utm_campaign=x", "/states/"),
        ("/fr/visits/?gclid=x", "/fr/visits/"),
        ("/visits/?lang=fr", "/visits/"),
        ("/persons/?status=at_large&msclkid=1&mc_cid=2&mc_eid=3", "/persons/?status=at_large"),
        ("/warrants/?igshid=abc&utm_medium=social", "/warrants/"),
        ("/changes/?utm_source=x", "/changes/"),
    ],
)
def test_a_list_shared_with_tracking_parameters_shows_the_view_it_names(
    reader, seeded, link, plain
):
    response = reader.get(link)
    assert response.status_code == 200, body(response)[:500]
    expected = reader.get(plain)
    if 'id="results"' in body(expected):
        assert row_ids(body(response)) == row_ids(body(expected))
    # The page is the same view: same title, same canonical address.
    title = re.compile(r"<title>(.*?)</title>", re.S)
    assert title.search(body(response))[1] == title.search(body(expected))[1]


@pytest.mark.parametrize(
    ("link", "plain"),
    [
        ("/visits.csv?host=MNG&utm_source=x", "/visits.csv?host=MNG"),
        ("/visits.json?host=MNG&fbclid=IwAR1&lang=fr", "/visits.json?host=MNG"),
        ("/states.csv?utm_campaign=x", "/states.csv"),
        ("/fr/incidents.csv?gclid=x", "/fr/incidents.csv"),
    ],
)
def test_a_download_shared_with_tracking_parameters_holds_the_rows_it_names(
    reader, seeded, link, plain
):
    response = reader.get(link)
    assert response.status_code == 200, body(response)[:500]
    got, expected = body(response), body(reader.get(plain))
    if link.split("?")[0].endswith(".json"):
        import json

        got, expected = json.loads(got), json.loads(expected)
        # Its head describes the view, not how the link was passed on.
        assert got["filters"] == expected["filters"] == {"host": "MNG"}
        assert got["url"] == expected["url"]
        assert got["results"] == expected["results"]
    else:
        assert got == expected


def test_no_address_a_list_writes_carries_the_tracking_parameters(reader, seeded):
    html = body(reader.get("/visits/?utm_source=newsletter&fbclid=IwAR1&lang=fr&gclid=x"))
    # The list holds more than one page: its pagination and sort links are written.
    assert 'rel="next"' in html and "ordering=" in html
    for name in ("utm_source", "fbclid", "gclid", "lang=fr", "newsletter", "IwAR1"):
        assert name not in html, name


def test_the_canonical_address_drops_every_tracking_parameter():
    pairs = [("host", "MNG"), ("utm_source", "x"), ("fbclid", "y"), ("lang", "fr")]
    assert locale.canonical_query_string(pairs) == "host=MNG"


@pytest.mark.parametrize(
    "name",
    ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "utm_id"]
    + ["fbclid", "gclid", "msclkid", "mc_cid", "mc_eid", "igshid"],
)
def test_one_list_names_the_tracking_parameters(name):
    assert locale.is_tracking_parameter(name)
    assert locale.ignored_on_pages(name)


@pytest.mark.parametrize("name", ["host", "page", "ordering", "cite", "q", "utm", "lang"])
def test_a_parameter_a_page_may_read_is_no_tracking_parameter(name):
    assert not locale.is_tracking_parameter(name)


def test_lang_is_ignored_by_a_page_not_by_a_feed(reader, seeded):
    assert locale.ignored_on_pages("lang")
    assert reader.get("/visits/?lang=fr").status_code == 200
    french = reader.get("/incidents/feed/?lang=fr")
    assert french.status_code == 200 and french["Content-Language"] == "fr"


@pytest.mark.parametrize("query", ["fbclid=IwAR1", "gclid=x", "utm_source=x&msclkid=y"])
def test_a_feed_ignores_every_tracking_parameter(reader, seeded, query):
    assert reader.get(f"/incidents/feed/?{query}").status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/api/v1/visits/?host=MNG&utm_source=x", "/api/v1/visits/?format=csv&fbclid=y"],
)
def test_the_api_still_refuses_a_parameter_it_does_not_read(api_client, seeded, url):
    response = api_client.get(url)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_filter"
