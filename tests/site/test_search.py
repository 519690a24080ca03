"""Search finds people, states and places however a reader spells them."""

import re

import pytest

from front import gazetteer, search
from tests.site.conftest import body
from visits.models import Visit

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


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("Poutine", "vladimir-putin"),
        ("Vladimir Poutine", "vladimir-putin"),
        ("Béchir", "omar-al-bashir"),
        ("Omar el-Béchir", "omar-al-bashir"),
        ("Choïgou", "sergei-shoigu"),
        ("Guerassimov", "valery-gerasimov"),
        ("Mouammar Kadhafi", "muammar-gaddafi"),
        ("Kosheib", "ali-kushayb"),
    ],
)
def test_a_name_as_another_language_spells_it_finds_the_person(seeded, query, slug):
    """The French press's spellings differ in letters but sound alike (Double Metaphone,
    warrants migration 0005): each finds the person, and their trips."""
    results = search.search(query)
    assert results.persons[0]["slug"] == slug
    # Their trips are listed too, when they have any.
    trips = set(Visit.objects.published().filter(person__slug=slug).values_list("slug", flat=True))
    found = {v["slug"] for v in results.visits if v["reason"] == "person"}
    assert found <= trips and bool(found) == bool(trips)


def test_a_sound_alike_ranks_below_every_match_by_spelling(seeded):
    """Double Metaphone codes are short and collide: a near spelling of a name ("Yeatom"
    for Yekatom) still finds that person first; a person who only sounds like a state's
    name ("Bhutan": Putin, "Kenya": Kony) is not listed, nor are their trips."""
    assert search.search("Yeatom").persons[0]["slug"] == "alfred-yekatom"
    assert search.search("Shaqqi").persons[0]["slug"] == "abdelbari-al-shaqaqi"
    for state in ("Bhutan", "Kenya", "Uganda"):
        results = search.search(state)
        assert all(p["score"] >= search.THRESHOLD for p in results.persons), state
    bhutan = search.search("Bhutan")
    assert "vladimir-putin" not in {v["person_slug"] for v in bhutan.visits}
    # Nor for a place's name: "Jibuti", a spelling of Djibouti, sounds like Kushayb.
    jibuti = search.search("Jibuti")
    assert jibuti.visits and jibuti.visits[0]["reason"] == "place"
    assert "ali-kushayb" not in {p["slug"] for p in jibuti.persons}


@pytest.mark.parametrize(
    ("query", "sounds_like"),
    [("Bhutan", "vladimir-putin"), ("Kenya", "joseph-kony"), ("Jibuti", "ali-kushayb")],
)
@pytest.mark.parametrize("kinds", [("person",), ("person", "state"), ("person", "visit")])
def test_a_search_of_some_kinds_leaves_out_sound_alikes_of_a_state_or_a_place(
    seeded, query, sounds_like, kinds
):
    """A search that reads persons but not states or visits (a person box, the API's
    `kind=person`) cannot see that the query is a state's or a place's own name: it asks,
    and lists no person who merely sounds like it."""
    from django.db import connection

    with connection.cursor() as cursor:  # the premise: the person does sound like it
        cursor.execute(
            "SELECT ARRAY[public.dmetaphone(%s), public.dmetaphone_alt(%s)] && sounds"
            " FROM warrants_person WHERE slug = %s",
            [query, query, sounds_like],
        )
        assert cursor.fetchone() == (True,)
    assert sounds_like not in {p["slug"] for p in search.search(query, kinds=kinds).persons}


def test_a_sound_alike_is_still_found_when_no_state_or_place_has_the_name(seeded):
    """The check leaves a person's other spellings alone: "Poutine" names no state and no
    place, so a search of persons alone still finds Putin by sound."""
    (putin, *_rest) = search.search("Poutine", kinds=("person",)).persons
    assert (putin["slug"], putin["by_sound"]) == ("vladimir-putin", True)


