"""/api/v1/states/ and /api/v1/statements/."""

import datetime

import django_filters
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Prefetch, Q
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)

from api.base import (
    AS_OF,
    NumericIdMixin,
    PublicReadViewSet,
    as_of_parameter,
    id_parameter,
    iso3_parameter,
    slug_parameter,
)
from api.filters import ApiOrderingFilter, AsOfFilter
from api.states import examples
from api.states.serializers import (
    CouncilReferralSerializer,
    JointStatementSerializer,
    StateSerializer,
    with_listed_count,
)
from core import identifiers
from core.filters import AnyOfISO3Filter, AnyOfSlugFilter, IsoDateFilter, NamedRecordsMixin
from core.names import country_sort_name
from core.sorting import Sorts
from front.summaries import STATE_LIST_SORTS
from states import status as treaty_status
from states.filters import PARTY_FILTER, STATE, StateFilterSet
from states.models import (
    Declaration,
    JointStatement,
    SecurityCouncilReferral,
    State,
    TreatyEvent,
)
from visits.models import Finding, first_finding, readable_visit
from warrants.filters import SITUATION

AS_OF_STATES = (
    "Answer with each state's treaty status and obligations as they stood on this day (YYYY-MM-DD; "
    "default: today, UTC), computed from its timeline: `party` from entry into force; `withdrawing` "
    "once a withdrawal is notified (still a full party, Art. 127(1)); `withdrawn` from the day the "
    "withdrawal takes effect, counted as bound only for warrants issued before then (iccwatch's "
    "reading of Art. 127(2), which also keeps cooperation in proceedings begun before then); Art. 12(3) "
    "declarations lodged by that day are listed as obligations for their situation. With `status`, "
    "the filter applies to that day too."
)


STATE_ORDERING = (
    "Sort keys, comma-separated or repeated, `-` before one to reverse its order (default: "
    "`name`), the same as the site's /states/ and its downloads: `name` (the "
    "`translated_name`, in the answer's language, accents and case folded); `iso3`; "
    "`entry_into_force` (the date of its `entry_into_force` event; a state without one sorts "
    "last in either direction); `updated` (`updated_at`): ascending, and descending with `-`. "
    "`visits` (or `visits_hosted`, the column of /states.csv), the visits it hosted that took "
    "place (not trips called off, attended by video or only announced), and `incidents`, as "
    "the site's list counts them: most first, and fewest first with `-` (`-visits`); ties by "
    "name."
)


def with_timeline(states):
    """States with their treaty events and declarations (and their situations), and the
    sources of each, in four queries whatever the number of states."""
    declarations = Declaration.objects.select_related("situation").prefetch_related("sources")
    return states.prefetch_related(
        Prefetch("treaty_events", queryset=TreatyEvent.objects.prefetch_related("sources")),
        Prefetch("declarations", queryset=declarations),
    )


def with_obligations_and_record(states):
    """States with their council referrals, findings and statements: one query for each of
    the three relations, whatever the number of states (the findings' persons are
    aggregated into their query, the statements' listed counts into theirs)."""
    referrals = SecurityCouncilReferral.objects.select_related("situation").order_by(
        "adopted", "id"
    )
    findings = (
        Finding.objects.select_related("visit")
        .annotate(
            visit_readable=readable_visit(),
            first_finding=first_finding(),
            person_slugs=ArrayAgg(
                "persons__slug",
                filter=Q(persons__isnull=False),
                order_by="persons__slug",
                default=[],
            ),
        )
        .order_by("decided", "id")
    )
    statements = with_listed_count(JointStatement.objects.order_by("date", "id"))
    return states.prefetch_related(
        Prefetch("council_referrals", queryset=referrals),
        Prefetch("findings", queryset=findings),
        Prefetch("joint_statements", queryset=statements),
    )


