"""The Celery application. Tasks are thin: they take ids and call visits.flagging."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iccwatch.settings")

app = Celery("iccwatch")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
