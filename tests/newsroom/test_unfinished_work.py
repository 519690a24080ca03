"""Unfinished work in the report form: a draft is saved with what is there, and says what
it still lacks; every error of a form is said at once; a form sent after the session
ended is not saved, and the sign-in page says so (README, "The newsroom")."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from tests.newsroom.conftest import SOURCES, TAJIKISTAN, form_data
from visits import review
from visits.models import Report, ReportState, Visit

pytestmark = pytest.mark.django_db

BLANK_SOURCES = [{"url": ""}, {"url": ""}]
# Person, host and notes only: what a reporter has before the dates and the sources.
UNFINISHED = {
    **form_data(action="draft", sources=BLANK_SOURCES),
    "host": "BRA",
    "place": "",
    "start": "",
    "end": "",
    "outcome": "",
    "occasion": "",
    "notes": "Said to attend the BRICS summit in Rio.",
}


def text(response) -> str:
    return response.content.decode()


def summary(response) -> str:
    """The text of the error summary at the top of the form ("" when there is none)."""
    found = re.search(
        r'<div class="error-summary"[^>]*id="form-errors".*?</div>', text(response), re.S
    )
    return re.sub(r"<[^>]+>", " ", found.group(0)) if found else ""


def test_a_draft_with_a_person_a_host_and_notes_is_saved_and_says_what_it_lacks(
    reporter, signed_in, seeded
):
    client = signed_in(reporter)
    response = client.post(reverse("newsroom:new"), UNFINISHED)
    assert response.status_code == 302, summary(response)
    report = Report.objects.get()
    assert report.state == ReportState.DRAFT and report.citations == []
    assert report.data["person"] == "vladimir-putin" and report.data["host"] == "BRA"
    assert report.data["start"] is None and report.data["notes"].startswith("Said to attend")
    page = text(client.get(response["Location"]))
    assert "Draft saved." in page
    assert "Before it can be submitted for review:" in page
    assert "Start date: A visit needs a start date" in page
    assert "Outcome: A trip that took place needs the host" in page
    assert "At least one source (a public URL) is required." in page


def test_submitting_still_asks_for_everything(reporter, signed_in, seeded):
    client = signed_in(reporter)
    response = client.post(reverse("newsroom:new"), {**UNFINISHED, "action": "submit"})
    assert response.status_code == 200 and not Report.objects.exists()
    said = summary(response)
    assert "A visit needs a start date" in said
    assert "needs the host" in said
    assert "At least one source (a public URL) is required." in said


def test_a_refused_draft_lists_only_what_keeps_it_from_being_saved(reporter, signed_in, seeded):
    """The summary listed "At least one source" for a draft refused for its start date,
    yet a draft without a source is saved."""
    client = signed_in(reporter)
    response = client.post(reverse("newsroom:new"), {**UNFINISHED, "start": "09/10/2025"})
    assert response.status_code == 200 and not Report.objects.exists()
    said = summary(response)
    assert "Start date: Not a date" in said
    assert "source" not in said.lower() and "outcome" not in said.lower()
    assert "At least one source" not in text(response)


def test_a_draft_ready_to_submit_says_nothing_is_missing(reporter, signed_in, tajikistan_removed):
    client = signed_in(reporter)
    response = client.post(reverse("newsroom:new"), form_data(action="draft"))
    assert response.status_code == 302
    assert "Before it can be submitted" not in text(client.get(response["Location"]))


def test_the_unfinished_draft_is_submitted_once_completed(reporter, signed_in, tajikistan_removed):
    client = signed_in(reporter)
    client.post(reverse("newsroom:new"), {**UNFINISHED, "host": "TJK"})
    report = Report.objects.get()
    refused = client.post(reverse("newsroom:submit", args=[report.pk]), follow=True)
    assert Report.objects.get().state == ReportState.DRAFT, text(refused)
    edit = reverse("newsroom:edit", args=[report.pk])
    seen = re.search(r'name="seen" value="([^"]+)"', text(client.get(edit))).group(1)
    done = client.post(edit, {**form_data(action="submit"), "seen": seen})
    assert done.status_code == 302, summary(done)
    assert Report.objects.get().state == ReportState.SUBMITTED


def test_every_error_of_the_sources_is_said_at_once(reporter, signed_in, tajikistan_removed):
    """A source's date that is not one hid that source 2 cites the same URL."""
    client = signed_in(reporter)
    url = "https://example.org/putin-dushanbe"
    response = client.post(
        reverse("newsroom:new"),
        form_data(sources=[{"url": url, "published": "09/10/2025"}, {"url": url}]),
    )
    said = summary(response)
    assert "Source 1 — Publication date: Not a date" in said
    assert "Source 2 — URL:" in said and "already cited (source 1)" in said


