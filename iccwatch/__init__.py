"""iccwatch: where people wanted by the ICC travel, and which hosts failed to arrest them."""

from iccwatch.celery import app as celery_app

__all__ = ["celery_app"]
