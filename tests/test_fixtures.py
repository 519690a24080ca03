"""The tests' shared state (tests/conftest.py): the seed imported once per run, the snapshot
that gives it back after a transactional test, and the fast password hasher."""

import pytest
from django.core.management import call_command

from tests.conftest import _seed_models, restore_seed_snapshot
from tests.factories import make_person, make_visit
from visits.models import Visit


def contents() -> dict[str, list[tuple]]:
    """Every row of every table the import fills, in primary-key order."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for model in _seed_models()
    }


def test_test_users_get_the_fast_hasher(reporter):
    assert reporter.password.startswith("md5$")
    assert reporter.check_password("a-long-test-password")
    assert not reporter.check_password("another-password")


@pytest.mark.django_db
def test_ordinary_tests_see_the_committed_seed_and_may_change_it(seeded):
    visits = Visit.objects.filter(slug="vladimir-putin-mng-2024-09-02")
    assert visits.get().place == "Ulaanbaatar"
    visits.update(place="Nowhere")  # rolled back with the test's transaction
    assert visits.get().place == "Nowhere"


@pytest.mark.django_db(transaction=True)
def test_the_snapshot_gives_back_exactly_the_imported_seed(seeded):
    imported = contents()
    assert imported["visits.Visit"] and imported["visits.Verdict"]
    call_command("flush", interactive=False, verbosity=0)
    assert not Visit.objects.exists()

    restore_seed_snapshot()

    assert contents() == imported
    # The sequences follow the restored rows: new rows get new keys.
    putin = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    new = make_visit(make_person("snapshot-test-person"), putin.host)
    assert new.pk > max(pk for pk, *_ in imported["visits.Visit"])


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_without_the_seed_finds_an_empty_database():
    assert contents() == {model._meta.label: [] for model in _seed_models()}