def test_in_french_a_bad_date_does_not_hide_a_refused_archived_copy(
    reporter, signed_in, tajikistan_removed
):
    client = signed_in(reporter)
    sources = [
        {
            "url": "https://example.org/putin-dushanbe",
            "published": "09/10/2025",
            "archived_url": "http://10.0.0.1/x",
        }
    ]
    response = client.post(
        reverse("newsroom:new"), form_data(sources=sources), HTTP_ACCEPT_LANGUAGE="fr"
    )
    said = summary(response)
    with translation.override("fr"):
        assert "Date de publication" in said and "Copie archivée" in said, said


def test_a_form_sent_after_the_session_ended_leads_to_a_sign_in_page_that_says_so(client, seeded):
    response = client.post(reverse("newsroom:new"), UNFINISHED)
    assert response.status_code == 302 and not Report.objects.exists()
    where = urlsplit(response["Location"])
    assert where.path == reverse("newsroom:sign-in")
    assert parse_qs(where.query) == {"unsaved": ["1"], "next": [reverse("newsroom:new")]}
    page = text(client.get(response["Location"]))
    assert 'id="session-ended"' in page
    assert "Your session had ended: what you sent was not saved." in page
    with translation.override("fr"):
        fr = text(client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="fr"))
    assert "Votre session avait pris fin" in fr


def test_the_sign_in_page_says_a_form_is_restored_only_on_the_way_to_one(client, db):
    sign_in = reverse("newsroom:sign-in")
    to_form = text(client.get(sign_in, {"next": reverse("newsroom:new")}))
    assert 'id="session-ended"' in to_form and "what you typed in this browser" in to_form
    for page in ({}, {"next": reverse("newsroom:dashboard")}, {"next": "https://example.org/"}):
        assert 'id="session-ended"' not in text(client.get(sign_in, page)), page


def test_the_page_after_a_save_tells_the_script_to_forget_what_it_kept(
    reporter, signed_in, tajikistan_removed
):
    client = signed_in(reporter)
    refused = client.post(reverse("newsroom:new"), {**UNFINISHED, "start": "09/10/2025"})
    assert "data-unsaved" in text(refused)  # given back: not saved
    response = client.post(reverse("newsroom:new"), form_data(action="draft"))
    page = text(client.get(response["Location"]))
    assert f'data-saved-form="{reverse("newsroom:new")}"' in page
    assert "js/newsroom-form.js" in page
    assert "data-saved-form" not in text(client.get(response["Location"]))  # said once


def test_submit_on_an_unfinished_drafts_page_leads_to_its_form_with_every_error(
    reporter, signed_in, tajikistan_removed
):
    """Submit for review on the draft's own page once gave the service's raw refusals
    ("Unknown outcome ''") on that page; it now leads to the edit form, each missing field
    said beside it and in the summary, as the form's own Submit says them."""
    client = signed_in(reporter)
    client.post(reverse("newsroom:new"), {**UNFINISHED, "host": "TJK"})
    report = Report.objects.get()
    answer = client.post(reverse("newsroom:submit", args=[report.pk]), follow=True)
    assert answer.redirect_chain == [(reverse("newsroom:edit", args=[report.pk]), 302)]
    assert Report.objects.get().state == ReportState.DRAFT
    page, said = text(answer), summary(answer)
    assert "Not submitted for review" in page and "Unknown outcome" not in page
    assert "Start date: A visit needs a start date" in said
    assert "Outcome: A trip that took place needs the host" in said
    assert "At least one source (a public URL) is required." in said
    # Beside their fields too, and the draft's notes as saved.
    assert re.search(r'id="id_start-error">A visit needs a start date', page)
    assert re.search(r'id="id_outcome-error">A trip that took place needs the host', page)
    assert "Said to attend the BRICS summit in Rio." in page
    # Opened again, the form is the draft as saved, without the errors.
    assert summary(client.get(reverse("newsroom:edit", args=[report.pk]))) == ""


