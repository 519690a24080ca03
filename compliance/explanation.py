"""The reasons of a verdict: the facts that decided it, as structured, language-free data.

Pure Python: no Django, no Celery. The rule does not write prose: it returns a tuple of
JSON-serialisable dicts, each `{"key": ..., **params}`, in the order a paragraph tells
them (obligation, warrant, visit, justification, findings, dates, sources). The site,
the API and the exports render them in the reader's language (core.reasons.render).

Conventions for the params:
- a state is `{"iso3": "MNG", "name": "Mongolia"}` (the name: an English fallback);
- a person is named (`person`), a situation by its name (`situation`, e.g. "Ukraine");
- dates are ISO strings, possibly partial ("2024-09-02", "2009-03", "2009"), "" for none;
- a visit is `person`, `state`, `places` (list of names as recorded), `start`, `end`
  ("" when the visit lasted one day, its date is unknown or its end is not known), and
  `end_known` False, present only for a dated visit whose end is not known.

The keys and their own params (see REASON_KEYS):
- obligation: `bound_state_party` (entry_into_force, deposited, joined "ratified" |
  "acceded" | "succeeded" | "", withdrawal_effective, day), `bound_residual` (withdrawal_effective,
  warrant_issued: "" when unknown, then warrant_public: the day it was made public, from
  which alone it is taken to be in force), `bound_declaration` (situation, lodged, covers_from, covers_to),
  `bound_referral` (situation, resolution, adopted); each with `state`;
- no obligation: `never_party` (deposited), `not_party` and `not_yet_party`
  (situation, entry_into_force, deposited, declaration_lodged_later,
  declaration_situation), `no_longer_party` (withdrawal_effective), `not_bound`;
  `referral_not_binding` (state, situation, resolution, adopted, bound: the states the
  resolution obliges, [] for none) after any of them, where the Security Council referred
  the person's situation by a resolution that does not oblige this host;
- `would_be_bound` (code, state, known; day_unknown for an undated trip; where `known` is
  False because a warrant was under seal on some possible days, public_from: the day it was
  made public, and bound_throughout: the host was bound on every possible day a warrant was
  in force) and `would_not_be_bound` (code, state, person, why "no_warrant" | "sealed") for
  upcoming, deterred and no_control;
- `warrant` (person, situation, issued, made_public, day, start, end, uniform, ended,
  end_reason, notified: a state or None; maybe: True, present only where the warrant may
  not yet have been in force then, its issue date (or, that unknown, the day it was made
  public) being known only to the month or year; for a trip not made that would bind the
  host, the warrants it would have been bound to execute, after the obligation; `day` and
  `start` both "" for an undated one), `no_warrant_in_force` (visit, issued_after,
  ended_before, several), `warrant_sealed` (visit, issued, made_public, outcome);
- `visit` (visit, status, outcome, conclusion "non_compliance" | "no_obligation" |
  "complied"), `trip` (visit, status "cancelled" | "virtual" | "announced"),
  `no_control` (visit, status, outcome, controlled_by: a state or None);
  `place_not_controlled` (state, status "announced" | "cancelled" | "virtual",
  controlled_by: a state or None), after the `trip` of a trip not made to a place the
  host did not control: it could not arrest there, so the trip is no early warning;
- `justification` (state, text); `finding` (decided, kind, chamber, reference,
  referred_to_asp, referred_to_unsc: where an Art. 87(7) finding was referred, false for a
  decision of kind `other`; informed_asp, informed_unsc: the bodies a decision of kind
  `other` only informed, false for a finding; reasons stored before rule 2026.12.06 lack
  `informed_*`, see core.reasons.decision_bodies); `no_standing_referral` (decided: the later
  Art. 87(7) finding, made without referral, that left no referral standing); `no_court_finding` (other_decision: a
  decision on the visit that made no Art. 87(7) finding follows; a `non_compliance`
  verdict on a visit of which the Court has made no such finding is iccwatch's reading
  of the facts, not the Court's; no_failure: the date of a decision that found no failure
  to comply, present only where there is one, against which that reading stands;
  no_failure_reported_by: "state", present only where that decision is known only from
  the state concerned's own report); `date_note` (kind "visit" | "warrant", uniform,
  state, start, end, span: a visit read over the spans it may have covered;
  in_force_throughout: False, present only for a trip not made that would have bound the
  host on every possible day (or reading) with a warrant in force while on some none was,
  start "" for an undated one); `end_unknown` (state, start: a dated visit whose end is
  not known, whose verdict rests on its start; every reason naming such a visit carries
  `end_known` False beside its `start` and empty `end`); `sources`
  (sources: [{publisher, date, url}], more);
- `pending` (visit, why "not_verified" | "outcome_unknown" | "no_date" |
  "outcome_not_judgeable" | "imprecise" | "end_unknown", changed_on, imprecise_warrant: {issued,
  made_public} or None); `withdrawn` (visit, why "rejected" | "removed", note).
"""

