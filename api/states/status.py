"""A state's treaty status and obligations on one day, explained (for `?as_of=`).

The status itself (party, withdrawing, withdrawn, non_party, territory, not_a_state) comes from
states.status.status_on, which the site's map and lists use too, over the timeline
as the rule engine reads it (compliance.treaty.state_facts: entry into force as
recorded or computed under Art. 126, a withdrawal effective one year after
notification under Art. 127(1), a withdrawal revoked before it took effect treated as
none). This module adds what the API shows with it: the obligations that bound the
state that day and a sentence explaining them.

- `party` and `withdrawing` (notified, not yet effective): bound as a State Party for
  every warrant; on the day a withdrawal takes effect the state is no longer a party;
- `withdrawn`: counted as bound only for warrants issued before the withdrawal took
  effect, which is iccwatch's reading of Art. 127(2) (docs/DOMAIN.md, "Treaty
  arithmetic"), and the explanation says so, never as the law's last word;
- `non_party`: never joined, not yet in force, or an instrument withdrawn before entry
  into force (Malaysia, 2019);
- `territory`: an ISO 3166-1 entry that is a territory of a State, not a State
  (states.territories): it has no standing of its own.
- `not_a_state`: an entry that is neither a State nor a State's territory (Antarctica,
  Western Sahara: states.territories.NOT_STATES).

Art. 12(3) declarations lodged on or before the day, and Security Council referrals
adopted on or before it that bind the state, are listed as obligations for their
situation, whatever the status.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.text import capfirst
from django.utils.translation import gettext as _

import compliance
from compliance import UNSC_REFERRAL, partial_isoformat, state_facts
from core.names import country_name, format_date, in_sentence
from core.reasons import coverage, situation_words
from states.models import DeclarationEffect
from states.status import (
    BOUND_AS_PARTY,
    NOT_A_STATE,
    PARTY,
    TERRITORY,
    WITHDRAWING,
    WITHDRAWN,
    known_on,
    status_on,
)
from states.territories import NOT_STATES


@dataclass(frozen=True)
class Obligation:
    """One ground on which a state is bound to arrest, on the day asked: `basis` (a
    compliance.BASES code: State Party, Art. 127(2) residual, Art. 12(3) declaration,
    Security Council referral), `scope` (which warrants, in the reader's language),
    `since` (the day it began to bind, when known), and by basis: `situation` (the slug
    a declaration or a referral covers), `warrants_issued_before` (Art. 127(2): warrants
    issued before the withdrawal took effect) and `covers_from`/`covers_to` (a
    declaration's period of alleged crimes)."""

    basis: str
    scope: str
    since: datetime.date | None = None
    situation: str | None = None  # slug, for Art. 12(3)
    warrants_issued_before: datetime.date | None = None
    # For an Art. 12(3) declaration: the period of alleged crimes it covers, as partial ISO
    # dates ("2013-11-21", "2011"); covers_to None: open-ended.
    covers_from: str | None = None
    covers_to: str | None = None


@dataclass(frozen=True)
class TreatyStatus:
    """A state's standing under the Rome Statute on the day `on`: `status` (a
    states.status standing: party, withdrawing, withdrawn, not a party, territory, not a
    state), `party` (bound as a State Party: party or withdrawing, Art. 127(1)), its entry
    into force and the day its withdrawal took or takes effect (None when none), its
    obligations, and `explanation`, those facts in a sentence of the reader's language
    citing the articles."""

    on: datetime.date
    status: str
    party: bool
    entry_into_force: datetime.date | None
    withdrawal_effective: datetime.date | None
    obligations: list[Obligation] = field(default_factory=list)
    explanation: str = ""


@dataclass(frozen=True)
class Timeline:
    """The dates the status depends on, from the prefetched treaty events and declarations."""

    name: str
    events: dict[str, datetime.date]
    # (lodged, situation slug, situation name, covers_from, covers_to): the covered period
    # as partial ISO dates, "" where the declaration records none. Only the declarations
    # given effect: one the Court did not act on creates no obligation.
    declarations: list[tuple[datetime.date, str, str, str, str]]
    # (adopted, situation slug, situation name, resolution): Security Council referrals binding it
    referrals: list[tuple[datetime.date, str, str, str]] = field(default_factory=list)
    iso3: str = ""  # names the state in the reader's language
    # For a territory of a State (states.territories): that State's name in the reader's
    # language; the status is then `territory`.
    territory_of: str = ""

    @classmethod
    def of(cls, state) -> Timeline:
        """From a State with treaty_events, declarations__situation and council_referrals__situation
        prefetched."""
        owner = state.territory_of
        return cls(
            name=state.name,
            iso3=state.iso3,
            territory_of=country_name(owner.iso3, owner.name) if owner else "",
            events={e.kind: e.date for e in state.treaty_events.all()},
            declarations=sorted(
                (
                    d.lodged,
                    d.situation.slug,
                    d.situation.name,
                    partial_isoformat(d.covers_from, d.covers_from_precision or "day"),
                    partial_isoformat(d.covers_to, d.covers_to_precision or "day"),
                )
                for d in state.declarations.all()
                # One the Court did not give effect binds to nothing (Art. 12(3); Palestine's
                # of 2009): no obligation. The state's `declarations` list it with its effect.
                if d.effect != DeclarationEffect.NOT_GIVEN_EFFECT
            ),
            referrals=sorted(
                (r.adopted, r.situation.slug, r.situation.name, r.resolution)
                for r in state.council_referrals.all()
            ),
        )

    def facts(
        self, iso3: str = "", known_by: datetime.date | None = None, instrument: str = ""
    ) -> compliance.StateFacts:
        """The timeline as the rule reads it; with `known_by`, as it stood on that day
        (states.status.known_on); `instrument`, the state's recorded one (State.instrument)."""
        events = self.events if known_by is None else known_on(self.events, known_by)
        return state_facts(
            iso3,
            self.name,
            events,
            [(lodged, name) for lodged, _, name, *_ in self.declarations],
            instrument=instrument,
        )


def treaty_status_on(timeline: Timeline, day: datetime.date) -> TreatyStatus:
    """The state's status and obligations on `day`, with a sentence explaining them in the
    active language (dates in words, the state and situations by their names in it):
    Arts. 86, 89(1), 126, 127(1) and (2), 12(3), and the Council's Chapter VII resolutions."""
    # As the timeline stood that day: nothing the state did later is told (a withdrawal
    # notified by then is pending, even if revoked afterwards).
    facts = timeline.facts(known_by=day)
    entry, effective = facts.entry_into_force, facts.withdrawal_effective
    # Inside the sentence: "On 2 December 2026 the Philippines was ...".
    name = in_sentence(
        country_name(timeline.iso3, timeline.name) if timeline.iso3 else timeline.name
    )
    on = format_date(day)
    status = status_on(facts, day, territory=bool(timeline.territory_of), iso3=timeline.iso3)
    obligations: list[Obligation] = []

    if status in (PARTY, WITHDRAWING):
        obligations.append(
            Obligation(compliance.STATE_PARTY, _("every ICC arrest warrant"), since=entry)
        )
        explanation = _(
            "On %(day)s %(state)s was a State Party, bound since %(entry)s (Arts. 86, 89(1))."
        ) % {"day": on, "state": name, "entry": format_date(entry)}
        if status == WITHDRAWING:
            explanation += " " + _(
                "It had notified its withdrawal on %(notified)s; until the withdrawal takes "
                "effect on %(effective)s it remains a full party (Art. 127(1))."
            ) % {
                "notified": format_date(facts.withdrawal_notified),
                "effective": format_date(effective),
            }
        else:
            effective = None
    elif status == WITHDRAWN:
        obligations.append(
            Obligation(
                compliance.ART_127_2_RESIDUAL,
                _("warrants issued before %(date)s (iccwatch's reading of Art. 127(2))")
                % {"date": format_date(effective)},
                since=effective,
                warrants_issued_before=effective,
            )
        )
        # iccwatch's reading of Art. 127(2), said as such, as the state's page says it
        # (front.summaries): the article also keeps cooperation in proceedings begun before.
        explanation = _(
            "On %(day)s %(state)s was no longer a State Party: its withdrawal took effect on "
            "%(effective)s (Art. 127(1)). iccwatch counts it as bound to arrest and surrender "
            "only on warrants issued before %(effective)s (its reading of Art. 127(2), which "
            "also keeps cooperation in proceedings begun before then)."
        ) % {"day": on, "state": name, "effective": format_date(effective)}
    else:
        effective = None
        if status == NOT_A_STATE:
            explanation = (
                _("%(state)s is not a State: only States join the Rome Statute.")
                % {"state": capfirst(name)}
                + " "
                + str(NOT_STATES[timeline.iso3])
            )
        elif status == TERRITORY:
            # Whose territory it is today (the borders dataset knows no past: Hong Kong was
            # British until 1997), so in the present tense, whatever `as_of`.
            explanation = _(
                "%(state)s is not a State but, today, a territory of %(sovereign)s: only "
                "States join the Rome Statute. Whether the obligations of a State that is or "
                "was a party extend to one of its territories depends on the terms of its "
                "ratification, which iccwatch does not record."
            ) % {"state": capfirst(name), "sovereign": in_sentence(timeline.territory_of)}
        elif facts.withdrew_before_entry_into_force:
            explanation = _(
                "On %(day)s %(state)s was not a State Party: it withdrew its instrument before "
                "the Statute entered into force for it, so it never became one."
            ) % {"day": on, "state": name}
        elif entry is not None and day < entry:
            explanation = _(
                "On %(day)s %(state)s was not yet a State Party: the Statute enters into force "
                "for it on %(entry)s."
            ) % {"day": on, "state": name, "entry": format_date(entry)}
        else:
            explanation = _("On %(day)s %(state)s was not a State Party to the Rome Statute.") % {
                "day": on,
                "state": name,
            }

    for lodged, slug, situation, covers_from, covers_to in timeline.declarations:
        if lodged <= day:
            phrase = situation_words(situation)
            # A declaration binds for the crimes of the period it accepts (Ukraine's of 2014:
            # 21 November 2013 to 22 February 2014), said as the verdicts' reasons say it.
            covered = coverage({"covers_from": covers_from, "covers_to": covers_to})
            scope = _("warrants in the %(situation)s") % {"situation": phrase}
            obligations.append(
                Obligation(
                    compliance.ART_12_3_DECLARATION,
                    f"{scope}, {covered}" if covered else scope,
                    since=lodged,
                    situation=slug,
                    covers_from=covers_from or None,
                    covers_to=covers_to or None,
                )
            )
            if covered:
                explanation += " " + _(
                    "By a declaration lodged on %(date)s (%(coverage)s) it accepted the Court's "
                    "jurisdiction over the %(situation)s and must cooperate for it (Art. 12(3))."
                ) % {"date": format_date(lodged), "situation": phrase, "coverage": covered}
            else:
                explanation += " " + _(
                    "By a declaration lodged on %(date)s it accepted the Court's jurisdiction over "
                    "the %(situation)s and must cooperate for it (Art. 12(3))."
                ) % {"date": format_date(lodged), "situation": phrase}
    for adopted, slug, situation, resolution in timeline.referrals:
        if adopted <= day:
            phrase = situation_words(situation)
            obligations.append(
                Obligation(
                    UNSC_REFERRAL,
                    _("warrants in the %(situation)s") % {"situation": phrase},
                    since=adopted,
                    situation=slug,
                )
            )
            explanation += " " + _(
                "By resolution %(resolution)s, adopted on %(date)s under Chapter VII, the "
                "Security Council decided that it shall cooperate fully with the Court in the "
                "%(situation)s."
            ) % {"resolution": resolution, "date": format_date(adopted), "situation": phrase}
    return TreatyStatus(
        on=day,
        status=status,
        party=status in BOUND_AS_PARTY,
        entry_into_force=facts.party_since,
        withdrawal_effective=effective,
        obligations=obligations,
        explanation=explanation,
    )
