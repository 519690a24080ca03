"""The one write path for a visit report: the NGO form, the API and the importer all call it.

It validates, saves the visit and its sources in one transaction, records who did
it, and (through the outbox) schedules the visit's evaluation after commit.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from compliance import DETERRED_STATUSES, Period, partial_isoformat
from core.models import DatePrecision, Source
from states.models import State
from visits import outbox
from visits.models import (
    DATASET_LANGUAGE,
    Citation,
    HostControl,
    ReviewState,
    TextLanguage,
    Visit,
    VisitOutcome,
    VisitStatus,
    WithdrawalCitation,
)
from warrants.models import Person

# The longest texts a report may carry (characters), whichever form or API files it: a
# report's page shows them whole to every reviewer.
NOTES_MAX_LENGTH = 10_000
JUSTIFICATION_MAX_LENGTH = 5_000
EXCERPT_MAX_LENGTH = 5_000
# A reviewer's comment when sending a report back or rejecting it.
COMMENT_MAX_LENGTH = 5_000
# The most sources one report cites (a visit's, or a withdrawal's), whichever form or API
# files it: each is checked by a reviewer, then shown on the visit's page, in the API and in
# the downloads. The API has refused more since it took reports; the newsroom's forms
# (newsroom.forms) and the service (visits.review.resolve_citations) refuse them too. A
# correction of a visit that already cites more may keep them (`sources_limit`).
SOURCES_MAX = 50
# Said of a report that cites more, formatted with `{"num": SOURCES_MAX}` (lazy: the
# reader's language when said).
TOO_MANY_SOURCES = ngettext_lazy(
    "At most %(num)d source can be cited: keep the most telling and leave out the rest.",
    "At most %(num)d sources can be cited: keep the most telling and leave out the rest.",
    "num",
)


# Said of a correction that would leave a visit citing more sources than it does already,
# when it cites more than SOURCES_MAX (recorded before the limit, or imported): formatted
# with `{"num": <the visit's count>, "max": SOURCES_MAX}`.
TOO_MANY_SOURCES_HELD = ngettext_lazy(
    "This visit already cites %(num)d source, more than a report may bring (%(max)d): a "
    "correction may keep it or leave some out, but not add any.",
    "This visit already cites %(num)d sources, more than a report may bring (%(max)d): a "
    "correction may keep them or leave some out, but not add any.",
    "num",
)


def sources_limit(visit=None) -> int:
    """The most sources a report may cite (an int): SOURCES_MAX for a new visit's
    (`visit` None); for a correction of `visit` (a Visit), SOURCES_MAX or the number the
    visit cites already, whichever is more. The limit bounds what a report brings, not
    what the record holds: a visit recorded with more (imported, or before the limit) can
    be corrected without leaving any source out, but not given more. One count for the
    newsroom's forms, the API and the service (visits.review.resolve)."""
    if visit is None or visit.pk is None:
        return SOURCES_MAX
    return max(SOURCES_MAX, visit.citations.count())


def too_many_sources(limit: int = SOURCES_MAX) -> str:
    """The refusal of a report citing more than `limit` sources (`sources_limit`), in the
    active language, from the form, the API or the service: TOO_MANY_SOURCES for
    SOURCES_MAX, TOO_MANY_SOURCES_HELD for a correction of a visit already citing more."""
    if limit <= SOURCES_MAX:
        return str(TOO_MANY_SOURCES % {"num": SOURCES_MAX})
    return str(TOO_MANY_SOURCES_HELD % {"num": limit, "max": SOURCES_MAX})


@dataclass(frozen=True)
class SourceInput:
    """One source a report cites: `url` (a public http(s) address, the Source's key),
    and what this visit's citation says of it: `publisher`, `published` (a date, or
    None when unknown), `excerpt` (the passage that supports the visit) and
    `archived_url` (a copy in a web archive); "" where nothing is said."""

    url: str
    publisher: str = ""
    published: datetime.date | None = None
    excerpt: str = ""
    archived_url: str = ""


def visit_slug(
    person_slug: str, host_iso3: str, start: datetime.date | None, precision: str
) -> str:
    """The stable id of a new visit: person-host-date, the start date as precise as it is
    known when the visit is first recorded ('undated' without one). It is given once: a
    later correction of the dates keeps it (data/DICTIONARY.md, `visits.csv` `id`), so the
    date in an id may differ from the visit's `start`."""
    when = partial_isoformat(start, precision) if start is not None else "undated"
    return slugify(f"{person_slug}-{host_iso3.lower()}-{when}")


