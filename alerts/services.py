"""What the alerts do, called by the tasks (alerts.tasks) and the receivers.

- `mail_reviewers(report, only)`: one email to each reviewer and admin with an address,
  but the report's author, when a report awaits review, in the language each last used
  the newsroom in (accounts.languages);
- `mail_author(report, action, language)`: one email to the report's author, when a
  reviewer sent it back, verified or rejected it, in the language the author last used
  the newsroom in (else `language`, the reviewer's);
- both send through `send_each`: a mail the server refuses for good (a 5xx) is logged
  and dropped, the others still sent; one that fails otherwise raises `MailsNotSent`
  naming the accounts not mailed yet, whom the task tries again (alerts.tasks), and only
  them;
- `mail_account_owner(mail)`: one email to an account's owner when an API token was
  created or deleted for the account, or a second factor added to or removed from it
  (ACCOUNT_MAILED), saying by whom and through which path, in the language the owner
  last used the newsroom in; recorded by `record_account_mail` (alerts.receivers);
- `mail_confirmation(mail)`: one email to the address of a subscription that is not its
  owner's own, asking the person it belongs to to confirm it by a signed link
  (`confirmation_url`, working CONFIRMATION_MAX_AGE), in the subscription's language;
  recorded by `record_confirmation_mail` (alerts.subscriptions);
- `record_mail(report, action, language)`: the outbox of all three: a NewsroomMail row in
  the transaction of the review action (of the account's change: `record_account_mail`),
  enqueued after commit (`relay_mail`: sent from the
  request when the broker cannot take it), sent by `send_recorded_mail` (the
  `alerts.send_mail` task): claimed (sending, leased, its try counted) and committed
  first, each recipient mailed with no transaction open and who is left written after
  each, marked done at the end; failed after MAIL_ATTEMPTS tries whatever the cause;
  `sweep_mails()` (beat) enqueues again the rows still pending
  ICCWATCH_SWEEP_REDELIVER_SECONDS after they were due (a task lost with Redis's queue
  or never enqueued), waiting twice as long after each time, and takes back those whose
  lease ran out (its worker died or stalled while sending);
- `schedule_urgent(visit, basis)`: a Delivery per active subscription and channel,
  created once (a unique constraint on subscription, alert key and channel: a second
  scan, a redelivered task or two workers at once create nothing more), each sent by
  the `alerts.deliver` task after commit;
- `schedule_follow_ups(visit)`: the follow-up of each delivery of the visit's urgent
  alert not refused for good (alerts.urgent.follow_up: the trip called off, the visit
  withdrawn from the record, its dates changed), to the same subscription and channel,
  created once and sent as the alert is;
- `scan()`: every visit that calls for an urgent alert now, and every visit alerted
  about that changed since (alerts.urgent);
- `attempt(delivery)`: one try, logged as a DeliveryAttempt; raises RetryableFailure
  when another try may succeed (network error, timeout, 408, 429, 5xx).
"""

from __future__ import annotations

import datetime
import logging
import time
from urllib.parse import urlencode

from celery import signature
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage, mailers
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext

from accounts.history import changed_by, changed_through
from accounts.languages import language_of
from alerts import urgent, webhooks
from alerts.models import (
    Channel,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    MailStatus,
    NewsroomMail,
    Subscription,
)
from core import broker, roles
from core.history import WritePath
from core.locale import staff_path
from core.names import country_name, format_date, format_moment, from_unknown_end, in_sentence
from core.retries import failure_words, refused_for_good
from front.summaries import report_names
from visits.models import Basis, Report, VerdictCode, Visit, VisitStatus

logger = logging.getLogger(__name__)

DELIVER_TASK = "alerts.deliver"
RETRYABLE_CODES = {408, 425, 429}
# A pending delivery that no task took (the broker was down) is re-enqueued by the scan.
STALE_AFTER = datetime.timedelta(minutes=5)


class RetryableFailure(Exception):
    """This try failed; a later one may succeed."""


def enqueue(task_name: str, *args, **options) -> bool:
    """Enqueue a task by name; False when the broker cannot take it (down, or failed a
    moment ago: core.broker), never raised: the caller's fallback does the work (the scan
    catches up, a mail is sent inline)."""
    try:
        broker.send(signature(task_name), args=list(args), retry=False, **options)
        return True
    except broker.BrokerUnavailable:  # core.broker warned of it
        logger.debug("%s%r not enqueued: the broker cannot take it", task_name, args)
        return False
    except Exception as exc:  # noqa: BLE001 - a broker outage must not fail a committed change
        if settings.CELERY_TASK_ALWAYS_EAGER:
            raise
        logger.warning("could not enqueue %s%r: %s", task_name, args, exc)
        return False


# --- Reviewers ------------------------------------------------------------------------


def reviewers_to_notify(report) -> list:
    """Active reviewers and admins with an email address, except the report's author, each
    with the language it last used the newsroom in (accounts.languages), in one query."""
    User = get_user_model()
    users = (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(is_superuser=True) | Q(groups__name__in=[roles.REVIEWERS, roles.ADMINS]))
        .exclude(pk=report.author_id)
        .select_related("newsroom_language")
        .distinct()
        .order_by("pk")
    )
    return list(users)


def review_path(report) -> str:
    """The newsroom's page of the report, where a reviewer verifies it."""
    return reverse("newsroom:report", kwargs={"pk": report.pk})


def newsroom_url(path: str) -> str:
    """The full address of the newsroom's page at `path` ("/newsroom/reports/3/") for a
    mail in the active language: "/fr/newsroom/reports/3/" in French (core.locale.staff_path),
    so that the link opens the page in the mail's language."""
    return urgent.site_url(staff_path(path))


def public_path(report) -> str:
    """The public page a verified report published, corrected or withdrew: its visit's, in
    the active language ('' when it has no visit)."""
    if report.visit_id is None:
        return ""
    return reverse("visit", kwargs={"slug": report.visit.slug})


