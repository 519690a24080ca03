"""A state's standing under the Rome Statute on one day: party, withdrawing, withdrawn or not a
party; or none of its own, for a territory of a State or an entry that is not a State
(Antarctica, Western Sahara: states.territories).

The timeline rules (Art. 126 entry into force, Art. 127 withdrawal, revoked
withdrawals) live in visits.flagging.state_facts and compliance; this module
only reads their result, so the map, the lists and the verdicts never disagree.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from compliance import SIGNATURE_CLOSED, StateFacts, state_facts
from states.models import (
    Declaration,
    SecurityCouncilReferral,
    State,
    TreatyEvent,
    TreatyEventKind,
)
from states.territories import NOT_STATES


class Standing(models.TextChoices):
    """A state's relation to the Statute on one day, derived from its timeline (never stored)."""

    # The labels read as a noun phrase in French ("État retiré du Statut de Rome"): they
    # follow "Standing on 4 December 2026:" with no noun to agree with.
    PARTY = "party", _("State Party")
    # Notified, not yet effective: still a full party (Art. 127(1)).
    WITHDRAWING = (
        "withdrawing",
        pgettext_lazy("a state's standing", "withdrawing (notified, not yet effective)"),
    )
    # Not "withdrawn" alone: that is also the verdict of a visit removed from the record.
    WITHDRAWN = "withdrawn", pgettext_lazy("a state's standing", "former State Party (withdrew)")
    NON_PARTY = "non_party", pgettext_lazy("a state's standing", "not a party")
    # An ISO 3166-1 entry that is not a State (Réunion: France's): only States join.
    TERRITORY = "territory", _("territory of a State")
    # Neither a State nor a State's territory (Antarctica, Western Sahara).
    NOT_A_STATE = "not_a_state", _("not a State")


PARTY = Standing.PARTY.value
WITHDRAWING = Standing.WITHDRAWING.value
WITHDRAWN = Standing.WITHDRAWN.value
NON_PARTY = Standing.NON_PARTY.value
TERRITORY = Standing.TERRITORY.value
NOT_A_STATE = Standing.NOT_A_STATE.value
STATUSES = tuple(Standing.values)
# The standings of a state bound as a State Party (a pending withdrawal changes nothing
# until it takes effect, Art. 127(1)).
BOUND_AS_PARTY = (PARTY, WITHDRAWING)


def status_on(
    facts: StateFacts | None, day: datetime.date, *, territory: bool = False, iso3: str = ""
) -> str:
    """The state's standing on `day`; a state with no timeline is not a party, or, when
    `territory` (its `territory_of` is set, see states.territories), a territory of a
    State, which has no standing of its own; or, for an entry `iso3` of
    states.territories.NOT_STATES (Antarctica, Western Sahara), not a State (the entry's
    code is read from `facts` when they are given)."""
    iso3 = iso3 or (facts.iso3 if facts is not None else "")
    outside = NOT_A_STATE if iso3 in NOT_STATES else TERRITORY if territory else NON_PARTY
    if facts is None:
        return outside
    if facts.party_on(day):
        if facts.withdrawal_notified and facts.withdrawal_notified <= day:
            return WITHDRAWING
        return PARTY
    if facts.ever_party and facts.withdrawal_effective and day >= facts.withdrawal_effective:
        return WITHDRAWN
    return outside


def known_on(events: dict[str, datetime.date], day: datetime.date) -> dict[str, datetime.date]:
    """A state's treaty events (kind -> day) as they stood on `day`: those that had happened
    by then, with what already followed from them in law though dated later: the entry
    into force a deposit made by then brings (Art. 126), the day a withdrawal notified by
    then takes effect (Art. 127(1)). A later event is left out, so a status on a past day
    is the one a reader could have given that day: South Africa on 1 December 2016 was
    withdrawing (its notice of 19 October 2016 was revoked only in 2017), and Ukraine in
    2016 was not yet to join (it deposited in 2024)."""
    kept = {kind: date for kind, date in events.items() if date <= day}
    deposited = events.get(TreatyEventKind.DEPOSITED)
    if deposited is not None and deposited <= day and TreatyEventKind.ENTRY_INTO_FORCE in events:
        kept[TreatyEventKind.ENTRY_INTO_FORCE] = events[TreatyEventKind.ENTRY_INTO_FORCE]
    notified = events.get(TreatyEventKind.WITHDRAWAL_NOTIFIED)
    if notified is not None and notified <= day and TreatyEventKind.WITHDRAWAL_EFFECTIVE in events:
        kept[TreatyEventKind.WITHDRAWAL_EFFECTIVE] = events[TreatyEventKind.WITHDRAWAL_EFFECTIVE]
    return kept