def test_submit_on_a_complete_drafts_page_submits_it(reporter, signed_in, tajikistan_removed):
    client = signed_in(reporter)
    client.post(reverse("newsroom:new"), form_data(action="draft"))
    report = Report.objects.get()
    answer = client.post(reverse("newsroom:submit", args=[report.pk]))
    assert answer["Location"] == reverse("newsroom:report", args=[report.pk])
    assert Report.objects.get().state == ReportState.SUBMITTED


def hidden_text(page: str) -> str:
    """The text of the elements marked `hidden` in `page` (no nesting in them)."""
    return " ".join(re.findall(r"<span[^>]*\bhidden\b[^>]*>(.*?)</span>", page, re.S))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_without_javascript_the_sign_in_page_promises_no_restored_form(client, db, language):
    """The note said the form "opens with what you typed", which only the form's script
    does: that sentence is hidden until the script shows it, and the page says otherwise
    what holds without it (README, "The newsroom")."""
    sign_in = reverse("newsroom:sign-in")
    for query in (
        {"unsaved": "1", "next": reverse("newsroom:new")},
        {"next": "/newsroom/reports/new/"},
    ):
        page = text(client.get(sign_in, query, HTTP_ACCEPT_LANGUAGE=language))
        note = page.split('id="session-ended"')[1].split("</div>")[0]
        with translation.override(language):
            kept = (
                _(
                    "Sign in again: the form opens with what you typed, kept by this browser, for "
                    "you to check and save."
                )
                if "unsaved" in query
                else _(
                    "If your session ended while you were typing, what you typed in this browser "
                    "is restored there, for you to check and save."
                )
            )
        assert kept in hidden_text(note), note
        assert "js/newsroom-form.js" in page
    unsaved = {"unsaved": "1", "next": reverse("newsroom:new")}
    note = text(client.get(sign_in, unsaved, HTTP_ACCEPT_LANGUAGE=language))
    lost = re.search(r"<span data-typed-lost>(.*?)</span>", note).group(1)
    assert "JavaScript" in lost


@pytest.mark.parametrize(
    "action", ["submit", "take-back", "delete", "verify", "request-changes", "reject"]
)
def test_a_button_pressed_after_the_session_ended_leads_back_to_its_page(
    client, reporter, tajikistan_removed, action
):
    """Sent back to the address a button posts to, signing in answered a GET there with a
    405; it now returns to the report's page, and the sign-in page says nothing was done."""
    report = review.file_report(
        author=reporter, data={**TAJIKISTAN, "person": "vladimir-putin"}, citations=SOURCES
    )
    response = client.post(reverse(f"newsroom:{action}", args=[report.pk]))
    where = urlsplit(response["Location"])
    assert where.path == reverse("newsroom:sign-in")
    back = reverse("newsroom:report", args=[report.pk])
    assert parse_qs(where.query) == {"unsaved": ["pressed"], "next": [back]}
    page = text(client.get(response["Location"]))
    assert "Your session had ended: what you asked was not done." in page
    assert "the form opens" not in page
    client.force_login(reporter)
    assert client.get(back).status_code == 200


def test_a_withdrawal_sent_after_the_session_ended_leads_back_to_the_correction_page(
    client, seeded
):
    visit = Visit.objects.filter(review_state="verified").first()
    response = client.post(reverse("newsroom:withdraw", args=[visit.slug]))
    assert parse_qs(urlsplit(response["Location"]).query)["next"] == [
        reverse("newsroom:correct", args=[visit.slug])
    ]


