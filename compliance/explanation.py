"""The plain-language explanation of a verdict: basis, deciding dates, warrants, sources.

Pure Python: no Django, no Celery.
"""

from __future__ import annotations

import datetime

from compliance.facts import (
    ART_12_3_DECLARATION,
    ART_127_2_RESIDUAL,
    COMPLIED,
    DETERRED,
    NO_OBLIGATION,
    NO_WARRANT_IN_FORCE,
    NON_COMPLIANCE,
    PENDING_OUTCOME_REASON,
    STATE_PARTY,
    WARRANT_NOT_PUBLIC,
    Period,
    Reading,
    WarrantFacts,
)

# --- Explanations -----------------------------------------------------------------
#
# User-facing prose: journalists quote it. Each explanation names the basis of the
# obligation (or why there was none), the dates that decided it, the warrant and the
# sources. Neutral wording, no gendered pronouns, ISO dates.


def format_period(period: Period) -> str:
    """'2009-03-04', 'March 2009' or '2012'."""
    return str(period)


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


class Explainer:
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

    def obligation(
        self, basis: str, warrant: WarrantFacts | None, day: datetime.date | None
    ) -> str:
        h = self.host
        if basis == STATE_PARTY:
            if h.withdrawal_effective:
                when = (
                    f"on {day.isoformat()}" if day and self._exact else "at the time of the visit"
                )
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
            return (
                f"its Art. 12(3) declaration covers the {situation_phrase(others[0])}, not this one"
            )
        return ""

    def warrant(self, w: WarrantFacts, day: datetime.date | None, uniform: bool = True) -> str:
        v = self.visit
        who = f"The warrant against {v.person_name} ({self._situation()})"
        issued, public = w.issued, w.made_public
        if issued and public and issued == public:
            since = f"issued and public since {format_period(issued)}"
        elif issued and public:
            since = (
                f"issued under seal {format_on(issued)} and public since {format_period(public)}"
            )
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
            referral = (
                f" and referred it to {f.referred_to}" if f.referred_to else " without referring it"
            )
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
            cited.append(
                f"{s.publisher} ({s.published.isoformat()})" if s.published else s.publisher
            )
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

    def date_note(self, s: Reading, uniform: bool = True, several_readings: bool = True) -> str:
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

    def _deterred(
        self, s: Reading, warrant: WarrantFacts | None, would_be_bound: bool | None
    ) -> str:
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
        starts = [
            p for w in self.warrants.values() if (p := w.issued or w.made_public) and p.first > last
        ]
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

    def explain(self, s: Reading, note: str = "", uniform: bool = True) -> str:
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
            obligation = (
                self.obligation(s.basis, warrant, s.day) if s.basis else self.no_obligation_reason()
            )
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