def _unique_slug(base: str) -> str:
    slug, n = base, 2
    while Visit.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


# What became of a trip that did not take place (or has not yet): nothing the host did.
NOT_TAKEN_STATUSES = (VisitStatus.CANCELLED, VisitStatus.VIRTUAL, VisitStatus.ANNOUNCED)


def default_outcome(status: str | None) -> str | None:
    """The outcome of a report that leaves it out, by its `status`: `n/a` for a trip that
    did not take place (NOT_TAKEN_STATUSES: announced, called off, attended by video),
    the only one such a trip takes; None for any other status, or none (a trip that took
    place says what the host did: outcome_needed). The newsroom's form and the API's
    filing and resubmission all apply it."""
    return VisitOutcome.NOT_APPLICABLE.value if status in NOT_TAKEN_STATUSES else None


def outcome_needed() -> str:
    """The refusal of a trip that took place (a status not in NOT_TAKEN_STATUSES) without
    an outcome saying what the host did, in the reader's language: the outcome to choose
    when nothing is known named as the report form's menu shows it (VisitOutcome's label:
    “unknown”, « inconnu »), never by its code."""
    return _(
        "A trip that took place needs the host's outcome: say what the host did (or "
        "“%(unknown)s” if it is not known)."
    ) % {"unknown": VisitOutcome.UNKNOWN.label}


def outcome_not_applicable(status: str) -> str:
    """The refusal of an outcome for a trip that did not take place (`status` in
    NOT_TAKEN_STATUSES), in the reader's language, its only outcome named as the menu
    shows it (“not applicable”, « sans objet »; the code is `n/a`)."""
    return _(
        "A trip with the status “%(status)s” did not take place: its outcome is "
        "“%(not_applicable)s”."
    ) % {
        "status": VisitStatus(status).label,
        "not_applicable": VisitOutcome.NOT_APPLICABLE.label,
    }


def outcome_fits(status: str, outcome: str) -> bool | None:
    """Whether a visit's `outcome` may go with its `status` (both codes): `n/a` is the
    outcome of a trip that did not take place (NOT_TAKEN_STATUSES: announced, cancelled,
    attended by video), and only of such a trip; any other says what the host did on a
    trip that took place (docs/DOMAIN.md, "Visit"). None when either code is unknown (its
    own refusal). The one rule of every write path (`validate_visit_fields`) and of the
    importer's check of visits.csv (dataset.importer), which must refuse what this path
    would."""
    if status not in VisitStatus.values or outcome not in VisitOutcome.values:
        return None
    return (status in NOT_TAKEN_STATUSES) == (outcome == VisitOutcome.NOT_APPLICABLE)


# A visit's `end` in a report's data and in the dataset's visits.csv when the sources give
# no end (docs/DOMAIN.md, "Dates"): not a date, and not the empty end, which is the start day.
UNKNOWN_END = "?"


def unknown_end_refused(status: str | None) -> str | None:
    """The refusal of an end that is not known (`end_known` False; `end` "?", UNKNOWN_END,
    in a report and in visits.csv; the newsroom's "The end date is not known") for a trip
    that did not take place (`status` cancelled or virtual: compliance.DETERRED_STATUSES):
    it has no end to be unknown, and the explanation would rest the verdict on "the only
    date it is known to have covered" (docs/DOMAIN.md, "Dates"). An announced trip may
    have one (its end not yet announced). A message in the active language; None when it
    may stand. One rule for every write path: `validate_visit_fields` (the admin, and
    record_visit_report), the newsroom's form, the API (visits.review.resolve) and the
    importer (dataset.importer)."""
    if status not in DETERRED_STATUSES:
        return None
    return _(
        "A cancelled or virtual trip did not take place: it has no end that is not known. "
        "Give the planned end date, or leave the end empty for a trip of one day."
    )


