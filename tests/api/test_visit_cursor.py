"""A whole copy of /api/v1/visits/ by its cursor: every visit still listed exactly once,
however visits are withdrawn or added between two pages (api.paging.PageOrCursorPagination).

Page numbers count rows: a visit of page 1 withdrawn before page 2 is read moves every
later visit back by one, and the first of page 2 (in the seed, with pages of 10,
omar-al-bashir-irn-2011-06-24) lands on page 1, already read: every count agrees and it is
in no page. A cursor is the place of the last visit given, so page 2 begins after it.
"""

import collections
import datetime

import pytest

from states.models import State
from tests.factories import make_visit
from visits import flagging
from visits.models import Visit
from visits.reports import SourceInput, withdraw_visit
from warrants.models import Person

pytestmark = pytest.mark.django_db

VISITS = "/api/v1/visits/"
# The first visit of page 2 in pages of 10, in the default order.
ELEVENTH = "omar-al-bashir-irn-2011-06-24"
TODAY = datetime.datetime.now(datetime.UTC).date().isoformat()


def withdraw(slug: str) -> None:
    withdraw_visit(
        Visit.objects.get(slug=slug),
        "Reported in error: the newspaper retracted its story the next day.",
        sources=[SourceInput(url=f"https://news.example.org/retraction/{slug}")],
    )
    flagging.evaluate_pending()


def page(client, url, params=None) -> dict:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def ids(body: dict) -> list[str]:
    return [row["id"] for row in body["results"]]


def follow(client, url) -> tuple[list[str], list[dict]]:
    """Every visit of the pages from `url` on, following `next` to the end, and the pages."""
    copied, pages = [], []
    while url is not None:
        body = page(client, url)
        copied += ids(body)
        pages.append(body)
        url = body["next"]
    return copied, pages


def live_visits() -> set[str]:
    return set(Visit.objects.published().values_list("slug", flat=True))


def test_a_copy_by_cursor_gives_every_visit_once_when_one_already_read_is_withdrawn(
    seeded, api_client
):
    """The researcher's nightly copy: page 1, then a visit of page 1 withdrawn, then the
    rest. By page number the first visit of page 2 is lost; by cursor every visit still
    listed comes exactly once, and `changed_since` from the first page's `Changed-Until`
    gives the one withdrawn."""
    first = api_client.get(VISITS, {"page_size": 10, "cursor": "0"})
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["count"] == 97 and body["previous"] is None
    page_one = ids(body)
    assert len(page_one) == 10 and ELEVENTH not in page_one
    assert body["next"].endswith(f"cursor={body['cursor']}&page_size=10")
    # The same page by number, kept to show what page numbers lose.
    by_number = ids(page(api_client, VISITS, {"page_size": 10, "page": 1}))
    assert by_number == page_one

    withdraw(page_one[3])

    copied, pages = follow(api_client, body["next"])
    copied = page_one + copied
    assert all(later["count"] == 96 for later in pages)
    counted = collections.Counter(copied)
    assert [slug for slug, times in counted.items() if times > 1] == []
    assert ELEVENTH in counted
    assert set(copied) == live_visits() | {page_one[3]}
    assert len(live_visits()) == 96

    # Page numbers: pages 2 to the end now start one visit later, and none gives it.
    numbered, page_number = [], 2
    while True:
        later = page(api_client, VISITS, {"page_size": 10, "page": page_number})
        numbered += ids(later)
        if later["next"] is None:
            break
        page_number += 1
    assert ELEVENTH not in by_number + numbered

    # The follow-up the copy makes: what changed since the first page's Changed-Until.
    changed = page(api_client, VISITS, {"changed_since": first["Changed-Until"], "cursor": "0"})
    withdrawn = [row for row in changed["results"] if row["id"] == page_one[3]]
    assert [row["verdict"]["code"] for row in withdrawn] == ["withdrawn"]


def test_a_visit_added_during_a_copy_comes_once_or_with_the_changes(seeded, api_client):
    """A visit added after the cursor's place is in the copy, once; one added before it
    (an earlier start) is not, but it changed after the first page's `Changed-Until`."""
    first = api_client.get(VISITS, {"page_size": 10, "cursor": "0"})
    body = first.json()
    bashir = Person.objects.get(slug="omar-al-bashir")
    chad = State.objects.get(iso3="TCD")
    before = make_visit(bashir, chad, start=datetime.date(2008, 1, 2))
    after = make_visit(bashir, chad, start=datetime.date(2016, 1, 2))
    flagging.evaluate_pending()

    copied, _pages = follow(api_client, body["next"])
    copied = ids(body) + copied
    assert collections.Counter(copied)[after.slug] == 1
    assert before.slug not in copied
    assert set(copied) == live_visits() - {before.slug}
    changed = page(api_client, VISITS, {"changed_since": first["Changed-Until"], "cursor": "0"})
    assert {before.slug, after.slug} <= set(ids(changed))


