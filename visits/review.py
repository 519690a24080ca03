"""The newsroom's service layer: reports are filed by reporters and published only when a
reviewer who is not their author verifies them (four eyes).

Every path (the newsroom's pages, the API, the admin, a shell) goes through these
functions, so that the rules hold everywhere:

- a report (visits.Report) says what a new visit, or a correction to a published one,
  should be: `data` (the visit's fields, as the API writes them) and `citations`;
- `file_report` creates it (a draft, or submitted at once), `submit` sends a draft or a
  report sent back for changes to review; nothing of it is public;
- `verify` publishes it (a new Visit, or the correction applied to its visit, with the
  fields that changed recorded for the public page), `request_changes` sends it back to
  its author with a comment, `reject` closes it with a reason (kept, never public);
- `propose_withdrawal` files the withdrawal of a published visit: its public reason and
  the sources that show why (none required), verified as any report;
- `propose_restoration` files the restoration of a withdrawn visit (withdrawn by
  mistake): its public reason, verified as any report; verified, the same visit returns
  to the record under its own address (visits.reports.restore_visit);
- the author of a report can never verify, reject or send it back: FourEyesError, a
  PermissionDenied, whoever asks and however;
- `preview` evaluates a draft with the rule without saving anything (the rule is pure);
  `possible_duplicates` finds the person's visits to that host on days that may
  overlap (for a new visit, those withdrawn too: its trip is not published again
  unseen).

Data shape (`data`): {"person": slug, "host": ISO3, "start": "2025-10-08" | "2025-10" |
"2025" | None, "end": same, None (the start day) or "?" (not known: visits.reports.UNKNOWN_END), "place", "occasion", "status", "outcome",
"host_notified": bool, "host_justification", "host_control": "effective" | "none",
"controlled_by": ISO3 | None, "notes", "text_language": the language the occasion, the
justification and the notes are written in (visits.models.TextLanguage; DATASET_LANGUAGE,
English, when a report filed before it was asked says none)}. Citations: [{"url",
"publisher", "published": ISO date | None, "excerpt", "archived_url"}].
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, Subquery
from django.dispatch import Signal
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

import compliance
from compliance import ANNOUNCED, PRESENT_STATUSES, ImpossibleDate, Period
from core import roles, tabular
from core.addresses import (  # noqa: F401 - the address rule, read here by the newsroom and the API
    PRIVATE_NAME_SUFFIXES,
    address_key,
    address_refusal,
    cleaned_address,
    is_public_address,
)
from core.echo import echoed
from core.models import DatePrecision
from core.names import country_name, format_date, impossible_date, with_article
from core.text import refuse_bidi_controls
from states.models import State
from visits import flagging
from visits.models import (
    DATASET_LANGUAGE,
    OPEN_REPORT_STATES,
    UNDER_REVIEW_STATES,
    Finding,
    HostControl,
    Report,
    ReportState,
    ReviewState,
    Visit,
    decision_visit_incoherences,
)
from visits.reports import (
    COMMENT_MAX_LENGTH,
    SOURCES_MAX,
    UNKNOWN_END,
    SourceInput,
    record_visit_report,
    restore_visit,
    sources_limit,
    too_many_sources,
    unknown_end_refused,
    validate_visit_fields,
    withdraw_visit,
)
from warrants.models import Person

# Sent in the transaction of the action, before it commits, so that a receiver may record
# what the action owes with it (alerts record the reviewers' or the author's mail, enqueued
# after commit): a report awaits review, was verified, ...
report_submitted = Signal()  # sender=Report, report=
report_reviewed = (
    Signal()
)  # sender=Report, report=, action="verified"|"changes_requested"|"rejected"

VISIT_FIELDS = (
    "person",
    "host",
    "start",
    "end",
    "place",
    "occasion",
    "status",
    "outcome",
    "host_notified",
    "host_justification",
    "host_control",
    "controlled_by",
    "notes",
    "text_language",
)
CITATION_FIELDS = ("url", "publisher", "published", "excerpt", "archived_url")
# A correction's reason: a few sentences, as a withdrawal's (WITHDRAWAL_NOTE_MAX); at least
# a withdrawal's WITHDRAWAL_NOTE_MIN when given (`_correction_reason`).
REASON_MAX_LENGTH = 1000


class FourEyesError(PermissionDenied):
    """The author of a report tried to verify, reject or send back their own report."""


class DuplicateReport(Exception):
    """An identical open report, or one filed with the same idempotency key, exists."""

    def __init__(self, existing: Report):
        super().__init__(_("report %(pk)s already says this") % {"pk": existing.pk})
        self.existing = existing


class PossibleDuplicates(Exception):
    """A new visit's report that may repeat a trip already known, filed without the
    author's word that it is another visit (file_report's `refuse_duplicates`): `visits`,
    those recorded (possible_duplicates: withdrawn ones too, each with its
    `withdrawn_on`), and `pending`, the reports of that trip not yet
    closed and the author's own drafts of it (pending_duplicates), none identical to it
    (an identical one is a DuplicateReport)."""

    def __init__(self, visits: list[Visit], pending: list[Report]):
        super().__init__(_("this may be a visit already known"))
        self.visits = visits
        self.pending = pending


# --- Reading what a report says -------------------------------------------------------


@dataclass(frozen=True)
class ResolvedReport:
    """A report's data resolved to rows and dates, ready for the one write path."""

    person: Person
    host: State
    start: Period | None
    end: Period | None
    controlled_by: State | None
    fields: dict
    sources: list[SourceInput]
    # False for an end given as not known (`end` "?"): `end` is then None.
    end_known: bool = True


def normalise(data: dict) -> dict:
    """The report's data with every field present, in its canonical form (for comparing)."""
    out = {field: data.get(field) for field in VISIT_FIELDS}
    for text in ("place", "occasion", "host_justification", "notes"):
        out[text] = (out[text] or "").strip()
    out["host"] = (out["host"] or "").upper() or None
    out["controlled_by"] = (out["controlled_by"] or "").upper() or None
    out["host_notified"] = bool(out["host_notified"])
    out["host_control"] = out["host_control"] or HostControl.EFFECTIVE
    out["text_language"] = out["text_language"] or DATASET_LANGUAGE
    return out


def normalise_citations(citations: Sequence[dict]) -> list[dict]:
    """The citations with every field of CITATION_FIELDS present, in order: a missing or
    empty value is "" (None for `published`, an ISO date otherwise), so that two lists
    saying the same compare equal; each `url` without its fragment and tracking
    parameters (core.addresses.cleaned_address: `?utm_source=telegram`, `#top`), as it is
    stored and published."""
    return [
        {
            field: (
                cleaned_address(c.get(field))
                if field == "url" and c.get(field)
                else c.get(field) or ("" if field != "published" else None)
            )
            for field in CITATION_FIELDS
        }
        for c in citations
    ]


