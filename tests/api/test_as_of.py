"""`?as_of=`: a state's treaty status on a day, and a visit's verdict as iccwatch showed it then."""

import datetime

import pytest

from tests.factories import make_person, make_state, make_visit, make_warrant
from visits import flagging
from visits.models import VerdictChange, Visit

pytestmark = pytest.mark.django_db


def status_on(client, iso3, day):
    response = client.get(f"/api/v1/states/{iso3}/", {"as_of": day})
    assert response.status_code == 200, response.content
    return response.json()["treaty_status"]


# --- States: Hungary's withdrawal -----------------------------------------------------


@pytest.mark.parametrize(
    ("day", "status", "party", "bases"),
    [
        (
            "2002-06-30",
            "non_party",
            False,
            [],
        ),  # deposited 2001-11-29, in force only from 2002-07-01
        ("2002-07-01", "party", True, ["state_party"]),
        ("2025-06-01", "party", True, ["state_party"]),
        (
            "2025-06-02",
            "withdrawing",
            True,
            ["state_party"],
        ),  # notified: still a full party (Art. 127(1))
        ("2026-06-01", "withdrawing", True, ["state_party"]),  # the last day as a party
        ("2026-06-02", "withdrawn", False, ["art_127_2_residual"]),  # effective: no longer a party
        ("2030-01-01", "withdrawn", False, ["art_127_2_residual"]),
    ],
)
def test_hungary_is_bound_as_a_party_until_its_withdrawal_takes_effect(
    seeded, api_client, day, status, party, bases
):
    hungary = status_on(api_client, "HUN", day)
    assert (hungary["on"], hungary["status"], hungary["party"]) == (day, status, party)
    assert [o["basis"] for o in hungary["obligations"]] == bases


def test_withdrawn_hungary_stays_bound_for_warrants_issued_before_its_withdrawal(
    seeded, api_client
):
    hungary = status_on(api_client, "HUN", "2026-06-02")
    (residual,) = hungary["obligations"]
    assert residual["warrants_issued_before"] == "2026-06-02"
    assert "Art. 127(2)" in hungary["explanation"]
    pending = status_on(api_client, "HUN", "2026-06-01")
    assert pending["withdrawal_effective"] == "2026-06-02"
    assert "remains a full party (Art. 127(1))" in pending["explanation"]


def test_visits_to_hungary_after_its_withdrawal_follow_article_127_2(seeded, api_client):
    """The status on the states endpoint and the verdicts on the visits endpoint agree."""
    netanyahu = make_person("benjamin-netanyahu")  # the seeded person: warrant issued 2024-11-21
    hungary = make_state("HUN")
    later = make_person("someone-charged-later", situation="State of Palestine", nationality="PSE")
    make_warrant(later, issued=datetime.date(2026, 7, 15))
    before = make_visit(netanyahu, hungary, start=datetime.date(2026, 6, 1))
    after = make_visit(netanyahu, hungary, start=datetime.date(2026, 7, 1))
    unbound = make_visit(later, hungary, start=datetime.date(2026, 8, 1))
    flagging.evaluate_pending()

    def verdict(visit):
        v = api_client.get(f"/api/v1/visits/{visit.slug}/").json()["verdict"]
        return v["code"], v["basis"]

    assert verdict(before) == ("non_compliance", "state_party")
    assert verdict(after) == ("non_compliance", "art_127_2_residual")
    assert verdict(unbound) == ("no_obligation", None)  # no basis: null
    residual = api_client.get(
        "/api/v1/visits/", {"host": "HUN", "basis": "art_127_2_residual"}
    ).json()["results"]
    assert [v["id"] for v in residual] == [after.slug]


def test_a_declaration_binds_a_non_party_for_its_situation_only(seeded, api_client):
    ukraine = status_on(api_client, "UKR", "2024-09-03")
    assert (ukraine["status"], ukraine["party"]) == ("non_party", False)
    assert [(o["basis"], o["situation"]) for o in ukraine["obligations"]] == [
        ("art_12_3_declaration", "ukraine"),
        ("art_12_3_declaration", "ukraine"),
    ]
    assert status_on(api_client, "UKR", "2025-01-01")["status"] == "party"


