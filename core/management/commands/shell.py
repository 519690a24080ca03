"""manage.py shell, with every write recorded in the history as made through the shell.

The same shell as Django's; the changes made in it (or by `-c`) carry the path `shell`
and the operating-system account that ran it (core.history).
"""

from django.core.management.commands import shell

from core.history import WritePath, os_user, recording


class Command(shell.Command):
    def handle(self, **options):
        with recording(WritePath.SHELL, os_user=os_user()):
            return super().handle(**options)
