"""Connected to visits.review's signals (sent in the transaction of the review action),
and to the saves and deletions of API tokens and second factors (sent in the
transaction of the change).

A newsroom mail is recorded in that transaction (services.record_mail, the outbox): the
action and the mail it owes are committed together or not at all, and after commit the
mail is enqueued, or sent at once, in the request, when the broker cannot take it; the
sweep (`alerts.sweep_mails`) enqueues again one whose task was lost. The check for an
urgent alert is enqueued after commit: a failure then (a broker outage) is logged and
never fails the reviewer's request; the alerts scan catches up.

An account's owner is owed a mail (services.record_account_mail) whenever an API token
is created or deleted for the account (REST framework's Token and its proxies: the
admin, `drf_create_token`, the shell), and whenever a second factor (django-otp's TOTP
device) becomes one or stops being one: created confirmed, or confirmed (enrolled at
/account/otp/, or ticked in the admin), no longer confirmed, or deleted while confirmed
(by its owner at /account/otp/, or by an admin in the admin: a lost phone). A device
waiting for its first code is no factor yet: made or deleted, it is mailed to nobody.
Each mail says who made the change and through which path (core.history's context).
Nobody is mailed when the account itself is deleted (its tokens and devices go with
it). What sends no signal is recorded in the account's history but mailed to nobody:
a bulk `update()`, `psql`, and the tokens an account loses when it is turned off or on
(accounts.offboarding, a trigger).
"""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token, TokenProxy

from accounts.models import AccountDevice, AccountToken, ApiToken
from alerts import services
from alerts.services import (
    AUTHOR_MAILED,
    DEVICE_ADDED,
    DEVICE_REMOVED,
    REVIEWERS_MAILED,
    TOKEN_CREATED,
    TOKEN_DELETED,
    enqueue,
)
from core.history import current_context
from visits.review import report_reviewed, report_submitted

logger = logging.getLogger(__name__)


@receiver(report_submitted, dispatch_uid="alerts-mail-reviewers")
def report_awaits_review(sender, report, **kwargs):
    services.record_mail(report, REVIEWERS_MAILED)


@receiver(report_reviewed, dispatch_uid="alerts-mail-author")
def tell_the_author(sender, report, action, **kwargs):
    # The language the reviewer acted in (the request's; a shell or a command acts in the
    # site's default, English): the mail's when the author never used the newsroom, whose
    # language is the mail's otherwise (services.mail_author).
    if action not in AUTHOR_MAILED:
        return
    services.record_mail(report, action, translation.get_language())


@receiver(report_reviewed, dispatch_uid="alerts-check-verified-visit")
def report_was_reviewed(sender, report, action, **kwargs):
    if action != "verified" or not report.visit_id:
        return
    transaction.on_commit(lambda: check_visit(report.visit_id), robust=True)


def check_visit(visit_id: int) -> None:
    """Enqueue the check of a verified visit for an urgent alert; never raises (the alerts
    scan catches up with what it could not enqueue)."""
    try:
        enqueue("alerts.check_visit", visit_id)
    except Exception:  # noqa: BLE001 - see the module's docstring
        logger.exception("could not check visit %s for an urgent alert", visit_id)


# --- An account's owner: its API tokens and second factors ------------------------------

# Every model a token or a device is saved or deleted as (a proxy sends its own signals):
# each connected by name, so that deleting any other model keeps Django's fast path.
TOKEN_MODELS = (Token, TokenProxy, ApiToken, AccountToken)
DEVICE_MODELS = (TOTPDevice, AccountDevice)
# What an account's mail keeps of the context of the change (core.history).
CHANGER_KEYS = ("user", "username", "path", "command", "os_user")
# The confirmation a device had in the database before a save that may write it: set by
# `_device_saving` on the instance, read (and cleared) by `_device_saved`.
_WAS_CONFIRMED = "_iccwatch_was_confirmed"


def tell_the_owner(account_id: int, action: str, **details) -> None:
    """Record the mail of `action` (services.ACCOUNT_MAILED) to the owner of the account
    `account_id`, with who is making the change and through which path (the context the
    change is recorded in), `details` added (a device's name), in the language the
    change is made in."""
    context = current_context()
    changer = {key: context[key] for key in CHANGER_KEYS if context.get(key) is not None}
    services.record_account_mail(
        account_id,
        action,
        details={**changer, **details},
        language=translation.get_language() or "",
    )


def _deleted_with_its_account(origin) -> bool:
    """Whether a deletion started from an account (`origin`, Django's post_delete's: the
    object or queryset whose delete() ran), whose owner is then told nothing."""
    User = get_user_model()
    if isinstance(origin, QuerySet):
        return issubclass(origin.model, User)
    return isinstance(origin, User)


def _token_saved(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw:
        tell_the_owner(instance.user_id, TOKEN_CREATED)


def _token_deleted(sender, instance, origin=None, **kwargs):
    if not _deleted_with_its_account(origin):
        tell_the_owner(instance.user_id, TOKEN_DELETED)


def _device_saving(sender, instance, update_fields=None, raw=False, **kwargs):
    """Before a save of an existing device that may write its confirmation, note the one
    it had (a code given saves only its drift, throttling and last use: nothing read)."""
    if raw or instance.pk is None:
        return
    if update_fields is not None and "confirmed" not in update_fields:
        return
    was = type(instance)._base_manager.filter(pk=instance.pk).values_list("confirmed", flat=True)
    instance.__dict__[_WAS_CONFIRMED] = was.first()


def _device_saved(sender, instance, created=False, raw=False, **kwargs):
    was = instance.__dict__.pop(_WAS_CONFIRMED, None)
    if raw:
        return
    if created:
        was = False
    if was is None or was == instance.confirmed:
        return
    action = DEVICE_ADDED if instance.confirmed else DEVICE_REMOVED
    tell_the_owner(instance.user_id, action, device=instance.name)


def _device_deleted(sender, instance, origin=None, **kwargs):
    if instance.confirmed and not _deleted_with_its_account(origin):
        tell_the_owner(instance.user_id, DEVICE_REMOVED, device=instance.name)


for _model in TOKEN_MODELS:
    post_save.connect(
        _token_saved, sender=_model, dispatch_uid=f"alerts-token-saved-{_model.__name__}"
    )
    post_delete.connect(
        _token_deleted, sender=_model, dispatch_uid=f"alerts-token-deleted-{_model.__name__}"
    )
for _model in DEVICE_MODELS:
    pre_save.connect(
        _device_saving, sender=_model, dispatch_uid=f"alerts-device-saving-{_model.__name__}"
    )
    post_save.connect(
        _device_saved, sender=_model, dispatch_uid=f"alerts-device-saved-{_model.__name__}"
    )
    post_delete.connect(
        _device_deleted, sender=_model, dispatch_uid=f"alerts-device-deleted-{_model.__name__}"
    )