def validate_visit_fields(
    *,
    person: Person,
    host: State,
    start,
    end,
    status: str,
    outcome: str,
    review_state: str,
    host_control: str = HostControl.EFFECTIVE,
    controlled_by: State | None = None,
    start_precision: str = DatePrecision.DAY,
    end_precision: str = DatePrecision.DAY,
    text_language: str = DATASET_LANGUAGE,
    end_known: bool = True,
) -> dict[str, str]:
    """Field errors as {field: message}; empty when the report is acceptable.

    The checks every write path shares (docs/DOMAIN.md, "Visit"): not a visit to one's own
    state; known status, outcome, control, review state and language of its text (one of
    TextLanguage: the site's languages); an outcome only for a trip that
    took place (`n/a` for one cancelled, attended by video or still announced, and only
    for those); an occupier only where the host did not control the place, and never the
    host itself; a start date unless the trip was cancelled; an end that can fall on or
    after the start (partial dates compared by their possible days: an end known to the
    month may be any day of it); no end where it is not known (`end_known` False), which
    needs a start and a trip that was not called off (`unknown_end_refused`).
    """
    errors = {}
    if person.nationality_id is not None and person.nationality_id == host.pk:
        errors["host"] = (
            f"{host.name} is {person.name}'s own state of nationality: a visit to one's own state is not a visit."
        )
    if status not in VisitStatus.values:
        errors["status"] = (
            f"Unknown status {status!r}; expected one of {', '.join(VisitStatus.values)}."
        )
    if outcome not in VisitOutcome.values:
        errors["outcome"] = (
            f"Unknown outcome {outcome!r}; expected one of {', '.join(VisitOutcome.values)}."
        )
    elif status in NOT_TAKEN_STATUSES and not outcome_fits(status, outcome):
        errors["outcome"] = outcome_not_applicable(status)
    elif outcome_fits(status, outcome) is False:
        errors["outcome"] = outcome_needed()
    if host_control not in HostControl.values:
        errors["host_control"] = (
            f"Unknown host control {host_control!r}; expected one of {', '.join(HostControl.values)}."
        )
    if controlled_by is not None and host_control != HostControl.NONE:
        errors["controlled_by"] = _(
            "An occupier is recorded only when the host did not control the place."
        )
    elif controlled_by is not None and controlled_by.pk == host.pk:
        errors["controlled_by"] = _(
            "The state that controlled the place cannot be the host itself."
        )
    if review_state not in ReviewState.values:
        errors["review_state"] = f"Unknown review state {review_state!r}."
    if text_language not in TextLanguage.values:
        errors["text_language"] = _(
            "Unknown language %(value)r for the text; expected one of %(languages)s."
        ) % {"value": text_language, "languages": ", ".join(TextLanguage.values)}
    if start is None and status != VisitStatus.CANCELLED:
        # Every status but a cancelled trip: one that took place, is announced or was
        # attended by video needs a date (docs/DOMAIN.md, "Dates").
        errors["start"] = _("A visit needs a start date (only a cancelled trip may have none).")
    if (
        end is not None
        and start is not None
        and Period.from_stored(end, end_precision).last < start
    ):
        errors["end"] = _("The end (%(end)s) is before the start (%(start)s).") % {
            "end": partial_isoformat(end, end_precision),
            "start": partial_isoformat(start, start_precision),
        }
    if end is not None and start is None:
        errors["end"] = "An end date needs a start date."
    if not end_known and end is not None:
        errors["end"] = _("An end date is given, yet the end is said not to be known.")
    elif not end_known and start is None:
        errors["end"] = _("An end that is not known needs a start date.")
    elif not end_known and (refused := unknown_end_refused(status)):
        errors["end"] = refused
    return errors


