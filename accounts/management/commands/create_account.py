"""manage.py create_account USERNAME --email E --role reporter|reviewer|admin [--role ...]
[--language en|fr]

Creates a staff account with no usable password, gives it its roles (core.roles) and
prints a one-time link where its owner sets a password (Django's password-reset token:
it stops working once the password is set, or after PASSWORD_RESET_TIMEOUT), and which
address the link starts with and what chose it (`link_base`). No
password is ever typed on the command line, where shell history and process lists
would keep it. A username or an email address another account holds, in any case, is
refused (accounts.forms). The account's history (accounts.history) records that this
command created it, with its roles, and which operating-system account ran it.

`--language` (a code of settings.LANGUAGES) is recorded as the language of the account's
mails, as if it had used the newsroom in it (accounts.languages.record), until it loads
a newsroom page in another; without it, its first mails are in the language of their
occasion, else the site's default (accounts.languages.language_of).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import languages
from accounts.forms import email_taken, username_taken
from core.history import recording_command
from core.roles import ROLES

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def language_codes() -> list[str]:
    """The codes --language takes: settings.LANGUAGES' ("en", "fr")."""
    return [code for code, _name in settings.LANGUAGES]


def set_password_path(uidb64: str, token: str) -> str:
    """The newsroom's password-reset confirmation page (Django's PasswordResetConfirmView)."""
    return reverse("newsroom:password-reset-confirm", args=[uidb64, token])


def password_link(user, base_url: str) -> str:
    """A one-time link where `user` sets their password."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url.rstrip("/") + set_password_path(uidb64, token)


def link_base(given: str) -> tuple[str, str | None]:
    """The address a password link starts with, without a trailing slash, and what chose
    it: `given` (--base-url), else ICCWATCH_BASE_URL, else DEFAULT_BASE_URL, the
    development server's default address (None: nothing chose it)."""
    chosen = ((given, "--base-url"), (settings.ICCWATCH_BASE_URL, "ICCWATCH_BASE_URL"))
    for address, source in chosen:
        if address.strip():
            return address.strip().rstrip("/"), source
    return DEFAULT_BASE_URL, None


class Command(BaseCommand):
    help = (
        "Create a staff account with one or more roles and print a one-time link to set its "
        "password (no password on the command line)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", required=True, help="The account's email address.")
        parser.add_argument(
            "--role",
            action="append",
            required=True,
            metavar="ROLE",
            help=f"One of {', '.join(ROLES)}; repeat for several roles.",
        )
        parser.add_argument(
            "--language",
            choices=language_codes(),
            help="The language of the account's mails until it uses the newsroom (which "
            "then records the language it works in). Without it, nothing is recorded: a mail "
            "is in the language of its occasion (the page a password link was asked from, "
            f"the language a reviewer acted in), else the site's ({settings.LANGUAGE_CODE}).",
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="The site's address for the link (default: ICCWATCH_BASE_URL, else "
            f"{DEFAULT_BASE_URL}).",
        )

    def handle(self, *args, username, email, role, base_url, language=None, **options):
        User = get_user_model()
        username = username.strip()
        if not username:
            raise CommandError("The username is empty.")
        try:
            User._meta.get_field(User.USERNAME_FIELD).run_validators(username)
        except ValidationError as exc:
            raise CommandError(f"Invalid username {username!r}: {' '.join(exc.messages)}") from None
        if username_taken(username):
            raise CommandError(f"An account named {username!r} already exists.")
        email = email.strip()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an email address.") from None
        if email_taken(email):
            raise CommandError(
                f"Another account has the email address {email!r}: a password link would "
                "go to both."
            )
        unknown = sorted({r for r in role if r not in ROLES})
        if unknown:
            raise CommandError(
                f"Unknown role {', '.join(map(repr, unknown))}: use {', '.join(ROLES)}."
            )
        base_url, base_url_from = link_base(base_url)
        if not base_url.startswith(("http://", "https://")):
            raise CommandError(f"{base_url_from} {base_url!r} is not an http(s) address.")
        if language is not None and language not in language_codes():
            # argparse refuses it on the command line; call_command's keywords skip argparse.
            raise CommandError(f"Unknown language {language!r}: use {', '.join(language_codes())}.")
        roles = list(dict.fromkeys(role))

        with transaction.atomic(), recording_command("create_account"):
            user = User.objects.create_user(username, email=email)  # unusable password
            user.is_staff = "admin" in roles  # the admin's templates show its links to staff
            user.save(update_fields=["is_staff"])
            for name in roles:
                group, _created = Group.objects.get_or_create(name=ROLES[name])
                user.groups.add(group)
            if language is not None:
                languages.record(user, language)

        self.stdout.write(f"Created {username} ({email}) with the roles: {', '.join(roles)}.")
        if language is not None:
            language_name = dict(settings.LANGUAGES)[language]
            self.stdout.write(
                f"Its mails are in {language_name} ({language}) until it uses the newsroom in another "
                "language."
            )
        self.stdout.write(
            "Send this one-time link to its owner to set a password (it works once, and "
            f"expires in {settings.PASSWORD_RESET_TIMEOUT // 3600} hours):"
        )
        self.stdout.write(password_link(user, base_url))
        if base_url_from is None:
            self.stdout.write(
                f"The link starts with {base_url}, the development default: set "
                "ICCWATCH_BASE_URL (or give --base-url) to the address its owner opens the "
                "site at."
            )
        else:
            self.stdout.write(f"The link starts with {base_url} ({base_url_from}).")
