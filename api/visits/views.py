"""/api/v1/visits/, /api/v1/incidents/ and /api/v1/findings/."""

import django_filters
from django.db.models import Exists, F, FilteredRelation, OuterRef, Prefetch, Q, Subquery, Value
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from api.base import (
    AS_OF,
    NumericIdMixin,
    PublicReadMixin,
    PublicReadViewSet,
    as_of_from,
    as_of_parameter,
    end_of_day,
    id_parameter,
    iso3_parameter,
    slug_parameter,
)
from api.errors import DuplicateReportSerializer
from api.filters import ApiOrderingFilter, AsOfFilter
from api.formats import JSONRenderer
from api.paging import IncidentFeedPagination, NotEqual, PageOrCursorPagination
from api.parsers import JSONParser
from api.reports import examples as report_examples
from api.reports.serializers import ReportDetailSerializer, ReportInputSerializer
from api.reports.views import (
    CREATED_LOCATION,
    DUPLICATE_LOCATION,
    RULES_DESCRIPTION,
    file_from_request,
    idempotency_key_parameter,
)
from api.visits import examples
from api.visits import rows as visit_rows
from api.visits.serializers import (
    FindingSerializer,
    IncidentSerializer,
    VisitDetailSerializer,
    VisitSerializer,
)
from compliance import referral_bodies
from core import tabular
from core.filters import (
    AnyOfChoiceFilter,
    AnyOfISO3Filter,
    AnyOfSlugFilter,
    IsoDateFilter,
    NamedRecordsMixin,
    PartialDateAfterFilter,
    YesNoFilter,
)
from core.links import link_builder
from core.sorting import Sorts
from states.filters import STATE
from visits import tables
from visits.filters import IncidentFilterSet, VisitFilterSet
from visits.models import (
    Citation,
    Finding,
    FindingKind,
    VerdictChange,
    VerdictCode,
    Visit,
    decision_body_conditions,
    first_finding,
    readable_visit,
    referral_lifted,
)
from visits.ordering import VISIT_SORTS, host_parts
from warrants.filters import PERSON

AS_OF_VISITS = (
    "Answer with each visit's verdict as iccwatch showed it at the end of this day (UTC; YYYY-MM-DD): "
    "the latest entry of the visit's verdict history recorded before the next day began. It reflects "
    "what was known and the rule in force then, e.g. `warrant_not_public` before a warrant's unsealing "
    "was recorded, `non_compliance` after. `verdict` is null for a visit iccwatch had not yet evaluated "
    "by then, and so for every visit on a day before iccwatch's first verdict (its history begins "
    "there: such a null says nothing of the visit, and `facets=verdict` is empty); a past verdict has null `warrants` and `would_have_been_bound` (the history does not "
    "record them). With `verdict` or `basis`, those filters apply to the verdict on that day. "
    "Only the verdict moves: the rest of the record (dates, sources, findings) is as it stands "
    "today, so a finding decided after that day is listed. A day after today (UTC) is a 400."
)
REPORTS_PATH = "/api/v1/reports/"
COMMON_FILTERS = [
    slug_parameter(
        "person",
        "Person (slug), e.g. `vladimir-putin`; a slug no person has is a 400 naming it.",
        many=True,
    ),
    iso3_parameter(
        "host",
        "Host state (ISO 3166-1 alpha-3, any case), e.g. `MNG` or `MNG,TJK`; a code no state "
        "has is a 400 naming it.",
        many=True,
    ),
    slug_parameter(
        "situation",
        "Situation (slug), e.g. `ukraine`; a slug no situation has is a 400 naming it.",
        many=True,
    ),
    OpenApiParameter(
        "year",
        {
            "type": "array",
            "items": {"type": "integer", "minimum": 1, "maximum": 9999},
            "minItems": 1,
        },
        OpenApiParameter.QUERY,
        style="form",
        explode=False,
        description="Starting in this year, e.g. `2024`; several, separated by commas, match any "
        "of them.",
    ),
]


