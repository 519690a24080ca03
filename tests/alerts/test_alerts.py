"""Alerts: the reviewers' and authors' email, each in its reader's language, urgent alerts
by email and signed webhook, once per visit, retried with back-off and logged; the
newsroom's subscription pages.

Tasks run inline here (no broker: CELERY_TASK_ALWAYS_EAGER). An inline task retries at
once, ignoring the countdown, with the same policy (autoretry, max_retries) as in a
worker, provided eager errors do not propagate (Celery then re-raises the Retry instead
of applying it): the `scan` fixture turns that off while it runs. test_worker.py sends
a delivery through a real Celery worker and Redis, back-off delays included.
"""

import datetime
import html
import json
import logging
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts import languages
from alerts import services, tasks, urgent, webhooks
from alerts.models import Delivery, DeliveryStatus, Subscription
from core import names, roles
from front import summaries
from iccwatch.celery import app as celery_app
from tests import mailserver
from tests.alerts.helpers import Receiver, account, china, mongolia, putin, report_data
from tests.factories import make_state
from tests.factories import make_visit as _make_visit
from visits import flagging, reports, review
from visits.models import Report, Verdict, Visit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_loopback")]

TODAY = timezone.localdate()


@pytest.fixture
def allow_loopback():
    with override_settings(ICCWATCH_WEBHOOK_ALLOW_LOOPBACK=True):
        yield


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def scan(django_capture_on_commit_callbacks):
    """services.scan, with the deliveries it enqueues after commit sent (inline) at once."""

    def run():
        propagates = celery_app.conf.task_eager_propagates
        celery_app.conf.task_eager_propagates = False
        try:
            with django_capture_on_commit_callbacks(execute=True):
                return services.scan()
        finally:
            celery_app.conf.task_eager_propagates = propagates

    return run


@pytest.fixture
def reporter():
    return account("rita", roles.REPORTERS, email="rita@ngo.example")


@pytest.fixture
def reviewer():
    return account("victor", roles.REVIEWERS, email="victor@ngo.example")


def make_visit(*args, **kwargs):
    """A visit with its verdict (a test's transaction never commits, so nothing relays it)."""
    visit = _make_visit(*args, **kwargs)
    flagging.evaluate_pending()
    return visit


def subscribe(owner, *, url="", email="", **fields):
    """A subscription to `url` and/or `email`, its address confirmed by the person it
    belongs to (alerts.subscriptions: an address awaiting confirmation gets no alert)."""
    return Subscription.objects.create(
        owner=owner, webhook_url=url, email=email, confirmed_email=email, label="test", **fields
    )


def visit_today(host=None, **extra):
    """Putin in `host` (Mongolia: bound), from yesterday to tomorrow: occurring today."""
    return make_visit(
        putin(),
        host or mongolia(),
        start=TODAY - datetime.timedelta(days=1),
        end=TODAY + datetime.timedelta(days=1),
        **extra,
    )


CITATIONS = [{"url": "https://news.example.org/putin-ulaanbaatar", "publisher": "Example News"}]


def signature_is_valid(request, secret) -> bool:
    headers = request["headers"]
    return webhooks.verify(
        secret,
        headers[webhooks.TIMESTAMP_HEADER],
        request["body"],
        headers[webhooks.SIGNATURE_HEADER],
    )


# --- Reviewers' email ----------------------------------------------------------------


def test_reviewers_get_an_email_when_a_report_awaits_review(
    reporter, reviewer, django_capture_on_commit_callbacks
):
    putin(), mongolia()
    admin = account("ada", roles.ADMINS, email="ada@ngo.example")
    account("nomail", roles.REVIEWERS)  # no address: nothing to send
    account("other", roles.REPORTERS, email="other@ngo.example")  # not a reviewer
    with django_capture_on_commit_callbacks(execute=True):
        report = review.file_report(
            author=reporter, data=report_data(), citations=CITATIONS, submit=False
        )
    assert mail.outbox == []  # a draft awaits nobody

    with django_capture_on_commit_callbacks(execute=True):
        review.submit(report, reporter)
    assert sorted(m.to[0] for m in mail.outbox) == [admin.email, reviewer.email]
    message = mail.outbox[0]
    # Named as the pages name them, never by their codes.
    assert message.subject == "[iccwatch] A report awaits review: Vladimir Putin in Mongolia"
    assert f"/newsroom/reports/{report.pk}/" in message.body
    first = TODAY - datetime.timedelta(days=1)
    dates = summaries.span_words(first, "day", TODAY + datetime.timedelta(days=2), "day")
    assert f"reported a visit: Vladimir Putin in Mongolia, {dates}." in message.body


def used_the_newsroom_in(user, language: str) -> None:
    """`user` opens the newsroom's dashboard in `language` (the language switch's cookie),
    which records it as the language of their mails; the test's language is left as it was."""
    browser = Client()
    browser.force_login(user)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with translation.override(translation.get_language()):
        assert browser.get(reverse("newsroom:dashboard")).status_code == 200


def test_each_reviewer_is_asked_to_review_in_the_language_they_use_the_newsroom_in(
    reporter, reviewer, django_capture_on_commit_callbacks
):
    """Reviewers who work in French get the mail in French, those who work in English, or
    never opened the newsroom, in English, whatever language the author works in; each
    gets one mail."""
    putin(), mongolia()
    francoise = account("francoise", roles.REVIEWERS, email="francoise@ngo.example")
    ada = account("ada", roles.ADMINS, email="ada@ngo.example")
    newcomer = account("nadia", roles.REVIEWERS, email="nadia@ngo.example")
    used_the_newsroom_in(francoise, "fr")
    used_the_newsroom_in(ada, "fr")
    used_the_newsroom_in(reviewer, "en")
    # The author files in French.
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        review.file_report(author=reporter, data=report_data(), citations=CITATIONS)

    recipients = [m.to for m in mail.outbox]
    assert sorted(recipients) == sorted([[u.email] for u in (francoise, ada, newcomer, reviewer)])
    by_address = {m.to[0]: m for m in mail.outbox}
    with translation.override("fr"):
        dates_fr = dates_of_report_data()
    for user in (francoise, ada):
        message = by_address[user.email]
        assert message.subject == (
            "[iccwatch] Un signalement attend sa relecture\u00a0: Vladimir Putin, Mongolie"
        )
        assert message.body.startswith(f"Bonjour {user.username},")
        assert f"rita a signalé une visite\u00a0: Vladimir Putin, Mongolie, {dates_fr}." in (
            message.body
        )
        assert "Ce signalement attend la relecture d’une personne autre que son auteur\u00a0:" in (
            message.body
        )
    for user in (reviewer, newcomer):
        message = by_address[user.email]
        assert message.subject == "[iccwatch] A report awaits review: Vladimir Putin in Mongolia"
        assert message.body.startswith(f"Hello {user.username},")
        assert (
            f"rita reported a visit: Vladimir Putin in Mongolia, {dates_of_report_data()}."
            in message.body
        )
        assert "It awaits review by someone other than its author:" in message.body


def test_the_links_of_a_mail_are_in_its_language(
    reporter, reviewer, scan, django_capture_on_commit_callbacks
):
    """A reviewer who works in French is sent /fr/newsroom/reports/N/, which opens the page
    in French whatever language the browser was left in (and records French again as the
    account's); one who works in English the unprefixed address. The author's mail and the
    urgent alert link their pages in their own language too."""
    putin(), mongolia()
    francoise = account("francoise", roles.REVIEWERS, email="francoise@ngo.example")
    used_the_newsroom_in(francoise, "fr")
    used_the_newsroom_in(reviewer, "en")
    used_the_newsroom_in(reporter, "fr")
    with django_capture_on_commit_callbacks(execute=True):
        report = review.file_report(author=reporter, data=report_data(), citations=CITATIONS)
    by_address = {m.to[0]: m.body for m in mail.outbox}
    page = f"/newsroom/reports/{report.pk}/"
    assert urgent.site_url(f"/fr{page}") in by_address[francoise.email]
    assert urgent.site_url(page) in by_address[reviewer.email]
    assert "/fr/" not in by_address[reviewer.email]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review.verify(report, reviewer)
    (message,) = mail.outbox
    report.refresh_from_db()
    assert urgent.site_url(f"/fr{page}") in message.body
    assert urgent.site_url(f"/fr/visits/{report.visit.slug}/") in message.body
    # Opened, the French link switches to French and comes back to the page.
    browser = Client()
    browser.force_login(francoise)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override(translation.get_language()):
        opened = browser.get(f"/fr{page}", follow=True)
    assert (opened.status_code, opened.redirect_chain[-1][0]) == (200, page)
    assert browser.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert '<html lang="fr"' in opened.content.decode()
    mail.outbox.clear()
    # The visit verified is taking place in a host bound to arrest: an urgent alert.
    subscribe(francoise, email="juristes@ong.example", language="fr")
    scan()
    (alert,) = mail.outbox
    assert urgent.site_url(f"/fr/visits/{report.visit.slug}/") in alert.body


def test_the_author_is_not_mailed_about_their_own_report(django_capture_on_commit_callbacks):
    putin(), mongolia()
    both = account("bea", roles.REPORTERS, roles.REVIEWERS, email="bea@ngo.example")
    with django_capture_on_commit_callbacks(execute=True):
        review.file_report(author=both, data=report_data(), citations=CITATIONS)
    assert mail.outbox == []


