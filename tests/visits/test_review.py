"""The newsroom's service layer (visits.review): four eyes, duplicates, corrections, citations."""

import datetime
import threading

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from core import roles
from core.models import Source
from states.models import State
from tests.factories import make_visit
from visits import flagging, review
from visits.models import Report, ReportState, Visit
from warrants.models import Person

pytestmark = pytest.mark.django_db

MONGOLIA = "vladimir-putin-mng-2024-09-02"
TAJIKISTAN = {
    "person": "vladimir-putin",
    "host": "TJK",
    "start": "2025-10-08",
    "end": "2025-10-10",
    "place": "Dushanbe",
    "occasion": "CIS summit",
    "status": "occurred",
    "outcome": "not_arrested",
}
CITATIONS = [
    {"url": "https://example.org/putin-dushanbe", "publisher": "Example News"},
    {"url": "https://example.org/cis-summit", "publisher": "Example Wire"},
]


def account(name: str, *groups: str) -> User:
    user = User.objects.create_user(name, password="a-long-test-password")
    for group in groups:
        # A transactional test's flush empties auth_group; the migration made them first.
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def reporter(db):
    return account("rita", roles.REPORTERS)


@pytest.fixture
def reviewer(db):
    return account("victor", roles.REVIEWERS)


@pytest.fixture
def both(db):
    return account("bea", roles.REPORTERS, roles.REVIEWERS)


@pytest.fixture
def tajikistan_removed(seeded):
    """Putin's published trip to Tajikistan, removed so that it can be reported anew."""
    Visit.objects.filter(slug__startswith="vladimir-putin-tjk-2025-10").delete()


def test_the_roles_exist_as_groups(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {
        roles.REPORTERS,
        roles.REVIEWERS,
        roles.ADMINS,
    }


def test_a_report_is_not_public_until_another_person_verifies_it(
    tajikistan_removed, reporter, reviewer
):
    report = review.file_report(author=reporter, data=TAJIKISTAN, citations=CITATIONS)
    assert report.state == ReportState.SUBMITTED
    assert not Visit.objects.filter(person__slug="vladimir-putin", host__iso3="TJK").exists()
    assert list(review.review_queue(reviewer)) == [report]
    assert list(review.review_queue(reporter)) == []  # not a reviewer

    visit = review.verify(report, reviewer)
    flagging.evaluate_pending()  # the relay runs after commit; the test's transaction never commits

    assert visit.review_state == "verified" and visit.verdict.code == "non_compliance"
    assert visit.created_by == reporter and visit.updated_by == reviewer
    report.refresh_from_db()
    assert (report.state, report.visit, report.reviewer) == ("verified", visit, reviewer)
    assert {c.source.url: c.publisher for c in visit.citations.select_related("source")} == {
        c["url"]: c["publisher"] for c in CITATIONS
    }


def test_nobody_reviews_their_own_report(tajikistan_removed, both):
    report = review.file_report(author=both, data=TAJIKISTAN, citations=CITATIONS)
    assert list(review.review_queue(both)) == []
    for act in (
        lambda: review.verify(report, both),
        lambda: review.reject(report, both, "no"),
        lambda: review.request_changes(report, both, "no"),
    ):
        with pytest.raises(review.FourEyesError):
            act()
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_readers_and_reviewers_cannot_file_and_reporters_cannot_review(
    tajikistan_removed, reporter, reviewer
):
    with pytest.raises(PermissionDenied):
        review.file_report(author=reviewer, data=TAJIKISTAN, citations=CITATIONS)
    other = account("otto", roles.REPORTERS)
    report = review.file_report(author=other, data=TAJIKISTAN, citations=CITATIONS)
    with pytest.raises(PermissionDenied):
        review.verify(report, reporter)


def test_bad_data_is_refused_field_by_field_and_nothing_is_saved(seeded, reporter):
    with pytest.raises(ValidationError) as refused:
        review.file_report(
            author=reporter,
            data={**TAJIKISTAN, "host": "RUS", "start": "2025-13"},
            citations=[],
        )
    errors = refused.value.message_dict
    assert "own state" in errors["host"][0]
    assert errors["start"] == ["There is no month 13: months run from 01 to 12."]
    assert "citations" in errors
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        ("announced", "n/a"),
        ("virtual", "n/a"),
        ("occurred", "not_arrested"),
        ("transit", "not_arrested"),
    ],
)
def test_only_a_cancelled_trip_may_be_undated_and_the_refusal_is_true_of_every_status(
    seeded, status, outcome
):
    """An announced trip without a date was refused with "A visit that took place needs a
    start date": it has not taken place. The refusal says what holds for every status
    (docs/DOMAIN.md, "Dates": only a cancelled trip may have no date), in the reader's
    language."""
    from django.utils import translation

    from visits.reports import validate_visit_fields

    facts = {
        "person": Person.objects.get(slug="vladimir-putin"),
        "host": State.objects.get(iso3="TJK"),
        "start": None,
        "end": None,
        "review_state": "verified",
    }
    errors = validate_visit_fields(**facts, status=status, outcome=outcome)
    assert errors["start"] == "A visit needs a start date (only a cancelled trip may have none)."
    with translation.override("fr"):
        french = validate_visit_fields(**facts, status=status, outcome=outcome)["start"]
    assert french.startswith("Une visite a besoin d’une date de début")
    assert "start" not in validate_visit_fields(**facts, status="cancelled", outcome="n/a")


def test_changes_requested_go_back_to_the_author_and_a_rejection_is_kept(
    tajikistan_removed, reporter, reviewer
):
    report = review.file_report(author=reporter, data=TAJIKISTAN, citations=CITATIONS)
    with pytest.raises(ValidationError):
        review.request_changes(report, reviewer, "  ")
    review.request_changes(report, reviewer, "Add the Kremlin's readout.")
    report.refresh_from_db()
    assert (report.state, report.comment) == ("changes_requested", "Add the Kremlin's readout.")
    review.update_report(
        report,
        reporter,
        data=TAJIKISTAN,
        citations=[*CITATIONS, {"url": "https://example.org/kremlin-readout"}],
        reply="Added the Kremlin's readout.",
    )
    review.submit(report, reporter)
    review.reject(report, reviewer, "Duplicate of another report.")
    report.refresh_from_db()
    assert report.state == "rejected"
    assert not Visit.objects.filter(person__slug="vladimir-putin", host__iso3="TJK").exists()


def test_its_author_deletes_a_report_sent_back_of_any_kind_never_one_under_review_or_closed(
    seeded, reporter, reviewer
):
    """Only a draft could be deleted, and a withdrawal sent back: a new visit's report or a
    correction sent back could only be answered, or stay open for good. Its author may
    abandon any of them now; nobody else may, and a report awaiting review (taken back
    first) or closed stays."""
    visit = Visit.objects.get(slug=MONGOLIA)
    sent_back = [
        review.file_report(author=reporter, data=TAJIKISTAN, citations=CITATIONS),
        correct(visit, reporter, place="Ulaanbaatar, Government Palace"),
    ]
    for report in sent_back:
        review.request_changes(report, reviewer, "Same trip as the one on record.")
        with pytest.raises(PermissionDenied):
            review.delete_report(report, reviewer)
        review.delete_report(report, reporter)
        assert not Report.objects.filter(pk=report.pk).exists()
    assert not review.sent_back_by(reviewer)[0].exists()
    awaiting = review.file_report(author=reporter, data=TAJIKISTAN, citations=CITATIONS)
    with pytest.raises(ValidationError, match="Only a draft, or a report sent back to you"):
        review.delete_report(awaiting, reporter)
    review.reject(awaiting, reviewer, "Duplicate of the visit on record.")
    with pytest.raises(ValidationError):
        review.delete_report(awaiting, reporter)
    assert Report.objects.get(pk=awaiting.pk).state == ReportState.REJECTED