def test_states_list_answers_as_of_a_day_and_filters_on_that_status(seeded, api_client):
    rows = api_client.get("/api/v1/states/", {"as_of": "2026-06-02", "page_size": 500}).json()[
        "results"
    ]
    assert {r["treaty_status"]["on"] for r in rows} == {"2026-06-02"}
    parties_then = api_client.get(
        "/api/v1/states/", {"as_of": "2026-06-01", "status": "withdrawing", "page_size": 500}
    )
    assert "HUN" in {r["iso3"] for r in parties_then.json()["results"]}
    csv = api_client.get(
        "/api/v1/states/", {"as_of": "2026-06-02", "name": "Hungary", "format": "csv"}
    )
    lines = b"".join(csv.streaming_content).decode().splitlines()
    assert "treaty_status.status" in lines[0]
    assert ",withdrawn," in lines[1]


def test_party_true_lists_the_states_bound_as_parties_withdrawing_ones_too(seeded, api_client):
    """`status=party` on 1 December 2025 leaves out Hungary, then withdrawing and still a
    full party (Art. 127(1)): `party=true` is the filter a reader means."""

    def listed(**params):
        answer = api_client.get(
            "/api/v1/states/", {"as_of": "2025-12-01", "page_size": 500, **params}
        )
        assert answer.status_code == 200, answer.content
        return answer.json()["results"]

    parties = listed(party="true")
    assert "HUN" in {s["iso3"] for s in parties}
    assert "HUN" not in {s["iso3"] for s in listed(status="party")}
    assert {s["treaty_status"]["status"] for s in parties} == {"party", "withdrawing"}
    assert all(s["treaty_status"]["party"] for s in parties)
    others = listed(party="false")
    assert others and not any(s["treaty_status"]["party"] for s in others)
    assert {s["iso3"] for s in parties} == {s["iso3"] for s in listed(status="party,withdrawing")}
    # After the withdrawal took effect (2 June 2026), Hungary is no longer listed.
    assert "HUN" not in {
        s["iso3"]
        for s in api_client.get(
            "/api/v1/states/", {"as_of": "2026-06-02", "party": "true", "page_size": 500}
        ).json()["results"]
    }
    refused = api_client.get("/api/v1/states/", {"party": "yes"})
    assert refused.status_code == 400 and list(refused.json()["error"]["fields"]) == ["party"]


def test_a_state_on_a_past_day_is_told_as_its_timeline_stood_that_day(seeded, api_client):
    """Nothing a state did after the day is told, or undoes what stood that day: South
    Africa and the Gambia were withdrawing in December 2016 (their notices were revoked
    only in 2017), Ukraine in 2016 had not yet deposited (2024), Malaysia on 1 April 2019
    had not yet withdrawn its instrument (29 April)."""
    listed = api_client.get(
        "/api/v1/states/",
        {"as_of": "2016-12-01", "status": "withdrawing", "facets": "status", "page_size": 500},
    ).json()
    assert {s["iso3"] for s in listed["results"]} == {"BDI", "GMB", "ZAF"}
    assert listed["facets"]["status"]["withdrawing"] == 3
    south_africa = status_on(api_client, "ZAF", "2016-12-01")
    assert (south_africa["status"], south_africa["withdrawal_effective"]) == (
        "withdrawing",
        "2017-10-19",
    )
    assert "notified its withdrawal on 19 October 2016" in south_africa["explanation"]
    # After the revocation (7 March 2017), no withdrawal at all.
    assert status_on(api_client, "ZAF", "2018-01-01")["status"] == "party"
    ukraine = status_on(api_client, "UKR", "2016-01-01")
    assert ukraine["entry_into_force"] is None and "2025" not in ukraine["explanation"]
    assert status_on(api_client, "UKR", "2024-12-01")["entry_into_force"] == "2025-01-01"
    malaysia = status_on(api_client, "MYS", "2019-04-01")
    assert (malaysia["status"], malaysia["entry_into_force"]) == ("non_party", "2019-06-01")
    assert "withdrew" not in malaysia["explanation"]
    assert "withdrew its instrument" in status_on(api_client, "MYS", "2019-05-01")["explanation"]


