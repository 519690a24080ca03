"""Reads run as prepared statements: parsed and planned once per database connection.

Django binds parameters on the client and never prepares a statement, so PostgreSQL
plans every query anew. For a page whose query joins six tables, planning takes about
1.2 ms and running it 0.2 ms (the API's visit list on the seed data); as a prepared
statement, PostgreSQL plans it once per connection (once it settles on a generic plan,
after five runs) and then only runs it.

`fetch` runs one query that way, through Django's cursor wrapper (so query logging,
execute wrappers and error translation apply as for any other query), with the
parameters bound on the server. Only for SQL whose parameters PostgreSQL can type by
itself (`col = %s`, `col = ANY(%s)`, not `%s IS NULL`).

Preparing needs `OPTIONS["prepare_threshold"]` set on the connection (settings:
ICCWATCH_PREPARED_STATEMENTS, on by default; the threshold is set so high that psycopg
prepares nothing else of itself). Without it, `fetch` runs the same query unprepared:
a transaction-mode connection pooler that does not track prepared statements (PgBouncer
before 1.21) needs it off.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager

from django.db import connection
from django.db.backends.postgresql.base import CursorDebugWrapper, ServerBindingCursor


class _PreparingCursor(ServerBindingCursor):
    """A server-binding cursor that asks psycopg to prepare every statement it runs."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


class _LoggingCursor(CursorDebugWrapper):
    """Django's debug cursor (used while queries are logged: DEBUG, the tests' query
    counts), logging the statement with its parameters in it, as Django logs the
    queries it binds itself, so that a logged query can be run or explained again."""

    @contextmanager
    def debug_sql(self, sql=None, params=None, use_last_executed_query=False, many=False):
        with super().debug_sql(self.db.ops.compose_sql(sql, params), None, False, many):
            yield


def fetch(sql: str, params: Sequence = ()) -> list[tuple]:
    """The rows of `sql` (with `%s` placeholders) as tuples, run as a prepared statement
    on Django's connection, inside its current transaction if any.

    Values come as psycopg loads them with Django's adapters (aware datetimes in UTC,
    jsonb as text), without the ORM's per-field converters. Raises what Django's cursor
    raises (django.db.DatabaseError and its subclasses).
    """
    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = _PreparingCursor(connection.connection)
    cursor = (
        _LoggingCursor(raw, connection)
        if connection.queries_logged
        else connection.make_cursor(raw)
    )
    with cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