def test_an_identical_report_or_the_same_idempotency_key_is_a_duplicate(
    tajikistan_removed, reporter
):
    first = review.file_report(
        author=reporter, data=TAJIKISTAN, citations=CITATIONS, idempotency_key="k-1"
    )
    with pytest.raises(review.DuplicateReport) as same_key:
        review.file_report(
            author=reporter,
            data={**TAJIKISTAN, "place": "elsewhere"},
            citations=CITATIONS,
            idempotency_key="k-1",
        )
    assert same_key.value.existing == first
    with pytest.raises(review.DuplicateReport) as identical:
        review.file_report(author=reporter, data=TAJIKISTAN, citations=CITATIONS)
    assert identical.value.existing == first


def test_a_colleagues_draft_is_theirs_alone_and_blocks_nothing(tajikistan_removed, reporter):
    """Two colleagues report the same trip from the same article: the first one's draft
    neither stops the second from filing nor is named to them. Only its author meets it
    again (the same draft twice), and once both are sent, a reviewer reads it once."""
    colleague = account("sam", roles.REPORTERS)
    draft = review.file_report(author=colleague, data=TAJIKISTAN, citations=CITATIONS, submit=False)
    with pytest.raises(review.DuplicateReport) as own:
        review.file_report(author=colleague, data=TAJIKISTAN, citations=CITATIONS, submit=False)
    assert own.value.existing == draft
    filed = review.file_report(author=reporter, data=TAJIKISTAN, citations=CITATIONS)
    assert filed.state == ReportState.SUBMITTED and filed.pk != draft.pk
    # Sent for review, the draft meets the colleague's report already there: not filed twice.
    with pytest.raises(review.DuplicateReport) as under_review:
        review.submit(draft, colleague)
    assert under_review.value.existing == filed
    assert Report.objects.get(pk=draft.pk).state == ReportState.DRAFT


def test_a_draft_edited_into_a_report_already_under_review_is_refused(tajikistan_removed, reporter):
    """Not a database error: the same refusal as filing it, naming the report it repeats."""
    colleague = account("sam", roles.REPORTERS)
    filed = review.file_report(author=reporter, data=TAJIKISTAN, citations=CITATIONS)
    draft = review.file_report(
        author=colleague,
        data={**TAJIKISTAN, "place": "Dushanbe, the palace"},
        citations=CITATIONS,
        submit=False,
    )
    with pytest.raises(review.DuplicateReport) as twin:
        review.update_report(draft, colleague, data=TAJIKISTAN, citations=CITATIONS)
    assert twin.value.existing == filed
    assert Report.objects.get(pk=draft.pk).data["place"] == "Dushanbe, the palace"


