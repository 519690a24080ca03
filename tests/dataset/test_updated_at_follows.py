"""A record's `updated_at` ("When the record last changed in iccwatch") moves whenever
anything its API record shows changes, rows of other tables included, whoever writes them
(visits migration 0044): through the importer and through a plain model save or delete.

A state has no `changed_since`: its `updated_at` and `?ordering=-updated` are a client's only
change markers. Importing a version that changed only Argentina's `signed` date ("treaty
events: 1 updated") left `GET /api/v1/states/ARG/`'s `updated_at` as it was; so did a
warrant whose person was renamed, and a visit whose decision was corrected."""

import datetime
import shutil

import pytest
from django.db import models

from core.models import Source
from states.models import (
    Declaration,
    JointStatement,
    SecurityCouncilReferral,
    State,
    TreatyEvent,
    TreatyEventKind,
)
from tests.dataset.test_damaged_rows import edit
from tests.releases import release, run_import
from visits.models import Citation, Finding, Visit
from warrants.models import Case, Person, Situation, Warrant

pytestmark = pytest.mark.django_db

MONGOLIA_VISIT = "vladimir-putin-mng-2024-09-02"
# The visits whose records a change of another row moves: a withdrawn visit's `updated_at`
# stays the day it left the record.
PUBLISHED = {"review_state": "verified"}


def copy_of(dataset_dir, tmp_path):
    """A copy of the dataset released under a newer version (tests.releases: its VERSION
    and CHANGELOG entry), as changed data must carry one."""
    copy = tmp_path / "data"
    shutil.copytree(dataset_dir, copy)
    release(copy)
    return copy


def stamps(model, **lookup) -> dict:
    """{pk: updated_at} of the rows of `model` matching `lookup`."""
    return dict(model.objects.filter(**lookup).values_list("pk", "updated_at"))


def moved(before: dict, model) -> set:
    """The pks of `before` whose `updated_at` is later now."""
    now = stamps(model, pk__in=before)
    return {pk for pk, stamp in before.items() if now[pk] > stamp}


def state(iso3: str) -> State:
    return State.objects.get(iso3=iso3)


# --- Through the importer -------------------------------------------------------------


def test_a_treaty_date_corrected_by_an_import_moves_the_states_updated_at(
    seeded, dataset_dir, tmp_path, api_client
):
    before = api_client.get("/api/v1/states/ARG/").json()
    others = stamps(State, iso3__in=["BRA", "CHL"])
    copy = copy_of(dataset_dir, tmp_path)
    edit(copy, "states.csv", "iso3", "ARG", signed="1999-01-09")

    output = run_import(copy)

    assert "treaty events: 0 created, 1 updated" in output
    after = api_client.get("/api/v1/states/ARG/").json()
    assert after["signed"] == "1999-01-09" != before["signed"]
    assert after["updated_at"] > before["updated_at"]
    assert moved(others, State) == set()
    newest = api_client.get("/api/v1/states/?ordering=-updated").json()["results"][0]
    assert newest["iso3"] == "ARG"


@pytest.mark.parametrize(
    ("file", "key", "value", "cells", "touched"),
    [
        ("declarations.csv", "lodged", "2015-09-08", {"notes": "Corrected."}, {"UKR"}),
        ("referrals.csv", "resolution", "S/RES/1970 (2011)", {"bound_iso3": "LBY;TCD"}, {"TCD"}),
        ("findings.csv", "id", "mng-2024-10-24", {"chamber": "PTC I"}, {"MNG"}),
        ("findings.csv", "id", "mng-2024-10-24", {"persons": ""}, {"MNG"}),
        ("statements.csv", "id", "2020-06-23", {"title": "Corrected title"}, {"AND", "VEN"}),
        # Signatories fewer: those removed, and every one's `listed_count`.
        ("statements.csv", "id", "2025-02-07", {"signatories_iso3": "AFG"}, {"AFG", "VUT"}),
        ("states.csv", "iso3", "ARG", {"source_urls": "https://example.org/arg"}, {"ARG"}),
    ],
    ids=[
        "declaration",
        "referral",
        "finding",
        "finding-persons",
        "statement",
        "signatories",
        "sources",
    ],
)
def test_an_import_changing_what_a_state_shows_moves_its_updated_at(
    seeded, dataset_dir, tmp_path, file, key, value, cells, touched
):
    before = stamps(State, iso3__in=[*touched, "USA"])
    copy = copy_of(dataset_dir, tmp_path)
    edit(copy, file, key, value, **cells)

    run_import(copy)

    assert {s.iso3 for s in State.objects.filter(pk__in=moved(before, State))} == touched


