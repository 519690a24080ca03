"""Strict, composable filters on every API list, facets, and /api/v1/search/."""

import csv
import datetime
import io

import pytest
from django.db.models.functions import Coalesce

from visits.models import Visit

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/states/",
    "/api/v1/persons/",
    "/api/v1/warrants/",
    "/api/v1/visits/",
    "/api/v1/incidents/",
    "/api/v1/findings/",
    "/api/v1/statements/",
    "/api/v1/referrals/",
]


def error_of(response, status=400):
    assert response.status_code == status, response.content
    return response.json()["error"]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("param", ["hosts=MNG", "q=putin", "search=putin", "sort=name"])
def test_an_unknown_parameter_on_any_list_is_a_400_naming_it(seeded, api_client, path, param):
    error = error_of(api_client.get(f"{path}?{param}"))
    assert error["code"] == "invalid_filter"
    assert list(error["fields"]) == [param.split("=")[0]]


@pytest.mark.parametrize(
    "query",
    [
        "/api/v1/visits/?page=1&page_size=5&format=json&lang=fr&as_of=2025-01-01&ordering=-start",
        "/api/v1/visits/?format=csv&host=MNG",
        "/api/v1/incidents/?cursor=0&page_size=5",
        "/api/v1/states/?as_of=2024-01-01&ordering=name&facets=status",
        "/api/v1/persons/?page=1&lang=en&facets=situation",
    ],
)
def test_known_parameters_pass(seeded, api_client, query):
    assert api_client.get(query).status_code == 200


def test_a_detail_is_not_a_list(seeded, api_client):
    """Unknown parameters are refused on lists; a detail keeps reading what it reads."""
    assert api_client.get("/api/v1/states/MNG/?as_of=2024-01-01").status_code == 200


def test_several_hosts_comma_joined_or_repeated_return_both(seeded, api_client):
    expected = sorted(
        Visit.objects.published()
        .filter(host__iso3__in=["MNG", "TJK"])
        .values_list("slug", flat=True)
    )
    for query in ("host=MNG,TJK", "host=MNG&host=TJK", "host=mng,tjk"):
        found = api_client.get(f"/api/v1/visits/?{query}&page_size=500").json()["results"]
        assert sorted(v["id"] for v in found) == expected, query
        assert {v["host"]["iso3"] for v in found} == {"MNG", "TJK"}


def test_a_value_that_cannot_be_one_is_a_400_naming_the_parameter(seeded, api_client):
    for query, name in [
        ("host=XXXX", "host"),
        ("host=MNG,XXXX", "host"),
        ("verdict=non_compliance,guilty", "verdict"),
        ("person=Vladimir%20Putin", "person"),
        ("ordering=password", "ordering"),
    ]:
        error = error_of(api_client.get(f"/api/v1/visits/?{query}"))
        assert error["code"] == "invalid_filter" and name in error["fields"], query


@pytest.mark.parametrize(
    ("path", "query", "name", "message"),
    [
        (
            "/api/v1/visits/",
            "person=vladimir-poutine",
            "person",
            "No person with slug 'vladimir-poutine'.",
        ),
        ("/api/v1/visits/", "host=ZZZ", "host", "No state with ISO 3166-1 alpha-3 code 'ZZZ'."),
        ("/api/v1/visits/", "host=MNG,zzz", "host", "No state with ISO 3166-1 alpha-3 code 'ZZZ'."),
        ("/api/v1/visits/", "situation=nosuch", "situation", "No situation with slug 'nosuch'."),
        ("/api/v1/incidents/", "host=ZZZ", "host", "No state with ISO 3166-1 alpha-3 code 'ZZZ'."),
        ("/api/v1/visits/", "lang=fr&person=nobody", "person", "No person with slug 'nobody'."),
        ("/api/v1/findings/", "state=zzz", "state", "No state with ISO 3166-1 alpha-3 code 'ZZZ'."),
        ("/api/v1/findings/", "person=nobody", "person", "No person with slug 'nobody'."),
        (
            "/api/v1/warrants/",
            "person=vladimir-putin,vladimir-poutine",
            "person",
            "No person with slug 'vladimir-poutine'.",
        ),
        ("/api/v1/warrants/", "situation=nosuch", "situation", "No situation with slug 'nosuch'."),
        ("/api/v1/persons/", "situation=nosuch", "situation", "No situation with slug 'nosuch'."),
        (
            "/api/v1/persons/",
            "nationality=RUS,XXX",
            "nationality",
            "No state with ISO 3166-1 alpha-3 code 'XXX'.",
        ),
        (
            "/api/v1/statements/",
            "signatory=ZZZ",
            "signatory",
            "No state with ISO 3166-1 alpha-3 code 'ZZZ'.",
        ),
        (
            "/api/v1/referrals/",
            "state=ZZZ",
            "state",
            "No state with ISO 3166-1 alpha-3 code 'ZZZ'.",
        ),
        ("/api/v1/referrals/", "situation=nosuch", "situation", "No situation with slug 'nosuch'."),
    ],
)
def test_a_well_formed_value_that_names_nobody_is_a_400_naming_it(
    seeded, api_client, path, query, name, message
):
    """Not "0 visits", which a reader could publish: the unknown value, named (in English,
    as every API message)."""
    error = error_of(api_client.get(f"{path}?{query}"))
    assert error["code"] == "invalid_filter" and error["fields"][name] == [message]