def resubmission_words(report) -> dict:
    """What the reviewers' mail says of a report sent back for changes and submitted again
    (it was reviewed before and is awaiting review again): {"resubmitted", "reviewer" (who
    sent it back), "comment" (what they asked), "reply" (the author's answer)};
    {"resubmitted": False} for a first filing."""
    if report.reviewed_at is None:
        return {"resubmitted": False}
    return {
        "resubmitted": True,
        "reviewer": report.reviewer.get_username() if report.reviewer_id else "",
        "comment": report.comment.strip(),
        "reply": report.reply.strip(),
    }


def report_words(report) -> dict:
    """What a mail says of `report`, in the active language: the person's name, the host's
    ("Tajikistan"), its dates as the public pages write them ("dates": '15–16 October
    2024'), and whether it is a correction, a withdrawal or a restoration; a slug or code
    the dataset does not know is given as the report has it."""
    return {
        "report": report,
        **report_names([report])[report.pk],
        "correction": report.is_correction,
        "withdrawal": report.is_withdrawal,
        "restoration": report.is_restoration,
    }


class MailsNotSent(Exception):
    """A mail server failure that may pass (its cause: an OSError, as smtplib's errors are)
    stopped a mail before it reached `unsent`, the ids of the accounts still to mail (the
    one it failed for and those after it, in order); those before were mailed."""

    def __init__(self, about: str, unsent: list[int], cause: str = ""):
        told = f"{about} not sent to account(s) {', '.join(map(str, unsent))}"
        super().__init__(f"{told}: {cause}" if cause else told)
        self.unsent = unsent


def send_each(mails: list[tuple], about: str, progress=None) -> int:
    """Send `mails` ([(account, EmailMessage)], one recipient each) in turn over one
    connection of the default mailer; returns how many were sent. A permanent refusal of
    one (core.retries.refused_for_good: a 5xx answer, which a later try would get again)
    is logged at ERROR naming the account, with `about` (what the mail is), and that mail
    dropped: the next ones are still sent. Any other OSError (a connection refused or
    lost, a timeout, a 4xx answer) raises MailsNotSent, from it, with the accounts not
    mailed yet: a retry of the whole list would mail those before it again.

    `progress`, when given, is called after each mail sent or dropped with the ids of the
    accounts still to mail (a list, [] after the last), before the next is tried: what it
    raises stops the sending and propagates (send_recorded_mail records there, in a
    transaction of its own, who is left)."""
    connection = mailers.default
    sent = 0
    try:
        for n, (user, message) in enumerate(mails):
            try:
                connection.open()  # the first time only: then it is open
                sent += connection.send_messages([message]) or 0
            except OSError as error:
                if not refused_for_good(error):
                    raise MailsNotSent(
                        about, [u.pk for u, _ in mails[n:]], failure_words(error, connection)
                    ) from error
                logger.error(
                    "%s to account %s (%s) not sent, not tried again: %s",
                    about,
                    user.pk,
                    user.get_username(),
                    failure_words(error, connection),
                )
            if progress is not None:
                progress([u.pk for u, _ in mails[n + 1 :]])
    finally:
        connection.close()
    return sent


def mail_reviewers(report, only: list[int] | None = None, progress=None) -> int:
    """Tell the reviewers that `report` awaits review, one mail each (send_each), in the
    language each last used the newsroom in (accounts.languages.language_of: the site's
    default for a reviewer who never did); only those whose account id is in `only` when
    given (a retry: those a failure left unmailed). Returns how many were mailed; raises
    MailsNotSent as send_each does, which calls `progress` after each mail."""
    if report.state != "submitted":
        return 0
    recipients = reviewers_to_notify(report)
    if only is not None:
        recipients = [user for user in recipients if user.pk in set(only)]
    if not recipients:
        return 0
    by_language: dict[str, list] = {}
    for user in recipients:
        by_language.setdefault(language_of(user), []).append(user)
    # The words once per language, the mails over one connection: this also runs in the
    # author's request when the broker cannot take it (alerts.receivers).
    path = review_path(report)
    mails = []
    for language, users in by_language.items():
        with translation.override(language):
            context = {
                **report_words(report),
                **resubmission_words(report),
                "url": newsroom_url(path),
            }
            subject = render_to_string("alerts/mail/review_subject.txt", context).strip()
            mails += [
                (
                    user,
                    EmailMessage(
                        subject,
                        render_to_string("alerts/mail/review_body.txt", {**context, "user": user}),
                        to=[user.email],
                    ),
                )
                for user in users
            ]
    return send_each(mails, f"review request about report {report.pk}", progress)


# The reviews the author is told of (visits.review.report_reviewed's `action`).
AUTHOR_MAILED = ("changes_requested", "verified", "rejected")


def mail_author(
    report, action: str, language: str | None = None, only: list[int] | None = None, progress=None
) -> int:
    """Tell the author of `report` that a reviewer sent it back (with the reviewer's
    question), verified or rejected it (with the reason), in the language the author last
    used the newsroom in, else in `language` (the one the reviewer acted in), else the
    site's default (accounts.languages.language_of); returns 1 when mailed, 0 when not:
    another action, an author without an address or no longer active, a report that
    stands otherwise since (sent back, then answered and submitted again before the mail
    went out), an author not in `only` when given (mailed by an earlier try), or an
    address the mail server refuses for good (send_each, which raises MailsNotSent for a
    failure that may pass, and calls `progress` once the mail is sent or dropped)."""
    author = report.author
    if action not in AUTHOR_MAILED or report.state != action:
        return 0
    if only is not None and author.pk not in only:
        return 0
    if not author.is_active or not author.email:
        return 0
    with translation.override(language_of(author, language)):
        context = {
            **report_words(report),
            "action": action,
            "reviewer": report.reviewer.get_username() if report.reviewer else "",
            "comment": report.comment.strip(),
            "url": newsroom_url(review_path(report)),
            "public_url": urgent.site_url(public_path(report)) if action == "verified" else "",
            "user": author,
        }
        subject = render_to_string("alerts/mail/reviewed_subject.txt", context).strip()
        body = render_to_string("alerts/mail/reviewed_body.txt", context)
    message = EmailMessage(subject, body, to=[author.email])
    return send_each([(author, message)], f"review outcome of report {report.pk}", progress)


