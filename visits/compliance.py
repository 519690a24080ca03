"""The legal rule: was the host bound to arrest this person on the days of the visit, and did it?

Pure Python: no Django, no Celery. Frozen dataclasses describe the facts; `evaluate`
returns a Verdict with its code, the treaty basis, the warrants that decided it and
a plain-language explanation a journalist can quote. The specification is
DOMAIN.md ("The verdict for one visit"); the articles cited are the Rome Statute's.

Dates are calendar days (UTC). A partial date ("2009-03", "2012") is a Period: some
day in that period. A visit with partial dates is evaluated on every possible day
(in practice on the days where a fact changes, since the verdict is constant
between them); if all agree that is the verdict, otherwise it is `no_obligation`
when the host was bound on none of them (for a warrant then in force, public or
sealed), and `pending` when it was bound on some. A warrant date known only to the
month or year is read both ways, as early and as late as it could be.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

RULE_VERSION = "2026.11.2"

# Art. 126(1): the Statute entered into force on 2002-07-01 for every state that
# deposited its instrument by 2002-04-11 (the 60th instrument's deposit).
STATUTE_IN_FORCE = datetime.date(2002, 7, 1)
FOUNDING_DEPOSIT_DEADLINE = datetime.date(2002, 4, 11)

# Verdict codes, in the order the table in DOMAIN.md applies them.
PENDING = "pending"
DETERRED = "deterred"
NO_WARRANT_IN_FORCE = "no_warrant_in_force"
WARRANT_NOT_PUBLIC = "warrant_not_public"
COMPLIED = "complied"
NO_OBLIGATION = "no_obligation"
NON_COMPLIANCE = "non_compliance"
VERDICT_CODES = (
    PENDING, DETERRED, NO_WARRANT_IN_FORCE, WARRANT_NOT_PUBLIC, COMPLIED, NO_OBLIGATION, NON_COMPLIANCE,
)

# Obligation bases, in the order they are reported when several apply.
STATE_PARTY = "state_party"
ART_127_2_RESIDUAL = "art_127_2_residual"
ART_12_3_DECLARATION = "art_12_3_declaration"
BASES = (STATE_PARTY, ART_127_2_RESIDUAL, ART_12_3_DECLARATION)

FAILED_OUTCOMES = ("not_arrested", "left_early", "released")
PRESENT_STATUSES = ("occurred", "transit")
DETERRED_STATUSES = ("cancelled", "virtual")

IMPRECISE_REASON = "the date is too imprecise to decide"
PENDING_OUTCOME_REASON = "the recorded outcome does not allow a verdict"


# --- Facts --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    """A date known to the day, the month or the year: the days `first..last`."""

    first: datetime.date
    last: datetime.date
    precision: str = "day"

    @classmethod
    def day(cls, day: datetime.date) -> Period:
        return cls(day, day, "day")

    @classmethod
    def parse(cls, text: str) -> Period:
        """'2024-09-02', '2009-03' or '2012'; raises ValueError with a readable message."""
        text = text.strip()
        parts = text.split("-")
        try:
            if len(parts) == 3 and len(parts[0]) == 4 and len(parts[1]) == 2 and len(parts[2]) == 2:
                return cls.day(datetime.date(int(parts[0]), int(parts[1]), int(parts[2])))
            if len(parts) == 2 and len(parts[0]) == 4 and len(parts[1]) == 2:
                year, month = int(parts[0]), int(parts[1])
                last = calendar.monthrange(year, month)[1]
                return cls(datetime.date(year, month, 1), datetime.date(year, month, last), "month")
            if len(parts) == 1 and len(parts[0]) == 4:
                year = int(parts[0])
                return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31), "year")
        except ValueError:
            pass
        raise ValueError(f"{text!r} is not a date (expected YYYY-MM-DD, YYYY-MM or YYYY)")

    @classmethod
    def from_stored(cls, first: datetime.date, precision: str) -> Period:
        """Rebuild a Period from its first day and precision (as stored in the database)."""
        if precision == "month":
            last = calendar.monthrange(first.year, first.month)[1]
            return cls(first, first.replace(day=last), "month")
        if precision == "year":
            return cls(first, datetime.date(first.year, 12, 31), "year")
        return cls.day(first)

    @property
    def exact(self) -> bool:
        return self.precision == "day"

    def __str__(self) -> str:
        return format_period(self)


@dataclass(frozen=True, slots=True)
class DeclarationFacts:
    """An Art. 12(3) declaration: bound from `lodged` for `situation` only."""

    lodged: datetime.date
    situation: str


@dataclass(frozen=True, slots=True)
class StateFacts:
    """A state's Rome Statute timeline. A revoked withdrawal must be passed as no withdrawal."""

    iso3: str
    name: str
    deposited: datetime.date | None = None
    entry_into_force: datetime.date | None = None
    withdrawal_notified: datetime.date | None = None
    withdrawal_effective: datetime.date | None = None
    signed: datetime.date | None = None
    declarations: tuple[DeclarationFacts, ...] = ()

    @property
    def ever_party(self) -> bool:
        """A state whose instrument was withdrawn before entry into force was never a party."""
        if self.entry_into_force is None:
            return False
        return self.withdrawal_effective is None or self.entry_into_force < self.withdrawal_effective

    def party_on(self, day: datetime.date) -> bool:
        """entry_into_force <= day < withdrawal_effective (on the effective day it is no longer a party)."""
        if not self.ever_party or day < self.entry_into_force:
            return False
        return self.withdrawal_effective is None or day < self.withdrawal_effective


