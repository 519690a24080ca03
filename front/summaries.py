"""Short sentences for the public pages, in the reader's language, generated from the data.

The verdict's explanation is rendered from the rule's structured reasons in the
reader's language (core.reasons); these are the one-liners and summaries around it.
Dates in prose are words in the reader's language ("2 septembre 2024", "mars 2009",
"2012"); country names are the reader's too. ISO dates stay in data (downloads,
<time datetime>), and `span` gives them.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from types import SimpleNamespace

from django.core.exceptions import ObjectDoesNotExist
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from compliance import PRESENT_STATUSES, Period, StateFacts, partial_isoformat
from core import causes
from core import reasons as rendering
from core.names import (
    as_period,
    country_name,
    elide,
    format_date,
    from_unknown_end,
    in_sentence,
    nested_span,
    span_end,
    until,
    with_note,
    without_year,
)
from core.sorting import Sorts
from states import status as treaty_status
from states.filters import STATE_SORTS
from states.territories import NOT_STATES
from warrants.filters import PERSON_SORTS


def colon() -> str:
    """The colon between a label and what follows, as the reader's language writes it: ':'
    in English, ' :' with a no-break space in French ("Tanzanie : État partie"). The
    templates' {% colon %} is this."""
    return pgettext("between a label and what follows", ":")


def list_separator() -> str:
    """Between the items of a list given in one line: '; ' in English, ' ; ' with a narrow
    no-break space in French ("Darfour (Soudan) ; en fuite"). The templates'
    {% list_separator %} is this."""
    return pgettext("between items of a list", "; ")


def verdict_of(visit):
    """The visit's current verdict, or None before its first evaluation."""
    try:
        return visit.verdict
    except ObjectDoesNotExist:
        return None


def describe_findings(findings) -> list:
    """Give each ICC decision (visits.Finding, any order) its `sentence` in the active
    language, read against the earlier decisions on the same failure to arrest (the same
    visit; a decision without a visit stands alone, and is told as about no visit), as a
    visit's explanation reads them (core.reasons.finding_sentences), and its `heading`
    (`finding_heading`). Returns the failures the Court found: the first Art. 87(7)
    finding of each, in date order; an appeal upholding it or a later referral is the same
    failure, and a decision of kind `other` (most informed the Security Council or the
    Assembly) is none."""
    groups: dict = {}
    for f in sorted(findings, key=lambda f: (f.decided, f.pk)):
        groups.setdefault(f.visit_id or ("alone", f.pk), []).append(f)
    found = []
    for group in groups.values():
        sentences = rendering.finding_sentences(
            [f.as_reason() for f in group], visit=group[0].visit_id is not None
        )
        for i, (f, sentence) in enumerate(zip(group, sentences, strict=True)):
            f.sentence = sentence
            f.heading = finding_heading(f, group[:i])
        first = next((f for f in group if f.kind == "art_87_7"), None)
        if first is not None:
            found.append(first)
    return sorted(found, key=lambda f: (f.decided, f.pk))


def finding_heading(finding, earlier) -> str:
    """What an ICC decision (visits.Finding) is, as its entry on a page is headed, read
    against the `earlier` decisions on the same failure to arrest (date order), as
    core.reasons.finding_sentences reads them. An Art. 87(7) decision that follows an
    earlier Art. 87(7) finding is no new finding: the Appeals Chamber's is "Appeal judgment
    on the Art. 87(7) finding" (Jordan, 6 May 2019); the same Chamber's referral it had
    deferred, "Referral of the Art. 87(7) finding" (Italy, 26 January 2026); any other,
    "Later decision on the Art. 87(7) finding". The first finding and a decision of kind
    `other` are headed by their kind (visits.FindingKind); a decision finding no failure
    known only from the state concerned's report (`reported_by`), as reported by it."""
    findings = [f for f in earlier if f.kind == "art_87_7"]
    if finding.kind == "no_failure" and getattr(finding, "reported_by", ""):
        # Nigeria, 5 September 2013: known only from the state's own report.
        return _("Decision reported by the state concerned to find no failure to comply")
    if finding.kind != "art_87_7" or not findings:
        return str(finding.get_kind_display())
    last = findings[-1]
    if rendering.chamber_name(finding.chamber) == rendering.chamber_name("Appeals Chamber"):
        return _("Appeal judgment on the Art. 87(7) finding")
    if (
        finding.referred
        and not last.referred
        and rendering.chamber_name(last.chamber) == rendering.chamber_name(finding.chamber)
    ):
        return _("Referral of the Art. 87(7) finding")
    return _("Later decision on the Art. 87(7) finding")


def verdict_code(visit) -> str:
    """The code of a visit's current verdict ("non_compliance", ...); '' when it has none."""
    verdict = verdict_of(visit)
    return verdict.code if verdict else ""


def verdict_words(code: str, would_have_been_bound: bool | None = None) -> str:
    """A verdict in the reader's language; '' for none (visits.models.verdict_label)."""
    from visits.models import verdict_label

    return verdict_label(code, would_have_been_bound)


# The sentences of compliance.self_check, as the rule writes them (English, stored with the
# verdict), each read back as a pattern: `data_check_words` says them in the reader's words.
_DATA_CHECKS = (
    (
        re.compile(
            r"The ICC found non-compliance for this visit, but the verdict is (?P<code>\w+)\."
        ),
        "finding",
    ),
    (
        re.compile(
            r"The researcher expected the verdict (?P<expected>\S+?), but the rule gives "
            r"(?P<code>\w+)\."
        ),
        "expected",
    ),
    (
        re.compile(
            r"The ICC found no failure to comply for this visit, but the verdict is "
            r"(?P<code>\w+) \(iccwatch's reading against the Court's decision\)\."
        ),
        "no_failure",
    ),
)


def _label_or_code(code: str) -> str:
    """A verdict code's label in the reader's language; the code as written when it is none
    (a researcher's note may name a code that does not exist)."""
    try:
        return verdict_words(code)
    except ValueError:
        return code


