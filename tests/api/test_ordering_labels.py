"""What the schema says of each sort key's order is the order the list gives.

A count key (`visits`, `visits_hosted`, `incidents`) sorts most first, and `-` before it
reverses that: fewest first. The schema labelled `-visits` "(descending)" and said `-`
meant descending, so a client asking for the most travelled persons got those with none.
"""

import csv
import io
import re

import pytest

pytestmark = pytest.mark.django_db

# The lists with count keys, the site's download that gives each row's counts (the API's
# lists do not show them), and the column naming the row in both.
COUNTED = {
    "/api/v1/persons/": ("/persons.csv", "slug", {"visits": "visits", "incidents": "incidents"}),
    "/api/v1/states/": (
        "/states.csv",
        "iso3",
        {"visits": "visits_hosted", "visits_hosted": "visits_hosted", "incidents": "incidents"},
    ),
}


@pytest.fixture
def openapi(api_client):
    return api_client.get("/api/v1/schema/", {"format": "json"}).json()


def ordering_of(openapi, path) -> dict:
    (parameter,) = [
        p for p in openapi["paths"][path]["get"]["parameters"] if p["name"] == "ordering"
    ]
    return parameter


def labels_of(parameter) -> dict[str, str]:
    """{enum member: its label} from the description's list of choices ("* `-name` - …")."""
    return dict(re.findall(r"^\* `([^`]+)` - (.+?)$", parameter["description"], re.M))


def order_said(label: str) -> str:
    for words in ("most first", "fewest first"):
        if f"({words})" in label:
            return words
    raise AssertionError(f"{label!r} says neither most first nor fewest first")


def order_given(figures: list[int]) -> str:
    if figures == sorted(figures, reverse=True) and figures != sorted(figures):
        return "most first"
    if figures == sorted(figures) and figures != sorted(figures, reverse=True):
        return "fewest first"
    raise AssertionError(f"neither order: {figures}")


@pytest.mark.parametrize("path", list(COUNTED))
def test_each_count_keys_label_says_the_order_the_list_gives(seeded, api_client, openapi, path):
    download, identifier, keys = COUNTED[path]
    content = b"".join(api_client.get(download).streaming_content)
    rows = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    figures = {row[identifier]: row for row in rows}
    labels = labels_of(ordering_of(openapi, path))
    for key, column in keys.items():
        for member in (key, f"-{key}"):
            answer = api_client.get(path, {"ordering": member, "page_size": 500}).json()
            assert answer["next"] is None
            given = [int(figures[row[identifier]][column]) for row in answer["results"]]
            assert order_said(labels[member]) == order_given(given), (path, member)


@pytest.mark.parametrize("path", list(COUNTED))
def test_the_ordering_description_says_what_a_dash_does_to_a_count(openapi, path):
    """ "`-` before one for descending" was untrue of the counts: `-visits` is fewest first."""
    description = ordering_of(openapi, path)["description"].split("\n\n*")[0]
    assert "`-` before one for descending" not in description
    assert "most first" in description and "fewest first" in description


def test_every_member_of_every_ordering_has_a_label_that_says_its_order(openapi):
    """Not a bare "Name" beside "Name (descending)": each label names its direction."""
    for path, item in openapi["paths"].items():
        for parameter in item.get("get", {}).get("parameters", []):
            if parameter["name"] != "ordering":
                continue
            labels = labels_of(parameter)
            assert set(labels) == set(parameter["schema"]["items"]["enum"]), path
            for member, label in labels.items():
                assert re.search(r"\((ascending|descending|most first|fewest first)\)$", label), (
                    path,
                    member,
                    label,
                )


@pytest.mark.parametrize("path", list(COUNTED))
def test_a_generated_client_names_a_reversed_count_fewest_first(openapi, path):
    """`-visits` was VISITS_DESC in generated code, though it lists the fewest first."""
    items = ordering_of(openapi, path)["schema"]["items"]
    names = dict(zip(items["enum"], items["x-enum-varnames"], strict=True))
    assert names["visits"] == "VISITS" and names["-visits"] == "VISITS_FEWEST_FIRST"
    assert names["-incidents"] == "INCIDENTS_FEWEST_FIRST"
    assert names["-name"] == "NAME_DESC"