@pytest.mark.django_db(transaction=True)
def test_four_identical_reports_at_once_make_one_report(tajikistan_removed, reporter):
    outcomes: list = []

    def file():
        try:
            outcomes.append(
                review.file_report(author=reporter, data=TAJIKISTAN, citations=CITATIONS).pk
            )
        except review.DuplicateReport as duplicate:
            outcomes.append(("duplicate", duplicate.existing.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=file) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    created = [o for o in outcomes if not isinstance(o, tuple)]
    assert len(created) == 1 and Report.objects.count() == 1
    assert sorted(o[1] for o in outcomes if isinstance(o, tuple)) == created * 3


def test_a_pending_report_never_changes_what_a_published_visit_shows(seeded, reporter):
    mongolia = Visit.objects.get(slug=MONGOLIA)
    cited = mongolia.citations.select_related("source").first()
    before = (cited.shown_publisher, cited.shown_excerpt, cited.source.publisher)
    explanation = mongolia.verdict.explanation_text()
    review.file_report(
        author=reporter,
        data={**TAJIKISTAN, "start": "2025-11-01", "end": None},
        citations=[
            {"url": cited.source.url, "publisher": "Unreviewed Publisher", "excerpt": "Not so."}
        ],
    )
    cited.refresh_from_db()
    cited.source.refresh_from_db()
    assert (cited.shown_publisher, cited.shown_excerpt, cited.source.publisher) == before
    mongolia.verdict.refresh_from_db()
    assert mongolia.verdict.explanation_text() == explanation


def test_a_verified_citation_of_a_shared_url_keeps_the_other_visits_details(
    tajikistan_removed, reporter, reviewer
):
    mongolia = Visit.objects.get(slug=MONGOLIA)
    shared = mongolia.citations.select_related("source").first()
    shown = shared.shown_publisher
    report = review.file_report(
        author=reporter,
        data=TAJIKISTAN,
        citations=[{"url": shared.source.url, "publisher": "Another Reading"}],
    )
    visit = review.verify(report, reviewer)
    assert visit.citations.get().shown_publisher == "Another Reading"
    shared.refresh_from_db()
    assert shared.shown_publisher == shown
    assert Source.objects.get(url=shared.source.url).publisher == shared.source.publisher


def test_a_correction_changes_the_published_visit_only_when_verified(seeded, reporter, reviewer):
    visit = Visit.objects.get(slug=MONGOLIA)
    data = {**review.report_data_of(visit), "end": "2024-09-04"}
    report = review.file_report(
        author=reporter, data=data, citations=review.citations_of(visit), visit=visit
    )
    visit.refresh_from_db()
    assert visit.end.isoformat() == "2024-09-03"
    review.verify(report, reviewer)
    visit.refresh_from_db()
    assert visit.end.isoformat() == "2024-09-04"
    report.refresh_from_db()
    assert report.changes == [{"field": "end", "old": "2024-09-03", "new": "2024-09-04"}]
    assert list(review.corrections_of(visit)) == [report]


def test_preview_gives_the_rules_verdict_without_saving(seeded):
    verdicts = Visit.objects.count()
    verdict = review.preview({**TAJIKISTAN, "start": "2025-10-09", "end": "2025-10-09"})
    assert (verdict.code, verdict.basis) == ("non_compliance", "state_party")
    assert Visit.objects.count() == verdicts


def test_possible_duplicates_overlap_the_possible_days(seeded):
    found = review.possible_duplicates({**TAJIKISTAN, "start": "2025-10", "end": None})
    assert [v.slug for v in found] == ["vladimir-putin-tjk-2025-10-08"]
    assert review.possible_duplicates({**TAJIKISTAN, "start": "2025-11-01", "end": None}) == []


def test_a_visit_whose_end_is_not_known_overlaps_every_trip_from_its_start_on(seeded):
    """Measured defect: an end not known was read as the start day, recorded or reported
    (docs/DOMAIN.md, "Dates": its possible days are its start onward), so Putin in Mongolia
    from 2 September 2024, end not known, was no possible duplicate of a report of him
    there from 3 to 4 September; nor a report from 1 September, end not known, of the
    visit recorded from 2 to 3 September. A trip over before the start is still apart."""
    mongolia = {"person": "vladimir-putin", "host": "MNG"}
    reported = review.possible_duplicates({**mongolia, "start": "2024-09-01", "end": "?"})
    assert [v.slug for v in reported] == [MONGOLIA]
    after = review.possible_duplicates({**mongolia, "start": "2024-09-04", "end": "?"})
    assert after == []  # the recorded visit ended on the 3rd

    Visit.objects.filter(slug=MONGOLIA).update(end=None, end_known=False)
    recorded = Visit.objects.get(slug=MONGOLIA)
    assert recorded.possible_days() == (datetime.date(2024, 9, 2), None)
    later = review.possible_duplicates({**mongolia, "start": "2024-09-03", "end": "2024-09-04"})
    assert [v.slug for v in later] == [MONGOLIA]
    a_year_on = review.possible_duplicates({**mongolia, "start": "2025-09", "end": "?"})
    assert [v.slug for v in a_year_on] == [MONGOLIA]
    before = review.possible_duplicates({**mongolia, "start": "2024-08-30", "end": "2024-09-01"})
    assert before == []


BASHIR_TURKEY = {
    "person": "omar-al-bashir",
    "host": "TUR",
    "start": "2012-05",
    "end": None,
    "occasion": "Planned visit",
    "status": "cancelled",
    "outcome": "n/a",
}
PUTIN_HUNGARY = {
    "person": "vladimir-putin",
    "host": "HUN",
    "start": None,
    "end": None,
    "place": "Budapest",
    "occasion": "Summit",
    "status": "cancelled",
    "outcome": "n/a",
}


def test_a_visit_with_no_known_day_may_be_any_visit_of_the_trip(seeded):
    """Measured defect: only an undated report and an undated visit were compared; a
    called-off trip with no date may have been planned for any day (docs/DOMAIN.md,
    "Dates"), so it may be the dated trip of the same person to the same host, and the
    reverse: al-Bashir's report of May 2012 against his undated trip to Türkiye, an
    undated report of Putin's called-off trip against the one of October 2025. Another
    host's visits stay apart."""
    dated = review.possible_duplicates(BASHIR_TURKEY)
    assert [v.slug for v in dated] == ["omar-al-bashir-tur-undated"]
    undated = review.possible_duplicates(PUTIN_HUNGARY)
    assert [v.slug for v in undated] == ["vladimir-putin-hun-2025-10"]
    assert review.possible_duplicates({**PUTIN_HUNGARY, "host": "TJK"}) == [
        Visit.objects.get(slug__startswith="vladimir-putin-tjk-2025-10")
    ]
    # A date that cannot be read is compared with nothing (the form refuses it first).
    assert review.possible_duplicates({**BASHIR_TURKEY, "start": "2012-13"}) == []


def test_a_report_with_no_known_day_may_be_any_report_of_the_trip(seeded, reporter, both):
    """pending_duplicates, as possible_duplicates: a dated report and an undated one of the
    same person's trip to the same host may be one trip, whichever is filed first; a report
    of another host is not."""
    Visit.objects.filter(person__slug="vladimir-putin", host__iso3="HUN").delete()
    dated = review.file_report(
        author=both, data={**PUTIN_HUNGARY, "start": "2025-10"}, citations=CITATIONS
    )
    elsewhere = review.file_report(
        author=both, data={**PUTIN_HUNGARY, "host": "MNG"}, citations=CITATIONS
    )
    assert review.pending_duplicates(PUTIN_HUNGARY) == [dated]
    undated = review.file_report(
        author=both, data={**PUTIN_HUNGARY, "place": "Budapest, undated"}, citations=CITATIONS
    )
    assert review.pending_duplicates({**PUTIN_HUNGARY, "start": "2025-10-20"}) == [dated, undated]
    assert review.pending_duplicates(elsewhere.data, exclude=elsewhere) == []
    # Filing without the author's word that it is another visit names both.
    with pytest.raises(review.PossibleDuplicates) as possible:
        review.file_report(
            author=reporter,
            data={**PUTIN_HUNGARY, "start": "2025-10-21"},
            citations=CITATIONS,
            refuse_duplicates=True,
        )
    assert possible.value.visits == [] and possible.value.pending == [dated, undated]


def test_naming_the_possible_duplicates_costs_one_query_however_many_there_are(seeded):
    """The form's duplicates box and the API's refusal name each duplicate visit by its
    person and host (visit_title): two more queries per visit, until they were read with
    the visits."""
    from django.test.utils import CaptureQueriesContext

    from front.summaries import visit_title

    putin, tajikistan = Person.objects.get(slug="vladimir-putin"), State.objects.get(iso3="TJK")
    for day in (11, 12, 13):
        make_visit(putin, tajikistan, start=datetime.date(2025, 10, day), review_state="reported")
    october = {**TAJIKISTAN, "start": "2025-10", "end": None}
    with CaptureQueriesContext(connection) as queries:
        titles = [visit_title(v) for v in review.possible_duplicates(october)]
    assert len(titles) >= 4 and len(queries) == 1, [q["sql"] for q in queries]


def test_filing_that_refuses_duplicates_names_the_visits_and_the_open_reports_of_the_trip(
    seeded, reporter, both
):
    """file_report(refuse_duplicates=True), the API's filing without `another_visit`: the
    visits the report may repeat and the reports of the trip not yet closed, as
    possible_duplicates and pending_duplicates find them (the filer's own draft among
    them, never a colleague's; not one identical to it, nor one of other days), nothing
    saved. A retry with the same key answers as the first did, before any of it."""
    recorded = Visit.objects.get(slug__startswith="vladimir-putin-tjk-2025-10")
    theirs = review.file_report(
        author=both, data={**TAJIKISTAN, "place": "Dushanbe airport"}, citations=CITATIONS
    )
    identical = review.file_report(author=both, data=TAJIKISTAN, citations=CITATIONS)
    own_draft = review.file_report(
        author=reporter,
        data={**TAJIKISTAN, "place": "Dushanbe, a draft"},
        citations=[],
        submit=False,
    )
    review.file_report(
        author=both, data={**TAJIKISTAN, "place": "A colleague's draft"}, citations=[], submit=False
    )
    review.file_report(
        author=both, data={**TAJIKISTAN, "start": "2025-11-20", "end": None}, citations=CITATIONS
    )
    filed = Report.objects.count()
    with pytest.raises(review.PossibleDuplicates) as possible:
        review.file_report(
            author=reporter, data=TAJIKISTAN, citations=CITATIONS, refuse_duplicates=True
        )
    assert possible.value.visits == [recorded]
    assert possible.value.pending == [theirs, own_draft]
    # pending_duplicates lists the identical one too: filing it again is a DuplicateReport.
    assert review.pending_duplicates(TAJIKISTAN, author=reporter) == [theirs, identical, own_draft]
    assert Report.objects.count() == filed
    # A retry of a report filed with that key, whatever it may repeat: the first answer.
    keyed = review.file_report(
        author=reporter,
        data={**TAJIKISTAN, "place": "Khujand"},
        citations=CITATIONS,
        idempotency_key="k-1",
    )
    with pytest.raises(review.DuplicateReport) as retried:
        review.file_report(
            author=reporter,
            data=TAJIKISTAN,
            citations=CITATIONS,
            idempotency_key="k-1",
            refuse_duplicates=True,
        )
    assert retried.value.existing == keyed
    # A trip nothing may repeat is filed, with the visits it may repeat (none) in hand.
    report = review.file_report(
        author=reporter,
        data={**TAJIKISTAN, "start": "2025-06-02", "end": None},
        citations=CITATIONS,
        refuse_duplicates=True,
    )
    assert report.state == ReportState.SUBMITTED and report.possible_duplicates == []


def test_a_trip_withdrawn_from_the_record_is_not_published_again_unseen(
    seeded, reporter, reviewer, both
):
    """Measured defect: possible_duplicates left withdrawn visits out, so that a trip
    withdrawn with a reason was reported and published again with neither the reporter
    nor the reviewer told. A new report of it now meets the withdrawn visit, with the day
    it was withdrawn, and is filed and verified only once confirmed, as another visit
    is; a correction of another visit of the trip is not held up by it."""
    Visit.objects.filter(slug__startswith="vladimir-putin-tjk-2025-10").delete()
    published = review.verify(
        review.file_report(author=reporter, data=TAJIKISTAN, citations=CITATIONS), both
    )
    why = "The summit took place by video: Putin stayed in Moscow."
    review.verify(review.propose_withdrawal(author=reporter, visit=published, note=why), both)
    published.refresh_from_db()
    assert published.review_state == "withdrawn"

    found = review.possible_duplicates(TAJIKISTAN)
    assert found == [published] and found[0].withdrawn_on == review.withdrawn_on(published)
    assert found[0].withdrawn_on == published.updated_at.date()
    with pytest.raises(review.PossibleDuplicates) as possible:
        review.file_report(
            author=reporter, data=TAJIKISTAN, citations=CITATIONS, refuse_duplicates=True
        )
    assert possible.value.visits == [published] and possible.value.pending == []
    again = review.file_report(author=reporter, data=TAJIKISTAN, citations=CITATIONS)
    with pytest.raises(ValidationError, match="was withdrawn from the record") as refused:
        review.verify(again, reviewer)
    assert published.slug in str(refused.value)
    assert [e.code for e in refused.value.error_list] == ["possible_duplicate"]
    republished = review.verify(again, reviewer, different_from=[published.slug])
    assert republished.review_state == "verified" and republished.pk != published.pk
    # A visit recorded and one withdrawn: each is said, and both must be compared.
    third = review.file_report(
        author=reporter, data={**TAJIKISTAN, "place": "Dushanbe, a palace"}, citations=CITATIONS
    )
    with pytest.raises(ValidationError) as refused:
        review.verify(third, reviewer, different_from=[published.slug])
    assert refused.value.messages == [
        f"This visit may already be recorded ({republished.slug}): compare them, and confirm "
        "that the report is a different visit to publish it."
    ]
    # A correction of the visit of the trip on the record: the withdrawn one is no question.
    assert review.possible_duplicates(TAJIKISTAN, exclude=republished, withdrawn=False) == []


def test_a_visit_known_to_the_month_without_an_end_covers_the_whole_month(
    seeded, reporter, reviewer
):
    """A published trip dated "2026-03" with no end may be any day of March: a report of
    12-13 March is possibly the same trip, for the reporter and the reviewer alike, and is
    not published without the reviewer comparing them."""
    month = make_visit(
        Person.objects.get(slug="vladimir-putin"),
        State.objects.get(iso3="MNG"),
        start=datetime.date(2026, 3, 1),
        start_precision="month",
    )
    report_data = {
        **TAJIKISTAN,
        "host": "MNG",
        "place": "Ulaanbaatar",
        "start": "2026-03-12",
        "end": "2026-03-13",
    }
    assert review.possible_duplicates(report_data) == [month]
    # A report known to the year covers every month of it, and so meets the month too.
    assert review.possible_duplicates({**report_data, "start": "2026", "end": None}) == [month]
    assert review.possible_duplicates({**report_data, "start": "2026-04-01", "end": None}) == []
    report = review.file_report(
        author=reporter,
        data=report_data,
        citations=[{"url": "https://example.org/putin-ulaanbaatar-march"}],
    )
    with pytest.raises(ValidationError, match="may already be recorded"):
        review.verify(report, reviewer)


# --- What a reviewer verifies is what they read ----------------------------------------


def correct(visit: Visit, author, base: dict | None = None, submit: bool = True, **changes):
    """File a correction of `visit`: its fields (or `base`, the fields as first read) with
    `changes`, and its own sources."""
    return review.file_report(
        author=author,
        data={**(base or review.report_data_of(visit)), **changes},
        citations=review.citations_of(visit),
        visit=visit,
        submit=submit,
    )


def test_a_report_changed_after_the_reviewer_opened_it_is_not_published(
    tajikistan_removed, reporter, reviewer
):
    report = review.file_report(author=reporter, data=TAJIKISTAN, citations=CITATIONS)
    seen = review.version_of(report)  # the reviewer opens the report
    review.take_back(report, reporter)
    report.refresh_from_db()
    report.data = {**report.data, "outcome": "arrested", "place": "Khujand"}
    report.save()
    review.submit(report, reporter)
    with pytest.raises(ValidationError, match="changed after you opened it"):
        review.verify(report, reviewer, seen=seen)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert not Visit.objects.filter(slug__startswith="vladimir-putin-tjk-2025-10").exists()
    # Read again, it can be verified.
    visit = review.verify(report, reviewer, seen=review.version_of(report))
    assert (visit.outcome, visit.place) == ("arrested", "Khujand")


def test_a_correction_keeps_the_fields_its_form_does_not_show(seeded, reporter, reviewer):
    """A correction carries the fields of the report form only: the visit's staff-only
    expected verdict, the dataset version that listed it and who first recorded it stay as
    they were, whatever the correction changes."""
    visit = Visit.objects.get(slug="benjamin-netanyahu-hun-2025-04-03")
    Visit.objects.filter(pk=visit.pk).update(created_by=account("olga", roles.REPORTERS))
    visit.refresh_from_db()
    assert visit.expected_verdict == "non_compliance"
    kept = {f: getattr(visit, f) for f in ("expected_verdict", "dataset_version", "created_by_id")}
    assert kept["dataset_version"]
    report = review.file_report(
        author=reporter,
        data={**review.report_data_of(visit), "start": "2025-04-02"},
        citations=[*review.citations_of(visit), {"url": "https://example.org/netanyahu-budapest"}],
        visit=visit,
        reason="He landed the evening before.",
    )
    review.verify(report, reviewer)
    visit.refresh_from_db()
    assert visit.start.isoformat() == "2025-04-02"
    assert {f: getattr(visit, f) for f in kept} == kept


def test_a_correction_that_changes_nothing_is_refused(seeded, reporter):
    visit = Visit.objects.get(slug=MONGOLIA)
    with pytest.raises(ValidationError, match="changes nothing"):
        correct(visit, reporter)
    draft = correct(visit, reporter, submit=False)
    with pytest.raises(ValidationError, match="changes nothing"):
        review.submit(draft, reporter)
    assert Report.objects.get(pk=draft.pk).state == ReportState.DRAFT


def test_an_older_correction_never_undoes_a_newer_one(seeded, reporter, reviewer):
    visit = Visit.objects.get(slug=MONGOLIA)
    base = review.report_data_of(visit)
    older = correct(visit, reporter, base, place="Ulaanbaatar; Khalkhin Gol")
    newer = correct(visit, reporter, base, end="2024-09-04")
    review.verify(newer, reviewer)
    with pytest.raises(ValidationError, match="would undo that change"):
        review.verify(older, reviewer)
    visit.refresh_from_db()
    assert visit.end.isoformat() == "2024-09-04" and "Khalkhin Gol" not in visit.place
    assert Report.objects.get(pk=older.pk).state == ReportState.SUBMITTED


def test_a_second_report_of_a_published_trip_needs_the_reviewer_to_confirm_it_differs(
    tajikistan_removed, reporter, both, reviewer
):
    first = review.file_report(author=reporter, data=TAJIKISTAN, citations=CITATIONS)
    second = review.file_report(
        author=both, data={**TAJIKISTAN, "place": "Dushanbe, the palace"}, citations=CITATIONS
    )
    published = review.verify(first, reviewer)
    with pytest.raises(ValidationError, match=f"may already be recorded \\({published.slug}\\)"):
        review.verify(second, reviewer)
    assert Visit.objects.filter(slug__startswith="vladimir-putin-tjk-2025-10").count() == 1
    review.verify(second, reviewer, different_from=[published.slug])
    assert Visit.objects.filter(slug__startswith="vladimir-putin-tjk-2025-10").count() == 2


def test_confirming_a_report_differs_covers_only_the_visits_the_reviewer_compared(
    tajikistan_removed, reporter, both, reviewer
):
    """The reviewer compared the report with the one visit listed; a second report of the
    trip published meanwhile is not waived by that confirmation."""
    first = review.file_report(author=reporter, data=TAJIKISTAN, citations=CITATIONS)
    compared = review.verify(first, reviewer)
    later = review.file_report(
        author=reporter,
        data={**TAJIKISTAN, "place": "Dushanbe, Navruz palace"},
        citations=CITATIONS,
    )
    mine = review.file_report(
        author=both, data={**TAJIKISTAN, "place": "Dushanbe, the palace"}, citations=CITATIONS
    )
    listed = [v.slug for v in review.possible_duplicates(mine.data)]
    assert listed == [compared.slug]
    meanwhile = review.verify(later, reviewer, different_from=[compared.slug])
    with pytest.raises(ValidationError, match="may already be recorded") as refused:
        review.verify(mine, reviewer, different_from=listed)
    assert f"({meanwhile.slug})" in str(refused.value)
    assert Report.objects.get(pk=mine.pk).state == ReportState.SUBMITTED
    review.verify(mine, reviewer, different_from=[compared.slug, meanwhile.slug])
    assert Visit.objects.filter(slug__startswith="vladimir-putin-tjk-2025-10").count() == 3


def test_a_correction_sent_back_and_resubmitted_still_cannot_undo_a_newer_one(
    seeded, reporter, reviewer
):
    """Resubmitting does not make an old correction current: it still carries every field
    as the visit stood when it was begun, so it is not sent to review again (it could
    never be verified) until its author edits it from the visit as it stands."""
    visit = Visit.objects.get(slug=MONGOLIA)
    base = review.report_data_of(visit)
    older = correct(visit, reporter, base, place="Ulaanbaatar; Khalkhin Gol")
    review.request_changes(older, reviewer, "Which day at Khalkhin Gol?")
    newer = correct(visit, reporter, base, end="2024-09-04")
    review.verify(newer, reviewer)
    with pytest.raises(ValidationError, match="changed after this correction was begun"):
        review.submit(older, reporter)
    older.refresh_from_db()
    assert older.state == ReportState.CHANGES_REQUESTED
    with pytest.raises(ValidationError):
        review.verify(older, reviewer)
    visit.refresh_from_db()
    assert visit.end.isoformat() == "2024-09-04"
    # Edited from the visit as it now stands, it is current again and may be verified.
    current = review.report_data_of(visit)
    review.update_report(
        older,
        reporter,
        data={**current, "place": "Ulaanbaatar; Khalkhin Gol"},
        citations=older.citations,
        reply="Khalkhin Gol on 3 September.",
        based_on=visit.updated_at,
    )
    review.submit(older, reporter)
    review.verify(older, reviewer)
    visit.refresh_from_db()
    assert (visit.place, visit.end.isoformat()) == ("Ulaanbaatar; Khalkhin Gol", "2024-09-04")


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_verifying_two_reports_of_one_trip_at_once_publish_one(
    tajikistan_removed, reporter, both, reviewer
):
    """The duplicate check and the insert happen under a lock on the person's trips to the
    host: of two reports of one trip verified at the same moment, the second finds the
    first's visit and is refused."""
    first = review.file_report(author=reporter, data=TAJIKISTAN, citations=CITATIONS)
    second = review.file_report(
        author=both,
        data={**TAJIKISTAN, "start": "2025-10-09", "end": "2025-10-10"},
        citations=CITATIONS,
    )
    other_reviewer = account("ulla", roles.REVIEWERS)
    outcomes: list = []
    barrier = threading.Barrier(2)

    def verify(report, who):
        try:
            barrier.wait()
            outcomes.append(review.verify(report, who).slug)
        except ValidationError as refused:
            outcomes.append(("refused", " ".join(refused.messages)))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=verify, args=(first, reviewer)),
        threading.Thread(target=verify, args=(second, other_reviewer)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    published = [o for o in outcomes if not isinstance(o, tuple)]
    refused = [o for o in outcomes if isinstance(o, tuple)]
    assert len(published) == 1 and len(refused) == 1, outcomes
    assert "may already be recorded" in refused[0][1]
    assert Visit.objects.filter(slug__startswith="vladimir-putin-tjk-2025-10").count() == 1


@pytest.mark.parametrize(
    "url",
    [
        # Names that exist only inside a network (a reader's printer, router or intranet).
        "http://printer.local/status",
        "http://router.home.arpa/setup",
        "https://wiki.internal/notes/trip",
        "http://api.localhost/",
        "http://PRINTER.LOCAL./status",
        # An IPv4 address inside IPv6: NAT64's prefix before 127.0.0.1 (a reserved
        # range whose addresses Python counts as global).
        "http://[64:ff9b::7f00:1]/",
        # Multicast, never a document.
        "http://[ff0e::1]/",
        # IPv4 addresses as browsers also read them (the URL Standard, as inet_aton):
        # 127.0.0.1 and 10.0.0.1 in shorthand, octal and hexadecimal.
        "http://127.1/",
        "http://0177.0.0.1/",
        "http://127.0.0.01/",
        "http://0x7f.0.0.1/",
        "http://10.1/",
        # A last label that is a number but no address: no browser opens it.
        "http://example.123/",
        "http://1.2.3.4.5/",
    ],
)
def test_a_source_inside_a_network_is_refused_and_nothing_is_filed(reporter, seeded, url):
    """A source is a public document a reader opens from the visit's page: an address
    that by standard names a host inside someone's network is refused, as a private IP
    address is, next to the source's field, and no report is filed."""
    assert not review.is_public_address(url)
    with pytest.raises(ValidationError) as refused:
        review.file_report(
            author=reporter,
            data=TAJIKISTAN,
            citations=[{**CITATIONS[0], "url": url}],
        )
    assert "is not a public address" in str(refused.value.message_dict["citations.0.url"])
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/putin-dushanbe",
        # Only a whole label names the suffix: these are public names.
        "https://local.example.org/x",
        "https://internal.org/x",
        "https://news.home.example/x",
        "http://[2001:4860:4860::8888]/",
        # A public IPv4 address, however written; a number inside a name is no address.
        "http://8.8.8.8/",
        "http://8.8.2056/",
        "https://www.example.org.123abc/x",
        "https://2024.example.org/x",
        # An IRI: a slug in Cyrillic or Arabic, or a curly apostrophe, is the publisher's
        # address as readers see it; percent-encoded characters are URI characters.
        "https://ria.example/politika/путин-визит-монголия",
        "https://www.aljazeera.example/news/بوتين-منغوليا",
        "https://asp.icc-cpi.int/press-releases/tunisia-joins-the-icc’s-governing-body",
        "https://example.org/news/putin-dushanbe%22%3E%3Cscript%3E",
        "https://example.org/search?q=a%20b&page=2#part-1",
    ],
)
def test_a_public_source_is_accepted(url):
    assert review.is_public_address(url)
    assert review.address_refusal(url) is None


