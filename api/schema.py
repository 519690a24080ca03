"""The OpenAPI schema's finishing touches (a drf-spectacular postprocessing hook).

Kept apart from api.base, which the serializers import: the hook reads the report
serializer's body rules, so it sits above both.
"""

import copy
import re
import urllib.parse

from django.conf import settings

from api.base import API_DESCRIPTION, FEWEST_FIRST, NEVER_CACHED, RATE_LIMIT_HEADERS, api_version
from api.paging import PageOrCursorPagination
from api.reports.serializers import ReportInputSerializer
from core.filters import MAX_VALUES
from visits.reports import SOURCES_MAX

# The query parameter a page's `cursor` answers (the visits', the incidents feed's).
CURSOR = PageOrCursorPagination.cursor_query_param


def describe_api(result, generator, request, public):
    """drf-spectacular postprocessing hook: the API's overview as the schema's description."""
    result["info"]["description"] = API_DESCRIPTION.strip()
    # The version is the date of the change log's latest entry (api.base.api_version).
    result["info"]["version"] = api_version()
    # Where a generated client sends its requests: the site the schema was read from (its
    # paths begin with /api/v1/), else, written without a request, the site's address.
    base = request.build_absolute_uri("/") if request is not None else settings.ICCWATCH_BASE_URL
    result["servers"] = [
        {
            "url": base.rstrip("/") or "/",
            "description": "The iccwatch site this schema was read from.",
        }
    ]
    # An empty query parameter (`?situation=`) is a 400 (api.filters.reject_empty_parameters).
    for path, item in result["paths"].items():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter["in"] != "query" or "enum" in schema:
                    continue
                if schema.get("type") == "string":
                    schema.setdefault("minLength", 1)
                elif parameter["name"] in ("ordering", "facets"):
                    _once_each(parameter)
                elif schema.get("type") == "array":
                    schema.setdefault("minItems", 1)
                    if parameter["name"] != "facets" and not path.endswith("/search/"):
                        # A filter takes at most 100 values (core.filters.RepeatableCSVField);
                        # `facets` and /search/'s `kind` are no filters, and take any number.
                        schema.setdefault("maxItems", MAX_VALUES)
    # A report body is a new visit or a correction (ReportInputSerializer.validate).
    report = result.get("components", {}).get("schemas", {}).get("ReportInputRequest")
    if report is not None:
        report.update(ReportInputSerializer.SCHEMA_REQUIREMENT)
        report["properties"]["sources"]["minItems"] = 1  # the serializer's min_length
        for item in result["paths"].values():
            body = item.get("post", {}).get("requestBody", {})
            if "ReportInputRequest" in str(body.get("content", {}).get("application/json", {})):
                body["required"] = True
    # Each body's sources: at most SOURCES_MAX (its serializer's max_length, which the
    # generator does not carry over from a list of objects).
    for name, body in result.get("components", {}).get("schemas", {}).items():
        for field in ("sources", "withdrawal_sources") if name.endswith("Request") else ():
            listed = body.get("properties", {}).get(field)
            if listed is not None and listed.get("type") == "array":
                listed["maxItems"] = SOURCES_MAX
    _blank_or_formatted(result)
    _page_examples(result)
    prepare_for_generated_clients(result)
    return result


def _blank_or_formatted(result) -> None:
    """A string field with a format that may also be blank (a source's `archived_url`:
    DRF's URLField with allow_blank) as one string schema, its `default` and length on
    it, and `anyOf` a formatted string or an empty one.

    drf-spectacular writes `oneOf: [{format: uri, default: "", ...}, {maxLength: 0}]`:
    the `""` default sits on the `uri` branch, which no empty string is (the document
    fails openapi-spec-validator once formats are checked), and a validator that reads
    formats as annotations finds `""` valid under both branches, so under no `oneOf`
    (the new visit's example refused). Changed in place."""
    for node in _walk(result.get("components", {})):
        branches = node.get("oneOf")
        if not (isinstance(branches, list) and len(branches) == 2):
            continue
        formatted, blank = branches
        if blank != {"type": "string", "maxLength": 0} or "format" not in formatted:
            continue
        if formatted.get("type") != "string":
            continue
        del node["oneOf"]
        node["type"] = "string"
        for key in ("default", "maxLength", "minLength"):
            if key in formatted:
                node[key] = formatted[key]
        node["anyOf"] = [{"format": formatted["format"]}, {"maxLength": 0}]