def data_check_words(text: str) -> SimpleNamespace:
    """A verdict's stored self-check (compliance.self_check: English, for staff; docs/DOMAIN.md,
    "Self-check") as staff read it on the visit's page: `text`, each of the rule's sentences in
    the reader's language with verdict labels ("the rule gives “non-compliance”"), never
    codes; `translated` False when some part is not one of them (a check stored by an
    older rule), then `text` is the stored English as it is (its element marked as such)."""
    text = (text or "").strip()
    said, rest = [], text
    while rest:
        found = next(
            ((kind, m) for pattern, kind in _DATA_CHECKS if (m := pattern.match(rest))), None
        )
        if found is None:
            return SimpleNamespace(text=text, translated=False)
        kind, match = found
        verdict = _label_or_code(match.group("code"))
        if kind == "no_failure":
            said.append(
                _(
                    "The ICC found no failure to comply on this visit, but the verdict is "
                    "“%(verdict)s”: iccwatch's reading against the Court's decision."
                )
                % {"verdict": verdict}
            )
        elif kind == "finding":
            said.append(
                _(
                    "The ICC found non-compliance on this visit (Art. 87(7)), but the verdict is "
                    "“%(verdict)s”."
                )
                % {"verdict": verdict}
            )
        else:
            said.append(
                _(
                    "The researcher expected the verdict “%(expected)s”, but the rule gives “%(verdict)s”."
                )
                % {"expected": _label_or_code(match.group("expected")), "verdict": verdict}
            )
        rest = rest[match.end() :].lstrip()
    return SimpleNamespace(text=" ".join(said), translated=True)


def visit_verdict_words(visit) -> str:
    """`verdict_words` of a visit's current verdict ('' when it has none)."""
    verdict = verdict_of(visit)
    return verdict_words(verdict.code, verdict.would_have_been_bound) if verdict else ""


def span(start, start_precision, end, end_precision) -> str:
    """A visit's dates: '2024-09-02 – 2024-09-03', '2009-03', or 'undated'."""
    if start is None:
        return _("undated")
    first = partial_isoformat(start, start_precision)
    last = partial_isoformat(end, end_precision)
    if not last or last == first:
        return first
    return f"{first} – {last}"


def visit_span(visit) -> str:
    """`span` of a visit's dates, as ISO dates as precise as known."""
    return span(visit.start, visit.start_precision, visit.end, visit.end_precision)


def span_words(start, start_precision, end, end_precision, end_known: bool = True) -> str:
    """A visit's dates in words, as short as they stay unambiguous: '2–3 September 2024',
    '30 August – 2 September 2024', '30 December 2024 – 2 January 2025', 'March 2009',
    'October 2025 – March 2026', 'undated'. An end inside the start's month or year, or a
    start inside the end's, is a note on the wider one (core.names.nested_span): '2025
    (from October)', 'October 2025 (until 20 October)', never 'October 2025 – 2025'. An
    end without a start (a draft's) is 'until 3 March 2025'. A visit whose end is not known
    (`end_known` False) is 'from 2 February 2025, end not known', never its start alone,
    which would read as a visit of one day (core.names.from_unknown_end)."""
    if start is None:
        return until(end, end_precision) if end else _("undated")
    if not end_known:
        return from_unknown_end(start, start_precision)
    first = as_period(start, start_precision)
    last = as_period(end, end_precision)
    if last is None or last == first:
        return format_date(first)
    nested = nested_span(first, last)
    if nested:
        return with_note(format_date(nested[0]), nested[1])
    if first.exact and last.exact and first.first.year == last.first.year:
        if first.first.month == last.first.month:
            return f"{format_date(first).split(' ')[0]}–{format_date(last)}"
        return f"{without_year(first)} – {format_date(last)}"
    return f"{format_date(first)} – {format_date(last)}"


def report_span_words(start: str | None, end: str | None) -> str:
    """A report's dates (its data's "2025-10-15", "2025-10", "2025" or None) in words, as a
    visit's public page writes them (`span_words`: '15–16 October 2024', '2025 (from
    October)'); a draft's end without its start 'until 3 March 2025'. A date that cannot
    be read (a draft's), or an end before the start, as it was typed. An end not known
    ("?": visits.reports.UNKNOWN_END) 'from 2 February 2025, end not known'."""
    try:
        first = Period.parse(start) if start else None
        if first is not None and end == "?":
            return span_words(first.first, first.precision, None, "day", end_known=False)
        last = Period.parse(end) if end else None
    except ValueError:
        return " – ".join(d for d in (start, end) if d)
    if first is not None and last is not None and last.last < first.first:
        return f"{start} – {end}"  # a draft's dates the form will refuse: as typed
    return span_words(
        first.first if first else None,
        first.precision if first else "day",
        last.first if last else None,
        last.precision if last else "day",
    )


def report_names(reports) -> dict[int, dict[str, str]]:
    """What lists and mails say of each of `reports` (newsroom reports), by its pk, in the
    active language: "person" (the person's name, or the slug the report has when the
    dataset does not know it, "" for none), "host" (the host's name as it reads inside a
    sentence, "the Philippines"; "" for none) and "dates" (`report_span_words`). Two
    queries however many reports."""
    from states.models import State
    from warrants.models import Person

    data = {r.pk: r.data or {} for r in reports}
    slugs = {d.get("person") for d in data.values() if d.get("person")}
    codes = {str(d.get("host")) for d in data.values() if d.get("host")}
    persons = dict(Person.objects.filter(slug__in=slugs).values_list("slug", "name"))
    hosts = dict(State.objects.filter(iso3__in=codes).values_list("iso3", "name"))
    words = {}
    for pk, d in data.items():
        slug, iso3 = d.get("person") or "", str(d.get("host") or "")
        words[pk] = {
            "person": persons.get(slug, slug),
            "host": in_sentence(country_name(iso3, hosts.get(iso3, ""))) if iso3 else "",
            "dates": report_span_words(d.get("start"), d.get("end")),
        }
    return words


def span_sentence(start, start_precision, end, end_precision, end_known: bool = True) -> str:
    """A visit's dates as a running sentence puts them: in English as `span_words`
    ('1–2 December 2024', '2025 (from October)'); in French a span of days reads « du 1er
    au 2 décembre 2024 », « du 30 novembre au 1er décembre 2024 » (the first of a month
    "1er", as core.names.format_date writes it), never « 1er–2 décembre » mid-sentence; a
    single day « le 8 août 2016 », a month « en août 2016 », a year « en 2016 »; a span
    with a month or a year at one end « entre octobre 2025 et le 20 novembre 2025 », and
    one of whose ends falls inside the other's month or year « en 2025 (à partir
    d’octobre) », « en octobre 2025 (jusqu’au 20 octobre) »; a visit whose end is not known
    'from 2 February 2025, end not known' (`span_words`)."""
    if start is None or not end_known:
        # "until …", "undated", "from …, end not known"
        return span_words(start, start_precision, end, end_precision, end_known)
    first = as_period(start, start_precision)
    last = as_period(end, end_precision)
    if last is None or last == first:
        return _one_period(first)
    nested = nested_span(first, last)
    if nested:
        return with_note(_one_period(nested[0]), nested[1])
    if not (first.exact and last.exact):
        return pgettext(
            "from one month or year to another, in a sentence", "%(first)s – %(last)s"
        ) % {
            "first": span_end(first),
            "last": span_end(last),
        }
    if first.first.year == last.first.year and first.first.month == last.first.month:
        first_day = (
            pgettext("the first day of a month, in a date span", "1")
            if first.first.day == 1
            else str(first.first.day)
        )
        return pgettext("days of one month, in a sentence", "%(first_day)s–%(last)s") % {
            "first_day": first_day,
            "last": format_date(last),
        }
    return pgettext("from one day to another, in a sentence", "%(first)s – %(last)s") % {
        "first": without_year(first) if first.first.year == last.first.year else format_date(first),
        "last": format_date(last),
    }


