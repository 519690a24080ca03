"""A finding's and a joint statement's identifier (the API's `id`, in its `url`): found by the
files' `id` column, so that a newer version correcting any other column keeps the row, its
number and its address.

Matched on (state, visit, decided, kind) and on (date, title), Sudan's 2010 finding moved
by one day was deleted and created again under a new number ("created", "deleted" in the
import's report), `/api/v1/findings/1/` answered 404, and a word added to the 2020
statement's title made `/api/v1/statements/1/` a 404 too."""

import shutil

import pytest

from states.models import JointStatement
from tests.dataset.test_damaged_rows import edit as edit_row
from tests.releases import refused, release, run_import
from visits.models import Finding

pytestmark = pytest.mark.django_db

SUDAN_2010 = "sdn-2010-05-25"
STATEMENT_2020 = "2020-06-23"


def copy_of(dataset_dir, tmp_path, version=None):
    """A copy of the dataset released under a newer version (tests.releases: its
    VERSION and CHANGELOG entry), as changed data must carry one."""
    copy = tmp_path / (version or "data")
    shutil.copytree(dataset_dir, copy)
    release(copy, version)
    return copy


def edit(copy, name: str, row_id: str, **cells) -> None:
    """Set `cells` of the row of `name` whose `id` is `row_id`."""
    edit_row(copy, name, "id", row_id, **cells)


def test_the_shipped_files_give_every_finding_and_statement_its_id(seeded):
    assert not Finding.objects.filter(slug="").exists()
    assert not JointStatement.objects.filter(slug="").exists()
    assert Finding.objects.get(slug=SUDAN_2010).state.iso3 == "SDN"
    assert JointStatement.objects.get(slug=STATEMENT_2020).signatory_count == 67


def test_the_newsroom_developers_corrections_keep_both_ids_and_urls(
    seeded, dataset_dir, tmp_path, api_client
):
    finding = Finding.objects.get(slug=SUDAN_2010)
    statement = JointStatement.objects.get(slug=STATEMENT_2020)
    finding_url = api_client.get("/api/v1/findings/").json()["results"][0]["url"]
    copy = copy_of(dataset_dir, tmp_path)
    edit(copy, "findings.csv", SUDAN_2010, decided="2010-05-26")
    title = statement.title.replace("Joint statement", "Joint public statement", 1)
    edit(copy, "statements.csv", STATEMENT_2020, title=title)

    output = run_import(copy)

    assert "findings: 0 created, 1 updated, 20 unchanged" in output
    assert "joint statements: 0 created, 1 updated, 3 unchanged" in output
    assert "deleted" not in output
    answer = api_client.get(f"/api/v1/findings/{finding.pk}/")
    assert answer.status_code == 200
    assert (answer.json()["id"], answer.json()["decided"]) == (finding.pk, "2010-05-26")
    assert answer.json()["url"] == finding_url
    answer = api_client.get(f"/api/v1/statements/{statement.pk}/")
    assert answer.status_code == 200
    assert (answer.json()["id"], answer.json()["title"]) == (statement.pk, title)


@pytest.mark.parametrize(
    ("row_id", "cells"),
    [
        # No visit: its state may change alone.
        (SUDAN_2010, {"state_iso3": "SSD"}),
        (SUDAN_2010, {"decided": "2010-05"}),
        (SUDAN_2010, {"decision_ref": "ICC-02/05-01/07-57"}),
        (SUDAN_2010, {"chamber": "PTC II"}),
        (SUDAN_2010, {"persons": "ahmad-harun"}),
        (SUDAN_2010, {"kind": "other"}),
        (SUDAN_2010, {"referred_to": "asp;unsc"}),
        (SUDAN_2010, {"notes": "Corrected."}),
        (SUDAN_2010, {"source_urls": "https://example.org/decision"}),
        ("mng-2024-10-24", {"visit_id": ""}),
    ],
    ids=lambda value: "-".join(value) if isinstance(value, dict) else value,
)
def test_a_correction_of_any_column_keeps_the_findings_id_and_url(
    seeded, dataset_dir, tmp_path, api_client, row_id, cells
):
    finding = Finding.objects.get(slug=row_id)
    copy = copy_of(dataset_dir, tmp_path)
    edit(copy, "findings.csv", row_id, **cells)

    output = run_import(copy)

    assert "findings: 0 created, 1 updated, 20 unchanged" in output
    assert Finding.objects.get(slug=row_id).pk == finding.pk
    assert api_client.get(f"/api/v1/findings/{finding.pk}/").status_code == 200


@pytest.mark.parametrize(
    "cells",
    [
        {"date": "2020-06-24"},
        {"title": "Joint statement of 67 States Parties in support of the ICC"},
        {"signatories_iso3": "AND;ARG"},
        {"count": "68"},
        {"source_urls": "https://example.org/statement"},
    ],
    ids=lambda cells: "-".join(cells),
)
def test_a_correction_of_any_column_keeps_the_statements_id_and_url(
    seeded, dataset_dir, tmp_path, api_client, cells
):
    statement = JointStatement.objects.get(slug=STATEMENT_2020)
    copy = copy_of(dataset_dir, tmp_path)
    edit(copy, "statements.csv", STATEMENT_2020, **cells)

    output = run_import(copy)

    assert "joint statements: 0 created, 1 updated, 3 unchanged" in output
    assert JointStatement.objects.get(slug=STATEMENT_2020).pk == statement.pk
    assert api_client.get(f"/api/v1/statements/{statement.pk}/").status_code == 200


def test_rows_recorded_before_the_files_had_ids_keep_their_numbers(seeded, dataset_dir, tmp_path):
    """A database that holds a version without ids (2026.12.05 and before): the import of
    one with ids finds each row by what identified it then, gives it its id and keeps its
    number, so the addresses published before stay true."""
    Finding.objects.update(slug="")
    JointStatement.objects.update(slug="")
    numbers = {
        (f.state.iso3, f.decided.isoformat()): f.pk for f in Finding.objects.select_related("state")
    }
    statements = {s.date.isoformat(): s.pk for s in JointStatement.objects.all()}

    output = run_import(copy_of(dataset_dir, tmp_path))

    assert "findings: 0 created, 21 updated, 0 unchanged" in output
    assert "joint statements: 0 created, 4 updated, 0 unchanged" in output
    assert {f"{iso3.lower()}-{decided}": pk for (iso3, decided), pk in numbers.items()} == dict(
        Finding.objects.values_list("slug", "pk")
    )
    assert statements == dict(JointStatement.objects.values_list("slug", "pk"))


def test_an_id_missing_repeated_or_not_a_slug_is_refused(seeded, dataset_dir, tmp_path):
    copy = copy_of(dataset_dir, tmp_path)
    edit(copy, "findings.csv", "ken-2010-08-27", id="")
    edit(copy, "findings.csv", "tcd-2010-08-27", id=SUDAN_2010)
    edit(copy, "statements.csv", "2020-11-02", id="Nov 2020")

    errors = refused(copy)

    assert "findings.csv:3: id: is required" in errors
    assert f"findings.csv:4: id: {SUDAN_2010} is already used on line 2" in errors
    assert "statements.csv:3: id: 'Nov 2020' must be lower-case words joined by hyphens" in errors
