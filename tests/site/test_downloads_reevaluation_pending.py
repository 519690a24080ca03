"""Every download of visits says whether a verdict awaits re-evaluation, as the API's JSON does.

A verified correction, with no worker running, leaves the verdict decided from the old
facts beside the corrected ones: the visit's page and `verdict.reevaluation_pending` say
so, and so does each download, in its last column `reevaluation_pending` (the site's CSV
and JSON, the API's CSV, the bulk files' visits and verdicts, `export_verdicts`), `true`
until the evaluation runs, `false` after.

The data scientist's case: Omar al-Bashir's visit to Chad of 8 August 2016, its start
corrected to August 2016 (month precision), gave `start=2016-08-01, start_precision=month`
with the old explanation "…on 8 August 2016…" and nothing saying it was out of date.
"""

import csv
import io
import json
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import timezone

from api.visits.views import API_VISIT_TABLE, INCIDENT_FEED_TABLE
from core import roles
from dataset import bulk
from dataset.management.commands.export_verdicts import COLUMNS as EXPORT_VERDICTS_COLUMNS
from tests.site.conftest import body
from visits import flagging, review
from visits.models import VerdictChange, Visit
from visits.tables import VISIT_TABLE
from warrants.models import Warrant

pytestmark = pytest.mark.django_db

CHAD = "omar-al-bashir-tcd-2016-08-08"
MONGOLIA = "vladimir-putin-mng-2024-09-02"


def account(name: str, *groups: str) -> User:
    user = User.objects.create_user(name, password="a-long-test-password")
    for group in groups:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def staff(db):
    return SimpleNamespace(
        author=account("rita", roles.REPORTERS), reviewer=account("victor", roles.REVIEWERS)
    )


def verify_correction(staff, slug: str, reason: str, **changes) -> Visit:
    """A correction of the visit `slug`, filed and verified; nothing evaluated since."""
    visit = Visit.objects.get(slug=slug)
    report = review.file_report(
        author=staff.author,
        data={**review.report_data_of(visit), **changes},
        citations=review.citations_of(visit),
        visit=visit,
        reason=reason,
    )
    return review.verify(report, staff.reviewer)


@pytest.fixture
def corrected(seeded, staff):
    """Chad 2016 known to the month only, Mongolia 2024 an arrest after all: both verified
    while no worker runs, so both verdicts wait for their re-evaluation."""
    verify_correction(
        staff,
        CHAD,
        "The sources give the month of the visit, not its day.",
        start="2016-08",
    )
    verify_correction(
        staff,
        MONGOLIA,
        "The Kremlin's readout says the host arrested him after all.",
        outcome="arrested",
    )
    return SimpleNamespace(pending={CHAD, MONGOLIA})


def csv_rows(text: str) -> tuple[list[str], dict[str, dict]]:
    table = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    return table.fieldnames, {row["id"]: row for row in table}


def site_csv(reader, address: str) -> dict[str, dict]:
    response = reader.get(address)
    assert response.status_code == 200
    names, rows = csv_rows(body(response))
    assert names == VISIT_TABLE.names
    assert names[-1] == "reevaluation_pending"  # last: clients read the columns by position
    return rows


def api_csv(api_client, address: str, params: dict, table) -> dict[str, dict]:
    response = api_client.get(address, {**params, "format": "csv"})
    assert response.status_code == 200
    names, rows = csv_rows(body(response))
    assert names == table.names and names[-1] == "reevaluation_pending"
    return rows


def site_json(reader, address: str) -> dict[str, dict]:
    response = reader.get(address)
    assert response.status_code == 200
    return {row["id"]: row for row in json.loads(body(response))["results"]}


def bulk_rows(name: str) -> tuple[list[str], list[dict]]:
    table = next(t for t in bulk.tables() if t.table.name == name)
    return table.table.names, list(bulk.rows(table))


def bulk_pending() -> dict[str, dict[str, bool]]:
    """{table: {visit slug: reevaluation_pending}} for the bulk files' visits and verdicts."""
    names, visits = bulk_rows("visits")
    assert names[-1] == "reevaluation_pending"
    slugs = {row["id"]: row["slug"] for row in visits}
    names, verdicts = bulk_rows("verdicts")
    assert names[-1] == "reevaluation_pending"
    return {
        "visits": {row["slug"]: row["reevaluation_pending"] for row in visits},
        "verdicts": {slugs[row["visit_id"]]: row["reevaluation_pending"] for row in verdicts},
    }


def export_verdicts() -> dict[str, dict]:
    out = io.StringIO()
    call_command("export_verdicts", stdout=out)
    names, rows = csv_rows(out.getvalue())
    assert names == EXPORT_VERDICTS_COLUMNS and names[-1] == "reevaluation_pending"
    return rows


