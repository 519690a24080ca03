"""The PostgreSQL backend, plus one step before each new connection (see devtools/embedded.py).

A manage.py command starts the embedded server when it first needs the database;
any other process (a Celery worker, pytest run directly) gets a one-line error
naming `python3 manage.py up` when the server is not running.
"""

from django.conf import settings
from django.db.backends.postgresql import base

from devtools.embedded import EmbeddedPostgres, ensure_running_for_connection
from devtools.embedded_db.client import DatabaseClient


class DatabaseWrapper(base.DatabaseWrapper):
    """Django's PostgreSQL connection, to the embedded server in settings.ICCWATCH_EMBEDDED_PGDATA."""

    client_class = DatabaseClient

    def get_new_connection(self, conn_params):
        """Start the server on demand (manage.py commands) or refuse clearly, then connect."""
        ensure_running_for_connection(EmbeddedPostgres(settings.ICCWATCH_EMBEDDED_PGDATA))
        return super().get_new_connection(conn_params)
