"""/api/v1/persons/ and /api/v1/warrants/."""

from drf_spectacular.utils import extend_schema, extend_schema_view

from api.base import PublicReadViewSet, iso3_parameter, slug_parameter
from api.filters import ApiOrderingFilter
from api.rows import PlainRowsMixin
from api.warrants import examples
from api.warrants.rows import PersonRows, WarrantRows
from api.warrants.serializers import PersonSerializer, WarrantSerializer
from core.names import sort_name
from front.summaries import PERSON_LIST_SORTS
from warrants.filters import WARRANT_SORTS, PersonFilterSet, WarrantFilterSet
from warrants.models import Person, Warrant

PERSON_ORDERING = (
    "Sort keys, comma-separated or repeated, `-` before one to reverse its order (default: "
    "`name`), the same as the site's /persons/ and its downloads: `name` (accents and case "
    "folded); `situation` (its name, then the person's); `status`; `updated` (`updated_at`): "
    "ascending, and descending with `-`. `visits`, the person's recorded trips (those called "
    "off, attended by video or only announced too), and `incidents`, as the site's list "
    "counts them: most first, and fewest first with `-` (`-visits`); ties by name."
)
WARRANT_ORDERING = (
    "Sort keys, comma-separated or repeated, `-` before one for descending (default: "
    "`issued`, then `made_public`), the same as the site's /warrants/ and its downloads: "
    "`issued`; `person` (the person's name, accents and case folded, then `issued`); "
    "`made_public`; `ended`; `updated` (`updated_at`). A partial date sorts by its first "
    "day; a missing value (a warrant not made public, or not ended) sorts last in either "
    "direction."
)


class PersonApiFilterSet(PersonFilterSet):
    # The site's sorts of the persons (front.summaries.PERSON_LIST_SORTS): every key.
    ordering = ApiOrderingFilter(label=PERSON_ORDERING, sorts=PERSON_LIST_SORTS)


class WarrantApiFilterSet(WarrantFilterSet):
    # The site's sorts of the warrants (warrants.filters.WARRANT_SORTS): every key.
    ordering = ApiOrderingFilter(label=WARRANT_ORDERING, sorts=WARRANT_SORTS)


@extend_schema_view(
    list=extend_schema(
        summary="People named in ICC arrest warrants",
        parameters=[
            slug_parameter(
                "situation",
                "Situation (slug), e.g. `ukraine`; a slug no situation has is a 400 naming it.",
                many=True,
            ),
            iso3_parameter(
                "nationality",
                "Nationality (ISO 3166-1 alpha-3); a code no state has is a 400 naming it.",
                many=True,
            ),
        ],
        examples=[examples.PERSON],
    ),
    retrieve=extend_schema(
        summary="One person, by slug",
        parameters=[slug_parameter("slug", "e.g. `vladimir-putin`.", path=True)],
        examples=[examples.PERSON],
    ),
)
class PersonViewSet(PlainRowsMixin, PublicReadViewSet):
    queryset = (
        Person.objects.select_related("nationality", "situation")
        .prefetch_related("warrants", "sources")
        .order_by(sort_name("name"), "pk")
    )
    serializer_class = PersonSerializer
    # A list's JSON pages and CSV: PersonSerializer's rows, from plain column reads.
    rows_class = PersonRows
    filterset_class = PersonApiFilterSet
    facets_example = examples.PERSON_FACETS
    lookup_field = "slug"
    resource_name = "person"
    lookup_description = "slug"


@extend_schema_view(
    list=extend_schema(
        summary="ICC arrest warrants",
        parameters=[
            slug_parameter(
                "person",
                "Person (slug), e.g. `vladimir-putin`; a slug no person has is a 400 naming it.",
                many=True,
            ),
            slug_parameter(
                "situation",
                "Situation (slug); a slug no situation has is a 400 naming it.",
                many=True,
            ),
        ],
        examples=[examples.WARRANT],
    ),
    retrieve=extend_schema(
        summary="One warrant, by ref",
        parameters=[slug_parameter("ref", "e.g. `vladimir-putin-2023-03-17`.", path=True)],
        examples=[examples.WARRANT],
    ),
)
class WarrantViewSet(PlainRowsMixin, PublicReadViewSet):
    queryset = (
        Warrant.objects.select_related("person", "person__situation", "case")
        .prefetch_related("sources")
        .order_by("issued", "made_public", "ref")
    )
    serializer_class = WarrantSerializer
    # A list's JSON pages and CSV: WarrantSerializer's rows, from plain column reads.
    rows_class = WarrantRows
    filterset_class = WarrantApiFilterSet
    facets_example = examples.WARRANT_FACETS
    lookup_field = "ref"
    resource_name = "warrant"
    lookup_description = "ref"
