"""The second edition's facts in the API: host control, announced and withdrawn visits, the new
verdict codes and basis, findings with and without visits, council referrals, incomplete
signatory lists; in JSON and in CSV.

Verdicts the current rule may not produce are written directly, as the rule would.
"""

import csv
import datetime
import io
import json

import pytest

from states.models import JointStatement, State
from visits import flagging
from visits.models import Finding, ReviewState, Verdict, Visit
from warrants.models import Person

pytestmark = pytest.mark.django_db

MONGOLIA = "vladimir-putin-mng-2024-09-02"


def rows(response) -> list[dict]:
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(content.decode().removeprefix("\ufeff"))))


def ids(client, url="/api/v1/visits/", **params) -> set[str]:
    response = client.get(url, {"page_size": 500, **params})
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


@pytest.fixture
def no_control_visit(seeded):
    """A published incident turned into one in a place the host did not control, evaluated
    by the rule: `no_control`, with the basis the host would have had."""
    visit = (
        Visit.objects.published()
        .filter(verdict__code="non_compliance")
        .exclude(slug=MONGOLIA)
        .order_by("slug")
        .first()
    )
    basis = visit.verdict.basis
    Visit.objects.filter(pk=visit.pk).update(
        host_control="none",
        controlled_by=State.objects.get(iso3="RUS"),
        host_justification="Occupied territory",
        expected_verdict="no_control",
    )
    flagging.evaluate_visits([visit.pk], cause="test")
    return visit.slug, basis


def test_a_visit_shows_host_control_and_the_no_control_verdict(no_control_visit, api_client):
    no_control_visit, basis = no_control_visit
    visit = api_client.get(f"/api/v1/visits/{no_control_visit}/").json()
    assert visit["host_control"] == "none"
    assert visit["controlled_by"]["iso3"] == "RUS"
    assert visit["host_justification"] == "Occupied territory"
    assert visit["expected_verdict"] == "no_control"
    assert visit["withdrawal_note"] is None
    verdict = visit["verdict"]
    assert (verdict["code"], verdict["basis"], verdict["would_have_been_bound"]) == (
        "no_control",
        basis,
        True,
    )
    assert verdict["reasons"] == Verdict.objects.get(visit__slug=no_control_visit).reasons
    russia = {"iso3": "RUS", "name": State.objects.get(iso3="RUS").name}
    (no_control,) = (r for r in verdict["reasons"] if r["key"] == "no_control")
    assert no_control["controlled_by"] == russia
    mongolia = api_client.get(f"/api/v1/visits/{MONGOLIA}/").json()
    assert (mongolia["host_control"], mongolia["controlled_by"]) == ("effective", None)


def test_a_place_not_controlled_names_its_occupier_as_every_state_in_the_reasons(
    seeded, api_client
):
    """Putin's trip announced to occupied Mariupol: the `place_not_controlled` reason gives
    who controlled the place as a state object with its name, as the host's has."""
    from tests.factories import make_visit

    visit = make_visit(
        Person.objects.get(slug="vladimir-putin"),
        State.objects.get(iso3="UKR"),
        start=datetime.date(2027, 3, 10),
        end=datetime.date(2027, 3, 11),
        status="announced",
        outcome="n/a",
        place="Mariupol",
        host_control="none",
        controlled_by=State.objects.get(iso3="RUS"),
    )
    flagging.evaluate_visits([visit.pk], cause="test")
    reasons = api_client.get(f"/api/v1/visits/{visit.slug}/").json()["verdict"]["reasons"]
    (control,) = (r for r in reasons if r["key"] == "place_not_controlled")
    assert control["controlled_by"] == {"iso3": "RUS", "name": State.objects.get(iso3="RUS").name}
    assert control["controlled_by"]["name"]
    assert control["state"]["name"] == State.objects.get(iso3="UKR").name


def test_the_csv_carries_the_new_columns(no_control_visit, api_client):
    no_control_visit, _basis = no_control_visit
    table = rows(api_client.get("/api/v1/visits/", {"format": "csv"}))
    for column in (
        "host_control",
        "controlled_by_iso3",
        "expected_verdict",
        "withdrawal_note",
        "reasons",
        "would_have_been_bound",
        "findings",
    ):
        assert column in table[0], column
    row = next(r for r in table if r["id"] == no_control_visit)
    assert (row["host_control"], row["controlled_by_iso3"], row["verdict"]) == (
        "none",
        "RUS",
        "no_control",
    )
    assert "no_control" in row["reasons"]


