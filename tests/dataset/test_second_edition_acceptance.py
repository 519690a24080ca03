"""The rule's second edition, end to end: the project's dataset plus a few rows a researcher
might add, imported by the project's own importer and read back through `export_verdicts`.

Each case is one of the acceptance points of the second edition (docs/DOMAIN.md): an
acquitted man's trip home is no visit, a host that did not control the place is no
incident, an announced trip is an early warning, a Security Council referral binds the
state it names, and a reversed referral is shown as reversed.
"""

import csv
import datetime
import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from core.reasons import render
from dataset.importer import ImportFailed, import_dataset
from tests.releases import NEWER, release
from visits.models import Visit

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent.parent / "data"
SOURCE = "https://example.org/acceptance-source"
# The copies' version (tests.releases.NEWER): newer than data/'s, as a changed dataset must
# be (the importer refuses changed files under the version imported last).
NEXT_YEAR = datetime.date.today().year + 1


@pytest.fixture(autouse=True)
def generous_rate_limits(generous_rate_limits):
    """Read the API without tripping over other tests' throttle history in the shared cache."""


def with_rows(tmp_path: Path, **rows: list[dict]) -> Path:
    """A copy of data/ with `rows` appended to the named files (visits=[...], persons=[...]),
    under a newer version (NEWER)."""
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    release(folder, NEWER)
    for name, extra in rows.items():
        path = folder / f"{name}.csv"
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle))
        with path.open("a", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=header)
            for row in extra:
                writer.writerow({"source_urls": SOURCE, **row})
    return folder


def visit_row(**values) -> dict:
    return {"status": "occurred", "outcome": "not_arrested", "review_state": "verified", **values}


