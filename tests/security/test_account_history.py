"""Staff accounts have a history as every fact does (accounts.history): who created an
account and through which command, each role given and taken by name, turned off and
on, staff and superuser status, username and email address, API tokens created, replaced
and deleted; who and through which path; never a password hash nor a token's key. Admins
read it on the account's history page in the admin, whose own log now names the roles."""

import io
import json

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import Account, AccountRole, AccountToken
from core import roles
from core.history import WritePath, recording
from tests.security.helpers import PASSWORD, account, admin_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def adm1(db):
    return User.objects.create_superuser("adm1", "adm1@example.org", PASSWORD)


def group(name: str) -> Group:
    return Group.objects.get_or_create(name=name)[0]


def save_in_the_admin(client, user, **changes):
    """Post `user`'s admin page back with `changes` (groups as group names)."""
    page = client.get(reverse("admin:auth_user_change", args=[user.pk]))
    data = admin_form_data(page)
    data.pop("date_joined")  # a split widget: a date and a time
    joined = timezone.localtime(user.date_joined)
    data["date_joined_0"], data["date_joined_1"] = f"{joined:%Y-%m-%d}", f"{joined:%H:%M:%S}"
    if "groups" in changes:
        changes["groups"] = [str(group(name).pk) for name in changes["groups"]]
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = "on" if value is True else value
    response = client.post(reverse("admin:auth_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def history_page(client, user) -> str:
    response = client.get(reverse("admin:auth_user_history", args=[user.pk]))
    assert response.status_code == 200
    return response.content.decode()


def recorded_part(page: str) -> str:
    """The part of an account's history page that shows its recorded history."""
    return page.split('id="account-history"', 1)[1].split("</table>", 1)[0]


def test_roles_given_and_taken_in_the_admin_are_recorded_by_name(client, adm1):
    """Measured defect: saving groups reporters+reviewers, then reporters only, left "adm1
    — Changed Active and Groups." and "Changed Groups." (the log held no group's name),
    and nothing else recorded which role was given or taken."""
    nadia = account("nadia")
    client.force_login(adm1)
    save_in_the_admin(client, nadia, groups=[roles.REPORTERS, roles.REVIEWERS])
    save_in_the_admin(client, nadia, groups=[roles.REPORTERS])

    log = [e.get_change_message() for e in LogEntry.objects.order_by("action_time", "pk")]
    assert "Added role “reporter”." in log[0] and "Added role “reviewer”." in log[0]
    assert "Changed Groups" in log[1] and "Deleted role “reviewer”." in log[1]
    assert "reporter”" not in log[1]

    events = AccountRole.pgh_event_model.objects.filter(user_id=nadia.pk).order_by("pgh_id")
    recorded_events = [(e.pgh_label, e.group.name) for e in events]
    # The two roles given in one save are inserted in the order Django iterates a set of
    # group ids, which depends on the ids: compare them as a set.
    assert set(recorded_events[:2]) == {
        ("role.add", roles.REPORTERS),
        ("role.add", roles.REVIEWERS),
    }
    assert recorded_events[2:] == [("role.remove", roles.REVIEWERS)]
    metadata = events.last().pgh_context.metadata
    assert (metadata["path"], metadata["username"], metadata["user"]) == ("admin", "adm1", adm1.pk)

    page = history_page(client, nadia)
    recorded = recorded_part(page)
    assert "role reviewer given" in recorded and "role reviewer taken away" in recorded
    assert recorded.count("<td>adm1</td>") == 3 and "<td>admin</td>" in recorded
    # The admin's own log is still shown, under it.
    assert page.index("role reviewer taken away") < page.index("Deleted role “reviewer”.")

    client.cookies["django_language"] = "fr"
    french = history_page(client, nadia)
    assert (
        "rôle reviewer retiré" in french and "Suppression de rôle «\u00a0reviewer\u00a0»." in french
    )


def test_turned_off_and_on_flags_email_and_username_are_recorded_never_the_password(client, adm1):
    nadia = account("nadia", roles.REPORTERS)
    client.force_login(adm1)
    save_in_the_admin(client, nadia, is_active=False, is_staff=True)
    save_in_the_admin(client, nadia, is_active=True, email="nadia@example.net")
    with recording(WritePath.SHELL, os_user="ops"):
        nadia.refresh_from_db()
        nadia.username, nadia.is_superuser = "nadia.k", True
        nadia.save()
        nadia.set_password("another long password")  # recorded nowhere
        nadia.save()

    assert "password" not in {f.name for f in Account.pgh_event_model._meta.fields}
    labels = list(
        Account.pgh_event_model.objects.filter(pgh_obj_id=nadia.pk)
        .order_by("pgh_id")
        .values_list("pgh_label", flat=True)
    )
    assert labels == ["insert", "update", "update", "update"]

    page = history_page(client, nadia)
    assert "account created: active, username “nadia”" in page
    assert "deactivated; staff status given" in page
    assert (
        "reactivated; email address changed from “nadia@example.org” to “nadia@example.net”" in page
    )
    assert "superuser status given; username changed from “nadia” to “nadia.k”" in page
    assert "<td>ops</td>" in page and "<td>shell</td>" in page


def test_create_account_records_who_ran_it_and_the_roles_it_gave(client, adm1):
    """Measured defect: an account made by `create_account` had no record of who ran the
    command, nor of the roles it set."""
    call_command(
        "create_account",
        "omar",
        "--email",
        "omar@example.org",
        "--role",
        "reporter",
        "--role",
        "reviewer",
        stdout=io.StringIO(),
    )
    omar = User.objects.get(username="omar")
    created = Account.pgh_event_model.objects.get(pgh_obj_id=omar.pk, pgh_label="insert")
    metadata = created.pgh_context.metadata
    assert metadata["path"] == "command" and metadata["command"] == "create_account"
    assert "os_user" in metadata
    given = AccountRole.pgh_event_model.objects.filter(user_id=omar.pk, pgh_label="role.add")
    assert {e.group.name for e in given} == {roles.REPORTERS, roles.REVIEWERS}
    assert {e.pgh_context_id for e in given} == {created.pgh_context_id}

    client.force_login(adm1)
    page = history_page(client, omar)
    assert "account created" in page and "role reviewer given" in page
    assert "command create_account" in page


def test_createsuperuser_records_who_ran_it():
    call_command(
        "createsuperuser",
        "--noinput",
        "--username",
        "root",
        "--email",
        "root@example.org",
        stdout=io.StringIO(),
    )
    root = User.objects.get(username="root")
    created = Account.pgh_event_model.objects.get(pgh_obj_id=root.pk, pgh_label="insert")
    assert created.is_superuser and created.pgh_context.metadata["command"] == "createsuperuser"


def test_api_tokens_created_replaced_and_deleted_are_recorded_never_their_key(client, adm1):
    """Measured defect: `drf_create_token` left no record of who ran it."""
    nadia = account("nadia", roles.REPORTERS)
    call_command("drf_create_token", "nadia", stdout=io.StringIO())
    first = Token.objects.get(user=nadia).key
    call_command("drf_create_token", "nadia", "-r", stdout=io.StringIO())
    second = Token.objects.get(user=nadia).key
    client.force_login(adm1)
    response = client.post(
        reverse("admin:accounts_apitoken_delete", args=[nadia.pk]), {"post": "yes"}
    )
    assert response.status_code == 302 and not Token.objects.filter(user=nadia).exists()

    events = AccountToken.pgh_event_model.objects.filter(user_id=nadia.pk).order_by("pgh_id")
    assert [e.pgh_label for e in events] == [
        "token.add",
        "token.remove",
        "token.add",
        "token.remove",
    ]
    assert [e.pgh_context.metadata.get("command") for e in events[:3]] == ["drf_create_token"] * 3
    assert events[3].pgh_context.metadata["username"] == "adm1"
    assert "key" not in {f.name for f in AccountToken.pgh_event_model._meta.fields}
    with connection.cursor() as cursor:
        cursor.execute("SELECT metadata::text FROM pghistory_context")
        contexts = " ".join(row[0] for row in cursor.fetchall())
    assert first not in contexts and second not in contexts

    page = recorded_part(history_page(client, nadia))
    assert page.count("API token created") == 1
    assert "API token replaced by a new one" in page and "API token deleted" in page
    assert "command drf_create_token" in page
    assert first not in page and second not in page


def test_a_token_created_then_deleted_in_one_context_is_not_replaced():
    """Measured defect: in one context, a token created and then deleted (the account
    turned off) read "API token replaced by a new one", as if the account still held
    one. Replaced is a token deleted then another created, paired one to one."""
    from accounts.history import account_history

    nadia = account("nadia", roles.REPORTERS)
    with recording(WritePath.SHELL, os_user="ops"):
        Token.objects.create(user=nadia)
        nadia.is_active = False
        nadia.save()
    assert not Token.objects.filter(user=nadia).exists()
    tokens = [e.what for e in account_history(nadia.pk) if "API token" in e.what]
    assert tokens == ["API token created", "API token deleted"]
    assert "deactivated" in [e.what for e in account_history(nadia.pk)]

    omar = account("omar", roles.REPORTERS)
    with recording(WritePath.SHELL, os_user="ops"):
        Token.objects.create(user=omar)
        Token.objects.filter(user=omar).delete()
        Token.objects.create(user=omar)
        Token.objects.filter(user=omar).delete()
        Token.objects.create(user=omar)
    tokens = [e.what for e in account_history(omar.pk) if "API token" in e.what]
    assert tokens == [
        "API token created",
        "API token replaced by a new one",
        "API token replaced by a new one",
    ]


def test_the_history_page_is_for_admins(client, adm1):
    nadia = account("nadia", roles.REVIEWERS, staff=True)
    client.force_login(nadia)
    response = client.get(reverse("admin:auth_user_history", args=[nadia.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_admins_log_of_an_account_is_json_django_reads():
    """The roles go in Django's own shape of a change message, read in the reader's
    language (LogEntry.get_change_message), not as words fixed in the writer's."""
    from accounts.admin import ROLE

    entry = LogEntry(change_message=json.dumps([{"deleted": {"name": ROLE, "object": "reviewer"}}]))
    assert entry.get_change_message() == "Deleted role “reviewer”."


def test_the_french_history_page_says_whatever_made_the_change(client, adm1):
    """Measured defect: "whatever made the change" read "quoi qu’ait fait la
    modification" ("whatever the change did")."""
    nadia = account("nadia")
    client.force_login(adm1)
    client.cookies["django_language"] = "fr"
    page = history_page(client, nadia)
    assert "quelle que soit l’origine de la modification (cette administration" in page
    assert "quoi qu" not in page


def test_second_factor_enrolment_confirmation_and_removal_are_recorded_never_the_seed(client, adm1):
    """Measured defect: a reviewer's authenticator enrolled (/account/otp/), then deleted
    by an admin in the admin (TOTP devices), left nothing in the account's history."""
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import AccountDevice
    from tests.security.test_second_factor import current_code

    vera = account("vera", roles.REVIEWERS)
    client.force_login(vera)
    client.get("/account/otp/")
    device = TOTPDevice.objects.get(user=vera)
    assert client.post("/account/otp/", {"token": current_code(device)}).status_code == 302
    admin_client = Client()
    admin_client.force_login(adm1)
    response = admin_client.post(
        reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"}
    )
    assert response.status_code == 302 and not TOTPDevice.objects.filter(user=vera).exists()

    events = AccountDevice.pgh_event_model.objects.filter(user_id=vera.pk).order_by("pgh_id")
    assert [(e.pgh_label, e.confirmed) for e in events] == [
        ("device.add", False),
        ("device.confirm", True),
        ("device.remove", True),
    ]
    contexts = [e.pgh_context.metadata for e in events]
    assert [(c["path"], c["username"]) for c in contexts] == [
        ("account", "vera"),
        ("account", "vera"),
        ("admin", "adm1"),
    ]
    recorded_fields = {f.name for f in AccountDevice.pgh_event_model._meta.fields}
    assert "key" not in recorded_fields
    with connection.cursor() as cursor:
        cursor.execute("SELECT metadata::text FROM pghistory_context")
        assert device.key not in " ".join(row[0] for row in cursor.fetchall())

    page = recorded_part(history_page(admin_client, vera))
    assert "second factor enrolment begun (authenticator “authenticator”)" in page
    assert "second factor confirmed (authenticator “authenticator”)" in page
    assert "second factor removed (authenticator “authenticator”)" in page
    assert "<td>vera</td>" in page and "<td>account pages</td>" in page
    assert "<td>adm1</td>" in page and "<td>admin</td>" in page
    assert page.index("enrolment begun") < page.index("confirmed (") < page.index("removed (")

    admin_client.cookies["django_language"] = "fr"
    french = recorded_part(history_page(admin_client, vera))
    assert (
        "second facteur retiré (application d’authentification «\u00a0authenticator\u00a0»)"
        in french
    )


def test_a_second_factor_never_moves_to_another_account(client, adm1):
    """A device moved to another account would give that account a factor its owner does
    not hold, the move recorded as neither's removal nor addition: its account is
    read-only on its admin page, and the database refuses the move, as a token's."""
    from django.db import IntegrityError, transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice

    vera = account("vera", roles.REVIEWERS)
    device = TOTPDevice.objects.create(user=vera, name="phone", confirmed=True)
    client.force_login(adm1)
    url = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    page = client.get(url)
    assert "user" not in page.context["adminform"].form.fields
    client.post(url, {**admin_form_data(page), "user": adm1.pk})
    device.refresh_from_db()
    assert device.user == vera
    with pytest.raises(IntegrityError, match="cannot be moved"), transaction.atomic():
        TOTPDevice.objects.filter(pk=device.pk).update(user=adm1)
    device.refresh_from_db()
    assert device.user == vera


def test_the_admin_never_shows_a_second_factors_seed_or_qr_code(client, adm1):
    """Measured defect: with django-otp's default, the admin's TOTP device pages showed
    each device's seed (key) and its configuration and QR code pages, with which an admin
    could sign in as the owner, second factor included."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    vera = account("vera", roles.REVIEWERS)
    device = TOTPDevice.objects.create(user=vera, name="phone", confirmed=True)
    client.force_login(adm1)
    change = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert change.status_code == 200
    assert device.key not in change.content.decode()
    for name in ("admin:otp_totp_totpdevice_config", "admin:otp_totp_totpdevice_qrcode"):
        assert client.get(reverse(name, args=[device.pk])).status_code == 403
