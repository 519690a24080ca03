"""Subscriptions to urgent alerts: one per owner and address or webhook, a limit per
account, and an address other than the account's own alerted only once the person it
belongs to confirmed it (alerts.subscriptions).

Found by a tester: 25 identical subscriptions to victim@example.net were accepted from one
account, and each announced trip sent 25 mails to an address whose owner never asked for
any; the same with a webhook URL.
"""

import datetime
import html
import importlib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from alerts import services, subscriptions
from alerts.models import Delivery, NewsroomMail, Subscription
from core import accesslog, roles
from iccwatch.celery import app as celery_app
from tests.alerts.helpers import Receiver, account, mongolia, putin
from tests.factories import make_visit
from visits import flagging

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_loopback")]

TODAY = timezone.localdate()
VICTIM = "victim@example.net"


@pytest.fixture
def allow_loopback():
    with override_settings(ICCWATCH_WEBHOOK_ALLOW_LOOPBACK=True):
        yield


@pytest.fixture
def rita():
    """A reporter whose own address is rita@ngo.example."""
    return account("rita", roles.REPORTERS, email="rita@ngo.example")


@pytest.fixture
def signed_in(client, rita):
    client.force_login(rita)
    return client


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """committed(callable) -> its result, with what it left to do after commit done (the
    confirmation mail relayed, and sent inline: no broker here)."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


@pytest.fixture
def scan(django_capture_on_commit_callbacks):
    """services.scan, with the deliveries it enqueues sent (inline) at once."""

    def run():
        propagates = celery_app.conf.task_eager_propagates
        celery_app.conf.task_eager_propagates = False
        try:
            with django_capture_on_commit_callbacks(execute=True):
                return services.scan()
        finally:
            celery_app.conf.task_eager_propagates = propagates

    return run


def visit_today():
    """Putin in Mongolia (bound to arrest him) from yesterday to tomorrow, evaluated."""
    visit = make_visit(
        putin(),
        mongolia(),
        start=TODAY - datetime.timedelta(days=1),
        end=TODAY + datetime.timedelta(days=1),
    )
    flagging.evaluate_pending()
    return visit


def subscribe(client, **fields):
    return client.post(reverse("alerts:subscriptions"), {"urgent": "on", **fields})


def said(response) -> str:
    return html.unescape(response.content.decode())


def error_beside(page: str, field: str) -> str:
    """What the page says beside the box of `field` ('' when nothing)."""
    marker = f'id="id_{field}-error">'
    return page.split(marker, 1)[1].split("</p>", 1)[0] if marker in page else ""


def confirmation_token(message) -> str:
    """The token of the confirmation link a mail carries."""
    link = re.search(r"https?://\S+/newsroom/alerts/confirm/\?token=\S+", message.body).group(0)
    return parse_qs(urlsplit(link).query)["token"][0]


def mails_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


# --- One subscription per address and webhook ----------------------------------------------


def test_an_address_subscribed_25_times_is_kept_once_and_alerted_once(
    signed_in, rita, committed, scan
):
    """The tester's case: 25 subscriptions of one address by one account. The first is
    taken, each other refused beside the address's box (in any case); confirmed, an alert
    sends one mail."""
    for n in range(25):
        address = VICTIM if n % 2 == 0 else VICTIM.upper()
        response = committed(lambda address=address: subscribe(signed_in, email=address))
        if n == 0:
            assert response.status_code == 302
        else:
            assert response.status_code == 200
            assert error_beside(said(response), "email") == (
                "You already have a subscription with this email address: it gets each alert once."
            )
    assert Subscription.objects.filter(owner=rita).count() == 1
    (asked,) = mails_to(VICTIM)  # one confirmation asked, not 25
    Client().post(reverse("alerts:confirm"), {"token": confirmation_token(asked)})
    mail.outbox.clear()
    visit_today()
    scan()
    assert len(mails_to(VICTIM)) == 1


def test_a_webhook_subscribed_twice_is_refused_beside_its_box(signed_in, rita):
    url = "https://hooks.ngo.example/iccwatch"
    assert subscribe(signed_in, webhook_url=url).status_code == 302
    again = subscribe(signed_in, webhook_url=url, label="the same again")
    assert again.status_code == 200
    assert error_beside(said(again), "webhook_url") == (
        "You already have a subscription with this webhook URL: it gets each alert once."
    )
    # Another address of the same receiver is another webhook.
    assert subscribe(signed_in, webhook_url=url + "?team=legal").status_code == 302
    assert Subscription.objects.filter(owner=rita).count() == 2


def test_another_account_may_subscribe_the_same_address(rita):
    """Each account once: the person the address belongs to confirms each (a colleague's
    subscription is theirs to remove)."""
    victor = account("victor", roles.REVIEWERS)
    for owner in (rita, victor):
        subscriptions.add_subscription(owner, email="desk@ngo.example")
    assert Subscription.objects.filter(email="desk@ngo.example").count() == 2


def test_the_database_refuses_a_second_subscription_to_the_same_target(rita):
    """Whatever the path (the admin, the shell): the constraints, said in words to a form."""
    Subscription.objects.create(owner=rita, email=VICTIM)
    Subscription.objects.create(owner=rita, webhook_url="https://hooks.ngo.example/x")
    with pytest.raises(ValidationError) as refused:
        Subscription(owner=rita, email=VICTIM.upper()).validate_constraints()
    assert refused.value.messages == [
        "This account already has a subscription with this email address."
    ]
    with pytest.raises(ValidationError) as refused:
        Subscription(owner=rita, webhook_url="https://hooks.ngo.example/x").validate_constraints()
    assert refused.value.messages == [
        "This account already has a subscription with this webhook URL."
    ]
    for fields in ({"email": VICTIM.title()}, {"webhook_url": "https://hooks.ngo.example/x"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Subscription.objects.create(owner=rita, **fields)


@override_settings(ICCWATCH_ALERTS_MAX_SUBSCRIPTIONS=3)
def test_an_account_has_at_most_the_configured_number_of_subscriptions(signed_in, rita):
    for n in range(3):
        assert subscribe(signed_in, webhook_url=f"https://hooks.ngo.example/{n}").status_code == 302
    refused = subscribe(signed_in, webhook_url="https://hooks.ngo.example/3")
    page = said(refused)
    assert refused.status_code == 200
    assert (
        "You have 3 subscriptions, the most an account may have: remove one to add another."
        in page.split('id="form-errors"', 1)[1]
    )
    assert "at most 3 subscriptions per account" in page
    assert Subscription.objects.filter(owner=rita).count() == 3
    with pytest.raises(ValidationError):
        subscriptions.add_subscription(rita, webhook_url="https://hooks.ngo.example/3")
    # One removed, another may be added.
    signed_in.post(reverse("alerts:delete", args=[Subscription.objects.first().pk]))
    assert subscribe(signed_in, webhook_url="https://hooks.ngo.example/3").status_code == 302


# --- Confirming an address -------------------------------------------------------------------


def test_an_address_not_the_accounts_own_is_alerted_only_once_its_owner_confirmed_it(
    signed_in, rita, committed, scan
):
    receiver = Receiver()
    try:
        added = committed(
            lambda: subscribe(signed_in, email="legal@ngo.example", webhook_url=receiver.url)
        )
        sub = Subscription.objects.get(owner=rita)
        assert sub.awaiting_confirmation and sub.confirmation_sent_at is not None
        # The owner is told, and the page says it awaits confirmation.
        page = said(signed_in.get(added["Location"]))
        assert "A confirmation link was sent to legal@ngo.example" in page
        assert "Awaiting confirmation: no alert goes to this address" in page
        assert "awaiting confirmation" in said(signed_in.get(reverse("alerts:subscriptions")))
        # The mail asking it went to the address, through the outbox, never to rita.
        (asked,) = mail.outbox
        assert asked.to == ["legal@ngo.example"]
        assert asked.subject == "[iccwatch] Confirm that you want urgent alerts at this address"
        assert "rita, in iccwatch's newsroom, asked for urgent alerts" in asked.body
        assert "the link works for 7 days" in asked.body
        assert NewsroomMail.objects.get(account=rita).action == services.CONFIRM_SUBSCRIPTION
        mail.outbox.clear()

        # Not confirmed: the webhook gets the alert, the address nothing.
        visit_today()
        scan()
        assert len(receiver.requests) == 1 and mail.outbox == []
        assert list(Delivery.objects.values_list("channel", flat=True)) == ["webhook"]

        # The link opens a page for whoever holds it, signed in or not; opening it confirms
        # nothing (a mail scanner opens links), its button does.
        anyone = Client()
        token = confirmation_token(asked)
        page = anyone.get(reverse("alerts:confirm"), {"token": token})
        assert page.status_code == 200
        assert "rita, in iccwatch's newsroom, asked for urgent alerts to be sent to" in said(page)
        assert page["Cache-Control"].count("no-store")
        sub.refresh_from_db()
        assert sub.awaiting_confirmation
        done = anyone.post(reverse("alerts:confirm"), {"token": token})
        # Answered on a GET address holding the token: a reload sends nothing again.
        assert done.status_code == 303
        assert done["Location"].startswith(reverse("alerts:confirmed") + "?token=")
        assert done["Cache-Control"].count("no-store")
        shown = anyone.get(done["Location"])
        assert shown.status_code == 200 and shown["Cache-Control"].count("no-store")
        assert "Urgent alerts will be sent to legal@ngo.example." in said(shown)
        sub.refresh_from_db()
        assert not sub.awaiting_confirmation and sub.channels == ["email", "webhook"]
        again = anyone.get(reverse("alerts:confirm"), {"token": token})
        assert "legal@ngo.example is confirmed already" in said(again)

        # Confirmed, it gets the alerts due from then on: the visit still under way,
        # once, its webhook nothing more.
        scan()
        assert [m.to for m in mail.outbox] == [["legal@ngo.example"]]
        assert "Vladimir Putin" in mail.outbox[0].subject
        assert len(receiver.requests) == 1
        scan()
        assert len(mail.outbox) == 1
    finally:
        receiver.close()


def test_the_accounts_own_address_needs_no_confirmation(signed_in, rita, committed, scan):
    response = committed(lambda: subscribe(signed_in, email="Rita@NGO.example"))
    assert response.status_code == 302
    sub = Subscription.objects.get(owner=rita)
    assert not sub.awaiting_confirmation
    assert mail.outbox == [] and not NewsroomMail.objects.exists()
    assert "Awaiting confirmation" not in said(signed_in.get(response["Location"]))
    visit_today()
    scan()
    assert [m.to for m in mail.outbox] == [["Rita@NGO.example"]]


def test_a_confirmation_link_expires_after_seven_days(rita, committed, monkeypatch):
    sub = committed(lambda: subscriptions.add_subscription(rita, email=VICTIM))
    token = confirmation_token(mails_to(VICTIM)[0])
    sent = signing.time.time()
    monkeypatch.setattr(signing.time, "time", lambda: sent + 7 * 24 * 3600 + 60)
    page = Client().get(reverse("alerts:confirm"), {"token": token})
    assert page.status_code == 400
    assert "This confirmation link has expired: a link works for 7 days." in said(page)
    assert Client().post(reverse("alerts:confirm"), {"token": token}).status_code == 400
    sub.refresh_from_db()
    assert sub.awaiting_confirmation
    # A day before, it worked.
    monkeypatch.setattr(signing.time, "time", lambda: sent + 6 * 24 * 3600)
    assert Client().post(reverse("alerts:confirm"), {"token": token}).status_code == 303
    sub.refresh_from_db()
    assert not sub.awaiting_confirmation


def test_a_link_altered_or_for_an_address_changed_since_confirms_nothing(rita, committed):
    sub = committed(lambda: subscriptions.add_subscription(rita, email=VICTIM))
    token = confirmation_token(mails_to(VICTIM)[0])
    for altered in ("", token[:-2], token.replace(str(sub.pk), str(sub.pk + 1), 1) + "x"):
        page = Client().post(reverse("alerts:confirm"), {"token": altered})
        assert page.status_code == 400
        assert "This confirmation link is not complete or was altered" in said(page)
    # Its address changed (in the admin): the link was for the old one.
    Subscription.objects.filter(pk=sub.pk).update(email="other@example.net")
    page = Client().post(reverse("alerts:confirm"), {"token": token})
    assert page.status_code == 404
    assert "This subscription was removed, or its address changed" in said(page)
    sub.refresh_from_db()
    assert sub.awaiting_confirmation and sub.confirmed_email == ""
    # Removed.
    sub.delete()
    assert Client().get(reverse("alerts:confirm"), {"token": token}).status_code == 404


def test_an_expired_link_of_an_address_confirmed_already_says_it_is_confirmed(rita, monkeypatch):
    """The link's own page said the link had expired once it was 7 days old, for an
    address confirmed already, while the page its button leads to said the address is
    confirmed: an expired link of a confirmed address confirms nothing and harms nobody,
    and its page says the address is confirmed, in either language. The link of an
    address awaiting confirmation still expires."""
    sub = Subscription.objects.create(owner=rita, email=VICTIM, confirmed_email=VICTIM)
    token = services.confirmation_token(sub)
    sent = signing.time.time()
    monkeypatch.setattr(signing.time, "time", lambda: sent + 30 * 24 * 3600)
    reader = Client()
    page = reader.get(reverse("alerts:confirm"), {"token": token})
    assert page.status_code == 200 and page["Cache-Control"].count("no-store")
    assert "victim@example.net is confirmed already: it receives the urgent alerts." in said(page)
    assert "has expired" not in said(page)
    french = switched(reader, page, "fr")
    assert french.status_code == 200
    assert "victim@example.net est déjà confirmée\u00a0: elle reçoit" in in_french(french)
    # The button of the page opened before: nothing to confirm, the page saying it is.
    reader = Client()
    done = reader.post(reverse("alerts:confirm"), {"token": token})
    assert done.status_code == 303
    assert "Urgent alerts will be sent to victim@example.net." in said(reader.get(done["Location"]))
    sub.refresh_from_db()
    assert sub.confirmed_email == VICTIM
    # Awaiting confirmation (its confirmation undone in the admin): the link expired.
    Subscription.objects.filter(pk=sub.pk).update(confirmed_email="")
    expired = reader.get(reverse("alerts:confirm"), {"token": token})
    assert expired.status_code == 400
    assert "This confirmation link has expired: a link works for 7 days." in said(expired)
    assert reader.post(reverse("alerts:confirm"), {"token": token}).status_code == 400
    sub.refresh_from_db()
    assert sub.awaiting_confirmation


@pytest.mark.parametrize("paused", [{"active": False}, {"urgent": False}])
def test_a_confirmed_address_whose_subscription_sends_nothing_now_is_promised_nothing(rita, paused):
    """The confirmation pages answer at any age: once the subscription was paused, or its
    urgent alerts turned off, they still said "Urgent alerts will be sent to …". They
    say the address is confirmed and that nothing is sent at present."""
    sub = Subscription.objects.create(owner=rita, email=VICTIM, confirmed_email=VICTIM, **paused)
    token = services.confirmation_token(sub)
    reader = Client()
    for page in (
        reader.get(reverse("alerts:confirm"), {"token": token}),
        reader.get(reverse("alerts:confirmed"), {"token": token}),
    ):
        assert page.status_code == 200
        text = said(page)
        assert "victim@example.net is confirmed. Its subscription sends no urgent alerts" in text
        assert "will be sent" not in text and "it receives the urgent alerts" not in text
    french = in_french(switched(reader, page, "fr"))
    assert "victim@example.net est confirmée. Son abonnement n’envoie pas" in french


def test_the_access_log_keeps_no_confirmation_token():
    """The link's token confirms an address: written [redacted], as a password link's."""
    for line in (
        "GET /newsroom/alerts/confirm/?token=eyJzdWJ:1tQ:abc HTTP/1.1",
        "GET /language/fr/?next=%2Fnewsroom%2Falerts%2Fconfirm%2F%3Ftoken%3DeyJzdWJ%3A1tQ HTTP/1.1",
    ):
        assert "eyJzdWJ" not in accesslog.redact(line)
        assert "token=[redacted]" in accesslog.redact(line)


def test_an_address_changed_after_an_alert_was_scheduled_is_not_mailed(rita, scan):
    """The delivery checks the address again when it is sent: confirmed when the alert
    was scheduled, changed since (in the admin) to one nobody confirmed, nothing is sent."""
    sub = Subscription.objects.create(owner=rita, email=VICTIM, confirmed_email=VICTIM)
    visit = visit_today()
    assert services.check_visit(visit.pk) == 1  # scheduled, not sent yet
    Subscription.objects.filter(pk=sub.pk).update(email="other@example.net")
    delivery = Delivery.objects.get()
    services.attempt(delivery.pk, final=False)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.error) == (
        "failed",
        "refused: the address awaits its owner's confirmation",
    )
    assert mail.outbox == []


@override_settings(ICCWATCH_ALERTS_MAX_SUBSCRIPTIONS=2)
def test_the_link_is_sent_again_on_request_within_a_daily_limit(signed_in, rita, committed):
    committed(lambda: subscribe(signed_in, email=VICTIM))
    sub = Subscription.objects.get(owner=rita)
    resent = committed(lambda: signed_in.post(reverse("alerts:resend", args=[sub.pk])))
    assert resent.status_code == 302
    assert "A confirmation link was sent to victim@example.net" in said(
        signed_in.get(resent["Location"])
    )
    assert len(mails_to(VICTIM)) == 2
    # Two links in 24 hours, the most: neither a third nor another address's.
    refused = committed(lambda: signed_in.post(reverse("alerts:resend", args=[sub.pk])))
    page = said(signed_in.get(refused["Location"]))
    assert "2 confirmation links were sent for your subscriptions in the last 24 hours" in page
    other = committed(lambda: subscribe(signed_in, email="other@example.net"))
    assert "2 confirmation links were sent" in error_beside(said(other), "email")
    assert len(mail.outbox) == 2
    # Removing the subscription does not give the links back; the own address needs none.
    signed_in.post(reverse("alerts:delete", args=[sub.pk]))
    assert subscribe(signed_in, email="other@example.net").status_code == 200
    assert subscribe(signed_in, email="rita@ngo.example").status_code == 302
    # A day later, links may be sent again.
    NewsroomMail.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    assert subscribe(signed_in, email="other@example.net").status_code == 302


def test_a_confirmed_address_is_not_asked_again(signed_in, rita):
    sub = Subscription.objects.create(owner=rita, email=VICTIM, confirmed_email=VICTIM)
    response = signed_in.post(reverse("alerts:resend", args=[sub.pk]))
    assert "This address is confirmed already" in said(signed_in.get(response["Location"]))
    assert not NewsroomMail.objects.exists()


def test_the_confirmation_mail_and_page_are_in_the_subscriptions_language(rita, committed):
    client = Client()
    client.force_login(rita)
    client.cookies["django_language"] = "fr"
    added = committed(lambda: subscribe(client, email="juristes@ong.example"))
    page = said(client.get(added["Location"]))
    assert "Un lien de confirmation a été envoyé à juristes@ong.example" in page
    assert "En attente de confirmation" in page
    (asked,) = mail.outbox
    assert asked.subject == (
        "[iccwatch] Confirmez que vous voulez recevoir les alertes urgentes à cette adresse"
    )
    assert "/fr/newsroom/alerts/confirm/?token=" in asked.body
    assert "le lien fonctionne 7 jours" in asked.body
    opened = Client().get(
        "/fr" + reverse("alerts:confirm"), {"token": confirmation_token(asked)}, follow=True
    )
    assert "Confirmer les alertes urgentes" in said(opened)


# --- Subscriptions made before ---------------------------------------------------------------


def test_the_migration_keeps_the_oldest_active_subscription_of_each_target(rita):
    """0006 resolved the duplicates the constraints of 0007 refuse: of each owner's
    address (in any case) and webhook, the oldest active subscription keeps it; a copy left
    with no target is removed, one with another target keeps that; the account's own
    address is confirmed, any other awaits confirmation."""
    victor = account("victor", roles.REVIEWERS)
    with connection.schema_editor() as editor:
        for name in (
            "one_subscription_per_owner_and_email",
            "one_subscription_per_owner_and_webhook",
        ):
            constraint = next(c for c in Subscription._meta.constraints if c.name == name)
            editor.remove_constraint(Subscription, constraint)
    created = timezone.now() - datetime.timedelta(days=30)

    def made(owner, days, **fields):
        sub = Subscription.objects.create(owner=owner, **fields)
        Subscription.objects.filter(pk=sub.pk).update(
            created_at=created + datetime.timedelta(days=days)
        )
        return sub.pk

    oldest_paused = made(rita, 0, email=VICTIM, active=False)
    kept = made(rita, 1, email=VICTIM.upper())
    copies = [made(rita, 2 + n, email=VICTIM) for n in range(23)]
    with_hook = made(rita, 30, email=VICTIM, webhook_url="https://hooks.ngo.example/a")
    hook_copy = made(rita, 31, webhook_url="https://hooks.ngo.example/a")
    own = made(rita, 32, email="RITA@ngo.example")
    victors = made(victor, 5, email=VICTIM)

    migration = importlib.import_module("alerts.migrations.0006_subscription_confirmation")
    migration.resolve(apps, None)

    left = {s.pk: s for s in Subscription.objects.all()}
    # The paused one was older, but an active one keeps the address: the paused one, left
    # with no target, is removed, as the copies are.
    assert set(left) == {kept, with_hook, own, victors}
    assert not {oldest_paused, hook_copy, *copies} & set(left)
    assert left[kept].email == VICTIM.upper()
    assert (left[with_hook].email, left[with_hook].webhook_url) == (
        "",
        "https://hooks.ngo.example/a",
    )
    assert not left[own].awaiting_confirmation
    assert left[kept].awaiting_confirmation and left[victors].awaiting_confirmation


# --- Unsubscribing from a mail ---------------------------------------------------------


def unsubscribe_link(message) -> str:
    """The unsubscribe link an alert mail's body carries (the same as its List-Unsubscribe
    header's)."""
    return re.search(r"https?://\S+/newsroom/alerts/unsubscribe/\?token=\S+", message.body).group(0)


