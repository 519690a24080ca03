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

from compliance.explanation import Reasons
from compliance.facts import (
    ANNOUNCED,
    ART_12_3_DECLARATION,
    ART_127_2_RESIDUAL,
    BASES,
    COMPLIED,
    CUSTODY_OUTCOMES,
    DETERRED,
    DETERRED_STATUSES,
    END_UNKNOWN_REASON,
    FAILED_OUTCOMES,
    IMPRECISE_REASON,
    NO_CONTROL,
    NO_HOST_CONTROL,
    NO_OBLIGATION,
    NO_WARRANT_IN_FORCE,
    NON_COMPLIANCE,
    PENDING,
    PENDING_OUTCOME_REASON,
    PRESENT_STATUSES,
    REJECTED,
    STATE_PARTY,
    TOLD_PENDING,
    TOLD_UNDATED,
    TOLD_WITHDRAWN,
    UNSC_REFERRAL,
    UPCOMING,
    WARRANT_NOT_PUBLIC,
    WITHDRAWN,
    WITHDRAWN_REVIEW,
    WOULD_HAVE_BEEN_CODES,
    Decision,
    DeclarationFacts,
    FindingFacts,
    Period,
    Reading,
    ReferralFacts,
    SourceFacts,
    StateFacts,
    Verdict,
    VisitFacts,
    WarrantFacts,
    in_force_on,
    warrant_start,
)

# --- Day-level facts ----------------------------------------------------------------


def _warrant_public_from(w: WarrantFacts, late: bool) -> datetime.date | None:
    if w.made_public is None:
        return None
    return w.made_public.last if late else w.made_public.first


def public_on(w: WarrantFacts, day: datetime.date, late: bool = False) -> bool:
    """made_public <= day (`late`: a partial date read as its last possible day)."""
    public_from = _warrant_public_from(w, late)
    return public_from is not None and day >= public_from


def declaration_on(host: StateFacts, day: datetime.date, situation: str) -> DeclarationFacts | None:
    """The Art. 12(3) declaration that binds `host` on `day` for `situation`, or None.

    A declaration binds from the day it is lodged, for the situation it covers only.
    Where several do, the one cited is the one with the latest `covers_from` (a
    declaration without a covered period counts as the earliest), then the latest
    lodged: Putin in Ukraine in 2023 falls under the declaration of 2015-09-08 (covering
    from 2014-02-20), not that of 2014-04-17 (covering 2013-11-21 to 2014-02-22).
    """
    lodged = [d for d in host.binding_declarations if d.situation == situation and d.lodged <= day]
    if not lodged:
        return None
    return max(
        lodged,
        key=lambda d: (d.covers_from.first if d.covers_from else datetime.date.min, d.lodged),
    )


def referral_on(host: StateFacts, day: datetime.date, situation: str) -> ReferralFacts | None:
    """The Security Council resolution obliging `host` to cooperate for `situation` on `day`
    (adopted on or before it; the earliest such), or None."""
    adopted = [r for r in host.referrals if r.situation == situation and r.adopted <= day]
    return min(adopted, key=lambda r: r.adopted) if adopted else None


def obligation_on(
    host: StateFacts, day: datetime.date, w: WarrantFacts, situation: str, late: bool = False
) -> tuple[str, DeclarationFacts | ReferralFacts | None]:
    """(basis, grounds): the first basis in BASES order binding `host` on `day` for warrant
    `w` of `situation`, with the declaration or resolution cited for it; ('', None) if none.

    state_party: entry into force reached, withdrawal not yet effective (Arts. 126, 127(1));
    art_127_2_residual: withdrawal effective, warrant issued before (Art. 127(2));
    art_12_3_declaration: a declaration for the situation lodged by then (Art. 12(3));
    unsc_referral: a Chapter VII resolution obliging this state for the situation,
    adopted by then.
    """
    if host.party_on(day):
        return STATE_PARTY, None
    if host.ever_party and host.withdrawal_effective and day >= host.withdrawal_effective:
        # Art. 127(2): withdrawal does not discharge obligations that arose while the
        # state was a party: it stays bound for warrants issued before it took effect.
        start = warrant_start(w, late)
        if start is not None and start < host.withdrawal_effective:
            return ART_127_2_RESIDUAL, None
    declaration = declaration_on(host, day, situation)
    if declaration is not None:
        return ART_12_3_DECLARATION, declaration
    referral = referral_on(host, day, situation)
    if referral is not None:
        return UNSC_REFERRAL, referral
    return "", None