def test_filters_read_the_new_values(no_control_visit, api_client):
    no_control_visit, basis = no_control_visit
    assert ids(api_client, host_control="none") == {no_control_visit}
    assert ids(api_client, verdict="no_control") == {no_control_visit}
    assert no_control_visit in ids(api_client, basis=basis)
    assert MONGOLIA in ids(api_client, host_control="effective")
    for name, value in (
        ("verdict", "upcoming"),
        ("basis", "unsc_referral"),
        ("status", "announced"),
    ):
        assert api_client.get("/api/v1/visits/", {name: value}).status_code == 200
    bad = api_client.get("/api/v1/visits/", {"host_control": "partial"})
    assert bad.status_code == 400 and "host_control" in bad.json()["error"]["fields"]


def test_an_announced_trip_is_upcoming_and_not_an_incident(seeded, api_client):
    visit = Visit.objects.published().exclude(slug=MONGOLIA).order_by("-slug").first()
    Visit.objects.filter(pk=visit.pk).update(status="announced", outcome="n/a")
    flagging.evaluate_visits([visit.pk], cause="test")
    assert Verdict.objects.get(visit=visit).code == "upcoming"
    assert ids(api_client, status="announced") == {visit.slug}
    assert ids(api_client, verdict="upcoming") == {visit.slug}
    assert visit.slug not in ids(api_client, "/api/v1/incidents/")
    # Its dates are past: not confirmed as taken, said when answered (the verdict is kept).
    detail = api_client.get(f"/api/v1/visits/{visit.slug}/").json()
    assert (detail["status"], detail["dates_passed"]) == ("announced", True)
    listed = api_client.get("/api/v1/visits/", {"status": "announced"}).json()["results"]
    assert [(v["id"], v["dates_passed"]) for v in listed] == [(visit.slug, True)]
    other = api_client.get(f"/api/v1/visits/{MONGOLIA}/").json()
    assert other["dates_passed"] is False


def test_a_trip_called_off_to_a_host_not_bound_is_labelled_as_the_site_labels_it(
    seeded, api_client
):
    """`deterred` where the host would not have been bound reads plain "did not travel",
    where it would have been "did not travel (host would have been bound)": the same words
    in the list, the detail and each language as on the site (visits.models.verdict_label);
    neither claims the warrant deterred the trip."""
    called_off = Verdict.objects.filter(code="deterred")
    not_bound = called_off.filter(would_have_been_bound=False).select_related("visit").first()
    bound = called_off.filter(would_have_been_bound=True).select_related("visit").first()
    assert not_bound and bound
    for lang, words, bound_words in (
        ("en", "did not travel", "did not travel (host would have been bound)"),
        ("fr", "pas de déplacement", "pas de déplacement (l’État hôte aurait été tenu d’arrêter)"),
    ):
        detail = api_client.get(f"/api/v1/visits/{not_bound.visit.slug}/", {"lang": lang})
        listed = api_client.get("/api/v1/visits/", {"lang": lang, "page_size": 500}).json()
        labels = {v["id"]: v["verdict"]["label"] for v in listed["results"] if v["verdict"]}
        assert detail.json()["verdict"]["label"] == words
        assert labels[not_bound.visit.slug] == detail.json()["verdict"]["label"]
        assert labels[bound.visit.slug] == bound_words
    site = api_client.get(f"/visits/{not_bound.visit.slug}/").content.decode()
    assert "did not travel" in site and "host would have been bound" not in site


@pytest.fixture
def withdrawn_visit(seeded):
    Verdict.objects.filter(visit__slug=MONGOLIA).update(code="withdrawn", basis="")
    Visit.objects.filter(slug=MONGOLIA).update(
        review_state=ReviewState.WITHDRAWN,
        withdrawal_note="removed from dataset version 2026.12.01",
    )
    return MONGOLIA


def test_a_withdrawn_visit_is_not_listed_but_stays_readable(withdrawn_visit, api_client):
    assert withdrawn_visit not in ids(api_client)
    assert withdrawn_visit not in ids(api_client, "/api/v1/incidents/")
    assert ids(api_client, verdict="withdrawn") == {withdrawn_visit}
    detail = api_client.get(f"/api/v1/visits/{withdrawn_visit}/").json()
    assert detail["review_state"] == "withdrawn"
    assert detail["verdict"]["code"] == "withdrawn"
    assert detail["withdrawal_note"] == "removed from dataset version 2026.12.01"
    assert detail["history"], "the history keeps the verdicts before the withdrawal"
    finding = api_client.get("/api/v1/findings/", {"state": "MNG"}).json()["results"][0]
    assert finding["visit"]["id"] == withdrawn_visit


