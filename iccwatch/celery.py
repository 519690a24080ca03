"""The Celery application. Tasks are thin: they take ids and call visits.flagging."""

import os

from celery import Celery
from celery.signals import task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iccwatch.settings")

app = Celery("iccwatch")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
