"""The API answers exactly what was asked, or refuses: the reproductions of a data user's review.

- a filter that names nothing (`?host=,`, `?person=%20`) is a 400, never the whole list;
- a parameter that takes one value (`page`, `page_size`, `as_of`) given twice is a 400;
- newest first puts the undated visits last, as the site does;
- facets with `?as_of=` count the verdicts as they stood that day;
- the incidents feed's CSV starts after `?cursor=`, as its JSON does;
- an incident's verdict is always `non_compliance`: asking the feed (or the site's list)
  for another is a 400 naming the one value taken, not an empty feed;
- a feed cursor beyond every change ever recorded is a 400, not an empty feed that would
  skip every incident to come.
"""

import csv
import io

import pytest

from tests.api.test_schema import _invalid


def _csv(response) -> list[dict]:
    assert response.status_code == 200, response.content
    content = b"".join(response.streaming_content)
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/visits/", "host=,"),
        ("/api/v1/visits/", "person=,,"),
        ("/api/v1/visits/", "verdict=%20,%20"),
        ("/api/v1/visits/", "year=,"),
        ("/api/v1/visits/", "host=%20"),
        ("/api/v1/visits/", "facets=,"),
        ("/api/v1/incidents/", "situation=,"),
        ("/api/v1/persons/", "nationality=,"),
        ("/api/v1/findings/", "state=%20"),
        ("/api/v1/statements/", "signatory=%20"),
    ],
)
def test_a_filter_that_names_nothing_is_a_400_not_the_whole_list(seeded, api_client, path, query):
    name = query.split("=")[0]
    _invalid(api_client.get(f"{path}?{query}"), name)
    _invalid(api_client.get(f"{path}?{query}&format=csv"), name)


def test_unknown_empty_and_repeated_parameters_are_reported_in_one_answer(seeded, api_client):
    """One 400 names every such parameter, an unknown one as unknown even when it is empty
    too (`?status=,` on warrants, which have no status): the client fixes its query once."""
    response = api_client.get("/api/v1/visits/?bogus=1&host=,&page=1&page=2")
    _invalid(response, "bogus", "host", "page")
    fields = response.json()["error"]["fields"]
    assert "no such parameter" in fields["bogus"][0]
    assert "empty" in fields["host"][0] and "one value" in fields["page"][0]
    assert ".;" not in response.json()["error"]["message"]
    status = api_client.get("/api/v1/warrants/?status=,").json()["error"]["fields"]["status"]
    assert "no such parameter" in status[0]


@pytest.mark.parametrize(
    "query", ["page=1&page=2", "page_size=5&page_size=300", "as_of=2020-01-01&as_of=2024-01-01"]
)
def test_a_single_valued_parameter_given_twice_is_a_400(seeded, api_client, query):
    _invalid(api_client.get(f"/api/v1/visits/?{query}"), query.split("=")[0])


def test_multi_valued_filters_and_the_ordering_may_still_be_repeated(seeded, api_client):
    once = api_client.get("/api/v1/visits/?host=MNG,TJK&ordering=-start,person")
    twice = api_client.get("/api/v1/visits/?host=MNG&host=TJK&ordering=-start&ordering=person")
    assert once.status_code == twice.status_code == 200
    assert once.json()["results"] == twice.json()["results"]
    assert once.json()["count"] > 0


def test_newest_first_puts_the_undated_visits_last_as_the_site_does(seeded, api_client):
    rows = []
    url = "/api/v1/visits/?ordering=-start&page_size=500"
    while url:
        page = api_client.get(url).json()
        rows += page["results"]
        url = page["next"]
    starts = [row["start"] for row in rows]
    undated = [s for s in starts if s is None]
    assert undated, "the seed has undated visits"
    assert starts[: len(starts) - len(undated)] == sorted(
        (s for s in starts if s is not None), reverse=True
    )
    assert starts[len(starts) - len(undated) :] == undated
    site = _csv(api_client.get("/visits.csv?ordering=-start"))
    assert [
        r["id"] for r in _csv(api_client.get("/api/v1/visits/?ordering=-start&format=csv"))
    ] == [r["id"] for r in site]