from __future__ import annotations

import datetime

from compliance.facts import (
    ANNOUNCED,
    ART_12_3_DECLARATION,
    ART_87_7,
    ART_127_2_RESIDUAL,
    COMPLIED,
    DETERRED,
    NO_CONTROL,
    NO_HOST_CONTROL,
    NO_OBLIGATION,
    NO_WARRANT_IN_FORCE,
    NON_COMPLIANCE,
    REJECTED,
    STATE_PARTY,
    UNSC_REFERRAL,
    UPCOMING,
    WARRANT_NOT_PUBLIC,
    FindingFacts,
    Period,
    Reading,
    StateFacts,
    WarrantFacts,
    in_force_on,
    warrant_start,
)

REASON_KEYS = (
    "bound_state_party",
    "bound_residual",
    "bound_declaration",
    "bound_referral",
    "never_party",
    "not_party",
    "not_yet_party",
    "no_longer_party",
    "not_bound",
    "referral_not_binding",
    "would_be_bound",
    "would_not_be_bound",
    "warrant",
    "no_warrant_in_force",
    "warrant_sealed",
    "visit",
    "trip",
    "no_control",
    "place_not_controlled",
    "justification",
    "finding",
    "no_standing_referral",
    "no_court_finding",
    "date_note",
    "end_unknown",
    "sources",
    "pending",
    "withdrawn",
)

# How many sources an explanation names; the rest are counted.
MAX_SOURCES = 6

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
    """'situation in Ukraine', 'situation in the State of Palestine' (English)."""
    the = "the " if situation.startswith(_NAMES_WITH_ARTICLE) else ""
    return f"situation in {the}{situation}"


def _iso(value: datetime.date | Period | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Period):
        return value.isoformat()
    return value.isoformat()


def state_ref(state: StateFacts | None, iso3: str = "", name: str = "") -> dict | None:
    """{"iso3": ..., "name": ...} for a state (None for none; name "" when unknown)."""
    if state is not None:
        return {"iso3": state.iso3, "name": state.name}
    if iso3 or name:
        return {"iso3": iso3, "name": name}
    return None


def finding_reason(finding: FindingFacts) -> dict:
    """The `finding` reason for one ICC decision (also used for decisions without a visit):
    {"key": "finding", "decided": partial ISO date, "kind": "art_87_7" | "other", "chamber",
    "reference", "referred_to_asp", "referred_to_unsc", "informed_asp", "informed_unsc"},
    the last four booleans; and "reported_by" ("state"), present only where the decision is
    known only from the state concerned's own report (FindingFacts.reported_by).

    Only an Art. 87(7) finding refers a failure (Rome Statute, Art. 87(7)): its
    `referred_to_*` are the bodies stored with it, its `informed_*` false. A decision of kind
    `other` refers nothing: its `referred_to_*` are false and the bodies stored with it are
    those it only informed, `informed_*` (Kenya and Chad, 27 August 2010; Djibouti,
    12 May 2011), the vocabulary of the findings and states API
    (visits.models.decision_bodies)."""
    found = finding.is_finding
    reason = {
        "key": "finding",
        "decided": _iso(finding.decided),
        "kind": finding.kind,
        "chamber": finding.chamber,
        "reference": finding.reference,
        "referred_to_asp": found and bool(finding.referred_to_asp),
        "referred_to_unsc": found and bool(finding.referred_to_unsc),
        "informed_asp": not found and bool(finding.referred_to_asp),
        "informed_unsc": not found and bool(finding.referred_to_unsc),
    }
    if finding.reported_by:
        reason["reported_by"] = finding.reported_by
    return reason