def _one_period(period: Period) -> str:
    """One day, month or year as a running sentence puts it: '8 August 2016'; in French
    « le 8 août 2016 », « en août 2016 », « en 2016 »."""
    pattern = {
        "day": pgettext("one day, in a sentence", "%(when)s"),
        "month": pgettext("one month, in a sentence", "%(when)s"),
        "year": pgettext("one year, in a sentence", "%(when)s"),
    }[period.precision]
    return pattern % {"when": format_date(period)}


def visit_span_words(visit) -> str:
    """`span_words` of a visit's dates, in the reader's language."""
    return span_words(
        visit.start, visit.start_precision, visit.end, visit.end_precision, visit.end_known
    )


def visit_span_sentence(visit) -> str:
    """`span_sentence` of a visit's dates."""
    return span_sentence(
        visit.start, visit.start_precision, visit.end, visit.end_precision, visit.end_known
    )


def state_name(state) -> str:
    """A State's name in the reader's language."""
    return country_name(state.iso3, state.name) if state is not None else ""


def explanation(verdict, text_language: str | None = None) -> str:
    """A Verdict's (or VerdictChange's) explanation in the reader's language.

    Rendered from its structured reasons where present; the stored English rendering
    otherwise (verdicts computed before reasons were recorded). `text_language`, the
    language of its visit's own words (Visit.text_language): the explanation as HTML, the
    host's justification it quotes marked with that language where the page is in
    another (core.reasons.render_html); None, the plain text.
    """
    if verdict is None:
        return ""
    reasons = getattr(verdict, "reasons", None)
    if reasons:
        if text_language is not None:
            return rendering.render_html(reasons, text_language)
        return rendering.render(reasons)
    return getattr(verdict, "explanation", "") or ""


def _facts_causes(facts) -> list[dict]:
    if isinstance(facts, dict):
        return list(facts.get("causes") or [])
    return list(facts or [])


def cause_names(changes, visits=(), findings=()) -> dict[tuple[str, str], str]:
    """Words for the visits and persons that the causes of `changes` name by their slugs
    (core.causes.render's `names`): a visit as its page's title names it ("Vladimir
    Vladimirovich Putin in Mongolia, 2–3 September 2024"), a person by name. `visits`, with
    their person and host, are already at hand (the changes' own): one query per kind of
    thing for the others; a thing no longer recorded keeps its slug. These are today's
    words: `name_causes` gives each change its own visit as it was then.

    The ICC decisions named by causes recorded before a cause gave a decision's kind ("KEN
    2010-08-27") get it under ("finding kind", name), "art_87_7" or "other"
    (`finding_kinds`: one query, none when `findings` at hand hold them all or no such
    cause is told): a decision that made no Art. 87(7) finding is never called a
    finding."""
    from visits.models import Visit
    from warrants.models import Person

    things, unknown_kinds = set(), set()
    for change in changes:
        told = _facts_causes(getattr(change, "cause_facts", None))
        things |= causes.named_things(told)
        unknown_kinds |= {
            c.get("name", "") for c in told if c.get("object") == "finding" and not c.get("kind")
        }
    names: dict[tuple[str, str], str] = {
        ("finding kind", name): kind
        for name, kind in finding_kinds(unknown_kinds, findings).items()
    }
    named = {slug for obj, slug in things if obj == "visit"}
    names |= {("visit", v.slug): visit_title(v) for v in visits if v.slug in named}
    others = named - {slug for obj, slug in names if obj == "visit"}
    if others:
        for visit in Visit.objects.filter(slug__in=others).select_related("person", "host"):
            names["visit", visit.slug] = visit_title(visit)
    persons = {slug for obj, slug in things if obj == "person"}
    if persons:
        for slug, name in Person.objects.filter(slug__in=persons).values_list("slug", "name"):
            names["person", slug] = name
    return names


# The reasons that name the visit as the rule read it: compliance.explanation's visit
# reference (person, state, places, start, end), which a verdict's reasons hold.
VISIT_REASONS = frozenset(
    {"visit", "trip", "withdrawn", "pending", "no_warrant_in_force", "warrant_sealed", "no_control"}
)


@dataclass(frozen=True)
class RecordedVisit:
    """A visit as a verdict change recorded it (`recorded_visits`): what `visit_title`,
    `visit_span_words` and `state_name` read of a visit, as it was when the change was
    recorded."""

    slug: str
    person: object  # has `name`
    host: object  # has `iso3` and `name`
    start: datetime.date | None
    start_precision: str
    end: datetime.date | None
    end_precision: str
    end_known: bool = True


@dataclass(frozen=True)
class _Named:
    """A person (`name`) or a state (`iso3`, `name`) as a recorded reason names it."""

    name: str
    iso3: str = ""


def _visit_in_reasons(reasons, visit) -> RecordedVisit | None:
    """The visit as the rule read it, from a change's `reasons` (their visit reference: ISO
    dates at their precision, "" for an end on the start day); None when they hold none or
    one that cannot be read."""
    for reason in reasons or ():
        if not isinstance(reason, dict) or reason.get("key") not in VISIT_REASONS:
            continue
        if "start" not in reason or "person" not in reason:
            continue
        try:
            first = Period.parse(reason["start"]) if reason["start"] else None
            last = Period.parse(reason["end"]) if reason.get("end") else None
        except (TypeError, ValueError):
            return None
        state = reason.get("state") or {}
        host = (
            _Named(name=state.get("name") or "", iso3=state.get("iso3") or "")
            if state.get("iso3")
            else visit.host
        )
        return RecordedVisit(
            slug=visit.slug,
            person=_Named(name=reason["person"] or visit.person.name),
            host=host,
            start=first.first if first else None,
            start_precision=first.precision if first else "day",
            end=last.first if last else None,
            end_precision=last.precision if last else "day",
            end_known=reason.get("end_known", True) is not False,
        )
    return None


