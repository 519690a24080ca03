"""Reads run as prepared statements: parsed and planned once per connection and statement.

Django binds parameters on the client and never prepares a statement, so PostgreSQL
plans every query anew. For a page whose query joins six tables, planning takes about
1.2 ms and running it 0.2 ms (the API's visit list on the seed data); as a prepared
statement, PostgreSQL plans it once (once it settles on a generic plan, after five runs;
for some parameters it keeps planning each run, as it judges best) and then only runs it.

`fetch` runs one query that way, through Django's cursor wrapper (so query logging,
execute wrappers and error translation apply as for any other query), with the
parameters bound on the server. Only for SQL whose parameters PostgreSQL can type by
itself (`col = %s`, `col = ANY(%s)`, not `%s IS NULL`). A statement is prepared from its
third run on a connection, so that one read once (a deep page a crawler visits: Django
writes LIMIT and OFFSET into the SQL, so each page number is another statement) costs no
extra round trip and takes no place among psycopg's 100 prepared statements.

A prepared statement outlives a migration that changes the type of a column it returns:
PostgreSQL then refuses it ("cached plan must not change result type") until the
connection closes. Outside a transaction `fetch` forgets the connection's prepared
statements and runs the query again; inside one the transaction has failed anyway, and
its rollback makes psycopg forget them.

Preparing needs `OPTIONS["prepare_threshold"]` set on the connection (settings:
ICCWATCH_PREPARED_STATEMENTS, on by default; the threshold is set so high that psycopg
prepares nothing else of itself). Without it, `fetch` runs the same query unprepared:
a transaction-mode connection pooler that does not keep prepared statements per client
(PgBouncer before 1.21, or without `max_prepared_statements`) needs it off.
"""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Sequence
from contextlib import contextmanager

from django.db import DatabaseError, connection
from django.db.backends.postgresql.base import CursorDebugWrapper, ServerBindingCursor

# A statement is prepared from this many earlier runs on the same connection.
PREPARE_AFTER = 2
# How many statements' runs are counted per connection before the count starts again.
_COUNTED = 1000
# SQLSTATEs of a prepared statement PostgreSQL no longer runs: its result type changed
# (0A000, feature_not_supported), or it is gone (26000, invalid_sql_statement_name).
_STALE = {"0A000", "26000"}

_runs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # psycopg connection -> Counter


class _Cursor(ServerBindingCursor):
    """A server-binding cursor that prepares its statement when told to (`prepare`)."""

    prepare = False

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=self.prepare, binary=binary)


class _LoggingCursor(CursorDebugWrapper):
    """Django's debug cursor (used while queries are logged: DEBUG, the tests' query
    counts), logging the statement with its parameters in it, as Django logs the
    queries it binds itself, so that a logged query can be run or explained again."""

    @contextmanager
    def debug_sql(self, sql=None, params=None, use_last_executed_query=False, many=False):
        with super().debug_sql(self.db.ops.compose_sql(sql, params), None, False, many):
            yield


def _run(sql: str, params: Sequence, prepare: bool, rows: bool = True) -> list[tuple]:
    raw = _Cursor(connection.connection)
    raw.prepare = prepare
    cursor = (
        _LoggingCursor(raw, connection)
        if connection.queries_logged
        else connection.make_cursor(raw)
    )
    with cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if rows else []


def _history_context_active() -> bool:
    """Whether pghistory's context wraps this connection's statements (its execute
    wrapper, installed while a `pghistory.context` is open on this thread)."""
    from pghistory import runtime

    return runtime._inject_history_context in connection.execute_wrappers


def _stale(error: DatabaseError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) in _STALE


def fetch(sql: str, params: Sequence = ()) -> list[tuple]:
    """The rows of `sql` (with `%s` placeholders) as tuples, run on Django's connection,
    inside its current transaction if any, as a prepared statement from its third run.

    Values come as psycopg loads them with Django's adapters (aware datetimes in UTC,
    jsonb as text), without the ORM's per-field converters. Raises what Django's cursor
    raises (django.db.DatabaseError and its subclasses).

    Inside a history context (core.history.recording: a command, a write request) the
    query runs as Django runs any other, bound on the client: pghistory puts a `SELECT
    set_config(...)` before each statement, and PostgreSQL neither prepares nor binds on
    the server a string of two commands.
    """
    connection.ensure_connection()
    connection.validate_thread_sharing()
    if _history_context_active():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    runs = _runs.setdefault(connection.connection, Counter())
    if len(runs) > _COUNTED:
        runs.clear()
    prepare = runs[sql] >= PREPARE_AFTER
    runs[sql] += 1
    try:
        return _run(sql, params, prepare)
    except DatabaseError as error:
        if not (prepare and _stale(error)) or connection.in_atomic_block:
            raise
    # Outside a transaction nothing failed but the statement: psycopg forgets every
    # prepared statement of the connection when it sees DEALLOCATE ALL go through.
    _run("DEALLOCATE ALL", (), False, rows=False)
    return _run(sql, params, prepare)
