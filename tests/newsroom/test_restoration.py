"""A visit withdrawn by mistake is restored to the record under its own address: a
restoration is proposed from the newsroom (or the API), with why, and reviewed as every
report (another person verifies it); verified, it restores the same visit and slug as an
import that lists the visit again does, and the history records who and why."""

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.api.conftest import token_client
from tests.newsroom.conftest import account
from visits import flagging, history, review
from visits.models import Report, ReportState, ReviewState, Visit, WithdrawalCitation

pytestmark = pytest.mark.django_db

MONGOLIA = "vladimir-putin-mng-2024-09-02"
WITHDRAWN_BECAUSE = "The trip was confused with another one; no source shows it took place."
RESTORED_BECAUSE = "Withdrawn by mistake: the Kremlin's readout and three agencies report the trip."
RETRACTION = {"url": "https://news.example.org/2024/09/04/correction", "publisher": "Example News"}


def text(response) -> str:
    return response.content.decode()


def words(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture
def withdrawn(seeded, reporter, reviewer):
    """Mongolia's visit, withdrawn by a withdrawal `reporter` proposed and `reviewer`
    verified, citing a retraction."""
    visit = Visit.objects.get(slug=MONGOLIA)
    proposal = review.propose_withdrawal(
        author=reporter, visit=visit, note=WITHDRAWN_BECAUSE, citations=[RETRACTION]
    )
    review.verify(proposal, reviewer)
    visit.refresh_from_db()
    assert visit.review_state == ReviewState.WITHDRAWN
    return visit


def seen_on(page: str) -> str:
    return re.search(r'name="seen" value="([^"]+)"', page).group(1)


def test_a_visit_withdrawn_by_mistake_is_restored_under_its_address_once_another_verifies_it(
    withdrawn, reporter, signed_in
):
    """Measured defect: after a verified withdrawal the visit's correction page was a 404,
    and filing the trip again ("the withdrawn trip belongs on the record all the same")
    made a new visit, vladimir-putin-mng-2024-09-02-2, while the old address went on
    saying "withdrawn", neither linking to the other."""
    vera = account("vera", "reviewers")
    visits_before = Visit.objects.count()
    client = signed_in(reporter)

    # The visit's page offers it to staff who may report; its correction page leads there.
    public = text(client.get(withdrawn.get_absolute_url()))
    restore = reverse("newsroom:restore", args=[MONGOLIA])
    assert f'href="{restore}"' in public
    corrected = client.get(reverse("newsroom:correct", args=[MONGOLIA]))
    assert corrected.status_code == 302 and corrected["Location"] == restore
    page = client.get(restore)
    assert page.status_code == 200
    assert WITHDRAWN_BECAUSE.rstrip(".") in text(page)
    assert f'action="{restore}"' in text(page)

    refused = client.post(restore, {"restoration_note": "Oops."})
    assert refused.status_code == 400 and not Report.objects.filter(restoration_note__gt="")
    assert "at least 20 characters" in text(refused)
    filed = client.post(restore, {"restoration_note": RESTORED_BECAUSE})
    report = Report.objects.get(restoration_note__gt="")
    assert filed["Location"] == reverse("newsroom:report", args=[report.pk])
    assert (report.state, report.is_correction, report.is_restoration, report.visit_id) == (
        ReportState.SUBMITTED,
        True,
        True,
        withdrawn.pk,
    )
    again = client.post(restore, {"restoration_note": RESTORED_BECAUSE})
    assert "already open" in text(client.get(again["Location"]))

    # Its author may not verify it; nothing public moved.
    assert "Restoration:" in text(client.get(reverse("newsroom:report", args=[report.pk])))
    own = client.post(
        reverse("newsroom:verify", args=[report.pk]), {"seen": review.version_of(report)}
    )
    assert own.status_code == 403
    assert Visit.objects.get(pk=withdrawn.pk).review_state == ReviewState.WITHDRAWN

    client = signed_in(vera)
    page = text(client.get(reverse("newsroom:report", args=[report.pk])))
    assert "Restoration:" in page and RESTORED_BECAUSE in html.unescape(page)
    assert WITHDRAWN_BECAUSE.rstrip(".") in html.unescape(page)  # what it answers
    button = page.split('id="verify"')[1].split("</button>")[0]
    assert "Verify the restoration" in button
    done = client.post(reverse("newsroom:verify", args=[report.pk]), {"seen": seen_on(page)})
    assert done.status_code == 302
    assert "back on the record" in text(client.get(done["Location"]))

    visit = Visit.objects.get(pk=withdrawn.pk)
    assert (visit.slug, visit.review_state, visit.withdrawal_note) == (
        MONGOLIA,
        ReviewState.VERIFIED,
        "",
    )
    assert not WithdrawalCitation.objects.filter(visit=visit).exists()
    assert Visit.objects.count() == visits_before  # no second visit of the trip
    assert Report.objects.get(pk=report.pk).state == ReportState.VERIFIED
    flagging.evaluate_pending()
    assert visit.verdict.code != "withdrawn"

    # Its page is the published visit's again, and says when it came back and why.
    client.logout()
    public = words(text(client.get(visit.get_absolute_url())))
    assert "was restored to the record" in public and RESTORED_BECAUSE.rstrip(".") in public
    changes = words(text(client.get("/changes/")))
    assert f"Why: a verified restoration — {RESTORED_BECAUSE.rstrip('.')}." in changes
    assert not re.search(r"\bvera\b", changes)  # the reviewer is not named in public

    # Its history records who verified it and who asked, and why.
    entries = history.history_of(Visit, visit.pk)
    restored = next(
        e for e in entries if e.model is Visit and "review state" in [c[0] for c in e.changes]
    )
    assert (restored.author, restored.path) == ("vera", "newsroom")
    assert restored.why.startswith("a verified restoration — Withdrawn by mistake")
    assert restored.why.endswith(f", reported by {reporter.username}")


def test_a_restoration_is_only_of_a_withdrawn_visit_and_one_at_a_time(withdrawn, both):
    """`both` reports and reviews: the four eyes still hold for their own restoration."""
    published = Visit.objects.published().first()
    with pytest.raises(ValidationError) as refused:
        review.propose_restoration(author=both, visit=published, note=RESTORED_BECAUSE)
    assert "Only a withdrawn visit" in str(refused.value)
    with pytest.raises(ValidationError) as short:
        review.propose_restoration(author=both, visit=withdrawn, note="By mistake.")
    assert "restoration_note" in short.value.message_dict
    first = review.propose_restoration(author=both, visit=withdrawn, note=RESTORED_BECAUSE)
    with pytest.raises(review.DuplicateReport) as twice:
        review.propose_restoration(author=both, visit=withdrawn, note=RESTORED_BECAUSE)
    assert twice.value.existing == first
    with pytest.raises(review.FourEyesError):
        review.verify(first, both)
    assert Visit.objects.get(pk=withdrawn.pk).review_state == ReviewState.WITHDRAWN


def test_a_restoration_of_a_trip_recorded_again_meanwhile_asks_the_reviewer_to_compare(
    withdrawn, reporter, reviewer
):
    """The trip was filed again as a new visit while the first was withdrawn: restoring
    the first would put the trip on the record twice, so the reviewer compares them and
    confirms, as for a new visit."""
    again = review.file_report(
        author=reporter,
        data=review.report_data_of(withdrawn),
        citations=review.citations_of(withdrawn),
    )
    second = review.verify(again, reviewer, different_from=[MONGOLIA])
    assert second.slug == f"{MONGOLIA}-2"
    restoration = review.propose_restoration(
        author=reporter, visit=withdrawn, note=RESTORED_BECAUSE
    )
    with pytest.raises(ValidationError) as refused:
        review.verify(restoration, reviewer)
    assert second.slug in " ".join(refused.value.messages)
    assert Visit.objects.get(pk=withdrawn.pk).review_state == ReviewState.WITHDRAWN
    review.verify(restoration, reviewer, different_from=[second.slug])
    assert Visit.objects.get(pk=withdrawn.pk).review_state == ReviewState.VERIFIED


def test_a_restoration_sent_back_is_reworded_and_submitted_again(
    withdrawn, reporter, reviewer, signed_in
):
    report = review.propose_restoration(author=reporter, visit=withdrawn, note=RESTORED_BECAUSE)
    review.request_changes(report, reviewer, "Name the agencies that report the trip.")
    client = signed_in(reporter)
    page = text(client.get(reverse("newsroom:report", args=[report.pk])))
    assert 'name="restoration_note"' in page and 'name="withdrawal_note"' not in page
    reworded = "Withdrawn by mistake: TASS, Reuters and AP all report the trip to Ulaanbaatar."
    sent = client.post(
        reverse("newsroom:edit", args=[report.pk]),
        {
            "restoration_note": reworded,
            "reply": "Named them.",
            "seen": seen_on(page),
            "then": "submit",
        },
    )
    assert sent.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.restoration_note, report.reply) == (
        ReportState.SUBMITTED,
        reworded,
        "Named them.",
    )


