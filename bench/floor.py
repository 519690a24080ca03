"""The floor: one set-based SQL statement that classifies every visit.

It applies docs/DOMAIN.md's verdict table to each visit in a single INSERT ... SELECT,
with the state timelines computed in a CTE (Art. 126 entry into force, Art. 127
withdrawal, revoked withdrawals) and correlated EXISTS subqueries against the
warrants and declarations: what the database alone can do, with no explanation,
no basis, no warrant links and no history. The Python pipeline does all of that,
so the floor is a lower bound, not an equivalent; `agreement()` checks that the two
at least agree on the code.

Simplifications (they touch well under 1% of visits, and `agreement()` counts them):
a partial visit date is read as its whole period (the rule tries each possible day
and may say `pending` when they disagree), and a warrant date known only to the
month is read as its first day (the rule reads it both ways).
"""

from __future__ import annotations

from django.db import connection, transaction

FLOOR_TABLE = "bench_floor_verdict"

# The state timelines (200 rows): what flagging.state_facts computes in Python.
_TIMELINES = """
WITH ev AS (
    SELECT state_id,
           max(date) FILTER (WHERE kind = 'deposited') AS dep,
           max(date) FILTER (WHERE kind = 'entry_into_force') AS eif,
           max(date) FILTER (WHERE kind = 'withdrawal_notified') AS wn,
           max(date) FILTER (WHERE kind = 'withdrawal_effective') AS weff,
           max(date) FILTER (WHERE kind = 'withdrawal_revoked') AS wr
    FROM states_treatyevent GROUP BY state_id
), st0 AS (
    SELECT s.id,
           coalesce(ev.eif, CASE WHEN ev.dep <= DATE '2002-04-11' THEN DATE '2002-07-01'
                                 ELSE (date_trunc('month', ev.dep + 60) + interval '1 month')::date END) AS eif,
           coalesce(ev.weff, (ev.wn + interval '1 year')::date) AS weff, ev.wr
    FROM states_state s LEFT JOIN ev ON ev.state_id = s.id
), st1 AS (
    -- A withdrawal revoked before it takes effect never takes effect.
    SELECT id, eif, CASE WHEN wr IS NOT NULL AND wr < weff THEN NULL ELSE weff END AS weff FROM st0
), st AS (
    -- A state that withdrew before the Statute entered into force for it was never a party.
    SELECT id, eif, weff, eif IS NOT NULL AND (weff IS NULL OR eif < weff) AS ever_party FROM st1
), vv AS (
    SELECT v.id, v.person_id, v.host_id, v.status, v.outcome, v.review_state, v.host_notified, v.start,
           v.host_control,
           p.situation_id,
           CASE coalesce(v.end_precision, v.start_precision)
               WHEN 'month' THEN (date_trunc('month', coalesce(v."end", v.start)) + interval '1 month - 1 day')::date
               WHEN 'year' THEN (date_trunc('year', coalesce(v."end", v.start)) + interval '1 year - 1 day')::date
               ELSE coalesce(v."end", v.start)
           END AS last
    FROM visits_visit v JOIN warrants_person p ON p.id = v.person_id
)
"""

# A warrant w is in force during the visit, usable (public or notified) on some day
# ua..ub of it, and the host bound on one of those days.
_IN_FORCE = """
    w.person_id = vv.person_id AND coalesce(w.issued, w.made_public) <= vv.last
    AND (w.ended IS NULL OR w.ended >= vv.start)
"""
_USABLE = (
    _IN_FORCE
    + """
    AND (vv.host_notified OR w.made_public <= least(vv.last, coalesce(w.ended, vv.last)))
"""
)
_UA = "greatest(vv.start, coalesce(w.issued, w.made_public), CASE WHEN vv.host_notified THEN vv.start ELSE w.made_public END)"
_UB = "least(vv.last, coalesce(w.ended, vv.last))"
_BOUND = (
    _USABLE
    + f"""
    AND (
        (st.ever_party AND st.eif <= {_UB} AND (st.weff IS NULL OR st.weff > {_UA}))
        OR (st.ever_party AND st.weff IS NOT NULL AND {_UB} >= st.weff AND coalesce(w.issued, w.made_public) < st.weff)
        OR EXISTS (SELECT 1 FROM states_declaration d
                   WHERE d.state_id = vv.host_id AND d.situation_id = vv.situation_id AND d.lodged <= {_UB})
        OR EXISTS (SELECT 1 FROM states_securitycouncilreferral r
                   JOIN states_securitycouncilreferral_bound_states b ON b.securitycouncilreferral_id = r.id
                   WHERE b.state_id = vv.host_id AND r.situation_id = vv.situation_id AND r.adopted <= {_UB})
    )
"""
)

