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


RESUBMIT = "/api/v1/reports/{id}/resubmit/"


def test_options_describes_the_body_each_post_reads(tajikistan_removed, clients):
    schema = clients["anonymous"].get("/api/v1/schema/", {"format": "json"}).json()
    report = file(clients["reporter"]).json()
    # An admin reports and reviews: may make every POST but a resubmission, its author's
    # once the report is sent back (walked last, when it is).
    caller = clients["admin"]
    walked = []
    for path, operation in sorted(posts(schema), key=lambda post: post[0] == RESUBMIT):
        url = path.replace("{id}", str(report["id"]))
        if path == RESUBMIT:
            sent_back = caller.post(
                url.replace("resubmit", "request-changes"), {"comment": "Which day?"}, format="json"
            )
            assert sent_back.status_code == 200, sent_back.content[:300]
            caller = clients["reporter"]
        answer = caller.options(url)
        assert answer.status_code == 200, (url, answer.content[:200])
        described = answer.json()["actions"]["POST"]
        same_fields(described, body_component(schema, operation), schema, path)
        if path.endswith("/verify/"):
            assert list(described) == ["seen", "different_from"]
        # The fields the view reads the body with: its refusal of one it does not have
        # lists them (api.base.KnownFieldsOnly), in the serializer's order, as OPTIONS does.
        refused = caller.post(url, {UNKNOWN: 1}, format="json")
        assert refused.status_code == 400, (url, refused.content[:300])
        writable = ", ".join(name for name, info in described.items() if not info["read_only"])
        assert refused.json()["error"]["fields"][UNKNOWN] == [
            f"This request has no such field. Its fields are: {writable}."
        ], path
        walked.append(path)
    assert sorted(walked) == [
        "/api/v1/reports/",
        "/api/v1/reports/restorations/",
        "/api/v1/reports/withdrawals/",
        "/api/v1/reports/{id}/reject/",
        "/api/v1/reports/{id}/request-changes/",
        "/api/v1/reports/{id}/resubmit/",
        "/api/v1/reports/{id}/verify/",
        "/api/v1/visits/",
    ]


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


def test_options_on_ones_own_report_lists_no_review(tajikistan_removed, clients):
    """Nobody reviews their own report (visits.review's four eyes): a reporter who is also
    a reviewer is not shown POST on their own report's verify, request-changes or reject."""
    report = file(clients["both"]).json()
    for action in ("verify", "request-changes", "reject"):
        answer = clients["both"].options(f"/api/v1/reports/{report['id']}/{action}/")
        assert answer.status_code == 200, (action, answer.content[:200])
        assert "actions" not in answer.json(), action


def test_options_lists_resubmit_to_its_author_only(tajikistan_removed, clients):
    """Only the author answers a request for changes: an admin who did not write the
    report is not shown POST on its resubmit, nor is its author while it awaits review."""
    report = file(clients["reporter"]).json()
    resubmit = f"/api/v1/reports/{report['id']}/resubmit/"
    assert "actions" not in clients["reporter"].options(resubmit).json()  # not sent back
    sent_back = clients["reviewer"].post(
        f"/api/v1/reports/{report['id']}/request-changes/",
        {"comment": "Which day did he land?"},
        format="json",
    )
    assert sent_back.status_code == 200, sent_back.content
    assert "actions" not in clients["admin"].options(resubmit).json()
    assert "POST" in clients["reporter"].options(resubmit).json()["actions"]
    # Sent back, it awaits no review: nobody is shown POST to verify it.
    verify = clients["admin"].options(f"/api/v1/reports/{report['id']}/verify/")
    assert "actions" not in verify.json()


@pytest.mark.parametrize("pk", ["999999999", "abc", "0"])
def test_options_on_a_report_that_is_none_is_the_404_of_get(tajikistan_removed, clients, pk):
    """One 404 for any id that names nothing (api.reports.views, get_object), OPTIONS
    included: never an answer describing a POST to a report that is not."""
    admin = clients["admin"]
    read = admin.get(f"/api/v1/reports/{pk}/")
    assert read.status_code == 404
    for action in ("verify", "request-changes", "reject", "resubmit"):
        answer = admin.options(f"/api/v1/reports/{pk}/{action}/")
        assert answer.status_code == 404, (action, answer.content[:200])
        assert answer.json() == read.json(), action


def test_options_on_a_report_the_caller_may_not_read_is_the_404_of_get(
    tajikistan_removed, clients, reporter
):
    """Another reporter's report is a 404 to GET, and to OPTIONS on its actions."""
    report = file(clients["both"]).json()
    url = f"/api/v1/reports/{report['id']}/"
    assert clients["reporter"].get(url).status_code == 404
    answer = clients["reporter"].options(f"{url}resubmit/")
    assert answer.status_code == 404, answer.content[:200]


def test_options_lists_a_review_of_someone_elses_submitted_report(tajikistan_removed, clients):
    """A reviewer (or a reporter who also reviews) on another person's report awaiting
    review is shown each review's body."""
    report = file(clients["reporter"]).json()
    for caller in ("reviewer", "both", "admin"):
        for action in ("verify", "request-changes", "reject"):
            answer = clients[caller].options(f"/api/v1/reports/{report['id']}/{action}/")
            assert answer.status_code == 200, (caller, action, answer.content[:200])
            assert "POST" in answer.json()["actions"], (caller, action)
