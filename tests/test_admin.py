"""The admin is the admins' tool: every model's list and edit pages work, only admins
get in, and a visit saved there becomes a report that another reviewer must verify."""

import datetime

import pghistory.models
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from core.models import Source
from states.models import State
from tests.security.helpers import PASSWORD, account, admin_form_data
from visits import review
from visits.models import Finding, Report, ReportState, ReviewState, Visit
from warrants.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, seeded):
    user = User.objects.create_superuser("admin", "admin@example.org", PASSWORD)
    client.force_login(user)
    return client


def test_every_model_of_the_project_is_in_the_admin():
    # The history's event tables are shown on each record's history page, not in the admin;
    # a proxy (the tracked signatories link) is its concrete model's.
    project_models = [
        m
        for label in ("core", "states", "warrants", "visits")
        for m in apps.get_app_config(label).get_models()
        if not issubclass(m, pghistory.models.Event) and not m._meta.proxy
    ]
    missing = [m.__name__ for m in project_models if m not in admin.site._registry]
    assert missing == []


@pytest.mark.parametrize(
    "model",
    [
        m
        for m in admin.site._registry
        if m._meta.app_label in ("core", "states", "warrants", "visits")
    ],
    ids=lambda m: m.__name__,
)
def test_each_admin_list_and_change_page_opens(staff_client, model):
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    response = staff_client.get(reverse(f"{prefix}_changelist"), {"q": "a"})
    assert response.status_code == 200
    obj = model.objects.first()
    if obj is not None:
        response = staff_client.get(reverse(f"{prefix}_change", args=[obj.pk]))
        assert response.status_code == 200


def test_the_visit_page_shows_the_verdict_and_its_history_read_only(staff_client):
    visit = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    response = staff_client.get(reverse("admin:visits_visit_change", args=[visit.pk]))
    content = response.content.decode()
    assert "non_compliance" in content
    assert "first evaluation" in content


def test_staff_cannot_edit_verdicts_by_hand(staff_client):
    visit = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    response = staff_client.post(
        reverse("admin:visits_verdict_change", args=[visit.pk]), {"code": "complied"}
    )
    assert response.status_code == 403
    visit.verdict.refresh_from_db()
    assert visit.verdict.code == "non_compliance"


# --- Only admins use the admin -----------------------------------------------------------


