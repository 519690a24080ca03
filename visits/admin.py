"""The admin's pages for visits and their derived data.

The admin is for admins (core.adminsite), and even there a visit is never written
directly: saving the visit form files a report through the newsroom's service layer
(visits.review.file_report), a new report for an added visit and a correction report
for an edited published one. Nothing is public until another reviewer verifies it in
the newsroom (four eyes). The form refuses what the report would refuse (a visit to the
person's own state, no source, ...) next to the field concerned; review_state is never a
form field. An edit is a correction as the newsroom's: with its reason, and refused when
the visit changed after the form was opened (VisitAdminForm).

The sources (core.models.Source) are edited here too, with the visits that cite them: a
source a public visit cites is the visit's evidence, read only (SourceAdmin): it changes
through a correction of the visit, reviewed by a second person, never by an edit no one
reviews; a source no public visit cites stays editable.

An ICC decision (Finding) is refused where its fields contradict its kind or its visit
(a visit another state hosted, persons named without the visit's), as the importer
refuses such a findings.csv row: one rule for both (visits.models.decision_incoherences,
decision_visit_incoherences), each error beside the field concerned.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.addresses import address_refusal
from core.models import DatePrecision, Source
from core.names import country_name, format_date, with_article
from core.text import PlainTextForm
from visits import review
from visits.models import (
    Citation,
    EvaluationRequest,
    Finding,
    FindingKind,
    HostControl,
    RangeEvaluationRequest,
    Report,
    ReviewState,
    Verdict,
    VerdictChange,
    Visit,
    WithdrawalCitation,
    decision_incoherences,
    decision_visit_incoherences,
)
from visits.reports import validate_visit_fields

EDITABLE_VISIT_FIELDS = [
    "person",
    "host",
    "place",
    ("start", "start_precision"),
    ("end", "end_precision", "end_known"),
    "occasion",
    "status",
    "outcome",
    "host_notified",
    "host_justification",
    "host_control",
    "controlled_by",
    "notes",
    "text_language",
]


class CitationAdminForm(PlainTextForm, forms.ModelForm):
    """What this visit's record says of a source: text without bidirectional controls,
    as the newsroom's source form (core.text)."""


class CitationInline(admin.TabularInline):
    """The visit's sources, with what this visit's record says of each: at least one."""

    model = Citation
    form = CitationAdminForm
    extra = 0
    min_num = 1
    fields = ["source", "publisher", "published", "excerpt", "archived_url"]
    autocomplete_fields = ["source"]

    def get_formset(self, request, obj=None, **kwargs):
        # The admin passes min_num to the formset but not validate_min: without it, every
        # row could be deleted (or none posted) and the visit would have no source.
        return super().get_formset(request, obj, validate_min=True, **kwargs)


# The fields of a correction that are not the visit's: why it should change, and the
# version of the visit the form was opened on (hidden). Only an edit's form shows them.
CORRECTION_FIELDS = ["reason"]
HIDDEN_CORRECTION_FIELDS = ["based_on"]