def test_a_declaration_binds_for_the_period_of_crimes_it_covers_and_says_so(seeded, api_client):
    """Ukraine's first declaration (2014) accepted jurisdiction over crimes of 21 November
    2013 to 22 February 2014 only: its obligation says so, in words and as dates."""
    status = status_on(api_client, "UKR", "2014-06-01")
    (obligation,) = status["obligations"]
    assert (obligation["covers_from"], obligation["covers_to"]) == ("2013-11-21", "2014-02-22")
    assert "from 21 November 2013 to 22 February 2014" in obligation["scope"]
    assert (
        "(covering alleged crimes from 21 November 2013 to 22 February 2014)"
        in (status["explanation"])
    )
    # The second (2015) is open-ended: no end, and the words say "from".
    later = status_on(api_client, "UKR", "2016-01-01")["obligations"]
    assert [o["covers_to"] for o in later] == ["2014-02-22", None]


def test_without_as_of_a_state_shows_its_status_today(seeded, api_client):
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    assert api_client.get("/api/v1/states/MNG/").json()["treaty_status"]["on"] == today


# --- Visits: a warrant issued under seal, made public later ------------------------------


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.UTC)


@pytest.fixture
def sealed_warrant_story(db):
    """A warrant issued under seal on 2025-01-10. Two visits to a State Party:

    - 2025-03-01, while the warrant was sealed: recorded and evaluated on 2025-03-05;
    - 2025-07-15: recorded and evaluated on 2025-07-20, when iccwatch still knew the warrant
      only as sealed. On 2025-08-02 iccwatch learned that it had been made public on
      2025-07-01, before the visit: the re-evaluation made that visit an incident.
    """
    host = make_state("KEN", "Kenya", entry_into_force=datetime.date(2005, 6, 1))
    person = make_person("sealed-suspect", "Sealed Suspect", situation="Libya", nationality="LBY")
    warrant = make_warrant(person, issued=datetime.date(2025, 1, 10), made_public=None)
    sealed_time = make_visit(person, host, start=datetime.date(2025, 3, 1))
    after_unsealing = make_visit(person, host, start=datetime.date(2025, 7, 15))
    flagging.evaluate_pending()
    VerdictChange.objects.filter(visit=sealed_time).update(changed_at=at("2025-03-05T10:00"))
    VerdictChange.objects.filter(visit=after_unsealing).update(changed_at=at("2025-07-20T12:00"))

    warrant.made_public = datetime.date(2025, 7, 1)
    warrant.save()
    flagging.evaluate_pending()
    VerdictChange.objects.filter(
        visit=after_unsealing, changed_at__gt=at("2025-07-21T00:00")
    ).update(changed_at=at("2025-08-02T09:30"))
    return {"sealed_time": sealed_time, "after_unsealing": after_unsealing, "warrant": warrant}


def verdict_as_of(client, visit: Visit, day: str | None):
    params = {"as_of": day} if day else {}
    response = client.get(f"/api/v1/visits/{visit.slug}/", params)
    assert response.status_code == 200, response.content
    return response.json()["verdict"]


