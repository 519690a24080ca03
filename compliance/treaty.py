"""Treaty arithmetic of the Rome Statute: entry into force (Art. 126), withdrawal (Art. 127).

Pure Python. `state_facts` turns a state's recorded treaty events into the
StateFacts the rule reads.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from compliance.facts import (
    FOUNDING_DEPOSIT_DEADLINE,
    STATUTE_IN_FORCE,
    DeclarationFacts,
    Period,
    ReferralFacts,
    StateFacts,
)

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


def _period(value: Period | datetime.date | str | None) -> Period | None:
    """A covered-period bound as a Period: a Period, a date, an ISO string (possibly partial)."""
    if value is None or value == "":
        return None
    if isinstance(value, Period):
        return value
    if isinstance(value, datetime.date):
        return Period.day(value)
    return Period.parse(value)


def declaration_facts(entry: tuple | DeclarationFacts) -> DeclarationFacts:
    """A DeclarationFacts from (lodged, situation[, covers_from[, covers_to[, given_effect]]]).

    `covers_from`/`covers_to` may be a Period, a date, an ISO string (possibly partial:
    '2014-02', '2014') or None. `given_effect` is a bool (True when left out), or the
    stored `effect` code of states.Declaration ("" given effect, "not_given_effect": a
    declaration the Court did not act on, which binds to nothing: Art. 12(3)). Raises
    ValueError for a string that is not a date.
    """
    if isinstance(entry, DeclarationFacts):
        return entry
    lodged, situation, *covers = entry
    covers_from = covers[0] if covers else None
    covers_to = covers[1] if len(covers) > 1 else None
    effect = covers[2] if len(covers) > 2 else True
    given = effect != "not_given_effect" if isinstance(effect, str) else bool(effect)
    return DeclarationFacts(lodged, situation, _period(covers_from), _period(covers_to), given)


def state_facts(
    iso3: str,
    name: str,
    events: dict[str, datetime.date],
    declarations: Iterable[tuple] = (),
    referrals: Iterable[tuple[str, str, datetime.date]] = (),
    instrument: str = "",
) -> StateFacts:
    """A state's timeline as the rule reads it.

    `events` maps a treaty event kind (`signed`, `deposited`, `entry_into_force`,
    `withdrawal_notified`, `withdrawal_revoked`, `withdrawal_effective`) to its day.
    `declarations` holds Art. 12(3) declarations as (lodged, situation name, covers_from,
    covers_to) tuples (the covered period optional: (lodged, situation) still works;
    see `declaration_facts`). `referrals` holds the Security Council resolutions that
    oblige this state to cooperate, as (situation name, resolution, adopted) tuples,
    e.g. ("Darfur, Sudan", "S/RES/1593 (2005)", date(2005, 3, 31)). `instrument` is the
    recorded instrument ("ratification", "accession", "succession"; "" when not
    recorded: StateFacts.joined reads it from the signature).

    Entry into force is the recorded date, or else computed from the deposit under
    Art. 126; a withdrawal takes effect on the recorded date, or else one year after
    notification (Art. 127(1)), unless it was revoked before taking effect.
    """
    deposited = events.get("deposited")
    entry = events.get("entry_into_force") or (deposited and entry_into_force_for(deposited))
    notified = events.get("withdrawal_notified")
    effective = events.get("withdrawal_effective") or (
        notified and withdrawal_effective_for(notified)
    )
    revoked = events.get("withdrawal_revoked")
    if revoked and effective and revoked < effective:
        # A withdrawal revoked before it takes effect never takes effect (South Africa, The Gambia, 2017).
        notified = effective = None
    return StateFacts(
        iso3=iso3,
        name=name,
        signed=events.get("signed"),
        deposited=deposited,
        entry_into_force=entry,
        withdrawal_notified=notified,
        withdrawal_effective=effective,
        declarations=tuple(declaration_facts(d) for d in declarations),
        referrals=tuple(
            r if isinstance(r, ReferralFacts) else ReferralFacts(*r) for r in referrals
        ),
        instrument=instrument,
    )