def basis_on(
    host: StateFacts, day: datetime.date, w: WarrantFacts, situation: str, late: bool = False
) -> str:
    """The first obligation basis that binds `host` on `day` for warrant `w`, or ''."""
    return obligation_on(host, day, w, situation, late)[0]


# --- The verdict ----------------------------------------------------------------


def _days(first: datetime.date, last: datetime.date) -> Iterable[datetime.date]:
    """first..last, both included (never past `last`: a visit ending on date.max ends there)."""
    day = first
    while day <= last:
        yield day
        if day == last:
            return
        day += datetime.timedelta(days=1)


# Longer than this, a span is read on the days a fact changes rather than day by day.
LONG_SPAN_DAYS = 62


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
    best = None  # (rank, day, basis, warrant, grounds): the first basis, earliest day
    host_bound = False
    # Facts change only on the days _change_points gives: over a long span (a visit known
    # to the year at both ends) those days are read, not every day.
    long_span = (last - first).days > LONG_SPAN_DAYS
    days = _change_points(host, warrants, first, last) if long_span else _days(first, last)
    for day in days:
        for w in warrants:
            if not in_force_on(w, day, late):
                continue
            in_force.setdefault(w.id, (day, w))
            basis, grounds = obligation_on(host, day, w, visit.situation, late)
            host_bound = host_bound or bool(basis)
            if not (public_on(w, day, late) or visit.host_notified):
                continue  # sealed and not notified: no failure to arrest can be charged
            usable.setdefault(w.id, (day, w))
            if basis and (best is None or BASES.index(basis) < best[0]):
                best = (BASES.index(basis), day, basis, w, grounds)

    # What the host was (or would be) bound by: a usable warrant and a basis on one day,
    # citing every warrant usable on that day that the host was bound to execute (al-Bashir
    # after 12 July 2010: both warrants, of 2009 and of 2010).
    bound = {}
    if best is not None:
        _, day, basis, w, grounds = best
        cited = (
            w.id,
            *(o.id for o in _usable_on(visit, host, warrants, day, late, True) if o.id != w.id),
        )
        bound = {"basis": basis, "day": day, "warrants": cited, "bound": True, "grounds": grounds}
    common = {"in_force": tuple(in_force), "host_bound": host_bound}
    unbound = {"warrants": tuple(usable) or tuple(in_force), "day": first}
    first_usable = next(iter(usable.values()), None)

    # The table, row by row, in DOMAIN.md's order (`pending` for the review state, the
    # outcome and the dates is decided by `evaluate` before any day is read).
    if visit.status == ANNOUNCED:
        return Reading(code=UPCOMING, **(bound or unbound), **common)
    if visit.status in DETERRED_STATUSES:
        return Reading(code=DETERRED, **(bound or unbound), **common)
    if not in_force:
        return Reading(code=NO_WARRANT_IN_FORCE, day=first, **common)
    if not usable:
        return Reading(
            code=WARRANT_NOT_PUBLIC,
            day=next(iter(in_force.values()))[0],
            warrants=tuple(in_force),
            **common,
        )
    if visit.host_control == NO_HOST_CONTROL:
        return Reading(code=NO_CONTROL, **(bound or unbound), **common)
    if visit.outcome in CUSTODY_OUTCOMES:
        on = first_usable[0]
        cited = tuple(o.id for o in _usable_on(visit, host, warrants, on, late, False))
        usable_first = {"day": on, "warrants": cited}
        return Reading(code=COMPLIED, **(bound or usable_first), **common)
    if not bound:
        on = first_usable[0]
        cited = tuple(o.id for o in _usable_on(visit, host, warrants, on, late, False))
        return Reading(code=NO_OBLIGATION, day=on, warrants=cited, **common)
    if visit.status in PRESENT_STATUSES and visit.outcome in FAILED_OUTCOMES:
        return Reading(code=NON_COMPLIANCE, **bound, **common)
    # Bound host, usable warrant, but an outcome (such as n/a) the table has no row for:
    # no verdict, and so no basis.
    return Reading(code=PENDING, day=bound["day"], warrants=bound["warrants"], **common)


def _usable_on(
    visit: VisitFacts,
    host: StateFacts,
    warrants: Sequence[WarrantFacts],
    day: datetime.date,
    late: bool,
    binding: bool,
) -> list[WarrantFacts]:
    """The warrants of `warrants` (in their order) usable on `day`: in force, and public or
    notified to the host; with `binding`, only those the host was bound on some basis to
    execute that day (Art. 127(2) binds a withdrawn state only for warrants issued before
    its withdrawal took effect)."""
    return [
        w
        for w in warrants
        if in_force_on(w, day, late)
        and (public_on(w, day, late) or visit.host_notified)
        and (not binding or basis_on(host, day, w, visit.situation, late))
    ]