@pytest.mark.parametrize("descending", [True, False], ids=["latest-end-first", "earliest-first"])
def test_sorting_by_end_reads_a_one_day_visit_s_end_as_its_start(seeded, api_client, descending):
    """A one-day visit stores no end ("end defaults to start", docs/DOMAIN.md): sorted by
    end, it takes its place among the others by its one day, on the API, in its CSV and on
    the site's CSV, rather than after every longer visit; undated visits come last."""
    order = "-end" if descending else "end"
    rows = []
    url = f"/api/v1/visits/?ordering={order}&page_size=500"
    while url:
        page = api_client.get(url).json()
        rows += page["results"]
        url = page["next"]
    assert any(r["end"] is None and r["start"] for r in rows), "the seed has one-day visits"
    last_days = [row["end"] or row["start"] for row in rows]
    dated = [d for d in last_days if d is not None]
    assert last_days == sorted(dated, reverse=descending) + [None] * (len(rows) - len(dated))
    api_csv = _csv(api_client.get(f"/api/v1/visits/?ordering={order}&format=csv"))
    site_csv = _csv(api_client.get(f"/visits.csv?ordering={order}"))
    assert [r["id"] for r in api_csv] == [r["id"] for r in site_csv] == [r["id"] for r in rows]


def test_facets_as_of_a_day_count_the_verdicts_of_that_day(seeded, api_client):
    for day in ("2000-01-01", "2019-06-30"):
        answer = api_client.get(f"/api/v1/visits/?as_of={day}&facets=verdict&page_size=500")
        assert answer.status_code == 200
        facets = answer.json()["facets"]["verdict"]
        for code, rows in facets.items():
            filtered = api_client.get(f"/api/v1/visits/?as_of={day}&verdict={code}").json()
            assert filtered["count"] == rows, (day, code)
        # The facet counts every row that had a verdict that day, and no other.
        with_verdict = [r for r in answer.json()["results"] if r["verdict"] is not None]
        assert sum(facets.values()) == len(with_verdict), day
    today = api_client.get("/api/v1/visits/?facets=verdict").json()["facets"]["verdict"]
    assert today.get("non_compliance", 0) > 0
    assert (
        api_client.get("/api/v1/visits/?as_of=2000-01-01&facets=verdict").json()["facets"][
            "verdict"
        ]
        == {}
    )


def test_the_incidents_csv_starts_after_the_cursor_as_the_json_does(seeded, api_client):
    first = api_client.get("/api/v1/incidents/?page_size=5").json()
    cursor = first["cursor"]
    assert cursor > 0 and first["has_more"]
    after = []
    url = f"/api/v1/incidents/?cursor={cursor}&page_size=3"
    while True:
        page = api_client.get(url).json()
        after += page["results"]
        if not page["has_more"]:
            break
        url = page["next"]
    exported = _csv(api_client.get(f"/api/v1/incidents/?cursor={cursor}&format=csv"))
    assert [int(r["flag_id"]) for r in exported] == [r["flag_id"] for r in after]
    assert len(exported) == len(after) > 0
    everything = _csv(api_client.get("/api/v1/incidents/?format=csv"))
    assert len(everything) == len(after) + len(first["results"])


def test_the_incidents_take_only_the_verdict_every_incident_has(seeded, api_client, client):
    for query in ("verdict=no_obligation", "verdict=non_compliance,complied"):
        for fmt in ("", "&format=csv"):
            response = api_client.get(f"/api/v1/incidents/?{query}{fmt}")
            _invalid(response, "verdict")
            assert "Choose from: non_compliance." in response.json()["error"]["message"]
        page = client.get(f"/incidents/?{query}")
        assert page.status_code == 400
        assert "is not one of the available choices" in page.content.decode()
    everything = api_client.get("/api/v1/incidents/?page_size=500").json()["results"]
    named = api_client.get("/api/v1/incidents/?verdict=non_compliance&page_size=500").json()
    assert named["results"] == everything and len(everything) > 0
    # The visits' own list still takes every verdict.
    assert api_client.get("/api/v1/visits/?verdict=no_obligation").status_code == 200


