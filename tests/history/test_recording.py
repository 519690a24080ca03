"""Every change to every fact is recorded, with who, which path, and the row before and after.

Database triggers record it, so an ORM save, a bulk update and a raw SQL UPDATE are all
caught; requests, the importer, commands and the shell say who and how (core.history).
"""

import datetime
import shutil

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from core import roles
from core.history import HistoryMiddleware, WritePath, recording
from core.models import Source
from dataset.importer import import_dataset
from states.models import (
    Declaration,
    JointStatement,
    JointStatementSignatory,
    SecurityCouncilReferral,
    State,
    TreatyEvent,
)
from tests.releases import release
from visits import review
from visits.models import Citation, Finding, Report, Visit
from warrants.models import Person, Warrant

pytestmark = pytest.mark.django_db

MONGOLIA = "vladimir-putin-mng-2024-09-02"


def account(name: str, *groups: str) -> User:
    user = User.objects.create_user(name, password="a-long-test-password")
    for group in groups:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def editor(db):
    return account("edith", roles.REVIEWERS)


def a_report(seeded):
    author = account("rita", roles.REPORTERS)
    visit = Visit.objects.get(slug=MONGOLIA)
    return review.file_report(
        author=author,
        data={**review.report_data_of(visit), "end": "2024-09-04"},
        citations=review.citations_of(visit),
        visit=visit,
    )


# Each tracked model: a record of the seed (or a new report) and a text field to change.
TRACKED = {
    "visit": (lambda seeded: Visit.objects.get(slug=MONGOLIA), "place"),
    "citation": (lambda seeded: Citation.objects.filter(visit__slug=MONGOLIA).first(), "excerpt"),
    "person": (lambda seeded: Person.objects.get(slug="vladimir-putin"), "role"),
    "warrant": (lambda seeded: Warrant.objects.first(), "notes"),
    "treaty event": (lambda seeded: TreatyEvent.objects.filter(state__iso3="MNG").first(), "note"),
    "declaration": (lambda seeded: Declaration.objects.first(), "notes"),
    "finding": (lambda seeded: Finding.objects.first(), "notes"),
    "joint statement": (lambda seeded: JointStatement.objects.first(), "title"),
    "referral": (lambda seeded: SecurityCouncilReferral.objects.first(), "notes"),
    "report": (a_report, "comment"),
    "source": (
        lambda seeded: Source.objects.filter(citations__visit__slug=MONGOLIA).first(),
        "excerpt",
    ),
}


def last_event(obj):
    return type(obj).pgh_event_model.objects.filter(pgh_obj_id=obj.pk).order_by("pgh_id").last()


def before_and_after(obj, field: str):
    """The field's value in the last event of `obj` and in the event before it."""
    events = list(
        type(obj).pgh_event_model.objects.filter(pgh_obj_id=obj.pk).order_by("-pgh_id")[:2]
    )
    return getattr(events[1], field), getattr(events[0], field)


@pytest.mark.parametrize("kind", TRACKED)
def test_an_orm_save_is_recorded_with_author_path_before_and_after(seeded, editor, kind):
    get, field = TRACKED[kind]
    obj = get(seeded)
    old = getattr(obj, field)
    with recording(WritePath.NEWSROOM, user=editor):
        setattr(obj, field, "changed through the ORM")
        obj.save()

    event = last_event(obj)
    assert event.pgh_label == "update"
    assert before_and_after(obj, field) == (old, "changed through the ORM")
    assert event.pgh_context.metadata["path"] == "newsroom"
    assert event.pgh_context.metadata["username"] == "edith"
    assert event.pgh_context.metadata["user"] == editor.pk


@pytest.mark.parametrize("kind", TRACKED)
def test_a_bulk_update_is_recorded(seeded, editor, kind):
    get, field = TRACKED[kind]
    obj = get(seeded)
    old = getattr(obj, field)
    with recording(WritePath.ADMIN, user=editor):
        type(obj).objects.filter(pk=obj.pk).update(**{field: "changed in bulk"})

    assert before_and_after(obj, field) == (old, "changed in bulk")
    metadata = last_event(obj).pgh_context.metadata
    assert (metadata["path"], metadata["username"]) == ("admin", "edith")


@pytest.mark.parametrize("kind", TRACKED)
def test_a_raw_sql_update_is_recorded(seeded, kind):
    get, field = TRACKED[kind]
    obj = get(seeded)
    old = getattr(obj, field)
    table = connection.ops.quote_name(type(obj)._meta.db_table)
    with recording(WritePath.SHELL, os_user="operator"), connection.cursor() as cursor:
        cursor.execute(f'UPDATE {table} SET "{field}" = %s WHERE id = %s', ["raw SQL", obj.pk])

    assert before_and_after(obj, field) == (old, "raw SQL")
    assert last_event(obj).pgh_context.metadata == {"path": "shell", "os_user": "operator"}


def test_a_write_with_no_context_is_still_recorded(seeded):
    person = Person.objects.get(slug="vladimir-putin")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE warrants_person SET role = 'psql' WHERE id = %s", [person.pk])
    event = last_event(person)
    assert (event.role, event.pgh_context) == ("psql", None)


def test_inserts_and_deletes_are_recorded_with_the_row(seeded, editor):
    with recording(WritePath.ADMIN, user=editor):
        finding = Finding.objects.create(
            state=State.objects.get(iso3="MNG"),
            decided=datetime.date(2030, 1, 1),
            notes="new",
        )
        pk = finding.pk
        finding.delete()
    events = Finding.pgh_event_model.objects.filter(pgh_obj_id=pk).order_by("pgh_id")
    assert [(e.pgh_label, e.notes) for e in events] == [("insert", "new"), ("delete", "new")]