def public_visit_events(slug: str) -> list[str]:
    """The review states of the visit's versions that the public changes list."""
    from visits import history

    visit = Visit.objects.get(slug=slug)
    events = {pk for pk, _at, label in history.public_changes() if label == "visits.visit"}
    return [
        e.review_state
        for e in Visit.pgh_event_model.objects.filter(pgh_obj_id=visit.pk, pgh_id__in=events)
    ]


@pytest.mark.parametrize("left_as", [ReviewState.REJECTED, ReviewState.WITHDRAWN])
def test_a_published_visit_that_left_the_record_says_so_on_the_site_and_in_the_api(
    seeded, api_client, client, left_as
):
    """Mongolia's incident, published, then rejected after all or removed from a newer
    dataset version: its page and its API record stay readable with the withdrawn verdict,
    `?verdict=withdrawn` and `?changed_since=` list it, the incidents do not, and the
    public changes tell of its leaving."""
    since = datetime.datetime.now(datetime.UTC).isoformat()
    Visit.objects.filter(slug=MONGOLIA).update(review_state=left_as)
    flagging.evaluate_visits([Visit.objects.get(slug=MONGOLIA).pk], cause="test")

    page = client.get(f"/visits/{MONGOLIA}/")
    assert page.status_code == 200
    assert "withdrawn" in page.content.decode().lower()
    detail = api_client.get(f"/api/v1/visits/{MONGOLIA}/")
    assert detail.status_code == 200, detail.content
    assert detail.json()["review_state"] == left_as
    assert detail.json()["verdict"]["code"] == "withdrawn"
    assert MONGOLIA in ids(api_client, verdict="withdrawn")
    assert MONGOLIA in ids(api_client, changed_since=since)
    assert MONGOLIA not in ids(api_client)
    assert MONGOLIA not in ids(api_client, "/api/v1/incidents/")
    assert left_as in public_visit_events(MONGOLIA)


@pytest.fixture
def never_published(seeded):
    """A copy of Mongolia's visit reported but never verified, evaluated (`pending`)."""
    visit = Visit.objects.get(slug=MONGOLIA)
    visit.pk, visit.slug, visit.review_state = None, f"{MONGOLIA}-unverified", "reported"
    visit.save()
    flagging.evaluate_visits([visit.pk], cause="test")
    assert Verdict.objects.get(visit=visit).code == "pending"
    return visit


@pytest.mark.parametrize("left_as", [ReviewState.REJECTED, ReviewState.WITHDRAWN])
def test_a_visit_never_published_stays_unreadable_when_it_leaves_the_record(
    never_published, api_client, client, left_as
):
    since = datetime.datetime.now(datetime.UTC).isoformat()
    slug = never_published.slug
    Visit.objects.filter(pk=never_published.pk).update(review_state=left_as)
    flagging.evaluate_visits([never_published.pk], cause="test")
    assert Verdict.objects.get(visit=never_published).code == "withdrawn"

    assert client.get(f"/visits/{slug}/").status_code == 404
    assert api_client.get(f"/api/v1/visits/{slug}/").status_code == 404
    assert slug not in ids(api_client, verdict="withdrawn")
    assert slug not in ids(api_client, changed_since=since)
    assert public_visit_events(slug) == []


@pytest.fixture
def sudan_findings(seeded):
    """Sudan's failures with no visit in the dataset (2010 and 2015), plus one known only
    to the month, and the Security Council referral that binds it (S/RES/1593)."""
    sudan = State.objects.get(iso3="SDN")
    person = Person.objects.get(slug="ahmad-harun")
    month = Finding.objects.create(
        state=sudan,
        decided=datetime.date(2010, 5, 1),
        decided_precision="month",
        kind="other",
        chamber="Pre-Trial Chamber I",
        decision_reference="ICC-02/05-01/07-57",
        referred_to_unsc=True,
    )
    month.persons.add(person)
    return person.slug, month.pk