@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [
        ("/api/v1/findings/", "state=mng", "MNG"),
        ("/api/v1/findings/", "person=vladimir-putin", "vladimir-putin"),
        ("/api/v1/warrants/", "person=vladimir-putin", "vladimir-putin"),
        ("/api/v1/persons/", "nationality=rus", "RUS"),
        ("/api/v1/statements/", "signatory=mng", "MNG"),
        ("/api/v1/referrals/", "state=SDN&situation=darfur-sudan", "darfur-sudan"),
    ],
)
def test_a_value_that_names_a_record_still_filters(seeded, api_client, path, query, expected):
    """The check of named records refuses only values nobody has (any case for codes)."""
    response = api_client.get(f"{path}?{query}")
    assert response.status_code == 200
    assert response.json()["count"] > 0 and expected in response.content.decode()


@pytest.mark.parametrize(
    ("path", "name", "values"),
    [
        ("/api/v1/findings/", "state", ("SDN", "tcd")),
        ("/api/v1/findings/", "person", ("omar-al-bashir", "vladimir-putin")),
        ("/api/v1/statements/", "signatory", ("MNG", "ZAF")),
        ("/api/v1/referrals/", "state", ("SDN", "LBY")),
        ("/api/v1/referrals/", "situation", ("darfur-sudan", "libya")),
    ],
)
def test_every_identifier_filter_takes_several_values(seeded, api_client, path, name, values):
    """As on the visit lists: `?state=SDN,TCD` (or repeated) is the rows of either, each once,
    never a 400 calling two good codes a bad one."""

    def urls(**params):
        response = api_client.get(path, {**params, "page_size": 500})
        assert response.status_code == 200, response.content
        return [row["url"] for row in response.json()["results"]]

    either = set(urls(**{name: values[0]})) | set(urls(**{name: values[1]}))
    assert len(either) > len(set(urls(**{name: values[0]})))
    joined = urls(**{name: ",".join(values)})
    assert sorted(joined) == sorted(either)
    repeated = api_client.get(f"{path}?{name}={values[0]}&{name}={values[1]}&page_size=500")
    assert [r["url"] for r in repeated.json()["results"]] == joined


def test_a_value_that_is_none_of_the_choices_is_answered_with_the_choices(seeded, api_client):
    error = error_of(api_client.get("/api/v1/findings/?referred_to=asp"))
    assert error["fields"]["referred_to"] == [
        "Select a valid choice. asp is not one of the available choices. Choose from: ASP, UNSC."
    ]
    error = error_of(api_client.get("/api/v1/visits/?verdict=complied,foo"))
    assert "Choose from: pending, upcoming, deterred," in error["fields"]["verdict"][0]


def test_a_list_page_names_the_unknown_host_in_the_readers_language(seeded, reader):
    english = reader.get("/incidents/", {"host": "ZZZ"})
    assert english.status_code == 400
    assert "No state with ISO 3166-1 alpha-3 code &#x27;ZZZ&#x27;." in english.content.decode()
    french = reader.get("/fr/incidents/", {"host": "ZZZ"})
    assert french.status_code == 400
    # French quotes a value between guillemets, as its other refusals do ("« foo » n’est pas
    # un tri"), not between the straight quotes of Python's repr ('ZZZ').
    assert "Aucun État n’a le code ISO 3166-1 alpha-3 «\u00a0ZZZ\u00a0»." in french.content.decode()
    assert reader.get("/incidents/", {"host": "MNG"}).status_code == 200
    persons = reader.get("/fr/persons/", {"situation": "nosuch"})
    assert persons.status_code == 400
    assert "Aucune situation n’a l’identifiant «\u00a0nosuch\u00a0»." in persons.content.decode()
    assert "&#x27;" not in persons.content.decode()
    download = reader.get("/fr/visits.csv", {"situation": "nosuch"})
    assert download.status_code == 400
    assert download.json()["error"]["fields"]["situation"] == [
        "Aucune situation n’a l’identifiant «\u00a0nosuch\u00a0»."
    ]