def fingerprint(data: dict, citations: Sequence[dict], visit: Visit | None) -> str:
    """sha256 of what a report says (and which visit it corrects): identical reports share it.
    A text in the dataset's language (DATASET_LANGUAGE) leaves `text_language` out, so that
    a report filed before reports said their language keeps the fingerprint it was filed
    with (an identical one filed since is still found)."""
    said = normalise(data)
    if said["text_language"] == DATASET_LANGUAGE:
        del said["text_language"]
    canonical = json.dumps(
        [visit.pk if visit else None, said, normalise_citations(citations)],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


# No visit or source of the dataset can be older: a year before it is a typo (`0001`).
EARLIEST_YEAR = 1900
# How far ahead an announced trip may be dated, in years from now.
YEARS_AHEAD = 10


def visit_date_out_of_range(period: Period, written: str) -> str | None:
    """The refusal of a visit's start or end date (`period`, as parsed from `written`, the
    value as typed) outside the years a visit can have: before EARLIEST_YEAR, or after
    the current year plus YEARS_AHEAD (a typo: `0001`, `2062` for 2026). A message in the
    active language, naming the value and the bound; None for a date within them. The
    newsroom's and the API's reports (`resolve`) and the importer's visits.csv
    (dataset.importer) are refused by this one rule."""
    if period.first.year < EARLIEST_YEAR:
        return _("%(value)r is before %(year)s: give the visit's real date.") % {
            "value": echoed(written),
            "year": EARLIEST_YEAR,
        }
    latest = timezone.now().year + YEARS_AHEAD
    if period.last.year > latest:
        return _("%(value)r is after %(year)s: give the visit's real date.") % {
            "value": echoed(written),
            "year": latest,
        }
    return None


def visit_started_too_late(start: Period, status: str | None) -> str | None:
    """The refusal of a trip that took place (`status` in compliance.PRESENT_STATUSES:
    occurred, transit) whose `start` falls after tomorrow (UTC, a day's grace for the time
    zones): a trip in the future is announced (the rule gives it `upcoming`, an early
    warning, never an incident; docs/DOMAIN.md, "Visit"). A message in the active
    language; None when the date may stand. One rule for the newsroom and the API
    (`resolve`) and the importer (dataset.importer)."""
    tomorrow = timezone.now().date() + datetime.timedelta(days=1)
    if status not in PRESENT_STATUSES or start.first <= tomorrow:
        return None
    return _(
        "A visit that took place cannot start after tomorrow (%(tomorrow)s): record a "
        "planned trip as announced."
    ) % {"tomorrow": format_date(tomorrow)}


def resolve_citations(
    citations: Sequence[dict], field: str = "citations", *, limit: int = SOURCES_MAX
) -> tuple[list[SourceInput], dict[str, str]]:
    """A report's citations (a visit's, or a withdrawal's with `field`
    WITHDRAWAL_CITATIONS) read as the one write path takes them: (the SourceInputs, in
    order; the refusals, {f"{field}.{index}.{name}": message} in the reader's language).
    Each source's address and its archived copy's must be citable (`address_refusal`:
    a public http(s) URL without credentials); its date a real one (YYYY-MM-DD), from
    EARLIEST_YEAR and not after tomorrow; and a URL is cited once (a later citation of it
    is refused by `cited_twice`, naming the first by its place in `citations` from 1;
    two addresses of one document, `core.addresses.address_key`, are one URL).
    More than `limit`
    citations (visits.reports.SOURCES_MAX; for a correction, visits.reports.sources_limit
    of its visit: as many as the visit cites already, if more) are refused under `field`
    itself (the forms and the API refuse them first; this holds for what they do not see:
    a form's sources added to a recorded visit's own, a report filed before the limit,
    when verified). Whether
    any source is needed is the caller's rule (a new visit needs one; a withdrawal may
    give none)."""
    today = timezone.now().date()
    errors: dict[str, str] = {}
    if len(citations) > limit:
        errors[field] = too_many_sources(limit)
    sources = []
    cited: dict[str, int] = {}  # url -> index of its first citation
    for i, c in enumerate(normalise_citations(citations)):
        published = None
        if c["published"]:
            try:
                published = datetime.date.fromisoformat(str(c["published"]))
            except ValueError:
                errors[f"{field}.{i}.published"] = _("%(value)r is not a date (YYYY-MM-DD).") % {
                    "value": echoed(c["published"])
                }
            if published is not None and published.year < EARLIEST_YEAR:
                errors[f"{field}.{i}.published"] = _(
                    "%(value)r is before %(year)s: give the source's real date."
                ) % {"value": echoed(c["published"]), "year": EARLIEST_YEAR}
                published = None
            elif published is not None and published > today + datetime.timedelta(days=1):
                errors[f"{field}.{i}.published"] = _(
                    "%(value)r is in the future: give the date the source was published."
                ) % {"value": echoed(c["published"])}
                published = None
        for name in ("url", "archived_url"):
            refused = address_refusal(c[name]) if name == "url" or c[name] else None
            if refused:
                errors[f"{field}.{i}.{name}"] = refused
        # The same document however its address is written: http or https, the host's
        # case, a fragment, a newsletter's tracking parameters (core.addresses.address_key).
        key = address_key(c["url"])
        if f"{field}.{i}.url" not in errors and key in cited:
            errors[f"{field}.{i}.url"] = cited_twice(c["url"], cited[key] + 1)
        cited.setdefault(key, i)
        sources.append(
            SourceInput(
                url=c["url"],
                publisher=c["publisher"],
                published=published,
                excerpt=c["excerpt"],
                archived_url=c["archived_url"],
            )
        )
    return sources, errors


def cited_twice(url: str, first: int) -> str:
    """The refusal of a source whose address `url` an earlier source of the report cites
    (one citation per source: a second would leave which details stand to chance), in the
    reader's language, naming that earlier source by `first`, its number as the reader
    sees it: its place in the citations given, from 1 (`resolve_citations`: the API's
    `sources.0` is source 1), or the newsroom form's source number, which counts the
    blank forms before it too (newsroom.forms.BaseSourceFormSet)."""
    return _("%(value)r is already cited (source %(first)s): give its details once.") % {
        "value": echoed(url),
        "first": first,
    }


def contradicted_decisions(visit: Visit, *, person: Person, host: State) -> dict[str, str]:
    """The refusals of a correction of `visit` (a published Visit) that would make it the
    visit of `person` hosted by `host`, where that would make an ICC decision on it
    (visits.Finding) contradict its visit: {"host": message} for decisions on the state
    that hosted it, which would no longer be its host, {"person": message} for decisions
    that name its person but not `person`; {} when neither changes, or when no decision
    would contradict it. The rule is the one every write path of a decision applies
    (visits.models.decision_visit_incoherences: the admin's form, the importer's check of
    findings.csv), read before and after the change: only what the correction would make
    contradictory is refused (a decision that already contradicts its visit in a field is
    the admin's to correct, and does not hold back a correction that leaves it so).

    Each message, in the active language, names the decisions (their state, kind and
    date, by date) and says what to do: correct the decision first, in the admin, if it
    is recorded wrongly; otherwise the correction is wrong. `resolve` refuses with them,
    so that a correction is refused when filed (the newsroom's form, the API), submitted
    and verified (a decision recorded after it was filed): the visit's decisions would
    otherwise be left contradicting it, and the admin refuses any save of them until
    someone fixes them (visits.admin.FindingAdminForm). One query when the host or the
    person changes, none otherwise."""
    if host.pk == visit.host_id and person.pk == visit.person_id:
        return {}
    contradicted: dict[str, list[Finding]] = {"visit": [], "persons": []}
    findings = visit.findings.select_related("state").prefetch_related("persons")
    for finding in findings.order_by("decided", "pk"):
        # States and persons by their ids, both before and after: one way for each kind.
        named = [p.pk for p in finding.persons.all()]
        before = decision_visit_incoherences(
            finding.state_id, host=visit.host_id, traveller=visit.person_id, persons=named
        )
        after = decision_visit_incoherences(
            finding.state_id, host=host.pk, traveller=person.pk, persons=named
        )
        for field in after:
            if field not in before:
                contradicted[field].append(finding)
    refusals = {}
    if found := contradicted["visit"]:
        refusals["host"] = ngettext(
            "An ICC decision on this visit rules on what its host did: %(decisions)s. The "
            "visit's host cannot become %(host)s while that decision stands. If it is "
            "recorded wrongly (its state, or the visit it is on), it must be corrected "
            "first, in the admin; otherwise this correction is wrong.",
            "ICC decisions on this visit rule on what its host did: %(decisions)s. The "
            "visit's host cannot become %(host)s while those decisions stand. If they are "
            "recorded wrongly (their state, or the visit they are on), they must be "
            "corrected first, in the admin; otherwise this correction is wrong.",
            len(found),
        ) % {
            "decisions": _decisions_in_words(found),
            "host": with_article(country_name(host.iso3, host.name)),
        }
    if found := contradicted["persons"]:
        refusals["person"] = ngettext(
            "An ICC decision on this visit names %(traveller)s, who made it, but not "
            "%(person)s: %(decisions)s. A decision on a visit concerns the arrest of the "
            "person who made it: the visit's person cannot become %(person)s while that "
            "decision stands. If it is recorded wrongly (the persons it names, or the visit "
            "it is on), it must be corrected first, in the admin; otherwise this correction "
            "is wrong.",
            "ICC decisions on this visit name %(traveller)s, who made it, but not "
            "%(person)s: %(decisions)s. A decision on a visit concerns the arrest of the "
            "person who made it: the visit's person cannot become %(person)s while those "
            "decisions stand. If they are recorded wrongly (the persons they name, or the "
            "visit they are on), they must be corrected first, in the admin; otherwise this "
            "correction is wrong.",
            len(found),
        ) % {
            "decisions": _decisions_in_words(found),
            "traveller": visit.person.name,
            "person": person.name,
        }
    return refusals


def _decisions_in_words(findings: Sequence[Finding]) -> str:
    """ICC decisions as a refusal names them, in the active language: each its state,
    kind and date, quoted, as a record's history names it (“Mongolia, Art. 87(7) finding
    of non-compliance, 24 October 2024”), joined by "and"."""
    return str(
        get_text_list(
            [
                pgettext("an ICC decision, named in a refusal", "“%(state)s, %(kind)s, %(date)s”")
                % {
                    "state": country_name(f.state.iso3, f.state.name),
                    "kind": f.get_kind_display(),
                    "date": format_date(f.decided, f.decided_precision),
                }
                for f in findings
            ],
            _("and"),
        )
    )


# What each of `resolve`'s refusals reads besides its own field (a missing or refused
# value there would make it refuse what is not wrong: a status refused reads as an
# outcome "unknown"). A page or an answer that says resolve's refusals with those of its
# own checks (the newsroom's form, the API's filing) leaves out one whose field, or a
# field it reads, it refused already.
FILING_READS = {
    "host": ("person",),
    "controlled_by": ("host", "host_control"),
    "start": ("start_precision", "status"),
    "end": ("start", "start_precision", "end_precision"),
    "status": ("start", "end", "start_precision", "end_precision"),
    "outcome": ("status",),
}


def resolve(
    data: dict,
    citations: Sequence[dict],
    *,
    new: bool = False,
    visit: Visit | None = None,
    person: Person | None = None,
) -> ResolvedReport:
    """Resolve slugs, codes and dates; raises ValidationError({field: message}) naming each
    problem (unknown person or state, a date that is not YYYY-MM-DD/YYYY-MM/YYYY, no source,
    and everything validate_visit_fields refuses: a visit to one's own state, ...).

    `new`: a new report being filed or submitted, which may not announce a trip whose
    dates have passed; a correction of a published early warning, or a report verified
    after its dates passed while it waited for review, is not refused for it.

    `visit`: the visit a correction corrects, whose sources it may keep however many
    (visits.reports.sources_limit), and whose ICC decisions its new host or person may not
    contradict (`contradicted_decisions`, naming `host` or `person`); None for a new
    visit's report (at most SOURCES_MAX).

    `person`: the Person `data` names, with its nationality, when the caller read it
    already (the API's field, front.search.report_person): not read again. One of
    another slug is ignored."""
    data = normalise(data)
    errors: dict[str, str] = {}
    if person is None or person.slug != data["person"]:
        person = (
            Person.objects.filter(slug=data["person"] or "").select_related("nationality").first()
        )
    if person is None:
        errors["person"] = _("No person with slug %(slug)r.") % {"slug": echoed(data["person"])}
    host = State.objects.filter(iso3=data["host"] or "").first()
    if host is None:
        errors["host"] = _("No state with ISO 3166-1 alpha-3 code %(code)r.") % {
            "code": echoed(data["host"])
        }
    controlled_by = None
    if data["controlled_by"]:
        controlled_by = State.objects.filter(iso3=data["controlled_by"]).first()
        if controlled_by is None:
            errors["controlled_by"] = _("No state with code %(code)r.") % {
                "code": echoed(data["controlled_by"])
            }
    dates = {}
    end_known = data["end"] != UNKNOWN_END
    for field in ("start", "end"):
        value = data[field] if field == "start" or end_known else None
        try:
            dates[field] = Period.parse(value) if value else None
        except ImpossibleDate as exc:
            errors[field] = impossible_date(exc)  # "February 2026 has no 30th day."
            dates[field] = None
        except ValueError as exc:
            errors[field] = str(exc)
            dates[field] = None
        if dates[field] is not None and (refused := visit_date_out_of_range(dates[field], value)):
            errors[field] = refused
            dates[field] = None
    today = timezone.now().date()
    if (
        dates["start"] is not None
        and "start" not in errors
        and (refused := visit_started_too_late(dates["start"], data["status"]))
    ):
        # A trip that took place is in the past: a future one is announced.
        errors["start"] = refused
    if not end_known and "end" not in errors and (refused := unknown_end_refused(data["status"])):
        errors["end"] = refused
    last_day = dates["end"] or dates["start"]
    if (
        new
        and last_day is not None
        and data["status"] == ANNOUNCED
        and last_day.last < today - datetime.timedelta(days=1)
        and not {"start", "end"} & errors.keys()
    ):
        # An announced trip is still to come: the rule gives it `upcoming` ("has not yet
        # taken place"). Once its days have passed it took place, was called off or is
        # not known to have happened; a day's grace for the time zones, as above.
        errors["status"] = _(
            "An announced trip is still to come, but these dates have passed: record whether "
            "it occurred (or was a transit stop), was cancelled or was attended by video."
        )
    sources, refused = resolve_citations(citations, limit=sources_limit(visit))
    errors.update(refused)
    if not sources:
        errors["citations"] = "At least one source (a public URL) is required."
    if person is not None and host is not None:
        checked = validate_visit_fields(
            person=person,
            host=host,
            start=dates["start"].first if dates["start"] else None,
            end=dates["end"].first if dates["end"] else None,
            status=data["status"] or "",
            outcome=data["outcome"] or "",
            review_state=ReviewState.VERIFIED,
            host_control=data["host_control"],
            controlled_by=controlled_by,
            start_precision=dates["start"].precision if dates["start"] else DatePrecision.DAY,
            end_precision=dates["end"].precision if dates["end"] else DatePrecision.DAY,
            text_language=data["text_language"],
            end_known=end_known,
        )
        # A date that could not be read says so, not "needs a start date".
        errors.update({k: v for k, v in checked.items() if k not in errors})
        if visit is not None:
            # A decision on the visit left contradicting it: said after the visit's own
            # rules (a visit to one's own state is told as such).
            for field, refused in contradicted_decisions(visit, person=person, host=host).items():
                errors.setdefault(field, refused)
    if errors:
        raise ValidationError(errors)
    return ResolvedReport(
        person=person,
        host=host,
        start=dates["start"],
        end=dates["end"],
        controlled_by=controlled_by,
        fields=data,
        sources=sources,
        end_known=end_known,
    )


# --- What the rule would say, and what is already recorded ------------------------------


def preview(
    data: dict, resolved: ResolvedReport | None = None, visit: Visit | None = None
) -> compliance.Verdict:
    """The verdict the rule would give this report if it were verified, saving nothing.

    `resolved` is the report's data already resolved (`file_report` gives it), saving
    the reads of `resolve`. `visit`: the published visit a correction would change, whose
    ICC findings the verdict reads as the published one does (a finding of non-compliance
    is said, not "no finding"). Raises ValidationError when the data cannot be evaluated
    (see `resolve`; sources are not needed for a preview).
    """
    report = resolved or resolve(data, [{"url": "https://preview.invalid/"}])
    state, situation, warrants, referrals = preview_facts(report.host, report.person)
    facts = compliance.VisitFacts(
        referrals=referrals,
        ref="preview",
        person_name=report.person.name,
        situation=situation,
        status=report.fields["status"],
        outcome=report.fields["outcome"],
        review_state=ReviewState.VERIFIED,
        start=report.start,
        end=report.end,
        place=report.fields["place"],
        host_notified=report.fields["host_notified"],
        host_justification=report.fields["host_justification"],
        host_control=report.fields["host_control"],
        controlled_by=report.controlled_by.iso3 if report.controlled_by else "",
        controlled_by_name=report.controlled_by.name if report.controlled_by else "",
        end_known=report.end_known,
    )
    findings = flagging.load_findings([visit.pk]).get(visit.pk, ()) if visit is not None else ()
    return compliance.evaluate(facts, state, warrants, findings)


# The facts `flagging.load_facts` reads for a host and a person, in one query: the host's
# treaty events, Art. 12(3) declarations and Security Council referrals, the person's
# situation and warrants, and the referrals of that situation with the states each binds
# (JSON arrays, dates as ISO strings).
_PREVIEW_FACTS = """
SELECT
  (SELECT coalesce(json_agg(json_build_array(e.kind, e.date)), '[]')
     FROM states_treatyevent e WHERE e.state_id = %(state)s),
  (SELECT coalesce(json_agg(json_build_array(d.lodged, s.name, d.covers_from,
            d.covers_from_precision, d.covers_to, d.covers_to_precision, d.effect)
            ORDER BY d.lodged), '[]')
     FROM states_declaration d JOIN warrants_situation s ON s.id = d.situation_id
    WHERE d.state_id = %(state)s),
  (SELECT coalesce(json_agg(json_build_array(s.name, r.resolution, r.adopted) ORDER BY r.adopted), '[]')
     FROM states_securitycouncilreferral r
     JOIN states_securitycouncilreferral_bound_states b ON b.securitycouncilreferral_id = r.id
     JOIN warrants_situation s ON s.id = r.situation_id
    WHERE b.state_id = %(state)s),
  (SELECT s.name FROM warrants_person p JOIN warrants_situation s ON s.id = p.situation_id
    WHERE p.id = %(person)s),
  (SELECT coalesce(json_agg(json_build_array(w.id, w.issued, w.issued_precision, w.made_public,
            w.made_public_precision, w.ended, w.end_reason, coalesce(c.name, '')) ORDER BY w.id), '[]')
     FROM warrants_warrant w LEFT JOIN warrants_case c ON c.id = w.case_id
    WHERE w.person_id = %(person)s),
  (SELECT coalesce(json_agg(json_build_array(r.resolution, r.adopted,
            (SELECT coalesce(json_agg(json_build_array(st.iso3, st.name) ORDER BY st.iso3), '[]')
               FROM states_securitycouncilreferral_bound_states b
               JOIN states_state st ON st.id = b.state_id
              WHERE b.securitycouncilreferral_id = r.id)) ORDER BY r.adopted, r.id), '[]')
     FROM states_securitycouncilreferral r
     JOIN warrants_person p ON p.situation_id = r.situation_id
    WHERE p.id = %(person)s)
"""


def preview_facts(host: State, person: Person):
    """(the host's StateFacts, the person's situation name, their WarrantFacts, the Security
    Council referrals of that situation with the states each binds): what
    `flagging.load_facts` gives for one state and one person (FactBook.situation_referrals),
    read in one query."""

    def day(value):
        return datetime.date.fromisoformat(value) if value else None

    def period(value, precision):
        return Period.from_stored(day(value), precision) if value else None

    with connection.cursor() as cur:
        cur.execute(_PREVIEW_FACTS, {"state": host.pk, "person": person.pk})
        events, declarations, referrals, situation, warrants, situation_referrals = cur.fetchone()
    state = compliance.state_facts(
        host.iso3,
        host.name,
        {kind: day(date) for kind, date in events},
        [
            (day(lodged), name, period(cf, cfp), period(ct, ctp), effect)
            for lodged, name, cf, cfp, ct, ctp, effect in declarations
        ],
        referrals=[(name, resolution, day(adopted)) for name, resolution, adopted in referrals],
        instrument=host.instrument,
    )
    return (
        state,
        situation,
        [
            compliance.WarrantFacts(
                id=wid,
                issued=period(issued, ip),
                made_public=period(public, pp),
                ended=day(ended),
                end_reason=reason,
                case=case,
            )
            for wid, issued, ip, public, pp, ended, reason, case in warrants
        ],
        tuple(
            compliance.ReferralFacts(
                situation, resolution, day(adopted), tuple(tuple(b) for b in bound)
            )
            for resolution, adopted, bound in situation_referrals
        ),
    )


def possible_duplicates(
    data: dict, exclude: Visit | None = None, *, withdrawn: bool = True
) -> list[Visit]:
    """The person's visits to the host whose possible days overlap the report's (a visit
    dated only to a month or year covers the whole period; one whose end is not known,
    recorded or reported, every day from its start on); a visit or a report with no
    known day may be any of them (`_may_overlap`): an undated visit to that host is a
    possible duplicate of every report of the person's visit there, and every visit to
    that host one of an undated report. Each with its person and host
    (the form and the API name it by them: front.summaries.visit_title), in one query.

    `withdrawn` (a new visit's report): the withdrawn visits of that trip too, each with
    `withdrawn_on` (`withdrawn_on`, the date; None on the others): a trip taken out of the
    record is not published again unseen (docs/DOMAIN.md: withdrawn, never deleted), so
    the reporter and the reviewer are told of it, with its reason, and confirm as they
    confirm another visit (file_report's `refuse_duplicates`, verify's `different_from`).
    False (a correction's pages, whose visit a withdrawn duplicate of it does not concern):
    the visits not withdrawn only."""
    data = normalise(data)
    visits = Visit.objects.filter(person__slug=data["person"], host__iso3=data["host"])
    if not withdrawn:
        visits = visits.exclude(review_state=ReviewState.WITHDRAWN)
    visits = visits.select_related("person", "host")
    if exclude is not None:
        visits = visits.exclude(pk=exclude.pk)
    days = _possible_days(data)
    if days is False:
        return []
    found = [v for v in visits.order_by("start", "pk") if _may_overlap(days, v.possible_days())]
    for visit in found:
        visit.withdrawn_on = (
            withdrawn_on(visit) if visit.review_state == ReviewState.WITHDRAWN else None
        )
    return found


def withdrawn_on(visit: Visit) -> datetime.date:
    """The day (UTC) withdrawn `visit` left the record: its last change, as nothing
    changes a withdrawn visit (visits.reports.withdraw_visit; an import may not list it
    again, and one restoring it makes it a visit of the record again)."""
    return timezone.localtime(visit.updated_at).date()


def _possible_days(data: dict):
    """(first, last) possible day of normalised report data, as Visit.possible_days gives
    a visit's: last None when the end is not known (`end` "?", UNKNOWN_END: every day from
    the start on is possible); None when undated; False when a date cannot be read."""
    try:
        start = Period.parse(data["start"]) if data["start"] else None
        unknown = data["end"] == UNKNOWN_END
        end = Period.parse(data["end"]) if data["end"] and not unknown else start
    except ValueError:
        return False
    if start is None:
        return None
    return start.first, None if unknown else end.last


def _may_overlap(ours, theirs) -> bool:
    """Whether two spans of possible days ((first, last) dates, or None when undated) may
    be one trip: they overlap, or either is undated. A trip with no known day (one called
    off, the only kind that may have no date) may have been planned for any day
    (docs/DOMAIN.md, "Dates"), so it may be any visit of the same person to the same
    host, dated or not. A last day None (an end not known) is no bound: such a trip
    overlaps any that ends on or after its start."""
    if ours is None or theirs is None:
        return True
    return (ours[1] is None or theirs[0] <= ours[1]) and (theirs[1] is None or ours[0] <= theirs[1])


def pending_duplicates(data: dict, exclude: Report | None = None, *, author=None) -> list[Report]:
    """Other filed reports not yet closed (awaiting review, or sent back for changes) of the
    same person's visit to the same host on days that may overlap (an undated one may be
    any of them: `_may_overlap`): two colleagues reporting
    one trip, which the reviewer should see before verifying either (possible_duplicates
    sees only visits). With `author` (who is filing): their own drafts of that trip too,
    so that they add to one rather than file the trip twice; anyone else's draft stays
    its author's own and is never counted."""
    data = normalise(data)
    same_trip = _same_trip(data, author)
    if same_trip is None:
        return []
    reports = Report.objects.filter(same_trip).select_related("author")
    if exclude is not None:
        reports = reports.exclude(pk=exclude.pk)
    return _overlapping(data, reports.order_by("submitted_at", "pk"))


def _same_trip(data: dict, author) -> Q | None:
    """pending_duplicates' filter on Report for normalised report data, but for the days
    (`_overlapping`); None when the data names no trip to look for."""
    if _possible_days(data) is False or not data["person"] or not data["host"]:
        return None
    open_ = Q(state__in=(ReportState.SUBMITTED, ReportState.CHANGES_REQUESTED))
    if author is not None and author.pk is not None:
        open_ |= Q(state=ReportState.DRAFT, author=author)
    return open_ & Q(data__person=data["person"], data__host=data["host"])


def _overlapping(data: dict, reports: Iterable[Report]) -> list[Report]:
    """Those of `reports` whose possible days may overlap normalised report data's."""
    days = _possible_days(data)
    found = []
    for report in reports:
        theirs = _possible_days(normalise(report.data))
        if theirs is not False and _may_overlap(days, theirs):
            found.append(report)
    return found


# --- Filing and reviewing ---------------------------------------------------------------


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _four_eyes(report: Report, reviewer) -> None:
    _require(roles.may_review(reviewer), _("Only reviewers may review reports."))
    if report.author_id == reviewer.pk:
        raise FourEyesError(_("Nobody may review their own report: another reviewer must do it."))


def file_report(
    *,
    author,
    data: dict,
    citations: Sequence[dict],
    visit: Visit | None = None,
    submit: bool = True,
    idempotency_key: str = "",
    based_on: datetime.datetime | None = None,
    reason: str = "",
    refuse_duplicates: bool = False,
    person: Person | None = None,
) -> Report:
    """Create a report (a correction when `visit` is given) and submit it unless `submit` is
    False (a draft). `reason` (a correction): why the visit should change, shown with the
    correction on the visit's page: none, or WITHDRAWAL_NOTE_MIN to REASON_MAX_LENGTH
    characters (`_correction_reason`, ValidationError naming `reason`, a draft's too); the
    newsroom asks for it, the API takes it if given. Raises PermissionDenied for a
    non-reporter, ValidationError for data that cannot become a visit (drafts are saved as
    they are), DuplicateReport when the author already filed it (same idempotency key) or
    an identical report is open. `person`: the Person `data` names, already read (the
    API's field), which `resolve` then does not read again.

    `refuse_duplicates` (a new visit's report whose author has not said it is another
    visit, as the API's `another_visit`): PossibleDuplicates when it may repeat a visit
    recorded, or one withdrawn (possible_duplicates: a withdrawn trip is not published
    again unseen), or a report of that trip not yet closed, or the author's own draft of
    it (pending_duplicates), nothing saved; a retry (the same key) is a DuplicateReport
    first, as the first request's answer was.

    `based_on` (a correction): the visit's updated_at when the form was filled from it (the
    newsroom's correction page carries it); by default the visit's as `visit` was read.

    The report comes back with `resolved` (its ResolvedReport, None for a draft), so that
    the answer's preview does not read the person and the host again, and, when it
    looked for them (`refuse_duplicates`), `possible_duplicates` (the visits it may repeat:
    none once filed), not read again for the answer either. One write, in its
    own transaction: the checks before it read, and the database's unique keys decide
    between two identical reports filed at the same moment.
    """
    _require(roles.may_report(author), _("Only reporters may file reports."))
    if visit is not None and visit.review_state != ReviewState.VERIFIED:
        raise ValidationError({"visit": _("Only a published visit can be corrected.")})
    reason = _checked_reason(reason, visit)
    report_print = fingerprint(data, citations, visit)
    # The same key from this author, the same report open, and (refuse_duplicates) the
    # reports of the same trip not yet closed: one query for all.
    same_key = Q(author=author, idempotency_key=idempotency_key) if idempotency_key else Q()
    wanted = same_key | twins(report_print, author) if same_key else twins(report_print, author)
    looking = refuse_duplicates and visit is None
    same_trip = _same_trip(normalise(data), author) if looking else None
    reports = Report.objects.filter(wanted)
    if same_trip is not None:
        reports = (
            Report.objects.filter(wanted | same_trip)
            .annotate(of_the_trip=ExpressionWrapper(same_trip, output_field=BooleanField()))
            .select_related("author")
        )
    earlier = list(reports.order_by("submitted_at", "pk"))
    for existing in earlier:
        if idempotency_key and (existing.author_id, existing.idempotency_key) == (
            author.pk,
            idempotency_key,
        ):
            raise DuplicateReport(existing)
    if looking:
        visits = possible_duplicates(data)
        pending = []
        if same_trip is not None:
            # An identical report is a DuplicateReport (below), not another visit to confirm.
            trip = [r for r in earlier if r.of_the_trip and r.fingerprint != report_print]
            pending = _overlapping(normalise(data), trip)
        if visits or pending:
            raise PossibleDuplicates(visits, pending)
    resolved = (
        resolve(data, citations, new=visit is None, visit=visit, person=person) if submit else None
    )
    if submit and visit is not None:
        _require_a_change(resolved, citations, visit)
        if based_on is not None and visit.updated_at > based_on:
            raise ValidationError(CHANGED_SINCE_BEGUN)
    for existing in earlier:
        if existing.fingerprint == report_print:
            raise DuplicateReport(existing)
    report = _create(
        visit=visit,
        is_correction=visit is not None,
        based_on=(based_on or visit.updated_at) if visit is not None else None,
        reason=reason,
        submit=submit,
        data=data,
        citations=citations,
        author=author,
        idempotency_key=idempotency_key,
        fingerprint=report_print,
    )
    report.resolved = resolved
    if looking:
        report.possible_duplicates = visits
    return report


def twins(report_print: str, author) -> Q:
    """The reports a new or edited report of `author` with fingerprint `report_print`
    would repeat: one under review (anyone's: a reviewer would read the same thing twice)
    or a draft of `author`'s own. A colleague's draft is theirs alone: it neither blocks
    the report nor is named (visits.models.Report's constraints)."""
    return Q(fingerprint=report_print) & (
        Q(state__in=UNDER_REVIEW_STATES) | Q(state=ReportState.DRAFT, author=author)
    )


def _create(*, submit: bool, data: dict, citations: Sequence[dict], **fields) -> Report:
    """Save a new report (submitted unless `submit` is False) in its own transaction,
    announcing a submitted one in it (report_submitted). DuplicateReport when another
    request filed the same one at the same moment: the database's unique keys (its
    author's idempotency key, one open report per fingerprint) decide."""
    try:
        with transaction.atomic():
            report = Report.objects.create(
                state=ReportState.SUBMITTED if submit else ReportState.DRAFT,
                submitted_at=timezone.now() if submit else None,
                data=normalise(data),
                citations=normalise_citations(citations),
                **fields,
            )
            if submit:
                report_submitted.send(sender=Report, report=report)
    except IntegrityError:
        key = fields.get("idempotency_key")
        existing = (
            Report.objects.filter(author=fields["author"], idempotency_key=key).first()
            if key
            else None
        ) or Report.objects.filter(twins(fields["fingerprint"], fields["author"])).first()
        if existing is None:
            raise
        raise DuplicateReport(existing) from None
    return report


# A withdrawal's reason: what the visit's page will say, to every reader: a sentence at
# least (not "x" or "dup"), at most Visit.withdrawal_note's length. A correction's reason,
# shown with the correction on the visit's page, has the same minimum (`_correction_reason`).
WITHDRAWAL_NOTE_MIN = 20
WITHDRAWAL_NOTE_MAX = 1000
# The field of a withdrawal's sources, in a refusal's keys ("withdrawal_citations.0.url")
# as in Report: the public documents that show why the visit leaves the record. None is
# required: an error in the record's own entry (a trip entered twice, a typo in its
# dates) may have no outside source; the reviewer's page then says that none was given.
WITHDRAWAL_CITATIONS = "withdrawal_citations"


def withdrawal_sources(citations: Sequence[dict]) -> list[SourceInput]:
    """A withdrawal's citations (the shape of a report's, none required) as the sources
    withdraw_visit cites: ValidationError({"withdrawal_citations.<i>.<field>": message})
    for each refused as a visit's source would be (`resolve_citations`)."""
    sources, refused = resolve_citations(citations, WITHDRAWAL_CITATIONS)
    if refused:
        raise ValidationError(refused)
    return sources


def _withdrawal_refusals(note: str, citations: Sequence[dict] | None) -> tuple[str, dict]:
    """(the reason stripped, every refusal of the reason and of the sources at once, as
    {field: messages}): a page says each beside its own box. `citations` None: not
    given (the reason reworded alone)."""
    errors: dict = {}
    try:
        note = _withdrawal_note(note)
    except ValidationError as refused:
        errors.update(refused.message_dict)
    if citations is not None:
        errors.update(resolve_citations(citations, WITHDRAWAL_CITATIONS)[1])
    return note, errors


def withdrawal_note_errors(note: str) -> list[str]:
    """What is wrong with `note` as a withdrawal's reason (`_withdrawal_note`): [] when it
    may be saved, else its messages; for a page that says every refusal at once."""
    try:
        _withdrawal_note(note)
    except ValidationError as error:
        return error.messages
    return []


def _withdrawal_note(note: str) -> str:
    """The reason, stripped; ValidationError({"withdrawal_note": ...}) when empty, shorter
    than WITHDRAWAL_NOTE_MIN or longer than WITHDRAWAL_NOTE_MAX characters."""
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {"withdrawal_note": _("Say why the visit leaves the record: its page will show it.")}
        )
    _require_a_sentence("withdrawal_note", note)
    if len(note) > WITHDRAWAL_NOTE_MAX:
        raise ValidationError(
            {
                "withdrawal_note": _("Say it in at most %(max)d characters.")
                % {"max": WITHDRAWAL_NOTE_MAX}
            }
        )
    # The visit's page shows it.
    _refuse_control_characters("withdrawal_note", note)
    return note


