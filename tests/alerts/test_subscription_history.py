"""Alert subscriptions have a history as every account-side record does (alerts.models.
SubscriptionEvent, core.history): each one added, confirmed, paused, resumed, changed and
removed, with who and through which path; the removal by the unsubscribe link of an
alert mail says it came by that link, not by a signed-in account; the webhook's signing
secret is recorded nowhere. Admins read it on the owner's history page in the admin
(accounts.history)."""

import html
import importlib
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import reverse

from alerts import services
from alerts.models import Subscription
from core import roles
from core.history import WritePath, recording
from tests.alerts.helpers import account
from tests.security.test_account_history import history_page, recorded_part

pytestmark = pytest.mark.django_db

Event = Subscription.pgh_event_model
COLLEAGUE = "legal@ngo.example"


@pytest.fixture
def rita():
    return account("rita", roles.REPORTERS, email="rita@ngo.example")


@pytest.fixture
def adm1(db):
    return User.objects.create_superuser("adm1", "adm1@example.org", "a-long-test-password")


def events_of(sub_id: int) -> list:
    return list(
        Event.objects.filter(pgh_obj_id=sub_id).select_related("pgh_context").order_by("pgh_id")
    )


def table_rows(part: str) -> list[tuple[str, str, str]]:
    """The (what, by, through) cells of each row of an account's recorded history."""
    cells = r"\s*<td>(.*?)</td>" * 3
    return [
        tuple(html.unescape(cell) for cell in row)
        for row in re.findall(r'<th scope="row">.*?</th>' + cells, part, re.S)
    ]


def one_click(link: str):
    """A mail client's RFC 8058 one-click POST to `link`, signed in as nobody."""
    return Client(enforce_csrf_checks=True).post(link, {"List-Unsubscribe": "One-Click"})


def test_the_one_click_unsubscribe_is_recorded_as_made_by_the_link(rita):
    """Measured defect: the removal of a subscription by the unsubscribe link of an alert
    mail left no record of when, nor that the link made it."""
    sub = Subscription.objects.create(owner=rita, email=COLLEAGUE, confirmed_email=COLLEAGUE)
    recorded_before = {event.pgh_id for event in events_of(sub.pk)}

    done = one_click(services.unsubscribe_url(sub))

    assert done.status_code == 200 and not Subscription.objects.filter(pk=sub.pk).exists()
    (event,) = [e for e in events_of(sub.pk) if e.pgh_id not in recorded_before]
    # The removal (the subscription and its delivery log go, README "Every alert mail can
    # stop the next ones"), with the subscription as it stood.
    assert event.pgh_label == "delete" and event.email == COLLEAGUE
    metadata = event.pgh_context.metadata
    assert metadata["path"] == WritePath.LINK == "link"
    assert (metadata["link"], metadata["one_click"]) == ("unsubscribe", True)
    assert (metadata["user"], metadata["username"]) == (None, None)
    assert metadata["url"] == reverse("alerts:unsubscribe")


def test_the_unsubscribe_pages_button_is_recorded_as_the_link_not_one_click(rita):
    sub = Subscription.objects.create(owner=rita, email=COLLEAGUE, confirmed_email=COLLEAGUE)
    token = parse_qs(urlsplit(services.unsubscribe_url(sub)).query)["token"][0]
    done = Client().post(reverse("alerts:unsubscribe"), {"token": token})
    assert done.status_code == 303
    removed = events_of(sub.pk)[-1]
    assert removed.pgh_label == "delete"
    metadata = removed.pgh_context.metadata
    assert (metadata["path"], metadata["link"], metadata["one_click"]) == (
        "link",
        "unsubscribe",
        False,
    )


def test_changes_on_the_owners_pages_record_the_owner_and_the_confirmation_the_link(
    client, rita, django_capture_on_commit_callbacks
):
    """Measured defect: adding, pausing, resuming and removing a subscription on the
    newsroom's alert pages, and confirming its address by the mailed link, recorded
    nothing."""
    client.force_login(rita)
    with django_capture_on_commit_callbacks(execute=True):
        added = client.post(
            reverse("alerts:subscriptions"), {"urgent": "on", "label": "desk", "email": COLLEAGUE}
        )
    assert added.status_code == 302
    sub = Subscription.objects.get(owner=rita)
    confirmed = Client().post(
        reverse("alerts:confirm"), {"token": services.confirmation_token(sub)}
    )
    assert confirmed.status_code == 303
    assert client.post(reverse("alerts:toggle", args=[sub.pk])).status_code == 302
    assert client.post(reverse("alerts:delete", args=[sub.pk])).status_code == 302

    events = events_of(sub.pk)
    rows = [(e.pgh_label, e.confirmed_email, e.active) for e in events]
    assert rows == [
        ("insert", "", True),
        ("update", COLLEAGUE, True),
        ("update", COLLEAGUE, False),
        ("delete", COLLEAGUE, False),
    ]
    owners = [events[i].pgh_context.metadata for i in (0, 2, 3)]
    assert [(m["path"], m["user"], m["username"]) for m in owners] == [
        ("newsroom", rita.pk, "rita")
    ] * 3
    link = events[1].pgh_context.metadata
    assert (link["path"], link["link"], link["user"]) == ("link", "confirmation", None)