def recorded_visits(changes) -> None:
    """Give each of `changes` (VerdictChanges, their visit with its person and host at hand)
    its `recorded_visit`: the visit as it was when the change was recorded, so that a
    history row or a feed entry never reads today's facts into an older record (a visit
    whose end was corrected from 3 to 4 September was "2–3 September" when first
    evaluated). Read from the change's own reasons (the facts the rule read); for a change
    recorded before reasons were kept, the visit's version in its history (core.history)
    at the change's time, all of them read in one query; else the visit as it is now."""
    missing = []
    for change in changes:
        change.recorded_visit = _visit_in_reasons(change.reasons, change.visit)
        if change.recorded_visit is None:
            missing.append(change)
    if not missing:
        return
    from visits.models import Visit

    versions: dict[int, list] = {}
    for version in (
        Visit.pgh_event_model.objects.filter(
            pgh_obj_id__in={c.visit_id for c in missing},
            pgh_created_at__lte=max(c.changed_at for c in missing),
        )
        .exclude(pgh_label="delete")
        .select_related("person", "host")
        .order_by("pgh_created_at", "pgh_id")
    ):
        versions.setdefault(version.pgh_obj_id, []).append(version)
    for change in missing:
        then = [
            v for v in versions.get(change.visit_id, ()) if v.pgh_created_at <= change.changed_at
        ]
        change.recorded_visit = then[-1] if then else change.visit


def finding_kinds(named, findings=()) -> dict[str, str]:
    """The kind ("art_87_7" or "other", visits.models.FindingKind) of each ICC decision
    that a cause names by its state and date ("KEN 2010-08-27", the date as far as it is
    known: visits.signals._name), by name. `findings` are decisions already at hand, with
    their state; the others are read in one query (none when all are at hand). A name no
    decision has any longer, or that two decisions of different kinds share, is left out:
    the cause then calls it an ICC decision, which both kinds are."""
    from visits.models import Finding

    def key(state_iso3, decided, precision) -> str:
        return f"{state_iso3} {partial_isoformat(decided, precision or 'day')}"

    named = set(named)
    if not named:
        return {}
    rows = [(key(f.state.iso3, f.decided, f.decided_precision), f.kind) for f in findings]
    if named - {name for name, _kind in rows}:
        states = {name.partition(" ")[0] for name in named}
        rows = [
            (key(*row[:3]), row[3])
            for row in Finding.objects.filter(state__iso3__in=states).values_list(
                "state__iso3", "decided", "decided_precision", "kind"
            )
        ]
    kinds: dict[str, set[str]] = {}
    for name, kind in rows:
        if name in named:
            kinds.setdefault(name, set()).add(kind)
    return {name: next(iter(found)) for name, found in kinds.items() if len(found) == 1}


def name_causes(changes, visits=(), findings=()) -> None:
    """Prepare `changes` (VerdictChanges, their visit at hand) to be told: each gets its
    `recorded_visit` (`recorded_visits`) and its `cause_names`, the words for the things
    its causes name (`cause_names`, read once for all of them), its own visit named as
    it was when the change was recorded (its title then, not today's). `findings`: ICC
    decisions already at hand, with their state (`finding_kinds`)."""
    changes = list(changes)
    recorded_visits(changes)
    shared = cause_names(changes, visits or {change.visit for change in changes}, findings)
    for change in changes:
        then = change.recorded_visit
        change.cause_names = {**shared, ("visit", change.visit.slug): visit_title(then)}


def visit_title(visit) -> str:
    """'Vladimir Vladimirovich Putin in Mongolia, 2–3 September 2024': who, where and when."""
    return _("%(person)s in %(host)s, %(dates)s") % {
        "person": visit.person.name,
        "host": in_sentence(state_name(visit.host)),
        "dates": visit_span_words(visit),
    }


def change_cause(change) -> str:
    """Why a verdict changed, in the reader's language: the structured `cause_facts`
    rendered by core.causes ("withdrawn: removed from dataset version X" for a
    withdrawal, visits and persons named as a reader knows them, its own visit as it was
    then: `name_causes`, which a caller showing many changes runs once for all); a change
    recorded before causes were structured shows its stored `cause`, a withdrawal among
    them its note.
    """
    facts = getattr(change, "cause_facts", None)
    if facts:
        names = getattr(change, "cause_names", None)
        if names is None:
            name_causes([change])
            names = change.cause_names
        text = causes.render(facts, names=names)
        if text:
            return text
    if change.new_code == "withdrawn" and change.visit.withdrawal_note:
        return _("withdrawn: %(note)s") % {
            "note": rendering.withdrawal_note(change.visit.withdrawal_note)
        }
    return change.cause


def place_words(place: str) -> str:
    """A visit's place in words: the dataset lists several cities with ';' ('Tianjin;Beijing'),
    a reader reads 'Tianjin and Beijing' ('Tianjin et Beijing'); '' stays ''."""
    parts = [p.strip() for p in (place or "").split(";") if p.strip()]
    return str(get_text_list(parts, _("and")))


def status_outcome_words(visit) -> str:
    """A visit's status and outcome as a list row and a person's page give them together,
    with no label of their own (visits.VisitStatus, VisitOutcome): "occurred, not
    arrested"; a trip that did not take place (outcome `n/a`) its status alone,
    "cancelled". An `unknown` outcome says what is unknown, "occurred, outcome unknown"
    (« a eu lieu, issue inconnue »), never "occurred, unknown", which reads as if the
    trip's taking place were in doubt."""
    status = visit.get_status_display()
    if visit.outcome == "n/a":
        return str(status)
    if visit.outcome == "unknown":
        outcome = pgettext("a visit's outcome, after its status with no label", "outcome unknown")
    else:
        outcome = visit.get_outcome_display()
    return f"{status}, {outcome}"


def incident_line(visit) -> str:
    """One line a journalist can scan: who, where, when, the obligation, what happened."""
    verdict = visit.verdict
    where = _(" in %(place)s") % {"place": place_words(visit.place)} if visit.place else ""
    return elide(
        capfirst(
            _("%(host)s (bound: %(basis)s) hosted %(person)s%(where)s, %(dates)s: %(outcome)s.")
            % {
                "host": in_sentence(state_name(visit.host)),
                "basis": verdict.get_basis_display(),
                "person": visit.person.name,
                "where": where,
                "dates": visit_span_sentence(visit),
                "outcome": visit.get_outcome_display(),
            }
        )
    )


