"""Every integer parameter is read one way (core.identifiers.whole_number): ASCII digits.

`page` and `page_size` refused `１` (fullwidth) and `١` (Arabic-Indic) while `cursor`,
`year` and search's `limit` read them, through Python's int(), as 1: the same request
could be written several ways, and a parameter a client got wrong was answered instead
of refused. Each is now a 400 `invalid_filter` naming the parameter, as `page` is.
"""

from urllib.parse import quote

import pytest

pytestmark = pytest.mark.django_db


def in_digits(zero: str):
    """A number written in the digits of the script whose zero is `zero`."""
    return lambda plain: plain.translate({ord("0") + d: ord(zero) + d for d in range(10)})


# Other spellings of a number that int() reads: other scripts' digits (fullwidth,
# Arabic-Indic, NKo), a sign, a space, an underscore, a decimal point.
SPELLINGS = {
    "fullwidth": in_digits("０"),
    "arabic-indic": in_digits("٠"),
    "nko": in_digits("߀"),
    "plus": lambda plain: "+" + plain,
    "minus-zero": lambda plain: "-0",
    "space-before": lambda plain: " " + plain,
    "space-after": lambda plain: plain + " ",
    "underscore": lambda plain: plain[0] + "_" + plain[1:] if len(plain) > 1 else plain + "_0",
    "decimal-point": lambda plain: plain + ".0",
}

PARAMETERS = [
    ("/api/v1/incidents/", "cursor", "0"),
    ("/api/v1/incidents/", "page_size", "1"),
    ("/api/v1/visits/", "page", "1"),
    ("/api/v1/visits/", "page_size", "1"),
    ("/api/v1/visits/", "year", "2024"),
    ("/api/v1/search/?q=putin", "limit", "1"),
]


# A list's values are stripped around its commas (`?year=2024, 2025`): a space around a
# year is read (test_a_year_with_spaces_around_it_is_read_as_a_lists_value).
REFUSED = [
    (path, name, plain, spelling)
    for path, name, plain in PARAMETERS
    for spelling in SPELLINGS
    if not (name == "year" and spelling.startswith("space"))
]


@pytest.mark.parametrize(("path", "name", "plain", "spelling"), REFUSED)
def test_an_integer_parameter_in_another_spelling_is_an_invalid_filter_naming_it(
    api_client, path, name, plain, spelling
):
    value = SPELLINGS[spelling](plain)
    joiner = "&" if "?" in path else "?"
    response = api_client.get(f"{path}{joiner}{name}={quote(value)}")
    assert response.status_code == 400, (value, response.content)
    error = response.json()["error"]
    assert error["code"] == "invalid_filter"
    assert list(error["fields"]) == [name]


@pytest.mark.parametrize(("path", "name", "plain"), PARAMETERS)
def test_an_integer_parameter_in_ascii_digits_is_read(api_client, path, name, plain):
    joiner = "&" if "?" in path else "?"
    response = api_client.get(f"{path}{joiner}{name}={plain}")
    assert response.status_code == 200, response.content


def test_a_year_in_another_script_is_refused_on_the_site_too(client):
    """The site's lists share the year filter: `?year=２０２４` was read as 2024."""
    response = client.get("/visits.csv?year=" + quote("２０２４"))
    assert response.status_code == 400
    assert "year" in response.json()["error"]["fields"]
    assert client.get("/visits.csv?year=2024").status_code == 200


@pytest.mark.parametrize("value", ["２０２６-１２-０１T09:30:00Z", "２０２６-１２-０１"])
def test_a_date_and_time_in_another_scripts_digits_is_refused(api_client, value):
    """Django's parse_datetime reads any script's digits; ISO 8601 is ASCII."""
    response = api_client.get("/api/v1/visits/?changed_since=" + quote(value))
    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["fields"]) == ["changed_since"]
    assert api_client.get("/api/v1/visits/?changed_since=2026-12-01").status_code == 200


def test_a_sitemap_file_is_numbered_in_ascii_digits(client):
    assert client.get("/sitemap-persons.xml?p=1").status_code == 200
    assert client.get("/sitemap-persons.xml?p=" + quote("１")).status_code == 404


def test_a_year_with_spaces_around_it_is_read_as_a_lists_value(api_client, seeded):
    plain = api_client.get("/api/v1/visits/?year=2024").json()
    for value in (" 2024", "2024 "):
        spaced = api_client.get(f"/api/v1/visits/?year={quote(value)}")
        assert spaced.status_code == 200, spaced.content
        assert spaced.json()["count"] == plain["count"] > 0
