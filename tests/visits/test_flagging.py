"""Which visits a change marks for evaluation, and how verdicts are stored."""

import datetime
import io
import json

import pytest

import compliance
from core import causes
from states.models import State, TreatyEvent
from tests.plans import plan_of
from visits import flagging, outbox
from visits.models import (
    EvaluationRequest,
    RangeEvaluationRequest,
    Verdict,
    VerdictChange,
    Visit,
)
from warrants.models import Person, Warrant

pytestmark = pytest.mark.django_db


def requested_slugs():
    return set(
        Visit.objects.filter(pk__in=EvaluationRequest.objects.values("visit_id")).values_list(
            "slug", flat=True
        )
    )


def test_changing_a_warrant_marks_exactly_that_persons_visits(seeded):
    warrant = Warrant.objects.get(person__slug="vladimir-putin")
    warrant.made_public = datetime.date(2023, 3, 18)
    warrant.save()
    putin = set(Visit.objects.filter(person__slug="vladimir-putin").values_list("slug", flat=True))
    assert requested_slugs() == putin
    reason = causes.render(causes.loads(EvaluationRequest.objects.first().reason), "en")
    assert reason == f"warrant {warrant.ref}: made public 17 March 2023 → 18 March 2023"


def test_changing_a_treaty_event_marks_exactly_that_states_visits(seeded):
    event = TreatyEvent.objects.get(state__iso3="ZAF", kind="entry_into_force")
    event.date = datetime.date(2002, 8, 1)
    event.save()
    assert requested_slugs() == set(
        Visit.objects.filter(host__iso3="ZAF").values_list("slug", flat=True)
    )


def test_changing_a_person_marks_exactly_their_visits(seeded):
    person = Person.objects.get(slug="sergei-shoigu")
    person.name = "Sergei Kuzhugetovich Shoigu"
    person.save()
    assert requested_slugs() == {
        "sergei-shoigu-idn-2025-02-24",
        "sergei-shoigu-mys-2025-02-24",
        "sergei-shoigu-chn-2025-02-28",
        "sergei-shoigu-prk-2025-03-21",
        "sergei-shoigu-prk-2025-06-04",
        "sergei-shoigu-vnm-2025-12-09",
        "sergei-shoigu-lao-2025-12-10",
    }


def test_evaluating_twice_changes_nothing(seeded):
    first = flagging.evaluate_visits()
    assert first.changed == 0  # the import already evaluated everything
    history = VerdictChange.objects.count()
    assert flagging.evaluate_visits().changed == 0
    assert VerdictChange.objects.count() == history
    assert Verdict.objects.count() == Visit.objects.count()


def test_a_warrant_change_is_explained_in_the_verdict_history(seeded):
    warrant = Warrant.objects.get(person__slug="vladimir-putin")
    warrant.issued = warrant.made_public = datetime.date(2024, 9, 4)  # after the Mongolia visit
    warrant.save()
    stats = flagging.evaluate_pending()
    assert stats.changed > 0
    visit = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    assert visit.verdict.code == "no_warrant_in_force"
    change = visit.verdict_changes.order_by("-id").first()
    assert (change.old_code, change.new_code) == ("non_compliance", "no_warrant_in_force")
    assert "issued 17 March 2023 → 4 September 2024" in change.cause
    assert not EvaluationRequest.objects.exists()


def test_a_request_made_after_the_read_is_not_cleared(seeded):
    from django.db import connection
    from django.utils import timezone

    visit = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    outbox.request_evaluation("v.id = %s", [visit.pk], "first change")
    facts = flagging.load_facts()
    with connection.cursor() as cur:
        cur.execute(flagging._READ_LOCKED, {**facts.digests, "ids": [visit.pk]})
        rows = cur.fetchall()
        # Another change lands between reading the visit and storing its verdict.
        outbox.request_evaluation("v.id = %s", [visit.pk], "second change")
        flagging._evaluate_rows(cur, rows, facts, "test", timezone.now())
    assert causes.loads(EvaluationRequest.objects.get(visit=visit).reason) == [
        causes.text_cause("first change"),
        causes.text_cause("second change"),
    ]
    flagging.evaluate_pending()
    assert not EvaluationRequest.objects.exists()


