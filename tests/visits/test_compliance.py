"""The rule engine, table by table: every verdict, every basis, every boundary day.

docs/DOMAIN.md ("The verdict for one visit") is the specification. The facts are the real
ones where the law has a well-known example (Mongolia 2024, Burundi's withdrawal,
Armenia's accession, Malaysia 2019, Ukraine's Art. 12(3) declaration); a few warrants
are hypothetical, and say so, where no real one falls on the boundary being tested.

Pure: no database, no Django models, no Celery.
"""

import ast
import datetime
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

import compliance
from compliance import (
    ART_12_3_DECLARATION,
    ART_127_2_RESIDUAL,
    BASES,
    COMPLIED,
    DETERRED,
    IMPRECISE_REASON,
    NO_CONTROL,
    NO_OBLIGATION,
    NO_WARRANT_IN_FORCE,
    NON_COMPLIANCE,
    PENDING,
    STATE_PARTY,
    UNSC_REFERRAL,
    UPCOMING,
    VERDICT_CODES,
    WARRANT_NOT_PUBLIC,
    WITHDRAWN,
    DeclarationFacts,
    FindingFacts,
    Period,
    ReferralFacts,
    SourceFacts,
    StateFacts,
    Verdict,
    VisitFacts,
    WarrantFacts,
    evaluate,
    self_check,
)
from core.reasons import render

# The day the explanations are read on: before every trip of these tests, so that an
# announced trip is told as ahead ("will be bound") whatever its dates; one whose dates have
# passed is told otherwise (test_an_announced_trip_whose_dates_passed_…).
READ_ON = datetime.date(2000, 1, 1)


def english(verdict: Verdict) -> str:
    """The verdict's reasons rendered as the English explanation, read on READ_ON."""
    return render(verdict.reasons, "en", READ_ON)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


# --- The states ---------------------------------------------------------------------------

MONGOLIA = StateFacts(
    "MNG",
    "Mongolia",
    signed=day("2000-12-29"),
    deposited=day("2002-04-11"),
    entry_into_force=day("2002-07-01"),
)
SOUTH_AFRICA = StateFacts(
    "ZAF",
    "South Africa",
    signed=day("1998-07-17"),
    deposited=day("2000-11-27"),
    entry_into_force=day("2002-07-01"),
)
CENTRAL_AFRICAN_REPUBLIC = StateFacts(
    "CAF",
    "Central African Republic",
    signed=day("1999-12-12"),
    deposited=day("2001-10-03"),
    entry_into_force=day("2002-07-01"),
)
ARMENIA = StateFacts(
    "ARM",
    "Armenia",
    signed=day("1999-10-01"),
    deposited=day("2023-11-14"),
    entry_into_force=day("2024-02-01"),
)
# Withdrawal notified 2016-10-27, effective 2017-10-27: the first state to leave.
BURUNDI = StateFacts(
    "BDI",
    "Burundi",
    signed=day("1999-01-13"),
    deposited=day("2004-09-21"),
    entry_into_force=day("2004-12-01"),
    withdrawal_notified=day("2016-10-27"),
    withdrawal_effective=day("2017-10-27"),
)
# A party from 2025-01-01; bound for the situation in Ukraine since its 2015 declaration.
UKRAINE = StateFacts(
    "UKR",
    "Ukraine",
    signed=day("2000-01-20"),
    deposited=day("2024-10-25"),
    entry_into_force=day("2025-01-01"),
    declarations=(DeclarationFacts(day("2015-09-08"), "Ukraine", Period.parse("2014-02-20")),),
)
# Deposited 2019-03-04, withdrawn with effect 2019-04-29, before the Statute would have
# entered into force for it (2019-06-01): never a party.
MALAYSIA = StateFacts(
    "MYS",
    "Malaysia",
    deposited=day("2019-03-04"),
    entry_into_force=day("2019-06-01"),
    withdrawal_effective=day("2019-04-29"),
)
CHINA = StateFacts("CHN", "China")
FRANCE = StateFacts(
    "FRA",
    "France",
    signed=day("1998-07-18"),
    deposited=day("2000-06-09"),
    entry_into_force=day("2002-07-01"),
)
# Not a party; bound for the situations in Libya by S/RES/1970 (2011); its own Art. 12(3)
# declaration for Libya (lodged 2025-05-12) came later.
LIBYA = StateFacts(
    "LBY",
    "Libya",
    declarations=(DeclarationFacts(day("2025-05-12"), "Libya", Period.parse("2011-02-15")),),
    referrals=(ReferralFacts("Libya", "S/RES/1970 (2011)", day("2011-02-26")),),
)
# Not a party; bound for Darfur by S/RES/1593 (2005).
SUDAN = StateFacts(
    "SDN",
    "Sudan",
    referrals=(ReferralFacts("Darfur, Sudan", "S/RES/1593 (2005)", day("2005-03-31")),),
)
# Ukraine's two declarations: 2014-04-17 (covering 2013-11-21..2014-02-22) and 2015-09-08
# (covering from 2014-02-20); a party from 2025-01-01.
UKRAINE_TWO_DECLARATIONS = StateFacts(
    "UKR",
    "Ukraine",
    signed=day("2000-01-20"),
    deposited=day("2024-10-25"),
    entry_into_force=day("2025-01-01"),
    declarations=(
        DeclarationFacts(
            day("2014-04-17"), "Ukraine", Period.parse("2013-11-21"), Period.parse("2014-02-22")
        ),
        DeclarationFacts(day("2015-09-08"), "Ukraine", Period.parse("2014-02-20")),
    ),
)
ITALY = StateFacts(
    "ITA",
    "Italy",
    signed=day("1998-07-18"),
    deposited=day("1999-07-26"),
    entry_into_force=day("2002-07-01"),
)

# --- The warrants -------------------------------------------------------------------------


def warrant(wid, issued, public=None, *, ended=None, end_reason="") -> WarrantFacts:
    return WarrantFacts(
        id=wid,
        issued=Period.parse(issued) if issued else None,
        made_public=Period.parse(public) if public else None,
        ended=day(ended) if ended else None,
        end_reason=end_reason,
    )


PUTIN = warrant("putin", "2023-03-17", "2023-03-17")
BASHIR = warrant("bashir-2009", "2009-03-04", "2009-03-04")
# Issued under seal, made public three months later.
KONY = warrant("kony", "2005-07-08", "2005-10-13")
# Executed: surrendered on 2020-06-09, the warrant's last day in force.
KUSHAYB = warrant("kushayb", "2007-04-27", "2007-04-27", ended="2020-06-09", end_reason="executed")
# Hypothetical: issued on the day before, and on the day, Burundi's withdrawal took effect.
ISSUED_EVE_OF_WITHDRAWAL = warrant("eve", "2017-10-26", "2017-10-26")
ISSUED_ON_WITHDRAWAL = warrant("on-the-day", "2017-10-27", "2017-10-27")
# Hypothetical: a warrant in the Ukraine situation older than Ukraine's 2015 declaration.
EARLY_UKRAINE_WARRANT = warrant("early-ukraine", "2015-01-05", "2015-01-05")
# Like the Libyan warrants in the dataset: issued (under seal) some day in 2023.
ISSUED_SOME_DAY_IN_2023 = warrant("al-kani", "2023", "2024-10-04")
# Hypothetical: a public warrant in the Libya situation against a non-Libyan suspect.
LIBYA_SITUATION_WARRANT = warrant("libya-public", "2017-08-15", "2017-08-15")
# Issue date unknown: in force from the first day it is known to have been public.
PUBLIC_SOME_DAY_IN_JUNE_2020 = warrant("unknown-issue", None, "2020-06")


# --- The visits ---------------------------------------------------------------------------


def visit(
    start: str | None,
    end: str | None = None,
    *,
    person: str = "Vladimir Putin",
    situation: str = "Ukraine",
    status: str = "occurred",
    outcome: str = "not_arrested",
    review_state: str = "verified",
    host_notified: bool = False,
    place: str = "",
    justification: str = "",
    host_control: str = "effective",
    controlled_by: str = "",
    withdrawal_note: str = "",
    end_known: bool = True,
) -> VisitFacts:
    return VisitFacts(
        ref="test-visit",
        person_name=person,
        situation=situation,
        status=status,
        outcome=outcome,
        review_state=review_state,
        start=Period.parse(start) if start else None,
        end=Period.parse(end) if end else None,
        place=place,
        host_notified=host_notified,
        host_justification=justification,
        host_control=host_control,
        controlled_by=controlled_by,
        withdrawal_note=withdrawal_note,
        end_known=end_known,
    )


BASHIR_VISIT = {"person": "Omar al-Bashir", "situation": "Darfur, Sudan"}
KONY_VISIT = {"person": "Joseph Kony", "situation": "Uganda"}
KUSHAYB_VISIT = {"person": "Ali Kushayb", "situation": "Darfur, Sudan"}
LIBYA_VISIT = {"person": "Abdurahem al-Kani", "situation": "Libya"}
NON_LIBYAN = {"person": "A non-Libyan suspect", "situation": "Libya"}
CALLED_OFF = {"status": "cancelled", "outcome": "n/a"}
ANNOUNCED_TRIP = {"status": "announced", "outcome": "n/a"}
OCCUPIED = {"host_control": "none", "controlled_by": "RUS"}
BY_VIDEO = {"status": "virtual", "outcome": "n/a"}


# --- The verdict table, row by row ------------------------------------------------------------

# fmt: off
VERDICT_ROWS = [
    # pending: review state not verified, outcome unknown, or no date to judge
    pytest.param(visit("2024-09-02", review_state="reported"), MONGOLIA, [PUTIN], PENDING, "",
                 id="pending-report-not-yet-verified"),
    pytest.param(visit("2024-09-02", outcome="unknown"), MONGOLIA, [PUTIN], PENDING, "",
                 id="pending-outcome-unknown"),
    pytest.param(visit(None), MONGOLIA, [PUTIN], PENDING, "", id="pending-visit-without-a-date"),
    pytest.param(visit("2023-08-22", review_state="reported", **CALLED_OFF), SOUTH_AFRICA, [PUTIN],
                 PENDING, "", id="pending-outranks-deterred"),
    pytest.param(visit("2024-09-02", outcome="n/a"), MONGOLIA, [PUTIN], PENDING, "",
                 id="pending-occurred-visit-with-no-outcome-to-judge-has-no-basis"),
    pytest.param(visit("2027-06-01", review_state="reported", **ANNOUNCED_TRIP), FRANCE, [PUTIN],
                 PENDING, "", id="pending-outranks-upcoming"),
    # upcoming: announced, not yet taken; the basis the host will have
    pytest.param(visit("2027-06-01", **ANNOUNCED_TRIP), FRANCE, [PUTIN], UPCOMING, STATE_PARTY,
                 id="upcoming-announced-trip-to-a-party"),
    pytest.param(visit("2027-06-01", **ANNOUNCED_TRIP), CHINA, [PUTIN], UPCOMING, "",
                 id="upcoming-announced-trip-to-a-non-party"),
    # Undated, to a host bound on every day a warrant is in force: the basis it will have.
    pytest.param(visit(None, **ANNOUNCED_TRIP), FRANCE, [PUTIN], UPCOMING, STATE_PARTY,
                 id="upcoming-without-a-date"),
    pytest.param(visit("2023-01-10", **ANNOUNCED_TRIP), MONGOLIA, [PUTIN], UPCOMING, "",
                 id="upcoming-outranks-no-warrant-in-force"),
    # deterred: cancelled or virtual, whatever else holds
    pytest.param(visit("2023-08-22", "2023-08-24", **CALLED_OFF), SOUTH_AFRICA, [PUTIN], DETERRED,
                 STATE_PARTY, id="deterred-cancelled-trip-to-a-party"),
    pytest.param(visit("2023-08-22", "2023-08-24", **BY_VIDEO), SOUTH_AFRICA, [PUTIN], DETERRED,
                 STATE_PARTY, id="deterred-attended-by-video"),
    pytest.param(visit(None, **CALLED_OFF), SOUTH_AFRICA, [PUTIN], DETERRED, STATE_PARTY,
                 id="deterred-cancelled-trip-without-a-date"),
    pytest.param(visit("2023-01-10", **CALLED_OFF), MONGOLIA, [PUTIN], DETERRED, "",
                 id="deterred-outranks-no-warrant-in-force"),
    # no_warrant_in_force
    pytest.param(visit("2023-03-16"), MONGOLIA, [PUTIN], NO_WARRANT_IN_FORCE, "",
                 id="no-warrant-yet"),
    pytest.param(visit("2020-06-10", **KUSHAYB_VISIT), CENTRAL_AFRICAN_REPUBLIC, [KUSHAYB],
                 NO_WARRANT_IN_FORCE, "", id="no-warrant-any-more"),
    # warrant_not_public
    pytest.param(visit("2005-09-01", **KONY_VISIT), CENTRAL_AFRICAN_REPUBLIC, [KONY],
                 WARRANT_NOT_PUBLIC, "", id="warrant-sealed-and-not-notified"),
    # no_control: the host did not control the place; the basis it would have had
    pytest.param(visit("2024-03-18", place="Sevastopol", **OCCUPIED), UKRAINE, [PUTIN], NO_CONTROL,
                 ART_12_3_DECLARATION, id="no-control-occupied-place-declaration-basis"),
    pytest.param(visit("2025-03-18", place="Mariupol", **OCCUPIED), UKRAINE, [PUTIN], NO_CONTROL,
                 STATE_PARTY, id="no-control-occupied-place-party-basis"),
    pytest.param(visit("2024-09-02", host_control="none"), CHINA, [PUTIN], NO_CONTROL, "",
                 id="no-control-non-party-no-basis"),
    pytest.param(visit("2024-03-18", outcome="arrested", **OCCUPIED), UKRAINE, [PUTIN], NO_CONTROL,
                 ART_12_3_DECLARATION, id="no-control-outranks-complied"),
    pytest.param(visit("2023-03-16", **OCCUPIED), UKRAINE, [PUTIN], NO_WARRANT_IN_FORCE, "",
                 id="no-warrant-outranks-no-control"),
    # complied: arrested, bound or not
    pytest.param(visit("2024-09-02", outcome="arrested"), MONGOLIA, [PUTIN], COMPLIED, STATE_PARTY,
                 id="complied-bound-host-arrested"),
    pytest.param(visit("2024-09-02", outcome="arrested"), CHINA, [PUTIN], COMPLIED, "",
                 id="complied-unbound-host-arrested-anyway"),
    # complied: the person gave himself up and was transferred to the Court, on a visit or a
    # transit stop (the statuses a trip that took place has), bound host or not: no failure
    # to arrest, and no arrest by the host (Ntaganda in Rwanda, 2013).
    pytest.param(visit("2024-09-02", outcome="self_surrendered"), MONGOLIA, [PUTIN], COMPLIED,
                 STATE_PARTY, id="complied-bound-host-person-gave-himself-up"),
    pytest.param(visit("2024-09-02", outcome="self_surrendered"), CHINA, [PUTIN], COMPLIED, "",
                 id="complied-unbound-host-person-gave-himself-up"),
    pytest.param(visit("2024-09-02", status="transit", outcome="self_surrendered"), MONGOLIA,
                 [PUTIN], COMPLIED, STATE_PARTY, id="complied-bound-host-gave-up-in-transit"),
    pytest.param(visit("2024-09-02", status="transit", outcome="self_surrendered"), CHINA,
                 [PUTIN], COMPLIED, "", id="complied-unbound-host-gave-up-in-transit"),
    # no_obligation
    pytest.param(visit("2023-10-17", "2023-10-18"), CHINA, [PUTIN], NO_OBLIGATION, "",
                 id="no-obligation-host-never-a-party"),
    pytest.param(visit("2024-09-02", outcome="left_early"), CHINA, [PUTIN], NO_OBLIGATION, "",
                 id="no-obligation-even-if-the-person-left-early"),
    # non_compliance: bound host, usable warrant, present, not surrendered
    pytest.param(visit("2024-09-02", "2024-09-03"), MONGOLIA, [PUTIN], NON_COMPLIANCE, STATE_PARTY,
                 id="non-compliance-not-arrested"),
    pytest.param(visit("2024-09-02", outcome="left_early"), MONGOLIA, [PUTIN], NON_COMPLIANCE,
                 STATE_PARTY, id="non-compliance-left-early"),
    pytest.param(visit("2024-09-02", outcome="released"), MONGOLIA, [PUTIN], NON_COMPLIANCE,
                 STATE_PARTY, id="non-compliance-arrested-then-released"),
    pytest.param(visit("2024-09-02", status="transit"), MONGOLIA, [PUTIN], NON_COMPLIANCE,
                 STATE_PARTY, id="non-compliance-in-transit"),
    # A visit whose end is not known rests on its start, the one day known to be visited.
    pytest.param(visit("2024-09-02", end_known=False), MONGOLIA, [PUTIN], NON_COMPLIANCE,
                 STATE_PARTY, id="non-compliance-end-not-known"),
    pytest.param(visit("2024-01-31", end_known=False), ARMENIA, [PUTIN], PENDING, "",
                 id="pending-end-not-known-host-bound-from-the-next-day"),
]
# fmt: on


@pytest.mark.parametrize(("facts", "host", "warrants", "code", "basis"), VERDICT_ROWS)
def test_each_row_of_the_verdict_table(facts, host, warrants, code, basis):
    verdict = evaluate(facts, host, warrants)
    assert (verdict.code, verdict.basis) == (code, basis)
    assert english(verdict)


# fmt: off
@pytest.mark.parametrize(
    ("facts", "reason"),
    [
        pytest.param(visit("2024-09-02", review_state="reported"), "not yet been verified",
                     id="reported"),
        pytest.param(visit("2024-09-02", outcome="unknown"), "outcome of the visit is not known",
                     id="outcome-unknown"),
        pytest.param(visit(None), "has no date", id="no-date"),
        pytest.param(visit("2024-09-02", outcome="n/a"), "does not allow a verdict",
                     id="no-outcome-to-judge"),
    ],
)
def test_a_pending_verdict_gives_its_reason_in_the_explanation(facts, reason):
    verdict = evaluate(facts, MONGOLIA, [PUTIN])
    assert verdict.code == PENDING
    assert reason in verdict.reason
    assert reason in english(verdict)