class VisitAdminForm(PlainTextForm, forms.ModelForm):
    """The visit's fields, checked as the report they become will be (visits.reports), its
    texts as the newsroom's form checks them (core.text).

    An edit of a published visit files a correction, asked for what the newsroom's
    correction page asks: `reason`, why the visit should change (required, checked by
    visits.review.correction_reason_errors: the visit's page shows it to every reader), and
    `based_on`, the version of the visit the form was opened on (hidden, signed:
    visits.review.signed_version). A form opened before the visit last changed (another
    correction verified meanwhile, an import) is refused, nothing filed: saving it would
    undo that change unseen (visits.review.is_stale). `based_on_version` then holds the
    version read (an aware datetime, None when the form did not say), for file_report."""

    reason = forms.CharField(
        label=gettext_lazy("Why the visit should change"),
        required=False,
        max_length=review.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "The new source or the error the correction answers: the reviewer reads it, and "
            "readers see it with the correction on the visit's page."
        ),
    )
    based_on = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Visit
        fields = [
            name
            for entry in EDITABLE_VISIT_FIELDS
            for name in (entry if isinstance(entry, tuple) else (entry,))
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.based_on_version = None
        if self.instance.pk:
            self.fields["based_on"].initial = review.signed_version(self.instance)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.instance.review_state != ReviewState.VERIFIED:
            raise ValidationError(
                _(
                    "Only a published visit can be corrected; this one is %(state)s. "
                    "Its reports are reviewed in the newsroom."
                ),
                params={"state": self.instance.get_review_state_display()},
            )
        if self.instance.pk:
            self._clean_correction(cleaned)
        person, host = cleaned.get("person"), cleaned.get("host")
        if person is None or host is None:
            return cleaned
        host_control = cleaned.get("host_control") or HostControl.EFFECTIVE
        errors = validate_visit_fields(
            person=person,
            host=host,
            start=cleaned.get("start"),
            end=cleaned.get("end"),
            status=cleaned.get("status") or "",
            outcome=cleaned.get("outcome") or "",
            review_state=ReviewState.VERIFIED,
            host_control=host_control,
            controlled_by=cleaned.get("controlled_by"),
            start_precision=cleaned.get("start_precision") or DatePrecision.DAY,
            end_precision=cleaned.get("end_precision") or DatePrecision.DAY,
            end_known=cleaned.get("end_known", True),
        )
        for field, message in errors.items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
            elif field not in self.fields:
                self.add_error(None, message)
        return cleaned

    def _clean_correction(self, cleaned: dict) -> None:
        """An edit's correction fields, as the newsroom's correction page checks them: the
        visit unchanged since the version the form was opened on, and a reason."""
        visit = self.instance  # as it stands: the form's values are laid on it after clean
        self.based_on_version = review.signed_version_of(cleaned.get("based_on") or "", visit)
        if self.based_on_version is None:
            self.add_error(
                None,
                _(
                    "This form does not say which version of the visit it was opened on (it "
                    "was opened before an update of the site, or altered): nothing was filed. "
                    "Open the visit again, which shows it as it stands, and make your change "
                    "there."
                ),
            )
        elif visit.updated_at > self.based_on_version:
            when = timezone.localtime(visit.updated_at)
            self.add_error(
                None,
                _(
                    "The visit changed on %(date)s at %(time)s UTC, after this correction was "
                    "begun (when this form was opened): saving it would undo that change. "
                    "Nothing was filed. Open the visit again, which shows it as it stands, "
                    "and make your change there."
                )
                % {"date": format_date(when.date()), "time": when.strftime("%H:%M")},
            )
        if "reason" in self.errors:
            return
        reason = (cleaned.get("reason") or "").strip()
        if not reason:
            # The newsroom's words (newsroom.views.submit_check): the same rule.
            self.add_error(
                "reason",
                _("Say why the visit should change: the reviewer reads it, and readers see it."),
            )
        else:
            for message in review.correction_reason_errors(reason):
                self.add_error("reason", message)


class FindingInline(admin.TabularInline):
    """The court's findings about this visit, edited on their own admin page."""

    model = Finding
    extra = 0
    can_delete = False
    show_change_link = True
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
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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
    form = VisitAdminForm
    autocomplete_fields = ["person", "host", "controlled_by"]
    readonly_fields = [
        "slug",
        "review_state",
        "withdrawal_note",
        "expected_verdict",
        "dataset_version",
        "current_verdict",
        "created_at",
        "updated_at",
        "created_by",
        "updated_by",
    ]
    inlines = [CitationInline, FindingInline, VerdictChangeInline]
    list_select_related = ["person", "host", "verdict"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return EDITABLE_VISIT_FIELDS
        return [
            "slug",
            "review_state",
            *CORRECTION_FIELDS,
            *EDITABLE_VISIT_FIELDS,
            *self.readonly_fields[2:],
            *HIDDEN_CORRECTION_FIELDS,
        ]

    def has_delete_permission(self, request, obj=None):
        # A published fact is withdrawn (review, import), never deleted from the record.
        return False

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if request.method == "GET":
            note = (
                _(
                    "Saving files a report: the visit is published only when another "
                    "reviewer verifies it in the newsroom."
                )
                if add
                else _(
                    "Saving files a correction report: this visit stays as it is until "
                    "another reviewer verifies the correction in the newsroom."
                )
            )
            messages.info(request, note)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- Saving files a report (visits.review), never the visit itself ------------------

    def save_model(self, request, obj, form, change):
        """Nothing is saved here: see save_related."""

    def save_related(self, request, form, formsets, change):
        visit = form.instance
        citations = []
        for formset in formsets:
            if formset.model is not Citation:
                continue
            for row in formset.forms:
                data = getattr(row, "cleaned_data", None)
                if not data or data.get("DELETE") or data.get("source") is None:
                    continue
                citations.append(
                    {
                        "url": data["source"].url,
                        "publisher": data.get("publisher") or "",
                        "published": data["published"].isoformat()
                        if data.get("published")
                        else None,
                        "excerpt": data.get("excerpt") or "",
                        "archived_url": data.get("archived_url") or "",
                    }
                )
        data = review.report_data_of(visit)
        request._visit_report = request._visit_report_error = None
        if change:
            published = Visit.objects.get(pk=visit.pk)
            if data == review.report_data_of(published) and review.normalise_citations(
                citations
            ) == review.normalise_citations(review.citations_of(published)):
                request._visit_report_error = _("Nothing changed: no report was filed.")
                return
        try:
            request._visit_report = review.file_report(
                author=request.user,
                data=data,
                citations=citations,
                visit=Visit.objects.get(pk=visit.pk) if change else None,
                # A correction: from the version the form was opened on, with its reason,
                # as the newsroom files one (file_report refuses it if the visit changed
                # since, between the form's check and this).
                based_on=form.based_on_version if change else None,
                reason=form.cleaned_data.get("reason", "") if change else "",
            )
        except review.DuplicateReport as exc:
            request._visit_report = exc.existing
            request._visit_report_error = _(
                "An identical report is already open: report %(number)s."
            ) % {"number": exc.existing.pk}
        except (ValidationError, PermissionDenied) as exc:
            request._visit_report_error = " ".join(getattr(exc, "messages", None) or [str(exc)])

    def construct_change_message(self, request, form, formsets, add=False):
        return []  # the formsets were not saved: the report says what changed

    def log_addition(self, request, obj, message):
        """The report, not the visit, records what was done (and by whom)."""

    def log_change(self, request, obj, message):
        """The report, not the visit, records what was done (and by whom)."""

    def _response_after_report(self, request, obj):
        report = getattr(request, "_visit_report", None)
        error = getattr(request, "_visit_report_error", None)
        if error:
            messages.error(request, error)
        elif report is not None:
            messages.success(
                request,
                _(
                    "Filed as report %(number)s: it is published only when another reviewer "
                    "verifies it in the newsroom."
                )
                % {"number": report.pk},
            )
        if report is not None:
            return HttpResponseRedirect(reverse("admin:visits_report_change", args=[report.pk]))
        if obj.pk:
            return HttpResponseRedirect(reverse("admin:visits_visit_change", args=[obj.pk]))
        return HttpResponseRedirect(reverse("admin:visits_visit_changelist"))

    def response_add(self, request, obj, post_url_continue=None):
        return self._response_after_report(request, obj)

    def response_change(self, request, obj):
        return self._response_after_report(request, obj)

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
        return (
            f"{verdict.code} ({verdict.basis or 'no basis'}): {verdict.explanation_text()}{check}"
        )


class FindingAdminForm(forms.ModelForm):
    """An ICC decision, refused where its fields contradict its kind or its visit as the
    importer refuses a findings.csv row (visits.models.decision_incoherences and
    decision_visit_incoherences, the one rule): each error beside the field concerned, in
    the reader's language, nothing saved."""

    class Meta:
        model = Finding
        # Every field the admin's default form had: the model's editable fields, in order.
        fields = [
            "state",
            "visit",
            "decided",
            "decided_precision",
            "kind",
            "chamber",
            "decision_reference",
            "persons",
            "referred_to_asp",
            "referred_to_unsc",
            "notes",
            "sources",
            "slug",
            "reported_by",
        ]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind not in FindingKind.values:
            return cleaned  # refused on its own
        labels = {
            "no_failure": FindingKind.NO_FAILURE.label,
            "other": FindingKind.OTHER.label,
            "kind": FindingKind(kind).label,
        }
        messages_of = {
            "visit": _(
                "A decision of the kind “%(no_failure)s” is a decision on a visit (it found "
                "no failure to comply on it): choose its visit, or record the decision as "
                "the kind “%(other)s”."
            ),
            "referred_to_asp": _(
                "A decision of the kind “%(no_failure)s” referred nothing and informed no "
                "body (its explanation says so): untick this box."
            ),
            "reported_by": _(
                "Only a decision of the kind “%(no_failure)s” may be known from the state "
                "concerned's own report alone (the site then attributes its holding to that "
                "report); a decision of the kind “%(kind)s” is stated as the Court's, from "
                "its publication or independent reports."
            ),
        }
        messages_of["referred_to_unsc"] = messages_of["referred_to_asp"]
        for field in decision_incoherences(
            kind,
            on_visit=cleaned.get("visit") is not None,
            asp=bool(cleaned.get("referred_to_asp")),
            unsc=bool(cleaned.get("referred_to_unsc")),
            reported_by=cleaned.get("reported_by") or "",
        ):
            if field not in self.errors:
                self.add_error(field, messages_of[field] % labels)
        self.check_visit(cleaned)
        return cleaned

    def check_visit(self, cleaned: dict) -> None:
        """Refuse a decision that contradicts its visit as the importer refuses such a
        findings.csv row (visits.models.decision_visit_incoherences): the visit hosted by
        another state than the decision's, or the persons it names without the visit's
        person. `persons` is many-to-many, hence read here, from the cleaned data, before
        anything is saved."""
        state, visit = cleaned.get("state"), cleaned.get("visit")
        if state is None or visit is None:
            return  # a decision with no visit, or a choice refused on its own
        persons = cleaned.get("persons")
        fields = decision_visit_incoherences(
            state.iso3,
            host=visit.host.iso3,
            traveller=visit.person.slug,
            persons=[person.slug for person in persons] if persons is not None else [],
        )
        names = {
            "host": with_article(country_name(visit.host.iso3, visit.host.name)),
            "state": with_article(country_name(state.iso3, state.name)),
            "traveller": visit.person.name,
        }
        messages_of = {
            "visit": _(
                "This visit was hosted by %(host)s, not by %(state)s: a decision on a visit "
                "rules on what the state that hosted it did. Choose a visit hosted by "
                "%(state)s, or correct the state."
            ),
            "persons": _(
                "This visit was made by %(traveller)s, whom this decision does not name: a "
                "decision on a visit concerns the arrest of the person who made it. Add "
                "%(traveller)s to the persons, or choose a visit by a person it names."
            ),
        }
        for field in fields:
            if field not in self.errors:
                self.add_error(field, messages_of[field] % names)


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    form = FindingAdminForm
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
    """Verdicts, to read: derived data, written by the rule's evaluation only."""

    list_display = ["visit", "code", "basis", "rule_version", "computed_at", "has_self_check"]
    list_filter = ["code", "basis", "rule_version"]
    search_fields = ["visit__slug"]
    list_select_related = ["visit"]

    @admin.display(boolean=True, description="self-check warning")
    def has_self_check(self, obj):
        return bool(obj.self_check)


@admin.register(VerdictChange)
class VerdictChangeAdmin(ReadOnlyAdmin):
    """The verdicts' history, to read: each change of a code, basis or reasons, and why."""

    list_display = ["visit", "changed_at", "old_code", "new_code", "cause"]
    list_filter = ["new_code", "old_code"]
    search_fields = ["visit__slug", "cause"]
    date_hierarchy = "changed_at"
    list_select_related = ["visit"]


@admin.register(EvaluationRequest)
class EvaluationRequestAdmin(ReadOnlyAdmin):
    """The outbox, to read: visits awaiting evaluation, and why (visits.outbox)."""

    list_display = ["visit", "requested_at", "reason"]
    list_select_related = ["visit"]


@admin.register(RangeEvaluationRequest)
class RangeEvaluationRequestAdmin(ReadOnlyAdmin):
    """The shares of a queued full re-evaluation not done yet, to read (visits.outbox)."""

    list_display = ["__str__", "force", "queue", "requested_at", "relayed_at"]


@admin.register(Citation)
class CitationAdmin(ReadOnlyAdmin):
    """Citations are edited with their visit (and through reports); listed here to search them."""

    list_display = ["visit", "source", "publisher", "published"]
    search_fields = ["visit__slug", "source__url", "publisher", "excerpt"]
    list_select_related = ["visit", "source"]


@admin.register(WithdrawalCitation)
class WithdrawalCitationAdmin(ReadOnlyAdmin):
    """The sources of visits' withdrawals: written only by a verified withdrawal (the
    newsroom, four eyes); listed here to search them."""

    list_display = ["visit", "source", "publisher", "published"]
    search_fields = ["visit__slug", "source__url", "publisher", "excerpt"]
    list_select_related = ["visit", "source"]


class SourceAdminForm(forms.ModelForm):
    """A source's addresses checked as every other way in checks them: an http(s) address
    anyone can read, without credentials or a character no URL holds
    (core.addresses.address_refusal, the newsroom's, the API's and the importer's rule)."""

    class Meta:
        model = Source
        fields = ["url", "publisher", "published", "excerpt", "archived_url"]

    def _checked(self, field: str) -> str:
        url = self.cleaned_data.get(field) or ""
        if url and (refused := address_refusal(url)):
            raise forms.ValidationError(refused)
        return url

    def clean_url(self) -> str:
        return self._checked("url")

    def clean_archived_url(self) -> str:
        return self._checked("archived_url")


def public_visits_citing(sources) -> models.QuerySet:
    """The visits a reader may open (Visit.objects.readable: published, or withdrawn after
    it was) that cite one of `sources` (Source rows or ids), or whose withdrawal does,
    with their slugs: the visits whose evidence the sources are."""
    return (
        Visit.objects.readable()
        .filter(Q(citations__source__in=sources) | Q(withdrawal_citations__source__in=sources))
        .distinct()
        .order_by("slug")
    )


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    """The sources: a source that a visit a reader may open cites (or whose withdrawal it
    backs) is read only, and cannot be deleted (its citations would go with it): what a
    reader reads of it (its address, archived copy, publisher, date and excerpt, which a
    citation that says none falls back to) changed here would change the published
    evidence at once, reviewed by nobody, while the visit's history credited the new
    address to the report that cited the old. Its page says so, with a link to each such
    visit's correction page (the newsroom's: a correction, reviewed by a second person).
    A source no such visit cites is edited as before, its addresses checked
    (SourceAdminForm). Every change of a source is recorded (core.history)."""

    form = SourceAdminForm
    list_display = ["url", "publisher", "published"]
    search_fields = ["url", "publisher", "excerpt"]
    list_filter = ["published"]

    def get_fields(self, request, obj=None):
        fields = list(SourceAdminForm.Meta.fields)
        return fields if obj is None else [*fields, "cited_by"]

    def get_readonly_fields(self, request, obj=None):
        return ["cited_by"]

    def has_change_permission(self, request, obj=None):
        """Not for a source a public visit cites (`public_visits_citing`): the page shows
        it, read only."""
        if obj is not None and public_visits_citing([obj]).exists():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and public_visits_citing([obj]).exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        """Django's list of what deleting `objs` deletes, each source a public visit cites
        among the protected objects: "delete selected" on the list refuses them too."""
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        cited = Source.objects.filter(
            pk__in=[obj.pk for obj in objs], citations__visit__in=Visit.objects.readable()
        ) | Source.objects.filter(
            pk__in=[obj.pk for obj in objs],
            withdrawal_citations__visit__in=Visit.objects.readable(),
        )
        for source in cited.distinct().order_by("url"):
            protected.append(
                _("%(source)s: cited by a published visit; correct the visit instead")
                % {"source": source.url}
            )
        return to_delete, model_count, perms_needed, protected

    @admin.display(description=gettext_lazy("Cited by"))
    def cited_by(self, source):
        """The public visits that cite `source`, each linked to its correction page (a
        published one) or to its page (one withdrawn), with what to do; or that none does."""
        visits = list(public_visits_citing([source]))
        if not visits:
            return _("No published visit cites this source: it may be edited here.")
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (
                    reverse("newsroom:correct", args=[v.slug])
                    if v.review_state == ReviewState.VERIFIED
                    else v.get_absolute_url(),
                    v.slug,
                )
                for v in visits
            ),
        )
        return format_html(
            "{} {}",
            _(
                "This source is the evidence of a published visit: it is read only here. To "
                "change what the visit cites, file a correction of the visit (another person "
                "reviews it):"
            ),
            links,
        )


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    """Newsroom reports: reviewed in the newsroom (four eyes), browsed here."""

    list_display = [
        "pk",
        "state",
        "is_correction",
        "is_withdrawal",
        "is_restoration",
        "visit",
        "author",
        "reviewer",
        "submitted_at",
    ]
    list_filter = ["state", "is_correction"]

    @admin.display(boolean=True, description=gettext_lazy("withdrawal"))
    def is_withdrawal(self, report) -> bool:
        return report.is_withdrawal

    @admin.display(boolean=True, description=gettext_lazy("restoration"))
    def is_restoration(self, report) -> bool:
        return report.is_restoration

    search_fields = ["visit__slug", "author__username", "comment"]
    list_select_related = ["visit", "author", "reviewer"]
