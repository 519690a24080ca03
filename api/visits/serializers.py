"""Visits with their verdicts, incidents, ICC findings, and the visit report a reporter posts."""

import re

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.encoding import smart_str
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.base import AS_OF, LinkField, SourceSerializer, page_url
from api.lang import answer_language, render_explanation
from api.states.serializers import PUBLIC_VISIT_STATES, StateRefSerializer
from api.warrants.serializers import PersonRefSerializer, SituationSerializer, WarrantRefSerializer
from compliance import Period
from core import causes, identifiers
from core.models import DatePrecision
from states.models import State
from visits.models import (
    Basis,
    Finding,
    FindingKind,
    HostControl,
    ReviewState,
    VerdictChange,
    VerdictCode,
    Visit,
    VisitOutcome,
    VisitStatus,
)
from visits.reports import SourceInput, record_visit_report
from warrants.models import Person


class VisitVerdictSerializer(serializers.Serializer):
    """The verdict on a visit: the current one, or with `as_of` the one iccwatch showed then.

    With `as_of`, the verdict is the visit's latest recorded verdict change made before
    the end of that day (UTC): what iccwatch said at that moment, with the rule and facts
    it knew then. It is null when the visit had not been evaluated by then. Changes only
    record the code, basis and explanation, so `warrants` and `would_have_been_bound`
    are null for a past verdict.
    """

    code = serializers.ChoiceField(
        choices=VerdictCode.choices,
        help_text="The first matching row of the verdict table (docs/DOMAIN.md): `pending`, `upcoming` "
        "(an announced trip: an early warning, not an incident), `deterred`, `no_warrant_in_force`, "
        "`warrant_not_public`, `no_control` (the host did not control the place), `complied`, "
        "`no_obligation`, `non_compliance` (the only incident); `withdrawn`: the visit left the record "
        "(rejected on review or removed from a newer dataset version; see `withdrawal_note`).",
    )
    label = serializers.CharField(help_text="The code in words, in the answer's language.")
    basis = serializers.ChoiceField(
        choices=[("", "none"), *Basis.choices],
        allow_blank=True,
        help_text="Why the host was bound, first of state_party, art_127_2_residual, art_12_3_declaration, "
        "unsc_referral. For `non_compliance` and `complied`: the basis it was bound on; for `upcoming`, "
        "`deterred` and `no_control`: the basis it would have had ('' if none); '' for every other verdict.",
    )
    reasons = serializers.ListField(
        child=serializers.DictField(),
        allow_null=True,
        help_text="The rule's reasons as structured, language-neutral facts, as stored: each an object "
        "with a `key` and its parameters (ISO dates, possibly partial; states as ISO 3166-1 alpha-3). "
        "`explanation` is their rendering. Empty for a verdict recorded before reasons were kept.",
    )
    explanation = serializers.CharField(
        help_text="Plain-language explanation (basis, dates, articles, warrants, sources), rendered from "
        "`reasons` in the answer's language (`?lang=` or Accept-Language)."
    )
    would_have_been_bound = serializers.BooleanField(
        allow_null=True,
        help_text="For `upcoming`, `deterred` and `no_control`: whether the host would have been bound "
        "(on `basis`); null otherwise.",
    )
    warrants = WarrantRefSerializer(
        many=True, allow_null=True, help_text="The warrants that decided the verdict."
    )
    rule_version = serializers.CharField()
    since = serializers.DateTimeField(help_text="When iccwatch recorded this verdict.")
    as_of = serializers.DateField(
        allow_null=True, help_text="The as_of date asked for, or null for the current verdict."
    )

    def to_representation(self, visit):
        as_of = self.context.get(AS_OF)
        if as_of is None:
            try:
                verdict = visit.verdict
            except ObjectDoesNotExist:
                return None
            data = {
                "code": verdict.code,
                "basis": verdict.basis,
                "reasons": verdict.reasons or [],
                "explanation": render_explanation(verdict.reasons, verdict.explanation),
                "would_have_been_bound": verdict.would_have_been_bound,
                "warrants": verdict.warrants.all(),
                "rule_version": verdict.rule_version,
                "since": verdict.computed_at,
                "as_of": None,
            }
        else:
            changes = getattr(visit, "verdict_as_of", None)
            if not changes:
                return None
            change = changes[0]
            data = {
                "code": change.new_code,
                "basis": change.new_basis,
                "reasons": change.reasons or [],
                "explanation": render_explanation(change.reasons, change.explanation),
                "would_have_been_bound": None,
                "warrants": None,
                "rule_version": change.rule_version,
                "since": change.changed_at,
                "as_of": as_of,
            }
        data["label"] = VerdictCode(data["code"]).label
        return super().to_representation(data)