def test_a_partial_start_matches_a_date_range_its_period_reaches(seeded, api_client, reader):
    """A visit of "2012" (some day that year) may have started after 1 June 2012, as
    `year=2012` already says; one of "March 2009" may have started on 15 March; a visit known
    to the day does not move (DOMAIN.md, "Dates")."""

    def ids(path, **params):
        response = api_client.get(path, {**params, "page_size": 500})
        assert response.status_code == 200
        return {v["id"] for v in response.json()["results"]}

    malawi = ids("/api/v1/visits/", host="MWI", start_after="2012-06-01", start_before="2012-12-31")
    assert "omar-al-bashir-mwi-2012" in malawi
    assert malawi <= ids("/api/v1/visits/", host="MWI", year="2012")
    march = ids("/api/v1/visits/", person="omar-al-bashir", start_after="2009-03-15")
    assert "omar-al-bashir-eth-2009-03" in march
    assert "omar-al-bashir-eth-2009-03" not in ids(
        "/api/v1/visits/", person="omar-al-bashir", start_after="2009-04-01"
    )
    exact = Visit.objects.published().filter(start_precision="day", end__isnull=True).first()
    day_after = exact.start + datetime.timedelta(days=1)
    assert exact.slug in ids("/api/v1/visits/", start_after=exact.start.isoformat())
    assert exact.slug not in ids("/api/v1/visits/", start_after=day_after.isoformat())
    site = reader.get("/visits.csv", {"host": "MWI", "start_after": "2012-06-01"})
    assert b"omar-al-bashir-mwi-2012" in b"".join(site.streaming_content)


def test_a_warrant_or_finding_of_a_year_counts_on_both_sides_of_a_day_in_it(seeded, api_client):
    """As visits' `start_after` does: a warrant known only to be of 2023 may have been issued
    after 1 June 2023, and before it; one known to the day (Putin's, 17 March 2023) is on one
    side only. The same for findings' `decided_after`."""
    from visits.models import Finding
    from warrants.models import Warrant

    def refs(path, key, **params):
        response = api_client.get(path, {**params, "page_size": 500})
        assert response.status_code == 200, response.content
        return {row[key] for row in response.json()["results"]}

    of_2023 = set(
        Warrant.objects.filter(issued__year=2023, issued_precision="year").values_list(
            "ref", flat=True
        )
    )
    assert of_2023, "the seed has warrants known only to the year"
    after = refs("/api/v1/warrants/", "ref", issued_after="2023-06-01")
    before = refs("/api/v1/warrants/", "ref", issued_before="2023-06-01")
    assert of_2023 <= after and of_2023 <= before
    assert not of_2023 & refs("/api/v1/warrants/", "ref", issued_after="2024-01-01")
    assert "vladimir-putin-2023-03-17" in before - after
    from states.models import State

    partial = Finding.objects.create(
        state=State.objects.get(iso3="MNG"),
        decided=datetime.date(2025, 3, 1),
        decided_precision="month",
        kind="other",
    )
    assert partial.pk in refs("/api/v1/findings/", "id", decided_after="2025-03-15")
    assert partial.pk not in refs("/api/v1/findings/", "id", decided_after="2025-04-01")
    exact = Finding.objects.filter(decided_precision="day").first()
    day_after = (exact.decided + datetime.timedelta(days=1)).isoformat()
    assert exact.pk in refs("/api/v1/findings/", "id", decided_after=exact.decided.isoformat())
    assert exact.pk not in refs("/api/v1/findings/", "id", decided_after=day_after)


def test_findings_kind_and_referral_take_several_values_as_every_choice_filter(seeded, api_client):
    """`kind=art_87_7,other` and `referred_to=ASP,UNSC` are the union of each value, as
    `verdict=a,b` is on visits (they were single-valued: a 400)."""

    def ids(**params):
        response = api_client.get("/api/v1/findings/", {**params, "page_size": 500})
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    kinds = ids(kind="art_87_7") | ids(kind="other") | ids(kind="no_failure")
    assert ids(kind="art_87_7,other,no_failure") == kinds == ids() and ids(kind="other")
    assert ids(kind="art_87_7,other") == ids(kind="art_87_7") | ids(kind="other") < ids()
    either = ids(referred_to="ASP,UNSC")
    assert either == ids(referred_to="ASP") | ids(referred_to="UNSC")
    assert ids(referred_to="ASP") - ids(referred_to="UNSC") and either < ids()


def test_a_finding_says_whether_its_referral_still_stands(seeded, api_client):
    """Jordan's referral of 11 December 2017 was reversed on appeal on 6 May 2019: the
    findings API says it no longer stands, as the visit's explanation does; Mongolia's of
    2024 stands; a decision that referred nothing has none standing."""
    rows = api_client.get("/api/v1/findings/", {"state": "JOR,MNG", "page_size": 500}).json()
    by_day = {(r["state"]["iso3"], r["decided"]): r for r in rows["results"]}
    jordan = by_day["JOR", "2017-12-11"]
    assert jordan["referred_to_asp"] and jordan["referral_stands"] is False
    assert by_day["JOR", "2019-05-06"]["referral_stands"] is False  # it referred nothing
    mongolia = next(r for (iso3, _), r in by_day.items() if iso3 == "MNG")
    assert mongolia["referred_to_asp"] and mongolia["referral_stands"] is True
    detail = api_client.get(f"/api/v1/findings/{jordan['id']}/").json()
    assert detail["referral_stands"] is False


