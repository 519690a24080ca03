"""manage.py createsuperuser: Django's command, recording in the account's history
(accounts.history) that a command created the account, and which operating-system
account ran it (core.history.recording_command); refusing, as the admin's forms and
`create_account` do (accounts.forms), a username another account holds in any case and
an email address another account holds: with --noinput, a CommandError; asked for, the
error and the question again."""

import os

from django.contrib.auth.management.commands import createsuperuser
from django.core.management.base import CommandError

from accounts.forms import email_taken, username_taken
from core.history import recording_command


def _username_error(username: str, database: str) -> str | None:
    if username and username_taken(username, using=database):
        return (
            f"Error: Another account has the username {username!r} in some case: "
            "two names differing only in case read as one account."
        )
    return None


def _email_error(email: str, database: str) -> str | None:
    if email_taken(email, using=database):
        return (
            f"Error: Another account has the email address {email!r}: a password link "
            "would go to both."
        )
    return None


class Command(createsuperuser.Command):
    def handle(self, *args, **options):
        email_field = self.UserModel.get_email_field_name()
        if email_field in self.UserModel.REQUIRED_FIELDS:
            email = options.get(email_field)
            if email is None and not options["interactive"]:
                email = os.environ.get(f"DJANGO_SUPERUSER_{email_field.upper()}")
            error = _email_error(email or "", options["database"])
            if error:
                raise CommandError(error.removeprefix("Error: "))
        self._database = options["database"]
        with recording_command("createsuperuser"):
            return super().handle(*args, **options)

    def _validate_username(self, username, verbose_field_name, database):
        """Django's checks, then another account's username in any case (with --noinput
        a CommandError, asked for the question again)."""
        return super()._validate_username(
            username, verbose_field_name, database
        ) or _username_error(username, database)

    def get_input_data(self, field, message, default=None):
        """An answer typed, as Django's; an email address another account holds is
        refused, and asked for again."""
        value = super().get_input_data(field, message, default)
        if field.name == self.UserModel.get_email_field_name() and value:
            error = _email_error(value, self._database)
            if error:
                self.stderr.write(error)
                return None
        return value