# fmt: on


def test_only_non_compliance_names_a_failure_to_arrest():
    for facts, host, warrants, code, _ in (p.values for p in VERDICT_ROWS):
        explanation = english(evaluate(facts, host, warrants))
        assert ("failure to arrest and surrender" in explanation) is (code == NON_COMPLIANCE)


# --- Every obligation basis, and their order ----------------------------------------------

# fmt: off
BASIS_ROWS = [
    pytest.param(MONGOLIA, [PUTIN], visit("2024-09-02"), STATE_PARTY, id="state-party"),
    pytest.param(BURUNDI, [BASHIR], visit("2018-06-01", **BASHIR_VISIT), ART_127_2_RESIDUAL,
                 id="art-127-2-withdrawn-but-bound-for-an-older-warrant"),
    pytest.param(UKRAINE, [PUTIN], visit("2024-06-01"), ART_12_3_DECLARATION,
                 id="art-12-3-declaration-before-joining"),
    pytest.param(UKRAINE, [PUTIN], visit("2025-01-15"), STATE_PARTY,
                 id="state-party-is-reported-before-a-declaration"),
    pytest.param(replace(BURUNDI, declarations=(DeclarationFacts(day("2018-01-01"), "Darfur, Sudan"),)),
                 [BASHIR], visit("2018-06-01", **BASHIR_VISIT), ART_127_2_RESIDUAL,
                 id="residual-is-reported-before-a-declaration"),
    pytest.param(LIBYA, [LIBYA_SITUATION_WARRANT], visit("2024-06-01", **NON_LIBYAN),
                 UNSC_REFERRAL, id="unsc-referral-libya-2024-before-its-own-declaration"),
    pytest.param(LIBYA, [LIBYA_SITUATION_WARRANT], visit("2025-06-01", **NON_LIBYAN),
                 ART_12_3_DECLARATION, id="declaration-is-reported-before-a-referral"),
    pytest.param(SUDAN, [BASHIR], visit("2010-07-22", person="A hypothetical non-Sudanese suspect",
                 situation="Darfur, Sudan"), UNSC_REFERRAL, id="unsc-referral-darfur"),
]
# fmt: on


@pytest.mark.parametrize(("host", "warrants", "facts", "basis"), BASIS_ROWS)
def test_each_obligation_basis(host, warrants, facts, basis):
    verdict = evaluate(facts, host, warrants)
    assert (verdict.code, verdict.basis) == (NON_COMPLIANCE, basis)


def test_the_tables_cover_every_verdict_code_and_every_basis():
    assert {p.values[3] for p in VERDICT_ROWS} == set(VERDICT_CODES)
    assert {p.values[3] for p in BASIS_ROWS} == set(BASES)


# --- The boundary days: the day before, and the day of ---------------------------------------


# fmt: off
@pytest.mark.parametrize(
    ("host", "warrants", "facts", "code", "basis"),
    [
        # Entry into force (Art. 126(2)): bound from the day itself.
        pytest.param(ARMENIA, [PUTIN], visit("2024-01-31"), NO_OBLIGATION, "",
                     id="day-before-entry-into-force"),
        pytest.param(ARMENIA, [PUTIN], visit("2024-02-01"), NON_COMPLIANCE, STATE_PARTY,
                     id="day-of-entry-into-force"),
        # Withdrawal taking effect (Art. 127(1)): no longer a party on the day itself, but
        # still bound for warrants issued before that day (Art. 127(2)).
        pytest.param(BURUNDI, [BASHIR], visit("2017-10-26", **BASHIR_VISIT), NON_COMPLIANCE,
                     STATE_PARTY, id="day-before-withdrawal-takes-effect"),
        pytest.param(BURUNDI, [BASHIR], visit("2017-10-27", **BASHIR_VISIT), NON_COMPLIANCE,
                     ART_127_2_RESIDUAL, id="day-withdrawal-takes-effect-older-warrant"),
        pytest.param(BURUNDI, [ISSUED_EVE_OF_WITHDRAWAL], visit("2017-11-15"), NON_COMPLIANCE,
                     ART_127_2_RESIDUAL, id="warrant-issued-the-day-before-withdrawal-takes-effect"),
        pytest.param(BURUNDI, [ISSUED_ON_WITHDRAWAL], visit("2017-11-15"), NO_OBLIGATION, "",
                     id="warrant-issued-the-day-withdrawal-takes-effect"),
        pytest.param(BURUNDI, [ISSUED_ON_WITHDRAWAL], visit("2017-10-27"), NO_OBLIGATION, "",
                     id="warrant-and-withdrawal-on-the-same-day-as-the-visit"),
        # A warrant being issued.
        pytest.param(MONGOLIA, [PUTIN], visit("2023-03-16"), NO_WARRANT_IN_FORCE, "",
                     id="day-before-warrant-issued"),
        pytest.param(MONGOLIA, [PUTIN], visit("2023-03-17"), NON_COMPLIANCE, STATE_PARTY,
                     id="day-warrant-issued"),
        # A sealed warrant being issued, and made public.
        pytest.param(CENTRAL_AFRICAN_REPUBLIC, [KONY], visit("2005-07-07", **KONY_VISIT),
                     NO_WARRANT_IN_FORCE, "", id="day-before-sealed-warrant-issued"),
        pytest.param(CENTRAL_AFRICAN_REPUBLIC, [KONY], visit("2005-07-08", **KONY_VISIT),
                     WARRANT_NOT_PUBLIC, "", id="day-sealed-warrant-issued"),
        pytest.param(CENTRAL_AFRICAN_REPUBLIC, [KONY], visit("2005-10-12", **KONY_VISIT),
                     WARRANT_NOT_PUBLIC, "", id="day-before-warrant-made-public"),
        pytest.param(CENTRAL_AFRICAN_REPUBLIC, [KONY],
                     visit("2005-10-12", host_notified=True, **KONY_VISIT), NON_COMPLIANCE,
                     STATE_PARTY, id="day-before-warrant-made-public-but-host-notified"),
        pytest.param(CENTRAL_AFRICAN_REPUBLIC, [KONY], visit("2005-10-13", **KONY_VISIT),
                     NON_COMPLIANCE, STATE_PARTY, id="day-warrant-made-public"),
        # A warrant ending: its last day still counts, and an arrest on it executes it.
        pytest.param(CENTRAL_AFRICAN_REPUBLIC, [KUSHAYB], visit("2020-06-08", **KUSHAYB_VISIT),
                     NON_COMPLIANCE, STATE_PARTY, id="day-before-warrant-ended"),
        pytest.param(CENTRAL_AFRICAN_REPUBLIC, [KUSHAYB], visit("2020-06-09", **KUSHAYB_VISIT),
                     NON_COMPLIANCE, STATE_PARTY, id="day-warrant-ended-still-in-force"),
        pytest.param(CENTRAL_AFRICAN_REPUBLIC, [KUSHAYB],
                     visit("2020-06-09", outcome="arrested", **KUSHAYB_VISIT), COMPLIED,
                     STATE_PARTY, id="arrest-on-the-day-the-warrant-ended-executes-it"),
        pytest.param(CENTRAL_AFRICAN_REPUBLIC, [KUSHAYB], visit("2020-06-10", **KUSHAYB_VISIT),
                     NO_WARRANT_IN_FORCE, "", id="day-after-warrant-ended"),
        # An Art. 12(3) declaration binds from the day it is lodged, for its situation only.
        pytest.param(UKRAINE, [EARLY_UKRAINE_WARRANT], visit("2015-09-07"), NO_OBLIGATION, "",
                     id="day-before-declaration-lodged"),
        pytest.param(UKRAINE, [EARLY_UKRAINE_WARRANT], visit("2015-09-08"), NON_COMPLIANCE,
                     ART_12_3_DECLARATION, id="day-declaration-lodged"),
        pytest.param(UKRAINE, [BASHIR], visit("2016-06-01", **BASHIR_VISIT), NO_OBLIGATION, "",
                     id="declaration-for-another-situation-does-not-bind"),
    ],
)
def test_boundary_days(host, warrants, facts, code, basis):
    verdict = evaluate(facts, host, warrants)
    assert (verdict.code, verdict.basis) == (code, basis)
# fmt: on


# --- Visits of several days straddling a boundary ---------------------------------------------


# fmt: off
@pytest.mark.parametrize(
    ("host", "warrants", "facts", "code", "basis", "decisive_day"),
    [
        pytest.param(ARMENIA, [PUTIN], visit("2024-01-30", "2024-02-01"), NON_COMPLIANCE,
                     STATE_PARTY, "2024-02-01", id="ends-the-day-the-state-becomes-bound"),
        pytest.param(ARMENIA, [PUTIN], visit("2024-01-29", "2024-01-31"), NO_OBLIGATION, "",
                     "2024-01-29", id="ends-the-day-before-the-state-becomes-bound"),
        pytest.param(BURUNDI, [BASHIR], visit("2017-10-26", "2017-10-28", **BASHIR_VISIT),
                     NON_COMPLIANCE, STATE_PARTY, "2017-10-26",
                     id="straddles-withdrawal-state-party-reported-first"),
        pytest.param(BURUNDI, [ISSUED_ON_WITHDRAWAL], visit("2017-10-26", "2017-10-27"),
                     NO_OBLIGATION, "", "2017-10-27",
                     id="bound-on-day-one-warrant-only-on-day-two-never-meet"),
        pytest.param(MONGOLIA, [PUTIN], visit("2023-03-16", "2023-03-18"), NON_COMPLIANCE,
                     STATE_PARTY, "2023-03-17", id="straddles-warrant-issue"),
        pytest.param(CENTRAL_AFRICAN_REPUBLIC, [KONY],
                     visit("2005-10-12", "2005-10-14", **KONY_VISIT), NON_COMPLIANCE, STATE_PARTY,
                     "2005-10-13", id="straddles-warrant-made-public"),
        pytest.param(CENTRAL_AFRICAN_REPUBLIC, [KUSHAYB],
                     visit("2020-06-09", "2020-06-11", **KUSHAYB_VISIT), NON_COMPLIANCE,
                     STATE_PARTY, "2020-06-09", id="starts-on-the-warrants-last-day"),
        pytest.param(UKRAINE, [EARLY_UKRAINE_WARRANT], visit("2015-09-07", "2015-09-08"),
                     NON_COMPLIANCE, ART_12_3_DECLARATION, "2015-09-08",
                     id="straddles-declaration-lodged"),
        pytest.param(UKRAINE, [PUTIN], visit("2024-12-31", "2025-01-01"), NON_COMPLIANCE,
                     STATE_PARTY, "2025-01-01",
                     id="declaration-then-entry-into-force-state-party-reported-first"),
    ],
)
def test_multi_day_visits_straddling_a_boundary(host, warrants, facts, code, basis, decisive_day):
    verdict = evaluate(facts, host, warrants)
    assert (verdict.code, verdict.basis) == (code, basis)
    assert verdict.decisive_day == day(decisive_day)
# fmt: on


# --- Deterred trips ----------------------------------------------------------------------------


# fmt: off
@pytest.mark.parametrize(
    ("host", "warrants", "facts", "basis", "would_have_been_bound"),
    [
        pytest.param(SOUTH_AFRICA, [PUTIN], visit("2023-08-22", "2023-08-24", **CALLED_OFF),
                     STATE_PARTY, True, id="brics-2023-called-off-party-host"),
        pytest.param(SOUTH_AFRICA, [PUTIN], visit("2023-08-22", "2023-08-24", **BY_VIDEO),
                     STATE_PARTY, True, id="attended-by-video-party-host"),
        pytest.param(CHINA, [PUTIN], visit("2024-05-16", **CALLED_OFF), "", False,
                     id="called-off-non-party-host"),
        pytest.param(ARMENIA, [PUTIN], visit("2023-10-01", **CALLED_OFF), "", False,
                     id="called-off-before-entry-into-force"),
        pytest.param(MONGOLIA, [PUTIN], visit("2023-01-10", **CALLED_OFF), "", False,
                     id="called-off-before-the-warrant"),
        pytest.param(CENTRAL_AFRICAN_REPUBLIC, [KONY],
                     visit("2005-09-01", **KONY_VISIT, **CALLED_OFF), "", False,
                     id="called-off-while-the-warrant-was-sealed"),
        pytest.param(BURUNDI, [BASHIR], visit("2018-06-01", **BASHIR_VISIT, **CALLED_OFF),
                     ART_127_2_RESIDUAL, True, id="called-off-residual-obligation"),
        pytest.param(SOUTH_AFRICA, [PUTIN], visit(None, **CALLED_OFF), STATE_PARTY, True,
                     id="called-off-date-unknown-bound-whenever-a-warrant-was-in-force"),
        pytest.param(ARMENIA, [PUTIN], visit(None, **CALLED_OFF), "", None,
                     id="called-off-date-unknown-bound-only-once-a-party"),
        pytest.param(MONGOLIA, [PUTIN], visit("2023", **CALLED_OFF), STATE_PARTY, True,
                     id="called-off-in-the-year-of-the-warrant-bound-once-it-was-issued"),
        pytest.param(MONGOLIA, [PUTIN], visit("2023-03", **CALLED_OFF), STATE_PARTY, True,
                     id="called-off-in-the-month-of-the-warrant-bound-once-it-was-issued"),
        pytest.param(ARMENIA, [PUTIN], visit("2025", **CALLED_OFF), STATE_PARTY, True,
                     id="called-off-dated-only-to-a-year-bound-throughout"),
        pytest.param(ARMENIA, [PUTIN], visit("2024", **CALLED_OFF), "", None,
                     id="called-off-in-the-year-the-state-joined-unknown"),
    ],
)
def test_deterred_trips_record_whether_the_host_would_have_been_bound(
    host, warrants, facts, basis, would_have_been_bound
):
    verdict = evaluate(facts, host, warrants)
    assert verdict.code == DETERRED
    assert verdict.basis == basis
    assert verdict.would_have_been_bound is would_have_been_bound
# fmt: on


def test_only_deterred_trips_record_whether_the_host_would_have_been_bound():
    assert evaluate(visit("2024-09-02"), MONGOLIA, [PUTIN]).would_have_been_bound is None
    assert evaluate(visit("2023"), ARMENIA, [PUTIN]).would_have_been_bound is None


# fmt: off
@pytest.mark.parametrize(
    ("host", "facts", "expected"),
    [
        pytest.param(SOUTH_AFRICA,
                     visit("2023-08-22", "2023-08-24", place="Johannesburg", **CALLED_OFF),
                     ["to Johannesburg, South Africa, planned for 22–24 August 2023, was called off", "South Africa would have been bound to arrest"],
                     id="called-off"),
        pytest.param(SOUTH_AFRICA, visit("2023-08-22", "2023-08-24", **BY_VIDEO),
                     ["did not make the trip to South Africa, planned for 22–24 August 2023, and took part by video instead."],
                     id="by-video"),
        pytest.param(CHINA, visit("2024-05-16", **CALLED_OFF),
                     ["was called off. China is not a State Party", "so the Statute would not have bound it to arrest"],
                     id="not-bound"),
        pytest.param(MONGOLIA, visit("2023-01-10", **CALLED_OFF),
                     ["Mongolia would not have been bound to arrest: no warrant against Vladimir Putin was in force on those dates."],
                     id="before-the-warrant"),
        pytest.param(ARMENIA, visit("2024", **CALLED_OFF),
                     ["Whether Armenia would have been bound to arrest depends on the exact dates", "1 February 2024"],
                     id="depends-on-the-date"),
        pytest.param(SOUTH_AFRICA, visit(None, **BY_VIDEO),
                     ["did not make the trip to South Africa and took part by video instead; the date it was planned for is not known."],
                     id="by-video-date-unknown"),
    ],
)
def test_a_deterred_trip_is_explained(host, facts, expected):
    explanation = english(evaluate(facts, host, [PUTIN]))
    for text in expected:
        assert text in explanation
# fmt: on


# --- Partial dates -------------------------------------------------------------------------