def test_staff_who_are_not_admins_cannot_use_the_admin(client, seeded):
    """Measured defect: any staff account (a reviewer with is_staff) could use the admin."""
    reviewer = account("rita", "reviewers", staff=True)
    reviewer.user_permissions.set(Permission.objects.all())
    client.force_login(reviewer)
    response = client.get(reverse("admin:visits_visit_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = client.post(reverse("admin:visits_visit_add"), {"person": "1"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_admin_sign_in_refuses_a_reviewer_with_the_right_password(client, seeded):
    account("rita", "reviewers", staff=True)
    response = client.post(
        reverse("admin:login"), {"username": "rita", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "newsroom" in response.content.decode()


def test_members_of_the_admins_group_use_the_admin(client, seeded):
    user = account("ada", "admins")
    client.force_login(user)
    visit = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:visits_visit_change", args=[visit.pk])).status_code == 200
    response = client.post(
        reverse("admin:login"), {"username": "ada", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302


# --- Visits saved in the admin become reports --------------------------------------------


@pytest.fixture
def admin_user(seeded):
    return User.objects.create_superuser("root", "root@example.org", PASSWORD)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def new_visit_data(admin_client, *, host="TJK", person="vladimir-putin", sources=1):
    data = admin_form_data(admin_client.get(reverse("admin:visits_visit_add")))
    data.update(
        {
            "person": str(Person.objects.get(slug=person).pk),
            "host": str(State.objects.get(iso3=host).pk),
            "start": "2012-10-08",
            "start_precision": "day",
            "end": "2012-10-10",
            "end_precision": "day",
            "status": "occurred",
            "outcome": "not_arrested",
            "host_control": "effective",
            "place": "Dushanbe",
            # Not a field of the form: a forged value must change nothing.
            "review_state": ReviewState.VERIFIED,
        }
    )
    prefix = "citations"
    data[f"{prefix}-TOTAL_FORMS"] = str(sources)
    for i, source in enumerate(Source.objects.order_by("id")[:sources]):
        data[f"{prefix}-{i}-source"] = str(source.pk)
        data[f"{prefix}-{i}-publisher"] = "Test Wire"
    return data


def test_a_visit_added_in_the_admin_is_a_report_not_a_published_visit(admin_client, admin_user):
    """Measured defect: a visit added with review_state=verified was public at once."""
    before = Visit.objects.count()
    response = admin_client.post(reverse("admin:visits_visit_add"), new_visit_data(admin_client))
    assert response.status_code == 302, response.context and response.context["errors"]
    assert Visit.objects.count() == before
    report = Report.objects.get(author=admin_user)
    assert response["Location"] == reverse("admin:visits_report_change", args=[report.pk])
    assert report.state == ReportState.SUBMITTED and not report.is_correction
    assert report.data["host"] == "TJK" and report.data["start"] == "2012-10-08"
    assert len(report.citations) == 1
    # Four eyes: its author cannot verify it, another reviewer can.
    with pytest.raises(review.FourEyesError):
        review.verify(report, admin_user)
    visit = review.verify(report, account("vera", "reviewers"))
    assert visit.review_state == ReviewState.VERIFIED and visit.created_by == admin_user


def test_a_visit_without_a_source_is_refused_in_the_admin(admin_client, admin_user):
    """Measured defect: the admin saved a visit with no source."""
    data = new_visit_data(admin_client, sources=0)
    response = admin_client.post(reverse("admin:visits_visit_add"), data)
    assert response.status_code == 200
    assert "Please submit at least 1 form." in response.content.decode()
    assert not Report.objects.filter(author=admin_user).exists()


def test_a_visit_to_the_persons_own_state_is_a_form_error_not_a_500(admin_client, admin_user):
    """Measured defect: the database trigger's IntegrityError escaped as a 500."""
    data = new_visit_data(admin_client, host="RUS")
    response = admin_client.post(reverse("admin:visits_visit_add"), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "own state of nationality" in " ".join(form.errors["host"])
    assert not Report.objects.filter(author=admin_user).exists()


@pytest.mark.parametrize("status", ["cancelled", "virtual"])
def test_a_trip_not_taken_with_an_end_not_known_is_refused_in_the_admin(
    admin_client, admin_user, status
):
    """Measured defect: the newsroom, the API and the importer refused a cancelled or
    virtual trip whose end is not known (visits.reports.unknown_end_refused), the admin
    filed it. The end is refused beside its box, in the newsroom's words, nothing filed;
    an announced trip may still have one (its end not yet announced)."""
    data = new_visit_data(admin_client)
    data.update({"status": status, "outcome": "n/a", "end": ""})
    data.pop("end_known", None)  # the box "end known" left unticked
    response = admin_client.post(reverse("admin:visits_visit_add"), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["end"] == [
        "A cancelled or virtual trip did not take place: it has no end that is not known. "
        "Give the planned end date, or leave the end empty for a trip of one day."
    ]
    assert not Report.objects.filter(author=admin_user).exists()

    next_month = timezone.localdate() + datetime.timedelta(days=30)
    data.update({"status": "announced", "start": next_month.isoformat()})
    response = admin_client.post(reverse("admin:visits_visit_add"), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    report = Report.objects.get(author=admin_user)
    assert (report.data["status"], report.data["end"]) == ("announced", "?")


@pytest.mark.parametrize(
    ("field", "value"), [("place", "\u202eebahsuD"), ("citations-0-publisher", "\u2067Wire")]
)
def test_a_bidirectional_control_in_a_visits_text_is_refused_in_the_admin(
    admin_client, admin_user, field, value
):
    """As in the newsroom and the API (core.text): the admin files a report too."""
    data = new_visit_data(admin_client)
    data[field] = value
    response = admin_client.post(reverse("admin:visits_visit_add"), data)
    assert response.status_code == 200
    assert "invisible control character" in response.content.decode()
    assert not Report.objects.filter(author=admin_user).exists()


def test_editing_a_published_visit_files_a_correction_and_leaves_it_unchanged(
    admin_client, admin_user
):
    visit = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    url = reverse("admin:visits_visit_change", args=[visit.pk])
    data = admin_form_data(admin_client.get(url))
    assert "review_state" not in data  # read-only: not a field of the form
    data.update({"place": "Somewhere else", "review_state": ReviewState.REPORTED, "reason": WHY})
    response = admin_client.post(url, data)
    assert response.status_code == 302
    report = Report.objects.get(author=admin_user)
    assert report.is_correction and report.visit == visit
    assert report.data["place"] == "Somewhere else"
    # Filed as the newsroom files a correction: with its reason, from the version read.
    assert report.reason == WHY and report.based_on == visit.updated_at
    visit.refresh_from_db()
    assert visit.place != "Somewhere else" and visit.review_state == ReviewState.VERIFIED
    # Saving it again unchanged files nothing more.
    data = admin_form_data(admin_client.get(url))
    response = admin_client.post(url, {**data, "reason": WHY}, follow=True)
    assert "Nothing changed: no report was filed." in response.content.decode()
    assert Report.objects.filter(author=admin_user).count() == 1


# Why an edit in the admin changes the visit: a correction's reason, as the newsroom asks.
WHY = "The ministry's statement names another place."


def test_a_form_opened_before_another_correction_was_published_cannot_revert_it(
    admin_client, admin_user
):
    """Measured defect: an admin's form opened before a newsroom correction was verified,
    saved with a note only, filed (and could publish) a correction carrying the old
    occasion back, dated as of the save: it read as up to date. It is refused, as the
    newsroom refuses a correction begun before the visit changed, and nothing is filed."""
    visit = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    url = reverse("admin:visits_visit_change", args=[visit.pk])
    page = admin_client.get(url)
    # The form carries the version it was opened on, and asks why.
    shown = page.content.decode()
    assert 'type="hidden" name="based_on"' in shown and 'name="reason"' in shown
    opened = admin_form_data(page)
    # Meanwhile a reporter corrects the occasion, and a reviewer verifies it.
    reporter, reviewer = account("rita", "reporters"), account("vera", "reviewers")
    newsroom = review.file_report(
        author=reporter,
        data={**review.report_data_of(visit), "occasion": "Talks on energy"},
        citations=review.citations_of(visit),
        visit=visit,
        reason="The official programme gives the talks' subject.",
    )
    review.verify(newsroom, reviewer)
    opened.update({"notes": "A note typed in the form opened before.", "reason": WHY})
    response = admin_client.post(url, opened)
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert any("after this correction was begun" in e for e in errors), errors
    assert "would undo that change" in response.content.decode()
    assert not Report.objects.filter(author=admin_user).exists()
    assert Visit.objects.get(pk=visit.pk).occasion == "Talks on energy"
    # Opened again, the form starts from the visit as it stands, and files the note.
    again = admin_form_data(admin_client.get(url))
    assert again["occasion"] == "Talks on energy"
    again.update({"notes": "A note typed in the form opened after.", "reason": WHY})
    assert admin_client.post(url, again).status_code == 302
    filed = Report.objects.get(author=admin_user)
    assert filed.data["occasion"] == "Talks on energy" and not review.is_stale(filed)


def test_a_form_that_does_not_say_which_version_it_was_opened_on_files_nothing(
    admin_client, admin_user
):
    visit = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    url = reverse("admin:visits_visit_change", args=[visit.pk])
    data = admin_form_data(admin_client.get(url))
    other = Visit.objects.exclude(pk=visit.pk).filter(review_state=ReviewState.VERIFIED).first()
    for based_on in ("", "forged", review.signed_version(other)):
        data.update({"place": "Somewhere else", "reason": WHY, "based_on": based_on})
        response = admin_client.post(url, data)
        assert response.status_code == 200, based_on
        errors = response.context["adminform"].form.non_field_errors()
        assert any("does not say which version" in e for e in errors), errors
    assert not Report.objects.filter(author=admin_user).exists()


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        ("", "Say why the visit should change"),
        ("   ", "Say why the visit should change"),
        ("Typo.", "at least 20 characters"),
    ],
)
def test_a_correction_filed_in_the_admin_says_why_as_the_newsrooms_does(
    admin_client, admin_user, reason, said
):
    """Measured defect: the admin filed corrections with no reason, published without a
    "Why:", where the newsroom asks for a sentence of at least 20 characters
    (visits.review.correction_reason_errors)."""
    visit = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    url = reverse("admin:visits_visit_change", args=[visit.pk])
    data = admin_form_data(admin_client.get(url))
    data.update({"place": "Somewhere else", "reason": reason})
    response = admin_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["reason"]
    assert any(said in e for e in errors), errors
    assert not Report.objects.filter(author=admin_user).exists()


def test_a_reviewers_own_report_cannot_be_verified_through_the_admin(client, seeded):
    """Measured defect: a reviewer posted a report and verified it in the admin."""
    both = account("bo", "reporters", "reviewers", staff=True)
    both.user_permissions.set(Permission.objects.all())
    report = review.file_report(
        author=both,
        data={
            "person": "vladimir-putin",
            "host": "TJK",
            "start": "2012-10-08",
            "status": "occurred",
            "outcome": "not_arrested",
        },
        citations=[{"url": "https://example.org/a"}],
    )
    client.force_login(both)
    response = client.get(reverse("admin:visits_report_change", args=[report.pk]))
    assert response.status_code == 302
    with pytest.raises(review.FourEyesError):
        review.verify(report, both)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


# --- ICC decisions (findings) --------------------------------------------------------------


def new_finding_data(admin_client, **changes) -> dict:
    """The admin's add form for an ICC decision, filled as a coherent `no_failure` decision
    on Al-Bashir's visit to Nigeria (another date than the dataset's), then `changes`."""
    visit = Visit.objects.get(slug="omar-al-bashir-nga-2013-07-14")
    data = admin_form_data(admin_client.get(reverse("admin:visits_finding_add")))
    data.update(
        {
            "state": str(visit.host_id),
            "visit": str(visit.pk),
            "decided": "2013-09-20",
            "decided_precision": "day",
            "kind": "no_failure",
            "chamber": "PTC II",
            "decision_reference": "Decision regarding Nigeria's cooperation",
            "persons": [str(visit.person_id)],
            "reported_by": "state",
            "sources": [str(Source.objects.order_by("id").first().pk)],
        }
    )
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)  # a box left unticked, a choice left empty
        else:
            data[name] = value
    return data


def refused_in_english_and_french(admin_client, url, data, errors, french) -> None:
    """POST `data` to the admin form at `url` in English, then in French: each time the form
    comes back (200) with exactly `errors` (English) and `french`, {field: message}."""
    for language, expected in (("en", errors), ("fr", french)):
        admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = admin_client.post(url, data)
        assert response.status_code == 200
        assert response.context["adminform"].form.errors == {
            field: [message] for field, message in expected.items()
        }


@pytest.mark.parametrize(
    ("changes", "errors", "french"),
    [
        (
            {"visit": None},
            {
                "visit": "A decision of the kind “decision finding no failure to comply” is a "
                "decision on a visit (it found no failure to comply on it): choose its visit, "
                "or record the decision as the kind “other decision on cooperation (no Art. "
                "87(7) finding)”."
            },
            {
                "visit": "Une décision du type «\u00a0décision concluant à l’absence de "
                "manquement\u00a0» porte sur une visite (elle n’a constaté aucun manquement "
                "lors de celle-ci)\u00a0: choisissez sa visite, ou enregistrez la décision "
                "sous le type «\u00a0autre décision sur la coopération (sans constat au titre "
                "de l’art. 87-7)\u00a0»."
            },
        ),
        *(
            (
                dict.fromkeys(boxes, "on"),
                dict.fromkeys(
                    boxes,
                    "A decision of the kind “decision finding no failure to comply” referred "
                    "nothing and informed no body (its explanation says so): untick this box.",
                ),
                dict.fromkeys(
                    boxes,
                    "Une décision du type «\u00a0décision concluant à l’absence de "
                    "manquement\u00a0» n’a rien renvoyé et n’a informé aucun organe (son "
                    "explication le dit)\u00a0: décochez cette case.",
                ),
            )
            for boxes in (
                ["referred_to_asp"],
                ["referred_to_unsc"],
                ["referred_to_asp", "referred_to_unsc"],
            )
        ),
        *(
            (
                {"kind": kind, "reported_by": "state"},
                {
                    "reported_by": "Only a decision of the kind “decision finding no failure "
                    "to comply” may be known from the state concerned's own report alone (the "
                    "site then attributes its holding to that report); a decision of the kind "
                    f"“{english}” is stated as the Court's, from its publication or "
                    "independent reports."
                },
                {
                    "reported_by": "Seule une décision du type «\u00a0décision concluant à "
                    "l’absence de manquement\u00a0» peut n’être connue que par le propre "
                    "rapport de l’État concerné (le site attribue alors sa conclusion à ce rapport)\u202f; "
                    f"une décision du type «\u00a0{french}\u00a0» est présentée comme celle de "
                    "la Cour, d’après sa publication ou des sources indépendantes."
                },
            )
            for kind, english, french in (
                (
                    "art_87_7",
                    "Art. 87(7) finding of non-compliance",
                    "Constat de manquement (art. 87-7)",
                ),
                (
                    "other",
                    "other decision on cooperation (no Art. 87(7) finding)",
                    "autre décision sur la coopération (sans constat au titre de l’art. 87-7)",
                ),
            )
        ),
    ],
    ids=[
        "no_failure-without-visit",
        "no_failure-referred-asp",
        "no_failure-referred-unsc",
        "no_failure-referred-both",
        "art_87_7-reported-by-state",
        "other-reported-by-state",
    ],
)
def test_a_decision_whose_fields_contradict_its_kind_is_refused_in_the_admin(
    admin_client, changes, errors, french
):
    """Measured defect: the importer refused a findings.csv row whose columns contradict
    its kind (visits.models.decision_incoherences), the admin saved such a decision: a
    `no_failure` decision with no visit, or with a body it referred to, and `reported_by`
    "state" on a decision the site states as the Court's. Each is refused beside its
    field, in the reader's language, nothing saved."""
    before = Finding.objects.count()
    add = reverse("admin:visits_finding_add")
    data = new_finding_data(admin_client, **changes)
    refused_in_english_and_french(admin_client, add, data, errors, french)
    assert Finding.objects.count() == before


def test_a_no_failure_decision_on_its_visit_is_saved_in_the_admin(admin_client):
    """The coherent decision the refusals above start from: on a visit, referring nothing,
    known from the state's report."""
    response = admin_client.post(
        reverse("admin:visits_finding_add"), new_finding_data(admin_client)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    finding = Finding.objects.get(decided=datetime.date(2013, 9, 20))
    assert (finding.kind, finding.visit.slug, finding.reported_by) == (
        "no_failure",
        "omar-al-bashir-nga-2013-07-14",
        "state",
    )
    assert not finding.referred_to_asp and not finding.referred_to_unsc
    assert [p.slug for p in finding.persons.all()] == ["omar-al-bashir"]


def test_where_a_decision_is_known_from_reads_in_the_readers_language(admin_client):
    """`reported_by`'s choices were plain strings: the French admin's form, and
    get_reported_by_display() on a French page, said them in English."""
    with translation.override("fr"):
        assert Finding(reported_by="state").get_reported_by_display() == "l’État seul"
        assert (
            Finding(reported_by="").get_reported_by_display()
            == "sa publication ou des sources indépendantes"
        )
    with translation.override("en"):
        assert Finding(reported_by="state").get_reported_by_display() == "the state alone"
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = admin_client.get(reverse("admin:visits_finding_add")).content.decode()
    assert '<option value="state">l’État seul</option>' in page


def test_an_edit_that_makes_a_decision_contradict_its_kind_changes_nothing(admin_client):
    """An edit is checked as an addition: the dataset's Nigerian decision (no_failure,
    known from Nigeria's report) marked referred to the Assembly is refused, the decision
    as it was."""
    finding = Finding.objects.get(slug="nga-2013-09-05")
    path = reverse("admin:visits_finding_change", args=[finding.pk])
    data = admin_form_data(admin_client.get(path))
    response = admin_client.post(path, {**data, "referred_to_asp": "on", "notes": "Edited"})
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["referred_to_asp"]
    finding.refresh_from_db()
    assert not finding.referred_to_asp and finding.notes != "Edited"


def person_pk(slug: str) -> str:
    return str(Person.objects.get(slug=slug).pk)


def state_pk(iso3: str) -> str:
    return str(State.objects.get(iso3=iso3).pk)


HOSTED_ELSEWHERE = (
    "This visit was hosted by Nigeria, not by Mongolia: a decision on a visit rules on what "
    "the state that hosted it did. Choose a visit hosted by Mongolia, or correct the state."
)
HOSTED_ELSEWHERE_FR = (
    "Cette visite a été accueillie par le Nigeria, et non par la Mongolie\u00a0: une "
    "décision sur une visite se prononce sur ce qu’a fait l’État qui l’a accueillie. "
    "Choisissez une visite accueillie par la Mongolie, ou corrigez l’État."
)
TRAVELLER_NOT_NAMED = (
    "This visit was made by Omar Hassan Ahmad Al Bashir, whom this decision does not name: "
    "a decision on a visit concerns the arrest of the person who made it. Add Omar Hassan "
    "Ahmad Al Bashir to the persons, or choose a visit by a person it names."
)
TRAVELLER_NOT_NAMED_FR = (
    "Cette visite a été faite par Omar Hassan Ahmad Al Bashir, que cette décision ne nomme "
    "pas\u00a0: une décision sur une visite concerne l’arrestation de la personne qui l’a "
    "faite. Ajoutez Omar Hassan Ahmad Al Bashir aux personnes, ou choisissez une visite "
    "d’une personne qu’elle nomme."
)


@pytest.mark.parametrize(
    ("changes", "errors", "french"),
    [
        (
            {"state": "MNG"},
            {"visit": HOSTED_ELSEWHERE},
            {"visit": HOSTED_ELSEWHERE_FR},
        ),
        (
            {"persons": ["vladimir-putin"]},
            {"persons": TRAVELLER_NOT_NAMED},
            {"persons": TRAVELLER_NOT_NAMED_FR},
        ),
        (
            {"state": "MNG", "persons": ["vladimir-putin", "ahmad-harun"]},
            {"visit": HOSTED_ELSEWHERE, "persons": TRAVELLER_NOT_NAMED},
            {"visit": HOSTED_ELSEWHERE_FR, "persons": TRAVELLER_NOT_NAMED_FR},
        ),
    ],
    ids=["hosted-by-another-state", "traveller-not-named", "both"],
)
def test_a_decision_that_contradicts_its_visit_is_refused_in_the_admin(
    admin_client, changes, errors, french
):
    """Measured defect: the importer refused a findings.csv row whose state did not host
    its visit, or whose persons left out the visit's person
    (visits.models.decision_visit_incoherences), the admin saved such a decision: a
    decision on Mongolia about Al-Bashir's visit to Nigeria, or one on his visit naming
    only Putin. Each is refused beside its field, in the reader's language, nothing saved."""
    before = Finding.objects.count()
    add = reverse("admin:visits_finding_add")
    data = new_finding_data(admin_client)
    if "state" in changes:
        data["state"] = state_pk(changes["state"])
    if "persons" in changes:
        data["persons"] = [person_pk(slug) for slug in changes["persons"]]
    refused_in_english_and_french(admin_client, add, data, errors, french)
    assert Finding.objects.count() == before


@pytest.mark.parametrize(
    "persons",
    [["ahmad-harun", "omar-al-bashir"], []],
    ids=["traveller-and-another", "nobody-named"],
)
def test_a_decision_on_a_visit_its_state_hosted_naming_its_traveller_is_saved_in_the_admin(
    admin_client, persons
):
    """The coherent decision beside the refusals above: a decision may name others besides
    the visit's person, and one that names nobody is not checked (as the importer)."""
    data = new_finding_data(admin_client, persons=[person_pk(slug) for slug in persons])
    response = admin_client.post(reverse("admin:visits_finding_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    finding = Finding.objects.get(decided=datetime.date(2013, 9, 20))
    assert (finding.state.iso3, finding.visit.slug) == ("NGA", "omar-al-bashir-nga-2013-07-14")
    assert sorted(p.slug for p in finding.persons.all()) == persons


def test_an_edit_that_leaves_out_a_decisions_traveller_changes_nothing(admin_client):
    """An edit is checked as an addition, the persons (many-to-many, saved after the
    decision's row) included: the dataset's Mongolian finding made to name only Maria
    Lvova-Belova, or moved to South Africa, is refused, the decision as it was."""
    finding = Finding.objects.get(slug="mng-2024-10-24")
    path = reverse("admin:visits_finding_change", args=[finding.pk])
    data = admin_form_data(admin_client.get(path))
    for change, field in (
        ({"persons": [person_pk("maria-lvova-belova")]}, "persons"),
        ({"state": state_pk("ZAF")}, "visit"),
    ):
        response = admin_client.post(path, {**data, **change, "notes": "Edited"})
        assert response.status_code == 200
        assert list(response.context["adminform"].form.errors) == [field]
    finding.refresh_from_db()
    assert finding.state.iso3 == "MNG" and finding.notes != "Edited"
    assert [p.slug for p in finding.persons.all()] == ["vladimir-putin"]


def test_visits_are_not_deleted_in_the_admin(admin_client):
    visit = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    response = admin_client.post(
        reverse("admin:visits_visit_delete", args=[visit.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Visit.objects.filter(pk=visit.pk).exists()


def uncited_source() -> Source:
    """A source no record cites (added in the admin, say): the admin may still edit it."""
    return Source.objects.create(
        url="https://example.org/uncited-story",
        publisher="Example News",
        archived_url="https://web.archive.org/web/2024/https://example.org/uncited-story",
    )


SOURCE_FIELDS = ("url", "publisher", "published", "excerpt", "archived_url")


def test_a_source_a_published_visit_cites_is_read_only_in_the_admin(admin_client):
    """Measured defect: an admin changed a cited source's address, and the published visit's
    evidence changed at once, reviewed by nobody. What a reader reads of the document (its
    address, archived copy, publisher, date, excerpt: a citation falls back to them) is read
    only (the page shows it, no form to save); the page says to file a correction, linking
    the visit's correction page. Nor may the source be deleted (its citations would go with
    it), alone or with others from the list."""
    visit = Visit.objects.get(slug="vladimir-putin-mng-2024-09-02")
    source = visit.citations.select_related("source").first().source
    before = [getattr(source, name) for name in SOURCE_FIELDS]
    path = reverse("admin:core_source_change", args=[source.pk])

    page = admin_client.get(path)
    assert page.status_code == 200
    assert not set(SOURCE_FIELDS) & set(page.context["adminform"].form.fields)
    content = page.content.decode()
    assert f'href="/newsroom/visits/{visit.slug}/correct/"' in content
    assert "correction" in content

    response = admin_client.post(
        path,
        {
            "url": "https://example.org/another-story-altogether",
            "publisher": "Someone Else",
            "published": "2001-01-01",
            "excerpt": "Words nobody reviewed.",
            "archived_url": "https://web.archive.org/web/2001/https://example.org/other",
        },
    )
    assert response.status_code == 403
    source.refresh_from_db()
    assert [getattr(source, name) for name in SOURCE_FIELDS] == before

    delete = reverse("admin:core_source_delete", args=[source.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:core_source_changelist")
    admin_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [source.pk], "post": "yes"}
    )
    assert Source.objects.filter(pk=source.pk).exists()


def test_a_source_no_visit_cites_stays_editable_in_the_admin(admin_client):
    source = uncited_source()
    path = reverse("admin:core_source_change", args=[source.pk])
    assert set(SOURCE_FIELDS) <= set(admin_client.get(path).context["adminform"].form.fields)
    response = admin_client.post(
        path, {"url": "https://example.org/uncited-story-moved", "publisher": "Example News"}
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.url == "https://example.org/uncited-story-moved"


@pytest.mark.parametrize(
    "field, url",
    [
        ("url", 'https://example.org/news/putin"><script>alert(3)</script>'),
        ("url", "https://ana:secret@example.org/news"),
        ("url", "http://10.0.0.1/news"),
        ("archived_url", "https://web.archive.org/web/2024/https://example.org/a^b"),
        ("archived_url", "https://web.archive.org/web/2024/https://example.org/a|b"),
    ],
)
def test_a_source_edited_in_the_admin_keeps_to_the_newsrooms_address_rule(admin_client, field, url):
    """The admin's source form refuses what the newsroom, the API and the importer refuse
    (visits.review.address_refusal), and changes nothing."""
    source = uncited_source()
    before = (source.url, source.archived_url)
    path = reverse("admin:core_source_change", args=[source.pk])
    data = {
        "url": source.url,
        "publisher": source.publisher,
        "published": source.published.isoformat() if source.published else "",
        "excerpt": source.excerpt,
        "archived_url": source.archived_url,
        field: url,
    }
    response = admin_client.post(path, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]
    source.refresh_from_db()
    assert (source.url, source.archived_url) == before


def test_a_source_with_a_good_address_is_saved_in_the_admin(admin_client):
    source = uncited_source()
    path = reverse("admin:core_source_change", args=[source.pk])
    data = {
        "url": source.url,
        "publisher": "Edited publisher",
        "published": source.published.isoformat() if source.published else "",
        "excerpt": source.excerpt,
        "archived_url": "https://web.archive.org/web/2024/https://example.org/%D0%BD%D0%BE%D0%B2",
    }
    response = admin_client.post(path, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    source.refresh_from_db()
    assert source.publisher == "Edited publisher"


# --- Staff accounts ----------------------------------------------------------------------


def test_the_account_pages_show_the_language_of_its_mails_read_only(client):
    """The accounts' list and each account's page show the language recorded for its mails
    (accounts.languages), in the page's language; read only: posting the page changes it
    not. The list reads every account's language with the accounts (one query for all)."""
    from accounts import languages
    from accounts.models import NewsroomLanguage

    root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    nadia, omar = account("nadia", "reporters"), account("omar", "reviewers")
    languages.record(nadia, "fr")
    client.force_login(root)
    changelist = reverse("admin:auth_user_changelist")
    content = client.get(changelist).content.decode()
    assert "column-mail_language" in content
    assert '<td class="field-mail_language">French (fr)</td>' in content
    with CaptureQueriesContext(connection) as three:
        client.get(changelist)
    for n in range(6):
        languages.record(account(f"reporter{n}", "reporters"), "en")
    with CaptureQueriesContext(connection) as nine:
        assert client.get(changelist).content.decode().count("English (en)") == 6
    assert len(nine.captured_queries) == len(three.captured_queries)

    page = client.get(reverse("admin:auth_user_change", args=[nadia.pk]))
    assert "mail_language" not in page.context["adminform"].form.fields
    assert '<div class="readonly">French (fr)</div>' in page.content.decode()
    data = admin_form_data(page)
    data.pop("date_joined")  # a split widget: a date and a time
    joined = timezone.localtime(nadia.date_joined)
    data["date_joined_0"], data["date_joined_1"] = f"{joined:%Y-%m-%d}", f"{joined:%H:%M:%S}"
    response = client.post(
        reverse("admin:auth_user_change", args=[nadia.pk]), {**data, "mail_language": "en"}
    )
    assert response.status_code == 302
    assert NewsroomLanguage.objects.get(user=nadia).language == "fr"
    empty = client.get(reverse("admin:auth_user_change", args=[omar.pk])).content.decode()
    assert '<div class="readonly">none recorded</div>' in empty

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    french = client.get(reverse("admin:auth_user_change", args=[nadia.pk])).content.decode()
    assert "Langue de ses courriels" in french
    assert '<div class="readonly">français (fr)</div>' in french