def _change_points(
    host: StateFacts, warrants: Sequence[WarrantFacts], first: datetime.date, last: datetime.date
) -> list[datetime.date]:
    """The days in first..last on which some fact changes (plus `first`): the verdict of a
    one-day visit is constant between them, so these are the only days worth trying."""
    points = {first}
    candidates = [host.entry_into_force, host.withdrawal_effective]
    candidates += [d.lodged for d in host.binding_declarations]
    candidates += [r.adopted for r in host.referrals]
    for w in warrants:
        for period in (w.issued, w.made_public):
            if period is not None:
                candidates += [period.first, period.last]
        if w.ended is not None:
            candidates.append(w.ended + datetime.timedelta(days=1))
    points.update(d for d in candidates if d is not None and first <= d <= last)
    return sorted(points)


def _possible_spans(
    host: StateFacts, warrants: Sequence[WarrantFacts], start: Period, end: Period
) -> list[tuple[datetime.date, datetime.date]]:
    """The spans (first day, last day) worth trying for a visit that began some day in
    `start` and ended some day in `end`: it covered every day between, whatever the exact
    dates (docs/DOMAIN.md, "Dates": a visit covers its days start..end). A span changes its
    verdict only where it gains or loses a day on which a fact changes, so it starts on
    `start.first` or on such a day in `start`, and ends on `end.last` or on the day before
    such a day in `end`, never before it starts. The widest comes first."""
    starts = _change_points(host, warrants, start.first, start.last)
    changes = _change_points(host, warrants, end.first, end.last)
    ends = [end.last] + [d - datetime.timedelta(days=1) for d in reversed(changes) if d > end.first]
    return [(first, last) for first in starts for last in ends if first <= last]


def _changed_on(
    chosen: tuple[datetime.date, datetime.date], other: tuple[datetime.date, datetime.date]
) -> datetime.date:
    """The day on which the verdict of a visit's `other` possible span departs from that
    of the first one tried, `chosen`: the day `other` starts when it starts later, else the
    first day it leaves out; None when it is the same span, read with a warrant's other
    possible date (the warrant's imprecise date, not the visit's, is then what leaves the
    verdict open)."""
    if other == chosen:
        return None
    if other[0] != chosen[0]:
        return other[0]
    return other[1] + datetime.timedelta(days=1)


def _undated_reading(
    visit: VisitFacts, host: StateFacts, warrants: Sequence[WarrantFacts]
) -> tuple[bool | None, Reading | None, list[Reading]]:
    """For a trip with no date (called off or announced): (would_have_been_bound, reading,
    every reading tried).

    Any day is possible; the trip is read on each day where a fact changes, as a dated
    trip's possible days are read, and only the days on which a warrant of the person was
    in force count (docs/DOMAIN.md, "Dates"). True, with the reading of the earliest such
    day (its basis and warrants), when on every one of them the host was bound to execute a
    usable warrant (Art. 127(2) included: a withdrawn state stays bound only for warrants
    issued before its withdrawal took effect). False when on none of them: a reading that
    tells why, as a dated trip's reasons would: a day with a warrant in force while the host
    was bound (the warrant was sealed), else a day with one in force, else any. (None, None)
    when it differs from day to day: the answer depends on the unknown day."""
    points = _change_points(host, warrants, datetime.date.min, datetime.date.max)
    readings = [
        _scenario(visit, host, warrants, day, day, late) for day in points for late in (False, True)
    ]
    return (*_would_have_been_bound(readings), readings)


def _would_have_been_bound(readings: Sequence[Reading]) -> tuple[bool | None, Reading | None]:
    """Whether a trip that did not happen (or a place out of the host's control) would have
    bound the host, over its possible `readings`, counting only those with a warrant in
    force: (True, the first bound reading) when all of them bind it; (False, the reading
    that tells why: a sealed warrant, else a warrant in force, else the first) when none
    does; (None, None) when they differ."""
    in_force = [r for r in readings if r.in_force]
    if in_force and all(r.bound for r in in_force):
        return True, in_force[0]
    if not any(r.bound for r in readings):
        why = next((r for r in in_force if r.host_bound), in_force[0] if in_force else readings[0])
        return False, why
    return None, None


