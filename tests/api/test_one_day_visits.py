"""A visit of one day has one representation in every output, however it is stored.

The data dictionary's input `end` is "empty: the start day", and the importer keeps an
`end` as given, so a one-day visit is stored with no end or with its end repeating its
start. Every output gives it as the schema's `end` says, "Null for a visit of one day":
`end` and `end_precision` null (an empty cell in CSV), read at output
(core.tabular.dated_span), the stored row left as it is.
"""

import csv
import datetime
import io
import json
import re
import sqlite3
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command

from alerts import urgent
from core import tabular
from dataset import bulk
from front.corrections import field_name
from visits.models import Visit

pytestmark = pytest.mark.django_db

# One visit of each stored form, and one known to the month only.
STORED_WITH_ITS_START = "omar-al-bashir-ken-2010-08-27"  # an incident too
STORED_WITHOUT_END = "omar-al-bashir-usa-2013-09-26"
MONTH_WITHOUT_END = "omar-al-bashir-eth-2009-03"


def text(response) -> str:
    assert response.status_code == 200, response
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode("utf-8-sig")


def csv_row(content: str, slug: str, key: str = "id") -> dict:
    (row,) = [r for r in csv.DictReader(StringIO(content)) if r[key] == slug]
    return row


def outputs(client, slug: str) -> dict:
    """Every output's record of the visit `slug`: the API's JSON (a page, a page as of
    today, the detail, the incidents feed for an incident, the search) and CSV (the list,
    the detail, the feed), the site's CSV and JSON, the bulk zip and SQLite file,
    `export_verdicts` and an urgent alert's dates."""
    person = Visit.objects.get(slug=slug).person.slug
    today = datetime.date.today().isoformat()
    api = "/api/v1/visits/"
    found = {}

    def listed(url, **params):
        answer = json.loads(text(client.get(url, {"page_size": 500, **params})))
        (row,) = [r for r in answer["results"] if r["id"] == slug]
        return row

    found["api json"] = listed(api, person=person)
    found["api json as of"] = listed(api, person=person, as_of=today)
    found["api json detail"] = json.loads(text(client.get(f"{api}{slug}/")))
    found["api csv"] = csv_row(text(client.get(api, {"person": person, "format": "csv"})), slug)
    found["api csv detail"] = csv_row(text(client.get(f"{api}{slug}/?format=csv")), slug)
    found["site csv"] = csv_row(text(client.get(f"/visits.csv?person={person}")), slug)
    site_json = json.loads(text(client.get(f"/visits.json?person={person}")))
    (found["site json"],) = [r for r in site_json["results"] if r["id"] == slug]
    if Visit.objects.filter(slug=slug).flagged().exists():
        found["api incidents"] = listed("/api/v1/incidents/", person=person)
        feed = text(client.get("/api/v1/incidents/", {"person": person, "format": "csv"}))
        found["api incidents csv"] = csv_row(feed, slug)
    searched = json.loads(text(client.get("/api/v1/search/", {"q": "al-Bashir", "limit": 100})))
    found["api search"] = [r for r in searched["results"] if r["id"] == slug]
    manifest = bulk.build(force=True)
    files = {f["format"]: bulk.downloads_dir() / f["name"] for f in manifest["files"]}
    with zipfile.ZipFile(files["zip"]) as archive:
        visits = archive.read("visits.csv").decode("utf-8-sig")
    found["bulk zip"] = csv_row(visits, slug, key="slug")
    database = sqlite3.connect(files["sqlite"])
    database.row_factory = sqlite3.Row
    found["bulk sqlite"] = dict(
        database.execute("SELECT * FROM visits WHERE slug = ?", [slug]).fetchone()
    )
    database.close()
    exported = io.StringIO()
    call_command("export_verdicts", stdout=exported)
    found["export_verdicts"] = csv_row(exported.getvalue().lstrip("\ufeff"), slug)
    visit = Visit.objects.select_related("person", "host").get(slug=slug)
    found["urgent alert"] = urgent.payload(visit, "state_party")["dates"]
    return found


def ends(found: dict) -> dict:
    """Each output's (end, end_precision), None for an empty cell."""
    pairs = {}
    for name, record in found.items():
        if name == "api search":
            (record,) = record
        pairs[name] = tuple(record[k] or None for k in ("end", "end_precision"))
    return pairs