def early_warnings(today=None):
    """Announced trips to hosts that will be bound to arrest (verdict `upcoming`, bound):
    early warnings, not incidents; soonest first. Not those whose dates have all passed
    before `today` (default: the local date; visits.models.announced_dates_passed: not
    confirmed as taken, no longer ahead), nor those to a place the host did not control
    (`host_control` none: it could not arrest there; docs/DOMAIN.md, "Visit")."""
    from visits.models import HostControl, VerdictCode, Visit, dates_passed_condition

    return (
        Visit.objects.published()
        .with_verdicts()
        .filter(verdict__code=VerdictCode.UPCOMING, verdict__would_have_been_bound=True)
        .exclude(host_control=HostControl.NONE)
        .exclude(dates_passed_condition(today))
        .order_by("start", "pk")
    )


def is_early_warning(visit, today=None) -> bool:
    """Whether `visit` (with its verdict) is one of `early_warnings(today)`, read from the
    visit at hand: `upcoming` to a bound host, a place it controlled, dates not all passed."""
    from visits.models import HostControl, VerdictCode

    verdict = verdict_of(visit)
    return (
        verdict is not None
        and verdict.code == VerdictCode.UPCOMING
        and bool(verdict.would_have_been_bound)
        and visit.review_state == "verified"
        and visit.host_control != HostControl.NONE
        and not visit.dates_passed(today)
    )


def warning_line(visit) -> str:
    """'Vladimir Putin is expected in France (Paris), 2 March 2027: France will be bound (State Party).'"""
    where = _(" (%(place)s)") % {"place": place_words(visit.place)} if visit.place else ""
    return elide(
        _(
            "%(person)s is expected in %(host)s%(where)s, %(dates)s: the host will be bound to arrest (%(basis)s)."
        )
        % {
            "person": visit.person.name,
            "host": in_sentence(state_name(visit.host)),
            "where": where,
            "dates": visit_span_sentence(visit),
            "basis": visit.verdict.get_basis_display(),
        }
    )


def warrant_end_words(warrant) -> str:
    """How an ended warrant ended, in the reader's language: "executed on 12 March 2025",
    "withdrawn on 10 June 2008", "ended on 7 September 2015, the person's death confirmed"
    (a warrant does not lapse by itself: the date is the day the Court confirmed the death
    and ended it), and "ended on 24 July 2014 (reason not recorded)" when `end_reason` is
    blank. The date is the warrant's `ended`, its last day in force, in words: for an
    executed warrant the day of its execution, the person's surrender to the Court
    (docs/DOMAIN.md, "Warrant"; Duterte: arrested in Manila on 11 March 2025, surrendered
    and in the Court's custody from 12 March, the warrant's last day). The warrant list, a person's page and a visit's page all say it so, in the words
    of the warrant clause of a verdict's explanation (core.reasons: "the warrant was
    executed on …"). A warrant without `ended` raises ValueError: it is in force, and the
    caller says so."""
    if warrant.ended is None:
        raise ValueError(f"warrant {warrant.ref} has not ended")
    words = {
        "executed": _("executed on %(date)s"),
        "withdrawn": _("withdrawn on %(date)s"),
        "deceased": _("ended on %(date)s, the person's death confirmed"),
        "other": _("ended on %(date)s, for another reason"),
    }.get(warrant.end_reason, _("ended on %(date)s (reason not recorded)"))
    return words % {"date": format_date(warrant.ended)}


def standing_label(standing: str, sovereign: str = "") -> str:
    """A state's standing in words: its label ("State Party"), or for a territory of a
    State whose name (`sovereign`, in the reader's language) is given, "territory of the
    United States" (states.territories)."""
    if standing == treaty_status.TERRITORY and sovereign:
        return _("territory of %(state)s") % {"state": in_sentence(sovereign)}
    return str(treaty_status.Standing(standing).label)


def dated_standing_label(standing: str, facts: StateFacts | None, sovereign: str = "") -> str:
    """`standing_label` with the date the standing took effect, read from the state's
    timeline (`facts`), where it has one: 'State Party since 1 July 2002', 'withdrawing
    (effective on 2 June 2026)', 'former State Party since 2 June 2026'. A card shows it: an
    undated 'withdrawn' read as if the state had never been bound (Hungary hosted a
    visit in April 2025, as a party). Any other standing, or a timeline without the
    date, gives the label alone."""
    date = None
    if facts is not None and standing == treaty_status.PARTY:
        date, words = (
            facts.entry_into_force,
            pgettext("a state's standing", "State Party since %(date)s"),
        )
    elif facts is not None and standing == treaty_status.WITHDRAWING:
        date, words = (
            facts.withdrawal_effective,
            pgettext("a state's standing", "withdrawing (effective on %(date)s)"),
        )
    elif facts is not None and standing == treaty_status.WITHDRAWN:
        date, words = (
            facts.withdrawal_effective,
            pgettext("a state's standing", "former State Party since %(date)s"),
        )
    if date is None:
        return standing_label(standing, sovereign)
    return words % {"date": format_date(date)}


def standing_sentence(
    name: str,
    facts: StateFacts | None,
    today: datetime.date,
    *,
    sovereign: tuple[str, StateFacts | None] | None = None,
) -> str:
    """'Mongolia has been a State Party since 1 July 2002.' and the like (`name` in the reader's
    language; English gives it its article: 'The Philippines was a State Party…').

    For a territory of a State (states.territories), `sovereign` is that State's (name,
    facts): the sentence says whose territory it is and that State's standing, and, where
    that State is or was a party, that whether its ratification covers the territory is
    not recorded (only States join the Statute; a ratification may leave territories out).

    For an entry that is not a State (states.territories.NOT_STATES: Antarctica, Western
    Sahara; read from `facts`), it says so, and why."""
    standing = treaty_status.status_on(facts, today, territory=sovereign is not None)
    if standing == treaty_status.NOT_A_STATE:
        sentence = _("%(state)s is not a State: only States join the Rome Statute.") % {
            "state": in_sentence(name)
        }
        return f"{capfirst(sentence)} {NOT_STATES[facts.iso3]}"
    if standing != treaty_status.TERRITORY:
        return capfirst(_standing_sentence(in_sentence(name), facts, standing, today))
    state, state_facts = sovereign
    sentences = [
        _("%(territory)s is not a State but a territory of %(state)s.")
        % {"territory": in_sentence(name), "state": in_sentence(state)},
        standing_sentence(state, state_facts, today),
    ]
    if state_facts is not None and state_facts.ever_party:
        sentences.append(
            _(
                "Only States join the Rome Statute: whether that State's ratification covers "
                "this territory depends on its terms, which iccwatch does not record."
            )
        )
    return " ".join(capfirst(sentence) for sentence in sentences)


