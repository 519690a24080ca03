"""Search finds people, states and places however a reader spells them."""

import pytest

from front import gazetteer, search
from tests.site.conftest import body

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query", ["Bashir", "al-Bashir", "Al Bashir", "Omer al-Bashir", "bashier", "BASHIR"]
)
def test_every_spelling_of_al_bashir_finds_him_first(seeded, query):
    results = search.search(query)
    assert results.persons[0]["slug"] == "omar-al-bashir"


@pytest.mark.parametrize(
    "query",
    ["Ulan Bator", "Ulaanbaatar", "Oulan-Bator", "ulan-bator", "Ulan Bator 2024", "Ulaanbatar"],
)
def test_every_spelling_of_ulaanbaatar_finds_the_putin_visit(seeded, query):
    results = search.search(query)
    assert results.visits[0]["slug"] == "vladimir-putin-mng-2024-09-02"


def test_the_alternate_names_come_from_geonames(seeded):
    place = gazetteer.resolve([("MNG", "Ulaanbaatar")])[("MNG", "Ulaanbaatar")]
    assert place is not None and "Ulan Bator" in (place.name, *place.aliases)
    assert abs(place.latitude - 47.9) < 0.2 and abs(place.longitude - 106.9) < 0.2
    # Airport codes and very short names are not used as aliases.
    assert "ULN" not in place.aliases


def test_states_are_found_by_name_code_and_without_accents(seeded):
    assert search.search("MNG").states[0]["iso3"] == "MNG"
    assert search.search("mongolia").states[0]["iso3"] == "MNG"
    assert search.search("Cote d'Ivoire").states[0]["iso3"] == "CIV"
    assert search.search("Mongolai").states[0]["iso3"] == "MNG"  # a typo


def test_visits_are_found_by_occasion(seeded):
    assert search.search("Khalkhin Gol").visits[0]["slug"] == "vladimir-putin-mng-2024-09-02"


def test_search_page_links_each_result(reader, seeded):
    html = body(reader.get("/search/?q=Ulan+Bator"))
    assert 'href="/visits/vladimir-putin-mng-2024-09-02/"' in html
    assert "non-compliance" in html
    html = body(reader.get("/search/?q=Bashir"))
    assert 'href="/persons/omar-al-bashir/"' in html
    html = body(reader.get("/search/?q=zzzzqqqq"))
    assert "Nothing found" in html


def test_search_reads_a_fixed_number_of_queries(
    reader, seeded, more_data, django_assert_num_queries
):
    reader.get("/search/?q=Ulan+Bator")  # warm the gazetteer
    with django_assert_num_queries(4):
        reader.get("/search/?q=Ulan+Bator")
    more_data(8)
    reader.get("/search/?q=Ulan+Bator")
    with django_assert_num_queries(4):
        response = reader.get("/search/?q=Ulan+Bator")
    assert body(response).count("/visits/extra-person-8-mng-") >= 1
    with django_assert_num_queries(0):
        reader.get("/search/?q=")


def test_long_queries_are_cut_and_harmless(reader, seeded):
    response = reader.get("/search/?q=" + "%27%3B+DROP+TABLE+x%3B+" * 50)
    assert response.status_code == 200