def test_a_person_renamed_by_an_import_moves_its_warrants_and_visits(
    seeded, dataset_dir, tmp_path, api_client
):
    putin = Person.objects.get(slug="vladimir-putin")
    warrants, visits = stamps(Warrant, person=putin), stamps(Visit, person=putin, **PUBLISHED)
    since = max(visits.values()).isoformat().replace("+00:00", "Z")
    others = stamps(Warrant, person__slug="omar-al-bashir")
    copy = copy_of(dataset_dir, tmp_path)
    edit(copy, "persons.csv", "slug", "vladimir-putin", name="Vladimir V. Putin")

    run_import(copy)

    assert moved(warrants, Warrant) == set(warrants)
    assert moved(visits, Visit) == set(visits)
    assert moved(others, Warrant) == set()
    ref = Warrant.objects.filter(person=putin).first().ref
    answer = api_client.get(f"/api/v1/warrants/{ref}/").json()
    assert answer["person"]["name"] == "Vladimir V. Putin"
    assert answer["updated_at"] > since
    changed = api_client.get("/api/v1/visits/", {"changed_since": since, "page_size": 100}).json()
    assert {v["id"] for v in changed["results"]} >= set(
        Visit.objects.filter(pk__in=visits).values_list("slug", flat=True)
    )


def test_a_warrant_corrected_by_an_import_moves_its_persons_updated_at(
    seeded, dataset_dir, tmp_path
):
    persons = stamps(Person, slug__in=["vladimir-putin", "omar-al-bashir"])
    copy = copy_of(dataset_dir, tmp_path)
    edit(copy, "warrants.csv", "person_slug", "vladimir-putin", made_public="2023-03-18")

    run_import(copy)

    assert moved(persons, Person) == {Person.objects.get(slug="vladimir-putin").pk}


def test_a_finding_corrected_by_an_import_moves_its_visits_updated_at(
    seeded, dataset_dir, tmp_path
):
    visits = stamps(Visit, slug__in=[MONGOLIA_VISIT, "omar-al-bashir-zaf-2015-06-14"])
    copy = copy_of(dataset_dir, tmp_path)
    edit(copy, "findings.csv", "id", "mng-2024-10-24", referred_to="asp;unsc")

    run_import(copy)

    assert moved(visits, Visit) == {Visit.objects.get(slug=MONGOLIA_VISIT).pk}


# --- Through a plain model save or delete ----------------------------------------------


def test_a_treaty_event_saved_or_deleted_moves_its_states_updated_at(seeded):
    argentina = state("ARG")
    event = argentina.treaty_events.get(kind=TreatyEventKind.SIGNED)
    before = stamps(State, iso3__in=["ARG", "BRA"])
    event.date += datetime.timedelta(days=1)
    event.save()
    assert moved(before, State) == {argentina.pk}

    brazil = state("BRA")
    before = stamps(State, iso3="BRA")
    brazil.treaty_events.get(kind=TreatyEventKind.SIGNED).delete()
    assert moved(before, State) == {brazil.pk}


def test_a_treaty_events_source_added_moves_its_states_updated_at(seeded):
    france = state("FRA")
    before = stamps(State, iso3="FRA")
    source = Source.objects.create(url="https://example.org/fra", publisher="example.org")
    TreatyEvent.objects.filter(state=france).first().sources.add(source)
    assert moved(before, State) == {france.pk}


def test_a_declaration_saved_moves_its_states_updated_at(seeded):
    declaration = Declaration.objects.select_related("state").first()
    before = stamps(State, pk=declaration.state_id)
    declaration.notes += " Corrected."
    declaration.save()
    assert moved(before, State) == {declaration.state_id}