def _standing_sentence(
    name: str, facts: StateFacts | None, standing: str, today: datetime.date
) -> str:
    if standing == treaty_status.PARTY:
        return _("%(state)s has been a State Party since %(date)s.") % {
            "state": name,
            "date": format_date(facts.entry_into_force),
        }
    if standing == treaty_status.WITHDRAWING:
        return _(
            "%(state)s has been a State Party since %(since)s. It notified its withdrawal on %(notified)s; "
            "until it takes effect on %(effective)s it remains fully bound."
        ) % {
            "state": name,
            "since": format_date(facts.entry_into_force),
            "notified": format_date(facts.withdrawal_notified),
            "effective": format_date(facts.withdrawal_effective),
        }
    if standing == treaty_status.WITHDRAWN:
        return _(
            "%(state)s was a State Party from %(since)s until its withdrawal took effect on %(effective)s; "
            "iccwatch counts it as bound only for warrants issued before then (its reading of "
            "Art. 127(2), which also keeps cooperation in proceedings begun before then)."
        ) % {
            "state": name,
            "since": format_date(facts.entry_into_force),
            "effective": format_date(facts.withdrawal_effective),
        }
    if facts and facts.entry_into_force and facts.entry_into_force > today and facts.ever_party:
        return _("%(state)s will become a State Party on %(date)s.") % {
            "state": name,
            "date": format_date(facts.entry_into_force),
        }
    return _("%(state)s is not a party to the Rome Statute.") % {"state": name}


def state_summary(
    name: str,
    facts: StateFacts | None,
    today: datetime.date,
    *,
    visits: int,
    incidents: int,
    called_off: int,
    findings: list[tuple[datetime.date, str]],
    declarations: list[tuple],
    referrals: list[tuple] = (),
    sovereign: tuple[str, StateFacts | None] | None = None,
    no_failure: list[tuple[datetime.date, str, str]] = (),
) -> str:
    """The country page's summary paragraph, generated from its counts. `declarations` are
    (lodged, situation name[, effect]) tuples (effect: states.Declaration.effect, a
    declaration `not_given_effect` said lodged, the Prosecutor not having acted on it, and
    binding to nothing by iccwatch's count, not by a ruling of the Court); `referrals` (situation name, resolution, adopted)
    triples of the Security Council resolutions that bind the state (Art. 13(b), Chapter
    VII of the UN Charter); `sovereign`, for a territory of a State, as `standing_sentence`;
    `no_failure`, the (day, precision, reported_by) of each decision of the Court that
    found the state had not failed to comply (visits.FindingKind.NO_FAILURE: Nigeria,
    5 September 2013): where iccwatch counts incidents and the Court made no Art. 87(7)
    finding, the summary says that such a decision went the state's way and that iccwatch's
    reading stands against it; one known only from the state's own report (`reported_by`
    "state", findings.csv) is attributed to that report, as its explanation does
    (core.reasons), one read from the Court's publication or independent reports (empty)
    is stated as the Court's."""
    sentences = [standing_sentence(name, facts, today, sovereign=sovereign)]
    for lodged, situation, *effect in declarations:
        if effect and effect[0] == "not_given_effect":
            sentence = _(
                "On %(date)s it lodged an Art. 12(3) declaration accepting the Court's "
                "jurisdiction over the %(situation)s, on which the Prosecutor did not act: "
                "iccwatch counts no obligation from it."
            )
        else:
            sentence = _(
                "On %(date)s it accepted the Court's jurisdiction over the %(situation)s by an "
                "Art. 12(3) declaration."
            )
        sentences.append(
            sentence
            % {"date": format_date(lodged), "situation": rendering.situation_words(situation)}
        )
    for situation, resolution, adopted in sorted(referrals, key=lambda r: r[2]):
        if adopted > today:
            continue  # as the API's status: only a resolution already adopted binds
        # The API's words (api.states.status) for the same obligation.
        sentences.append(
            _(
                "By resolution %(resolution)s, adopted on %(date)s under Chapter VII, the "
                "Security Council decided that it shall cooperate fully with the Court in the "
                "%(situation)s."
            )
            % {
                "resolution": resolution,
                "date": format_date(adopted),
                "situation": rendering.situation_words(situation),
            }
        )
    if visits:
        sentences.append(
            ngettext(
                "It has hosted %(count)d recorded visit by a person wanted by the ICC.",
                "It has hosted %(count)d recorded visits by people wanted by the ICC.",
                visits,
            )
            % {"count": visits}
        )
    else:
        sentences.append(_("No visit by a person wanted by the ICC is recorded here."))
    if incidents and visits == 1:
        # "It has hosted 1 recorded visit ... 1 of them was ..." read as a form letter.
        sentences.append(
            _(
                "By iccwatch's reading of the facts, that visit was a failure to arrest and "
                "surrender (non-compliance)."
            )
        )
    elif incidents:
        sentences.append(
            ngettext(
                "By iccwatch's reading of the facts, %(count)d of them was a failure to arrest "
                "and surrender (non-compliance).",
                "By iccwatch's reading of the facts, %(count)d of them were failures to arrest "
                "and surrender (non-compliance).",
                incidents,
            )
            % {"count": incidents}
        )
    elif visits == 1:
        sentences.append(_("That visit was not a failure to arrest."))
    elif visits:
        sentences.append(_("None of them was a failure to arrest."))
    if called_off:
        sentences.append(
            ngettext(
                "%(count)d planned trip was called off or attended by video.",
                "%(count)d planned trips were called off or attended by video.",
                called_off,
            )
            % {"count": called_off}
        )
    if findings:
        # One date per failure found (describe_findings): an appeal that upholds a finding
        # (Jordan, 6 May 2019) or a referral made after a deferral (Italy, 26 January 2026)
        # is a later decision about the same failure, told in the list of decisions. "This
        # state" (« cet État »), as the summary's second sentence says it: after a sentence
        # about trips, "it" read as the trip, and the name again reads as a new start
        # (French cannot write "de" and a name without knowing its article).
        sentences.append(
            ngettext(
                "The ICC found this state in non-compliance (Art. 87(7)) in a decision of "
                "%(dates)s.",
                "The ICC found this state in non-compliance (Art. 87(7)) in decisions of "
                "%(dates)s.",
                len(findings),
            )
            % {
                "count": len(findings),
                "dates": get_text_list([_decision_date(d, p) for d, p in findings], _("and")),
            }
        )
    elif incidents and no_failure:
        sentences.extend(_no_failure_sentences(no_failure))
    elif incidents:
        sentences.append(_("No ICC finding of non-compliance (Art. 87(7)) against it is recorded."))
    return " ".join(sentences)