# A verdict change that made its visit an incident (from another verdict).
FLAGGING = Q(new_code=VerdictCode.NON_COMPLIANCE) & ~Q(old_code=VerdictCode.NON_COMPLIANCE)


def verdict_changes_until(moment):
    """Verdict changes recorded before `moment`."""
    return VerdictChange.objects.filter(changed_at__lt=moment)


VISIT_ORDERING = (
    "Sort keys, comma-separated or repeated, `-` before one for descending (default: `start`, "
    "oldest first). `end` sorts by the visit's last day: its `end`, or its `start` for a "
    "one-day visit (whose `end` is null), so a one-day visit sorts among the others by its "
    "day. A partial date sorts by its first day. A missing value (an undated visit's `start` "
    "and last day, a visit not yet evaluated for `verdict`) sorts last in either direction."
)


class VisitApiFilterSet(VisitFilterSet):
    """The site's VisitFilterSet, plus `as_of` (which also moves the verdict filters) and ordering."""

    as_of = AsOfFilter(label=AS_OF_VISITS)
    # The site's sorts of the visits (visits.ordering.VISIT_SORTS): the host's name in the
    # answer's language, accents and case folded, read host by host (sort_partitions).
    ordering = ApiOrderingFilter(label=VISIT_ORDERING, sorts=VISIT_SORTS)

    class Meta(VisitFilterSet.Meta):
        fields = [*VisitFilterSet.Meta.fields, "as_of"]

    def facet_spec(self, name: str, spec):
        """With `as_of`, the verdict and basis facets count the verdicts as they stood that
        day (the annotations `narrowed` adds), as the verdict and basis filters read them."""
        if name in ("verdict", "basis") and self.is_valid() and self.form.cleaned_data.get(AS_OF):
            return "verdict_as_of_code" if name == "verdict" else "verdict_as_of_basis"
        return spec

    def narrowed(self, queryset):
        """With `as_of`, the verdict and basis filters read the verdict as it stood at the
        end of that day; the visits are the same as without it (the withdrawn ones too,
        where the list holds them: VisitFilterSet.listed, brought_in)."""
        as_of = self.form.cleaned_data.get(AS_OF)
        if as_of is None:
            return super().narrowed(queryset)
        latest = (
            verdict_changes_until(end_of_day(as_of))
            .filter(visit=OuterRef("pk"))
            .order_by("-changed_at", "-id")
        )
        queryset = queryset.annotate(
            verdict_as_of_code=Subquery(latest.values("new_code")[:1]),
            verdict_as_of_basis=Subquery(latest.values("new_basis")[:1]),
        )
        for name, value in self.form.cleaned_data.items():
            if name in ("verdict", "basis"):
                if value:
                    queryset = queryset.filter(
                        **{f"verdict_as_of_{'code' if name == 'verdict' else 'basis'}__in": value}
                    )
            else:
                queryset = self.filters[name].filter(queryset, value)
        return queryset


def with_everything_shown(visits):
    """Visits with everything the serializer shows, in a fixed number of queries: whether
    each verdict awaits re-evaluation (`reevaluation_pending`) read in the rows' own query,
    as a CSV row shows it too (visits.tables.with_table_rows)."""
    return (
        visits.with_pending_reevaluation()
        .with_verdicts()
        .select_related("controlled_by")
        .prefetch_related(
            Prefetch(
                "citations",
                queryset=Citation.objects.select_related("source").order_by("source__url"),
            ),
            "verdict__warrants",
            "findings",
        )
    )


def published_visits():
    """Verified visits, with everything the serializer shows (with_everything_shown)."""
    return with_everything_shown(Visit.objects.published())


def exported(visits):
    """Visits with everything a row of the visits table shows (visits.tables
    .with_table_rows), and nothing more; a list that holds withdrawn visits reads their
    withdrawal's sources too, which its filters add with them (VisitFilterSet.listed)."""
    return tables.with_table_rows(visits.prefetch_related(None))