def _in_force_throughout(readings: Sequence[Reading]) -> bool:
    """Whether some warrant of the person was in force on every one of a trip's possible
    `readings`: False when, on some possible day (or reading of a warrant's partial date),
    none was, so that a host that would have been bound on every day with a warrant in
    force (docs/DOMAIN.md, "Dates") was bound on those days only, not whatever the day
    (Netanyahu's warrant of 21 November 2024 and a trip dated only 2024)."""
    return all(r.in_force for r in readings)


def _what_varies(
    readings: Sequence[Reading], warrants: Sequence[WarrantFacts]
) -> tuple[Period | None, bool]:
    """For a trip not made (or a place out of the host's control) whose answer depends on
    the day (`_would_have_been_bound` gave None): what makes it depend, as
    (public_from, bound_throughout). `bound_throughout`: the host was bound, on some basis,
    on every reading with a warrant in force. `public_from`: the day (a Period, possibly
    partial) the warrant was made public that was in force but under seal, and not notified
    to the host, on a reading on which the host was bound but not bound to arrest (the
    earliest such publication); None when no seal decides any reading (the host's
    obligation alone varies). Mongolia, a party since 2002, and a trip called off in March
    2023 under a warrant issued on 10 January and made public on 17 March: (17 March 2023,
    True), the warrant, not the host's standing, is what the day decides."""
    in_force = [r for r in readings if r.in_force]
    bound_throughout = bool(in_force) and all(r.host_bound for r in in_force)
    by_id = {w.id: w for w in warrants}
    sealed = [
        w.made_public
        for r in in_force
        if r.host_bound and not r.bound
        for wid in r.in_force
        if (w := by_id.get(wid)) is not None
        and w.made_public is not None
        and r.day is not None
        and r.day < w.made_public.last
    ]
    public_from = min(sealed, key=lambda p: (p.first, p.last)) if sealed else None
    return public_from, bound_throughout