def _require_a_sentence(field: str, text: str) -> None:
    """ValidationError({field: ...}) when `text` (a reason the visit's page shows to every
    reader, stripped: a withdrawal's or a correction's) is shorter than
    WITHDRAWAL_NOTE_MIN characters."""
    if len(text) < WITHDRAWAL_NOTE_MIN:
        raise ValidationError(
            {
                field: _(
                    "Say why in at least %(min)d characters: the visit's page shows it to "
                    "every reader."
                )
                % {"min": WITHDRAWAL_NOTE_MIN}
            }
        )


def _refuse_control_characters(field: str, text: str) -> None:
    """ValidationError({field: ...}) for a NUL (which PostgreSQL cannot store) or a
    bidirectional control (core.text) in `text`: what the report's form fields refuse, for
    a text the newsroom posts without one (a withdrawal's reason, the answer beside it)."""
    try:
        ProhibitNullCharactersValidator()(text)
        refuse_bidi_controls(text)
    except ValidationError as refused:
        raise ValidationError({field: refused.messages}) from None


@transaction.atomic
def update_withdrawal(
    report: Report,
    user,
    note: str,
    reply: str | None = None,
    *,
    seen: str | None = None,
    citations: Sequence[dict] | None = None,
) -> Report:
    """The author rewords a withdrawal's reason while it is a draft (taken back) or sent
    back for changes, with `reply` (when given) their answer to the reviewer, as
    `update_report` takes it, and `citations` (when given) the sources it now cites, in
    place of those it cited; submit it again afterwards. PermissionDenied for anyone
    else, ValidationError for another report, another state, a reason empty, too short
    or too long (`_withdrawal_note`), a source refused as `propose_withdrawal` refuses
    it (naming `withdrawal_citations.<i>.<field>`, with the reason's refusal if any), or
    an overlong answer (naming `reply`), or either holding a NUL or a bidirectional
    control; with `seen` (version_of the report the page showed), for a report saved
    since (another window), or `seen` "" (a form that did not say), naming `seen`, as
    `update_report`."""
    report = _locked_for_rewording(
        report, user, seen, reply, "is_withdrawal", _("Only a withdrawal has a reason to reword.")
    )
    note, refused = _withdrawal_refusals(note, citations)
    if refused:
        raise ValidationError(refused)
    report.withdrawal_note = note
    if citations is not None:
        report.withdrawal_citations = normalise_citations(citations)
    if reply is not None:
        report.reply = reply.strip()
    report.save()
    return report