@pytest.mark.parametrize(
    ("url", "named", "encoded"),
    [
        (
            'https://example.org/news/putin-dushanbe"><script>alert(3)</script>',
            "'\"' (U+0022)",
            "%22",
        ),
        ("https://example.org/news/<b>", "'<' (U+003C)", "%3C"),
        ("https://example.org/news>", "'>' (U+003E)", "%3E"),
        ("https://example.org/a\\b", "'\\' (U+005C)", "%5C"),
        ("https://example.org/a^b", "'^' (U+005E)", "%5E"),
        ("https://example.org/a`b", "'`' (U+0060)", "%60"),
        ("https://example.org/a{b}", "'{' (U+007B)", "%7B"),
        ("https://example.org/a|b", "'|' (U+007C)", "%7C"),
        ("https://example.org/a}", "'}' (U+007D)", "%7D"),
        ("https://example.org/a\x7fb", "U+007F", "%7F"),
        ("https://example.org/a\x85b", "U+0085", "%C2%85"),
        ("https://example.org/a\u200fb", "U+200F", "%E2%80%8F"),
    ],
)
def test_a_source_address_with_a_character_no_url_holds_is_refused_naming_it(
    reporter, seeded, url, named, encoded
):
    """A source's address was published as typed in the API, the downloads and the feeds:
    one holding `"` or `<` gave data users a non-URL carrying markup. A character RFC
    3986 allows nowhere is refused, named, beside the source's field (the one check the
    newsroom's form, the API and a withdrawal's sources go through), and nothing is filed;
    in the archived copy's address too."""
    said = review.address_refusal(url)
    assert said == (
        f"{url!r} contains {named}, which no web address may hold: write it "
        f"percent-encoded ({encoded})."
    )
    for field in ("url", "archived_url"):
        with pytest.raises(ValidationError) as refused:
            review.file_report(
                author=reporter, data=TAJIKISTAN, citations=[{**CITATIONS[0], field: url}]
            )
        assert refused.value.message_dict[f"citations.0.{field}"] == [said]
    assert not Report.objects.exists()


