"""Every date parameter reads a day one way (core.filters.IsoDateField): YYYY-MM-DD in
ASCII digits.

The lists' date filters read their value with Django's date field, whose strptime took
any script's digits and an unpadded month or day: `start_after=٢٠٢٤-01-01`,
`２０２４-01-01` and `2024-1-1` answered as `2024-01-01` did, and `01/02/2024` as 2
January (1 February in French), while `as_of` refused them. Each is now a 400 naming the
parameter and saying the form, on the API (in English, as its refusals are) and on the
site's lists and downloads (in the reader's language).
"""

from urllib.parse import quote

import pytest

pytestmark = pytest.mark.django_db

# (list, parameter) for every date parameter of the API's lists.
DATE_PARAMETERS = [
    ("/api/v1/visits/", "start_after"),
    ("/api/v1/visits/", "start_before"),
    ("/api/v1/visits/", "as_of"),
    ("/api/v1/incidents/", "start_after"),
    ("/api/v1/incidents/", "start_before"),
    ("/api/v1/warrants/", "issued_after"),
    ("/api/v1/warrants/", "issued_before"),
    ("/api/v1/findings/", "decided_after"),
    ("/api/v1/findings/", "decided_before"),
    ("/api/v1/statements/", "date_after"),
    ("/api/v1/statements/", "date_before"),
    ("/api/v1/states/", "as_of"),
]

# Other spellings of 2024-01-01 (or of no day at all) that Python or Django read as a date.
SPELLINGS = {
    "arabic-indic": "٢٠٢٤-01-01",
    "fullwidth": "２０２４-01-01",
    "fullwidth-throughout": "２０２４-０１-０１",
    "unpadded": "2024-1-1",
    "slashes": "01/01/2024",
    "words": "Jan 1 2024",
    "no-hyphens": "20240101",
    "space-after": "2024-01-01 ",
    "space-before": " 2024-01-01",
    "a-time": "2024-01-01T00:00:00",
    "no-such-day": "2024-02-30",
    "month": "2024-01",
}


@pytest.mark.parametrize(("path", "name"), DATE_PARAMETERS)
@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_date_in_another_spelling_is_an_invalid_filter_naming_it(
    seeded, api_client, path, name, spelling
):
    value = SPELLINGS[spelling]
    response = api_client.get(f"{path}?{name}={quote(value)}&lang=fr")
    assert response.status_code == 400, (value, response.content)
    assert response["Content-Language"] == "en"
    error = response.json()["error"]
    assert error["code"] == "invalid_filter"
    assert list(error["fields"]) == [name]
    assert "YYYY-MM-DD" in error["fields"][name][0], error


@pytest.mark.parametrize(("path", "name"), DATE_PARAMETERS)
def test_a_date_in_ascii_digits_is_read(seeded, api_client, path, name):
    response = api_client.get(f"{path}?{name}=2024-01-01")
    assert response.status_code == 200, response.content


def test_the_csv_refuses_what_the_json_refuses(seeded, api_client):
    response = api_client.get("/api/v1/visits/?format=csv&start_after=" + quote("٢٠٢٤-01-01"))
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["start_after"]


@pytest.mark.parametrize(
    ("path", "name"),
    [("/visits/", "start_after"), ("/incidents/", "start_before"), ("/warrants/", "issued_after")],
)
def test_the_sites_lists_refuse_a_date_in_another_spelling_in_the_readers_language(
    reader, seeded, path, name
):
    for value in ("٢٠٢٤-01-01", "２０２４-01-01", "2024-1-1"):
        english = reader.get(f"{path}?{name}={quote(value)}")
        assert english.status_code == 400, (path, value)
        assert "Enter a day of the calendar as YYYY-MM-DD, e.g. 2024-09-02." in (
            english.content.decode()
        )
        french = reader.get(f"/fr{path}?{name}={quote(value)}")
        assert french.status_code == 400, (path, value)
        assert "Saisissez un jour du calendrier sous la forme AAAA-MM-JJ" in (
            french.content.decode()
        )
    assert reader.get(f"{path}?{name}=2024-01-01").status_code == 200


def test_the_sites_downloads_refuse_a_date_in_another_spelling_naming_it(reader, seeded):
    for value in ("٢٠٢٤-01-01", "2024-1-1"):
        response = reader.get("/visits.csv?start_after=" + quote(value))
        assert response.status_code == 400, value
        assert list(response.json()["error"]["fields"]) == ["start_after"]
    assert reader.get("/visits.csv?start_after=2024-01-01").status_code == 200
