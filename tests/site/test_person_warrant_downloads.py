"""The whole-table downloads of the persons and the warrants (/persons.csv, /persons.json,
/warrants.csv, /warrants.json) read their rows as values and work out once per download
what every row shares (today's date, the names translated, the persons' address): byte
for byte what their rows read from model instances, one at a time, give."""

import collections
import datetime
import types

import pytest
from django.db.models.signals import post_init
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from core import tabular
from core.names import country_name, situation_name
from core.reasons import case_name
from front import listing
from front.views import warrants as views
from front.views.warrants import PERSONS, WARRANTS
from tests.factories import make_person, make_warrant
from warrants.models import Warrant

pytestmark = pytest.mark.django_db


@pytest.fixture
def unusual(seeded):
    """The seed data and what it lacks: a person of no nationality, with other names and a
    role a spreadsheet would run, and their warrants of no case: one whose issue date is
    unknown, one known to the month, ended in the future, with charges on two lines."""
    person = make_person("stateless-person", "Stateless, Person", situation="Darfur, Sudan")
    person.nationality = None
    person.other_names = ["Al-Stateless", "=Alias"]
    person.role = "-Commander"
    person.save()
    make_warrant(person, issued=None, made_public=datetime.date(2019, 5, 2))
    month = make_warrant(person, issued=datetime.date(2020, 3, 1), ended=datetime.date(2099, 1, 1))
    Warrant.objects.filter(pk=month.pk).update(
        issued_precision="month",
        made_public_precision="month",
        charges='Murder; "persecution"\nsecond line',
    )


def person_row(person, language: str) -> dict:
    """A person's row, read from the model instance, as the list's rows were first written."""
    nationality = person.nationality
    return {
        "slug": person.slug,
        "name": person.name,
        "other_names": list(person.other_names),
        "url": page(person.slug, language),
        "nationality": nationality.iso3 if nationality else "",
        "situation": person.situation.name,
        "situation_slug": person.situation.slug,
        "status": person.status,
        "status_date": person.status_date,
        "role": person.role,
        "warrants": person.warrants_count,
        "visits": person.visits_count,
        "incidents": person.incidents_count,
        "nationality_translated_name": (
            country_name(nationality.iso3, nationality.name) if nationality else ""
        ),
        "situation_translated_name": situation_name(person.situation.name),
    }


def warrant_row(warrant, language: str) -> dict:
    """A warrant's row, read from the model instances, as the list's rows were first written."""
    case = warrant.case.name if warrant.case else ""
    return {
        "ref": warrant.ref,
        "person": warrant.person.name,
        "person_slug": warrant.person.slug,
        "person_url": page(warrant.person.slug, language),
        "situation": warrant.person.situation.name,
        "situation_slug": warrant.person.situation.slug,
        "case": case,
        "case_number": warrant.case.number if warrant.case else "",
        "issued": warrant.issued,
        "issued_precision": warrant.issued_precision if warrant.issued else None,
        "made_public": warrant.made_public,
        "made_public_precision": warrant.made_public_precision if warrant.made_public else None,
        "ended": warrant.ended,
        "end_reason": warrant.end_reason,
        "in_force": warrant.in_force_on(timezone.localdate()),
        "charges": warrant.charges,
        "situation_translated_name": situation_name(warrant.person.situation.name),
        "case_translated_name": case_name(case),
    }


def page(slug: str, language: str) -> str:
    with translation.override(language):
        return "http://testserver" + reverse("person", kwargs={"slug": slug})


def expected_rows(which, query: str, language: str) -> list[dict]:
    """The rows of the list's download for `query`, in its order, each read from the model
    instances (select_related), as a row was read before."""
    request = RequestFactory().get(f"/{which.name}.csv?{query}")
    filterset, key = listing.filtered(which, request)
    rows = filterset.qs.order_by(*listing.order_by(which, key))
    build = person_row if which is PERSONS else warrant_row
    with translation.override(language):
        return [build(instance, language) for instance in rows]


def downloaded(reader, address: str) -> str:
    response = reader.get(address)
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8")


