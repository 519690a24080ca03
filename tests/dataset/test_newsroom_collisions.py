"""Import and newsroom never collide: a visits.csv id that belongs to the newsroom's work is
an import error naming both the row (file:line) and the report or visit, and nothing is
written."""

import datetime

import pytest
from django.contrib.auth.models import Group, User

from core import roles
from dataset.importer import ImportFailed, import_dataset
from states.models import State
from tests.dataset.test_importer_rules import VISITS, errors_of, folder, line_of
from visits import review
from visits.models import ReportState, Visit
from visits.reports import SourceInput, record_visit_report
from warrants.models import Person

pytestmark = pytest.mark.django_db

MONGOLIA = "vladimir-putin-mng-2024-09-02"
BELGIUM = {
    "person": "vladimir-putin",
    "host": "BEL",
    "start": "2025-10-08",
    "place": "Brussels",
    "status": "occurred",
    "outcome": "not_arrested",
}
CITATIONS = [{"url": "https://example.org/putin-brussels", "publisher": "Example News"}]


def account(name: str, *groups: str) -> User:
    user = User.objects.create_user(name, password="a-long-test-password")
    for group in groups:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def imported(tmp_path):
    import_dataset(folder(tmp_path, "v1", version="2026.12.01"))


@pytest.fixture
def rita(db):
    return account("rita", roles.REPORTERS)


@pytest.fixture
def victor(db):
    return account("victor", roles.REVIEWERS)


def row_for(slug: str, **changes) -> dict:
    return {
        "id": slug,
        "person_slug": "vladimir-putin",
        "host_iso3": "BEL",
        "start": "2025-10-08",
        "status": "occurred",
        "outcome": "not_arrested",
        "review_state": "verified",
        **changes,
    }


def test_a_row_with_the_id_of_a_visit_the_newsroom_published_is_refused(
    imported, tmp_path, rita, victor
):
    report = review.file_report(author=rita, data=BELGIUM, citations=CITATIONS)
    visit = review.verify(report, victor)
    path = folder(tmp_path, "v2", version="2026.12.02", visits=[*VISITS, row_for(visit.slug)])
    line = line_of(path, "visits.csv", visit.slug)
    assert errors_of(path) == [
        f"visits.csv:{line}: id: {visit.slug} is a visit reported through the newsroom "
        f"(newsroom report {report.pk}, verified, by rita): the import would overwrite it; "
        "give this row another id, or leave the visit to the newsroom"
    ]
    visit.refresh_from_db()
    assert (visit.place, visit.dataset_version, visit.created_by) == ("Brussels", "", rita)


def test_a_row_with_the_id_of_a_visit_reported_on_the_site_is_refused(imported, tmp_path, rita):
    """The issue's case: a pending report (reported on the site) was overwritten and verified."""
    pending = record_visit_report(
        person=Person.objects.get(slug="vladimir-putin"),
        host=State.objects.get(iso3="BEL"),
        start=datetime.date(2025, 10, 8),
        status="occurred",
        outcome="not_arrested",
        place="Brussels",
        notes="from the field",
        sources=[SourceInput(url="https://example.org/putin-brussels")],
        user=rita,
    )
    path = folder(
        tmp_path,
        "v2",
        version="2026.12.02",
        visits=[*VISITS, row_for(pending.slug, city="Antwerp", notes="overwritten")],
    )
    errors = errors_of(path)
    assert len(errors) == 1
    assert errors[0].startswith(f"visits.csv:{line_of(path, 'visits.csv', pending.slug)}: id: ")
    assert f"{pending.slug} is a visit reported through the newsroom" in errors[0]
    assert "reported on the site by rita, never imported" in errors[0]
    pending.refresh_from_db()
    assert (pending.place, pending.notes, pending.review_state) == (
        "Brussels",
        "from the field",
        "reported",
    )