@pytest.mark.parametrize("version", ["1999.1", "9999.1"])
def test_verdicts_of_another_rule_are_found_in_the_index_without_reading_every_verdict(
    seeded, version
):
    """The sweeper looks for verdicts of another rule every 30 s: one of an older rule (a
    deploy) or of a newer one (a worker of the next release) is marked, read from the two
    ranges of visits_verdict_rule_version either side of RULE_VERSION, never by reading
    the whole table (a million verdicts) for none."""
    visit = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    Verdict.objects.filter(visit=visit).update(rule_version=version)
    outbox.request_outdated_rule_version()
    assert list(EvaluationRequest.objects.values_list("visit_id", flat=True)) == [visit.pk]
    quoted = f"'{compliance.RULE_VERSION}'"
    plan = plan_of(outbox._OUTDATED_VERDICTS.replace("%s", quoted), ("visits_verdict",))
    assert plan.count("visits_verdict_rule_version") == 2, plan
    assert "Seq Scan" not in plan, plan


def test_verdicts_from_an_older_rule_version_are_marked_and_recomputed(seeded):
    visit = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    Verdict.objects.filter(visit=visit).update(rule_version="1999.1")
    outbox.request_outdated_rule_version()
    request = EvaluationRequest.objects.get()
    assert request.visit_id == visit.pk
    assert causes.loads(request.reason) == [{"key": "rule", "version": compliance.RULE_VERSION}]
    history = VerdictChange.objects.count()
    assert flagging.evaluate_pending().changed == 1
    visit.verdict.refresh_from_db()
    assert visit.verdict.rule_version == flagging.compliance.RULE_VERSION
    assert VerdictChange.objects.count() == history  # same verdict, same text: no history entry


def test_a_full_reevaluation_runs_the_rule_only_where_inputs_changed(seeded):
    from django.db import connection

    flagging.evaluate_visits()  # stores every verdict's fingerprint
    steady = flagging.evaluate_visits()
    assert steady.evaluated == Visit.objects.count()
    assert (steady.computed, steady.changed) == (0, 0)
    # A change made behind the signals' back (no evaluation request): the fingerprint
    # of the warrant's person's visits no longer matches, and only they are recomputed.
    warrant = Warrant.objects.get(person__slug="vladimir-putin")
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE warrants_warrant SET issued = %s, made_public = %s WHERE id = %s",
            [datetime.date(2024, 9, 4), datetime.date(2024, 9, 4), warrant.pk],
        )
    putin = Visit.objects.filter(person__slug="vladimir-putin").count()
    stats = flagging.evaluate_visits()
    assert stats.computed == putin
    assert stats.changed > 0
    assert Visit.objects.get(slug="vladimir-putin-mng-2024-09-02").verdict.code == (
        "no_warrant_in_force"
    )
    assert flagging.evaluate_visits().computed == 0
    assert flagging.evaluate_visits(force=True).computed == Visit.objects.count()


def test_a_new_rule_version_recomputes_every_verdict(seeded, monkeypatch):
    flagging.evaluate_visits()
    monkeypatch.setattr(compliance, "RULE_VERSION", "2999.1")
    stats = flagging.evaluate_visits()
    assert stats.computed == Visit.objects.count()
    assert set(Verdict.objects.values_list("rule_version", flat=True)) == {"2999.1"}


def test_a_queued_full_reevaluation_covers_every_visit_once(seeded, settings):
    assert settings.CELERY_TASK_ALWAYS_EAGER  # the tasks run inline here
    queued = outbox.queue_full_reevaluation(visits_per_task=7, force=True)
    ranges = queued.ranges
    assert len(ranges) > 1 and queued.enqueued == len(ranges) and queued.error is None
    assert not RangeEvaluationRequest.objects.exists()  # each share done, its row gone
    ids = sorted(Visit.objects.values_list("pk", flat=True))
    covered = [i for i in ids for lo, hi in ranges if lo < i <= hi]
    assert covered == ids  # contiguous, no gap, no overlap
    assert not EvaluationRequest.objects.exists()
    assert flagging.evaluate_visits().computed == 0


