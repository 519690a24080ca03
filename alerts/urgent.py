"""Which verified visits call for an urgent alert, and what the alert says.

Urgent: the person is, or is announced to be, in a state bound to arrest him.

- an `announced` visit whose verdict is `upcoming` with would_have_been_bound, and
  whose possible days have not all passed;
- an `occurred` (or transit) visit whose possible days include today, to a host the
  verdict says is bound: `non_compliance`, or (while the outcome is not yet known, so
  the stored verdict is `pending` without a basis) the verdict the rule gives if the
  person is not arrested is `non_compliance`. An arrest (`complied`) is no alert.

The verdicts are the stored ones (visits.Verdict, written by visits.flagging); a visit
with an outstanding evaluation request is left for the next scan.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

import compliance
from compliance import Period, VisitFacts
from core import tabular
from visits import flagging
from visits.models import EvaluationRequest, Visit, VisitStatus

URGENT = "urgent"


def alert_key(visit: Visit) -> str:
    return f"{URGENT}:visit:{visit.pk}"


def days_of(visit: Visit) -> tuple[datetime.date, datetime.date] | None:
    """The first and last possible day of the visit (its precision widens them)."""
    return visit.possible_days()


def _bound_if_not_arrested(visit: Visit) -> tuple[bool, str]:
    """The rule's verdict on this visit were the person not arrested: (bound, basis)."""
    # No findings: they explain a verdict, and only its code and basis are needed here.
    facts = flagging.load_facts(
        state_ids=[visit.host_id], person_ids=[visit.person_id], visit_ids=()
    )
    name, situation = facts.persons[visit.person_id]
    start = Period.from_stored(visit.start, visit.start_precision)
    end = Period.from_stored(visit.end, visit.end_precision) if visit.end else None
    facts_visit = VisitFacts(
        ref=visit.slug,
        person_name=name,
        situation=situation,
        status=visit.status,
        outcome="not_arrested",
        review_state=visit.review_state,
        start=start,
        end=end,
        place=visit.place,
        host_notified=visit.host_notified,
        host_justification=visit.host_justification,
        host_control=visit.host_control,
        controlled_by=visit.controlled_by.iso3 if visit.controlled_by_id else "",
    )
    decision = compliance.decide(
        facts_visit, facts.states[visit.host_id], facts.warrants.get(visit.person_id, ())
    )
    return decision.code == compliance.NON_COMPLIANCE, decision.basis


def urgency(visit: Visit, today: datetime.date | None = None) -> str | None:
    """The basis that makes this visit urgent, or None when it calls for no alert."""
    today = today or timezone.localdate()
    verdict = getattr(visit, "verdict", None)
    days = days_of(visit)
    if verdict is None or visit.review_state != "verified" or days is None:
        return None
    first, last = days
    if visit.status == VisitStatus.ANNOUNCED:
        if (
            verdict.code == compliance.UPCOMING
            and verdict.would_have_been_bound
            and verdict.basis
            and last >= today
        ):
            return verdict.basis
        return None
    if visit.status not in compliance.PRESENT_STATUSES or not first <= today <= last:
        return None
    if verdict.code == compliance.NON_COMPLIANCE:
        return verdict.basis
    if verdict.code == compliance.PENDING and visit.outcome in ("unknown", "n/a"):
        bound, basis = _bound_if_not_arrested(visit)
        return basis if bound else None
    return None


def candidates(today: datetime.date | None = None) -> Iterator[tuple[Visit, str]]:
    """Verified visits that call for an urgent alert now, with the basis that binds the host."""
    today = today or timezone.localdate()
    horizon = today - datetime.timedelta(days=366)  # a year-precision date reaches back a year
    visits = (
        Visit.objects.published()
        .with_verdicts()
        .filter(verdict__isnull=False, start__isnull=False, start__gte=horizon)
        .filter(
            Q(status=VisitStatus.ANNOUNCED)
            | Q(status__in=compliance.PRESENT_STATUSES, start__lte=today)
        )
        .exclude(pk__in=EvaluationRequest.objects.values("visit_id"))
    )
    for visit in visits:
        basis = urgency(visit, today)
        if basis:
            yield visit, basis


def site_url(path: str) -> str:
    """The absolute address of `path` ("/visits/x/") on the site: ICCWATCH_SITE_URL's,
    never a request's Host."""
    return settings.ICCWATCH_SITE_URL.rstrip("/") + path


def api_url(visit: Visit) -> str:
    """The absolute address of the visit's record in the API (/api/v1/visits/<id>/), from
    ICCWATCH_SITE_URL as the site's page is."""
    return site_url(reverse("api-visit-detail", kwargs={"id": visit.slug}))


def payload(visit: Visit, basis: str) -> dict:
    """The alert as the webhook receives it (and the email says): `url` is the visit's
    page on the site, `api_url` its record in the API, both absolute."""
    first, last = days_of(visit)
    # A visit that ends on its start has no end, however it is stored, as in the API's
    # answers and the downloads (tabular.dated_span).
    dates = tabular.dated_span(visit.start, visit.start_precision, visit.end, visit.end_precision)
    return {
        "alert": URGENT,
        "visit": visit.slug,
        "person": {"slug": visit.person.slug, "name": visit.person.name},
        "host": {"iso3": visit.host.iso3, "name": visit.host.name},
        "dates": {
            "start": visit.start.isoformat(),
            "start_precision": visit.start_precision,
            "end": dates["end"].isoformat() if dates["end"] else None,
            "end_precision": dates["end_precision"],
            "first_day": first.isoformat(),
            "last_day": last.isoformat(),
        },
        "place": visit.place,
        "status": visit.status,
        "verdict": visit.verdict.code,
        "basis": basis,
        "url": site_url(visit.get_absolute_url()),
        "api_url": api_url(visit),
    }
