"""`manage.py dbshell` on the embedded server: start it first, as any other command would."""

from django.conf import settings
from django.db.backends.postgresql.client import DatabaseClient as PostgresClient

from devtools.embedded import EmbeddedPostgres, ensure_running_for_connection


class DatabaseClient(PostgresClient):
    """psql, run against the embedded server once it is running (dbshell opens no Django connection)."""

    def runshell(self, parameters):
        ensure_running_for_connection(EmbeddedPostgres(settings.ICCWATCH_EMBEDDED_PGDATA))
        super().runshell(parameters)
