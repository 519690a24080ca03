from django.contrib import admin

from states.models import (
    Declaration,
    JointStatement,
    SecurityCouncilReferral,
    State,
    TreatyEvent,
)


class TreatyEventInline(admin.TabularInline):
    model = TreatyEvent
    extra = 0
    fields = ["kind", "date", "precision", "note"]


class DeclarationInline(admin.TabularInline):
    model = Declaration
    extra = 0
    fields = ["lodged", "situation", "covers_from", "covers_to", "notes"]
    autocomplete_fields = ["situation"]


@admin.register(State)
class StateAdmin(admin.ModelAdmin):
    list_display = ["iso3", "name", "updated_at"]
    search_fields = ["iso3", "name"]
    list_filter = ["treaty_events__kind"]
    inlines = [TreatyEventInline, DeclarationInline]
    filter_horizontal = ["sources"]


@admin.register(TreatyEvent)
class TreatyEventAdmin(admin.ModelAdmin):
    list_display = ["state", "kind", "date", "precision"]
    list_filter = ["kind"]
    search_fields = ["state__name", "state__iso3"]
    autocomplete_fields = ["state"]
    filter_horizontal = ["sources"]


@admin.register(Declaration)
class DeclarationAdmin(admin.ModelAdmin):
    list_display = ["state", "lodged", "situation", "covers_from", "covers_to"]
    search_fields = ["state__name", "situation__name"]
    autocomplete_fields = ["state", "situation"]
    filter_horizontal = ["sources"]


@admin.register(JointStatement)
class JointStatementAdmin(admin.ModelAdmin):
    list_display = ["date", "title", "signatory_count"]
    search_fields = ["title"]
    date_hierarchy = "date"
    filter_horizontal = ["signatories", "sources"]


@admin.register(SecurityCouncilReferral)
class SecurityCouncilReferralAdmin(admin.ModelAdmin):
    list_display = ["resolution", "adopted", "situation"]
    search_fields = ["resolution", "situation__name"]
    autocomplete_fields = ["situation"]
    filter_horizontal = ["bound_states", "sources"]