# --- Account owners --------------------------------------------------------------------

# The changes of an account its owner is told of (record_account_mail): an API token
# created or deleted for it (whoever holds a key acts as the account in the API, without
# its password or second factor), a second factor added to it or removed from it.
TOKEN_CREATED = "token_created"
TOKEN_DELETED = "token_deleted"
DEVICE_ADDED = "device_added"
DEVICE_REMOVED = "device_removed"
ACCOUNT_MAILED = (TOKEN_CREATED, TOKEN_DELETED, DEVICE_ADDED, DEVICE_REMOVED)


def changed_by_owner(details: dict, owner) -> bool:
    """Whether `owner` made the change `details` (core.history's context) tells of: signed
    in as themselves (a command or the shell is never the owner's)."""
    return details.get("user") is not None and details.get("user") == owner.pk


def changer_words(details: dict, owner) -> str:
    """Who changed `owner`'s account and through which path, from `details` (core.history's
    context), in the active language, as the owner's mail says it: "you (vera), on your
    account's second-factor page", "adm1, in the admin", "ops, running the command
    drf_create_token on the server"; what the context does not say is left out."""
    who = changed_by(details)
    if changed_by_owner(details, owner):
        who = gettext("you (%(username)s)") % {"username": who}
    command = details.get("command") or ""
    path = details.get("path") or ""
    if not who:
        who = gettext("someone whose name was not recorded")
    words = {
        WritePath.ADMIN: gettext("%(who)s, in the admin"),
        WritePath.ACCOUNT: gettext("%(who)s, on your account's second-factor page"),
        WritePath.NEWSROOM: gettext("%(who)s, in the newsroom"),
        WritePath.API: gettext("%(who)s, through the API"),
        WritePath.SHELL: gettext("%(who)s, in the server's shell"),
    }.get(path)
    if path == WritePath.COMMAND and command:
        return gettext("%(who)s, running the command %(command)s on the server") % {
            "who": who,
            "command": command,
        }
    if words is None:
        through = changed_through(details)
        return f"{who} ({through})" if through else who
    return words % {"who": who}


def mail_account_owner(mail: NewsroomMail, progress=None) -> int:
    """Tell the owner of `mail`'s account of its `action` (one of ACCOUNT_MAILED): what
    changed, when (the mail's recording, in UTC), by whom and through which path
    (changer_words), and what to do if they did not expect it, in the language the owner
    last used the newsroom in, else the mail's (the one the change was made in), else the
    site's default; never a token's key nor a device's seed (neither is recorded). Returns
    1 when mailed, 0 when not: an account deleted since, turned off or without an address,
    one not in the mail's `unsent` (mailed by an earlier try), or an address the mail
    server refuses for good (send_each, which raises MailsNotSent for a failure that may
    pass, and calls `progress` once the mail is sent or dropped)."""
    owner = (
        get_user_model()
        .objects.select_related("newsroom_language")
        .filter(pk=mail.account_id)
        .first()
    )
    if owner is None or not owner.is_active or not owner.email:
        return 0
    if mail.unsent is not None and owner.pk not in mail.unsent:
        return 0
    details = mail.details or {}
    with translation.override(language_of(owner, mail.language or None)):
        context = {
            "action": mail.action,
            "user": owner,
            "username": owner.get_username(),
            "when": format_moment(mail.created_at),
            "by": changer_words(details, owner),
            "by_owner": changed_by_owner(details, owner),
            "device": details.get("device") or "",
            "otp_url": newsroom_url(reverse("accounts:otp-setup")),
        }
        subject = render_to_string("alerts/mail/account_subject.txt", context).strip()
        body = render_to_string("alerts/mail/account_body.txt", context)
    message = EmailMessage(subject, body, to=[owner.email])
    return send_each([(owner, message)], f"account mail {mail.action} {mail.pk}", progress)


# --- Confirming a subscription's address ----------------------------------------------

# The mail asking the person a subscription's address belongs to whether it may receive
# the subscription's alerts (alerts.subscriptions): recorded about the owner's account
# (who asked), sent to the subscription's address, never to the owner's.
CONFIRM_SUBSCRIPTION = "confirm_subscription"
# How long a confirmation link works, from when it is mailed.
CONFIRMATION_MAX_AGE = datetime.timedelta(days=7)
CONFIRMATION_SALT = "alerts.confirm-subscription"


def confirmation_token(subscription: Subscription) -> str:
    """The token of the link confirming `subscription`'s address: its id and its address,
    signed with the site's secret and timestamped (django.core.signing, salted
    CONFIRMATION_SALT), so that it confirms that address only, and only for
    CONFIRMATION_MAX_AGE (alerts.subscriptions.read_confirmation)."""
    return signing.dumps(
        {"subscription": subscription.pk, "email": subscription.email}, salt=CONFIRMATION_SALT
    )


def confirmation_url(subscription: Subscription) -> str:
    """The full address of the page confirming `subscription`'s address, in the active
    language (/fr/newsroom/alerts/confirm/ in French), its token in the query string
    (`token`: written as [redacted] in the access log, core.accesslog)."""
    query = urlencode({"token": confirmation_token(subscription)})
    return f"{newsroom_url(reverse('alerts:confirm'))}?{query}"


def record_confirmation_mail(subscription: Subscription) -> NewsroomMail:
    """Record, in the current transaction, that the address of `subscription` is owed the
    mail asking to confirm it (CONFIRM_SUBSCRIPTION), about its owner's account, `details`
    naming the subscription and the address, in the subscription's language; enqueued
    once the transaction commits, as record_mail's. Returns the row."""
    return _owe(
        account_id=subscription.owner_id,
        action=CONFIRM_SUBSCRIPTION,
        details={"subscription": subscription.pk, "email": subscription.email},
        language=subscription.language,
    )