# fmt: off
PARTIAL_DATE_ROWS = [
    # Every possible day agrees: that is the verdict.
    pytest.param(ARMENIA, [PUTIN], visit("2025"), NON_COMPLIANCE, STATE_PARTY,
                 id="year-wholly-after-entry-into-force"),
    pytest.param(ARMENIA, [PUTIN], visit("2023-06"), NO_OBLIGATION, "",
                 id="month-wholly-before-entry-into-force"),
    pytest.param(MALAYSIA, [BASHIR], visit("2011-06", **BASHIR_VISIT), NO_OBLIGATION, "",
                 id="month-in-a-never-party"),
    pytest.param(BURUNDI, [BASHIR], visit("2017-10", **BASHIR_VISIT), NON_COMPLIANCE,
                 STATE_PARTY, id="month-of-withdrawal-bound-either-way"),
    # The days disagree, but the host was bound on none of them: no_obligation.
    pytest.param(CHINA, [PUTIN], visit("2023-03"), NO_OBLIGATION, "",
                 id="month-of-warrant-issue-non-party"),
    pytest.param(ARMENIA, [PUTIN], visit("2023"), NO_OBLIGATION, "",
                 id="year-of-warrant-issue-before-joining"),
    pytest.param(BURUNDI, [ISSUED_ON_WITHDRAWAL], visit("2017-10"), NO_OBLIGATION, "",
                 id="month-of-withdrawal-warrant-issued-after"),
    # The days disagree and the host was bound on some: too imprecise to decide.
    pytest.param(ARMENIA, [PUTIN], visit("2024"), PENDING, "",
                 id="year-straddling-entry-into-force"),
    pytest.param(MONGOLIA, [PUTIN], visit("2023-03"), PENDING, "",
                 id="month-straddling-warrant-issue-at-a-party"),
    pytest.param(CENTRAL_AFRICAN_REPUBLIC, [KONY], visit("2005-07", **KONY_VISIT), PENDING, "",
                 id="month-straddling-sealed-warrant-issue-at-a-party"),
    pytest.param(UKRAINE, [EARLY_UKRAINE_WARRANT], visit("2015-09"), PENDING, "",
                 id="month-straddling-declaration"),
    # A visit known to start in one period and end in a later one covered every day between.
    pytest.param(ARMENIA, [PUTIN], visit("2024-01", "2024-03"), NON_COMPLIANCE, STATE_PARTY,
                 id="months-either-side-of-entry-into-force"),
    pytest.param(ARMENIA, [PUTIN], visit("2024-01", "2024-02"), NON_COMPLIANCE, STATE_PARTY,
                 id="month-before-to-month-of-entry-into-force"),
    pytest.param(ARMENIA, [PUTIN], visit("2024-01-30", "2024-02"), NON_COMPLIANCE,
                 STATE_PARTY, id="day-before-to-month-of-entry-into-force"),
    pytest.param(ARMENIA, [PUTIN], visit("2024-01", "2024-02-02"), NON_COMPLIANCE,
                 STATE_PARTY, id="month-before-to-day-after-entry-into-force"),
    pytest.param(ARMENIA, [PUTIN], visit("2023-12", "2024-01"), NO_OBLIGATION, "",
                 id="months-before-entry-into-force"),
    pytest.param(ARMENIA, [PUTIN], visit("2023-12", "2024"), PENDING, "",
                 id="ends-some-day-of-the-year-of-entry-into-force"),
    pytest.param(ARMENIA, [PUTIN], visit("2023", "2024-06"), NON_COMPLIANCE, STATE_PARTY,
                 id="starts-before-the-warrant-ends-after-entry-into-force"),
    pytest.param(ARMENIA, [warrant("putin", "2023-03-17", "2023-03-17", ended="2024-02-10")],
                 visit("2024-02-05", "2024"), NON_COMPLIANCE, STATE_PARTY,
                 id="a-known-first-day-while-bound-ends-some-day-of-the-year"),
    # Imprecise warrant dates are read as early and as late as they could be.
    pytest.param(ITALY, [ISSUED_SOME_DAY_IN_2023], visit("2022-12-31", **LIBYA_VISIT),
                 NO_WARRANT_IN_FORCE, "", id="before-a-warrant-issued-some-day-in-2023"),
    pytest.param(ITALY, [ISSUED_SOME_DAY_IN_2023], visit("2023-06-01", **LIBYA_VISIT), PENDING,
                 "", id="during-the-year-a-sealed-warrant-was-issued"),
    pytest.param(ITALY, [ISSUED_SOME_DAY_IN_2023], visit("2024-10-04", **LIBYA_VISIT),
                 NON_COMPLIANCE, STATE_PARTY, id="after-the-warrant-was-made-public"),
    pytest.param(CHINA, [ISSUED_SOME_DAY_IN_2023], visit("2023-06-01", **LIBYA_VISIT),
                 NO_OBLIGATION, "", id="imprecise-warrant-non-party"),
    pytest.param(ITALY, [PUBLIC_SOME_DAY_IN_JUNE_2020], visit("2020-05-31", **LIBYA_VISIT),
                 NO_WARRANT_IN_FORCE, "", id="unknown-issue-date-before-it-was-public"),
    pytest.param(ITALY, [PUBLIC_SOME_DAY_IN_JUNE_2020], visit("2020-06-15", **LIBYA_VISIT),
                 PENDING, "", id="unknown-issue-date-in-the-month-it-became-public"),
    pytest.param(ITALY, [PUBLIC_SOME_DAY_IN_JUNE_2020], visit("2020-07-01", **LIBYA_VISIT),
                 NON_COMPLIANCE, STATE_PARTY, id="unknown-issue-date-after-it-was-public"),
]


@pytest.mark.parametrize(("host", "warrants", "facts", "code", "basis"), PARTIAL_DATE_ROWS)
def test_partial_dates(host, warrants, facts, code, basis):
    verdict = evaluate(facts, host, warrants)
    assert (verdict.code, verdict.basis) == (code, basis)
    assert (verdict.reason == IMPRECISE_REASON) is (code == PENDING)
# fmt: on


def _decision_rows():
    """Every row of the verdict table, every partial-date case, the visits off the record,
    and trips whose would-have-been-bound depends on an unknown day: each way a decision is
    told (compliance.facts.TOLD_*), uniform or not."""
    for p in VERDICT_ROWS:
        facts, host, warrants, code, basis = p.values
        yield pytest.param(facts, host, warrants, code, basis, id=p.id)
    for p in PARTIAL_DATE_ROWS:
        host, warrants, facts, code, basis = p.values
        yield pytest.param(facts, host, warrants, code, basis, id=p.id)
    for review_state in ("rejected", "withdrawn"):
        yield pytest.param(
            visit("2024-09-02", review_state=review_state, withdrawal_note="removed"),
            MONGOLIA,
            [PUTIN],
            WITHDRAWN,
            "",
            id=review_state,
        )
    for status, code in (("cancelled", DETERRED), ("announced", UPCOMING)):
        yield pytest.param(
            visit("2024", status=status), ARMENIA, [PUTIN], code, "", id=f"{status}-in-2024"
        )


@pytest.mark.parametrize(("facts", "host", "warrants", "code", "basis"), list(_decision_rows()))
def test_the_decision_is_the_verdict_without_its_reasons_and_builds_none(
    facts, host, warrants, code, basis, monkeypatch
):
    """compliance.decide gives the fields evaluate stores without building a reason, and
    compliance.explain gives evaluate's reasons from the decision (the expected codes and
    bases are the other tests' own, so a decision that drifted from them fails here)."""
    verdict = evaluate(facts, host, warrants)

    def no_reasons(*args, **kwargs):
        raise AssertionError("decide built the reasons")

    monkeypatch.setattr(compliance.verdict, "Reasons", no_reasons)
    monkeypatch.setattr(compliance.explanation, "Reasons", no_reasons)
    decision = compliance.decide(facts, host, warrants)
    monkeypatch.undo()
    assert (decision.code, decision.basis) == (code, basis)
    assert (
        decision.warrant_ids,
        decision.would_have_been_bound,
        decision.decisive_day,
        decision.reason,
    ) == (verdict.warrant_ids, verdict.would_have_been_bound, verdict.decisive_day, verdict.reason)
    assert self_check(decision, False, code) == ""
    assert compliance.explain(decision, facts, host, warrants) == verdict.reasons
    assert verdict.reasons


def test_a_decision_without_its_reading_cannot_be_explained():
    decision = compliance.Decision(code=NON_COMPLIANCE, basis=STATE_PARTY)
    with pytest.raises(ValueError, match="carries no reading"):
        compliance.explain(decision, visit("2024-09-02"), MONGOLIA, [PUTIN])


def test_a_date_too_imprecise_to_decide_says_where_the_verdict_changes():
    verdict = evaluate(visit("2024", place="Yerevan"), ARMENIA, [PUTIN])
    assert verdict.code == PENDING
    assert english(verdict) == (
        "No verdict yet on the reported visit of Vladimir Putin to Yerevan, Armenia in 2024: "
        "the date is too imprecise to decide (the visit is dated only 2024, and the verdict "
        "changes on 1 February 2024)."
    )


def test_a_visit_between_two_periods_says_where_its_verdict_changes():
    """It may have ended before 1 February 2024 or after: the day the verdict changes is
    the first day a shorter stay leaves out."""
    verdict = evaluate(visit("2023-12", "2024", place="Yerevan"), ARMENIA, [PUTIN])
    assert verdict.code == PENDING
    assert "the verdict changes on 1 February 2024" in english(verdict)


def test_a_visit_between_two_periods_left_open_by_a_warrant_date_names_the_warrant():
    """Whatever the visit's days, the answer turns on the day in 2023 the warrant was
    issued: the explanation names the warrant's imprecise date, not a day of the visit."""
    trip = visit("2023-01", "2023-03", **LIBYA_VISIT)
    verdict = evaluate(trip, ITALY, [ISSUED_SOME_DAY_IN_2023])
    assert verdict.code == PENDING
    assert "the warrant is known only to have been issued in 2023" in english(verdict)
    assert "the verdict changes on" not in english(verdict)


def test_a_visit_between_two_periods_says_its_verdict_holds_whatever_its_days():
    explanation = english(evaluate(visit("2024-01", "2024-03"), ARMENIA, [PUTIN]))
    assert (
        "The visit is dated only January 2024 – March 2024; whatever its exact first and "
        "last days, this is the verdict." in explanation
    )
    assert "the verdict is the same whatever its day" not in explanation


def test_a_visit_between_two_periods_claims_the_warrant_throughout_only_if_it_was():
    """Certainly bound on some of its days, whatever they were, so a failure to arrest; but
    it may have begun before the warrant of 17 March 2023 was issued."""
    partly = english(evaluate(visit("2023", "2024-06", place="Yerevan"), ARMENIA, [PUTIN]))
    assert "was in force during part of 2023 – June 2024" in partly
    assert "throughout" not in partly
    whole = english(evaluate(visit("2024-01", "2024-03", place="Yerevan"), ARMENIA, [PUTIN]))
    assert "was in force throughout January 2024 – March 2024" in whole


def test_an_imprecise_warrant_date_is_named_when_it_leaves_the_verdict_open():
    verdict = evaluate(visit("2023-06-01", **LIBYA_VISIT), ITALY, [ISSUED_SOME_DAY_IN_2023])
    assert "the warrant is known only to have been issued in 2023" in english(verdict)


def test_a_partial_date_that_resolves_says_every_possible_day_agrees():
    explanation = english(evaluate(visit("2025", place="Yerevan"), ARMENIA, [PUTIN]))
    assert "visited Yerevan, Armenia in 2025" in explanation
    assert "was in force throughout 2025" in explanation
    assert "The visit is dated only 2025; the verdict is the same whatever its day." in explanation


def test_no_obligation_over_disagreeing_days_does_not_claim_they_agree():
    explanation = english(evaluate(visit("2023"), ARMENIA, [PUTIN]))
    assert "the verdict is the same whatever its day" not in explanation
    assert "was in force during part of 2023" in explanation
    assert "on none of its possible days was Armenia bound to arrest" in explanation


def test_an_imprecise_warrant_date_is_not_reported_as_an_imprecise_visit_date():
    explanation = english(
        evaluate(visit("2024-10-04", **LIBYA_VISIT), ITALY, [ISSUED_SOME_DAY_IN_2023])
    )
    assert "The visit is dated only" not in explanation
    assert "Some warrant dates are known only to the month or year" in explanation


# --- Malaysia: withdrew its instrument before entry into force ------------------------------


@pytest.mark.parametrize(
    "on", [pytest.param(d, id=d) for d in ("2019-04-28", "2019-06-01", "2019-06-15")]
)
def test_a_state_that_withdrew_before_entry_into_force_was_never_bound(on):
    verdict = evaluate(visit(on, **BASHIR_VISIT), MALAYSIA, [BASHIR])
    assert (verdict.code, verdict.basis) == (NO_OBLIGATION, "")
    assert "never became a State Party" in english(verdict)
    assert "4 March 2019" in english(verdict)


@pytest.mark.parametrize(
    ("facts", "code"),
    [
        pytest.param(visit("2011-06", **BASHIR_VISIT, **CALLED_OFF), DETERRED, id="called-off"),
        pytest.param(visit("2011-06-15", **BASHIR_VISIT), NO_OBLIGATION, id="visited"),
    ],
)
def test_a_trip_before_the_deposit_cites_no_later_instrument(facts, code):
    """Malaysia in 2011 was simply not a party: its reasons name no instrument deposited
    (and withdrawn) eight years later, which a change of that date would then leave stale
    (the fan-out by date marks only visits on or after a changed date)."""
    verdict = evaluate(facts, MALAYSIA, [BASHIR])
    assert verdict.code == code and verdict.would_have_been_bound in (False, None)
    explanation = english(verdict)
    assert "Malaysia is not a State Party to the Rome Statute" in explanation
    assert "2019" not in explanation and "never became a State Party" not in explanation
    (reason,) = [r for r in verdict.reasons if r["key"] == "not_party"]
    assert reason["deposited"] == reason["entry_into_force"] == ""


@pytest.mark.parametrize(
    ("person", "host", "warrants", "trip", "would"),
    [
        pytest.param(BASHIR_VISIT, CHINA, [BASHIR], CALLED_OFF, False, id="never-a-party"),
        pytest.param(
            BASHIR_VISIT, MALAYSIA, [BASHIR], CALLED_OFF, False, id="instrument-withdrawn-early"
        ),
        pytest.param(
            BASHIR_VISIT, LIBYA, [BASHIR], CALLED_OFF, False, id="bound-for-another-situation"
        ),
        # Art. 127(2): bound after its withdrawal only for warrants issued before it took effect.
        pytest.param(
            {}, BURUNDI, [PUTIN], CALLED_OFF, False, id="withdrew-before-the-warrant-was-issued"
        ),
        pytest.param({}, CHINA, [PUTIN], ANNOUNCED_TRIP, False, id="announced-to-a-non-party"),
        # Bound on every day a warrant was in force: it would have been bound, whatever the day.
        pytest.param(BASHIR_VISIT, SUDAN, [BASHIR], CALLED_OFF, True, id="referral-binds-it"),
        pytest.param(BASHIR_VISIT, SOUTH_AFRICA, [BASHIR], CALLED_OFF, True, id="a-party"),
        pytest.param({}, FRANCE, [PUTIN], ANNOUNCED_TRIP, True, id="announced-to-a-party"),
        # A party, then bound by Art. 127(2) for a warrant issued before its withdrawal.
        pytest.param(BASHIR_VISIT, BURUNDI, [BASHIR], CALLED_OFF, True, id="bound-while-a-party"),
        # Bound on some days a warrant was in force only: it depends on the day.
        pytest.param({}, ARMENIA, [PUTIN], CALLED_OFF, None, id="joined-after-the-warrant"),
        pytest.param(KONY_VISIT, SOUTH_AFRICA, [KONY], CALLED_OFF, None, id="sealed-on-some-days"),
        # Bound, but the only warrant never public nor notified: sealed on every day.
        pytest.param(
            KONY_VISIT,
            MONGOLIA,
            [warrant("sealed-for-ever", "2005-07-08")],
            CALLED_OFF,
            False,
            id="sealed-on-every-day",
        ),
        pytest.param({}, MONGOLIA, [], CALLED_OFF, False, id="no-warrant-at-all"),
    ],
)
def test_an_undated_trip_not_made_to_a_host_bound_on_no_day(person, host, warrants, trip, would):
    """Any day is possible for an undated trip, and the days with a warrant in force count
    (DOMAIN.md, "Dates"): when on none of them a warrant was usable while the host was
    bound, it would not have been bound, as a dated trip on any of those days would read,
    and the reasons say why; when it was bound on every one of them, it would have been,
    on the basis of the earliest; otherwise the answer depends on the unknown day (None)."""
    verdict = evaluate(visit(None, **person, **trip), host, warrants)
    assert verdict.code == (UPCOMING if trip is ANNOUNCED_TRIP else DETERRED)
    assert verdict.would_have_been_bound is would
    keys = [r["key"] for r in verdict.reasons]
    why = {"not_party", "never_party", "no_longer_party", "would_not_be_bound"}
    if would is False:
        assert keys[0] == "trip" and keys[1] in why
        if keys[1] == "would_not_be_bound":  # as a dated trip's: sealed, or no warrant
            expected = "sealed" if warrants else "no_warrant"
            assert verdict.reasons[1]["why"] == expected
        for year in ("2010-06-15", "2024-06-15"):
            dated = evaluate(visit(year, **person, **trip), host, warrants)
            assert dated.would_have_been_bound is False, year
    elif would:
        assert keys[:2] == ["trip", "would_be_bound"] and verdict.reasons[1]["known"] is True
        assert keys[2].startswith("bound_") and verdict.basis and verdict.warrant_ids
        assert not why & set(keys)
    else:
        assert not why & set(keys) and verdict.basis == ""
        # It says that the answer depends on the day, which nobody knows.
        assert keys[:2] == ["trip", "would_be_bound"] and verdict.reasons[1]["known"] is False


def test_an_undated_trip_to_a_host_bound_whenever_a_warrant_was_in_force_says_so():
    verdict = evaluate(visit(None, **BASHIR_VISIT, **CALLED_OFF), SUDAN, [BASHIR])
    assert verdict.basis == UNSC_REFERRAL and verdict.warrant_ids == ("bashir-2009",)
    explanation = english(verdict)
    assert "Had the trip gone ahead, Sudan would have been bound to arrest" in explanation
    assert "S/RES/1593 (2005)" in explanation and "depends on" not in explanation


def test_an_undated_trip_to_a_state_that_withdrew_claims_no_day():
    """Al-Bashir's undated trip to Burundi, called off: bound on every possible day with the
    warrant in force, before 27 October 2017 as a State Party and after it under Art. 127(2)
    (the warrant of 2009 came first). The reasons do not say it was "still bound at the time
    of the planned visit" under Art. 127(1): nobody knows when that was."""
    verdict = evaluate(visit(None, **BASHIR_VISIT, **CALLED_OFF), BURUNDI, [BASHIR])
    assert verdict.would_have_been_bound is True
    text = english(verdict)
    assert "at the time of the planned visit" not in text and "127(1)" not in text
    assert (
        "its withdrawal took effect on 27 October 2017, after which iccwatch counts it as bound "
        "only for warrants issued before then (its reading of Art. 127(2))."
    ) in text
    assert "Had the trip gone ahead, Burundi would have been bound to arrest" in text
    french = render(verdict.reasons, "fr", READ_ON)
    assert "127-2" in french and "127-1" not in french
    # A dated trip still says which article held on its day.
    dated = english(evaluate(visit("2016-12-01", **BASHIR_VISIT, **CALLED_OFF), BURUNDI, [BASHIR]))
    assert "Art. 127(1)" in dated