def decide(visit: VisitFacts, host: StateFacts, warrants: Sequence[WarrantFacts]) -> Decision:
    """The decision on one visit (docs/DOMAIN.md, "The verdict for one visit"), without reasons.

    `warrants` are the person's warrants (all of them: the rule picks those in force).
    Never raises for well-formed facts; a visit without a date is `pending` (or
    `deterred` / `upcoming` for a trip that did not happen). The verdict's reasons are
    `explain(decision, ...)`; `evaluate` gives both.
    """
    # Outside the table: a visit that left the record.
    if visit.review_state in (REJECTED, WITHDRAWN_REVIEW):
        reason = (
            "the report was rejected on review"
            if visit.review_state == REJECTED
            else visit.withdrawal_note or "the visit was removed from the dataset"
        )
        return Decision(code=WITHDRAWN, told=TOLD_WITHDRAWN, reason=reason)

    # pending: review state not verified, outcome unknown (or no date to read).
    if visit.review_state != "verified":
        reason = "the report has not yet been verified by a reviewer"
        return Decision(code=PENDING, told=TOLD_PENDING, pending_why="not_verified", reason=reason)
    if visit.outcome == "unknown":
        reason = "the outcome of the visit is not known"
        return Decision(
            code=PENDING, told=TOLD_PENDING, pending_why="outcome_unknown", reason=reason
        )
    if visit.start is None:
        if visit.status == ANNOUNCED or visit.status in DETERRED_STATUSES:
            # Any day is possible. Every one gives the same answer when on none of them a
            # warrant of the person was usable while the host was bound: it would not have
            # been (or will not be) bound (DOMAIN.md, "Dates"). Otherwise the answer depends
            # on a date nobody knows.
            would, reading, readings = _undated_reading(visit, host, warrants)
            bound = reading if would else Reading(code="")
            public_from, throughout = (
                _what_varies(readings, warrants) if would is None else (None, False)
            )
            return Decision(
                code=UPCOMING if visit.status == ANNOUNCED else DETERRED,
                basis=bound.basis,
                warrant_ids=bound.warrants,
                told=TOLD_UNDATED,
                would_have_been_bound=would,
                reading=reading,
                public_from=public_from,
                bound_throughout=throughout,
                in_force_throughout=_in_force_throughout(readings) if would else True,
            )
        reason = "the visit has no date"
        return Decision(code=PENDING, told=TOLD_PENDING, pending_why="no_date", reason=reason)

    # An end that is not known is not read as a day: the visit covered its start (docs/
    # DOMAIN.md, "Dates"), and the later days it may have lasted to are read below.
    known_end = visit.end if visit.end_known else None
    end = known_end or visit.start
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
    elif known_end is not None and known_end != visit.start:
        # Known to start in one period and end in another: every day between the latest
        # possible start and the earliest possible end was certainly covered.
        spans = _possible_spans(host, warrants, visit.start, end)
    else:
        # Some day in the period: try each possible day on which a fact changes.
        spans = [(d, d) for d in _change_points(host, warrants, visit.start.first, end.last)]
    readings = [
        ((first, last), _scenario(visit, host, warrants, first, last, late))
        for first, last in spans
        for late in lateness
    ]
    # An end that is not known: the visit covered its start and may have gone on to any
    # later day (docs/DOMAIN.md, "Dates"). It is also read as lasting up to each later day
    # on which a fact that decides the verdict changes (the host's entry into force or
    # withdrawal, a declaration, a referral, a warrant issued, made public or ended): when
    # every such reading gives the start's verdict, that is the verdict; when one differs
    # and the host was bound on some day, it is `pending` (the end not known and the facts
    # change on that day).
    later = (
        [d for d in _change_points(host, warrants, end.last, datetime.date.max) if d > end.last]
        if visit.end_known is False
        else []
    )
    starts = list(dict.fromkeys(first for first, _ in spans))
    extended = [
        ((first, d), _scenario(visit, host, warrants, first, d, late))
        for d in later
        for first in starts
        for late in lateness
    ]
    scenarios = [s for _, s in readings]
    chosen = scenarios[0]
    if extended and any(
        s.code != chosen.code or s.host_bound != chosen.host_bound for _, s in extended
    ):
        if any(s.code != chosen.code for _, s in extended) and any(
            s.host_bound for s in (*scenarios, *(s for _, s in extended))
        ):
            changed_on = next(sp for sp, s in extended if s.code != chosen.code)[1]
            return Decision(
                code=PENDING,
                told=TOLD_PENDING,
                pending_why="end_unknown",
                changed_on=changed_on,
                reason=END_UNKNOWN_REASON,
            )
        readings += extended
        scenarios = [s for _, s in readings]

    if any(s.code != chosen.code for s in scenarios):
        if any(s.host_bound for s in scenarios):
            # pending: the date is too imprecise to decide (a state joined in the middle
            # of the year the visit is dated to).
            changed_on = (
                None
                if exact
                else _changed_on(spans[0], next(sp for sp, s in readings if s.code != chosen.code))
            )
            return Decision(
                code=PENDING,
                told=TOLD_PENDING,
                pending_why="imprecise",
                changed_on=changed_on,
                reason=IMPRECISE_REASON,
            )
        # The readings disagree (no warrant yet on some days, say), but on none of them was
        # the host bound: that much is certain whatever the exact date.
        chosen = next(
            (s for s in scenarios if s.code == NO_OBLIGATION),
            Reading(code=NO_OBLIGATION, day=visit.start.first),
        )
        return Decision(
            code=NO_OBLIGATION,
            warrant_ids=chosen.warrants,
            decisive_day=chosen.day,
            reading=chosen,
            uniform=False,
        )

    would = None
    in_force_throughout = True
    if chosen.code in WOULD_HAVE_BEEN_CODES:
        # Upcoming, deterred or out of the host's control whatever the day: bound on every
        # possible day on which a warrant was in force (True), on none (False), or on only
        # some, so that whether the host would have been bound depends on a date nobody
        # knows (None).
        would, reading = _would_have_been_bound(scenarios)
        if would is None:
            example = next(s for s in scenarios if s.bound)
            public_from, throughout = _what_varies(scenarios, warrants)
            return Decision(
                code=chosen.code,
                warrant_ids=example.warrants,
                reading=example,
                uniform=False,
                public_from=public_from,
                bound_throughout=throughout,
            )
        # The reading that tells why: the basis of the earliest day that binds the host,
        # or, when none does, a day with a warrant in force (not a possible day before any
        # warrant was issued, which would give "no warrant in force" as the reason).
        chosen = reading
        in_force_throughout = not would or _in_force_throughout(scenarios)
    has_basis = chosen.code in (*WOULD_HAVE_BEEN_CODES, COMPLIED, NON_COMPLIANCE)
    return Decision(
        code=chosen.code,
        basis=chosen.basis if has_basis else "",
        warrant_ids=chosen.warrants,
        would_have_been_bound=would,
        decisive_day=chosen.day,
        reason=PENDING_OUTCOME_REASON if chosen.code == PENDING else "",
        reading=chosen,
        several_readings=len(scenarios) > 1,
        in_force_throughout=in_force_throughout,
    )