def _api_columns(table: tabular.Table) -> tuple[tabular.Column, ...]:
    """The site table's columns, `url` meaning what it means in the API's JSON: the
    record's API address, with the site page after it as `page_url`."""
    columns = []
    for column in table.columns:
        if column.name == "url":
            columns += [
                tabular.Column(
                    "url", "string", "The visit's address in the API (the JSON's `url`)."
                ),
                tabular.Column(
                    "page_url", "string", "The visit's page on the site (the JSON's `page_url`)."
                ),
            ]
        else:
            columns.append(column)
    return tuple(columns)


# The API's CSV of visits: the site's visits table (visits.tables, /visits.csv), but for
# `url`, the visit's API address as in the JSON, and `page_url`, the site's `url`.
API_VISIT_TABLE = tabular.Table(
    tables.VISIT_TABLE.name,
    _api_columns(tables.VISIT_TABLE),
    tables.VISIT_TABLE.description,
    tables.VISIT_TABLE.primary_key,
)


class VisitTableMixin:
    """CSV in the site's visits table (/visits.csv), `url` and `page_url` as in the JSON."""

    export_table = API_VISIT_TABLE

    def export_row(self, visit, request, language: str) -> dict:
        row = tables.visit_row(visit, link_builder(request, "visit", "slug"), language)
        api_url = link_builder(request, "api-visit-detail", "id")(visit.slug)
        return {**row, "url": api_url, "page_url": row["url"]}

    def exporting(self) -> bool:
        renderer = getattr(self.request, "accepted_renderer", None)
        return self.action in ("list", "retrieve") and getattr(renderer, "format", None) == "csv"


def readable_visits():
    """The visits a reader may open on the site (`VisitQuerySet.readable`): the published
    ones, and those that left the record after they were published, readable by their id
    with their withdrawn verdict and their history (with_everything_shown)."""
    return with_everything_shown(Visit.objects.readable())


WITHDRAWN_VISITS = (
    "Withdrawn visits (published, then removed from a newer dataset version, review state "
    "`withdrawn` with a `withdrawal_note` saying why, or rejected after all, review state "
    "`rejected`; the verdict of both is `withdrawn`) are not listed, as unverified ones are not, unless "
    "asked for with `?verdict=withdrawn`, or unless the list is read for what changed "
    "(`?changed_since=`): a client keeping a copy in step then learns of each visit withdrawn since, "
    "to take it out. Each stays readable at its own address with its verdict history. The incidents "
    "feed never includes them."
)