def test_a_visit_dated_to_a_year_in_which_a_withdrawal_took_effect_claims_no_day():
    """Al-Bashir in Burundi some day of 2017, not arrested: bound on every possible day (a
    party until 27 October, then for the warrant of 2009 under Art. 127(2)), so a failure
    to arrest; its reasons do not say it was "still bound at the time of the visit" under
    Art. 127(1), which held only until 27 October."""
    verdict = evaluate(visit("2017", **BASHIR_VISIT), BURUNDI, [BASHIR])
    assert verdict.code == NON_COMPLIANCE
    text = english(verdict)
    assert "127(1)" not in text and "at the time of the visit" not in text
    assert "after which iccwatch counts it as bound only for warrants issued before then" in text
    assert "127-1" not in render(verdict.reasons, "fr", READ_ON)
    # Dated to a month before the withdrawal took effect: Art. 127(1), as before.
    assert "Art. 127(1)" in english(evaluate(visit("2017-03", **BASHIR_VISIT), BURUNDI, [BASHIR]))


# --- A trip not made names the warrant the host would have been bound under ------------

NETANYAHU = warrant("netanyahu", "2024-11-21", "2024-11-21")
NETANYAHU_TRIP = {"person": "Benjamin Netanyahu", "situation": "State of Palestine"}
NETANYAHU_WARRANT = (
    "The warrant against Benjamin Netanyahu (situation in the State of Palestine), issued and "
    "public since 21 November 2024, "
)
NETANYAHU_MANDAT = (
    "Le mandat d’arrêt contre Benjamin Netanyahu (situation «\u00a0État de Palestine\u00a0»), "
    "délivré et public depuis le 21 novembre 2024, "
)


@pytest.mark.parametrize(
    ("when", "fields", "english_words", "french_words"),
    [
        pytest.param("2025-03-10", CALLED_OFF, "was in force on 10 March 2025.",
                     "était en vigueur le 10 mars 2025.", id="called-off-on-a-day"),
        pytest.param("2025", CALLED_OFF, "was in force throughout 2025.",
                     "était en vigueur sur toute la période (2025).", id="called-off-in-a-year"),
        pytest.param("2025", BY_VIDEO, "was in force throughout 2025.",
                     "était en vigueur sur toute la période (2025).", id="by-video-in-a-year"),
        pytest.param("2027-01-10", ANNOUNCED_TRIP, "is in force on 10 January 2027.",
                     "est en vigueur le 10 janvier 2027.", id="announced-for-a-day"),
        pytest.param("2024", ANNOUNCED_TRIP, "is in force during part of 2024.",
                     "est en vigueur sur une partie de la période (2024).",
                     id="announced-in-a-year"),
        pytest.param(None, CALLED_OFF,
                     "was in force on some of the days the trip may have been planned for.",
                     "était en vigueur certains des jours pour lesquels le voyage a pu être prévu.",
                     id="called-off-undated"),
    ],
)  # fmt: skip
def test_a_trip_not_made_names_the_warrant_the_host_would_have_been_bound_under(
    when, fields, english_words, french_words
):
    """Netanyahu's trip to Argentina, planned for 2025 and called off: "Had the trip gone
    ahead, Argentina would have been bound to arrest: it had been bound since 1 July 2002"
    named no warrant, though an explanation names the warrant(s) and the dates that decided
    it (docs/DOMAIN.md, "The verdict for one visit"). A trip called off, attended by video
    or announced names the warrant the host would have been (or will be) bound to execute,
    with its dates, in the trip's tense."""
    verdict = evaluate(visit(when, **NETANYAHU_TRIP, **fields), FRANCE, [NETANYAHU])
    assert verdict.code in (DETERRED, UPCOMING) and verdict.basis == STATE_PARTY
    assert verdict.warrant_ids == ("netanyahu",)
    (cited,) = [r for r in verdict.reasons if r["key"] == "warrant"]
    assert (cited["issued"], cited["made_public"]) == ("2024-11-21", "2024-11-21")
    text, french = english(verdict), render(verdict.reasons, "fr", READ_ON)
    assert NETANYAHU_WARRANT + english_words in text, text
    assert NETANYAHU_MANDAT + french_words in french, french


def test_a_trip_dated_to_a_year_the_warrant_came_late_in_is_not_the_same_whatever_its_day():
    """Netanyahu's trip to France, dated only 2024 and called off: France would have been
    bound on every possible day on which his warrant (21 November 2024) was in force, so
    `would_have_been_bound` is true (docs/DOMAIN.md, "Dates"); but for a trip planned before
    21 November there was no warrant to execute. The explanation said "the verdict is the
    same whatever its day" and named no warrant: it names the warrant, in force during part
    of 2024, and says on which possible days France would have been bound."""
    verdict = evaluate(visit("2024", **NETANYAHU_TRIP, **CALLED_OFF), FRANCE, [NETANYAHU])
    assert (verdict.code, verdict.basis, verdict.would_have_been_bound) == (
        DETERRED,
        STATE_PARTY,
        True,
    )
    text, french = english(verdict), render(verdict.reasons, "fr", READ_ON)
    assert "the same whatever its day" not in text and "quel qu’en soit le jour" not in french
    assert NETANYAHU_WARRANT + "was in force during part of 2024." in text, text
    assert (
        "The trip is dated only 2024; France would have been bound to arrest on every possible "
        "day of it on which a warrant was in force, and no warrant was in force on the others."
    ) in text, text
    assert NETANYAHU_MANDAT + "était en vigueur sur une partie de la période (2024)." in french
    assert (
        "Le voyage n’est daté qu’approximativement (2024)\u202f; l’État hôte (France) aurait été "
        "tenu d’arrêter chacun des jours possibles où un mandat était en vigueur, et aucun "
        "mandat n’était en vigueur les autres jours."
    ) in french, french
    # Announced for 2024: the same, in the present.
    announced = english(
        evaluate(visit("2024", **NETANYAHU_TRIP, **ANNOUNCED_TRIP), FRANCE, [NETANYAHU])
    )
    assert "the same whatever its day" not in announced
    assert (
        "The trip is dated only 2024; France is bound to arrest on every possible day of it on "
        "which a warrant is in force, and no warrant is in force on the others."
    ) in announced, announced
    # Dated only 2025, every possible day after the warrant: the same whatever its day.
    later = evaluate(visit("2025", **NETANYAHU_TRIP, **CALLED_OFF), FRANCE, [NETANYAHU])
    assert later.would_have_been_bound is True
    assert english(later).endswith(
        "was in force throughout 2025. The trip is dated only 2025; the verdict is the same "
        "whatever its day."
    ), english(later)
    # Dated only November 2024: a day before the 21st is possible.
    november = english(
        evaluate(visit("2024-11", **NETANYAHU_TRIP, **CALLED_OFF), FRANCE, [NETANYAHU])
    )
    assert "the same whatever its day" not in november
    assert "and no warrant was in force on the others." in november


def test_an_undated_trip_called_off_says_on_which_days_the_host_would_have_been_bound():
    """Any day is possible for a trip called off with no date: France would have been bound on
    every one on which the warrant was in force, and on none before 21 November 2024."""
    verdict = evaluate(visit(None, **NETANYAHU_TRIP, **CALLED_OFF), FRANCE, [NETANYAHU])
    assert verdict.would_have_been_bound is True
    text = english(verdict)
    assert text.endswith(
        "France would have been bound to arrest on every possible day on which a warrant was in "
        "force, and no warrant was in force on the others."
    ), text
    assert render(verdict.reasons, "fr", READ_ON).endswith(
        "L’État hôte (France) aurait été tenu d’arrêter chacun des jours possibles où un mandat "
        "était en vigueur, et aucun mandat n’était en vigueur les autres jours."
    )


def test_a_trip_on_a_day_a_warrant_known_to_the_month_may_not_yet_have_covered():
    """A trip called off, planned for 15 November 2024, under a warrant known only to have been
    issued (and made public) some day in November 2024: France would have been bound on every
    reading of that date on which the warrant was in force, and on the others there was none;
    not "every possible reading of them gives this verdict"."""
    in_november = warrant("november", "2024-11", "2024-11")
    verdict = evaluate(visit("2024-11-15", **NETANYAHU_TRIP, **CALLED_OFF), FRANCE, [in_november])
    assert (verdict.code, verdict.would_have_been_bound) == (DETERRED, True)
    text, french = english(verdict), render(verdict.reasons, "fr", READ_ON)
    assert "every possible reading of them gives this verdict" not in text
    assert "may have been in force on 15 November 2024" in text, text
    assert text.endswith(
        "Some warrant dates are known only to the month or year; France would have been bound "
        "to arrest on every reading of them on which a warrant was in force, and no warrant was "
        "in force on the others."
    ), text
    assert french.endswith(
        "Certaines dates de mandat ne sont connues qu’au mois ou à l’année près\u202f; l’État "
        "hôte (France) aurait été tenu d’arrêter selon chacune des lectures de ces dates où un "
        "mandat était en vigueur, et aucun mandat n’était en vigueur selon les autres."
    ), french
    # Announced for that day: the same, in the present.
    announced = evaluate(
        visit("2024-11-15", **NETANYAHU_TRIP, **ANNOUNCED_TRIP), FRANCE, [in_november]
    )
    text = english(announced)
    assert "may be in force on 15 November 2024" in text, text
    assert text.endswith(
        "France is bound to arrest on every reading of them on which a warrant is in force, and "
        "no warrant is in force on the others."
    ), text
    assert "est peut-être en vigueur le 15 novembre 2024" in render(
        announced.reasons, "fr", READ_ON
    )


JOINED_IN_2011 = StateFacts(
    "TUN", "Tunisia", deposited=day("2011-06-24"), entry_into_force=day("2011-09-01")
)


def test_a_trip_not_made_whose_answer_depends_on_the_day_says_so():
    """A trip called off, dated only to 2011, to a state that joined on 1 September 2011:
    bound on some possible days and not on others (would_have_been_bound None). The reasons
    said "on none of its possible days was Tunisia bound", against their own first line."""
    verdict = evaluate(visit("2011", **BASHIR_VISIT, **CALLED_OFF), JOINED_IN_2011, [BASHIR])
    assert (verdict.code, verdict.would_have_been_bound) == (DETERRED, None)
    text = english(verdict)
    assert "on none of its possible days" not in text
    assert (
        "Tunisia would have been bound to arrest on some of its possible days and not on others"
    ) in text
    assert "sur aucun" not in render(verdict.reasons, "fr", READ_ON)
    # Undated, the same: it says why there is no answer instead of nothing.
    undated = evaluate(visit(None, **BASHIR_VISIT, **CALLED_OFF), JOINED_IN_2011, [BASHIR])
    assert undated.would_have_been_bound is None
    assert (
        "Whether Tunisia would have been bound to arrest depends on the day of the trip, which "
        "is not known"
    ) in english(undated)


@pytest.mark.parametrize("trip", [CALLED_OFF, BY_VIDEO, ANNOUNCED_TRIP])
def test_an_undated_trip_whose_answer_depends_on_the_day_says_so_in_full(trip):
    """An undated trip (only one called off may be, but the rule reads any) to Tunisia, a
    party from 1 September 2011: its reasons ended on a bare colon for an announced one
    ("Whether Tunisia will be bound to arrest depends on the exact dates:")."""
    verdict = evaluate(visit(None, **BASHIR_VISIT, **trip), JOINED_IN_2011, [BASHIR])
    assert verdict.would_have_been_bound is None
    for text in (english(verdict), render(verdict.reasons, "fr", READ_ON)):
        assert not text.endswith(":"), text
        assert text.endswith("."), text
    will = "will be" if trip is ANNOUNCED_TRIP else "would have been"
    assert f"Whether Tunisia {will} bound to arrest" in english(verdict)
    assert "depends on the day of the trip, which is not known" in english(verdict)


# Hypothetical: a warrant issued under seal on 10 January 2023 and made public on 17 March.
SEALED_UNTIL_17_MARCH_2023 = warrant("sealed-until-march", "2023-01-10", "2023-03-17")


# fmt: off
@pytest.mark.parametrize(
    ("trip", "english_words", "french_words"),
    [
        pytest.param(
            visit("2023-03", **CALLED_OFF),
            "Whether Mongolia would have been bound to arrest depends on the exact dates: it had "
            "been bound since 1 July 2002 (State Party; ratified 11 April 2002). It was bound on "
            "every possible day on which a warrant was in force, but the warrant was made public "
            "only on 17 March 2023 and Mongolia is not known to have been notified of it before "
            "then: on any possible day before then, it would not have been bound to arrest.",
            "Il était lié chaque jour possible où un mandat était en vigueur, mais le mandat a été "
            "rendu public seulement le 17 mars 2023 et rien n’indique que l’État hôte (Mongolie) "
            "en ait reçu notification auparavant\u00a0: il n’aurait été tenu d’arrêter aucun des "
            "jours possibles antérieurs.",
            id="called-off-in-march-2023",
        ),
        pytest.param(
            visit("2023-03", **ANNOUNCED_TRIP),
            "Whether Mongolia will be bound to arrest depends on the exact dates: it is bound "
            "from 1 July 2002 (State Party; ratified 11 April 2002). It is bound on every "
            "possible day on which a warrant is in force, but the warrant was made public only on "
            "17 March 2023",
            "Il est lié chaque jour possible où un mandat est en vigueur, mais le mandat a été "
            "rendu public seulement le 17 mars 2023",
            id="announced-for-march-2023",
        ),
        pytest.param(
            visit(None, **CALLED_OFF),
            "Whether Mongolia would have been bound to arrest depends on the day of the trip, "
            "which is not known. It was bound on every possible day on which a warrant was in "
            "force, but the warrant was made public only on 17 March 2023",
            "L’obligation d’arrêter de l’État hôte (Mongolie) aurait dépendu du jour du "
            "déplacement, qui n’est pas connu. Il était lié chaque jour possible",
            id="called-off-undated",
        ),
    ],
)
# fmt: on
def test_a_trip_not_made_whose_answer_a_seal_decides_names_the_seal(
    trip, english_words, french_words
):
    """Mongolia, a State Party since 2002, and a trip not made in March 2023 under a warrant
    sealed until 17 March: whether it would have been bound to arrest depends on the day
    (None: before 17 March the warrant could not be executed), but not because Mongolia
    "was bound on some of its possible days and not on others": it was bound throughout, and
    the warrant was public only from 17 March (DOMAIN.md, "Dates")."""
    verdict = evaluate(trip, MONGOLIA, [SEALED_UNTIL_17_MARCH_2023])
    assert verdict.would_have_been_bound is None
    would = next(r for r in verdict.reasons if r["key"] == "would_be_bound")
    assert (would["public_from"], would["bound_throughout"]) == ("2023-03-17", True)
    assert english_words in english(verdict)
    assert french_words in render(verdict.reasons, "fr", READ_ON)


def test_a_trip_not_made_whose_answer_the_obligation_and_a_seal_decide_names_both():
    """Hypothetical: Armenia as if it had become a party on 1 February 2023, and the warrant
    sealed until 17 March: bound on some days only, and the seal on top of it."""
    joined = StateFacts(
        "ARM", "Armenia", deposited=day("2022-11-14"), entry_into_force=day("2023-02-01")
    )
    for trip in (visit("2023", **CALLED_OFF), visit(None, **CALLED_OFF)):
        verdict = evaluate(trip, joined, [SEALED_UNTIL_17_MARCH_2023])
        assert verdict.would_have_been_bound is None
        text = english(verdict)
        assert (
            "Moreover, the warrant was made public only on 17 March 2023 and Armenia is not known "
            "to have been notified of it before then."
        ) in text
        assert "It was bound on every possible day" not in text
    # Where the obligation alone varies, no seal is named, and the reasons stay as they were.
    alone = evaluate(visit("2011", **BASHIR_VISIT, **CALLED_OFF), JOINED_IN_2011, [BASHIR])
    would = next(r for r in alone.reasons if r["key"] == "would_be_bound")
    assert "public_from" not in would and "made public only" not in english(alone)


def test_an_undated_trip_s_reason_is_the_one_its_reading_day_gives():
    """A warrant in force only before Burundi became a party: no day binds Burundi, and the
    reason is the one a trip dated while the warrant was in force gets (not yet a party), not
    its withdrawal of 2017, which came after the warrant had ended."""
    early = warrant("early", "2003-01-10", "2003-01-10", ended="2004-06-01")
    undated = evaluate(visit(None, **BASHIR_VISIT, **CALLED_OFF), BURUNDI, [early])
    dated = evaluate(visit("2003-06-15", **BASHIR_VISIT, **CALLED_OFF), BURUNDI, [early])
    assert undated.would_have_been_bound is dated.would_have_been_bound is False
    assert [r["key"] for r in undated.reasons][:2] == ["trip", "not_yet_party"]
    assert undated.reasons[1] == next(r for r in dated.reasons if r["key"] == "not_yet_party")
    assert "would not yet have been bound" in english(undated)
    assert "withdrawal" not in english(undated)


# Kushayb's second warrant: issue date unknown, made public some day in June 2020, executed
# with the first on his surrender in the Central African Republic on 9 June 2020.
KUSHAYB_SECOND = warrant("kushayb-2", None, "2020-06", ended="2020-06-09", end_reason="executed")


