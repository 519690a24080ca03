from django.contrib import admin

from core.models import Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["url", "publisher", "published"]
    search_fields = ["url", "publisher", "excerpt"]
    list_filter = ["published"]
