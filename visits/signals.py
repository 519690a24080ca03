"""Which visits a change affects: every save or delete of a fact records evaluation requests.

Receivers only record requests (in the saving transaction); the relay enqueues
the work after commit. See visits.flagging.
"""

import datetime

from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from compliance import partial_isoformat
from core import pagecache
from core.models import Source
from states.models import Declaration, SecurityCouncilReferral, State, TreatyEvent
from visits.models import Finding, Report, ReportState, Visit
from visits.outbox import request_evaluation
from warrants.models import Person, Situation, Warrant

# The fields whose old and new values are named in the verdict history.
TRACKED = {
    Visit: [
        "person_id",
        "host_id",
        "start",
        "end",
        "end_known",
        "status",
        "outcome",
        "review_state",
        "host_notified",
        "host_justification",
        "place",
        "host_control",
        "controlled_by_id",
        "withdrawal_note",
    ],
    Warrant: ["issued", "made_public", "ended", "end_reason", "person_id"],
    TreatyEvent: ["kind", "date"],
    Declaration: ["lodged", "situation_id", "covers_from", "covers_to", "effect"],
    SecurityCouncilReferral: ["adopted", "situation_id", "resolution"],
    Person: ["name", "situation_id", "nationality_id"],
    State: ["name", "instrument"],
    Finding: ["decided", "kind", "referred_to_asp", "referred_to_unsc", "visit_id"],
}


# The dated fields whose change affects only the visits on or after the earliest of their
# old and new values (with the precision each date is known to, where it has one).
DATED = {
    Warrant: [
        ("issued", "issued_precision"),
        ("made_public", "made_public_precision"),
        ("ended", None),
    ],
    TreatyEvent: [("date", None)],
    Declaration: [("lodged", None)],
}


# The dates known to a precision: a cause names them as far as they are known ("2009-03",
# "March 2009" in words), and a change of the precision alone is a change of the date.
PRECISIONS = {
    Visit: {"start": "start_precision", "end": "end_precision"},
    Warrant: {"issued": "issued_precision", "made_public": "made_public_precision"},
    Declaration: {"covers_from": "covers_from_precision", "covers_to": "covers_to_precision"},
    TreatyEvent: {"date": "precision"},
    Finding: {"decided": "decided_precision"},
}


def _dated_fields(model) -> list[str]:
    dated = [f for pair in DATED.get(model, ()) for f in pair if f]
    return dated + [p for p in PRECISIONS.get(model, {}).values() if p not in dated]


@receiver(pre_save)
def remember_old_values(sender, instance, **kwargs):
    """Before a tracked record is saved again, keep its TRACKED fields (and its dates) as
    stored, as `instance._iccwatch_before`: the cause names old and new values, and the
    earliest of the old and new dates bounds the visits a change affects."""
    fields = TRACKED.get(sender)
    if fields and instance.pk:
        extra = [f for f in _dated_fields(sender) if f not in fields]
        instance._iccwatch_before = (
            sender.objects.filter(pk=instance.pk).values(*fields, *extra).first()
        )


def describe_change(instance, created: bool, deleted: bool = False) -> dict:
    """The cause a change records (core.causes), naming things by their natural keys:
    {"key": "changed", "object": "warrant", "name": "putin-2023",
     "changes": [{"field": "issued", "old": "2023-03-17", "new": "2023-03-18"}]}.
    An ICC decision's cause also gives its kind ({"object": "finding", "name": "KEN
    2010-08-27", "kind": "other", ...}): a reader is told a finding under Art. 87(7) from
    a decision that made none (core.causes.finding_noun)."""
    cause = _describe_change(instance, created, deleted)
    if isinstance(instance, Finding):
        cause["kind"] = instance.kind
    return cause


def _describe_change(instance, created: bool, deleted: bool) -> dict:
    if isinstance(instance, TreatyEvent):
        # "withdrawal_effective of BDI" says more to a reader than "treaty event of BDI".
        obj, name = "treaty event", f"{instance.kind} of {instance.state.iso3}"
    elif isinstance(instance, SecurityCouncilReferral):
        obj, name = "referral", instance.resolution
    else:
        obj, name = instance._meta.model_name, _name(instance)
    if deleted:
        return {"key": "deleted", "object": obj, "name": name}
    if created:
        return {"key": "added", "object": obj, "name": name}
    before = getattr(instance, "_iccwatch_before", None) or {}
    changes = []
    precisions = PRECISIONS.get(type(instance), {})
    for field in TRACKED.get(type(instance), []):
        old, new = before.get(field), getattr(instance, field)
        if field in precisions:
            precision = precisions[field]
            old = partial_isoformat(old, before.get(precision) or "day")
            new = partial_isoformat(new, getattr(instance, precision) or "day")
        if old != new:
            changes.append(
                {
                    "field": field.removesuffix("_id"),
                    "old": _natural_key(type(instance), field, old),
                    "new": _natural_key(type(instance), field, new),
                }
            )
    if not changes:
        return {"key": "edited", "object": obj, "name": name}
    return {"key": "changed", "object": obj, "name": name, "changes": changes}


