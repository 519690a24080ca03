"""The downloads of persons and warrants name situations, cases and nationalities in the
download's language too, as the list pages do ("Darfour (Soudan)" on /fr/persons/), in
columns appended after the others (`nationality_translated_name`,
`situation_translated_name`, `case_translated_name`), as /states.csv has its
`translated_name` and the visits their `host_translated_name`; in English they repeat the
dataset's names. The columns before them keep their places."""

import csv
import io
import json

import pytest
from django.utils import translation

from front.templatetags.iccwatch_tags import case_name
from front.views.warrants import PERSONS, WARRANTS
from states.models import State
from tests.site.conftest import body
from warrants.models import Warrant

pytestmark = pytest.mark.django_db

# The columns each download had before these were appended, in their order.
PERSON_COLUMNS = [
    "slug",
    "name",
    "other_names",
    "url",
    "nationality",
    "situation",
    "status",
    "status_date",
    "role",
    "warrants",
    "visits",
    "incidents",
    "situation_slug",
]
WARRANT_COLUMNS = [
    "ref",
    "person",
    "person_slug",
    "person_url",
    "situation",
    "case",
    "case_number",
    "issued",
    "issued_precision",
    "made_public",
    "made_public_precision",
    "ended",
    "end_reason",
    "in_force",
    "charges",
    "situation_slug",
]


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body(response))))


def header(response) -> list[str]:
    return next(csv.reader(io.StringIO(body(response))))


def test_the_translated_columns_come_last_and_move_no_other(reader, seeded):
    assert header(reader.get("/fr/persons.csv")) == [
        *PERSON_COLUMNS,
        "nationality_translated_name",
        "situation_translated_name",
    ]
    assert header(reader.get("/fr/warrants.csv")) == [
        *WARRANT_COLUMNS,
        "situation_translated_name",
        "case_translated_name",
    ]
    assert list(PERSONS.export_fields) == header(reader.get("/persons.csv"))
    assert list(WARRANTS.export_fields) == header(reader.get("/warrants.csv"))


def test_a_french_persons_download_names_situations_and_nationalities_in_french(reader, seeded):
    persons = {row["slug"]: row for row in read_csv(reader.get("/fr/persons.csv"))}
    bashir = persons["omar-al-bashir"]
    assert bashir["situation"] == "Darfur, Sudan"
    assert bashir["situation_translated_name"] == "Darfour (Soudan)"
    assert bashir["nationality"] == "SDN"
    assert bashir["nationality_translated_name"] == "Soudan"
    putin = persons["vladimir-putin"]
    assert putin["nationality_translated_name"] == "Russie"
    document = json.loads(body(reader.get("/fr/persons.json")))
    row = next(r for r in document["results"] if r["slug"] == "omar-al-bashir")
    assert row["situation_translated_name"] == "Darfour (Soudan)"
    assert row["nationality_translated_name"] == "Soudan"


def test_a_french_warrants_download_names_situations_and_cases_as_the_list_does(reader, seeded):
    warrants = read_csv(reader.get("/fr/warrants.csv"))
    bashir = next(w for w in warrants if w["person_slug"] == "omar-al-bashir")
    assert bashir["situation_translated_name"] == "Darfour (Soudan)"
    # A case named after its situation reads as the French list shows it.
    situational = Warrant.objects.filter(case__name__startswith="Situation in").first()
    row = next(w for w in warrants if w["ref"] == situational.ref)
    with translation.override("fr"):
        shown = str(case_name(situational.case))
    assert row["case"] == situational.case.name
    assert row["case_translated_name"] == shown != situational.case.name
    assert row["case_translated_name"].startswith("Situation «\N{NO-BREAK SPACE}")
    document = json.loads(body(reader.get("/fr/warrants.json")))
    assert {r["ref"]: r["case_translated_name"] for r in document["results"]}[
        situational.ref
    ] == shown


@pytest.mark.parametrize("name", ["persons", "warrants"])
def test_in_english_the_translated_columns_repeat_the_datasets_names(reader, seeded, name):
    rows = read_csv(reader.get(f"/{name}.csv"))
    assert rows
    for row in rows:
        assert row["situation_translated_name"] == row["situation"]
        if name == "warrants":
            assert row["case_translated_name"] == row["case"]
        elif row["nationality"]:
            state = State.objects.get(iso3=row["nationality"])
            assert row["nationality_translated_name"] == state.name
        else:
            assert row["nationality_translated_name"] == ""
