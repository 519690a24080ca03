"""The one DRF router: every /api/v1/ endpoint is registered here.

Also served under /api/v1/: the OpenAPI 3 schema (`schema/`, YAML by default, JSON with
`?format=json` or `Accept: application/json`; any other parameter is a 400, as on the
lists and records) and the interactive documentation
(`docs/`, Swagger UI from drf-spectacular-sidecar's files: no CDN, and its start-up
script is a separate same-origin file, so the site's strict CSP holds).
"""

import threading
from collections import OrderedDict

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.urls import path, re_path
from django.utils import translation
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import serializers
from rest_framework.reverse import reverse
from rest_framework.routers import APIRootView, DefaultRouter

from api.base import ApiAutoSchema, EnglishRefusalsMixin, negotiated
from api.errors import api_not_found
from api.filters import check_parameters
from api.lang import LANG, lang_parameter, requested_language
from api.reports.views import ReportViewSet
from api.search import SearchViewSet
from api.states.views import CouncilReferralViewSet, JointStatementViewSet, StateViewSet
from api.visits.views import FindingViewSet, IncidentViewSet, VisitViewSet
from api.warrants.views import PersonViewSet, WarrantViewSet

# What the root lists besides the router's endpoints.
ROOT_EXTRAS = ("schema", "docs")
ROOT_ENDPOINTS = (
    "states",
    "persons",
    "warrants",
    "visits",
    "incidents",
    "findings",
    "statements",
    "referrals",
    "reports",
    "search",
)


ApiRootSerializer = type(
    "ApiRootSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "/api/v1/'s answer: the address of each endpoint, of the schema and of its "
        "documentation (ApiRootView; tests/api/test_schema.py checks it against the answer).",
        "__module__": __name__,
        **{
            name: serializers.URLField(help_text=f"The address of `/api/v1/{name}/`.")
            for name in (*ROOT_ENDPOINTS, *ROOT_EXTRAS)
        },
    },
)


ROOT_SCHEMA = extend_schema(
    summary="The endpoints",
    description="The address of every endpoint of this API, of this schema (`schema`) and of "
    "its interactive documentation (`docs`). Reads `format` (`json`, the only one) and "
    "`lang` (which changes nothing here), and refuses any other parameter with a 400 "
    "`invalid_filter`, as every address does.",
    operation_id="root",
    tags=["root"],
    parameters=[
        OpenApiParameter(
            "format",
            {"type": "string", "enum": ["json"]},
            OpenApiParameter.QUERY,
            description="The root answers in JSON only; any other format is a 400.",
        ),
        lang_parameter(),
    ],
    responses={200: ApiRootSerializer},
    examples=[
        OpenApiExample(
            "The endpoints",
            value={
                name: f"https://iccwatch.example.org/api/v1/{name}/"
                for name in (*ROOT_ENDPOINTS, *ROOT_EXTRAS)
            },
            response_only=True,
        )
    ],
)


class ApiRootView(EnglishRefusalsMixin, APIRootView):
    """The endpoints of iccwatch's API, its schema and its documentation."""

    schema = ApiAutoSchema()
    # Its one address answers or refuses; an address it does not have is api_not_found's.
    answers_not_found = False
    known_parameters = frozenset({"format", LANG})

    def initial(self, request, *args, **kwargs):
        """A parameter the root does not read, an empty one or one given twice is a 400
        `invalid_filter` naming it, and so is a `?lang=` the API does not answer in, as on
        the schema (ApiSchemaView.initial)."""
        super().initial(request, *args, **kwargs)
        with translation.override("en"):
            check_parameters(request, self.known_parameters, what="list of endpoints")
            requested_language(request)

    @ROOT_SCHEMA
    def get(self, request, *args, **kwargs):
        """The router's endpoints, the schema and its documentation."""
        response = super().get(request, *args, **kwargs)
        response.data["schema"] = reverse("api-schema", request=request)
        response.data["docs"] = reverse("api-docs", request=request)
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        return negotiated(super().finalize_response(request, response, *args, **kwargs))