def _once_each(parameter) -> None:
    """`ordering` and `facets` name each of their choices once (api.filters: a sort key
    given twice, or both ways, and a facet asked for twice are a 400): unique items, as
    many at most as there are keys. That a key is not given both ways (`start,-start`)
    the schema can only say in words."""
    schema = parameter["schema"]
    keys = {str(value).lstrip("-") for value in schema["items"]["enum"]}
    schema.update(minItems=1, maxItems=len(keys), uniqueItems=True)
    if parameter["name"] == "ordering":
        # Before the list of choices, not glued to its last one.
        rule = "Each key at most once, in one direction: `start,-start` is a 400."
        said, listed, choices = parameter.get("description", "").partition("\n\n*")
        parameter["description"] = f"{said.rstrip()} {rule}".strip() + listed + choices


def _page_examples(result) -> None:
    """The paginated lists' examples name the list itself (`…/api/v1/visits/?page=3`), not
    the placeholder DRF's pagination gives every list (`api.example.org/accounts/`), and a
    listed example is one whole page: its rows counted, no next or previous page, except
    where the schema says a link is always there (the incidents feed's `next`, a cursor
    to poll: `…/api/v1/incidents/?cursor=57`, with the page's `cursor` 57), and with a
    `cursor` only when the request it answers gave one (`_example_query`)."""
    schemas = result.get("components", {}).get("schemas", {})
    for path, item in result["paths"].items():
        responses = item.get("get", {}).get("responses", {}).get("200", {})
        for content in responses.get("content", {}).values():
            ref = content.get("schema", {}).get("$ref", "")
            name = ref.rsplit("/", 1)[-1]
            properties = schemas.get(name, {}).get("properties", {})
            address = f"https://iccwatch.example.org{path}"
            for example in content.get("examples", {}).values():
                value = example.get("value")
                if isinstance(value, dict) and isinstance(value.get("results"), list):
                    if "cursor" in value and CURSOR not in _example_query(example):
                        # A page's `cursor` answers `?cursor=` only (the visits': "With
                        # `cursor` only"); the feed's examples are read from a cursor.
                        del value["cursor"]
                    if "count" in value:
                        value["count"] = len(value["results"])
                    for key in ("next", "previous"):
                        if key not in value:
                            continue
                        always = key in properties and not properties[key].get("nullable")
                        if always:  # the feed's cursor: the last incident's position
                            last = (value["results"] or [{}])[-1].get("flag_id", 0)
                            value["cursor"] = last
                            value[key] = f"{address}?cursor={last}"
                        else:
                            value[key] = None
            if not name.startswith("Paginated") or name not in schemas:
                continue
            for key, page in (("next", 3), ("previous", 1)):
                # A cursor, not a page (the incidents feed), keeps its paginator's example.
                if key in properties and properties[key].get("nullable"):
                    properties[key]["example"] = f"{address}?page={page}"
            if "count" in properties:
                properties["count"]["example"] = 120


def _example_query(example: dict) -> dict[str, list[str]]:
    """The query parameters of the request an example answers, as its description names
    it ("One row of `results`, as `GET /api/v1/visits/?host=MNG` lists it"); {} for none."""
    asked = re.search(r"`GET ([^`]+)`", example.get("description", ""))
    return urllib.parse.parse_qs(urllib.parse.urlsplit(asked[1]).query) if asked else {}


# --- For generated clients --------------------------------------------------------------
# openapi-python-client, openapi-generator and the like turn the schema into code: a
# property they may not find is Optional, a response they do not know raises, an enum
# value that is not a word becomes VALUE_0. What the serializers cannot say is said here.

NOT_MODIFIED = {
    "description": "Not Modified: the `If-None-Match` header named this answer's current "
    "`ETag` (its identity one or its gzip one), so the copy the client holds is still "
    "good. No body.",
    "headers": {
        "ETag": {
            "schema": {"type": "string"},
            "description": "The unchanged answer's entity tag, as `If-None-Match` named it.",
        }
    },
}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "The `ETag` of an earlier answer to the same request, gzipped or not: if "
    "nothing changed since, the answer is `304 Not Modified` with no body.",
    "schema": {"type": "string"},
}
PRECONDITION_FAILED = {
    "description": "Precondition Failed (`precondition_failed`): an `If-Match` header named "
    "no entity tag of the current answer (RFC 9110, 13.1.1: a list of tags matches only a "
    "current strong `ETag`, the identity answer's or the gzip one's; an answer without one, "
    "such as a CSV of a site run without Redis, matches only `*`). It comes before a `304`. "
    "`If-Unmodified-Since` is ignored: no answer has a `Last-Modified`.",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}
