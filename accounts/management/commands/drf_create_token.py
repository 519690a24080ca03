"""manage.py drf_create_token USERNAME [-r]: REST framework's command, recording in the
account's history (accounts.history) that a command made or replaced the token, and
which operating-system account ran it (core.history.recording_command); never the key."""

from rest_framework.authtoken.management.commands import drf_create_token

from core.history import recording_command


class Command(drf_create_token.Command):
    def handle(self, *args, **options):
        with recording_command("drf_create_token"):
            return super().handle(*args, **options)