@extend_schema_view(
    list=extend_schema(
        summary="Visits and their verdicts",
        description=(
            "Published (verified) visits, each with its current verdict: code, basis of the obligation, structured "
            "reasons and their explanation in the reader's language, the warrants that decided it, and links. "
            "Filter by person, host, situation, verdict, basis, status (`announced` for trips not yet taken), "
            "host_control, start date range and changed_since; `?as_of=` shows the verdicts as they stood "
            "then. " + WITHDRAWN_VISITS + " To copy the whole list, follow `next` from "
            "`?cursor=0`, then keep the copy in step with `?changed_since=` from the first "
            "page's `Changed-Until`: page numbers can skip a visit, or give one twice, when "
            "visits are withdrawn or added between two requests; a cursor cannot."
        ),
        parameters=COMMON_FILTERS,
        examples=[examples.VISIT],
    ),
    retrieve=extend_schema(
        summary="One visit, by the dataset's id",
        description=(
            "With the verdict's history: when the flag appeared, changed or was withdrawn, and why. A "
            "withdrawn visit answers too, with its `withdrawn` verdict, its `withdrawal_note` and "
            "the sources its withdrawal cites (`withdrawal_sources`)."
        ),
        parameters=[
            slug_parameter("id", "e.g. `vladimir-putin-mng-2024-09-02`.", path=True),
            as_of_parameter(AS_OF_VISITS),
        ],
        examples=[examples.VISIT_DETAIL, examples.WITHDRAWN_VISIT_DETAIL],
    ),
    create=extend_schema(
        summary="File a report (alias of POST /api/v1/reports/; deprecated)",
        description=(
            "The older address for reporting a visit: the same body, checks and answers as "
            "`POST /api/v1/reports/`, which new clients should use (this answer says so in its "
            "`Link` header, rel `successor-version`). The report waits for review; nothing of it "
            "is public, nor listed here, until a reviewer who is not its author verifies it. "
            "Reporters only.\n\n" + RULES_DESCRIPTION
        ),
        deprecated=True,
        request=ReportInputSerializer,
        responses={201: ReportDetailSerializer, 409: DuplicateReportSerializer},
        parameters=[
            idempotency_key_parameter(),
            CREATED_LOCATION,
            DUPLICATE_LOCATION,
            OpenApiParameter(
                "Link",
                str,
                OpenApiParameter.HEADER,
                response=[201],
                required=True,
                description=f'`<https://…{REPORTS_PATH}>; rel="successor-version"`: the '
                "address that replaces this deprecated one, `POST /api/v1/reports/`.",
            ),
        ],
        examples=[
            report_examples.NEW_VISIT,
            report_examples.REPORT_FILED,
            report_examples.DUPLICATE,
            report_examples.DUPLICATE_BY_ANOTHER,
            report_examples.STALE_CORRECTION,
        ],
    ),
)
class VisitViewSet(
    VisitTableMixin, PublicReadMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Visits: read by anyone; POST by reporters files a report (an alias of /reports/)."""

    tells_changes = True

    serializer_class = VisitSerializer
    filterset_class = VisitApiFilterSet
    facets_example = examples.VISIT_FACETS
    lookup_field = "slug"
    # Page numbers, or a cursor with which a copy of the whole list loses no visit while
    # visits are withdrawn or added (api.paging.PageOrCursorPagination).
    pagination_class = PageOrCursorPagination
    keys_first_paging = True  # a deep page skips over ids, not joined rows (api.paging)
    # Sorted by verdict or host, a page is read one code or one host at a time
    # (core.paging.KeysFirstPaginator).
    sort_partitions = {"verdict__code": tuple(VerdictCode.values), "host_sort": host_parts}
    lookup_url_kwarg = "id"
    resource_name = "visit"
    lookup_description = "id"
    detail_parameters = (AS_OF,)
    parser_classes = [JSONParser]
    http_method_names = ["get", "post", "head", "options"]
    # The body POST reads, as POST /reports/ (api.metadata.ApiMetadata describes it).
    request_serializers = {"create": ReportInputSerializer}

    def get_queryset(self):
        # A list starts from the published visits; its filters add the withdrawn ones where
        # it holds them (`verdict=withdrawn`, `changed_since`: VisitFilterSet.holds_withdrawn,
        # the rule of the site's list and downloads too).
        queryset = readable_visits() if self.action == "retrieve" else published_visits()
        if self.exporting():
            queryset = exported(queryset)
        queryset = queryset.order_by("start", "slug")
        as_of = as_of_from(self.request, future=False)
        changes = verdict_changes_until(end_of_day(as_of)) if as_of else VerdictChange.objects.all()
        if as_of:
            latest = changes.order_by("visit_id", "-changed_at", "-id").distinct("visit_id")
            queryset = queryset.prefetch_related(
                Prefetch("verdict_changes", queryset=latest, to_attr="verdict_as_of")
            )
        if self.action == "retrieve":
            history = changes.order_by("changed_at", "id")
            queryset = queryset.prefetch_related(
                Prefetch("verdict_changes", queryset=history, to_attr="history_rows")
            )
        return queryset

    def retrieve(self, request, *args, **kwargs):
        """One visit; as CSV, the one row of the visits table (the list's columns and
        formats, as /visits.csv writes them), not the detail's fields flattened."""
        if not self.exporting():
            return super().retrieve(request, *args, **kwargs)
        visit = self.get_object()
        language = translation.get_language()
        columns = self.export_table.names
        response = HttpResponse(
            "".join(tabular.csv_lines([self.export_row(visit, request, language)], columns)),
            content_type="text/csv; charset=utf-8",
        )
        name = self.csv_filename(f"iccwatch-visit-{visit.slug}")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def plain_rows(self) -> bool:
        """Whether this answer is a JSON page of current verdicts, whose rows VisitRows
        builds from plain column reads (api.visits.rows); `?as_of=`, CSV and the
        detail go through VisitSerializer."""
        renderer = getattr(self.request, "accepted_renderer", None)
        return (
            self.action == "list"
            and getattr(renderer, "format", None) == "json"
            and as_of_from(self.request) is None
        )

    def plain_json(self) -> bool:
        """Whether the answer is a page VisitRows built (only strings, integers, booleans
        and nulls): api.formats.JSONRenderer then writes it with orjson. An error
        answered instead (a 400, say) is not."""
        return getattr(self, "_rows_built", False)

    def page_rows(self, queryset, keys):
        """A page's rows (core.paging.KeysFirstPaginator): tuples of columns for VisitRows,
        or the model rows of the page's keys for VisitSerializer."""
        return visit_rows.read(keys) if self.plain_rows() else queryset.filter(pk__in=keys)

    def get_serializer(self, *args, **kwargs):
        if kwargs.get("many") and self.plain_rows():
            self._rows_built = True
            return visit_rows.VisitRows(args[0], self.get_serializer_context())
        return super().get_serializer(*args, **kwargs)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return VisitDetailSerializer
        if self.action == "create":
            return ReportInputSerializer
        return VisitSerializer

    def get_renderers(self):
        # Filing answers with the report, in JSON only: `?format=csv` (or `Accept: text/csv`)
        # on a POST is a 406 before anything is filed, never a CSV of the report.
        if self.request is not None and self.request.method == "POST":
            return [JSONRenderer()]
        return super().get_renderers()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method == "POST":
            # A report (or its refusal), as every answer of /reports/: never kept by a cache.
            add_never_cache_headers(response)
        return response

    def create(self, request, *args, **kwargs):
        """An alias of POST /reports/: visits are published only through review."""
        response = file_from_request(self, request)
        response["Link"] = f'<{request.build_absolute_uri(REPORTS_PATH)}>; rel="successor-version"'
        return response


# The feed's CSV: the API's visits table, after the two columns that place each incident in the feed.
INCIDENT_FEED_TABLE = tabular.Table(
    "incidents",
    (
        tabular.Column("flag_id", "integer", "The incident's position in the feed (see `cursor`)."),
        tabular.Column("flagged_at", "datetime", "When the visit became an incident (UTC)."),
        *API_VISIT_TABLE.columns,
    ),
    API_VISIT_TABLE.description,
    ("id",),
)


@extend_schema_view(
    list=extend_schema(
        summary="The incidents feed (non-compliance verdicts)",
        description=(
            "Visits whose current verdict is `non_compliance`, oldest flag first, for clients that poll: "
            "store the `next` link (always present) and fetch it later to get exactly the incidents flagged "
            "since, with no gaps and no duplicates, even while new incidents arrive. `flag_id` is the id of "
            "the verdict change that made the visit an incident; a visit whose flag is withdrawn leaves the "
            "feed, and if it is flagged again it comes back after the cursor with a new flag_id. The feed "
            "brings only new incidents: a client keeping a copy learns of those that stopped being one "
            "(a verdict changed, a visit withdrawn) from `/api/v1/visits/?changed_since=`. The same "
            "filters as /visits/ apply, `verdict` taking only `non_compliance` (a filtered feed is "
            "gap-free too). The feed takes no lock: an "
            "incident appears once every writing transaction older than its own has ended."
        ),
        parameters=COMMON_FILTERS,
        examples=[examples.INCIDENT],
    ),
)
class IncidentViewSet(
    VisitTableMixin, PublicReadMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """The incidents feed: gap-free and duplicate-free under concurrent writes, without a lock.

    Its pagination (api.paging.IncidentFeedPagination) positions each incident by the
    transaction and id of the change that flagged it, and hands out only changes older
    than every running transaction, so a reader never waits for a writer nor a writer for
    a reader.
    """

    serializer_class = IncidentSerializer
    filterset_class = IncidentFilterSet
    facets_example = examples.INCIDENT_FACETS
    pagination_class = IncidentFeedPagination
    resource_name = "incident"
    # A feed read by its cursor, not by pages: a cursor beyond the newest change is a 400
    # naming it, never a 404 (the schema declares none: api.base.ApiAutoSchema._error_codes).
    answers_not_found = False
    export_table = INCIDENT_FEED_TABLE

    def export_row(self, visit, request, language: str) -> dict:
        row = super().export_row(visit, request, language)
        return {"flag_id": visit.flag_id, "flagged_at": visit.flagged_at, **row}

    def incidents(self):
        """Published visits whose current verdict is non-compliance, with what a row shows."""
        visits = published_visits()
        if self.exporting():
            visits = exported(visits)
        return visits.flagged()

    def get_queryset(self):
        # Each incident joined to the latest change that turned the visit into an incident
        # (from another verdict): a flagging change with no later one for the same visit.
        # Every verdict written by visits.flagging comes with its change, so every incident
        # has one. A join rather than a subquery per visit: the feed's pagination reads the
        # flagging changes from its cursor on, in the order of their partial index
        # (visits_change_flag_position, whose condition the join's repeats), and joins
        # each to its visit.
        later_flag = VerdictChange.objects.filter(
            FLAGGING, visit=OuterRef("pk"), id__gt=OuterRef("flag_id")
        )
        change = "verdict_changes__"
        return (
            self.incidents()
            .annotate(
                flag=FilteredRelation(
                    "verdict_changes",
                    condition=Q(**{f"{change}new_code": VerdictCode.NON_COMPLIANCE})
                    & Q(NotEqual(F(f"{change}old_code"), Value(VerdictCode.NON_COMPLIANCE))),
                )
            )
            .annotate(
                flag_id=F("flag__id"),
                flag_xact=F("flag__xact_id"),
                flagged_at=F("flag__changed_at"),
            )
            .filter(flag_id__isnull=False)
            .filter(~Exists(later_flag))
            .order_by("flag_id")
        )

    def feed_rows(self, keys):
        """The incidents whose ids the subquery `keys` selects, each with its flag (read by
        id), in feed order: the feed's pagination finds a page's ids in the flagging
        changes' index, then reads the rows with what they show (api.paging)."""
        latest_flag = (
            VerdictChange.objects.filter(FLAGGING, visit=OuterRef("pk")).order_by("-id").values
        )
        return (
            self.incidents()
            .filter(pk__in=keys)
            .annotate(
                flag_id=Subquery(latest_flag("id")[:1]),
                flag_xact=Subquery(latest_flag("xact_id")[:1]),
                flagged_at=Subquery(latest_flag("changed_at")[:1]),
            )
            .order_by("flag_xact", "flag_id")
        )


class FindingFilterSet(NamedRecordsMixin, django_filters.FilterSet):
    state = AnyOfISO3Filter(
        field_name="state__iso3",
        label="State found in non-compliance (ISO 3166-1 alpha-3; several separated by commas).",
    )
    kind = AnyOfChoiceFilter(
        choices=FindingKind.choices,
        label="`art_87_7` (a finding of non-compliance), `other` (a decision informing the UN "
        "Security Council or the Assembly) or `no_failure` (a decision that found no failure to "
        "comply); several: `art_87_7,other`.",
    )
    person = AnyOfSlugFilter(
        field_name="persons__slug",
        distinct=True,
        label="Concerning this person (slug; several separated by commas).",
    )
    has_visit = YesNoFilter(
        field_name="visit",
        lookup_expr="isnull",
        exclude=True,
        label="true: findings about a visit; false: failures with no visit (e.g. Sudan 2010 and 2015).",
    )
    decided_after = PartialDateAfterFilter(
        field_name="decided",
        precision_field="decided_precision",
        label="Decided on or after (a date known only to the month or year counts when that "
        "month or year reaches the day).",
    )
    decided_before = IsoDateFilter(
        field_name="decided",
        lookup_expr="lte",
        label="Decided on or before (a date known only to the month or year counts when that "
        "month or year begins by the day).",
    )
    referred_to = AnyOfChoiceFilter(
        choices=[("ASP", referral_bodies(True, False)), ("UNSC", referral_bodies(False, True))],
        method="filter_referred_to",
        label="Art. 87(7) findings referred to the ASP or the UN Security Council; either: "
        "`ASP,UNSC`. A decision of kind `other` refers nothing (see `informed`).",
    )
    informed = AnyOfChoiceFilter(
        choices=[("ASP", referral_bodies(True, False)), ("UNSC", referral_bodies(False, True))],
        method="filter_informed",
        label="Decisions of kind `other` that informed the ASP or the UN Security Council, "
        "without a finding or a referral; either: `ASP,UNSC`.",
    )
    counts_as_finding = YesNoFilter(
        method="filter_counts_as_finding",
        label="true: the failures the Court found, the first Art. 87(7) finding about each "
        "(their number is a state's page's count of findings); false: the other decisions "
        "(appeal judgments, later referrals, decisions of kind `other`).",
    )
    ordering = ApiOrderingFilter(sorts=Sorts({"decided": ("decided",)}))

    NAMED = {"state": STATE, "person": PERSON}

    def filter_counts_as_finding(self, queryset, name, value):
        """Rows whose `first_finding` annotation (visits.models.first_finding) is `value`."""
        return queryset.filter(first_finding=value)

    class Meta:
        model = Finding
        fields = [
            "state",
            "kind",
            "person",
            "has_visit",
            "decided_after",
            "decided_before",
            "referred_to",
            "informed",
        ]

    def filter_referred_to(self, queryset, name, value):
        """Art. 87(7) findings referred to any of the bodies named (`referred_to_asp`,
        `referred_to_unsc` true: visits.models.decision_bodies)."""
        return self._any_body(queryset, value, "referred_to")

    def filter_informed(self, queryset, name, value):
        """Decisions of kind `other` that informed any of the bodies named (`informed_asp`,
        `informed_unsc` true: visits.models.decision_bodies)."""
        return self._any_body(queryset, value, "informed")

    @staticmethod
    def _any_body(queryset, value, prefix):
        """Rows whose `<prefix>_asp` or `<prefix>_unsc` (decision_body_conditions) is true
        for any body of `value` (["ASP", "UNSC"])."""
        if not value:
            return queryset
        conditions = decision_body_conditions()
        either = Q()
        for body in value:
            either |= conditions[f"{prefix}_{body.lower()}"]
        return queryset.filter(either)


@extend_schema_view(
    list=extend_schema(
        summary="ICC findings on failures to arrest and surrender",
        description=(
            "Art. 87(7) findings of non-compliance and other decisions informing the Security Council or "
            "the Assembly, with or without a visit. Only a finding is referred (`referred_to_asp`, "
            "`referred_to_unsc`); what another decision informed is `informed_asp`, `informed_unsc`. "
            "Filter by state, kind, person, has_visit, decision date, referral and bodies informed; "
            "`decided` may be partial (`decided_precision`)."
        ),
        parameters=[
            iso3_parameter(
                "state",
                "State (ISO 3166-1 alpha-3, e.g. `SDN,TCD` for either); a code no state has is a "
                "400 naming it.",
                many=True,
            ),
            slug_parameter(
                "person",
                "Concerning this person (slug), e.g. `omar-al-bashir`; a slug no person has is a "
                "400 naming it.",
                many=True,
            ),
        ],
        examples=[examples.FINDING, examples.FINDING_WITHOUT_VISIT],
    ),
    retrieve=extend_schema(
        summary="One finding",
        parameters=[id_parameter("finding", "/findings/jor-2017-12-11/")],
        examples=[examples.FINDING],
    ),
)
class FindingViewSet(NumericIdMixin, PublicReadViewSet):
    queryset = (
        Finding.objects.select_related("state", "visit")
        .prefetch_related("sources", "persons")
        .annotate(
            referral_lifted=referral_lifted(),
            visit_readable=readable_visit(),
            first_finding=first_finding(),
        )
        .order_by("decided", "id")
    )
    serializer_class = FindingSerializer
    filterset_class = FindingFilterSet
    resource_name = "finding"