def test_signatories_added_and_removed_are_recorded(seeded, editor):
    statement = JointStatement.objects.first()
    state = State.objects.exclude(joint_statements=statement).first()
    with recording(WritePath.ADMIN, user=editor):
        statement.signatories.add(state)
        statement.signatories.remove(state)
    events = JointStatementSignatory.pgh_event_model.objects.filter(
        jointstatement_id=statement.pk, state_id=state.pk
    ).order_by("pgh_id")
    assert [e.pgh_label for e in events] == ["signatory.add", "signatory.remove"]
    assert events[0].pgh_context.metadata["username"] == "edith"


def test_bookkeeping_alone_records_nothing(seeded):
    person = Person.objects.get(slug="vladimir-putin")
    count = Person.pgh_event_model.objects.count()
    person.save()  # only updated_at changes
    Visit.objects.filter(slug=MONGOLIA).update(dataset_version="elsewhere")
    assert Person.pgh_event_model.objects.count() == count
    assert last_event(Visit.objects.get(slug=MONGOLIA)).pgh_label != "update"


def test_a_request_is_recorded_with_its_user_path_and_address(seeded, editor):
    person = Person.objects.get(slug="vladimir-putin")

    def view(request):
        Person.objects.filter(pk=person.pk).update(role="through a request")
        return HttpResponse("ok")

    request = RequestFactory().post("/newsroom/reports/1/verify/")
    request.user = editor
    HistoryMiddleware(view)(request)
    metadata = last_event(person).pgh_context.metadata
    assert metadata == {
        "user": editor.pk,
        "username": "edith",
        "url": "/newsroom/reports/1/verify/",
        "path": "newsroom",
    }


def test_an_api_user_authenticated_in_the_view_is_recorded(seeded, editor):
    """Django REST framework sets the user in the view, after the middleware ran."""
    from django.contrib.auth.models import AnonymousUser

    person = Person.objects.get(slug="vladimir-putin")

    def view(request):
        request.user = editor  # what token authentication does
        Person.objects.filter(pk=person.pk).update(role="through the API")
        return HttpResponse("ok")

    request = RequestFactory().post("/api/v1/reports/")
    request.user = AnonymousUser()
    HistoryMiddleware(view)(request)
    metadata = last_event(person).pgh_context.metadata
    assert (metadata["path"], metadata["username"], metadata["user"]) == (
        "api",
        "edith",
        editor.pk,
    )


def test_the_seed_import_is_recorded_as_the_import_of_its_version(seeded, dataset_dir):
    version = (dataset_dir / "VERSION").read_text().strip()
    visit = Visit.objects.get(slug=MONGOLIA)
    first = Visit.pgh_event_model.objects.filter(pgh_obj_id=visit.pk).order_by("pgh_id").first()
    assert first.pgh_label == "insert"
    metadata = first.pgh_context.metadata
    assert (metadata["path"], metadata["dataset_version"]) == ("import", version)
    assert metadata["command"] == "import_dataset"


def test_a_newer_dataset_version_records_what_it_changed(seeded, dataset_dir, tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(dataset_dir, copy)
    version = release(copy)
    text = (copy / "visits.csv").read_text(encoding="utf-8")
    line = next(li for li in text.splitlines() if li.startswith(MONGOLIA + ","))
    fields = line.split(",")
    fields[3] = "Ulaanbaatar (imported)"
    (copy / "visits.csv").write_text(text.replace(line, ",".join(fields)), encoding="utf-8")

    import_dataset(copy)

    visit = Visit.objects.get(slug=MONGOLIA)
    event = last_event(visit)
    assert before_and_after(visit, "place")[1] == "Ulaanbaatar (imported)"
    assert before_and_after(visit, "place")[0] != "Ulaanbaatar (imported)"
    assert event.pgh_context.metadata == {"path": "import", "dataset_version": version}


def test_the_shell_records_its_path(seeded):
    person = Person.objects.get(slug="vladimir-putin")
    call_command(
        "shell",
        command=(
            "from warrants.models import Person; "
            f"Person.objects.filter(pk={person.pk}).update(role='from the shell')"
        ),
    )
    event = last_event(person)
    assert event.role == "from the shell"
    assert event.pgh_context.metadata["path"] == "shell"


def test_a_report_is_tracked_but_never_a_public_change(seeded):
    report = a_report(seeded)
    assert Report.pgh_event_model.objects.filter(pgh_obj_id=report.pk).exists()


def test_the_trigger_helpers_open_no_subtransaction_per_row(db):
    """A COPY of many rows in one transaction stays linear (core.FAST_TRIGGER_HELPERS)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proname, prosrc LIKE '%%EXCEPTION%%' FROM pg_proc "
            "WHERE proname IN ('_pgh_attach_context', '_pgtrigger_should_ignore')"
        )
        assert dict(cursor.fetchall()) == {
            "_pgh_attach_context": False,
            "_pgtrigger_should_ignore": False,
        }


def test_a_reports_history_names_it_by_its_number_after_its_kind(seeded, client):
    """It read "Report report 3"."""
    report = a_report(seeded)
    client.force_login(account("ruth", roles.REVIEWERS))
    page = client.get(f"/newsroom/history/visits.report/{report.pk}/").content.decode()
    assert f"no. {report.pk}" in page and f"report {report.pk}" not in page.lower()