def test_the_new_report_form_offers_to_restore_a_withdrawn_visit_of_the_trip(
    withdrawn, reporter, signed_in
):
    from tests.newsroom.conftest import form_data

    client = signed_in(reporter)
    data = form_data(action="preview", host="MNG", place="Ulaanbaatar", start="2024-09-02")
    data.update({"end": "2024-09-03", "occasion": "Official visit"})
    page = text(client.post(reverse("newsroom:new"), data))
    listed = page.split('id="withdrawn-duplicates"')[1].split("</ul>")[0]
    assert f'href="{reverse("newsroom:restore", args=[MONGOLIA])}"' in listed


# --- the API -------------------------------------------------------------------------------


def test_a_restoration_is_filed_and_verified_through_the_api(withdrawn, reporter, reviewer):
    filer, checker = token_client(reporter), token_client(reviewer)
    not_withdrawn = filer.post(
        "/api/v1/reports/restorations/",
        {"visit": Visit.objects.published().first().slug, "restoration_note": RESTORED_BECAUSE},
        format="json",
    )
    assert not_withdrawn.status_code == 400 and "visit" in not_withdrawn.json()["error"]["fields"]
    filed = filer.post(
        "/api/v1/reports/restorations/",
        {"visit": MONGOLIA, "restoration_note": RESTORED_BECAUSE},
        format="json",
    )
    assert filed.status_code == 201, filed.content
    shown = filed.json()
    assert filed["Location"] == shown["url"]
    assert (shown["restoration_note"], shown["withdrawal_note"], shown["visit"]["id"]) == (
        RESTORED_BECAUSE,
        "",
        MONGOLIA,
    )
    report = Report.objects.get(pk=shown["id"])
    own = filer.post(f"{shown['url']}verify/", {"seen": review.version_of(report)}, format="json")
    assert own.status_code == 403
    verified = checker.post(
        f"{shown['url']}verify/", {"seen": review.version_of(report)}, format="json"
    )
    assert verified.status_code == 200, verified.content
    record = token_client(reporter).get(f"/api/v1/visits/{MONGOLIA}/").json()
    # A visit's blank text is null in the API's JSON (unknown, as the dictionary says).
    assert (record["id"], record["review_state"], record["withdrawal_note"]) == (
        MONGOLIA,
        "verified",
        None,
    )


def test_the_reviewers_and_the_author_are_mailed_about_a_restoration_by_name(
    withdrawn, django_capture_on_commit_callbacks
):
    """The mails name a restoration, as they name a withdrawal: "a correction of a
    published visit" would tell a reviewer or its author the wrong thing."""
    from django.core import mail

    rhea = account("rhea", "reporters", email="rhea@ngo.example")
    vic = account("vic", "reviewers", email="vic@ngo.example")
    trip = "Vladimir Vladimirovich Putin in Mongolia"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = review.propose_restoration(author=rhea, visit=withdrawn, note=RESTORED_BECAUSE)
    (asked,) = [m for m in mail.outbox if vic.email in m.to]
    assert asked.subject.startswith("[iccwatch] A restoration awaits review:")
    assert f"rhea asks to restore a withdrawn visit to the record: {trip}" in asked.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review.verify(report, vic)
    (told,) = mail.outbox
    assert told.to == [rhea.email]
    assert told.subject.startswith("[iccwatch] Your restoration was verified:")
    assert f"vic verified your restoration of a withdrawn visit: {trip}" in told.body
    assert "The visit's public page, back on the record:" in told.body