def mail_confirmation(mail: NewsroomMail, progress=None) -> int:
    """Ask the person the address of the subscription `mail` names belongs to whether it
    may receive its urgent alerts: who asked (the owner's username), what the alerts are,
    and the link that confirms it (`confirmation_url`, working CONFIRMATION_MAX_AGE from
    now), in the subscription's language (the page's it was added from). Returns 1 when
    mailed, 0 when not: the subscription removed, its address changed or confirmed since,
    its owner turned off or out of the newsroom, or not in the mail's `unsent` (mailed by
    an earlier try), or an address the mail server refuses for good (send_each, which
    raises MailsNotSent for a failure that may pass, and calls `progress` once the mail
    is sent or dropped)."""
    details = mail.details or {}
    subscription = (
        Subscription.objects.select_related("owner").filter(pk=details.get("subscription")).first()
    )
    if (
        subscription is None
        or subscription.email != details.get("email")
        or not subscription.awaiting_confirmation
        or not _owner_may_receive(subscription)
    ):
        return 0
    owner = subscription.owner
    if mail.unsent is not None and owner.pk not in mail.unsent:
        return 0
    with translation.override(subscription.language or mail.language or settings.LANGUAGE_CODE):
        context = {
            "username": owner.get_username(),
            "email": subscription.email,
            "url": confirmation_url(subscription),
            "days": CONFIRMATION_MAX_AGE.days,
        }
        subject = render_to_string("alerts/mail/confirm_subject.txt", context).strip()
        body = render_to_string("alerts/mail/confirm_body.txt", context)
    message = EmailMessage(subject, body, to=[subscription.email])
    return send_each(
        [(owner, message)], f"confirmation of subscription {subscription.pk}", progress
    )


# --- Unsubscribing from an alert mail ------------------------------------------------

# Every alert mail carries a link that removes its subscription (alerts.subscriptions.
# read_unsubscribe, alerts.views.unsubscribe), for the person the address belongs to, who
# may have no account (a colleague's address confirmed by its owner), and RFC 8058's
# one-click headers, so that a mail client's "Unsubscribe" button removes it too.
UNSUBSCRIBE_SALT = "alerts.unsubscribe"


def unsubscribe_token(subscription: Subscription) -> str:
    """The token of the link removing `subscription`: its id and its address, signed with
    the site's secret (django.core.signing, salted UNSUBSCRIBE_SALT, so that no
    confirmation token serves), so that it removes that subscription only while its
    address is that one. It never expires: an alert mailed long ago must still stop the
    next ones (RFC 8058, section 3.1)."""
    return signing.dumps(
        {"subscription": subscription.pk, "email": subscription.email}, salt=UNSUBSCRIBE_SALT
    )


def unsubscribe_url(subscription: Subscription) -> str:
    """The full address of the page removing `subscription`, in the active language, its
    token in the query string (`token`: written as [redacted] in the access log,
    core.accesslog); the address of the mail's List-Unsubscribe header as well."""
    query = urlencode({"token": unsubscribe_token(subscription)})
    return f"{newsroom_url(reverse('alerts:unsubscribe'))}?{query}"


# The page an unsubscribe link's button leads to once the subscription is removed
# (alerts.views.unsubscribed) is read from a notice of that removal, signed under a salt of
# its own: the unsubscribe token no longer names a subscription by then, and the notice
# removes nothing, nor names anything the link's own page did not.
UNSUBSCRIBED_SALT = "alerts.unsubscribed"


def removal_notice(subscription: Subscription) -> str:
    """The signed notice that `subscription` (being) removed by its unsubscribe link stops
    its alerts: its id and its address, signed with the site's secret (django.core.signing,
    salted UNSUBSCRIBED_SALT, so that it is no unsubscribe or confirmation token, nor
    either of them one). Read by alerts.subscriptions.read_removal_notice; it never
    expires, as what it tells stays true (an id is never given again)."""
    return signing.dumps(
        {"subscription": subscription.pk, "email": subscription.email}, salt=UNSUBSCRIBED_SALT
    )


def unsubscribe_headers(url: str) -> dict[str, str]:
    """The headers of an alert mail whose link `url` removes its subscription: RFC 2369's
    List-Unsubscribe and RFC 8058's List-Unsubscribe-Post (one click: the mail client
    POSTs "List-Unsubscribe=One-Click" to `url`)."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


# --- The newsroom mails' outbox -------------------------------------------------------

SEND_MAIL_TASK = "alerts.send_mail"
# The action of the reviewers' mail (visits.review.report_submitted); the author's are
# AUTHOR_MAILED.
REVIEWERS_MAILED = "submitted"
# How many pending mails one sweep enqueues at most (the next sweep takes the others).
SWEEP_BATCH = 500
# How many times a mail is tried in all, whoever tries it (its task and the task's
# retries, the request, the sweep): the first try and ICCWATCH_WEBHOOK_MAX_RETRIES more,
# as a mail task's retries (core.retries.MAIL_RETRY); then it is marked failed.
MAIL_ATTEMPTS = settings.ICCWATCH_WEBHOOK_MAX_RETRIES + 1
# How many times the sweep's wait before enqueueing a mail again doubles (sweep_wait):
# at most 32 × ICCWATCH_SWEEP_REDELIVER_SECONDS, some three hours by default.
SWEEP_BACKOFF_MAX = 5


def record_mail(report, action: str, language: str = "") -> NewsroomMail:
    """Record, in the current transaction, that the mail of `action` about `report` is owed
    (REVIEWERS_MAILED: the reviewers'; one of AUTHOR_MAILED: the author's, `language` the
    one the reviewer acts in), and enqueue it once the transaction commits (`relay_mail`):
    rolled back, nothing is owed nor sent. Returns the row; ValueError for another action."""
    if action != REVIEWERS_MAILED and action not in AUTHOR_MAILED:
        raise ValueError(f"no newsroom mail tells of {action!r}")
    return _owe(report=report, action=action, language=language or "")


def record_account_mail(
    account_id: int, action: str, *, details: dict, language: str = ""
) -> NewsroomMail:
    """Record, in the current transaction, that the owner of the account `account_id` is
    owed the mail of `action` (one of ACCOUNT_MAILED), `details` saying who made the
    change and through which path (core.history's context, and the device's name), and
    `language` the one they acted in; enqueued once the transaction commits, as
    record_mail's. Returns the row; ValueError for another action."""
    if action not in ACCOUNT_MAILED:
        raise ValueError(f"no account mail tells of {action!r}")
    return _owe(account_id=account_id, action=action, details=details, language=language or "")