def test_a_referral_stands_unless_the_visit_s_latest_finding_referred_nothing(seeded, api_client):
    """The latest Art. 87(7) finding in (decided, id) order, as the explanation reads them:
    a decision of kind `other` recorded after a referral, even the same day, lifts nothing
    (it refers nothing and rules on no referral); a later finding made without referral
    lifts it; a later one that refers again restores it."""
    from core.pagecache import bump_data_version
    from visits.models import Finding, Visit

    visit = Visit.objects.published().filter(findings__isnull=True).first()
    day = datetime.date(2020, 5, 4)
    referred = Finding.objects.create(
        state=visit.host, visit=visit, decided=day, kind="art_87_7", referred_to_asp=True
    )
    Finding.objects.create(state=visit.host, visit=visit, decided=day, kind="other")

    def stands() -> bool:
        bump_data_version()  # the test's writes are never committed, so never counted
        return api_client.get(f"/api/v1/findings/{referred.pk}/").json()["referral_stands"]

    assert stands() is True
    Finding.objects.create(
        state=visit.host, visit=visit, decided=datetime.date(2020, 9, 1), kind="art_87_7"
    )
    assert stands() is False
    Finding.objects.create(
        state=visit.host,
        visit=visit,
        decided=datetime.date(2021, 1, 1),
        kind="art_87_7",
        referred_to_unsc=True,
    )
    assert stands() is True


def test_ordering_by_two_keys_comma_joined_or_repeated(seeded, api_client):
    expected = list(
        Visit.objects.published()
        # A one-day visit ends on its start; an undated one comes last, newest first or not
        # (as on the site).
        .order_by("person__name", Coalesce("end", "start").desc(nulls_last=True), "pk")
        .values_list("slug", flat=True)
    )
    for query in ("ordering=person,-end", "ordering=person&ordering=-end"):
        found = api_client.get(f"/api/v1/visits/?{query}&page_size=500").json()["results"]
        assert [v["id"] for v in found] == expected, query


def test_the_schema_says_what_a_null_end_means_and_how_end_sorts(seeded, api_client):
    """`end` was documented "null if unknown", though a null end is a one-day visit's (it
    ends on its start), and `ordering=end` sorts such a visit by its start."""
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    end = schema["components"]["schemas"]["Visit"]["properties"]["end"]["description"]
    assert "null if unknown" not in end and "one day, which ends on its `start`" in end
    (ordering,) = [
        p
        for p in schema["paths"]["/api/v1/visits/"]["get"]["parameters"]
        if p["name"] == "ordering"
    ]
    assert "its `start` for a one-day visit" in ordering["description"]
    # As documented: a one-day visit sorts by its start, an undated one last.
    rows = api_client.get("/api/v1/visits/", {"ordering": "end", "page_size": 500}).json()
    assert rows["next"] is None
    last_days = [v["end"] or v["start"] for v in rows["results"]]
    assert any(v["end"] is None and v["start"] for v in rows["results"])
    dated = [d for d in last_days if d is not None]
    assert last_days == dated + [None] * (len(last_days) - len(dated))
    assert dated == sorted(dated)


def test_facets_count_the_rows_by_each_field(seeded, api_client):
    answer = api_client.get("/api/v1/visits/?facets=host,verdict,year&person=vladimir-putin").json()
    putin = Visit.objects.published().filter(person__slug="vladimir-putin")
    facets = answer["facets"]
    assert set(facets) == {"host", "verdict", "year"}
    assert facets["host"]["MNG"] == 1 and sum(facets["host"].values()) == putin.count()
    assert facets["verdict"]["non_compliance"] == 2
    assert facets["year"]["2024"] == putin.filter(start__year=2024).count()
    # Most rows first.
    assert list(facets["host"].values()) == sorted(facets["host"].values(), reverse=True)
    # A facet counts what the other filters keep: choosing Mongolia still counts Tajikistan.
    chosen = api_client.get("/api/v1/visits/?facets=host&person=vladimir-putin&host=MNG").json()
    assert chosen["count"] == 1 and chosen["facets"]["host"]["TJK"] == 1
    assert "facets" not in api_client.get("/api/v1/visits/").json()