def test_a_person_box_refuses_a_states_name_that_sounds_like_a_person(seeded, client):
    response = client.get("/visits/", {"person": "Bhutan"})
    assert response.status_code == 400
    assert "No person matches" in body(response)


def test_every_word_of_the_query_must_sound_like_a_name(seeded):
    """One word alike is not enough: "Vladimir" is Putin's first name and "Guerassimov"
    sounds like Gerasimov, whose first name is Valery: "Vladimir Guerassimov" is neither."""
    assert [p["slug"] for p in search.search("Valeri Guerassimov").persons] == ["valery-gerasimov"]
    found = {p["slug"] for p in search.search("Vladimir Guerassimov").persons}
    assert not found & {"vladimir-putin", "valery-gerasimov"}, found


@pytest.mark.parametrize("query", ["Binyamin", "Benyamin Netanyahou", "Binyamin Nétanyahou"])
def test_a_y_written_for_a_j_sounds_like_it(seeded, query):
    """French writes "Benyamin" (the Hebrew Binyamin) where English writes "Benjamin", and
    Double Metaphone codes the two apart (PNMN, PNJM): each word is coded with "y" for "j"
    too (warrants migration 0007), so that every word of « Benyamin Netanyahou » sounds like
    one of his, and "Binyamin" alone, no close spelling of any name, finds him by sound."""
    (found,) = search.search(query, kinds=("person",)).persons
    assert (found["slug"], found["sounds"]) == ("benjamin-netanyahu", True)


def test_the_page_says_a_person_was_found_by_how_the_name_sounds(seeded, reader):
    html = body(reader.get("/search/?q=Poutine"))
    assert 'href="/persons/vladimir-putin/"' in html and "Found by how the name sounds" in html
    assert "Found by how the name sounds" not in body(reader.get("/search/?q=Putin"))
    assert "Trouvé d’après la prononciation du nom" in body(reader.get("/fr/search/?q=Poutine"))


def test_a_person_box_takes_a_name_as_another_language_spells_it(seeded, client):
    response = client.get("/visits/", {"person": "Poutine"})
    assert response.status_code == 302
    assert response["Location"] == "/visits/?person=vladimir-putin"


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


def test_a_near_spelling_is_listed_only_when_nothing_is_spelled_exactly(seeded):
    """ "Hongrie" is Hungary's French name: Hong Kong, close in letters, is not listed beside
    it, nor its visits; a typo ("Hongri") still finds both."""
    from django.utils import translation

    with translation.override("fr"):
        exact = search.search("Hongrie")
        typo = search.search("Hongri")
    assert [s["iso3"] for s in exact.states] == ["HUN"]
    assert {v["host_iso3"] for v in exact.visits if v["reason"] == "host"} <= {"HUN"}
    assert {"HUN", "HKG"} <= {s["iso3"] for s in typo.states}
    # Persons keep their near spellings beside an exact one: transliterations differ.
    found = {p["slug"] for p in search.search("Sergey").persons}
    assert {"sergei-kobylash", "sergei-shoigu"} <= found, found


def test_a_states_french_name_finds_it_on_an_english_page_and_in_the_api(seeded, api_client):
    """A reader or a client that writes "Hongrie" without asking for French finds Hungary,
    not Hong Kong beside it."""
    assert [s["iso3"] for s in search.search("Hongrie").states] == ["HUN"]
    assert [s["iso3"] for s in search.search("Afrique du Sud").states] == ["ZAF"]
    results = api_client.get("/api/v1/search/?q=Hongrie&kind=state").json()["results"]
    assert [r["id"] for r in results] == ["HUN"]


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
    # The persons, the states, the visits; the places are kept under the data version
    # (tests/site/test_queries.py counts their query, after a write).
    with django_assert_num_queries(3):
        reader.get("/search/?q=Ulan+Bator")
    more_data(8)
    reader.get("/search/?q=Ulan+Bator")
    with django_assert_num_queries(3):
        response = reader.get("/search/?q=Ulan+Bator")
    assert body(response).count("/visits/extra-person-8-mng-") >= 1
    with django_assert_num_queries(0):
        reader.get("/search/?q=")


