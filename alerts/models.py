"""Subscriptions to urgent alerts, and the delivery log (one row per alert and channel,
one attempt row per try)."""

import secrets

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


def new_secret() -> str:
    return secrets.token_hex(32)


# The fields of a subscription its history records: what it sends, where, and whether;
# never its webhook's signing `secret` (a key copied into the history could sign requests
# to the webhook), nor when a confirmation link was last mailed (the outbox holds it).
SUBSCRIPTION_HISTORY_FIELDS = [
    "owner",
    "label",
    "email",
    "confirmed_email",
    "webhook_url",
    "urgent",
    "language",
    "active",
]


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    fields=SUBSCRIPTION_HISTORY_FIELDS,
    obj_field=pghistory.ObjForeignKey(related_name="events"),
    model_name="SubscriptionEvent",
)
class Subscription(models.Model):
    """Where a newsroom member wants urgent alerts: an email address, a webhook, or both.

    One per owner and address, one per owner and webhook URL (an address in any case:
    `one_subscription_per_owner_and_email`, `one_subscription_per_owner_and_webhook`), at
    most ICCWATCH_ALERTS_MAX_SUBSCRIPTIONS per owner (alerts.subscriptions): no account
    sends one alert twice to the same place. An address other than the owner's own gets
    alerts only once the person it belongs to confirmed it, by the signed link mailed to
    it (`confirmed_email`: the address confirmed, or the owner's own when subscribed;
    alerts go by email only while `email` is that address: `awaiting_confirmation`).

    Its history is pghistory's, as every account-side record's (core.history): database
    triggers write a `SubscriptionEvent` for each subscription added ("insert"), changed
    ("update": its address confirmed, paused, resumed, its address or webhook changed)
    and removed ("delete": by its owner, the admin, or the unsubscribe link of an alert
    mail), whatever made the change, with the request's or command's context (who,
    through which path; the link's `link` and `path` "link", core.history.WritePath).
    It records SUBSCRIPTION_HISTORY_FIELDS only, never the webhook's `secret`: an update
    of only the secret or `confirmation_sent_at` records nothing. Read by
    accounts.history, on its owner's history page in the admin."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_subscriptions"
    )
    label = models.CharField(_("label"), max_length=100, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    confirmed_email = models.EmailField(
        blank=True,
        help_text="The address that receives alerts: its owner confirmed it by the link "
        "mailed to it, or it is the account's own. Alerts go by email only while the "
        "email address is this one.",
    )
    confirmation_sent_at = models.DateTimeField(
        null=True, blank=True, help_text="When the last confirmation link was mailed to it."
    )
    webhook_url = models.URLField(_("webhook URL"), max_length=500, blank=True)
    secret = models.CharField(
        max_length=128, default=new_secret, help_text="Signs the webhook's requests (HMAC-SHA256)."
    )
    urgent = models.BooleanField(
        _("urgent alerts"),
        default=True,
        help_text=_("A wanted person is, or is announced to be, in a state bound to arrest him."),
    )
    language = models.CharField(max_length=8, default="en", help_text="Language of the emails.")
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(email="") | ~Q(webhook_url=""),
                name="subscription_has_a_target",
                # Said in words wherever a form checks it (the admin's, say), not by name.
                violation_error_code="no_target",
                violation_error_message=_("Give an email address, a webhook URL, or both."),
            ),
            models.UniqueConstraint(
                F("owner"),
                Lower("email"),
                condition=~Q(email=""),
                name="one_subscription_per_owner_and_email",
                violation_error_message=_(
                    "This account already has a subscription with this email address."
                ),
            ),
            models.UniqueConstraint(
                fields=["owner", "webhook_url"],
                condition=~Q(webhook_url=""),
                name="one_subscription_per_owner_and_webhook",
                violation_error_message=_(
                    "This account already has a subscription with this webhook URL."
                ),
            ),
        ]

    def __str__(self):
        return self.label or self.email or self.webhook_url

    @property
    def awaiting_confirmation(self) -> bool:
        """Whether its email address waits for its owner's confirmation (no alert goes to
        it until then): an address given, and not the one confirmed."""
        return bool(self.email) and self.email != self.confirmed_email

    @property
    def channels(self) -> list[str]:
        """The channels its alerts go through: "email" (an address confirmed), "webhook"."""
        email = "" if self.awaiting_confirmation else self.email
        return [c for c, target in (("email", email), ("webhook", self.webhook_url)) if target]


class Channel(models.TextChoices):
    EMAIL = "email", _("email")
    WEBHOOK = "webhook", _("webhook")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    RETRYING = "retrying", _("retrying")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")


class Delivery(models.Model):
    """One alert to one subscription through one channel; unique, so an alert goes once."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    alert_key = models.CharField(max_length=100, help_text="e.g. urgent:visit:123")
    payload = models.JSONField()
    attempts = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    response_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "alert_key", "channel"], name="one_delivery_per_alert"
            )
        ]

    def __str__(self):
        return f"{self.alert_key} → {self.subscription} ({self.channel})"