def test_a_warrant_that_may_not_yet_have_been_in_force_is_not_said_to_have_been():
    """Kushayb surrendered in the Central African Republic on 9 June 2020, under the warrant
    of 2007 and a second one known only to have been made public in June 2020, "some day in
    that period" (DOMAIN.md, "Dates"): alone, that warrant leaves the verdict pending, yet
    the explanation said it "was in force on 9 June 2020", from the early reading of its
    date only. It may have been; the reasons say so, and the verdict is the same."""
    arrested = {**KUSHAYB_VISIT, "outcome": "arrested"}
    alone = evaluate(visit("2020-06-09", **arrested), CENTRAL_AFRICAN_REPUBLIC, [KUSHAYB_SECOND])
    assert alone.code == PENDING
    both = evaluate(
        visit("2020-06-09", **arrested), CENTRAL_AFRICAN_REPUBLIC, [KUSHAYB, KUSHAYB_SECOND]
    )
    assert (both.code, both.basis, both.warrant_ids) == (
        COMPLIED,
        STATE_PARTY,
        ("kushayb", "kushayb-2"),
    )
    first, second = [r for r in both.reasons if r["key"] == "warrant"]
    assert "maybe" not in first and second["maybe"] is True
    text = english(both)
    assert (
        "The warrant against Ali Kushayb (situation in Darfur, Sudan), issued and public since "
        "27 April 2007, was in force on 9 June 2020;"
    ) in text
    assert (
        "The warrant against Ali Kushayb (situation in Darfur, Sudan), made public in June 2020 "
        "(issue date unknown), may have been in force on 9 June 2020; the warrant was executed "
        "on 9 June 2020."
    ) in text
    assert "public since June 2020 (issue date unknown), was in force" not in text
    french = render(both.reasons, "fr", READ_ON)
    assert (
        "rendu public en juin 2020 (date de délivrance inconnue), était peut-être en vigueur le "
        "9 juin 2020"
    ) in french
    # On the last day of June such a warrant was in force however its date is read: said so.
    later = evaluate(
        visit("2020-06-30", **arrested), CENTRAL_AFRICAN_REPUBLIC, [PUBLIC_SOME_DAY_IN_JUNE_2020]
    )
    assert later.code == COMPLIED
    assert "maybe" not in next(r for r in later.reasons if r["key"] == "warrant")
    assert "may have been in force" not in english(later)


def test_a_sealed_warrant_s_reasons_say_the_person_was_arrested_all_the_same():
    """`warrant_not_public` comes before `complied` in the table; the reasons still say the
    person was arrested (Blé Goudé in Ghana, 2013), or a reader would assume he was not."""
    verdict = evaluate(
        visit("2005-09-01", outcome="arrested", **KONY_VISIT), CENTRAL_AFRICAN_REPUBLIC, [KONY]
    )
    assert verdict.code == WARRANT_NOT_PUBLIC
    assert "Joseph Kony was arrested during the visit all the same." in english(verdict)
    not_arrested = evaluate(visit("2005-09-01", **KONY_VISIT), CENTRAL_AFRICAN_REPUBLIC, [KONY])
    assert "arrested during the visit" not in english(not_arrested)


@pytest.mark.parametrize(
    ("status", "host", "basis", "where", "state", "french_state"),
    [
        pytest.param("occurred", MONGOLIA, STATE_PARTY, "visited Mongolia", "Mongolia",
                     "Mongolie", id="visit-bound-host"),
        pytest.param("occurred", CHINA, "", "visited China", "China", "Chine",
                     id="visit-host-not-bound"),
        pytest.param("transit", MONGOLIA, STATE_PARTY, "stopped in transit in Mongolia",
                     "Mongolia", "Mongolie", id="transit-bound-host"),
        pytest.param("transit", CHINA, "", "stopped in transit in China", "China", "Chine",
                     id="transit-host-not-bound"),
    ],
)
def test_a_person_who_gave_himself_up_complied_and_was_not_arrested_by_the_host(
    status, host, basis, where, state, french_state
):
    """Bosco Ntaganda walked into the US Embassy in Kigali in March 2013 and asked to be sent
    to The Hague: the page said he "was arrested under the warrant", and Rwanda, not a
    party, was credited with an arrest. A person who gave himself up (`self_surrendered`)
    came into the Court's custody, so the verdict is `complied` with the basis the host had
    (none where it was not bound), never `non_compliance`; the explanation says he
    surrendered voluntarily and that the host is credited with no arrest, in English and in
    French, never that he was arrested."""
    gave_himself_up = visit("2024-09-02", status=status, outcome="self_surrendered")
    verdict = evaluate(gave_himself_up, host, [PUTIN])
    assert (verdict.code, verdict.basis) == (COMPLIED, basis)
    text = english(verdict)
    assert (
        f"Vladimir Putin {where} on 2 September 2024, surrendered voluntarily and was "
        f"transferred to the Court: iccwatch counts neither an arrest by {state} nor a failure "
        "to arrest."
    ) in text, text
    assert "arrested" not in text, text
    french = render(verdict.reasons, "fr", READ_ON)
    visite = "escale" if status == "transit" else "visite"
    assert (
        f"Vladimir Putin\u00a0: {visite} ({french_state}) le 2 septembre 2024\u202f; reddition "
        "volontaire, puis transfert à la Cour\u00a0: iccwatch ne retient ni arrestation par "
        f"l’État hôte ({french_state}) ni défaut d’arrestation."
    ) in french, french
    assert "arrestation en exécution du mandat" not in french
    # The same visit, the person arrested by the host: told as an arrest.
    arrested = evaluate(visit("2024-09-02", status=status, outcome="arrested"), host, [PUTIN])
    assert (arrested.code, arrested.basis) == (COMPLIED, basis)
    assert "was arrested under the warrant" in english(arrested)


def test_a_sealed_warrant_s_reasons_say_the_person_gave_himself_up_all_the_same():
    """`warrant_not_public` comes before `complied`: a person who gave himself up while the
    warrant was sealed is said to have surrendered voluntarily, not to have been arrested,
    and not passed over as if nothing had happened."""
    verdict = evaluate(
        visit("2005-09-01", outcome="self_surrendered", **KONY_VISIT),
        CENTRAL_AFRICAN_REPUBLIC,
        [KONY],
    )
    assert verdict.code == WARRANT_NOT_PUBLIC
    text = english(verdict)
    assert "Joseph Kony surrendered voluntarily during the visit all the same." in text
    assert "arrested" not in text
    french = render(verdict.reasons, "fr", READ_ON)
    assert "Joseph Kony\u00a0: reddition volontaire pendant la visite malgré tout." in french
    assert "arrestation pendant la visite" not in french


# --- Explanations: basis, deciding dates, warrant, sources --------------------------------


def test_a_failure_to_arrest_the_court_has_not_found_is_said_to_be_iccwatchs_reading():
    """iccwatch's verdict is not the Court's: without an Art. 87(7) finding on the visit the
    explanation says so (Tajikistan, 2025: no decision yet; Nigeria, 2013: a decision that
    made no finding), and says nothing of the kind once the Court has found it."""
    trip = visit("2024-09-02", place="Ulaanbaatar")
    none = evaluate(trip, MONGOLIA, [PUTIN])
    assert none.code == NON_COMPLIANCE
    assert {"key": "no_court_finding", "other_decision": False} in none.reasons
    assert english(none).endswith(
        "This verdict is iccwatch's reading of the facts: no ICC finding of non-compliance "
        "(Art. 87(7)) on this visit is recorded."
    )
    informed = FindingFacts(
        Period.parse("2024-10-24"), kind="other", chamber="Pre-Trial Chamber II"
    )
    other = english(evaluate(trip, MONGOLIA, [PUTIN], findings=[informed]))
    assert "This verdict is iccwatch's reading of the facts, not a finding of the Court." in other
    assert "made no finding of non-compliance under Art. 87(7)" in other
    found = FindingFacts(Period.parse("2024-10-24"), referred_to_asp=True)
    assert "reading of the facts" not in english(
        evaluate(trip, MONGOLIA, [PUTIN], findings=[found])
    )
    # Only a failure to arrest says it: no other verdict claims one.
    not_bound = evaluate(visit("2023-06-01"), ARMENIA, [PUTIN])
    assert not_bound.code == NO_OBLIGATION
    assert all(r["key"] != "no_court_finding" for r in not_bound.reasons)


def test_the_mongolia_explanation_names_basis_dates_warrant_finding_and_sources():
    verdict = evaluate(
        visit("2024-09-02", "2024-09-03", place="Ulaanbaatar"),
        MONGOLIA,
        [PUTIN],
        findings=[FindingFacts(Period.parse("2024-10-24"), referred_to_asp=True)],
        sources=[SourceFacts("Reuters", "https://www.reuters.com/", day("2024-09-03"))],
    )
    assert (verdict.code, verdict.basis, verdict.warrant_ids) == (
        NON_COMPLIANCE,
        STATE_PARTY,
        ("putin",),
    )
    assert english(verdict) == (
        "Mongolia had been bound since 1 July 2002 (State Party; ratified 11 April 2002). "
        "The warrant against Vladimir Putin (situation in Ukraine), issued and public since "
        "17 March 2023, was in force on 2 September 2024. Vladimir Putin visited Ulaanbaatar, Mongolia on "
        "2–3 September 2024 and was not arrested: a failure to arrest and surrender (Arts. 86, 89(1)). "
        "The ICC found non-compliance on 24 October 2024 (Art. 87(7)) and referred it "
        "to the Assembly of States Parties. Sources: Reuters (3 September 2024)."
    )
    for required in (
        "Mongolia had been bound since 1 July 2002",
        "2 September 2024",
        "not arrested",
        "Arts. 86, 89(1)",
        "24 October 2024",
        "Reuters",
    ):
        assert required in english(verdict)


@pytest.mark.parametrize(
    ("facts", "english_words", "french_words"),
    [
        pytest.param(
            visit("2017-11-15"),
            "so it counts Burundi as no longer bound.",
            "Burundi\u00a0: État qu’iccwatch ne compte plus comme lié\u202f;",
            id="visited",
        ),
        pytest.param(
            visit("2017-11-15", **CALLED_OFF),
            "so it would have counted Burundi as no longer bound.",
            "Burundi\u00a0: État qu’iccwatch n’aurait plus compté comme lié\u202f;",
            id="called-off",
        ),
        pytest.param(
            visit("2018-06-01", **ANNOUNCED_TRIP),
            "so it will count Burundi as no longer bound on the dates announced.",
            "Burundi\u00a0: État qu’iccwatch ne comptera plus comme lié aux dates annoncées\u202f;",
            id="announced",
        ),
    ],
)
def test_a_withdrawn_host_unbound_by_a_later_warrant_is_iccwatchs_reading(
    facts, english_words, french_words
):
    """Burundi and a warrant issued the day its withdrawal took effect: the explanation
    said "so Art. 127(2) does not apply" and "this was no breach of an obligation to
    arrest", the law's last word. Art. 127(2) also keeps cooperation in investigations and
    proceedings begun before the withdrawal took effect (Pre-Trial Chamber III on Burundi,
    2017): that a withdrawn state is bound only for warrants issued before is iccwatch's
    reading, and the explanation says so, in both languages."""
    verdict = evaluate(facts, BURUNDI, [ISSUED_ON_WITHDRAWAL])
    english_text, french = english(verdict), render(verdict.reasons, "fr", READ_ON)
    assert english_words in english_text
    assert (
        "iccwatch counts a withdrawn state as bound only for warrants issued before its "
        "withdrawal took effect (its reading of Art. 127(2), which also keeps cooperation in "
        "proceedings begun before then)"
    ) in english_text
    assert "does not apply" not in english_text and "breach" not in english_text
    assert (
        "iccwatch ne compte un État qui s’est retiré comme lié que pour les mandats délivrés "
        "avant la prise d’effet de son retrait (sa lecture de l’art. 127-2, qui maintient aussi "
        "la coopération dans les procédures engagées avant cette date)."
    ) in french
    assert french_words in french
    assert "ne s’applique" not in french and "manquement" not in french


def test_an_unbound_hosts_visit_is_no_failure_as_iccwatch_counts_it():
    """A visit to a host iccwatch counts as not bound ends "iccwatch counts no failure to
    arrest", as a sealed warrant's or an uncontrolled place's does, never "this was no
    breach of an obligation to arrest" (a legal conclusion the Court has not drawn); in
    French, « défaut d’arrestation », not the Court's « manquement » (Art. 87(7))."""
    for status in ("occurred", "transit"):
        verdict = evaluate(visit("2017-11-15", status=status), BURUNDI, [ISSUED_ON_WITHDRAWAL])
        assert english(verdict).endswith("; iccwatch counts no failure to arrest.")
        french = render(verdict.reasons, "fr", READ_ON)
        assert french.endswith("\u00a0: iccwatch ne retient aucun défaut d’arrestation.")


def test_iccwatchs_own_failure_to_arrest_is_no_manquement_in_french():
    """« manquement » is the Court's word for what it finds under Art. 87(7); iccwatch's
    verdict of a failure to arrest, where the Court made no finding, reads « un défaut
    d’arrestation et de remise », and the sentence that follows says no finding is recorded."""
    french = render(evaluate(visit("2017", **BASHIR_VISIT), BURUNDI, [BASHIR]).reasons, "fr", READ_ON)
    assert (
        "aucune arrestation\u00a0: un défaut d’arrestation et de remise (art. 86 et 89-1)."
        in french
    )
    assert "un manquement à l’obligation" not in french
    assert "aucune décision de la CPI constatant un manquement (art. 87-7)" in french


def test_a_warrant_ended_by_death_ended_when_the_court_confirmed_it():
    """A warrant does not lapse by itself with the person's death: it ends on the day the
    Court confirmed the death and ended it, which is the date the clause gives."""
    dead = warrant("dead", "2009-03-04", "2009-03-04", ended="2020-06-09", end_reason="deceased")
    verdict = evaluate(visit("2020-06-09", **BASHIR_VISIT), BURUNDI, [dead])
    text, french = english(verdict), render(verdict.reasons, "fr", READ_ON)
    assert "the warrant ended on 9 June 2020, the person's death confirmed" in text
    assert "lapse" not in text
    assert (
        "le mandat a pris fin le 9 juin 2020, le décès de la personne ayant été constaté" in french
    )
    assert "caduc" not in french


# fmt: off
@pytest.mark.parametrize(
    ("host", "warrants", "facts", "expected"),
    [
        pytest.param(BURUNDI, [BASHIR], visit("2018-06-01", **BASHIR_VISIT),
                     ["withdrawal from the Rome Statute took effect on 27 October 2017", "Art. 127(2)", "this one was issued on 4 March 2009"],
                     id="residual"),
        pytest.param(BURUNDI, [BASHIR], visit("2017-10-26", **BASHIR_VISIT),
                     ["bound from 1 December 2004", "the withdrawal it had notified was to take effect only on 27 October 2017", "still bound on 26 October 2017"],
                     id="party-during-notice-of-withdrawal"),
        pytest.param(BURUNDI, [ISSUED_ON_WITHDRAWAL], visit("2017-11-15"),
                     ["no longer bound", "27 October 2017", "the warrant was not issued before then"],
                     id="withdrawn-before-the-warrant"),
        pytest.param(UKRAINE, [PUTIN], visit("2024-06-01"),
                     ["declaration lodged on 8 September 2015", "Art. 12(3)", "situation in Ukraine", "was not then a State Party"],
                     id="declaration"),
        pytest.param(UKRAINE, [BASHIR], visit("2016-06-01", **BASHIR_VISIT),
                     ["covers the situation in Ukraine, not this one"],
                     id="declaration-for-another-situation"),
        pytest.param(ARMENIA, [PUTIN], visit("2024-01-31"),
                     ["not yet bound", "entered into force for it only on 1 February 2024"],
                     id="not-yet-bound"),
        pytest.param(CHINA, [PUTIN], visit("2023-10-17"),
                     ["China is not a State Party", "the Statute did not bind it to arrest", "iccwatch counts no failure to arrest"],
                     id="never-bound"),
        pytest.param(MONGOLIA, [PUTIN], visit("2023-03-16"),
                     ["No warrant against Vladimir Putin was in force", "the warrant was issued only on 17 March 2023"],
                     id="no-warrant-yet"),
        pytest.param(CENTRAL_AFRICAN_REPUBLIC, [KUSHAYB], visit("2020-06-10", **KUSHAYB_VISIT),
                     ["the last warrant in force had ended on 9 June 2020"],
                     id="no-warrant-any-more"),
        pytest.param(CENTRAL_AFRICAN_REPUBLIC, [KUSHAYB], visit("2020-06-09", **KUSHAYB_VISIT),
                     ["was in force on 9 June 2020; the warrant was executed on 9 June 2020"],
                     id="warrants-last-day"),
        pytest.param(CENTRAL_AFRICAN_REPUBLIC, [KONY], visit("2005-09-01", **KONY_VISIT),
                     ["issued under seal on 8 July 2005 and made public only on 13 October 2005", "not known to have been notified", "iccwatch counts no failure to arrest"],
                     id="sealed"),
        pytest.param(CENTRAL_AFRICAN_REPUBLIC, [KONY],
                     visit("2005-09-01", host_notified=True, **KONY_VISIT),
                     ["issued under seal on 8 July 2005", "Central African Republic had been notified of it"],
                     id="sealed-but-notified"),
        pytest.param(CENTRAL_AFRICAN_REPUBLIC, [KONY],
                     visit("2005-09-01", **KONY_VISIT, **CALLED_OFF),
                     ["would not have been bound to arrest: the warrant was then under seal"],
                     id="called-off-while-sealed"),
        pytest.param(MONGOLIA, [PUTIN], visit("2024-09-02", outcome="arrested"),
                     ["was arrested under the warrant", "Mongolia had been bound since 1 July 2002"],
                     id="complied"),
        pytest.param(MONGOLIA, [PUTIN], visit("2024-09-02", status="transit"),
                     ["stopped in transit in Mongolia"], id="transit"),
        pytest.param(MONGOLIA, [PUTIN], visit("2024-09-02", outcome="released"),
                     ["arrested but then released or handed elsewhere instead of being surrendered"], id="released"),
        pytest.param(MONGOLIA, [PUTIN], visit("2024-09-02", justification="head-of-state immunity"),
                     ["Mongolia's stated justification: “head-of-state immunity”", "does not treat it as an exemption", "Art. 27"],
                     id="stated-justification"),
        pytest.param(ITALY, [warrant("netanyahu", "2024-11-21", "2024-11-21")],
                     visit("2025-04-03", person="Benjamin Netanyahu", situation="State of Palestine"),
                     ["(situation in the State of Palestine)"], id="situation-with-an-article"),
    ],
)
def test_the_explanation_names_what_decided_the_verdict(host, warrants, facts, expected):
    explanation = english(evaluate(facts, host, warrants))
    for text in expected:
        assert text in explanation
# fmt: on