def filed(author, django_capture_on_commit_callbacks):
    """A report by `author` awaiting review, the reviewers' mail about it sent and cleared."""
    putin(), mongolia()
    with django_capture_on_commit_callbacks(execute=True):
        report = review.file_report(author=author, data=report_data(), citations=CITATIONS)
    mail.outbox.clear()
    return report


def dates_of_report_data() -> str:
    first = TODAY - datetime.timedelta(days=1)
    return summaries.span_words(first, "day", TODAY + datetime.timedelta(days=2), "day")


def test_the_author_is_told_their_report_was_sent_back_with_the_question(
    reporter, reviewer, django_capture_on_commit_callbacks
):
    report = filed(reporter, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        review.request_changes(report, reviewer, "Which source names the summit?")
    (message,) = mail.outbox
    assert message.to == [reporter.email]
    assert message.subject == "[iccwatch] Your report was sent back: Vladimir Putin in Mongolia"
    assert (
        f"victor sent your report back for changes: Vladimir Putin in Mongolia, "
        f"{dates_of_report_data()}." in message.body
    )
    assert "The reviewer asks:\nWhich source names the summit?" in message.body
    assert urgent.site_url(f"/newsroom/reports/{report.pk}/") in message.body


def test_the_author_is_told_their_report_was_verified(
    reporter, reviewer, django_capture_on_commit_callbacks
):
    report = filed(reporter, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        review.verify(report, reviewer)
    (message,) = mail.outbox
    assert message.to == [reporter.email]
    assert message.subject == "[iccwatch] Your report was verified: Vladimir Putin in Mongolia"
    assert (
        f"victor verified your report: Vladimir Putin in Mongolia, {dates_of_report_data()}."
        in message.body
    )
    assert urgent.site_url(f"/newsroom/reports/{report.pk}/") in message.body


def test_the_author_is_told_their_report_was_rejected_with_the_reason(
    reporter, reviewer, django_capture_on_commit_callbacks
):
    report = filed(reporter, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        review.reject(report, reviewer, "The trip was announced, never made.")
    (message,) = mail.outbox
    assert message.to == [reporter.email]
    assert message.subject == "[iccwatch] Your report was rejected: Vladimir Putin in Mongolia"
    assert "The reviewer's reason:\nThe trip was announced, never made." in message.body
    assert urgent.site_url(f"/newsroom/reports/{report.pk}/") in message.body


def published(reporter, reviewer, django_capture_on_commit_callbacks):
    """The visit of a report by `reporter` that `reviewer` verified, the mails cleared."""
    report = filed(reporter, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        review.verify(report, reviewer)
    mail.outbox.clear()
    report.refresh_from_db()
    return report.visit


def test_the_author_of_a_correction_or_a_withdrawal_is_told_which_it_was(
    reporter, reviewer, django_capture_on_commit_callbacks
):
    """The author's mail names a correction and a withdrawal as the reviewers' mail does:
    "your report" alone told an author of a withdrawal nothing of what was verified."""
    visit = published(reporter, reviewer, django_capture_on_commit_callbacks)
    end = (TODAY + datetime.timedelta(days=3)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        correction = review.file_report(
            author=reporter,
            data=report_data(end=end),
            citations=CITATIONS,
            visit=visit,
            reason="He stayed a day longer, the agency says.",
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review.verify(correction, reviewer)
    (message,) = mail.outbox
    assert message.subject == "[iccwatch] Your correction was verified: Vladimir Putin in Mongolia"
    assert "victor verified your correction of a published visit: Vladimir Putin" in message.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        withdrawal = review.propose_withdrawal(
            author=reporter, visit=visit, note="The newspaper retracted its story."
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review.reject(withdrawal, reviewer, "The story stands: the source is sound.")
    (message,) = mail.outbox
    assert message.subject == "[iccwatch] Your withdrawal was rejected: Vladimir Putin in Mongolia"
    assert "victor rejected your withdrawal of a published visit: Vladimir Putin" in message.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        withdrawal = review.propose_withdrawal(
            author=reporter, visit=visit, note="The agency retracted its story too."
        )
    mail.outbox.clear()
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        review.request_changes(withdrawal, reviewer, "Quel journal ?")
    (message,) = mail.outbox
    assert message.subject == (
        "[iccwatch] Votre retrait vous est renvoyé\u00a0: Vladimir Putin, Mongolie"
    )
    assert (
        "victor vous a renvoyé pour modifications votre retrait d’une visite publiée\u00a0: "
        "Vladimir Putin, Mongolie" in message.body
    )


def test_an_author_who_never_used_the_newsroom_is_mailed_in_the_language_the_reviewer_acted_in(
    reporter, reviewer, django_capture_on_commit_callbacks
):
    report = filed(reporter, django_capture_on_commit_callbacks)
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        review.request_changes(report, reviewer, "Quelle source ?")
    (message,) = mail.outbox
    assert message.subject == (
        "[iccwatch] Votre signalement vous est renvoyé\u00a0: Vladimir Putin, Mongolie"
    )
    assert "Quelle source ?" in message.body


def test_the_author_is_mailed_in_the_language_they_use_the_newsroom_in_not_the_reviewers(
    reporter, reviewer, django_capture_on_commit_callbacks
):
    """An author who works in French is told in French of a review done in English, and
    one who works in English in English of a review done in French."""
    report = filed(reporter, django_capture_on_commit_callbacks)
    used_the_newsroom_in(reporter, "fr")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        review.request_changes(report, reviewer, "Which source?")
    (message,) = mail.outbox
    assert message.to == [reporter.email]
    assert message.subject == (
        "[iccwatch] Votre signalement vous est renvoyé\u00a0: Vladimir Putin, Mongolie"
    )
    assert message.body.startswith("Bonjour rita,")

    erin = account("erin", roles.REPORTERS, email="erin@ngo.example")
    used_the_newsroom_in(erin, "en")
    with django_capture_on_commit_callbacks(execute=True):
        other = review.file_report(
            author=erin, data=report_data(place="Zuunmod"), citations=CITATIONS
        )
    mail.outbox.clear()
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        review.reject(other, reviewer, "Aucune source ne le dit.")
    (message,) = mail.outbox
    assert message.to == [erin.email]
    assert message.subject == "[iccwatch] Your report was rejected: Vladimir Putin in Mongolia"
    assert "The reviewer's reason:\nAucune source ne le dit." in message.body


def test_the_author_is_mailed_only_when_a_reviewer_sent_back_verified_or_rejected(
    reporter, reviewer, django_capture_on_commit_callbacks
):
    report = filed(reporter, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        review.take_back(report, reporter)
        review.submit(report, reporter)
    assert reporter.email not in {m.to[0] for m in mail.outbox}  # only the reviewers'
    mail.outbox.clear()
    report.refresh_from_db()
    review.report_reviewed.send(sender=Report, report=report, action="submitted")
    assert tasks.mail_author(report.pk, "taken_back") == 0
    # Sent back, then submitted again before the mail went out: it no longer stands.
    assert services.mail_author(report, "changes_requested") == 0
    assert mail.outbox == []


# --- A mail server that fails ---------------------------------------------------------


@pytest.fixture
def mail_server(settings, tmp_path):
    """The stand-in mail server (tests/mailserver.py) as this process's mailer."""
    return mailserver.mailer(settings, tmp_path)


@pytest.fixture
def in_a_worker():
    """Tasks applied inline as a worker runs them: a retry is applied (at once), not raised."""
    propagates = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = propagates


def mail_logs(caplog) -> list[tuple[int, str]]:
    return [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "alerts.services"]


def three_reviewers():
    """Three reviewers with addresses, mailed in this order (by account)."""
    return [
        account(name, roles.REVIEWERS, email=f"{name}@ngo.example")
        for name in ("ada", "ben", "zoe")
    ]


def test_a_reviewer_whose_address_is_refused_for_good_costs_the_others_nothing(
    reporter, mail_server, in_a_worker, caplog
):
    """A 5xx answer for one reviewer's address (a mailbox closed) would come again: it is
    logged at ERROR naming the account and that mail dropped; the reviewers after it are
    still mailed, and the task is not tried again (every reviewer before it would be
    mailed anew, max_retries times, and none after it ever)."""
    ada, ben, zoe = three_reviewers()
    mailserver.prepare(mail_server, [], refused=(ben.email,))
    putin(), mongolia()
    report = review.file_report(author=reporter, data=report_data(), citations=CITATIONS)
    assert tasks.mail_reviewers.apply(args=[report.pk]).get() == 2
    assert [m["to"] for m in mailserver.sent(mail_server)] == [[ada.email], [zoe.email]]
    assert len(mailserver.tried(mail_server)) == 3
    assert mail_logs(caplog) == [
        (
            logging.ERROR,
            f"review request about report {report.pk} to account {ben.pk} (ben) not sent, "
            f"not tried again: SMTPRecipientsRefused: {{'{ben.email}': (550, b'5.1.1 No such "
            "user')}",
        )
    ]


def test_a_reviewers_mail_the_server_fails_is_tried_again_for_the_reviewers_not_mailed(
    reporter, mail_server, in_a_worker
):
    """The server hangs up after the first reviewer's mail: the task is tried again for
    the others only, and each reviewer gets one mail."""
    ada, ben, zoe = three_reviewers()
    mailserver.prepare(mail_server, [mailserver.DELIVERED, "disconnected"])
    putin(), mongolia()
    report = review.file_report(author=reporter, data=report_data(), citations=CITATIONS)
    assert tasks.mail_reviewers.apply(args=[report.pk]).get() == 2  # the last try's
    assert [m["to"] for m in mailserver.sent(mail_server)] == [
        [ada.email],
        [ben.email],
        [zoe.email],
    ]
    assert len(mailserver.tried(mail_server)) == 4  # ben's twice


def test_an_author_whose_address_is_refused_for_good_is_not_mailed_again(
    reporter, reviewer, mail_server, in_a_worker, django_capture_on_commit_callbacks, caplog
):
    report = filed(reporter, django_capture_on_commit_callbacks)
    review.reject(report, reviewer, "No source says the trip took place.")
    mailserver.prepare(mail_server, [], refused=(reporter.email,))
    assert tasks.mail_author.apply(args=[report.pk, "rejected", "en"]).get() == 0
    assert len(mailserver.tried(mail_server)) == 1
    ((level, line),) = mail_logs(caplog)
    assert level == logging.ERROR
    assert line.startswith(
        f"review outcome of report {report.pk} to account {reporter.pk} (rita) not sent, "
        "not tried again: SMTPRecipientsRefused"
    )


def test_an_author_without_an_address_is_not_mailed(reviewer, django_capture_on_commit_callbacks):
    nomail = account("nomail", roles.REPORTERS)
    report = filed(nomail, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        review.reject(report, reviewer, "Not a visit: it was cancelled.")
    assert mail.outbox == []


# --- Urgent alerts --------------------------------------------------------------------


def test_an_urgent_alert_reaches_the_webhook_signed_and_the_email_once(reviewer, receiver, scan):
    sub = subscribe(reviewer, url=receiver.url, email="legal@ngo.example")
    visit = visit_today()
    assert Verdict.objects.get(visit=visit).code == "non_compliance"

    assert scan() == 2  # one webhook and one email delivery
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert request["path"] == "/hooks/iccwatch?x=1"
    assert request["headers"][webhooks.SIGNATURE_HEADER].startswith("sha256=")
    assert signature_is_valid(request, sub.secret)
    assert not signature_is_valid(request, "another secret")
    body = json.loads(request["body"])
    assert body["visit"] == visit.slug
    assert body["person"]["name"] == "Vladimir Putin"
    assert body["host"]["iso3"] == "MNG"
    assert body["verdict"] == "non_compliance"
    assert body["basis"] == "state_party"
    assert body["dates"]["first_day"] == (TODAY - datetime.timedelta(days=1)).isoformat()
    assert body["url"].endswith(f"/visits/{visit.slug}/")

    assert [m.to for m in mail.outbox] == [["legal@ngo.example"]]
    assert "Vladimir Putin" in mail.outbox[0].subject

    deliveries = Delivery.objects.filter(subscription=sub)
    assert {(d.channel, d.status, d.attempts) for d in deliveries} == {
        ("webhook", DeliveryStatus.DELIVERED, 1),
        ("email", DeliveryStatus.DELIVERED, 1),
    }
    assert deliveries.get(channel="webhook").response_code == 200

    # Once per visit and subscription: later scans and checks send nothing more.
    assert scan() == 0
    assert services.check_visit(visit.pk) == 0
    assert len(receiver.requests) == 1 and len(mail.outbox) == 1


def test_a_paused_subscription_or_one_whose_owner_lost_the_role_gets_nothing(receiver, scan):
    paused = account("pat", roles.REPORTERS)
    subscribe(paused, url=receiver.url).__class__.objects.update(active=False)
    gone = account("gus")  # no newsroom role any more
    subscribe(gone, url=receiver.url)
    visit_today()
    assert scan() == 0
    assert receiver.requests == []


def test_an_announced_visit_to_a_bound_host_alerts_and_to_an_unbound_host_does_not(
    reviewer, receiver, scan
):
    subscribe(reviewer, url=receiver.url)
    start = TODAY + datetime.timedelta(days=10)
    to_china = make_visit(putin(), china(), start=start, status="announced", outcome="n/a")
    verdict = Verdict.objects.get(visit=to_china)
    assert (verdict.code, verdict.would_have_been_bound) == ("upcoming", False)
    assert scan() == 0
    assert receiver.requests == []

    to_mongolia = make_visit(putin(), mongolia(), start=start, status="announced", outcome="n/a")
    verdict = Verdict.objects.get(visit=to_mongolia)
    assert (verdict.code, verdict.would_have_been_bound) == ("upcoming", True)
    assert scan() == 1
    assert [json.loads(r["body"])["visit"] for r in receiver.requests] == [to_mongolia.slug]
    assert json.loads(receiver.requests[0]["body"])["verdict"] == "upcoming"


def test_no_alert_for_a_past_visit_an_unbound_host_or_an_arrest(reviewer, receiver, scan):
    subscribe(reviewer, url=receiver.url)
    make_visit(putin(), mongolia(), start=TODAY - datetime.timedelta(days=30))  # over
    visit_today(china())  # not bound
    visit_today(outcome="arrested", place="Erdenet")  # complied
    assert scan() == 0
    assert receiver.requests == []


def test_a_visit_under_way_with_its_outcome_unknown_alerts(reviewer, receiver, scan):
    subscribe(reviewer, url=receiver.url)
    visit = visit_today(outcome="unknown")
    assert Verdict.objects.get(visit=visit).code == "pending"
    assert scan() == 1
    assert json.loads(receiver.requests[0]["body"])["basis"] == "state_party"


def test_verifying_a_report_of_a_visit_under_way_alerts_at_once(
    reporter, reviewer, receiver, django_capture_on_commit_callbacks
):
    putin(), mongolia()
    sub = subscribe(reviewer, url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        report = review.file_report(author=reporter, data=report_data(), citations=CITATIONS)
    assert receiver.requests == []  # not public, so no alert
    with django_capture_on_commit_callbacks(execute=True):
        visit = review.verify(report, reviewer)
    assert [json.loads(r["body"])["visit"] for r in receiver.requests] == [visit.slug]
    assert signature_is_valid(receiver.requests[0], sub.secret)


def test_a_failing_webhook_is_retried_and_every_attempt_logged(reviewer, monkeypatch, scan):
    server = Receiver(statuses=[500, 503, 200])
    try:
        subscribe(reviewer, url=server.url)
        visit_today()
        scan()
    finally:
        server.close()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 3, 200)
    assert [(a.number, a.response_code) for a in delivery.attempt_log.all()] == [
        (1, 500),
        (2, 503),
        (3, 200),
    ]
    assert "HTTP 500" in delivery.attempt_log.first().error
    assert len(server.requests) == 3


def test_a_webhook_that_keeps_failing_stops_after_the_last_retry(reviewer, monkeypatch, scan):
    monkeypatch.setattr(tasks.deliver, "max_retries", 2)
    server = Receiver(statuses=[500])
    try:
        subscribe(reviewer, url=server.url)
        visit_today()
        scan()
    finally:
        server.close()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert [a.response_code for a in delivery.attempt_log.all()] == [500, 500, 500]


def test_a_client_error_is_not_retried(reviewer, scan):
    server = Receiver(statuses=[410])
    try:
        subscribe(reviewer, url=server.url)
        visit_today()
        scan()
    finally:
        server.close()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("failed", 1, 410)


def test_an_unreachable_webhook_is_retried_with_the_error_logged(reviewer, monkeypatch, scan):
    monkeypatch.setattr(tasks.deliver, "max_retries", 1)
    server = Receiver()
    url = server.url
    server.close()  # nothing listens there any more
    subscribe(reviewer, url=url)
    visit_today()
    scan()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 2)
    assert all("ConnectionRefusedError" in a.error for a in delivery.attempt_log.all())


# --- Webhook targets --------------------------------------------------------------------

# Names that exist only inside a network (core.addresses.PRIVATE_NAME_SUFFIXES), and a
# name without a dot: a source's address is refused for them, and so is a webhook's.
PRIVATE_NAMES = [
    "https://metadata.google.internal/x",
    "https://printer.local/x",
    "https://router.home.arpa/x",
    "https://wiki.localhost/x",
    "https://printer.local./x",
]


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/hook",
        "file:///etc/passwd",
        "http://10.0.0.5/hook",
        "http://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://user:pw@example.org/hook",
        "http://insecure.example.org/hook",
        *PRIVATE_NAMES,
    ],
)
def test_private_and_loopback_targets_are_refused_unless_allowed(url):
    with (
        override_settings(ICCWATCH_WEBHOOK_ALLOW_LOOPBACK=False),
        pytest.raises(webhooks.UnsafeTarget),
    ):
        webhooks.resolve(url)


@pytest.mark.parametrize("url", PRIVATE_NAMES)
def test_a_webhook_to_a_name_only_a_network_knows_is_refused_as_a_sources_address_is(
    client, reporter, url
):
    """Found by a tester: the form took these, while the README said a webhook's address
    is checked as a source's is (check_url refused literal addresses and `localhost`
    only). Refused now, beside the box, in the source form's words: the address named,
    and why."""
    client.force_login(reporter)
    with override_settings(ICCWATCH_WEBHOOK_ALLOW_LOOPBACK=False):
        with pytest.raises(webhooks.UnsafeTarget):
            webhooks.check_url(url)
        response = client.post(reverse("alerts:subscriptions"), {"webhook_url": url})
    assert response.status_code == 200
    said = html.unescape(response.content.decode())
    box = said.split('id="id_webhook_url-error">')[1].split("</p>")[0]
    assert box == (
        f"{url!r} is not a public address: only public https addresses may receive webhooks."
    )
    assert not Subscription.objects.exists()


def test_a_webhook_to_a_name_without_a_dot_is_refused_naming_it(client, reporter):
    """As a source's: `intranet` is a name only a network's own DNS knows."""
    client.force_login(reporter)
    with override_settings(ICCWATCH_WEBHOOK_ALLOW_LOOPBACK=False):
        response = client.post(
            reverse("alerts:subscriptions"), {"webhook_url": "https://intranet/hook"}
        )
    said = html.unescape(response.content.decode())
    assert (
        "'https://intranet/hook' is not a public address: 'intranet', a name without a dot, "
        "is known only inside a network; only public https addresses may receive webhooks."
    ) in said
    assert not Subscription.objects.exists()


def test_a_webhook_to_a_private_name_is_refused_in_french(client, reporter):
    client.force_login(reporter)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.post(
        reverse("alerts:subscriptions"), {"webhook_url": "https://printer.local/x"}
    )
    said = html.unescape(response.content.decode())
    assert (
        "«\u00a0https://printer.local/x\u00a0» n’est pas une adresse publique\u00a0: seules "
        "des adresses https publiques peuvent recevoir des webhooks."
    ) in said


def test_a_webhook_to_a_private_name_saved_before_is_refused_when_delivered(reviewer, scan):
    """Subscribed before the form refused it: its alert never goes there."""
    subscribe(reviewer, url="https://metadata.google.internal/computeMetadata/v1/")
    visit_today()
    with override_settings(ICCWATCH_WEBHOOK_ALLOW_LOOPBACK=False):
        scan()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert delivery.error == (
        "refused: metadata.google.internal is not a public address (a name known only "
        "inside a network?)"
    )


def test_a_refused_target_fails_the_delivery_without_retrying(reviewer, scan):
    subscribe(reviewer, url="http://127.0.0.1:9/hook")
    visit_today()
    with override_settings(ICCWATCH_WEBHOOK_ALLOW_LOOPBACK=False):
        scan()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert delivery.error.startswith("refused:")


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body():
    import hashlib
    import hmac

    body = webhooks.body_of({"visit": "x"})
    expected = hmac.new(b"s3cret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert webhooks.sign("s3cret", "1700000000", body) == f"sha256={expected}"
    assert not webhooks.verify("s3cret", "1700000000", body, f"sha256={expected}")  # too old


def test_the_payload_links_the_visits_api_record_from_the_configured_address(
    reviewer, receiver, scan, client, settings
):
    """The payload carried the visit's id and its page on the site (`url`) only: a
    receiver wanting the record, its verdict's reasons and sources, built the API's
    address itself. `api_url` is that address, absolute, from ICCWATCH_SITE_URL as `url`
    is, whatever Host a request named."""
    settings.ICCWATCH_SITE_URL = "https://alerts.example.org"
    subscribe(reviewer, url=receiver.url)
    visit = visit_today()
    scan()
    body = json.loads(receiver.requests[0]["body"])
    assert body["url"] == f"https://alerts.example.org/visits/{visit.slug}/"
    assert body["api_url"] == f"https://alerts.example.org/api/v1/visits/{visit.slug}/"
    record = client.get(body["api_url"].removeprefix("https://alerts.example.org"))
    assert record.status_code == 200 and record.json()["id"] == visit.slug


def test_the_payload_names_the_dates_with_their_precision():
    visit = make_visit(
        putin(), mongolia(), start=datetime.date(2025, 10, 1), start_precision="month"
    )
    first, last = urgent.days_of(visit)
    assert (first, last) == (datetime.date(2025, 10, 1), datetime.date(2025, 10, 31))


# --- The newsroom's pages ---------------------------------------------------------------


def test_anonymous_readers_are_sent_to_sign_in(client):
    response = client.get(reverse("alerts:subscriptions"))
    assert response.status_code == 302
    assert "next=/newsroom/alerts/" in response["Location"]


def test_an_account_without_a_newsroom_role_is_refused(client):
    client.force_login(account("nobody"))
    assert client.get(reverse("alerts:subscriptions")).status_code == 403
    assert client.get(reverse("alerts:deliveries")).status_code == 403


def test_a_reporter_adds_pauses_and_removes_a_subscription(client, reporter):
    client.force_login(reporter)
    page = client.get(reverse("alerts:subscriptions"))
    assert page.status_code == 200
    assert b'name="webhook_url"' in page.content

    response = client.post(
        reverse("alerts:subscriptions"),
        {
            "label": "court tool",
            "webhook_url": "https://hooks.ngo.example/iccwatch",
            "urgent": "on",
        },
    )
    sub = Subscription.objects.get(owner=reporter)
    assert response.status_code == 302 and response["Location"] == f"/newsroom/alerts/{sub.pk}/"
    detail = client.get(response["Location"])
    assert sub.secret.encode() in detail.content  # the owner sees the signing secret

    client.post(reverse("alerts:toggle", args=[sub.pk]))
    sub.refresh_from_db()
    assert not sub.active
    assert client.get(reverse("alerts:delete", args=[sub.pk])).status_code == 200
    client.post(reverse("alerts:delete", args=[sub.pk]))
    assert not Subscription.objects.exists()


def test_the_form_shows_its_errors_next_to_the_fields(client, reporter):
    client.force_login(reporter)
    response = client.post(reverse("alerts:subscriptions"), {"label": "x"})
    assert response.status_code == 200
    assert b"Give an email address, a webhook URL, or both." in response.content
    response = client.post(reverse("alerts:subscriptions"), {"webhook_url": "http://10.1.2.3/x"})
    assert (
        "'http://10.1.2.3/x' is not a public address: only public https addresses may "
        "receive webhooks."
    ) in html.unescape(response.content.decode())
    assert 'id="id_webhook_url-error"' in response.content.decode()
    assert not Subscription.objects.exists()


def test_a_subscription_without_a_target_is_refused_once_in_words_its_reasons_first(
    client, reporter
):
    """Found by a tester: Subscribe with neither an email address nor a webhook said "Give
    an email address, a webhook URL, or both." and "Constraint “subscription_has_a_target”
    is violated.", and left the focus on the page's body, its title unchanged. Refused
    once now, in words, as the newsroom's other forms refuse: the title says so, and the
    summary of its reasons comes first (newsroom-form.js gives it the focus), both boxes
    marked as answering it."""
    client.force_login(reporter)
    page = client.post(reverse("alerts:subscriptions"), {"label": "x", "urgent": "on"})
    said = html.unescape(page.content.decode())
    assert said.count("Give an email address, a webhook URL, or both.") == 1
    assert "subscription_has_a_target" not in said and "Constraint" not in said
    assert "<title>Alerts: subscription refused · iccwatch</title>" in said
    form = said.split('id="subscription-form"')[1].split("</form>")[0]
    summary = re.search(r'<div class="error-summary" role="alert" id="form-errors"[^>]*>', form)
    assert 'tabindex="-1"' in summary.group(0)
    assert summary.start() < form.index("Give an email address") < form.index('name="email"')
    assert "js/newsroom-form.js" in form
    for name in ("email", "webhook_url"):
        box = re.search(rf'<input [^>]*name="{name}"[^>]*>', form).group(0)
        assert 'aria-invalid="true"' in box and "form-errors" in box
    assert "(required without a webhook URL)" in form
    assert not Subscription.objects.exists()
    # Added, the page has no summary and its title is the page's.
    client.post(reverse("alerts:subscriptions"), {"email": "team@ngo.example"})
    page = client.get(reverse("alerts:subscriptions")).content.decode()
    assert "<title>Alerts · iccwatch</title>" in page and 'id="form-errors"' not in page


def test_the_constraint_itself_says_what_is_missing_in_words():
    """Any other form of the model (the admin's) is told in words too, not the name."""
    with pytest.raises(ValidationError) as refused:
        Subscription(owner=account("nobody"), label="x").validate_constraints()
    assert refused.value.messages == ["Give an email address, a webhook URL, or both."]


@pytest.mark.parametrize("allowed", [True, False])
def test_a_webhook_goes_over_https_plain_http_only_to_loopback_in_development(
    client, reporter, allowed
):
    """Found by a tester: `http://insecure.example.org/hook` was accepted while the help
    said "https address". Webhooks go to https addresses; plain http only to this machine
    where ICCWATCH_WEBHOOK_ALLOW_LOOPBACK is on (local development and tests, refused in
    production), and the help text says so there only."""
    client.force_login(reporter)
    with override_settings(ICCWATCH_WEBHOOK_ALLOW_LOOPBACK=allowed):
        page = client.post(
            reverse("alerts:subscriptions"), {"webhook_url": "http://insecure.example.org/hook"}
        )
        said = html.unescape(page.content.decode())
        assert "Give an https address: alerts are not sent to a webhook over plain http." in said
        assert not Subscription.objects.exists()
        with pytest.raises(webhooks.PlainHttp):
            webhooks.check_url("http://insecure.example.org/hook")
        help_text = re.search(r'id="id_webhook_url-help">(.*?)</small>', said).group(1)
        assert "this https address" in help_text
        assert ("http address on this machine" in help_text) is allowed
        assert ("never in production" in help_text) is allowed
        local = client.post(
            reverse("alerts:subscriptions"), {"webhook_url": "http://127.0.0.1:8000/hook"}
        )
        assert (local.status_code == 302) is allowed
        client.post(reverse("alerts:subscriptions"), {"webhook_url": "https://hooks.ngo.example/x"})
    urls = set(Subscription.objects.values_list("webhook_url", flat=True))
    assert urls == {"https://hooks.ngo.example/x"} | (
        {"http://127.0.0.1:8000/hook"} if allowed else set()
    )


def test_a_webhook_saved_before_over_plain_http_is_refused_when_delivered(reviewer, scan):
    """Subscribed before https was required: its alert is not sent over plain http."""
    subscribe(reviewer, url="http://hooks.ngo.example/iccwatch")
    visit_today()
    scan()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert delivery.error.startswith("refused: only https URLs are allowed")


def test_a_webhook_address_with_a_character_no_url_holds_is_refused_naming_it(client, reporter):
    """As a source's address is: a `"` or `<` in the address is named, and never called."""
    client.force_login(reporter)
    url = 'https://hooks.ngo.example/x"><script>'
    response = client.post(reverse("alerts:subscriptions"), {"webhook_url": url})
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    said = (
        f"{url!r} contains '\"' (U+0022), which no web address may hold: write it "
        "percent-encoded (%22)."
    )
    # Once beside its box, and once in the summary of the form's reasons, linking to it.
    box = page.split('id="id_webhook_url-error">')[1].split("</p>")[0]
    summary = page.split('id="form-errors"')[1].split("</div>")[0]
    assert box.count(said) == 1 and summary.count(said) == 1 and page.count(said) == 2
    assert '<a href="#id_webhook_url">' in summary
    assert not Subscription.objects.exists()
    with pytest.raises(webhooks.UnsafeTarget, match=r"contains '<' \(U\+003C\)"):
        webhooks.check_url("https://hooks.ngo.example/<x>")


def test_nobody_sees_or_changes_anothers_subscription(client, reporter, reviewer):
    sub = subscribe(reviewer, email="victor@ngo.example")
    client.force_login(reporter)
    assert client.get(reverse("alerts:subscription", args=[sub.pk])).status_code == 404
    assert client.post(reverse("alerts:delete", args=[sub.pk])).status_code == 404
    assert client.post(reverse("alerts:toggle", args=[sub.pk])).status_code == 404
    assert Subscription.objects.filter(pk=sub.pk, active=True).exists()


def test_the_delivery_log_shows_each_attempt(client, reviewer, scan):
    server = Receiver(statuses=[502, 200])
    try:
        subscribe(reviewer, url=server.url)
        visit_today()
        scan()
    finally:
        server.close()
    client.force_login(reviewer)
    page = client.get(reverse("alerts:deliveries")).content.decode()
    assert "HTTP 502" in page and "HTTP 200" in page and "Vladimir Putin" in page


def test_the_delivery_log_is_in_french(client, reviewer, scan):
    """The country named in French, the times in words with their time zone as the other
    staff pages write them ("5 décembre 2026, 11 h 32 UTC"), and a delivered alert
    « envoyée », never « remise », which next to a wanted person reads as surrendered."""
    server = Receiver(statuses=[502, 200])
    try:
        sub = subscribe(reviewer, url=server.url)
        visit_today()
        scan()
    finally:
        server.close()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED
    client.force_login(reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    for url in (reverse("alerts:deliveries"), reverse("alerts:subscription", args=[sub.pk])):
        page = html.unescape(client.get(url).content.decode())
        log = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        assert "Vladimir Putin — Mongolie</a>" in log and "Mongolia" not in log
        at = timezone.localtime(delivery.created_at)
        with translation.override("fr"):
            day = names.format_date(at.date())
        assert f">{day}, {at:%H}\u00a0h\u00a0{at:%M} UTC</time>" in log, log
        assert re.search(r"\d\d\u00a0h\u00a0\d\d\u00a0min\u00a0\d\d\u00a0s UTC</time>", log)
        assert not re.search(r"\d{4}-\d\d-\d\d", re.sub(r'"[^"]*"', '""', log))
        assert '<td data-label="Statut">envoyée</td>' in log and "remise" not in log


def test_the_pages_are_in_french(client, reporter):
    client.force_login(reporter)
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("alerts:subscriptions"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Ajouter un abonnement" in page


def test_the_urgent_email_is_in_the_subscribers_language(reviewer, scan):
    subscribe(reviewer, email="juristes@ong.example", language="fr")
    visit_today()
    scan()
    (message,) = mail.outbox
    assert message.subject.startswith("[iccwatch] Urgent\u00a0: Vladimir Putin se trouve aujourd")
    assert "fondement\u00a0: État partie" in message.body
    assert "Mongolie" in message.body


def test_a_subscription_keeps_the_language_of_the_page_it_was_added_from(
    reviewer, scan, django_capture_on_commit_callbacks
):
    """Its address may be a colleague's or a list's: the owner's language later on (here
    English) is not the subscription's. The link asking the list to confirm it is in that
    language too."""
    browser = Client()
    browser.force_login(reviewer)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    with (
        translation.override(translation.get_language()),
        django_capture_on_commit_callbacks(execute=True),
    ):
        browser.post(
            reverse("alerts:subscriptions"), {"email": "juristes@ong.example", "urgent": "on"}
        )
    assert Subscription.objects.get(owner=reviewer).language == "fr"
    (asked,) = mail.outbox
    assert asked.to == ["juristes@ong.example"]
    assert (
        asked.subject
        == "[iccwatch] Confirmez que vous voulez recevoir les alertes urgentes à cette adresse"
    )
    link = re.search(r"https?://\S+/fr/newsroom/alerts/confirm/\?token=\S+", asked.body).group(0)
    token = parse_qs(urlsplit(link).query)["token"][0]
    with translation.override(translation.get_language()):
        Client().post(reverse("alerts:confirm"), {"token": token})
    mail.outbox.clear()
    used_the_newsroom_in(reviewer, "en")
    visit_today()
    scan()
    (message,) = mail.outbox
    assert message.subject.startswith("[iccwatch] Urgent\u00a0: Vladimir Putin se trouve")


@pytest.mark.parametrize(("language", "day"), [("en", "(June {year})"), ("fr", "(juin {year})")])
def test_the_urgent_subject_dates_an_announced_trip_as_precisely_as_it_is_known(
    reviewer, scan, language, day
):
    """A trip announced for a month is dated by its month, as the body dates it by its
    first and last possible days: never "(1 June 2027)", a day nobody announced."""
    subscribe(reviewer, email="legal@ngo.example", language=language)
    month = datetime.date(TODAY.year + 1, 6, 1)
    make_visit(
        putin(),
        mongolia(),
        start=month,
        start_precision="month",
        status="announced",
        outcome="n/a",
    )
    scan()
    (message,) = mail.outbox
    assert message.subject.endswith(day.format(year=month.year)), message.subject
    assert f" 1 {'' if language == 'en' else 'er '}" not in message.subject


def test_the_urgent_email_gives_a_country_name_its_article(reviewer, scan):
    """ "is in the Central African Republic today", and "The Central African Republic is
    bound" where the name starts a sentence; not "is in Central African Republic"."""
    subscribe(reviewer, email="legal@ngo.example", language="en")
    visit_today(
        make_state("CAF", "Central African Republic", entry_into_force=datetime.date(2002, 7, 1))
    )
    scan()
    (message,) = mail.outbox
    assert (
        message.subject
        == "[iccwatch] Urgent: Vladimir Putin is in the Central African Republic today"
    )
    assert "is in the Central African Republic (visit from" in message.body
    assert "\nThe Central African Republic is bound to arrest him" in message.body


def test_the_readme_snippet_verifies_a_signature():
    import re
    import time
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Alerts and webhooks", 1)[1]
    snippet = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace = {}
    exec(snippet, namespace)  # noqa: S102 - the README's own example
    body = webhooks.body_of({"visit": "x"})
    timestamp = str(int(time.time()))
    headers = {
        "X-Iccwatch-Timestamp": timestamp,
        "X-Iccwatch-Signature": webhooks.sign("s3cret", timestamp, body),
    }
    assert namespace["is_from_iccwatch"]("s3cret", headers, body)
    assert not namespace["is_from_iccwatch"]("other", headers, body)
    assert not namespace["is_from_iccwatch"]("s3cret", headers, body + b" ")


def test_newsroom_mails_the_broker_cannot_take_are_sent_inline_not_lost(
    reporter, reviewer, dead_port, caplog, django_capture_on_commit_callbacks
):
    """With the broker down, the reviewers' mail on a submission and the author's on a
    review are sent in the request (the failure logged), as a password reset is."""
    from tests.pipeline import publishing_to

    with publishing_to(f"redis://127.0.0.1:{dead_port}/0"):
        putin(), mongolia()
        with django_capture_on_commit_callbacks(execute=True):
            report = review.file_report(author=reporter, data=report_data(), citations=CITATIONS)
        assert [m.to for m in mail.outbox] == [[reviewer.email]]
        with django_capture_on_commit_callbacks(execute=True):
            review.request_changes(report, reviewer, "Which source names the summit?")
    assert mail.outbox[-1].to == [reporter.email]
    assert "Your report was sent back" in mail.outbox[-1].subject
    # Logged once, when the broker failed; the author's mail did not try it again.
    failures = [r for r in caplog.records if "the broker could not take" in r.getMessage()]
    assert len(failures) == 1 and failures[0].levelname == "WARNING"


def test_verifying_a_report_while_the_broker_is_down_tries_it_once_and_loses_nothing(
    reporter, reviewer, receiver, dead_port, scan, monkeypatch, django_capture_on_commit_callbacks
):
    """A verification enqueues three tasks (the visit's evaluation, the author's mail, the
    check for an urgent alert): with the broker down it waited for the broker's timeouts
    three times (7 s). It tries the broker once; the mail is sent from the request, the
    sweeper evaluates the visit and the scan alerts, as each does when the broker fails."""
    import socket

    from core import broker
    from tests.pipeline import publishing_to
    from visits import outbox
    from visits.models import EvaluationRequest

    tried = []
    connect = socket.socket.connect

    def counting_connect(sock, address):
        if address[:2] == ("127.0.0.1", dead_port):
            tried.append(address)
        return connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", counting_connect)
    putin(), mongolia()
    subscribe(reviewer, url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        report = review.file_report(author=reporter, data=report_data(), citations=CITATIONS)
    mail.outbox.clear()
    dead_broker = f"redis://127.0.0.1:{dead_port}/0"

    with publishing_to(dead_broker):
        with django_capture_on_commit_callbacks(execute=True):
            visit = review.verify(report, reviewer)
        in_the_verification = len(tried)
        # What one task costs: a single enqueue, with the pause ended.
        broker.resume()
        tried.clear()
        assert not services.enqueue("alerts.check_visit", visit.pk)
        one_enqueue = len(tried)
    assert one_enqueue > 0
    assert in_the_verification == one_enqueue  # not three times as many

    # Nothing is lost. The author's mail was sent from the request.
    assert [m.to for m in mail.outbox] == [[reporter.email]]
    assert "Your report was verified" in mail.outbox[0].subject
    # The evaluation waits in the outbox, never relayed, for the sweeper; no alert yet.
    assert EvaluationRequest.objects.filter(visit=visit, relayed_at__isnull=True).exists()
    assert not Verdict.objects.filter(visit=visit).exists()
    assert receiver.requests == []
    # The broker back (here: tasks inline), the sweeper evaluates and the scan alerts.
    assert outbox.sweep(grace_seconds=0) == 1
    assert Verdict.objects.get(visit=visit).code == "non_compliance"
    assert scan() == 1
    assert [json.loads(r["body"])["visit"] for r in receiver.requests] == [visit.slug]


def test_the_reviewers_mail_reads_the_report_once_whatever_the_number_of_reviewers(
    reporter, reviewer, django_capture_on_commit_callbacks
):
    """The mail's words are built once and the mails sent over one connection: it may run
    in the author's request (the broker down), so its cost must not grow per reviewer."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    putin(), mongolia()
    with django_capture_on_commit_callbacks(execute=True):
        report = review.file_report(author=reporter, data=report_data(), citations=CITATIONS)
    mail.outbox.clear()
    with CaptureQueriesContext(connection) as one:
        assert services.mail_reviewers(report) == 1
    for n in range(4):
        account(f"reviewer{n}", roles.REVIEWERS, email=f"reviewer{n}@ngo.example")
    mail.outbox.clear()
    with CaptureQueriesContext(connection) as five:
        assert services.mail_reviewers(report) == 5
    assert len(five) == len(one)
    assert len(mail.outbox) == 5 and len({m.to[0] for m in mail.outbox}) == 5
    # Their languages come with them; a second language reads the report's names once more
    # (the person's and the host's: two queries), however many reviewers work in it.
    for user in User.objects.filter(username__in=["reviewer1", "reviewer3"]):
        languages.record(user, "fr")
    mail.outbox.clear()
    with CaptureQueriesContext(connection) as two_languages:
        assert services.mail_reviewers(report) == 5
    assert len(two_languages) == len(one) + 2
    assert sum("attend sa relecture" in m.subject for m in mail.outbox) == 2


def test_the_reviewers_are_told_a_report_sent_back_was_resubmitted_with_the_answer(
    reporter, reviewer, django_capture_on_commit_callbacks
):
    """The reviewers' mail about a report answered and submitted again read as a new filing:
    it now says it is the report sent back, with what was asked and the author's answer."""
    report = filed(reporter, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        review.request_changes(report, reviewer, "Which source names the summit?")
    mail.outbox.clear()
    report.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        review.resubmit(
            report,
            reporter,
            data=report.data,
            citations=report.citations,
            reply="The agency's readout names it; added.",
        )
    (message,) = [m for m in mail.outbox if m.to == [reviewer.email]]
    assert message.subject == (
        "[iccwatch] Resubmitted after changes, awaits review: Vladimir Putin in Mongolia"
    )
    assert (
        "rita answered the request for changes and submitted the report sent back again: "
        "Vladimir Putin in Mongolia" in message.body
    )
    assert "victor asked:\nWhich source names the summit?" in message.body
    assert "The author's answer:\nThe agency's readout names it; added." in message.body
    assert "reported a visit" not in message.body
    assert urgent.site_url(f"/newsroom/reports/{report.pk}/") in message.body


@pytest.mark.parametrize(
    ("kind", "language", "subject", "body"),
    [
        (
            "withdrawal",
            "en",
            "[iccwatch] A withdrawal resubmitted after changes awaits review: Vladimir Putin in "
            "Mongolia",
            "rita answered the request for changes and submitted again the withdrawal sent back, "
            "which asks to withdraw a published visit: Vladimir Putin in Mongolia, 2 September "
            "2024.",
        ),
        (
            "correction",
            "en",
            "[iccwatch] A correction resubmitted after changes awaits review: Vladimir Putin in "
            "Mongolia",
            "rita answered the request for changes and submitted again the correction sent back, "
            "which asks to correct a published visit: Vladimir Putin in Mongolia, 2 September "
            "2024.",
        ),
        (
            "withdrawal",
            "fr",
            "[iccwatch] Un retrait soumis à nouveau après modifications attend sa "
            "relecture\u00a0: Vladimir Putin, Mongolie",
            "rita a répondu à la demande de modifications et soumis à nouveau le retrait "
            "renvoyé, qui demande de retirer une visite publiée\u00a0: Vladimir Putin, "
            "Mongolie, 2 septembre 2024.",
        ),
        (
            "correction",
            "fr",
            "[iccwatch] Une correction soumise à nouveau après modifications attend sa "
            "relecture\u00a0: Vladimir Putin, Mongolie",
            "rita a répondu à la demande de modifications et soumis à nouveau la correction "
            "renvoyée, qui demande de corriger une visite publiée\u00a0: Vladimir Putin, "
            "Mongolie, 2 septembre 2024.",
        ),
    ],
)
def test_the_resubmission_mail_says_it_is_a_withdrawal_or_a_correction(
    kind, language, subject, body
):
    """The reviewers' mail about a withdrawal or a correction resubmitted after changes
    said only "Resubmitted after changes": what it asks was left out."""
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    context = {
        "resubmitted": True,
        "withdrawal": kind == "withdrawal",
        "correction": True,  # a withdrawal is a correction too (Report.is_correction)
        "person": "Vladimir Putin",
        "host": "Mongolia" if language == "en" else "Mongolie",
        "dates": "2 September 2024" if language == "en" else "2 septembre 2024",
        "report": SimpleNamespace(author=SimpleNamespace(get_username=lambda: "rita")),
        "user": SimpleNamespace(get_short_name=lambda: "Victor", get_username=lambda: "victor"),
        "url": "https://iccwatch.example/newsroom/reports/1/",
    }
    with translation.override(language):
        said = render_to_string("alerts/mail/review_subject.txt", context).strip()
        mailed = render_to_string("alerts/mail/review_body.txt", context)
    assert said == subject
    assert body in mailed


@pytest.mark.parametrize("resubmitted", [False, True])
@pytest.mark.parametrize("kind", ["report", "correction", "withdrawal"])
def test_the_french_review_mail_agrees_whatever_the_kind(kind, resubmitted):
    """« amina demande le retrait d’une visite publiée. Elle attend… »: the sentence after
    the first said « Elle » (or « Il ») whatever it followed, a withdrawal (le retrait) or a
    correction (la correction); it names the report instead."""
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    context = {
        "resubmitted": resubmitted,
        "withdrawal": kind == "withdrawal",
        "correction": kind != "report",
        "person": "Vladimir Putin",
        "host": "Mongolie",
        "dates": "2 septembre 2024",
        "report": SimpleNamespace(author=SimpleNamespace(get_username=lambda: "amina")),
        "user": SimpleNamespace(get_short_name=lambda: "Victor", get_username=lambda: "victor"),
        "url": "https://iccwatch.example/fr/newsroom/reports/1/",
    }
    with translation.override("fr"):
        mailed = render_to_string("alerts/mail/review_body.txt", context)
    again = "de nouveau " if resubmitted else ""
    said = f"Ce signalement attend {again}la relecture d’une personne autre que son auteur\u00a0:"
    assert said in mailed
    assert not re.search(r"^(Il|Elle) attend", mailed, re.M)


def test_the_french_urgent_mail_agrees_whoever_the_person_is(reviewer, scan):
    """A woman is wanted too (Maria Lvova-Belova): the French alert says « une visite de …
    est annoncée », « qui fait l’objet d’un mandat », and that the address is subscribed,
    never « visé », « annoncé en visite » or « vous êtes abonné »."""
    subscribe(reviewer, email="juristes@ong.example", language="fr")
    make_visit(
        putin(),
        mongolia(),
        start=TODAY + datetime.timedelta(days=10),
        status="announced",
        outcome="n/a",
    )
    scan()
    (message,) = mail.outbox
    assert message.subject.startswith("[iccwatch] Urgent\u00a0: visite annoncée de Vladimir Putin")
    assert "Une visite de Vladimir Putin, qui fait l’objet d’un mandat d’arrêt de la CPI, " in (
        message.body
    )
    assert "est annoncée dans l’État suivant\u00a0: Mongolie" in message.body
    assert "cette adresse est abonnée" in message.body
    for gendered in ("visé ", "annoncé ", "êtes abonné"):
        assert gendered not in message.subject + message.body, gendered


def test_the_verified_mail_links_to_the_public_page_it_published(
    reporter, reviewer, django_capture_on_commit_callbacks
):
    report = filed(reporter, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        review.verify(report, reviewer)
    (message,) = mail.outbox
    report.refresh_from_db()
    assert (
        "The visit's public page, as published:\n"
        + urgent.site_url(f"/visits/{report.visit.slug}/")
        in message.body
    )
    assert urgent.site_url(f"/newsroom/reports/{report.pk}/") in message.body


# --- Follow-ups of an urgent alert -------------------------------------------------------


def announced_visit(**extra):
    """Putin announced in Mongolia (bound) ten and eleven days from today."""
    return make_visit(
        putin(),
        mongolia(),
        start=TODAY + datetime.timedelta(days=10),
        end=TODAY + datetime.timedelta(days=11),
        status="announced",
        outcome="n/a",
        place="Ulaanbaatar",
        **extra,
    )


def bodies(receiver) -> list[dict]:
    return [json.loads(request["body"]) for request in receiver.requests]


def corrected(visit, reporter, reviewer, capture, **changes):
    """`visit` after a correction of `changes` by `reporter`, verified by `reviewer`, its
    after-commit work (evaluation, the alerts' check, the deliveries) run inline."""
    data = {
        "person": "vladimir-putin",
        "host": "MNG",
        "start": visit.start.isoformat(),
        "end": visit.end.isoformat() if visit.end else None,
        "place": visit.place,
        "status": visit.status,
        "outcome": visit.outcome,
        **changes,
    }
    propagates = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    try:
        with capture(execute=True):
            report = review.file_report(
                author=reporter,
                data=data,
                citations=CITATIONS,
                visit=visit,
                reason="The agency's later dispatch says otherwise.",
            )
        with capture(execute=True):
            review.verify(report, reviewer)
    finally:
        celery_app.conf.task_eager_propagates = propagates
    visit.refresh_from_db()
    return visit


def test_a_trip_called_off_after_its_urgent_alert_is_followed_up_to_those_alerted_only(
    reporter, reviewer, receiver, scan, django_capture_on_commit_callbacks
):
    """ "Putin announced in Mongolia", then a verified correction calling the trip off:
    nothing followed, and a newsroom that ran the alert never learnt of it. The
    subscriptions that got the alert (webhook and email) get a follow-up saying what
    changed, signed and logged as the alert was, at once; one added since, or whose
    alert was refused for good, gets none."""
    alerted = subscribe(reviewer, url=receiver.url, email="desk@ngo.example")
    refusing = Receiver(statuses=[410])
    try:
        refused = subscribe(account("rosa", roles.REVIEWERS), url=refusing.url)
        visit = announced_visit()
        assert scan() == 3
        assert Delivery.objects.get(subscription=refused).status == DeliveryStatus.FAILED
        later = subscribe(account("lena", roles.REPORTERS), url=receiver.url)
        assert [body["alert"] for body in bodies(receiver)] == ["urgent"]
        mail.outbox.clear()

        visit = corrected(
            visit, reporter, reviewer, django_capture_on_commit_callbacks, status="cancelled"
        )
    finally:
        refusing.close()
    assert Verdict.objects.get(visit=visit).code == "deterred"
    alert, follow_up = bodies(receiver)
    assert signature_is_valid(receiver.requests[1], alerted.secret)
    assert follow_up["alert"] == "follow_up" and follow_up["follows"] == "urgent"
    assert follow_up["visit"] == alert["visit"] == visit.slug
    assert follow_up["events"] == ["called_off"]
    assert follow_up["changes"] == [{"field": "status", "old": "announced", "new": "cancelled"}]
    assert (follow_up["status"], follow_up["verdict"]) == ("cancelled", "deterred")
    assert follow_up["dates"] == follow_up["previous_dates"] == alert["dates"]
    assert follow_up["url"] == alert["url"] and follow_up["api_url"] == alert["api_url"]
    # Besides the newsroom's own mails about the correction (its reviewers', its author's).
    (message,) = [m for m in mail.outbox if m.to == ["desk@ngo.example"]]
    assert message.subject == "[iccwatch] Follow-up: Vladimir Putin's trip to Mongolia called off"
    assert "The trip was called off (status now: cancelled)." in message.body
    assert visit.get_absolute_url() in message.body
    # Logged as any delivery, to the subscriptions alerted only; once.
    follow_ups = Delivery.objects.filter(alert_key__startswith="follow_up:")
    assert {(d.subscription, d.channel, d.status) for d in follow_ups} == {
        (alerted, "webhook", DeliveryStatus.DELIVERED),
        (alerted, "email", DeliveryStatus.DELIVERED),
    }
    assert not Delivery.objects.filter(
        subscription__in=[later, refused], alert_key__startswith="follow_up:"
    )
    assert scan() == 0 and services.check_visit(visit.pk) == 0
    assert len(receiver.requests) == 2
    assert [m.to for m in mail.outbox].count(["desk@ngo.example"]) == 1


def test_a_visit_withdrawn_from_the_record_is_followed_up_by_the_scan_with_retries(
    reviewer, scan, client
):
    """A visit withdrawn by another way than a report (an import, the admin) is followed
    up by the next scan; a follow-up the receiver fails is retried as an alert is."""
    server = Receiver(statuses=[200, 503, 200])
    try:
        subscribe(reviewer, url=server.url)
        visit = visit_today()
        assert scan() == 1
        reports.withdraw_visit(visit, "Removed from dataset version 2026.12.06: retracted.")
        flagging.evaluate_pending()
        assert scan() == 1
    finally:
        server.close()
    alert, failed, follow_up = (json.loads(r["body"]) for r in server.requests)
    assert failed == follow_up
    assert follow_up["events"] == ["withdrawn"]
    assert follow_up["changes"] == [
        {"field": "review_state", "old": "verified", "new": "withdrawn"}
    ]
    assert follow_up["review_state"] == "withdrawn" and follow_up["verdict"] == "withdrawn"
    assert follow_up["withdrawal_note"] == "Removed from dataset version 2026.12.06: retracted."
    delivery = Delivery.objects.get(alert_key__startswith="follow_up:")
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)
    assert server.requests[1]["headers"]["X-Iccwatch-Delivery"] == str(delivery.pk)
    assert scan() == 0
    # The delivery log tells the follow-up from the alert.
    client.force_login(reviewer)
    page = client.get(reverse("alerts:deliveries")).content.decode()
    assert page.count("Vladimir Putin — Mongolia") == 2 and page.count("(follow-up)") == 1


def test_new_dates_are_followed_up_each_time_they_change(
    reporter, reviewer, receiver, scan, django_capture_on_commit_callbacks
):
    """Each change of the dates after the last alert or follow-up is one follow-up, with
    the dates it said before: moved, then moved back, are two."""
    subscribe(reviewer, url=receiver.url)
    visit = announced_visit()
    scan()
    start, end = visit.start, visit.end
    later = {
        "start": (start + datetime.timedelta(days=20)).isoformat(),
        "end": (end + datetime.timedelta(days=20)).isoformat(),
    }
    visit = corrected(visit, reporter, reviewer, django_capture_on_commit_callbacks, **later)
    visit = corrected(
        visit,
        reporter,
        reviewer,
        django_capture_on_commit_callbacks,
        start=start.isoformat(),
        end=end.isoformat(),
    )
    alert, moved, back = bodies(receiver)
    assert moved["events"] == back["events"] == ["dates_changed"]
    assert moved["previous_dates"] == alert["dates"] and moved["dates"]["start"] == later["start"]
    assert [c["field"] for c in moved["changes"]] == ["start", "end"]
    assert moved["changes"][0] == {
        "field": "start",
        "old": start.isoformat(),
        "new": later["start"],
    }
    assert back["previous_dates"] == moved["dates"] and back["dates"] == alert["dates"]
    assert scan() == 0


def test_no_follow_up_for_another_change_nor_for_a_visit_never_alerted(
    reporter, reviewer, receiver, scan, django_capture_on_commit_callbacks
):
    subscribe(reviewer, url=receiver.url)
    visit = announced_visit()
    scan()
    corrected(visit, reporter, reviewer, django_capture_on_commit_callbacks, place="Erdenet")
    to_china = make_visit(
        putin(),
        china(),
        start=TODAY + datetime.timedelta(days=10),
        status="announced",
        outcome="n/a",
    )
    reports.withdraw_visit(to_china, "Reported in error: it was another delegation.")
    flagging.evaluate_pending()
    assert scan() == 0
    assert [body["alert"] for body in bodies(receiver)] == ["urgent"]


def test_the_follow_up_email_is_in_the_subscribers_language(reviewer, scan):
    subscribe(reviewer, email="juristes@ong.example", language="fr")
    visit = visit_today()
    scan()
    mail.outbox.clear()
    reports.withdraw_visit(visit, "Retiré de la version 2026.12.06 du jeu de données : démenti.")
    flagging.evaluate_pending()
    scan()
    (message,) = mail.outbox
    assert message.subject == (
        "[iccwatch] Suite\u00a0: visite de Vladimir Putin retirée des données (Mongolie)"
    )
    assert "Cette visite a été retirée des données\u00a0: Retiré de la version" in message.body
    assert "/fr/visits/" in message.body


def test_dates_no_longer_known_are_followed_up_without_failing_the_scan(reviewer, scan):
    """A trip alerted about, then called off with its dates struck (no longer known: only
    a trip called off may be undated), is followed up with null dates, in words in its
    email; the scan does not fail on it."""
    subscribe(reviewer, email="desk@ngo.example")
    visit = announced_visit()
    scan()
    mail.outbox.clear()
    visit.start = visit.end = None
    visit.status = "cancelled"
    visit.save()
    flagging.evaluate_pending()
    assert scan() == 1
    (message,) = mail.outbox
    assert message.subject == "[iccwatch] Follow-up: Vladimir Putin's trip to Mongolia called off"
    assert "Its dates are no longer known (the alert before said from " in message.body
    follow_up = Delivery.objects.get(alert_key__startswith="follow_up:").payload
    assert follow_up["events"] == ["called_off", "dates_changed"]
    assert follow_up["dates"]["start"] is None and follow_up["dates"]["first_day"] is None
    assert scan() == 0


def test_an_announced_visit_to_a_place_the_host_did_not_control_alerts_no_one(
    reviewer, receiver, scan
):
    """The host is bound on paper but could not arrest there (an occupied city): an
    announced trip there is no early warning for it, and no urgent alert goes out."""
    subscribe(reviewer, url=receiver.url)
    start = TODAY + datetime.timedelta(days=10)
    occupied = make_visit(
        putin(),
        mongolia(),
        start=start,
        status="announced",
        outcome="n/a",
        host_control="none",
        controlled_by=china(),
    )
    verdict = Verdict.objects.get(visit=occupied)
    assert (verdict.code, verdict.would_have_been_bound) == ("upcoming", True)
    assert any(r["key"] == "place_not_controlled" for r in verdict.reasons)
    assert urgent.urgency(occupied, TODAY) is None
    assert scan() == 0
    assert receiver.requests == []
    assert occupied not in summaries.early_warnings(TODAY)


# --- A visit whose end is not known ----------------------------------------------------


def visit_end_not_known(days_ago=1, **extra):
    """Putin in Mongolia (bound) from yesterday (`days_ago`), his visit's end not known."""
    return make_visit(
        putin(),
        mongolia(),
        start=TODAY - datetime.timedelta(days=days_ago),
        end_known=False,
        place="Ulaanbaatar",
        **extra,
    )


@pytest.mark.parametrize("outcome", ["unknown", "not_arrested"])
def test_a_visit_whose_end_is_not_known_stays_urgent_after_its_start_day(
    reviewer, receiver, scan, outcome
):
    """Measured defect: its possible days were read as its start day alone, so on its
    second day (today) Putin in Mongolia, end not known, called for no alert while he may
    still be there. Its possible days are its start onward (docs/DOMAIN.md, "Dates"): it
    stays urgent, however long ago it began, until its end is recorded."""
    subscribe(reviewer, url=receiver.url)
    visit = visit_end_not_known(outcome=outcome)
    assert Verdict.objects.get(visit=visit).code == (
        "pending" if outcome == "unknown" else "non_compliance"
    )
    assert urgent.urgency(visit, TODAY) == "state_party"
    a_year_on = TODAY + datetime.timedelta(days=400)
    assert urgent.urgency(visit, a_year_on) == "state_party"
    assert [v.slug for v, _ in urgent.candidates(a_year_on)] == [visit.slug]
    assert scan() == 1
    assert [b["visit"] for b in bodies(receiver)] == [visit.slug]

    # Its end recorded (yesterday, its start day): over, so no longer urgent.
    visit.end, visit.end_known = visit.start, True
    visit.save()
    flagging.evaluate_pending()
    visit = Visit.objects.with_verdicts().get(pk=visit.pk)
    assert urgent.urgency(visit, TODAY) is None


def test_an_announced_trip_whose_end_is_not_known_stays_urgent_once_begun(reviewer):
    """Measured defect: an announced trip whose end is not known never has its dates pass
    (visits.models.announced_dates_passed), yet its urgent alert stopped after its start
    day."""
    visit = make_visit(
        putin(),
        mongolia(),
        start=TODAY - datetime.timedelta(days=2),
        end_known=False,
        status="announced",
        outcome="n/a",
    )
    verdict = Verdict.objects.get(visit=visit)
    assert (verdict.code, verdict.would_have_been_bound) == ("upcoming", True)
    assert not visit.dates_passed(TODAY)
    assert urgent.urgency(visit, TODAY) == "state_party"
    assert [v.slug for v, _ in urgent.candidates(TODAY)] == [visit.slug]


@pytest.mark.parametrize(
    ("language", "subject", "said", "not_said"),
    [
        (
            "en",
            "[iccwatch] Urgent: Vladimir Putin may still be in Mongolia",
            "may still be in Mongolia (visit from {day}, end not known).",
            " to {day}",
        ),
        (
            "fr",
            "[iccwatch] Urgent\u00a0: Vladimir Putin se trouve peut-être encore dans l’État "
            "suivant\u00a0: Mongolie",
            "(visite à partir du {day}, fin inconnue).",
            " au {day}",
        ),
    ],
)
def test_the_alert_of_a_visit_whose_end_is_not_known_gives_no_last_day(
    reviewer, receiver, scan, language, subject, said, not_said
):
    """Measured defect: the alert gave its start as its last day ("from 5 December 2026
    to 5 December 2026", `last_day` its start), a visit of one day. The webhook's JSON
    gives `last_day` null and `end_known` false; the email says the end is not known, in
    the subscription's language, and names no last day. (On its start day: the day an
    alert about it went out before.)"""
    subscribe(reviewer, url=receiver.url, email="desk@ngo.example", language=language)
    visit = visit_end_not_known(days_ago=0, outcome="unknown")
    scan()
    (body,) = bodies(receiver)
    assert body["dates"] == {
        "start": visit.start.isoformat(),
        "start_precision": "day",
        "end": None,
        "end_precision": None,  # no end (as the API gives it)
        "end_known": False,
        "first_day": visit.start.isoformat(),
        "last_day": None,
    }
    (message,) = mail.outbox
    with translation.override(language):
        day = names.format_date(visit.start)
    assert message.subject == subject
    assert said.format(day=day) in message.body, message.body
    assert not_said.format(day=day) not in message.body


def test_recording_the_end_of_a_visit_alerted_with_its_end_not_known_is_followed_up(
    reporter, reviewer, receiver, scan, django_capture_on_commit_callbacks
):
    """The alert said the end was not known; once a correction records it, the follow-up
    gives the dates and what the alert said ("from …, end not known"), never a last day
    it did not give; a visit of one day then said to have an end not known is a change of
    its dates too (`end_known`)."""
    subscribe(reviewer, url=receiver.url, email="desk@ngo.example")
    visit = visit_end_not_known(outcome="unknown")
    scan()
    mail.outbox.clear()
    end = TODAY + datetime.timedelta(days=1)
    visit = corrected(
        visit, reporter, reviewer, django_capture_on_commit_callbacks, end=end.isoformat()
    )
    alert, follow_up = bodies(receiver)
    assert follow_up["events"] == ["dates_changed"]
    assert follow_up["changes"] == [
        {"field": "end", "old": None, "new": end.isoformat()},
        {"field": "end_precision", "old": None, "new": "day"},
        {"field": "end_known", "old": False, "new": True},
    ]
    assert follow_up["previous_dates"] == alert["dates"]
    assert (follow_up["dates"]["last_day"], follow_up["dates"]["end_known"]) == (
        end.isoformat(),
        True,
    )
    (message,) = [m for m in mail.outbox if m.to == ["desk@ngo.example"]]
    start = names.format_date(visit.start)
    assert (
        f"Its dates changed: from {start} to {names.format_date(end)} (the alert before said from "
        f"{start}, end not known)." in message.body
    ), message.body

    # A visit of one day (its end null), then its end not known (null too): the second
    # is a change of its dates all the same, which `end_known` alone says.
    one_day = visit.start.isoformat()
    visit = corrected(visit, reporter, reviewer, django_capture_on_commit_callbacks, end=one_day)
    visit = corrected(visit, reporter, reviewer, django_capture_on_commit_callbacks, end="?")
    *_, one, unknown = bodies(receiver)
    assert (one["dates"]["end"], one["dates"]["end_known"]) == (None, True)
    assert unknown["events"] == ["dates_changed"]
    assert unknown["changes"] == [{"field": "end_known", "old": True, "new": False}]
    assert unknown["dates"]["last_day"] is None