def test_a_cursor_beyond_every_change_is_a_400_not_an_empty_feed(seeded, api_client):
    from visits.models import VerdictChange

    newest = VerdictChange.objects.order_by("-id").values_list("id", flat=True).first()
    for fmt in ("", "&format=csv"):
        response = api_client.get(f"/api/v1/incidents/?cursor={newest + 1}{fmt}")
        _invalid(response, "cursor")
        assert f"the newest is {newest}" in response.json()["error"]["message"]
    # The newest change itself is a position a page may have handed out: an empty page.
    last = api_client.get(f"/api/v1/incidents/?cursor={newest}").json()
    assert last["results"] == [] and last["has_more"] is False
    walked = api_client.get("/api/v1/incidents/?page_size=500").json()
    assert api_client.get(f"/api/v1/incidents/?cursor={walked['cursor']}").status_code == 200


def _all(api_client, url) -> list[dict]:
    rows = []
    while url:
        page = api_client.get(url).json()
        rows += page["results"]
        url = page["next"]
    return rows


def test_names_sort_as_a_reader_expects_with_accents_folded(seeded, api_client, reader):
    """Côte d'Ivoire comes before Croatia and Czechia, Åland before Albania: in the API, on
    the site's list of states and in its downloads (the databases' C collation sorts by byte)."""
    from core.names import collation_key

    names = [s["name"] for s in _all(api_client, "/api/v1/states/?ordering=name&page_size=500")]
    assert names == sorted(names, key=collation_key)
    assert names.index("Côte d'Ivoire") < names.index("Croatia") < names.index("Czechia")
    backwards = [
        s["name"] for s in _all(api_client, "/api/v1/states/?ordering=-name&page_size=500")
    ]
    assert backwards == names[::-1]
    site = [r["name"] for r in _csv(reader.get("/states.csv"))]
    assert site == sorted(site, key=collation_key) and "Côte d'Ivoire" in site
    persons = [p["name"] for p in _all(api_client, "/api/v1/persons/?ordering=name&page_size=500")]
    assert persons == sorted(persons, key=collation_key)


@pytest.mark.parametrize("typed", ["cote", "Côte", "CÔTE D"])
def test_a_state_is_found_by_its_name_with_or_without_accents(seeded, api_client, typed):
    found = [s["iso3"] for s in api_client.get(f"/api/v1/states/?name={typed}").json()["results"]]
    assert found == ["CIV"]


def test_a_states_standing_is_explained_in_the_answers_language(seeded, api_client):
    """`treaty_status.explanation` ("the standing in words, in the answer's language") and
    each obligation's scope, in French with `?lang=fr`, with dates in words."""
    english = api_client.get("/api/v1/states/HUN/?as_of=2026-06-02").json()["treaty_status"]
    assert english["explanation"].startswith("On 2 June 2026 Hungary was no longer a State Party")
    assert english["obligations"][0]["scope"] == (
        "warrants issued before 2 June 2026 (iccwatch's reading of Art. 127(2))"
    )
    french = api_client.get("/api/v1/states/HUN/?as_of=2026-06-02&lang=fr")
    assert french["Content-Language"] == "fr"
    status = french.json()["treaty_status"]
    assert status["explanation"].startswith(
        "Le 2 juin 2026, Hongrie\u00a0: État qui n’était plus partie\u202f; son retrait a pris effet le "
        "2 juin 2026"
    )
    assert status["obligations"][0]["scope"] == (
        "les mandats délivrés avant le 2 juin 2026 (lecture de l’art. 127-2 par iccwatch)"
    )
    mongolia = api_client.get("/api/v1/states/MNG/?as_of=2024-09-03&lang=fr").json()
    assert mongolia["treaty_status"]["obligations"][0]["scope"] == "tout mandat d’arrêt de la CPI"
    assert "Mongolie" in mongolia["treaty_status"]["explanation"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("verdict=bogus", "verdict"), ("page=99", None), ("as_of=2024-13-01", "as_of")],
)
def test_an_error_is_in_one_language_whatever_the_answers(seeded, api_client, query, field):
    """`?verdict=bogus&lang=fr` once said "Some values are invalid: verdict: Sélectionnez un
    choix valide…": an error is English throughout, and says so."""
    for extra in ("&lang=fr", ""):
        response = api_client.get(f"/api/v1/visits/?{query}{extra}", HTTP_ACCEPT_LANGUAGE="fr")
        assert response.status_code in (400, 404)
        assert response["Content-Language"] == "en"
        message = response.json()["error"]["message"]
        for french in ("Sélectionnez", "Cette page", "Saisissez", "valide"):
            assert french not in message, message
        if field:
            assert field in response.json()["error"]["fields"]