def test_the_schema_describes_facets_as_a_real_answer_gives_them(seeded, api_client):
    """The schema said facets count "the matching rows", with an example no answer gives
    (`?host=MNG,TJK` counts every host, its own filter set aside)."""
    from api.visits.examples import VISIT_FACETS
    from visits.filters import VisitFilterSet

    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    page = schema["components"]["schemas"]["PaginatedVisitList"]
    facets = page["properties"]["facets"]
    assert "the other filters keep, its own filter set aside" in facets["description"]
    query = {**VISIT_FACETS.filters, "facets": ",".join(VisitFilterSet.FACETS)}
    answer = api_client.get("/api/v1/visits/", query).json()
    assert answer["facets"] == facets["example"]
    assert f"lists {answer['count']} visits" in facets["description"]
    # The rule the example shows: `verdict` ignores `?verdict=`, `host` counts the rows listed.
    assert sum(facets["example"]["verdict"].values()) > answer["count"]
    assert sum(facets["example"]["host"].values()) == answer["count"]


def test_facets_of_states_count_their_standing(seeded, api_client):
    facets = api_client.get("/api/v1/states/?facets=status&as_of=2026-06-02").json()["facets"]
    assert facets["status"]["withdrawn"] >= 3 and facets["status"]["party"] > 100


def test_an_unknown_facet_is_a_400(seeded, api_client):
    error = error_of(api_client.get("/api/v1/visits/?facets=host,colour"))
    assert error["code"] == "invalid_filter" and "colour" in error["fields"]["facets"][0]


def test_search_finds_mongolias_visit_by_another_spelling(seeded, api_client):
    results = api_client.get("/api/v1/search/?q=ulan+bator").json()["results"]
    visit = next(r for r in results if r["kind"] == "visit")
    assert visit["id"] == "vladimir-putin-mng-2024-09-02"
    assert (visit["reason"], visit["host"], visit["verdict"]) == ("place", "MNG", "non_compliance")
    assert visit["url"].endswith("/api/v1/visits/vladimir-putin-mng-2024-09-02/")
    assert visit["page"].endswith("/visits/vladimir-putin-mng-2024-09-02/")


def test_search_ranks_persons_then_states_then_visits(seeded, api_client):
    results = api_client.get("/api/v1/search/?q=putin").json()["results"]
    kinds = [r["kind"] for r in results]
    assert kinds == sorted(kinds, key=["person", "state", "visit"].index)
    assert results[0]["id"] == "vladimir-putin"
    trips = [r for r in results if r["kind"] == "visit" and r["reason"] == "person"]
    putin = Visit.objects.published().filter(person__slug="vladimir-putin").count()
    assert len(trips) == putin and {r["person"] for r in trips} == {"vladimir-putin"}
    only = api_client.get("/api/v1/search/?q=putin&kind=person").json()["results"]
    assert [r["kind"] for r in only] == ["person"]


def test_search_says_a_person_was_found_by_how_the_name_sounds(seeded, api_client):
    (found,) = [
        r
        for r in api_client.get("/api/v1/search/?q=Poutine").json()["results"]
        if r["kind"] == "person"
    ]
    assert (found["id"], found["reason"]) == ("vladimir-putin", "sound")
    (named,) = [
        r
        for r in api_client.get("/api/v1/search/?q=Putin").json()["results"]
        if r["kind"] == "person"
    ]
    assert (named["id"], named["reason"]) == ("vladimir-putin", "name")


def test_search_gives_a_visits_dates_as_the_visits_endpoint_does_and_in_words_in_its_name(
    seeded, api_client
):
    """`start` and `end` are data, a date with its precision as every other endpoint gives
    them (`2025-10-01`, `start_precision` `month`: search gave `2025-10` and no precision);
    the name is prose in the answer's language ("octobre 2025"), never an ISO date nor an
    English month in French."""
    import re

    results = api_client.get("/api/v1/search/?q=Budapest&lang=fr").json()["results"]
    visits = [r for r in results if r["kind"] == "visit"]
    assert visits
    months = "January|February|March|April|May|June|July|August|September|October|November|December"
    for visit in visits:
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", visit["start"]), visit
        assert not re.search(months, visit["name"]), visit
        assert visit["start"] not in visit["name"], visit
    assert any(v["start_precision"] == "month" for v in visits), visits
    fields = ("start", "start_precision", "end", "end_precision")
    searched = api_client.get("/api/v1/search/", {"q": "putin", "limit": 100}).json()["results"]
    found = {r["id"]: r for r in searched if r["kind"] == "visit"}
    assert "vladimir-putin-hun-2025-10" in found
    for slug, result in found.items():
        visit = api_client.get(f"/api/v1/visits/{slug}/").json()
        assert {f: result[f] for f in fields} == {f: visit[f] for f in fields}, slug
    hungary = found["vladimir-putin-hun-2025-10"]
    assert (hungary["start"], hungary["start_precision"]) == ("2025-10-01", "month")
    others = [r for r in searched if r["kind"] != "visit"]
    assert others and all(r[f] is None for r in others for f in fields)