class VerdictChangeSerializer(serializers.ModelSerializer):
    """One change of the verdict: when a flag appeared, changed or was withdrawn, and why."""

    reasons = serializers.JSONField(
        read_only=True, help_text="The new verdict's structured reasons, as stored."
    )
    explanation = serializers.SerializerMethodField(
        help_text="The new verdict's explanation, rendered from `reasons` in the answer's language."
    )
    cause = serializers.SerializerMethodField(
        help_text=(
            "Why it changed, rendered from `cause_facts` in the answer's language (the stored "
            "English for changes recorded before causes were structured); a withdrawal reads "
            "'withdrawn: removed from dataset version X'."
        )
    )
    cause_facts = serializers.JSONField(
        read_only=True,
        help_text="Why it changed, structured (what changed, named by natural keys; empty for older changes).",
    )

    class Meta:
        model = VerdictChange
        fields = [
            "changed_at",
            "old_code",
            "new_code",
            "old_basis",
            "new_basis",
            "reasons",
            "explanation",
            "cause",
            "cause_facts",
            "rule_version",
        ]

    def get_explanation(self, change) -> str:
        return render_explanation(change.reasons, change.explanation)

    def get_cause(self, change) -> str:
        if not change.cause_facts:
            return change.cause
        return causes.render(change.cause_facts, answer_language())


class FindingRefSerializer(serializers.HyperlinkedModelSerializer):
    url = LinkField(view_name="api-finding-detail")
    kind = serializers.ChoiceField(choices=FindingKind.choices, read_only=True)

    class Meta:
        model = Finding
        fields = [
            "url",
            "kind",
            "decided",
            "decided_precision",
            "referred_to_asp",
            "referred_to_unsc",
        ]


class VisitSerializer(serializers.HyperlinkedModelSerializer):
    """A trip of a wanted person to another state, with the verdict on the host.

    Dates may be partial: `start` and `end` then hold the first day of the month or
    year, and `start_precision`/`end_precision` say how much is known.
    """

    url = LinkField(view_name="api-visit-detail", lookup_field="slug", lookup_url_kwarg="id")
    id = serializers.CharField(source="slug", read_only=True, help_text="The dataset's stable id.")
    person = PersonRefSerializer(read_only=True)
    situation = SituationSerializer(source="person.situation", read_only=True)
    host = StateRefSerializer(read_only=True)
    host_control = serializers.ChoiceField(
        choices=HostControl.choices,
        read_only=True,
        help_text="Whether the host controlled the place: `effective` (the default) or `none` (occupied "
        "territory or outside the host's authority: the verdict is then `no_control`).",
    )
    controlled_by = StateRefSerializer(
        read_only=True,
        allow_null=True,
        help_text="Where `host_control` is `none`: the state that controlled the place, if known.",
    )
    verdict = VisitVerdictSerializer(source="*", read_only=True, allow_null=True)
    findings = FindingRefSerializer(
        many=True, read_only=True, help_text="ICC findings (Art. 87(7) or other) about this visit."
    )
    expected_verdict = serializers.CharField(
        read_only=True,
        help_text="The verdict code the researchers expect ('' if none noted); the self-check compares "
        "it with `verdict.code`.",
    )
    withdrawal_note = serializers.CharField(
        read_only=True,
        help_text="For a withdrawn visit: why it left the record, e.g. 'removed from dataset version "
        "2026.12.01'; '' otherwise.",
    )
    sources = SourceSerializer(many=True, read_only=True)
    page_url = serializers.SerializerMethodField(help_text="The visit's page on the site.")

    class Meta:
        model = Visit
        fields = [
            "url",
            "id",
            "person",
            "situation",
            "host",
            "host_control",
            "controlled_by",
            "place",
            "start",
            "start_precision",
            "end",
            "end_precision",
            "occasion",
            "status",
            "outcome",
            "host_notified",
            "host_justification",
            "review_state",
            "withdrawal_note",
            "expected_verdict",
            "verdict",
            "findings",
            "sources",
            "page_url",
            "created_at",
            "updated_at",
        ]

    def get_page_url(self, visit) -> str:
        return page_url(self.context, visit)


