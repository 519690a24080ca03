"""manage.py createsuperuser: Django's command, recording in the account's history
(accounts.history) that a command created the account, and which operating-system
account ran it (core.history.recording_command)."""

from django.contrib.auth.management.commands import createsuperuser

from core.history import recording_command


class Command(createsuperuser.Command):
    def handle(self, *args, **options):
        with recording_command("createsuperuser"):
            return super().handle(*args, **options)