DOWNLOADS = [
    (PERSONS, ""),
    (PERSONS, "ordering=visits"),
    (PERSONS, "situation=darfur-sudan,ukraine&ordering=-situation"),
    (WARRANTS, ""),
    (WARRANTS, "ordering=person"),
    (WARRANTS, "in_force=false&ordering=ended"),
]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(("which", "query"), DOWNLOADS)
def test_a_download_writes_the_bytes_its_rows_read_from_model_instances_give(
    reader, unusual, which, query, language
):
    rows = expected_rows(which, query, language)
    assert rows
    prefix = "" if language == "en" else f"/{language}"
    csv_text = downloaded(reader, f"{prefix}/{which.name}.csv?{query}")
    assert csv_text == tabular.csv_text(rows, which.export_fields)
    # The JSON's rows, in full, and their count; its head (the filters, the moment it was
    # made) is the same code as before.
    json_text = downloaded(reader, f"{prefix}/{which.name}.json?{query}")
    expected = "".join(tabular.json_document({}, rows))
    results = '"results": ['
    assert json_text[json_text.index(results) :] == expected[expected.index(results) :]


def test_the_rows_compared_reach_every_branch_of_a_row(unusual):
    """What the test above compares covers what a row reads differently from values: a
    person without a nationality, a warrant without a case, dates unknown or partial,
    warrants ended and in force, a case named after its situation."""
    persons = expected_rows(PERSONS, "", "fr")
    warrants = expected_rows(WARRANTS, "", "fr")
    assert any(p["nationality"] == "" for p in persons)
    assert any(p["nationality"] for p in persons)
    assert any(w["case"] == "" for w in warrants) and any(w["case"] for w in warrants)
    assert any(w["issued"] is None for w in warrants)
    assert any(w["issued_precision"] == "month" for w in warrants)
    assert any(w["ended"] and w["in_force"] for w in warrants)
    assert any(w["ended"] and not w["in_force"] for w in warrants)
    assert any(w["case_translated_name"] != w["case"] for w in warrants)


@pytest.mark.parametrize("address", ["/persons.csv", "/fr/persons.json", "/warrants.csv"])
def test_a_download_builds_no_model_instance_for_its_rows(reader, seeded, address):
    """A row is read as values: a person, its situation and its nationality, or a warrant,
    its person, their situation and its case, read as model instances for each row took
    most of the download's time (7,466 warrants: 29,130 instances, 0.26 s of 0.42)."""
    built = collections.Counter()

    def count(sender, **kwargs):
        built[sender.__name__] += 1

    post_init.connect(count)
    try:
        text = downloaded(reader, address)
    finally:
        post_init.disconnect(count)
    assert text.count("/persons/") > 50  # a row each
    assert {name: n for name, n in built.items() if n > 2} == {}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_download_translates_each_name_once_and_reads_today_once(
    reader, seeded, monkeypatch, language
):
    """Today's date, and each distinct situation's, case's or country's name in the
    download's language, are worked out once per download, not once per row."""
    calls = collections.Counter()

    def counted(name, function):
        def wrapper(*args):
            calls[name, args] += 1
            return function(*args)

        return wrapper

    for name in ("situation_name", "case_name", "country_name"):
        monkeypatch.setattr(views, name, counted(name, getattr(views, name)))
    # The module's own `timezone` only: other code of the answer reads the day too.
    module_timezone = types.SimpleNamespace(
        localdate=counted("localdate", timezone.localdate), now=timezone.now
    )
    monkeypatch.setattr(views, "timezone", module_timezone)
    prefix = "" if language == "en" else f"/{language}"
    warrants = downloaded(reader, f"{prefix}/warrants.csv")
    persons = downloaded(reader, f"{prefix}/persons.csv")
    assert warrants.count("\n") > 50 and persons.count("\n") > 50
    assert calls[("localdate", ())] == 1
    # Each distinct name once in each of the two downloads (a situation in both).
    assert calls and max(calls.values()) <= 2
    assert {name for name, _ in calls} == {
        "localdate",
        "situation_name",
        "case_name",
        "country_name",
    }
