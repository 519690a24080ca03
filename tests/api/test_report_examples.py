"""The schema's examples of a filing are bodies the API takes on the shipped data: "Try it
out" in /api/v1/docs/ sends them as they are. The first of POST /reports/ (and of its
alias POST /visits/) was Putin in Tajikistan on 8-10 October 2025, a visit the dataset
records, so that executing it untouched was always a `400 invalid` naming
`another_visit`."""

import pytest
from django.db import transaction

from visits import review

pytestmark = pytest.mark.django_db

# Every POST that files a report, whose request examples a reporter may send as they are.
FILINGS = ("/api/v1/reports/", "/api/v1/visits/", "/api/v1/reports/withdrawals/")


def request_examples(openapi: dict, path: str) -> dict[str, dict]:
    """{name: body} of the request examples the schema gives the POST at `path`."""
    content = openapi["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    return {name: example["value"] for name, example in content["examples"].items()}


def test_every_filing_example_of_the_schema_is_filed_on_the_shipped_data(seeded, clients):
    """Each example, sent alone on the dataset as shipped (what a reader's "Try it out"
    does), is a 201; and a new visit's example is no possible duplicate of a recorded
    visit (review.possible_duplicates, the rule the filing applies), so that it is filed
    without `another_visit`. The first is the report the 201's example shows: the rule's
    `preview` of it, and no possible duplicate."""
    from api.reports import examples as report_examples

    openapi = clients["anonymous"].get("/api/v1/schema/", {"format": "json"}).json()
    filed = []
    for path in FILINGS:
        examples = request_examples(openapi, path)
        assert examples, path
        for name, body in examples.items():
            if "visit" not in body:  # a new visit
                assert not review.possible_duplicates(body), (path, name)
            with transaction.atomic():  # each on the shipped data alone, then undone
                answer = clients["reporter"].post(path, body, format="json")
                assert answer.status_code == 201, (path, name, answer.content[:600])
                if body == report_examples.NEW_VISIT.value:
                    shown = report_examples.REPORT_FILED.value
                    assert answer.json()["preview"] == shown["preview"], path
                    assert answer.json()["possible_duplicates"] == [], path
                transaction.set_rollback(True)
            filed.append((path, body))
    # A new visit, an announced trip and a correction; the alias's; a withdrawal.
    assert len(filed) >= 5, filed
    assert ("/api/v1/visits/", report_examples.NEW_VISIT.value) in filed