def _owe(**fields) -> NewsroomMail:
    mail = NewsroomMail.objects.create(due_at=timezone.now(), **fields)
    transaction.on_commit(lambda: relay_mail(mail.pk), robust=True)
    return mail


def _about(mail: NewsroomMail) -> str:
    """What `mail` is about, for the log: "report 12" or "account 7"."""
    return f"report {mail.report_id}" if mail.report_id else f"account {mail.account_id}"


def relay_mail(mail_id: int) -> None:
    """Enqueue the `alerts.send_mail` task of a recorded mail; when the broker cannot take
    it, send the mail now, from the request, as a password reset is. Never raises: a mail
    not sent (the mail server down as well) stays pending, and the sweep enqueues it
    later (`sweep_mails`)."""
    try:
        if not enqueue(SEND_MAIL_TASK, mail_id):
            send_recorded_mail(mail_id)
    except Exception:  # noqa: BLE001 - the change is committed; the sweep tries again
        logger.exception("newsroom mail %s not sent now (the sweep will try again)", mail_id)


class LeaseLost(Exception):
    """The mail was taken back from this try (its lease ran out, and another try claimed
    it): this try stops, leaving the rest to that one."""


def _claim(mail_id: int) -> NewsroomMail | None:
    """Claim the mail `mail_id` for one try, in a short transaction of its own: a pending
    mail, or one whose lease ran out (the worker sending it died), becomes `sending`,
    leased to this try for ICCWATCH_MAIL_LEASE_SECONDS, its `attempts` counted (before
    anything is sent: a try that dies counts too) and its `sweeps` reset (a task did run).
    One claimed MAIL_ATTEMPTS times already is marked failed instead. None when there is
    nothing to send (done, failed, being sent, locked by another try, gone)."""
    now = timezone.now()
    with transaction.atomic():
        mail = (
            NewsroomMail.objects.select_for_update(skip_locked=True)
            .filter(
                Q(status=MailStatus.PENDING) | Q(status=MailStatus.SENDING, lease_until__lte=now),
                pk=mail_id,
            )
            .first()
        )
        if mail is None:
            return None
        if mail.attempts >= MAIL_ATTEMPTS:
            mail.status, mail.done_at, mail.lease_until = MailStatus.FAILED, now, None
            mail.save(update_fields=["status", "done_at", "lease_until"])
            logger.error(
                "newsroom mail %s (%s, %s) not sent after %d tries: marked failed",
                mail.pk,
                mail.action,
                _about(mail),
                mail.attempts,
            )
            return None
        mail.attempts += 1
        mail.status = MailStatus.SENDING
        mail.lease_until = now + datetime.timedelta(seconds=settings.ICCWATCH_MAIL_LEASE_SECONDS)
        mail.sweeps = 0
        mail.save(update_fields=["attempts", "status", "lease_until", "sweeps"])
    return mail


def _update_claimed(mail: NewsroomMail, **fields) -> bool:
    """Write `fields` to `mail` in a short transaction of its own if this try still holds
    it (sending, and claimed by this very attempt: one taken back and claimed again has
    more attempts); whether it did."""
    with transaction.atomic():
        return bool(
            NewsroomMail.objects.filter(
                pk=mail.pk, status=MailStatus.SENDING, attempts=mail.attempts
            ).update(**fields)
        )


def send_recorded_mail(mail_id: int, *, retry_in: int | None = None, final: bool = False) -> int:
    """Send the recorded mail `mail_id` (mail_reviewers, only to the accounts still
    `unsent`; mail_author) and mark it done; returns how many mails went out: 0 when it
    is done already, failed, or being sent by another try (a mail the sweep enqueued again
    while its first task still waited in the queue is sent once).

    No transaction is held while the mail server is talked to: the mail is claimed first
    (`_claim`: `sending`, leased, its attempt counted, committed), then each recipient's
    mail is sent, and after each one the accounts still to mail are written (and the
    lease moved on) in a short transaction; done is written last. A worker killed
    part-way leaves the mail `sending` until its lease runs out, then the redelivered
    task or the sweep sends it to those still `unsent`: at most the recipient in flight
    gets a second mail.

    A failed try, whatever the cause (the mail server's, a template's, the database's),
    is recorded: with every recipient mailed already (an error after the last mail) the
    mail is done; on the MAIL_ATTEMPTS-th try, or with `final` (no retry follows), it is
    marked failed, logged at ERROR, and nothing raised; else it is pending again, due
    `retry_in` seconds from now (the task's retry, which the sweep leaves alone until
    then; now when None: the sweep's, or the next try's), and the error raised (a failure
    that may pass of the mail server: MailsNotSent). A try whose mail was taken back
    (LeaseLost: its lease ran out, another try claimed it) stops after the mail in flight
    and returns 0, leaving the rest to that try."""
    mail = _claim(mail_id)
    if mail is None:
        return 0
    final = final or mail.attempts >= MAIL_ATTEMPTS

    def progress(unsent: list[int]) -> None:
        lease = timezone.now() + datetime.timedelta(seconds=settings.ICCWATCH_MAIL_LEASE_SECONDS)
        if not _update_claimed(mail, unsent=unsent, lease_until=lease):
            raise LeaseLost(f"newsroom mail {mail.pk} was taken back from this try")
        mail.unsent = unsent

    sent = 0
    try:
        report = (
            Report.objects.select_related("author__newsroom_language", "reviewer")
            .filter(pk=mail.report_id)
            .first()
            if mail.report_id
            else None
        )
        if mail.account_id and mail.action == CONFIRM_SUBSCRIPTION:
            sent = mail_confirmation(mail, progress=progress)
        elif mail.account_id:
            sent = mail_account_owner(mail, progress=progress)
        elif report is None:
            pass
        elif mail.action == REVIEWERS_MAILED:
            sent = mail_reviewers(report, only=mail.unsent, progress=progress)
        else:
            sent = mail_author(
                report, mail.action, mail.language or None, only=mail.unsent, progress=progress
            )
    except LeaseLost:
        logger.warning("newsroom mail %s taken back from this try: it stops here", mail.pk)
        return 0
    except Exception as error:
        if not _failed_try(mail, error, retry_in=retry_in, final=final):
            raise
        return sent
    _update_claimed(mail, status=MailStatus.DONE, done_at=timezone.now(), lease_until=None)
    return sent


