"""The language of a staff account's mails: the one it last used the newsroom in, recorded
when a signed-in account loads a newsroom page (accounts.languages), written only when it
changes; a password link is mailed in it too."""

import re
import uuid

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import languages
from accounts.models import NewsroomLanguage
from core import roles
from newsroom.tasks import mail_password_reset
from tests.newsroom.conftest import account

pytestmark = pytest.mark.django_db

TABLE = NewsroomLanguage._meta.db_table
SUBJECT = "newsroom/password_reset_subject.txt"
BODY = "newsroom/password_reset_email.txt"


def browser_in(language: str, user=None) -> Client:
    """A browser whose language switch chose `language`, signed in as `user` if given."""
    browser = Client()
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        browser.force_login(user)
    return browser


def recorded(user) -> str | None:
    return NewsroomLanguage.objects.filter(user=user).values_list("language", flat=True).first()


def writes_to_the_table(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if TABLE in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


def test_a_newsroom_page_records_its_language_written_only_when_it_changes(reviewer):
    assert recorded(reviewer) is None
    french = browser_in("fr", reviewer)
    dashboard = reverse("newsroom:dashboard")
    assert "Tableau de bord" in french.get(dashboard).content.decode()
    assert recorded(reviewer) == "fr"
    # The same language again: one read, no write, on every kind of newsroom page.
    for path in (dashboard, reverse("newsroom:queue"), reverse("alerts:subscriptions")):
        with CaptureQueriesContext(connection) as queries:
            assert french.get(path).status_code == 200
        assert writes_to_the_table(queries) == []
        assert sum(TABLE in q["sql"] for q in queries.captured_queries) == 1
    # Another browser, in English: the account's mails are in English from now on.
    with CaptureQueriesContext(connection) as queries:
        browser_in("en", reviewer).get(reverse("alerts:subscriptions"))
    assert len(writes_to_the_table(queries)) == 1
    assert recorded(reviewer) == "en"
    assert languages.language_of(reviewer) == "en"
    # And back in the first browser.
    french.get(dashboard)
    assert recorded(reviewer) == "fr"


def test_only_a_signed_in_accounts_newsroom_pages_record_a_language(reviewer):
    """The public site, the API (`?lang=`) and an anonymous visitor of the newsroom's
    sign-in page record nothing."""
    signed_in = browser_in("fr", reviewer)
    assert signed_in.get("/fr/").status_code == 200
    assert signed_in.get("/api/v1/", {"lang": "fr"}).status_code == 200
    assert browser_in("fr").get(reverse("newsroom:sign-in")).status_code == 200
    assert not NewsroomLanguage.objects.exists()


def test_a_session_that_has_not_given_its_second_factor_records_nothing(reviewer):
    """The password alone does not sign in an account enrolled for a second factor: the
    newsroom's pages send it to the code page, and the one it may reach, signing out,
    records no language for the account either."""
    TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    browser = browser_in("fr", reviewer)  # signed in with the password, no code given
    assert browser.get(reverse("newsroom:dashboard")).status_code == 302
    assert browser.post(reverse("newsroom:sign-out")).status_code == 302
    assert recorded(reviewer) is None


def test_the_mail_language_falls_back_to_the_callers_then_the_sites(reporter):
    """An account that never used the newsroom: the language the caller names when the
    site has it ("fr-CA" is French), else the default; a language the site lacks is not
    recorded."""
    assert languages.language_of(reporter) == settings.LANGUAGE_CODE
    assert languages.language_of(reporter, "fr-CA") == "fr"
    assert languages.language_of(reporter, "de") == settings.LANGUAGE_CODE
    assert languages.record(reporter, "de") is False
    assert languages.record(reporter, "fr") is True
    assert languages.record(reporter, "fr") is False
    reporter.refresh_from_db()
    assert languages.language_of(reporter, "en") == "fr"


def test_a_password_link_is_mailed_in_each_accounts_language_else_the_pages(db):
    """Asked from an English page, the link goes in French to an account that works in
    French, and in English to one that never used the newsroom; asked from a French page,
    in English to one that works in English. Each account of an address gets one mail."""
    address = f"shared-{uuid.uuid4().hex}@example.org"
    francoise = account("francoise", roles.REVIEWERS, email=address)
    account("newcomer", roles.REPORTERS, email=address)
    languages.record(francoise, "fr")
    assert mail_password_reset(address, "en", SUBJECT, BODY) == 2
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        "Rédaction d’iccwatch\u00a0: choisissez votre mot de passe",
        "iccwatch newsroom: choose your password",
    ]
    assert [m.to for m in mail.outbox] == [[address], [address]]
    french = next(m for m in mail.outbox if m.subject.startswith("Rédaction"))
    assert "francoise" in french.body and "newcomer" not in french.body
    # Each link in its mail's language, whatever the page's.
    english = next(m for m in mail.outbox if m is not french)
    assert "/fr/newsroom/password-reset/" in french.body
    assert "/fr/" not in english.body and "/newsroom/password-reset/" in english.body

    mail.outbox.clear()
    erin_address = f"erin-{uuid.uuid4().hex}@example.org"
    erin = account("erin", roles.REPORTERS, email=erin_address)
    languages.record(erin, "en")
    with translation.override("fr"):
        assert mail_password_reset(erin_address, "fr", SUBJECT, BODY) == 1
    (message,) = mail.outbox
    assert message.subject == "iccwatch newsroom: choose your password"
    assert "Open this link to choose it (it works once):" in message.body


@pytest.mark.parametrize(
    ("language", "subject", "prefix"),
    [
        ("fr", "Rédaction d’iccwatch\u00a0: choisissez votre mot de passe", "/fr"),
        ("en", "iccwatch newsroom: choose your password", ""),
    ],
)
def test_a_password_link_asked_in_french_opens_the_french_page(
    db, language, subject, prefix, django_capture_on_commit_callbacks
):
    """Asked on the French reset page (/fr/newsroom/password-reset/) by an account that
    never used the newsroom, the mail was French but its link, /newsroom/password-reset/…,
    opened the page in whatever language the browser it was opened in had: it is
    /fr/newsroom/password-reset/…, which opens the French page, as the newsroom's other
    mails link their pages. Asked in English, the link is as it was."""
    address = f"sam-{uuid.uuid4().hex}@example.org"  # the limits' counts outlive a test
    account("sam", roles.REPORTERS, email=address)
    browser = Client(REMOTE_ADDR=f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}")
    form = browser.get(f"{prefix}/newsroom/password-reset/", follow=True)
    assert form.status_code == 200 and f'<html lang="{language}">' in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = browser.post(reverse("newsroom:password-reset"), {"email": address})
    assert sent.status_code == 302
    (message,) = mail.outbox
    assert message.subject == subject
    link = re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)
    assert re.fullmatch(rf"{prefix}/newsroom/password-reset/[^/]+/[^/]+/", link), link

    # Opened in a browser that never chose a language (its own says English): the page
    # to choose the password, in the mail's language.
    elsewhere = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = elsewhere.get(link, follow=True)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="new_password1"' in body and f'<html lang="{language}">' in body
    assert page.redirect_chain[-1][0].endswith("/set-password/")  # the token left the address
