"""Fan-out by date: a dated change marks only the visits it can affect.

A change to a state's timeline, a declaration or a warrant's dates can change the
verdict only on the days on or after the earliest changed date; the earlier visits are
marked only when their reasons cite the changed facts. Each test then checks that the
visits left unmarked were right to be: re-running the rule on every visit changes nothing.
"""

import datetime

import pytest

from states.models import Declaration, TreatyEvent, TreatyEventKind
from tests.factories import make_person, make_situation, make_state, make_visit, make_warrant
from visits import flagging
from visits.models import EvaluationRequest, Visit

pytestmark = pytest.mark.django_db

NOTICE = datetime.date(2024, 6, 15)


def requested() -> set[str]:
    return set(
        Visit.objects.filter(pk__in=EvaluationRequest.objects.values("visit_id")).values_list(
            "slug", flat=True
        )
    )


@pytest.fixture
def host_visits():
    """A State Party since 2002 hosting a wanted person (warrant of 2010) at many dates."""
    host = make_state(
        "ZZA",
        "Zedland",
        deposited=datetime.date(2001, 1, 5),
        entry_into_force=datetime.date(2002, 7, 1),
    )
    person = make_person("wanted-person")
    make_warrant(person, issued=datetime.date(2010, 3, 4))
    visits = {
        "before_warrant": make_visit(person, host, start=datetime.date(2008, 5, 1)),
        "bound": make_visit(person, host, start=datetime.date(2015, 5, 1)),
        "pending_before": make_visit(
            person, host, start=datetime.date(2016, 5, 1), review_state="reported"
        ),
        "month_of_notice": make_visit(
            person, host, start=datetime.date(2024, 6, 1), start_precision="month"
        ),
        "ends_after": make_visit(
            person, host, start=datetime.date(2024, 6, 10), end=datetime.date(2024, 6, 20)
        ),
        "after": make_visit(person, host, start=datetime.date(2025, 3, 1)),
        "undated": make_visit(person, host, start=None, status="cancelled", outcome="n/a"),
    }
    flagging.evaluate_pending()
    assert not EvaluationRequest.objects.exists()
    return host, person, {k: v.slug for k, v in visits.items()}


def assert_nothing_else_changes():
    """The unmarked visits were current: the rule on every visit writes nothing."""
    flagging.evaluate_pending()
    assert flagging.evaluate_visits(force=True).changed == 0


def test_a_withdrawal_notice_marks_the_visits_on_or_after_its_date(host_visits):
    host, _, slugs = host_visits
    TreatyEvent.objects.create(state=host, kind=TreatyEventKind.WITHDRAWAL_NOTIFIED, date=NOTICE)
    assert requested() == {
        slugs["month_of_notice"],  # June 2024: could be on or after 15 June
        slugs["ends_after"],  # ends on 20 June
        slugs["after"],
        slugs["undated"],  # could be any day
    }
    # A State Party's reasons name a withdrawal only after it was notified.
    assert slugs["bound"] not in requested()
    assert slugs["before_warrant"] not in requested()  # no warrant: cites no treaty date
    assert slugs["pending_before"] not in requested()  # pending review: neither
    assert_nothing_else_changes()


def test_a_visit_after_the_notice_names_the_pending_withdrawal_and_an_earlier_one_does_not(
    host_visits,
):
    host, _, slugs = host_visits
    TreatyEvent.objects.create(state=host, kind=TreatyEventKind.WITHDRAWAL_NOTIFIED, date=NOTICE)
    flagging.evaluate_pending()

    def bound(slug):
        reasons = Visit.objects.get(slug=slug).verdict.reasons
        return next(r for r in reasons if r["key"] == "bound_state_party")

    assert bound(slugs["after"])["withdrawal_effective"] == "2025-06-15"
    assert bound(slugs["bound"])["withdrawal_effective"] == ""


def test_revoking_a_withdrawal_marks_the_visits_that_named_it(host_visits):
    """A revocation dated after some visits still changes their reasons (they named the
    pending withdrawal): they are marked although they fall before its date."""
    host, _, slugs = host_visits
    TreatyEvent.objects.create(state=host, kind=TreatyEventKind.WITHDRAWAL_NOTIFIED, date=NOTICE)
    flagging.evaluate_pending()
    TreatyEvent.objects.create(
        state=host, kind=TreatyEventKind.WITHDRAWAL_REVOKED, date=datetime.date(2025, 5, 1)
    )
    marked = requested()
    assert {slugs["ends_after"], slugs["month_of_notice"]} <= marked  # before 1 May 2025
    assert slugs["bound"] not in marked
    assert_nothing_else_changes()