def propose_withdrawal(
    *,
    author,
    visit: Visit,
    note: str,
    citations: Sequence[dict] = (),
    idempotency_key: str = "",
) -> Report:
    """File, for review, the withdrawal of a published visit from the record: a correction
    whose `withdrawal_note` says why (docs/DOMAIN.md: a visit found wrong is withdrawn, never
    deleted; its page stays and says why). Verified by another reviewer (`verify`), it
    withdraws the visit (visits.reports.withdraw_visit); nothing changes before.

    `citations` (a report's shape: [{"url", "publisher", "published", "excerpt",
    "archived_url"}]): the public documents that show why, none required
    (WITHDRAWAL_CITATIONS); checked as a visit's sources are (`resolve_citations`), kept
    as `withdrawal_citations`, shown with the reason once verified. `idempotency_key`:
    as `file_report`'s (the API's header).

    Raises PermissionDenied for a non-reporter, ValidationError({field: message}) for a
    visit that is not published, a reason empty, too short or too long
    (`_withdrawal_note`) or a source refused (`withdrawal_citations.<i>.<field>`; the
    reason's and the sources' refusals together), DuplicateReport when the author already
    filed one with `idempotency_key`, or a withdrawal of this visit is under review, or a
    draft of the author's own.
    """
    _require(roles.may_report(author), _("Only reporters may file reports."))
    if idempotency_key:
        # A retry answers as the first request did, even once the visit is withdrawn.
        earlier = Report.objects.filter(author=author, idempotency_key=idempotency_key).first()
        if earlier is not None:
            raise DuplicateReport(earlier)
    if visit.review_state != ReviewState.VERIFIED:
        raise ValidationError({"visit": _("Only a published visit can be withdrawn.")})
    note, refused = _withdrawal_refusals(note, citations)
    if refused:
        raise ValidationError(refused)
    # One open withdrawal per visit, whatever its reason or the visit's later corrections:
    # never the fingerprint of a correction.
    report_print = hashlib.sha256(f"withdrawal:{visit.pk}".encode()).hexdigest()
    # One under review (anyone's), or a draft of the author's own: a colleague's withdrawal
    # taken back to a draft is theirs alone, and blocks nothing (`twins`).
    existing = Report.objects.filter(twins(report_print, author)).first()
    if existing is not None:
        raise DuplicateReport(existing)
    return _create(
        visit=visit,
        is_correction=True,
        withdrawal_note=note,
        based_on=visit.updated_at,
        submit=True,
        data=report_data_of(visit),
        citations=citations_of(visit),
        withdrawal_citations=normalise_citations(citations),
        author=author,
        idempotency_key=idempotency_key,
        fingerprint=report_print,
    )


# The field of a restoration's reason, in its refusals, the Report's and the API's.
RESTORATION_NOTE = "restoration_note"


def _restoration_note(note: str) -> str:
    """A restoration's reason, stripped, as a withdrawal's is checked (`_withdrawal_note`:
    the visit's page shows it to every reader, from WITHDRAWAL_NOTE_MIN to
    WITHDRAWAL_NOTE_MAX characters, no control character), its refusals naming
    `restoration_note`."""
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {RESTORATION_NOTE: _("Say why the visit returns to the record: its page will show it.")}
        )
    try:
        return _withdrawal_note(note)
    except ValidationError as refused:
        raise ValidationError({RESTORATION_NOTE: refused.message_dict["withdrawal_note"]}) from None


def restoration_note_errors(note: str) -> list[str]:
    """What is wrong with `note` as a restoration's reason (`_restoration_note`): [] when
    it may be saved, else its messages; for a page that says every refusal at once."""
    try:
        _restoration_note(note)
    except ValidationError as error:
        return error.messages
    return []


def propose_restoration(*, author, visit: Visit, note: str, idempotency_key: str = "") -> Report:
    """File, for review, the restoration of a withdrawn visit to the record (one withdrawn
    by mistake): a correction whose `restoration_note` says why, shown on the visit's page
    once verified. Verified by another reviewer (`verify`), it puts the same visit back on
    the record, under its own address (visits.reports.restore_visit, as an import that
    lists it again does); nothing changes before. Filing the trip again as a new report
    would make another visit, under another address, the old one still withdrawn.

    Raises PermissionDenied for a non-reporter; ValidationError for a visit that is not
    withdrawn (naming `visit`), or a reason empty, shorter than WITHDRAWAL_NOTE_MIN or
    longer than WITHDRAWAL_NOTE_MAX characters (naming `restoration_note`); DuplicateReport
    when the author already filed one with `idempotency_key` (the API's header), or a
    restoration of this visit is under review, or a draft of the author's own."""
    _require(roles.may_report(author), _("Only reporters may file reports."))
    if idempotency_key:
        earlier = Report.objects.filter(author=author, idempotency_key=idempotency_key).first()
        if earlier is not None:
            raise DuplicateReport(earlier)
    if visit.review_state != ReviewState.WITHDRAWN:
        raise ValidationError({"visit": _("Only a withdrawn visit can be restored.")})
    note = _restoration_note(note)
    # One open restoration per visit, whatever its reason (`twins`).
    report_print = hashlib.sha256(f"restoration:{visit.pk}".encode()).hexdigest()
    existing = Report.objects.filter(twins(report_print, author)).first()
    if existing is not None:
        raise DuplicateReport(existing)
    return _create(
        visit=visit,
        is_correction=True,
        restoration_note=note,
        based_on=visit.updated_at,
        submit=True,
        data=report_data_of(visit),
        citations=citations_of(visit),
        author=author,
        idempotency_key=idempotency_key,
        fingerprint=report_print,
    )


@transaction.atomic
def update_restoration(
    report: Report, user, note: str, reply: str | None = None, *, seen: str | None = None
) -> Report:
    """The author rewords a restoration's reason while it is a draft (taken back) or sent
    back for changes, with `reply` (when given) their answer to the reviewer; submit it
    again afterwards. As `update_withdrawal`, whose checks it shares (the author only, the
    report's state, its version `seen`, the answer's length), its reason checked by
    `_restoration_note` (naming `restoration_note`); a restoration cites no source of its
    own (the visit's are those it restores)."""
    report = _locked_for_rewording(
        report,
        user,
        seen,
        reply,
        "is_restoration",
        _("Only a restoration has a reason to reword here."),
    )
    report.restoration_note = _restoration_note(note)
    if reply is not None:
        report.reply = reply.strip()
    report.save()
    return report


def _checked_reason(reason: str | None, visit: Visit | None) -> str:
    """A correction's reason, stripped: ValidationError naming `reason` when it is given
    for a new report (which corrects nothing), or as `_correction_reason` refuses it."""
    reason = (reason or "").strip()
    if reason and visit is None:
        raise ValidationError({"reason": _("Only a correction gives a reason to change a visit.")})
    return _correction_reason(reason)


def correction_reason_errors(reason: str) -> list[str]:
    """What is wrong with `reason` as a correction's (`_correction_reason`): [] when it may
    be saved, else its messages; for a form that says it beside its box with the others."""
    try:
        _correction_reason(reason)
    except ValidationError as error:
        return error.messages
    return []


def _correction_reason(reason: str | None) -> str:
    """A correction's reason, stripped: "" (none: a draft's, or one filed through the API
    without it), else one the visit's page may show with the correction, to every reader:
    ValidationError({"reason": ...}) when shorter than WITHDRAWAL_NOTE_MIN characters (a
    withdrawal's minimum, `_require_a_sentence`) or longer than REASON_MAX_LENGTH."""
    reason = (reason or "").strip()
    if not reason:
        return reason
    _require_a_sentence("reason", reason)
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("Say it in at most %(max)d characters.") % {"max": REASON_MAX_LENGTH}}
        )
    return reason