def test_the_schemas_examples_are_what_the_api_answers(seeded, api_client):
    """The example of a verdict's reasons is the rule's for Putin in Mongolia (its keys and
    the shapes of its parameters: a state is {iso3, name}), the reasons' description names
    every key the rule gives, and the referrals' example situation finds something."""
    from api.visits import examples
    from compliance.explanation import REASON_KEYS

    answered = api_client.get("/api/v1/visits/vladimir-putin-mng-2024-09-02/").json()
    reasons = answered["verdict"]["reasons"]
    assert [r for r in reasons if r["key"] != "sources"] == [
        r for r in examples.REASONS if r["key"] != "sources"
    ]
    shown = next(r for r in reasons if r["key"] == "sources")
    example = next(r for r in examples.REASONS if r["key"] == "sources")
    assert set(shown) == set(example)
    assert set(shown["sources"][0]) == set(example["sources"][0])
    schema = api_client.get("/api/v1/schema/?format=json").json()
    described = schema["components"]["schemas"]["VisitVerdict"]["properties"]["reasons"][
        "description"
    ]
    for key in REASON_KEYS:
        assert f"`{key}`" in described, key
    referrals = schema["paths"]["/api/v1/referrals/"]["get"]["parameters"]
    situation = next(p for p in referrals if p["name"] == "situation")
    slug = situation["description"].split("`")[1]
    assert api_client.get(f"/api/v1/referrals/?situation={slug}").json()["count"] > 0


def test_one_visit_as_csv_is_the_lists_row(seeded, api_client):
    """`/api/v1/visits/{id}/?format=csv` has the list's columns and values (the visits table),
    not the detail's fields flattened into 45 columns."""
    slug = "vladimir-putin-mng-2024-09-02"
    one = api_client.get(f"/api/v1/visits/{slug}/?format=csv")
    assert one.status_code == 200 and one["Content-Type"].startswith("text/csv")
    content = one.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    listed = _csv(api_client.get("/api/v1/visits/?format=csv&host=MNG"))
    assert rows == [row for row in listed if row["id"] == slug]
    assert list(rows[0]) == list(listed[0])


def test_the_lists_default_orders_fold_accents_too(seeded, api_client, reader):
    from core.names import collation_key

    names = [s["name"] for s in _all(api_client, "/api/v1/states/?page_size=500")]
    assert names == sorted(names, key=collation_key)
    assert names.index("Côte d'Ivoire") < names.index("Croatia")
    csv_names = [r["name"] for r in _csv(api_client.get("/api/v1/states/?format=csv"))]
    assert csv_names == names
    persons = [p["name"] for p in _all(api_client, "/api/v1/persons/?page_size=500")]
    assert persons == sorted(persons, key=collation_key)