def test_a_withdrawals_reason_is_at_least_a_short_sentence(seeded, reporter):
    """A withdrawal's reason is what the visit's page tells every reader: shorter than
    WITHDRAWAL_NOTE_MIN characters (the spaces around it not counted) it is refused, when
    proposed and when reworded, and nothing changes; one of that length is filed."""
    visit = Visit.objects.get(slug=MONGOLIA)
    short = "  " + "x" * (review.WITHDRAWAL_NOTE_MIN - 1) + "  "
    said = (
        f"Say why in at least {review.WITHDRAWAL_NOTE_MIN} characters: the visit's page shows "
        "it to every reader."
    )
    with pytest.raises(ValidationError) as refused:
        review.propose_withdrawal(author=reporter, visit=visit, note=short)
    assert refused.value.message_dict == {"withdrawal_note": [said]}
    assert review.withdrawal_note_errors(short) == [said]
    assert not Report.objects.exists()
    enough = "x" * review.WITHDRAWAL_NOTE_MIN
    report = review.propose_withdrawal(author=reporter, visit=visit, note=f"  {enough}  ")
    assert report.withdrawal_note == enough and review.withdrawal_note_errors(enough) == []
    review.take_back(report, reporter)
    with pytest.raises(ValidationError) as refused:
        review.update_withdrawal(report, reporter, note="Duplicate.")
    assert refused.value.message_dict == {"withdrawal_note": [said]}
    report.refresh_from_db()
    assert report.withdrawal_note == enough