def _no_failure_sentences(decisions: list[tuple[datetime.date, str, str]]) -> list[str]:
    """The country summary's words for the decisions of the Court that found the state had
    not failed to comply (state_summary's `no_failure`: (day, precision, reported_by)),
    where iccwatch counts incidents: those read from the Court's publication or independent
    reports stated as the Court's; those known only from the state's own report
    (`reported_by` "state") attributed to it, their text not read, as core.reasons tells
    the decision on its visit; iccwatch's reading stands against both."""
    published = [(d, p) for d, p, by in decisions if not by]
    reported = [(d, p) for d, p, by in decisions if by]

    def dates(found):
        return get_text_list([_decision_date(d, p) for d, p in found], _("and"))

    sentences = []
    if published:
        sentences.append(
            ngettext(
                "No ICC finding of non-compliance (Art. 87(7)) against it is recorded: a decision "
                "of the Court of %(dates)s found that it had not failed to comply, and "
                "iccwatch's reading of the facts stands against it.",
                "No ICC finding of non-compliance (Art. 87(7)) against it is recorded: decisions "
                "of the Court of %(dates)s found that it had not failed to comply, and "
                "iccwatch's reading of the facts stands against them.",
                len(published),
            )
            % {"count": len(published), "dates": dates(published)}
        )
    if published and reported:
        sentences.append(
            ngettext(
                "According to this state alone (the decision's text was not read), a decision "
                "of the Court of %(dates)s also found that it had not failed to comply.",
                "According to this state alone (the decisions' texts were not read), decisions "
                "of the Court of %(dates)s also found that it had not failed to comply.",
                len(reported),
            )
            % {"count": len(reported), "dates": dates(reported)}
        )
    elif reported:
        sentences.append(
            ngettext(
                "No ICC finding of non-compliance (Art. 87(7)) against it is recorded: according "
                "to this state alone (the decision's text was not read), a decision of the Court "
                "of %(dates)s found that it had not failed to comply, and iccwatch's reading of "
                "the facts stands against it.",
                "No ICC finding of non-compliance (Art. 87(7)) against it is recorded: according "
                "to this state alone (the decisions' texts were not read), decisions of the "
                "Court of %(dates)s found that it had not failed to comply, and iccwatch's "
                "reading of the facts stands against them.",
                len(reported),
            )
            % {"count": len(reported), "dates": dates(reported)}
        )
    return sentences


def _decision_date(day: datetime.date, precision: str) -> str:
    """The date of an ICC decision as the country summary lists it after "in a decision
    of": '24 October 2024' in English; in French with the word a date takes there, « le 24
    octobre 2024 », « en mars 2009 » (« rendue le 24 octobre 2024 »)."""
    if precision == "day":
        return pgettext("date of a decision, a day", "%(date)s") % {
            "date": format_date(day, precision)
        }
    return pgettext("date of a decision, a month or year", "%(date)s") % {
        "date": format_date(day, precision)
    }


# --- Bounded summaries of many visits (country and person pages) -------------------


@dataclass(frozen=True)
class VisitTally:
    """Counts over a set of published visits: all of them, those that took place
    (occurred or transit), those called off or attended by video (status), and by verdict."""

    total: int
    hosted: int
    called_off_status: int
    by_verdict: dict[str, int]

    @property
    def incidents(self) -> int:
        return self.by_verdict.get("non_compliance", 0)

    @property
    def called_off(self) -> int:
        """Visits whose verdict is `deterred`: trips called off or attended by video (the
        record does not say why)."""
        return self.by_verdict.get("deterred", 0)


def person_record_words(tally: VisitTally) -> str:
    """A person's record in words, from their VisitTally: "28 recorded trips, of which 5
    called off or attended by video; 2 incidents" (« 28 voyages enregistrés, dont 5
    annulés ou remplacés par une vidéo ; 2 incidents »). The trips called off or attended
    by video (their status) are among the recorded trips, and the sentence says so: beside
    them, as a third count, they read as more trips. None called off: no such clause."""
    said = ngettext("%(n)s recorded trip", "%(n)s recorded trips", tally.total) % {"n": tally.total}
    if tally.called_off_status:
        said = ngettext(
            "%(trips)s, of which %(n)s called off or attended by video",
            "%(trips)s, of which %(n)s called off or attended by video",
            tally.called_off_status,
        ) % {"trips": said, "n": tally.called_off_status}
    incidents = ngettext("%(n)s incident", "%(n)s incidents", tally.incidents) % {
        "n": tally.incidents
    }
    return pgettext("between clauses of a sentence", "; ").join((said, incidents))


def visit_tally(visits) -> VisitTally:
    """One grouped query over a visits QuerySet: its VisitTally."""
    from django.db.models import Count

    total = hosted = called_off = 0
    by_verdict: dict[str, int] = {}
    rows = visits.order_by().values_list("verdict__code", "status").annotate(n=Count("pk"))
    for code, status, n in rows:
        total += n
        if status in PRESENT_STATUSES:
            hosted += n
        elif status in ("cancelled", "virtual"):
            called_off += n
        if code:
            by_verdict[code] = by_verdict.get(code, 0) + n
    return VisitTally(total, hosted, called_off, by_verdict)


def latest(visits, n: int) -> list:
    """The `n` latest dated visits of a QuerySet, oldest first (read backwards on the
    (host or person, start) index)."""
    rows = list(visits.filter(start__isnull=False).order_by("-start", "-pk")[:n])
    rows.reverse()
    return rows


def visits_by_year(visits) -> list[tuple[int, int, int]]:
    """(year, visits, incidents) for each year with a dated visit, oldest first."""
    from django.db.models import Count, Q
    from django.db.models.functions import ExtractYear

    return list(
        visits.filter(start__isnull=False)
        .annotate(year=ExtractYear("start"))
        .order_by("year")
        .values_list("year")
        .annotate(n=Count("pk"), incidents=Count("pk", filter=Q(verdict__code="non_compliance")))
    )


