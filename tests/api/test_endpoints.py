"""What each endpoint answers: identifiers, links between resources, filters, ordering, reports."""

import pytest

from core.echo import echoed

pytestmark = pytest.mark.django_db

MONGOLIA = "/api/v1/visits/vladimir-putin-mng-2024-09-02/"


def results(client, url, **params):
    response = client.get(url, {"page_size": 500, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_the_root_lists_every_endpoint_the_schema_and_the_docs(seeded, api_client):
    # The bare /api/ leads there, not to a 404.
    assert api_client.get("/api/")["Location"] == "/api/v1/"
    body = api_client.get("/api/v1/").json()
    assert set(body) == {
        "states",
        "persons",
        "warrants",
        "visits",
        "incidents",
        "findings",
        "statements",
        "referrals",
        "reports",
        "search",
        "schema",
        "docs",
    }
    assert body["visits"] == "http://testserver/api/v1/visits/"


def test_a_visit_carries_its_verdict_and_links_to_everything_it_rests_on(seeded, api_client):
    visit = api_client.get(MONGOLIA).json()
    assert visit["id"] == "vladimir-putin-mng-2024-09-02"
    assert visit["url"] == f"http://testserver{MONGOLIA}"
    assert (visit["verdict"]["code"], visit["verdict"]["basis"]) == (
        "non_compliance",
        "state_party",
    )
    assert (
        "Mongolia had been bound since 1 July 2002 (State Party; ratified 11 April 2002)."
        in visit["verdict"]["explanation"]
    )
    assert [w["ref"] for w in visit["verdict"]["warrants"]] == ["vladimir-putin-2023-03-17"]
    assert visit["findings"][0]["decided"] == "2024-10-24"
    assert visit["history"][0]["new_code"] == "non_compliance"

    # Every link answers, and leads back.
    for url in (
        visit["person"]["url"],
        visit["host"]["url"],
        visit["verdict"]["warrants"][0]["url"],
        visit["findings"][0]["url"],
    ):
        assert api_client.get(url).status_code == 200, url
    person = api_client.get(visit["person"]["url"]).json()
    assert visit["id"] in {
        v["id"] for v in api_client.get(person["visits_url"] + "&page_size=500").json()["results"]
    }
    finding = api_client.get(visit["findings"][0]["url"]).json()
    assert finding["visit"]["url"] == visit["url"]
    host = api_client.get(visit["host"]["url"]).json()
    assert host["visits_url"] == "http://testserver/api/v1/visits/?host=MNG"


def test_detail_endpoints_use_the_stable_identifiers(seeded, api_client):
    assert api_client.get("/api/v1/states/MNG/").json()["name"] == "Mongolia"
    assert api_client.get("/api/v1/states/mng/").json()["iso3"] == "MNG"  # any case
    assert api_client.get("/api/v1/persons/vladimir-putin/").json()["nationality"]["iso3"] == "RUS"
    assert (
        api_client.get("/api/v1/warrants/vladimir-putin-2023-03-17/").json()["person"]["slug"]
        == "vladimir-putin"
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/api/v1/states/XYZ/", "No state with ISO 3166-1 alpha-3 code 'XYZ'."),
        ("/api/v1/states/TOOLONG/", "No state with ISO 3166-1 alpha-3 code 'TOOLONG'."),
        ("/api/v1/persons/nobody/", "No person with slug 'nobody'."),
        ("/api/v1/warrants/nobody-2020-01-01/", "No warrant with ref 'nobody-2020-01-01'."),
        ("/api/v1/visits/nobody-mng-2024-09-02/", "No visit with id 'nobody-mng-2024-09-02'."),
        ("/api/v1/findings/999999/", "No finding with id '999999'."),
        (
            "/api/v1/findings/99999999999999999999999/",
            "No finding with id '99999999999999999999999'.",
        ),
        ("/api/v1/statements/abc/", "No joint statement with id 'abc'."),
        (
            "/api/v1/nothing-here/",
            "There is no API endpoint at /api/v1/nothing-here/. The list of endpoints is at /api/v1/.",
        ),
    ],
)
def test_unknown_identifiers_are_a_clear_404(seeded, api_client, url, message):
    response = api_client.get(url)
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": message, "fields": {}}}


def test_every_integer_id_that_names_nothing_is_the_same_404(seeded, api_client, clients):
    """`/reports/99999999999999999999/` was "There is no API endpoint at …", where an id
    no report has is "No report with id …": the reports' addresses took only ids of 18
    digits at most, so a longer one (or `0`, `abc`) fell through to no address at all.
    Every operation whose path has an integer id answers each of them as it answers a
    missing one, the id named, reads and POSTs alike."""
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    admin = clients["admin"]  # may read and review any report
    walked = set()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            ids = [
                p
                for p in operation.get("parameters", [])
                if p["in"] == "path" and p["schema"].get("type") == "integer"
            ]
            if not ids:
                continue
            client = admin if path.startswith("/api/v1/reports/") else api_client

            def answer(value, client=client, path=path, method=method):
                url = path.replace("{id}", value)
                if method == "post":
                    return client.post(url, {}, format="json")
                return client.get(url)

            missing = answer("999999")
            assert missing.status_code == 404, (method, path)
            said = missing.json()["error"]["message"]
            assert "'999999'" in said
            for value in ("99999999999999999999", "0", "abc", "9" * 200):
                got = answer(value)
                assert got.status_code == 404, (method, path, value)
                named = repr(echoed(value))  # a long one shortened, as every echo
                assert got.json()["error"]["message"] == said.replace("'999999'", named), (
                    method,
                    path,
                    value,
                )
            walked.add((method, path))
    assert {
        ("get", "/api/v1/reports/{id}/"),
        ("post", "/api/v1/reports/{id}/verify/"),
        ("post", "/api/v1/reports/{id}/resubmit/"),
        ("get", "/api/v1/findings/{id}/"),
        ("get", "/api/v1/statements/{id}/"),
        ("get", "/api/v1/referrals/{id}/"),
    } <= walked


def test_a_database_id_has_one_address_only(seeded, api_client):
    """A finding or a joint statement answers at its id written in ASCII digits, not at
    "012" nor at the same number in other scripts' digits (one address per record: one
    cache entry, one link to cite)."""
    from states.models import JointStatement
    from visits.models import Finding

    arabic_indic = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    for resource, pk in (
        ("findings", Finding.objects.order_by("pk").first().pk),
        ("statements", JointStatement.objects.order_by("pk").first().pk),
    ):
        assert api_client.get(f"/api/v1/{resource}/{pk}/").status_code == 200
        for alias in (f"0{pk}", str(pk).translate(arabic_indic)):
            answer = api_client.get(f"/api/v1/{resource}/{alias}/")
            assert answer.status_code == 404, (resource, alias)
            assert answer.json()["error"]["code"] == "not_found"


def test_a_missing_trailing_slash_redirects(seeded, api_client):
    response = api_client.get("/api/v1/visits", {"host": "MNG"})
    assert (response.status_code, response["Location"]) == (301, "/api/v1/visits/?host=MNG")


def test_visits_filter_by_host_person_situation_verdict_basis_and_dates(seeded, api_client):
    assert {v["host"]["iso3"] for v in results(api_client, "/api/v1/visits/", host="mng")} == {
        "MNG"
    }
    putin = results(api_client, "/api/v1/visits/", person="vladimir-putin")
    assert putin and {v["person"]["slug"] for v in putin} == {"vladimir-putin"}
    assert {
        v["situation"]["slug"] for v in results(api_client, "/api/v1/visits/", situation="ukraine")
    } == {"ukraine"}
    flagged = results(api_client, "/api/v1/visits/", verdict="non_compliance")
    assert flagged and {v["verdict"]["code"] for v in flagged} == {"non_compliance"}
    assert {
        v["verdict"]["basis"] for v in results(api_client, "/api/v1/visits/", basis="state_party")
    } == {"state_party"}
    window = results(
        api_client, "/api/v1/visits/", start_after="2024-01-01", start_before="2024-12-31"
    )
    assert window and all("2024-01-01" <= v["start"] <= "2024-12-31" for v in window)
    assert {v["status"] for v in results(api_client, "/api/v1/visits/", status="cancelled")} == {
        "cancelled"
    }
    assert results(api_client, "/api/v1/visits/", changed_since="2999-01-01T00:00:00Z") == []


def test_a_list_read_for_what_changed_tells_of_the_visits_withdrawn_since(
    seeded, api_client, reporter, reviewer
):
    """A client keeping a copy in step reads `?changed_since=`: an incident withdrawn since
    must reach it, or its copy keeps an accusation the record no longer makes."""
    from django.utils import timezone

    from visits import flagging, review
    from visits.models import Visit

    flagging.evaluate_pending()  # what the seed left to evaluate, before the moment read
    before = timezone.now().isoformat().replace("+00:00", "Z")
    visit = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    withdrawal = review.propose_withdrawal(
        author=reporter, visit=visit, note="Made up by its source."
    )
    review.verify(withdrawal, reviewer)
    flagging.evaluate_pending()
    changed = results(api_client, "/api/v1/visits/", changed_since=before)
    assert [(v["id"], v["verdict"]["code"]) for v in changed] == [
        ("vladimir-putin-mng-2024-09-02", "withdrawn")
    ]
    assert changed[0]["withdrawal_note"] == "Made up by its source."
    # The ordinary list and the incidents feed leave it out, as documented.
    assert visit.slug not in {v["id"] for v in results(api_client, "/api/v1/visits/")}
    assert visit.slug not in {v["id"] for v in results(api_client, "/api/v1/incidents/")}
    # Filtered on its verdict, a list read for changes keeps to that verdict.
    assert (
        results(api_client, "/api/v1/visits/", changed_since=before, verdict="non_compliance") == []
    )


def test_visits_are_only_the_published_ones(seeded, api_client):
    from visits.models import Visit

    Visit.objects.filter(slug="vladimir-putin-mng-2024-09-02").update(review_state="reported")
    assert api_client.get(MONGOLIA).status_code == 404
    assert "vladimir-putin-mng-2024-09-02" not in {
        v["id"] for v in results(api_client, "/api/v1/visits/")
    }


def test_ordering_is_a_plain_parameter_and_pages_never_overlap(seeded, api_client):
    newest_first = results(api_client, "/api/v1/visits/", ordering="-start")
    starts = [v["start"] for v in newest_first if v["start"]]
    assert starts == sorted(starts, reverse=True)
    paged = []
    for page in (1, 2, 3, 4):
        response = api_client.get(
            "/api/v1/visits/", {"ordering": "host", "page_size": 25, "page": page}
        )
        if response.status_code == 404:
            break
        paged += [v["id"] for v in response.json()["results"]]
    assert sorted(paged) == sorted(v["id"] for v in results(api_client, "/api/v1/visits/"))
    assert len(set(paged)) == len(paged)


def test_other_lists_filter_with_the_sites_filtersets(seeded, api_client):
    assert {
        p["situation"]["slug"] for p in results(api_client, "/api/v1/persons/", situation="ukraine")
    } == {"ukraine"}
    assert {
        p["nationality"]["iso3"] for p in results(api_client, "/api/v1/persons/", nationality="RUS")
    } == {"RUS"}
    assert [
        w["ref"] for w in results(api_client, "/api/v1/warrants/", person="vladimir-putin")
    ] == ["vladimir-putin-2023-03-17"]
    assert {s["iso3"] for s in results(api_client, "/api/v1/states/", name="hungar")} == {"HUN"}
    withdrawn = {
        s["iso3"]
        for s in results(api_client, "/api/v1/states/", status="withdrawn", as_of="2020-01-01")
    }
    assert {"BDI", "PHL"} <= withdrawn and "HUN" not in withdrawn
    assert {f["state"]["iso3"] for f in results(api_client, "/api/v1/findings/", state="mng")} == {
        "MNG"
    }
    assert all(
        f["referred_to_unsc"] for f in results(api_client, "/api/v1/findings/", referred_to="UNSC")
    )
    statements = results(api_client, "/api/v1/statements/", date_after="2024-01-01")
    assert statements and all(s["date"] >= "2024-01-01" for s in statements)


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        ("/api/v1/visits/", {"verdict": "guilty"}, "verdict"),
        ("/api/v1/visits/", {"start_after": "yesterday"}, "start_after"),
        ("/api/v1/visits/", {"as_of": "2024-13-01"}, "as_of"),
        ("/api/v1/visits/", {"ordering": "price"}, "ordering"),
        ("/api/v1/visits/", {"changed_since": "soon"}, "changed_since"),
        ("/api/v1/states/", {"status": "friendly"}, "status"),
        ("/api/v1/states/HUN/", {"as_of": "02/06/2026"}, "as_of"),
        ("/api/v1/visits/vladimir-putin-mng-2024-09-02/", {"as_of": "2024-9-3"}, "as_of"),
        ("/api/v1/incidents/", {"cursor": "-1"}, "cursor"),
        ("/api/v1/incidents/", {"cursor": "abc"}, "cursor"),
    ],
)
def test_bad_filter_values_are_a_400_naming_the_parameter(seeded, api_client, url, params, field):
    response = api_client.get(url, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_filter"
    assert list(error["fields"]) == [field]
    assert field in error["message"]


# --- Visit reports ------------------------------------------------------------------


def report(**changes):
    body = {
        "person": "vladimir-putin",
        "host": "TJK",
        "start": "2025-10-08",
        "end": "2025-10-10",
        "status": "occurred",
        "outcome": "not_arrested",
        "sources": [{"url": "https://news.example.org/dushanbe"}],
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not ...}


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (report(host="RUS"), "host", "own state of nationality"),
        (report(person="nobody"), "person", "No person wanted by the ICC is called nobody."),
        (report(host="XYZ"), "host", "No state with ISO 3166-1 alpha-3 code 'XYZ'."),
        (report(start="2025-02-30"), "start", "February 2025 has no 30th day."),
        (report(start="8 October"), "start", "is not a date"),
        (report(end="2025-10-01"), "end", "before the start"),
        (report(start=None), "start", "only a cancelled trip may have none"),
        (report(sources=[]), "sources", ""),
        (report(sources=...), "sources", "required"),
        (report(sources=[{"url": "not a url"}]), "sources.0.url", "valid URL"),
        (report(status="teleported"), "status", "not a valid choice"),
    ],
)
def test_an_invalid_report_is_a_400_naming_the_field_and_saves_nothing(
    seeded, clients, body, field, message
):
    from visits.models import Visit

    before = Visit.objects.count()
    response = clients["reporter"].post("/api/v1/visits/", body, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    assert message in " ".join(error["fields"][field])
    assert Visit.objects.count() == before


def test_a_report_may_give_a_partial_date(seeded, clients):
    # A month with no recorded visit of his to Tajikistan (October 2025's would be a
    # possible duplicate, refused until confirmed as another visit).
    response = clients["reporter"].post(
        "/api/v1/visits/", report(start="2025-04", end=None), format="json"
    )
    assert response.status_code == 201, response.content
    assert (response.json()["start"], response.json()["end"]) == ("2025-04", None)
    assert response.json()["preview"]["code"]  # the rule reads it as some day in April


def test_a_report_must_be_json(seeded, clients):
    response = clients["reporter"].post(
        "/api/v1/visits/", "person=vladimir-putin", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
