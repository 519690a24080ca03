"""/api/v1/warrants/ and /api/v1/persons/ built from plain column reads (api.warrants.rows)
answer, byte for byte, what WarrantSerializer and PersonSerializer answer: the JSON pages
and the streamed CSV, for any filter, order and page, in English and in French, with the
same headers; and they build no model instance per row."""

import collections
import datetime

import pytest
from django.db.models.signals import post_init

from api.rows import PlainRowsMixin
from core.models import Source
from tests.factories import make_person, make_warrant
from warrants.models import Case, Person, Warrant

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/warrants/",
    "/api/v1/warrants/?page_size=500",
    "/api/v1/warrants/?page_size=7&page=3",
    "/api/v1/warrants/?situation=darfur-sudan,ukraine&ordering=-issued",
    "/api/v1/warrants/?in_force=false&ordering=ended",
    "/api/v1/warrants/?person=stateless-person,vladimir-putin&ordering=person",
    "/api/v1/warrants/?issued_after=2020-01-01&issued_before=2099-12-31&ordering=-updated",
    "/api/v1/warrants/?facets=person,situation&page_size=3",
    "/api/v1/warrants/?situation=ukraine&in_force=true&person=vladimir-putin",
    "/api/v1/persons/",
    "/api/v1/persons/?page_size=500",
    "/api/v1/persons/?page_size=5&page=2",
    "/api/v1/persons/?nationality=SDN,RUS&ordering=-visits",
    "/api/v1/persons/?situation=darfur-sudan&status=at_large&ordering=situation",
    "/api/v1/persons/?ordering=-incidents,-updated&facets=situation,nationality,status",
]
# Each list in JSON (a page) and in CSV (every row, streamed).
ADDRESSES = [
    *LISTS,
    # (`page`, `page_size` and `facets` are JSON's only: a 400 with CSV)
    *(
        f"{url}{'&' if '?' in url else '?'}format=csv"
        for url in LISTS
        if "page" not in url and "facets" not in url
    ),
]
# What an answer says besides its body (the rate limits' headers count down between two
# requests, and are the same code either way).
HEADERS = ("Content-Type", "Content-Language", "Content-Disposition", "ETag", "Vary")


@pytest.fixture
def unusual(seeded):
    """The seed data and what it lacks: a person of no nationality, born in a month, with
    other names (one a spreadsheet would run) and no role or notes; their warrants: one of
    no case, its issue date unknown, without charges or notes; one known to the month, of
    a case with no number, ended in the future for another reason, with charges on two
    lines; two of one day, which only their ids order; sources with and without a
    publisher, a date, an excerpt and an archived copy, linked out of their order."""
    person = make_person("stateless-person", "Stateless, Person", situation="Darfur, Sudan")
    Person.objects.filter(pk=person.pk).update(
        nationality=None,
        other_names=["Al-Stateless", "=Alias"],
        born=datetime.date(1970, 3, 1),
        born_precision="month",
        role="",
        notes="",
    )
    make_warrant(person, issued=None, made_public=datetime.date(2019, 5, 2))
    month = make_warrant(person, issued=datetime.date(2020, 3, 1), ended=datetime.date(2099, 1, 1))
    case = Case.objects.create(situation=person.situation, name="The Prosecutor v. Stateless")
    Warrant.objects.filter(pk=month.pk).update(
        case=case,
        issued_precision="month",
        made_public_precision="month",
        charges='Murder; "persecution"\nsecond line',
        end_reason="other",
        notes="« Noted » — twice",
    )
    tied = [make_warrant(person, issued=datetime.date(2021, 6, 1)) for _ in range(3)]
    full = Source.objects.create(
        url="https://example.org/b-full",
        publisher="Le Monde",
        published=datetime.date(2020, 2, 29),
        excerpt="« Cité » — en entier",
        archived_url="https://archive.example.org/b",
    )
    bare = Source.objects.create(url="https://example.org/a-bare")
    Source.objects.filter(pk=bare.pk).update(publisher="")  # saved, it names the host
    for record in (month, tied[1], person):
        record.sources.add(full)
        record.sources.add(bare)


def answer(client, url, language):
    """(status, body, the headers HEADERS names) of one answer, in `language` (as
    Accept-Language asks)."""
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language, HTTP_X_FORWARDED_PROTO="https")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body, {name: response.get(name) for name in HEADERS}


