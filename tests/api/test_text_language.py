"""A visit's `text_language` in the API: the language its own words are written in, given
by the report that filed it (`POST /api/v1/reports/`), shown on the visit (the JSON of a
visit, its list, its CSV), kept by a correction unless it says otherwise."""

import csv
import io

import pytest

from tests.api.conftest import token_client
from visits import review
from visits.models import Report, Visit

pytestmark = pytest.mark.django_db

MONGOLIA = "vladimir-putin-mng-2024-09-02"
ASTANA = {
    "person": "vladimir-putin",
    "host": "KAZ",
    "start": "2025-11-27",
    "end": "2025-11-28",
    "place": "Astana",
    "occasion": "Visite d’État et sommet de l’Organisation du traité de sécurité collective",
    "host_justification": "Le Kazakhstan n’est pas partie au Statut de Rome.",
    "status": "occurred",
    "outcome": "not_arrested",
    "sources": [{"url": "https://example.org/putin-astana-2025", "publisher": "Example News"}],
    # His visit of November 2023, its end not known, may be this trip: it is another.
    "another_visit": True,
}
# That visit: a reviewer compares it and confirms the report is another (`different_from`).
ASTANA_2023 = "vladimir-putin-kaz-2023-11-09"


def filed(response) -> Report:
    assert response.status_code == 201, response.content
    return Report.objects.get(pk=response.json()["id"])


def test_a_new_visits_text_is_in_the_requests_language_unless_the_body_says(
    seeded, reporter, reviewer
):
    client = token_client(reporter)
    french = filed(
        client.post("/api/v1/reports/", ASTANA, format="json", headers={"Accept-Language": "fr"})
    )
    assert french.data["text_language"] == "fr"
    assert client.get(f"/api/v1/reports/{french.pk}/").json()["text_language"] == "fr"
    review.delete_report(review.take_back(french, reporter), reporter)
    english = filed(client.post("/api/v1/reports/", ASTANA, format="json"))
    assert english.data["text_language"] == "en"
    review.delete_report(review.take_back(english, reporter), reporter)
    said = filed(
        client.post("/api/v1/reports/?lang=en", {**ASTANA, "text_language": "fr"}, format="json")
    )
    assert said.data["text_language"] == "fr"
    refused = client.post(
        "/api/v1/reports/",
        {**ASTANA, "start": "2025-11-20", "end": None, "text_language": "de"},
        format="json",
    )
    assert refused.status_code == 400
    assert "text_language" in refused.json()["error"]["fields"]

    review.verify(said, reviewer, seen=review.version_of(said), different_from=[ASTANA_2023])
    visit = client.get("/api/v1/visits/vladimir-putin-kaz-2025-11-27/").json()
    assert visit["text_language"] == "fr"
    keys = list(visit)
    assert keys[keys.index("host_justification") + 1] == "text_language"
    # The list's plain rows say the same, the dataset's visits in English.
    listed = {
        v["id"]: v["text_language"]
        for v in client.get("/api/v1/visits/", {"host": "KAZ"}).json()["results"]
    }
    assert listed["vladimir-putin-kaz-2025-11-27"] == "fr"
    assert set(listed.values()) == {"en", "fr"}
    rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(
                    client.get(
                        "/api/v1/visits/", {"host": "KAZ", "format": "csv"}
                    ).streaming_content
                ).decode("utf-8-sig")
            )
        )
    )
    # After the others, before `end_known` and the last of all (whether the verdict awaits
    # re-evaluation).
    assert list(rows[0])[-4:] == [
        "text_language",
        "end_known",
        "dates_passed",
        "reevaluation_pending",
    ]
    assert {r["id"]: r["text_language"] for r in rows}["vladimir-putin-kaz-2025-11-27"] == "fr"


def test_a_correction_keeps_its_visits_language_unless_it_says(seeded, reporter):
    client = token_client(reporter)
    kept = filed(
        client.post(
            "/api/v1/reports/",
            {"visit": MONGOLIA, "notes": "Corrected notes."},
            format="json",
            headers={"Accept-Language": "fr"},
        )
    )
    assert kept.data["text_language"] == Visit.objects.get(slug=MONGOLIA).text_language == "en"
    review.delete_report(review.take_back(kept, reporter), reporter)
    changed = filed(
        client.post(
            "/api/v1/reports/",
            {"visit": MONGOLIA, "occasion": "Visite officielle", "text_language": "fr"},
            format="json",
        )
    )
    assert changed.data["text_language"] == "fr"
