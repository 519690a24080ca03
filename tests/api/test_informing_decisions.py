"""A decision that only informed the Security Council or the Assembly is no Art. 87(7)
finding and refers nothing (docs/DOMAIN.md, "ICC finding"): every output that gives a
decision's referral says it apart from what such a decision informed
(visits.models.decision_bodies).

The seed's three informing decisions (kind `other`): Kenya and Chad, 27 August 2010, and
Djibouti, 12 May 2011, each of which informed both bodies."""

import csv
import datetime
import io
import sqlite3

import pytest

from dataset import bulk

pytestmark = pytest.mark.django_db

INFORMING = {("KEN", "2010-08-27"), ("TCD", "2010-08-27"), ("DJI", "2011-05-12")}


@pytest.fixture(autouse=True)
def generous_rate_limits(generous_rate_limits):
    """As in tests/api: the API's limits far above what a test sends."""


def findings(api_client, **params) -> list[dict]:
    response = api_client.get("/api/v1/findings/", {**params, "page_size": 500})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_an_informing_decision_refers_nothing_and_says_what_it_informed(seeded, api_client):
    rows = findings(api_client)
    by_key = {(r["state"]["iso3"], r["decided"]): r for r in rows}
    for key in INFORMING:
        row = by_key[key]
        assert row["kind"] == "other"
        assert (row["referred_to_asp"], row["referred_to_unsc"]) == (False, False), key
        assert row["referral_stands"] is False, key
        assert (row["informed_asp"], row["informed_unsc"]) == (True, True), key
    # An Art. 87(7) finding informs nothing: its bodies are where it was referred.
    assert not any(r["informed_asp"] or r["informed_unsc"] for r in rows if r["kind"] == "art_87_7")
    malawi = by_key["MWI", "2011-12-12"]
    assert malawi["referred_to_unsc"] and malawi["referral_stands"] is True
    detail = api_client.get(f"/api/v1/findings/{by_key['KEN', '2010-08-27']['id']}/").json()
    assert (detail["referred_to_unsc"], detail["informed_unsc"]) == (False, True)


def test_counting_referrals_to_the_council_counts_art_87_7_findings_only(seeded, api_client):
    """Summing `referred_to_unsc`, or filtering `referred_to=UNSC`, gives the findings
    referred to the Council, no informing decision; `informed=UNSC` gives those."""
    from visits.models import Finding

    referred = set(
        Finding.objects.filter(kind="art_87_7", referred_to_unsc=True).values_list("pk", flat=True)
    )
    rows = findings(api_client)
    assert {r["id"] for r in rows if r["referred_to_unsc"]} == referred
    assert {r["id"] for r in findings(api_client, referred_to="UNSC")} == referred
    informed = findings(api_client, informed="UNSC")
    assert {(r["state"]["iso3"], r["decided"]) for r in informed} == INFORMING
    assert {r["id"] for r in findings(api_client, informed="ASP,UNSC")} == {
        r["id"] for r in informed
    }
    assert not {r["id"] for r in findings(api_client, referred_to="ASP,UNSC")} & {
        r["id"] for r in informed
    }


def test_an_informing_decision_neither_makes_a_referral_nor_lifts_one(seeded, api_client):
    """As the rule reads the findings the database holds (visits.flagging.load_findings)
    and the findings API says whether a referral stands (visits.models.referral_lifted):
    a decision that informed the Assembly, then a finding made without referral, leaves
    no referral to have been lifted; a referral reversed on appeal stays lifted when a
    decision that informed the Council follows; one followed only by such a decision
    stands."""
    from core.pagecache import bump_data_version
    from visits import flagging
    from visits.models import Finding, Verdict, Visit

    informed_first, reversed_, informed_after = (
        Visit.objects.published()
        .filter(findings__isnull=True, verdict__code="non_compliance")
        .order_by("slug")[:3]
    )

    def decision(visit, days: int, kind: str = "art_87_7", **fields) -> Finding:
        day = visit.start + datetime.timedelta(days=days)
        return Finding.objects.create(
            state=visit.host, visit=visit, decided=day, kind=kind, **fields
        )

    decision(informed_first, 30, "other", referred_to_asp=True, chamber="Pre-Trial Chamber II")
    decision(informed_first, 60, chamber="Pre-Trial Chamber II")
    referred = decision(reversed_, 30, referred_to_asp=True, chamber="Pre-Trial Chamber II")
    appeal = decision(reversed_, 60, chamber="Appeals Chamber")
    decision(reversed_, 90, "other", referred_to_unsc=True)
    standing = decision(informed_after, 30, referred_to_asp=True, chamber="Pre-Trial Chamber II")
    decision(informed_after, 60, "other", referred_to_unsc=True)
    visits = (informed_first, reversed_, informed_after)
    flagging.evaluate_visits([v.pk for v in visits], cause="test")

    def lifted(visit) -> list[str]:
        reasons = Verdict.objects.get(visit=visit).reasons
        return [r["decided"] for r in reasons if r["key"] == "no_standing_referral"]

    assert lifted(informed_first) == []
    assert "no referral stands" not in Verdict.objects.get(visit=informed_first).explanation
    assert lifted(reversed_) == [appeal.decided.isoformat()]
    assert lifted(informed_after) == []
    bump_data_version()  # the test's writes are never committed, so never counted
    stands = {r["id"]: r["referral_stands"] for r in findings(api_client)}
    assert (stands[referred.pk], stands[standing.pk]) == (False, True)
    for visit in visits:
        record = api_client.get(f"/api/v1/visits/{visit.slug}/").json()
        assert [r for r in record["verdict"]["reasons"] if r["key"] == "no_standing_referral"] == [
            {"key": "no_standing_referral", "decided": d} for d in lifted(visit)
        ]


