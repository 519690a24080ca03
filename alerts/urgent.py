"""Which verified visits call for an urgent alert, and what the alert says.

Urgent: the person is, or is announced to be, in a state bound to arrest him.

- an `announced` visit whose verdict is `upcoming` with would_have_been_bound, to a
  place the host controlled (`host_control` effective: in a place it did not control it
  could not arrest, docs/DOMAIN.md "Visit"), and whose possible days have not all passed;
- an `occurred` (or transit) visit whose possible days include today, to a host the
  verdict says is bound: `non_compliance`, or (while the outcome is not yet known, so
  the stored verdict is `pending` without a basis) the verdict the rule gives if the
  person is not arrested is `non_compliance`. An arrest, or the person giving himself
  up (`complied`), is no alert.

A visit whose end is not known (`end_known` False) has no last possible day: its possible
days are its start onward (docs/DOMAIN.md, "Dates"; Visit.possible_days), so, as its dates
never pass (visits.models.announced_dates_passed), it is urgent from its first possible
day on for as long as the rest holds, however long ago it began: until its end is
recorded (its days are then its start to its end), the trip is called off, an arrest is
recorded, or it leaves the record. The scan (`candidates`) looks back a year for the
others, and for these whatever their start. Its alert says the end is not known, never
a last day (`dates_of`: `last_day` null, `end_known` false).

The verdicts are the stored ones (visits.Verdict, written by visits.flagging); a visit
with an outstanding evaluation request is left for the next scan.

A follow-up goes to the subscriptions an urgent alert went to, once the visit it was
about changes in one of the ways that alert's reader must learn of (`events`): the trip
is called off (its status becomes `cancelled` or `virtual`: `called_off`; back to
another, `back_on`), the visit leaves the record (withdrawn or rejected: `withdrawn`;
back in it, `restored`), or its dates change (`dates_changed`). Each follow-up says what
changed since the last alert or follow-up that subscription got about the visit
(`changes`, `previous_dates`), so a second change is a second follow-up.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

import compliance
from alerts.models import Delivery
from compliance import Period, VisitFacts
from core import tabular
from visits import flagging
from visits.models import LEFT_THE_RECORD, EvaluationRequest, ReviewState, Visit, VisitStatus

URGENT = "urgent"
FOLLOW_UP = "follow_up"

# A follow-up's `events`, in the order it gives them (its email's subject names the first).
WITHDRAWN, RESTORED = "withdrawn", "restored"
CALLED_OFF, BACK_ON = "called_off", "back_on"
DATES_CHANGED = "dates_changed"
# The facts a follow-up compares, as an alert's payload gives them: its `changes` name them.
DATE_FIELDS = ("start", "start_precision", "end", "end_precision", "end_known")
FOLLOWED = ("status", "review_state", *DATE_FIELDS)


def alert_key(visit: Visit) -> str:
    """The key of the visit's urgent alert ("urgent:visit:123"): one per subscription and
    channel (alerts.models.Delivery's unique constraint)."""
    return f"{URGENT}:visit:{visit.pk}"


def follow_up_prefix(visit: Visit) -> str:
    """What the keys of the visit's follow-ups start with ("follow_up:visit:123:")."""
    return f"{FOLLOW_UP}:visit:{visit.pk}:"


def follow_up_key(visit: Visit, after: Delivery) -> str:
    """The key of the follow-up of `after` (the visit's last alert or follow-up to one
    subscription and channel): "follow_up:visit:123:456", one per alert it follows, so that
    a second scan or two workers at once create it once."""
    return f"{follow_up_prefix(visit)}{after.pk}"


def visit_of_key(key: str) -> int | None:
    """The visit id in an urgent alert's or a follow-up's key; None for another key."""
    kind, _, rest = key.partition(":visit:")
    if kind not in (URGENT, FOLLOW_UP):
        return None
    number = rest.split(":", 1)[0]
    return int(number) if number.isdigit() else None


def days_of(visit: Visit) -> tuple[datetime.date, datetime.date | None] | None:
    """The first and last possible day of the visit (its precision widens them; the last
    None when its end is not known: Visit.possible_days), None when it is undated."""
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
        controlled_by_name=visit.controlled_by.name if visit.controlled_by_id else "",
        end_known=visit.end_known,
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
    # An end not known is no last day: the visit may still be going on.
    not_over = last is None or last >= today
    if visit.status == VisitStatus.ANNOUNCED:
        if (
            verdict.code == compliance.UPCOMING
            and verdict.would_have_been_bound
            and verdict.basis
            and visit.host_control != compliance.NO_HOST_CONTROL
            and not_over
        ):
            return verdict.basis
        return None
    if visit.status not in compliance.PRESENT_STATUSES or not (first <= today and not_over):
        return None
    if verdict.code == compliance.NON_COMPLIANCE:
        return verdict.basis
    if verdict.code == compliance.PENDING and visit.outcome in ("unknown", "n/a"):
        bound, basis = _bound_if_not_arrested(visit)
        return basis if bound else None
    return None


def candidates(today: datetime.date | None = None) -> Iterator[tuple[Visit, str]]:
    """Verified visits that call for an urgent alert now, with the basis that binds the host:
    those that began in the last year (a year-precision date reaches back a year), and
    those whose end is not known whenever they began (they may still be going on)."""
    today = today or timezone.localdate()
    horizon = today - datetime.timedelta(days=366)  # a year-precision date reaches back a year
    visits = (
        Visit.objects.published()
        .with_verdicts()
        .filter(verdict__isnull=False, start__isnull=False)
        .filter(Q(start__gte=horizon) | Q(end_known=False))
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


def followed_visits() -> Iterator[Visit]:
    """The visits an urgent alert went out about that changed (their `updated_at`) after
    the last alert or follow-up about them, with their verdicts: those a follow-up may be
    owed for (alerts.services.schedule_follow_ups decides). A visit with an outstanding
    evaluation request is left for the next scan: a follow-up gives its verdict."""
    last: dict[int, datetime.datetime] = {}
    keys = (
        Delivery.objects.filter(
            Q(alert_key__startswith=f"{URGENT}:visit:")
            | Q(alert_key__startswith=f"{FOLLOW_UP}:visit:")
        )
        .order_by()
        .values_list("alert_key")
        .annotate(at=Max("created_at"))
    )
    for key, at in keys:
        visit_id = visit_of_key(key)
        if visit_id is not None and (visit_id not in last or at > last[visit_id]):
            last[visit_id] = at
    visits = (
        Visit.objects.with_verdicts()
        .filter(pk__in=list(last), verdict__isnull=False)
        .exclude(pk__in=EvaluationRequest.objects.values("visit_id"))
        .order_by("pk")
    )
    for visit in visits:
        if visit.updated_at > last[visit.pk]:
            yield visit


def site_url(path: str) -> str:
    """The absolute address of `path` ("/visits/x/") on the site: ICCWATCH_SITE_URL's,
    never a request's Host."""
    return settings.ICCWATCH_SITE_URL.rstrip("/") + path


def api_url(visit: Visit) -> str:
    """The absolute address of the visit's record in the API (/api/v1/visits/<id>/), from
    ICCWATCH_SITE_URL as the site's page is."""
    return site_url(reverse("api-visit-detail", kwargs={"id": visit.slug}))


def dates_of(visit: Visit) -> dict:
    """The visit's dates as an alert gives them: {start, start_precision, end,
    end_precision, end_known, first_day, last_day}, ISO dates (end null for a visit of one
    day, however it is stored, as in the API's answers and the downloads:
    tabular.dated_span); every date null for an undated visit (a trip called off whose
    dates were struck: only a follow-up tells of one). A visit whose end is not known has
    `end_known` false and `end` and `last_day` null: no last day is known, and none is
    given (docs/DOMAIN.md, "Dates")."""
    days = days_of(visit)
    if days is None:
        return {
            "start": None,
            "start_precision": visit.start_precision,
            "end": None,
            "end_precision": visit.end_precision,
            "end_known": visit.end_known,
            "first_day": None,
            "last_day": None,
        }
    first, last = days
    dates = tabular.dated_span(visit.start, visit.start_precision, visit.end, visit.end_precision)
    return {
        "start": visit.start.isoformat(),
        "start_precision": visit.start_precision,
        "end": dates["end"].isoformat() if dates["end"] else None,
        "end_precision": dates["end_precision"],
        "end_known": visit.end_known,
        "first_day": first.isoformat(),
        "last_day": last.isoformat() if last else None,
    }


def payload(visit: Visit, basis: str) -> dict:
    """The alert as the webhook receives it (and the email says): `url` is the visit's
    page on the site, `api_url` its record in the API, both absolute."""
    return {
        "alert": URGENT,
        "visit": visit.slug,
        "person": {"slug": visit.person.slug, "name": visit.person.name},
        "host": {"iso3": visit.host.iso3, "name": visit.host.name},
        "dates": dates_of(visit),
        "place": visit.place,
        "status": visit.status,
        "verdict": visit.verdict.code,
        "basis": basis,
        "url": site_url(visit.get_absolute_url()),
        "api_url": api_url(visit),
    }


def followed(alert: dict) -> dict:
    """The facts a follow-up compares (FOLLOWED), as `alert` (an urgent alert's payload or
    a follow-up's) gave them: an urgent alert is about a verified visit, and one sent
    before alerts gave `end_known` was about a visit whose end was known."""
    return {
        "status": alert["status"],
        "review_state": alert.get("review_state", ReviewState.VERIFIED),
        **{field: alert["dates"][field] for field in DATE_FIELDS if field != "end_known"},
        "end_known": alert["dates"].get("end_known", True),
    }


def events(before: dict, now: dict) -> list[str]:
    """What of `now` (followed facts) a reader of an alert that said `before` must learn
    of, in order: the visit left the record (WITHDRAWN) or came back to it (RESTORED); the
    trip was called off (CALLED_OFF: `cancelled` or `virtual`) or is on again (BACK_ON);
    its dates changed (DATES_CHANGED). [] for any other change (its place, its outcome, a
    trip announced that took place)."""
    found = []
    for left, back, holds in (
        (WITHDRAWN, RESTORED, lambda facts: facts["review_state"] in LEFT_THE_RECORD),
        (CALLED_OFF, BACK_ON, lambda facts: facts["status"] in compliance.DETERRED_STATUSES),
    ):
        if holds(now) != holds(before):
            found.append(left if holds(now) else back)
    if any(before[field] != now[field] for field in DATE_FIELDS):
        found.append(DATES_CHANGED)
    return found


def follow_up(visit: Visit, after: dict) -> dict | None:
    """The follow-up of the alert whose payload is `after` (the last one a subscription
    got about `visit`: its urgent alert or a follow-up), as the webhook receives it; None
    when nothing it must learn of changed since (`events`). The payload of the urgent
    alert, the visit's facts as they are now (verdict and basis, `review_state`,
    `withdrawal_note`), and `"alert": "follow_up"`, `"follows": "urgent"`, `events`,
    `changes` ([{field, old, new}] of FOLLOWED, as the API's report `changes`) and
    `previous_dates` (the dates `after` gave)."""
    now = {"status": visit.status, "review_state": visit.review_state, "dates": dates_of(visit)}
    before_facts, now_facts = followed(after), followed(now)
    found = events(before_facts, now_facts)
    if not found:
        return None
    return {
        **payload(visit, visit.verdict.basis or None),
        "alert": FOLLOW_UP,
        "follows": URGENT,
        "events": found,
        "changes": [
            {"field": field, "old": before_facts[field], "new": now_facts[field]}
            for field in FOLLOWED
            if before_facts[field] != now_facts[field]
        ],
        "previous_dates": after["dates"],
        "review_state": visit.review_state,
        "withdrawal_note": visit.withdrawal_note,
    }