ETAG = {
    "schema": {"type": "string"},
    "description": "The answer's entity tag, strong: send it back in `If-None-Match` to "
    "revalidate. A gzipped answer (`Accept-Encoding: gzip`) has its own, the identity one "
    'with `-gzip` inside the quotes (`"abc"`, `"abc-gzip"`); either is current.',
}
CURRENT_ETAG = {
    "schema": {"type": "string"},
    "description": "The current answer's entity tag, which `If-Match` did not name, as a "
    "`200` to the same request would carry it (the gzip one when it would be gzipped; "
    "absent when the answer has none, such as a CSV of a site run without Redis).",
}

REPORT_END = (
    "The last day, as filed (ISO 8601, possibly partial), or null: null for a visit of one "
    "day, which ends on its `start`, as the visit's own `end` is (a correction of a one-day "
    "visit copies its `end` as stored, which may repeat the `start`: shown null all the "
    "same), and when the report gives no end; `?` for an end not known (the visit's `end` "
    "null and `end_known` false)."
)

# Descriptions of the properties whose serializer field has no help_text, by property
# name, or by "Component.property" where a name means something else in one place.
GLOSSARY = {
    "url": "This record's address in the API.",
    "id": "This record's identifier (stable; used in its `url`).",
    "slug": "The stable identifier used in addresses (lowercase words joined by hyphens).",
    "name": "The name in English, as the ICC or the UN writes it.",
    "iso3": "ISO 3166-1 alpha-3 code of the state.",
    "notes": "Remarks by the iccwatch team (null when none).",
    "note": "A remark on this event (null when none).",
    "sources": "The sources this record rests on.",
    "count": "How many records match the filters, on every page.",
    "next": "The next page's address, or null on the last page.",
    "previous": "The previous page's address, or null on the first page.",
    "results": "This page's records.",
    "PaginatedIncidentList.results": "This page's incidents, oldest flag first.",
    "error": "What went wrong.",
    "created_at": "When the record was created in iccwatch (UTC).",
    "updated_at": "When the record last changed in iccwatch (UTC).",
    "start": "The first day of the visit (ISO 8601; read with `start_precision`); null only for an "
    "undated visit (a trip called off whose date nobody knows).",
    "end": "The last day of the visit (ISO 8601; read with `end_precision`). Null for a visit of "
    "one day, which ends on its `start` (its last day is `start`), for an undated visit "
    "(`start` null too), and for a visit whose end is not known (`end_known` false: it covered "
    "its `start`, not necessarily that day alone).",
    "start_precision": "How much of `start` is known: `day`, `month` (the day is 1) or `year` (1 January).",
    "end_precision": "How much of `end` is known: `day`, `month` (the day is 1) or `year` (1 January).",
    "place": "Where in the host state the person went (null if unknown).",
    "occasion": "Why the person went (a summit, a state visit...; null if unknown).",
    "status": "Whether the visit took place: occurred, cancelled, virtual, transit or announced.",
    "outcome": "What the host did: not_arrested, left_early, arrested, released, "
    "self_surrendered (the person gave themselves up and was transferred to the Court: no "
    "arrest by the host; verdict `complied`), unknown or n/a.",
    "review_state": "The visit's review: only `verified` visits are public.",
    "verdict": "The verdict on the host for this visit, or null before the first evaluation.",
    "person": "The person wanted by the ICC.",
    "host": "The state the person visited.",
    "situation": "The ICC situation (the country or region under investigation).",
    "history": "Every change of this visit's verdict, oldest first.",
    "host_notified": "Whether the ICC notified the host of its obligation before the visit.",
    "host_justification": "What the host said to explain not arresting (null when nothing).",
    "host_control": "Whether the host controlled the place of the visit: effective or none.",
    "controlled_by": "Who controlled the place instead (ISO3 of a state), when `host_control` is `none`.",
    "publisher": "Who published the source (a newspaper, the ICC, a ministry).",
    "published": "When the source was published, or null if unknown.",
    "excerpt": "The passage of the source that supports the fact (null when none).",
    "archived_url": "A copy of the source in a web archive (null when none).",
    "CitedSource.url": "The source's address.",
    "adopted": "When the Security Council adopted the referral.",
    "situation_name": "The situation's name in English.",
    "bound_states": "The states the referral binds to cooperate with the ICC.",
    "lodged": "When the state lodged the Art. 12(3) declaration with the Registrar.",
    "covers_from": "The first day of the period the declaration accepts jurisdiction for, or null.",
    "covers_to": "The last day of the period the declaration covers, or null if open-ended.",
    "covers_from_precision": "How much of `covers_from` is known: day, month or year.",
    "covers_to_precision": "How much of `covers_to` is known: day, month or year.",
    "Finding.state": "The state the finding concerns.",
    "kind": "The decision's kind: `art_87_7` (a finding of non-compliance under Art. 87(7)) or "
    "`other` (another decision on the state's cooperation, with no such finding; most inform "
    "the Security Council or the Assembly) or `no_failure` (a decision on the visit that found no "
    "failure to comply: a `non_compliance` verdict on it is iccwatch's reading against the "
    "Court's).",
    "TreatyEvent.kind": "What happened: signed, deposited, entry_into_force, withdrawal_notified, "
    "withdrawal_revoked or withdrawal_effective.",
    "decided": "When the chamber decided.",
    "decided_precision": "How much of `decided` is known: day, month or year.",
    "chamber": "The ICC chamber that decided (null if not recorded).",
    "decision_reference": "The decision's ICC document number (null if not recorded).",
    "referred_to_asp": "Whether the chamber referred its Art. 87(7) finding to the Assembly of "
    "States Parties; always false for a decision of kind `other` (see `informed_asp`).",
    "referred_to_unsc": "Whether the chamber referred its Art. 87(7) finding to the Security "
    "Council; always false for a decision of kind `other` (see `informed_unsc`).",
    "informed_asp": "Whether a decision of kind `other` informed the Assembly of States Parties "
    "(no finding, no referral); always false for an Art. 87(7) finding.",
    "informed_unsc": "Whether a decision of kind `other` informed the Security Council (no "
    "finding, no referral); always false for an Art. 87(7) finding.",
    "date": "The day it happened (ISO 8601).",
    "precision": "How much of `date` is known: day, month or year.",
    "title": "The statement's title as published.",
    "signatories": "The states listed as signing the statement.",
    "signatory_count": "How many states signed, as the statement says, or null if it does not say.",
    "basis": "Why the state is bound: state_party, art_127_2_residual, art_12_3_declaration or unsc_referral.",
    "since": "The day the obligation began.",
    "Preview.code": "The verdict the report would get (see VisitVerdict.code).",
    "Preview.basis": "The basis the host would be bound on ('' if none).",
    "Preview.reasons": "The rule's reasons, structured, as a verdict keeps them.",
    "born": "Date of birth, or null if unknown (read with `born_precision`).",
    "born_precision": "How much of `born` is known: day, month or year.",
    "other_names": "Other spellings and names the person is known by.",
    "nationality": "The person's state of nationality, or null if not recorded.",
    "role": "The person's position when the warrant was issued (null if not recorded).",
    "Person.status": "Where the person stands: at_large, in_custody, convicted, acquitted, deceased, "
    "proceedings_terminated or warrant_withdrawn.",
    "status_date": "When the person's status last changed, or null if unknown.",
    "warrants": "The person's ICC arrest warrants.",
    "is_correction": "Whether the report corrects a published visit (otherwise it reports a new one).",
    "Report.person": "The person's slug, as filed.",
    "ReportDetail.person": "The person's slug, as filed.",
    "Report.host": "The host's ISO3 code, as filed.",
    "ReportDetail.host": "The host's ISO3 code, as filed.",
    "Report.start": "The first day, as filed (ISO 8601, possibly partial: 2024, 2024-09).",
    "ReportDetail.start": "The first day, as filed (ISO 8601, possibly partial: 2024, 2024-09).",
    "Report.end": REPORT_END,
    "ReportDetail.end": REPORT_END,
    "submitted_at": "When the report was submitted for review (UTC), or null for a draft.",
    "reviewed_at": "When a reviewer verified, rejected or sent back the report (UTC), or null.",
    "signed": "When the state signed the Rome Statute, or null.",
    "deposited": "When the state deposited its ratification or accession, or null.",
    "withdrawal_notified": "When the state notified its withdrawal, or null.",
    "withdrawal_revoked": "When the state revoked its withdrawal, or null.",
    "treaty_status": "The state's standing under the Rome Statute on the day asked (today by default).",
    "timeline": "The state's Rome Statute events, oldest first.",
    "declarations": "The state's Art. 12(3) declarations accepting the ICC's jurisdiction.",
    "on": "The day this standing is for.",
    "TreatyStatus.status": "The standing: party, withdrawing, withdrawn, non_party, territory (a territory of "
    "a State) or not_a_state (Antarctica, Western Sahara).",
    "entry_into_force": "When the Statute entered into force for the state, or null.",
    "obligations": "Each basis on which the state must arrest, with the day it began.",
    "TreatyStatus.explanation": "The standing in words, in the answer's language.",
    "changed_at": "When the verdict changed (UTC).",
    "old_code": "The verdict before the change, or null for the first verdict.",
    "new_code": "The verdict after the change.",
    "old_basis": "The basis before the change, or null when there was none.",
    "new_basis": "The basis after the change, or null when there is none.",
    "rule_version": "The version of the verdict rule (compliance.RULE_VERSION) that decided it.",
    "VisitRef.id": "The visit's identifier (its slug).",
    "case": "The ICC case the warrant belongs to, or null if not recorded.",
    "number": "The case number, e.g. ICC-01/22.",
    "Case.name": "The case's name, e.g. The Prosecutor v. Vladimir Vladimirovich Putin.",
    "issued": "When the warrant was issued, or null if unknown.",
    "issued_precision": "How much of `issued` is known: day, month or year.",
    "made_public": "When the warrant was made public, or null while it is sealed.",
    "made_public_precision": "How much of `made_public` is known: day, month or year.",
    "charges": "The crimes charged, as the ICC lists them (null if not recorded).",
    "ended": "When the warrant ended, or null while it is in force.",
    "end_reason": "Why the warrant ended (executed, withdrawn, deceased, other), or null.",
}


