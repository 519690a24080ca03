"""The record of each dataset import: which version of the files, when, what it changed,
and the documentation that came with them (changelog, dictionary, licence)."""

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone

# The project's own dataset folder: whose documentation the site shows before any import.
PROJECT_DATA = Path(settings.BASE_DIR) / "data"
# The documentation each import keeps from the folder it read: field -> file.
DOCUMENTS = {"changelog": "CHANGELOG.md", "dictionary": "DICTIONARY.md", "licence": "LICENSE"}


class DatasetImport(models.Model):
    """One successful run of the importer that changed something (a run with errors writes
    nothing, this included; one that changed nothing is not recorded either)."""

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
    # The documentation of the data imported, from the same folder: /data/, the changelog,
    # the dictionary and the downloads show the latest import's (`documents`).
    changelog = models.TextField(
        blank=True, help_text="The folder's CHANGELOG.md; empty when the folder has none."
    )
    dictionary = models.TextField(
        blank=True,
        help_text="The folder's DICTIONARY.md; the project's data/DICTIONARY.md when it has none.",
    )
    licence = models.TextField(
        blank=True, help_text="The folder's LICENSE; the project's data/LICENSE when it has none."
    )

    class Meta:
        ordering = ["-imported_at", "-pk"]
        get_latest_by = ["imported_at", "pk"]

    def __str__(self):
        return f"{self.version or 'unknown version'} imported {self.imported_at:%Y-%m-%d %H:%M}"

    @classmethod
    def latest_version(cls) -> str | None:
        """The version of the latest import ("" if it had none), or None when nothing was imported."""
        return cls.objects.order_by("-imported_at", "-pk").values_list("version", flat=True).first()

    @classmethod
    def documents(cls) -> dict[str, str]:
        """The documentation of the data the site holds, {"changelog", "dictionary",
        "licence": text}: the latest import's changelog and licence (from the folder it
        read), or the project's data/ files (CHANGELOG.md, DICTIONARY.md, LICENSE) before
        any import. The dictionary is the project's own whenever it has one: it documents
        the columns this code reads and writes (the importer's, the exports'), which a
        release of the code may change without a new import."""
        latest = cls.objects.order_by("-imported_at", "-pk").values(*DOCUMENTS).first()
        if latest is None:
            return project_documents()
        dictionary = PROJECT_DATA / DOCUMENTS["dictionary"]
        if dictionary.is_file():
            latest["dictionary"] = dictionary.read_text(encoding="utf-8")
        return latest


def project_documents() -> dict[str, str]:
    """The project's data/ folder's documentation, as `DatasetImport.documents` gives it."""
    return {
        field: (PROJECT_DATA / name).read_text(encoding="utf-8")
        for field, name in DOCUMENTS.items()
    }
