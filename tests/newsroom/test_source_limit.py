"""How many sources one report may cite (visits.reports.SOURCES_MAX), one limit on every
path: the newsroom's report form (a draft as a submission, a new visit's as a
correction's, an edit's), a withdrawal's sources, the sources added to a recorded visit,
the service itself and the API, whose schema says it. More is refused with the same
words, in French too, and nothing is written."""

import html

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import Source
from newsroom.forms import SOURCE_FORMS_READ, WITHDRAWAL_SOURCES, add_blank_source
from tests.api.conftest import token_client
from tests.newsroom.conftest import form_data, sources_data
from tests.security.helpers import admin_form_data
from visits import review
from visits.models import Citation, Report, ReportState, Visit
from visits.reports import SOURCES_MAX

pytestmark = pytest.mark.django_db

MONGOLIA = "vladimir-putin-mng-2024-09-02"
SAID = {
    "en": f"At most {SOURCES_MAX} sources can be cited: keep the most telling and leave out "
    "the rest.",
    "fr": f"Au plus {SOURCES_MAX} sources peuvent être citées\u00a0: gardez les plus probantes "
    "et écartez les autres.",
}


def cited(count: int, start: int = 0) -> list[dict]:
    """`count` distinct sources as the form posts them."""
    return [
        {"url": f"https://example.org/limit-{n}", "publisher": "Example News"}
        for n in range(start, start + count)
    ]


def page_of(response) -> str:
    return html.unescape(response.content.decode())


def written() -> tuple[int, int]:
    """What a refused post must leave as it was: the reports, and the sources known."""
    return Report.objects.count(), Source.objects.count()


def refused_for_their_number(page: str, language: str = "en", where: str = "sources-error"):
    """The refusal is in the page's summary of errors and beside the sources (`where`)."""
    said = SAID[language]
    summary = "form-errors" if where == "sources-error" else "withdrawal-errors"
    assert said in page.split(f'id="{summary}"')[1].split("</ul>")[0]
    assert said in page.split(f'id="{where}"')[1].split("</p>")[0]


