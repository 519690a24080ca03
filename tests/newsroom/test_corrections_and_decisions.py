"""A correction may not move a visit's host or person away from the ICC decisions on it.

A decision on a visit (visits.Finding) rules on what the state that hosted it did, and
concerns the arrest of the person who made it (visits.models.decision_visit_incoherences,
the rule of the admin's form and of the importer). A verified correction once moved
Mongolia's visit to another host under its Art. 87(7) finding, warning nobody: the finding
then contradicted its visit, and the admin refused any save of it until someone fixed it.
Such a correction is now refused when filed (the newsroom's form, the API) and when
verified (a decision recorded after it was filed), naming the decisions, nothing changed.
"""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from tests.api.conftest import token_client
from tests.newsroom.conftest import form_data, version_now
from visits import review
from visits.models import EvaluationRequest, Finding, Report, ReportState, VerdictChange, Visit
from warrants.models import Person

pytestmark = pytest.mark.django_db

MONGOLIA = "vladimir-putin-mng-2024-09-02"
KYRGYZSTAN = "vladimir-putin-kgz-2025-11-25"
REASON = "The sources place this meeting in Dushanbe, not in Ulaanbaatar."
LVOVA_BELOVA = "maria-lvova-belova"

# Mongolia's visit moved to Tajikistan, under the finding of 24 October 2024.
MOVED = {
    "en": (
        "An ICC decision on this visit rules on what its host did: “Mongolia, Art. 87(7) "
        "finding of non-compliance, 24 October 2024”. The visit's host cannot become "
        "Tajikistan while that decision stands. If it is recorded wrongly (its state, or "
        "the visit it is on), it must be corrected first, in the admin; otherwise this "
        "correction is wrong."
    ),
    "fr": (
        "Une décision de la CPI sur cette visite se prononce sur ce qu’a fait l’État qui "
        "l’a accueillie\u00a0: «\u00a0Mongolie, Constat de manquement (art. 87-7), 24 octobre "
        "2024\u00a0». L’hôte de la visite ne peut pas devenir le Tadjikistan tant que cette "
        "décision est maintenue. Si elle est mal enregistrée (son État, ou la visite à "
        "laquelle elle se rapporte), elle doit d’abord être corrigée, dans "
        "l’administration\u202f; sinon, c’est cette correction qui est erronée."
    ),
}


def correction_form(visit: Visit, action: str, **changes) -> dict:
    """The correction form's POST for `visit` as its page fills it, with `changes`, the
    button `action` pressed."""
    sources = [{k: v or "" for k, v in c.items()} for c in review.citations_of(visit)]
    fields = {k: v or "" for k, v in review.report_data_of(visit).items()}
    return form_data(action=action, sources=sources, **{**fields, **changes}, reason=REASON)


def error_beside(page: str, field: str) -> str:
    """What the page says beside the box of `field` ('' when nothing)."""
    said = html.unescape(page)
    marker = f'id="id_{field}-error">'
    return said.split(marker, 1)[1].split("</p>", 1)[0] if marker in said else ""


def correct(visit: Visit, author, **changes) -> Report:
    """A correction of `visit` by `author`, filed through the service as every path files it."""
    return review.file_report(
        author=author,
        data={**review.report_data_of(visit), **changes},
        citations=review.citations_of(visit),
        visit=visit,
        reason=REASON,
    )


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_correction_moving_a_decided_visit_to_another_host_is_refused_on_the_form(
    seeded, reporter, client, language
):
    client.force_login(reporter)
    client.cookies["django_language"] = language
    visit = Visit.objects.get(slug=MONGOLIA)
    page = client.get(reverse("newsroom:correct", args=[MONGOLIA])).content.decode()
    based_on = page.split('name="based_on" value="', 1)[1].split('"', 1)[0]
    for action in ("preview", "submit"):
        answer = client.post(
            reverse("newsroom:correct", args=[MONGOLIA]),
            {**correction_form(visit, action, host="TJK"), "based_on": based_on},
        )
        assert answer.status_code == 200
        assert error_beside(answer.content.decode(), "host") == MOVED[language]
    assert not Report.objects.exists()
    assert Visit.objects.get(slug=MONGOLIA).host.iso3 == "MNG"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_correction_moving_a_decided_visit_to_another_host_is_a_400_in_the_api(
    seeded, reporter, language
):
    answer = token_client(reporter).post(
        "/api/v1/reports/",
        {"visit": MONGOLIA, "host": "TJK", "reason": REASON},
        format="json",
        headers={"Accept-Language": language},
    )
    assert answer.status_code == 400, answer.content
    error = answer.json()["error"]
    assert (error["code"], error["fields"]) == ("invalid", {"host": [MOVED[language]]})
    assert not Report.objects.exists()


def decided_after_filing(reporter) -> tuple[Report, Visit]:
    """A correction moving Putin's visit to Kyrgyzstan (no decision on it) to Kazakhstan,
    filed, then an Art. 87(7) finding on Kyrgyzstan recorded on that visit (the admin)."""
    visit = Visit.objects.get(slug=KYRGYZSTAN)
    assert not visit.findings.exists()
    report = correct(visit, reporter, host="KAZ")
    finding = Finding.objects.create(
        state=visit.host, visit=visit, decided=datetime.date(2026, 3, 2), kind="art_87_7"
    )
    finding.persons.add(visit.person)
    return report, visit


