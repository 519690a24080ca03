"""The importer's own refusal of an end that is not known (`end` `?`) on a trip that did not
take place (`status` cancelled or virtual): it has no end to be unknown (data/DICTIONARY.md,
`end`; visits.review.unknown_end_refused, the rule the newsroom and the API apply too). The
refusal names the file, the line and why, and the import is all or nothing: a folder
with such a row changes nothing, not even its other rows' changes."""

import datetime

import pytest

from dataset.importer import import_dataset
from tests.dataset.test_import_safety import record
from tests.dataset.test_importer_rules import VISITS, folder, line_of
from tests.releases import refused
from visits.models import Visit

pytestmark = pytest.mark.django_db

TRIP_NOT_TAKEN = {
    "id": "vladimir-putin-bel-2025-03-10",
    "person_slug": "vladimir-putin",
    "host_iso3": "BEL",
    "start": "2025-03-10",
    "end": "?",
    "outcome": "n/a",
    "review_state": "verified",
}
REFUSAL = (
    "A cancelled or virtual trip did not take place: it has no end that is not known. Give "
    "the planned end date, or leave the end empty for a trip of one day."
)


@pytest.mark.parametrize("status", ["cancelled", "virtual"])
def test_a_trip_not_taken_with_an_end_not_known_is_refused_and_nothing_is_imported(
    tmp_path, status
):
    import_dataset(folder(tmp_path, "first", version="2026.12.01"))
    before = record()
    # The next version moves Putin's Mongolian visit to Ulaanbaatar and adds the trip not
    # taken with `?` for its end: neither is imported.
    changed = [{**VISITS[0], "city": "Ulaanbaatar"}, VISITS[1]]
    trip = {**TRIP_NOT_TAKEN, "status": status}
    path = folder(tmp_path, "second", version="2026.12.02", visits=[*changed, trip])
    line = line_of(path, "visits.csv", trip["id"])
    errors = [li for li in refused(path) if not li.startswith("note: ")]
    assert errors == [f"visits.csv:{line}: end: {REFUSAL}"]
    assert record() == before
    assert Visit.objects.get(slug=VISITS[0]["id"]).place == ""
    assert not Visit.objects.filter(slug=trip["id"]).exists()
    # Its planned end given, or none (a trip of one day), the same folder imports.
    for end, version, stored in (
        ("2025-03-11", "2026.12.03", datetime.date(2025, 3, 11)),
        ("", "2026.12.04", None),
    ):
        path = folder(tmp_path, version, version=version, visits=[*changed, {**trip, "end": end}])
        import_dataset(path)
        imported = Visit.objects.get(slug=trip["id"])
        assert (imported.status, imported.end, imported.end_known) == (status, stored, True)
    assert Visit.objects.get(slug=VISITS[0]["id"]).place == "Ulaanbaatar"


def test_an_announced_trip_may_have_an_end_not_known(tmp_path):
    """The end of an announced trip may not have been announced yet: `?` is imported."""
    trip = {**TRIP_NOT_TAKEN, "id": "vladimir-putin-bel-2027-03-10", "start": "2027-03-10"}
    import_dataset(folder(tmp_path, visits=[*VISITS, {**trip, "status": "announced"}]))
    imported = Visit.objects.get(slug=trip["id"])
    assert (imported.status, imported.end, imported.end_known) == ("announced", None, False)
