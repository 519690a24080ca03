"""manage.py create_account: roles, the language of its mails, no password on the command
line, a one-time link to set it; the password validators (at least 12 characters, not
common, not all digits)."""

import io
import re

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from accounts import languages
from accounts.models import NewsroomLanguage
from core import roles

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.urls")]


def create(*args, **options) -> str:
    out = io.StringIO()
    call_command("create_account", *args, stdout=out, **options)
    return out.getvalue()


def link_in(output: str) -> str:
    return re.search(r"(https?://\S+)", output).group(1)


def test_create_account_gives_roles_and_no_usable_password():
    output = create(
        "nadia", "--email", "nadia@example.org", "--role", "reporter", "--role", "reviewer"
    )
    user = User.objects.get(username="nadia")
    assert user.email == "nadia@example.org" and not user.has_usable_password()
    assert roles.roles_of(user) == ["reporter", "reviewer"] and not user.is_staff
    assert "reporter, reviewer" in output
    link = link_in(output)
    assert link.startswith("http://127.0.0.1:8000/newsroom/password-reset/")

    create("ada", email="ada@example.org", role=["admin"], base_url="https://iccwatch.example.org/")
    ada = User.objects.get(username="ada")
    assert roles.is_admin(ada) and ada.is_staff and not ada.is_superuser


@pytest.mark.parametrize(
    ("configured", "given", "said"),
    [
        (
            "",
            "",
            "The link starts with http://127.0.0.1:8000, the development default: set "
            "ICCWATCH_BASE_URL (or give --base-url) to the address its owner opens the site at.",
        ),
        (
            "http://127.0.0.1:8106",
            "",
            "The link starts with http://127.0.0.1:8106 (ICCWATCH_BASE_URL).",
        ),
        (
            "http://127.0.0.1:8106",
            "https://iccwatch.example.org/",
            "The link starts with https://iccwatch.example.org (--base-url).",
        ),
    ],
    ids=["default", "variable", "option"],
)
def test_create_account_says_which_address_its_link_starts_with(settings, configured, given, said):
    """A newcomer serving the site on another port (`up --port 8106`) got a link to
    http://127.0.0.1:8000/ and no word of where that address came from, nor how to change it."""
    settings.ICCWATCH_BASE_URL = configured
    output = create("nadia", email="nadia@example.org", role=["reporter"], base_url=given)
    lines = output.splitlines()
    assert lines[-1] == said, output
    assert link_in(lines[-2]).startswith(said.split()[4].rstrip(",") + "/newsroom/")


def test_the_link_sets_the_password_once(client):
    link = link_in(create("nadia", email="nadia@example.org", role=["reporter"]))
    path = link.removeprefix("http://127.0.0.1:8000")
    response = client.get(path)
    assert response.status_code == 302  # to the same page without the token in its address
    form_url = response["Location"]
    response = client.get(form_url)
    assert response.context["validlink"]
    # Too short: refused by the validators, the link still works.
    response = client.post(form_url, {"new_password1": "short-pw", "new_password2": "short-pw"})
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    new = "correct horse battery 42"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert User.objects.get(username="nadia").check_password(new)
    # Used once: the same link is now refused.
    fresh = type(client)()
    response = fresh.get(path, follow=True)
    assert response.context["validlink"] is False


@pytest.mark.parametrize(
    ("args", "options", "message"),
    [
        (("nadia",), {"email": "x@example.org", "role": ["reporter"]}, "already exists"),
        (("NADIA",), {"email": "x@example.org", "role": ["reporter"]}, "already exists"),
        (("omar",), {"email": "not-an-address", "role": ["reporter"]}, "is not an email address"),
        (
            ("omar",),
            {"email": " Nadia@Example.org", "role": ["reporter"]},
            "Another account has the email address 'Nadia@Example.org'",
        ),
        (("omar",), {"email": "o@example.org", "role": ["editor"]}, "Unknown role 'editor'"),
        (("om ar",), {"email": "o@example.org", "role": ["reporter"]}, "Invalid username"),
        (
            ("omar",),
            {"email": "o@example.org", "role": ["reporter"], "language": "de"},
            "Unknown language 'de': use en, fr",
        ),
        (
            ("omar", "--language", "fr-ca"),
            {"email": "o@example.org", "role": ["reporter"]},
            "argument --language: invalid choice: 'fr-ca'",
        ),
        (
            ("omar",),
            {"email": "o@example.org", "role": ["reporter"], "base_url": "ftp://x"},
            "is not an http(s) address",
        ),
    ],
    ids=[
        "existing",
        "existing-other-case",
        "bad-email",
        "email-of-another-account",
        "unknown-role",
        "bad-username",
        "unknown-language",
        "unknown-language-on-the-command-line",
        "bad-url",
    ],
)
def test_create_account_refuses_clearly(args, options, message):
    User.objects.create_user("nadia", "nadia@example.org")
    with pytest.raises(CommandError, match=re.escape(message)):
        create(*args, **options)
    assert User.objects.count() == 1
    assert not NewsroomLanguage.objects.exists()