@transaction.atomic
def record_visit_report(
    *,
    person: Person,
    host: State,
    start: datetime.date | None,
    status: str,
    outcome: str,
    sources: Sequence[SourceInput],
    start_precision: str = DatePrecision.DAY,
    end: datetime.date | None = None,
    end_precision: str = DatePrecision.DAY,
    place: str = "",
    occasion: str = "",
    host_notified: bool = False,
    host_justification: str = "",
    notes: str = "",
    review_state: str = ReviewState.REPORTED,
    slug: str | None = None,
    user=None,
    host_control: str = HostControl.EFFECTIVE,
    controlled_by: State | None = None,
    expected_verdict: str | None = None,
    dataset_version: str | None = None,
    text_language: str = DATASET_LANGUAGE,
    end_known: bool = True,
) -> Visit:
    """Create or update (by slug) a visit report with its sources; raises ValidationError.

    New reports enter as `reported`: they are never published before a reviewer
    verifies them. Nothing is saved when anything is invalid. `dataset_version` is
    given by the importer only (the version of the files that list the visit), and so is
    `expected_verdict` (the researchers' column of visits.csv; a newsroom correction never
    shows it): None keeps what the visit had (blank for a new one). `text_language` is the
    language its occasion and justification are written in, and its notes as its report
    gave them (visits.models.TEXT_FIELDS; TextLanguage's codes): the dataset's, English,
    unless a report says otherwise (the importer keeps a visit's unless its row changes
    the occasion or the justification: dataset.importer). `end_known` False: the sources
    give no end (`end` None; the verdict rests on the start). A visit saved with any review state but `withdrawn`
    loses its withdrawal note and the sources its withdrawal cited (a withdrawn visit that
    reappears is restored).
    """
    errors = validate_visit_fields(
        person=person,
        host=host,
        start=start,
        end=end,
        status=status,
        outcome=outcome,
        review_state=review_state,
        host_control=host_control,
        controlled_by=controlled_by,
        start_precision=start_precision,
        end_precision=end_precision,
        text_language=text_language,
        end_known=end_known,
    )
    if not sources:
        errors["sources"] = "At least one source (a public URL) is required."
    if errors:
        raise ValidationError(errors)

    existing = Visit.objects.filter(slug=slug).first() if slug else None
    # Restored to the record: the withdrawal's sources go with its note (below).
    restored = (
        existing is not None
        and existing.review_state == ReviewState.WITHDRAWN
        and review_state != ReviewState.WITHDRAWN
    )
    visit = existing or Visit(
        slug=slug or _unique_slug(visit_slug(person.slug, host.iso3, start, start_precision))
    )
    visit.person, visit.host = person, host
    visit.start, visit.start_precision = start, start_precision
    visit.end, visit.end_precision, visit.end_known = end, end_precision, end_known
    visit.place, visit.occasion = place, occasion
    visit.status, visit.outcome = status, outcome
    visit.host_notified, visit.host_justification = host_notified, host_justification
    visit.notes, visit.review_state = notes, review_state
    visit.host_control, visit.controlled_by = host_control, controlled_by
    visit.text_language = text_language
    if expected_verdict is not None:
        visit.expected_verdict = expected_verdict
    if review_state != ReviewState.WITHDRAWN:
        visit.withdrawal_note = ""
    if dataset_version is not None:
        visit.dataset_version = dataset_version
    if user is not None and getattr(user, "is_authenticated", False):
        visit.updated_by = user
        if existing is None:
            visit.created_by = user
    try:
        visit.save()
    except IntegrityError as exc:  # the database's own guards (own-state trigger, checks)
        raise ValidationError(_guard_message(exc)) from exc

    set_citations(visit, sources)
    if restored:
        set_withdrawal_citations(visit, ())
    return visit


# What each database guard on visits means, in words (never the database's own text).
GUARD_MESSAGES = {
    "visit_not_own_state": {
        "host": "A visit to the person's own state of nationality is not a visit."
    },
    "visit_ends_after_start": {"end": "The end date is before the start date."},
    "visit_unknown_end_is_empty": {
        "end": "An end that is not known is no end date, and needs a start date."
    },
    "visit_dated_unless_cancelled": {
        "start": "A visit needs a start date (only a cancelled trip may have none)."
    },
    "visits_visit_slug_key": {"slug": "Another visit already has this id."},
}


def _guard_message(exc: IntegrityError) -> dict[str, str] | str:
    """The field error a database guard stands for; a fixed sentence for any other."""
    diag = getattr(exc.__cause__, "diag", None)
    name = getattr(diag, "constraint_name", None) or ""
    return GUARD_MESSAGES.get(
        name, "The visit could not be saved: it conflicts with a recorded one."
    )


def set_citations(visit: Visit, sources: Sequence[SourceInput]) -> bool:
    """Make the visit cite exactly `sources`, each with what this record says of it;
    returns whether anything changed (the visit's evaluation is then requested).

    A Source row is created for a new URL (with the details given, as the document's
    first description); an existing Source is never changed: the publisher, date,
    excerpt and archived copy given here belong to this visit's Citation. Citations no
    longer listed are removed.
    """
    changed = _cite(Citation, visit, sources)
    if changed:
        outbox.request_evaluation("v.id = %s", [visit.pk], {"key": "sources", "name": visit.slug})
    return changed