@dataclass(frozen=True, slots=True)
class WarrantFacts:
    """One warrant. `issued` None means unknown: in force from the day it was made public."""

    id: object
    issued: Period | None
    made_public: Period | None
    ended: datetime.date | None = None
    end_reason: str = ""
    case: str = ""


@dataclass(frozen=True, slots=True)
class FindingFacts:
    """An Art. 87(7) finding about this visit; `referred_to` is e.g. 'the Assembly of States Parties'."""

    decided: datetime.date
    referred_to: str = ""


@dataclass(frozen=True, slots=True)
class SourceFacts:
    publisher: str
    url: str
    published: datetime.date | None = None


@dataclass(frozen=True, slots=True)
class VisitFacts:
    """A reported visit, with the person's name and situation and everything the rule reads."""

    ref: str
    person_name: str
    situation: str
    status: str
    outcome: str
    review_state: str = "verified"
    start: Period | None = None
    end: Period | None = None
    place: str = ""
    host_notified: bool = False
    host_justification: str = ""


@dataclass(frozen=True)
class Verdict:
    code: str
    basis: str = ""
    explanation: str = ""
    warrant_ids: tuple = ()
    would_have_been_bound: bool | None = None
    decisive_day: datetime.date | None = None
    reason: str = field(default="", compare=False)


# --- Treaty arithmetic ------------------------------------------------------------


def entry_into_force_for(deposited: datetime.date) -> datetime.date:
    """Art. 126: 2002-07-01 for deposits up to 2002-04-11; otherwise the first day of the
    month after the 60th day following the deposit (2023-11-14 -> 2024-02-01)."""
    if deposited <= FOUNDING_DEPOSIT_DEADLINE:
        return STATUTE_IN_FORCE
    sixtieth = deposited + datetime.timedelta(days=60)
    if sixtieth.month == 12:
        return datetime.date(sixtieth.year + 1, 1, 1)
    return datetime.date(sixtieth.year, sixtieth.month + 1, 1)


def withdrawal_effective_for(notified: datetime.date) -> datetime.date:
    """Art. 127(1): one year after the Secretary-General receives the notification."""
    try:
        return notified.replace(year=notified.year + 1)
    except ValueError:  # notified on 29 February
        return datetime.date(notified.year + 1, 3, 1)


# --- Day-level facts ----------------------------------------------------------------


def _warrant_start(w: WarrantFacts, late: bool) -> datetime.date | None:
    period = w.issued or w.made_public
    if period is None:
        return None
    return period.last if late else period.first


def _warrant_public_from(w: WarrantFacts, late: bool) -> datetime.date | None:
    if w.made_public is None:
        return None
    return w.made_public.last if late else w.made_public.first


def in_force_on(w: WarrantFacts, day: datetime.date, late: bool = False) -> bool:
    """issued <= day <= ended: the last day (execution, withdrawal, death) still counts."""
    start = _warrant_start(w, late)
    if start is None or day < start:
        return False
    return w.ended is None or day <= w.ended