def as_it_stands(visit: Visit) -> dict:
    """What a refused verification must leave as it was: the visit, its verdict, their
    history, the evaluations asked, and the report."""
    visit = Visit.objects.select_related("verdict").get(pk=visit.pk)
    verdict = visit.verdict
    return {
        "visit": (visit.host_id, visit.person_id, visit.updated_at),
        "verdict": (verdict.code, verdict.basis, verdict.explanation),
        "verdict changes": VerdictChange.objects.filter(visit=visit).count(),
        "visit history": Visit.pgh_event_model.objects.filter(pgh_obj_id=visit.pk).count(),
        "evaluations": EvaluationRequest.objects.count(),
        "reports": list(Report.objects.values_list("pk", "state", "reviewer", "changes")),
    }


SAID_AT_VERIFICATION = (
    "An ICC decision on this visit rules on what its host did: “Kyrgyzstan, Art. 87(7) "
    "finding of non-compliance, 2 March 2026”. The visit's host cannot become Kazakhstan "
    "while that decision stands."
)


def test_a_correction_whose_visit_was_decided_after_filing_is_not_verified_on_the_site(
    seeded, reporter, reviewer, client
):
    report, visit = decided_after_filing(reporter)
    before = as_it_stands(visit)
    client.force_login(reviewer)
    answer = client.post(
        reverse("newsroom:verify", args=[report.pk]), {"seen": version_now(report)}
    )
    assert answer.status_code == 302
    page = html.unescape(client.get(answer["Location"]).content.decode())
    assert SAID_AT_VERIFICATION in page
    assert as_it_stands(visit) == before
    assert Report.objects.get(pk=report.pk).state == ReportState.SUBMITTED


def test_a_correction_whose_visit_was_decided_after_filing_is_a_400_at_the_apis_verify(
    seeded, reporter, reviewer
):
    report, visit = decided_after_filing(reporter)
    before = as_it_stands(visit)
    answer = token_client(reviewer).post(
        f"/api/v1/reports/{report.pk}/verify/", {"seen": version_now(report)}, format="json"
    )
    assert answer.status_code == 400, answer.content
    [said] = answer.json()["error"]["fields"]["host"]
    assert said.startswith(SAID_AT_VERIFICATION)
    assert as_it_stands(visit) == before


def test_a_correction_of_the_host_of_a_visit_without_decisions_is_filed_and_verified(
    seeded, reporter, reviewer
):
    visit = Visit.objects.get(slug=KYRGYZSTAN)
    report = correct(visit, reporter, host="KAZ")
    review.verify(report, reviewer)
    visit.refresh_from_db()
    assert visit.host.iso3 == "KAZ"
    assert Report.objects.get(pk=report.pk).changes[0] == {
        "field": "host",
        "old": "KGZ",
        "new": "KAZ",
    }


def test_a_correction_of_the_person_refused_where_the_decision_names_others_only(
    seeded, reporter, reviewer
):
    """Mongolia's finding names Putin: the visit cannot become Lvova-Belova's (refused
    beside `person`, in English and French, nothing filed); once the finding names her
    too, it may, and is verified."""
    visit = Visit.objects.get(slug=MONGOLIA)
    finding = visit.findings.get()
    assert list(finding.persons.values_list("slug", flat=True)) == ["vladimir-putin"]
    said = {}
    for language in ("en", "fr"):
        with translation.override(language), pytest.raises(ValidationError) as refused:
            correct(visit, reporter, person=LVOVA_BELOVA)
        assert set(refused.value.message_dict) == {"person"}
        [said[language]] = refused.value.message_dict["person"]
    assert said["en"] == (
        "An ICC decision on this visit names Vladimir Vladimirovich Putin, who made it, but "
        "not Maria Alekseyevna Lvova-Belova: “Mongolia, Art. 87(7) finding of "
        "non-compliance, 24 October 2024”. A decision on a visit concerns the arrest of the "
        "person who made it: the visit's person cannot become Maria Alekseyevna "
        "Lvova-Belova while that decision stands. If it is recorded wrongly (the persons it "
        "names, or the visit it is on), it must be corrected first, in the admin; otherwise "
        "this correction is wrong."
    )
    assert said["fr"].startswith(
        "Une décision de la CPI sur cette visite nomme Vladimir Vladimirovich Putin, qui "
        "l’a faite, mais pas Maria Alekseyevna Lvova-Belova\u00a0: «\u00a0Mongolie, "
    )
    assert not Report.objects.exists()

    finding.persons.add(Person.objects.get(slug=LVOVA_BELOVA))
    report = correct(visit, reporter, person=LVOVA_BELOVA)
    review.verify(report, reviewer)
    assert Visit.objects.get(slug=MONGOLIA).person.slug == LVOVA_BELOVA


def test_the_forms_filing_reads_the_person_once(seeded, reporter, client):
    """The person box reads the person it names (front.search.report_person) and hands it
    to the filing (review.file_report's `person`): resolve does not read it again by its
    slug."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(reporter)
    visit = Visit.objects.get(slug=KYRGYZSTAN)
    page = client.get(reverse("newsroom:correct", args=[KYRGYZSTAN])).content.decode()
    based_on = page.split('name="based_on" value="', 1)[1].split('"', 1)[0]
    with CaptureQueriesContext(connection) as captured:
        answer = client.post(
            reverse("newsroom:correct", args=[KYRGYZSTAN]),
            {**correction_form(visit, "submit", place="Bishkek (Ala Archa)"), "based_on": based_on},
        )
    assert answer.status_code == 302, answer.content.decode().split("<main", 1)[-1][:1500]
    assert Report.objects.filter(visit=visit).exists()
    person_reads = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith('SELECT "warrants_person"')
        and '"warrants_person"."slug" =' in q["sql"]
    ]
    assert len(person_reads) == 1, "\n\n".join(person_reads)