class StateApiFilterSet(StateFilterSet):
    """The site's StateFilterSet (`party` and `status` among its filters), plus `as_of`
    (which `status` and `party` then read) and ordering."""

    as_of = AsOfFilter(label=AS_OF_STATES)
    # The site's sorts of the states (front.summaries.STATE_LIST_SORTS), every key: `name`
    # in the answer's language, as /states/ sorts it.
    ordering = ApiOrderingFilter(label=STATE_ORDERING, sorts=STATE_LIST_SORTS)

    class Meta(StateFilterSet.Meta):
        fields = [*StateFilterSet.Meta.fields, "as_of"]

    def standing_day(self):
        # The site's filter (and facet), on the as_of day instead of today.
        return self.form.cleaned_data.get("as_of") or datetime.datetime.now(datetime.UTC).date()


@extend_schema_view(
    list=extend_schema(
        summary="States and their Rome Statute status",
        description=(
            "Every country (ISO 3166-1 alpha-3) with its treaty timeline, Art. 12(3) declarations and its "
            "status today or on the `as_of` day. Filter with `?status=party&as_of=2024-09-03`."
        ),
        parameters=[
            OpenApiParameter(
                "name", str, description="Name contains (case-insensitive).", pattern=r"^[^\x00]*$"
            ),
            OpenApiParameter(
                "status",
                {
                    "type": "array",
                    "items": {"type": "string", "enum": list(treaty_status.STATUSES)},
                    "minItems": 1,
                },
                style="form",
                explode=False,
                description="Treaty status on the `as_of` day (default today, UTC); several, "
                "separated by commas, match any of them. `party` is a party with no withdrawal "
                "pending: it leaves out `withdrawing`, a state that notified its withdrawal and "
                "is still a full party until it takes effect (Art. 127(1)); `party=true` gives "
                "both.",
            ),
            OpenApiParameter("party", bool, description=PARTY_FILTER),
            # The example in words only: Swagger UI fills a parameter's box with its
            # example, and "Try it out" then sends it unasked.
            OpenApiParameter(
                "as_of",
                datetime.date,
                description=AS_OF_STATES + " E.g. `2026-06-01`: Hungary's last day as a party.",
            ),
        ],
        examples=[examples.STATE],
    ),
    retrieve=extend_schema(
        summary="One state, by ISO 3166-1 alpha-3 code",
        description="E.g. `/api/v1/states/HUN/?as_of=2026-06-02`: Hungary the day its withdrawal took effect.",
        parameters=[
            iso3_parameter("iso3", "ISO 3166-1 alpha-3 code.", path=True),
            as_of_parameter(AS_OF_STATES),
        ],
        examples=[examples.STATE],
    ),
)
class StateViewSet(PublicReadViewSet):
    """States: lookup by ISO 3166-1 alpha-3 code (any case)."""

    detail_parameters = (AS_OF,)

    queryset = with_obligations_and_record(
        with_timeline(State.objects.select_related("territory_of").prefetch_related("sources"))
    )
    serializer_class = StateSerializer
    filterset_class = StateApiFilterSet
    facets_example = examples.STATE_FACETS
    lookup_field = "iso3"
    lookup_value_pattern = identifiers.ISO3_ANY_CASE
    resource_name = "state"
    lookup_description = "ISO 3166-1 alpha-3 code"

    def get_object(self):
        self.kwargs["iso3"] = self.kwargs["iso3"].upper()
        return super().get_object()

    def get_queryset(self):
        """The states by name in the answer's language, accents and case folded, as
        `?ordering=name` and the site's list sort them (core.names.country_sort_name)."""
        return super().get_queryset().order_by(country_sort_name(), "iso3")


class JointStatementFilterSet(NamedRecordsMixin, django_filters.FilterSet):
    signatory = AnyOfISO3Filter(
        field_name="signatories__iso3",
        distinct=True,
        label="Listed as signed by (ISO 3166-1 alpha-3; several separated by commas: any of "
        "them). Recorded signatories only: a statement whose list is incomplete (`complete` "
        "false) and does not list the state is left out, its signature not known.",
    )
    date_after = IsoDateFilter(field_name="date", lookup_expr="gte", label="Made on or after.")
    date_before = IsoDateFilter(field_name="date", lookup_expr="lte", label="Made on or before.")
    ordering = ApiOrderingFilter(sorts=Sorts({"date": ("date",)}))

    NAMED = {"signatory": STATE}

    class Meta:
        model = JointStatement
        fields = ["signatory", "date_after", "date_before"]


