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