def _failed_try(mail: NewsroomMail, error: Exception, *, retry_in: int | None, final: bool):
    """Record the try of `mail` that `error` stopped (send_recorded_mail); True when no
    other try follows (done: every recipient was mailed before it; failed: the last try),
    False when the mail is pending again."""
    now = timezone.now()
    what = f"{type(error).__name__}: {error}"
    if mail.unsent == []:  # every recipient mailed: the error came after
        if _update_claimed(mail, status=MailStatus.DONE, done_at=now, lease_until=None):
            logger.warning("newsroom mail %s sent, then: %s", mail.pk, what)
        return True
    unsent = error.unsent if isinstance(error, MailsNotSent) else mail.unsent
    if final:
        if not _update_claimed(
            mail, status=MailStatus.FAILED, done_at=now, lease_until=None, unsent=unsent
        ):
            return _lost_lease(mail, what)
        logger.error(
            "newsroom mail %s (%s, %s) not sent (try %d, the last): %s: marked failed",
            mail.pk,
            mail.action,
            _about(mail),
            mail.attempts,
            what,
            exc_info=not isinstance(error, (MailsNotSent, OSError)),
        )
        return True
    due = now + datetime.timedelta(seconds=retry_in or 0)
    if not _update_claimed(
        mail, status=MailStatus.PENDING, due_at=due, lease_until=None, unsent=unsent
    ):
        return _lost_lease(mail, what)
    logger.warning(
        "newsroom mail %s (%s, %s) not sent (try %d of %d, tried again later): %s",
        mail.pk,
        mail.action,
        _about(mail),
        mail.attempts,
        MAIL_ATTEMPTS,
        what,
    )
    return False


def _lost_lease(mail: NewsroomMail, what: str) -> bool:
    """A failed try of `mail` whose lease another try (or the sweep) took meanwhile: it
    records nothing and asks for no retry (True), the mail being the other's now."""
    logger.warning(
        "newsroom mail %s: a try failed after its lease was taken back (%s); left to the "
        "try that holds it",
        mail.pk,
        what,
    )
    return True


def sweep_wait(redeliver: int, sweeps: int) -> int:
    """The seconds the sweep waits, after it enqueued a mail for the `sweeps`-th time in a
    row (1 the first time), before it enqueues it again: twice `redeliver`
    (ICCWATCH_SWEEP_REDELIVER_SECONDS) after the first, four times after the second, and
    so on (at most SWEEP_BACKOFF_MAX doublings): a queue whose backlog keeps the first task
    waiting gets one more message per doubling wait, not one per redelivery delay."""
    return redeliver * 2 ** min(sweeps, SWEEP_BACKOFF_MAX)


def sweep_mails(redeliver_seconds: int | None = None) -> int:
    """Enqueue again the newsroom mails whose task was lost: those still pending
    `redeliver_seconds` (ICCWATCH_SWEEP_REDELIVER_SECONDS: the broker's visibility
    timeout and a minute, by when Redis has redelivered a dying worker's message) after
    they were due (a Redis restarted empty, or never enqueued: the broker and the mail
    server down at once), and those being sent whose lease ran out (the worker died
    part-way: taken back, pending again, for those still unsent). Each is claimed first,
    in one transaction (locked rows skipped): its `sweeps` counted, `enqueued_at` set and
    `due_at` moved so that the next sweep takes it sweep_wait later (twice as long as the
    last time: a long backlog does not get one more message per redelivery delay); a task
    that claims it resets the count. Returns how many were enqueued; stops at the first
    the broker refuses (those left are taken again a redelivery delay later)."""
    redeliver = (
        settings.ICCWATCH_SWEEP_REDELIVER_SECONDS
        if redeliver_seconds is None
        else redeliver_seconds
    )
    now = timezone.now()
    cutoff = now - datetime.timedelta(seconds=redeliver)
    with transaction.atomic():
        due = list(
            NewsroomMail.objects.select_for_update(skip_locked=True)
            .filter(
                Q(status=MailStatus.PENDING, due_at__lte=cutoff)
                | Q(status=MailStatus.SENDING, lease_until__lte=now)
            )
            .order_by("due_at")[:SWEEP_BATCH]
        )
        # Why each is enqueued again, for the log: taken back from a try whose lease ran
        # out, or still pending the redelivery delay after it was due.
        taken_back = set()
        for mail in due:
            if mail.status == MailStatus.SENDING:
                taken_back.add(mail.pk)
                logger.warning(
                    "newsroom mail %s taken back: its try's lease ran out (its worker died "
                    "or stalled)",
                    mail.pk,
                )
            mail.status, mail.lease_until = MailStatus.PENDING, None
            mail.sweeps += 1
            mail.enqueued_at = now
            # Taken again once sweep_wait has passed since now.
            wait = sweep_wait(redeliver, mail.sweeps)
            mail.due_at = now + datetime.timedelta(seconds=wait - redeliver)
        NewsroomMail.objects.bulk_update(
            due, ["status", "lease_until", "sweeps", "enqueued_at", "due_at"]
        )
    enqueued = 0
    for mail in due:
        if not enqueue(SEND_MAIL_TASK, mail.pk):
            # Those not enqueued are due again as they were, unless a try claimed one
            # meanwhile (its count reset, its own due time set on failing): only rows
            # still as this sweep left them.
            left = [m.pk for m in due[enqueued:]]
            NewsroomMail.objects.filter(
                pk__in=left, status=MailStatus.PENDING, enqueued_at=now, sweeps__gt=0
            ).update(due_at=now, sweeps=F("sweeps") - 1, enqueued_at=None)
            break
        enqueued += 1
    if enqueued:
        sent_off = [mail.pk for mail in due[:enqueued]]
        leased = sum(1 for pk in sent_off if pk in taken_back)
        causes = []
        if leased:
            causes.append(f"{leased} taken back as their lease ran out")
        if enqueued - leased:
            causes.append(f"{enqueued - leased} still pending {redeliver} s after they were due")
        logger.warning("%d newsroom mail(s) enqueued again: %s", enqueued, ", ".join(causes))
    return enqueued