def test_the_explanation_cites_at_most_six_sources_and_counts_the_rest():
    sources = [SourceFacts(f"Publisher {n}", f"https://example.org/{n}") for n in range(1, 9)]
    explanation = english(evaluate(visit("2024-09-02"), MONGOLIA, [PUTIN], sources=sources))
    assert explanation.endswith(
        " Sources: Publisher 1; Publisher 2; Publisher 3; Publisher 4; Publisher 5; Publisher 6 and 2 more."
    )


def test_a_finding_recorded_without_a_referral_says_so():
    finding = FindingFacts(
        Period.parse("2024-10-24")
    )  # hypothetical: the real one was referred to the ASP
    explanation = english(evaluate(visit("2024-09-02"), MONGOLIA, [PUTIN], findings=[finding]))
    assert (
        "found non-compliance on 24 October 2024 (Art. 87(7)) without referring it" in explanation
    )


def _no_standing_referral(findings: list[FindingFacts]) -> list[dict]:
    """The `no_standing_referral` reasons of the Mongolia visit with `findings`."""
    verdict = evaluate(visit("2024-09-02"), MONGOLIA, [PUTIN], findings=findings)
    return [r for r in verdict.reasons if r["key"] == "no_standing_referral"]


def test_a_decision_that_only_informed_is_no_referral_a_later_finding_could_lift():
    """A decision of kind `other` that informed the Assembly refers nothing (FindingFacts.
    referred, as visits.models.decision_bodies): a later Art. 87(7) finding made without
    referral leaves no referral that "no longer stands", since none was ever made."""
    informed = FindingFacts(
        Period.parse("2024-09-20"), referred_to_asp=True, kind="other", chamber="PTC II"
    )
    found = FindingFacts(Period.parse("2024-10-24"), chamber="PTC II")
    assert (informed.referred, found.referred) == (False, False)
    assert _no_standing_referral([informed, found]) == []
    explanation = english(
        evaluate(visit("2024-09-02"), MONGOLIA, [PUTIN], findings=[informed, found])
    )
    assert "no referral stands" not in explanation
    assert (
        "informed the Assembly of States Parties of the visit on 20 September 2024" in explanation
    )


def test_only_an_art_87_7_finding_lifts_a_referral():
    """A referral stands until a later Art. 87(7) finding on the visit makes none (the
    appeal's, Jordan 2019); a decision that only informed the Council after it neither
    lifts it nor hides the finding that did."""
    referred = FindingFacts(Period.parse("2024-10-24"), referred_to_asp=True, chamber="PTC II")
    informed = FindingFacts(Period.parse("2025-03-01"), referred_to_unsc=True, kind="other")
    appeal = FindingFacts(Period.parse("2025-01-15"), chamber="Appeals Chamber")
    assert _no_standing_referral([referred, informed]) == []
    assert _no_standing_referral([referred, appeal, informed]) == [
        {"key": "no_standing_referral", "decided": "2025-01-15"}
    ]
    assert _no_standing_referral([referred, appeal]) == [
        {"key": "no_standing_referral", "decided": "2025-01-15"}
    ]


def _every_explanation_in_this_module() -> list[str]:
    explanations = [english(evaluate(*p.values[:3])) for p in VERDICT_ROWS]
    for host, warrants, facts, _ in (p.values for p in BASIS_ROWS):
        explanations.append(english(evaluate(facts, host, warrants)))
    return explanations


def test_explanations_use_no_gendered_pronouns():
    for explanation in _every_explanation_in_this_module():
        assert not re.search(r"\b(he|him|his|she|her|hers)\b", explanation, re.IGNORECASE), (
            explanation
        )


# --- Second edition: referrals, declarations' covered periods, control, announced trips ----

# Hypothetical public warrants issued before each referral, to test the adoption day itself.
EARLY_DARFUR_WARRANT = warrant("early-darfur", "2005-01-03", "2005-01-03")
EARLY_LIBYA_WARRANT = warrant("early-libya", "2011-01-03", "2011-01-03")
DARFUR_SUSPECT = {"person": "A non-Sudanese suspect", "situation": "Darfur, Sudan"}


# fmt: off
@pytest.mark.parametrize(
    ("host", "warrants", "facts", "code", "basis"),
    [
        # S/RES/1593 (2005): Sudan bound for Darfur from 2005-03-31.
        pytest.param(SUDAN, [EARLY_DARFUR_WARRANT], visit("2005-03-30", **DARFUR_SUSPECT),
                     NO_OBLIGATION, "", id="day-before-s-res-1593"),
        pytest.param(SUDAN, [EARLY_DARFUR_WARRANT], visit("2005-03-31", **DARFUR_SUSPECT),
                     NON_COMPLIANCE, UNSC_REFERRAL, id="day-s-res-1593-adopted"),
        pytest.param(SUDAN, [EARLY_DARFUR_WARRANT], visit("2005-04-01", **DARFUR_SUSPECT),
                     NON_COMPLIANCE, UNSC_REFERRAL, id="day-after-s-res-1593"),
        pytest.param(SUDAN, [PUTIN], visit("2024-09-02"), NO_OBLIGATION, "",
                     id="a-referral-binds-for-its-situation-only"),
        # S/RES/1970 (2011): Libya bound for Libya from 2011-02-26.
        pytest.param(LIBYA, [EARLY_LIBYA_WARRANT], visit("2011-02-25", **NON_LIBYAN),
                     NO_OBLIGATION, "", id="day-before-s-res-1970"),
        pytest.param(LIBYA, [EARLY_LIBYA_WARRANT], visit("2011-02-26", **NON_LIBYAN),
                     NON_COMPLIANCE, UNSC_REFERRAL, id="day-s-res-1970-adopted"),
        pytest.param(LIBYA, [EARLY_LIBYA_WARRANT], visit("2011-02-27", **NON_LIBYAN),
                     NON_COMPLIANCE, UNSC_REFERRAL, id="day-after-s-res-1970"),
        # Libya's own declaration (lodged 2025-05-12) is reported before the referral.
        pytest.param(LIBYA, [LIBYA_SITUATION_WARRANT], visit("2025-05-11", **NON_LIBYAN),
                     NON_COMPLIANCE, UNSC_REFERRAL, id="day-before-libyas-declaration"),
        pytest.param(LIBYA, [LIBYA_SITUATION_WARRANT], visit("2025-05-12", **NON_LIBYAN),
                     NON_COMPLIANCE, ART_12_3_DECLARATION, id="day-libyas-declaration-lodged"),
        # The basis a host out of control of the place, or a called-off host, would have had.
        pytest.param(UKRAINE, [PUTIN], visit("2024-12-31", **OCCUPIED), NO_CONTROL,
                     ART_12_3_DECLARATION, id="no-control-day-before-ukraine-joins"),
        pytest.param(UKRAINE, [PUTIN], visit("2025-01-01", **OCCUPIED), NO_CONTROL, STATE_PARTY,
                     id="no-control-day-ukraine-joins"),
        pytest.param(ARMENIA, [PUTIN], visit("2024-01-31", **ANNOUNCED_TRIP), UPCOMING, "",
                     id="upcoming-day-before-entry-into-force"),
        pytest.param(ARMENIA, [PUTIN], visit("2024-02-01", **ANNOUNCED_TRIP), UPCOMING,
                     STATE_PARTY, id="upcoming-day-of-entry-into-force"),
        pytest.param(BURUNDI, [BASHIR], visit("2017-10-27", **BASHIR_VISIT, **ANNOUNCED_TRIP),
                     UPCOMING, ART_127_2_RESIDUAL, id="upcoming-day-withdrawal-takes-effect"),
        pytest.param(CENTRAL_AFRICAN_REPUBLIC, [KUSHAYB],
                     visit("2020-06-10", **KUSHAYB_VISIT, **ANNOUNCED_TRIP), UPCOMING, "",
                     id="upcoming-day-after-warrant-ended"),
    ],
)
def test_second_edition_boundary_days(host, warrants, facts, code, basis):
    verdict = evaluate(facts, host, warrants)
    assert (verdict.code, verdict.basis) == (code, basis)
    if code in (UPCOMING, NO_CONTROL):
        assert verdict.would_have_been_bound is bool(basis)
# fmt: on


def _cited_declaration(verdict: Verdict) -> str:
    (reason,) = [r for r in verdict.reasons if r["key"] == "bound_declaration"]
    return reason["lodged"]


@pytest.mark.parametrize(
    ("on", "lodged"),
    [
        pytest.param("2014-04-17", "2014-04-17", id="only-the-2014-declaration-lodged"),
        pytest.param("2015-09-07", "2014-04-17", id="day-before-the-2015-declaration"),
        pytest.param("2015-09-08", "2015-09-08", id="day-the-2015-declaration-is-lodged"),
        pytest.param("2023-03-18", "2015-09-08", id="putin-2023"),
    ],
)
def test_the_declaration_cited_covers_the_latest_period(on, lodged):
    # Hypothetical: a warrant in the Ukraine situation issued before both declarations.
    warrants = [warrant("ukraine-2014", "2014-03-01", "2014-03-01")]
    verdict = evaluate(visit(on), UKRAINE_TWO_DECLARATIONS, warrants)
    assert (verdict.code, verdict.basis) == (NON_COMPLIANCE, ART_12_3_DECLARATION)
    assert _cited_declaration(verdict) == lodged


def test_crimea_2024_without_host_control_is_no_control_citing_the_2015_declaration():
    verdict = evaluate(
        visit("2024-03-18", place="Sevastopol", **OCCUPIED), UKRAINE_TWO_DECLARATIONS, [PUTIN]
    )
    assert (verdict.code, verdict.basis, verdict.would_have_been_bound) == (
        NO_CONTROL,
        ART_12_3_DECLARATION,
        True,
    )
    declaration = next(r for r in verdict.reasons if r["key"] == "bound_declaration")
    assert declaration == {
        "key": "bound_declaration",
        "state": {"iso3": "UKR", "name": "Ukraine"},
        "situation": "Ukraine",
        "lodged": "2015-09-08",
        "covers_from": "2014-02-20",
        "covers_to": "",
    }
    control = verdict.reasons[0]
    assert (control["key"], control["controlled_by"]["iso3"]) == ("no_control", "RUS")
    assert "failure to arrest and surrender" not in english(verdict)
    assert "8 September 2015" in english(verdict)


def test_an_announced_trip_of_putin_to_france_next_year_is_upcoming_on_state_party():
    next_year = datetime.date.today().year + 1
    verdict = evaluate(visit(f"{next_year}-06", **ANNOUNCED_TRIP), FRANCE, [PUTIN])
    assert (verdict.code, verdict.basis, verdict.would_have_been_bound) == (
        UPCOMING,
        STATE_PARTY,
        True,
    )
    assert verdict.reasons[0]["key"] == "trip"
    assert "If the trip goes ahead, France will be bound to arrest" in english(verdict)


def test_a_non_libyan_in_libya_in_2024_is_non_compliance_on_the_security_councils_referral():
    verdict = evaluate(visit("2024-06-01", **NON_LIBYAN), LIBYA, [LIBYA_SITUATION_WARRANT])
    assert (verdict.code, verdict.basis) == (NON_COMPLIANCE, UNSC_REFERRAL)
    assert verdict.reasons[0] == {
        "key": "bound_referral",
        "state": {"iso3": "LBY", "name": "Libya"},
        "situation": "Libya",
        "resolution": "S/RES/1970 (2011)",
        "adopted": "2011-02-26",
    }
    assert "resolution S/RES/1970 (2011), adopted on 26 February 2011" in english(verdict)


JORDAN = StateFacts(
    "JOR",
    "Jordan",
    signed=day("1998-10-07"),
    deposited=day("2002-04-11"),
    entry_into_force=day("2002-07-01"),
)


def test_jordan_2017_shows_the_finding():
    finding = FindingFacts(
        Period.parse("2017-12-11"),
        referred_to_asp=True,
        referred_to_unsc=True,
        chamber="Pre-Trial Chamber II",
        reference="ICC-02/05-01/09-309",
    )
    verdict = evaluate(
        visit("2017-03-29", place="Amman", **BASHIR_VISIT), JORDAN, [BASHIR], findings=[finding]
    )
    assert (verdict.code, verdict.basis) == (NON_COMPLIANCE, STATE_PARTY)
    assert {
        "key": "finding",
        "decided": "2017-12-11",
        "kind": "art_87_7",
        "chamber": "Pre-Trial Chamber II",
        "reference": "ICC-02/05-01/09-309",
        "referred_to_asp": True,
        "referred_to_unsc": True,
        "informed_asp": False,
        "informed_unsc": False,
    } in verdict.reasons
    assert (
        "ICC Pre-Trial Chamber II found non-compliance on 11 December 2017 (Art. 87(7)) and "
        "referred it to the Assembly of States Parties and the UN Security Council."
    ) in english(verdict)


def test_a_finding_known_only_to_the_month_is_reported_as_such():
    finding = FindingFacts(Period.parse("2015-07"), referred_to_unsc=True)
    verdict = evaluate(visit("2015-06-14", **BASHIR_VISIT), SOUTH_AFRICA, [BASHIR], [finding])
    assert "found non-compliance in July 2015" in english(verdict)


@pytest.mark.parametrize(
    ("review_state", "note", "text"),
    [
        pytest.param("rejected", "", "the report was rejected on review", id="rejected"),
        pytest.param(
            "withdrawn",
            "removed from dataset version 2026.12.01",
            "withdrawn from the record: removed from dataset version 2026.12.01",
            id="removed-from-the-dataset",
        ),
    ],
)
def test_a_visit_off_the_record_gets_a_withdrawn_verdict(review_state, note, text):
    verdict = evaluate(
        visit("2024-09-02", review_state=review_state, withdrawal_note=note), MONGOLIA, [PUTIN]
    )
    assert (verdict.code, verdict.basis) == (WITHDRAWN, "")
    assert verdict.reasons[0]["key"] == "withdrawn"
    assert text in english(verdict)
    assert text in verdict.reason or review_state == "withdrawn"


@pytest.mark.parametrize(
    "facts",
    [p.values[0] for p in VERDICT_ROWS],
)
def test_only_upcoming_deterred_no_control_complied_and_non_compliance_carry_a_basis(facts):
    for host in (MONGOLIA, UKRAINE, CHINA):
        verdict = evaluate(facts, host, [PUTIN])
        if verdict.code not in (UPCOMING, DETERRED, NO_CONTROL, COMPLIED, NON_COMPLIANCE):
            assert verdict.basis == "", verdict


def test_reasons_are_json_serialisable():
    import json

    for facts, host, warrants, _, _ in (p.values for p in VERDICT_ROWS):
        reasons = evaluate(facts, host, warrants).reasons
        assert json.loads(json.dumps(reasons)) == [dict(r) for r in reasons]
        assert all("key" in r for r in reasons)


# --- Self-check ------------------------------------------------------------------------------

NON_COMPLIANT = Verdict(NON_COMPLIANCE, STATE_PARTY)
NOT_OBLIGED = Verdict(NO_OBLIGATION)


# fmt: off
@pytest.mark.parametrize(
    ("verdict", "has_finding", "expected", "warnings"),
    [
        pytest.param(NON_COMPLIANT, True, "", [], id="finding-agrees"),
        pytest.param(NOT_OBLIGED, True, "", ["ICC found non-compliance", "no_obligation"],
                     id="finding-but-no-obligation"),
        pytest.param(Verdict(PENDING), True, "", ["ICC found non-compliance", "pending"],
                     id="finding-but-pending"),
        pytest.param(Verdict(WITHDRAWN), True, "", [], id="withdrawn-visit-is-not-checked"),
        # A withdrawn visit has left the record: a researcher's note expecting a verdict of
        # the visit it was is no disagreement ("expected non_compliance, the rule gives
        # withdrawn" was shown on the withdrawn visit's page).
        pytest.param(Verdict(WITHDRAWN), False, "non_compliance", [],
                     id="withdrawn-visit-is-not-checked-against-the-expected-verdict"),
        pytest.param(Verdict(WITHDRAWN), True, "non_compliance", [],
                     id="withdrawn-visit-is-checked-against-neither"),
        pytest.param(NOT_OBLIGED, False, "non_compliance",
                     ["expected the verdict non_compliance", "no_obligation"],
                     id="expected-verdict-disagrees"),
        pytest.param(NON_COMPLIANT, False, "non_compliance", [], id="expected-verdict-agrees"),
        pytest.param(NOT_OBLIGED, False, "", [], id="no-expected-verdict"),
        pytest.param(NOT_OBLIGED, True, "non_compliance",
                     ["ICC found non-compliance", "expected the verdict non_compliance"],
                     id="both-disagree"),
    ],
)
def test_self_check_surfaces_disagreement_with_a_finding_or_the_expected_verdict(
    verdict, has_finding, expected, warnings
):
    warning = self_check(verdict, has_finding, expected)
    assert bool(warning) is bool(warnings)
    for text in warnings:
        assert text in warning
# fmt: on


def test_self_check_agrees_with_the_rule_on_the_mongolia_visit():
    verdict = evaluate(visit("2024-09-02", "2024-09-03"), MONGOLIA, [PUTIN])
    assert self_check(verdict, True, "non_compliance") == ""


# --- Purity ----------------------------------------------------------------------------------

COMPLIANCE_SOURCE = Path(compliance.__file__)


def test_the_rule_engine_imports_nothing_from_django_or_celery():
    tree = ast.parse(COMPLIANCE_SOURCE.read_text())
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {
        name
        for name in imported
        if name.split(".")[0] in {"django", "celery", "kombu", "rest_framework"}
    }

    # And importing it in a fresh interpreter loads neither.
    root = COMPLIANCE_SOURCE.parent.parent
    probe = (
        "import sys; import compliance; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'celery', 'kombu')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "", "PYTHONPATH": str(root)},
    )
    assert result.stdout.strip() == "[]"


def test_a_declaration_for_another_situation_is_named_only_once_lodged():
    """Libya's 2025 declaration (for Libya) did not exist when al-Bashir visited in 2009:
    the 2009 explanation does not name it; a visit after it was lodged does."""
    host = replace(LIBYA, referrals=())
    before = english(evaluate(visit("2009-03-26", **BASHIR_VISIT), host, [BASHIR]))
    after = english(evaluate(visit("2025-06-01", **BASHIR_VISIT), host, [BASHIR]))
    assert "its Art. 12(3) declaration" not in before, before
    assert "situation in Libya" not in before, before
    assert "its Art. 12(3) declaration covers the situation in Libya, not this one" in after, after