def _each_operation(result):
    for item in result["paths"].values():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete", "head", "options"):
                yield method, operation


def _describe_revalidation(result) -> None:
    """Every GET answers 304 to a matching If-None-Match, with an ETag on its 200, and 412
    to an If-Match that matches no current answer (core.conditional; a POST reads neither),
    both with the rate limits' headers and the ETag of the answer they replace; but a GET
    whose view never lets its answers be cached (api.base.NEVER_CACHED: the reports',
    `Cache-Control: private, no-store`) sends no ETag, so it never answers 304: only its
    412 (nothing but `*` matches an answer without an ETag)."""
    for method, operation in _each_operation(result):
        never_cached = operation.pop(NEVER_CACHED, False)
        if method != "get":
            continue
        responses = operation["responses"]
        if not never_cached:
            operation.setdefault("parameters", []).append(dict(IF_NONE_MATCH))
            ok = responses.get("200")
            if ok is not None:
                ok.setdefault("headers", {})["ETag"] = dict(ETAG)
            responses["304"] = copy.deepcopy(NOT_MODIFIED)
            responses["304"]["headers"].update(RATE_LIMIT_HEADERS)
            # A list read for what changed: its 304 repeats the 200's `Changed-Until`.
            changed_until = (ok or {}).get("headers", {}).get("Changed-Until")
            if changed_until is not None:
                responses["304"]["headers"]["Changed-Until"] = copy.deepcopy(changed_until)
        # If-Match is not a parameter: most values a client could send are refused (412),
        # which no parameter's schema can say; the 412 says what it is for. It keeps the
        # current answer's ETag (core.conditional.precondition_failed), where there is one.
        responses["412"] = copy.deepcopy(PRECONDITION_FAILED)
        responses["412"]["headers"] = {
            **({} if never_cached else {"ETag": dict(CURRENT_ETAG)}),
            **RATE_LIMIT_HEADERS,  # counted, as the answer it replaces
        }


