"""An unknown value is null in every JSON iccwatch hands out, as data/DICTIONARY.md says
("Export format": unknown, an empty cell; `null` in JSON): a visit's place, the host's
justification, an expected verdict or a withdrawal note not recorded, a person's
nationality, a warrant's case number, a source's excerpt were "" in the site's JSON
downloads and in the API. A CSV keeps an empty cell. The schema marks those fields
nullable. The rule's structured reasons keep their own documented form ("" for a date
unknown or not applicable, `verdict.reasons`), as do the causes."""

import csv
import io
import json

import pytest

from tests.site.conftest import body

pytestmark = pytest.mark.django_db

# Where "" is documented: the rule's reasons and a change's causes, stored as structured facts.
STRUCTURED = ("reasons", "cause_facts")


def blanks(value, path: str = "") -> list[str]:
    """The paths of every "" in a JSON value, but under the structured facts."""
    if isinstance(value, dict):
        return [
            found
            for key, item in value.items()
            if key not in STRUCTURED
            for found in blanks(item, f"{path}.{key}" if path else key)
        ]
    if isinstance(value, list):
        return [found for item in value for found in blanks(item, f"{path}[]")]
    return [path] if value == "" else []


@pytest.mark.parametrize("name", ["visits", "incidents", "states", "persons", "warrants"])
@pytest.mark.parametrize("prefix", ["", "/fr"])
def test_a_site_json_download_gives_null_where_its_csv_has_an_empty_cell(
    reader, seeded, name, prefix
):
    document = json.loads(body(reader.get(f"{prefix}/{name}.json")))
    assert sorted(set(blanks(document["results"]))) == []
    rows = list(csv.DictReader(io.StringIO(body(reader.get(f"{prefix}/{name}.csv")))))
    assert len(rows) == len(document["results"])
    for row, record in zip(rows, document["results"], strict=True):
        for column, cell in row.items():
            assert (cell == "") == (record[column] is None), (column, cell, record[column])


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/visits.json", "place"),
        ("/visits.json", "host_justification"),
        ("/visits.json", "expected_verdict"),
        ("/visits.json", "withdrawal_note"),
        ("/persons.json", "nationality"),
        ("/warrants.json", "case_number"),
        ("/warrants.json", "end_reason"),
    ],
)
def test_the_fields_the_journalist_found_are_null_where_unknown(reader, seeded, url, field):
    values = [row[field] for row in json.loads(body(reader.get(url)))["results"]]
    assert None in values and "" not in values


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/visits/?page_size=500",
        "/api/v1/visits/?page_size=500&as_of=2026-01-01",
        "/api/v1/visits/?page_size=500&lang=fr",
        "/api/v1/incidents/",
        "/api/v1/visits/vladimir-putin-mng-2024-09-02/",
        "/api/v1/states/?page_size=500",
        "/api/v1/states/MNG/",
        "/api/v1/persons/?page_size=500",
        "/api/v1/persons/vladimir-putin/",
        "/api/v1/warrants/?page_size=500",
        "/api/v1/findings/?page_size=500",
        "/api/v1/statements/?page_size=500",
        "/api/v1/referrals/?page_size=500",
    ],
)
def test_the_apis_json_gives_null_for_an_unknown_text(api_client, seeded, url):
    response = api_client.get(url)
    assert response.status_code == 200
    assert sorted(set(blanks(response.json()))) == []


def test_the_apis_visits_read_from_plain_rows_say_null_as_the_serializer_does(api_client, seeded):
    rows = api_client.get("/api/v1/visits/", {"page_size": 500}).json()["results"]
    assert [v["place"] for v in rows].count(None) > 0
    assert {v["withdrawal_note"] for v in rows if v["review_state"] != "withdrawn"} == {None}
    cited = [s for v in rows for s in v["sources"]]
    assert any(s["excerpt"] is None for s in cited)
    assert any(s["archived_url"] is None for s in cited)


def test_the_apis_csv_keeps_an_empty_cell(api_client, seeded):
    rows = list(csv.DictReader(io.StringIO(body(api_client.get("/api/v1/warrants/?format=csv")))))
    assert "" in {row["case.number"] for row in rows}
    assert "None" not in {row["case.number"] for row in rows}


@pytest.fixture
def openapi(db, client):
    return client.get("/api/v1/schema/", {"format": "json"}).json()


@pytest.mark.parametrize(
    ("schema", "fields"),
    [
        (
            "Visit",
            ["place", "occasion", "host_justification", "withdrawal_note", "expected_verdict"],
        ),
        ("Citation", ["publisher", "excerpt", "archived_url"]),
        ("Source", ["publisher", "excerpt", "archived_url"]),
        ("Person", ["role", "notes"]),
        ("Warrant", ["charges", "notes"]),
        ("Case", ["number"]),
        ("State", ["notes"]),
        ("TreatyEvent", ["note"]),
        ("Finding", ["chamber", "decision_reference", "notes"]),
    ],
)
def test_the_schema_says_which_text_may_be_null(openapi, schema, fields):
    properties = openapi["components"]["schemas"][schema]["properties"]
    assert [f for f in fields if not properties[f].get("nullable")] == []


def test_the_schema_tells_existing_clients_that_an_unknown_text_is_null(openapi):
    changes = openapi["info"]["description"].split("**Changes to this version**")[1]
    entries = [" ".join(e.split()) for e in changes.split("\n- ")]
    (entry,) = [e for e in entries if e.startswith("6 December 2026, unknown values")]
    assert '`""`' in entry and "`null`" in entry and "`host_justification`" in entry
    assert "`case.number`" in entry and "nullable" in entry


def test_a_correction_sending_back_a_visits_nulls_is_read_as_the_record(seeded, clients):
    """A client copies a visit as GET gives it (its unknown texts null, its sources'
    excerpts and archived copies too) into a correction: the body takes null as "" (what
    the record holds), so the copy changes nothing, and a report reads its own blank
    texts as null."""
    from tests.api.test_one_day_visits import copied_body
    from visits.models import Report

    visit = clients["anonymous"].get("/api/v1/visits/vladimir-putin-mng-2024-09-02/").json()
    assert visit["host_justification"] is None
    assert any(s["archived_url"] is None for s in visit["sources"])
    body = copied_body(visit)
    same = clients["reporter"].post("/api/v1/reports/", body, format="json")
    assert same.status_code == 409, same.content
    assert not Report.objects.exists()
    filed = clients["reporter"].post(
        "/api/v1/reports/",
        {
            **body,
            "sources": visit["sources"],
            "occasion": "An official visit.",
            "reason": "The readout calls it official.",
        },
        format="json",
    )
    assert filed.status_code == 201, filed.content
    report = filed.json()
    assert report["host_justification"] is None
    assert report["sources"] and any(s["archived_url"] is None for s in report["sources"])
    assert sorted(set(blanks({k: v for k, v in report.items() if k in body}))) == []