def test_long_queries_are_cut_and_harmless(reader, seeded):
    response = reader.get("/search/?q=" + "%27%3B+DROP+TABLE+x%3B+" * 50)
    assert response.status_code == 200


def test_a_persons_name_finds_them_and_all_their_trips(reader, seeded):
    putin = set(
        Visit.objects.published()
        .filter(person__slug="vladimir-putin")
        .values_list("slug", flat=True)
    )
    assert len(putin) >= 25
    results = search.search("putin")
    assert results.persons[0]["slug"] == "vladimir-putin"
    assert results.persons[0]["visits"] == len(putin)
    # His trips first, each found through his name; visits that only mention him come after.
    first = results.visits[: len(putin)]
    assert {v["slug"] for v in first} == putin
    assert {v["reason"] for v in first} == {"person"}
    html = body(reader.get("/search/?q=putin"))
    assert 'href="/visits/vladimir-putin-mng-2024-09-02/"' in html
    assert f'href="/visits/?person=vladimir-putin">{len(putin)} trips</a>' in html
    assert "Matched on the person’s name" in html


def test_bashir_finds_his_trips_not_occasions_that_mention_bashar(seeded):
    results = search.search("bashir")
    assert results.persons[0]["slug"] == "omar-al-bashir"
    bashir = Visit.objects.published().filter(person__slug="omar-al-bashir")
    assert len(results.visits) == min(bashir.count(), search.LIMIT)
    assert {v["person_slug"] for v in results.visits} == {"omar-al-bashir"}
    # Found as his trip, never through "Bashar al-Assad" in the occasion (whole words only).
    damascus = [v for v in results.visits if v["slug"] == "omar-al-bashir-syr-2018-12-16"]
    assert [v["reason"] for v in damascus] in ([], ["person"])
    assert {v["reason"] for v in results.visits} == {"person"}
    found = search.search("Bashar al-Assad").visits
    assert "omar-al-bashir-syr-2018-12-16" in [v["slug"] for v in found]


def test_a_visit_found_by_another_spelling_of_its_place_says_which(seeded):
    (first, *_) = search.search("ulan bator").visits
    assert (first["slug"], first["reason"]) == ("vladimir-putin-mng-2024-09-02", "place")
    assert first["matched"].lower().replace("-", " ") == "ulan bator"


@pytest.mark.parametrize(("query", "spelling"), [("Moscou", "Moscou"), ("Pékin", "Pékin")])
def test_a_place_found_by_another_spelling_shows_the_one_the_reader_typed(seeded, query, spelling):
    """GeoNames knows Moscow as "Moscou" and "Moscòu" alike, which fold to the same
    letters: the reason names the spelling typed, not a neighbour of it."""
    (first, *_) = search.search(query).visits
    assert (first["reason"], first["matched"]) == ("place", spelling)


def test_a_states_name_finds_the_visits_it_hosted(seeded):
    results = search.search("Mongolia")
    assert results.states[0]["iso3"] == "MNG"
    assert [(v["slug"], v["reason"]) for v in results.visits] == [
        ("vladimir-putin-mng-2024-09-02", "host")
    ]


@pytest.mark.parametrize(
    ("query", "index"),
    [
        ("Ulaanbatar", "visits_visit_place_search_order"),
        ("Damascus", "visits_visit_place_search_order"),
        ("Khalkhin Gol", "visits_visit_occasion_words"),
    ],
)
def test_the_visit_lookups_can_use_their_indexes(seeded, query, index):
    """At a million visits each branch must be an index scan: the plan shows it can be.

    A place's spellings are matched on the distinct places (place_list), its visits read
    through the index on (host, place, order); an occasion's words through their index."""
    from django.db import connection, transaction

    params = search.visit_params(query)
    with transaction.atomic(), connection.cursor() as cursor:
        # Statistics of the data as it is now, not as the tests before this one left it
        # (the plan otherwise depends on the order the tests ran in).
        cursor.execute("ANALYZE visits_visit, visits_verdict, states_state, warrants_person")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + search._VISITS, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan


