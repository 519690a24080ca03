"""Rome Statute arithmetic and partial dates: the pure building blocks of the rule.

Art. 126 (when the Statute enters into force for a state), Art. 127(1) (when a
withdrawal takes effect), the `entry_into_force <= d < withdrawal_effective` window,
and the partial dates ("2009-03", "2012") the data uses. No database.
"""

import datetime

import pytest

from compliance import (
    FOUNDING_DEPOSIT_DEADLINE,
    STATUTE_IN_FORCE,
    DeclarationFacts,
    Period,
    ReferralFacts,
    StateFacts,
    declaration_on,
    entry_into_force_for,
    referral_on,
    state_facts,
    withdrawal_effective_for,
)
from tests.visits.test_compliance import ARMENIA, BURUNDI, CHINA, MALAYSIA, day

# --- Art. 126: entry into force -------------------------------------------------------


@pytest.mark.parametrize(
    ("deposited", "in_force"),
    [
        # Art. 126(1): every instrument deposited by the 60th's deposit day waits for 2002-07-01.
        pytest.param("1999-02-02", "2002-07-01", id="early-founding-deposit"),
        pytest.param("2002-04-11", "2002-07-01", id="deposit-on-2002-04-11-founding-day"),
        pytest.param("2002-04-12", "2002-07-01", id="first-later-deposit-60th-day-in-june"),
        # Art. 126(2): the first day of the month after the 60th day following deposit.
        pytest.param("2023-11-14", "2024-02-01", id="armenia-60th-day-2024-01-13"),
        pytest.param("2015-01-02", "2015-04-01", id="palestine-60th-day-2015-03-03"),
        pytest.param("2007-07-17", "2007-10-01", id="japan"),
        pytest.param("2024-10-25", "2025-01-01", id="ukraine-rolls-over-the-year-end"),
        pytest.param("2005-10-28", "2006-01-01", id="mexico-60th-day-in-december"),
        pytest.param("2023-10-01", "2023-12-01", id="60th-day-is-the-last-of-november"),
        pytest.param("2023-10-02", "2024-01-01", id="60th-day-is-the-first-of-december"),
        pytest.param("2024-01-01", "2024-04-01", id="60th-day-is-the-first-of-a-month-leap-year"),
    ],
)
def test_entry_into_force_follows_article_126(deposited, in_force):
    assert entry_into_force_for(day(deposited)) == day(in_force)


def test_the_founding_constants_are_the_statutes_own_dates():
    assert day("2002-07-01") == STATUTE_IN_FORCE
    assert day("2002-04-11") == FOUNDING_DEPOSIT_DEADLINE


# --- Art. 127(1): withdrawal takes effect one year after notification ------------------


@pytest.mark.parametrize(
    ("notified", "effective"),
    [
        pytest.param("2016-10-27", "2017-10-27", id="burundi"),
        pytest.param("2018-03-17", "2019-03-17", id="philippines"),
        pytest.param("2025-06-02", "2026-06-02", id="hungary"),
        pytest.param("2024-02-29", "2025-03-01", id="notified-on-29-february"),
    ],
)
def test_withdrawal_takes_effect_one_year_after_notification(notified, effective):
    assert withdrawal_effective_for(day(notified)) == day(effective)


# --- Being a party: entry_into_force <= d < withdrawal_effective -------------------------

MALAYSIA_AS_IMPORTED = StateFacts(
    "MYS", "Malaysia", deposited=day("2019-03-04"), withdrawal_effective=day("2019-04-29")
)


@pytest.mark.parametrize(
    ("state", "on", "party"),
    [
        pytest.param(ARMENIA, "2024-01-31", False, id="armenia-day-before-entry-into-force"),
        pytest.param(ARMENIA, "2024-02-01", True, id="armenia-day-of-entry-into-force"),
        pytest.param(BURUNDI, "2017-10-26", True, id="burundi-day-before-withdrawal-effective"),
        pytest.param(BURUNDI, "2017-10-27", False, id="burundi-day-withdrawal-takes-effect"),
        pytest.param(MALAYSIA, "2019-06-01", False, id="malaysia-on-its-would-be-entry-into-force"),
        pytest.param(MALAYSIA, "2019-04-28", False, id="malaysia-before-its-withdrawal"),
        pytest.param(CHINA, "2024-01-01", False, id="never-joined"),
    ],
)
def test_a_state_is_party_from_entry_into_force_until_the_day_before_withdrawal(state, on, party):
    assert state.party_on(day(on)) is party


@pytest.mark.parametrize(
    ("state", "ever_party"),
    [
        pytest.param(ARMENIA, True, id="joined"),
        pytest.param(BURUNDI, True, id="joined-then-withdrew"),
        pytest.param(MALAYSIA, False, id="malaysia-withdrew-before-entry-into-force"),
        pytest.param(MALAYSIA_AS_IMPORTED, False, id="malaysia-without-an-entry-into-force"),
        pytest.param(CHINA, False, id="never-deposited"),
    ],
)
def test_a_state_that_withdrew_before_entry_into_force_was_never_a_party(state, ever_party):
    assert state.ever_party is ever_party


