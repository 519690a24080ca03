"""No browser or proxy keeps a copy of a staff page (README "What the caches keep").

Measured defect: the second factor's enrolment page (the TOTP seed and its QR code), its
code page and the alerts' pages (a webhook's signing secret) answered with no
Cache-Control, while the newsroom's pages say `no-store, private`. The test walks every
address under /account/ and /newsroom/ (the account's, the alerts' and the newsroom's URL
confs, and a record's history), so that a staff page added without it fails here.
"""

from base64 import b32encode
from binascii import unhexlify

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from alerts.models import Subscription
from core import roles
from tests.newsroom.conftest import account
from visits import review
from visits.models import Visit
from visits.reports import withdraw_visit

pytestmark = pytest.mark.django_db

STAFF_ROUTES = ("account/", "newsroom/")
MONGOLIA = "vladimir-putin-mng-2024-09-02"
DATA = {
    "person": "vladimir-putin",
    "host": "TJK",
    "start": "2025-10-08",
    "end": "2025-10-10",
    "status": "occurred",
    "outcome": "not_arrested",
}


def staff_addresses(resolver=None, route: str = "", namespace: str = ""):
    """(name, route, its arguments' names) of each address under STAFF_ROUTES: name with
    its namespace ("alerts:subscription"), route as written ("newsroom/alerts/<int:pk>/")."""
    for pattern in (resolver or get_resolver()).url_patterns:
        full = route + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace) if n)
            yield from staff_addresses(pattern, full, inner)
        elif isinstance(pattern, URLPattern) and full.startswith(STAFF_ROUTES):
            name = ":".join(n for n in (namespace, pattern.name) if n)
            yield name, full, sorted(pattern.pattern.converters)


def never_cached(response) -> bool:
    """Whether neither a browser nor a shared cache may keep `response` (never_cache)."""
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


@pytest.fixture
def everything(seeded):
    """An admin (who may open every staff page), with a draft, a webhook subscription and
    a password reset link of their own; the arguments of each address, by namespace."""
    Visit.objects.filter(slug__startswith="vladimir-putin-tjk-2025-10").delete()
    admin = account("cache-admin", roles.ADMINS, email="cache-admin@example.org")
    draft = review.file_report(
        author=admin, data={**DATA, "place": "Dushanbe"}, citations=[], submit=False
    )
    withdrawn = Visit.objects.published().exclude(slug=MONGOLIA).order_by("slug").first()
    withdraw_visit(withdrawn, "Withdrawn for the walk: its restoration page is a staff page.")
    subscription = Subscription.objects.create(
        owner=admin, webhook_url="https://hooks.example.org/iccwatch", secret="s3cr3t-" * 6
    )
    arguments = {
        "alerts": {"pk": subscription.pk},
        "newsroom": {
            "pk": draft.pk,
            "slug": MONGOLIA,
            "uidb64": urlsafe_base64_encode(force_bytes(admin.pk)),
            "token": default_token_generator.make_token(admin),
        },
        "": {"label": "visits.visit", "pk": Visit.objects.get(slug=MONGOLIA).pk},
        # A withdrawn visit's restoration page (one published has none).
        "newsroom:restore": {"slug": withdrawn.slug},
    }
    return admin, subscription, arguments


def test_the_walk_finds_the_pages_that_show_secrets():
    names = {name for name, _route, _args in staff_addresses()}
    assert {
        "accounts:otp-setup",
        "accounts:otp-verify",
        "alerts:subscriptions",
        "alerts:subscription",
        "alerts:deliveries",
        "newsroom:dashboard",
        "newsroom:password-reset-confirm",
        "record-history",
    } <= names


def test_every_staff_page_is_never_cached(everything, client):
    admin, subscription, arguments = everything
    client.force_login(admin)
    # Signing in changed the account's last sign-in, which the reset link's token holds.
    admin.refresh_from_db()
    arguments["newsroom"]["token"] = default_token_generator.make_token(admin)
    answered = {}
    for name, route, names in staff_addresses():
        namespace = name.rpartition(":")[0]
        given = {**arguments.get(namespace, {}), **arguments.get(name, {})}
        address = reverse(name, kwargs={arg: given[arg] for arg in names})
        response = client.get(address)
        answered[name] = response.status_code
        if response.status_code == 405:
            # An action's address, which answers only a POST (a button's): nothing shown.
            assert response.content == b"", (name, route)
            continue
        assert never_cached(response), (name, address, response.status_code, response.headers)
    # The pages holding a secret were read, not refused or sent elsewhere.
    assert answered["accounts:otp-setup"] == 200
    assert answered["alerts:subscription"] == 200
    assert answered["alerts:subscriptions"] == 200
    assert answered["alerts:deliveries"] == 200
    assert answered["newsroom:password-reset-confirm"] == 302  # to the page without its token
    # A subscription's confirmation page without its link's token: refused, never cached;
    # so is the page its button leads to.
    assert answered.pop("alerts:confirm") == 400
    assert answered.pop("alerts:confirmed") == 400
    # An unsubscribe link without its token: refused, never cached, the same; so is the
    # page its button leads to without the removal's notice.
    assert answered.pop("alerts:unsubscribe") == 400
    assert answered.pop("alerts:unsubscribed") == 400
    assert set(answered.values()) <= {200, 302, 405}, answered


def test_the_enrolment_page_showing_the_seed_is_never_cached(everything, client):
    admin, _subscription, _arguments = everything
    client.force_login(admin)
    response = client.get(reverse("accounts:otp-setup"))
    seed = TOTPDevice.objects.get(user=admin, confirmed=False)
    assert response.status_code == 200 and "<svg" in response.content.decode()
    assert b32encode(unhexlify(seed.key)).decode() in response.content.decode()
    assert never_cached(response)


def test_a_webhooks_page_showing_its_secret_is_never_cached(everything, client):
    admin, subscription, _arguments = everything
    client.force_login(admin)
    response = client.get(reverse("alerts:subscription", args=[subscription.pk]))
    assert subscription.secret in response.content.decode()
    assert never_cached(response)


def test_the_code_page_of_a_pending_second_factor_is_never_cached(everything, client):
    """The code page, as a session that gave its password but not yet its code sees it;
    and the page every other staff address sends such a session to."""
    admin, _subscription, _arguments = everything
    TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    client.force_login(admin)
    page = client.get(reverse("accounts:otp-verify") + "?next=/newsroom/")
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.content.decode()
    assert never_cached(page)
    for address in ("/newsroom/", "/newsroom/alerts/", "/account/otp/"):
        sent = client.get(address)
        assert sent.status_code == 302, address
        assert sent["Location"].startswith(reverse("accounts:otp-verify")), address
        assert never_cached(sent), address


def test_a_password_reset_link_and_its_form_are_never_cached(everything, client):
    """The reset link holds a one-time token: Django trades it for the session's, and its
    form (where the new password is typed) is never cached either."""
    _admin, _subscription, arguments = everything
    link = reverse(
        "newsroom:password-reset-confirm",
        kwargs={k: arguments["newsroom"][k] for k in ("uidb64", "token")},
    )
    first = client.get(link)
    assert first.status_code == 302 and never_cached(first)
    form = client.get(first["Location"])
    assert form.status_code == 200 and 'name="new_password1"' in form.content.decode()
    assert never_cached(form)