def title_of(response) -> str:
    return re.search(r"<title>(.*?)</title>", text(response), re.S).group(1)


@pytest.mark.parametrize(
    ("language", "refused", "plain"),
    [
        ("en", "Report a visit: refused · Newsroom", "Report a visit · Newsroom"),
        ("fr", "Signaler une visite\u00a0: refusé", "Signaler une visite ·"),
    ],
)
def test_the_report_forms_title_says_it_was_refused(
    reporter, signed_in, seeded, language, refused, plain
):
    """The sign-in page's title says "Sign in: refused"; the report form's said nothing."""
    client = signed_in(reporter)
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    assert title_of(client.get(reverse("newsroom:new"), **headers)).startswith(plain)
    answer = client.post(reverse("newsroom:new"), {**UNFINISHED, "action": "submit"}, **headers)
    assert title_of(answer).startswith(refused), title_of(answer)
    client.post(reverse("newsroom:new"), {**UNFINISHED, "host": "TJK"}, **headers)
    edit = reverse("newsroom:edit", args=[Report.objects.get().pk])
    client.post(reverse("newsroom:submit", args=[Report.objects.get().pk]), **headers)
    with translation.override(language):
        assert title_of(client.get(edit, **headers)).startswith(_("Edit the report: refused"))


def test_the_correction_pages_title_says_a_withdrawal_was_refused(reporter, signed_in, seeded):
    client = signed_in(reporter)
    visit = Visit.objects.filter(review_state="verified").first()
    answer = client.post(reverse("newsroom:withdraw", args=[visit.slug]), {"withdrawal_note": ""})
    assert answer.status_code == 400
    assert title_of(answer).startswith("Withdraw the visit: refused")


MONGOLIA = "vladimir-putin-mng-2024-09-02"


def test_a_withdrawal_sent_after_the_session_ended_promises_no_restored_form(client, seeded):
    """A withdrawal's form posts to its own address and leads back to the visit's
    correction page, a report form: the sign-in page promised that "the form opens with
    what you typed", which its script never kept (its fields are outside the report
    form). It now says the withdrawal was not done, to be proposed again."""
    response = client.post(
        reverse("newsroom:withdraw", args=[MONGOLIA]), {"withdrawal_note": "It never happened."}
    )
    where = urlsplit(response["Location"])
    back = reverse("newsroom:correct", args=[MONGOLIA])
    assert parse_qs(where.query) == {"unsaved": ["pressed"], "next": [back]}
    for language in ("en", "fr"):
        page = text(client.get(response["Location"], HTTP_ACCEPT_LANGUAGE=language))
        with translation.override(language):
            assert _("Your session had ended: what you asked was not done.") in page
            assert _("Your session had ended: what you sent was not saved.") not in page
            assert "data-typed-kept" not in page
    assert not Report.objects.exists()


def test_a_withdrawals_reason_reworded_after_the_session_ended_promises_no_restored_form(
    client, reporter, seeded
):
    """Rewording a withdrawal's reason posts to its edit address from the report's page,
    whose box no script keeps: nothing is promised back."""
    report = review.propose_withdrawal(
        author=reporter,
        visit=Visit.objects.get(slug=MONGOLIA),
        note="It never happened: the sources were about another trip.",
    )
    response = client.post(
        reverse("newsroom:edit", args=[report.pk]),
        {"withdrawal_note": "It did not happen: the sources are about another trip."},
    )
    where = urlsplit(response["Location"])
    assert parse_qs(where.query)["unsaved"] == ["pressed"]
    page = text(client.get(response["Location"]))
    assert "Your session had ended: what you asked was not done." in page
    assert "the form opens with what you typed" not in page


def test_a_correction_sent_after_the_session_ended_still_promises_its_form_back(client, seeded):
    response = client.post(
        reverse("newsroom:correct", args=[MONGOLIA]), {"notes": "A day later.", "action": "draft"}
    )
    where = urlsplit(response["Location"])
    assert parse_qs(where.query)["unsaved"] == ["1"]
    page = text(client.get(response["Location"]))
    assert "the form opens with what you typed" in page