def test_a_referral_binding_a_state_moves_its_updated_at(seeded):
    referral = SecurityCouncilReferral.objects.get(resolution="S/RES/1970 (2011)")
    bound = set(referral.bound_states.values_list("pk", flat=True))
    chad = state("TCD")
    before = stamps(State, pk__in=[*bound, chad.pk])
    referral.bound_states.add(chad)
    assert moved(before, State) == {chad.pk}


def test_a_referral_corrected_moves_the_states_it_binds(seeded):
    referral = SecurityCouncilReferral.objects.get(resolution="S/RES/1970 (2011)")
    bound = set(referral.bound_states.values_list("pk", flat=True))
    before = stamps(State, pk__in=[*bound, state("TCD").pk])
    referral.adopted += datetime.timedelta(days=1)
    referral.save()
    assert moved(before, State) == bound


def test_a_finding_saved_moves_its_states_and_its_visits_updated_at(seeded):
    finding = Finding.objects.get(slug="mng-2024-10-24")
    states, visits = stamps(State, iso3__in=["MNG", "ZAF"]), stamps(Visit, pk=finding.visit_id)
    finding.decision_reference += " (corrected)"
    finding.save()
    # The reference is not among what a visit shows of its findings.
    assert (moved(states, State), moved(visits, Visit)) == ({finding.state_id}, set())
    finding.referred_to_unsc = not finding.referred_to_unsc
    finding.save()
    assert moved(visits, Visit) == {finding.visit_id}


def test_a_findings_persons_changed_move_its_states_updated_at(seeded):
    finding = Finding.objects.get(slug="mng-2024-10-24")
    states = stamps(State, iso3__in=["MNG", "ZAF"])
    finding.persons.clear()
    assert moved(states, State) == {finding.state_id}


def test_a_finding_of_a_visit_published_or_withdrawn_moves_its_states_updated_at(seeded):
    finding = Finding.objects.get(slug="mng-2024-10-24")
    before = stamps(State, pk=finding.state_id)
    Visit.objects.filter(pk=finding.visit_id).update(review_state="withdrawn")
    assert moved(before, State) == {finding.state_id}


def test_a_joint_statement_saved_moves_its_signatories_updated_at(seeded):
    statement = JointStatement.objects.get(slug="2020-06-23")
    signatories = set(statement.signatories.values_list("pk", flat=True))
    before = stamps(State, pk__in=[*signatories, state("USA").pk])
    statement.title += " (corrected)"
    statement.save()
    assert moved(before, State) == signatories


@pytest.mark.parametrize("slug", ["2020-06-23", "2025-02-07"])
def test_a_signatory_added_or_removed_moves_every_signatorys_updated_at(seeded, slug):
    """Each signatory's record shows how many the statement lists (`listed_count`)."""
    statement = JointStatement.objects.get(slug=slug)
    signatories = set(statement.signatories.values_list("pk", flat=True))
    usa, austria = state("USA"), state("AUT")
    before = stamps(State, pk__in=[*signatories, usa.pk, state("RUS").pk])
    if slug == "2020-06-23":
        statement.signatories.add(usa)
        assert moved(before, State) == {*signatories, usa.pk}
    else:
        statement.signatories.remove(austria)
        assert moved(before, State) == signatories


def test_a_states_name_moves_its_territories_nationals_and_hosted_visits(seeded):
    france, mongolia = state("FRA"), state("MNG")
    territories = stamps(State, territory_of=france)
    assert territories
    france.name = "French Republic"
    france.save()
    assert moved(territories, State) == set(territories)

    nationals = stamps(Person, nationality__iso3="SDN")
    assert nationals
    sudan = state("SDN")
    sudan.name = "Republic of the Sudan"
    sudan.save()
    assert moved(nationals, Person) == set(nationals)

    hosted = stamps(Visit, host=mongolia, **PUBLISHED)
    mongolia.name = "Mongolia (corrected)"
    mongolia.save()
    assert moved(hosted, Visit) == set(hosted)


def test_a_territory_marked_by_a_bulk_update_moves_its_updated_at(seeded):
    reunion = state("REU")
    before = stamps(State, pk=reunion.pk)
    reunion.territory_of = None
    State.objects.bulk_update([reunion], ["territory_of"])
    assert moved(before, State) == {reunion.pk}