def is_stale_refusal(error: ValidationError) -> bool:
    """Whether `error` refused a report changed since the version given as `seen`, or a
    form that gave none (`seen` "") (by update_report, update_withdrawal, request_changes
    or reject: a ValidationError naming `seen`), as opposed to a refusal of what was
    typed: either way the page answers with the report as it now stands."""
    return "seen" in getattr(error, "error_dict", {})


# A page's form that does not say which version of the report it was opened at (`seen`
# ""; opened before the site asked for it, or altered): refused, never saved unchecked,
# as `verify` refuses one. The API, whose `seen` is optional, gives None instead.
UNVERSIONED_EDIT = gettext_lazy(
    "This form does not say which version of the report it was opened at (it was opened "
    "before an update of the site, or altered): nothing was saved. The form keeps what you "
    "typed; compare it with the report's page, then save again to replace the report with it."
)
UNVERSIONED_REVIEW = gettext_lazy(
    "This form does not say which version of the report you read (it was opened before an "
    "update of the site, or altered): nothing was sent. The page now shows the report as it "
    "stands: read it, then send it back or reject it again."
)


def _require_a_version(seen: str | None, message) -> None:
    """ValidationError({"seen": message}) when `seen` is "": a page's form that did not
    say which version of the report it was opened at. None (a caller that checks
    nothing) and any version pass; whether the version is the report's own is checked
    under the report's lock."""
    if seen == "":
        raise ValidationError({"seen": message})


def _stale_edit_message() -> str:
    """The refusal of an edit begun before the report's last save, in the active language."""
    return _(
        "This report was saved again (in another window, or on another device) "
        "after you opened this form: nothing was saved. The form keeps what you "
        "typed; compare it with the report's page, then save again to replace "
        "the report with it."
    )


@transaction.atomic
def update_report(
    report: Report,
    user,
    *,
    data: dict,
    citations: Sequence[dict],
    reply: str | None = None,
    reason: str | None = None,
    based_on: datetime.datetime | None = None,
    seen: str | None = None,
) -> Report:
    """The author edits a draft or a report sent back for changes; `reply` (when given)
    is their answer to the reviewer's request, at most COMMENT_MAX_LENGTH characters
    (ValidationError naming `reply` otherwise); `reason` (when given, a correction's) as
    `file_report` takes it; `based_on` (when given, a correction's) the version of the
    visit its data was filled from again, after the visit changed (is_stale); `seen`
    (version_of the report the edit began from): a report saved since (the same author
    in another window) is not overwritten unseen (ValidationError naming `seen`); nor is
    one edited from a form that did not say (`seen` "": UNVERSIONED_EDIT, naming `seen`
    too). None: a caller that checks nothing (the API without it, a command, a test)."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    _require(report.author_id == user.pk, _("Only the author may edit a report."))
    if report.state not in (ReportState.DRAFT, ReportState.CHANGES_REQUESTED):
        raise ValidationError(_("Only a draft or a report sent back for changes can be edited."))
    if report.is_withdrawal:
        raise ValidationError(
            _("A withdrawal keeps the visit as it is: reword its reason on its page.")
        )
    if report.is_restoration:
        raise ValidationError(
            _("A restoration keeps the visit as it is: reword its reason on its page.")
        )
    # The version first, as update_withdrawal checks it.
    _require_a_version(seen, UNVERSIONED_EDIT)
    if seen is not None and seen != version_of(report):
        raise ValidationError({"seen": _stale_edit_message()})
    if reply is not None and len(reply.strip()) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {"reply": _("Say it in at most %(max)d characters.") % {"max": COMMENT_MAX_LENGTH}}
        )
    report.data, report.citations = normalise(data), normalise_citations(citations)
    report.fingerprint = fingerprint(data, citations, report.visit)
    twin = Report.objects.filter(twins(report.fingerprint, user)).exclude(pk=report.pk).first()
    if twin is not None:
        raise DuplicateReport(twin)
    if reply is not None:
        report.reply = reply.strip()
    if reason is not None:
        report.reason = _checked_reason(reason, report.visit if report.is_correction else None)
    if based_on is not None and report.is_correction:
        report.based_on = based_on
    report.save()
    return report


# The salt of the token a correction's form (the newsroom's, the admin's) carries in its
# hidden `based_on` field.
_BASED_ON_SALT = "newsroom.correction.based_on"


def signed_version(visit: Visit) -> str:
    """The visit's id and version (its updated_at, ISO 8601), signed with the site's key:
    what a correction's form carries in its hidden `based_on` field (the newsroom's
    correction page, the admin's visit form), read back by `signed_version_of`."""
    return signing.dumps(
        {"visit": visit.pk, "version": visit.updated_at.isoformat()}, salt=_BASED_ON_SALT
    )


def signed_version_of(token: str, visit: Visit) -> datetime.datetime | None:
    """The version of `visit` a correction's form was filled from (`token`, its hidden
    `based_on` field, from `signed_version`): an aware datetime, to give `file_report` as
    `based_on`; None when the token is absent, altered, not signed by the site or signed
    for another visit. Signed and bound to the visit, so that no one can claim a later
    version than the one they were shown (one taken from another visit's form, say) and
    have a correction pass the check that it would undo no change made since (`is_stale`)."""
    try:
        read = signing.loads(token or "", salt=_BASED_ON_SALT)
        value = datetime.datetime.fromisoformat(read["version"])
    except (signing.BadSignature, ValueError, TypeError, KeyError):
        return None
    if read.get("visit") != visit.pk or value.tzinfo is None:
        return None
    return value


# A correction submitted after its visit changed: verifying it would undo that change unseen.
CHANGED_SINCE_BEGUN = gettext_lazy(
    "The visit changed after this correction was begun: nothing was sent to review. Edit "
    "the correction, which then starts from the visit as it stands, and submit it again."
)


# A report sent back for changes goes back to review with its author's answer to the
# reviewer's comment (Report.reply, which request_changes empties for each new request).
ANSWER_FIRST = gettext_lazy(
    "Answer the reviewer before submitting it again: say what you changed, or why you "
    "changed nothing."
)


def needs_an_answer(report: Report) -> bool:
    """Whether `report` (a new visit, a correction or a withdrawal), sent back for
    changes, still lacks its author's answer to the reviewer (its `reply`), without which
    `submit` refuses it."""
    return report.state == ReportState.CHANGES_REQUESTED and not report.reply.strip()


@transaction.atomic
def submit(report: Report, user) -> Report:
    """The author sends a draft (or a report sent back for changes) to review.

    ValidationError (nothing changes) when it is not theirs to send, not a draft nor sent
    back, would not be filed as it stands (a withdrawal whose reason `_withdrawal_note`
    refuses, naming `withdrawal_note`, or a correction whose reason `_correction_reason`
    refuses, naming `reason`: one filed before the reason's bounds, or changed by another
    path), or, sent back for changes, has no answer to the reviewer yet:
    {"reply": [ANSWER_FIRST]} (`needs_an_answer`)."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    _require(report.author_id == user.pk, _("Only the author may submit a report."))
    if report.state not in (ReportState.DRAFT, ReportState.CHANGES_REQUESTED):
        raise ValidationError(_("This report is not a draft."))
    if report.is_withdrawal:
        if report.visit is None or report.visit.review_state != ReviewState.VERIFIED:
            raise ValidationError(_("Only a published visit can be withdrawn."))
        # The reason as the visit's page would show it: checked again, not only when typed.
        _withdrawal_note(report.withdrawal_note)
    elif report.is_restoration:
        if report.visit is None or report.visit.review_state != ReviewState.WITHDRAWN:
            raise ValidationError(_("Only a withdrawn visit can be restored."))
        _restoration_note(report.restoration_note)
    else:
        resolved = resolve(
            report.data,
            report.citations,
            new=not report.is_correction,
            visit=report.visit if report.is_correction else None,
        )
    if report.is_correction and not report.keeps_facts:
        if withdrawn_under(report):
            raise ValidationError(withdrawn_under_refusal(report.visit))
        if report.visit is None or report.visit.review_state != ReviewState.VERIFIED:
            raise ValidationError(_("Only a published visit can be corrected."))
        _require_a_change(resolved, report.citations, report.visit)
        # The reason as the visit's page would show it, as a withdrawal's is checked.
        _correction_reason(report.reason)
        # Sent to review, it could never be verified (is_stale): say so to its author now.
        _require_unchanged_since(report.visit, report, CHANGED_SINCE_BEGUN)
    if needs_an_answer(report):
        raise ValidationError({"reply": ANSWER_FIRST})
    under_review = Report.objects.filter(
        fingerprint=report.fingerprint, state__in=UNDER_REVIEW_STATES
    ).exclude(pk=report.pk)
    twin = under_review.first()
    if twin is not None:
        raise DuplicateReport(twin)  # a colleague filed the same report meanwhile
    report.state, report.submitted_at = ReportState.SUBMITTED, timezone.now()
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        twin = under_review.first()
        if twin is None:
            raise
        raise DuplicateReport(twin) from None
    report_submitted.send(sender=Report, report=report)
    return report


# What `resubmit` says of a report that is not (or no longer) sent back for changes.
SENT_BACK_ONLY = gettext_lazy(
    "Only a report sent back for changes can be answered and submitted again; this one's "
    "state is “%(state)s”."
)


# What `resubmit` says of a `based_on` given for a report that corrects no visit.
NOT_A_CORRECTION = gettext_lazy(
    "Only a correction is based on a visit's version: this report is not."
)


def check_resubmission(report: Report, user) -> None:
    """Whether `user` may answer `report`'s request for changes and submit it again now
    (`resubmit`'s own check, before it edits the report): None when they may; else
    PermissionDenied for anyone but its author (an admin included), ValidationError
    (SENT_BACK_ONLY) for a report not sent back for changes. Reads `report` as given
    (`resubmit` locks it first); also what the API's OPTIONS and its refusal of a body
    ask (api.reports.views), so that every path applies the one rule."""
    _require(report.author_id == user.pk, _("Only the author may edit a report."))
    if report.state != ReportState.CHANGES_REQUESTED:
        raise ValidationError(SENT_BACK_ONLY % {"state": ReportState(report.state).label})


@transaction.atomic
def resubmit(
    report: Report,
    user,
    *,
    data: dict,
    citations: Sequence[dict] | None,
    reply: str,
    reason: str | None = None,
    based_on: datetime.datetime | None = None,
    seen: str | None = None,
    refuse_duplicates: bool = False,
) -> Report:
    """The author answers a reviewer's request for changes in one step: the report sent
    back is edited (`update_report`, with `reply` their answer to the reviewer, `reason`,
    `based_on` and `seen` as it takes them) and submitted again (`submit`), in one
    transaction, so that a refusal changes nothing. The API's way; the newsroom's edit
    form calls the same two functions.

    `data` holds only the fields that change (any of VISIT_FIELDS), `citations` the
    report's new list, or None to keep it: both are laid over the report as it stands
    once locked, so that an edit saved after the caller read the report (in the
    newsroom) is kept in every field `data` leaves out, not overwritten with what the
    caller read. Its history records the two steps as the newsroom's do (the edit, then
    "submitted for review"), and the reviewers are mailed after commit as for any
    submission (`report_submitted`).

    Raises PermissionDenied for anyone but its author; ValidationError (SENT_BACK_ONLY)
    for a report not sent back for changes (a draft, one awaiting review, verified or
    rejected), or a `based_on` given for a report that corrects no visit (naming
    `based_on`); and whatever `update_report` and `submit` refuse: a version `seen` that
    is not the report's (naming `seen`), an answer too long (naming `reply`) or missing
    (ANSWER_FIRST, naming `reply`), data that `resolve` refuses (naming each field), a
    correction that changes nothing or whose visit changed since it was begun, a
    withdrawal (reworded on its page, `update_withdrawal`); DuplicateReport when an
    identical report is open.

    `refuse_duplicates` (the API's, whose client has not said it is another visit:
    `another_visit`): a new visit's report, as edited, that may repeat a visit recorded
    or withdrawn, or a report of that trip not yet closed, or a draft of the author's
    (`trip_duplicates`), is PossibleDuplicates, nothing changed, as file_report refuses
    it when filed: the newsroom's edit form asks the same before it submits."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    check_resubmission(report, user)
    if based_on is not None and not report.is_correction:
        raise ValidationError({"based_on": NOT_A_CORRECTION})
    edited = {**normalise(report.data or {}), **data}
    cited = list(report.citations or []) if citations is None else citations
    if refuse_duplicates and not report.is_correction and not report.keeps_facts:
        visits, pending = trip_duplicates(report, edited, cited, user)
        if visits or pending:
            raise PossibleDuplicates(visits, pending)
    report = update_report(
        report,
        user,
        data=edited,
        citations=cited,
        reply=reply,
        reason=reason,
        based_on=based_on,
        seen=seen,
    )
    return submit(report, user)


