"""A draft is its author's own until they submit it: a reviewer does not read a colleague's
draft, on its page, in the API or in a history; an admin reads every record."""

import html
import re

import pytest
from django.urls import reverse

from core import roles
from tests.api.conftest import token_client
from tests.newsroom.conftest import account
from visits import review
from visits.models import ReportState, Visit

pytestmark = pytest.mark.django_db

MONGOLIA = "vladimir-putin-mng-2024-09-02"


@pytest.fixture
def draft_correction(seeded, reporter):
    """A reporter's draft correction of the Mongolia visit, with a note for the reviewer's eyes
    only once it is submitted."""
    visit = Visit.objects.get(slug=MONGOLIA)
    return review.file_report(
        author=reporter,
        data={**review.report_data_of(visit), "end": "2024-09-04"},
        citations=review.citations_of(visit),
        visit=visit,
        reason="DRAFT-REASON-NOT-YET-SENT",
        submit=False,
    )


def readers(reviewer):
    return {"reviewer": reviewer, "admin": account("ada", roles.ADMINS)}


@pytest.mark.parametrize(("who", "reads"), [("reviewer", False), ("admin", True)])
def test_a_colleagues_draft_is_not_a_reviewers_to_read(
    draft_correction, reviewer, client, who, reads
):
    user = readers(reviewer)[who]
    client.force_login(user)
    page = client.get(reverse("newsroom:report", args=[draft_correction.pk]))
    assert page.status_code == (200 if reads else 404)
    api = token_client(user).get(f"/api/v1/reports/{draft_correction.pk}/")
    assert api.status_code == (200 if reads else 404)
    history = client.get(f"/newsroom/history/visits.report/{draft_correction.pk}/")
    assert history.status_code == (200 if reads else 404)
    visit_history = client.get(f"/newsroom/history/visits.visit/{draft_correction.visit_id}/")
    assert visit_history.status_code == 200
    assert ("DRAFT-REASON-NOT-YET-SENT" in visit_history.content.decode()) is reads


def test_once_submitted_the_reviewer_reads_it_and_taken_back_no_longer(
    draft_correction, reporter, reviewer, client
):
    client.force_login(reviewer)
    url = reverse("newsroom:report", args=[draft_correction.pk])
    review.submit(draft_correction, reporter)
    assert client.get(url).status_code == 200
    assert token_client(reviewer).get(f"/api/v1/reports/{draft_correction.pk}/").status_code == 200
    review.take_back(draft_correction, reporter)
    draft_correction.refresh_from_db()
    assert draft_correction.state == ReportState.DRAFT
    assert client.get(url).status_code == 404
    history = client.get(f"/newsroom/history/visits.report/{draft_correction.pk}/")
    assert history.status_code == 404


def test_a_reviewers_link_to_a_report_taken_back_says_so_in_the_newsroom(
    draft_correction, reporter, reviewer, client
):
    """The mailed link to a report its author took back opened the public "Page not
    found: the link may be mistyped". Still a 404 (a colleague's draft is theirs), in the
    newsroom's words, and the same words for a report that does not exist: nothing tells
    whether it does."""
    client.force_login(reviewer)
    review.submit(draft_correction, reporter)
    review.take_back(draft_correction, reporter)
    taken_back = client.get(reverse("newsroom:report", args=[draft_correction.pk]))
    none = client.get(reverse("newsroom:report", args=[draft_correction.pk + 999]))
    said = []
    for response in (taken_back, none):
        page = html.unescape(response.content.decode())
        assert response.status_code == 404
        assert "mistyped" not in page and "Page not found" not in page
        assert "not, or no longer, awaiting review" in page
        # The newsroom's layout, its menu.
        assert f"Signed in as {reviewer.get_username()}" in page
        said.append(re.search(r'<p id="not-found">(.*?)</p>', page, re.S).group(1))
    assert said[0] == said[1]
    assert "no-store" in taken_back["Cache-Control"] or "no-cache" in taken_back["Cache-Control"]


def test_its_author_reads_their_draft_everywhere(draft_correction, reporter, client):
    client.force_login(reporter)
    assert client.get(reverse("newsroom:report", args=[draft_correction.pk])).status_code == 200
    assert token_client(reporter).get(f"/api/v1/reports/{draft_correction.pk}/").status_code == 200
    history = client.get(f"/newsroom/history/visits.visit/{draft_correction.visit_id}/")
    assert "DRAFT-REASON-NOT-YET-SENT" in history.content.decode()


@pytest.mark.parametrize("action", ["verify", "reject", "request-changes"])
def test_a_review_action_on_a_colleagues_draft_is_refused_like_its_page(
    draft_correction, reviewer, client, action
):
    """Refused as its page is (404), not answered with the state the draft is in."""
    client.force_login(reviewer)
    response = client.post(
        reverse(f"newsroom:{action}", args=[draft_correction.pk]), {"comment": "Why?"}
    )
    assert response.status_code == 404
    draft_correction.refresh_from_db()
    assert draft_correction.state == ReportState.DRAFT and draft_correction.comment == ""


def test_one_who_both_reports_and_reviews_reads_their_own_draft_not_a_colleagues(
    draft_correction, both, client
):
    client.force_login(both)
    assert client.get(reverse("newsroom:report", args=[draft_correction.pk])).status_code == 404
    mine = review.file_report(
        author=both,
        data={**draft_correction.data, "end": "2024-09-05"},
        citations=draft_correction.citations,
        visit=draft_correction.visit,
        submit=False,
    )
    assert client.get(reverse("newsroom:report", args=[mine.pk])).status_code == 200
