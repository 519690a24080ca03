"""manage.py evaluate_visits: recompute verdicts without a worker.

`--all` (the default) re-evaluates every visit, e.g. after the rule changed;
`--stale` evaluates only the visits with an outstanding evaluation request (what
the workers would do next), e.g. to drain the outbox while the broker is down.
Both call the same functions as the Celery tasks and write only what changed; the
summary counts what was written as an import's does (flagging.EvaluationStats.summary):
verdicts changed, explanations reworded, and verdicts unchanged but recorded under the
current rule version.
A full re-evaluation skips the visits whose inputs did not change since their verdict
(its stored fingerprint); `--force` runs the rule on every visit all the same.
`--queue` splits the full re-evaluation into Celery tasks (visits.reevaluate_range)
for the workers instead, on however many machines they run, each share recorded in the
outbox (visits.RangeEvaluationRequest) until done, so that a broker that is down or loses
its queue delays the pass but loses none of it (the sweeper enqueues the shares again);
a broker that cannot be reached is a CommandError saying how many were enqueued. Without
CELERY_BROKER_URL (no worker can take them) it is refused, naming `--all`.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from visits import flagging, outbox


class Command(BaseCommand):
    help = "Recompute visit verdicts in this process (no worker needed): every visit, or only stale ones."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--all",
            dest="stale",
            action="store_false",
            default=False,
            help="Re-evaluate every visit (the default).",
        )
        which.add_argument(
            "--stale",
            dest="stale",
            action="store_true",
            help="Evaluate only visits with an outstanding evaluation request.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run the rule on every visit, even those whose inputs did not change.",
        )
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Enqueue the full re-evaluation as Celery tasks for the workers, and return.",
        )
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=flagging.CHUNK_SIZE,
            help=f"Visits per transaction (default {flagging.CHUNK_SIZE}).",
        )

    def handle(
        self,
        *args,
        stale: bool,
        chunk_size: int,
        verbosity: int,
        force: bool,
        queue: bool,
        **options,
    ):
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1.")
        if queue:
            if stale:
                raise CommandError(
                    "--queue re-evaluates every visit; it cannot be combined with --stale."
                )
            if settings.CELERY_TASK_ALWAYS_EAGER:
                # Each task would run inline, here, the whole pass before the command
                # returned; "Queued" would be untrue, and a pass meant for many workers
                # would run in this one process.
                raise CommandError(
                    "--queue enqueues tasks for Celery workers, and CELERY_BROKER_URL is not "
                    "set: no worker can take them. Set it to the workers' broker, or "
                    "re-evaluate here with `python3 manage.py evaluate_visits --all"
                    f"{' --force' if force else ''}`."
                )
            queued = outbox.queue_full_reevaluation(force=force)
            shares = len(queued.ranges)
            if queued.error is not None:
                cause = queued.error.__cause__ or queued.error
                reason = " ".join(str(cause).split())[:200] or type(cause).__name__
                raise CommandError(
                    f"The broker could not be reached ({reason}): {queued.enqueued} of the "
                    f"{shares} tasks of the full re-evaluation were enqueued. The other "
                    f"{shares - queued.enqueued} are kept in PostgreSQL, and the sweeper (Celery "
                    "beat) enqueues them once the broker answers; nothing needs to be run again."
                )
            self.stdout.write(
                f"Queued a full re-evaluation as {shares} "
                f"{'task' if shares == 1 else 'tasks'} (visits.reevaluate_range), kept in "
                "PostgreSQL until each is done."
            )
            return
        started = time.monotonic()
        if stale:
            stats = flagging.evaluate_pending(chunk_size=chunk_size)
        else:
            progress = self._progress(started) if verbosity >= 2 else None
            stats = flagging.evaluate_visits(chunk_size=chunk_size, progress=progress, force=force)
        elapsed = time.monotonic() - started
        rate = (
            f", {stats.evaluated / elapsed:,.0f} visits/s"
            if elapsed > 0 and stats.evaluated
            else ""
        )
        what = "stale visits" if stale else "visits"
        self.stdout.write(
            f"Evaluated {stats.evaluated} {what}: {stats.summary()}, in {elapsed:.2f} s{rate}."
        )

    def _progress(self, started: float):
        def report(stats: flagging.EvaluationStats) -> None:
            self.stdout.write(
                f"  {stats.evaluated} evaluated, {stats.changed} verdicts written "
                f"({time.monotonic() - started:.1f} s)"
            )

        return report