def set_withdrawal_citations(visit: Visit, sources: Sequence[SourceInput]) -> bool:
    """Make the withdrawal of `visit` cite exactly `sources` (WithdrawalCitation), as
    `set_citations` makes the visit cite its own: Source rows shared by URL, never
    changed; what the withdrawal says of each document kept on its citation. Returns
    whether anything changed. The verdict does not read them: no evaluation is asked."""
    return _cite(WithdrawalCitation, visit, sources)


def _cite(model: type[Citation] | type[WithdrawalCitation], visit: Visit, sources) -> bool:
    """Rows of `model` (a visit's citations or its withdrawal's) for `visit`, made to be
    exactly `sources`; whether anything changed."""
    wanted: dict[int, dict] = {}
    for data in sources:
        wanted[upsert_source(data).pk] = {
            "publisher": data.publisher,
            "published": data.published,
            "excerpt": data.excerpt,
            "archived_url": data.archived_url,
        }
    related = visit.citations if model is Citation else visit.withdrawal_citations
    current = {c.source_id: c for c in related.all()}
    changed = False
    for source_id in set(current) - set(wanted):
        current[source_id].delete()
        changed = True
    for source_id, values in wanted.items():
        citation = current.get(source_id)
        if citation is None:
            model.objects.create(visit=visit, source_id=source_id, **values)
            changed = True
        elif any(getattr(citation, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(citation, k, v)
            citation.save()
            changed = True
    return changed


@transaction.atomic
def withdraw_visit(
    visit: Visit, note: str, user=None, sources: Sequence[SourceInput] = ()
) -> Visit:
    """Withdraw a visit from the record without deleting it (docs/DOMAIN.md: "A visit
    removed from a newer version of the dataset, or rejected on review, is not deleted").

    Sets review_state `withdrawn` and `withdrawal_note` (e.g. "removed from dataset
    version 2026.12.01"), and makes the withdrawal cite `sources` (a verified
    withdrawal's, checked by visits.review; none for an import's:
    `set_withdrawal_citations`). The save schedules the evaluation, which turns the
    visit's verdict into `withdrawn` and keeps its history. Withdrawing a visit already
    withdrawn with the same note and sources changes nothing. Returns the visit.
    """
    if visit.review_state != ReviewState.WITHDRAWN or visit.withdrawal_note != note:
        visit.review_state, visit.withdrawal_note = ReviewState.WITHDRAWN, note
        if user is not None and getattr(user, "is_authenticated", False):
            visit.updated_by = user
        visit.save()
    set_withdrawal_citations(visit, sources)
    return visit


@transaction.atomic
def restore_visit(visit: Visit, user=None) -> Visit:
    """Put withdrawn `visit` back on the record as it stands, under its own address (slug):
    what an import that lists a withdrawn visit again does (record_visit_report with the
    visit's slug, review state `verified`), from the visit's own facts and citations, so
    that the one write path checks them again (a ValidationError for a visit the rules
    now refuse). The visit loses its withdrawal's note and sources; its verdict is
    evaluated again as after any change (the save asks for it). `user`: who restores it
    (a verified restoration's reviewer), recorded as its last editor. Returns the visit."""
    sources = [
        SourceInput(
            url=citation.source.url,
            publisher=citation.publisher,
            published=citation.published,
            excerpt=citation.excerpt,
            archived_url=citation.archived_url,
        )
        for citation in visit.citations.select_related("source").order_by("id")
    ]
    return record_visit_report(
        person=visit.person,
        host=visit.host,
        start=visit.start,
        start_precision=visit.start_precision,
        end=visit.end,
        end_precision=visit.end_precision,
        end_known=visit.end_known,
        status=visit.status,
        outcome=visit.outcome,
        place=visit.place,
        occasion=visit.occasion,
        host_notified=visit.host_notified,
        host_justification=visit.host_justification,
        notes=visit.notes,
        host_control=visit.host_control,
        controlled_by=visit.controlled_by,
        text_language=visit.text_language,
        sources=sources,
        review_state=ReviewState.VERIFIED,
        slug=visit.slug,
        user=user,
    )


def upsert_source(data: SourceInput) -> Source:
    """The Source row for a URL: created with this citation's details when new, never
    changed when it exists (what a report says of it belongs to its Citation)."""
    source, _created = Source.objects.get_or_create(
        url=data.url,
        defaults={
            "publisher": data.publisher,
            "published": data.published,
            "excerpt": data.excerpt,
            "archived_url": data.archived_url,
        },
    )
    return source