@pytest.mark.parametrize(
    "note",
    ["Duplicate.", "   ", "x" * (review.WITHDRAWAL_NOTE_MAX + 1), "It never took place\u202e."],
    ids=["short", "blank", "long", "bidi"],
)
def test_a_withdrawal_whose_reason_is_refused_now_is_neither_submitted_nor_verified(
    seeded, reporter, reviewer, note
):
    """A withdrawal filed before its reason's bounds (an old row), or whose reason changed
    by another path: verify and submit check the reason again, refuse it with the message
    it gets when typed, naming `withdrawal_note`, and change nothing."""
    visit = Visit.objects.get(slug=MONGOLIA)
    report = review.propose_withdrawal(author=reporter, visit=visit, note="It never took place.")
    Report.objects.filter(pk=report.pk).update(withdrawal_note=note)  # as an old row holds it
    said = {"withdrawal_note": review.withdrawal_note_errors(note)}
    assert said["withdrawal_note"]

    def unchanged(state: str) -> None:
        saved = Report.objects.get(pk=report.pk)
        assert (saved.state, saved.withdrawal_note, saved.reviewer_id) == (state, note, None)
        visit.refresh_from_db()
        assert (visit.review_state, visit.withdrawal_note) == ("verified", "")

    report.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        review.verify(report, reviewer, seen=review.version_of(report))
    assert refused.value.message_dict == said
    unchanged(ReportState.SUBMITTED)

    review.take_back(report, reporter)
    with pytest.raises(ValidationError) as refused:
        review.submit(report, reporter)
    assert refused.value.message_dict == said
    unchanged(ReportState.DRAFT)


