"""CSRF on every form, and the session cookie's settings."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.security.helpers import PASSWORD, account

pytestmark = pytest.mark.django_db


def test_a_post_without_the_csrf_token_is_refused():
    User.objects.create_superuser("root", "root@example.org", PASSWORD)
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session

    client.force_login(User.objects.get(username="root"))
    response = client.post("/admin/visits/visit/add/", {"person": "1"})
    assert response.status_code == 403
    reviewer = account("rita", "reviewers")
    client.force_login(reviewer)
    assert client.post("/account/otp/", {"token": "123456"}).status_code == 403
    TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    client.force_login(reviewer)
    assert client.post("/account/otp/verify/", {"token": "123456"}).status_code == 403


def test_the_same_post_with_the_token_is_accepted():
    User.objects.create_superuser("root", "root@example.org", PASSWORD)
    client = Client(enforce_csrf_checks=True)
    client.get("/admin/login/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/admin/login/",
        {"username": "root", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 8 * 3600


def _views(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


# Outside the API, the one view that opts out of CSRF: a mail client's one-click
# unsubscribe (RFC 8058) posts with no cookie and no form, its signed token the proof.
CSRF_EXEMPT_OUTSIDE_THE_API = ["newsroom/alerts/unsubscribe/"]


def test_no_view_outside_the_api_is_exempt_from_csrf():
    """Django checks CSRF on every POST unless a view opts out; only the API's views do
    (DRF: token clients carry no cookie, and its session authentication checks CSRF itself),
    and the one-click unsubscribe, whose signed token is its proof."""
    exempt = [
        route
        for route, view in _views(get_resolver())
        if getattr(view, "csrf_exempt", False) and not route.startswith("api/")
    ]
    assert exempt == CSRF_EXEMPT_OUTSIDE_THE_API