class DeliveryAttempt(models.Model):
    """One try of a delivery: when, what the other end answered, or what went wrong."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    at = models.DateTimeField(auto_now_add=True)
    response_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="one_attempt_per_number")
        ]

    def __str__(self):
        return f"{self.delivery_id} #{self.number}"


class MailStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENDING = "sending", _("sending")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class NewsroomMail(models.Model):
    """A newsroom mail owed (the outbox of alerts.services.record_mail and
    record_account_mail): recorded in the transaction of the action it tells of, so that
    a mail whose task is lost (a Redis restarted empty, a worker killed) is enqueued again
    by the sweep (`alerts.sweep_mails`) instead of lost.

    A mail is about a `report` or an `account`, never both (`mail_about_a_report_or_an_account`).
    About a report, `action` is the report's step: "submitted" (the reviewers' mail: "a
    report awaits review") or one of AUTHOR_MAILED (the author's: "changes_requested",
    "verified", "rejected"), whose `language` is the one the reviewer acted in. About an
    account, it is one of ACCOUNT_MAILED, the mail to its owner when an API token is
    created or deleted for it, or a second factor added to or removed from it
    ("token_created", "token_deleted", "device_added", "device_removed"): `details`
    holds who made the change and through which path (core.history's context: `user`,
    `username`, `path`, `command`, `os_user`) and the device's `device` name, and
    `language` is the one they acted in; or "confirm_subscription"
    (alerts.services.CONFIRM_SUBSCRIPTION), the mail to the address of the account's
    subscription that asks the person it belongs to to confirm it (never to the account's
    owner): `details` holds the `subscription` id and its `email`, `language` is the
    subscription's. `unsent`: the account
    ids still to mail, written after each recipient of a try in a transaction of its own
    (null: every recipient, as found when the mail is sent; [] once all were). `status`:
    pending until a try claims it; sending while a worker sends it, until `lease_until`
    (moved on after each recipient: a mail whose lease ran out was being sent by a worker
    that died, and the sweep takes it back); done once every recipient was mailed (or
    refused for good and logged); failed once MAIL_ATTEMPTS tries (`attempts`, counted
    when a try claims the mail, before anything is sent) failed, whatever the cause.
    `due_at`: when its task should have run by (recorded, retried after a delay, or
    enqueued again by the sweep: then later each time, see `sweeps`); the sweep takes a
    pending mail ICCWATCH_SWEEP_REDELIVER_SECONDS after that. `sweeps`: how many times
    the sweep enqueued it since a task last claimed it, each doubling the wait before the
    next (at most alerts.services.SWEEP_BACKOFF_MAX times), so that a queue whose backlog
    keeps the first task waiting does not grow by one message per sweep; `enqueued_at`:
    when the sweep last enqueued it."""

    report = models.ForeignKey(
        "visits.Report",
        on_delete=models.CASCADE,
        related_name="newsroom_mails",
        null=True,
        blank=True,
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="security_mails",
        null=True,
        blank=True,
    )
    action = models.CharField(max_length=20)
    language = models.CharField(max_length=8, blank=True)
    details = models.JSONField(default=dict, blank=True)
    unsent = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=MailStatus.choices, default=MailStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    sweeps = models.PositiveIntegerField(default=0)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(report__isnull=False, account__isnull=True)
                | Q(report__isnull=True, account__isnull=False),
                name="mail_about_a_report_or_an_account",
            )
        ]
        indexes = [
            models.Index(
                fields=["due_at"], condition=Q(status="pending"), name="newsroom_mail_pending"
            ),
            models.Index(
                fields=["lease_until"],
                condition=Q(status="sending"),
                name="newsroom_mail_sending",
            ),
        ]

    def __str__(self):
        about = f"report {self.report_id}" if self.report_id else f"account {self.account_id}"
        return f"{self.action} · {about} ({self.status})"