def test_a_corrections_reason_is_none_or_at_least_a_withdrawals_minimum(seeded, reporter):
    """A correction's reason is shown with it on the visit's page, to every reader: given,
    it has a withdrawal's minimum (WITHDRAWAL_NOTE_MIN characters, the spaces around it not
    counted), refused in the withdrawal's words, naming `reason`, when filed (a draft too)
    and when edited, and nothing changes; none at all is still taken (a draft's, the
    API's without one)."""
    visit = Visit.objects.get(slug=MONGOLIA)
    short = "  " + "x" * (review.WITHDRAWAL_NOTE_MIN - 1) + "  "
    said = {"reason": review.withdrawal_note_errors(short)}
    assert said == {
        "reason": [
            f"Say why in at least {review.WITHDRAWAL_NOTE_MIN} characters: the visit's page "
            "shows it to every reader."
        ]
    }
    data = {**review.report_data_of(visit), "end": "2024-09-04"}
    for submit in (True, False):
        with pytest.raises(ValidationError) as refused:
            review.file_report(
                author=reporter,
                data=data,
                citations=review.citations_of(visit),
                visit=visit,
                reason=short,
                submit=submit,
            )
        assert refused.value.message_dict == said
    assert review.correction_reason_errors(short) == said["reason"]
    assert not Report.objects.exists()
    enough = "x" * review.WITHDRAWAL_NOTE_MIN
    assert review.correction_reason_errors(enough) == review.correction_reason_errors("") == []
    draft = correct(visit, reporter, submit=False, end="2024-09-04")
    assert draft.reason == ""
    with pytest.raises(ValidationError) as refused:
        review.update_report(draft, reporter, data=data, citations=draft.citations, reason="Typo.")
    assert refused.value.message_dict == said
    edited = review.update_report(
        draft, reporter, data=data, citations=draft.citations, reason=f" {enough} "
    )
    assert Report.objects.get(pk=edited.pk).reason == enough


@pytest.mark.parametrize(
    "reason",
    ["Typo.", "x" * (review.REASON_MAX_LENGTH + 1)],
    ids=["short", "long"],
)
def test_a_correction_whose_reason_is_refused_now_is_neither_submitted_nor_verified(
    seeded, reporter, reviewer, reason
):
    """A correction filed before its reason's minimum (an old row), or whose reason changed
    by another path: verify and submit check the reason again, as a withdrawal's, refuse it
    with the message it gets when typed, naming `reason`, and change nothing."""
    visit = Visit.objects.get(slug=MONGOLIA)
    report = review.file_report(
        author=reporter,
        data={**review.report_data_of(visit), "end": "2024-09-04"},
        citations=review.citations_of(visit),
        visit=visit,
        reason="The Kremlin's readout dates his departure to 4 September.",
    )
    Report.objects.filter(pk=report.pk).update(reason=reason)  # as an old row holds it
    said = {"reason": review.correction_reason_errors(reason)}
    assert said["reason"]

    def unchanged(state: str) -> None:
        saved = Report.objects.get(pk=report.pk)
        assert (saved.state, saved.reason, saved.reviewer_id) == (state, reason, None)
        visit.refresh_from_db()
        assert visit.end.isoformat() == "2024-09-03"

    report.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        review.verify(report, reviewer, seen=review.version_of(report))
    assert refused.value.message_dict == said
    unchanged(ReportState.SUBMITTED)

    review.take_back(report, reporter)
    with pytest.raises(ValidationError) as refused:
        review.submit(report, reporter)
    assert refused.value.message_dict == said
    unchanged(ReportState.DRAFT)


def test_a_form_that_does_not_say_which_version_it_was_opened_at_changes_nothing(
    seeded, reporter, reviewer
):
    """`seen` "" (a page's form without its version) is refused by every edit and review
    that takes one, naming `seen`, as `verify` refuses it; None (the API without it, a
    command) checks nothing."""
    draft = review.file_report(author=reporter, data=TAJIKISTAN, citations=CITATIONS, submit=False)
    withdrawal = review.take_back(
        review.propose_withdrawal(
            author=reporter, visit=Visit.objects.get(slug=MONGOLIA), note="It never took place."
        ),
        reporter,
    )
    filed = review.file_report(
        author=reporter, data={**TAJIKISTAN, "place": "Khujand"}, citations=CITATIONS
    )
    attempts = [
        lambda seen: review.update_report(
            draft, reporter, data={**TAJIKISTAN, "occasion": "?"}, citations=CITATIONS, seen=seen
        ),
        lambda seen: review.update_withdrawal(
            withdrawal, reporter, "It never took place, say two sources.", seen=seen
        ),
        lambda seen: review.request_changes(filed, reviewer, "Cite the readout.", seen=seen),
        lambda seen: review.reject(filed, reviewer, "Not sourced by any outlet.", seen=seen),
    ]
    for attempt in attempts:
        versions = {r.pk: review.version_of(r) for r in Report.objects.all()}
        with pytest.raises(ValidationError) as refused:
            attempt("")
        assert review.is_stale_refusal(refused.value)
        assert "does not say which version" in refused.value.message_dict["seen"][0]
        assert {r.pk: review.version_of(r) for r in Report.objects.all()} == versions
    for attempt in attempts[:3]:
        attempt(None)
    assert Report.objects.get(pk=filed.pk).state == ReportState.CHANGES_REQUESTED


# --- A withdrawal's sources ------------------------------------------------------------

RETRACTION = {
    "url": "https://news.example.org/2024/09/04/correction",
    "publisher": "Example News",
    "published": "2024-09-04",
    "excerpt": "An earlier version of this article wrongly reported the visit.",
}
REPORTED_IN_ERROR = "Reported in error: the newspaper retracted its story."


def test_a_verified_withdrawal_cites_its_sources_on_the_visit(seeded, reporter, reviewer):
    """The sources a withdrawal gives are kept with it (none public) until a second person
    verifies it; then the visit cites them as its withdrawal's (Source rows shared by URL,
    what the withdrawal says of each on its own citation), beside its own sources, which
    stay as they were."""
    from visits.models import WithdrawalCitation

    visit = Visit.objects.get(slug=MONGOLIA)
    own = sorted(visit.citations.values_list("source__url", flat=True))
    report = review.propose_withdrawal(
        author=reporter, visit=visit, note=REPORTED_IN_ERROR, citations=[RETRACTION]
    )
    assert report.withdrawal_citations == review.normalise_citations([RETRACTION])
    assert not WithdrawalCitation.objects.exists()
    review.verify(report, reviewer)
    visit.refresh_from_db()
    cited = visit.withdrawal_citations.select_related("source").get()
    assert (cited.source.url, cited.shown_publisher, cited.shown_published, cited.excerpt) == (
        RETRACTION["url"],
        "Example News",
        datetime.date(2024, 9, 4),
        RETRACTION["excerpt"],
    )
    assert sorted(visit.citations.values_list("source__url", flat=True)) == own


def test_a_withdrawal_may_give_no_source(seeded, reporter, reviewer):
    """An error in the record's own entry may have no outside source: the withdrawal is
    filed and verified without one, and the visit's withdrawal cites nothing."""
    visit = Visit.objects.get(slug=MONGOLIA)
    report = review.propose_withdrawal(author=reporter, visit=visit, note=REPORTED_IN_ERROR)
    assert report.withdrawal_citations == []
    review.verify(report, reviewer)
    assert not visit.withdrawal_citations.exists()