@pytest.mark.parametrize(
    ("slug", "other_form"),
    [
        (STORED_WITH_ITS_START, {"end": None}),
        (STORED_WITHOUT_END, {"end": datetime.date(2013, 9, 26), "end_precision": "day"}),
        (MONTH_WITHOUT_END, {"end": datetime.date(2009, 3, 1), "end_precision": "month"}),
    ],
)
def test_both_stored_forms_of_a_one_day_visit_give_the_same_output_everywhere(
    seeded, api_client, settings, tmp_path, slug, other_form
):
    settings.ICCWATCH_PAGE_CACHE = False
    settings.ICCWATCH_DOWNLOADS_DIR = tmp_path / "downloads"
    stored = Visit.objects.filter(slug=slug)
    first = outputs(api_client, slug)
    assert set(ends(first).values()) == {(None, None)}, ends(first)
    # The other stored form, as an import keeps it (a plain update: its history is not
    # the point here). Its `updated_at` moves: the database compares the stored columns
    # (visits migration 0047), and a client reading the record again finds it the same.
    stored.update(**other_form)
    second = outputs(api_client, slug)
    assert unstamped(second) == unstamped(first)


def unstamped(found: dict) -> dict:
    """`found` (outputs) without the visit's change marker, `updated_at`."""

    def drop(row):
        if isinstance(row, list):
            return [drop(item) for item in row]
        if isinstance(row, dict):
            return {key: value for key, value in row.items() if key != "updated_at"}
        return row

    return {name: drop(row) for name, row in found.items()}


def test_a_visit_that_ends_after_its_start_keeps_its_end(seeded, api_client, settings):
    """Only an end that repeats the start is left out: a two-day visit, and one whose end
    is more precise than its start (within its month), keep theirs."""
    settings.ICCWATCH_PAGE_CACHE = False
    slug = "vladimir-putin-mng-2024-09-02"
    row = json.loads(text(api_client.get(f"/api/v1/visits/{slug}/")))
    assert (row["start"], row["end"], row["end_precision"]) == ("2024-09-02", "2024-09-03", "day")
    march = datetime.date(2009, 3, 1)
    assert tabular.dated_span(march, "month", datetime.date(2009, 3, 5), "day")["end"] == (
        datetime.date(2009, 3, 5)
    )
    assert tabular.dated_span(march, "month", march, "day")["end"] == march
    assert tabular.dated_span(march, "day", march, "month")["end"] == march
    assert tabular.dated_span(march, "month", march, "month")["end"] is None


def test_ordering_by_end_sorts_both_stored_forms_alike(seeded, api_client, settings):
    """`ordering=end` sorts by the last day, the end or else the start (README): a one-day
    visit stored either way has the same place in the list, on the API and the site."""
    settings.ICCWATCH_PAGE_CACHE = False

    def orders():
        api = json.loads(
            text(api_client.get("/api/v1/visits/", {"ordering": "end", "page_size": 500}))
        )
        site = csv.DictReader(StringIO(text(api_client.get("/visits.csv?ordering=-end"))))
        return [r["id"] for r in api["results"]], [r["id"] for r in site]

    before = orders()
    Visit.objects.filter(slug=STORED_WITH_ITS_START).update(end=None)
    Visit.objects.filter(slug=STORED_WITHOUT_END).update(end=datetime.date(2013, 9, 26))
    assert orders() == before
    api, site = before
    assert api.index(STORED_WITHOUT_END) > api.index(STORED_WITH_ITS_START)
    assert site.index(STORED_WITHOUT_END) < site.index(STORED_WITH_ITS_START)