# --- Urgent alerts --------------------------------------------------------------------


def _owner_may_receive(subscription: Subscription) -> bool:
    owner = subscription.owner
    return owner.is_active and (roles.may_report(owner) or roles.may_review(owner))


def _deliver_once(subscription: Subscription, key: str, channel: str, data: dict):
    """The delivery of alert `key` to `subscription` through `channel`, created with
    `data` unless it exists (the unique constraint: a second scan, a redelivered task or
    two workers at once create nothing more), and sent by the `alerts.deliver` task after
    commit; None when it existed."""
    try:
        with transaction.atomic():
            delivery, new = Delivery.objects.get_or_create(
                subscription=subscription,
                alert_key=key,
                channel=channel,
                defaults={"payload": data},
            )
    except IntegrityError:  # another scan created it at the same moment
        return None
    if not new:
        return None
    transaction.on_commit(lambda pk=delivery.pk: enqueue(DELIVER_TASK, pk), robust=True)
    return delivery


def schedule_urgent(visit: Visit, basis: str) -> list[Delivery]:
    """Create the deliveries of this visit's urgent alert that do not exist yet, and send them."""
    key = urgent.alert_key(visit)
    data = urgent.payload(visit, basis)
    created = []
    subscriptions = Subscription.objects.filter(active=True, urgent=True).select_related("owner")
    for subscription in subscriptions:
        if not _owner_may_receive(subscription):
            continue
        for channel in subscription.channels:
            delivery = _deliver_once(subscription, key, channel, data)
            if delivery is not None:
                created.append(delivery)
    return created


def schedule_follow_ups(visit: Visit) -> list[Delivery]:
    """Create and send the follow-ups `visit` (with its verdict) is owed: to each
    subscription and channel its urgent alert went to, unless that delivery failed (the
    alert never reached it), the follow-up of the last alert or follow-up it got about the
    visit (alerts.urgent.follow_up), when something its reader must learn of changed since
    (the trip called off, the visit withdrawn from the record, its dates changed, or
    their reverse). Sent as an urgent alert is (signed, retried, logged: `attempt`), to a
    subscription still active, taking urgent alerts, whose owner may still receive them,
    through a channel it still has. Once per alert followed (alerts.urgent.follow_up_key).
    Returns the deliveries created."""
    alerted = urgent.alert_key(visit)
    deliveries = (
        Delivery.objects.filter(
            Q(alert_key=alerted) | Q(alert_key__startswith=urgent.follow_up_prefix(visit))
        )
        .select_related("subscription__owner")
        .order_by("created_at", "pk")
    )
    first: dict[tuple[int, str], Delivery] = {}
    last: dict[tuple[int, str], Delivery] = {}
    for delivery in deliveries:
        pair = (delivery.subscription_id, delivery.channel)
        if delivery.alert_key == alerted:
            first[pair] = delivery
        last[pair] = delivery
    created = []
    for pair, delivery in last.items():
        alert = first.get(pair)
        if alert is None or alert.status == DeliveryStatus.FAILED:
            continue
        subscription = delivery.subscription
        if not (
            subscription.active
            and subscription.urgent
            and _owner_may_receive(subscription)
            and delivery.channel in subscription.channels
        ):
            continue
        data = urgent.follow_up(visit, delivery.payload)
        if data is None:
            continue
        key = urgent.follow_up_key(visit, delivery)
        made = _deliver_once(subscription, key, delivery.channel, data)
        if made is not None:
            created.append(made)
    return created


def scan(today: datetime.date | None = None) -> int:
    """Alert about every visit that calls for it now, and follow up every visit alerted
    about that changed since; returns how many deliveries were created."""
    count = 0
    for visit, basis in urgent.candidates(today):
        count += len(schedule_urgent(visit, basis))
    for visit in urgent.followed_visits():
        count += len(schedule_follow_ups(visit))
    stale = Delivery.objects.filter(
        status=DeliveryStatus.PENDING, attempts=0, created_at__lt=timezone.now() - STALE_AFTER
    ).values_list("pk", flat=True)
    for pk in stale[:500]:
        enqueue(DELIVER_TASK, pk)
    return count


def check_visit(visit_id: int) -> int | None:
    """Alert about one visit (just verified: a report, a correction or a withdrawal) if it
    calls for it, and send the follow-ups it is owed (schedule_follow_ups); returns how
    many deliveries were created, None while its verdict is due."""
    from visits.models import EvaluationRequest

    visit = Visit.objects.with_verdicts().filter(pk=visit_id).first()
    if visit is None:
        return 0
    if EvaluationRequest.objects.filter(visit_id=visit_id).exists() or not hasattr(
        visit, "verdict"
    ):
        return None
    basis = urgent.urgency(visit)
    created = len(schedule_urgent(visit, basis)) if basis else 0
    return created + len(schedule_follow_ups(visit))


# --- Sending --------------------------------------------------------------------------