class Reasons:
    """Builds the reasons of a verdict on one visit (see the module's docstring)."""

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
        end = self._end
        return v.start is not None and v.start.exact and (end is None or end.exact)

    @property
    def _end(self) -> Period | None:
        """The visit's end as the rule reads it: None when it is not known (`end_known`)."""
        return self.visit.end if self.visit.end_known else None

    def _last_possible_day(self) -> datetime.date | None:
        """The last day the visit can have been on (its end, else its start); None if undated."""
        v = self.visit
        if self._end is not None:
            return self._end.last
        return v.start.last if v.start is not None else None

    def _withdrawal_known(self) -> bool:
        """Whether the host had notified its withdrawal by the visit's last possible day.

        A State Party's reason names its pending withdrawal (Art. 127(1): still bound until
        it takes effect) only for a visit made after the notice: an earlier visit's reasons
        cite no fact dated after it, so a new notice re-evaluates only the visits on or
        after its date (visits.signals fans a timeline change out by date).
        """
        h, last = self.host, self._last_possible_day()
        if h.withdrawal_effective is None or h.withdrawal_notified is None:
            return False
        return last is None or h.withdrawal_notified <= last

    def _may_fall_after_withdrawal(self) -> bool:
        """Whether a visit whose day is not known exactly (undated, or dated to a month or a
        year) may have fallen on or after the host's withdrawal took effect (Art. 127(1)),
        when a State Party's obligation held, if at all, under Art. 127(2) only."""
        h, last = self.host, self._last_possible_day()
        if self._exact or not self._withdrawal_known():
            return False
        return last is None or last >= h.withdrawal_effective

    def _state(self) -> dict:
        return state_ref(self.host)

    def _visit_ref(self) -> dict:
        v = self.visit
        end = "" if self._end is None or self._end == v.start else _iso(self._end)
        ref = {
            "person": v.person_name,
            "state": self._state(),
            "places": [p.strip() for p in v.place.split(";") if p.strip()],
            "start": _iso(v.start),
            "end": end,
        }
        # Present only where the end is not known, so that every other reason stays as it was.
        if self._end_unknown:
            ref["end_known"] = False
        return ref

    @property
    def _end_unknown(self) -> bool:
        """A dated visit whose last day the sources do not give (VisitFacts.end_known)."""
        return not self.visit.end_known and self.visit.start is not None

    def _end_unknown_note(self) -> list[dict]:
        """`end_unknown` (state, start) for a dated visit whose end is not known: the verdict
        rests on its start, the one day (or period) it is known to have covered."""
        if not self._end_unknown:
            return []
        return [{"key": "end_unknown", "state": self._state(), "start": _iso(self.visit.start)}]

    def _sources(self) -> list[dict]:
        if not self.sources:
            return []
        cited = [
            {"publisher": s.publisher, "date": _iso(s.published), "url": s.url}
            for s in self.sources[:MAX_SOURCES]
        ]
        return [
            {"key": "sources", "sources": cited, "more": max(0, len(self.sources) - MAX_SOURCES)}
        ]

    def _findings(self) -> list[dict]:
        """The findings in date order; when a later decision lifted an earlier referral
        (Jordan: referred in 2017, the referral reversed on appeal in 2019), a
        `no_standing_referral` reason (decided: the later decision's date) says so.

        Only Art. 87(7) findings refer a failure (FindingFacts.referred) and so only they
        lift a referral: the latest of them, made without referral after one that referred.
        A decision of kind `other` that informed the Assembly or the Council is neither
        the referral nor what lifts it."""
        ordered = sorted(self.findings, key=lambda f: f.decided.first)
        reasons = [finding_reason(f) for f in ordered]
        found = [f for f in ordered if f.is_finding]
        if found:
            last = found[-1]
            if any(f.referred for f in found[:-1]) and not last.referred:
                reasons.append({"key": "no_standing_referral", "decided": _iso(last.decided)})
        return reasons

    def _no_court_finding(self) -> list[dict]:
        """For a `non_compliance` verdict: that it is iccwatch's reading of the facts when
        the Court has made no Art. 87(7) finding on the visit (none yet, or a decision that
        made none: Nigeria, 5 September 2013), so that no reader takes it for the Court's."""
        if any(f.kind == ART_87_7 for f in self.findings):
            return []
        reason = {"key": "no_court_finding", "other_decision": bool(self.findings)}
        cleared = sorted(
            (f for f in self.findings if f.found_no_failure), key=lambda f: f.decided.first
        )
        if cleared:
            # The Court found no failure: the verdict is iccwatch's reading against it.
            reason["no_failure"] = _iso(cleared[-1].decided)
            if cleared[-1].reported_by:
                reason["no_failure_reported_by"] = cleared[-1].reported_by
        return [reason]

    def _place_not_controlled(self) -> list[dict]:
        """For a trip not made (announced, called off, by video) to a place the host did not
        control (DOMAIN.md, "Visit": `host_control` none, Putin in occupied Mariupol): that
        the host could not arrest there, naming who controlled it where known; [] otherwise."""
        v = self.visit
        if v.host_control != NO_HOST_CONTROL:
            return []
        return [
            {
                "key": "place_not_controlled",
                "state": self._state(),
                "status": v.status,
                "controlled_by": state_ref(None, v.controlled_by, v.controlled_by_name)
                if v.controlled_by
                else None,
            }
        ]

    def _justification(self) -> list[dict]:
        text = self.visit.host_justification.strip()
        if not text:
            return []
        return [{"key": "justification", "state": self._state(), "text": text}]

    def _joined(self) -> str:
        """'ratified', 'acceded', 'succeeded' or '' (StateFacts.joined, Art. 125)."""
        return self.host.joined

    def obligation(self, s: Reading, warrant: WarrantFacts | None) -> dict:
        """The reason that binds the host on basis `s.basis` (or why it was not bound)."""
        h, state = self.host, self._state()
        if s.basis == STATE_PARTY:
            return {
                "key": "bound_state_party",
                "state": state,
                "entry_into_force": _iso(h.entry_into_force),
                "deposited": _iso(h.deposited),
                "joined": self._joined(),
                "withdrawal_effective": _iso(h.withdrawal_effective)
                if self._withdrawal_known()
                else "",
                "day": _iso(s.day) if s.day and self._exact else "",
                # Some possible day of an imprecise or undated visit fell on or after the
                # withdrawal took effect: not said bound "at the time of the visit" under
                # Art. 127(1) (core.reasons).
                **({"day_unknown": True} if self._may_fall_after_withdrawal() else {}),
            }
        if s.basis == ART_127_2_RESIDUAL:
            residual = {
                "key": "bound_residual",
                "state": state,
                "withdrawal_effective": _iso(h.withdrawal_effective),
                "warrant_issued": _iso(warrant.issued) if warrant else "",
            }
            if warrant is not None and warrant.issued is None:
                # An unknown issue date is only taken to be in force from publication
                # (DOMAIN.md, "Dates"): the reasons say so, never give that day as its issue.
                residual["warrant_public"] = _iso(warrant.made_public)
            return residual
        if s.basis == ART_12_3_DECLARATION and s.grounds is not None:
            d = s.grounds
            return {
                "key": "bound_declaration",
                "state": state,
                "situation": self.visit.situation,
                "lodged": _iso(d.lodged),
                "covers_from": _iso(d.covers_from),
                "covers_to": _iso(d.covers_to),
            }
        if s.basis == UNSC_REFERRAL and s.grounds is not None:
            r = s.grounds
            return {
                "key": "bound_referral",
                "state": state,
                "situation": self.visit.situation,
                "resolution": r.resolution,
                "adopted": _iso(r.adopted),
            }
        return self.not_bound()

    def not_bound(self, day: datetime.date | None = None) -> dict:
        """Why the host was not bound on the days of the visit; for a trip with no date,
        on `day`, the day of the reading that tells why no day binds it (compliance.verdict.
        _undated_reading), so that its reason is the one a trip dated that day gets."""
        v = self.visit
        if v.start is None and day is not None:
            return self._not_bound(day, day)
        start = v.start.first if v.start else None
        return self._not_bound(start, self._last_possible_day())

    def _not_bound(self, start: datetime.date | None, last: datetime.date | None) -> dict:
        """not_bound's reason for a visit whose first and last possible days are `start`
        and `last` (None: unknown)."""
        h, v, state = self.host, self.visit, self._state()
        # An instrument withdrawn before entry into force (Malaysia, 2019) is named only for
        # a visit on or after its deposit: for a trip before it the state was simply not a
        # party, and its reasons cite no fact dated after the visit.
        deposited_by_then = h.deposited is not None and (last is None or h.deposited <= last)
        if h.withdrew_before_entry_into_force and deposited_by_then:
            return {"key": "never_party", "state": state, "deposited": _iso(h.deposited)}
        later = [d.lodged for d in h.binding_declarations if d.situation == v.situation]
        # A declaration for another situation is named only if lodged by the visit's last
        # possible day: one lodged years later (Libya's of 2025, for a visit in 2009) did not
        # exist when the host received the person.
        others = [
            d.situation
            for d in h.binding_declarations
            if d.situation != v.situation and (last is None or d.lodged <= last)
        ]
        declaration = {
            "situation": v.situation,
            "entry_into_force": _iso(h.entry_into_force),
            "deposited": _iso(h.deposited),
            "declaration_lodged_later": _iso(min(later)) if later else "",
            "declaration_situation": others[0] if others and not later else "",
        }
        if not h.ever_party:
            if not deposited_by_then:
                declaration.update(entry_into_force="", deposited="")
            return {"key": "not_party", "state": state, **declaration}
        if start and start < h.entry_into_force:
            return {"key": "not_yet_party", "state": state, **declaration}
        if h.withdrawal_effective:
            return {
                "key": "no_longer_party",
                "state": state,
                "withdrawal_effective": _iso(h.withdrawal_effective),
            }
        return {"key": "not_bound", "state": state}

    def referral_not_binding(self) -> list[dict]:
        """For a host not bound: the Security Council resolutions that referred the person's
        situation by the visit's last possible day (any, for an undated trip) and do not name
        the host among the states they oblige to cooperate (Darfur: S/RES/1593 (2005) binds
        Sudan, not Egypt; docs/DOMAIN.md, "Security Council referral"), so that the reader
        learns why a referred situation does not bind it."""
        v, h, last = self.visit, self.host, self._last_possible_day()
        return [
            {
                "key": "referral_not_binding",
                "state": self._state(),
                "situation": v.situation,
                "resolution": r.resolution,
                "adopted": _iso(r.adopted),
                "bound": [{"iso3": iso3, "name": name} for iso3, name in r.bound],
            }
            for r in sorted(v.referrals, key=lambda r: r.adopted)
            if r.situation == v.situation
            and (last is None or r.adopted <= last)
            and h.iso3 not in {iso3 for iso3, _ in r.bound}
        ]

    def warrant(self, w: WarrantFacts, day: datetime.date | None, uniform: bool = True) -> dict:
        """The warrant in force: its dates, the day it was in force, how it ended.

        For a visit dated only to a period, `uniform` (every possible reading gave this
        verdict) says the warrant was in force throughout it only when it was in force on
        every possible day: a visit known to start some day in 2023 and end in June 2024
        can be a failure to arrest whatever its days and still predate a warrant of
        March 2023."""
        v = self.visit
        if not self._exact and v.start is not None:
            uniform = (
                uniform
                and in_force_on(w, v.start.first, late=True)
                and in_force_on(w, self._last_possible_day(), late=True)
            )
        certain = self._certainly_in_force(w, day)
        notified = v.host_notified and not (w.made_public and day and day >= w.made_public.first)
        ref = self._visit_ref()
        return {
            "key": "warrant",
            "person": v.person_name,
            "situation": v.situation,
            "issued": _iso(w.issued),
            "made_public": _iso(w.made_public),
            "day": _iso(day) if self._exact and day else "",
            "start": "" if self._exact else ref["start"],
            "end": "" if self._exact else ref["end"],
            "uniform": uniform,
            "ended": _iso(w.ended),
            "end_reason": w.end_reason if w.ended else "",
            "notified": self._state() if notified else None,
            # Omitted when certain, so that the reasons of every other warrant stay as they were.
            **({} if certain else {"maybe": True}),
        }

    def _certainly_in_force(self, w: WarrantFacts, day: datetime.date | None) -> bool:
        """Whether `w` was in force on `day` (an exact visit) or on some possible day of the
        visit (one dated to a period) however its partial dates are read, i.e. on the latest
        reading of its start (DOMAIN.md, "Dates": a partial date is "some day in that period").

        A warrant whose issue date is unknown and that was made public in June 2020 is taken
        to be in force from some day in June 2020: on 9 June 2020 it may not yet have been
        (Kushayb's second warrant, cited beside the first, which decided the verdict). The
        warrant's reason then says it *may* have been in force (`maybe`), never that it was."""
        v = self.visit
        if v.start is None:
            return True
        if self._exact:
            return day is None or in_force_on(w, day, late=True)
        start = warrant_start(w, late=True)
        first, last = v.start.first, self._last_possible_day()
        return start is not None and start <= last and (w.ended is None or w.ended >= first)

    def _date_note(
        self, s: Reading, uniform: bool, several_readings: bool, in_force_throughout: bool = True
    ) -> list[dict]:
        """What the imprecision of the dates means for this verdict, if anything.
        `in_force_throughout` False (compliance.facts.Decision): a trip not made would have
        bound the host on every possible day with a warrant in force, and on some possible
        days (or readings) none was: said so, never "the same whatever its day"."""
        # Present only where it is False, so that every other note stays as it was.
        throughout = {} if in_force_throughout else {"in_force_throughout": False}
        if not self._exact:
            ref = self._visit_ref()
            return [
                {
                    "key": "date_note",
                    "kind": "visit",
                    "uniform": uniform,
                    # Not uniform: no day bound the host (no_obligation), or some did and
                    # some did not (a trip not made, a place out of its control).
                    "code": s.code,
                    "state": self._state(),
                    "start": ref["start"],
                    "end": ref["end"],
                    # Read over the spans it may have covered, not day by day.
                    "span": self._end is not None and self._end != self.visit.start,
                    **throughout,
                }
            ]
        # An exact visit has several readings only when some warrant date is imprecise.
        warrant = self.warrants.get(s.warrants[0]) if s.warrants else None
        decisive_imprecise = warrant is not None and any(
            p is not None and not p.exact for p in (warrant.issued, warrant.made_public)
        )
        if not several_readings or (uniform and not decisive_imprecise and in_force_throughout):
            return []
        return [
            {
                "key": "date_note",
                "kind": "warrant",
                "uniform": uniform,
                "code": s.code,
                "state": self._state(),
                "start": "",
                "end": "",
                **throughout,
            }
        ]

    def _imprecise_warrant(self) -> dict | None:
        for w in self.warrants.values():
            parts = {
                what: _iso(p) if p is not None and not p.exact else ""
                for what, p in (("issued", w.issued), ("made_public", w.made_public))
            }
            if any(parts.values()):
                return parts
        return None

    def _no_warrant(self) -> dict:
        v = self.visit
        first, last = v.start.first, (self._end or v.start).last
        starts = [
            p for w in self.warrants.values() if (p := w.issued or w.made_public) and p.first > last
        ]
        ends = [w.ended for w in self.warrants.values() if w.ended and w.ended < first]
        issued_after = ended_before = ""
        if starts and len(starts) == len(self.warrants):
            issued_after = _iso(min(starts, key=lambda p: p.first))
        elif ends:
            ended_before = _iso(max(ends))
        return {
            "key": "no_warrant_in_force",
            **self._visit_ref(),
            "issued_after": issued_after,
            "ended_before": ended_before,
            "several": len(self.warrants) > 1,
        }

    def _would(
        self,
        s: Reading,
        warrant: WarrantFacts | None,
        uniform: bool,
        public_from: Period | None = None,
        bound_throughout: bool = False,
    ) -> list[dict]:
        """For upcoming, deterred and no_control: whether, and why, the host would be bound.
        Where that depends on the day (`uniform` False), `public_from` and
        `bound_throughout` say what varies (compliance.facts.Decision)."""
        state = self._state()
        if not uniform or s.bound:
            would = {"key": "would_be_bound", "code": s.code, "state": state, "known": uniform}
            would.update(self._varies(uniform, public_from, bound_throughout))
            return [would, self.obligation(s, warrant)]
        if not s.in_force:
            why = "no_warrant"
        elif s.host_bound:
            why = "sealed"
        else:
            return [self.not_bound(s.day), *self.referral_not_binding()]
        person = self.visit.person_name
        return [
            {
                "key": "would_not_be_bound",
                "code": s.code,
                "state": state,
                "person": person,
                "why": why,
            }
        ]

    def _cited(self, s: Reading) -> list[str]:
        """The ids of the warrants reading `s` cites that are among the person's, in its order
        (al-Bashir's of 2009 and of 2010)."""
        return [wid for wid in s.warrants if wid in self.warrants]

    @staticmethod
    def _varies(known: bool, public_from: Period | None, bound_throughout: bool) -> dict:
        """The params of a `would_be_bound` reason whose answer depends on the day because of
        a warrant under seal on some possible days: `public_from` (the day it was made
        public) and `bound_throughout` (the host was bound on every possible day on which a
        warrant was in force: the seal alone decides). None where the host's obligation
        alone varies, so that those reasons stay as they were."""
        if known or public_from is None:
            return {}
        return {"public_from": _iso(public_from), "bound_throughout": bound_throughout}

    # Whole explanations ------------------------------------------------------------

    def withdrawn(self) -> tuple[dict, ...]:
        """A visit rejected on review or removed from a newer dataset version."""
        v = self.visit
        why = "rejected" if v.review_state == REJECTED else "removed"
        reason = {"key": "withdrawn", **self._visit_ref(), "why": why, "note": v.withdrawal_note}
        return (reason, *self._sources())

    def pending(self, why: str, changed_on: datetime.date | None = None) -> tuple[dict, ...]:
        """No verdict yet: `why` one of not_verified, outcome_unknown, no_date,
        outcome_not_judgeable, imprecise, end_unknown (a visit whose end is not known, when
        a fact that decides the verdict changes on `changed_on`, a day it may have lasted
        to: Netanyahu in Berlin from 20 November 2024, the warrant issued on the 21st)."""
        reason = {
            "key": "pending",
            **self._visit_ref(),
            "why": why,
            "changed_on": _iso(changed_on),
            "imprecise_warrant": (
                self._imprecise_warrant() if why == "imprecise" and changed_on is None else None
            ),
        }
        return (reason, *self._sources())

    def undated(
        self,
        reading: Reading | None = None,
        known: bool = True,
        public_from: Period | None = None,
        bound_throughout: bool = False,
        in_force_throughout: bool = True,
    ) -> tuple[dict, ...]:
        """A trip that did not happen (cancelled, virtual, announced) with no known date;
        `reading`, when every day with a warrant in force gives the same answer: one that
        binds the host (its basis: `_would`), or one that tells why no day does, as a dated
        trip's (no warrant in force, a sealed one, or a host not bound). `known` False when
        the answer depends on the day (would_have_been_bound None): the reasons say so, and
        what varies (`public_from`, `bound_throughout`: compliance.facts.Decision), and
        `reading` is not used. A host that would have been bound is told with the warrants
        it would have been bound to execute and, no warrant being in force on every possible
        day (`in_force_throughout` False), a date note that says it was bound on those with
        one."""
        trip = {"key": "trip", **self._visit_ref(), "status": self.visit.status}
        trip = (trip, *self._place_not_controlled())
        why, note = [], []
        if not known:
            # Bound on some of the days a warrant was in force and not on others: the
            # answer depends on the day, which nobody knows (DOMAIN.md, "Dates").
            why = [
                {
                    "key": "would_be_bound",
                    "code": UPCOMING if self.visit.status == ANNOUNCED else DETERRED,
                    "state": self._state(),
                    "known": False,
                    "day_unknown": True,
                    **self._varies(False, public_from, bound_throughout),
                }
            ]
        elif reading is not None:
            warrant = self.warrants.get(reading.warrants[0]) if reading.warrants else None
            why = self._would(reading, warrant, True)
            if why[0]["key"] == "would_be_bound":
                why += [self.warrant(self.warrants[w], reading.day) for w in self._cited(reading)]
                note = self._date_note(reading, True, True, in_force_throughout)
        return (*trip, *why, *self._findings(), *note, *self._sources())

    def explain(
        self,
        s: Reading,
        uniform: bool = True,
        several_readings: bool = True,
        public_from: Period | None = None,
        bound_throughout: bool = False,
        in_force_throughout: bool = True,
    ) -> tuple[dict, ...]:
        """The reasons for reading `s`; `uniform` False when the possible dates disagree
        (for a trip not made or a place out of the host's control, what varies:
        `public_from` and `bound_throughout`, compliance.facts.Decision); for a trip not made
        that would have bound the host, `in_force_throughout` False when on some possible
        day (or reading) no warrant was in force (its date note says so)."""
        varies = {"public_from": public_from, "bound_throughout": bound_throughout}
        v = self.visit
        warrant = self.warrants.get(s.warrants[0]) if s.warrants else None
        # Every warrant the reading cites, in its order (al-Bashir's of 2009 and of 2010).
        wreason = [self.warrant(self.warrants[wid], s.day, uniform) for wid in self._cited(s)]
        tail = [
            *self._findings(),
            *self._date_note(s, uniform, several_readings, in_force_throughout),
            *self._end_unknown_note(),
            *self._sources(),
        ]
        visit = {"key": "visit", **self._visit_ref(), "status": v.status, "outcome": v.outcome}
        if s.code in (UPCOMING, DETERRED):
            trip = {"key": "trip", **self._visit_ref(), "status": v.status}
            would = self._would(s, warrant, uniform, **varies)
            # The warrants the host would have been (or will be) bound to execute, cited as
            # every other verdict cites them; none where it would not have been bound. Each
            # is said in force throughout the trip's possible days by its own dates alone:
            # where the answer depends on the day, the host's obligation may be what varies.
            cited = [self.warrant(self.warrants[wid], s.day) for wid in self._cited(s)]
            return (
                trip,
                *self._place_not_controlled(),
                *would,
                *(cited if would[0]["key"] == "would_be_bound" else []),
                *tail,
            )
        if s.code == NO_WARRANT_IN_FORCE:
            return (self._no_warrant(), *tail)
        if s.code == WARRANT_NOT_PUBLIC:
            sealed = {
                "key": "warrant_sealed",
                **self._visit_ref(),
                "issued": _iso(warrant.issued) if warrant else "",
                "made_public": _iso(warrant.made_public) if warrant else "",
                "outcome": v.outcome,
            }
            return (sealed, *tail)
        if s.code == NO_CONTROL:
            controlled_by = (
                state_ref(None, v.controlled_by, v.controlled_by_name) if v.controlled_by else None
            )
            no_control = {
                "key": "no_control",
                **self._visit_ref(),
                "status": v.status,
                "outcome": v.outcome,
                "controlled_by": controlled_by,
            }
            would = self._would(s, warrant, uniform, **varies)
            return (no_control, *wreason, *would, *self._justification(), *tail)
        if s.code == COMPLIED:
            if s.basis:
                obligation = [self.obligation(s, warrant)]
            else:
                obligation = [self.not_bound(), *self.referral_not_binding()]
            return ({**visit, "conclusion": COMPLIED}, *wreason, *obligation, *tail)
        if s.code == NO_OBLIGATION:
            return (
                self.not_bound(),
                *self.referral_not_binding(),
                *wreason,
                {**visit, "conclusion": NO_OBLIGATION},
                *self._justification(),
                *tail,
            )
        if s.code == NON_COMPLIANCE:
            return (
                self.obligation(s, warrant),
                *wreason,
                {**visit, "conclusion": NON_COMPLIANCE},
                *self._justification(),
                *self._no_court_finding(),
                *tail,
            )
        return self.pending("outcome_not_judgeable")


__all__ = ["REASON_KEYS", "Reasons", "finding_reason", "situation_phrase", "state_ref"]