CLASSIFY = f"""
{_TIMELINES}
SELECT vv.id,
    CASE
        WHEN vv.review_state IN ('rejected', 'withdrawn') THEN 'withdrawn'
        WHEN vv.review_state <> 'verified' OR vv.outcome = 'unknown' THEN 'pending'
        WHEN vv.status = 'announced' AND vv.start IS NOT NULL THEN 'upcoming'
        WHEN vv.status IN ('cancelled', 'virtual') THEN 'deterred'
        WHEN vv.start IS NULL THEN 'pending'
        WHEN NOT EXISTS (SELECT 1 FROM warrants_warrant w WHERE {_IN_FORCE}) THEN 'no_warrant_in_force'
        WHEN NOT EXISTS (SELECT 1 FROM warrants_warrant w WHERE {_USABLE}) THEN 'warrant_not_public'
        WHEN vv.host_control = 'none' THEN 'no_control'
        WHEN vv.outcome IN ('arrested', 'self_surrendered') THEN 'complied'
        WHEN NOT EXISTS (SELECT 1 FROM warrants_warrant w WHERE {_BOUND}) THEN 'no_obligation'
        WHEN vv.status IN ('occurred', 'transit') AND vv.outcome IN ('not_arrested', 'left_early', 'released')
            THEN 'non_compliance'
        ELSE 'pending'
    END
FROM vv JOIN st ON st.id = vv.host_id
"""

# The shape the issue measured (0.54 s): the incidents only, EXISTS in the WHERE clause.
INCIDENTS_ONLY = f"""
{_TIMELINES}
SELECT count(*) FROM vv JOIN st ON st.id = vv.host_id
WHERE vv.review_state = 'verified' AND vv.status IN ('occurred', 'transit')
  AND vv.outcome IN ('not_arrested', 'left_early', 'released')
  AND EXISTS (SELECT 1 FROM warrants_warrant w WHERE {_BOUND})
"""


def prepare() -> None:
    """(Re)create the scratch table the floor writes to (a logged table, like visits_verdict)."""
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        cur.execute(f"CREATE TABLE {FLOOR_TABLE} (visit_id bigint PRIMARY KEY, code text NOT NULL)")


def classify_into_table(*, jit: bool = False) -> int:
    """The floor: classify every visit and write (visit_id, code) rows, in one statement.

    PostgreSQL's JIT compiler, on by default, spends about a second compiling this
    statement's many expressions, more than it saves at 1M rows here; `jit=False`
    turns it off for the statement, which is the faster floor.
    """
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"SET LOCAL jit = {'on' if jit else 'off'}")
        cur.execute(f"TRUNCATE {FLOOR_TABLE}")
        cur.execute(f"INSERT INTO {FLOOR_TABLE} (visit_id, code) {CLASSIFY}")
        return cur.rowcount


def count_incidents(*, jit: bool = False) -> int:
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"SET LOCAL jit = {'on' if jit else 'off'}")
        cur.execute(INCIDENTS_ONLY)
        return cur.fetchone()[0]


