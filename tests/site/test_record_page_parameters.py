"""A record's page (a state, a person, a visit) reads `cite` alone: any other parameter, such
as the API's `as_of`, is refused with a 400 naming it and the ones the page has, never
today's page as if it had answered; a shared link's tracking parameters and `lang` stay
ignored. A person's or a visit's address written in capitals redirects to its own."""

import html

import pytest

from tests.site.conftest import body

pytestmark = pytest.mark.django_db

MONGOLIA = "vladimir-putin-mng-2024-09-02"


def test_a_states_page_refuses_as_of_and_points_to_the_api(reader, seeded):
    response = reader.get("/states/HUN/", {"as_of": "2025-01-01"})
    assert response.status_code == 400
    page = html.unescape(body(response))
    assert "<code>as_of</code>" in page
    assert "Its parameters are: cite." in page
    assert "/api/v1/states/HUN/?as_of=2025-01-01" in page
    # In French too, with French typography.
    french = html.unescape(body(reader.get("/fr/states/HUN/", {"as_of": "2025-01-01"})))
    assert "Ses paramètres sont\u00a0: cite." in french, french[:3000]


@pytest.mark.parametrize(
    "path",
    ["/states/MNG/", "/persons/vladimir-putin/", f"/visits/{MONGOLIA}/"],
)
def test_a_records_page_refuses_a_parameter_it_does_not_read(reader, seeded, path):
    refused = reader.get(path, {"page": "2", "host": "MNG"})
    assert refused.status_code == 400
    page = body(refused)
    assert "<code>host</code>" in page and "<code>page</code>" in page
    # A shared link's tracking parameters, and `lang`, are ignored; `cite` is read.
    assert (
        reader.get(path, {"utm_source": "newsletter", "fbclid": "x", "lang": "fr"}).status_code
        == 200
    )
    assert reader.get(path, {"cite": "bibtex"}).status_code == 200


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("/persons/Vladimir-Putin/", "/persons/vladimir-putin/"),
        ("/fr/persons/VLADIMIR-PUTIN/?cite=ris", "/fr/persons/vladimir-putin/?cite=ris"),
        ("/visits/Vladimir-Putin-MNG-2024-09-02/", f"/visits/{MONGOLIA}/"),
    ],
)
def test_a_person_or_visit_address_in_capitals_redirects_to_its_own(
    reader, seeded, typed, canonical
):
    response = reader.get(typed)
    assert response.status_code == 301
    assert response["Location"] == canonical
    assert reader.get("/persons/Nobody-At-All/").status_code == 404