def test_a_declaration_s_covered_period_reads_well_in_french_whatever_its_precision():
    """'commis entre 2011 et le 31 décembre 2027', 'commis depuis mars 2004': a day takes
    'le', a month or a year none (never 'du 2011' or 'depuis le mars 2004')."""
    for covers_from, covers_to, words in (
        ("2011", "2027-12-31", "commis entre 2011 et le 31 décembre 2027"),
        ("2004-03", None, "commis depuis mars 2004"),
        ("2011-02-15", None, "commis depuis le 15 février 2011"),
    ):
        host = replace(
            LIBYA,
            declarations=(
                DeclarationFacts(
                    day("2025-05-12"),
                    "Libya",
                    Period.parse(covers_from),
                    Period.parse(covers_to) if covers_to else None,
                ),
            ),
        )
        verdict = evaluate(visit("2025-06-01", **NON_LIBYAN), host, [LIBYA_SITUATION_WARRANT])
        assert verdict.basis == ART_12_3_DECLARATION
        assert words in render(verdict.reasons, "fr", READ_ON), covers_from


def test_a_trip_called_off_before_a_withdrawal_took_effect_speaks_of_the_planned_visit():
    """Burundi, which had notified its withdrawal, stayed bound until 27 October 2017: a
    trip there in July 2017 that was called off never took place, so the sentence speaks
    of the time of the planned visit, not of a visit."""
    trip = visit("2017-07", person="Omar al-Bashir", situation="Darfur, Sudan", status="cancelled")
    verdict = evaluate(trip, BURUNDI, [BASHIR])
    assert verdict.code == DETERRED
    explanation = english(verdict)
    assert "so it was still bound at the time of the planned visit" in explanation
    took_place = english(evaluate(replace(trip, status="occurred"), BURUNDI, [BASHIR]))
    assert "at the time of the planned visit" not in took_place


# fmt: off
@pytest.mark.parametrize(
    ("host", "warrants", "trip", "expected"),
    [
        pytest.param(CHINA, [PUTIN], visit("2024-05-16", **ANNOUNCED_TRIP),
                     "has lodged no declaration under Art. 12(3) accepting the Court's "
                     "jurisdiction over the situation in Ukraine, so the Statute will not bind it "
                     "to arrest.", id="not-a-party"),
        pytest.param(ARMENIA, [PUTIN], visit("2023-10-01", **ANNOUNCED_TRIP),
                     "Armenia will not yet be bound on the dates announced: the Statute enters "
                     "into force for it only on 1 February 2024.", id="not-yet-a-party"),
        pytest.param(BURUNDI, [ISSUED_ON_WITHDRAWAL], visit("2018-06-01", **ANNOUNCED_TRIP),
                     "so it will count Burundi as no longer bound on the dates announced.",
                     id="no-longer-a-party"),
        pytest.param(MALAYSIA, [BASHIR], visit("2019-06-01", **BASHIR_VISIT, **ANNOUNCED_TRIP),
                     "Malaysia is not bound: it withdrew the instrument it had deposited before "
                     "the Statute entered into force for it", id="never-a-party"),
    ],
)
def test_an_announced_trip_says_what_will_be_not_what_was(host, warrants, trip, expected):
    """An early warning is about a trip to come: the host "will not be bound", never "was
    not bound" (a past tense read as if the trip had taken place)."""
    verdict = evaluate(trip, host, warrants)
    assert verdict.code == UPCOMING
    explanation = english(verdict)
    assert expected in explanation
    assert " was not bound" not in explanation and "was not yet bound" not in explanation
# fmt: on


# Signed 28 December 2000, deposited 30 August 2011; withdrawal notified 17 March 2018,
# effective 17 March 2019.
PHILIPPINES = StateFacts(
    "PHL",
    "Philippines",
    signed=day("2000-12-28"),
    deposited=day("2011-08-30"),
    entry_into_force=day("2011-11-01"),
    withdrawal_notified=day("2018-03-17"),
    withdrawal_effective=day("2019-03-17"),
)
# Hypothetical: a warrant whose issue date is unknown, public from 1 February 2019.
ISSUE_UNKNOWN_PUBLIC_FEBRUARY_2019 = warrant("issue-unknown", None, "2019-02-01")


def test_art_127_2_never_gives_the_publication_of_a_warrant_as_its_issue():
    """A warrant whose issue date is unknown is only *taken* to be in force from the day it was
    public (DOMAIN.md, "Dates"): the Philippines stays bound for it under Art. 127(2), and the
    reasons said it "was issued on 1 February 2019", a date nobody recorded."""
    verdict = evaluate(
        visit("2020-01-10", person="A hypothetical suspect", situation="Philippines"),
        PHILIPPINES,
        [ISSUE_UNKNOWN_PUBLIC_FEBRUARY_2019],
    )
    assert (verdict.code, verdict.basis) == (NON_COMPLIANCE, ART_127_2_RESIDUAL)
    residual = verdict.reasons[0]
    assert (residual["warrant_issued"], residual["warrant_public"]) == ("", "2019-02-01")
    text, texte = english(verdict), render(verdict.reasons, "fr", READ_ON)
    assert "was issued on 1 February 2019" not in text
    assert (
        "iccwatch counts it as still bound for warrants issued before then (its reading of "
        "Art. 127(2), under which a withdrawal does not discharge obligations that arose while "
        "the state was a party); the issue date of this one is not known, but it was public "
        "from 1 February 2019, before then."
    ) in text
    assert "délivré le 1er février 2019" not in texte
    assert (
        "la date de délivrance de celui-ci n’est pas connue, mais il était public à partir du "
        "1er février 2019, avant cette date."
    ) in texte
    # A trip called off: the same, in the clause that goes on from "would have been bound".
    called_off = evaluate(
        visit("2020-01-10", person="A hypothetical suspect", situation="Philippines", **CALLED_OFF),
        PHILIPPINES,
        [ISSUE_UNKNOWN_PUBLIC_FEBRUARY_2019],
    )
    assert "the issue date of this one is not known, but it was public from 1 February 2019" in (
        english(called_off)
    )
    # A known issue date is given as such, and no `warrant_public` is recorded.
    known = evaluate(visit("2020-01-10", **BASHIR_VISIT), BURUNDI, [ISSUED_EVE_OF_WITHDRAWAL])
    assert "warrant_public" not in known.reasons[0]
    assert "and this one was issued on 26 October 2017." in english(known)


# Hypothetical: issued before Burundi's withdrawal took effect, executed on 1 March 2018;
# and one issued after it, on 10 January 2018.
ENDED_MARCH_2018 = warrant(
    "ended-march-2018", "2017-10-26", "2017-10-26", ended="2018-03-01", end_reason="executed"
)
ISSUED_AFTER_WITHDRAWAL = warrant("after", "2018-01-10", "2018-01-10")

# Every verdict whose reasons tell an Art. 127(2) residual obligation, by what it tells:
# (visit's fields, verdict code, whether the host would have been bound).
RESIDUAL_TELLINGS = {
    "visited": ({}, NON_COMPLIANCE, None),
    "transit": ({"status": "transit"}, NON_COMPLIANCE, None),
    "arrested": ({"outcome": "arrested"}, COMPLIED, None),
    "gave-himself-up": ({"outcome": "self_surrendered"}, COMPLIED, None),
    "called-off": (CALLED_OFF, DETERRED, True),
    "by-video": (BY_VIDEO, DETERRED, True),
    "announced": (ANNOUNCED_TRIP, UPCOMING, True),
    "out-of-control": (OCCUPIED, NO_CONTROL, True),
}


@pytest.mark.parametrize("telling", list(RESIDUAL_TELLINGS))
@pytest.mark.parametrize(
    ("host", "person", "issued", "when"),
    [
        pytest.param(BURUNDI, BASHIR_VISIT, ISSUED_EVE_OF_WITHDRAWAL, "2018-06-01", id="issued"),
        pytest.param(
            PHILIPPINES,
            {"person": "A hypothetical suspect", "situation": "Philippines"},
            ISSUE_UNKNOWN_PUBLIC_FEBRUARY_2019,
            "2020-01-10",
            id="issue-unknown",
        ),
    ],
)
def test_a_residual_obligation_is_told_as_iccwatchs_reading_of_art_127_2(
    telling, host, person, issued, when
):
    """Hungary's obligation after its withdrawal took effect, told for a visit, a transit, an
    arrest, a trip called off, attended by video or announced, or a place out of its
    control: "a withdrawal does not discharge obligations that arose while the state was a
    party (Art. 127(2)): Hungary remains bound for warrants issued before then" gave
    iccwatch's simplification as the law's last word. Counting a withdrawn state bound for
    those warrants (and only those) is iccwatch's reading of Art. 127(2) (docs/DOMAIN.md,
    "Treaty arithmetic"), and every explanation that tells it says so, in both languages."""
    fields, code, would = RESIDUAL_TELLINGS[telling]
    verdict = evaluate(visit(when, **person, **fields), host, [issued])
    assert (verdict.code, verdict.basis) == (code, ART_127_2_RESIDUAL)
    assert verdict.would_have_been_bound is would
    text, french = english(verdict), render(verdict.reasons, "fr", READ_ON)
    assert (
        "iccwatch counts it as still bound for warrants issued before then (its reading of "
        "Art. 127(2), under which a withdrawal does not discharge obligations that arose while "
        "the state was a party)"
    ) in text, text
    assert "remains bound" not in text and "party (Art. 127(2))" not in text
    assert "iccwatch compte toujours l’État comme lié" in french or (
        "iccwatch le compte toujours comme lié" in french
    ), french
    assert (
        "comme lié pour les mandats délivrés avant cette date (sa lecture de l’art. 127-2, "
        "selon lequel un retrait ne dégage pas l’État des obligations nées lorsqu’il était "
        "partie)"
    ) in french, french
    assert "reste lié" not in french and "partie (art. 127-2)" not in french


def test_a_residual_obligation_on_some_days_only_is_told_as_iccwatchs_reading():
    """A trip to Burundi called off, dated only 2018: bound under Art. 127(2) while the
    warrant of 26 October 2017 was in force (until 1 March), not for the one issued on
    10 January 2018, after its withdrawal: whether it would have been bound depends on the
    day, and the obligation it would have had is iccwatch's reading of Art. 127(2)."""
    trip = visit("2018", **BASHIR_VISIT, **CALLED_OFF)
    verdict = evaluate(trip, BURUNDI, [ENDED_MARCH_2018, ISSUED_AFTER_WITHDRAWAL])
    assert (verdict.code, verdict.would_have_been_bound) == (DETERRED, None)
    text, french = english(verdict), render(verdict.reasons, "fr", READ_ON)
    assert text.count("its reading of Art. 127(2)") == 1, text
    assert "Whether Burundi would have been bound to arrest depends on the exact dates" in text
    assert "remains bound" not in text and "party (Art. 127(2))" not in text
    assert "sa lecture de l’art. 127-2, selon lequel" in french, french
    assert "reste lié" not in french


# --- Every warrant usable on the decisive day --------------------------------------------

# al-Bashir's second warrant (genocide), issued and public on 12 July 2010.
BASHIR_2010 = warrant("bashir-2010", "2010-07-12", "2010-07-12")
CHAD = StateFacts("TCD", "Chad", deposited=day("2006-11-01"), entry_into_force=day("2007-01-01"))


@pytest.mark.parametrize(
    "host, trip, code, cited",
    [
        # Chad, 21-23 July 2010: both warrants in force, a failure to arrest on both.
        (CHAD, visit("2010-07-21", "2010-07-23", **BASHIR_VISIT), NON_COMPLIANCE, 2),
        # Before 12 July 2010 only the first warrant existed.
        (CHAD, visit("2010-05-01", **BASHIR_VISIT), NON_COMPLIANCE, 1),
        # China, 2011: not bound, but both warrants were in force.
        (CHINA, visit("2011-06-28", "2011-06-30", **BASHIR_VISIT), NO_OBLIGATION, 2),
        # Arrested: both warrants executed.
        (CHAD, visit("2011-01-05", outcome="arrested", **BASHIR_VISIT), COMPLIED, 2),
        # A trip called off: the host would have been bound by both.
        (CHAD, visit("2011-01-05", status="cancelled", outcome="n/a", **BASHIR_VISIT), DETERRED, 2),
    ],
)
def test_a_verdict_names_every_warrant_usable_on_its_decisive_day(host, trip, code, cited):
    verdict = evaluate(trip, host, [BASHIR, BASHIR_2010])
    assert verdict.code == code
    assert verdict.warrant_ids == ("bashir-2009", "bashir-2010")[:cited]
    if code != DETERRED:
        sentences = [r for r in verdict.reasons if r["key"] == "warrant"]
        assert [r["issued"] for r in sentences] == ["2009-03-04", "2010-07-12"][:cited]
        if cited == 2:
            assert "issued and public since 12 July 2010" in english(verdict)


def test_a_residual_obligation_cites_only_the_warrants_issued_before_the_withdrawal():
    """Art. 127(2): Burundi stays bound for the warrant of the eve of its withdrawal, not
    for the one issued on the day it took effect; only the first is a failure to arrest."""
    both = [ISSUED_EVE_OF_WITHDRAWAL, ISSUED_ON_WITHDRAWAL]
    verdict = evaluate(visit("2018-01-10"), BURUNDI, both)
    assert verdict.code == NON_COMPLIANCE and verdict.basis == ART_127_2_RESIDUAL
    assert verdict.warrant_ids == ("eve",)


# --- A Security Council referral binds only the states it names ---------------------------

DARFUR_REFERRAL = ReferralFacts(
    "Darfur, Sudan", "S/RES/1593 (2005)", day("2005-03-31"), (("SDN", "Sudan"),)
)
EGYPT = StateFacts("EGY", "Egypt")


def test_a_non_party_the_referral_does_not_bind_is_told_why():
    """Darfur was referred by S/RES/1593 (2005), which obliges Sudan alone: al-Bashir in
    Egypt (not a State Party) gives `no_obligation`, and the reasons say the referral does
    not bind Egypt, not only that it is not a State Party (docs/DOMAIN.md)."""
    trip = replace(visit("2009-03-25", **BASHIR_VISIT), referrals=(DARFUR_REFERRAL,))
    verdict = evaluate(trip, EGYPT, [BASHIR])
    assert verdict.code == NO_OBLIGATION
    keys = [r["key"] for r in verdict.reasons]
    assert keys[:2] == ["not_party", "referral_not_binding"]
    note = verdict.reasons[1]
    assert note["resolution"] == "S/RES/1593 (2005)" and note["adopted"] == "2005-03-31"
    assert note["bound"] == [{"iso3": "SDN", "name": "Sudan"}]
    assert (
        "UN Security Council resolution S/RES/1593 (2005), adopted on 31 March 2005, referred "
        "the situation in Darfur, Sudan to the Court's Prosecutor (Art. 13(b)); among States it "
        "obliges only Sudan to cooperate fully with the Court, and it urges, but does not "
        "oblige, the others, Egypt among them: a referral binds only the States it names."
    ) in english(verdict)
    french = render(verdict.reasons, "fr", READ_ON)
    # The sentence before named Egypt (« Égypte : État non partie … »): not again.
    assert "L’État hôte (Égypte) n’est pas non plus lié par la résolution S/RES/1593 (2005)" in (
        french
    )
    assert french.count("Égypte\u00a0:") == 1, french
    assert (
        "que ceux qu’elle désigne (Soudan) et ne fait qu’exhorter les autres à coopérer." in french
    )
    assert "un renvoi ne lie que" not in french  # the sentence before says it already
    # A trip called off, and an arrest by a host not bound, say it too.
    called_off = replace(trip, status="cancelled", outcome="n/a")
    assert "referral_not_binding" in [
        r["key"] for r in evaluate(called_off, EGYPT, [BASHIR]).reasons
    ]
    arrested = replace(trip, outcome="arrested")
    assert "referral_not_binding" in [r["key"] for r in evaluate(arrested, EGYPT, [BASHIR]).reasons]


@pytest.mark.parametrize("dated", ["2009", "2009-03"])
def test_a_partly_dated_trip_not_made_to_a_host_never_bound_says_why_not_no_warrant(dated):
    """Al-Bashir's trip to China called off, dated only to 2009 or March 2009: the warrant
    of 4 March 2009 was in force on some possible days, and China was bound on none (not a
    State Party; S/RES/1593 obliges only Sudan). The reasons are a day with the warrant in
    force's, not those of a possible day before it was issued ("no warrant in force")."""
    trip = replace(visit(dated, **BASHIR_VISIT, **CALLED_OFF), referrals=(DARFUR_REFERRAL,))
    verdict = evaluate(trip, CHINA, [BASHIR])
    assert (verdict.code, verdict.would_have_been_bound) == (DETERRED, False)
    keys = [r["key"] for r in verdict.reasons]
    assert "not_party" in keys and "referral_not_binding" in keys
    assert "no warrant" not in english(verdict)
    assert verdict.warrant_ids == ("bashir-2009",)


def test_a_referral_is_named_only_to_a_host_it_does_not_bind_and_once_adopted():
    trip = replace(visit("2009-03-25", **BASHIR_VISIT), referrals=(DARFUR_REFERRAL,))
    bound = evaluate(trip, SUDAN, [BASHIR])
    assert bound.basis == UNSC_REFERRAL
    assert "referral_not_binding" not in [r["key"] for r in bound.reasons]
    # A visit before the resolution was adopted: nothing to say about it.
    early = replace(trip, start=Period.parse("2005-03-01"))
    kushayb = warrant("early", "2005-01-10", "2005-01-10")
    assert "referral_not_binding" not in [
        r["key"] for r in evaluate(early, EGYPT, [kushayb]).reasons
    ]
    # A referral binding no state by name binds none.
    nobody = replace(DARFUR_REFERRAL, bound=())
    text = english(evaluate(replace(trip, referrals=(nobody,)), EGYPT, [BASHIR]))
    assert "obliges no State by name to cooperate with the Court, so it does not bind Egypt" in text