class ApiSchemaView(EnglishRefusalsMixin, SpectacularAPIView):
    """The OpenAPI 3 schema: YAML by default, JSON with ?format=json or Accept: application/json."""

    # application/json before application/vnd.oai.openapi+json: ?format=json gives plain JSON.
    renderer_classes = [
        OpenApiYamlRenderer,
        OpenApiYamlRenderer2,
        OpenApiJsonRenderer2,
        OpenApiJsonRenderer,
    ]

    # What the schema reads: its format and, as every answer, a language (which changes
    # nothing: the schema is in English). drf-spectacular's `?version=` is not among them:
    # the API is versioned by its path (/api/v1/).
    known_parameters = frozenset({"format", LANG})

    def initial(self, request, *args, **kwargs):
        """A parameter the schema does not read (`?formats=json`), an empty one or one
        given twice is a 400 `invalid_filter` naming it, and so is a `?lang=` the API does
        not answer in, as on the lists and records (api.base.PublicReadMixin.initial)."""
        super().initial(request, *args, **kwargs)
        check_parameters(request, self.known_parameters, what="schema")
        requested_language(request)

    def finalize_response(self, request, response, *args, **kwargs):
        return negotiated(super().finalize_response(request, response, *args, **kwargs))

    @extend_schema(exclude=True)  # as drf-spectacular's own (SERVE_INCLUDE_SCHEMA off)
    def get(self, request, *args, **kwargs):
        """The schema as rendered before in this process for the same site address and
        format (`rendered_schema`), else generated and rendered now and kept."""
        key = schema_key(request)
        kept = rendered_schema(key)
        if kept is not None:
            content, content_type, disposition = kept
            return HttpResponse(
                content, content_type=content_type, headers={"Content-Disposition": disposition}
            )
        response = super().get(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        response.accepted_renderer = request.accepted_renderer
        response.accepted_media_type = request.accepted_media_type
        response.renderer_context = self.get_renderer_context()
        response.render()
        keep_schema(
            key, (response.content, response["Content-Type"], response["Content-Disposition"])
        )
        return response

    def _get_schema_response(self, request):
        # drf-spectacular would translate the schema for `?lang=`: not this API's.
        with translation.override("en"):
            return super()._get_schema_response(request)

    def dispatch(self, request, *args, **kwargs):
        """The schema is one artifact, in English, whatever `?lang=` or Accept-Language
        ask: its choices' descriptions are translatable labels, rendered here, not later."""
        with translation.override("en"):
            response = super().dispatch(request, *args, **kwargs)
            if not getattr(response, "is_rendered", True):
                response.render()
        response["Content-Language"] = "en"
        return response


# The schema depends on the code alone (no choice is read from the data) and on the site
# address it was read from (its `servers`): generating it walks every endpoint and
# rendering it writes some 850 KB of YAML, about half a second on each request. It is kept
# rendered per `schema_key` in each process, for the life of the process: a new release is
# a new process. At most _SCHEMAS_KEPT entries (the site's address by scheme, times the
# four renderers, times a JSON indent asked for), the least recently used going first: an
# address or an indent nobody uses again costs a generation, as every request did before.
_SCHEMAS: OrderedDict = OrderedDict()
_SCHEMAS_KEPT = 16
_SCHEMAS_LOCK = threading.Lock()


def schema_key(request) -> tuple:
    """What the rendered schema's bytes depend on: the site address it was read from (its
    `servers`), the renderer chosen and the indent the Accept header asked for (JSON's
    `; indent=4`, 0–8 for DRF), not how the header was written (`application/json`,
    `application/json;q=0.9` and `application/json; q=0.9` are one entry)."""
    renderer = request.accepted_renderer
    get_indent = getattr(renderer, "get_indent", None)
    indent = get_indent(request.accepted_media_type, {}) if get_indent else None
    return (request.build_absolute_uri("/"), type(renderer).__name__, indent)


def rendered_schema(key: tuple) -> tuple[bytes, str, str] | None:
    """(content, Content-Type, Content-Disposition) of the schema rendered in this process
    for `key` (`schema_key`), or None."""
    with _SCHEMAS_LOCK:
        kept = _SCHEMAS.get(key)
        if kept is not None:
            _SCHEMAS.move_to_end(key)
        return kept


def keep_schema(key: tuple, rendered: tuple[bytes, str, str]) -> None:
    """Keep `rendered` (as `rendered_schema` gives it) for `key`, the oldest of more than
    _SCHEMAS_KEPT entries forgotten."""
    with _SCHEMAS_LOCK:
        _SCHEMAS[key] = rendered
        while len(_SCHEMAS) > _SCHEMAS_KEPT:
            _SCHEMAS.popitem(last=False)


@receiver(setting_changed)
def forget_schemas(**kwargs) -> None:
    """A setting changed (in tests, `override_settings`): the schemas kept may no longer be
    what the code now generates."""
    with _SCHEMAS_LOCK:
        _SCHEMAS.clear()


class ApiRouter(DefaultRouter):
    """DRF's router, with the API's own root view (/api/v1/: the endpoints), and without
    its format suffix addresses (`/visits.json`, `/states/MNG.csv`): never documented,
    their suffix won over `?format=` unchecked. A format is asked for with `?format=` or
    the Accept header (api.negotiation); such an address is a 404 (api_not_found)."""

    APIRootView = ApiRootView
    include_format_suffixes = False


# A path without its trailing slash is redirected to it by api_not_found.
router = ApiRouter()
router.register("states", StateViewSet, basename="api-state")
router.register("persons", PersonViewSet, basename="api-person")
router.register("warrants", WarrantViewSet, basename="api-warrant")
router.register("visits", VisitViewSet, basename="api-visit")
router.register("incidents", IncidentViewSet, basename="api-incident")
router.register("findings", FindingViewSet, basename="api-finding")
router.register("statements", JointStatementViewSet, basename="api-statement")
router.register("referrals", CouncilReferralViewSet, basename="api-referral")
router.register("reports", ReportViewSet, basename="api-report")
router.register("search", SearchViewSet, basename="api-search")

urlpatterns = [
    path("schema/", ApiSchemaView.as_view(), name="api-schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/docs.html"),
        name="api-docs",
    ),
    *router.urls,
    # Last: any other path under /api/v1/ is a 404 in the API's error shape.
    # [\s\S], not ".": a newline (%0A) in the path is still under /api/v1/.
    re_path(r"^[\s\S]*$", api_not_found),
]