def test_search_gives_every_day_of_a_visit_as_its_page_does(seeded, api_client):
    """Not the first day only: "2–3 September 2024", with `end` as data."""
    (visit,) = [
        r
        for r in api_client.get("/api/v1/search/?q=ulan+bator").json()["results"]
        if r["kind"] == "visit"
    ]
    assert visit["name"].endswith("Ulaanbaatar, Mongolia, 2–3 September 2024"), visit
    assert (visit["start"], visit["end"]) == ("2024-09-02", "2024-09-03")
    french = api_client.get("/api/v1/search/?q=ulan+bator&lang=fr").json()["results"]
    assert [r["name"] for r in french if r["kind"] == "visit"][0].endswith("2–3 septembre 2024")
    people = api_client.get("/api/v1/search/?q=putin&kind=person").json()["results"]
    assert people and all(r["end"] is None for r in people)


def test_search_refuses_what_it_cannot_read(seeded, api_client):
    assert error_of(api_client.get("/api/v1/search/"))["fields"].keys() == {"q"}
    assert "kind" in error_of(api_client.get("/api/v1/search/?q=x&kind=city"))["fields"]
    assert "limit" in error_of(api_client.get("/api/v1/search/?q=x&limit=0"))["fields"]
    assert "hosts" in error_of(api_client.get("/api/v1/search/?q=x&hosts=MNG"))["fields"]


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("key", ["host", "-host"])
def test_visits_ordered_by_host_follow_its_name_in_the_answers_language(
    seeded, api_client, lang, key
):
    """`?ordering=host` sorts by the host's `translated_name` with accents and case folded
    (Türkiye before Turkmenistan, not after it by byte; Afrique du Sud among the A in
    French), and pages of 7 read host by host give exactly the unpaginated order."""
    from core.names import collation_key

    def names(query):
        answer = api_client.get(f"/api/v1/visits/?ordering={key}&lang={lang}{query}")
        assert answer.status_code == 200, answer.content
        return answer.json()

    whole = names("&page_size=500")["results"]
    hosts = [v["host"]["translated_name"] for v in whole]
    folded = [collation_key(n) for n in hosts]
    assert folded == sorted(folded, reverse=key.startswith("-"))
    ascending = hosts[::-1] if key.startswith("-") else hosts
    if lang == "en":
        assert ascending.index("Türkiye") < ascending.index("Turkmenistan")
    else:
        assert ascending.index("Afrique du Sud") < ascending.index("Allemagne")
    paged, page = [], 1
    while True:
        answer = names(f"&page_size=7&page={page}")
        paged += [v["id"] for v in answer["results"]]
        if not answer["next"]:
            break
        page += 1
    assert paged == [v["id"] for v in whole]


def test_a_french_download_s_error_is_french_from_its_first_word(seeded, reader):
    response = reader.get("/fr/visits.csv", {"host": "ZZZ"})
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert message.startswith("Certaines valeurs ne sont pas valables\xa0: host\xa0: Aucun État")
    english = reader.get("/visits.csv", {"host": "ZZZ"}).json()["error"]["message"]
    assert english.startswith("Some values are invalid: host: No state")


def test_search_answers_in_the_answer_s_language_with_its_pages(seeded, api_client):
    """`?lang=fr`: a state's name and a visit's host in French, pages under /fr/, as every
    other answer links them; the API's own addresses do not change."""
    french = api_client.get("/api/v1/search/", {"q": "Mongolie", "lang": "fr"}).json()
    state = next(r for r in french["results"] if r["kind"] == "state")
    assert (state["name"], state["page"]) == ("Mongolie", "http://testserver/fr/states/MNG/")
    assert state["url"] == "http://testserver/api/v1/states/MNG/"
    visit = next(r for r in french["results"] if r["kind"] == "visit")
    assert "Mongolie" in visit["name"] and "/fr/visits/" in visit["page"]
    english = api_client.get("/api/v1/search/", {"q": "Mongolia"}).json()
    state = next(r for r in english["results"] if r["kind"] == "state")
    assert (state["name"], state["page"]) == ("Mongolia", "http://testserver/states/MNG/")