def _varname(value: str, *, fewest_first: bool = False) -> str:
    """`-decided` -> DECIDED_DESC, `n/a` -> N_A: an enum member's name in generated code; a
    sort key that lists the fewest first (`-visits`, a count reversed) -> VISITS_FEWEST_FIRST."""
    name = re.sub(r"[^0-9A-Za-z]+", "_", value.lstrip("-")).strip("_").upper() or "BLANK"
    if fewest_first:
        return f"{name}_FEWEST_FIRST"
    return f"{name}_DESC" if value.startswith("-") else name


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _name_enum_values(result) -> None:
    """x-enum-varnames on every enum of strings, so that descending orders read as such,
    and the orders that list the fewest first (api.base.FEWEST_FIRST) as those."""
    for schema in list(_walk(result)):
        fewest = schema.pop(FEWEST_FIRST, ())
        values = schema.get("enum")
        if isinstance(values, list) and values and all(isinstance(v, str) for v in values):
            schema["x-enum-varnames"] = [_varname(v, fewest_first=v in fewest) for v in values]


# Properties an answer carries only when asked for: a list's `facets` (with `?facets=`).
ON_REQUEST_ONLY = frozenset({"facets"})
# Properties one answer carries only in some cases ("Component.property"): a filing's 409
# names the existing report only when it is a duplicate the caller may read; a page of
# visits has its `cursor` only when read by cursor (api.paging.PageOrCursorPagination).
SOMETIMES = frozenset({"DuplicateReport.existing", "PaginatedVisitList.cursor"})


