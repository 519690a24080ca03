"""/api/v1/states/ and /api/v1/statements/."""

import datetime

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)

from api.base import (
    NumericIdMixin,
    PublicReadViewSet,
    as_of_parameter,
    id_parameter,
    iso3_parameter,
)
from api.filters import ApiOrderingFilter, AsOfFilter
from api.states import examples
from api.states.serializers import JointStatementSerializer, StateSerializer
from core import identifiers
from states import status as treaty_status
from states.filters import StateFilterSet
from states.models import Declaration, JointStatement, State

AS_OF_STATES = (
    "Answer with each state's treaty status and obligations as they stood on this day (YYYY-MM-DD; "
    "default: today, UTC), computed from its timeline: `party` from entry into force; `withdrawing` "
    "once a withdrawal is notified (still a full party, Art. 127(1)); `withdrawn` from the day the "
    "withdrawal takes effect, still bound for warrants issued before then (Art. 127(2)); Art. 12(3) "
    "declarations lodged by that day are listed as obligations for their situation. With `status`, "
    "the filter applies to that day too."
)


def with_timeline(states):
    """States with their treaty events and declarations (and their situations) in two queries."""
    declarations = Declaration.objects.select_related("situation")
    return states.prefetch_related("treaty_events", Prefetch("declarations", queryset=declarations))


class StateApiFilterSet(StateFilterSet):
    """The site's StateFilterSet, plus `as_of` (which `status` then reads) and ordering."""

    as_of = AsOfFilter(label=AS_OF_STATES)
    ordering = ApiOrderingFilter(
        fields=(("name", "name"), ("iso3", "iso3"), ("updated_at", "updated"))
    )

    class Meta(StateFilterSet.Meta):
        fields = [*StateFilterSet.Meta.fields, "as_of"]

    def filter_status(self, queryset, name, value):
        # The site's filter, on the as_of day instead of today. States without a timeline
        # are not parties, hence the exclusion for non_party.
        day = self.form.cleaned_data.get("as_of") or datetime.datetime.now(datetime.UTC).date()
        statuses = treaty_status.statuses_on(day)
        if value == treaty_status.NON_PARTY:
            return queryset.exclude(iso3__in=[c for c, s in statuses.items() if s != value])
        return queryset.filter(iso3__in=[c for c, s in statuses.items() if s == value])


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
                str,
                enum=list(treaty_status.STATUSES),
                description="Treaty status on the `as_of` day (default today, UTC).",
            ),
            OpenApiParameter(
                "as_of",
                datetime.date,
                description=AS_OF_STATES,
                examples=[
                    OpenApiExample("Hungary's last day as a party", value="2026-06-01"),
                ],
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

    queryset = with_timeline(State.objects.prefetch_related("sources")).order_by("name", "iso3")
    serializer_class = StateSerializer
    filterset_class = StateApiFilterSet
    lookup_field = "iso3"
    lookup_value_pattern = identifiers.ISO3_ANY_CASE
    resource_name = "state"
    lookup_description = "ISO 3166-1 alpha-3 code"

    def get_object(self):
        self.kwargs["iso3"] = self.kwargs["iso3"].upper()
        return super().get_object()


class JointStatementFilterSet(django_filters.FilterSet):
    signatory = django_filters.CharFilter(
        method="filter_signatory", label="Signed by (ISO 3166-1 alpha-3)."
    )
    date_after = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label="Made on or after."
    )
    date_before = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", label="Made on or before."
    )
    ordering = ApiOrderingFilter(fields=(("date", "date"),))

    class Meta:
        model = JointStatement
        fields = ["signatory", "date_after", "date_before"]

    def filter_signatory(self, queryset, name, value):
        return queryset.filter(signatories__iso3=value.upper())


@extend_schema_view(
    list=extend_schema(
        summary="Joint statements of support for the Court",
        parameters=[iso3_parameter("signatory", "Signed by (ISO 3166-1 alpha-3).")],
        examples=[examples.STATEMENT],
    ),
    retrieve=extend_schema(
        summary="One joint statement",
        parameters=[id_parameter("statement")],
        examples=[examples.STATEMENT],
    ),
)
class JointStatementViewSet(NumericIdMixin, PublicReadViewSet):
    queryset = JointStatement.objects.prefetch_related("signatories", "sources").order_by(
        "date", "id"
    )
    serializer_class = JointStatementSerializer
    filterset_class = JointStatementFilterSet
    resource_name = "joint statement"