# --- A place the host did not control, a trip not made ----------------------------------------


@pytest.mark.parametrize(
    ("trip", "said"),
    [
        pytest.param(
            ANNOUNCED_TRIP,
            "The place is outside the control of Ukraine (controlled by Russia): the host "
            "state could not arrest there, so the trip is no early warning for it.",
            id="announced",
        ),
        pytest.param(
            CALLED_OFF,
            "The place was outside the control of Ukraine (controlled by Russia): the host "
            "state could not have arrested there.",
            id="called-off",
        ),
    ],
)
def test_a_trip_not_made_to_a_place_the_host_did_not_control_says_so(trip, said):
    """An announced (or called-off) trip to occupied territory was told as an early warning
    for the host, bound on paper but unable to arrest there: its reasons now carry the
    `place_not_controlled` fact, with who controlled the place."""
    verdict = evaluate(
        visit("2027-06-18", place="Sevastopol", **trip, **OCCUPIED),
        UKRAINE_TWO_DECLARATIONS,
        [PUTIN],
    )
    assert verdict.code in (UPCOMING, DETERRED)
    control = next(r for r in verdict.reasons if r["key"] == "place_not_controlled")
    assert control["controlled_by"] == {"iso3": "RUS", "name": ""}
    assert control["status"] == trip["status"]
    assert said in english(verdict).replace("the Russian Federation", "Russia")
    french = render(verdict.reasons, "fr", READ_ON)
    assert "hors du contrôle de l’État hôte (Ukraine)" in french
    # A place the host controlled gets no such reason.
    plain = evaluate(visit("2027-06-18", **trip), UKRAINE_TWO_DECLARATIONS, [PUTIN])
    assert all(r["key"] != "place_not_controlled" for r in plain.reasons)


@pytest.mark.parametrize(
    ("when", "trip"),
    [
        pytest.param(("2027-03-10", "2027-03-11"), ANNOUNCED_TRIP, id="announced"),
        pytest.param(("2024-06-01", None), CALLED_OFF, id="called-off"),
    ],
)
def test_a_trip_not_made_to_a_place_the_host_did_not_control_is_told_in_the_conditional(when, trip):
    """Putin's trip announced to occupied Mariupol, or called off to Donetsk: the host could
    not arrest there, so whether it would be bound reads as no_control's ("Had it
    controlled the place, … would have been bound"), never "will be bound" after "could not
    arrest"."""
    verdict = evaluate(
        visit(*when, place="Mariupol", **trip, **OCCUPIED), UKRAINE_TWO_DECLARATIONS, [PUTIN]
    )
    said = english(verdict)
    assert "Had it controlled the place, Ukraine would have been bound to arrest" in said
    assert "will be bound" not in said
    assert "Had the trip gone ahead" not in said
    french = render(verdict.reasons, "fr", READ_ON)
    assert "sera tenu" not in french


def test_an_announced_trip_to_a_place_out_of_control_is_told_in_the_past_once_its_dates_passed():
    """Putin's trip announced to occupied Mariupol: while its dates are ahead, the place "is"
    outside Ukraine's control and the trip is no early warning; once they have passed
    (trip_dates_passed), the place "was" outside it and the host "could not have arrested
    there", as for a trip called off, in English and in French."""
    verdict = evaluate(
        visit("2026-11-01", "2026-11-02", place="Mariupol", **ANNOUNCED_TRIP, **OCCUPIED),
        UKRAINE_TWO_DECLARATIONS,
        [PUTIN],
    )
    ahead = render(verdict.reasons, "en", datetime.date(2026, 10, 1))
    assert "The place is outside the control of Ukraine (controlled by " in ahead
    assert "so the trip is no early warning for it." in ahead
    passed = render(verdict.reasons, "en", datetime.date(2026, 12, 6))
    assert "The place was outside the control of Ukraine (controlled by " in passed
    assert "the host state could not have arrested there." in passed
    assert "The place is outside" not in passed and "early warning" not in passed
    french_ahead = render(verdict.reasons, "fr", datetime.date(2026, 10, 1))
    french_passed = render(verdict.reasons, "fr", datetime.date(2026, 12, 6))
    assert "Le lieu est hors du contrôle de l’État hôte (Ukraine)" in french_ahead
    assert "Le lieu était hors du contrôle de l’État hôte (Ukraine)" in french_passed
    assert "Le lieu est hors du contrôle" not in french_passed


def test_an_occupied_place_s_no_control_verdict_names_who_controlled_it_in_both_languages():
    verdict = evaluate(
        visit("2024-03-18", place="Sevastopol", **OCCUPIED), UKRAINE_TWO_DECLARATIONS, [PUTIN]
    )
    assert verdict.code == NO_CONTROL
    assert "outside the control of Ukraine (controlled by" in english(verdict)
    assert "so this is no failure to arrest" in english(verdict)
    french = render(verdict.reasons, "fr", READ_ON)
    assert "Ukraine" in french and "Russie" in french


# --- A decision of the Court that found no failure --------------------------------------------

NIGERIA = StateFacts(
    "NGA",
    "Nigeria",
    signed=day("2000-06-01"),
    deposited=day("2001-09-27"),
    entry_into_force=day("2002-07-01"),
)
# Nigeria, 5 September 2013: as reported by Nigeria's Ministry of Foreign Affairs, the
# Chamber found justifiable reasons and no failure to comply; no referral.
NO_FAILURE_NIGERIA = FindingFacts(Period.parse("2013-09-05"), kind="no_failure", chamber="PTC II")


def test_a_decision_that_found_no_failure_is_told_against_iccwatchs_own_reading():
    trip = visit("2013-07-14", "2013-07-15", outcome="left_early", place="Abuja", **BASHIR_VISIT)
    verdict = evaluate(trip, NIGERIA, [BASHIR], findings=[NO_FAILURE_NIGERIA])
    # The rule reads the facts as the table does: no verdict is set by the decision.
    assert verdict.code == NON_COMPLIANCE
    assert {
        "key": "no_court_finding",
        "other_decision": True,
        "no_failure": "2013-09-05",
    } in verdict.reasons
    finding = next(r for r in verdict.reasons if r["key"] == "finding")
    assert finding["kind"] == "no_failure"
    text = english(verdict)
    assert (
        "This verdict is iccwatch's own reading of the facts. It differs from the Court's "
        "decision that follows, which found no failure to comply." in text
    )
    # The decision is told once, in its own sentence, not again in the verdict's.
    assert text.count("5 September 2013") == 1
    assert (
        "ICC Pre-Trial Chamber II found on 5 September 2013 that the state had not failed to "
        "comply with its obligation to arrest and surrender; it made no finding of "
        "non-compliance under Art. 87(7) and referred nothing." in text
    )
    french = render(verdict.reasons, "fr", READ_ON)
    assert "5 septembre 2013" in french and "lecture" in french
    # The self-check surfaces the disagreement to staff.
    warning = self_check(verdict, False, "", has_no_failure_decision=True)
    assert "found no failure to comply" in warning and "non_compliance" in warning
    assert self_check(NOT_OBLIGED, False, "", has_no_failure_decision=True) == ""


# --- A declaration not given effect; how a state joined (rule 2026.12.06.3) -------------------

# Palestine before its accession (in force 2015-04-01): its declaration of 2009-01-22, which
# the Court did not give effect (the Prosecutor's statement of 3 April 2012), and that of
# 2015-01-01, given effect. The warrant is hypothetical: a public one in the situation
# against someone visiting Palestine between the two.
PALESTINE = StateFacts(
    "PSE",
    "Palestine",
    deposited=day("2015-01-02"),
    entry_into_force=day("2015-04-01"),
    declarations=(
        DeclarationFacts(
            day("2009-01-22"), "State of Palestine", Period.parse("2002-07-01"), given_effect=False
        ),
        DeclarationFacts(day("2015-01-01"), "State of Palestine", Period.parse("2014-06-13")),
    ),
)
PALESTINE_SITUATION_WARRANT = warrant("palestine-public", "2010-06-01", "2010-06-01")
PALESTINE_VISIT = {"person": "A. Suspect", "situation": "State of Palestine"}


def test_a_declaration_the_court_did_not_give_effect_creates_no_obligation():
    """Art. 12(3) binds a state by a declaration the Court acts on; Palestine's of 2009 was
    lodged but not given effect: a visit in 2012 found Palestine bound by nothing (it said
    `non_compliance` on the basis `art_12_3_declaration`, citing it)."""
    during = evaluate(
        visit("2012-05-01", **PALESTINE_VISIT), PALESTINE, [PALESTINE_SITUATION_WARRANT]
    )
    assert (during.code, during.basis) == (NO_OBLIGATION, "")
    words = english(during)
    assert "22 January 2009" not in words, words
    # The same declaration given effect binds, as before.
    given = replace(
        PALESTINE, declarations=(replace(PALESTINE.declarations[0], given_effect=True),)
    )
    bound = evaluate(visit("2012-05-01", **PALESTINE_VISIT), given, [PALESTINE_SITUATION_WARRANT])
    assert (bound.code, bound.basis) == (NON_COMPLIANCE, ART_12_3_DECLARATION)
    # The declaration of 2015, given effect, binds from its lodging.
    later = evaluate(
        visit("2015-02-01", **PALESTINE_VISIT), PALESTINE, [PALESTINE_SITUATION_WARRANT]
    )
    assert (later.code, later.basis) == (NON_COMPLIANCE, ART_12_3_DECLARATION)
    assert "1 January 2015" in english(later)


def test_a_declaration_not_given_effect_is_read_from_its_stored_effect():
    from compliance import state_facts

    facts = state_facts(
        "PSE",
        "Palestine",
        {},
        [
            (day("2009-01-22"), "State of Palestine", "2002-07-01", None, "not_given_effect"),
            (day("2015-01-01"), "State of Palestine", "2014-06-13", None, ""),
        ],
    )
    assert [d.given_effect for d in facts.declarations] == [False, True]
    assert [d.lodged for d in facts.binding_declarations] == [day("2015-01-01")]


MONTENEGRO = StateFacts(
    "MNE",
    "Montenegro",
    deposited=day("2006-10-23"),
    entry_into_force=day("2006-06-03"),
    instrument="succession",
)


@pytest.mark.parametrize(
    ("facts", "joined"),
    [
        (MONTENEGRO, "succeeded"),
        # Without the record, a state with no signature reads as having acceded.
        (replace(MONTENEGRO, instrument=""), "acceded"),
        (replace(MONGOLIA, instrument="ratification"), "ratified"),
        (replace(MONGOLIA, instrument=""), "ratified"),
        (replace(MALAYSIA, instrument="accession"), "acceded"),
        (CHINA, ""),
    ],
)
def test_a_recorded_instrument_says_how_the_state_joined(facts, joined):
    assert facts.joined == joined


def test_a_succession_is_named_as_such_in_the_explanation():
    """Montenegro succeeded on its independence (3 June 2006), notified on 23 October 2006:
    it did not accede, as its explanation said."""
    verdict = evaluate(visit("2024-01-10"), MONTENEGRO, [PUTIN])
    assert (verdict.code, verdict.basis) == (NON_COMPLIANCE, STATE_PARTY)
    words = english(verdict)
    assert "bound since 3 June 2006 (State Party by succession, notified 23 October 2006)" in words
    assert "acceded" not in words
    assert "par succession" in render(verdict.reasons, "fr", READ_ON)


# --- A visit whose end is not known -------------------------------------------------------


def test_a_visit_whose_end_is_not_known_rests_on_its_start_and_says_so():
    """The end not known: the verdict rests on the start, the one day known to be visited
    (docs/DOMAIN.md, "Dates"), and the explanation says the end is not known instead of
    calling the visit one of a single day."""
    verdict = evaluate(visit("2024-09-02", end_known=False, place="Ulaanbaatar"), MONGOLIA, [PUTIN])
    assert (verdict.code, verdict.basis, verdict.decisive_day) == (
        NON_COMPLIANCE,
        STATE_PARTY,
        day("2024-09-02"),
    )
    keys = [r["key"] for r in verdict.reasons]
    assert "end_unknown" in keys
    assert next(r for r in verdict.reasons if r["key"] == "visit")["end_known"] is False
    text = english(verdict)
    assert "from 2 September 2024 (end date not known)" in text
    assert "Mongolia on 2 September 2024" not in text
    assert "The end date of the visit is not known" in text
    french = render(verdict.reasons, "fr", READ_ON)
    assert "à partir du 2\u00a0septembre 2024 (date de fin inconnue)" in french or (
        "à partir du 2 septembre 2024 (date de fin inconnue)" in french
    )
    assert "date de fin de la visite n’est pas connue" in french


def test_a_visit_of_one_day_says_nothing_of_an_unknown_end():
    verdict = evaluate(visit("2024-09-02"), MONGOLIA, [PUTIN])
    assert "end_unknown" not in [r["key"] for r in verdict.reasons]
    assert all("end_known" not in r for r in verdict.reasons)
    assert "on 2 September 2024" in english(verdict)


def test_an_unknown_end_never_guesses_a_later_day_into_an_incident():
    """Armenia bound from 1 February 2024: a visit from 31 January whose end is not known is
    no failure to arrest (he may have left that day), nor is it certain that there was none
    (he may have stayed): `pending`, the end not known and Armenia bound from the 1st;
    whereas one known to have lasted to 2 February is a failure."""
    unknown = evaluate(visit("2024-01-31", end_known=False), ARMENIA, [PUTIN])
    assert unknown.code == PENDING
    (pending,) = (r for r in unknown.reasons if r["key"] == "pending")
    assert (pending["why"], pending["changed_on"]) == ("end_unknown", "2024-02-01")
    known = evaluate(visit("2024-01-31", "2024-02-02"), ARMENIA, [PUTIN])
    assert known.code == NON_COMPLIANCE


def test_an_unknown_end_is_pending_when_a_warrant_is_issued_the_next_day():
    """Netanyahu in Berlin from 20 November 2024, the end not known, the warrant issued on
    the 21st: a stay of unknown length may have covered the 21st, so the verdict is not
    "no warrant in force" stated as certain but `pending`, saying why."""
    germany = replace(FRANCE, iso3="DEU", name="Germany")
    verdict = evaluate(
        visit("2024-11-20", place="Berlin", end_known=False, **NETANYAHU_TRIP),
        germany,
        [NETANYAHU],
    )
    assert verdict.code == PENDING
    (pending,) = (r for r in verdict.reasons if r["key"] == "pending")
    assert (pending["why"], pending["changed_on"]) == ("end_unknown", "2024-11-21")
    text = english(verdict)
    assert "nothing to execute" not in text
    assert (
        "the end date of the visit is not known, and the facts that decide the verdict "
        "change on 21 November 2024, a day the visit may have lasted to"
    ) in text
    assert "date de fin de la visite n’est pas connue" in render(verdict.reasons, "fr", READ_ON)
    # Nothing changes after the start: the start's verdict, said to hold on every later day.
    settled = evaluate(visit("2024-11-22", end_known=False, **NETANYAHU_TRIP), germany, [NETANYAHU])
    assert settled.code == NON_COMPLIANCE
    assert "every later day it may have lasted to gives the same" in english(settled)


def test_an_end_given_with_end_known_false_is_not_read():
    """The end is unknown: an end passed all the same is ignored, never read as a last day
    (read as one, it would make the visit a failure to arrest; the end not known, it is
    `pending`, as with no end given)."""
    verdict = evaluate(visit("2024-01-31", "2024-02-02", end_known=False), ARMENIA, [PUTIN])
    assert verdict.code == PENDING
    ref = next(r for r in verdict.reasons if r["key"] == "pending")
    assert (ref["end"], ref["end_known"]) == ("", False)


def test_an_unknown_end_of_a_visit_dated_to_a_month_reads_the_month():
    """A start known to the month and no known end: every day of that month is possible,
    as for a visit of the month with no end (docs/DOMAIN.md, "Dates")."""
    verdict = evaluate(visit("2024-09", end_known=False), MONGOLIA, [PUTIN])
    assert verdict.code == NON_COMPLIANCE
    assert "end_unknown" in [r["key"] for r in verdict.reasons]


def test_an_announced_trip_whose_dates_passed_is_told_in_the_past_and_the_conditional():
    """An announced trip whose dates passed with nothing recorded of it is no longer told as
    ahead ("has not yet taken place … will be bound"): the explanation, rendered on the
    day it is read, says it was announced, that whether it took place is not recorded, and
    that the host would have been bound."""
    verdict = evaluate(
        visit("2026-11-01", "2026-11-02", place="Paris", **ANNOUNCED_TRIP), FRANCE, [PUTIN]
    )
    assert verdict.code == UPCOMING
    before = render(verdict.reasons, "en", datetime.date(2026, 10, 1))
    assert "has not yet taken place" in before
    assert "will be bound" in before
    said = render(verdict.reasons, "en", datetime.date(2026, 12, 6))
    assert "was announced for 1–2 November 2026; whether it took place is not recorded." in said
    assert "Had the trip taken place, France would have been bound to arrest" in said
    assert "will be" not in said and "not yet" not in said and " is in force" not in said
    french = render(verdict.reasons, "fr", datetime.date(2026, 12, 6))
    assert "pas encore eu lieu" not in french and "sera tenu" not in french
    assert "n’est pas consigné" in french
    # The hypothesis and its consequence in one mood: « S’il a eu lieu, … aurait été tenu »
    # mixed the passé composé with the past conditional.
    assert "S’il avait eu lieu, l’État hôte (France) aurait été tenu d’arrêter\u00a0:" in french
    assert "S’il a eu lieu" not in french
    # A trip whose end is not known may be going on: still told as ahead.
    going_on = evaluate(
        visit("2026-12-05", place="Ulaanbaatar", end_known=False, **ANNOUNCED_TRIP),
        MONGOLIA,
        [PUTIN],
    )
    assert "has not yet taken place" in render(going_on.reasons, "en", datetime.date(2026, 12, 6))
