"""Subscriptions to urgent alerts: adding one (`add_subscription`, the newsroom's page) and
confirming an address other than the owner's own (`read_confirmation`, `confirm`).

No account makes the site send one alert twice to the same place, nor alerts to someone
who did not ask for them:

- one subscription per owner and email address (in any case), one per owner and webhook
  URL (the model's constraints, said in words by the form: `refusals`);
- at most ICCWATCH_ALERTS_MAX_SUBSCRIPTIONS subscriptions per account;
- an email address other than the account's own receives alerts only once the person it
  belongs to confirmed it, by a signed link mailed to it through the newsroom's outbox
  (alerts.services.record_confirmation_mail), which works for
  alerts.services.CONFIRMATION_MAX_AGE (7 days); until then the subscription awaits
  confirmation (Subscription.awaiting_confirmation) and its webhook, if any, alone gets
  alerts. An account has at most ICCWATCH_ALERTS_MAX_SUBSCRIPTIONS such links mailed in
  24 hours (`ask_confirmation`), so that it cannot have an address mailed over and over.
  The account's own address needs no confirmation.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alerts import services
from alerts.models import NewsroomMail, Subscription
from core import history

# How far back the confirmation links an account had mailed are counted.
CONFIRMATIONS_WINDOW = datetime.timedelta(hours=24)


class LinkRefused(Exception):
    """A confirmation link that confirms nothing: `reason` is "invalid" (altered, cut, or
    signed with another secret), "expired" (older than CONFIRMATION_MAX_AGE) or "gone" (its
    subscription was removed, or its address changed since)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def is_owners_address(owner, email: str) -> bool:
    """Whether `email` is the account's own address (in any case): it needs no confirmation."""
    return bool(email) and bool(owner.email) and email.casefold() == owner.email.casefold()


def confirmations_sent(owner) -> int:
    """How many confirmation links were mailed (or are owed) for `owner`'s subscriptions in
    the last CONFIRMATIONS_WINDOW, those of subscriptions removed since included."""
    since = timezone.now() - CONFIRMATIONS_WINDOW
    return NewsroomMail.objects.filter(
        account=owner, action=services.CONFIRM_SUBSCRIPTION, created_at__gte=since
    ).count()


def refusals(owner, *, email: str, webhook_url: str) -> dict[str, list[str]]:
    """Why `owner` may not add a subscription to `email` and `webhook_url` ('' for none), in
    the reader's language, by field ("email", "webhook_url", NON_FIELD_ERRORS for the
    number of subscriptions); {} when it may. Each subscription of the account is read once."""
    limit = settings.ICCWATCH_ALERTS_MAX_SUBSCRIPTIONS
    existing = list(Subscription.objects.filter(owner=owner).values_list("email", "webhook_url"))
    if len(existing) >= limit:
        return {
            NON_FIELD_ERRORS: [
                ngettext(
                    "You have %(count)d subscription, the most an account may have: remove it "
                    "to add another.",
                    "You have %(count)d subscriptions, the most an account may have: remove "
                    "one to add another.",
                    len(existing),
                )
                % {"count": len(existing)}
            ]
        }
    refused: dict[str, list[str]] = {}
    if email and any(email.casefold() == known.casefold() for known, _url in existing if known):
        refused["email"] = [
            _("You already have a subscription with this email address: it gets each alert once.")
        ]
    if webhook_url and any(webhook_url == known for _email, known in existing):
        refused["webhook_url"] = [
            _("You already have a subscription with this webhook URL: it gets each alert once.")
        ]
    if (
        email
        and "email" not in refused
        and not is_owners_address(owner, email)
        and confirmations_sent(owner) >= limit
    ):
        refused["email"] = [confirmations_refusal(limit)]
    return refused


def confirmations_refusal(limit: int) -> str:
    """Why no confirmation link is mailed now: `limit` were in the last 24 hours."""
    return ngettext(
        "%(count)d confirmation link was sent for your subscriptions in the last 24 hours, "
        "the most an account may send: try again tomorrow, or subscribe your own address, "
        "which needs none.",
        "%(count)d confirmation links were sent for your subscriptions in the last 24 hours, "
        "the most an account may send: try again tomorrow, or subscribe your own address, "
        "which needs none.",
        limit,
    ) % {"count": limit}


@transaction.atomic
def add_subscription(
    owner,
    *,
    label: str = "",
    email: str = "",
    webhook_url: str = "",
    urgent: bool = True,
    language: str = "en",
) -> Subscription:
    """Add `owner`'s subscription to `email` and/or `webhook_url` (checked as the form checks
    them: alerts.forms.SubscriptionForm), its alert emails in `language`; the account's row
    is locked first, so that two requests at once cannot pass its limits together. The
    account's own address is confirmed at once; another awaits confirmation, its link
    mailed once the transaction commits (`ask_confirmation`). Raises ValidationError
    (by field, `refusals`) for a second subscription to the same address or webhook, one
    over ICCWATCH_ALERTS_MAX_SUBSCRIPTIONS, or a link the account may not have mailed now."""
    get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
    refused = refusals(owner, email=email, webhook_url=webhook_url)
    if refused:
        raise ValidationError(refused)
    subscription = Subscription(
        owner=owner,
        label=label,
        email=email,
        webhook_url=webhook_url,
        urgent=urgent,
        language=language,
        confirmed_email=email if is_owners_address(owner, email) else "",
    )
    subscription.full_clean()
    subscription.save()
    if subscription.awaiting_confirmation:
        ask_confirmation(subscription, checked=True)
    return subscription