def load_timelines(
    *, with_declarations: bool = False, known_by: datetime.date | None = None
) -> dict[str, StateFacts]:
    """Every state's timeline, keyed by ISO3: one query; three `with_declarations`, which
    adds the Art. 12(3) declarations and the Security Council referrals binding the state
    (StateFacts.declarations, StateFacts.referrals). With `known_by`, each timeline as it
    stood on that day (`known_on`; declarations and referrals are not narrowed)."""
    events = TreatyEvent.objects.all()
    by_state: dict[str, dict] = defaultdict(dict)
    names: dict[str, str] = {}
    for code, name, kind, date in events.values_list("state__iso3", "state__name", "kind", "date"):
        by_state[code][kind] = date
        names[code] = name
    declarations: dict[str, list] = defaultdict(list)
    referrals: dict[str, list] = defaultdict(list)
    if with_declarations:
        rows = Declaration.objects.all()
        for code, name, lodged, situation, effect in rows.values_list(
            "state__iso3", "state__name", "lodged", "situation__name", "effect"
        ):
            # A declaration not given effect is kept (StateFacts.declarations) but binds to
            # nothing (StateFacts.binding_declarations).
            declarations[code].append((lodged, situation, None, None, effect))
            names.setdefault(code, name)
        bound = SecurityCouncilReferral.bound_states.through.objects.values_list(
            "state__iso3",
            "state__name",
            "securitycouncilreferral__situation__name",
            "securitycouncilreferral__resolution",
            "securitycouncilreferral__adopted",
        )
        for code, name, situation, resolution, adopted in bound:
            referrals[code].append((situation, resolution, adopted))
            names.setdefault(code, name)
    if known_by is not None:
        by_state = defaultdict(dict, {c: known_on(e, known_by) for c, e in by_state.items()})
    return {
        code: state_facts(
            code,
            names[code],
            by_state.get(code, {}),
            declarations.get(code, ()),
            referrals=referrals.get(code, ()),
        )
        for code in names
    }


def procedure_order(event) -> tuple:
    """A treaty event's place among a state's: by date, then by the order of the procedure
    (TreatyEventKind's order: a withdrawal is notified before it takes effect, even on the
    same day)."""
    steps = list(TreatyEventKind.values)
    return (event.date, steps.index(event.kind) if event.kind in steps else len(steps))


def label_events(events: list, instrument: str = "") -> list:
    """One state's treaty events (states.TreatyEvent), each given its `label` in the active
    language, in the order they happened (by date, then in the order of the procedure: a
    withdrawal is notified before it takes effect, even on the same day). Each has its
    kind's label, except for an instrument withdrawn before the Statute entered into force
    for the state (Malaysia's of 29 April 2019, Art. 126(2)): its withdrawal was no Art. 127
    withdrawal of a State Party, and made the state one that never became a party; for
    a signature recorded after signature closed (Art. 125), which is none; and for the
    deposit, named an instrument of ratification or of accession, or a notification of
    succession (StateFacts.joined, the reading the verdicts' reasons give, from the state's
    recorded `instrument`, State.instrument, else from its signature). Returns a new list."""
    facts = state_facts("", "", {e.kind: e.date for e in events}, instrument=instrument)
    never_party = facts.withdrew_before_entry_into_force
    ordered = sorted(events, key=procedure_order)
    for event in ordered:
        if never_party and event.kind == TreatyEventKind.WITHDRAWAL_EFFECTIVE:
            event.label = _("Instrument withdrawn before entry into force: never a State Party")
        elif never_party and event.kind == TreatyEventKind.WITHDRAWAL_NOTIFIED:
            event.label = _(
                "Withdrawal of the instrument notified to the UN Secretary-General, before "
                "entry into force"
            )
        elif event.kind == TreatyEventKind.SIGNED and event.date > SIGNATURE_CLOSED:
            # Art. 125(1): open for signature until 31 December 2000. The importer warns of
            # such a row; the page must not present it as a signature.
            event.label = _(
                "Signature recorded after the Statute closed for signature on 31 December "
                "2000 (Art. 125): an error in the data, not a signature"
            )
        elif event.kind == TreatyEventKind.DEPOSITED and facts.joined == "ratified":
            # Art. 125(2) and (3), as the verdicts' reasons read it (StateFacts.joined).
            event.label = _("Instrument of ratification deposited")
        elif event.kind == TreatyEventKind.DEPOSITED and facts.joined == "acceded":
            event.label = _("Instrument of accession deposited")
        elif event.kind == TreatyEventKind.DEPOSITED and facts.joined == "succeeded":
            # A new state's succession (Montenegro, 2006): bound from its independence, the
            # date of entry into force, before the notification was received.
            event.label = _("Notification of succession received by the UN Secretary-General")
        else:
            event.label = event.get_kind_display()
    return ordered


def statuses_on(day: datetime.date) -> dict[str, str]:
    """Each state's standing on `day` as its timeline stood that day (`known_on`: a
    withdrawal notified by then is pending even if it was revoked later), keyed by ISO3,
    territories of a State and the entries that are not States included (states missing
    here are not parties). Two queries."""
    timelines = load_timelines(known_by=day)
    statuses = {code: status_on(facts, day) for code, facts in timelines.items()}
    for code in State.objects.filter(territory_of__isnull=False).values_list("iso3", flat=True):
        statuses.setdefault(code, TERRITORY)
    for code in NOT_STATES:
        statuses.setdefault(code, NOT_A_STATE)
    return statuses