def test_queue_without_a_broker_is_refused_and_names_what_does_the_same_here(
    seeded, settings, monkeypatch
):
    """Without CELERY_BROKER_URL `evaluate_visits --queue` printed "Queued a full
    re-evaluation as 1 task" while it had run the whole pass inline, in the command: no
    worker can take a task there. It refuses now, before any work, naming the variable
    and `--all`, which does the same work in this process and counts what it wrote."""
    from django.core.management import CommandError, call_command

    assert settings.CELERY_TASK_ALWAYS_EAGER  # no broker, as the tests run
    monkeypatch.setattr(
        outbox, "queue_full_reevaluation", lambda **kwargs: pytest.fail("work was done")
    )
    with pytest.raises(CommandError) as refused:
        call_command("evaluate_visits", "--queue", "--force", stdout=io.StringIO())
    assert str(refused.value) == (
        "--queue enqueues tasks for Celery workers, and CELERY_BROKER_URL is not set: no "
        "worker can take them. Set it to the workers' broker, or re-evaluate here with "
        "`python3 manage.py evaluate_visits --all --force`."
    )

    # With a broker, the tasks go to the workers and the command says how many.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(
        outbox,
        "queue_full_reevaluation",
        lambda **kwargs: outbox.QueuedPass([(0, 10), (10, 20)], 2),
    )
    out = io.StringIO()
    call_command("evaluate_visits", "--queue", stdout=out)
    assert out.getvalue() == (
        "Queued a full re-evaluation as 2 tasks (visits.reevaluate_range), kept in "
        "PostgreSQL until each is done.\n"
    )


def test_a_queued_pass_the_broker_did_not_take_is_kept_and_swept_later(seeded, dead_port):
    """With the broker down `evaluate_visits --queue` showed a 43-frame kombu traceback; and
    a pass it did enqueue was lost with a Redis restarted before a worker took it (the
    tasks were in Redis alone). The shares are in PostgreSQL first; the sweeper enqueues
    those never enqueued, or lost."""
    from django.core.management import CommandError, call_command

    from tests.pipeline import publishing_to

    with publishing_to(f"redis://127.0.0.1:{dead_port}/0"):
        with pytest.raises(CommandError) as refused:
            call_command("evaluate_visits", "--queue", "--force", stdout=io.StringIO())
        message = str(refused.value)
        assert message.startswith("The broker could not be reached (")
        assert "0 of the 1 tasks of the full re-evaluation were enqueued" in message
        assert "The other 1 are kept in PostgreSQL" in message
        assert "\n" not in message and "Traceback" not in message
        share = RangeEvaluationRequest.objects.get()
        assert (share.after, share.force, share.relayed_at) == (0, True, None)
        # While the broker is down the sweeper leaves the share where it is.
        assert outbox.sweep_ranges(grace_seconds=0) == 0
        assert RangeEvaluationRequest.objects.count() == 1
    # The broker answers (inline here): the sweeper enqueues the share, which runs.
    flagging.evaluate_visits()
    Verdict.objects.update(rule_version="1999.1")  # every verdict now needs the rule again
    assert outbox.sweep_ranges(grace_seconds=0) == 1
    assert not RangeEvaluationRequest.objects.exists()
    assert set(Verdict.objects.values_list("rule_version", flat=True)) == {compliance.RULE_VERSION}


def test_a_share_whose_message_was_lost_is_enqueued_again(seeded):
    """A Redis restarted empty loses the tasks it held: a share relayed and not heard of
    since ICCWATCH_SWEEP_REDELIVER_SECONDS is enqueued again; one still at work is not."""
    from django.utils import timezone

    flagging.evaluate_visits()
    last = Visit.objects.order_by("-pk").values_list("pk", flat=True).first()
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    lost = RangeEvaluationRequest.objects.create(after=0, upto=last, force=True)
    RangeEvaluationRequest.objects.filter(pk=lost.pk).update(relayed_at=long_ago)
    working = RangeEvaluationRequest.objects.create(after=last, upto=last + 10)
    outbox.touch_range(working.pk)
    Verdict.objects.update(rule_version="1999.1")
    assert outbox.sweep_ranges(grace_seconds=0, redeliver_seconds=600) == 1
    assert list(RangeEvaluationRequest.objects.values_list("pk", flat=True)) == [working.pk]
    assert set(Verdict.objects.values_list("rule_version", flat=True)) == {compliance.RULE_VERSION}