def test_the_verdict_as_of_a_day_is_the_one_recorded_by_the_end_of_that_day(
    sealed_warrant_story, api_client
):
    visit = sealed_warrant_story["after_unsealing"]
    assert verdict_as_of(api_client, visit, "2025-07-19") is None  # not yet evaluated
    for day in ("2025-07-20", "2025-08-01"):
        then = verdict_as_of(api_client, visit, day)
        assert (then["code"], then["as_of"], then["since"]) == (
            "warrant_not_public",
            day,
            "2025-07-20T12:00:00Z",
        )
        assert "under seal" in then["explanation"]
        assert then["warrants"] is None and then["would_have_been_bound"] is None
    for day in ("2025-08-02", "2026-01-01"):
        now = verdict_as_of(api_client, visit, day)
        assert (now["code"], now["basis"], now["since"]) == (
            "non_compliance",
            "state_party",
            "2025-08-02T09:30:00Z",
        )
    current = verdict_as_of(api_client, visit, None)
    assert (current["code"], current["as_of"]) == ("non_compliance", None)
    assert [w["ref"] for w in current["warrants"]] == [sealed_warrant_story["warrant"].ref]


def test_the_unsealing_does_not_bind_a_host_for_a_visit_while_the_warrant_was_sealed(
    sealed_warrant_story, api_client
):
    visit = sealed_warrant_story["sealed_time"]
    for day in ("2025-03-05", "2025-08-01", None):
        assert verdict_as_of(api_client, visit, day)["code"] == "warrant_not_public"


def test_the_history_is_cut_at_the_as_of_day(sealed_warrant_story, api_client):
    url = f"/api/v1/visits/{sealed_warrant_story['after_unsealing'].slug}/"
    then = api_client.get(url, {"as_of": "2025-08-01"}).json()["history"]
    now = api_client.get(url).json()["history"]
    assert [h["new_code"] for h in then] == ["warrant_not_public"]
    assert [(h["old_code"], h["new_code"]) for h in now] == [
        (None, "warrant_not_public"),  # the first verdict: no old code
        ("warrant_not_public", "non_compliance"),
    ]
    assert "made public (none) → 1 July 2025" in now[1]["cause"]


def test_list_filters_read_the_verdict_as_of_that_day(sealed_warrant_story, api_client):
    def ids(**params):
        rows = api_client.get("/api/v1/visits/", {"person": "sealed-suspect", **params}).json()[
            "results"
        ]
        return {r["id"] for r in rows}

    after = sealed_warrant_story["after_unsealing"].slug
    sealed = sealed_warrant_story["sealed_time"].slug
    assert ids(as_of="2025-08-01", verdict="warrant_not_public") == {after, sealed}
    assert ids(as_of="2025-08-01", verdict="non_compliance") == set()
    assert ids(as_of="2025-08-02", verdict="non_compliance") == {after}
    assert ids(as_of="2025-08-02", basis="state_party") == {after}
    assert ids(verdict="non_compliance") == {after}
    rows = api_client.get(
        "/api/v1/visits/", {"person": "sealed-suspect", "as_of": "2025-07-19"}
    ).json()["results"]
    assert {r["id"]: r["verdict"] for r in rows}[after] is None


def test_a_verdict_as_of_a_coming_day_is_refused_and_today_answers(
    sealed_warrant_story, api_client
):
    """What iccwatch will show on a coming day is not known: a 400 naming today, in the
    detail and in the list; today, and the first representable day, answer."""
    visit = sealed_warrant_story["after_unsealing"]
    today = datetime.datetime.now(datetime.UTC).date()
    assert verdict_as_of(api_client, visit, today.isoformat())["code"] == "non_compliance"
    assert verdict_as_of(api_client, visit, "0001-01-01") is None
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    for url in (f"/api/v1/visits/{visit.slug}/", "/api/v1/visits/"):
        for day in (tomorrow, "9999-12-31"):
            response = api_client.get(url, {"as_of": day})
            assert response.status_code == 400, (url, day, response.content)
            message = response.json()["error"]["fields"]["as_of"][0]
            assert f"is after today ({today.isoformat()})" in message
    # A state's standing on a coming day is known from its timeline: still answered.
    assert api_client.get("/api/v1/states/KEN/", {"as_of": tomorrow}).status_code == 200
