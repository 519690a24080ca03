"""An API token's key is a password: the admin shows it once, to the admin who created the
token, and never again — not in its lists, titles, breadcrumbs or messages, nor in its
log (django_admin_log, read on "Recent actions" and each record's history), which
REST framework's own admin filled with the key (its Token's str() is the key)."""

import importlib

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils.safestring import SafeData, mark_safe
from rest_framework.authtoken.models import Token, TokenProxy

from accounts.admin import _without_keys
from accounts.models import ApiToken
from core import roles
from tests.security.helpers import PASSWORD, account

pytestmark = pytest.mark.django_db


@pytest.fixture
def adm1(db):
    return User.objects.create_superuser("adm1", "adm1@example.org", PASSWORD)


def token_url(action: str, *args) -> str:
    """The address of `action` ("add", "changelist", ...) on the admin's token pages,
    whichever model the admin registers them for."""
    model = next(m for m in admin.site._registry if issubclass(m, Token))
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


class Seen:
    """Everything the admin showed or kept while a test ran: pages, and where messages
    wait to be shown (the messages cookie, the sessions)."""

    def __init__(self, client):
        self.client = client
        self.pages: list[tuple[str, str]] = []

    def keep(self, response, label: str):
        for url, _status in getattr(response, "redirect_chain", []):
            self.pages.append((f"{label} → {url}", url))
        self.pages.append((label, response.content.decode()))
        self.pages.append((f"{label} headers", str(dict(response.items()))))
        self.pages.append((f"{label} cookies", str(self.client.cookies)))
        return response

    def get(self, url: str):
        response = self.keep(self.client.get(url), f"GET {url}")
        assert response.status_code == 200, url
        return response

    def post(self, url: str, data: dict, label: str):
        return self.keep(self.client.post(url, data, follow=True), label)

    def holding(self, key: str) -> list[str]:
        sessions = [s.get_decoded() for s in Session.objects.all()]
        places = [label for label, text in self.pages if key in text]
        return places + [f"session {s}" for s in sessions if key in str(s)]


def test_the_admin_shows_a_tokens_key_once_at_its_creation_and_never_logs_it(client, adm1):
    """Measured defect: adding a token in the admin redirected to a list whose message
    ("The Token “<key>” was added successfully."), key column and "Recent actions" showed
    the key; its change and delete pages carried it in their titles and breadcrumbs; each
    row of django_admin_log kept it (object_repr); and an account's delete page listed
    "Token: <key>"."""
    nadia = account("nadia")
    omar = account("omar")
    client.force_login(adm1)
    seen = Seen(client)

    created = client.post(token_url("add"), {"user": adm1.pk, "_save": "Save"})
    own = Token.objects.get(user=adm1).key
    # The one place: the answer to the admin who created it, which says it is shown once.
    assert created.status_code == 200
    page = created.content.decode()
    assert page.count(own) == 1
    assert "will not be shown again" in page and "API token of adm1" in page
    assert not seen.holding(own)
    seen.get(token_url("change", adm1.pk))
    # Another account's token, made on the server (drf_create_token), is never shown.
    key = Token.objects.create(user=nadia).key

    seen.get(token_url("changelist"))
    seen.get(reverse("admin:index"))
    seen.get(token_url("change", nadia.pk))
    seen.get(token_url("history", nadia.pk))
    seen.get(token_url("delete", nadia.pk))
    seen.get(reverse("admin:auth_user_change", args=[nadia.pk]))
    seen.get(reverse("admin:auth_user_history", args=[nadia.pk]))
    # Deleting the account deletes its token: the page lists what goes with it.
    deleting = seen.get(reverse("admin:auth_user_delete", args=[nadia.pk]))
    assert "API token of nadia" in deleting.content.decode()
    selected = seen.post(
        reverse("admin:auth_user_changelist"),
        {"action": "delete_selected", "_selected_action": [nadia.pk]},
        "delete selected accounts",
    )
    assert "API token of nadia" in selected.content.decode()

    # Its page saved back: the token stays nadia's (its account is read-only there).
    changed = seen.post(token_url("change", nadia.pk), {"user": omar.pk}, "change")
    assert changed.status_code == 200 and Token.objects.get(key=key).user == nadia
    assert "API token of nadia" in changed.content.decode()

    deleted = seen.post(token_url("delete", nadia.pk), {"post": "yes"}, "delete")
    assert deleted.status_code == 200 and not Token.objects.filter(key=key).exists()
    assert "API token of nadia" in deleted.content.decode()
    seen.get(reverse("admin:index"))

    assert seen.holding(key) == [] and seen.holding(own) == []
    log = list(LogEntry.objects.order_by("pk"))
    assert [(e.action_flag, e.object_repr) for e in log if e.object_repr.startswith("API")] == [
        (ADDITION, "API token of adm1"),
        (CHANGE, "API token of nadia"),
        (DELETION, "API token of nadia"),
    ]
    for entry in log:
        logged = f"{entry.object_id} {entry.object_repr} {entry.change_message}"
        assert key not in logged and own not in logged