def test_an_imported_visit_with_a_correction_under_review_is_refused_until_reviewed(
    imported, tmp_path, rita, victor
):
    mongolia = Visit.objects.get(slug=MONGOLIA)
    correction = review.file_report(
        author=rita,
        data={**review.report_data_of(mongolia), "end": "2024-09-04"},
        citations=review.citations_of(mongolia),
        visit=mongolia,
    )
    path = folder(tmp_path, "v2", version="2026.12.02")
    assert errors_of(path) == [
        f"visits.csv:{line_of(path, 'visits.csv', MONGOLIA)}: id: {MONGOLIA} has a correction "
        f"under review in the newsroom (report {correction.pk}, submitted, by rita): review it "
        "first, then import"
    ]

    # Verified, the correction stands: the same row may come again only if it carries it.
    review.verify(correction, victor)
    with pytest.raises(ImportFailed) as undone:
        import_dataset(folder(tmp_path, "v3", version="2026.12.03"))
    assert undone.value.errors == [
        f"visits.csv:{line_of(path, 'visits.csv', MONGOLIA)}: id: {MONGOLIA} was corrected "
        f"through the newsroom (report {correction.pk}, verified, by rita): this row would "
        "change it again; carry the correction into visits.csv first"
    ]
    mongolia.refresh_from_db()
    assert (mongolia.end.isoformat(), mongolia.dataset_version) == ("2024-09-04", "2026.12.01")

    carried = [{**VISITS[0], "end": "2024-09-04"}, *VISITS[1:]]
    import_dataset(folder(tmp_path, "v4", version="2026.12.04", visits=carried))
    mongolia.refresh_from_db()
    assert (mongolia.end.isoformat(), mongolia.dataset_version) == ("2024-09-04", "2026.12.04")


def test_a_visit_withdrawn_through_the_newsroom_may_not_be_listed_again(
    imported, tmp_path, rita, victor
):
    """The import would publish it again: an error naming the row and the withdrawal; once
    the row is gone, the import goes through and the visit stays withdrawn."""
    mongolia = Visit.objects.get(slug=MONGOLIA)
    withdrawal = review.propose_withdrawal(
        author=rita, visit=mongolia, note="The trip never happened."
    )
    review.verify(withdrawal, victor)
    path = folder(tmp_path, "v2", version="2026.12.02")
    assert errors_of(path) == [
        f"visits.csv:{line_of(path, 'visits.csv', MONGOLIA)}: id: {MONGOLIA} was withdrawn "
        f"through the newsroom (report {withdrawal.pk}, verified, by rita): the import would "
        "publish it again; remove this row from visits.csv"
    ]
    mongolia.refresh_from_db()
    assert mongolia.review_state == "withdrawn"
    rest = [row for row in VISITS if row["id"] != MONGOLIA]
    import_dataset(folder(tmp_path, "v3", version="2026.12.03", visits=rest))
    mongolia.refresh_from_db()
    assert (mongolia.review_state, mongolia.withdrawal_note) == (
        "withdrawn",
        "The trip never happened.",
    )


def test_a_visit_restored_through_the_newsroom_is_not_withdrawn_again_unseen(
    imported, tmp_path, rita, victor
):
    """The newsroom withdrew Mongolia's visit (the next version left its row out, as the
    import asks), then restored it, withdrawn by mistake: an import that still leaves it
    out would withdraw it again, and readers would see it leave the record with no one
    deciding it. It is refused, naming the restoration; listed again, the visit is
    imported and stays published."""
    mongolia = Visit.objects.get(slug=MONGOLIA)
    withdrawal = review.propose_withdrawal(
        author=rita, visit=mongolia, note="The trip never happened."
    )
    review.verify(withdrawal, victor)
    rest = [row for row in VISITS if row["id"] != MONGOLIA]
    import_dataset(folder(tmp_path, "v2", version="2026.12.02", visits=rest))
    restoration = review.propose_restoration(
        author=rita,
        visit=Visit.objects.get(slug=MONGOLIA),
        note="Withdrawn by mistake: the trip did take place.",
    )
    review.verify(restoration, victor)

    path = folder(tmp_path, "v3", version="2026.12.03", visits=rest)
    assert errors_of(path) == [
        f"visits.csv: id: {MONGOLIA} was restored to the record through the newsroom "
        f"(report {restoration.pk}, verified, by rita) after the last import: leaving it out "
        "would withdraw it again; list it in visits.csv as it stands, or withdraw it "
        "through the newsroom"
    ]
    assert Visit.objects.get(slug=MONGOLIA).review_state == "verified"
    import_dataset(folder(tmp_path, "v4", version="2026.12.04"))
    mongolia.refresh_from_db()
    assert (mongolia.review_state, mongolia.dataset_version) == ("verified", "2026.12.04")


