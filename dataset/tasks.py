"""The bulk downloads' beat task: rebuild the files of /data/ when the data changed."""

from celery import shared_task

from dataset import bulk


@shared_task(name="dataset.build_downloads")
def build_downloads_task() -> str:
    """Build the zip and the SQLite file if the data changed since the last build; their key,
    "" while another process builds the first ones (bulk.build returns {} then)."""
    return bulk.build().get("key", "")
