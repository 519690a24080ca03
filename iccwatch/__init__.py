"""iccwatch: where people wanted by the ICC travel, and which hosts failed to arrest them."""

from iccwatch.installed import refuse_unlike_the_lock

# Production refuses to start on packages other than the runtime lock's (a release whose
# lock gained one, started from the venv of the release before): checked here, before
# Celery below or the settings import any of them (iccwatch/installed.py).
refuse_unlike_the_lock()

from iccwatch.celery import app as celery_app  # noqa: E402 - after the check above

__all__ = ["celery_app"]
