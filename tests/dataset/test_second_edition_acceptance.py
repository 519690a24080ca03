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
from visits.models import Visit

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent.parent / "data"
SOURCE = "https://example.org/acceptance-source"
NEXT_YEAR = datetime.date.today().year + 1


def with_rows(tmp_path: Path, **rows: list[dict]) -> Path:
    """A copy of data/ with `rows` appended to the named files (visits=[...], persons=[...])."""
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
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
    assert "Since the decision of 6 May 2019, no referral stands." in row["explanation"]
    with translation.override("fr"):
        french = render(verdict.reasons)
    assert "11 décembre 2017" in french
    assert "Depuis la décision du 6 mai 2019, aucun renvoi n'est maintenu." in french