@transaction.atomic
def ask_confirmation(subscription: Subscription, *, checked: bool = False) -> None:
    """Mail the confirmation link of `subscription`'s address (again: a link lost or
    expired), recorded in the outbox in this transaction (alerts.services.
    record_confirmation_mail), and note when (`confirmation_sent_at`). Raises
    ValidationError (on "email") when the account had ICCWATCH_ALERTS_MAX_SUBSCRIPTIONS
    links mailed in the last 24 hours, and ValueError for a subscription awaiting
    nothing. `checked`: the caller counted them already, under the account's lock."""
    if not subscription.awaiting_confirmation:
        raise ValueError(f"subscription {subscription.pk} awaits no confirmation")
    if not checked:
        get_user_model().objects.select_for_update().filter(pk=subscription.owner_id).first()
        limit = settings.ICCWATCH_ALERTS_MAX_SUBSCRIPTIONS
        if confirmations_sent(subscription.owner) >= limit:
            raise ValidationError({"email": [confirmations_refusal(limit)]})
    services.record_confirmation_mail(subscription)
    subscription.confirmation_sent_at = timezone.now()
    subscription.save(update_fields=["confirmation_sent_at"])


def read_confirmation(token: str, *, any_age: bool = False) -> Subscription:
    """The subscription a confirmation link's `token` (alerts.services.confirmation_token)
    names, its address the one the link was mailed to; raises LinkRefused otherwise
    ("invalid", "expired", "gone"). `any_age`: a token older than CONFIRMATION_MAX_AGE is
    read too, never "expired" (for the pages telling that the address is confirmed, which
    confirm nothing: alerts.views.confirmed, and alerts.views.confirm for an address
    confirmed already)."""
    try:
        signed = signing.loads(
            token,
            salt=services.CONFIRMATION_SALT,
            max_age=None if any_age else services.CONFIRMATION_MAX_AGE,
        )
    except signing.SignatureExpired:
        raise LinkRefused("expired") from None
    except signing.BadSignature:
        raise LinkRefused("invalid") from None
    if not isinstance(signed, dict):
        raise LinkRefused("invalid")
    subscription = (
        Subscription.objects.select_related("owner").filter(pk=signed.get("subscription")).first()
    )
    if subscription is None or subscription.email != signed.get("email"):
        raise LinkRefused("gone")
    return subscription


def confirm(subscription: Subscription) -> None:
    """Record that the person `subscription`'s address belongs to wants its alerts: alerts
    go to it from the next one on. Nothing changes for an address confirmed already.

    Its history (alerts.models.SubscriptionEvent) records the change as made through the
    confirmation link mailed to the address (`by_link`), not by whoever is signed in."""
    if subscription.awaiting_confirmation:
        with by_link(CONFIRMATION_LINK):
            subscription.confirmed_email = subscription.email
            subscription.save(update_fields=["confirmed_email"])


def read_unsubscribe(token: str) -> Subscription:
    """The subscription an alert mail's unsubscribe link's `token` (alerts.services.
    unsubscribe_token) names, its address still the one the mail went to; raises
    LinkRefused otherwise: "invalid" (altered, cut, signed with another secret or salt),
    "gone" (the subscription removed, or its address changed since). The link never
    expires (RFC 8058)."""
    try:
        signed = signing.loads(token, salt=services.UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise LinkRefused("invalid") from None
    if not isinstance(signed, dict):
        raise LinkRefused("invalid")
    subscription = (
        Subscription.objects.select_related("owner").filter(pk=signed.get("subscription")).first()
    )
    if subscription is None or subscription.email != signed.get("email"):
        raise LinkRefused("gone")
    return subscription


def unsubscribe(subscription: Subscription, *, one_click: bool = False) -> str:
    """Remove `subscription` at the request of the person its address belongs to (the link
    of an alert mail, RFC 8058's one click included: `one_click`): no alert goes to it,
    nor to its webhook, from then on, as when its owner removes it (alerts.views.delete).
    Returns the signed notice of the removal (alerts.services.removal_notice), which the
    page saying it reads (`read_removal_notice`).

    Its history (alerts.models.SubscriptionEvent) records the removal as made through the
    unsubscribe link mailed to the address (`by_link`), and whether by the mail client's
    one-click POST."""
    # Signed before the removal, which leaves the instance without its id.
    notice = services.removal_notice(subscription)
    with by_link(UNSUBSCRIBE_LINK, one_click=one_click):
        subscription.delete()
    return notice


def read_removal_notice(notice: str) -> str:
    """The address whose subscription the removal `notice` (alerts.services.removal_notice)
    tells of; raises LinkRefused("invalid") for a notice altered, cut, or signed with
    another secret or salt (an unsubscribe or a confirmation token is none)."""
    try:
        signed = signing.loads(notice, salt=services.UNSUBSCRIBED_SALT)
    except signing.BadSignature:
        raise LinkRefused("invalid") from None
    if not isinstance(signed, dict) or not isinstance(signed.get("email"), str):
        raise LinkRefused("invalid")
    return signed["email"]


# The links mailed to a subscription's address, as the history's context names them.
CONFIRMATION_LINK = "confirmation"
UNSUBSCRIBE_LINK = "unsubscribe"


def by_link(link: str, *, one_click: bool = False):
    """A history context (core.history.recording) for the writes made by whoever holds a
    link mailed to a subscription's address, `link` (CONFIRMATION_LINK or
    UNSUBSCRIBE_LINK), signed in or not: path "link" (WritePath.LINK, in place of the
    request's "newsroom"), the `link`, and `one_click` (RFC 8058's POST from a mail
    client). The signed token is the proof, not an account: a request's user, if one is
    signed in, stays recorded as the one whose browser used the link."""
    return history.recording(history.WritePath.LINK, link=link, one_click=one_click)
