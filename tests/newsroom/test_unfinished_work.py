"""Unfinished work in the report form: a draft is saved with what is there, and says what
it still lacks; every error of a form is said at once; a form sent after the session
ended is not saved, and the sign-in page says so (README, "The newsroom")."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from tests.newsroom.conftest import form_data
from visits.models import Report, ReportState

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