def test_a_share_of_a_pass_scans_in_one_postgresql_process(seeded):
    """A worker's share of a queued pass asks for no parallel workers in its scans (each
    worker one core: the scale-out), where a pass in one process may use them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from visits.tasks import reevaluate_range_task

    def settings_of_scans(run):
        with CaptureQueriesContext(connection) as queries:
            run()
        return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SET LOCAL")]

    last = Visit.objects.order_by("-pk").values_list("pk", flat=True).first()
    share = settings_of_scans(lambda: reevaluate_range_task(0, last, True))
    assert "SET LOCAL max_parallel_workers_per_gather = 0" in share
    whole = settings_of_scans(lambda: flagging.evaluate_range(0, last, force=True))
    assert "SET LOCAL max_parallel_workers_per_gather = 0" not in whole


def test_verdicts_store_reasons_and_no_prose_and_render_them_when_read(seeded):
    """The rule's pass writes no English text: each verdict and each history row keeps its
    structured reasons, and its explanation is rendered from them in the reader's language."""
    from core import reasons

    Verdict.objects.all().delete()
    VerdictChange.objects.all().delete()
    flagging.evaluate_visits()
    verdict = Verdict.objects.get(visit__slug="vladimir-putin-mng-2024-09-02")
    assert verdict.explanation == "" and verdict.reasons
    assert verdict.explanation_text("en") == reasons.render(verdict.reasons, "en")
    assert "Mongolia" in verdict.explanation_text("en")
    assert "Mongolie" in verdict.explanation_text("fr")
    change = VerdictChange.objects.get(visit=verdict.visit)
    assert change.explanation == "" and change.reasons == verdict.reasons
    assert change.explanation_text("en") == verdict.explanation_text("en")
    # The cause is still recorded, structured and in English.
    assert change.cause_facts["first"] is True
    assert change.cause == causes.render(change.cause_facts, "en")
    assert change.cause.startswith("first evaluation")


def _plan_nodes(node, parent=""):
    yield node, parent
    for child in node.get("Plans", ()):
        yield from _plan_nodes(child, child.get("Parent Relationship", ""))


def test_the_locked_read_reads_the_occupying_state_by_its_join_not_per_visit(seeded):
    """The occupying state's code comes from the states already joined for the digests: a
    subquery per visit scanned the 200 states once per row (18 µs of a first-pass visit's
    read at 1M visits)."""
    from django.db import connection

    facts = flagging.load_facts()
    ids = list(Visit.objects.values_list("pk", flat=True))
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (FORMAT JSON) " + flagging._READ_LOCKED, {**facts.digests, "ids": ids})
        plan = cur.fetchone()[0]
    plan = plan if isinstance(plan, list) else json.loads(plan)
    scans = [
        parent
        for node, parent in _plan_nodes(plan[0]["Plan"])
        if node.get("Relation Name") == "states_state"
    ]
    assert scans and "SubPlan" not in scans
    occupied = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    Visit.objects.filter(pk=occupied.pk).update(
        controlled_by=State.objects.get(iso3="RUS"), host_control="none"
    )
    with connection.cursor() as cur:
        cur.execute(flagging._READ_LOCKED, {**facts.digests, "ids": [occupied.pk]})
        (row,) = cur.fetchall()
    assert row[24:26] == ("none", "RUS")


def test_a_first_pass_chunk_whose_verdict_appeared_meanwhile_is_upserted(seeded):
    """A chunk read with no verdicts is COPied; if another worker inserted one of its
    verdicts after the read, the COPY fails on the key and the chunk is upserted instead."""
    from django.db import connection, transaction
    from django.utils import timezone

    Verdict.objects.all().delete()
    flagging.evaluate_visits()
    visit = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    before = Verdict.objects.get(visit=visit)
    facts = flagging.load_facts()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(flagging._READ_LOCKED, {**facts.digests, "ids": [visit.pk]})
        # As read before the other worker's verdict committed: no verdict.
        rows = [row[:15] + (None,) * 5 + row[20:] for row in cur.fetchall()]
        stats = flagging._evaluate_rows(cur, rows, facts, "test", timezone.now())
    assert stats.changed == 1
    after = Verdict.objects.get(visit=visit)
    assert (after.code, after.reasons, after.inputs_fingerprint) == (
        before.code,
        before.reasons,
        before.inputs_fingerprint,
    )
    assert after.warrants.count() == before.warrants.count() > 0


