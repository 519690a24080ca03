"""The import history in the admin: read-only, written only by the importer."""

from django.contrib import admin

from dataset.models import DatasetImport


@admin.register(DatasetImport)
class DatasetImportAdmin(admin.ModelAdmin):
    """Which dataset version was imported when, and what each import changed."""

    list_display = ["imported_at", "version", "visits_evaluated", "verdicts_changed"]
    readonly_fields = [
        "version",
        "imported_at",
        "counts",
        "visits_evaluated",
        "verdicts_changed",
        "digest",
        "changelog",
        "dictionary",
        "licence",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