def public_on(w: WarrantFacts, day: datetime.date, late: bool = False) -> bool:
    public_from = _warrant_public_from(w, late)
    return public_from is not None and day >= public_from


def basis_on(
    host: StateFacts, day: datetime.date, w: WarrantFacts, situation: str, late: bool = False
) -> str:
    """The first obligation basis that binds `host` on `day` for warrant `w`, or ''."""
    if host.party_on(day):
        return STATE_PARTY
    if host.ever_party and host.withdrawal_effective and day >= host.withdrawal_effective:
        # Art. 127(2): withdrawal does not discharge obligations that arose while the
        # state was a party: it stays bound for warrants issued before it took effect.
        start = _warrant_start(w, late)
        if start is not None and start < host.withdrawal_effective:
            return ART_127_2_RESIDUAL
    for declaration in host.declarations:
        # Art. 12(3): bound from the day it is lodged, for the situation it covers only.
        if declaration.lodged <= day and declaration.situation == situation:
            return ART_12_3_DECLARATION
    return ""


# --- The verdict ----------------------------------------------------------------


@dataclass
class _Scenario:
    """What one exact reading of the dates gives."""

    code: str
    basis: str = ""
    day: datetime.date | None = None
    warrants: tuple = ()
    in_force: tuple = ()
    # Bound to arrest on a usable (public or notified) warrant.
    bound: bool = False
    # Bound for a warrant in force, usable or not: when an imprecise date gives several
    # verdicts, this is what decides between `no_obligation` and `pending`.
    host_bound: bool = False


def _days(first: datetime.date, last: datetime.date) -> Iterable[datetime.date]:
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


def _scenario(
    visit: VisitFacts,
    host: StateFacts,
    warrants: Sequence[WarrantFacts],
    first: datetime.date,
    last: datetime.date,
    late: bool,
) -> _Scenario:
    """Apply the verdict table to a visit known to cover exactly the days first..last.

    The obligation and the warrant must meet on the same day: a host bound on the
    first day of a visit and a warrant issued on the last, after the host's
    withdrawal took effect, make no obligation to arrest.
    """
    in_force: dict = {}  # warrant id -> (first day in force during the visit, warrant)
    usable: dict = {}  # the same, for days it was also public or notified to the host
    best = None  # (rank, day, basis, warrant): the first basis in BASES order, earliest day
    host_bound = False
    for day in _days(first, last):
        for w in warrants:
            if not in_force_on(w, day, late):
                continue
            in_force.setdefault(w.id, (day, w))
            basis = basis_on(host, day, w, visit.situation, late)
            host_bound = host_bound or bool(basis)
            if not (public_on(w, day, late) or visit.host_notified):
                continue  # sealed and not notified: no failure to arrest can be charged
            usable.setdefault(w.id, (day, w))
            if basis and (best is None or BASES.index(basis) < best[0]):
                best = (BASES.index(basis), day, basis, w)

    common = {"in_force": tuple(in_force), "host_bound": host_bound}
    bound = {}
    if best is not None:
        _, day, basis, w = best
        bound = {"basis": basis, "day": day, "warrants": (w.id,), "bound": True}
    if visit.status in DETERRED_STATUSES:
        return _Scenario(DETERRED, **(bound or {"warrants": tuple(usable) or tuple(in_force)}), **common)
    if not in_force:
        return _Scenario(NO_WARRANT_IN_FORCE, day=first, **common)
    if not usable:
        day = next(iter(in_force.values()))[0]
        return _Scenario(WARRANT_NOT_PUBLIC, day=day, warrants=tuple(in_force), **common)
    first_usable_day, first_usable = next(iter(usable.values()))
    if visit.outcome == "arrested":
        return _Scenario(
            COMPLIED, **(bound or {"day": first_usable_day, "warrants": (first_usable.id,)}), **common
        )
    if not bound:
        return _Scenario(NO_OBLIGATION, day=first_usable_day, warrants=tuple(usable), **common)
    if visit.status in PRESENT_STATUSES and visit.outcome in FAILED_OUTCOMES:
        return _Scenario(NON_COMPLIANCE, **bound, **common)
    # Bound host, usable warrant, but an outcome (such as n/a) the table has no row for.
    return _Scenario(PENDING, **bound, **common)


