"""What a lawyer trying the site found contradicting itself: a visit whose outcome said
"arrested" while its own record said the person was handed to another state, a warrant
ending on the day of an arrest (11 March 2025) beside the person's custody from 12 March,
the day of the surrender that executed it, and a visit's address whose date is not the visit's start with a dictionary that
said it was."""

import html
import re

import pytest

from dataset import bulk
from tests.site.conftest import body
from visits.models import Visit

pytestmark = pytest.mark.django_db

BLE_GOUDE = "charles-ble-goude-gha-2013-01-17"


def text(response) -> str:
    """The page's words, tags left out."""
    assert response.status_code == 200
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body(response))))


def test_a_person_handed_to_another_state_instead_of_the_court_was_released(reader, seeded):
    """Blé Goudé was arrested in Ghana on 17 January 2013 and extradited to Côte d'Ivoire
    the next day, not under the ICC warrant (then sealed): docs/DOMAIN.md's `released`
    ("handed elsewhere instead of surrendered"), not `arrested` ("and surrendered or
    surrender pending"). The page said "Outcome: arrested" and "was arrested during the
    visit all the same"; the verdict stays `warrant_not_public`."""
    visit = Visit.objects.select_related("verdict").get(slug=BLE_GOUDE)
    assert "extradited to Côte d'Ivoire" in visit.notes
    assert visit.outcome == "released"
    assert visit.verdict.code == "warrant_not_public"
    english = text(reader.get(f"/visits/{BLE_GOUDE}/"))
    assert "Outcome arrested, then released or handed elsewhere" in english
    assert "Outcome arrested " not in english
    assert "all the same" not in english
    french = text(reader.get(f"/fr/visits/{BLE_GOUDE}/"))
    assert "arrêté, puis relâché ou transféré ailleurs" in french


@pytest.mark.parametrize(
    ("prefix", "executed", "custody", "arrest_day"),
    [
        ("", "executed on 12 March 2025", r"in custody \( ?12 March 2025 ?\)", "11 March 2025"),
        ("/fr", "exécuté le 12 mars 2025", r"détenu \( ?12 mars 2025 ?\)", "11 mars 2025"),
    ],
)
def test_an_executed_warrant_ends_on_the_day_of_the_surrender(
    reader, seeded, prefix, executed, custody, arrest_day
):
    """A warrant is in force until it is executed, the person surrendered to the Court
    (docs/DOMAIN.md, "Warrant"): Duterte's ended on 12 March 2025, the first day of his
    custody, not on his arrest in Manila the day before, which the page gave as its last
    day beside "in custody (12 March 2025)"."""
    person = text(reader.get(f"{prefix}/persons/rodrigo-duterte/"))
    assert executed in person and re.search(custody, person)
    warrants = text(reader.get(f"{prefix}/warrants/", {"person": "rodrigo-duterte"}))
    assert executed in warrants and f"executed on {arrest_day}" not in warrants
    assert f"exécuté le {arrest_day}" not in warrants


def test_a_visit_id_keeps_the_start_it_was_first_recorded_with():
    """`omar-al-bashir-zaf-2015-06-14` is a visit of 13–15 June 2015: the id keeps the
    start known when the row was first recorded, and the dictionary said it was "(person,
    host, start)". It says how the id is formed and that a date correction keeps it."""
    dictionary = (bulk.DATA_DIR / "DICTIONARY.md").read_text(encoding="utf-8")
    (row,) = [
        line
        for line in dictionary.splitlines()
        if line.startswith("| `id` | slug") and "The visit's stable identifier" in line
    ]
    assert "(person, host, start)" not in row
    assert "first recorded" in row and "kept when a later version corrects the dates" in row
    with (bulk.DATA_DIR / "visits.csv").open(encoding="utf-8") as visits:
        line = next(line for line in visits if line.startswith("omar-al-bashir-zaf-2015-06-14,"))
    assert ",2015-06-13,2015-06-15," in line  # the example the dictionary gives


def test_the_api_and_the_method_say_a_visit_id_is_no_date_to_read(api_client, reader, seeded):
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    described = schema["components"]["schemas"]["Visit"]["properties"]["id"]["description"]
    assert "first recorded" in described and "not from the id" in described
    assert "first recorded with, even after a correction" in text(reader.get("/method/"))
    assert "enregistrée la première fois" in text(reader.get("/fr/method/"))