def agreement() -> dict:
    """How the floor's codes compare with the stored verdicts: matches, and mismatches by kind."""
    with connection.cursor() as cur:
        cur.execute(
            f"""
            SELECT f.code, vd.code, (v.start_precision <> 'day' OR v.end_precision <> 'day'
                                     OR EXISTS (SELECT 1 FROM warrants_warrant w WHERE w.person_id = v.person_id
                                                AND (w.issued_precision <> 'day' OR w.made_public_precision <> 'day'))),
                   count(*)
            FROM {FLOOR_TABLE} f JOIN visits_verdict vd ON vd.visit_id = f.visit_id
            JOIN visits_visit v ON v.id = f.visit_id
            GROUP BY 1, 2, 3
            """
        )
        rows = cur.fetchall()
    total = sum(r[3] for r in rows)
    same = sum(r[3] for r in rows if r[0] == r[1])
    mismatches = sorted(
        (
            (f"{floor}->{rule}" + (" (partial date)" if partial else ""), n)
            for floor, rule, partial, n in rows
            if floor != rule
        ),
        key=lambda x: -x[1],
    )
    return {"compared": total, "same": same, "mismatches": mismatches}


def drop() -> None:
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")


# --- The write floor -----------------------------------------------------------------
#
# What PostgreSQL alone takes to write the rows a first pass writes: every verdict, its
# warrant links and its history row, copied by INSERT ... SELECT from the stored ones
# into scratch tables with the same columns, defaults, checks, indexes and foreign keys.
# No Python, no rule, no reads of the facts: a lower bound for any first pass that stores
# what this one stores.

WRITE_TABLES = {
    "bench_write_verdict": "visits_verdict",
    "bench_write_warrants": "visits_verdict_warrants",
    "bench_write_change": "visits_verdictchange",
}


def add_verdict_keys(cur, prefix: str) -> None:
    """Give scratch tables named `{prefix}_verdict`, `{prefix}_change` and `{prefix}_warrants`
    the verdict tables' foreign keys, deferred as theirs are (checked at commit)."""
    for table, column, target in (
        (f"{prefix}_verdict", "visit_id", "visits_visit(id)"),
        (f"{prefix}_change", "visit_id", "visits_visit(id)"),
        (f"{prefix}_warrants", "verdict_id", f"{prefix}_verdict(visit_id)"),
        (f"{prefix}_warrants", "warrant_id", "warrants_warrant(id)"),
    ):
        cur.execute(
            f"ALTER TABLE {table} ADD FOREIGN KEY ({column}) REFERENCES {target} "
            "DEFERRABLE INITIALLY DEFERRED"
        )


def prepare_writes() -> None:
    """(Re)create the write floor's scratch tables: LIKE the verdict tables INCLUDING ALL
    (their own identity, so the real sequences do not move), with the same foreign keys."""
    drop_writes()
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE bench_write_verdict (LIKE visits_verdict INCLUDING ALL)")
        cur.execute(
            "CREATE TABLE bench_write_change (LIKE visits_verdictchange INCLUDING ALL EXCLUDING IDENTITY)"
        )
        cur.execute(
            "CREATE TABLE bench_write_warrants (LIKE visits_verdict_warrants INCLUDING ALL EXCLUDING IDENTITY)"
        )
        add_verdict_keys(cur, "bench_write")


def write_stored_rows(*, verdicts_only: bool = False) -> int:
    """Copy every stored verdict (and, unless `verdicts_only`, its warrant links and history
    rows) into the scratch tables in one transaction, the foreign keys checked before it
    ends, as a pass's are at its commit; returns the rows written. The tables are emptied first."""
    written = 0
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL jit = off")
        cur.execute(f"TRUNCATE {', '.join(WRITE_TABLES)}")
        for scratch, table in WRITE_TABLES.items():
            if verdicts_only and table != "visits_verdict":
                continue
            cur.execute(f"INSERT INTO {scratch} SELECT * FROM {table}")
            written += cur.rowcount
        # The deferred foreign keys are checked here, as a pass's are at its commit (and
        # so also inside an enclosing transaction, which would otherwise defer them).
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return written


def stored_sizes() -> dict[str, dict]:
    """Rows and total size on disk (MiB, indexes included) of each verdict table."""
    sizes = {}
    with connection.cursor() as cur:
        for table in WRITE_TABLES.values():
            cur.execute(
                f"SELECT count(*), pg_total_relation_size(%s) / 1048576.0 FROM {table}", [table]
            )
            rows, mib = cur.fetchone()
            sizes[table] = {"rows": rows, "mib": round(float(mib), 1)}
    return sizes


def drop_writes() -> None:
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {', '.join(WRITE_TABLES)} CASCADE")
