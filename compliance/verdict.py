"""The verdict for one visit: the table of docs/DOMAIN.md ("The verdict for one visit"), in its order.

Pure Python: no Django, no Celery. A visit with partial dates is evaluated on every
possible day (in practice on the days where a fact changes, since the verdict is
constant between them); if all agree that is the verdict, otherwise it is
`no_obligation` when the host was bound on none of them (for a warrant then in
force, public or sealed), and `pending` when it was bound on some. A warrant date
known only to the month or year is read both ways, as early and as late as it
could be.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from compliance.explanation import Explainer
from compliance.facts import (
    ART_12_3_DECLARATION,
    ART_127_2_RESIDUAL,
    BASES,
    COMPLIED,
    DETERRED,
    DETERRED_STATUSES,
    FAILED_OUTCOMES,
    IMPRECISE_REASON,
    NO_OBLIGATION,
    NO_WARRANT_IN_FORCE,
    NON_COMPLIANCE,
    PENDING,
    PENDING_OUTCOME_REASON,
    PRESENT_STATUSES,
    STATE_PARTY,
    WARRANT_NOT_PUBLIC,
    FindingFacts,
    Reading,
    SourceFacts,
    StateFacts,
    Verdict,
    VisitFacts,
    WarrantFacts,
)

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
) -> Reading:
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
        return Reading(
            DETERRED, **(bound or {"warrants": tuple(usable) or tuple(in_force)}), **common
        )
    if not in_force:
        return Reading(NO_WARRANT_IN_FORCE, day=first, **common)
    if not usable:
        day = next(iter(in_force.values()))[0]
        return Reading(WARRANT_NOT_PUBLIC, day=day, warrants=tuple(in_force), **common)
    first_usable_day, first_usable = next(iter(usable.values()))
    if visit.outcome == "arrested":
        return Reading(
            COMPLIED,
            **(bound or {"day": first_usable_day, "warrants": (first_usable.id,)}),
            **common,
        )
    if not bound:
        return Reading(NO_OBLIGATION, day=first_usable_day, warrants=tuple(usable), **common)
    if visit.status in PRESENT_STATUSES and visit.outcome in FAILED_OUTCOMES:
        return Reading(NON_COMPLIANCE, **bound, **common)
    # Bound host, usable warrant, but an outcome (such as n/a) the table has no row for.
    return Reading(PENDING, **bound, **common)


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
    text = Explainer(visit, host, warrants, findings, sources)
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
            Reading(NO_OBLIGATION, day=visit.start.first),
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
        problems.append(
            "The researcher's note says the host was a State Party on the visit date, "
            f"but the verdict is {verdict.code}."
        )
    if "was not an ICC State Party at any time" in note and verdict.basis == STATE_PARTY:
        problems.append(
            "The researcher's note says the host was never a State Party, "
            "but the verdict's basis is state_party."
        )
    return " ".join(problems)
