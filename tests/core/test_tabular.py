"""One writer for every table: the site's downloads, the API's CSV and export_verdicts agree."""

import csv
import datetime
import io
import json

import pytest
from django.core.management import call_command

from compliance import Period
from core import tabular
from tests.factories import make_person, make_state
from tests.site.conftest import body
from visits import flagging
from visits.reports import SourceInput, record_visit_report

RISKY = ['=HYPERLINK("http://evil.example")', "+cmd", "-2+3", "@x"]
GUARDED = {"'" + text for text in RISKY}


# --- The cells ---------------------------------------------------------------------


@pytest.mark.parametrize("cell", [*RISKY, "\tx", "\rx"])
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(cell):
    assert tabular.csv_cell(cell) == "'" + cell
    assert tabular.csv_cell([cell, "safe"]) == f"'{cell}; safe"


def test_harmless_cells_and_numbers_are_written_as_they_are():
    assert tabular.csv_cell("Ulaanbaatar") == "Ulaanbaatar"
    assert tabular.csv_cell("a=b") == "a=b"
    assert tabular.csv_cell(-2) == "-2"
    assert tabular.csv_cell(None) == ""
    assert (tabular.csv_cell(True), tabular.csv_cell(False)) == ("true", "false")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (datetime.date(2024, 9, 2), "2024-09-02"),
        (tabular.partial_date(datetime.date(2024, 9, 2), "day"), "2024-09-02"),
        (tabular.partial_date(datetime.date(2009, 3, 1), "month"), "2009-03"),
        (tabular.partial_date(datetime.date(2012, 1, 1), "year"), "2012"),
        (Period.parse("2009-03"), "2009-03"),
        (tabular.partial_date(None, "month"), ""),
        (datetime.datetime(2024, 9, 2, 10, 0, tzinfo=datetime.UTC), "2024-09-02T10:00:00Z"),
        (["a", "b", None, "c"], "a; b; c"),
    ],
)
def test_dates_partial_dates_moments_and_lists_have_one_encoding(value, written):
    assert tabular.csv_cell(value) == written
    if not isinstance(value, list):
        assert tabular.json_value(value) == (written or None)


def test_csv_starts_with_a_bom_and_ends_lines_with_crlf():
    lines = list(tabular.csv_lines([{"a": 1, "b": ["x", "y"]}, {"a": None}], ["a", "b"]))
    assert lines == ["\ufeffa,b\r\n", "1,x; y\r\n", ",\r\n"]


def test_a_json_document_streams_its_head_rows_and_count():
    rows = [{"start": Period.parse("2009-03"), "urls": ["u1", "u2"], "bound": True}]
    doc = json.loads("".join(tabular.json_document({"list": "visits"}, iter(rows))))
    assert doc == {
        "list": "visits",
        "results": [{"start": "2009-03", "urls": ["u1", "u2"], "bound": True}],
        "count": 1,
    }
    assert json.loads("".join(tabular.json_document({}, []))) == {"results": [], "count": 0}


# --- The three ways out -------------------------------------------------------------


@pytest.fixture
def risky_visits(db):
    """Verified, evaluated trips (called off) by persons and to places whose names a spreadsheet
    would run, dated to the month, with two sources each."""
    host = make_state("MNG", "Mongolia")
    visits = [
        record_visit_report(
            person=make_person(f"risky-{n}", text),
            host=host,
            start=datetime.date(2009, 3, 1),
            start_precision="month",
            place=text,
            status="cancelled",
            outcome="n/a",
            review_state="verified",
            sources=[
                SourceInput(url=f"https://news.example.org/{n}/a"),
                SourceInput(url=f"https://news.example.org/{n}/b"),
            ],
        )
        for n, text in enumerate(RISKY)
    ]
    flagging.evaluate_visits([v.pk for v in visits], cause="test data")
    return visits


def read_csv(text: str) -> list[dict]:
    assert text.startswith("\ufeff"), "every CSV starts with a byte order mark"
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def streamed(response) -> str:
    """A download's text as sent, byte order mark included."""
    return b"".join(response.streaming_content).decode("utf-8")


def by_id(rows, key="id") -> dict[str, dict]:
    return {row[key]: row for row in rows}


def test_the_site_csv_guards_formulas(reader, risky_visits):
    rows = by_id(read_csv(streamed(reader.get("/visits.csv"))))
    assert {rows[v.slug]["place"] for v in risky_visits} == GUARDED
    assert {rows[v.slug]["person"] for v in risky_visits} == GUARDED


def test_the_api_csv_guards_formulas(api_client, risky_visits):
    response = api_client.get("/api/v1/visits/", {"format": "csv"})
    assert response.status_code == 200
    rows = by_id(read_csv(response.content.decode("utf-8")))
    assert {rows[v.slug]["place"] for v in risky_visits} == GUARDED
    assert {rows[v.slug]["person.name"] for v in risky_visits} == GUARDED


def test_export_verdicts_guards_formulas(risky_visits):
    out = io.StringIO()
    call_command("export_verdicts", stdout=out)
    rows = by_id(read_csv(out.getvalue()))
    # The explanation quotes the person's name and the place: no cell of the export may
    # start with what a spreadsheet reads as a formula.
    for text, visit in zip(RISKY, risky_visits, strict=True):
        row = rows[visit.slug]
        assert text in row["explanation"]
        assert not [v for v in row.values() if v[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_dates_and_lists_read_the_same_on_the_site_the_api_and_the_export(
    reader, api_client, risky_visits
):
    visit = risky_visits[0]
    site = by_id(read_csv(streamed(reader.get("/visits.csv"))))[visit.slug]
    api = by_id(read_csv(api_client.get("/api/v1/visits/", {"format": "csv"}).content.decode()))[
        visit.slug
    ]
    out = io.StringIO()
    call_command("export_verdicts", stdout=out)
    export = by_id(read_csv(out.getvalue()))[visit.slug]

    assert site["start"] == api["start"] == export["start"] == "2009-03"
    assert site["end"] == api["end"] == export["end"] == ""
    urls = "https://news.example.org/0/a; https://news.example.org/0/b"
    assert site["source_urls"] == api["sources.url"] == urls
    site_json = json.loads(body(reader.get("/visits.json")))
    (row,) = [r for r in site_json["results"] if r["id"] == visit.slug]
    assert row["start"] == "2009-03" and row["source_urls"] == urls.split("; ")


def test_an_invalid_filter_has_the_same_error_body_on_the_site_and_the_api(reader, api_client, db):
    site = json.loads(reader.get("/visits.csv?verdict=guilty").content)
    api = api_client.get("/api/v1/visits/", {"verdict": "guilty", "format": "csv"}).json()
    assert site["error"]["code"] == api["error"]["code"] == "invalid_filter"
    assert set(site["error"]) == set(api["error"]) == {"code", "message", "fields"}
    assert list(site["error"]["fields"]) == list(api["error"]["fields"]) == ["verdict"]