def trip_duplicates(
    report: Report, data: dict, citations: Sequence[dict], user
) -> tuple[list[Visit], list[Report]]:
    """(visits, reports) a new visit's `report`, saying `data` and `citations`, may repeat,
    as file_report's `refuse_duplicates` finds them for a filing: the visits recorded of
    that trip (withdrawn ones too: possible_duplicates) but the report's own, and the
    reports of that trip not yet closed and `user`'s drafts of it (pending_duplicates)
    but the report itself and any identical to it (an identical one is a DuplicateReport,
    `update_report`'s)."""
    own = report.visit_id
    visits = [v for v in possible_duplicates(data) if v.pk != own]
    said = fingerprint(data, citations, None)
    pending = [
        r for r in pending_duplicates(data, exclude=report, author=user) if r.fingerprint != said
    ]
    return visits, pending


def resubmission_refusals(
    report: Report,
    *,
    data: dict,
    citations: Sequence[dict] | None,
    reason: str | None = None,
    based_on: datetime.datetime | None = None,
) -> dict[str, list[str]]:
    """Every refusal `resubmit` would give a field of `report` answered with these values
    (`data`, `citations`, `reason` and `based_on` as it takes them: laid over the report
    as it stands), all at once, where `resubmit` stops at the first step that refuses:
    {field: [messages]} in the active language ({} for none), named as the service names
    them (`citations.0.url`). A `based_on` for a report that corrects no visit
    (NOT_A_CORRECTION), a reason `_checked_reason` refuses (one given for a new visit's
    report, or a correction's shorter than WITHDRAWAL_NOTE_MIN characters), and what
    `resolve` refuses of the report as edited (`new` unless it is a correction; nothing
    for a withdrawal, reworded on its page). Not the refusals of the request itself (who
    may, the report's state and version, a correction that changes nothing or begun
    before its visit changed): `resubmit` says those. Reads only: for an answer that says
    every error of a refused body at once (api.reports.views, POST /reports/{id}/resubmit/)."""
    errors: dict[str, list[str]] = {}
    if based_on is not None and not report.is_correction:
        errors["based_on"] = [str(NOT_A_CORRECTION)]
    if reason is not None:
        try:
            _checked_reason(reason, report.visit if report.is_correction else None)
        except ValidationError as refused:
            errors.update(refused.message_dict)
    if not report.keeps_facts:
        try:
            resolve(
                {**normalise(report.data or {}), **data},
                list(report.citations or []) if citations is None else citations,
                new=not report.is_correction,
                visit=report.visit if report.is_correction else None,
            )
        except ValidationError as refused:
            errors.update(refused.message_dict)
    return errors


def reason_errors(reason: str | None, visit: Visit | None) -> list[str]:
    """What is wrong with `reason` as the reason of a report that corrects `visit` (None:
    a new visit's, which has none to give) as `file_report` checks it (`_checked_reason`):
    [] when it may be filed, else its messages; for an answer that says every refusal at
    once (the API's filing)."""
    try:
        _checked_reason(reason, visit)
    except ValidationError as error:
        return error.messages
    return []