def test_examples_of_explanations_are_what_the_api_writes(seeded, api_client):
    from api.states import examples as state_examples
    from api.visits import examples
    from core.reasons import render

    visit = api_client.get("/api/v1/visits/vladimir-putin-mng-2024-09-02/").json()
    assert (
        visit["verdict"]["explanation"].split(" Sources:")[0]
        == examples.EXPLANATION.split(" Sources:")[0]
    )
    # A withdrawn visit's, from its reasons, as the API renders them (core.reasons.render).
    withdrawn = examples.WITHDRAWN_VISIT_DETAIL.value["verdict"]
    assert render(withdrawn["reasons"], "en") == withdrawn["explanation"]
    hungary = api_client.get("/api/v1/states/HUN/?as_of=2026-06-02").json()["treaty_status"]
    documented = str([e.value for e in vars(state_examples).values() if hasattr(e, "value")])
    assert hungary["explanation"] in documented
    assert hungary["obligations"][0]["scope"] in documented


def test_a_repeated_parameter_is_refused_on_the_reports_too_and_an_unknown_one_named(
    seeded, api_client
):
    _invalid(api_client.get("/api/v1/visits/?hosts=MNG&hosts=TJK"), "hosts")
    answer = api_client.get("/api/v1/visits/?hosts=MNG&hosts=TJK").json()["error"]
    assert "no such parameter" in " ".join(answer["fields"]["hosts"])


def test_drfs_own_refusals_of_a_read_are_english_too(seeded, api_client):
    """A 405 or a 406 under Accept-Language: fr was "Méthode « PUT » non autorisée." inside
    the API's English shape."""
    put = api_client.put("/api/v1/states/MNG/?lang=fr", HTTP_ACCEPT_LANGUAGE="fr")
    assert put.status_code == 405 and put["Content-Language"] == "en"
    assert put.json()["error"]["message"] == 'Method "PUT" not allowed.'
    csv_only = api_client.get(
        "/api/v1/states/MNG/", HTTP_ACCEPT="image/png", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert csv_only.status_code == 406 and csv_only["Content-Language"] == "en"
    assert "Could not satisfy" in csv_only.json()["error"]["message"]


def test_the_visit_list_reads_inside_a_history_context_too(seeded, api_client):
    """Inside a pghistory context (a command's, a write request's) every statement gets a
    `SELECT set_config(...)` in front: the list's read, bound on the server and prepared
    from its third run, failed with "cannot insert multiple commands into a prepared
    statement" (a 503)."""
    import pghistory

    from core.pagecache import bump_data_version

    outside = api_client.get("/api/v1/visits/?page_size=20").json()["results"]
    with pghistory.context(command="test"):
        for _ in range(4):
            bump_data_version()  # read again, not from the page cache
            inside = api_client.get("/api/v1/visits/?page_size=20")
            assert inside.status_code == 200, inside.content
            assert inside.json()["results"] == outside


def test_facets_count_only_values_a_filter_can_choose(seeded, api_client):
    """The `basis` facet counted `""` (verdicts without a basis), a value no filter takes;
    the `year` facet leaves out undated visits, and says so in the schema."""
    facets = api_client.get("/api/v1/visits/?facets=basis,year").json()["facets"]
    assert "" not in facets["basis"] and facets["basis"]
    for basis, rows in facets["basis"].items():
        assert api_client.get(f"/api/v1/visits/?basis={basis}").json()["count"] == rows
    schema = api_client.get("/api/v1/schema/?format=json").json()
    visits = schema["paths"]["/api/v1/visits/"]["get"]["parameters"]
    described = next(p for p in visits if p["name"] == "facets")["description"]
    assert "undated visit" in described


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("lang=fr", "q", "This field is required."),
        ("q=putin&limit=0&lang=fr", "limit", "Ensure this value is greater than or equal to 1."),
        (f"q={'x' * 201}&lang=fr", "q", "Ensure this field has no more than 200 characters."),
    ],
)
def test_the_searchs_refusals_are_english_whatever_the_language_asked(
    seeded, api_client, query, field, message
):
    """/search/ checked its parameters in the reader's language: `?lang=fr` without `q`
    was "Ce champ est obligatoire." under `Content-Language: en`."""
    for asked in ({}, {"HTTP_ACCEPT_LANGUAGE": "fr"}):
        answer = api_client.get(f"/api/v1/search/?{query}", **asked)
        assert answer.status_code == 400 and answer["Content-Language"] == "en"
        assert answer.json()["error"]["fields"] == {field: [message]}
