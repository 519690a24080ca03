"""/api/v1/search/: the site's search (front.search) for programs and the site's person boxes.

One ranked list: persons first, then states, then visits, each with its `score` and the
`reason` it was found (for a visit: the person, the place in any spelling, the host
state or words of the occasion). A person's name finds that person and their trips.
"""

from django.urls import reverse
from django.utils import translation
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from api.base import PublicReadMixin
from api.errors import InvalidFilter
from api.filters import GENERAL_PARAMETERS
from api.formats import JSONRenderer
from core import tabular
from core.echo import echoed
from core.identifiers import whole_number
from core.models import DatePrecision
from core.names import country_name
from front import search as site_search
from front.summaries import place_words, span_words
from visits.models import VerdictCode

MAX_LIMIT = 100
# A person's or a state's result has no dates.
NO_DATES = {"start": None, "start_precision": None, "end": None, "end_precision": None}
REASONS = ("name", "sound", "code", *site_search.REASONS)


class SearchResultSerializer(serializers.Serializer):
    """One match: a person, a state or a published visit."""

    kind = serializers.ChoiceField(choices=site_search.KINDS, help_text="What was found.")
    id = serializers.CharField(
        help_text="Its identifier: a person's or a visit's slug, a state's ISO 3166-1 alpha-3 code."
    )
    name = serializers.CharField(help_text="What to show a reader, in the answer's language.")
    score = serializers.FloatField(
        help_text="How well it matches (higher is better; a visit of a person the query "
        "names, in spelling or in sound, scores above 1, so a person's trips come before "
        "visits found by their place, host or occasion, which score 1 at most)."
    )
    reason = serializers.ChoiceField(
        choices=REASONS,
        help_text="Why it was found: a person's or state's `name` (or a state's `code`; a "
        "person's `sound`: only how the query sounds matched, as another language spells the "
        "name, e.g. `Poutine`, and it ranks after every match by spelling); a visit's "
        "`person` (their name matched), `place` (in any spelling: see `matched`), `host` "
        "(the host state's name or code) or `occasion` (whole words of it).",
    )
    matched = serializers.CharField(
        allow_blank=True,
        help_text="For a visit found by its place: the spelling that matched (e.g. `Ulan Bator`).",
    )
    url = serializers.CharField(help_text="Its address in this API.")
    page = serializers.CharField(help_text="Its page on the site, in the answer's language.")
    person = serializers.CharField(
        allow_null=True, help_text="For a visit: the person's slug; otherwise null."
    )
    host = serializers.CharField(
        allow_null=True, help_text="For a visit: the host state's ISO3 code; otherwise null."
    )
    start = serializers.DateField(
        allow_null=True,
        help_text="For a visit: its first day, as `/api/v1/visits/` gives it: a date known "
        "only to the month or year is its first day (`2025-10-01`), `start_precision` saying "
        "how much is known; null for an undated visit, and for others.",
    )
    start_precision = serializers.ChoiceField(
        choices=DatePrecision.choices,
        allow_null=True,
        help_text="How much of `start` is known: `day`, `month` or `year`; null when `start` is.",
    )
    end = serializers.DateField(
        allow_null=True,
        help_text="For a visit: its last day, as `/api/v1/visits/` gives it (`end_precision` "
        "beside it); null for a visit of one day (it ends on its start), an undated one, and "
        "for others.",
    )
    end_precision = serializers.ChoiceField(
        choices=DatePrecision.choices,
        allow_null=True,
        help_text="How much of `end` is known: `day`, `month` or `year`; null when `end` is.",
    )
    verdict = serializers.ChoiceField(
        choices=VerdictCode.choices,
        allow_null=True,
        help_text="For a visit: its current verdict (null if not yet evaluated, and for others).",
    )
    reevaluation_pending = serializers.BooleanField(
        allow_null=True,
        help_text="For a visit: true when its verdict was decided before a change to the "
        "facts it rests on that has not been evaluated yet (as a visit's "
        "`verdict.reevaluation_pending`), else false; null for others.",
    )