def test_a_first_pass_writes_what_the_upsert_writes(seeded):
    """The COPY of a first pass and the upsert of a re-evaluation store the same rows."""

    def snapshot():
        return {
            v.visit_id: (
                v.code,
                v.basis,
                v.would_have_been_bound,
                v.explanation,
                v.self_check,
                v.reasons,
                v.inputs_fingerprint,
                v.rule_version,
                sorted(v.warrants.values_list("pk", flat=True)),
            )
            for v in Verdict.objects.prefetch_related("warrants")
        }

    Verdict.objects.all().delete()
    VerdictChange.objects.all().delete()
    flagging.evaluate_visits()
    copied = snapshot()
    first_changes = set(VerdictChange.objects.values_list("visit_id", "new_code", "cause"))
    # The same verdicts through the upsert: every stored one differs, so each is rewritten.
    Verdict.objects.update(code="pending", basis="", reasons=[])
    flagging.evaluate_visits(force=True)
    assert snapshot() == copied
    assert len(first_changes) == Visit.objects.count()
    assert all(cause.startswith("first evaluation") for _v, _c, cause in first_changes)


def test_evaluating_some_visits_reads_only_their_findings_and_stores_the_same_fingerprints(
    seeded,
):
    from visits.models import Finding

    flagged = sorted(set(Finding.objects.exclude(visit=None).values_list("visit_id", flat=True)))
    assert len(flagged) >= 2
    one = flagged[0]
    assert set(flagging.load_facts(visit_ids=[one]).findings) == {one}
    assert set(flagging.load_facts().findings) == set(flagged)

    # Evaluated alone (its own findings read), the visit's verdict gets the fingerprint a
    # full pass computes: the full pass then finds nothing to do.
    flagging.evaluate_visits()
    Verdict.objects.filter(visit_id=one).update(inputs_fingerprint=0)
    flagging.evaluate_visits([one])
    assert flagging.evaluate_visits().computed == 0


def test_al_bashirs_verdicts_cite_both_warrants_once_the_second_was_issued(seeded):
    """al-Bashir was wanted under two warrants, of 4 March 2009 and of 12 July 2010: a visit
    after 12 July 2010 cites both (the verdict's warrants and its reasons), an earlier one
    the first only."""

    def cited(slug):
        verdict = Verdict.objects.get(visit__slug=slug)
        issued = sorted(str(w.issued) for w in verdict.warrants.all())
        told = [r["issued"] for r in verdict.reasons if r["key"] == "warrant"]
        return verdict.code, issued, told

    both = ["2009-03-04", "2010-07-12"]
    assert cited("omar-al-bashir-tcd-2011-08-07") == ("non_compliance", both, both)
    assert cited("omar-al-bashir-chn-2011-06-28") == ("no_obligation", both, both)
    first = ["2009-03-04"]
    assert cited("omar-al-bashir-egy-2009-03-25") == ("no_obligation", first, first)


def test_a_darfur_visit_to_a_host_the_referral_does_not_bind_says_so(seeded):
    """S/RES/1593 (2005) referred Darfur and binds Sudan alone: al-Bashir in Egypt (not a
    State Party) was not bound by it, and the reasons say so, in English and in French."""
    verdict = Verdict.objects.get(visit__slug="omar-al-bashir-egy-2009-03-25")
    assert verdict.code == "no_obligation"
    (note,) = [r for r in verdict.reasons if r["key"] == "referral_not_binding"]
    assert note["resolution"].startswith("S/RES/1593")
    assert [s["iso3"] for s in note["bound"]] == ["SDN"]
    english = verdict.explanation_text("en")
    assert (
        "obliges only Sudan to cooperate fully with the Court, and it urges, but does not oblige, the others, Egypt among them"
        in english
    )
    french = verdict.explanation_text("fr")
    assert "L’État hôte (Égypte) n’est pas non plus lié par la résolution S/RES/1593 (2005)" in (
        french
    )
    assert french.count("Égypte\u00a0:") == 1, french
    assert "que ceux qu’elle désigne (Soudan) et ne fait qu’exhorter les autres" in french