@pytest.mark.parametrize("action", ["draft", "submit"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_report_citing_one_source_too_many_is_refused_and_nothing_saved(
    tajikistan_removed, reporter, client, action, language
):
    """A hand-made post: the form's own button stops at the limit, but a post with one
    more is refused as well, a draft as a submission (a draft is otherwise saved as
    typed), said in the reader's language beside the sources."""
    client.force_login(reporter)
    client.cookies["django_language"] = language
    before = written()
    answer = client.post(
        reverse("newsroom:new"), form_data(action=action, sources=cited(SOURCES_MAX + 1))
    )
    assert answer.status_code == 200
    refused_for_their_number(page_of(answer), language)
    assert written() == before


@pytest.mark.parametrize("action", ["draft", "submit"])
def test_a_report_citing_exactly_the_limit_is_saved(tajikistan_removed, reporter, client, action):
    client.force_login(reporter)
    answer = client.post(
        reverse("newsroom:new"), form_data(action=action, sources=cited(SOURCES_MAX))
    )
    assert answer.status_code == 302
    report = Report.objects.get()
    assert len(report.citations) == SOURCES_MAX
    assert report.state == (ReportState.DRAFT if action == "draft" else ReportState.SUBMITTED)


@pytest.mark.parametrize("action", ["draft", "submit", "preview"])
def test_a_post_counting_hundreds_of_source_forms_is_refused_reading_few(
    tajikistan_removed, reporter, client, action
):
    """The tester's post: 200 sources filled in. Refused, and no more forms read than a
    newsroom page may show."""
    client.force_login(reporter)
    answer = client.post(reverse("newsroom:new"), form_data(action=action, sources=cited(200)))
    assert answer.status_code == 200
    page = page_of(answer)
    refused_for_their_number(page)
    assert f'name="source-{SOURCE_FORMS_READ - 1}-url"' in page
    assert f'name="source-{SOURCE_FORMS_READ}-url"' not in page
    assert not Report.objects.exists()


def test_blank_source_forms_do_not_count(tajikistan_removed, reporter, client):
    """Blanking a source is how the form removes one: a form of more forms than the limit,
    some of them blank, citing no more sources than the limit, is saved."""
    client.force_login(reporter)
    sources = [*cited(SOURCES_MAX // 2), {"url": ""}, {"url": "  "}, *cited(SOURCES_MAX // 2, 100)]
    answer = client.post(reverse("newsroom:new"), form_data(action="draft", sources=sources))
    assert answer.status_code == 302
    assert len(Report.objects.get().citations) == SOURCES_MAX


def test_an_edit_of_a_draft_citing_too_many_is_refused_and_the_draft_kept(
    tajikistan_removed, reporter, client
):
    client.force_login(reporter)
    client.post(reverse("newsroom:new"), form_data(action="draft", sources=cited(2)))
    report = Report.objects.get()
    for action in ("draft", "submit"):
        data = form_data(action=action, sources=cited(SOURCES_MAX + 1))
        data["seen"] = review.version_of(report)
        answer = client.post(reverse("newsroom:edit", args=[report.pk]), data)
        assert answer.status_code == 200
        refused_for_their_number(page_of(answer))
        assert Report.objects.get(pk=report.pk).citations == report.citations


def test_a_correction_citing_too_many_is_refused(seeded, reporter, client):
    """The correction form of a published visit takes its sources through the same form."""
    client.force_login(reporter)
    visit = Visit.objects.get(slug=MONGOLIA)
    page = client.get(reverse("newsroom:correct", args=[MONGOLIA])).content.decode()
    based_on = page.split('name="based_on" value="')[1].split('"')[0]
    for action in ("draft", "submit"):
        data = form_data(
            action=action,
            sources=cited(SOURCES_MAX + 1),
            person="vladimir-putin",
            host="MNG",
            start="2024-09-02",
            end="2024-09-03",
            place=visit.place,
            status=visit.status,
            outcome=visit.outcome,
            reason="Many more sources report the visit than the record cites.",
        )
        data["based_on"] = based_on
        before = written()
        answer = client.post(reverse("newsroom:correct", args=[MONGOLIA]), data)
        assert answer.status_code == 200
        refused_for_their_number(page_of(answer))
        assert written() == before


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_withdrawal_citing_too_many_is_refused(seeded, reporter, client, language):
    client.force_login(reporter)
    client.cookies["django_language"] = language
    reason = "The trip was confused with another one; no source shows it took place."
    data = {
        "withdrawal_note": reason,
        **sources_data(cited(SOURCES_MAX + 1), WITHDRAWAL_SOURCES),
    }
    answer = client.post(reverse("newsroom:withdraw", args=[MONGOLIA]), data)
    assert answer.status_code == 400
    refused_for_their_number(page_of(answer), language, where="withdrawal-sources-error")
    assert not Report.objects.exists()
    data = {"withdrawal_note": reason, **sources_data(cited(SOURCES_MAX), WITHDRAWAL_SOURCES)}
    filed = client.post(reverse("newsroom:withdraw", args=[MONGOLIA]), data)
    assert filed.status_code == 302
    assert len(Report.objects.get().withdrawal_citations) == SOURCES_MAX


def test_a_withdrawal_reworded_citing_too_many_is_refused(seeded, reporter, client):
    client.force_login(reporter)
    visit = Visit.objects.get(slug=MONGOLIA)
    note = "The trip was confused with another one; no source shows it took place."
    report = review.take_back(
        review.propose_withdrawal(author=reporter, visit=visit, note=note), reporter
    )
    data = {
        "withdrawal_note": note,
        "seen": review.version_of(report),
        **sources_data(cited(SOURCES_MAX + 1), WITHDRAWAL_SOURCES),
    }
    answer = client.post(reverse("newsroom:edit", args=[report.pk]), data)
    assert answer.status_code == 400
    refused_for_their_number(page_of(answer), where="withdrawal-sources-error")
    assert Report.objects.get(pk=report.pk).withdrawal_citations == []


def test_sources_added_to_a_recorded_visit_past_the_limit_are_refused(seeded, reporter, client):
    """ "Add the sources to this visit instead" files the visit's sources and the form's:
    each list within the limit, together they may not be (the service refuses it)."""
    client.force_login(reporter)
    recorded = Visit.objects.get(slug__startswith="vladimir-putin-tjk-2025-10")
    assert review.citations_of(recorded)  # with the form's, one list past the limit
    before = written()
    for action in ("add_to", "file_sources"):
        answer = client.post(
            reverse("newsroom:new"),
            form_data(
                action=f"{action}:{recorded.pk}",
                sources=cited(SOURCES_MAX),
                start=recorded.start.isoformat(),
                end=(recorded.end or recorded.start).isoformat(),
            ),
        )
        assert answer.status_code == 200
        summary = page_of(answer).split('id="form-errors"')[1].split("</ul>")[0]
        assert SAID["en"] in summary
        assert written() == before


def test_a_report_filed_before_the_limit_is_neither_submitted_nor_verified(
    tajikistan_removed, reporter, reviewer
):
    """One saved with more sources than the limit (before it held) is refused by the
    service, whichever page or request asks to submit or verify it."""
    from django.core.exceptions import ValidationError

    data = {
        "person": "vladimir-putin",
        "host": "TJK",
        "start": "2025-10-08",
        "end": "2025-10-10",
        "status": "occurred",
        "outcome": "not_arrested",
    }
    draft = review.file_report(
        author=reporter, data=data, citations=cited(SOURCES_MAX), submit=False
    )
    Report.objects.filter(pk=draft.pk).update(citations=cited(SOURCES_MAX + 1))
    draft.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        review.submit(draft, reporter)
    assert refused.value.message_dict["citations"] == [SAID["en"]]
    Report.objects.filter(pk=draft.pk).update(state=ReportState.SUBMITTED)
    draft.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        review.verify(draft, reviewer, seen=review.version_of(draft))
    assert SAID["en"] in refused.value.messages
    assert not Visit.objects.filter(slug__startswith="vladimir-putin-tjk-2025-10").exists()


def test_another_source_stops_at_the_limit_and_keeps_the_forms_shown():
    """ "Add another source": one more form up to the limit, none past it; a form showing
    more (a correction rebuilt from its visit's sources and the reporter's) keeps them."""
    for total, after in (
        (3, 4),
        (SOURCES_MAX - 1, SOURCES_MAX),
        (SOURCES_MAX, SOURCES_MAX),
        (SOURCES_MAX + 7, SOURCES_MAX + 7),
        (10_000, SOURCE_FORMS_READ),
    ):
        data = add_blank_source({"source-TOTAL_FORMS": str(total)})
        assert data["source-TOTAL_FORMS"] == str(after), total


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_api_refuses_one_source_too_many_in_the_newsrooms_words(seeded, reporter, language):
    client = token_client(reporter)
    body = {
        "person": "vladimir-putin",
        "host": "MNG",
        "start": "2030-01-01",
        "status": "announced",
        "outcome": "n/a",
        "sources": [{"url": s["url"]} for s in cited(SOURCES_MAX + 1)],
    }
    answer = client.post("/api/v1/reports/", body, format="json", HTTP_ACCEPT_LANGUAGE=language)
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"] == {"sources": [SAID[language]]}
    assert not Report.objects.exists()
    body["sources"] = body["sources"][:SOURCES_MAX]
    assert client.post("/api/v1/reports/", body, format="json").status_code == 201
    assert len(Report.objects.get().citations) == SOURCES_MAX


def test_the_api_schema_says_the_limit(client, db):
    schemas = client.get("/api/v1/schema/", {"format": "json"}).json()["components"]["schemas"]
    for name, field in (
        ("ReportInputRequest", "sources"),
        ("ResubmissionRequest", "sources"),
        ("WithdrawalInputRequest", "withdrawal_sources"),
    ):
        assert schemas[name]["properties"][field]["maxItems"] == SOURCES_MAX, name


# A visit recorded with more sources than a report may bring: the importer sets no limit.
HELD = SOURCES_MAX + 10
HELD_SAID = {
    "en": f"This visit already cites {HELD} sources, more than a report may bring "
    f"({SOURCES_MAX}): a correction may keep them or leave some out, but not add any.",
    "fr": f"Cette visite cite déjà {HELD} sources, plus qu\u2019un signalement ne peut en "
    f"apporter ({SOURCES_MAX})\u00a0: une correction peut les garder ou en écarter, mais pas "
    "en ajouter.",
}
WHY = "The ministry's statement gives another last day."


@pytest.fixture
def crowded(seeded) -> Visit:
    """The Mongolian visit citing HELD sources, recorded as the importer records them."""
    visit = Visit.objects.get(slug=MONGOLIA)
    for n in range(visit.citations.count(), HELD):
        source = Source.objects.create(url=f"https://example.org/held-{n}")
        Citation.objects.create(visit=visit, source=source, publisher="Example News")
    assert visit.citations.count() == HELD
    return visit


def correction_form(client) -> dict:
    """What the newsroom's correction form of the crowded visit posts back as shown."""
    page = client.get(reverse("newsroom:correct", args=[MONGOLIA]))
    data = {}
    sources = page.context["sources"]
    for shown in (page.context["form"], sources.management_form, *sources.forms):
        for field in shown:
            value = field.value()
            if isinstance(field.field, forms.BooleanField):
                if value:
                    data[field.html_name] = "on"
            else:
                data[field.html_name] = "" if value is None else str(value)
    data["based_on"] = page_of(page).split('name="based_on" value="')[1].split('"')[0]
    return data


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_visit_citing_more_than_the_limit_is_corrected_in_the_newsroom_keeping_them(
    crowded, reporter, client, language
):
    """Its correction form shows every source it cites: a change of its last day is filed
    with them all; one source more is refused, in words that say why."""
    client.force_login(reporter)
    client.cookies["django_language"] = language
    data = correction_form(client)
    assert sum(bool(v) for k, v in data.items() if k.endswith("-url")) == HELD
    data.update({"end": "2024-09-04", "reason": WHY, "action": "submit"})
    answer = client.post(reverse("newsroom:correct", args=[MONGOLIA]), data)
    assert answer.status_code == 302, page_of(answer)
    report = Report.objects.get()
    assert report.is_correction and len(report.citations) == HELD
    assert report.data["end"] == "2024-09-04"
    report.delete()
    more = int(data["source-TOTAL_FORMS"])
    data.update(
        {"source-TOTAL_FORMS": str(more + 1), f"source-{more}-url": "https://example.org/one-more"}
    )
    before = written()
    answer = client.post(reverse("newsroom:correct", args=[MONGOLIA]), data)
    assert answer.status_code == 200
    page = page_of(answer)
    assert HELD_SAID[language] in page.split('id="sources-error"')[1].split("</p>")[0]
    assert written() == before


def test_a_visit_citing_more_than_the_limit_is_corrected_through_the_api(crowded, reporter):
    """A correction sending no `sources` keeps the visit's, however many."""
    client = token_client(reporter)
    answer = client.post(
        "/api/v1/reports/", {"visit": MONGOLIA, "end": "2024-09-04"}, format="json"
    )
    assert answer.status_code == 201, answer.content
    assert len(Report.objects.get().citations) == HELD


def test_a_visit_citing_more_than_the_limit_is_corrected_in_the_admin(crowded, admin_client):
    url = reverse("admin:visits_visit_change", args=[crowded.pk])
    data = admin_form_data(admin_client.get(url))
    data.update({"end": "2024-09-04", "reason": WHY})
    answer = admin_client.post(url, data)
    assert answer.status_code == 302, answer.context and answer.context["errors"]
    report = Report.objects.get()
    assert report.is_correction and len(report.citations) == HELD


def test_the_service_keeps_a_crowded_visits_sources_but_takes_no_more(crowded, reporter):
    """The limit bounds what a report brings: a correction may keep the visit's HELD
    sources or leave some out, not cite more; a new visit's report still stops at
    SOURCES_MAX."""
    data = review.report_data_of(crowded)
    held = review.citations_of(crowded)
    with pytest.raises(ValidationError) as refused:
        review.file_report(
            author=reporter,
            data={**data, "end": "2024-09-04"},
            citations=[*held, *cited(1)],
            visit=crowded,
            reason=WHY,
        )
    assert refused.value.message_dict["citations"] == [HELD_SAID["en"]]
    assert not Report.objects.exists()
    fewer = review.file_report(
        author=reporter, data=data, citations=held[:-1], visit=crowded, reason=WHY
    )
    assert len(fewer.citations) == HELD - 1
    with pytest.raises(ValidationError) as refused:
        review.resolve({**data, "start": "2024-10-02", "end": ""}, cited(SOURCES_MAX + 1), new=True)
    assert refused.value.message_dict["citations"] == [SAID["en"]]