def test_the_visits_query_is_given_every_parameter_it_names_and_no_other(seeded):
    import re

    named = set(re.findall(r"%\((\w+)\)s", search._VISITS))
    assert named == set(search.visit_params("Ulan Bator"))


def test_the_places_are_read_once_per_distinct_place_and_cached(seeded, django_assert_num_queries):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        first = search.place_aliases()
    (distinct,) = [q["sql"] for q in queries if "DISTINCT" in q["sql"]]
    # Only the host and the place: the model's ordering must not make it one row per visit.
    assert '"visits_visit"."start"' not in distinct and "ORDER BY" not in distinct
    with django_assert_num_queries(0):  # kept under the data version
        assert search.place_aliases() == first


@pytest.mark.parametrize(
    ("query", "not_listed"),
    [("putin", {"MAF", "SXM"}), ("kony", {"HKG"}), ("Damas", {"BHS"})],
)
def test_a_state_near_in_letters_is_not_listed_beside_a_person_or_place_named_exactly(
    seeded, query, not_listed
):
    """ "putin" is a person's name, not Saint Martin; "kony" is not Hong Kong; "Damas" is
    Damascus (GeoNames' French name), not the Bahamas. A typo still finds the near state."""
    results = search.search(query)
    assert results.persons or results.visits
    assert not {s["iso3"] for s in results.states} & not_listed
    if query == "kony":  # nor Hong Kong's visits, found by a place near in letters
        assert not [v for v in results.visits if v["reason"] == "place"]
    assert [s["iso3"] for s in search.search("Mongolai").states] == ["MNG"]


def test_a_states_own_name_keeps_the_visits_it_hosted_and_a_places_keeps_its_country(seeded):
    """A visit keeps its best reason: the visit to Tunis is found by its place ("Tunisi",
    near "Tunisia") before its host. Naming the state keeps it; naming the city keeps the
    state it is in."""
    for query in ("Tunisia", "Tunisie"):
        results = search.search(query)
        assert [s["iso3"] for s in results.states] == ["TUN"]
        assert "omar-al-bashir-tun-2019-03-31" in {v["slug"] for v in results.visits}, query
    tunis = search.search("Tunis")
    assert tunis.visits[0]["slug"] == "omar-al-bashir-tun-2019-03-31"
    assert "TUN" in {s["iso3"] for s in tunis.states}


def test_a_visit_to_several_cities_is_named_in_words_where_its_place_was_found(
    reader, seeded, api_client
):
    # The dataset lists the cities of one trip with ';'; a reader reads them in words.
    html = body(reader.get("/search/?q=Tianjin"))
    assert "Matched on the place (Tianjin and Beijing)" in html
    assert "Tianjin;Beijing" not in html
    results = api_client.get("/api/v1/search/?q=Tianjin&kind=visit").json()["results"]
    trip = next(r for r in results if r["id"] == "vladimir-putin-chn-2025-08-31")
    assert trip["name"].startswith("Vladimir Vladimirovich Putin — Tianjin and Beijing, China, ")
    french = api_client.get("/api/v1/search/?q=Tianjin&kind=visit&lang=fr").json()["results"]
    assert "Tianjin et Beijing, Chine" in french[0]["name"]