def explain(
    decision: Decision,
    visit: VisitFacts,
    host: StateFacts,
    warrants: Sequence[WarrantFacts],
    findings: Sequence[FindingFacts] = (),
    sources: Sequence[SourceFacts] = (),
) -> tuple[dict, ...]:
    """The reasons of `decision` (a tuple of dicts, see compliance.explanation), from the
    facts it was decided on plus the visit's ICC `findings` and its `sources`.

    Raises ValueError for a decision told by its reading that carries none (one built by
    hand rather than by `decide`)."""
    if decision.told not in (TOLD_WITHDRAWN, TOLD_PENDING, TOLD_UNDATED) and (
        decision.reading is None
    ):
        raise ValueError(f"a {decision.code} decision told by its reading carries no reading")
    why = Reasons(visit, host, warrants, findings, sources)
    if decision.told == TOLD_WITHDRAWN:
        return why.withdrawn()
    if decision.told == TOLD_PENDING:
        return why.pending(decision.pending_why, changed_on=decision.changed_on)
    varies = {"public_from": decision.public_from, "bound_throughout": decision.bound_throughout}
    throughout = decision.in_force_throughout
    if decision.told == TOLD_UNDATED:
        return why.undated(
            decision.reading,
            known=decision.would_have_been_bound is not None,
            in_force_throughout=throughout,
            **varies,
        )
    return why.explain(
        decision.reading,
        uniform=decision.uniform,
        several_readings=decision.several_readings,
        in_force_throughout=throughout,
        **varies,
    )


def evaluate(
    visit: VisitFacts,
    host: StateFacts,
    warrants: Sequence[WarrantFacts],
    findings: Sequence[FindingFacts] = (),
    sources: Sequence[SourceFacts] = (),
) -> Verdict:
    """The verdict on one visit (docs/DOMAIN.md, "The verdict for one visit"), with its reasons.

    `warrants` are the person's warrants (all of them: the rule picks those in force);
    `findings` the ICC findings about this visit; `sources` the visit's sources. Never
    raises for well-formed facts. `decide` followed by `explain`.
    """
    decision = decide(visit, host, warrants)
    return Verdict(
        code=decision.code,
        basis=decision.basis,
        reasons=explain(decision, visit, host, warrants, findings, sources),
        warrant_ids=decision.warrant_ids,
        would_have_been_bound=decision.would_have_been_bound,
        decisive_day=decision.decisive_day,
        reason=decision.reason,
    )


# --- Self-check -------------------------------------------------------------------


def self_check(
    verdict: Verdict | Decision,
    has_art_87_7_finding: bool,
    expected_verdict: str = "",
    has_no_failure_decision: bool = False,
) -> str:
    """A warning (English, for staff) when the verdict (or decision) disagrees with the data, else ''.

    `has_art_87_7_finding`: the data records an ICC Art. 87(7) non-compliance finding
    for this visit; `expected_verdict`: the verdict code a researcher expects (the
    optional `expected_verdict` column of visits.csv; '' for none). Such a disagreement
    means the data or the rule is wrong somewhere (docs/DOMAIN.md, "Self-check"). A
    withdrawn verdict (a visit rejected on review or removed from the dataset) is checked
    against neither: it has left the record, and no finding or note about it is a
    disagreement. `has_no_failure_decision`: the data records a decision of the Court on
    this visit that found no failure to comply (kind `no_failure`: Nigeria, 5 September
    2013); a `non_compliance` verdict then is iccwatch's reading against the Court's, which
    staff must see.
    """
    problems = []
    if has_no_failure_decision and verdict.code == NON_COMPLIANCE:
        problems.append(
            "The ICC found no failure to comply for this visit, but the verdict is "
            f"{verdict.code} (iccwatch's reading against the Court's decision)."
        )
    if has_art_87_7_finding and verdict.code not in (NON_COMPLIANCE, WITHDRAWN):
        problems.append(
            f"The ICC found non-compliance for this visit, but the verdict is {verdict.code}."
        )
    expected = (expected_verdict or "").strip()
    # A visit that left the record has no verdict to compare a researcher's note with.
    if expected and expected != verdict.code and verdict.code != WITHDRAWN:
        problems.append(
            f"The researcher expected the verdict {expected}, but the rule gives {verdict.code}."
        )
    return " ".join(problems)