class VisitDetailSerializer(VisitSerializer):
    """A visit with its verdict history (up to the as_of day, when given), oldest first."""

    history = VerdictChangeSerializer(source="history_rows", many=True, read_only=True)

    class Meta(VisitSerializer.Meta):
        fields = [*VisitSerializer.Meta.fields, "history"]


class IncidentSerializer(VisitSerializer):
    """A visit whose current verdict is non-compliance, with its position in the feed."""

    flag_id = serializers.IntegerField(
        read_only=True,
        help_text="Position in the feed: the id of the verdict change that made this visit an incident. "
        "Increases with every new incident; pass it as `cursor` to get the incidents after it.",
    )
    flagged_at = serializers.DateTimeField(
        read_only=True, help_text="When the visit became an incident."
    )

    class Meta(VisitSerializer.Meta):
        fields = ["flag_id", "flagged_at", *VisitSerializer.Meta.fields]


class VisitRefSerializer(serializers.HyperlinkedModelSerializer):
    """A link to a visit."""

    url = LinkField(view_name="api-visit-detail", lookup_field="slug", lookup_url_kwarg="id")
    id = serializers.CharField(source="slug")

    class Meta:
        model = Visit
        fields = ["url", "id"]


class FindingSerializer(serializers.HyperlinkedModelSerializer):
    """An ICC decision on a state's failure to arrest and surrender.

    `kind` `art_87_7`: a Pre-Trial Chamber finding of non-compliance under Art. 87(7);
    `other`: a decision that only informs the Security Council or the Assembly. Most
    concern one visit; some a failure on the state's own territory with no visit (`visit`
    null: Sudan 2010 and 2015, Libya 2014). `decided` may be known only to the month or
    year (`decided_precision`; CSV writes `2010-05`).
    """

    url = LinkField(view_name="api-finding-detail")
    state = StateRefSerializer(read_only=True)
    kind = serializers.ChoiceField(choices=FindingKind.choices, read_only=True)
    persons = PersonRefSerializer(many=True, read_only=True, help_text="The persons concerned.")
    visit = serializers.SerializerMethodField(
        help_text="The visit it concerns, or null (no visit, or one not published)."
    )
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = Finding
        fields = [
            "url",
            "id",
            "state",
            "kind",
            "visit",
            "persons",
            "decided",
            "decided_precision",
            "chamber",
            "decision_reference",
            "referred_to_asp",
            "referred_to_unsc",
            "notes",
            "sources",
        ]

    @extend_schema_field(VisitRefSerializer(allow_null=True))
    def get_visit(self, finding):
        visit = finding.visit
        if visit is None or visit.review_state not in PUBLIC_VISIT_STATES:
            return None  # an unpublished visit has no public page
        return VisitRefSerializer(visit, context=self.context).data


# --- Writing: a visit report ------------------------------------------------------------


class PartialDateField(serializers.CharField):
    """'2024-09-02', '2009-03' or '2012': a day, or some day in that month or year."""

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        try:
            if len(text) > 10:
                raise ValueError(
                    f"{text[:20]!r}… is not a date (expected YYYY-MM-DD, YYYY-MM or YYYY)"
                )
            return Period.parse(text)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None


class SourceInputSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=1000)
    publisher = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    published = serializers.DateField(required=False, allow_null=True, default=None)
    excerpt = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    archived_url = serializers.URLField(
        max_length=1000, required=False, allow_blank=True, default=""
    )


class CheckedSlugRelatedField(serializers.SlugRelatedField):
    """A SlugRelatedField that refuses malformed identifiers before looking them up."""

    def __init__(self, *, pattern: str, **kwargs):
        self.pattern = re.compile(pattern)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str) or not self.pattern.fullmatch(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=smart_str(data)[:200])
        return super().to_internal_value(data)


class VisitReportSerializer(serializers.Serializer):
    """A visit report. It goes through the one write path (record_visit_report) and enters as
    `reported`: it is published only after a reviewer verifies it."""

    person = CheckedSlugRelatedField(
        pattern=identifiers.SLUG,
        slug_field="slug",
        queryset=Person.objects.all(),
        help_text="The person's slug, e.g. `vladimir-putin`.",
        error_messages={"does_not_exist": "No person with slug {value!r}."},
    )
    host = CheckedSlugRelatedField(
        pattern=identifiers.ISO3,
        slug_field="iso3",
        queryset=State.objects.all(),
        help_text="The host state (ISO 3166-1 alpha-3).",
        error_messages={"does_not_exist": "No state with ISO 3166-1 alpha-3 code {value!r}."},
    )
    start = PartialDateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="YYYY-MM-DD, YYYY-MM or YYYY; may be null only for a cancelled trip.",
    )
    end = PartialDateField(
        required=False, allow_null=True, default=None, help_text="Like start; defaults to start."
    )
    place = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    occasion = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    status = serializers.ChoiceField(choices=VisitStatus.choices)
    outcome = serializers.ChoiceField(choices=VisitOutcome.choices)
    host_notified = serializers.BooleanField(required=False, default=False)
    host_justification = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=5000
    )
    host_control = serializers.ChoiceField(
        choices=HostControl.choices,
        required=False,
        default=HostControl.EFFECTIVE,
        help_text="`none` when the host did not control the place (occupied territory).",
    )
    controlled_by = CheckedSlugRelatedField(
        pattern=identifiers.ISO3,
        slug_field="iso3",
        queryset=State.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="The state that controlled the place when the host did not (ISO 3166-1 alpha-3).",
        error_messages={"does_not_exist": "No state with ISO 3166-1 alpha-3 code {value!r}."},
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)
    sources = SourceInputSerializer(
        many=True, min_length=1, max_length=50, help_text="At least one public source."
    )

    def to_internal_value(self, data):
        if isinstance(data, dict) and isinstance(data.get("host"), str):
            data = {**data, "host": data["host"].upper()}
        return super().to_internal_value(data)

    def create(self, validated):
        start, end = validated["start"], validated["end"]
        try:
            return record_visit_report(
                person=validated["person"],
                host=validated["host"],
                start=start.first if start else None,
                start_precision=start.precision if start else DatePrecision.DAY,
                end=end.first if end else None,
                end_precision=end.precision if end else DatePrecision.DAY,
                status=validated["status"],
                outcome=validated["outcome"],
                place=validated["place"],
                occasion=validated["occasion"],
                host_notified=validated["host_notified"],
                host_justification=validated["host_justification"],
                host_control=validated["host_control"],
                controlled_by=validated["controlled_by"],
                notes=validated["notes"],
                sources=[SourceInput(**source) for source in validated["sources"]],
                review_state=ReviewState.REPORTED,
                user=self.context["request"].user,
            )
        except DjangoValidationError as exc:
            if hasattr(exc, "error_dict"):
                raise serializers.ValidationError(
                    {k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()}
                ) from None
            raise serializers.ValidationError({"non_field_errors": exc.messages}) from None
