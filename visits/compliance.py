"""The legal rule: was the host bound to arrest this person on the days he was there, and did it?

Pure Python: no Django, no Celery. Frozen dataclasses describe the facts; `evaluate`
returns a Verdict with its code, the treaty basis, the warrants that decided it and
a plain-language explanation a journalist can quote. The specification is
DOMAIN.md ("The verdict for one visit"); the articles cited are the Rome Statute's.

Dates are calendar days (UTC). A partial date ("2009-03", "2012") is a Period: some
day in that period. A visit with partial dates is evaluated on every possible day
(in practice on the days where a fact changes, since the verdict is constant
between them); if all agree that is the verdict, otherwise it is `no_obligation`
when the host was bound on none of them, and `pending` when it was bound on some.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

RULE_VERSION = "2026.11.1"

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
    bound: bool = False


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
    """Apply the verdict table to a visit known to cover exactly the days first..last."""
    in_force: dict = {}
    usable: dict = {}
    best = None  # (rank, day, basis, warrant): the first basis in DOMAIN.md's order, earliest day
    for day in _days(first, last):
        for w in warrants:
            if not in_force_on(w, day, late):
                continue
            in_force.setdefault(w.id, (day, w))
            if not (public_on(w, day, late) or visit.host_notified):
                continue
            usable.setdefault(w.id, (day, w))
            basis = basis_on(host, day, w, visit.situation, late)
            if basis and (best is None or BASES.index(basis) < best[0]):
                best = (BASES.index(basis), day, basis, w)
    bound_at = best[1:] if best else None
    bound = bound_at is not None
    in_force_ids = tuple(in_force)
    if visit.status in DETERRED_STATUSES:
        ids = (bound_at[2].id,) if bound else tuple(usable) or in_force_ids
        return _Scenario(DETERRED, bound_at[1] if bound else "", bound_at[0] if bound else None, ids, in_force_ids, bound)
    if not in_force:
        return _Scenario(NO_WARRANT_IN_FORCE, day=first)
    if not usable:
        return _Scenario(WARRANT_NOT_PUBLIC, day=first, warrants=in_force_ids, in_force=in_force_ids)
    if visit.outcome == "arrested":
        day, w = next(iter(usable.values()))
        return _Scenario(
            COMPLIED, bound_at[1] if bound else "", bound_at[0] if bound else day,
            ((bound_at[2] if bound else w).id,), in_force_ids, bound,
        )
    if not bound:
        day, w = next(iter(usable.values()))
        return _Scenario(NO_OBLIGATION, "", day, tuple(usable), in_force_ids, False)
    if visit.status in PRESENT_STATUSES and visit.outcome in FAILED_OUTCOMES:
        return _Scenario(NON_COMPLIANCE, bound_at[1], bound_at[0], (bound_at[2].id,), in_force_ids, True)
    return _Scenario(PENDING, bound_at[1], bound_at[0], (bound_at[2].id,), in_force_ids, True)


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
        reason = (
            "it was rejected on review" if visit.review_state == "rejected" else "it has not yet been verified by a reviewer"
        )
        return Verdict(PENDING, explanation=text.pending(reason), reason=reason)
    if visit.outcome == "unknown":
        reason = "the outcome of the visit is not known"
        return Verdict(PENDING, explanation=text.pending(reason), reason=reason)
    if visit.start is None:
        if visit.status in DETERRED_STATUSES:
            return Verdict(DETERRED, explanation=text.deterred_undated())
        reason = "the visit has no date"
        return Verdict(PENDING, explanation=text.pending(reason), reason=reason)

    end = visit.end or visit.start
    imprecise_warrants = any(
        p is not None and not p.exact for w in warrants for p in (w.issued, w.made_public)
    )
    lateness = (False, True) if imprecise_warrants else (False,)
    if visit.start.exact and end.exact:
        scenarios = [_scenario(visit, host, warrants, visit.start.first, end.first, late) for late in lateness]
    else:
        days = _change_points(host, warrants, visit.start.first, end.last)
        scenarios = [_scenario(visit, host, warrants, d, d, late) for d in days for late in lateness]

    chosen = scenarios[0]
    if any(s.code != chosen.code for s in scenarios):
        if not any(s.bound for s in scenarios):
            chosen = next(s for s in scenarios if s.code == NO_OBLIGATION) if any(
                s.code == NO_OBLIGATION for s in scenarios
            ) else _Scenario(NO_OBLIGATION, day=visit.start.first)
            return Verdict(
                NO_OBLIGATION, "", text.explain(chosen, imprecise=True), chosen.warrants, False, chosen.day
            )
        return Verdict(PENDING, explanation=text.pending(IMPRECISE_REASON), reason=IMPRECISE_REASON)
    would = any(s.bound for s in scenarios) if chosen.code == DETERRED else None
    imprecise = not (visit.start.exact and end.exact) or imprecise_warrants
    return Verdict(
        chosen.code, chosen.basis, text.explain(chosen, imprecise=imprecise and len(scenarios) > 1),
        chosen.warrants, would, chosen.day,
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


def format_day(day: datetime.date | None) -> str:
    return day.isoformat() if day else "an unknown date"


def format_period(period: Period) -> str:
    if period.precision == "month":
        return period.first.strftime("%B %Y")
    if period.precision == "year":
        return str(period.first.year)
    return period.first.isoformat()


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


_OUTCOME_TEXT = {
    "not_arrested": "was not arrested",
    "left_early": "left early without being arrested",
    "released": "was arrested but then let go instead of being surrendered to the Court",
    "arrested": "was arrested",
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

    def _where(self) -> str:
        if self.visit.place:
            places = " and ".join(p.strip() for p in self.visit.place.split(";") if p.strip())
            return f"{places}, {self.host.name}"
        return self.host.name

    def _when(self) -> str:
        if self.visit.start is None:
            return "on an unknown date"
        span = format_span(self.visit.start, self.visit.end)
        return f"on {span}" if self.visit.start.exact else f"in {span}"

    def _joined(self) -> str:
        if self.host.deposited is None:
            return "State Party"
        verb = "ratified" if self.host.signed else "acceded"
        return f"State Party; {verb} {self.host.deposited.isoformat()}"

    def obligation(self, basis: str, warrant: WarrantFacts | None) -> str:
        h = self.host
        if basis == STATE_PARTY:
            if h.withdrawal_effective:
                return (
                    f"{h.name} was bound from {h.entry_into_force.isoformat()} ({self._joined()}) "
                    f"until its withdrawal took effect on {h.withdrawal_effective.isoformat()}; "
                    "the visit fell within that time."
                )
            return f"{h.name} has been bound since {h.entry_into_force.isoformat()} ({self._joined()})."
        if basis == ART_127_2_RESIDUAL:
            issued = warrant and (warrant.issued or warrant.made_public)
            return (
                f"{h.name}'s withdrawal from the Rome Statute took effect on "
                f"{h.withdrawal_effective.isoformat()}, but a withdrawal does not discharge obligations "
                f"that arose while it was a party (Art. 127(2)): it remains bound for warrants issued "
                f"before then, and this one was issued {'on ' + format_period(issued) if issued else 'earlier'}."
            )
        if basis == ART_12_3_DECLARATION:
            lodged = min(d.lodged for d in h.declarations if d.situation == self.visit.situation)
            return (
                f"{h.name} is not a State Party, but by a declaration lodged on {lodged.isoformat()} it "
                f"accepted the Court's jurisdiction over the situation in {self.visit.situation} and must "
                f"cooperate \"without any delay or exception\" (Art. 12(3))."
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
        declared = [d for d in h.declarations if d.situation != self.visit.situation]
        tail = ""
        if declared:
            tail = f" (its Art. 12(3) declaration covers the situation in {declared[0].situation}, not this one)"
        if not h.ever_party:
            return (
                f"{h.name} is not a State Party to the Rome Statute and has accepted no obligation to "
                f"arrest in the situation in {self.visit.situation}{tail}, so it was not bound to arrest."
            )
        start = self.visit.start.first if self.visit.start else None
        if start and start < h.entry_into_force:
            return (
                f"{h.name} was not yet bound: the Statute entered into force for it only on "
                f"{h.entry_into_force.isoformat()} ({self._joined()})."
            )
        return (
            f"{h.name} was no longer bound: its withdrawal took effect on "
            f"{h.withdrawal_effective.isoformat()}, before the warrant was issued, so Art. 127(2) "
            "does not apply."
        )

    def warrant(self, w: WarrantFacts, day: datetime.date | None) -> str:
        v = self.visit
        who = f"The warrant against {v.person_name} (situation in {v.situation})"
        issued, public = w.issued, w.made_public
        if issued and public and issued == public:
            since = f"issued and public since {format_period(issued)}"
        elif issued and public:
            since = f"issued under seal on {format_period(issued)} and public since {format_period(public)}"
        elif issued:
            since = f"issued under seal on {format_period(issued)}"
        else:
            since = f"public since {format_period(public)} (issue date unknown)"
        on = f", was in force on {day.isoformat()}" if day else ", was in force at the time"
        notified = ""
        if v.host_notified and not (public and day and day >= public.first):
            notified = f"; {self.host.name} had been notified of it"
        return f"{who}, {since}{on}{notified}."

    def visit_sentence(self, outcome_text: str) -> str:
        verb = {"transit": "stopped in transit in", "virtual": "was due in"}.get(self.visit.status, "visited")
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
            parts.append(f" An ICC Pre-Trial Chamber found non-compliance on {f.decided.isoformat()} (Art. 87(7)){referral}.")
        return "".join(parts)

    def sources_text(self) -> str:
        if not self.sources:
            return ""
        cited = []
        for s in self.sources[:6]:
            cited.append(f"{s.publisher} ({s.published.isoformat()})" if s.published else s.publisher)
        more = f" and {len(self.sources) - 6} more" if len(self.sources) > 6 else ""
        return f" Sources: {'; '.join(cited)}{more}."

    def _imprecise_note(self) -> str:
        return (
            f" The date is known only as {format_span(self.visit.start, self.visit.end)}; "
            "every possible day gives this verdict."
        )

    # Whole explanations ------------------------------------------------------------

    def pending(self, reason: str) -> str:
        v = self.visit
        return (
            f"No verdict yet on the visit of {v.person_name} to {self._where()} {self._when()}: "
            f"{reason}.{self.sources_text()}"
        )

    def deterred_undated(self) -> str:
        v = self.visit
        return (
            f"A trip by {v.person_name} to {self._where()} was called off (date unknown); "
            f"the warrant may have deterred it.{self.sources_text()}"
        )

    def explain(self, s: _Scenario, imprecise: bool = False) -> str:
        v = self.visit
        warrant = self.warrants.get(s.warrants[0]) if s.warrants else None
        note = self._imprecise_note() if imprecise else ""
        if s.code == DETERRED:
            how = "attended by video instead" if v.status == "virtual" else "was called off"
            bound = (
                f" Had the trip gone ahead, {self.host.name} would have been bound to arrest: "
                + self.obligation(s.basis, warrant)
                if s.bound
                else f" {self.host.name} would not have been bound to arrest."
            )
            return (
                f"{v.person_name}'s trip to {self._where()} {self._when()} {how}."
                f"{bound}{note}{self.sources_text()}"
            )
        if s.code == NO_WARRANT_IN_FORCE:
            return (
                f"No warrant against {v.person_name} was in force during the visit to {self._where()} "
                f"{self._when()}, so there was nothing to execute.{note}{self.sources_text()}"
            )
        if s.code == WARRANT_NOT_PUBLIC:
            return (
                f"A warrant against {v.person_name} was in force during the visit to {self._where()} "
                f"{self._when()}, but it was under seal and {self.host.name} is not known to have been "
                f"notified of it, so no failure to arrest can be charged.{note}{self.sources_text()}"
            )
        wsent = " " + self.warrant(warrant, s.day) if warrant else ""
        if s.code == COMPLIED:
            obligation = " " + self.obligation(s.basis, warrant) if s.basis else ""
            return (
                f"{self.visit_sentence('was arrested')}: the warrant was executed.{wsent}{obligation}"
                f"{note}{self.sources_text()}"
            )
        if s.code == NO_OBLIGATION:
            return (
                f"{self.obligation('', warrant)}{wsent} {self.visit_sentence(_OUTCOME_TEXT.get(v.outcome, 'was not arrested'))}"
                f"; this was no breach of an obligation to arrest.{self.justification()}{note}{self.sources_text()}"
            )
        if s.code == NON_COMPLIANCE:
            return (
                f"{self.obligation(s.basis, warrant)}{wsent} "
                f"{self.visit_sentence(_OUTCOME_TEXT[v.outcome])}: a failure to arrest and surrender "
                f"(Arts. 86, 89(1)).{self.justification()}{self.finding_text()}{note}{self.sources_text()}"
            )
        return self.pending("the outcome recorded does not allow a verdict")