def serializers_way(monkeypatch):
    """Every list read through its serializer, from model instances, as before api.rows."""
    monkeypatch.setattr(PlainRowsMixin, "plain_rows", lambda self: False)


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("url", ADDRESSES)
def test_an_answer_is_the_same_as_the_serializers(
    api_client, unusual, settings, monkeypatch, url, language
):
    settings.ICCWATCH_PAGE_CACHE = False
    plain = answer(api_client, url, language)
    serializers_way(monkeypatch)
    serialized = answer(api_client, url, language)
    assert plain[0] == serialized[0] == 200, plain[1][:300]
    assert plain[1].count(b"/api/v1/") > 1  # rows, not an empty list
    # The body, byte for byte: a column (or field) that differs fails here.
    assert plain[1] == serialized[1]
    assert plain[2] == serialized[2]
    assert plain[2]["Content-Language"] == language


def test_the_answers_compared_reach_every_branch_of_a_row(api_client, unusual):
    """What the test above compares covers what a row reads differently from values."""
    warrants = api_client.get("/api/v1/warrants/?page_size=500").json()["results"]
    persons = api_client.get("/api/v1/persons/?page_size=500", HTTP_ACCEPT_LANGUAGE="fr").json()[
        "results"
    ]
    assert any(w["case"] is None for w in warrants)
    assert any(w["case"] and w["case"]["number"] is None for w in warrants)
    assert any(w["case"] and w["case"]["number"] for w in warrants)
    assert any(w["issued"] is None and w["issued_precision"] is None for w in warrants)
    assert any(w["issued_precision"] == "month" for w in warrants)
    assert any(w["charges"] is None for w in warrants) and any(w["charges"] for w in warrants)
    assert any(w["notes"] is None for w in warrants) and any(w["notes"] for w in warrants)
    assert {w["end_reason"] for w in warrants} >= {None, "executed", "other"}
    assert {w["in_force"] for w in warrants} == {True, False}
    assert {w["issued_under_seal"] for w in warrants} == {True, False}
    sources = [s for w in warrants for s in w["sources"]]
    assert any(all(s.values()) for s in sources)  # publisher, date, excerpt, archived copy
    assert any(s["publisher"] is None and s["published"] is None for s in sources)
    assert any(p["nationality"] is None for p in persons)
    assert any(
        p["nationality"]["translated_name"] != p["nationality"]["name"]
        for p in persons
        if p["nationality"]
    )
    assert any(p["situation"]["translated_name"] != p["situation"]["name"] for p in persons)
    assert any(p["born_precision"] == "month" for p in persons)
    assert any(p["role"] is None for p in persons) and any(p["role"] for p in persons)
    assert any(p["other_names"] for p in persons) and any(p["status_date"] for p in persons)
    stateless = next(p for p in persons if p["slug"] == "stateless-person")
    refs = [w["ref"] for w in stateless["warrants"]]
    tied = list(
        Warrant.objects.filter(person__slug="stateless-person", issued=datetime.date(2021, 6, 1))
        .order_by("id")
        .values_list("ref", flat=True)
    )
    # By issue date, an unknown one last, those of one day by id.
    assert refs[-1].startswith("stateless-person-2019-05-02") and refs[1:4] == tied
    assert [s["url"] for s in stateless["sources"]] == [
        "https://example.org/a-bare",
        "https://example.org/b-full",
    ]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/warrants/?format=csv",
        "/api/v1/warrants/?page_size=500",
        "/api/v1/persons/?format=csv&lang=fr",
        "/api/v1/persons/?page_size=500",
    ],
)
def test_a_list_builds_no_model_instance_for_its_rows(api_client, seeded, settings, url):
    """A row is read as values: a warrant read as its instance, its person's, their
    situation's, its case's and its sources', then serialized, took most of the CSV's
    time (7,466 warrants: 2.4 s, where values take 0.6 s; bench/RESULTS.md)."""
    settings.ICCWATCH_PAGE_CACHE = False
    built = collections.Counter()

    def count(sender, **kwargs):
        built[sender.__name__] += 1

    post_init.connect(count)
    try:
        status, body, _headers = answer(api_client, url, "en")
    finally:
        post_init.disconnect(count)
    assert status == 200
    assert body.count(b"/api/v1/") > 50  # a row each, and more
    assert {name: n for name, n in built.items() if n > 2} == {}