def test_findings_filter_by_kind_person_and_visit(sudan_findings, api_client):
    person, month = sudan_findings

    def finding_ids(**params):
        response = api_client.get("/api/v1/findings/", {"page_size": 500, **params})
        assert response.status_code == 200, response.content
        return {f["id"] for f in response.json()["results"]}

    def stored(**lookups):
        return set(Finding.objects.filter(**lookups).values_list("pk", flat=True))

    without_visit = stored(state__iso3="SDN", visit__isnull=True)
    assert len(without_visit) >= 3 and month in without_visit
    assert finding_ids(state="sdn", has_visit="false") == without_visit
    assert finding_ids(kind="other") == stored(kind="other") and month in stored(kind="other")
    assert finding_ids(person=person) == stored(persons__slug=person)
    with_visit = finding_ids(has_visit="true")
    assert with_visit == stored(visit__isnull=False)
    assert finding_ids() == with_visit | stored(visit__isnull=True)
    assert api_client.get("/api/v1/findings/", {"kind": "bad"}).status_code == 400

    detail = api_client.get(f"/api/v1/findings/{month}/").json()
    assert detail["visit"] is None
    assert (detail["kind"], detail["decided"], detail["decided_precision"]) == (
        "other",
        "2010-05-01",
        "month",
    )
    assert (detail["chamber"], detail["decision_reference"]) == (
        "Pre-Trial Chamber I",
        "ICC-02/05-01/07-57",
    )
    assert [p["slug"] for p in detail["persons"]] == [person]
    table = rows(api_client.get("/api/v1/findings/", {"state": "SDN", "format": "csv"}))
    assert [(r["decided"], r["decided_precision"]) for r in table] == [
        ("2010-05-01", "month"),
        ("2010-05-25", "day"),
        ("2015-03-09", "day"),
        ("2015-06-26", "day"),
    ]
    assert person in [p["slug"] for p in json.loads(table[0]["persons"])]


def test_a_state_shows_its_referrals_findings_and_notes(sudan_findings, api_client):
    person, month = sudan_findings
    State.objects.filter(iso3="SDN").update(notes="Bound by S/RES/1593 (2005).")
    sudan = api_client.get("/api/v1/states/SDN/").json()
    assert sudan["notes"] == "Bound by S/RES/1593 (2005)."
    assert [
        (r["resolution"], r["adopted"], r["situation"]) for r in sudan["council_referrals"]
    ] == [("S/RES/1593 (2005)", "2005-03-31", "darfur-sudan")]
    findings = {f["id"]: f for f in sudan["findings"]}
    assert findings[month]["persons"] == [person]
    assert findings[month]["visit"] is None
    assert findings[month]["decided_precision"] == "month"
    obligations = api_client.get("/api/v1/states/SDN/", {"as_of": "2015-06-15"}).json()[
        "treaty_status"
    ]["obligations"]
    assert {(o["basis"], o["since"], o["situation"]) for o in obligations} >= {
        ("unsc_referral", "2005-03-31", "darfur-sudan")
    }
    before = api_client.get("/api/v1/states/SDN/", {"as_of": "2005-03-30"}).json()
    assert "unsc_referral" not in {o["basis"] for o in before["treaty_status"]["obligations"]}
    referrals = api_client.get("/api/v1/referrals/", {"state": "SDN"}).json()["results"]
    assert [r["bound_states"][0]["iso3"] for r in referrals] == ["SDN"]
    table = rows(api_client.get("/api/v1/states/", {"name": "Sudan", "format": "csv"}))
    row = next(r for r in table if r["iso3"] == "SDN")
    assert [r["resolution"] for r in json.loads(row["council_referrals"])] == ["S/RES/1593 (2005)"]
    assert ("2010-05-01", "month") in {
        (f["decided"], f["decided_precision"]) for f in json.loads(row["findings"])
    }


def test_declarations_show_their_covered_period(seeded, api_client):
    from states.models import Declaration

    declaration = Declaration.objects.filter(state__iso3="UKR").order_by("lodged").first()
    Declaration.objects.filter(pk=declaration.pk).update(
        covers_from=datetime.date(2013, 11, 21), covers_to=datetime.date(2014, 2, 22)
    )
    shown = api_client.get("/api/v1/states/UKR/").json()["declarations"][0]
    assert (shown["covers_from"], shown["covers_to"]) == ("2013-11-21", "2014-02-22")
    assert shown["covers_to_precision"] == "day"


