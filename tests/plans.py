"""Reading PostgreSQL's plan for a query on the small test database as a large one would
be planned: what the plan tests pin is that an index *can* answer the query.

The seed is too small for PostgreSQL to prefer an index on its own, so every other way is
made dear (DEAR), and the tables are analyzed first: the plan then depends on the data as
it is now, not on the statistics the tests before left (they differ with the order and
the worker process a test runs in).
"""

from django.db import connection

# Every way around an index made dear, incremental sorts included (PostgreSQL 18, the
# embedded server, sorted the rows of another index on the page's second key).
DEAR = ("enable_seqscan", "enable_bitmapscan", "enable_sort", "enable_incremental_sort")


def plan_of(sql: str, tables: tuple[str, ...] = ("visits_visit", "visits_verdict")) -> str:
    """EXPLAIN's text for `sql` (parameters already inlined), after ANALYZE of `tables`,
    with the DEAR settings off for this statement's transaction and reset after."""
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {', '.join(tables)}")
        for setting in DEAR:
            cur.execute(f"SET LOCAL {setting} = off")
        cur.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cur.fetchall())
        for setting in DEAR:
            cur.execute(f"RESET {setting}")
    return plan
