"""An account turned off is signed out everywhere, and turned back on it starts afresh:
its sessions are ended and its API tokens deleted, whatever path turned it off
(accounts.offboarding), and the account's history says so."""

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.models import SESSIONS_ENDED, Account, AccountToken
from accounts.offboarding import end_sessions
from core import roles
from core.history import WritePath, recording
from tests.security.helpers import PASSWORD, account
from tests.security.test_account_history import history_page, recorded_part, save_in_the_admin

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    assert client.get("/newsroom/").status_code == 200
    return client


def answers(key: str) -> int:
    return Client().get("/api/v1/visits/", HTTP_AUTHORIZATION=f"Token {key}").status_code


@pytest.fixture
def adm1(db):
    return User.objects.create_superuser("adm1", "adm1@example.org", PASSWORD)


def test_turned_off_in_the_admin_and_back_on_the_account_must_sign_in_again(client, adm1):
    """Measured defect: turning an account off only paused its sessions and API tokens;
    turned back on, its old session cookie opened /newsroom/ again and its token answered
    200."""
    nadia = account("nadia", roles.REPORTERS)
    old_session = signed_in(nadia)
    elsewhere = signed_in(nadia)
    key = Token.objects.create(user=nadia).key
    assert answers(key) == 200
    client.force_login(adm1)

    save_in_the_admin(client, nadia, is_active=False)
    assert not Token.objects.filter(user=nadia).exists()
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(nadia.pk) for s in Session.objects.all()
    )
    save_in_the_admin(client, nadia, is_active=True)

    for old in (old_session, elsewhere):
        response = old.get("/newsroom/")
        assert response.status_code == 302 and "sign-in" in response["Location"]
    assert answers(key) == 401
    # The admin's own session goes on.
    assert client.get(reverse("admin:index")).status_code == 200
    # A new sign-in works.
    fresh = Client()
    response = fresh.post(reverse("newsroom:sign-in"), {"username": "nadia", "password": PASSWORD})
    assert response.status_code == 302 and fresh.get("/newsroom/").status_code == 200

    page = recorded_part(history_page(client, nadia))
    assert page.index("deactivated") < page.index("API token deleted")
    assert page.index("API token deleted") < page.index("signed out of its sessions")
    ended = Account.pgh_event_model.objects.get(pgh_obj_id=nadia.pk, pgh_label=SESSIONS_ENDED)
    assert ended.pgh_context.metadata["username"] == "adm1"
    assert ended.pgh_context.metadata["path"] == "admin"


def test_turned_off_in_the_shell_it_is_signed_out_too():
    nadia = account("nadia", roles.REPORTERS)
    old_session = signed_in(nadia)
    Token.objects.create(user=nadia)
    with recording(WritePath.SHELL, os_user="ops"):
        nadia.is_active = False
        nadia.save()
        nadia.is_active = True
        nadia.save()
    assert old_session.get("/newsroom/").status_code == 302
    assert not Token.objects.filter(user=nadia).exists()
    removed = AccountToken.pgh_event_model.objects.get(user_id=nadia.pk, pgh_label="token.remove")
    assert removed.pgh_context.metadata == {"path": "shell", "os_user": "ops"}


def test_a_bulk_update_deletes_the_tokens_and_the_next_save_ends_the_sessions():
    """A bulk update sends no signal: the database's trigger still deletes the tokens; the
    sessions end when the account is turned back on by a save."""
    nadia = account("nadia", roles.REPORTERS)
    old_session = signed_in(nadia)
    Token.objects.create(user=nadia)
    User.objects.filter(pk=nadia.pk).update(is_active=False)
    assert not Token.objects.filter(user=nadia).exists()
    nadia.refresh_from_db()
    nadia.is_active = True
    nadia.save()
    assert old_session.get("/newsroom/").status_code == 302


def test_a_token_made_for_an_inactive_account_ends_when_it_is_turned_on():
    nadia = account("nadia", roles.REPORTERS)
    User.objects.filter(pk=nadia.pk).update(is_active=False)
    Token.objects.create(user=nadia)
    User.objects.filter(pk=nadia.pk).update(is_active=True)
    assert not Token.objects.filter(user=nadia).exists()


def test_other_saves_leave_sessions_and_tokens_alone():
    nadia, omar = account("nadia", roles.REPORTERS), account("omar", roles.REPORTERS)
    session, omars = signed_in(nadia), signed_in(omar)
    key = Token.objects.create(user=nadia).key
    nadia.email = "nadia@example.net"
    nadia.save()
    nadia.save(update_fields=["last_login"])
    omar.is_active = False
    omar.save()
    assert session.get("/newsroom/").status_code == 200 and answers(key) == 200
    assert omars.get("/newsroom/").status_code == 302
    assert end_sessions(nadia) == 1 and end_sessions(nadia) == 0