def test_the_states_download_names_its_columns_for_what_they_count(seeded, reader):
    """`translated_name` is the name the French list sorts by; `visits_hosted` counts the
    trips that took place, as the page's "Visits hosted" column does."""
    content = b"".join(reader.get("/fr/states.csv").streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert {"translated_name", "visits_hosted"} <= set(rows[0])
    south_africa = next(r for r in rows if r["iso3"] == "ZAF")
    assert (south_africa["name"], south_africa["translated_name"]) == (
        "South Africa",
        "Afrique du Sud",
    )
    hosted = Visit.objects.published().filter(host__iso3="ZAF", status__in=("occurred", "transit"))
    assert int(south_africa["visits_hosted"]) == hosted.count()
    assert hosted.count() < Visit.objects.published().filter(host__iso3="ZAF").count()


def test_a_page_past_the_last_says_which_page_is_the_last(seeded, api_client):
    count = api_client.get("/api/v1/visits/", {"page_size": 1}).json()["count"]
    error = api_client.get("/api/v1/visits/", {"page": 999, "page_size": 50})
    assert error.status_code == 404
    pages = -(-count // 50)
    assert error.json()["error"]["message"] == (
        f"There is no page 999: the list has {pages} pages of 50 ({count} results); pages are "
        "numbered from 1."
    )
    assert api_client.get("/api/v1/visits/", {"page": pages, "page_size": 50}).status_code == 200


def test_a_time_whose_plus_sign_was_not_encoded_is_explained(seeded, api_client):
    """`+01:00` unencoded arrives as ` 01:00`: the error says how to write it."""
    error = error_of(api_client.get("/api/v1/visits/?changed_since=2026-12-02T18:03:45+01:00"))
    assert "write the offset as %2B" in error["fields"]["changed_since"][0]
    encoded = api_client.get("/api/v1/visits/?changed_since=2026-12-02T18:03:45%2B01:00")
    assert encoded.status_code == 200
    for other in ("yesterday", "last Tuesday"):
        plain = error_of(api_client.get("/api/v1/visits/", {"changed_since": other}))
        assert "%2B" not in plain["fields"]["changed_since"][0], other


# One record of each public endpoint: `as_of` where the record is told as of a day.
DETAILS = {
    "/api/v1/states/MNG/": {"as_of"},
    "/api/v1/persons/vladimir-putin/": set(),
    "/api/v1/warrants/{warrant}/": set(),
    "/api/v1/visits/vladimir-putin-mng-2024-09-02/": {"as_of"},
    "/api/v1/findings/{finding}/": set(),
    "/api/v1/statements/{statement}/": set(),
    "/api/v1/referrals/{referral}/": set(),
}


def _detail_urls():
    from states.models import JointStatement, SecurityCouncilReferral
    from visits.models import Finding
    from warrants.models import Warrant

    ids = {
        "warrant": Warrant.objects.order_by("pk").first().ref,
        "finding": Finding.objects.order_by("pk").first().pk,
        "statement": JointStatement.objects.order_by("pk").first().pk,
        "referral": SecurityCouncilReferral.objects.order_by("pk").first().pk,
    }
    return {url.format(**ids): extra for url, extra in DETAILS.items()}


@pytest.mark.django_db
def test_an_unknown_parameter_on_one_record_is_a_400_naming_it(seeded, api_client):
    """A misspelt `as_of` on a record used to be ignored: the answer then told today's
    verdict or standing, which a reader would take for the day asked."""
    for url, extra in _detail_urls().items():
        for param in ("as-of=2020-01-01", "asof=2020-01-01", "fields=name", "facets=status"):
            error = error_of(api_client.get(f"{url}?{param}"))
            assert error["code"] == "invalid_filter", url
            assert list(error["fields"]) == [param.split("=")[0]], url
            assert "This record has no such parameter" in error["fields"][param.split("=")[0]][0]
        assert api_client.get(f"{url}?format=json&lang=fr").status_code == 200, url
        as_of = api_client.get(f"{url}?as_of=2024-09-03")
        assert as_of.status_code == (200 if "as_of" in extra else 400), url


@pytest.mark.django_db
def test_each_record_takes_the_parameters_its_schema_documents(seeded, api_client):
    from django.urls import resolve

    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    documented = {
        path: {p["name"] for p in item["get"].get("parameters", []) if p["in"] == "query"}
        for path, item in schema["paths"].items()
        if path.endswith("}/") and "get" in item and not path.startswith("/api/v1/reports/")
    }
    urls = _detail_urls()
    assert len(documented) == len(urls)
    for url, extra in urls.items():
        prefix = url.rstrip("/").rsplit("/", 1)[0] + "/"
        (path,) = [p for p in documented if p.startswith(prefix) and p.count("/") == url.count("/")]
        accepted = {"format", "lang", *resolve(url).func.cls.detail_parameters}
        assert documented[path] == {"format", "lang", *extra} == accepted, path


@pytest.mark.django_db
def test_an_unknown_parameter_on_a_list_names_the_parameters_its_schema_documents(
    seeded, api_client
):
    """Findings, statements and referrals offer no facets: their refusal of an unknown
    parameter listed `facets` among theirs all the same."""
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    lists = {
        path: {p["name"] for p in item["get"].get("parameters", []) if p["in"] == "query"}
        for path, item in schema["paths"].items()
        if not path.endswith("}/")
        and "get" in item
        and path.startswith(("/api/v1/visits/", "/api/v1/incidents/", "/api/v1/states/"))
        or path
        in (
            "/api/v1/persons/",
            "/api/v1/warrants/",
            "/api/v1/findings/",
            "/api/v1/statements/",
            "/api/v1/referrals/",
        )
    }
    assert len(lists) == 8
    for path, documented in lists.items():
        (message,) = error_of(api_client.get(path, {"nosuch": "1"}))["fields"]["nosuch"]
        named = message.split("Its parameters are: ")[1].rstrip(".").split(", ")
        assert set(named) == documented, path
        assert ("facets" in named) == (path not in _WITHOUT_FACETS), path


_WITHOUT_FACETS = ("/api/v1/findings/", "/api/v1/statements/", "/api/v1/referrals/")


def test_changed_since_says_which_clock_a_time_without_an_offset_is_read_on(seeded, api_client):
    """The schema said only "Changed since (ISO 8601)": a client sending a local time, or a
    date alone, could not know it is read as UTC (and a date as its midnight UTC)."""
    from visits.models import Visit

    moment = Visit.objects.order_by("updated_at").values_list("updated_at", flat=True)[40]
    naive = moment.replace(tzinfo=None).isoformat()

    def count(value):
        answer = api_client.get("/api/v1/visits/", {"changed_since": value})
        assert answer.status_code == 200, answer.content
        return answer.json()["count"]

    assert count(naive) == count(f"{naive}Z") != count(f"{naive}-14:00")
    day = moment.date().isoformat()
    assert count(day) == count(f"{day}T00:00:00Z")
    schema = api_client.get("/api/v1/schema/?format=json").json()
    for path in ("/api/v1/visits/", "/api/v1/incidents/"):
        parameters = schema["paths"][path]["get"]["parameters"]
        described = next(p for p in parameters if p["name"] == "changed_since")["description"]
        assert "without an offset is UTC" in described and "midnight UTC" in described


def test_a_finding_says_whether_it_counts_as_a_failure_found_as_the_state_pages_count(
    seeded, api_client, reader
):
    """Jordan and Italy each have two Art. 87(7) decisions about one visit (an appeal
    judgment upholding the finding; a later referral): their pages say "1 ICC finding of
    non-compliance", while summing `kind=art_87_7` rows gave 2. `counts_as_finding` marks
    the first finding about each failure, as the pages count them, for every state."""
    from front.summaries import describe_findings
    from visits.models import Finding

    rows = api_client.get("/api/v1/findings/", {"page_size": 500}).json()["results"]
    by_day = {(r["state"]["iso3"], r["decided"]): r["counts_as_finding"] for r in rows}
    assert by_day["JOR", "2017-12-11"] is True and by_day["JOR", "2019-05-06"] is False
    assert by_day["ITA", "2025-10-17"] is True and by_day["ITA", "2026-01-26"] is False
    pages = {f.pk for f in describe_findings(list(Finding.objects.all()))}
    assert {r["id"] for r in rows if r["counts_as_finding"]} == pages
    assert all(not r["counts_as_finding"] for r in rows if r["kind"] == "other")

    def ids(value):
        answer = api_client.get("/api/v1/findings/", {"counts_as_finding": value, "page_size": 500})
        assert answer.status_code == 200, answer.content
        return {r["id"] for r in answer.json()["results"]}

    assert ids("true") == pages and ids("false") == {r["id"] for r in rows} - pages
    assert api_client.get("/api/v1/findings/?counts_as_finding=yes").status_code == 400
    assert api_client.get("/api/v1/findings/?has_visit=yes").status_code == 400
    for iso3 in ("JOR", "ITA"):
        page = reader.get(f"/states/{iso3}/").content.decode()
        assert "<strong>1</strong> ICC finding of non-compliance" in page
        assert len(ids("true") & {r["id"] for r in rows if r["state"]["iso3"] == iso3}) == 1
        state = api_client.get(f"/api/v1/states/{iso3}/").json()
        assert [f["counts_as_finding"] for f in state["findings"]] == [True, False]


def test_the_incidents_changed_since_says_the_feed_is_continued_by_its_cursor(seeded, api_client):
    """The incidents' `changed_since` was documented as the visits' is, "give the
    `Changed-Until` header of the last answer read this way": the feed sends no such
    header (it is continued by its cursor)."""
    answer = api_client.get("/api/v1/incidents/", {"changed_since": "2000-01-01T00:00:00Z"})
    assert answer.status_code == 200 and "Changed-Until" not in answer
    schema = api_client.get("/api/v1/schema/?format=json").json()

    def described(path):
        parameters = schema["paths"][path]["get"]["parameters"]
        return next(p for p in parameters if p["name"] == "changed_since")["description"]

    incidents = described("/api/v1/incidents/")
    assert "give the `Changed-Until` header" not in incidents
    assert "sends no `Changed-Until` header" in incidents and "`cursor`" in incidents
    assert "give the `Changed-Until` header" in described("/api/v1/visits/")