@extend_schema_serializer(many=False)  # one answer, though served by a "list" action
class SearchAnswerSerializer(serializers.Serializer):
    """The matches for a query, best first within each kind: persons, states, visits."""

    query = serializers.CharField(help_text="The query as searched (spaces collapsed, cut).")
    results = SearchResultSerializer(many=True)


class WholeNumberField(serializers.IntegerField):
    """A query parameter read as `page` and `page_size` are (core.identifiers.whole_number):
    ASCII digits only, where DRF's IntegerField reads `１`, ` 2`, `+2` or `2.0` too."""

    def to_internal_value(self, data):
        number = whole_number(data)
        if number is None:
            self.fail("invalid")
        return number


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=site_search.MAX_QUERY_LENGTH, trim_whitespace=False)
    kind = serializers.CharField(required=False)
    limit = WholeNumberField(required=False, min_value=1, max_value=MAX_LIMIT)

    def validate_kind(self, value):
        kinds = [k.strip() for k in value.split(",") if k.strip()]
        unknown = [k for k in kinds if k not in site_search.KINDS]
        if unknown:
            raise serializers.ValidationError(
                f"{echoed(unknown[0])!r} is not a kind: use {', '.join(site_search.KINDS)}."
            )
        return tuple(dict.fromkeys(kinds)) or site_search.KINDS


EXAMPLE = OpenApiExample(
    "A city, in another spelling",
    value={
        "query": "ulan bator",
        "results": [
            {
                "kind": "visit",
                "id": "vladimir-putin-mng-2024-09-02",
                "name": "Vladimir Vladimirovich Putin — Ulaanbaatar, Mongolia, 2–3 September 2024",
                "score": 1.0,
                "reason": "place",
                "matched": "Ulan Bator",
                "url": "https://iccwatch.example.org/api/v1/visits/vladimir-putin-mng-2024-09-02/",
                "page": "https://iccwatch.example.org/visits/vladimir-putin-mng-2024-09-02/",
                "person": "vladimir-putin",
                "host": "MNG",
                "start": "2024-09-02",
                "start_precision": "day",
                "end": "2024-09-03",
                "end_precision": "day",
                "verdict": "non_compliance",
                "reevaluation_pending": False,
            }
        ],
    },
    response_only=True,
)