def test_create_account_records_the_language_of_the_accounts_mails():
    """--language is recorded as the newsroom records it (accounts.languages.record): every
    mail to the account is in it until the account uses the newsroom, whatever language
    the mail's occasion names; without it, nothing is recorded (the mail's occasion's
    language, else the site's default)."""
    output = create(
        "nadia", "--email", "nadia@example.org", "--role", "reporter", "--language", "fr"
    )
    nadia = User.objects.get(username="nadia")
    assert NewsroomLanguage.objects.get(user=nadia).language == "fr"
    assert languages.language_of(nadia, "en") == "fr"
    assert "Its mails are in French (fr)" in output
    create("omar", email="omar@example.org", role=["reviewer"])
    omar = User.objects.get(username="omar")
    assert not NewsroomLanguage.objects.filter(user=omar).exists()
    assert languages.language_of(omar, "fr") == "fr"


def test_the_help_of_language_says_what_happens_without_it():
    """--language's help said "default: the site's (en)": without it nothing is recorded,
    and an account's first mails are in the language of their occasion (a password link
    asked from a French page is French), the site's only when there is none."""
    from django.core.management import get_commands, load_command_class

    command = load_command_class(get_commands()["create_account"], "create_account")
    parser = command.create_parser("manage.py", "create_account")
    (language,) = [a for a in parser._actions if "--language" in a.option_strings]
    assert language.default is None
    assert "default: the site's" not in language.help
    assert "Without it, nothing is recorded" in language.help
    assert "the language of its occasion" in language.help


def test_there_is_no_way_to_give_a_password_on_the_command_line():
    with pytest.raises(TypeError):
        create("omar", email="o@example.org", role=["reporter"], password="hunter2hunter2")
    with pytest.raises(CommandError):
        call_command(
            "create_account",
            "omar",
            "--email",
            "o@example.org",
            "--role",
            "reporter",
            "--password",
            "hunter2hunter2",
        )


@pytest.mark.parametrize(
    "password",
    ["eleven-char", "123456789012345", "password1234", "nadia-example-org"],
    ids=["too-short", "all-digits", "common", "like-the-email"],
)
def test_weak_passwords_are_refused(password):
    user = User(username="nadia", email="nadia-example-org@example.org")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_uncommon_password_is_accepted():
    validate_password("correct horse battery 42", User(username="nadia"))


# --- One account per username and per email address, in the admin too -------------------


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("adm1", "adm1@example.org", "x" * 20))
    return client


def change_page_post(client, user, **changes):
    from django.urls import reverse
    from django.utils import timezone

    from tests.security.helpers import admin_form_data

    url = reverse("admin:auth_user_change", args=[user.pk])
    data = admin_form_data(client.get(url))
    data.pop("date_joined")  # a split widget: a date and a time
    joined = timezone.localtime(user.date_joined)
    data["date_joined_0"], data["date_joined_1"] = f"{joined:%Y-%m-%d}", f"{joined:%H:%M:%S}"
    return client.post(url, {**data, **changes})


def test_the_admin_refuses_a_username_another_account_holds_in_any_case(admin_client):
    """Measured defect: renaming an account "Rep1" while "rep1" existed was accepted on the
    admin's page of an account (its add form refused it), and both signed in."""
    User.objects.create_user("rep1", "rep1@example.org")
    rep5 = User.objects.create_user("rep5", "rep5@example.org")
    response = change_page_post(admin_client, rep5, username="Rep1")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["username"] == [
        "A user with that username already exists."
    ]
    rep5.refresh_from_db()
    assert rep5.username == "rep5"
    # Its own name in another case is its own.
    assert change_page_post(admin_client, rep5, username="Rep5").status_code == 302


