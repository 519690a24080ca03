"""Repeated failed sign-ins lock the username out from that address (django-axes), on the
admin's sign-in and on any other sign-in form, even for the right password."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tests.security.helpers import PASSWORD, account

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.urls")]


def sign_in(client, url, username, password, address="203.0.113.7"):
    return client.post(
        url, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("url", ["/admin/login/", "/test-signin/"], ids=["admin", "login-view"])
def test_thirty_wrong_passwords_lock_the_account_out_even_for_the_right_one(url):
    """Measured defect: /admin/login/ took 30 wrong passwords in 26 s, then let the right one in."""
    User.objects.create_superuser("root", "root@example.org", PASSWORD)
    client = Client()
    statuses = [sign_in(client, url, "root", f"wrong-{i}").status_code for i in range(30)]
    limit = settings.ICCWATCH_LOGIN_FAILURE_LIMIT
    assert statuses[: limit - 1] == [200] * (limit - 1)  # the form again, with its error
    assert set(statuses[limit:]) == {429}
    response = sign_in(client, url, "root", PASSWORD)
    assert response.status_code == 429
    assert "Sign-in locked" in response.content.decode()
    # How long: the cool-off, in minutes, and after how many failures.
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    assert f"It lasts {minutes} minutes from the last one." in response.content.decode()
    assert f"follows {limit} failed attempts" in response.content.decode()
    assert not signed_in(client)


def test_the_lockout_page_is_a_newsroom_page_as_the_sign_in_page_it_answers_for():
    """The lockout page, answered in place of the newsroom's sign-in, was in the public
    site's frame: without the robots noindex of every newsroom page, the sign-in page's
    included (newsroom/base.html)."""
    account("rita", "reporters")
    url = reverse("newsroom:sign-in")
    client = Client()
    robots = re.search(r'<meta name="robots"[^>]*>', client.get(url).content.decode())
    assert robots and "noindex" in robots.group(0)
    for i in range(settings.ICCWATCH_LOGIN_FAILURE_LIMIT):
        sign_in(client, url, "rita", f"wrong-{i}")
    response = sign_in(client, url, "rita", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert robots.group(0) in page
    assert '<div class="newsroom">' in page
    assert "<title>Sign-in locked · Newsroom</title>" in page
    assert page.count("<h1>") == 1 and "Too many failed sign-ins for this account" in page


# The lockout page's words in each language: its title, and what it says of the lock.
LOCKED = {
    "en": (
        "Sign-in locked",
        "Too many failed sign-ins for this account from your address",
        "It lasts 30 minutes from the last one.",
    ),
    "fr": (
        "Connexion bloquée",
        "Trop de connexions échouées pour ce compte depuis votre adresse",
        "Il dure 30 minutes à partir de la dernière.",
    ),
}


def locked_out(url: str, username: str, language: str, **headers):
    """The answer to the right password for `username` at `url` once the failures before
    it locked it out, asked for in `language` (the reader's language cookie)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for i in range(settings.ICCWATCH_LOGIN_FAILURE_LIMIT):
        sign_in(client, url, username, f"wrong-{i}")
    return client.post(
        url,
        {"username": username, "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR="203.0.113.7",
        **headers,
    )


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_admins_lockout_page_is_in_the_admins_frame(settings, language):
    """Locked out of the admin's sign-in, an admin saw the newsroom's lockout page, in the
    newsroom's frame (its menu, its title), for a sign-in made in the admin's: the page is
    now the admin's, as its sign-in page is, and says the same."""
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
    User.objects.create_superuser("root", "root@example.org", PASSWORD)
    response = locked_out("/admin/login/", "root", language)
    assert response.status_code == 429
    page = response.content.decode()
    title, reason, duration = LOCKED[language]
    header = "Administration d’iccwatch" if language == "fr" else "iccwatch administration"
    site_title = "Admin iccwatch" if language == "fr" else "iccwatch admin"
    assert f'<html lang="{language}"' in page
    assert f"<title>{title} | {site_title}</title>" in page
    assert f'<div id="site-name"><a href="/admin/">{header}</a></div>' in page
    assert re.search(r'<body class="[^"]*\blogin\b', page)  # the sign-in page's layout
    assert page.count("<h1>") == 1 and f"<h1>{title}</h1>" in page
    assert reason in page and duration in page
    assert f"{settings.ICCWATCH_LOGIN_FAILURE_LIMIT} " in page.split('id="lock-duration"')[1]
    # Not the newsroom's frame: no newsroom menu, title or sign-out.
    assert '<div class="newsroom">' not in page and "Newsroom" not in page
    assert not signed_in(Client())


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_newsrooms_lockout_page_stays_the_newsrooms(settings, language):
    """The newsroom's sign-in, and any other sign-in form but the admin's, still answer a
    lockout with the newsroom's page, in the newsroom's frame."""
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
    account("rita", "reporters")
    title, reason, duration = LOCKED[language]
    for url in (reverse("newsroom:sign-in"), "/test-signin/"):
        response = locked_out(url, "rita", language)
        assert response.status_code == 429
        page = response.content.decode()
        assert '<div class="newsroom">' in page and 'id="site-name"' not in page
        assert f"<title>{title} · " in page and f"<h1>{title}</h1>" in page
        assert reason in page and duration in page


def axes_own_and_ours(settings, url: str, username: str, language: str, **headers) -> list:
    """The lockout answer at `url`, from django-axes' own (no AXES_LOCKOUT_CALLABLE: its
    template, AXES_LOCKOUT_TEMPLATE, or its JSON) and from ours, the attempts cleared
    before each: [(status, body, headers)], each page's per-answer nonce left out."""
    answers = []
    for lockout in (None, "accounts.lockout.lockout_response"):
        settings.AXES_LOCKOUT_CALLABLE = lockout
        AccessAttempt.objects.all().delete()
        response = locked_out(url, username, language, **headers)
        body = re.sub(r'nonce="[^"]*"', "", response.content.decode())
        kept = ("Content-Type", "Content-Language", "Access-Control-Allow-Origin")
        answers.append((response.status_code, body, {h: response.get(h) for h in kept}))
    return answers


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_newsrooms_lockout_page_is_axes_own_page_as_before(settings, language):
    """What the newsroom's sign-in answers a lockout with is, byte for byte, what
    django-axes answered with its template before the admin's had its own."""
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
    account("rita", "reporters")
    own, ours = axes_own_and_ours(settings, reverse("newsroom:sign-in"), "rita", language)
    assert own == ours
    assert own[0] == 429 and LOCKED[language][1] in own[1]


def test_a_script_locked_out_of_the_admin_gets_axes_own_json(settings):
    """A sign-in sent by a script (X-Requested-With: XMLHttpRequest) gets the lock as JSON,
    the admin's as any other, as django-axes answers it."""
    User.objects.create_superuser("root", "root@example.org", PASSWORD)
    own, ours = axes_own_and_ours(
        settings, "/admin/login/", "root", "en", HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    assert own == ours
    assert own[0] == 429 and own[2]["Content-Type"] == "application/json"
    limit = settings.ICCWATCH_LOGIN_FAILURE_LIMIT
    assert f'"failure_limit": {limit}, "username": "root"' in own[1]


def test_the_lockout_holds_for_that_username_and_address_only_and_ends_after_the_cool_off():
    User.objects.create_superuser("root", "root@example.org", PASSWORD)
    account("ada", "admins", staff=True)
    client = Client()
    for i in range(settings.ICCWATCH_LOGIN_FAILURE_LIMIT):
        sign_in(client, "/admin/login/", "root", f"wrong-{i}")
    assert sign_in(client, "/admin/login/", "root", PASSWORD).status_code == 429
    # Another account from the same address, and the same account from elsewhere, sign in.
    assert sign_in(Client(), "/admin/login/", "ada", PASSWORD).status_code == 302
    assert sign_in(Client(), "/admin/login/", "root", PASSWORD, "198.51.100.9").status_code == 302
    # After the cool-off, the right password works again.
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC)
        - datetime.timedelta(minutes=settings.ICCWATCH_LOGIN_COOLOFF_MINUTES + 1)
    )
    response = sign_in(client, "/admin/login/", "root", PASSWORD)
    assert response.status_code == 302 and signed_in(client)


def test_an_address_guessing_at_many_accounts_is_locked_out_for_every_account(settings):
    """Password spraying: a few guesses at each of many usernames never locks one of them,
    so the address counts the different usernames that failed from it."""
    settings.ICCWATCH_LOGIN_ADDRESS_USERNAME_LIMIT = 3
    User.objects.create_superuser("root", "root@example.org", PASSWORD)
    sprayer, neighbour = Client(), Client()
    per_username = settings.ICCWATCH_LOGIN_FAILURE_LIMIT - 1  # under the username's lock
    statuses = [
        sign_in(sprayer, "/test-signin/", f"user-{n}", f"wrong-{i}").status_code
        for n in range(2)
        for i in range(per_username)
    ]
    assert statuses == [200] * 8  # each username under its own limit
    assert sign_in(sprayer, "/test-signin/", "user-2", "wrong").status_code == 200
    # Three usernames have failed: any username from that address now, the right password
    # included.
    response = sign_in(neighbour, "/admin/login/", "root", PASSWORD)
    assert response.status_code == 429 and not signed_in(neighbour)
    page = response.content.decode()
    assert "Too many accounts failed to sign in from your address" in page
    assert "The lock follows failed sign-ins as 3 different accounts from one address." in page
    assert sign_in(sprayer, "/test-signin/", "user-9", "wrong").status_code == 429
    # Another address signs in; after the cool-off, this one does too.
    assert sign_in(Client(), "/admin/login/", "root", PASSWORD, "198.51.100.9").status_code == 302
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC)
        - datetime.timedelta(minutes=settings.ICCWATCH_LOGIN_COOLOFF_MINUTES + 1)
    )
    assert sign_in(neighbour, "/admin/login/", "root", PASSWORD).status_code == 302


