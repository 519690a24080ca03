#!/usr/bin/env python3
"""Check that the working tree's visits/flagging.py writes exactly what git HEAD's does.

    .venv/bin/python bench/reevaluate.py --visits 100000 --workers 0   # some data
    .venv/bin/python bench/check_identical.py [--rev HEAD]

For each version, inside a transaction that is rolled back afterwards: evaluate every
visit, change some facts (warrant dates, deposits) and queue outbox requests with
reasons, evaluate again, and again (nothing should change). Then compare digests of
every verdict, warrant link and history row (all columns but timestamps) and the
counts. Both versions use the working tree's rule engine.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.compare import load_committed_flagging  # noqa: E402
from bench.reevaluate import reset_verdicts, setup_django  # noqa: E402

DIGEST = r"""
SELECT
 (SELECT md5(string_agg(concat_ws('|', visit_id, code, basis, would_have_been_bound, explanation, self_check,
                                  rule_version), E'\n' ORDER BY visit_id)) FROM visits_verdict),
 (SELECT md5(string_agg(concat_ws('|', verdict_id, warrant_id), E'\n' ORDER BY verdict_id, warrant_id))
  FROM visits_verdict_warrants),
 (SELECT md5(string_agg(concat_ws('|', visit_id, old_code, new_code, old_basis, new_basis, explanation, cause,
                                  rule_version), E'\n' ORDER BY visit_id, id)) FROM visits_verdictchange),
 (SELECT count(*) FROM visits_verdictchange),
 (SELECT count(*) FROM visits_evaluationrequest)
"""

CHANGE = """
UPDATE warrants_warrant SET issued = issued + 400, made_public = made_public + 400
 WHERE id % 7 = 0 AND (ended IS NULL OR ended >= issued + 400);
UPDATE states_treatyevent SET date = date - 3000 WHERE kind = 'deposited' AND state_id % 5 = 0;
INSERT INTO visits_evaluationrequest (visit_id, requested_at, reason)
 SELECT id, '2026-01-01T00:00:00Z',
        json_build_array(json_build_object('key', 'edited', 'object', 'warrant', 'name', 'w-' || id))::text
 FROM visits_visit WHERE id % 3 = 0;
"""


def run(module) -> tuple:
    from django.db import connection, transaction

    with transaction.atomic():
        reset_verdicts()
        first = module.evaluate_visits()
        with connection.cursor() as cur:
            cur.execute(CHANGE)
        after_change = module.evaluate_visits(cause="a change made by check_identical")
        again = module.evaluate_visits()
        with connection.cursor() as cur:
            cur.execute(DIGEST)
            digest = cur.fetchone()
        transaction.set_rollback(True)
    return digest, (first.evaluated, first.changed), after_change.changed, again.changed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rev", default="HEAD")
    args = parser.parse_args()
    setup_django()
    from visits import flagging

    committed = run(load_committed_flagging(args.rev))
    print(f"{args.rev}: {committed}", flush=True)
    current = run(flagging)
    print(f"working tree: {current}", flush=True)
    if committed != current:
        sys.exit("DIFFERENT: the two versions wrote different verdicts, links or history")
    print("identical")


if __name__ == "__main__":
    main()
