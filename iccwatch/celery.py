"""The Celery application. Tasks are thin: they take ids and call visits.flagging."""

import os

from celery import Celery
from celery.signals import beat_init, celeryd_init, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iccwatch.settings")

app = Celery("iccwatch")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

NO_BROKER = (
    "CELERY_BROKER_URL is not set: the {program} needs the broker web enqueues into "
    "(e.g. redis://127.0.0.1:6379/0). Without it Celery would use its default, "
    "amqp://guest@localhost:5672//, and whatever answers there."
)


@celeryd_init.connect
def refuse_a_worker_without_a_broker(**kwargs):
    """Stop a worker started without CELERY_BROKER_URL (SystemExit, status 1, naming the
    variable): it would consume from the settings' inline broker (memory://, in its own
    process) or Celery's default, never the one web enqueues into, and the tasks would wait
    for the sweeps while the worker seemed to run."""
    _require_broker("worker")


@beat_init.connect
def refuse_beat_without_a_broker(**kwargs):
    """Stop beat started without CELERY_BROKER_URL, as a worker is
    (refuse_a_worker_without_a_broker)."""
    _require_broker("beat")


def _require_broker(program: str) -> None:
    # Celery's signals log what a receiver raises and go on, except SystemExit. Without
    # CELERY_BROKER_URL the settings run tasks inline (task_always_eager) on an in-memory
    # broker, of this process only: no other process could enqueue there.
    if app.conf.task_always_eager or not str(app.conf.broker_url or "").strip():
        raise SystemExit(NO_BROKER.format(program=program))


@task_prerun.connect
def drop_broken_database_connections(task=None, **kwargs):
    """Before each task, close a database connection that broke or outlived CONN_MAX_AGE.

    Workers keep their connection across tasks (CELERY_DB_REUSE_MAX), and nothing
    else checks it between tasks as Django does between requests: a connection cut
    by a PostgreSQL restart would fail every task until the fixup recycles it. This
    also re-arms CONN_HEALTH_CHECKS, so a dead connection is replaced before the
    task's first query. Inline (eager) tasks run inside their caller's transaction
    and are left alone.
    """
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