def test_changing_a_referral_re_evaluates_the_visits_of_its_situation(seeded):
    """The states a referral binds decide a bound host's basis and every other host's
    `referral_not_binding` reason: adding Egypt to S/RES/1593 re-evaluates the Darfur
    visits (to Egypt and elsewhere), and Egypt becomes bound by it."""
    from states.models import SecurityCouncilReferral

    referral = SecurityCouncilReferral.objects.get(resolution__startswith="S/RES/1593")
    EvaluationRequest.objects.all().delete()
    referral.bound_states.add(State.objects.get(iso3="EGY"))
    darfur = set(
        Visit.objects.filter(person__situation=referral.situation).values_list("slug", flat=True)
    )
    assert {"omar-al-bashir-egy-2009-03-25", "omar-al-bashir-chn-2011-06-28"} <= darfur
    assert requested_slugs() == darfur
    flagging.evaluate_pending()
    egypt = Verdict.objects.get(visit__slug="omar-al-bashir-egy-2009-03-25")
    assert (egypt.code, egypt.basis) == ("non_compliance", "unsc_referral")
    china = Verdict.objects.get(visit__slug="omar-al-bashir-chn-2011-06-28")
    (note,) = [r for r in china.reasons if r["key"] == "referral_not_binding"]
    assert [s["iso3"] for s in note["bound"]] == ["EGY", "SDN"]
    # A change of its resolution's number is told to every host it does not bind.
    EvaluationRequest.objects.all().delete()
    referral.resolution = "S/RES/1593 (2005) (corrected)"
    referral.save()
    assert requested_slugs() == darfur
    # A bound state's new name is told to every host the referral does not bind too.
    EvaluationRequest.objects.all().delete()
    sudan = State.objects.get(iso3="SDN")
    sudan.name = "Republic of the Sudan"
    sudan.save()
    hosted = set(Visit.objects.filter(host=sudan).values_list("slug", flat=True))
    assert requested_slugs() == darfur | hosted


@pytest.mark.django_db(transaction=True)
def test_an_evaluation_waiting_for_a_locked_visit_reads_what_its_holder_committed():
    """A verification evaluates its withdrawal in its own transaction (flagging.evaluate_now)
    while a worker evaluates the same visit (an earlier change's task): the worker waits for
    the lock, then reads the verdict and the request as the verification committed them.
    Read in its locking statement, they were as they stood before (PostgreSQL re-reads only
    the locked row): the withdrawal found the old verdict and was recorded twice."""
    import threading
    import time

    from django.db import connections, transaction

    from tests.factories import make_person, make_state, make_visit, make_warrant
    from visits.reports import withdraw_visit

    person = make_person("vladimir-putin", "Vladimir Putin")
    make_warrant(person, issued=datetime.date(2023, 3, 17))
    visit = make_visit(person, make_state("MNG", entry_into_force=datetime.date(2002, 7, 1)))
    flagging.evaluate_pending()
    assert Verdict.objects.get(visit=visit).code == "non_compliance"

    def worker():
        try:
            flagging.evaluate_visits([visit.pk], cause="a change to its facts")
        finally:
            connections.close_all()

    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        withdraw_visit(locked, "Reported in error: the newspaper retracted its story.")
        assert flagging.evaluate_now([visit.pk])
        thread = threading.Thread(target=worker)
        thread.start()
        time.sleep(0.5)  # the worker is waiting for the visit's lock
        assert thread.is_alive()
    thread.join(timeout=10)
    assert not thread.is_alive()
    changes = list(VerdictChange.objects.filter(visit=visit).values_list("old_code", "new_code"))
    assert changes == [("", "non_compliance"), ("non_compliance", "withdrawn")], changes


NEW_RULE = "2999.1"
MONGOLIA = "vladimir-putin-mng-2024-09-02"
KYRGYZSTAN = "vladimir-putin-kgz-2023-10-12"


def as_an_older_rule_left_them(monkeypatch) -> dict[str, str]:
    """The rule moves to NEW_RULE; the stored verdicts are an older version's, one of them
    another code and one other reasons (as a rule change leaves them). Returns the codes
    they end with."""
    flagging.evaluate_visits()
    monkeypatch.setattr(compliance, "RULE_VERSION", NEW_RULE)
    monkeypatch.setattr(outbox, "RULE_VERSION", NEW_RULE)
    Verdict.objects.update(rule_version="2026.1")
    mongolia = Verdict.objects.get(visit__slug=MONGOLIA)
    kyrgyzstan = Verdict.objects.get(visit__slug=KYRGYZSTAN)
    assert mongolia.code == "non_compliance"
    Verdict.objects.filter(pk=mongolia.pk).update(code="no_obligation")
    Verdict.objects.filter(pk=kyrgyzstan.pk).update(reasons=[])
    return {MONGOLIA: mongolia.code, KYRGYZSTAN: kyrgyzstan.code}