def _change_points(
    host: StateFacts, warrants: Sequence[WarrantFacts], first: datetime.date, last: datetime.date
) -> list[datetime.date]:
    """The days in first..last on which some fact changes (plus `first`): the verdict of a
    one-day visit is constant between them, so these are the only days worth trying."""
    points = {first}
    candidates = [host.entry_into_force, host.withdrawal_effective]
    candidates += [d.lodged for d in host.declarations]
    for w in warrants:
        for period in (w.issued, w.made_public):
            if period is not None:
                candidates += [period.first, period.last]
        if w.ended is not None:
            candidates.append(w.ended + datetime.timedelta(days=1))
    points.update(d for d in candidates if d is not None and first <= d <= last)
    return sorted(points)


def evaluate(
    visit: VisitFacts,
    host: StateFacts,
    warrants: Sequence[WarrantFacts],
    findings: Sequence[FindingFacts] = (),
    sources: Sequence[SourceFacts] = (),
) -> Verdict:
    """The verdict on one visit, with its explanation."""
    text = _Explainer(visit, host, warrants, findings, sources)
    if visit.review_state != "verified":
        rejected = visit.review_state == "rejected"
        reason = (
            "the report was rejected on review"
            if rejected
            else "the report has not yet been verified by a reviewer"
        )
        return Verdict(PENDING, explanation=text.pending(reason, final=rejected), reason=reason)
    if visit.outcome == "unknown":
        reason = "the outcome of the visit is not known"
        return Verdict(PENDING, explanation=text.pending(reason), reason=reason)
    if visit.start is None:
        if visit.status in DETERRED_STATUSES:
            return Verdict(DETERRED, explanation=text.deterred_undated())
        reason = "the visit has no date"
        return Verdict(PENDING, explanation=text.pending(reason), reason=reason)

    end = visit.end or visit.start
    exact = visit.start.exact and end.exact
    imprecise_warrants = any(
        p is not None and not p.exact for w in warrants for p in (w.issued, w.made_public)
    )
    # A warrant date known only to the month or year is read both ways, as early and as
    # late as it could be: issue and publication only ever switch facts on, so the two
    # extremes bracket every reading in between.
    lateness = (False, True) if imprecise_warrants else (False,)
    if exact:
        spans = [(visit.start.first, end.first)]
    else:
        # Some day in the period: try each possible day on which a fact changes.
        spans = [(d, d) for d in _change_points(host, warrants, visit.start.first, end.last)]
    readings = [
        (first, _scenario(visit, host, warrants, first, last, late))
        for first, last in spans
        for late in lateness
    ]
    scenarios = [s for _, s in readings]

    chosen = scenarios[0]
    if any(s.code != chosen.code for s in scenarios):
        if any(s.host_bound for s in scenarios):
            # e.g. the state joined in the middle of the year the visit is dated to.
            changed_on = next(day for day, s in readings if s.code != chosen.code)
            detail = text.imprecision(None if exact else changed_on)
            return Verdict(
                PENDING,
                explanation=text.pending(f"{IMPRECISE_REASON} ({detail})"),
                reason=IMPRECISE_REASON,
            )
        # The readings disagree (no warrant yet on some days, say), but on none of them was
        # the host bound: that much is certain whatever the exact date.
        chosen = next(
            (s for s in scenarios if s.code == NO_OBLIGATION),
            _Scenario(NO_OBLIGATION, day=visit.start.first),
        )
        note = text.date_note(chosen, uniform=False)
        explanation = text.explain(chosen, note=note, uniform=False)
        return Verdict(NO_OBLIGATION, "", explanation, chosen.warrants, None, chosen.day)

    if chosen.code == DETERRED and len({s.bound for s in scenarios}) > 1:
        # Deterred whatever the day, but bound on only some of the possible days: whether
        # the host would have been bound depends on a date nobody knows.
        example = next(s for s in scenarios if s.bound)
        explanation = text.explain(example, note=text.date_note(example), uniform=False)
        return Verdict(DETERRED, "", explanation, example.warrants, None, None)
    return Verdict(
        chosen.code,
        chosen.basis,
        text.explain(chosen, note=text.date_note(chosen, several_readings=len(scenarios) > 1)),
        chosen.warrants,
        chosen.bound if chosen.code == DETERRED else None,
        chosen.day,
        reason=PENDING_OUTCOME_REASON if chosen.code == PENDING else "",
    )


