"""/api/v1/persons/ and /api/v1/warrants/."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view

from api.base import PublicReadViewSet
from api.filters import ApiOrderingFilter
from api.warrants import examples
from api.warrants.serializers import PersonSerializer, WarrantSerializer
from warrants.filters import PersonFilterSet, WarrantFilterSet
from warrants.models import Person, Warrant

SLUG = r"^[-a-zA-Z0-9_]+$"
ISO3 = r"^[A-Za-z]{3}$"


class PersonApiFilterSet(PersonFilterSet):
    ordering = ApiOrderingFilter(fields=(("name", "name"), ("updated_at", "updated")))


class WarrantApiFilterSet(WarrantFilterSet):
    ordering = ApiOrderingFilter(
        fields=(("issued", "issued"), ("made_public", "made_public"), ("updated_at", "updated"))
    )


@extend_schema_view(
    list=extend_schema(
        summary="People named in ICC arrest warrants",
        parameters=[
            OpenApiParameter(
                "situation", str, pattern=SLUG, description="Situation (slug), e.g. `ukraine`."
            ),
            OpenApiParameter(
                "nationality", str, pattern=ISO3, description="Nationality (ISO 3166-1 alpha-3)."
            ),
        ],
        examples=[examples.PERSON],
    ),
    retrieve=extend_schema(
        summary="One person, by slug",
        parameters=[
            OpenApiParameter(
                "slug",
                str,
                OpenApiParameter.PATH,
                pattern=SLUG,
                description="e.g. `vladimir-putin`.",
            )
        ],
        examples=[examples.PERSON],
    ),
)
class PersonViewSet(PublicReadViewSet):
    queryset = (
        Person.objects.select_related("nationality", "situation")
        .prefetch_related("warrants", "sources")
        .order_by("name", "pk")
    )
    serializer_class = PersonSerializer
    filterset_class = PersonApiFilterSet
    lookup_field = "slug"
    resource_name = "person"
    lookup_description = "slug"


@extend_schema_view(
    list=extend_schema(
        summary="ICC arrest warrants",
        parameters=[
            OpenApiParameter(
                "person", str, pattern=SLUG, description="Person (slug), e.g. `vladimir-putin`."
            ),
            OpenApiParameter("situation", str, pattern=SLUG, description="Situation (slug)."),
        ],
        examples=[examples.WARRANT],
    ),
    retrieve=extend_schema(
        summary="One warrant, by ref",
        parameters=[
            OpenApiParameter(
                "ref",
                str,
                OpenApiParameter.PATH,
                pattern=SLUG,
                description="e.g. `vladimir-putin-2023-03-17`.",
            )
        ],
        examples=[examples.WARRANT],
    ),
)
class WarrantViewSet(PublicReadViewSet):
    queryset = (
        Warrant.objects.select_related("person", "person__situation", "case")
        .prefetch_related("sources")
        .order_by("issued", "made_public", "ref")
    )
    serializer_class = WarrantSerializer
    filterset_class = WarrantApiFilterSet
    lookup_field = "ref"
    resource_name = "warrant"
    lookup_description = "ref"
