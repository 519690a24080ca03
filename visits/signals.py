"""Which visits a change affects: every save or delete of a fact records evaluation requests.

Receivers only record requests (in the saving transaction); the relay enqueues
the work after commit. See visits.flagging.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from states.models import Declaration, SecurityCouncilReferral, State, TreatyEvent
from visits.models import Finding, Visit
from visits.outbox import request_evaluation
from warrants.models import Person, Situation, Warrant

# The fields whose old and new values are named in the verdict history.
TRACKED = {
    Visit: [
        "person_id",
        "host_id",
        "start",
        "end",
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
    Declaration: ["lodged", "situation_id", "covers_from", "covers_to"],
    SecurityCouncilReferral: ["adopted", "situation_id"],
    Person: ["name", "situation_id", "nationality_id"],
    State: ["name"],
    Finding: ["decided", "kind", "referred_to_asp", "referred_to_unsc", "visit_id"],
}


@receiver(pre_save)
def remember_old_values(sender, instance, **kwargs):
    fields = TRACKED.get(sender)
    if fields and instance.pk:
        instance._iccwatch_before = sender.objects.filter(pk=instance.pk).values(*fields).first()


def describe_change(instance, created: bool, deleted: bool = False) -> dict:
    """The cause a change records (core.causes), naming things by their natural keys:
    {"key": "changed", "object": "warrant", "name": "putin-2023",
     "changes": [{"field": "issued", "old": "2023-03-17", "new": "2023-03-18"}]}."""
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
    for field in TRACKED.get(type(instance), []):
        old, new = before.get(field), getattr(instance, field)
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
    for attr in ("slug", "ref", "iso3"):
        if getattr(instance, attr, None):
            return getattr(instance, attr)
    if isinstance(instance, Declaration):
        return f"{instance.state.iso3} {instance.lodged.isoformat()}"
    if isinstance(instance, Finding):
        return f"{instance.state.iso3} {instance.decided.isoformat()}"
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
    """'RUS' for nationality_id 155; ISO dates; '' for none."""
    if value in (None, ""):
        return ""
    if field in _NATURAL_KEYS:
        target, key = _NATURAL_KEYS[field]
        found = target.objects.filter(pk=value).values_list(key, flat=True).first()
        return found if found is not None else str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _affected(instance, previous: dict | None) -> tuple[str, list] | None:
    """The SQL condition (alias v) selecting the visits whose verdict may change."""
    if isinstance(instance, Visit):
        return "v.id = %s", [instance.pk]
    if isinstance(instance, Warrant):
        person_ids = {instance.person_id, (previous or {}).get("person_id")} - {None}
        return "v.person_id = ANY(%s)", [list(person_ids)]
    if isinstance(instance, Person):
        return "v.person_id = %s", [instance.pk]
    if isinstance(instance, TreatyEvent | Declaration):
        return "v.host_id = %s", [instance.state_id]
    if isinstance(instance, SecurityCouncilReferral):
        # The bound states' visits by persons of the referred situation (bound states are
        # an m2m: request_after_bound_states_change covers changes to them).
        situations = {instance.situation_id, (previous or {}).get("situation_id")} - {None}
        return (
            (
                "v.host_id IN (SELECT state_id FROM states_securitycouncilreferral_bound_states "
                "WHERE securitycouncilreferral_id = %s)",
                [instance.pk],
            )
            if situations
            else None
        )
    if isinstance(instance, State):
        return "v.host_id = %s", [instance.pk]
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
    if raw or sender not in (*TRACKED, Situation):
        return
    affected = _affected(instance, getattr(instance, "_iccwatch_before", None))
    if affected:
        request_evaluation(affected[0], affected[1], describe_change(instance, created))


@receiver(post_delete)
def request_after_delete(sender, instance, **kwargs):
    if sender not in (Warrant, TreatyEvent, Declaration, Finding, SecurityCouncilReferral):
        return
    affected = _affected(instance, None)
    if affected:
        request_evaluation(affected[0], affected[1], describe_change(instance, False, deleted=True))


@receiver(m2m_changed, sender=Visit.sources.through)
def request_after_sources_change(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Visit):
        request_evaluation("v.id = %s", [instance.pk], {"key": "sources", "name": instance.slug})


@receiver(m2m_changed, sender=SecurityCouncilReferral.bound_states.through)
def request_after_bound_states_change(sender, instance, action, pk_set, **kwargs):
    """A state added to or removed from a referral: its visits may change basis."""
    if action not in ("pre_clear", "post_add", "post_remove"):
        return
    if isinstance(instance, SecurityCouncilReferral):
        states = pk_set or set(instance.bound_states.values_list("pk", flat=True))
        name = instance.resolution
    else:
        states, name = {instance.pk}, instance.iso3
    if states:
        request_evaluation(
            "v.host_id = ANY(%s)",
            [list(states)],
            {"key": "edited", "object": "referral", "name": name},
        )