def every_download(reader, api_client) -> dict[str, dict[str, str]]:
    """{download: {visit id: its reevaluation_pending cell, as text}} for Chad's and
    Mongolia's visits in every download that holds them."""
    found = {}
    for address in ("/visits.csv?host=TCD&year=2016", "/visits.csv?host=MNG", "/fr/visits.csv"):
        found[address] = site_csv(reader, address)
    found["/incidents.csv"] = site_csv(reader, "/incidents.csv")
    for address in ("/visits.json?host=TCD&year=2016", "/visits.json?host=MNG"):
        found[address] = {
            slug: json.dumps(row["reevaluation_pending"])
            for slug, row in site_json(reader, address).items()
        }
    for host in ("TCD", "MNG"):
        found[f"api csv {host}"] = api_csv(
            api_client, "/api/v1/visits/", {"host": host}, API_VISIT_TABLE
        )
    found["api csv incidents"] = api_csv(api_client, "/api/v1/incidents/", {}, INCIDENT_FEED_TABLE)
    for slug in (CHAD, MONGOLIA):
        found[f"api csv of {slug}"] = api_csv(
            api_client, f"/api/v1/visits/{slug}/", {}, API_VISIT_TABLE
        )
    for table, pending in bulk_pending().items():
        found[f"bulk {table}"] = {slug: json.dumps(value) for slug, value in pending.items()}
    found["export_verdicts"] = export_verdicts()
    return {
        name: {
            slug: (row if isinstance(row, str) else row["reevaluation_pending"])
            for slug, row in rows.items()
        }
        for name, rows in found.items()
    }


def test_every_download_says_a_verdict_awaits_re_evaluation_until_it_is_evaluated(
    reader, api_client, corrected, settings
):
    settings.ICCWATCH_PAGE_CACHE = False
    # The API's JSON says it, and the visit's page.
    verdict = api_client.get(f"/api/v1/visits/{CHAD}/").json()["verdict"]
    assert verdict["reevaluation_pending"] is True

    row = site_csv(reader, "/visits.csv?host=TCD&year=2016")[CHAD]
    # The corrected facts beside the verdict decided from the old ones: told as such.
    assert (row["start"], row["start_precision"]) == ("2016-08-01", "month")
    assert "8 August 2016" in row["explanation"]
    assert row["reevaluation_pending"] == "true"

    downloads = every_download(reader, api_client)
    for name, cells in downloads.items():
        held = set(cells) & corrected.pending
        assert held, f"{name} holds neither corrected visit"
        for slug in held:
            assert cells[slug] == "true", (name, slug)
        others = {cells[slug] for slug in cells if slug not in corrected.pending}
        assert others <= {"false"}, name  # every other visit's verdict is up to date

    flagging.evaluate_pending()
    row = site_csv(reader, "/visits.csv?host=TCD&year=2016")[CHAD]
    assert "8 August 2016" not in row["explanation"]
    assert row["reevaluation_pending"] == "false"
    for name, cells in every_download(reader, api_client).items():
        assert set(cells.values()) == {"false"}, name


def test_a_past_verdict_is_never_pending_and_no_verdict_says_nothing(
    reader, api_client, corrected, settings
):
    """`?as_of=` gives the verdict iccwatch showed then, never pending (as the JSON's
    `verdict.reevaluation_pending`); a visit not evaluated yet has no verdict, and no
    `reevaluation_pending` either (an empty cell, null in JSON), as its `verdict`."""
    settings.ICCWATCH_PAGE_CACHE = False
    today = timezone.now().date().isoformat()
    past = api_csv(api_client, "/api/v1/visits/", {"host": "MNG", "as_of": today}, API_VISIT_TABLE)
    assert past[MONGOLIA]["verdict"] == "non_compliance"
    assert past[MONGOLIA]["reevaluation_pending"] == "false"
    assert (
        api_client.get(f"/api/v1/visits/{MONGOLIA}/", {"as_of": today}).json()["verdict"][
            "reevaluation_pending"
        ]
        is False
    )

    Visit.objects.get(slug=MONGOLIA).verdict.delete()
    row = site_csv(reader, "/visits.csv?host=MNG")[MONGOLIA]
    assert (row["verdict"], row["reevaluation_pending"]) == ("", "")
    assert site_json(reader, "/visits.json?host=MNG")[MONGOLIA]["reevaluation_pending"] is None
    assert bulk_pending()["visits"][MONGOLIA] is None


def test_an_edit_the_verdict_does_not_read_is_not_pending_in_a_download(reader, seeded):
    """The researchers' notes saved while no worker runs record a request that cannot
    change the verdict: no download tells the verdict as pending (as the JSON does not)."""
    visit = Visit.objects.get(slug=MONGOLIA)
    visit.notes = "Checked against the Kremlin's readout."
    visit.save()
    assert site_csv(reader, "/visits.csv?host=MNG")[MONGOLIA]["reevaluation_pending"] == "false"
    assert bulk_pending()["verdicts"][MONGOLIA] is False


def test_the_bulk_files_are_built_again_once_the_pending_verdicts_are_evaluated(seeded):
    """The files say which verdicts await re-evaluation: an evaluation that clears them
    gives the same data a new key (`bulk.data_key`), so that the next build writes them
    anew, even when no verdict changed (no history row, no record changed)."""
    Warrant.objects.get(ref="vladimir-putin-2023-03-17").save()
    assert bulk_pending()["verdicts"][MONGOLIA] is True
    pending = bulk.data_key()
    changes = VerdictChange.objects.count()
    flagging.evaluate_pending()
    assert VerdictChange.objects.count() == changes  # the same verdicts
    assert bulk_pending()["verdicts"][MONGOLIA] is False
    assert bulk.data_key() != pending