def _send_email(delivery: Delivery) -> tuple[int | None, str]:
    """Mail the delivery's alert (an urgent alert, or its follow-up) to its subscription's
    address, in the subscription's language."""
    subscription = delivery.subscription
    alert = delivery.payload
    kind = "follow_up" if alert.get("alert") == urgent.FOLLOW_UP else "urgent"
    with translation.override(subscription.language or settings.LANGUAGE_CODE):
        basis = alert.get("basis", "")
        # "the Central African Republic" inside a sentence, "The Central African Republic"
        # starting one (core.names.in_sentence; other languages: the name unchanged).
        host = in_sentence(country_name(alert["host"]["iso3"], alert["host"]["name"]))
        context = {
            "alert": alert,
            "host": host,
            "host_first": capfirst(host),
            "basis": Basis(basis).label if basis in Basis.values else basis,
            # The visit's public page in the subscription's language (/fr/visits/…); the
            # webhook's payload keeps the one address it was given.
            "url": urgent.site_url(reverse("visit", kwargs={"slug": alert["visit"]}))
            if alert.get("visit")
            else alert.get("url", ""),
            "first": _day(alert["dates"]["first_day"]),
            "last": _day(alert["dates"]["last_day"]),
            # "from 5 December 2026, end not known": no last day is said where none is known.
            "end_unknown": alert["dates"].get("end_known") is False,
            "span": _span(alert["dates"]),
            # The start as precisely as it is known: "June 2027" for a trip known to the
            # month, never its first day "1 June 2027" as if that day were known. A
            # follow-up of a trip whose dates were struck: the start its alert gave.
            "start": _start(alert["dates"]) or _start(alert.get("previous_dates") or {}),
        }
        if kind == "follow_up":
            context.update(_follow_up_words(alert))
        # Every alert mail can stop the next ones (UNSUBSCRIBE_SALT), whoever receives it.
        context["unsubscribe_url"] = unsubscribe_url(subscription)
        subject = render_to_string(f"alerts/mail/{kind}_subject.txt", context).strip()
        body = render_to_string(f"alerts/mail/{kind}_body.txt", context)
    message = EmailMessage(
        subject,
        body,
        to=[subscription.email],
        headers=unsubscribe_headers(context["unsubscribe_url"]),
    )
    message.send()
    return None, ""


def _day(value: str | None) -> str:
    """An ISO day of an alert in words ("2 September 2024"); '' for none."""
    return format_date(value) if value else ""


def _span(dates: dict) -> str:
    """An alert's `dates` in words, in the active language: "from 2 September 2024 to
    3 September 2024" (its first and last possible days), or, for a visit whose end is not
    known (`end_known` false), "from 2 September 2024, end not known" (the start as
    precisely as it is known: core.names.from_unknown_end), never a last day; '' for an
    undated visit."""
    if not dates.get("first_day"):
        return ""
    if dates.get("end_known") is False:
        return from_unknown_end(
            datetime.date.fromisoformat(dates["start"]), dates.get("start_precision") or "day"
        )
    return pgettext("an alert's dates", "from %(first)s to %(last)s") % {
        "first": _day(dates["first_day"]),
        "last": _day(dates["last_day"]),
    }


def _start(dates: dict) -> str:
    """The start of an alert's `dates` in words, as precisely as it is known; '' for none."""
    if not dates.get("start"):
        return ""
    return format_date(
        datetime.date.fromisoformat(dates["start"]), dates.get("start_precision") or "day"
    )


def _follow_up_words(alert: dict) -> dict:
    """What a follow-up's email says besides an urgent alert's, in the active language:
    the first event (its subject's), the visit's status and verdict by their labels, the
    withdrawal note, and the dates the alert followed gave (`previous_span`: `_span`)."""
    status, verdict = alert.get("status", ""), alert.get("verdict", "")
    return {
        "event": alert["events"][0],
        "status": VisitStatus(status).label if status in VisitStatus.values else status,
        "verdict": VerdictCode(verdict).label if verdict in VerdictCode.values else verdict,
        "note": (alert.get("withdrawal_note") or "").strip(),
        "previous_span": _span(alert["previous_dates"]),
    }


def attempt(delivery_id: int, *, final: bool) -> str:
    """Try a delivery once and log it; returns its status, raises RetryableFailure to retry.

    `final`: no retry follows (the task's last), so a retryable failure is final too.
    The row is locked for the try, so two workers never send the same delivery at once.
    """
    retry = False
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True)
            .select_related("subscription")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status in (
            DeliveryStatus.DELIVERED,
            DeliveryStatus.FAILED,
        ):
            return delivery.status if delivery else "gone"
        subscription = delivery.subscription
        code, error, ok = None, "", False
        started = time.monotonic()
        try:
            if delivery.channel == Channel.EMAIL and subscription.awaiting_confirmation:
                # Its address changed since the alert was scheduled (in the admin), and
                # the new one is not confirmed: nothing goes to it, now or later.
                error = "refused: the address awaits its owner's confirmation"
            elif delivery.channel == Channel.EMAIL:
                _send_email(delivery)
                ok = True
            else:
                response = webhooks.post(
                    subscription.webhook_url,
                    subscription.secret,
                    delivery.payload,
                    delivery_id=delivery.pk,
                )
                code = response.status
                ok = 200 <= code < 300
                if not ok:
                    error = f"HTTP {code}: {response.body[:500]}"
                    retry = code >= 500 or code in RETRYABLE_CODES
        except webhooks.UnsafeTarget as exc:
            error = f"refused: {exc}"
        except (OSError, TimeoutError) as exc:  # socket, TLS, SMTP errors and timeouts
            error = f"{type(exc).__name__}: {exc}"
            retry = True
        elapsed = int((time.monotonic() - started) * 1000)
        now = timezone.now()
        delivery.attempts += 1
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            response_code=code,
            error=error,
            duration_ms=elapsed,
        )
        delivery.response_code = code
        delivery.error = error
        delivery.last_attempt_at = now
        if ok:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = now
        elif retry and not final:
            delivery.status = DeliveryStatus.RETRYING
        else:
            delivery.status = DeliveryStatus.FAILED
            retry = False
        delivery.save()
    if retry:
        raise RetryableFailure(error)
    return delivery.status