def test_a_token_cannot_be_moved_to_another_account(client, adm1):
    """Measured defect: the token's page kept REST framework's editable account, so posting
    another account to it (302) gave nadia's key to omar, unrecorded. The account is
    read-only on an existing token's page (another account: delete and add), and the
    database refuses any other path (accounts.models.AccountToken)."""
    nadia = account("nadia")
    omar = account("omar")
    token = Token.objects.create(user=nadia)
    client.force_login(adm1)

    page = client.get(token_url("change", nadia.pk))
    assert "user" not in page.context["adminform"].form.fields
    response = client.post(token_url("change", nadia.pk), {"user": omar.pk})
    assert response.status_code == 302
    assert Token.objects.get(key=token.key).user == nadia
    assert not Token.objects.filter(user=omar).exists()
    # The add page still asks for the account.
    assert "user" in client.get(token_url("add")).context["adminform"].form.fields

    for move in (
        lambda: Token.objects.filter(pk=token.pk).update(user=omar),
        lambda: Token.objects.filter(pk=token.pk).update(user_id=omar.pk),
    ):
        with pytest.raises(IntegrityError, match="cannot be moved"), transaction.atomic():
            move()
    assert Token.objects.get(key=token.key).user == nadia
    # Its other changes, and its deletion, still go through.
    Token.objects.filter(pk=token.pk).update(created=token.created)
    Token.objects.filter(pk=token.pk).delete()
    assert not Token.objects.exists()


def test_the_page_of_a_new_tokens_key_is_never_cached(client, adm1):
    """The page showing a key (a password for the API) is kept by no browser or proxy."""
    client.force_login(adm1)
    response = client.post(token_url("add"), {"user": adm1.pk, "_save": "Save"})
    assert response.status_code == 200
    assert Token.objects.get(user=adm1).key in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_admin_names_a_token_by_its_account_in_french(client, adm1):
    nadia = account("nadia")
    Token.objects.create(user=nadia)
    client.force_login(adm1)
    client.cookies["django_language"] = "fr"
    page = client.get(token_url("change", nadia.pk)).content.decode()
    assert "Jeton d’API de nadia" in page and "Jetons d’API" in page


def test_the_keys_already_logged_are_forgotten(adm1):
    """The admin's log rows written before (REST framework's own token admin), whose
    object_repr is the key (and object_id too, for its earlier admin of Token itself),
    name the token by its account once migrated; no other row changes."""
    nadia = account("nadia")
    token = Token.objects.create(user=nadia)
    proxy = ContentType.objects.get_for_model(TokenProxy, for_concrete_model=False)
    concrete = ContentType.objects.get_for_model(Token)
    users = ContentType.objects.get_for_model(type(nadia))

    def logged(content_type, object_id, repr_):
        return LogEntry.objects.create(
            user=adm1,
            content_type=content_type,
            object_id=object_id,
            object_repr=repr_,
            action_flag=ADDITION,
            change_message="[]",
        )

    by_proxy = logged(proxy, str(nadia.pk), "0" * 40)
    by_key = logged(concrete, token.key, token.key)
    gone = logged(proxy, "987654", "1" * 40)
    gone_by_key = logged(concrete, "2" * 40, "2" * 40)
    other = logged(users, str(nadia.pk), "nadia")
    orphan = logged(None, "5", "of a model since removed")
    migration = importlib.import_module("accounts.migrations.0003_api_token_admin")

    migration.forget_logged_keys(apps, None)

    for entry in (by_proxy, by_key, gone, gone_by_key, other, orphan):
        entry.refresh_from_db()
    assert (by_proxy.object_id, by_proxy.object_repr) == (str(nadia.pk), "API token of nadia")
    assert (by_key.object_id, by_key.object_repr) == (None, "API token of nadia")
    assert (gone.object_id, gone.object_repr) == ("987654", "API token of a deleted account")
    assert (gone_by_key.object_id, gone_by_key.object_repr) == (None, "API token")
    assert (other.object_id, other.object_repr) == (str(nadia.pk), "nadia")
    assert (orphan.object_id, orphan.object_repr) == ("5", "of a model since removed")


