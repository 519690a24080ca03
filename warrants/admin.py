from django.contrib import admin

from warrants.models import Case, Person, Situation, Warrant


@admin.register(Situation)
class SituationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["name", "number", "situation"]
    search_fields = ["name", "number"]
    list_filter = ["situation"]


class WarrantInline(admin.TabularInline):
    model = Warrant
    extra = 0
    fields = [
        "ref",
        "case",
        "issued",
        "issued_precision",
        "made_public",
        "made_public_precision",
        "ended",
        "end_reason",
    ]
    show_change_link = True


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "nationality", "situation", "status"]
    list_filter = ["status", "situation"]
    search_fields = ["name", "slug", "other_names"]
    autocomplete_fields = ["nationality"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [WarrantInline]
    filter_horizontal = ["sources"]


@admin.register(Warrant)
class WarrantAdmin(admin.ModelAdmin):
    list_display = ["ref", "person", "issued", "made_public", "ended", "end_reason"]
    list_filter = ["end_reason", "person__situation"]
    search_fields = ["ref", "person__name", "case__name", "case__number"]
    autocomplete_fields = ["person"]
    filter_horizontal = ["sources"]
