"""OPTIONS describes the body each POST reads (api.metadata.ApiMetadata).

DRF's own OPTIONS described the serializer of the answer (`get_serializer()`): POST
/visits/ listed a visit's fields (`review_state` writable, `outcome` required), POST
/reports/ had `author`, `reviewer`, `created_at`, `version` and `changes` required and
writable, and /reports/{id}/verify/ the report's 31 fields instead of `seen` and
`different_from`. Each POST of the schema is walked here: OPTIONS names the fields its
schema's request body has, and the view refuses a field it does not have by naming those
same fields, so all three describe the one serializer the view reads the body with.
"""

import pytest

from tests.api.test_reports import file
from visits.models import Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def tajikistan_removed(seeded):
    """Putin's published trip to Tajikistan, removed so that it can be reported anew."""
    Visit.objects.filter(slug__startswith="vladimir-putin-tjk-2025-10").delete()


UNKNOWN = "zqxwv"  # resembles no field: the refusal lists them all


def posts(schema: dict) -> list[tuple[str, dict]]:
    return [(path, item["post"]) for path, item in schema["paths"].items() if "post" in item]


def body_component(schema: dict, operation: dict) -> dict:
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


def same_fields(described: dict, component: dict, schema: dict, where: str) -> None:
    """OPTIONS' `described` fields ({name: info}) are the `component`'s properties, the
    same required, none read-only; a list of objects' items alike."""
    assert set(described) == set(component["properties"]), where
    required = {name for name, info in described.items() if info["required"]}
    assert required == set(component.get("required", [])), where
    assert not any(info["read_only"] for info in described.values()), where
    for name, info in described.items():
        children = info.get("child", {}).get("children")
        if children is None:
            continue
        ref = component["properties"][name]["items"]["$ref"]
        item = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
        same_fields(children, item, schema, f"{where}.{name}")


def test_options_describes_the_body_each_post_reads(tajikistan_removed, clients):
    schema = clients["anonymous"].get("/api/v1/schema/", {"format": "json"}).json()
    report = file(clients["reporter"]).json()
    admin = clients["admin"]  # reports and reviews: may make every POST
    walked = []
    for path, operation in posts(schema):
        url = path.replace("{id}", str(report["id"]))
        answer = admin.options(url)
        assert answer.status_code == 200, (url, answer.content[:200])
        described = answer.json()["actions"]["POST"]
        same_fields(described, body_component(schema, operation), schema, path)
        # The fields the view reads the body with: its refusal of one it does not have
        # lists them (api.base.KnownFieldsOnly), in the serializer's order, as OPTIONS does.
        refused = admin.post(url, {UNKNOWN: 1}, format="json")
        assert refused.status_code == 400, (url, refused.content[:300])
        writable = ", ".join(name for name, info in described.items() if not info["read_only"])
        assert refused.json()["error"]["fields"][UNKNOWN] == [
            f"This request has no such field. Its fields are: {writable}."
        ], path
        walked.append(path)
    assert sorted(walked) == [
        "/api/v1/reports/",
        "/api/v1/reports/withdrawals/",
        "/api/v1/reports/{id}/reject/",
        "/api/v1/reports/{id}/request-changes/",
        "/api/v1/reports/{id}/resubmit/",
        "/api/v1/reports/{id}/verify/",
        "/api/v1/visits/",
    ]
    verify = admin.options(f"/api/v1/reports/{report['id']}/verify/").json()["actions"]
    assert list(verify["POST"]) == ["seen", "different_from"]


def test_options_describes_only_the_posts_the_caller_may_make(tajikistan_removed, clients):
    """Each POST's permission as its own action checks it: a reviewer who is not a
    reporter may not file (no POST on /reports/), a reporter may not verify."""
    report = file(clients["reporter"]).json()
    verify = f"/api/v1/reports/{report['id']}/verify/"
    reviewer, reporter = clients["reviewer"], clients["reporter"]
    assert "actions" not in reviewer.options("/api/v1/reports/").json()
    assert "POST" in reviewer.options(verify).json()["actions"]
    assert "POST" in reporter.options("/api/v1/reports/").json()["actions"]
    assert "actions" not in reporter.options(verify).json()
    # A read-only address, and anyone without the role: no body to describe.
    assert "actions" not in clients["anonymous"].options("/api/v1/visits/").json()
    assert "actions" not in clients["anonymous"].options("/api/v1/states/").json()