def test_deleting_a_revocation_marks_the_visits_from_the_notice(host_visits):
    """Without its revocation the withdrawal stands again: the visits from the notice on
    name it, though they fall before the revocation's date."""
    host, _, slugs = host_visits
    TreatyEvent.objects.create(state=host, kind=TreatyEventKind.WITHDRAWAL_NOTIFIED, date=NOTICE)
    revocation = TreatyEvent.objects.create(
        state=host, kind=TreatyEventKind.WITHDRAWAL_REVOKED, date=datetime.date(2025, 5, 1)
    )
    flagging.evaluate_pending()
    revocation.delete()
    marked = requested()
    assert {slugs["ends_after"], slugs["month_of_notice"]} <= marked  # before 1 May 2025
    assert slugs["bound"] not in marked  # before the notice: names no withdrawal
    assert_nothing_else_changes()


def test_moving_a_revocation_past_the_effective_date_marks_the_visits_from_the_notice(
    host_visits,
):
    host, _, slugs = host_visits
    TreatyEvent.objects.create(state=host, kind=TreatyEventKind.WITHDRAWAL_NOTIFIED, date=NOTICE)
    revocation = TreatyEvent.objects.create(
        state=host, kind=TreatyEventKind.WITHDRAWAL_REVOKED, date=datetime.date(2025, 5, 1)
    )
    flagging.evaluate_pending()
    revocation.date = datetime.date(2025, 7, 1)  # too late: the withdrawal took effect
    revocation.save()
    assert {slugs["ends_after"], slugs["month_of_notice"]} <= requested()
    assert_nothing_else_changes()


def test_an_effective_date_before_a_revocation_marks_the_visits_from_the_notice(host_visits):
    host, _, slugs = host_visits
    TreatyEvent.objects.create(state=host, kind=TreatyEventKind.WITHDRAWAL_NOTIFIED, date=NOTICE)
    TreatyEvent.objects.create(
        state=host, kind=TreatyEventKind.WITHDRAWAL_REVOKED, date=datetime.date(2025, 5, 1)
    )
    flagging.evaluate_pending()
    TreatyEvent.objects.create(
        state=host, kind=TreatyEventKind.WITHDRAWAL_EFFECTIVE, date=datetime.date(2025, 3, 1)
    )
    assert {slugs["ends_after"], slugs["month_of_notice"]} <= requested()
    assert_nothing_else_changes()


def test_moving_a_treaty_date_marks_from_the_earlier_of_the_two_dates(host_visits):
    host, _, slugs = host_visits
    event = TreatyEvent.objects.create(
        state=host, kind=TreatyEventKind.WITHDRAWAL_NOTIFIED, date=datetime.date(2025, 1, 1)
    )
    flagging.evaluate_pending()
    event.date = NOTICE
    event.save()
    marked = requested()
    assert {slugs["month_of_notice"], slugs["ends_after"], slugs["after"]} <= marked
    assert slugs["before_warrant"] not in marked
    assert_nothing_else_changes()


def test_a_declaration_marks_the_visits_from_its_lodging(host_visits):
    host, person, slugs = host_visits
    Declaration.objects.create(state=host, situation=person.situation, lodged=NOTICE)
    marked = requested()
    assert {
        slugs["month_of_notice"],
        slugs["ends_after"],
        slugs["after"],
        slugs["undated"],
    } <= marked
    assert slugs["bound"] not in marked  # a State Party's reasons cite no declaration
    assert slugs["before_warrant"] not in marked
    assert_nothing_else_changes()


def test_a_warrant_ending_marks_the_visits_from_its_end_and_those_citing_it(host_visits):
    _, person, slugs = host_visits
    warrant = person.warrants.get()
    warrant.ended = NOTICE
    warrant.save()
    marked = requested()
    assert {
        slugs["month_of_notice"],
        slugs["ends_after"],
        slugs["after"],
        slugs["undated"],
    } <= marked
    assert slugs["bound"] in marked  # its reasons name the warrant, and now its end
    assert slugs["pending_before"] not in marked
    assert_nothing_else_changes()


def test_a_new_warrant_marks_the_visits_from_its_issue(host_visits):
    _, person, slugs = host_visits
    make_warrant(person, issued=NOTICE)
    marked = requested()
    assert {slugs["ends_after"], slugs["after"], slugs["undated"]} <= marked
    assert slugs["bound"] not in marked and slugs["pending_before"] not in marked
    assert_nothing_else_changes()


def test_a_change_that_is_not_only_a_date_still_marks_every_visit(host_visits):
    host, person, slugs = host_visits
    other = make_situation("Darfur")
    Declaration.objects.create(state=host, situation=other, lodged=NOTICE)
    flagging.evaluate_pending()
    declaration = Declaration.objects.get(state=host)
    declaration.situation = person.situation
    declaration.save()
    assert requested() == set(slugs.values())
    assert_nothing_else_changes()
