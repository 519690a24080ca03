"""The re-evaluation benchmark (bench/) still runs: a small synthetic dataset, both runs, the floor.

The benchmark itself is not part of the suite (it takes minutes at 1M visits); this
runs its generator and its steps at 2,000 visits so they cannot rot.
"""

from pathlib import Path

import pytest

from bench import floor, reevaluate, synthetic
from visits.models import EvaluationRequest, Verdict, VerdictChange, Visit
from warrants.models import Person, Warrant

BENCH = Path(__file__).resolve().parent.parent.parent / "bench"

VISITS = 2_000


@pytest.fixture
def synthetic_data(db):
    return synthetic.generate(visits=VISITS, persons=100, states=60, seed=7)


def test_the_generator_writes_what_it_reports_without_requesting_evaluations(synthetic_data):
    counts = synthetic_data
    assert counts.visits == Visit.objects.count() == VISITS
    assert counts.persons == Person.objects.count() == 100
    assert counts.warrants == Warrant.objects.count()
    assert 100 <= counts.warrants <= 300
    assert counts.states == 60
    assert counts.partial_dates > 0 and counts.undated > 0
    # COPY bypasses the model signals: nothing is queued and nothing is evaluated yet.
    assert not EvaluationRequest.objects.exists()
    assert not Verdict.objects.exists()


def test_the_generator_writes_its_snapshot_untouched_and_leaves_the_triggers_on(synthetic_data):
    """The `updated_at` triggers (migration visits 0045) are off while it copies: no row
    of the snapshot is rewritten (every stamp stays EPOCH, where each citation copied
    stamped its visit anew) and every one of them is on again afterwards."""
    from django.db import connection

    assert not Visit.objects.exclude(updated_at=synthetic.EPOCH).exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname, tgenabled FROM pg_trigger "
            "WHERE NOT tgisinternal AND tgname LIKE '%%\\_touch%%' ESCAPE '\\'"
        )
        triggers = dict(cursor.fetchall())
    assert "visits_citation_touch" in triggers and len(triggers) > 20
    assert set(triggers.values()) == {"O"}  # O: fires (origin and local)


def test_the_benchmark_evaluates_every_visit_then_finds_nothing_changed(synthetic_data):
    first = reevaluate.run_evaluation("first run", VISITS, profile=False)
    second = reevaluate.run_evaluation("second run", VISITS, profile=False)

    assert (first["evaluated"], first["changed"]) == (VISITS, VISITS)
    assert (second["evaluated"], second["changed"]) == (VISITS, 0)
    assert Verdict.objects.count() == VerdictChange.objects.count() == VISITS
    counts = reevaluate.check_counts(VISITS, first, second)
    assert sum(counts["codes"].values()) == VISITS
    assert len(counts["codes"]) >= 5  # the data exercises most rows of the verdict table


def test_the_floor_classifies_the_same_visits_and_agrees_with_the_rule(synthetic_data):
    reevaluate.run_evaluation("first run", VISITS, profile=False)

    result = reevaluate.run_floor(repeats=1)

    assert result["rows"] == VISITS
    agreement = floor.agreement()
    assert agreement["compared"] == VISITS
    # The floor reads a partial date as its whole period; everything else must agree.
    assert all("(partial date)" in kind for kind, _ in agreement["mismatches"]), agreement


def test_the_write_comparison_leaves_nothing_behind(synthetic_data):
    results = reevaluate.compare_writes(copy_rows=500, orm_rows=200)

    assert results["copy"]["rows"] == 500 and results["bulk_create"]["rows"] == 200
    assert not VerdictChange.objects.exists()


def test_the_write_floor_copies_every_stored_row_and_leaves_nothing_behind(synthetic_data):
    from django.db import connection

    reevaluate.run_evaluation("first run", VISITS, profile=False)
    links = Verdict.warrants.through.objects.count()
    assert links > 0

    result = reevaluate.run_write_floor(rounds=1)

    (run,) = result["runs"]
    # Every verdict, link and history row a first pass wrote, written again by SQL alone.
    assert run["rows"] == 2 * VISITS + links
    assert result["sizes"]["visits_verdict"]["rows"] == VISITS
    assert result["ratio"] == round(run["all_seconds"] / run["floor_seconds"], 2) > 0
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_class WHERE relname LIKE 'bench\\_%%'")
        assert cur.fetchone()[0] == 0


def test_the_generator_refuses_a_database_that_is_not_a_scratch_one(db, settings, monkeypatch):
    from django.db import connection

    monkeypatch.setitem(connection.settings_dict, "NAME", "iccwatch")
    with pytest.raises(RuntimeError, match="refusing"):
        synthetic.generate(visits=10)


@pytest.mark.parametrize(
    "script", sorted(p.name for p in BENCH.glob("*.py") if p.name != "__init__.py")
)
def test_every_import_of_the_benchmark_scripts_resolves(script):
    # Imports inside functions too: the scripts import Django's modules after setting it up.
    import ast
    import importlib.util

    tree = ast.parse((BENCH / script).read_text())
    names = [alias.name for n in ast.walk(tree) if isinstance(n, ast.Import) for alias in n.names]
    names += [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 0]
    missing = [name for name in names if importlib.util.find_spec(name) is None]
    assert missing == []