@extend_schema(
    summary="Search persons, states and visits",
    description=(
        "What a reader types, found the way they mean it: a person's name (any spelling: "
        "`al-Bashir`, `bashier`) finds that person and their trips; a state's name or code "
        "finds it and the visits it hosted; a city in any spelling (`ulan bator`) finds the "
        "visits there; whole words of an occasion (`Khalkhin Gol`) find those visits. Persons "
        "come first, then states, then published visits, each best first, with the `reason` "
        "it was found. Up to `limit` results of each kind."
    ),
    parameters=[
        OpenApiParameter(
            "q",
            {"type": "string", "minLength": 1, "maxLength": site_search.MAX_QUERY_LENGTH},
            OpenApiParameter.QUERY,
            required=True,
            pattern=r"^[^\x00]*$",
            description="Words to look for, e.g. `putin`, `ulan bator`, `MNG`.",
        ),
        OpenApiParameter(
            "kind",
            {
                "type": "array",
                "items": {"type": "string", "enum": list(site_search.KINDS)},
                "minItems": 1,
            },
            OpenApiParameter.QUERY,
            style="form",
            explode=False,
            description="Only these kinds of results (comma-separated), e.g. `person`.",
        ),
        OpenApiParameter(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            OpenApiParameter.QUERY,
            description=f"At most this many results of each kind (default {site_search.LIMIT}).",
        ),
        OpenApiParameter(
            "format",
            {"type": "string", "enum": ["json"]},
            OpenApiParameter.QUERY,
            description="Search answers in JSON only; any other format is a 400.",
        ),
    ],
    responses={200: SearchAnswerSerializer},
    examples=[EXAMPLE],
)
class SearchViewSet(PublicReadMixin, viewsets.GenericViewSet):
    """Search, ranked, with the reason of each match."""

    renderer_classes = [JSONRenderer]
    pagination_class = None
    filter_backends = []
    serializer_class = SearchAnswerSerializer
    resource_name = "search result"
    # No identifier and no pages: a query that finds nothing is a 200 with no results,
    # never a 404 (the schema declares none: api.base.ApiAutoSchema._error_codes).
    answers_not_found = False

    def known_parameters(self) -> set[str]:
        return {"q", "kind", "limit", *GENERAL_PARAMETERS} - {"facets"}

    def list(self, request, *args, **kwargs):
        query = SearchQuerySerializer(data=request.query_params)
        # A refusal is English whatever the language asked for, as every list's filters
        # are (api.filters): DRF's own messages ("This field is required.") included.
        with translation.override("en"):
            if not query.is_valid():
                raise InvalidFilter(query.errors)
        params = query.validated_data
        found = site_search.search(
            params["q"],
            limit=params.get("limit", site_search.LIMIT),
            kinds=params.get("kind", site_search.KINDS),
        )
        results = [
            *(self._person(p) for p in found.persons),
            *(self._state(s) for s in found.states),
            *(self._visit(v) for v in found.visits),
        ]
        answer = {"query": found.query, "results": results}
        return Response(SearchAnswerSerializer(answer).data)

    def _links(self, api_name: str, key: str, page: str, page_key: str) -> dict:
        """The API's address and the site's page, the page in the answer's language
        (`/fr/states/MNG/` for `?lang=fr`), as every other answer links it."""
        build = self.request.build_absolute_uri
        return {
            "url": build(reverse(api_name, args=[key])),
            "page": build(reverse(page, kwargs={page_key: key})),
        }

    def _person(self, row: dict) -> dict:
        return {
            "kind": "person",
            "id": row["slug"],
            "name": row["name"],
            "score": round(float(row["score"]), 3),
            "reason": "sound" if row["by_sound"] else "name",
            "matched": "",
            **self._links("api-person-detail", row["slug"], "person", "slug"),
            "person": None,
            "host": None,
            **NO_DATES,
            "verdict": None,
            "reevaluation_pending": None,
        }

    def _state(self, row: dict) -> dict:
        return {
            "kind": "state",
            "id": row["iso3"],
            "name": country_name(row["iso3"], row["name"]),
            "score": round(float(row["score"]), 3),
            "reason": "code" if row["score"] >= 2 else "name",
            "matched": "",
            **self._links("api-state-detail", row["iso3"], "state", "iso3"),
            "person": None,
            "host": None,
            **NO_DATES,
            "verdict": None,
            "reevaluation_pending": None,
        }

    def _visit(self, row: dict) -> dict:
        # The dates as every other answer gives a visit's (`2025-10-01`, `month`), and in
        # words for the name, in the answer's language ("octobre 2025"); a visit that ends
        # on its start has no end, however it is stored (tabular.dated_span).
        dates = tabular.dated_span(
            row["start"], row["start_precision"], row["end"], row["end_precision"]
        )
        host = country_name(row["host_iso3"], row["host"]) if row["host"] else ""
        where = ", ".join(x for x in (place_words(row["place"]), host) if x)
        # Every day of it, as the visit's page says ("2–3 September 2024"), not the first only.
        when = (
            span_words(
                row["start"],
                row["start_precision"],
                row["end"],
                row["end_precision"],
                row.get("end_known", True),
            )
            if dates["start"] is not None
            else ""
        )
        return {
            "kind": "visit",
            "id": row["slug"],
            "name": f"{row['person']} — {where}" + (f", {when}" if when else ""),
            "score": round(float(row["score"]), 3),
            "reason": row["reason"],
            "matched": row["matched"] if row["reason"] == "place" else "",
            **self._links("api-visit-detail", row["slug"], "visit", "slug"),
            "person": row["person_slug"],
            "host": row["host_iso3"],
            **dates,
            "verdict": row["verdict"],
            # Read with the row (front.search._VISITS): no query more.
            "reevaluation_pending": row["reevaluation_pending"],
        }