def evaluate_all() -> str:
    from django.core.management import call_command

    out = io.StringIO()
    call_command("evaluate_visits", "--all", stdout=out)
    (line,) = out.getvalue().splitlines()
    return line.split(": ", 1)[1].split(", in ")[0]


def import_again(dataset_dir) -> str:
    from django.core.management import call_command

    out = io.StringIO()
    call_command("import_dataset", str(dataset_dir), stdout=out, stderr=io.StringIO())
    (line,) = [x for x in out.getvalue().splitlines() if x.startswith("verdicts: ")]
    return line.split(": ", 2)[2]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["evaluate_visits --all", "import_dataset"])
def test_a_rule_change_is_named_and_counted_alike_by_every_path(
    seeded, monkeypatch, dataset_dir, path
):
    """After a rule change, `evaluate_visits --all` recorded "Why: full re-evaluation"
    (its own pass) where the sweeper, `up` and an import record "the compliance rule
    changed", and printed "97 verdicts changed" for 95 verdicts that only moved to the new
    rule version. An import printed "0 changed" and was not recorded: the requests it made
    for the older rule's verdicts were relayed as it committed them, and evaluated by the
    workers (at once without a broker), not by the import's own pass. Both now name the
    rule change and count the same things. Transactional: the relay runs on commit."""
    codes = as_an_older_rule_left_them(monkeypatch)
    history = VerdictChange.objects.count()

    said = evaluate_all() if path == "evaluate_visits --all" else import_again(dataset_dir)

    assert set(Verdict.objects.values_list("rule_version", flat=True)) == {NEW_RULE}
    changes = VerdictChange.objects.order_by("id")[history:]
    assert {c.visit.slug: (c.old_code, c.new_code) for c in changes} == {
        MONGOLIA: ("no_obligation", codes[MONGOLIA]),
        KYRGYZSTAN: (codes[KYRGYZSTAN], codes[KYRGYZSTAN]),
    }
    for change in changes:
        assert change.cause == f"the compliance rule changed (now version {NEW_RULE})"
        assert change.cause_facts["causes"] == [{"key": "rule", "version": NEW_RULE}]
        assert change.rule_version == NEW_RULE
    others = Visit.objects.count() - 2
    assert said == (
        "1 verdict changed, 1 explanation reworded, "
        f"{others} unchanged but recorded under rule version {NEW_RULE}"
    )


def test_a_visits_own_change_is_named_with_the_rule_change(seeded, monkeypatch):
    """A visit with a change of its own waiting (its request's causes) keeps them, the rule
    change named first; once its verdict is of the running rule, a full re-evaluation
    names itself again."""
    as_an_older_rule_left_them(monkeypatch)
    mongolia = Visit.objects.get(slug=MONGOLIA)
    outbox.request_evaluation("v.id = %s", [mongolia.pk], "a change to its facts")

    flagging.evaluate_visits()

    change = mongolia.verdict_changes.latest("changed_at", "id")
    assert change.cause_facts["causes"] == [
        {"key": "rule", "version": NEW_RULE},
        causes.text_cause("a change to its facts"),
    ]
    Verdict.objects.filter(visit=mongolia).update(code="no_obligation")
    flagging.evaluate_visits(force=True)
    change = mongolia.verdict_changes.latest("changed_at", "id")
    assert change.cause_facts["causes"] == [causes.text_cause(flagging.FULL_REEVALUATION)]


def test_with_rule_change_names_the_rule_in_force_once():
    fact = causes.text_cause("a change to its facts")
    old, new = causes.rule_cause("2026.1"), causes.rule_cause(NEW_RULE)
    assert causes.with_rule_change([old, fact, new], NEW_RULE) == [new, fact]
    assert causes.with_rule_change([], NEW_RULE) == [new]


def test_the_counts_add_up_to_the_verdicts_written():
    stats = flagging.EvaluationStats(
        evaluated=9, changed=6, computed=7, first=1, redecided=2, reworded=1, restamped=1, other=1
    )
    stats += flagging.EvaluationStats(evaluated=1, changed=1, computed=1, redecided=1)
    assert stats.summary() == (
        "1 new verdict, 3 verdicts changed, 1 explanation reworded, "
        f"1 unchanged but recorded under rule version {compliance.RULE_VERSION}, 1 otherwise "
        "updated (the warrants cited, the self-check or whether the host would have been bound)"
    )
    assert (stats.evaluated, stats.changed, stats.computed) == (10, 7, 8)