@transaction.atomic
def take_back(report: Report, user) -> Report:
    """The author takes a report awaiting review back out of the queue: a draft again, to
    edit or delete (nothing of it was public). PermissionDenied for anyone else,
    ValidationError when it is not awaiting review."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    _require(report.author_id == user.pk, _("Only the author may take a report back."))
    if report.state != ReportState.SUBMITTED:
        raise ValidationError(_("Only a report awaiting review can be taken back."))
    report.state = ReportState.DRAFT
    report.save()
    return report


@transaction.atomic
def delete_report(report: Report, user) -> None:
    """The author deletes a report of theirs that is theirs to change: a draft (never
    filed, or taken back), or a report of any kind (a new visit, a correction, a
    withdrawal) a reviewer sent back to them, which they abandon rather than answer (its
    sources filed on a recorded visit instead, say). Nothing of it was ever public: it
    leaves the newsroom's lists (the author's, and the reviewer's "Sent back by you"),
    and its history (core.history: the delete event, by the request's account) keeps that
    it existed, as it last stood (the reviewer's comment and the author's answer with it),
    and who deleted it. PermissionDenied for anyone else; ValidationError for a report
    awaiting review (its author takes it back first) or closed (verified or rejected:
    kept, README "The newsroom")."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    _require(report.author_id == user.pk, _("Only the author may delete a report."))
    if report.state not in (ReportState.DRAFT, ReportState.CHANGES_REQUESTED):
        raise ValidationError(_("Only a draft, or a report sent back to you, can be deleted."))
    report.delete()


def _changes(visit: Visit, fields: dict) -> list[dict]:
    """[{field, old, new}] between a published visit and what a correction says
    (`field_differences`: an end that repeats the start and no end are one fact)."""
    return list(field_differences(report_data_of(visit), fields))


def _require_a_change(resolved: ResolvedReport, citations: Sequence[dict], visit: Visit) -> None:
    """ValidationError when a correction of `visit` (its data already resolved) would change
    none of its fields and none of its sources: a reviewer would publish nothing, and its
    history would record a correction that corrected nothing."""
    if not _changes(visit, resolved.fields) and citations_of(visit) == normalise_citations(
        citations
    ):
        raise ValidationError(
            _("This correction changes nothing on the visit: change a field or a source.")
        )


def _lock_trips_of(person: Person, host: State) -> None:
    """Hold, until the transaction ends, a lock on the person's trips to the host, so that
    two reviewers verifying two reports of one trip at the same moment do so one after the
    other: the second then finds the first's visit among the possible duplicates. A
    PostgreSQL advisory lock on the pair's slug and code (no row exists to lock yet)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"visits.trip:{person.slug}:{host.iso3}"],
        )


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def version_of(report: Report) -> str:
    """The version of a report a reviewer reads: an opaque token (its last save, in
    microseconds since 1970), to be given back unchanged; verify(seen=...) refuses a
    report saved since."""
    return str((report.updated_at - _EPOCH) // datetime.timedelta(microseconds=1))


@dataclass(frozen=True)
class SinceSentBack:
    """What the author changed in a report since a reviewer last sent it back.

    `sent_back_at`: when it was sent back (aware datetime); `fields`: the visit's fields
    that differ, each {"field", "old", "new"} in `normalise`'s form (old as sent back,
    new as now), in VISIT_FIELDS order, then "withdrawal_note" for a withdrawal's
    reworded reason, "restoration_note" for a restoration's and "reason" for a correction's; `sources_added`, `sources_removed`: the URLs of the citations added
    or dropped; `sources_changed`: the citations kept with other details, each {"url",
    "changes": ({"field", "old", "new"}, ...)} over CITATION_FIELDS (publisher, date,
    excerpt, archived copy). A citation without a URL (a draft's) is left out."""

    sent_back_at: datetime.datetime
    fields: tuple[dict, ...]
    sources_added: tuple[str, ...]
    sources_removed: tuple[str, ...]
    sources_changed: tuple[dict, ...]
    # True when the report was not sent back but taken back by its author and submitted
    # again: `sent_back_at` is then when it was submitted before (since_resubmitted).
    taken_back: bool = False
    # When the report was first submitted for review (its history's earliest submitted_at,
    # read by the same query), None when its history does not say (first_submitted_at).
    first_submitted_at: datetime.datetime | None = None
    # The language its free text (visits.models.TEXT_FIELDS) was written in then, and is now
    # (its `text_language`, as `normalise` reads it): the old and the new words of `fields`
    # are each in their own.
    text_languages: tuple[str, str] = (DATASET_LANGUAGE, DATASET_LANGUAGE)

    @property
    def changed(self) -> bool:
        return bool(
            self.fields or self.sources_added or self.sources_removed or self.sources_changed
        )


def since_sent_back(report: Report) -> SinceSentBack | None:
    """What changed in `report` since the reviewer's last request for changes, so that the
    next review reads only what the author did about it (four eyes: the reviewer need not
    read the whole report again). None when the report is not open (verified or rejected:
    its review is over) or was never sent back nor submitted twice (since_resubmitted
    answers for a report taken back and submitted again).

    The report as it was sent back is its history's row saved by `request_changes` (the
    earliest row with that state and that review's time, which every later row keeps
    until the next review); one query, which also reads when the report was first
    submitted (`first_submitted_at`)."""
    if report.state not in OPEN_REPORT_STATES:
        return None
    if report.reviewed_at is None:
        return since_resubmitted(report)
    then = (
        Report.pgh_event_model.objects.filter(
            pgh_obj_id=report.pk,
            state=ReportState.CHANGES_REQUESTED,
            reviewed_at=report.reviewed_at,
        )
        .order_by("pgh_id")
        .only(
            "data",
            "citations",
            "withdrawal_citations",
            "withdrawal_note",
            "restoration_note",
            "reason",
            "reviewed_at",
        )
        .annotate(first_submitted_at=_first_submission())
        .first()
    )
    if then is None:
        return None
    return _since(then, report, at=then.reviewed_at)


def _first_submission() -> Subquery:
    """The earliest submission time recorded in the history of the report whose history
    row the query reads (OuterRef "pgh_obj_id"), for an annotation."""
    return Subquery(
        Report.pgh_event_model.objects.filter(
            pgh_obj_id=OuterRef("pgh_obj_id"), submitted_at__isnull=False
        )
        .order_by("pgh_id")
        .values("submitted_at")[:1]
    )


def first_submitted_at(report: Report, since: SinceSentBack | None) -> datetime.datetime | None:
    """When `report` was first submitted for review (its filing), which `submit` moves on
    (Report.submitted_at is the last submission): the earliest submitted_at its history
    records, else its own; None for a report never submitted. `since`: since_sent_back
    (report), whose query already read it, or found that a report awaiting review was
    submitted once; any other report costs one query."""
    if report.submitted_at is None:
        return None
    if since is not None and since.first_submitted_at is not None:
        return since.first_submitted_at
    if since is None and report.state == ReportState.SUBMITTED and report.reviewed_at is None:
        return report.submitted_at  # since_resubmitted found no earlier submission
    first = (
        Report.pgh_event_model.objects.filter(pgh_obj_id=report.pk, submitted_at__isnull=False)
        .order_by("pgh_id")
        .values_list("submitted_at", flat=True)
        .first()
    )
    return first or report.submitted_at


def _since(
    then, report: Report, *, at: datetime.datetime, taken_back: bool = False
) -> SinceSentBack:
    """SinceSentBack between `then` (a row of the report's history) and `report` now."""
    before, after = normalise(then.data), normalise(report.data)
    fields = field_differences(before, after)
    # A withdrawal's, a restoration's or a correction's words.
    for said in ("withdrawal_note", "restoration_note", "reason"):
        old_words, new_words = getattr(then, said).strip(), getattr(report, said).strip()
        if old_words != new_words:
            fields += ({"field": said, "old": old_words, "new": new_words},)
    # A withdrawal's sources are its own (its `citations` are the visit's, unchanged).
    cited = WITHDRAWAL_CITATIONS if report.is_withdrawal else "citations"
    added, removed, changed = citation_differences(
        getattr(then, cited) or [], getattr(report, cited) or []
    )
    return SinceSentBack(
        sent_back_at=at,
        fields=fields,
        sources_added=added,
        sources_removed=removed,
        sources_changed=changed,
        taken_back=taken_back,
        first_submitted_at=getattr(then, "first_submitted_at", None),
        text_languages=(before["text_language"], after["text_language"]),
    )


def since_resubmitted(report: Report) -> SinceSentBack | None:
    """What changed in a report awaiting review since it was last submitted before, when
    its author took it back and submitted it again (never sent back): a reviewer who had
    opened it then is refused at Verify ("changed after you opened it") and reads here
    what changed, field by field. `sent_back_at` is then the earlier submission's time and
    `taken_back` is True; None when it was submitted once. One query."""
    if report.state != ReportState.SUBMITTED or report.submitted_at is None:
        return None
    then = (
        Report.pgh_event_model.objects.filter(
            pgh_obj_id=report.pk, state=ReportState.SUBMITTED, submitted_at__isnull=False
        )
        .exclude(submitted_at=report.submitted_at)
        .order_by("-pgh_id")
        .only(
            "data",
            "citations",
            "withdrawal_citations",
            "withdrawal_note",
            "restoration_note",
            "reason",
            "submitted_at",
        )
        .annotate(first_submitted_at=_first_submission())
        .first()
    )
    if then is None:
        return None
    return _since(then, report, at=then.submitted_at, taken_back=True)


def as_compared(data: dict) -> dict:
    """A report's data in `normalise`'s form as two are compared: its `end` as every
    output gives a visit's (core.tabular.shown_end), None when it repeats the start, so
    that a one-day visit stored with its end repeating its start and one without an end
    say the same ("Null for a visit of one day"). A client that copies a visit's `end:
    null` (GET /api/v1/visits/{id}/), or a form whose end is left empty, changes nothing
    of a visit stored with `end` = `start`, and the reverse. For comparing only: a
    report's data keeps what was filed, a visit's row what was stored."""
    return {**data, "end": tabular.shown_end(data["start"], data["end"])}


def field_differences(old: dict, new: dict) -> tuple[dict, ...]:
    """The visit's fields that differ between two reports' data in `normalise`'s form
    (or a visit's, `report_data_of`), compared `as_compared` (an end that repeats its
    start is no end): ({"field", "old", "new"}, ...) in VISIT_FIELDS order, each value
    in that form, so that an `end` listed reads as the visit's page and the API give it."""
    old, new = as_compared(old), as_compared(new)
    return tuple(
        {"field": f, "old": old[f], "new": new[f]} for f in VISIT_FIELDS if old[f] != new[f]
    )


def citation_differences(
    old: Sequence[dict], new: Sequence[dict]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[dict, ...]]:
    """(added, removed, changed) between two lists of citations, matched by URL (one
    without a URL, a draft's, is left out): the URLs added and removed, and for each kept
    with other details {"url", "changes": ({"field", "old", "new"}, ...)} over
    CITATION_FIELDS."""
    before = {c["url"]: c for c in normalise_citations(old) if c["url"]}
    after = {c["url"]: c for c in normalise_citations(new) if c["url"]}
    changed = tuple(
        {
            "url": url,
            "changes": tuple(
                {"field": f, "old": before[url][f], "new": citation[f]}
                for f in CITATION_FIELDS
                if before[url][f] != citation[f]
            ),
        }
        for url, citation in after.items()
        if url in before and citation != before[url]
    )
    added = tuple(u for u in after if u not in before)
    return added, tuple(u for u in before if u not in after), changed


def report_data_of(visit: Visit) -> dict:
    """A visit's fields in a report's shape: the starting point of a correction."""
    from compliance import partial_isoformat

    return normalise(
        {
            "person": visit.person.slug,
            "host": visit.host.iso3,
            "start": partial_isoformat(visit.start, visit.start_precision) or None,
            "end": (
                partial_isoformat(visit.end, visit.end_precision) or None
                if visit.end_known
                else UNKNOWN_END
            ),
            "place": visit.place,
            "occasion": visit.occasion,
            "status": visit.status,
            "outcome": visit.outcome,
            "host_notified": visit.host_notified,
            "host_justification": visit.host_justification,
            "host_control": visit.host_control,
            "controlled_by": visit.controlled_by.iso3 if visit.controlled_by_id else None,
            "notes": visit.notes,
            "text_language": visit.text_language,
        }
    )


def citations_of(visit: Visit) -> list[dict]:
    """A visit's citations in a report's shape."""
    return [
        {
            "url": c.source.url,
            "publisher": c.publisher,
            "published": c.published.isoformat() if c.published else None,
            "excerpt": c.excerpt,
            "archived_url": c.archived_url,
        }
        for c in visit.citations.select_related("source").order_by("id")
    ]


@transaction.atomic
def verify(
    report: Report,
    reviewer,
    *,
    seen: str | None = None,
    different_from: Iterable[str] = (),
) -> Visit:
    """Publish a submitted report: a new visit (verified, authored by the report's author)
    or the correction applied to its visit. Raises FourEyesError for the author,
    PermissionDenied for a non-reviewer, ValidationError when the report is not awaiting
    review or can no longer become a visit, and when publishing it would publish what the
    reviewer did not check:

    - `seen` (version_of the report as the reviewer read it): the report was saved since
      (its author took it back and changed it, and submitted it again), or `seen` is ""
      (a form that did not say; None: a caller that checks nothing, a command or a test);
      a report submitted once, whose author took nothing back, is refused without saying
      so (a `seen` that was never its version: an API client's mistake);
    - a correction begun before the visit last changed (another correction verified
      meanwhile, an import): applying it would undo that change unseen; it is filed again;
    - a new visit that may already be recorded (possible_duplicates), or whose trip was
      withdrawn from the record (a withdrawn visit of it), unless the reviewer compared it
      with each of them and confirms it is another visit: `different_from` holds the slugs
      of the visits compared. A possible duplicate published (or withdrawn) after the
      reviewer looked is not among them, and is refused until compared too;
    - a withdrawal whose reason `_withdrawal_note` refuses (empty, shorter than
      WITHDRAWAL_NOTE_MIN, longer than WITHDRAWAL_NOTE_MAX, or holding a control
      character: one filed before those bounds, or changed by another path), naming
      `withdrawal_note` as when it was typed: the visit's page would show it to every
      reader. It is sent back for its author to reword;
    - a correction whose reason `_correction_reason` refuses (shorter than
      WITHDRAWAL_NOTE_MIN or longer than REASON_MAX_LENGTH: filed before those bounds, or
      changed by another path), naming `reason`, for the same reason;
    - a correction whose new host or person an ICC decision on its visit would contradict
      (`contradicted_decisions`, read by `resolve`: a decision recorded after it was
      filed), naming `host` or `person`: the decision is corrected first, or the
      correction is wrong;
    - a restoration (`_verify_restoration`) of a visit no longer withdrawn, or that changed
      since it was proposed, whose reason `_restoration_note` refuses (naming
      `restoration_note`), or whose trip is on the record again meanwhile (a visit of it
      not withdrawn: `possible_duplicates`), unless the reviewer compared them and
      confirms it is another visit (`different_from`, as for a new visit).
    """
    report = Report.objects.select_for_update().get(pk=report.pk)
    check_verification(report, reviewer)
    if seen == "":
        raise ValidationError(
            _(
                "Open the report again and verify it from its page: the form did not say "
                "which version you read."
            )
        )
    if seen is not None and seen != version_of(report):
        if since_resubmitted(report) is None:
            raise ValidationError(
                _(
                    "This is not the report's version as it stands (seen): read it again "
                    "before you verify it."
                )
            )
        raise ValidationError(
            _(
                "This report changed after you opened it (its author took it back and "
                "submitted it again): read it again before you verify it."
            )
        )
    if report.is_withdrawal:
        return _verify_withdrawal(report, reviewer, _withdrawal_note(report.withdrawal_note))
    if report.is_restoration:
        _restoration_note(report.restoration_note)
        return _verify_restoration(report, reviewer, set(different_from))
    if report.is_correction:
        _correction_reason(report.reason)
    resolved = resolve(
        report.data, report.citations, visit=report.visit if report.is_correction else None
    )
    fields = resolved.fields
    changes = []
    end = resolved.end.first if resolved.end else None
    end_precision = resolved.end.precision if resolved.end else DatePrecision.DAY
    if report.is_correction:
        visit = Visit.objects.select_for_update().get(pk=report.visit_id)
        if visit.review_state == ReviewState.WITHDRAWN:
            raise ValidationError(withdrawn_under_refusal(visit))
        if visit.review_state != ReviewState.VERIFIED:
            raise ValidationError(_("Only a published visit can be corrected."))
        # The correction copied every field of the visit as it stood when it was begun;
        # a later change (another correction verified, an import) would be undone.
        _require_unchanged_since(
            visit,
            report,
            _(
                "The visit changed after this correction was begun: publishing it would "
                "undo that change. Send it back: its author's edit starts from the visit as "
                "it stands now."
            ),
        )
        changes = _changes(visit, fields)
        if not {"start", "end"} & {c["field"] for c in changes}:
            # The same span (an end that repeats the start is no end: `as_compared`):
            # the visit keeps its stored form, so that its history records no change of
            # its end and its verdict is not evaluated again for none.
            end, end_precision = visit.end, visit.end_precision
        old_citations = citations_of(visit)
        if old_citations != normalise_citations(report.citations):
            changes.append(
                {"field": "sources", "old": len(old_citations), "new": len(report.citations)}
            )
        slug = visit.slug
    else:
        slug = None
        _lock_trips_of(resolved.person, resolved.host)
        compared = set(different_from)
        twins = [v for v in possible_duplicates(report.data) if v.slug not in compared]
        live = [v for v in twins if v.withdrawn_on is None]
        gone = [v for v in twins if v.withdrawn_on is not None]
        refusals = []
        if live:
            refusals.append(
                ValidationError(
                    _(
                        "This visit may already be recorded (%(visits)s): compare them, and "
                        "confirm that the report is a different visit to publish it."
                    )
                    % {"visits": ", ".join(v.slug for v in live)},
                    code="possible_duplicate",
                )
            )
        if gone:
            refusals.append(
                ValidationError(
                    _(
                        "A visit of this trip was withdrawn from the record (%(visits)s): "
                        "read why, and confirm that the report is a different visit, or that "
                        "the trip belongs on the record all the same, to publish it."
                    )
                    % {"visits": ", ".join(v.slug for v in gone)},
                    code="possible_duplicate",
                )
            )
        if refusals:
            raise ValidationError(refusals)
    visit = record_visit_report(
        person=resolved.person,
        host=resolved.host,
        start=resolved.start.first if resolved.start else None,
        start_precision=resolved.start.precision if resolved.start else DatePrecision.DAY,
        end=end,
        end_precision=end_precision,
        end_known=resolved.end_known,
        status=fields["status"],
        outcome=fields["outcome"],
        place=fields["place"],
        occasion=fields["occasion"],
        host_notified=fields["host_notified"],
        host_justification=fields["host_justification"],
        host_control=fields["host_control"],
        controlled_by=resolved.controlled_by,
        notes=fields["notes"],
        text_language=fields["text_language"],
        sources=resolved.sources,
        review_state=ReviewState.VERIFIED,
        slug=slug,
        user=reviewer,
    )
    if not report.is_correction and visit.created_by_id != report.author_id:
        Visit.objects.filter(pk=visit.pk).update(created_by=report.author)
        visit.created_by = report.author
    return _verified(report, reviewer, visit, changes)


def open_proposals(visit: Visit, exclude: Report | None = None) -> list[Report]:
    """The corrections and withdrawals of published `visit` awaiting review or sent back
    for changes (drafts are their authors' own), oldest first, `exclude` left out, with
    their authors: whichever is verified first makes the others stale (`is_stale`), so the
    newsroom says so before anyone files or reviews a second one. One query."""
    reports = Report.objects.filter(
        visit=visit,
        is_correction=True,
        state__in=(ReportState.SUBMITTED, ReportState.CHANGES_REQUESTED),
    ).select_related("author")
    if exclude is not None:
        reports = reports.exclude(pk=exclude.pk)
    return list(reports.order_by("created_at", "pk"))


def is_stale(report: Report) -> bool:
    """Whether an open correction or withdrawal was begun from its visit as it no longer
    stands (the visit changed since its `based_on`): `verify` refuses it, as publishing it
    would undo that change unseen; its page says so before the reviewer tries."""
    if not report.is_correction or report.visit is None:
        return False
    if report.state not in (ReportState.SUBMITTED, ReportState.CHANGES_REQUESTED):
        return False
    return _changed_since_begun(report.visit, report)


def withdrawn_under(report: Report) -> bool:
    """Whether `report`, a correction (not a withdrawal nor a restoration) not yet closed
    (a draft, awaiting review or sent back), corrects a visit withdrawn from the record
    since: it can never be verified (only a published visit is corrected, `verify`), and
    its author's edit cannot bring it up to date (`is_stale` says "changed" of any
    change; this one is final until a restoration puts the visit back). Its reviewer
    rejects it, its author deletes it, or a restoration of the visit is proposed first
    (README, "The newsroom"). Reads `report.visit` as loaded: no query when it was read
    with it."""
    return (
        report.is_correction
        and not report.keeps_facts
        and report.visit is not None
        and report.state in OPEN_REPORT_STATES
        and report.visit.review_state == ReviewState.WITHDRAWN
    )


def withdrawn_under_refusal(visit: Visit) -> str:
    """What refuses the correction of withdrawn `visit` (`submit`, `verify`, the
    newsroom's form): when it was withdrawn, and what may be done, in the reader's
    language."""
    return _(
        "The visit was withdrawn from the record on %(date)s: a correction of it can no "
        "longer be verified. Reject or delete this correction, or propose the visit's "
        "restoration first."
    ) % {"date": format_date(withdrawn_on(visit))}


def _changed_since_begun(visit: Visit, report: Report) -> bool:
    """Whether `visit` changed after the correction or withdrawal `report` was begun from
    it (its based_on, else its creation): the one rule behind `verify`'s refusal and
    `is_stale`."""
    return visit.updated_at > (report.based_on or report.created_at)


def _require_unchanged_since(visit: Visit, report: Report, message: str) -> None:
    """ValidationError(message) when `visit` changed after the correction or withdrawal
    `report` was begun from it (its based_on): verifying it would act on what nobody read."""
    if _changed_since_begun(visit, report):
        raise ValidationError(message)


def _verified(report: Report, reviewer, visit: Visit, changes: list[dict]) -> Visit:
    """Close `report` as verified by `reviewer`, now, with what it changed on `visit`, and
    announce it (report_reviewed, in the transaction); returns the visit."""
    report.visit, report.state, report.changes = visit, ReportState.VERIFIED, changes
    report.reviewer, report.reviewed_at = reviewer, timezone.now()
    report.save()  # verified: its visit's public page shows it (visits.signals)
    report_reviewed.send(sender=Report, report=report, action="verified")
    return visit


def _verify_withdrawal(report: Report, reviewer, note: str) -> Visit:
    """Withdraw the visit of a verified withdrawal (the report is locked, its reviewer
    checked), with `note` its reason as checked (`_withdrawal_note`): ValidationError when
    the visit is no longer published."""
    visit = Visit.objects.select_for_update().get(pk=report.visit_id)
    if visit.review_state != ReviewState.VERIFIED:
        raise ValidationError(_("Only a published visit can be withdrawn."))
    # Proposed for the visit as it stood then: a correction since may answer its reason.
    _require_unchanged_since(
        visit,
        report,
        _(
            "The visit changed after this withdrawal was proposed: read it as it stands "
            "now; reject the withdrawal, and propose it again if it still holds."
        ),
    )
    # Its sources checked again, as a report's are when it is verified.
    sources = withdrawal_sources(report.withdrawal_citations)
    withdraw_visit(visit, note, user=reviewer, sources=sources)
    # Its verdict is withdrawn now, in this transaction, rather than by a worker after the
    # commit: the rule withdraws the verdict of a visit that left the record whatever its
    # other facts, so no reader sees the withdrawn visit keep its old verdict (an incident,
    # say) while a worker is awaited, and the history dates the withdrawal by this
    # verification. Should that evaluation fail, its request stays in the outbox for the
    # worker (flagging.evaluate_now), and the page says the verdict is out of date until then.
    flagging.evaluate_now([visit.pk])
    changes = [{"field": "review_state", "old": ReviewState.VERIFIED, "new": ReviewState.WITHDRAWN}]
    return _verified(report, reviewer, visit, changes)


def _verify_restoration(report: Report, reviewer, compared: set[str]) -> Visit:
    """Restore the visit of a verified restoration (the report is locked, its reviewer and
    its reason checked) to the record, under its own address
    (visits.reports.restore_visit): ValidationError when the visit is no longer withdrawn,
    changed since the restoration was proposed, or when a visit of its trip is on the
    record again meanwhile (filed again as a new report, say) that the reviewer did not
    confirm is another one (`compared`: the slugs in verify's `different_from`), code
    `possible_duplicate`. Its verdict is evaluated in this transaction, as a withdrawal's
    (flagging.evaluate_now): no reader sees it back with its `withdrawn` verdict."""
    visit = Visit.objects.select_for_update().get(pk=report.visit_id)
    if visit.review_state != ReviewState.WITHDRAWN:
        raise ValidationError(_("Only a withdrawn visit can be restored."))
    _require_unchanged_since(
        visit,
        report,
        _(
            "The visit changed after this restoration was proposed: read it as it stands "
            "now; reject the restoration, and propose it again if it still holds."
        ),
    )
    _lock_trips_of(visit.person, visit.host)
    live = [
        v
        for v in possible_duplicates(report.data, exclude=visit, withdrawn=False)
        if v.slug not in compared
    ]
    if live:
        raise ValidationError(
            [
                ValidationError(
                    _(
                        "This trip is on the record again (%(visits)s): compare them, and "
                        "confirm that the visit restored is a different visit, to restore it."
                    )
                    % {"visits": ", ".join(v.slug for v in live)},
                    code="possible_duplicate",
                )
            ]
        )
    restore_visit(visit, user=reviewer)
    flagging.evaluate_now([visit.pk])
    changes = [{"field": "review_state", "old": ReviewState.WITHDRAWN, "new": ReviewState.VERIFIED}]
    return _verified(report, reviewer, visit, changes)


def check_verification(report: Report, reviewer) -> None:
    """Whether `reviewer` may verify `report` now (`verify`'s own check, before it reads
    what was seen): None when they may; else FourEyesError for its author,
    PermissionDenied for an account that may not review, ValidationError for a report
    not awaiting review. Reads `report` as given (`verify` locks it first); also what
    the API's OPTIONS asks (api.reports.views), so that every path applies one rule."""
    _four_eyes(report, reviewer)
    if report.state != ReportState.SUBMITTED:
        raise ValidationError(_("Only a report awaiting review can be verified."))


def check_closing(report: Report, reviewer) -> None:
    """Whether `reviewer` may send `report` back (`request_changes`) or reject it now:
    None when they may; else FourEyesError for its author, PermissionDenied for an
    account that may not review, ValidationError for a report not awaiting review, as
    `check_verification` (in the words of these two)."""
    _four_eyes(report, reviewer)
    if report.state != ReportState.SUBMITTED:
        raise ValidationError(_("Only a report awaiting review can be sent back or rejected."))


def allows(check, report: Report, user) -> bool:
    """Whether `check` (`check_verification`, `check_closing`, `check_resubmission`: a
    function of (report, user) that raises PermissionDenied or ValidationError) lets
    `user` act on `report` now."""
    try:
        check(report, user)
    except (PermissionDenied, ValidationError):
        return False
    return True


def _close(report: Report, reviewer, state: str, comment: str, seen: str | None) -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk)
    check_closing(report, reviewer)
    _require_a_version(seen, UNVERSIONED_REVIEW)
    if seen is not None and seen != version_of(report):
        # A comment on a version the reviewer did not read: a rejection would close, and a
        # request for changes answer, what its author submitted since, unseen.
        if since_resubmitted(report) is None:
            raise ValidationError(
                {
                    "seen": _(
                        "This is not the report's version as it stands (seen): read it "
                        "again before you send it back or reject it."
                    )
                }
            )
        raise ValidationError(
            {
                "seen": _(
                    "This report changed after you opened it (its author took it back and "
                    "submitted it again): read it again before you send it back or reject it."
                )
            }
        )
    if not comment.strip():
        raise ValidationError({"comment": _("Say why, for the author.")})
    if state == ReportState.REJECTED:
        _require_a_rejection_reason(comment.strip())
    elif withdrawn_under(report):
        # Sent back, no edit of its author's could make it verifiable: rejected instead.
        raise ValidationError(withdrawn_under_refusal(report.visit))
    report.state, report.comment = state, comment.strip()
    if state == ReportState.CHANGES_REQUESTED:
        # The answer was to the comment before: the next one answers this one (the
        # history keeps both). A rejected report keeps the answer its reason follows.
        report.reply = ""
    report.reviewer, report.reviewed_at = reviewer, timezone.now()
    report.save()
    report_reviewed.send(sender=Report, report=report, action=state)
    return report