@extend_schema_view(
    list=extend_schema(
        summary="Joint statements of support for the Court",
        description=(
            "Each statement and the states recorded as signing it. A list may be incomplete: "
            "`listed_count` states recorded of the `signatory_count` that signed (`complete` "
            "false); an unlisted state is then not known to have signed, never known not to "
            "have. `dataset_id` is statements.csv's `id`: `/statements/{dataset_id}/` "
            "redirects to the statement's `url`."
        ),
        parameters=[
            iso3_parameter(
                "signatory",
                "Listed as signed by (ISO 3166-1 alpha-3; several: listed as signed by any of "
                "them); a code no state has is a 400 naming it. It matches the recorded "
                "signatories only: a statement whose list is incomplete (`complete` false, "
                "`listed_count` of `signatory_count`) and does not list the state is left out, "
                'though the state may have signed it (not known, never "did not sign"). A '
                "state's own record (`/states/{iso3}/`) names those in "
                "`statements_not_known`.",
                many=True,
            )
        ],
        examples=[examples.STATEMENT],
    ),
    retrieve=extend_schema(
        summary="One joint statement",
        parameters=[id_parameter("statement", "/statements/2024-06-14/")],
        examples=[examples.STATEMENT],
    ),
)
class JointStatementViewSet(NumericIdMixin, PublicReadViewSet):
    queryset = JointStatement.objects.prefetch_related("signatories", "sources").order_by(
        "date", "id"
    )  # listed_count: from the prefetched signatories
    serializer_class = JointStatementSerializer
    filterset_class = JointStatementFilterSet
    resource_name = "joint statement"


class CouncilReferralFilterSet(NamedRecordsMixin, django_filters.FilterSet):
    state = AnyOfISO3Filter(
        field_name="bound_states__iso3",
        distinct=True,
        label="A state it binds (ISO 3166-1 alpha-3; several separated by commas: any of them).",
    )
    situation = AnyOfSlugFilter(
        field_name="situation__slug", label="Situation (slug; several separated by commas)."
    )
    ordering = ApiOrderingFilter(sorts=Sorts({"adopted": ("adopted",)}))

    NAMED = {"state": STATE, "situation": SITUATION}

    class Meta:
        model = SecurityCouncilReferral
        fields = ["state", "situation"]


@extend_schema_view(
    list=extend_schema(
        summary="Security Council referrals (Chapter VII) and the states they bind",
        description=(
            "Each resolution referring a situation to the Court and the states it decides shall cooperate "
            "fully: bound for that situation from the adoption date, whatever their treaty status "
            "(basis `unsc_referral`)."
        ),
        parameters=[
            iso3_parameter(
                "state",
                "A state it binds (ISO 3166-1 alpha-3; several: binding any of them); a code no "
                "state has is a 400 naming it.",
                many=True,
            ),
            slug_parameter(
                "situation",
                "Situation (slug), e.g. `darfur-sudan`; a slug no situation has is a 400 naming it.",
                many=True,
            ),
        ],
        examples=[examples.REFERRAL],
    ),
    retrieve=extend_schema(
        summary="One Security Council referral",
        parameters=[id_parameter("referral")],
        examples=[examples.REFERRAL],
    ),
)
class CouncilReferralViewSet(NumericIdMixin, PublicReadViewSet):
    queryset = (
        SecurityCouncilReferral.objects.select_related("situation")
        .prefetch_related("bound_states", "sources")
        .order_by("adopted", "id")
    )
    serializer_class = CouncilReferralSerializer
    filterset_class = CouncilReferralFilterSet
    resource_name = "Security Council referral"