def test_the_findings_csv_has_the_informed_columns(seeded, api_client):
    response = api_client.get("/api/v1/findings/", {"format": "csv", "state": "KEN"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert (row["referred_to_asp"], row["referred_to_unsc"], row["referral_stands"]) == (
        "false",
        "false",
        "false",
    )
    assert (row["informed_asp"], row["informed_unsc"]) == ("true", "true")


def test_a_visit_and_a_state_give_the_same_bodies(seeded, api_client):
    """The visit's findings (its record, and the list's rows, built apart: api.visits.rows)
    and the state's findings say the same as /findings/."""
    expected = {"referred_to_asp": False, "referred_to_unsc": False}
    expected |= {"informed_asp": True, "informed_unsc": True}
    slug = "omar-al-bashir-ken-2010-08-27"
    (in_record,) = api_client.get(f"/api/v1/visits/{slug}/").json()["findings"]
    listed = api_client.get("/api/v1/visits/", {"host": "KEN", "person": "omar-al-bashir"})
    (in_list,) = next(v for v in listed.json()["results"] if v["id"] == slug)["findings"]
    (in_state,) = api_client.get("/api/v1/states/KEN/").json()["findings"]
    for finding in (in_record, in_list, in_state):
        assert {key: finding[key] for key in expected} == expected


def test_the_schema_describes_the_informed_fields(seeded, api_client):
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    for name in ("Finding", "FindingRef", "StateFinding"):
        properties = components[name]["properties"]
        assert "informed_unsc" in properties["referred_to_unsc"]["description"], name
        assert "kind `other`" in properties["informed_unsc"]["description"], name
        assert properties["informed_asp"]["type"] == "boolean"


def test_the_bulk_files_say_the_same(seeded, settings, tmp_path):
    settings.ICCWATCH_DOWNLOADS_DIR = tmp_path
    manifest = bulk.build()
    sqlite = next(f for f in manifest["files"] if f["format"] == "sqlite")
    db = sqlite3.connect(tmp_path / sqlite["name"])
    rows = db.execute(
        "SELECT s.iso3, f.decided, f.kind, f.referred_to_asp, f.referred_to_unsc, "
        "f.informed_asp, f.informed_unsc FROM findings f JOIN states s ON s.id = f.state_id"
    ).fetchall()
    for iso3, decided, kind, *bodies in rows:
        if (iso3, decided) in INFORMING:
            assert bodies == [0, 0, 1, 1], (iso3, decided)
        elif kind == "art_87_7":
            assert bodies[2:] == [0, 0], (iso3, decided)
    codebook = {
        row[0]: row[1]
        for row in db.execute(
            'SELECT "column", description FROM _codebook WHERE "table" = \'findings\''
        )
    }
    assert "Always false for a decision of kind `other`" in codebook["referred_to_unsc"]
    columns = [row[1] for row in db.execute("PRAGMA table_info(findings)")]
    place = columns.index("referred_to_unsc")
    assert columns[place + 1 : place + 3] == ["informed_asp", "informed_unsc"]


# The visits of the seed's informing decisions (findings.csv ken-2010-08-27,
# tcd-2010-08-27, dji-2011-05-12).
INFORMING_VISITS = (
    "omar-al-bashir-ken-2010-08-27",
    "omar-al-bashir-tcd-2010-07-21",
    "omar-al-bashir-dji-2011-05-07",
)
INFORMED_BOTH = (
    "informed the Assembly of States Parties and the UN Security Council of the visit on"
)


def finding_reasons(record: dict) -> list[dict]:
    """The `finding` reasons of a visit's verdict and of each entry of its history."""
    stored = [record["verdict"]["reasons"], *(c["reasons"] for c in record["history"])]
    return [r for reasons in stored for r in reasons if r["key"] == "finding"]


def test_a_verdict_s_reasons_say_what_an_informing_decision_informed(seeded, api_client):
    """A visit's verdict `reasons` and its history's give a decision of kind `other` the
    vocabulary of /findings/: `referred_to_*` false, the bodies it informed in
    `informed_asp` and `informed_unsc`; an Art. 87(7) finding's informed nothing."""
    from visits.models import Verdict

    for slug in INFORMING_VISITS:
        record = api_client.get(f"/api/v1/visits/{slug}/").json()
        found = finding_reasons(record)
        assert len(found) == 1 + len(record["history"]), slug
        for reason in found:
            assert reason["kind"] == "other", slug
            assert (reason["referred_to_asp"], reason["referred_to_unsc"]) == (False, False)
            assert (reason["informed_asp"], reason["informed_unsc"]) == (True, True), slug
        assert INFORMED_BOTH in record["verdict"]["explanation"], slug
    referred = [
        r
        for reasons in Verdict.objects.filter(reasons__contains=[{"kind": "art_87_7"}])
        .values_list("reasons", flat=True)
        .iterator()
        for r in reasons
        if r["key"] == "finding" and r["kind"] == "art_87_7"
    ]
    assert any(r["referred_to_asp"] or r["referred_to_unsc"] for r in referred)
    assert not any(r["informed_asp"] or r["informed_unsc"] for r in referred)


def as_an_older_rule_stored(reasons: list[dict]) -> list[dict]:
    """`reasons` as rule 2026.12.05.4 and the earlier ones stored them: a `finding` reason
    without `informed_*`, a decision of kind `other` giving the bodies it informed as
    `referred_to_*`."""
    older = []
    for reason in reasons:
        if reason.get("key") == "finding":
            informed = (reason.get("informed_asp"), reason.get("informed_unsc"))
            reason = {k: v for k, v in reason.items() if not k.startswith("informed_")}
            if reason.get("kind") != "art_87_7":
                reason["referred_to_asp"], reason["referred_to_unsc"] = informed
        older.append(reason)
    return older


def test_reasons_an_older_rule_stored_are_read_and_rewritten_right(seeded, api_client):
    """Verdicts and history entries recorded before the informed bodies had keys of their
    own: the API and the page still read an informing decision as one, and the migration
    gives them the current vocabulary (and takes it back when reversed)."""
    import importlib

    from django.apps import apps

    from core.pagecache import bump_data_version
    from visits.models import Verdict, VerdictChange, Visit

    migration = importlib.import_module("visits.migrations.0047_finding_reasons_informed_bodies")
    current = {}
    for model in (Verdict, VerdictChange):
        for row in model.objects.filter(reasons__contains=[{"key": "finding"}]):
            current[model, row.pk] = row.reasons
            model.objects.filter(pk=row.pk).update(reasons=as_an_older_rule_stored(row.reasons))
    assert any(model is VerdictChange for model, _ in current)
    bump_data_version()  # the test's writes are never committed, so never counted
    kenya = INFORMING_VISITS[0]
    record = api_client.get(f"/api/v1/visits/{kenya}/").json()
    assert all(r["referred_to_unsc"] for r in finding_reasons(record))  # as stored
    assert INFORMED_BOTH in record["verdict"]["explanation"]
    assert all(INFORMED_BOTH in c["explanation"] for c in record["history"])
    page = api_client.get(Visit.objects.get(slug=kenya).get_absolute_url())
    assert INFORMED_BOTH in page.content.decode()

    migration.informed_bodies_apart(apps, None)
    for (model, pk), reasons in current.items():
        assert model.objects.get(pk=pk).reasons == reasons, (model, pk)
    bump_data_version()
    record = api_client.get(f"/api/v1/visits/{kenya}/").json()
    assert all(r["informed_unsc"] and not r["referred_to_unsc"] for r in finding_reasons(record))

    migration.informed_bodies_together(apps, None)
    for (model, pk), reasons in current.items():
        assert model.objects.get(pk=pk).reasons == as_an_older_rule_stored(reasons)


def test_a_state_s_page_heads_its_decisions_as_a_visit_s_page_does(seeded, client):
    """Kenya's only decision informed the Council and the Assembly: its page lists it under
    "ICC decisions", never under "ICC findings and referrals"."""
    page = client.get("/states/KEN/").content.decode()
    assert '<h2 id="findings-heading">ICC decisions</h2>' in page
    assert "findings and referrals" not in page
    assert INFORMED_BOTH in page