@pytest.mark.parametrize(
    ("source", "field", "said"),
    [
        ({"url": "http://192.168.1.10/retraction"}, "url", "is not a public address"),
        ({"url": "http://printer.local/retraction"}, "url", "is not a public address"),
        ({"url": "https://ana:pw@news.example.org/x"}, "url", "carries a user name or password"),
        (
            {"url": "https://news.example.org/x", "archived_url": "http://127.1/x"},
            "archived_url",
            "is not a public address",
        ),
        ({"url": "https://news.example.org/x", "published": "0001-01-01"}, "published", "1900"),
    ],
)
def test_a_withdrawal_source_is_refused_as_a_visits_and_nothing_is_filed(
    seeded, reporter, source, field, said
):
    """Each source of a withdrawal is checked as a visit's source is, with the same words
    (visits.review.resolve_citations), named by its place among the withdrawal's
    sources; the reason's refusal comes with it, and nothing is filed."""
    visit = Visit.objects.get(slug=MONGOLIA)
    cited = [RETRACTION, source]
    _, as_a_visits = review.resolve_citations(cited)
    with pytest.raises(ValidationError) as refused:
        review.propose_withdrawal(author=reporter, visit=visit, note="Wrong.", citations=cited)
    errors = refused.value.message_dict
    assert errors[f"withdrawal_citations.1.{field}"] == [as_a_visits[f"citations.1.{field}"]]
    assert said in errors[f"withdrawal_citations.1.{field}"][0]
    assert "withdrawal_note" in errors
    assert not Report.objects.exists()


def test_a_withdrawal_sent_back_is_given_its_sources_and_its_reviewer_reads_what_changed(
    seeded, reporter, reviewer
):
    """Sent back ("cite the retraction"), the withdrawal is reworded with its sources; a
    source refused changes nothing; the next review reads the source added."""
    visit = Visit.objects.get(slug=MONGOLIA)
    report = review.propose_withdrawal(author=reporter, visit=visit, note=REPORTED_IN_ERROR)
    review.request_changes(report, reviewer, "Cite the retraction.")
    with pytest.raises(ValidationError) as refused:
        review.update_withdrawal(
            report, reporter, REPORTED_IN_ERROR, citations=[{"url": "http://10.0.0.7/x"}]
        )
    assert list(refused.value.message_dict) == ["withdrawal_citations.0.url"]
    report.refresh_from_db()
    assert report.withdrawal_citations == []
    review.update_withdrawal(
        report, reporter, REPORTED_IN_ERROR, reply="Cited.", citations=[RETRACTION]
    )
    review.submit(report, reporter)
    report.refresh_from_db()
    since = review.since_sent_back(report)
    assert since.sources_added == (RETRACTION["url"],) and since.fields == ()
    # Reworded alone (citations not given), it keeps them.
    review.take_back(report, reporter)
    review.update_withdrawal(report, reporter, REPORTED_IN_ERROR + " Twice.")
    report.refresh_from_db()
    assert report.withdrawal_citations == review.normalise_citations([RETRACTION])


def test_a_withdrawn_visit_restored_to_the_record_loses_its_withdrawals_sources(
    seeded, reporter, reviewer
):
    """A withdrawn visit the record takes back (a newer dataset lists it again, as
    verified) loses its withdrawal's note and sources alike: its page would otherwise
    give the sources of a withdrawal that no longer stands."""
    from visits.reports import record_visit_report

    visit = Visit.objects.get(slug=MONGOLIA)
    review.verify(
        review.propose_withdrawal(
            author=reporter, visit=visit, note=REPORTED_IN_ERROR, citations=[RETRACTION]
        ),
        reviewer,
    )
    assert visit.withdrawal_citations.exists()
    resolved = review.resolve(review.report_data_of(visit), review.citations_of(visit))
    record_visit_report(
        person=resolved.person,
        host=resolved.host,
        start=resolved.start.first,
        end=resolved.end.first if resolved.end else None,
        status=resolved.fields["status"],
        outcome=resolved.fields["outcome"],
        sources=resolved.sources,
        review_state="verified",
        slug=visit.slug,
    )
    visit.refresh_from_db()
    assert (visit.review_state, visit.withdrawal_note) == ("verified", "")
    assert not visit.withdrawal_citations.exists()


def test_a_report_in_the_datasets_language_keeps_the_fingerprint_it_was_filed_with():
    """A report filed before reports said the language of their words (no `text_language`:
    English, the dataset's) keeps its fingerprint, so that an identical report filed since
    is still found; one in French is another report."""
    import hashlib
    import json

    said = {k: v for k, v in review.normalise(TAJIKISTAN).items() if k != "text_language"}
    filed_before = hashlib.sha256(
        json.dumps(
            [None, said, review.normalise_citations(CITATIONS)], sort_keys=True, default=str
        ).encode()
    ).hexdigest()
    assert review.fingerprint(TAJIKISTAN, CITATIONS, None) == filed_before
    english = {**TAJIKISTAN, "text_language": "en"}
    assert review.fingerprint(english, CITATIONS, None) == filed_before
    french = {**TAJIKISTAN, "text_language": "fr"}
    assert review.fingerprint(french, CITATIONS, None) != filed_before


ARTICLE = "https://www.gazeta.uz/en/2026/04/15/putin-samarkand/"


@pytest.mark.parametrize(
    "again",
    [
        f"{ARTICLE}?utm_source=telegram&utm_medium=social",
        f"{ARTICLE}#top",
        ARTICLE.replace("www.gazeta.uz", "WWW.Gazeta.UZ"),
        ARTICLE.replace("https://", "http://"),
        f"{ARTICLE}?fbclid=IwAR1&gclid=x",
    ],
)
def test_one_article_cited_twice_however_its_address_is_written_is_refused(seeded, reporter, again):
    """Source 2 was the same article as source 1 with a newsletter's tracking parameters
    (or a fragment, the host in capitals, http for https): verified, the visit listed two
    sources, the tracking parameters shown to every reader."""
    citations = [{"url": ARTICLE}, {"url": again, "publisher": "Gazeta.uz"}]
    with pytest.raises(ValidationError) as refused:
        review.file_report(author=reporter, data=TAJIKISTAN, citations=citations)
    assert "is already cited (source 1)" in refused.value.message_dict["citations.1.url"][0]
    assert not Report.objects.exists()


def test_a_source_is_stored_and_published_without_its_tracking_parameters_or_fragment(
    tajikistan_removed, reporter, reviewer
):
    shared = f"{ARTICLE}?utm_source=telegram&id=7&fbclid=IwAR1#top"
    report = review.file_report(
        author=reporter, data=TAJIKISTAN, citations=[{"url": shared, "publisher": "Gazeta.uz"}]
    )
    assert report.citations[0]["url"] == f"{ARTICLE}?id=7"
    visit = review.verify(report, reviewer)
    assert [s.url for s in visit.sources.all()] == [f"{ARTICLE}?id=7"]