def test_one_person_retrying_never_locks_out_colleagues_at_the_same_address(settings):
    """Thirty retries at one locked account are one username: a colleague at the same
    address still signs in (review: the first version summed failures, so one person's
    retries locked the whole office out)."""
    settings.ICCWATCH_LOGIN_ADDRESS_USERNAME_LIMIT = 3
    User.objects.create_superuser("root", "root@example.org", PASSWORD)
    account("ada", "admins", staff=True)
    retrier = Client()
    for i in range(30):
        sign_in(retrier, "/admin/login/", "root", f"wrong-{i}")
    assert sign_in(retrier, "/admin/login/", "root", PASSWORD).status_code == 429
    colleague = Client()
    assert sign_in(colleague, "/admin/login/", "ada", PASSWORD).status_code == 302
    assert signed_in(colleague)


def test_the_address_behind_trusted_proxies_is_the_one_counted(settings):
    from core.auth import client_ip

    class Request:
        META = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7"}

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": None}
    assert client_ip(Request) == "10.0.0.1"  # no proxy declared: the header is not trusted
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    assert client_ip(Request) == "203.0.113.7"  # what the one proxy saw, not what the client wrote


@pytest.mark.parametrize("forwarded", ["198.51.100.926", "not-an-address", "6.6.6.6, ::ffff:zz"])
def test_an_unreadable_forwarded_address_counts_as_the_peers_never_a_500(settings, forwarded):
    """Behind a proxy, an X-Forwarded-For address that is not one (a tester's
    '198.51.100.926') answered the newsroom's sign-in with a 500 (axes could not store it):
    it is taken as absent, the peer's address is counted, and the sign-in works. The API's
    rate limits read the same helper."""
    from rest_framework.request import Request as ApiRequest
    from rest_framework.test import APIRequestFactory

    from api.access import RateLimits
    from core.auth import client_ip

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    account("rita", "reporters")
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    response = client.post(reverse("newsroom:sign-in"), {"username": "rita", "password": PASSWORD})
    assert response.status_code == 302 and signed_in(client)
    wrong = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    response = wrong.post(reverse("newsroom:sign-in"), {"username": "rita", "password": "no"})
    assert response.status_code == 200
    assert AccessAttempt.objects.get(username="rita").ip_address == "10.0.0.1"
    request = APIRequestFactory().get(
        "/api/v1/states/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded
    )
    assert client_ip(request) == RateLimits().get_ident(ApiRequest(request)) == "10.0.0.1"


def test_lockouts_are_listed_in_the_admin():
    root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    for i in range(settings.ICCWATCH_LOGIN_FAILURE_LIMIT):
        sign_in(Client(), "/admin/login/", "root", f"wrong-{i}")
    client = Client()
    client.force_login(root)
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 200 and "root" in response.content.decode()