def rejection_reason_errors(reason: str) -> list[str]:
    """What is wrong with `reason` as a rejection's (`_require_a_rejection_reason`): []
    when it may be given, else its messages; for the API's body, which names the field
    `reason`."""
    try:
        _require_a_rejection_reason((reason or "").strip())
    except ValidationError as error:
        return error.messages
    return []


def _require_a_rejection_reason(reason: str) -> None:
    """ValidationError({"comment": ...}) when a rejection's `reason` (stripped) is shorter
    than WITHDRAWAL_NOTE_MIN characters, the minimum of a correction's or a withdrawal's
    reason: a rejection is final, and its reason, mailed to the author, is all they are
    told of why ("no" is no reason)."""
    if len(reason) < WITHDRAWAL_NOTE_MIN:
        raise ValidationError(
            {
                "comment": _(
                    "Say why in at least %(min)d characters: a rejection is final, and its "
                    "reason is all its author is told."
                )
                % {"min": WITHDRAWAL_NOTE_MIN}
            }
        )


@transaction.atomic
def request_changes(report: Report, reviewer, comment: str, *, seen: str | None = None) -> Report:
    """Send a submitted report back to its author with a comment (four eyes). `seen`, when
    given (version_of the report as the reviewer read it), refuses a report saved since,
    as `verify` does, and "" (a page's form that did not say) UNVERSIONED_REVIEW: a
    ValidationError naming `seen` either way. None checks nothing (the API without it)."""
    return _close(report, reviewer, ReportState.CHANGES_REQUESTED, comment, seen)


@transaction.atomic
def reject(report: Report, reviewer, reason: str, *, seen: str | None = None) -> Report:
    """Reject a submitted report with a reason: kept, never public (four eyes). `seen`, when
    given, refuses a report saved since the reviewer read it, and "" a form that did not
    say, as `request_changes` does. A rejection is final: its `reason` is refused, naming
    `comment`, when shorter than WITHDRAWAL_NOTE_MIN characters
    (`_require_a_rejection_reason`), as a correction's or a withdrawal's reason is."""
    return _close(report, reviewer, ReportState.REJECTED, reason, seen)


def may_read(user, report: Report) -> bool:
    """Whether `user` may read `report` (its page, its history, the API's copy; a recorded
    version of it will do: only its `author_id` and `state` are read): its
    author; an admin, who reads every record; a reviewer, any report but another person's
    draft, which stays its author's own until they submit it (README, "The newsroom")."""
    if report.author_id == user.pk or roles.is_admin(user):
        return True
    return roles.may_review(user) and report.state != ReportState.DRAFT


def readable_reports(user) -> Q:
    """The reports `user` may read (`may_read`), as a filter on Report."""
    if roles.is_admin(user):
        return Q()
    if roles.may_review(user):
        return ~Q(state=ReportState.DRAFT) | Q(author=user)
    return Q(author=user)


def review_queue(reviewer):
    """Reports awaiting review that the reviewer did not write, oldest first."""
    if not roles.may_review(reviewer):
        return Report.objects.none()
    return (
        Report.objects.filter(state=ReportState.SUBMITTED)
        .exclude(author=reviewer)
        .select_related("author", "visit")
        .order_by("submitted_at", "id")
    )


def sent_back_by(reviewer) -> tuple:
    """The reports `reviewer` sent back (their last request for changes is theirs), as two
    querysets with their authors: still with their authors (changes requested), and
    answered and awaiting review again; both empty for an account that may not review. A
    verified or rejected report is neither (its review is over)."""
    if not roles.may_review(reviewer):
        return Report.objects.none(), Report.objects.none()
    theirs = Report.objects.filter(reviewer=reviewer, reviewed_at__isnull=False).select_related(
        "author", "visit"
    )
    return (
        theirs.filter(state=ReportState.CHANGES_REQUESTED),
        theirs.filter(state=ReportState.SUBMITTED),
    )


def corrections_of(visit: Visit):
    """The verified corrections of a published visit, oldest first (for its public page),
    its restorations to the record among them (front.corrections tells one); a withdrawal
    is not one (the page says the visit was withdrawn, and why)."""
    return Report.objects.filter(
        visit=visit, is_correction=True, withdrawal_note="", state=ReportState.VERIFIED
    ).order_by("reviewed_at", "id")


__all__ = [
    "DuplicateReport",
    "FourEyesError",
    "allows",
    "check_closing",
    "check_resubmission",
    "check_verification",
    "citations_of",
    "cited_twice",
    "corrections_of",
    "delete_report",
    "file_report",
    "propose_withdrawal",
    "update_withdrawal",
    "propose_restoration",
    "update_restoration",
    "restoration_note_errors",
    "possible_duplicates",
    "may_read",
    "preview",
    "readable_reports",
    "reject",
    "report_data_of",
    "report_reviewed",
    "report_submitted",
    "request_changes",
    "resubmit",
    "resolve",
    "resolve_citations",
    "review_queue",
    "sent_back_by",
    "signed_version",
    "signed_version_of",
    "citation_differences",
    "field_differences",
    "as_compared",
    "is_stale",
    "open_proposals",
    "SinceSentBack",
    "since_sent_back",
    "first_submitted_at",
    "needs_an_answer",
    "submit",
    "update_report",
    "verify",
    "version_of",
    "withdrawal_sources",
    "withdrawn_on",
    "withdrawn_under",
    "withdrawn_under_refusal",
    "rejection_reason_errors",
]


def _locked_for_rewording(report, user, seen, reply, kind: str, not_of_kind) -> Report:
    """`report` locked (SELECT ... FOR UPDATE) once the checks every rewording of a
    withdrawal's or a restoration's reason shares have passed, in this order: the author
    only (PermissionDenied), a report of `kind` (a Report property, e.g. "is_withdrawal",
    else ValidationError `not_of_kind`), a draft or a report sent back, its version `seen`
    first (a form that did not say, or an older one, is answered with the report as it now
    stands, whatever else it says), then the answer `reply`'s length and characters.

    Raises ValidationError naming `seen` or `reply` as `update_report` does."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    _require(report.author_id == user.pk, _("Only the author may edit a report."))
    if not getattr(report, kind):
        raise ValidationError(not_of_kind)
    if report.state not in (ReportState.DRAFT, ReportState.CHANGES_REQUESTED):
        raise ValidationError(_("Only a draft or a report sent back for changes can be edited."))
    _require_a_version(seen, UNVERSIONED_EDIT)
    if seen is not None and seen != version_of(report):
        raise ValidationError({"seen": _stale_edit_message()})
    if reply is not None and len(reply.strip()) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {"reply": _("Say it in at most %(max)d characters.") % {"max": COMMENT_MAX_LENGTH}}
        )
    if reply is not None:
        _refuse_control_characters("reply", reply)
    return report