def test_a_finding_of_a_visit_withdrawn_through_the_newsroom_says_so_and_what_to_do(
    tmp_path, rita, victor
):
    """Once the visit's row is removed (as the import asks of a visit withdrawn through the
    newsroom), a finding naming it failed with "'…' is not a visit of visits.csv", which
    did not say why: it now names the withdrawal and the row's two ways out, and the
    import still writes nothing until one is taken."""
    finding = {
        "id": "mng-2024-10-24",
        "state_iso3": "MNG",
        "decided": "2024-10-24",
        "decision_ref": "ICC-01/22-90",
        "chamber": "PTC II",
        "persons": "vladimir-putin",
        "visit_id": MONGOLIA,
        "kind": "art_87_7",
        "referred_to": "asp",
    }
    import_dataset(folder(tmp_path, "v1", version="2026.12.01", findings=[finding]))
    mongolia = Visit.objects.get(slug=MONGOLIA)
    withdrawal = review.propose_withdrawal(
        author=rita, visit=mongolia, note="The trip never happened."
    )
    review.verify(withdrawal, victor)
    rest = [row for row in VISITS if row["id"] != MONGOLIA]
    unknown = {
        **finding,
        "id": "mng-2024-11-01",
        "visit_id": "vladimir-putin-xyz-2024-09-02",
        "decided": "2024-11-01",
    }
    path = folder(tmp_path, "v2", version="2026.12.02", visits=rest, findings=[finding, unknown])
    assert errors_of(path) == [
        f"findings.csv:2: visit_id: {MONGOLIA} was withdrawn through the newsroom (report "
        f"{withdrawal.pk}, verified, by rita), so visits.csv no longer lists it: empty this "
        "visit_id to keep the decision without its visit, or remove this row if the decision "
        "goes with the visit",
        "findings.csv:3: visit_id: 'vladimir-putin-xyz-2024-09-02' is not a visit of visits.csv",
    ]
    from dataset.models import DatasetImport

    assert list(DatasetImport.objects.values_list("version", flat=True)) == ["2026.12.01"]
    # Either way out goes through; the visit stays withdrawn.
    kept = {**finding, "visit_id": ""}
    import_dataset(folder(tmp_path, "v3", version="2026.12.03", visits=rest, findings=[kept]))
    mongolia.refresh_from_db()
    assert mongolia.review_state == "withdrawn"
    assert mongolia.findings.count() == 0


def test_a_rejected_correction_does_not_stop_the_import(imported, tmp_path, rita, victor):
    mongolia = Visit.objects.get(slug=MONGOLIA)
    correction = review.file_report(
        author=rita,
        data={**review.report_data_of(mongolia), "place": "Erdenet"},
        citations=review.citations_of(mongolia),
        visit=mongolia,
    )
    review.reject(correction, victor, "Not so: no outlet reports the trip.")
    assert correction.__class__.objects.get(pk=correction.pk).state == ReportState.REJECTED
    import_dataset(
        folder(
            tmp_path, "v2", version="2026.12.02", visits=[{**VISITS[0], "city": "X"}, *VISITS[1:]]
        )
    )
    mongolia.refresh_from_db()
    assert mongolia.place == "X"
