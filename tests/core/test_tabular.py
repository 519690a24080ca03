"""One writer for every table: the site's downloads, the API's CSV and export_verdicts agree."""

import csv
import datetime
import gc
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from compliance import Period
from core import tabular
from tests.factories import make_person, make_state
from tests.site.conftest import body
from visits import flagging
from visits.models import Visit
from visits.reports import SourceInput, record_visit_report

RISKY = ['=HYPERLINK("http://evil.example")', "+cmd", "-2+3", "@x"]
GUARDED = {"'" + text for text in RISKY}


# --- The cells ---------------------------------------------------------------------


@pytest.mark.parametrize("cell", [*RISKY, "\tx", "\rx"])
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(cell):
    assert tabular.csv_cell(cell) == "'" + cell
    # A list is a JSON array: its cell starts with "[", which no spreadsheet runs.
    assert tabular.csv_cell([cell, "safe"]) == json.dumps([cell, "safe"], separators=(",", ":"))


def test_harmless_cells_and_numbers_are_written_as_they_are():
    assert tabular.csv_cell("Ulaanbaatar") == "Ulaanbaatar"
    assert tabular.csv_cell("a=b") == "a=b"
    assert tabular.csv_cell(-2) == "-2"
    assert tabular.csv_cell(None) == ""
    assert (tabular.csv_cell(True), tabular.csv_cell(False)) == ("true", "false")


def test_a_text_of_another_type_is_written_as_its_text_and_guarded():
    """Cells that are not exactly a str (lazy translations, safe strings) or an int take the
    general path: the same cell as their plain value."""
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    assert tabular.csv_cell(mark_safe("=1+1")) == "'=1+1"
    assert tabular.csv_cell(gettext_lazy("Persons")) == "Persons"
    assert tabular.csv_cell(1.5) == "1.5"


def test_a_stream_is_handed_over_in_pieces_of_a_given_size_in_order():
    texts = [f"row {n}\n" for n in range(1000)]
    pieces = list(tabular.in_pieces(texts, size=100))
    assert "".join(pieces) == "".join(texts)
    assert all(len(piece) >= 100 for piece in pieces[:-1])
    assert all(len(piece) < 100 + 8 for piece in pieces)  # no piece past size + one text
    assert list(tabular.in_pieces([], size=100)) == []


@pytest.mark.parametrize("address", ["/visits.csv", "/persons.json", "/api/v1/visits/?format=csv"])
def test_a_download_is_sent_in_pieces_not_a_write_per_row(reader, seeded, address, monkeypatch):
    """The server writes once per piece: at 7,500 warrants a write per row took the
    warrants' CSV past a second at a million visits."""
    monkeypatch.setattr(tabular, "STREAM_PIECE", 8192)
    response = reader.get(address)
    pieces = [piece.decode("utf-8-sig") for piece in response.streaming_content]
    text = "".join(pieces)
    rows = text.count("\n") if address.endswith("csv") else text.count('"slug"')
    assert rows > 20
    assert len(pieces) <= len(text) // 8192 + 1
    assert len(pieces) < rows / 2


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (datetime.date(2024, 9, 2), "2024-09-02"),
        (Period.parse("2009-03"), "2009-03-01"),
        (datetime.datetime(2024, 9, 2, 10, 0, tzinfo=datetime.UTC), "2024-09-02T10:00:00.000000Z"),
    ],
)
def test_dates_and_moments_have_one_encoding(value, written):
    assert tabular.csv_cell(value) == written
    assert tabular.json_value(value) == written


@pytest.mark.parametrize(
    ("day", "precision", "cells"),
    [
        (datetime.date(2024, 9, 2), "day", ("2024-09-02", "day")),
        (datetime.date(2009, 3, 1), "month", ("2009-03-01", "month")),
        (datetime.date(2012, 1, 1), "year", ("2012-01-01", "year")),
        (None, "month", ("", "")),
    ],
)
def test_a_partial_date_is_a_full_iso_date_and_its_precision(day, precision, cells):
    row = tabular.dated("start", day, precision)
    assert (tabular.csv_cell(row["start"]), tabular.csv_cell(row["start_precision"])) == cells