def test_a_confirmed_colleagues_address_can_stop_the_alerts_from_the_mail(rita, scan):
    """An address subscribed by another's account, once confirmed, gets alerts whose owner
    has no account: each mail carries a signed link (and RFC 8058's one-click headers)
    that removes the subscription, opened by a GET page that removes nothing (a mail
    scanner opens links) and a POST that does, the mail client's one-click POST included
    (no CSRF token: the signed token is the proof)."""
    sub = Subscription.objects.create(
        owner=rita, email="legal@ngo.example", confirmed_email="legal@ngo.example"
    )
    visit_today()
    scan()
    (alert,) = mails_to("legal@ngo.example")
    link = unsubscribe_link(alert)
    assert alert.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert alert.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "To stop these alerts at this address, open:" in alert.body

    anyone = Client(enforce_csrf_checks=True)
    page = anyone.get(link)
    assert page.status_code == 200
    assert page["Cache-Control"].count("no-store")
    assert "rita, in iccwatch's newsroom, subscribed legal@ngo.example" in said(page)
    assert Subscription.objects.filter(pk=sub.pk).exists()

    # The mail client's one-click POST, to the header's address.
    done = anyone.post(link, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "The subscription was removed: it sends no more alerts to legal@ngo.example." in said(
        done
    )
    assert not Subscription.objects.filter(pk=sub.pk).exists()
    again = anyone.post(link, {"List-Unsubscribe": "One-Click"})
    assert again.status_code == 404
    mail.outbox.clear()
    scan()
    assert mails_to("legal@ngo.example") == []


def test_an_unsubscribe_link_altered_or_for_an_address_changed_since_removes_nothing(rita):
    sub = Subscription.objects.create(
        owner=rita, email="legal@ngo.example", confirmed_email="legal@ngo.example"
    )
    url = services.unsubscribe_url(sub)
    token = parse_qs(urlsplit(url).query)["token"][0]
    anyone = Client()
    altered = anyone.post(reverse("alerts:unsubscribe"), {"token": token[:-2] + "xx"})
    assert altered.status_code == 400
    # A confirmation link's token is no unsubscribe token (another salt).
    other = anyone.post(reverse("alerts:unsubscribe"), {"token": services.confirmation_token(sub)})
    assert other.status_code == 400
    Subscription.objects.filter(pk=sub.pk).update(email="press@ngo.example")
    gone = anyone.post(reverse("alerts:unsubscribe"), {"token": token})
    assert gone.status_code == 404
    assert Subscription.objects.filter(pk=sub.pk).exists()


def test_the_accounts_own_alert_mails_carry_the_unsubscribe_link_too(
    signed_in, rita, committed, scan
):
    committed(lambda: subscribe(signed_in, email="rita@ngo.example"))
    visit_today()
    scan()
    (alert,) = mails_to("rita@ngo.example")
    assert alert.extra_headers["List-Unsubscribe"] == f"<{unsubscribe_link(alert)}>"


# --- The language switch on the links' pages --------------------------------------------


def switched(client, response, code: str):
    """The page the language switch of `response`'s page leads to in `code` (its header's
    link, followed through /language/<code>/ as a browser does, with `client`'s cookies)."""
    switch = said(response).split('<nav class="languages"', 1)[1].split("</nav>", 1)[0]
    link = re.search(rf'<a href="([^"]+)" lang="{code}"', switch).group(1)
    return client.get(link, follow=True)


def in_french(response) -> str:
    page = said(response)
    assert '<html lang="fr">' in page
    assert response["Cache-Control"].count("no-store")
    return page


def test_after_confirming_the_language_switch_shows_the_address_confirmed_in_french(rita):
    """Measured defect: the page the confirmation button answered with had an address
    without the link's token, and its language switch led to a 400 "Confirmation link not
    valid" page."""
    sub = Subscription.objects.create(owner=rita, email=VICTIM)
    token = services.confirmation_token(sub)
    reader = Client(enforce_csrf_checks=True)
    asked = reader.get(reverse("alerts:confirm"), {"token": token})
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', said(asked)).group(1)
    done = reader.post(
        reverse("alerts:confirm"), {"token": token, "csrfmiddlewaretoken": csrf}, follow=True
    )
    assert done.status_code == 200
    assert "Urgent alerts will be sent to victim@example.net." in said(done)
    sub.refresh_from_db()
    assert not sub.awaiting_confirmation

    french = switched(reader, done, "fr")
    assert french.status_code == 200
    page = in_french(french)
    assert "<h1>Alertes confirmées</h1>" in page
    assert "Les alertes urgentes seront envoyées à victim@example.net." in page
    # And back: the same page in English.
    english = switched(reader, french, "en")
    assert english.status_code == 200
    assert "Urgent alerts will be sent to victim@example.net." in said(english)


def test_after_unsubscribing_the_language_switch_shows_the_alerts_stopped_in_french(rita):
    """Measured defect: the page the unsubscribe button answered with had an address
    without the link's token, and its language switch led to a 400 "Unsubscribe link not
    valid" page; with the token, the subscription removed, it would have said 404."""
    sub = Subscription.objects.create(
        owner=rita, email="legal@ngo.example", confirmed_email="legal@ngo.example"
    )
    link = services.unsubscribe_url(sub)
    token = parse_qs(urlsplit(link).query)["token"][0]
    reader = Client(enforce_csrf_checks=True)
    assert reader.get(link).status_code == 200
    done = reader.post(reverse("alerts:unsubscribe"), {"token": token}, follow=True)
    assert done.status_code == 200
    assert "The subscription was removed: it sends no more alerts to legal@ngo.example." in said(
        done
    )
    assert not Subscription.objects.filter(pk=sub.pk).exists()

    french = switched(reader, done, "fr")
    assert french.status_code == 200
    page = in_french(french)
    assert "<h1>Alertes arrêtées</h1>" in page
    assert "il n’envoie plus d’alertes à legal@ngo.example." in page
    # It names the address only (not who subscribed it), and has no button.
    assert "rita" not in page and 'method="post"' not in page
    english = switched(reader, french, "en")
    assert english.status_code == 200
    assert "The subscription was removed: it sends no more alerts to legal@ngo.example." in said(
        english
    )


@pytest.mark.parametrize(
    ("route", "words"),
    [
        (
            "alerts:confirm",
            "rita, dans la rédaction d’iccwatch, a demandé que les alertes urgentes soient "
            "envoyées à legal@ngo.example",
        ),
        (
            "alerts:unsubscribe",
            "rita, dans la rédaction d’iccwatch, a abonné legal@ngo.example aux alertes",
        ),
    ],
)
def test_the_language_switch_of_a_links_page_opens_it_in_french(rita, route, words):
    """The page a link opens, its button not pressed: its address holds the token, which
    the switch keeps (it did before the pages the buttons lead to had addresses of their
    own; kept beside their tests, so that it stays so)."""
    sub = Subscription.objects.create(owner=rita, email="legal@ngo.example")
    if route == "alerts:unsubscribe":
        Subscription.objects.filter(pk=sub.pk).update(confirmed_email="legal@ngo.example")
        token = services.unsubscribe_token(sub)
    else:
        token = services.confirmation_token(sub)
    reader = Client()
    asked = reader.get(reverse(route), {"token": token})
    assert asked.status_code == 200
    french = switched(reader, asked, "fr")
    assert french.status_code == 200
    assert " ".join(words.split()) in " ".join(in_french(french).split())
    sub.refresh_from_db()
    assert sub.awaiting_confirmation == (route == "alerts:confirm")


def test_the_one_click_answers_language_switch_shows_the_alerts_stopped_in_french(rita):
    """RFC 8058's POST is answered as before, with the page itself; its language switch
    leads to the page saying the alerts stopped, not to the link's (gone: 404)."""
    sub = Subscription.objects.create(
        owner=rita, email="legal@ngo.example", confirmed_email="legal@ngo.example"
    )
    client = Client(enforce_csrf_checks=True)
    done = client.post(services.unsubscribe_url(sub), {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "The subscription was removed: it sends no more alerts to legal@ngo.example." in said(
        done
    )
    french = switched(client, done, "fr")
    assert french.status_code == 200
    assert "il n’envoie plus d’alertes à legal@ngo.example." in in_french(french)


def test_a_refused_posts_language_switch_gives_the_same_refusal_in_french(rita, monkeypatch):
    """A button's POST refused (a link expired, or for an address changed since) has an
    address without the token: its switch leads to the link's own page, which refuses it
    alike, not to a page refusing a link cut."""
    sub = Subscription.objects.create(owner=rita, email=VICTIM)
    confirmation = services.confirmation_token(sub)
    unsubscribe = services.unsubscribe_token(sub)
    sent = signing.time.time()
    monkeypatch.setattr(signing.time, "time", lambda: sent + 8 * 24 * 3600)
    reader = Client()
    expired = reader.post(reverse("alerts:confirm"), {"token": confirmation})
    assert expired.status_code == 400
    french = switched(reader, expired, "fr")
    assert french.status_code == 400
    assert "Ce lien de confirmation a expiré" in in_french(french)

    Subscription.objects.filter(pk=sub.pk).update(email="other@example.net")
    gone = reader.post(reverse("alerts:unsubscribe"), {"token": unsubscribe})
    assert gone.status_code == 404
    french = switched(reader, gone, "fr")
    assert french.status_code == 404
    assert "Cet abonnement a été supprimé, ou son adresse a changé" in in_french(french)
    assert Subscription.objects.filter(pk=sub.pk).exists()


def test_the_page_after_unsubscribing_removes_nothing_and_tells_only_the_removal(rita):
    """The page the button leads to reads a signed notice of the removal, under its own
    salt: no unsubscribe token serves there, the notice serves as none, and the page
    answers no POST; a reload shows it again, sending nothing."""
    sub = Subscription.objects.create(
        owner=rita, email="legal@ngo.example", confirmed_email="legal@ngo.example"
    )
    kept = Subscription.objects.create(
        owner=rita, email="desk@ngo.example", confirmed_email="desk@ngo.example"
    )
    reader = Client()
    done = reader.post(reverse("alerts:unsubscribe"), {"token": services.unsubscribe_token(sub)})
    assert done.status_code == 303
    assert done["Cache-Control"].count("no-store")
    address = done["Location"]
    assert urlsplit(address).path == reverse("alerts:unsubscribed")
    notice = parse_qs(urlsplit(address).query)["token"][0]
    for _reload in range(2):
        again = reader.get(address)
        assert again.status_code == 200 and again["Cache-Control"].count("no-store")
        assert (
            "The subscription was removed: it sends no more alerts to legal@ngo.example."
            in said(again)
        )
    assert reader.post(address).status_code == 405
    # The notice is no unsubscribe token, nor an unsubscribe token a notice.
    assert reader.post(reverse("alerts:unsubscribe"), {"token": notice}).status_code == 400
    live = services.unsubscribe_token(kept)
    refused = reader.get(reverse("alerts:unsubscribed"), {"token": live})
    assert refused.status_code == 400
    assert "This unsubscribe link is not complete or was altered" in said(refused)
    assert reader.get(reverse("alerts:unsubscribed"), {"token": notice[:-2]}).status_code == 400
    assert Subscription.objects.filter(pk=kept.pk).exists()
    # The access log writes it [redacted], as the link's token.
    line = f"GET {address} HTTP/1.1"
    assert notice not in accesslog.redact(line) and "token=[redacted]" in accesslog.redact(line)


def test_the_page_after_confirming_says_so_once_the_link_expired_and_confirms_nothing(
    rita, monkeypatch
):
    """The page the button leads to confirms nothing: opened for an address awaiting
    confirmation, it leads to the link's page and its button. Once the address is
    confirmed it says so at any age of the link, as the link's own page does (its 7 days
    count only while the address awaits confirmation)."""
    sub = Subscription.objects.create(owner=rita, email=VICTIM)
    token = services.confirmation_token(sub)
    reader = Client()
    early = reader.get(reverse("alerts:confirmed"), {"token": token})
    assert early.status_code == 302
    assert early["Location"] == f"{reverse('alerts:confirm')}?token={token.replace(':', '%3A')}"
    sub.refresh_from_db()
    assert sub.awaiting_confirmation
    done = reader.post(reverse("alerts:confirm"), {"token": token})
    assert done.status_code == 303
    sent = signing.time.time()
    monkeypatch.setattr(signing.time, "time", lambda: sent + 30 * 24 * 3600)
    later = reader.get(done["Location"])
    assert later.status_code == 200
    assert "Urgent alerts will be sent to victim@example.net." in said(later)
    assert reader.get(reverse("alerts:confirm"), {"token": token}).status_code == 200
    assert reader.post(done["Location"]).status_code == 405
    # Removed since: gone, as the link's own page says.
    sub.delete()
    gone = reader.get(done["Location"])
    assert gone.status_code == 404
    assert "This subscription was removed, or its address changed" in said(gone)