def test_an_accounts_delete_list_keeps_its_links_and_names_its_token():
    """The list of what goes with an account (AccountAdmin.get_deleted_objects): a key in
    an item is replaced by the token's name, escaped in an item the admin made HTML."""
    cleaned = _without_keys(
        [mark_safe('User: <a href="/u/">n</a>'), ["Token: k1", mark_safe("<b>k1</b>")]],
        {"k1": "API token of <n>"},
    )
    assert cleaned == [
        'User: <a href="/u/">n</a>',
        ["Token: API token of <n>", "<b>API token of &lt;n&gt;</b>"],
    ]
    assert isinstance(cleaned[0], SafeData) and isinstance(cleaned[1][1], SafeData)
    assert not isinstance(cleaned[1][0], SafeData)


def test_an_admin_adds_an_api_token_for_their_own_account_only(client):
    """Measured defect: an admin who also files reports (edith) added, at
    /admin/accounts/apitoken/add/, a token for the reviewer vera and was shown its key;
    with it she verified her own report through /api/v1/reports/N/verify/, which checks
    four eyes by account. The add page offers the admin's own account only: another
    account posted is refused, no token is created and no key shown."""
    edith = account("edith", roles.ADMINS, roles.REPORTERS)
    vera = account("vera", roles.REVIEWERS)
    client.force_login(edith)

    page = client.get(token_url("add"))
    field = page.context["adminform"].form.fields["user"]
    assert list(field.queryset) == [edith]
    assert page.context["adminform"].form["user"].value() == edith.pk

    refused = client.post(token_url("add"), {"user": vera.pk, "_save": "Save"})
    assert refused.status_code == 200
    assert "user" in refused.context["adminform"].form.errors
    assert not Token.objects.filter(user=vera).exists()
    assert "api-token-key" not in refused.content.decode()

    created = client.post(token_url("add"), {"user": edith.pk, "_save": "Save"})
    assert created.status_code == 200
    assert Token.objects.get(user=edith).key in created.content.decode()
    assert not Token.objects.filter(user=vera).exists()

    # Whatever form reaches the save, a new token for another account is refused.
    model_admin = admin.site._registry[ApiToken]
    request = RequestFactory().post(token_url("add"))
    request.user = edith
    with pytest.raises(PermissionDenied):
        model_admin.save_model(request, ApiToken(user=vera), None, change=False)
    assert not Token.objects.filter(user=vera).exists()


def test_an_admin_revokes_another_accounts_token_without_seeing_its_key(client, adm1):
    """Another account's token (made by an operator with `drf_create_token`) is listed,
    opened and deleted in the admin, its key shown on none of those pages."""
    vera = account("vera", roles.REVIEWERS)
    key = Token.objects.create(user=vera).key
    client.force_login(adm1)
    for url in (
        token_url("changelist"),
        token_url("change", vera.pk),
        token_url("delete", vera.pk),
    ):
        response = client.get(url)
        assert response.status_code == 200 and key not in response.content.decode()
    deleted = client.post(token_url("delete", vera.pk), {"post": "yes"}, follow=True)
    assert deleted.status_code == 200 and key not in deleted.content.decode()
    assert not Token.objects.filter(user=vera).exists()
