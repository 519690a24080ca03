"""A verdict change's cause names a date as far as it is known: a visit or warrant dated
to a month reads "September 2024", never the first day the column stores."""

import datetime

import pytest
from django.utils import translation

from core import causes
from visits.models import Visit
from visits.signals import describe_change
from warrants.models import Warrant

pytestmark = pytest.mark.django_db

MONGOLIA = "vladimir-putin-mng-2024-09-02"


def cause_after(instance, **fields) -> dict:
    instance._iccwatch_before = type(instance).objects.filter(pk=instance.pk).values().first()
    for name, value in fields.items():
        setattr(instance, name, value)
    return describe_change(instance, created=False)


def test_a_visit_dated_to_a_month_is_named_by_its_month(seeded):
    visit = Visit.objects.get(slug=MONGOLIA)
    cause = cause_after(visit, start=datetime.date(2024, 9, 1), start_precision="month")
    assert cause["changes"] == [{"field": "start", "old": "2024-09-02", "new": "2024-09"}]
    with translation.override("en"):
        assert "start 2 September 2024 → September 2024" in causes.render_one(cause)
    with translation.override("fr"):
        assert "2 septembre 2024 → septembre 2024" in causes.render_one(cause)


def test_a_change_of_a_dates_precision_alone_is_named(seeded):
    """Same stored day, known to the year only: the cause says so (it said "edited")."""
    warrant = Warrant.objects.filter(issued__isnull=False, issued_precision="day").first()
    day = warrant.issued.replace(month=1, day=1)
    warrant.issued = day
    warrant.save()
    cause = cause_after(warrant, issued_precision="year")
    assert cause["key"] == "changed"
    assert cause["changes"] == [{"field": "issued", "old": day.isoformat(), "new": str(day.year)}]
    with translation.override("en"):
        assert f"issued 1 January {day.year} → {day.year}" in causes.render_one(cause)


def test_a_treaty_event_dated_to_a_month_is_named_by_its_month(seeded):
    from states.models import TreatyEvent

    event = TreatyEvent.objects.filter(state__iso3="MNG", kind="deposited").get()
    day, month = event.date.isoformat(), event.date.strftime("%Y-%m")
    cause = cause_after(event, date=event.date.replace(day=1), precision="month")
    assert cause["changes"] == [{"field": "date", "old": day, "new": month}]