def test_a_list_is_a_json_array_in_csv_and_in_json():
    value = ["a; b", "c,d", None]
    assert tabular.csv_cell(value) == '["a; b","c,d",null]'
    assert json.loads(tabular.csv_cell(value)) == tabular.json_value(value) == value


def test_an_unknown_column_type_is_refused():
    with pytest.raises(ValueError, match="unknown column type"):
        tabular.Column("start", "day")


def test_csv_starts_with_a_bom_and_ends_lines_with_crlf():
    lines = list(tabular.csv_lines([{"a": 1, "b": ["x", "y"]}, {"a": None}], ["a", "b"]))
    assert lines == ["\ufeffa,b\r\n", '1,"[""x"",""y""]"\r\n', ",\r\n"]


def test_a_json_document_streams_its_head_rows_and_count():
    rows = [{"start": datetime.date(2009, 3, 1), "urls": ["u1", "u2"], "bound": True}]
    doc = json.loads("".join(tabular.json_document({"list": "visits"}, iter(rows))))
    assert doc == {
        "list": "visits",
        "results": [{"start": "2009-03-01", "urls": ["u1", "u2"], "bound": True}],
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
    rows = by_id(read_csv(streamed(response)))
    assert {rows[v.slug]["place"] for v in risky_visits} == GUARDED
    assert {rows[v.slug]["person"] for v in risky_visits} == GUARDED


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
    api = by_id(read_csv(streamed(api_client.get("/api/v1/visits/", {"format": "csv"}))))[
        visit.slug
    ]
    out = io.StringIO()
    call_command("export_verdicts", stdout=out)
    export = by_id(read_csv(out.getvalue()))[visit.slug]

    # The same table, from the same writer; the API's `url` is its own address, as in its
    # JSON, the site's page following it as `page_url`.
    assert api.pop("page_url") == site["url"]
    assert site == {**api, "url": site["url"]}
    assert site["start"] == export["start"] == "2009-03-01"
    assert site["start_precision"] == export["start_precision"] == "month"
    assert site["end"] == export["end"] == site["end_precision"] == ""
    urls = ["https://news.example.org/0/a", "https://news.example.org/0/b"]
    assert json.loads(site["source_urls"]) == urls
    site_json = json.loads(body(reader.get("/visits.json")))
    (row,) = [r for r in site_json["results"] if r["id"] == visit.slug]
    assert row["start"] == "2009-03-01" and row["start_precision"] == "month"
    assert row["source_urls"] == urls


def test_an_invalid_filter_has_the_same_error_body_on_the_site_and_the_api(reader, api_client, db):
    site = json.loads(reader.get("/visits.csv?verdict=guilty").content)
    api = api_client.get("/api/v1/visits/", {"verdict": "guilty", "format": "csv"}).json()
    assert site["error"]["code"] == api["error"]["code"] == "invalid_filter"
    assert set(site["error"]) == set(api["error"]) == {"code", "message", "fields"}
    assert list(site["error"]["fields"]) == list(api["error"]["fields"]) == ["verdict"]


def test_moments_are_written_to_the_microsecond_in_one_format():
    """As the API's JSON writes them (a CSV cut them to the second, so a `based_on` copied
    from it came before the visit's `updated_at`); always six digits, one format a column."""
    moment = datetime.datetime(2024, 9, 2, 10, 0, 0, 278629, tzinfo=datetime.UTC)
    assert tabular.csv_cell(moment) == "2024-09-02T10:00:00.278629Z"
    assert tabular.csv_cell(moment.replace(microsecond=0)) == "2024-09-02T10:00:00.000000Z"
    paris = moment.astimezone(datetime.timezone(datetime.timedelta(hours=2)))
    assert tabular.csv_cell(paris) == "2024-09-02T10:00:00.278629Z"


# --- Streaming in flat memory --------------------------------------------------------


def _garbage_after(rows) -> list:
    """The model instances Python's cyclic collector (and nothing else) would free after
    `rows` is consumed."""
    from django.db.models import Model

    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for _ in rows:
            pass
        gc.collect()
        return [o for o in gc.garbage if isinstance(o, Model)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


def _export_queryset():
    return (
        Visit.objects.select_related("verdict", "person", "host")
        .prefetch_related("sources", "verdict__warrants")
        .order_by("pk")
    )


@pytest.mark.django_db
def test_a_streamed_chunk_is_freed_without_the_cyclic_collector(seeded, monkeypatch):
    """A row and its prefetched relations form reference cycles (a verdict names its visit
    back, a prefetched queryset keeps its instance): left to the cyclic collector, every
    chunk of an export stays in memory until a full collection (tabular.streamed)."""
    rows = [
        (v.slug, v.verdict.code, len(v.sources.all()))
        for v in tabular.streamed(_export_queryset(), 3)
    ]
    assert len(rows) == Visit.objects.count() > 6
    assert any(count for _, _, count in rows)
    assert _garbage_after(tabular.streamed(_export_queryset(), 3)) == []
    # The control: without letting go of each chunk, its rows wait for the collector.
    monkeypatch.setattr(tabular, "_let_go", lambda instances: None)
    left = _garbage_after(tabular.streamed(_export_queryset(), 3))
    assert {type(o).__name__ for o in left} >= {"Visit", "Verdict"}


@pytest.mark.django_db
def test_a_streamed_row_keeps_what_was_read_with_it_until_its_chunk_ends(
    seeded, django_assert_num_queries
):
    # The visits, then per chunk of 4: sources, verdicts' warrants.
    chunks = -(-Visit.objects.count() // 4)
    with django_assert_num_queries(1 + 2 * chunks):
        for visit in tabular.streamed(_export_queryset(), 4):
            assert visit.verdict.visit is visit
            list(visit.sources.all())
            list(visit.verdict.warrants.all())


def test_persons_and_warrants_join_the_visits_on_the_situations_id(reader, seeded):
    # Their `situation` is the name ("Darfur, Sudan"), the visits' the id ("darfur-sudan"):
    # a join on it matched nothing, without an error.
    visits = read_csv(streamed(reader.get("/visits.csv")))
    persons = by_id(read_csv(streamed(reader.get("/persons.csv"))), key="slug")
    warrants = read_csv(streamed(reader.get("/warrants.csv")))
    for visit in visits:
        assert persons[visit["person_slug"]]["situation_slug"] == visit["situation"]
    bashir = persons["omar-al-bashir"]
    assert (bashir["situation"], bashir["situation_slug"]) == ("Darfur, Sudan", "darfur-sudan")
    assert {w["situation_slug"] for w in warrants} <= {
        p["situation_slug"] for p in persons.values()
    }
    assert all(w["situation_slug"] for w in warrants)


@pytest.mark.parametrize(
    "address",
    [
        "/visits.csv",
        "/persons.json",
        "/warrants.csv",
        "/fr/states.csv",
        "/api/v1/visits/?format=csv",
    ],
)
def test_a_download_builds_its_rows_addresses_from_one_reversed_address(
    reader, seeded, address, monkeypatch
):
    """Each row's page address is the request's template with the row's identifier put in
    (core.links), not a reverse() per row: 50 µs a row, a quarter of the warrants' CSV."""
    import states.models
    import visits.models
    import warrants.models
    from core import links

    def per_row(*args, **kwargs):
        raise AssertionError("an address reversed for one row")

    for module in (states.models, visits.models, warrants.models):
        monkeypatch.setattr(module, "reverse", per_row)
    reversed_by_links = []

    def counted(*args, **kwargs):
        reversed_by_links.append(args)
        return reverse(*args, **kwargs)

    monkeypatch.setattr(links, "reverse", counted)
    builders = []
    monkeypatch.setattr(
        links, "_builder", lambda *args, make=links._builder: builders.append(args) or make(*args)
    )
    text = body(reader.get(address))
    assert len(reversed_by_links) <= 2  # the templates (and a placeholder refused), not a row
    if "visits" in address:  # each visit row asks for its link functions: each made once
        routes = [args[1:] for args in builders]
        assert 1 <= len(routes) == len(set(routes)) <= 2
        assert text.count("http://testserver/visits/") > 50
    assert "http://testserver/" in text
    if address == "/fr/states.csv":
        assert "http://testserver/fr/states/MNG/" in text