def test_the_webhook_secret_is_recorded_nowhere(rita):
    """A signing key copied into the history could sign requests to the webhook: the
    event rows have no column for it, hold its value nowhere, and an update of only the
    secret (or of when a confirmation link was last mailed) records nothing."""
    with recording(WritePath.SHELL, os_user="ops"):
        sub = Subscription.objects.create(
            owner=rita, email=COLLEAGUE, webhook_url="https://hooks.example.org/iccwatch"
        )
        first = sub.secret
        sub.label = "desk"
        sub.save()
        recorded = len(events_of(sub.pk))
        sub.secret = "f" * 64
        sub.save(update_fields=["secret"])
        Subscription.objects.filter(pk=sub.pk).update(confirmation_sent_at="2026-12-06T00:00Z")
        assert len(events_of(sub.pk)) == recorded == 2
        sub.delete()

    assert "secret" not in {field.name for field in Event._meta.fields}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT row_to_json(e)::text FROM {connection.ops.quote_name(Event._meta.db_table)} e"
        )
        rows = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT metadata::text FROM pghistory_context")
        contexts = [row[0] for row in cursor.fetchall()]
    assert len(rows) == 3 and all(COLLEAGUE in row for row in rows)
    assert not [text for text in rows + contexts if first in text or "f" * 64 in text]


def test_the_owners_history_page_shows_when_and_how_a_subscription_was_stopped(client, rita, adm1):
    """Measured defect: the account's history page in the admin said nothing of its alert
    subscriptions: an admin could not tell when or how one was removed."""
    with recording(WritePath.ADMIN, user=adm1):
        sub = Subscription.objects.create(
            owner=rita, label="legal desk", email=COLLEAGUE, language="fr"
        )
    name = f"#{sub.pk} “legal desk”"
    link = services.unsubscribe_url(sub)
    token = services.confirmation_token(sub)
    assert Client().post(reverse("alerts:confirm"), {"token": token}).status_code == 303
    rita_client = Client()
    rita_client.force_login(rita)
    for _pause_then_resume in range(2):
        assert rita_client.post(reverse("alerts:toggle", args=[sub.pk])).status_code == 302
    assert one_click(link).status_code == 200

    client.force_login(adm1)
    steps = [
        (what, who, through)
        for what, who, through in table_rows(recorded_part(history_page(client, rita)))
        if what.startswith("alert subscription")
    ]
    link_holder = "whoever held the link (not signed in)"
    assert steps == [
        (
            f"alert subscription {name} added: active, email address “{COLLEAGUE}” "
            "(awaiting confirmation), urgent alerts, language “fr”",
            "adm1",
            "admin",
        ),
        (
            f"alert subscription {name}: address “{COLLEAGUE}” confirmed",
            link_holder,
            "confirmation link mailed to the subscription's address",
        ),
        (f"alert subscription {name}: paused", "rita", "newsroom"),
        (f"alert subscription {name}: resumed", "rita", "newsroom"),
        (
            f"alert subscription {name} removed",
            link_holder,
            "unsubscribe link mailed to the subscription's address (one click, from the "
            "mail client)",
        ),
    ]

    download = client.get(reverse("admin:auth_user_history_download", args=[rita.pk, "json"]))
    results = json.loads(b"".join(download.streaming_content))["results"]
    assert results[-1]["what"] == f"alert subscription {name} removed"
    assert results[-1]["path"].startswith("unsubscribe link mailed")

    client.cookies["django_language"] = "fr"
    french = recorded_part(history_page(client, rita))
    assert "abonnement aux alertes n°\u00a0" in french


def test_the_migration_records_each_existing_subscription_as_it_stood(client, rita, adm1):
    """alerts 0009 records a 'baseline' event per subscription that existed before the
    triggers (its fields, never its secret), so that the first change recorded after it
    still says what it changed."""
    sub = Subscription.objects.create(owner=rita, label="desk", email="rita@ngo.example")
    sub.confirmed_email = sub.email
    sub.save()
    Event.objects.all().delete()  # as before 0008's triggers

    migration = importlib.import_module("alerts.migrations.0009_subscription_history_baseline")
    with connection.schema_editor() as editor:
        migration.record_baseline(apps, editor)
    with recording(WritePath.SHELL, os_user="ops"):
        Subscription.objects.filter(pk=sub.pk).update(active=False)

    baseline, paused = events_of(sub.pk)
    assert (baseline.pgh_label, baseline.owner_id, baseline.confirmed_email) == (
        "baseline",
        rita.pk,
        "rita@ngo.example",
    )
    assert (paused.pgh_label, paused.active) == ("update", False)
    client.force_login(adm1)
    whats = [what for what, _who, _through in table_rows(recorded_part(history_page(client, rita)))]
    name = f"#{sub.pk} “desk”"
    assert (
        f"alert subscription {name} as it stood when the history began: active, email address "
        "“rita@ngo.example” (confirmed), urgent alerts, language “en”"
    ) in whats
    assert f"alert subscription {name}: paused" in whats