def test_a_person_renamed_moves_its_warrants_and_published_visits(seeded):
    putin = Person.objects.get(slug="vladimir-putin")
    warrants, visits = stamps(Warrant, person=putin), stamps(Visit, person=putin, **PUBLISHED)
    others = stamps(Visit, person__slug="omar-al-bashir")
    putin.name = "Vladimir V. Putin"
    putin.save()
    assert moved(warrants, Warrant) == set(warrants)
    assert moved(visits, Visit) == set(visits)
    assert moved(others, Visit) == set()


def test_a_person_whose_notes_change_moves_neither_warrants_nor_visits(seeded):
    putin = Person.objects.get(slug="vladimir-putin")
    warrants, visits = stamps(Warrant, person=putin), stamps(Visit, person=putin)
    putin.notes += " Corrected."
    putin.save()
    assert (moved(warrants, Warrant), moved(visits, Visit)) == (set(), set())


def test_a_situation_renamed_moves_whatever_shows_it(seeded):
    ukraine = Situation.objects.get(slug="ukraine")
    persons = stamps(Person, situation=ukraine)
    warrants = stamps(Warrant, person__situation=ukraine)
    visits = stamps(Visit, person__situation=ukraine, **PUBLISHED)
    declaring = stamps(State, declarations__situation=ukraine)
    assert persons and warrants and visits and declaring
    ukraine.name = "Situation in Ukraine"
    ukraine.save()
    assert moved(persons, Person) == set(persons)
    assert moved(warrants, Warrant) == set(warrants)
    assert moved(visits, Visit) == set(visits)
    assert moved(declaring, State) == set(declaring)


def test_a_warrant_saved_or_added_moves_its_persons_updated_at(seeded):
    warrant = Warrant.objects.filter(person__slug="vladimir-putin").first()
    before = stamps(Person, slug__in=["vladimir-putin", "omar-al-bashir"])
    warrant.made_public += datetime.timedelta(days=1)
    warrant.save()
    assert moved(before, Person) == {warrant.person_id}
    # Its charges are not among what the person shows of it.
    before = stamps(Person, pk=warrant.person_id)
    warrant.charges += " Corrected."
    warrant.save()
    assert moved(before, Person) == set()


def test_a_case_renamed_moves_its_warrants(seeded):
    case = Case.objects.filter(warrants__isnull=False).first()
    warrants = stamps(Warrant, case=case)
    case.number += "-corrected"
    case.save()
    assert moved(warrants, Warrant) == set(warrants)


def test_sources_added_move_the_records_citing_them(seeded):
    putin = Person.objects.get(slug="vladimir-putin")
    warrant = Warrant.objects.filter(person=putin).first()
    visit = Visit.objects.get(slug=MONGOLIA_VISIT)
    source = Source.objects.create(url="https://example.org/new", publisher="example.org")
    before = (stamps(Person, pk=putin.pk), stamps(Warrant, pk=warrant.pk))
    putin.sources.add(source)
    warrant.sources.add(source)
    assert (moved(before[0], Person), moved(before[1], Warrant)) == ({putin.pk}, {warrant.pk})

    before = stamps(Visit, pk=visit.pk)
    Citation.objects.create(visit=visit, source=source)
    assert moved(before, Visit) == {visit.pk}


def test_a_source_corrected_moves_the_records_citing_it(seeded):
    visit = Visit.objects.get(slug=MONGOLIA_VISIT)
    cited = visit.sources.first()
    citing = stamps(Visit, citations__source=cited, **PUBLISHED)
    others = stamps(Visit, slug="omar-al-bashir-zaf-2015-06-14")
    cited.publisher = "Corrected publisher"
    cited.save()
    assert moved(citing, Visit) == set(citing)
    assert moved(others, Visit) == set()


def test_a_withdrawn_visit_keeps_the_day_it_left_the_record(seeded):
    """visits.review.withdrawn_on reads a withdrawn visit's `updated_at` as the day it was
    withdrawn: a change of its person, host or decisions does not move it."""
    visit = Visit.objects.get(slug=MONGOLIA_VISIT)
    Visit.objects.filter(pk=visit.pk).update(review_state="withdrawn")
    before = stamps(Visit, pk=visit.pk)
    person, host = visit.person, visit.host
    person.name += " (corrected)"
    person.save()
    host.name += " (corrected)"
    host.save()
    finding = Finding.objects.get(visit=visit)
    finding.referred_to_unsc = not finding.referred_to_unsc
    finding.save()
    assert moved(before, Visit) == set()