def test_the_admin_refuses_an_email_address_another_account_holds_in_any_case(admin_client):
    """A password reset mails a link to every account of the address: an address given to
    two accounts would let its mailbox's owner set both passwords."""
    from django.urls import reverse

    User.objects.create_user("rep1", "rep1@example.org")
    rep5 = User.objects.create_user("rep5", "rep5@example.org")
    response = change_page_post(admin_client, rep5, email="REP1@example.org")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"] == [
        "Another account has this email address."
    ]
    assert change_page_post(admin_client, rep5, email="Rep5@Example.org").status_code == 302
    assert change_page_post(admin_client, rep5, email="").status_code == 302
    User.objects.create_user("rep6")  # no address: nobody's
    assert change_page_post(admin_client, rep5, email="").status_code == 302

    add = reverse("admin:auth_user_add")
    fields = {"usable_password": "false", "password1": "", "password2": ""}
    response = admin_client.post(
        add, {"username": "newbie2", "email": " rep1@EXAMPLE.org", **fields}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"] == [
        "Another account has this email address."
    ]
    response = admin_client.post(add, {"username": "newbie2", **fields})
    assert response.context["adminform"].form.errors["email"] == ["This field is required."]
    response = admin_client.post(
        add, {"username": "newbie2", "email": "newbie2@example.org", **fields}
    )
    assert response.status_code == 302
    assert User.objects.get(username="newbie2").email == "newbie2@example.org"

    admin_client.cookies["django_language"] = "fr"
    response = change_page_post(admin_client, rep5, email="rep1@example.org")
    assert response.context["adminform"].form.errors["email"] == [
        "Un autre compte a cette adresse électronique."
    ]


def test_accounts_already_sharing_an_address_or_a_name_can_still_be_saved(admin_client):
    """Measured defect: two accounts made before the rule (one address in two cases, one
    name in two cases) could no longer be saved in the admin, not even to turn one off:
    the forms checked the address and the name even unchanged. They check them only
    when changed, and the system check `accounts.W001` names such accounts."""
    from django.core import checks

    from accounts.checks import shared_names_and_addresses

    User.objects.create_user("rep1", "shared@example.org")
    twin = User.objects.create_user("Rep1", "SHARED@example.org")
    User.objects.create_user("rep2", "")
    User.objects.create_user("rep3", "")  # no address: nobody's, never reported
    response = change_page_post(admin_client, twin, is_active="")
    assert response.status_code == 302
    twin.refresh_from_db()
    assert not twin.is_active
    # A change to another taken name or address is still refused.
    response = change_page_post(admin_client, twin, username="REP2")
    assert response.context["adminform"].form.errors["username"]
    response = change_page_post(admin_client, twin, email="Shared@example.org")
    assert response.context["adminform"].form.errors["email"]

    found = shared_names_and_addresses(None)
    assert [(w.level, w.id) for w in found] == [(checks.WARNING, "accounts.W001")] * 2
    messages = " ".join(w.msg for w in found)
    assert "“rep1”, “Rep1”" in messages and "shared@example.org" in messages
    assert "rep2" not in messages and "rep3" not in messages
    assert any(
        w.id == "accounts.W001" for w in checks.run_checks(tags=["database"], databases=["default"])
    )


class _Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize(
    "username, email, message",
    [
        ("USER0", "root@example.org", "Another account has the username 'USER0'"),
        ("root", "U0@X.org", "Another account has the email address 'U0@X.org'"),
    ],
)
def test_createsuperuser_refuses_a_taken_username_or_address(username, email, message):
    """Measured defect: `createsuperuser --noinput --username USER0 --email u0@x.org`
    created a second account while "user0" (u0@x.org) existed: the project's command
    skipped the rules of the admin's forms and `create_account`."""
    User.objects.create_user("user0", "u0@x.org")
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command(
            "createsuperuser",
            "--noinput",
            "--username",
            username,
            "--email",
            email,
            stdout=io.StringIO(),
        )
    assert User.objects.count() == 1


def test_createsuperuser_asks_again_for_a_taken_username_or_address(monkeypatch):
    User.objects.create_user("user0", "u0@x.org")
    answers = iter(["User0", "root", "U0@x.org", "root@example.org"])
    monkeypatch.setattr("builtins.input", lambda message="": next(answers))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "a-long-uncommon-pass-phrase")
    stderr = io.StringIO()
    call_command("createsuperuser", stdin=_Terminal(), stdout=io.StringIO(), stderr=stderr)
    assert "Another account has the username 'User0'" in stderr.getvalue()
    assert "Another account has the email address 'U0@x.org'" in stderr.getvalue()
    root = User.objects.get(username="root")
    assert root.is_superuser and root.email == "root@example.org"