def _name(instance) -> str:
    # A finding by its state and day, which a reader's words are made of ("ICC finding …
    # (Mongolia, 24 October 2024)", core.causes), not by its dataset id.
    if isinstance(instance, Finding):
        return f"{instance.state.iso3} {partial_isoformat(instance.decided, instance.decided_precision)}"
    for attr in ("slug", "ref", "iso3"):
        if getattr(instance, attr, None):
            return getattr(instance, attr)
    if isinstance(instance, Declaration):
        return f"{instance.state.iso3} {instance.lodged.isoformat()}"
    if isinstance(instance, Situation):
        return instance.name
    return str(instance.pk)


# Foreign keys named by their target's natural key, never by a database id.
_NATURAL_KEYS = {
    "host_id": (State, "iso3"),
    "nationality_id": (State, "iso3"),
    "controlled_by_id": (State, "iso3"),
    "person_id": (Person, "slug"),
    "visit_id": (Visit, "slug"),
    "situation_id": (Situation, "name"),
}


def _natural_key(model, field: str, value) -> str:
    """'RUS' for nationality_id 155; ISO dates (partial ones as given: '2009-03'); '' for none."""
    if value in (None, ""):
        return ""
    if field in _NATURAL_KEYS:
        target, key = _NATURAL_KEYS[field]
        found = target.objects.filter(pk=value).values_list(key, flat=True).first()
        return found if found is not None else str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _first_day(day: datetime.date | None, precision: str | None) -> datetime.date | None:
    """The first day a date known to `precision` ('day', 'month', 'year') can be."""
    if day is None:
        return None
    if precision == "year":
        return day.replace(month=1, day=1)
    if precision == "month":
        return day.replace(day=1)
    return day


def earliest_changed_date(instance, previous: dict | None) -> datetime.date | None:
    """The earliest day on which this change to a dated fact (a warrant, a treaty event, a
    declaration) can make a difference: the earliest of the old and new values of its
    dated fields (DATED), each at the first day its precision allows. None when the
    change is not only to dated fields (a warrant moved to another person, a declaration
    to another situation, an end reason...), or a date is missing: then every day can.
    """
    pairs = DATED.get(type(instance))
    if not pairs:
        return None
    tracked = TRACKED.get(type(instance), [])
    if previous is not None:
        dated = set(_dated_fields(type(instance)))
        others = [f for f in tracked if f not in dated and previous.get(f) != getattr(instance, f)]
        if others:
            return None
        changed = [
            (field, precision)
            for field, precision in pairs
            if previous.get(field) != getattr(instance, field)
            or (precision and previous.get(precision) != getattr(instance, precision))
        ]
        if not changed:
            return None  # an edit to untracked fields: as before, every day
        states = [previous, {f: getattr(instance, f) for f in _dated_fields(type(instance))}]
    else:  # created or deleted: all of its dates count
        changed = pairs
        states = [{f: getattr(instance, f) for f in _dated_fields(type(instance))}]
    days = []
    for state in states:
        for field, precision in changed:
            day = _first_day(state.get(field), state.get(precision) if precision else None)
            if day is not None:
                days.append(day)
    if isinstance(instance, Warrant) and not days:
        return None
    return min(days) if days else None


# The last day a visit can have been on (its end, else its start, at the last day its
# precision allows); an undated visit can be on any day.
_LAST_POSSIBLE_DAY = """CASE
    WHEN v."end" IS NOT NULL THEN CASE v.end_precision
        WHEN 'year' THEN (date_trunc('year', v."end") + interval '1 year - 1 day')::date
        WHEN 'month' THEN (date_trunc('month', v."end") + interval '1 month - 1 day')::date
        ELSE v."end" END
    ELSE CASE v.start_precision
        WHEN 'year' THEN (date_trunc('year', v.start) + interval '1 year - 1 day')::date
        WHEN 'month' THEN (date_trunc('month', v.start) + interval '1 month - 1 day')::date
        ELSE v.start END
END"""