def test_the_withdrawal_fan_out_leaves_only_current_verdicts_unmarked(synthetic_data):
    reevaluate.run_evaluation("first run", VISITS, profile=False)
    result = reevaluate.run_withdrawal()
    # Every visit it did not mark was run through the rule: none changed.
    assert result["unmarked_changed"] == 0
    assert result["unmarked_checked"] > 0
    assert result["visits_on_or_after"] <= result["marked"] < result["host_visits"]


def test_the_charts_benchmark_times_each_charts_count(synthetic_data):
    from bench import charts as charts_bench
    from front import charts

    charts_bench.fill_verdicts()
    host = Visit.objects.values_list("host", flat=True).first()
    timed = charts_bench.timed(charts.incident_counts, runs=1)
    assert timed["queries"] == 1
    assert timed["counted"] == Visit.objects.published().flagged().count() > 0
    state = charts_bench.timed(lambda: charts.record_counts(host), runs=1)
    assert state["counted"] == Visit.objects.published().filter(host=host).count() > 0


def test_the_sweep_benchmark_reads_the_index_for_verdicts_of_another_rule(synthetic_data):
    from bench import sweep
    from compliance import RULE_VERSION
    from visits import outbox

    reevaluate.run_evaluation("first run", VISITS, profile=False)
    Verdict.objects.filter(pk__in=Verdict.objects.values("pk")[:3]).update(rule_version="1999.1")
    before, before_pages = sweep.explained(sweep.BEFORE, [RULE_VERSION])
    after, after_pages = sweep.explained(outbox._OUTDATED_VERDICTS, [RULE_VERSION] * 2)
    assert before > 0 and after > 0
    # Every verdict's page against a few of the index's.
    assert 0 < after_pages < before_pages


@pytest.fixture
def committed_synthetic_data(transactional_db):
    # The lean pass streams the visits on a second connection: they must be committed.
    synthetic.generate(visits=VISITS, persons=100, states=60, seed=7)
    reevaluate.run_evaluation("first run", VISITS, profile=False)


def test_the_lean_pass_stores_the_rules_decisions_and_leaves_nothing_behind(
    committed_synthetic_data, monkeypatch
):
    from django.db import connection

    from bench import leanpass
    from visits import flagging

    # Ranges of 700 visits: two commits mid-stream and a last, shorter range.
    monkeypatch.setattr(leanpass, "RANGE", 700)
    facts = flagging.load_facts()
    leanpass.prepare()
    try:
        assert leanpass.lean_pass(facts) == VISITS
        result = leanpass.check()
        with connection.cursor() as cur:
            cur.execute("SELECT DISTINCT cause, cause_facts::text FROM bench_lean_change")
            lean_causes = cur.fetchall()
            cur.execute(
                "SELECT DISTINCT cause, cause_facts::text FROM visits_verdictchange "
                "WHERE new_code <> 'withdrawn'"
            )
            stored_causes = cur.fetchall()
        assert leanpass.lean_pass(facts, links_and_history=False) == VISITS
        verdicts_only = leanpass.check()
        assert leanpass.decide_only(facts) == leanpass.read_only(facts) == VISITS
    finally:
        leanpass.drop()

    # compliance.decide without reasons gives every stored verdict's code, basis, warrants,
    # would-have-been-bound, self-check and fingerprint; one link per warrant, one history
    # row per visit.
    assert result == {
        "rows": VISITS,
        "compared": VISITS,
        "same": VISITS,
        "links": Verdict.warrants.through.objects.count(),
        "history_rows": VISITS,
    }
    # Its history rows give the cause a first pass of visits.flagging gives (but for a
    # withdrawn visit, whose cause there also quotes its withdrawal note).
    assert lean_causes == stored_causes and len(lean_causes) == 1
    # Written again without links and history: the same verdicts, alone.
    assert verdicts_only == {**result, "links": 0, "history_rows": 0}
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_class WHERE relname LIKE 'bench\\_%%'")
        assert cur.fetchone()[0] == 0


def test_a_lean_pass_that_fails_keeps_its_committed_ranges_and_rolls_back_the_open_one(
    committed_synthetic_data, monkeypatch
):
    import compliance
    from bench import leanpass
    from visits import flagging

    monkeypatch.setattr(leanpass, "RANGE", 700)
    decide, calls = compliance.decide, []

    def failing(*args):
        calls.append(1)
        if len(calls) > 1500:
            raise RuntimeError("the rule failed")
        return decide(*args)

    monkeypatch.setattr(compliance, "decide", failing)
    facts = flagging.load_facts()
    leanpass.prepare()
    try:
        with pytest.raises(RuntimeError, match="the rule failed"):
            leanpass.lean_pass(facts)
        result = leanpass.check()
    finally:
        leanpass.drop()

    # Two ranges of 700 committed, with their links and history; the third rolled back.
    assert (result["rows"], result["same"], result["history_rows"]) == (1400, 1400, 1400)
