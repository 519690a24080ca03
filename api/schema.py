"""The OpenAPI schema's finishing touches (a drf-spectacular postprocessing hook).

Kept apart from api.base, which the serializers import: the hook reads the report
serializer's body rules, so it sits above both.
"""

from api.base import API_DESCRIPTION
from api.reports.serializers import ReportInputSerializer


def describe_api(result, generator, request, public):
    """drf-spectacular postprocessing hook: the API's overview as the schema's description."""
    result["info"]["description"] = API_DESCRIPTION.strip()
    # An empty query parameter (`?situation=`) is a 400 (api.filters.reject_empty_parameters).
    for item in result["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter["in"] != "query" or "enum" in schema:
                    continue
                if schema.get("type") == "string":
                    schema.setdefault("minLength", 1)
                elif schema.get("type") == "array":
                    schema.setdefault("minItems", 1)
    # A report body is a new visit or a correction (ReportInputSerializer.validate).
    report = result.get("components", {}).get("schemas", {}).get("ReportInputRequest")
    if report is not None:
        report.update(ReportInputSerializer.SCHEMA_REQUIREMENT)
        report["properties"]["sources"]["minItems"] = 1  # the serializer's min_length
        for item in result["paths"].values():
            body = item.get("post", {}).get("requestBody", {})
            if "ReportInputRequest" in str(body.get("content", {}).get("application/json", {})):
                body["required"] = True
    return result