def test_an_incomplete_signatory_list_says_so(seeded, api_client):
    statement = JointStatement.objects.create(
        date=datetime.date(2024, 6, 14), title="June 2024", signatory_count=93
    )
    statement.signatories.add(*State.objects.filter(iso3__in=["MNG", "FRA"]))
    shown = api_client.get(f"/api/v1/statements/{statement.pk}/").json()
    assert (shown["signatory_count"], shown["listed_count"], shown["complete"]) == (93, 2, False)
    on_state = api_client.get("/api/v1/states/MNG/").json()["statements"]
    mine = next(s for s in on_state if s["id"] == statement.pk)
    assert (mine["listed_count"], mine["complete"]) == (2, False)
    JointStatement.objects.filter(pk=statement.pk).update(signatory_count=2)
    assert api_client.get(f"/api/v1/statements/{statement.pk}/").json()["complete"] is True


def test_the_downloads_and_the_findings_open_the_visits_a_reader_may_open(
    never_published, api_client, settings, tmp_path
):
    """The bulk files, the findings' links and the state's findings follow the one rule
    (Visit.objects.readable): Mongolia's incident rejected after it was published is in
    the files and linked from its finding; a visit never published and then removed from
    the dataset is in neither, even with a finding of its own."""
    import sqlite3

    from dataset import bulk

    Visit.objects.filter(slug=MONGOLIA).update(review_state=ReviewState.REJECTED)
    Visit.objects.filter(pk=never_published.pk).update(review_state=ReviewState.WITHDRAWN)
    hidden = Finding.objects.create(
        state=State.objects.get(iso3="MNG"),
        visit=never_published,
        decided=datetime.date(2024, 11, 1),
        kind="other",
    )
    flagging.evaluate_visits(
        [never_published.pk, Visit.objects.get(slug=MONGOLIA).pk], cause="test"
    )

    settings.ICCWATCH_DOWNLOADS_DIR = tmp_path / "downloads"
    manifest = bulk.build()
    name = next(f["name"] for f in manifest["files"] if f["format"] == "sqlite")
    db = sqlite3.connect(settings.ICCWATCH_DOWNLOADS_DIR / name)
    slugs = {slug for (slug,) in db.execute("SELECT slug FROM visits")}
    assert MONGOLIA in slugs and never_published.slug not in slugs
    for table in ("visit_sources", "verdicts", "verdict_changes"):
        (count,) = db.execute(
            f"SELECT count(*) FROM {table} WHERE visit_id = ?",  # noqa: S608 - our own names
            [never_published.pk],
        ).fetchone()
        assert count == 0, table
    (linked,) = db.execute("SELECT visit_id FROM findings WHERE id = ?", [hidden.pk]).fetchone()
    assert linked is None

    findings = api_client.get("/api/v1/findings/", {"state": "MNG", "page_size": 500}).json()
    by_id = {f["id"]: f for f in findings["results"]}
    assert by_id[hidden.pk]["visit"] is None
    assert any(f["visit"] and f["visit"]["id"] == MONGOLIA for f in by_id.values())
    state = api_client.get("/api/v1/states/MNG/").json()
    linked_visits = {f["visit"] for f in state["findings"]}
    assert MONGOLIA in linked_visits and never_published.slug not in linked_visits


def test_a_visit_published_later_keeps_its_earlier_versions_private(never_published):
    """Reported, rejected on review, then verified in a later dataset version: its rejected
    version came before it was ever published, so the public changes leave it out."""
    Visit.objects.filter(pk=never_published.pk).update(review_state=ReviewState.REJECTED)
    Visit.objects.filter(pk=never_published.pk).update(review_state=ReviewState.VERIFIED)
    assert public_visit_events(never_published.slug) == [ReviewState.VERIFIED]


def test_the_schema_says_how_a_findings_partial_date_is_written(sudan_findings, api_client):
    """The Finding's description said "CSV writes `2010-05`" where the CSV, as the JSON,
    writes the month's first day beside its precision (`2010-05-01`, `month`)."""
    _, month = sudan_findings
    (row,) = [
        r
        for r in rows(api_client.get("/api/v1/findings/", {"format": "csv"}))
        if r["id"] == str(month)
    ]
    cell = (row["decided"], row["decided_precision"])
    assert cell == ("2010-05-01", "month")
    schema = api_client.get("/api/v1/schema/?format=json").json()
    described = schema["components"]["schemas"]["Finding"]["description"]
    assert "`2010-05`" not in described
    assert f"`{cell[0]}` and `{cell[1]}`" in described
