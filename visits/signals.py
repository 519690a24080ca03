"""Which visits a change affects: every save or delete of a fact records evaluation requests.

Receivers only record requests (in the saving transaction); the relay enqueues
the work after commit. See visits.flagging.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from states.models import Declaration, State, TreatyEvent
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
    ],
    Warrant: ["issued", "made_public", "ended", "end_reason", "person_id"],
    TreatyEvent: ["kind", "date"],
    Declaration: ["lodged", "situation_id"],
    Person: ["name", "situation_id", "nationality_id"],
    State: ["name"],
    Finding: ["decided", "referred_to_asp", "referred_to_unsc", "visit_id"],
}


@receiver(pre_save)
def remember_old_values(sender, instance, **kwargs):
    fields = TRACKED.get(sender)
    if fields and instance.pk:
        instance._iccwatch_before = sender.objects.filter(pk=instance.pk).values(*fields).first()


def describe_change(instance, created: bool, deleted: bool = False) -> str:
    """'warrant omar-al-bashir-2009-03-04: issued 2009-03-04 -> 2009-03-05'."""
    if isinstance(instance, TreatyEvent):
        # "withdrawal effective of BDI" says more to a reader than "treaty event of BDI".
        # Written from the code, not the translated label: the cause is stored, in English.
        label = f"{instance.kind.replace('_', ' ')} of {instance.state.iso3}"
    else:
        label = f"{instance._meta.verbose_name} {_name(instance)}"
    if deleted:
        return f"{label} was deleted"
    if created:
        return f"{label} was added"
    before = getattr(instance, "_iccwatch_before", None) or {}
    changes = []
    for field in TRACKED.get(type(instance), []):
        old, new = before.get(field), getattr(instance, field)
        if old != new:
            changes.append(f"{field.removesuffix('_id')} {_show(old)} → {_show(new)}")
    return f"{label}: {', '.join(changes)}" if changes else f"{label} was edited"


def _name(instance) -> str:
    for attr in ("slug", "ref", "iso3"):
        if getattr(instance, attr, None):
            return getattr(instance, attr)
    if isinstance(instance, TreatyEvent | Declaration):
        return f"of {instance.state.iso3}"
    return str(instance.pk)


def _show(value) -> str:
    return "(none)" if value in (None, "") else str(value)


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
    if sender not in (Warrant, TreatyEvent, Declaration, Finding):
        return
    affected = _affected(instance, None)
    if affected:
        request_evaluation(affected[0], affected[1], describe_change(instance, False, deleted=True))


@receiver(m2m_changed, sender=Visit.sources.through)
def request_after_sources_change(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Visit):
        request_evaluation("v.id = %s", [instance.pk], f"sources of visit {instance.slug} changed")