# --- Self-check -------------------------------------------------------------------


def self_check(verdict: Verdict, has_finding: bool, researcher_note: str = "") -> str:
    """A warning when the verdict disagrees with an ICC finding or the researcher's note, else ''.

    Such a disagreement means the data or the rule is wrong somewhere.
    """
    problems = []
    if has_finding and verdict.code != NON_COMPLIANCE:
        problems.append(
            f"The ICC found non-compliance for this visit, but the verdict is {verdict.code}."
        )
    note = researcher_note or ""
    if "WAS a State Party on the visit date" in note and verdict.code == NO_OBLIGATION:
        problems.append("The researcher's note says the host was a State Party on the visit date, "
                        f"but the verdict is {verdict.code}.")
    if "was not an ICC State Party at any time" in note and verdict.basis == STATE_PARTY:
        problems.append("The researcher's note says the host was never a State Party, "
                        "but the verdict's basis is state_party.")
    return " ".join(problems)


# --- Explanations -----------------------------------------------------------------
#
# User-facing prose: journalists quote it. Each explanation names the basis of the
# obligation (or why there was none), the dates that decided it, the warrant and the
# sources. Neutral wording, no gendered pronouns, ISO dates.


def format_day(day: datetime.date | None) -> str:
    return day.isoformat() if day else "an unknown date"


def format_period(period: Period) -> str:
    if period.precision == "month":
        return period.first.strftime("%B %Y")
    if period.precision == "year":
        return str(period.first.year)
    return period.first.isoformat()


def format_on(period: Period) -> str:
    """'on 2009-03-04', 'in March 2009', 'in 2012'."""
    return f"on {format_period(period)}" if period.exact else f"in {format_period(period)}"


def format_span(start: Period, end: Period | None) -> str:
    """'2024-09-02', '2024-09-02–03', '2024-08-31 to 2024-09-03', 'March 2009'."""
    if end is None or end == start:
        return format_period(start)
    if start.exact and end.exact:
        a, b = start.first, end.first
        if (a.year, a.month) == (b.year, b.month):
            return f"{a.isoformat()}–{b.day:02d}"
        return f"{a.isoformat()} to {b.isoformat()}"
    return f"{format_period(start)} to {format_period(end)}"


# Situation names the Court writes with "the": "the situation in the State of Palestine".
_NAMES_WITH_ARTICLE = (
    "State of ",
    "Democratic Republic",
    "Central African Republic",
    "Republic of ",
    "Bolivarian Republic",
    "Philippines",
)


def situation_phrase(situation: str) -> str:
    """'situation in Ukraine', 'situation in the State of Palestine'."""
    the = "the " if situation.startswith(_NAMES_WITH_ARTICLE) else ""
    return f"situation in {the}{situation}"


_OUTCOME_TEXT = {
    "not_arrested": "was not arrested",
    "left_early": "left early without being arrested",
    "released": "was arrested but then let go instead of being surrendered to the Court",
    "arrested": "was arrested",
}

_END_TEXT = {
    "executed": "it was executed on {}",
    "withdrawn": "it was withdrawn on {}",
    "deceased": "it lapsed with the person's death, confirmed on {}",
}