def test_a_cursor_resumes_after_its_place_even_when_its_visit_is_gone(seeded, api_client):
    """The cursor holds the last visit's start and id, not the visit: withdrawn, it still
    places the next page right after it."""
    body = page(api_client, VISITS, {"page_size": 10, "cursor": "0"})
    last = ids(body)[-1]
    assert body["cursor"] == f"2011-06-01.{last}"
    withdraw(last)
    assert ids(page(api_client, body["next"]))[0] == ELEVENTH


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"person": "omar-al-bashir"},  # its undated visits come last
        {"host": "TCD,KEN"},
        {"verdict": "non_compliance", "facets": "host"},
        {"as_of": TODAY},
        {"changed_since": "2000-01-01T00:00:00Z"},
    ],
)
def test_a_copy_in_small_pages_is_the_list_in_its_order(seeded, api_client, params):
    """Undated visits last, as the page numbers give them, whatever the filters."""
    withdraw("omar-al-bashir-ken-2010-08-27")  # listed only when reading what changed
    whole = page(api_client, VISITS, {**params, "page_size": 500})
    copied, pages = follow(api_client, f"{VISITS}?{_query({**params, 'cursor': '0'})}&page_size=3")
    assert copied == ids(whole)
    assert len(pages) == max(1, -(-whole["count"] // 3))
    assert all(body["count"] == whole["count"] for body in pages)
    assert pages[-1]["next"] is None and pages[-1]["cursor"] is None
    if "facets" in params:
        assert all(body["facets"] == whole["facets"] for body in pages)


def _query(params: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


def test_a_copy_reaches_the_undated_visits_from_a_cursor_among_them(seeded, api_client):
    undated = sorted(
        Visit.objects.published().filter(start__isnull=True).values_list("slug", flat=True)
    )
    assert len(undated) == 3
    body = page(api_client, VISITS, {"cursor": f"undated.{undated[0]}", "page_size": 1})
    assert ids(body) == [undated[1]] and body["cursor"] == f"undated.{undated[1]}"
    assert ids(page(api_client, body["next"])) == [undated[2]]
    # Past the last visit: an empty page, and no next.
    end = page(api_client, VISITS, {"cursor": f"undated.{undated[2]}"})
    assert end["results"] == [] and end["next"] is None and end["count"] == 97


@pytest.mark.parametrize(
    ("params", "refused"),
    [
        ({"cursor": "x"}, "cursor"),
        ({"cursor": "2011-06-01"}, "cursor"),
        ({"cursor": "2024-02-30.a-visit"}, "cursor"),
        ({"cursor": "undated."}, "cursor"),
        ({"cursor": "2011-06-01.a visit"}, "cursor"),
        ({"cursor": "0", "page": "2"}, "page"),
        ({"cursor": "0", "ordering": "start"}, "ordering"),
        ({"cursor": "0", "format": "csv"}, "cursor"),
        ({"cursor": "0", "page_size": "501"}, "page_size"),
    ],
)
def test_a_cursor_no_answer_gave_or_with_another_way_to_page_is_a_400(
    seeded, api_client, params, refused
):
    response = api_client.get(VISITS, params)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_filter" and list(error["fields"]) == [refused]


def test_page_numbers_are_unchanged_and_carry_no_cursor(seeded, api_client):
    response = api_client.get(VISITS, {"page_size": 10, "page": 2})
    body = response.json()
    assert list(body) == ["count", "next", "previous", "results"]
    assert "cursor=" not in body["next"] and "Changed-Until" not in response
    assert ids(body)[0] == ELEVENTH


def test_the_schema_documents_the_cursor(api_client):
    openapi = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    operation = openapi["paths"]["/api/v1/visits/"]["get"]
    cursor = next(p for p in operation["parameters"] if p["name"] == "cursor")
    # Where to start is said in words: an `example` would be sent unasked by "Try it out".
    assert "example" not in cursor["schema"] and "`next`" in cursor["description"]
    assert "`0` for the first page" in cursor["description"]
    assert "copy the whole list" in operation["description"]
    page_schema = openapi["components"]["schemas"]["PaginatedVisitList"]["properties"]
    assert "cursor" in page_schema["next"]["description"]
    assert page_schema["cursor"]["nullable"] is True
    headers = operation["responses"]["200"]["headers"]
    assert "`cursor`" in headers["Changed-Until"]["description"]
