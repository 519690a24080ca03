"""Small factories for the data the tests need. Every argument has a sensible default."""

import datetime
import itertools

from states.models import State, TreatyEvent, TreatyEventKind
from visits.reports import SourceInput, record_visit_report
from warrants.models import Person, PersonStatus, Situation, Warrant

_seq = itertools.count(1)


def make_state(
    iso3="MNG", name=None, *, entry_into_force=None, deposited=None, withdrawal_effective=None
):
    state, _ = State.objects.get_or_create(iso3=iso3, defaults={"name": name or iso3})
    for kind, date in (
        (TreatyEventKind.DEPOSITED, deposited),
        (TreatyEventKind.ENTRY_INTO_FORCE, entry_into_force),
        (TreatyEventKind.WITHDRAWAL_EFFECTIVE, withdrawal_effective),
    ):
        if date:
            TreatyEvent.objects.update_or_create(state=state, kind=kind, defaults={"date": date})
    return state


def make_situation(name="Ukraine"):
    from django.utils.text import slugify

    situation, _ = Situation.objects.get_or_create(name=name, defaults={"slug": slugify(name)})
    return situation


def make_person(
    slug=None, name=None, *, situation="Ukraine", nationality="RUS", status=PersonStatus.AT_LARGE
):
    n = next(_seq)
    slug = slug or f"person-{n}"
    nationality_state = make_state(nationality) if nationality else None
    person, _ = Person.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name or slug.replace("-", " ").title(),
            "situation": make_situation(situation),
            "nationality": nationality_state,
            "status": status,
        },
    )
    return person


def make_warrant(person, *, issued=datetime.date(2023, 3, 17), made_public="same", ended=None):
    if made_public == "same":
        made_public = issued
    return Warrant.objects.create(
        ref=f"{person.slug}-{issued or made_public}-{next(_seq)}",
        person=person,
        issued=issued,
        made_public=made_public,
        ended=ended,
    )


def make_visit(
    person,
    host,
    *,
    start=datetime.date(2024, 9, 2),
    end=None,
    status="occurred",
    outcome="not_arrested",
    review_state="verified",
    user=None,
    **extra,
):
    return record_visit_report(
        person=person,
        host=host,
        start=start,
        end=end,
        status=status,
        outcome=outcome,
        review_state=review_state,
        sources=[
            SourceInput(url=f"https://news.example.org/{next(_seq)}", publisher="Example News")
        ],
        user=user,
        **extra,
    )


# The correction the history tests make of the seed data: Mongolia's end date, as the
# Kremlin's readout gives it.
MONGOLIA_DEPARTURE = {"end": "2024-09-04"}
MONGOLIA_DEPARTURE_REASON = "The Kremlin's readout dates his departure to 4 September."


def verified_correction(visit, author, reviewer, changes=None, reason=None):
    """`visit` corrected through the newsroom as a reporter and a reviewer do it: `author`
    files the correction (`changes`, {field: value} over the visit's own report data, with
    its own citations; Mongolia's departure date by default), `reviewer` verifies it, each
    recorded as a newsroom write by that person. Returns the verified report."""
    from core.history import WritePath, recording
    from visits import review

    with recording(WritePath.NEWSROOM, user=author):
        report = review.file_report(
            author=author,
            data={**review.report_data_of(visit), **(changes or MONGOLIA_DEPARTURE)},
            citations=review.citations_of(visit),
            visit=visit,
            reason=reason or MONGOLIA_DEPARTURE_REASON,
        )
    with recording(WritePath.NEWSROOM, user=reviewer):
        review.verify(report, reviewer)
    return report
