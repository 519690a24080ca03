from django.contrib import admin

from visits.models import (
    Citation,
    EvaluationRequest,
    Finding,
    Report,
    Verdict,
    VerdictChange,
    Visit,
)


class CitationInline(admin.TabularInline):
    """The visit's sources, with what this visit's record says of each."""

    model = Citation
    extra = 0
    fields = ["source", "publisher", "published", "excerpt", "archived_url"]
    autocomplete_fields = ["source"]


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0
    fields = [
        "state",
        "kind",
        "decided",
        "decided_precision",
        "chamber",
        "decision_reference",
        "referred_to_asp",
        "referred_to_unsc",
    ]
    fk_name = "visit"


class VerdictChangeInline(admin.TabularInline):
    """The verdict's history: read-only, it is derived data."""

    model = VerdictChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "old_code", "new_code", "new_basis", "cause"]
    readonly_fields = fields
    ordering = ["-changed_at", "-id"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = [
        "slug",
        "person",
        "host",
        "start",
        "status",
        "outcome",
        "review_state",
        "verdict_code",
    ]
    list_filter = [
        "review_state",
        "status",
        "outcome",
        "host_control",
        "verdict__code",
        "verdict__basis",
    ]
    search_fields = ["slug", "person__name", "host__name", "host__iso3", "place", "occasion"]
    date_hierarchy = "start"
    autocomplete_fields = ["person", "host", "controlled_by"]
    readonly_fields = ["current_verdict", "created_at", "updated_at", "created_by", "updated_by"]
    inlines = [CitationInline, FindingInline, VerdictChangeInline]
    list_select_related = ["person", "host", "verdict"]

    @admin.display(description="verdict", ordering="verdict__code")
    def verdict_code(self, obj):
        verdict = getattr(obj, "verdict", None)
        return verdict.code if verdict else "—"

    @admin.display(description="current verdict")
    def current_verdict(self, obj):
        verdict = getattr(obj, "verdict", None)
        if verdict is None:
            return "not yet evaluated"
        check = f"\n\nSELF-CHECK: {verdict.self_check}" if verdict.self_check else ""
        return f"{verdict.code} ({verdict.basis or 'no basis'}): {verdict.explanation}{check}"

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["state", "kind", "visit", "decided", "referred_to_asp", "referred_to_unsc"]
    list_filter = ["kind", "referred_to_asp", "referred_to_unsc"]
    search_fields = ["state__name", "visit__slug", "decision_reference", "chamber"]
    autocomplete_fields = ["state", "visit", "persons"]
    filter_horizontal = ["sources"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Derived data: visible to staff, changed only by the rule engine."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Verdict)
class VerdictAdmin(ReadOnlyAdmin):
    list_display = ["visit", "code", "basis", "rule_version", "computed_at", "has_self_check"]
    list_filter = ["code", "basis", "rule_version"]
    search_fields = ["visit__slug", "explanation"]
    list_select_related = ["visit"]

    @admin.display(boolean=True, description="self-check warning")
    def has_self_check(self, obj):
        return bool(obj.self_check)


@admin.register(VerdictChange)
class VerdictChangeAdmin(ReadOnlyAdmin):
    list_display = ["visit", "changed_at", "old_code", "new_code", "cause"]
    list_filter = ["new_code", "old_code"]
    search_fields = ["visit__slug", "cause"]
    date_hierarchy = "changed_at"
    list_select_related = ["visit"]


@admin.register(EvaluationRequest)
class EvaluationRequestAdmin(ReadOnlyAdmin):
    list_display = ["visit", "requested_at", "reason"]
    list_select_related = ["visit"]


@admin.register(Citation)
class CitationAdmin(ReadOnlyAdmin):
    """Citations are edited with their visit (and through reports); listed here to search them."""

    list_display = ["visit", "source", "publisher", "published"]
    search_fields = ["visit__slug", "source__url", "publisher", "excerpt"]
    list_select_related = ["visit", "source"]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    """Newsroom reports: reviewed in the newsroom (four eyes), browsed here."""

    list_display = ["pk", "state", "is_correction", "visit", "author", "reviewer", "submitted_at"]
    list_filter = ["state", "is_correction"]
    search_fields = ["visit__slug", "author__username", "comment"]
    list_select_related = ["visit", "author", "reviewer"]
