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


def state_facts(
    iso3: str,
    name: str,
    events: dict[str, datetime.date],
    declarations: Iterable[tuple[datetime.date, str]],
) -> StateFacts:
    """A state's timeline as the rule reads it.

    `events` maps a treaty event kind (`signed`, `deposited`, `entry_into_force`,
    `withdrawal_notified`, `withdrawal_revoked`, `withdrawal_effective`) to its day;
    `declarations` holds (lodged, situation name) pairs. Entry into force is the
    recorded date, or else computed from the deposit under Art. 126; a withdrawal
    takes effect on the recorded date, or else one year after notification
    (Art. 127(1)), unless it was revoked before taking effect.
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
        declarations=tuple(
            DeclarationFacts(lodged, situation) for lodged, situation in declarations
        ),
    )