class _Explainer:
    """Writes the plain-language explanation: basis, deciding dates, warrants, sources."""

    def __init__(self, visit, host, warrants, findings, sources):
        self.visit = visit
        self.host = host
        self.warrants = {w.id: w for w in warrants}
        self.findings = findings
        self.sources = sources

    # The building blocks ---------------------------------------------------------

    @property
    def _exact(self) -> bool:
        v = self.visit
        return v.start is not None and v.start.exact and (v.end is None or v.end.exact)

    def _span(self) -> str:
        return format_span(self.visit.start, self.visit.end)

    def _situation(self) -> str:
        return situation_phrase(self.visit.situation)

    def _where(self) -> str:
        if self.visit.place:
            places = " and ".join(p.strip() for p in self.visit.place.split(";") if p.strip())
            return f"{places}, {self.host.name}"
        return self.host.name

    def _when(self) -> str:
        if self.visit.start is None:
            return "on an unknown date"
        return f"on {self._span()}" if self.visit.start.exact else f"in {self._span()}"

    def _joined(self) -> str:
        if self.host.deposited is None:
            return "State Party"
        verb = "ratified" if self.host.signed else "acceded"
        return f"State Party; {verb} {self.host.deposited.isoformat()}"

    def obligation(self, basis: str, warrant: WarrantFacts | None, day: datetime.date | None) -> str:
        h = self.host
        if basis == STATE_PARTY:
            if h.withdrawal_effective:
                when = f"on {day.isoformat()}" if day and self._exact else "at the time of the visit"
                return (
                    f"{h.name} was bound from {h.entry_into_force.isoformat()} ({self._joined()}); "
                    f"its withdrawal is effective only from {h.withdrawal_effective.isoformat()} "
                    f"(Art. 127(1)), so it was still bound {when}."
                )
            return f"{h.name} has been bound since {h.entry_into_force.isoformat()} ({self._joined()})."
        if basis == ART_127_2_RESIDUAL:
            issued = warrant and (warrant.issued or warrant.made_public)
            return (
                f"{h.name}'s withdrawal from the Rome Statute took effect on "
                f"{h.withdrawal_effective.isoformat()}, but a withdrawal does not discharge obligations "
                f"that arose while the state was a party (Art. 127(2)): {h.name} remains bound for "
                f"warrants issued before then, and this one was issued "
                f"{format_on(issued) if issued else 'earlier'}."
            )
        if basis == ART_12_3_DECLARATION:
            lodged = min(d.lodged for d in h.declarations if d.situation == self.visit.situation)
            return (
                f"{h.name} was not then a State Party, but by a declaration lodged on "
                f"{lodged.isoformat()} it had accepted the Court's jurisdiction over the "
                f'{self._situation()} and was bound to cooperate "without any delay or exception" '
                "(Art. 12(3))."
            )
        return self.no_obligation_reason()

    def no_obligation_reason(self) -> str:
        h = self.host
        if h.entry_into_force is not None and not h.ever_party:
            return (
                f"{h.name} was never bound: it deposited an instrument"
                f"{' on ' + h.deposited.isoformat() if h.deposited else ''} but withdrew it before the "
                "Statute entered into force for it, so it never became a State Party."
            )
        declaration = self._declaration_note()
        if not h.ever_party:
            return (
                f"{h.name} is not a State Party to the Rome Statute and had not accepted the Court's "
                f"jurisdiction over the {self._situation()}{f' ({declaration})' if declaration else ''}, "
                "so it was not bound to arrest."
            )
        start = self.visit.start.first if self.visit.start else None
        if start and start < h.entry_into_force:
            deposited = f" (instrument deposited {h.deposited.isoformat()})" if h.deposited else ""
            return (
                f"{h.name} was not yet bound: the Statute entered into force for it only on "
                f"{h.entry_into_force.isoformat()}{deposited}{f', and {declaration}' if declaration else ''}."
            )
        if h.withdrawal_effective:
            return (
                f"{h.name} was no longer bound: its withdrawal took effect on "
                f"{h.withdrawal_effective.isoformat()}, before the warrant was issued, so Art. 127(2) "
                "does not apply."
            )
        return f"{h.name} was not bound to arrest on the days of the visit."

    def _declaration_note(self) -> str:
        """Why an Art. 12(3) declaration the host did lodge does not bind it here, or ''."""
        h, v = self.host, self.visit
        later = [d.lodged for d in h.declarations if d.situation == v.situation]
        if later:
            return f"its Art. 12(3) declaration for this situation was lodged only on {min(later).isoformat()}"
        others = [d.situation for d in h.declarations]
        if others:
            return f"its Art. 12(3) declaration covers the {situation_phrase(others[0])}, not this one"
        return ""

    def warrant(self, w: WarrantFacts, day: datetime.date | None, uniform: bool = True) -> str:
        v = self.visit
        who = f"The warrant against {v.person_name} ({self._situation()})"
        issued, public = w.issued, w.made_public
        if issued and public and issued == public:
            since = f"issued and public since {format_period(issued)}"
        elif issued and public:
            since = f"issued under seal {format_on(issued)} and public since {format_period(public)}"
        elif issued:
            since = f"issued under seal {format_on(issued)}"
        else:
            since = f"public since {format_period(public)} (issue date unknown)"
        if not self._exact:
            on = f", was in force {'throughout' if uniform else 'during part of'} {self._span()}"
        else:
            on = f", was in force on {day.isoformat()}" if day else ", was in force at the time"
        ended = ""
        if w.ended:
            # The last day in force counts: an arrest on that day executes the warrant.
            template = _END_TEXT.get(w.end_reason, "its last day in force was {}")
            ended = "; " + template.format(w.ended.isoformat())
        notified = ""
        if v.host_notified and not (public and day and day >= public.first):
            notified = f"; {self.host.name} had been notified of it"
        return f"{who}, {since}{on}{ended}{notified}."

    def visit_sentence(self, outcome_text: str) -> str:
        verb = "stopped in transit in" if self.visit.status == "transit" else "visited"
        return f"{self.visit.person_name} {verb} {self._where()} {self._when()} and {outcome_text}"

    def justification(self) -> str:
        j = self.visit.host_justification.strip()
        if not j:
            return ""
        return (
            f" {self.host.name}'s stated justification: “{j}”. It is recorded, but it is no exemption: "
            "official capacity does not bar arrest (Art. 27)."
        )

    def finding_text(self) -> str:
        parts = []
        for f in self.findings:
            referral = f" and referred it to {f.referred_to}" if f.referred_to else " without referring it"
            parts.append(
                f" An ICC Pre-Trial Chamber found non-compliance on {f.decided.isoformat()} "
                f"(Art. 87(7)){referral}."
            )
        return "".join(parts)

    def sources_text(self) -> str:
        if not self.sources:
            return ""
        cited = []
        for s in self.sources[:6]:
            cited.append(f"{s.publisher} ({s.published.isoformat()})" if s.published else s.publisher)
        more = f" and {len(self.sources) - 6} more" if len(self.sources) > 6 else ""
        return f" Sources: {'; '.join(cited)}{more}."

    def _imprecise_warrant(self) -> str:
        """'the warrant is known only to have been issued in 2023', or ''."""
        for w in self.warrants.values():
            parts = [
                f"{what} {format_on(p)}"
                for what, p in (("issued", w.issued), ("made public", w.made_public))
                if p is not None and not p.exact
            ]
            if parts:
                return f"the warrant is known only to have been {' and '.join(parts)}"
        return ""

    def date_note(self, s: _Scenario, uniform: bool = True, several_readings: bool = True) -> str:
        """What the imprecision of the dates means for this verdict, or ''."""
        host = self.host.name
        if not self._exact:
            tail = (
                "every possible day gives this verdict"
                if uniform
                else f"on none of its possible days was {host} bound to arrest"
            )
            return f" The visit is dated only {self._span()}; {tail}."
        # An exact visit has several readings only when some warrant date is imprecise.
        warrant = self.warrants.get(s.warrants[0]) if s.warrants else None
        decisive_imprecise = warrant is not None and any(
            p is not None and not p.exact for p in (warrant.issued, warrant.made_public)
        )
        if not several_readings or (uniform and not decisive_imprecise):
            return ""
        tail = (
            "every possible reading of them gives this verdict"
            if uniform
            else f"on no reading of them was {host} bound to arrest"
        )
        return f" Some warrant dates are known only to the month or year; {tail}."

    def imprecision(self, changed_on: datetime.date | None) -> str:
        """Why an imprecise date leaves the verdict open."""
        if changed_on is not None:
            return f"the visit is dated only {self._span()}, and the verdict changes on {changed_on.isoformat()}"
        return self._imprecise_warrant() or "some dates are known only to the month or year"

    # Whole explanations ------------------------------------------------------------

    def pending(self, reason: str, final: bool = False) -> str:
        v = self.visit
        return (
            f"{'No verdict' if final else 'No verdict yet'} on the reported visit of "
            f"{v.person_name} to {self._where()} {self._when()}: {reason}.{self.sources_text()}"
        )

    def deterred_undated(self) -> str:
        v = self.visit
        if v.status == "virtual":
            return (
                f"{v.person_name} did not travel to {self._where()} (date unknown) and took part by "
                f"video instead.{self.sources_text()}"
            )
        return f"A trip by {v.person_name} to {self._where()} (date unknown) was called off.{self.sources_text()}"

    def _deterred(self, s: _Scenario, warrant: WarrantFacts | None, would_be_bound: bool | None) -> str:
        v, h = self.visit, self.host
        if v.status == "virtual":
            what = f"{v.person_name} did not travel to {self._where()} {self._when()} and took part by video instead."
        else:
            what = f"{v.person_name}'s trip to {self._where()} {self._when()} was called off."
        if would_be_bound is None:
            return (
                f"{what} Whether {h.name} would have been bound to arrest depends on the exact dates: "
                + self.obligation(s.basis, warrant, None)
            )
        if would_be_bound:
            return (
                f"{what} Had the trip gone ahead, {h.name} would have been bound to arrest: "
                + self.obligation(s.basis, warrant, s.day)
            )
        if not s.in_force:
            return (
                f"{what} {h.name} would not have been bound to arrest: no warrant against "
                f"{v.person_name} was in force on those dates."
            )
        if s.host_bound:
            return (
                f"{what} {h.name} would not have been bound to arrest: the warrant was then under "
                f"seal and {h.name} is not known to have been notified of it."
            )
        return f"{what} {self.no_obligation_reason()}"

    def _no_warrant_detail(self) -> str:
        """' (the warrant was issued only on 2023-03-17)', or ended before the visit."""
        v = self.visit
        first = v.start.first
        last = (v.end or v.start).last
        starts = [p for w in self.warrants.values() if (p := w.issued or w.made_public) and p.first > last]
        ends = [w.ended for w in self.warrants.values() if w.ended and w.ended < first]
        which = "the first warrant" if len(self.warrants) > 1 else "the warrant"
        if starts and len(starts) == len(self.warrants):
            return f" ({which} was issued only {format_on(min(starts, key=lambda p: p.first))})"
        if ends:
            return f" (the last warrant in force had ended on {max(ends).isoformat()})"
        return ""

    def _sealed(self, w: WarrantFacts | None) -> str:
        """'A warrant against X, issued under seal on D and made public only on E,'."""
        dates = []
        if w is not None and w.issued:
            dates.append(f"issued under seal {format_on(w.issued)}")
        if w is not None and w.made_public:
            dates.append(f"made public only {format_on(w.made_public)}")
        listed = f", {' and '.join(dates)}," if dates else ""
        return f"A warrant against {self.visit.person_name}{listed}"

    def explain(self, s: _Scenario, note: str = "", uniform: bool = True) -> str:
        """The explanation for scenario `s`; `uniform` False when the possible dates disagree."""
        v = self.visit
        warrant = self.warrants.get(s.warrants[0]) if s.warrants else None
        sources = self.sources_text()
        if s.code == DETERRED:
            would = s.bound if uniform else None
            return f"{self._deterred(s, warrant, would)}{note}{sources}"
        if s.code == NO_WARRANT_IN_FORCE:
            return (
                f"No warrant against {v.person_name} was in force during the visit to {self._where()} "
                f"{self._when()}{self._no_warrant_detail()}, so there was nothing to execute."
                f"{note}{sources}"
            )
        if s.code == WARRANT_NOT_PUBLIC:
            return (
                f"{self._sealed(warrant)} was in force during the visit to {self._where()} {self._when()}, "
                f"but it was then under seal and {self.host.name} is not known to have been notified "
                f"of it, so no failure to arrest can be charged.{note}{sources}"
            )
        wsent = " " + self.warrant(warrant, s.day, uniform) if warrant else ""
        if s.code == COMPLIED:
            obligation = self.obligation(s.basis, warrant, s.day) if s.basis else self.no_obligation_reason()
            return (
                f"{self.visit_sentence('was arrested under the warrant')}.{wsent} {obligation}"
                f"{note}{sources}"
            )
        if s.code == NO_OBLIGATION:
            outcome = _OUTCOME_TEXT.get(v.outcome, "was not arrested")
            return (
                f"{self.no_obligation_reason()}{wsent} {self.visit_sentence(outcome)}; this was no "
                f"breach of an obligation to arrest.{self.justification()}{note}{sources}"
            )
        if s.code == NON_COMPLIANCE:
            return (
                f"{self.obligation(s.basis, warrant, s.day)}{wsent} "
                f"{self.visit_sentence(_OUTCOME_TEXT[v.outcome])}: a failure to arrest and surrender "
                f"(Arts. 86, 89(1)).{self.justification()}{self.finding_text()}{note}{sources}"
            )
        return self.pending(PENDING_OUTCOME_REASON)