# The reasons (compliance.explanation) of a visit before the changed date that still name
# the changed facts, so must be recomputed although the verdict cannot change: the host's
# entry into force, deposit and withdrawal (bound_state_party says when a withdrawal
# notified by then takes effect, not_yet_party when the Statute entered into force); its
# declarations (bound_declaration, and not_party's "lodged a declaration later"); the
# warrants' dates (no_warrant_in_force's "issued after", a pending verdict's imprecise
# warrant, bound_residual's issue date). A verdict without reasons (recorded before they
# were kept) or without a verdict at all is always recomputed.
_CITES = {
    "timeline": ("entry_into_force", "deposited", "withdrawal_effective"),
    # A withdrawal (notified, revoked, effective) is cited by an earlier visit only when it
    # had been notified by then (bound_state_party's pending withdrawal), or when it could
    # make the host never a party (a withdrawal before entry into force, Art. 127(1)).
    "withdrawal": (
        'withdrawal_effective != ""',
        'key == "not_yet_party"',
        'key == "never_party"',
    ),
    "declaration": ("lodged", "declaration_lodged_later", "declaration_situation"),
    # no_warrant_in_force's reason also says whether there are several warrants.
    "warrant": ("issued_after", "ended_before", "imprecise_warrant != null", "warrant_issued"),
}


def _cites(kind: str) -> str:
    keys = " || ".join(f"@.{key}" if " " in key else f"exists(@.{key})" for key in _CITES[kind])
    return (
        "NOT EXISTS (SELECT 1 FROM visits_verdict vd WHERE vd.visit_id = v.id "
        f"AND vd.reasons <> '[]'::jsonb AND NOT jsonb_path_exists(vd.reasons, '$[*] ? ({keys})'))"
    )


def _from_day(
    where: str, params: list, day: datetime.date | None, cites: str, extra: str = ""
) -> tuple[str, list]:
    """`where`, narrowed to the visits that can be on or after `day` (every visit when None),
    and those before it whose verdict's reasons cite the changed facts (`cites`, SQL)."""
    if day is None:
        return where, params
    narrowed = f"v.start IS NULL OR {_LAST_POSSIBLE_DAY} >= %s OR {cites}"
    if extra:
        narrowed += f" OR {extra}"
    return f"{where} AND ({narrowed})", [*params, day]


def _first_withdrawal_event(state_id: int) -> datetime.date | None:
    """The date of the state's earliest withdrawal event (notice, revocation, effective
    date), or None when it has none.

    Whether a visit's reasons name a pending withdrawal depends on the whole withdrawal:
    from its notice on, a visit names the effective date unless a revocation cancelled it
    (compliance.treaty). Deleting or moving a revocation, or adding an effective date,
    therefore changes the reasons of the visits from the notice on, not only from the
    changed date (Art. 127(1): a withdrawal takes effect a year after its notification)."""
    return (
        TreatyEvent.objects.filter(state_id=state_id, kind__startswith="withdrawal")
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )


def _affected(instance, previous: dict | None) -> tuple[str, list] | None:
    """The SQL condition (alias v) selecting the visits whose verdict may change.

    A change to a state's timeline (a treaty event, a declaration) or to a warrant's
    dates selects only the visits that can fall on or after the earliest changed date
    (earliest_changed_date; partial and missing visit dates count as any day they could
    be), plus the earlier ones whose reasons cite the changed facts.
    """
    if isinstance(instance, Visit):
        return "v.id = %s", [instance.pk]
    if isinstance(instance, Warrant):
        person_ids = {instance.person_id, (previous or {}).get("person_id")} - {None}
        day = earliest_changed_date(instance, previous)
        if instance.pk is None:  # deleted: its links are gone with it
            links = ""
        else:
            links = (
                "EXISTS (SELECT 1 FROM visits_verdict_warrants vw "
                f"WHERE vw.verdict_id = v.id AND vw.warrant_id = {int(instance.pk)})"
            )
        return _from_day("v.person_id = ANY(%s)", [list(person_ids)], day, _cites("warrant"), links)
    if isinstance(instance, Person):
        return "v.person_id = %s", [instance.pk]
    if isinstance(instance, TreatyEvent):
        kinds = {instance.kind, (previous or {}).get("kind", instance.kind)}
        withdrawal = all(kind.startswith("withdrawal") for kind in kinds)
        day = earliest_changed_date(instance, previous)
        first = _first_withdrawal_event(instance.state_id) if withdrawal and day else None
        if first is not None:
            day = min(day, first)
        return _from_day(
            "v.host_id = %s",
            [instance.state_id],
            day,
            _cites("withdrawal" if withdrawal else "timeline"),
        )
    if isinstance(instance, Declaration):
        return _from_day(
            "v.host_id = %s",
            [instance.state_id],
            earliest_changed_date(instance, previous),
            _cites("declaration"),
        )
    if isinstance(instance, SecurityCouncilReferral):
        # Every visit by a person of the referred situation (before and after the change): a
        # bound host's basis, and the reason that tells any other host the referral does not
        # bind it (bound states are an m2m: request_after_bound_states_change covers them).
        situations = {instance.situation_id, (previous or {}).get("situation_id")} - {None}
        return (_SITUATION_VISITS, [sorted(situations)]) if situations else None
    if isinstance(instance, State):
        # Its name or instrument (its visits' reasons name how it joined): its own visits, and every visit of a situation whose referral binds it,
        # as the other hosts' `referral_not_binding` reasons name the states it binds.
        return (
            "v.host_id = %s OR v.person_id IN (SELECT p.id FROM warrants_person p"
            " JOIN states_securitycouncilreferral r ON r.situation_id = p.situation_id"
            " JOIN states_securitycouncilreferral_bound_states b"
            " ON b.securitycouncilreferral_id = r.id WHERE b.state_id = %s)",
            [instance.pk, instance.pk],
        )
    if isinstance(instance, Finding):
        ids = {instance.visit_id, (previous or {}).get("visit_id")} - {None}
        return "v.id = ANY(%s)", [list(ids)]
    if isinstance(instance, Situation):
        return "v.person_id IN (SELECT id FROM warrants_person WHERE situation_id = %s)", [
            instance.pk
        ]
    return None