def _require_answered_properties(result) -> None:
    """An answer carries every property its serializer declares (null when there is no
    value): in the answers' components every property is required, but those in
    ON_REQUEST_ONLY and SOMETIMES."""
    for name, schema in result["components"]["schemas"].items():
        if name.endswith("Request") or "properties" not in schema:
            continue
        schema["required"] = [
            p
            for p in schema["properties"]
            if p not in ON_REQUEST_ONLY and f"{name}.{p}" not in SOMETIMES
        ]


def _describe_properties(result) -> None:
    """A description on every property: the serializer's help_text, else the glossary."""
    for name, schema in result["components"]["schemas"].items():
        for prop, spec in schema.get("properties", {}).items():
            if "description" in spec:
                continue
            description = GLOSSARY.get(f"{name}.{prop}") or GLOSSARY.get(prop)
            if description is None:
                continue  # tests/api/test_schema.py names it
            if "$ref" in spec:  # OpenAPI 3.0 ignores a $ref's siblings
                ref = spec.pop("$ref")
                spec["allOf"] = [{"$ref": ref}]
            spec["description"] = description


def _type_nullable_references(result) -> None:
    """Each nullable reference to an object (`allOf: [$ref]`, `nullable: true`) written as
    drf-spectacular writes a nullable enum: `oneOf: [$ref, NullEnum]`. OpenAPI 3.0.3 lets
    `nullable` add null only where the same schema says its `type`, and null never passes
    the referenced object's schema, so strict validators refused every visit whose
    `controlled_by` is null."""
    schemas = result.get("components", {}).get("schemas", {})
    for node in list(_walk(result)):
        if node.get("nullable") is not True or len(node.get("allOf", ())) != 1:
            continue
        ref = node["allOf"][0].get("$ref", "")
        target = schemas.get(ref.rpartition("/")[2]) if ref.startswith("#/components/") else None
        if target is None or target.get("type") != "object":
            continue
        schemas.setdefault("NullEnum", {"enum": [None]})
        del node["allOf"]
        node["oneOf"] = [{"$ref": ref}, {"$ref": "#/components/schemas/NullEnum"}]


# Every answer says the language it is in (Django's LocaleMiddleware, or the view's own:
# the schema, and refusals in English whatever was asked).
CONTENT_LANGUAGE = {
    "Content-Language": {
        "schema": {"type": "string", "enum": [code for code, _name in settings.LANGUAGES]},
        "description": "The language of the answer's words: the one `?lang=` asked for, "
        "else `Accept-Language`'s, else `en`; `en` for a refusal that is English whatever "
        "was asked for (see the API's description). Codes, ISO dates and `name` are the "
        "same in every language.",
        "required": True,
    }
}


def _describe_language(result) -> None:
    """Every response of every operation declares `Content-Language`, which every answer
    sends (tests/api/test_declared_statuses.py compares each answer's headers with its
    response's)."""
    for _method, operation in _each_operation(result):
        for response in operation.get("responses", {}).values():
            response["headers"] = {**response.get("headers", {}), **CONTENT_LANGUAGE}


def prepare_for_generated_clients(result) -> None:
    """304s, every answer's language, enum names, required and described properties (see
    the comment above)."""
    _describe_revalidation(result)
    _describe_language(result)
    _name_enum_values(result)
    _require_answered_properties(result)
    _describe_properties(result)
    _type_nullable_references(result)
