"""Announced trips whose dates have passed: decided when shown, never stored (the verdict
stays `upcoming`), and listed for staff by `manage.py announced_passed` to be researched."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from states.models import State
from tests.factories import make_visit
from visits.models import Visit, announced_dates_passed, dates_passed_condition
from warrants.models import Person

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 6)


@pytest.mark.parametrize(
    ("start", "start_precision", "end", "end_precision", "passed"),
    [
        (datetime.date(2026, 12, 5), "day", None, "", True),
        (datetime.date(2026, 12, 6), "day", None, "", False),  # today is not past
        (datetime.date(2026, 12, 1), "day", datetime.date(2026, 12, 7), "day", False),
        (datetime.date(2026, 12, 1), "month", None, "", False),  # some day of December
        (datetime.date(2026, 11, 1), "month", None, "", True),
        (datetime.date(2026, 1, 1), "year", None, "", False),  # some day of 2026
        (datetime.date(2025, 1, 1), "year", None, "", True),
        (None, "", None, "", False),  # undated: nothing to pass
    ],
)
def test_an_announced_trip_s_dates_pass_after_its_last_possible_day(
    seeded, start, start_precision, end, end_precision, passed
):
    assert (
        announced_dates_passed("announced", start, start_precision, end, end_precision, TODAY)
        is passed
    )
    # Only an announced trip: one that took place or was called off has no such state.
    assert not announced_dates_passed("occurred", start, start_precision, end, end_precision, TODAY)
    if start is None:
        return
    # The database's reading agrees with Python's (the early warnings filter with it).
    putin = Person.objects.get(slug="vladimir-putin")
    visit = make_visit(
        putin,
        State.objects.get(iso3="FRA"),
        start=datetime.date(2030, 1, 1),
        status="announced",
        outcome="n/a",
    )
    Visit.objects.filter(pk=visit.pk).update(
        start=start,
        start_precision=start_precision,
        end=end,
        end_precision=end_precision or "day",
    )
    found = Visit.objects.filter(dates_passed_condition(TODAY), pk=visit.pk).exists()
    assert found is passed
    assert Visit.objects.get(pk=visit.pk).dates_passed(TODAY) is passed


def test_the_command_lists_the_announced_trips_whose_dates_passed(seeded):
    putin = Person.objects.get(slug="vladimir-putin")
    france = State.objects.get(iso3="FRA")
    past = make_visit(
        putin, france, start=datetime.date(2030, 3, 1), status="announced", outcome="n/a"
    )
    ahead = make_visit(
        putin, france, start=datetime.date(2030, 9, 1), status="announced", outcome="n/a"
    )
    out = io.StringIO()
    call_command("announced_passed", "--date", "2030-06-01", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split("\t") == [
        past.slug,
        putin.name,
        "FRA",
        "2030-03-01",
        "",
        "92",
        past.get_absolute_url(),
    ]
    assert ahead.slug not in out.getvalue()
    assert lines[-1].startswith("1 announced trip(s) whose dates passed before 2030-06-01")
    with pytest.raises(CommandError, match="is not a day"):
        call_command("announced_passed", "--date", "June", stdout=io.StringIO())


def test_an_announced_trip_whose_end_is_not_known_never_has_its_dates_passed(seeded):
    """Putin announced for Ulaanbaatar from 5 December, end not known: on 6 December the
    trip may be going on, so its dates have not passed; staff see it as "end not known"."""
    putin = Person.objects.get(slug="vladimir-putin")
    visit = make_visit(
        putin,
        State.objects.get(iso3="MNG"),
        start=datetime.date(2026, 12, 5),
        status="announced",
        outcome="n/a",
    )
    Visit.objects.filter(pk=visit.pk).update(end=None, end_known=False)
    visit.refresh_from_db()
    assert not announced_dates_passed(
        "announced", visit.start, "day", None, "", TODAY, end_known=False
    )
    for today in (TODAY, datetime.date(2030, 1, 1)):
        assert not visit.dates_passed(today)
        assert not Visit.objects.filter(dates_passed_condition(today), pk=visit.pk).exists()
    out = io.StringIO()
    call_command("announced_passed", "--date", TODAY.isoformat(), stdout=out)
    lines = out.getvalue().splitlines()
    mine = [line.split("\t") for line in lines if line.startswith(visit.slug + "\t")]
    assert mine == [
        [
            visit.slug,
            putin.name,
            "MNG",
            "2026-12-05",
            "",
            "end not known, started 1 days ago",
            visit.get_absolute_url(),
        ]
    ]
    assert "whose end is not known" in lines[-1]


def test_the_visits_download_says_an_announced_trip_s_dates_passed(seeded, client):
    """/visits.csv marks an announced trip whose dates passed (`dates_passed`, before the
    last column) and its explanation no longer says it "has not yet taken place"."""
    import csv

    from visits import flagging

    putin = Person.objects.get(slug="vladimir-putin")
    past = make_visit(
        putin,
        State.objects.get(iso3="FRA"),
        start=datetime.date(2030, 3, 1),
        status="announced",
        outcome="n/a",
    )
    Visit.objects.filter(pk=past.pk).update(start=datetime.date(2025, 3, 1))
    flagging.evaluate_visits([past.pk], cause="test")
    download = client.get("/visits.csv", {"host": "FRA"})
    rows = list(
        csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig")))
    )
    assert list(rows[0])[-2:] == ["dates_passed", "reevaluation_pending"]
    row = next(r for r in rows if r["id"] == past.slug)
    assert row["verdict"] == "upcoming"
    assert row["dates_passed"] == "true"
    assert "whether it took place is not recorded" in row["explanation"]
    assert "not yet taken place" not in row["explanation"]
    assert all(r["dates_passed"] == "false" for r in rows if r["id"] != past.slug)


def test_maps_and_charts_say_an_announced_trip_s_dates_passed(seeded):
    """A map's tooltip and marker say "dates passed; not confirmed as taken" after the
    verdict, and the record-over-time chart counts the trip apart, not as upcoming."""
    from front import charts, maps
    from visits import flagging

    putin = Person.objects.get(slug="vladimir-putin")
    france = State.objects.get(iso3="FRA")
    past = make_visit(
        putin, france, start=datetime.date(2030, 3, 1), status="announced", outcome="n/a"
    )
    ahead = make_visit(
        putin, france, start=datetime.date(2030, 9, 1), status="announced", outcome="n/a"
    )
    Visit.objects.filter(pk=past.pk).update(start=datetime.date(2025, 3, 1))
    flagging.evaluate_visits([past.pk, ahead.pk], cause="test")
    visits = list(
        Visit.objects.filter(pk__in=[past.pk, ahead.pk]).order_by("start").with_verdicts()
    )
    _worst, titles, markers = maps._visit_layers(visits)
    assert "(dates passed; not confirmed as taken)" in markers[0].title
    assert "(dates passed; not confirmed as taken)" not in markers[1].title
    assert sum("dates passed" in line for line in titles["FRA"]) == 1
    counts = charts.record_counts(france)
    assert counts[2025].get("dates_passed") == 1 and "upcoming" not in counts[2025]
    assert counts[2030]["upcoming"] == 1