# --- Through a bulk update or plain SQL -----------------------------------------------
# `auto_now` sees only a model's save: a bulk `update()` (a script's, the admin's
# actions') and an edit in psql write the row without it. The database stamps a record
# whose own shown columns change, however written.


def test_a_visit_edited_by_a_bulk_update_moves_its_updated_at(seeded, api_client):
    visit = Visit.objects.get(slug=MONGOLIA_VISIT)
    before = stamps(Visit, slug__in=[MONGOLIA_VISIT, "omar-al-bashir-zaf-2015-06-14"])
    since = visit.updated_at.isoformat().replace("+00:00", "Z")
    Visit.objects.filter(slug=MONGOLIA_VISIT).update(place="Ulaanbaatar (corrected)")
    assert moved(before, Visit) == {visit.pk}
    changed = api_client.get("/api/v1/visits/", {"changed_since": since, "page_size": 500})
    assert MONGOLIA_VISIT in {v["id"] for v in changed.json()["results"]}


def test_a_visit_edited_in_sql_moves_its_updated_at(seeded):
    from django.db import connection

    visit = Visit.objects.get(slug=MONGOLIA_VISIT)
    before = stamps(Visit, pk=visit.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE visits_visit SET occasion = occasion || ' (corrected)' WHERE slug = %s",
            [MONGOLIA_VISIT],
        )
    assert moved(before, Visit) == {visit.pk}


def test_a_warrant_and_a_person_edited_by_a_bulk_update_move_their_updated_at(seeded, api_client):
    putin = Person.objects.get(slug="vladimir-putin")
    warrant = Warrant.objects.filter(person=putin).first()
    warrants, persons = (
        stamps(Warrant, person=putin),
        stamps(Person, slug__in=["vladimir-putin", "omar-al-bashir"]),
    )
    Warrant.objects.filter(pk=warrant.pk).update(notes="Corrected.")
    assert moved(warrants, Warrant) == {warrant.pk}
    # The notes of a warrant are not among what its person shows of it.
    assert moved(persons, Person) == set()

    persons = stamps(Person, slug__in=["vladimir-putin", "omar-al-bashir"])
    Person.objects.filter(pk=putin.pk).update(name="Vladimir V. Putin")
    assert moved(persons, Person) == {putin.pk}
    newest = api_client.get("/api/v1/persons/?ordering=-updated").json()["results"][0]
    assert newest["slug"] == "vladimir-putin"


def test_a_write_that_changes_nothing_shown_leaves_updated_at(seeded):
    """The same value written again, or a column the record does not show (a visit's
    researchers' notes and the dataset version that last listed it), moves nothing."""
    putin = Person.objects.get(slug="vladimir-putin")
    visits = stamps(Visit, person=putin)
    persons, warrants = stamps(Person, pk=putin.pk), stamps(Warrant, person=putin)
    Visit.objects.filter(person=putin).update(notes="Researcher's note.", dataset_version="x")
    Visit.objects.filter(slug=MONGOLIA_VISIT).update(
        place=Visit.objects.get(slug=MONGOLIA_VISIT).place
    )
    Person.objects.filter(pk=putin.pk).update(name=putin.name)
    Warrant.objects.filter(person=putin).update(charges=models.F("charges"))
    assert (moved(visits, Visit), moved(persons, Person), moved(warrants, Warrant)) == (
        set(),
        set(),
        set(),
    )


def test_a_withdrawn_visit_edited_in_bulk_keeps_the_day_it_left_the_record(seeded):
    visit = Visit.objects.get(slug=MONGOLIA_VISIT)
    Visit.objects.filter(pk=visit.pk).update(review_state="withdrawn")
    left = Visit.objects.get(pk=visit.pk).updated_at
    Visit.objects.filter(pk=visit.pk).update(review_state="withdrawn", place="Elsewhere")
    assert Visit.objects.get(pk=visit.pk).updated_at == left