@pytest.mark.parametrize(
    ("slug", "stored_end", "shown_end"),
    [
        # Its stored `end` repeats its start: the correction copies it as stored.
        (STORED_WITH_ITS_START, "2010-08-27", None),
        (STORED_WITHOUT_END, None, None),
        # Two days: its end stays.
        ("vladimir-putin-mng-2024-09-02", "2024-09-03", "2024-09-03"),
    ],
)
def test_a_correction_of_a_one_day_visit_shows_no_end_as_the_visit_does(
    seeded, clients, client, reviewer, slug, stored_end, shown_end
):
    """A correction copies its visit's row (visits.review.report_data_of): of a one-day
    visit stored with its end repeating its start, GET /reports/{id}/ gave that `end`
    (`2010-08-27`) where GET /visits/{id}/ gives none, and so did the newsroom's page of
    the report. Both read it as every output reads a visit's (core.tabular.shown_end); the
    report's data keeps it as filed."""
    from visits.models import Report

    visit = clients["anonymous"].get(f"/api/v1/visits/{slug}/").json()
    assert visit["end"] == shown_end
    filed = clients["reporter"].post(
        "/api/v1/reports/", {"visit": slug, "notes": "A note the visit lacks."}, format="json"
    )
    assert filed.status_code == 201, filed.content
    report = Report.objects.get(pk=filed.json()["id"])
    assert report.data["end"] == stored_end  # untouched
    for reader in ("reporter", "reviewer"):
        for answer in (
            filed,
            clients[reader].get(f"/api/v1/reports/{report.pk}/"),
            clients[reader].get(
                "/api/v1/reports/queue/" if reader == "reviewer" else "/api/v1/reports/"
            ),
        ):
            body = answer.json()
            (row,) = [r for r in body.get("results", [body]) if r["id"] == report.pk]
            assert (row["start"], row["end"]) == (visit["start"], shown_end), (reader, row)
    client.force_login(reviewer)
    page = client.get(f"/newsroom/reports/{report.pk}/").content.decode()
    listed = page.split('id="report-facts"')[1].split("</dl>")[0]
    facts = dict(re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", listed))
    # The newsroom's page says a one-day visit's end in words: the same day, not "none".
    assert (facts["End date"] == "same day") == (shown_end is None), facts["End date"]


# What a correction's body takes of a visit's (GET /api/v1/visits/{id}/), as a client
# copies it: each field as the visit gives it, a person or a state by its key.
COPIED = (
    "start",
    "end",
    "place",
    "occasion",
    "status",
    "outcome",
    "host_notified",
    "host_justification",
    "host_control",
)
REASON = "The ceremony's programme names the venue's hall: the notes say so."


def copied_body(visit: dict) -> dict:
    """A correction of `visit` (its API representation) that repeats every field of it:
    a date known to the month or the year written as the input takes it (`2009-03`)."""
    controlled_by = visit["controlled_by"]
    body = {
        "visit": visit["id"],
        "person": visit["person"]["slug"],
        "host": visit["host"]["iso3"],
        "controlled_by": controlled_by["iso3"] if controlled_by else None,
        **{field: visit[field] for field in COPIED},
    }
    for field in ("start", "end"):
        if body[field]:
            body[field] = body[field][: {"year": 4, "month": 7}.get(visit[f"{field}_precision"])]
    return body


def changes_of_the_visit(slug: str) -> list[str]:
    """The fields of the visit that its newest history entry records as changed."""
    from visits import history

    visit = Visit.objects.get(slug=slug)
    newest = next(e for e in history.history_of(Visit, visit.pk) if e.model is Visit)
    return newest.changed_fields


@pytest.mark.parametrize(
    ("slug", "stored", "end_sent"),
    [
        # Stored with its end repeating its start; the client copies the visit's `end: null`.
        (STORED_WITH_ITS_START, {}, "copied"),
        # Stored without an end; the client writes the end out as its start.
        (STORED_WITHOUT_END, {}, "start"),
        # Known to the month, stored with its end repeating it; `end: null` copied.
        (
            MONTH_WITHOUT_END,
            {"end": datetime.date(2009, 3, 1), "end_precision": "month"},
            "copied",
        ),
    ],
)
def test_a_correction_copying_a_one_day_visits_end_changes_no_end(
    seeded, clients, client, reviewer, django_capture_on_commit_callbacks, slug, stored, end_sent
):
    """A one-day visit's end is null in every output, whether its row has no end or one
    that repeats its start: a correction that copies the visit as the API gives it
    (or writes the end out as the start) says the same end. It changed nothing but the
    end: refused, as a correction that changes nothing is. With a real change: the
    report's `changes`, the review's differences and the visit's history list that change
    alone, and the visit keeps its stored end (no change to evaluate again)."""
    from visits.models import Report

    Visit.objects.filter(slug=slug).update(**stored)
    before = Visit.objects.values("end", "end_precision").get(slug=slug)
    visit = clients["anonymous"].get(f"/api/v1/visits/{slug}/").json()
    assert visit["end"] is None
    body = copied_body(visit)
    if end_sent == "start":
        body["end"] = visit["start"]
    same = clients["reporter"].post("/api/v1/reports/", body, format="json")
    assert same.status_code == 409, same.content
    assert same.json()["error"]["message"].startswith("This correction changes nothing")
    assert not Report.objects.exists()

    notes = f"{Visit.objects.get(slug=slug).notes} Held in the hall of the ceremony.".strip()
    filed = clients["reporter"].post(
        "/api/v1/reports/", {**body, "notes": notes, "reason": REASON}, format="json"
    )
    assert filed.status_code == 201, filed.content
    report = Report.objects.get(pk=filed.json()["id"])
    client.force_login(reviewer)
    page = client.get(f"/newsroom/reports/{report.pk}/")
    assert [d["field"] for d in page.context["differences"]] == [field_name("notes")]
    url = filed.json()["url"]
    with django_capture_on_commit_callbacks(execute=True):
        verified = clients["reviewer"].post(
            f"{url}verify/", {"seen": filed.json()["version"]}, format="json"
        )
    assert verified.status_code == 200, verified.content
    changes = clients["reviewer"].get(url).json()["changes"]
    assert [c["field"] for c in changes] == ["notes"], changes
    assert Visit.objects.values("end", "end_precision").get(slug=slug) == before
    assert changes_of_the_visit(slug) == ["notes"]
    assert clients["anonymous"].get(f"/api/v1/visits/{slug}/").json()["end"] is None


def correction_form(client, slug: str) -> dict:
    """What the newsroom's correction form of `slug` posts back as shown (its fields, its
    sources and the signed version it was filled from)."""
    from django import forms

    page = client.get(f"/newsroom/visits/{slug}/correct/")
    assert page.status_code == 200
    data = {}
    sources = page.context["sources"]
    for shown in (page.context["form"], sources.management_form, *sources.forms):
        for field in shown:
            value = field.value()
            if isinstance(field.field, forms.BooleanField):
                if value:
                    data[field.html_name] = "on"
            else:
                data[field.html_name] = "" if value is None else str(value)
    data["based_on"] = page.content.decode().split('name="based_on" value="')[1].split('"')[0]
    return data


def test_a_newsroom_correction_leaving_a_one_day_visits_end_empty_changes_no_end(
    seeded, client, reporter, reviewer
):
    """The newsroom's correction form of a visit stored with its end repeating its start
    shows that end; left empty ("the start day", as the visit's page says it), it is the
    same end: alone, the correction changes nothing and is refused; with a change of the
    notes, the review lists the notes alone and the verified visit keeps its stored end."""
    from visits import review
    from visits.models import Report

    slug = STORED_WITH_ITS_START
    client.force_login(reporter)
    data = correction_form(client, slug)
    assert data["end"] == data["start"] == "2010-08-27"
    data.update({"end": "", "reason": REASON, "action": "submit"})
    refused = client.post(f"/newsroom/visits/{slug}/correct/", data)
    assert refused.status_code == 200
    assert "This correction changes nothing on the visit" in refused.content.decode()
    assert not Report.objects.exists()

    data["notes"] = f"{data['notes']} Held in the hall of the ceremony.".strip()
    filed = client.post(f"/newsroom/visits/{slug}/correct/", data)
    assert filed.status_code == 302, filed.content.decode()
    report = Report.objects.get()
    client.force_login(reviewer)
    page = client.get(f"/newsroom/reports/{report.pk}/")
    assert [d["field"] for d in page.context["differences"]] == [field_name("notes")]
    review.verify(report, reviewer)
    report.refresh_from_db()
    assert [c["field"] for c in report.changes] == ["notes"]
    assert Visit.objects.get(slug=slug).end == datetime.date(2010, 8, 27)
    assert changes_of_the_visit(slug) == ["notes"]


def test_a_corrections_change_of_a_one_day_visits_end_reads_as_the_visit_gave_it(
    seeded, clients, reviewer
):
    """A real change of the end of a visit stored with its end repeating its start is
    listed from the end the visit showed, none (`end: null`), not from the day its row
    repeats; the verified visit stores the new end."""
    visit = clients["anonymous"].get(f"/api/v1/visits/{STORED_WITH_ITS_START}/").json()
    filed = clients["reporter"].post(
        "/api/v1/reports/",
        {**copied_body(visit), "end": "2010-08-28", "reason": REASON},
        format="json",
    )
    assert filed.status_code == 201, filed.content
    url = filed.json()["url"]
    verified = clients["reviewer"].post(
        f"{url}verify/", {"seen": filed.json()["version"]}, format="json"
    )
    assert verified.status_code == 200, verified.content
    changes = clients["reviewer"].get(url).json()["changes"]
    assert changes == [{"field": "end", "old": None, "new": "2010-08-28"}]
    assert Visit.objects.get(slug=STORED_WITH_ITS_START).end == datetime.date(2010, 8, 28)