# --- Per-row counts of the lists of states and persons -------------------------------


def visit_counts(field: str) -> tuple[str, str]:
    """The published visits (for a host, those it hosted: they took place) and incidents of
    every host (`field` "host") or person ("person"), as two JSON objects {id: count} (ids without any left out), for
    `counted` to read: a summary of the lists of states and persons, recounted after
    writes (core.pagecache.summary)."""
    import json

    from django.db.models import Count

    from visits.models import VerdictCode, Visit

    published = Visit.objects.published().order_by()
    # Two queries, each read from indexes alone (`visits_visit_published_tally`, and
    # `visits_verdict_code_visit` for the incidents), not every visit and verdict row.
    # A state's visits are those it hosted (they took place: VisitTally.hosted, as its page
    # counts them), not trips called off or announced; a person's are all their trips.
    counted_visits = published.filter(status__in=PRESENT_STATUSES) if field == "host" else published
    visits = counted_visits.values_list(field).annotate(n=Count("pk"))
    incidents = (
        published.filter(verdict__code=VerdictCode.NON_COMPLIANCE)
        .values_list(field)
        .annotate(n=Count("pk"))
    )
    return tuple(
        json.dumps({str(pk): n for pk, n in rows}, separators=(",", ":"))
        for rows in (visits, incidents)
    )


def list_counts(field: str) -> dict:
    """{"visits_count": expression, "incidents_count": expression}: each row's published
    visits and incidents on the list of states (`field` "host") or persons ("person"),
    from a summary counted once per data version (`visit_counts`, not a join of every
    visit on each request) and read by id in SQL, so that the list still sorts and pages
    by them."""
    visits, incidents = list_summary(field)
    return {"visits_count": counted(visits), "incidents_count": counted(incidents)}


def with_list_counts(sorts: Sorts, field: str) -> Sorts:
    """`sorts` (a data app's) whose count keys read the list's counts: `visits_count` and
    `incidents_count` as `list_counts(field)` gives them, annotated only on a request that
    sorts by them and whose rows do not hold them already (the API's; the site's lists
    show them on every row). The data apps define the keys; their counts read the visits,
    which a state or a person may not import (ARCHITECTURE.md)."""
    return sorts.annotating(
        visits_count=lambda: list_counts(field)["visits_count"],
        incidents_count=lambda: list_counts(field)["incidents_count"],
    )


# The sorts of the lists of states and persons, the site's (its page and downloads) and the
# API's `ordering` alike: the same keys, a count sorting by the same counts.
STATE_LIST_SORTS = with_list_counts(STATE_SORTS, "host")
PERSON_LIST_SORTS = with_list_counts(PERSON_SORTS, "person")


# A country page lists at most this many visits and incidents (the latest); a state that
# hosted more has its visits summed up by year on the timeline, and the list of visits,
# filtered by host, gives the rest. The page's size and cost stay bounded.
LATEST_VISITS = 50
# A person's page lists at most this many trips (the latest): the list of visits,
# filtered by person, gives the rest, so the page's size and cost stay bounded.
LATEST_TRIPS = 50


def state_counts(state) -> tuple[VisitTally, list[tuple[int, int, int]] | None]:
    """(VisitTally of the visits `state` hosted, visits per year or None when the country
    page lists every visit): the country page's and the country card's counts, counted once
    per data version (the summary `state:<id>`, recounted after writes)."""
    from core import pagecache
    from visits.models import Visit

    hosted_visits = Visit.objects.published().filter(host=state)
    return pagecache.summary(f"state:{state.pk}", lambda: _state_counts(hosted_visits))


def _state_counts(hosted_visits):
    """`state_counts`'s value, counted now: two grouped queries past LATEST_VISITS, else one."""
    tally = visit_tally(hosted_visits)
    years = visits_by_year(hosted_visits) if tally.total > LATEST_VISITS else None
    return tally, years


def person_counts(person) -> tuple[VisitTally, list[int]]:
    """(VisitTally of `person`'s trips, the ids of the early warnings listed when the
    person page summarises the trips): the person page's and the person card's counts,
    counted once per data version and per day (the summary `person:<id>:<day>`, recounted
    after writes and each day: an announced trip's dates pass at midnight)."""
    from django.utils import timezone

    from core import pagecache
    from visits.models import Visit

    today = timezone.localdate()
    trips = Visit.objects.published().filter(person=person)
    return pagecache.summary(
        f"person:{person.pk}:{today.isoformat()}", lambda: _person_counts(person, trips, today)
    )


def _person_counts(person, trips, today=None):
    """`person_counts`'s value, counted now: two queries past LATEST_TRIPS, else one."""
    tally = visit_tally(trips)
    warnings = []
    if tally.total > LATEST_TRIPS:
        early = early_warnings(today).filter(person=person)
        warnings = list(early.values_list("pk", flat=True)[:LATEST_TRIPS])
    return tally, warnings


def list_summary(field: str) -> tuple[str, str]:
    """`visit_counts(field)`, counted once per data version (`list-counts:<field>`)."""
    from core import pagecache

    return pagecache.summary(f"list-counts:{field}", lambda: visit_counts(field))


def counted(counts_json: str, key: str = "pk"):
    """An integer expression: the row's count in `counts_json` (a JSON object {id: count},
    as `visit_counts` gives), 0 when the row is not in it. The counts go to the database
    as one parameter, so a list sorts and pages by them in SQL."""
    from django.db.models import Func, IntegerField, JSONField, TextField, Value
    from django.db.models.functions import Cast

    return Func(
        Cast(Value(counts_json), JSONField()),
        Cast(key, TextField()),
        template="COALESCE((%(expressions)s)::integer, 0)",
        arg_joiner=" ->> ",
        output_field=IntegerField(),
    )


def sources_beyond(sources, cited) -> list:
    """`sources` (core.models.Source rows: a treaty date's) when one of them is not among
    `cited` (the state's own, already cited on the page), else []: the importer gives
    each treaty date its state's `source_urls` (data/DICTIONARY.md, `states.csv`), which
    a page cites once for them all rather than again by every date; a date whose sources
    differ (set in the admin) cites its own."""
    sources = list(sources)
    urls = {s.url for s in cited}
    return sources if any(s.url not in urls for s in sources) else []