# --- Partial dates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first", "last", "precision"),
    [
        pytest.param("2024-09-02", "2024-09-02", "2024-09-02", "day", id="day"),
        pytest.param("2009-03", "2009-03-01", "2009-03-31", "month", id="month"),
        pytest.param("2024-02", "2024-02-01", "2024-02-29", "month", id="february-of-a-leap-year"),
        pytest.param("2023-02", "2023-02-01", "2023-02-28", "month", id="february"),
        pytest.param("2012", "2012-01-01", "2012-12-31", "year", id="year"),
        pytest.param(" 2012 ", "2012-01-01", "2012-12-31", "year", id="surrounding-spaces"),
    ],
)
def test_a_partial_date_is_every_day_of_its_period(text, first, last, precision):
    assert Period.parse(text) == Period(day(first), day(last), precision)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("2024-9-2", id="unpadded"),
        pytest.param("02/09/2024", id="not-iso"),
        pytest.param("24", id="two-digit-year"),
        pytest.param("", id="empty"),
        pytest.param("2024-09-02T10:00", id="a-time"),
    ],
)
def test_a_string_that_is_not_a_date_is_refused_with_the_expected_forms(text):
    with pytest.raises(ValueError, match="expected YYYY-MM-DD, YYYY-MM or YYYY"):
        Period.parse(text)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        pytest.param("2024-13", "There is no month 13: months run from 01 to 12.", id="month-13"),
        pytest.param("2023-02-29", "February 2023 has no 29th day.", id="29-february-common"),
    ],
)
def test_a_date_in_the_right_shape_that_no_calendar_has_says_which_part_does_not_exist(text, said):
    """Written as a date is, but no calendar has it: the refusal says which day or month
    does not exist, not that the format is wrong."""
    with pytest.raises(ValueError) as refused:
        Period.parse(text)
    assert said in str(refused.value)


@pytest.mark.parametrize(
    "text", [pytest.param(t, id=t) for t in ("2024-09-02", "2009-03", "2024-02", "2012")]
)
def test_a_period_survives_the_trip_through_the_database(text):
    period = Period.parse(text)
    assert Period.from_stored(period.first, period.precision) == period


# --- state_facts: declarations with their covered period, Security Council referrals -------


def _ukraine_facts():
    return state_facts(
        "UKR",
        "Ukraine",
        {"signed": day("2000-01-20"), "deposited": day("2024-10-25")},
        [
            (day("2014-04-17"), "Ukraine", "2013-11-21", "2014-02-22"),
            (day("2015-09-08"), "Ukraine", Period.parse("2014-02-20"), None),
        ],
    )


def test_state_facts_reads_declarations_with_their_covered_period():
    ukraine = _ukraine_facts()
    assert ukraine.entry_into_force == day("2025-01-01")
    first, second = ukraine.declarations
    assert (first.covers_from, first.covers_to) == (
        Period.parse("2013-11-21"),
        Period.parse("2014-02-22"),
    )
    assert (second.covers_from, second.covers_to) == (Period.parse("2014-02-20"), None)


def test_state_facts_still_reads_declarations_without_a_covered_period():
    facts = state_facts("UKR", "Ukraine", {}, [(day("2015-09-08"), "Ukraine")])
    assert facts.declarations == (DeclarationFacts(day("2015-09-08"), "Ukraine"),)


def test_state_facts_reads_security_council_referrals():
    sudan = state_facts(
        "SDN", "Sudan", {}, referrals=[("Darfur, Sudan", "S/RES/1593 (2005)", day("2005-03-31"))]
    )
    assert sudan.referrals == (
        ReferralFacts("Darfur, Sudan", "S/RES/1593 (2005)", day("2005-03-31")),
    )


@pytest.mark.parametrize(
    ("on", "lodged"),
    [
        pytest.param("2014-04-16", None, id="day-before-the-first-declaration"),
        pytest.param("2014-04-17", "2014-04-17", id="day-the-first-declaration-is-lodged"),
        pytest.param("2015-09-07", "2014-04-17", id="day-before-the-second-declaration"),
        pytest.param("2015-09-08", "2015-09-08", id="day-the-second-declaration-is-lodged"),
        pytest.param("2023-03-18", "2015-09-08", id="putin-2023-cites-the-2015-declaration"),
    ],
)
def test_the_declaration_cited_is_the_latest_covers_from_lodged_by_the_day(on, lodged):
    cited = declaration_on(_ukraine_facts(), day(on), "Ukraine")
    assert (cited.lodged if cited else None) == (day(lodged) if lodged else None)


def test_a_declaration_for_another_situation_is_never_cited():
    assert declaration_on(_ukraine_facts(), day("2023-03-18"), "Darfur, Sudan") is None


@pytest.mark.parametrize(
    ("situation", "resolution", "adopted"),
    [
        pytest.param("Darfur, Sudan", "S/RES/1593 (2005)", "2005-03-31", id="darfur"),
        pytest.param("Libya", "S/RES/1970 (2011)", "2011-02-26", id="libya"),
    ],
)
def test_a_referral_binds_from_its_adoption_day_for_its_situation_only(
    situation, resolution, adopted
):
    state = StateFacts(
        "XXX", "Bound state", referrals=(ReferralFacts(situation, resolution, day(adopted)),)
    )
    adoption = day(adopted)
    before = adoption - datetime.timedelta(days=1)
    after = adoption + datetime.timedelta(days=1)
    assert referral_on(state, before, situation) is None
    assert referral_on(state, adoption, situation).resolution == resolution
    assert referral_on(state, after, situation).resolution == resolution
    assert referral_on(state, after, "Ukraine") is None
