"""The record of each dataset import: which version of the files, when, and what it changed."""

from django.db import models
from django.utils import timezone


class DatasetImport(models.Model):
    """One successful run of the importer (a run with errors writes nothing, this included)."""

    version = models.CharField(
        max_length=64,
        blank=True,
        help_text="The folder's VERSION (e.g. 2026.11.30); empty when the folder has no VERSION file.",
    )
    imported_at = models.DateTimeField(default=timezone.now, db_index=True)
    counts = models.JSONField(
        default=dict, help_text='Rows per kind and outcome, e.g. {"visits": {"created": 97}}.'
    )
    digest = models.CharField(
        max_length=64,
        blank=True,
        help_text="The fingerprint of the rows imported (dataset.importer.rows_digest): "
        "changed files under the same version are refused. Empty for imports made before.",
    )
    visits_evaluated = models.PositiveIntegerField(default=0)
    verdicts_changed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-imported_at", "-pk"]
        get_latest_by = ["imported_at", "pk"]

    def __str__(self):
        return f"{self.version or 'unknown version'} imported {self.imported_at:%Y-%m-%d %H:%M}"

    @classmethod
    def latest_version(cls) -> str | None:
        """The version of the latest import ("" if it had none), or None when nothing was imported."""
        return cls.objects.order_by("-imported_at", "-pk").values_list("version", flat=True).first()