@receiver(post_save)
def request_after_save(sender, instance, created, raw=False, **kwargs):
    """After a fact the rule reads is saved (not a fixture's raw load), record an
    evaluation request for every visit it affects (`_affected`), with its cause, in the
    saving transaction."""
    if raw or sender not in (*TRACKED, Situation):
        return
    affected = _affected(instance, getattr(instance, "_iccwatch_before", None))
    if affected:
        request_evaluation(affected[0], affected[1], describe_change(instance, created))


@receiver(post_delete)
def request_after_delete(sender, instance, **kwargs):
    """After a warrant, treaty event, declaration, finding or referral is deleted, record
    an evaluation request for every visit it affected, with its cause."""
    if sender not in (Warrant, TreatyEvent, Declaration, Finding, SecurityCouncilReferral):
        return
    affected = _affected(instance, None)
    if affected:
        request_evaluation(affected[0], affected[1], describe_change(instance, False, deleted=True))


@receiver(m2m_changed, sender=Visit.sources.through)
def request_after_sources_change(sender, instance, action, **kwargs):
    """A visit's sources added or removed: its verdict's reasons cite them, so the visit
    is evaluated again."""
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Visit):
        request_evaluation("v.id = %s", [instance.pk], {"key": "sources", "name": instance.slug})


# The visits by persons of the given situations (ids).
_SITUATION_VISITS = "v.person_id IN (SELECT id FROM warrants_person WHERE situation_id = ANY(%s))"


@receiver(m2m_changed, sender=SecurityCouncilReferral.bound_states.through)
def request_after_bound_states_change(sender, instance, action, pk_set, **kwargs):
    """A state added to or removed from a referral: the visits of the referred situation
    may change, a bound host's basis and every other host's reason (`referral_not_binding`
    names the states the resolution binds)."""
    if action not in ("pre_clear", "post_add", "post_remove"):
        return
    if isinstance(instance, SecurityCouncilReferral):
        changed = pk_set or set(instance.bound_states.values_list("pk", flat=True))
        situations, name = ({instance.situation_id} if changed else set()), instance.resolution
    else:
        referrals = SecurityCouncilReferral.objects.filter(
            pk__in=pk_set if pk_set else instance.council_referrals.values("pk")
        )
        situations = set(referrals.values_list("situation_id", flat=True))
        name = instance.iso3
    if situations:
        request_evaluation(
            _SITUATION_VISITS,
            [sorted(situations)],
            {"key": "edited", "object": "referral", "name": name},
        )


# Sources are not part of a verdict's fingerprint (flagging._FINGERPRINT): they only feed
# its reasons' citations. A visit's own citations change through its sources (the m2m
# receiver above) or its report (which saves the visit); an edit of a shared source
# records a request here.
@receiver(post_save, sender=Source)
def request_after_source_change(sender, instance, created, raw=False, **kwargs):
    """A source's publisher, date or address changed: the visits citing it are re-explained."""
    if raw or created:
        return
    request_evaluation(
        "v.id IN (SELECT c.visit_id FROM visits_visit_sources c WHERE c.source_id = %s)",
        [instance.pk],
        {"key": "edited", "object": "source", "name": instance.url},
    )


@receiver(post_save, sender=Report)
@receiver(post_delete, sender=Report)
def verified_report_changes_public_pages(sender, instance, **kwargs):
    """A verified report's reason and changes are on its visit's public page: saving or
    deleting one moves the cached pages' data version, which a report's own writes leave
    alone while it is its author's and the reviewers' (core.pagecache._IGNORED_TABLES)."""
    if instance.state == ReportState.VERIFIED:
        pagecache.wrote(connection)
