"""A state's standing on each joint statement (signed, or not known when the list is
incomplete: never "did not sign"), and findings and statements traced to the dataset by
their own identifiers (findings.csv's and statements.csv's `id`)."""

import csv
import io
import json

import pytest

from states.models import JointStatement
from tests.site.conftest import body
from visits.models import Finding

pytestmark = pytest.mark.django_db

JUNE_2024 = "2024-06-14"


def test_a_state_not_listed_on_an_incomplete_statement_reads_not_known(seeded, api_client):
    """Hungary and South Africa, parties on 14 June 2024, are not among the 65 of 93
    signatories recorded: their record says `not_known` with the counts, as their pages say
    "signature not known (65 of 93 signatories recorded)", never leaves it out."""
    june = JointStatement.objects.get(date=JUNE_2024)
    listed = june.signatories.count()
    assert listed < june.signatory_count
    for iso3 in ("HUN", "ZAF"):
        body = api_client.get(f"/api/v1/states/{iso3}/").json()
        unknown = body["statements_not_known"]
        assert [s["date"] for s in unknown] == [JUNE_2024], unknown
        (statement,) = unknown
        assert statement["signature"] == "not_known"
        assert statement["complete"] is False
        assert (statement["listed_count"], statement["signatory_count"]) == (listed, 93)
        assert statement["dataset_id"] == JUNE_2024
        assert JUNE_2024 not in {s["date"] for s in body["statements"]}
        assert all(s["signature"] == "signed" for s in body["statements"])
    # A complete list that leaves a state out is no "not known": Hungary is not among the
    # 79 of 79 of February 2025.
    hungary = api_client.get("/api/v1/states/HUN/").json()
    assert "2025-02-07" not in {s["date"] for s in hungary["statements_not_known"]}
    # A listed state signed: Mongolia is among the 65.
    mongolia = api_client.get("/api/v1/states/MNG/").json()
    assert JUNE_2024 in {s["date"] for s in mongolia["statements"]}
    assert mongolia["statements_not_known"] == []
    # The list of states says the same, in the same shape.
    states = api_client.get("/api/v1/states/", {"page_size": 500}).json()["results"]
    by_code = {s["iso3"]: s for s in states}
    assert [s["date"] for s in by_code["HUN"]["statements_not_known"]] == [JUNE_2024]


def test_the_signatory_filter_says_it_matches_recorded_signatories_only(seeded, api_client):
    """?signatory=HUN answers no statement, and the schema says why: it matches the
    recorded signatories, an incomplete list's unlisted state being not known."""
    assert api_client.get("/api/v1/statements/", {"signatory": "HUN"}).json()["count"] == 0
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    parameters = schema["paths"]["/api/v1/statements/"]["get"]["parameters"]
    (signatory,) = [p for p in parameters if p["name"] == "signatory"]
    assert "recorded signatories only" in signatory["description"]
    assert "statements_not_known" in signatory["description"]
    statement = api_client.get("/api/v1/statements/", {"date_after": JUNE_2024}).json()
    june = next(s for s in statement["results"] if s["date"] == JUNE_2024)
    assert june["complete"] is False and june["dataset_id"] == JUNE_2024


def test_a_finding_carries_its_dataset_id_and_answers_at_it(seeded, api_client):
    """/findings/jor-2017-12-11/ leads (301) to the finding's address, the query string
    kept; each finding says its dataset id, in its own record, a state's, a visit's, and
    the visits' CSV."""
    finding = Finding.objects.get(slug="jor-2017-12-11")
    canonical = f"/api/v1/findings/{finding.pk}/"
    moved = api_client.get("/api/v1/findings/jor-2017-12-11/", {"lang": "fr"})
    assert moved.status_code == 301
    assert moved["Location"] == f"{canonical}?lang=fr"
    record = api_client.get(canonical).json()
    assert record["id"] == finding.pk and record["dataset_id"] == "jor-2017-12-11"
    listed = api_client.get("/api/v1/findings/", {"state": "JOR", "page_size": 500}).json()
    assert "jor-2017-12-11" in {f["dataset_id"] for f in listed["results"]}
    state = api_client.get("/api/v1/states/JOR/").json()
    assert "jor-2017-12-11" in {f["dataset_id"] for f in state["findings"]}
    visit = api_client.get(f"/api/v1/visits/{finding.visit.slug}/").json()
    assert "jor-2017-12-11" in {f["dataset_id"] for f in visit["findings"]}
    visits = api_client.get(
        "/api/v1/visits/", {"host": "JOR", "page_size": 500, "format": "json"}
    ).json()["results"]
    row = next(v for v in visits if v["id"] == finding.visit.slug)
    assert "jor-2017-12-11" in {f["dataset_id"] for f in row["findings"]}
    # The site's download of the visits: each finding's `id` and `dataset_id`.
    download = api_client.get("/visits.csv")
    assert download.status_code == 200
    rows = list(csv.DictReader(io.StringIO(body(download))))
    cells = [json.loads(r["findings"]) for r in rows if r["id"] == finding.visit.slug]
    assert (
        cells
        and {"id": finding.pk, "dataset_id": "jor-2017-12-11"}.items()
        <= next(f for f in cells[0] if f["id"] == finding.pk).items()
    )
    # An identifier no finding has is the usual 404.
    assert api_client.get("/api/v1/findings/jor-1999-01-01/").status_code == 404


def test_a_statement_answers_at_its_dataset_id(seeded, api_client):
    june = JointStatement.objects.get(date=JUNE_2024)
    moved = api_client.get(f"/api/v1/statements/{JUNE_2024}/")
    assert moved.status_code == 301
    assert moved["Location"] == f"/api/v1/statements/{june.pk}/"
    assert api_client.get(moved["Location"]).json()["dataset_id"] == JUNE_2024