def exported() -> dict[str, dict]:
    out = io.StringIO()
    call_command("export_verdicts", stdout=out)
    return {row["id"]: row for row in csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff")))}


def test_bembas_trip_home_cannot_be_a_visit_and_no_incident_names_dr_congo_for_him(
    seeded, tmp_path
):
    folder = with_rows(
        tmp_path,
        visits=[
            visit_row(
                id="jean-pierre-bemba-gombo-cod-2018-08-01",
                person_slug="jean-pierre-bemba-gombo",
                host_iso3="COD",
                city="Kinshasa",
                start="2018-08-01",
                end="2018-08-01",
            )
        ],
    )
    with pytest.raises(ImportFailed) as failed:
        import_dataset(folder)
    assert any(
        "host_iso3" in error and "own state of nationality" in error and "COD" in error
        for error in failed.value.errors
    ), failed.value.errors
    assert not Visit.objects.filter(slug="jean-pierre-bemba-gombo-cod-2018-08-01").exists()
    incidents = [row for row in exported().values() if row["verdict"] == "non_compliance"]
    assert incidents
    assert not [r for r in incidents if r["person_slug"] == "jean-pierre-bemba-gombo"]
    assert not [r for r in incidents if r["host_iso3"] == "COD" and "bemba" in r["id"]]


def test_a_visit_to_occupied_crimea_is_no_control_citing_the_declaration_of_2015(seeded, tmp_path):
    slug = "vladimir-putin-ukr-2024-03-18"
    import_dataset(
        with_rows(
            tmp_path,
            visits=[
                visit_row(
                    id=slug,
                    person_slug="vladimir-putin",
                    host_iso3="UKR",
                    city="Sevastopol",
                    start="2024-03-18",
                    end="2024-03-18",
                    host_control="none",
                    controlled_by_iso3="RUS",
                    expected_verdict="no_control",
                )
            ],
        )
    )
    row = exported()[slug]
    assert (row["verdict"], row["basis"], row["would_have_been_bound"]) == (
        "no_control",
        "art_12_3_declaration",
        "true",
    )
    assert (row["host_control"], row["controlled_by_iso3"]) == ("none", "RUS")
    assert "8 September 2015" in row["explanation"]
    assert "2014" not in row["explanation"].split("8 September 2015")[0]
    cited = [r for r in Visit.objects.get(slug=slug).verdict.reasons if r.get("lodged")]
    assert {r["lodged"] for r in cited} == {"2015-09-08"}


def test_an_announced_trip_to_france_next_year_is_upcoming_on_the_state_party_basis(
    seeded, tmp_path
):
    slug = f"vladimir-putin-fra-{NEXT_YEAR}-05-10"
    import_dataset(
        with_rows(
            tmp_path,
            visits=[
                visit_row(
                    id=slug,
                    person_slug="vladimir-putin",
                    host_iso3="FRA",
                    city="Paris",
                    start=f"{NEXT_YEAR}-05-10",
                    end=f"{NEXT_YEAR}-05-11",
                    status="announced",
                    outcome="n/a",
                )
            ],
        )
    )
    row = exported()[slug]
    assert (row["verdict"], row["basis"], row["would_have_been_bound"]) == (
        "upcoming",
        "state_party",
        "true",
    )
    assert not [
        r for r in exported().values() if r["id"] == slug and r["verdict"] == "non_compliance"
    ]


def test_a_non_libyan_in_libya_in_2024_is_a_failure_under_the_security_council_referral(
    seeded, tmp_path
):
    slug = "acceptance-suspect-lby-2024-06-01"
    import_dataset(
        with_rows(
            tmp_path,
            persons=[
                {
                    "slug": "acceptance-suspect",
                    "name": "Acceptance Suspect",
                    "nationality_iso3": "TCD",
                    "situation": "Libya",
                    "status": "at_large",
                }
            ],
            warrants=[
                {
                    "person_slug": "acceptance-suspect",
                    "case_name": "The Prosecutor v. Acceptance Suspect",
                    "issued": "2023-01-10",
                    "made_public": "2023-01-10",
                }
            ],
            visits=[
                visit_row(
                    id=slug,
                    person_slug="acceptance-suspect",
                    host_iso3="LBY",
                    city="Tripoli",
                    start="2024-06-01",
                    end="2024-06-01",
                )
            ],
        )
    )
    row = exported()[slug]
    assert (row["verdict"], row["basis"]) == ("non_compliance", "unsc_referral")
    assert "S/RES/1970 (2011)" in row["explanation"]


def test_jordans_2017_visit_shows_the_finding_and_that_no_referral_stands(seeded):
    row = exported()["omar-al-bashir-jor-2017-03-28"]
    assert row["verdict"] == "non_compliance"
    verdict = Visit.objects.get(slug="omar-al-bashir-jor-2017-03-28").verdict
    findings = [r for r in verdict.reasons if r["key"] == "finding"]
    assert [f["decided"] for f in findings] == ["2017-12-11", "2019-05-06"]
    assert findings[0]["referred_to_asp"] and findings[0]["referred_to_unsc"]
    assert not findings[1]["referred_to_asp"] and not findings[1]["referred_to_unsc"]
    assert {"key": "no_standing_referral", "decided": "2019-05-06"} in verdict.reasons
    assert "11 December 2017" in row["explanation"]
    # The appeal's own sentence says that no referral stands (said once, not twice).
    assert (
        "The ICC Appeals Chamber upheld the finding of non-compliance on 6 May 2019 and reversed "
        "the decision to refer it to the Assembly of States Parties and the UN Security Council."
    ) in row["explanation"]
    assert "no referral stands" not in row["explanation"]
    with translation.override("fr"):
        french = render(verdict.reasons)
    assert "11 décembre 2017" in french
    assert "le 6 mai 2019 et infirmé la décision de saisir l’Assemblée des États parties" in french


def test_reimporting_without_a_visit_withdraws_it_and_the_incident_feed_says_so(
    seeded, tmp_path, client
):
    folder = with_rows(tmp_path)
    with (folder / "findings.csv").open(encoding="utf-8") as handle:
        with_finding = {row["visit_id"] for row in csv.DictReader(handle)}
    # An incident no finding rests on (a finding's visit cannot leave the files alone).
    slug = (
        Visit.objects.filter(verdict__code="non_compliance")
        .exclude(slug__in=with_finding)
        .order_by("slug")
        .values_list("slug", flat=True)
        .first()
    )
    with (folder / "visits.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    with (folder / "visits.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(row for row in rows if row["id"] != slug)

    import_dataset(folder)

    visit = Visit.objects.get(slug=slug)
    assert (visit.review_state, visit.verdict.code) == ("withdrawn", "withdrawn")
    change = visit.verdict_changes.latest("changed_at", "id")
    assert (change.old_code, change.new_code) == ("non_compliance", "withdrawn")
    assert change.cause == f"withdrawn: removed from dataset version {NEWER}"
    feed = client.get("/incidents/feed/").content.decode()
    assert f"withdrawn: removed from dataset version {NEWER}" in feed
    french = client.get("/incidents/feed/", {"lang": "fr"}).content.decode()
    assert f"retirée de la version {NEWER} du jeu de données" in french
    response = client.get(f"/api/v1/visits/{slug}/")
    assert response.status_code == 200, response.content
    api = response.json()
    assert api["history"][-1]["cause"] == f"withdrawn: removed from dataset version {NEWER}"


def test_a_new_rule_version_recomputes_every_verdict_and_its_history_says_why(seeded):
    from compliance import RULE_VERSION
    from visits import flagging, outbox
    from visits.models import Verdict

    # Verdicts as an older rule stored them: an English sentence and no reasons.
    Verdict.objects.update(rule_version="2026.11.2", reasons=[])
    before = {v.visit_id: v.code for v in Verdict.objects.all()}
    outbox.request_outdated_rule_version()
    stats = flagging.evaluate_pending()
    assert stats.evaluated == len(before) == stats.changed
    assert set(Verdict.objects.values_list("rule_version", flat=True)) == {RULE_VERSION}
    assert not Verdict.objects.filter(reasons=[]).exists()
    mongolia = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    change = mongolia.verdict_changes.latest("changed_at", "id")
    assert change.cause == f"the compliance rule changed (now version {RULE_VERSION})"
    with translation.override("fr"):
        from front.summaries import change_cause

        assert change_cause(change) == f"la règle a changé (version {RULE_VERSION})"


def test_history_names_a_nationality_by_its_code_never_by_a_database_id(seeded):
    from core import causes
    from states.models import State
    from visits.models import EvaluationRequest
    from warrants.models import Person

    person = Person.objects.get(slug="vladimir-putin")
    person.nationality = State.objects.get(iso3="ISL")
    person.save()
    request = EvaluationRequest.objects.filter(visit__person=person).first()
    assert causes.render(causes.loads(request.reason), "en") == (
        "person vladimir-putin: nationality RUS → ISL"
    )
    assert causes.render(causes.loads(request.reason), "fr") == (
        "personne vladimir-putin\u00a0: nationalité RUS → ISL"
    )