@pytest.mark.parametrize(("query", "not_found"), [("putin", "MAF"), ("kony", "HKG")])
def test_a_state_is_not_found_by_letters_spread_across_its_words(
    seeded, api_client, query, not_found
):
    # "putin" found Saint Martin (French part) through "…tin (french p…" in a search of
    # states alone; typos of a state's own words still find it.
    results = api_client.get(f"/api/v1/search/?q={query}&kind=state").json()["results"]
    assert not_found not in {r["id"] for r in results}
    assert [s["iso3"] for s in search.search("Mongolai").states] == ["MNG"]
    assert [s["iso3"] for s in search.search("Tajikstan").states] == ["TJK"]
    assert "PHL" in {s["iso3"] for s in search.search("Phillipines").states}
    # A shortened name still finds its state: every word begins a word of the name.
    for short, iso3 in [
        ("Tajik", "TJK"),
        ("Afgh", "AFG"),
        ("Philipp", "PHL"),
        ("Côte d'Iv", "CIV"),
    ]:
        assert iso3 in {s["iso3"] for s in search.search(short).states}, short


@pytest.mark.parametrize("page_cache", [True, False], ids=["data-version", "no-data-version"])
def test_a_place_edited_on_a_visit_is_searched_as_it_now_is(seeded, reader, settings, page_cache):
    """The places' lists were kept under the highest visit id for 10 minutes: a place edited
    on an existing visit was searched as it had been (`Dushanbe` no longer found the visit
    now in `Dushanbe;Khujand`, nor `Khujand`), with or without Redis. They are kept under
    the data version every write moves; without one, read on every search."""
    settings.ICCWATCH_PAGE_CACHE = page_cache
    slug = "vladimir-putin-tjk-2025-10-08"
    assert slug in body(reader.get("/search/", {"q": "dushanbe"}))
    visit = Visit.objects.get(slug=slug)
    visit.place = "Dushanbe;Khujand"
    visit.save()
    for query in ("dushanbe", "khujand"):
        assert slug in body(reader.get("/search/", {"q": query})), query
        assert slug in [v["slug"] for v in search.search(query).visits], query


def test_a_persons_trips_rank_above_a_place_only_near_the_name(seeded, reader, api_client):
    """/fr/search/?q=Bachir listed « Vladimir Vladimirovich Putin — Baku, Azerbaïdjan …
    Correspondance : le lieu (Bacu) » first, above al-Bashir's trips: he was found by how
    "Bachir" sounds (below every spelling), and his trips ranked after the places found,
    "Bacu" (GeoNames' spelling of Baku) near "Bachir" in letters. The kind of match comes
    first: every trip of the person named, then the place; the site and the API agree."""
    trips = list(
        Visit.objects.published()
        .filter(person__slug="omar-al-bashir")
        .values_list("slug", flat=True)
    )
    baku = Visit.objects.published().get(place="Baku").slug
    page = body(reader.get("/fr/search/", {"q": "Bachir"}))
    listed = page.split('id="results-visits"')[1].split("</ul>")[0]
    on_the_page = re.findall(r'href="/fr/visits/([^/"]+)/"', listed)
    answer = api_client.get("/api/v1/search/", {"q": "Bachir", "kind": "visit"}).json()
    in_the_api = [r["id"] for r in answer["results"]]
    assert on_the_page == in_the_api
    assert sorted(in_the_api[: len(trips)]) == sorted(trips) and in_the_api[len(trips)] == baku
    reasons = [r["reason"] for r in answer["results"]]
    assert reasons == ["person"] * len(trips) + ["place"], reasons
    scores = [r["score"] for r in answer["results"]]
    assert scores == sorted(scores, reverse=True) and scores[len(trips) - 1] > 1 > scores[-1]


def test_a_place_named_keeps_its_visits_before_a_sound_alikes_trips(seeded, api_client):
    """A person's trips rank first, so one who merely sounds like a place's own name
    ("Jibuti", a spelling of Djibouti, sounds like Kushayb) is left out before the visits
    are read: with one result, it is the visit to Djibouti, not a trip of his."""
    answer = api_client.get("/api/v1/search/", {"q": "Jibuti", "limit": 1}).json()["results"]
    assert [(r["kind"], r["host"], r["reason"]) for r in answer] == [("visit", "DJI", "place")]
