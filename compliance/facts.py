"""The facts the rule reads: frozen dataclasses for a state's timeline, warrants, the visit.

Pure Python: no Django, no Celery. Dates are calendar days (UTC); a partial date
("2009-03", "2012") is a Period: some day in that period (docs/DOMAIN.md, "Dates").
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

# 2026.12.01: a State Party's reason names a pending withdrawal only for visits after its notice.
# 2026.12.02: a signature after 31 December 2000 (Art. 125(1)) makes no ratification: 'acceded'.
# 2026.12.02.2: a declaration for another situation is named only if lodged by the visit.
# 2026.12.02.3: an instrument withdrawn before entry into force is named only for visits on or
#   after its deposit (Malaysia, 2019: not for a trip in 2011); an undated trip called off or
#   announced to a host bound on no day while a warrant of the person was usable would not
#   have met (will not meet) an obligation (False, with the reason a dated trip would give:
#   not bound, a sealed warrant, no warrant); a sealed warrant's reason says when the person
#   was arrested.
# 2026.12.03: an undated trip called off or announced is read on every day a fact changes
#   (Art. 127(2) included: a withdrawn state stays bound only for warrants issued before its
#   withdrawal took effect); when no day binds the host, its reason is the one a trip dated
#   on the reading's day gets: no warrant in force, a sealed warrant, or the host not (yet,
#   or no longer) a party on that day.
# 2026.12.03.2: a visit known to start some day in one period and to end some day in another
#   covered every day between (docs/DOMAIN.md, "Dates"): it is read over each span it may
#   have covered, not day by day, so that a visit from January to March 2024 in Armenia
#   (bound from 1 February) is a failure to arrest, not too imprecise to decide; its
#   warrant is said in force "throughout" only if it was on every possible day. A
#   `non_compliance` verdict on a visit of which the Court has made no Art. 87(7) finding
#   says it is iccwatch's reading of the facts (`no_court_finding`).
# 2026.12.04: a verdict cites every warrant usable on its decisive day (al-Bashir after
#   12 July 2010: both warrants, of 2009 and of 2010), not only the first; a failure to
#   arrest, the basis a trip called off would have had, an arrest and a host not bound
#   name each of them. A trip called off or announced with no date (or a partial one) would
#   have bound the host when it was bound on every possible day on which a warrant was in
#   force (True, with that basis), not when on none (False), and is unknown only when that
#   differs from day to day (None): Zambia, a party since 2003, would have been bound to
#   arrest al-Bashir whatever the day of his undated trip. A host not bound in a situation
#   the Security Council referred, by a resolution that does not name it among the states
#   it obliges, is told so (`referral_not_binding`: al-Bashir in Egypt, 2009, S/RES/1593
#   (2005) binds Sudan alone).
# 2026.12.04.2: a trip called off or announced, dated only to a month or a year, on none of
#   whose possible days the host was bound, gives the reasons of a possible day with a
#   warrant in force (al-Bashir in China, March 2009: not a party, and S/RES/1593 does not
#   bind it), no longer those of its first possible day, which may precede every warrant
#   ("no warrant in force"). An undated trip to a state that withdrew records that no day
#   is known (`undated` on its `bound_state_party` reason), so that it is not said to be
#   bound "at the time of the planned visit" under Art. 127(1).
# 2026.12.04.3: a State Party's reason for a visit undated or dated to a month or a year,
#   some possible day of which fell on or after its withdrawal took effect, records it
#   (`day_unknown`, in place of 2026.12.04.2's `undated`, undated trips only): bound as a
#   party until then and after it only for warrants issued before (Art. 127(2)), never
#   "still bound at the time of the visit" under Art. 127(1). A date note of a trip not made
#   (or a place out of the host's control) whose answer depends on the day carries the
#   verdict's code, so that it says the host was bound on some possible days and not on
#   others, not "on none"; an undated trip whose answer depends on the day says so
#   (`would_be_bound`, not known) instead of giving no reason.
# 2026.12.05: a trip not made (or a place out of the host's control) whose answer depends on
#   the day because a warrant was under seal, and not notified, on some possible days says so
#   (`public_from`, `bound_throughout` on `would_be_bound`: Mongolia, a party since 2002, and a
#   trip called off in March 2023 under a warrant made public on 17 March), not only that the
#   host was bound on some days; an Art. 127(2) obligation for a warrant whose issue date is
#   unknown gives the day it was made public as such (`warrant_public`), never as its issue
#   date; a researcher's expected verdict is not checked against a withdrawn verdict.
# 2026.12.05.2: a warrant whose being in force on the visit's day is uncertain (its issue
#   date, or its publication where the issue date is unknown, known only to the month or
#   year, and its latest reading after that day) is cited with `maybe` on its `warrant`
#   reason, so that the explanation says it may have been in force, never that it was
#   (Kushayb's second warrant, made public in June 2020, cited beside the warrant of 2007
#   for his surrender on 9 June 2020). No verdict code changes.
# 2026.12.05.3: a referral stands or is lifted by Art. 87(7) findings alone: a decision of
#   kind `other`, which only informed the Assembly or the Security Council, neither refers
#   the failure nor lifts a referral (`no_standing_referral`). An informing decision followed
#   by a finding made without referral no longer says that no referral stands, as though one
#   had been made; a referral followed by an informing decision still stands. No verdict
#   code changes.
# 2026.12.05.4: a trip not made (called off, by video, announced) that would have bound the
#   host cites the warrant(s) of the reading that binds it (`warrant` reasons, after the
#   obligation), as every other verdict does; where some of its possible days (or readings
#   of a warrant's partial date) had no warrant in force, its date note records it
#   (`in_force_throughout` False: bound on every possible day on which a warrant was in
#   force, none on the others), instead of "the same whatever its day", and an undated one
#   gets that note too (Netanyahu, a trip to France dated only 2024, and a warrant of
#   21 November 2024). No verdict code changes.
# 2026.12.06: the `finding` reason of a decision of kind `other`, which only informed the
#   Assembly or the Security Council (Kenya and Chad, 27 August 2010; Djibouti, 12 May
#   2011), gives those bodies as `informed_asp` and `informed_unsc`, its `referred_to_*`
#   false, as the findings API does (visits.models.decision_bodies); every `finding` reason
#   carries the four (an Art. 87(7) finding's `informed_*` false). It said
#   `referred_to_asp: true`, read as a referral. The stored reasons of earlier rules are
#   rewritten so (visits migration 0047). No verdict code changes.
# 2026.12.06.2: a trip not made (announced, called off, by video) to a place the host did not
#   control (`host_control` none) says so (`place_not_controlled`, with who controlled it
#   where known): the host could not arrest there, so it is no early warning for it. A
#   decision of the Court on the visit that found no failure to comply (kind `no_failure`:
#   Nigeria, 5 September 2013) is told as such, and a `non_compliance` verdict on that visit
#   says it is iccwatch's own reading against the Court's (`no_failure` on
#   `no_court_finding`); the self-check surfaces the disagreement. No verdict code changes.
# 2026.12.06.3: an Art. 12(3) declaration the Court did not give effect (DeclarationFacts
#   .given_effect False: Palestine's of 22 January 2009) creates no obligation: it is never
#   the `art_12_3_declaration` basis, nor named as a declaration lodged later or for another
#   situation (StateFacts.binding_declarations). A state whose recorded instrument is a
#   succession (StateFacts.instrument: Montenegro) joined by succession (`joined`
#   "succeeded"), not by accession; a recorded ratification or accession is read as
#   recorded. No verdict of the dataset changes.
# 2026.12.06.4: a visit whose end is not known (`end_known` False: the sources say when it
#   began, not when it ended) is read on its start, the one day (or period) it is known to
#   have covered, as before, but no longer told as a visit of that day alone: its `visit`
#   (and every other reason naming the visit) carries `end_known` False, and an `end_unknown`
#   reason says the verdict rests on its start. No verdict code changes.
# 2026.12.06.5: the state that controlled a place out of the host's control
#   (VisitFacts.controlled_by_name) is named in `place_not_controlled` and `no_control`'s
#   `controlled_by`, as every other state in the reasons is (it was {"iso3": "RUS",
#   "name": ""}). No verdict code changes.
# 2026.12.06.6: a visit whose end is not known is also read as lasting to each later day on
#   which a fact that decides its verdict changes (a warrant issued, made public or ended,
#   the host's entry into force or withdrawal, a declaration, a referral): the start's
#   verdict when every such day gives it, else `pending` (`pending_why` "end_unknown",
#   `changed_on` the first such day) when the host was bound on some (Netanyahu in Berlin
#   from 20 November 2024, the warrant issued on the 21st), or `no_obligation` when on none.
#   Its `end_unknown` reason now says every later day gives the start's verdict.
# 2026.12.06.7: a decision of the Court known only from the state concerned's own report, its
#   text not read (FindingFacts.reported_by "state": Nigeria, 5 September 2013), carries
#   `reported_by` on its `finding` and `no_court_finding` reasons, so that the explanation
#   attributes it ("According to the state concerned alone …"). No verdict code changes.
# 2026.12.06.8: a person who gave himself up (outcome `self_surrendered`: Bosco Ntaganda at
#   the US Embassy in Kigali, 2013) is `complied`, as an arrest is, whether or not the host
#   was bound; its `visit` (or `warrant_sealed`) reason carries that outcome, and the
#   explanation says the person surrendered voluntarily, never that the host arrested him.
RULE_VERSION = "2026.12.06.8"

# Art. 126(1): the Statute entered into force on 2002-07-01 for every state that
# deposited its instrument by 2002-04-11 (the 60th instrument's deposit).
STATUTE_IN_FORCE = datetime.date(2002, 7, 1)
FOUNDING_DEPOSIT_DEADLINE = datetime.date(2002, 4, 11)
# Art. 125(1): the Statute was open for signature until 31 December 2000.
SIGNATURE_CLOSED = datetime.date(2000, 12, 31)

# Verdict codes, in the order the table in DOMAIN.md applies them.
PENDING = "pending"
UPCOMING = "upcoming"
DETERRED = "deterred"
NO_WARRANT_IN_FORCE = "no_warrant_in_force"
WARRANT_NOT_PUBLIC = "warrant_not_public"
NO_CONTROL = "no_control"
COMPLIED = "complied"
NO_OBLIGATION = "no_obligation"
NON_COMPLIANCE = "non_compliance"
VERDICT_CODES = (
    PENDING,
    UPCOMING,
    DETERRED,
    NO_WARRANT_IN_FORCE,
    WARRANT_NOT_PUBLIC,
    NO_CONTROL,
    COMPLIED,
    NO_OBLIGATION,
    NON_COMPLIANCE,
)
# Outside the table: the visit left the record (rejected on review, or removed from a
# newer version of the dataset). Its verdict is withdrawn, not deleted.
WITHDRAWN = "withdrawn"
ALL_CODES = (*VERDICT_CODES, WITHDRAWN)
# The verdicts whose `basis` is the one the host would have had (empty if none).
WOULD_HAVE_BEEN_CODES = (UPCOMING, DETERRED, NO_CONTROL)

# Obligation bases, in the order they are reported when several apply.
STATE_PARTY = "state_party"
ART_127_2_RESIDUAL = "art_127_2_residual"
ART_12_3_DECLARATION = "art_12_3_declaration"
UNSC_REFERRAL = "unsc_referral"
BASES = (STATE_PARTY, ART_127_2_RESIDUAL, ART_12_3_DECLARATION, UNSC_REFERRAL)

# Visit statuses.
OCCURRED = "occurred"
CANCELLED = "cancelled"
VIRTUAL = "virtual"
TRANSIT = "transit"
ANNOUNCED = "announced"
STATUSES = (OCCURRED, CANCELLED, VIRTUAL, TRANSIT, ANNOUNCED)

# Whether the host controlled the place of the visit.
EFFECTIVE_CONTROL = "effective"
NO_HOST_CONTROL = "none"
HOST_CONTROLS = (EFFECTIVE_CONTROL, NO_HOST_CONTROL)

# Review states that take a visit off the record (its verdict is withdrawn).
REJECTED = "rejected"
WITHDRAWN_REVIEW = "withdrawn"

# Kinds of ICC finding.
ART_87_7 = "art_87_7"
OTHER_FINDING = "other"
# A decision on the visit that found no failure to comply (Nigeria, 5 September 2013): no
# Art. 87(7) finding, and a ruling against one. It decides no verdict; the rule tells it.
NO_FAILURE_FINDING = "no_failure"
FINDING_KINDS = (ART_87_7, OTHER_FINDING, NO_FAILURE_FINDING)

FAILED_OUTCOMES = ("not_arrested", "left_early", "released")
# The outcomes that brought the person into custody, whether or not the host was bound
# (verdict `complied`): arrested by the host, or gave himself up (to the host's
# authorities, a foreign embassy or the Court) and was transferred to the Court. Only the
# first is an arrest by the host: the reasons carry the outcome, and say which.
ARRESTED = "arrested"
SELF_SURRENDERED = "self_surrendered"
CUSTODY_OUTCOMES = (ARRESTED, SELF_SURRENDERED)
PRESENT_STATUSES = (OCCURRED, TRANSIT)
DETERRED_STATUSES = (CANCELLED, VIRTUAL)

IMPRECISE_REASON = "the date is too imprecise to decide"
# A visit whose end is not known, when a fact that decides the verdict changes on a day it
# may have lasted to and the verdict with it (pending_why "end_unknown", changed_on).
END_UNKNOWN_REASON = "the end date is not known and the verdict changes on a later day"
PENDING_OUTCOME_REASON = "the recorded outcome does not allow a verdict"


# --- Words shared with the ways out ----------------------------------------------


def gettext_noop(message: str) -> str:
    """Return `message` unchanged: marks it for the site's translation catalogue.

    The rule stays pure Python; `makemessages` extracts the calls by this name, and
    the site translates the text when it shows it (`gettext(referral_sentence(...))`).
    """
    return message


def partial_isoformat(day: datetime.date | None, precision: str = "day") -> str:
    """'2009-03-04', '2009-03' or '2009': as much of the date as is known ('' for none).

    The one data form of a partial date: downloads, the API's CSV, the exports, the
    site's dates and the visits' stable ids all write it this way.
    """
    if day is None:
        return ""
    if precision == "year":
        return f"{day.year:04d}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


# Art. 87(7): the Court may refer a finding of non-compliance to the Assembly of States
# Parties or, where the Security Council referred the situation, to the Security Council.
# The one wording of a referral: explanations, the site, the API's labels.
_REFERRAL_BODIES = {
    (True, True): "the Assembly of States Parties and the UN Security Council",
    (True, False): "the Assembly of States Parties",
    (False, True): "the UN Security Council",
    (False, False): "",
}
_REFERRAL_SENTENCES = {
    (True, True): gettext_noop(
        "Referred to the Assembly of States Parties and the UN Security Council."
    ),
    (True, False): gettext_noop("Referred to the Assembly of States Parties."),
    (False, True): gettext_noop("Referred to the UN Security Council."),
    (False, False): gettext_noop("Not referred."),
}


def referral_bodies(asp: bool, unsc: bool) -> str:
    """'the Assembly of States Parties and the UN Security Council', one of them, or ''."""
    return _REFERRAL_BODIES[bool(asp), bool(unsc)]


def referral_sentence(asp: bool, unsc: bool) -> str:
    """'Referred to the Assembly of States Parties.' and the like, or 'Not referred.' (English;
    the site passes it through gettext)."""
    return _REFERRAL_SENTENCES[bool(asp), bool(unsc)]


# --- Facts --------------------------------------------------------------------


class ImpossibleDate(ValueError):
    """A date written YYYY-MM-DD or YYYY-MM, in digits, that no calendar has: a month
    outside 01-12 (`month`), or a day outside its month (`day`: February 2026 has no 30th
    day). `year`, `month`, `day` as written (`day` None for YYYY-MM). Its text is English
    (the importer's); core.names.date_refusal says it in the reader's language."""

    def __init__(self, year: int, month: int, day: int | None = None):
        self.year, self.month, self.day = year, month, day
        super().__init__(self.english())

    @classmethod
    def of(cls, parts: list[str]) -> ImpossibleDate | None:
        """The ImpossibleDate that `parts` (a text split on "-") write, if they write one:
        None for a real date, or for a text not in the shape YYYY-MM(-DD) of digits."""
        shape = [4, 2, 2][: len(parts)]
        if len(parts) not in (2, 3) or [len(p) for p in parts] != shape:
            return None
        if not all(p.isascii() and p.isdigit() for p in parts):
            return None
        year, month, *day = (int(p) for p in parts)
        if not 1 <= month <= 12:
            return cls(year, month, day[0] if day else None)
        if day and not 1 <= day[0] <= calendar.monthrange(max(year, 1), month)[1]:
            return cls(year, month, day[0])
        return None

    def english(self) -> str:
        """The refusal in English: "February 2026 has no 30th day.", "There is no month
        13: months run from 01 to 12." """
        if not 1 <= self.month <= 12:
            return f"There is no month {self.month:02d}: months run from 01 to 12."
        return f"{calendar.month_name[self.month]} {self.year} has no {ordinal(self.day)} day."


def ordinal(number: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th', 30 -> '30th' (English)."""
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


@dataclass(frozen=True, slots=True)
class Period:
    """A date known to the day, the month or the year: the days `first..last`."""

    first: datetime.date
    last: datetime.date
    precision: str = "day"

    @classmethod
    def day(cls, day: datetime.date) -> Period:
        return cls(day, day, "day")

    @classmethod
    def parse(cls, text: str) -> Period:
        """'2024-09-02', '2009-03' or '2012'; raises ValueError with a readable message:
        ImpossibleDate for one written in such a shape that no calendar has ('2026-02-30',
        '2026-13'), a plain ValueError for anything else ('8 October')."""
        text = text.strip()
        parts = text.split("-")
        if impossible := ImpossibleDate.of(parts):
            raise impossible
        try:
            if len(parts) == 3 and len(parts[0]) == 4 and len(parts[1]) == 2 and len(parts[2]) == 2:
                return cls.day(datetime.date(int(parts[0]), int(parts[1]), int(parts[2])))
            if len(parts) == 2 and len(parts[0]) == 4 and len(parts[1]) == 2:
                year, month = int(parts[0]), int(parts[1])
                last = calendar.monthrange(year, month)[1]
                return cls(datetime.date(year, month, 1), datetime.date(year, month, last), "month")
            if len(parts) == 1 and len(parts[0]) == 4:
                year = int(parts[0])
                return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31), "year")
        except ValueError:
            pass
        raise ValueError(f"{text!r} is not a date (expected YYYY-MM-DD, YYYY-MM or YYYY)")

    @classmethod
    def from_stored(cls, first: datetime.date, precision: str) -> Period:
        """Rebuild a Period from its first day and precision (as stored in the database)."""
        if precision == "month":
            last = calendar.monthrange(first.year, first.month)[1]
            return cls(first, first.replace(day=last), "month")
        if precision == "year":
            return cls(first, datetime.date(first.year, 12, 31), "year")
        return cls.day(first)

    @property
    def exact(self) -> bool:
        return self.precision == "day"

    def isoformat(self) -> str:
        """'2009-03-04', '2009-03' or '2009': the data form (see `partial_isoformat`)."""
        return partial_isoformat(self.first, self.precision)

    def __str__(self) -> str:
        """'2009-03-04', 'March 2009' or '2012': the prose form, as the explanations write it."""
        if self.precision == "month":
            return self.first.strftime("%B %Y")
        if self.precision == "year":
            return str(self.first.year)
        return self.first.isoformat()


@dataclass(frozen=True, slots=True)
class DeclarationFacts:
    """An Art. 12(3) declaration: the state is bound from `lodged` for `situation` only.

    `covers_from`/`covers_to` are the period of alleged crimes it accepts jurisdiction
    for (None: not stated / open-ended). They do not change when the state is bound;
    they decide which declaration is cited (the latest `covers_from` lodged by the day).
    """

    lodged: datetime.date
    situation: str
    covers_from: Period | None = None
    covers_to: Period | None = None
    # False for a declaration the Court did not give effect (Palestine's of 22 January 2009:
    # the Prosecutor's statement of 3 April 2012): lodged, it binds the state to nothing.
    given_effect: bool = True


@dataclass(frozen=True, slots=True)
class ReferralFacts:
    """A Security Council resolution (Chapter VII) referring `situation` to the Court and
    deciding that this state shall cooperate fully: bound for that situation from
    `adopted` (S/RES/1593 of 2005-03-31 for Darfur, S/RES/1970 of 2011-02-26 for Libya)."""

    situation: str
    resolution: str
    adopted: datetime.date
    # The states it decides shall cooperate, as (ISO3, name) pairs: given with the referrals
    # of a visit's situation (VisitFacts.referrals), to say whom it binds and whom not.
    bound: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class StateFacts:
    """A state's Rome Statute timeline. A revoked withdrawal must be passed as no withdrawal."""

    iso3: str
    name: str
    deposited: datetime.date | None = None
    entry_into_force: datetime.date | None = None
    withdrawal_notified: datetime.date | None = None
    withdrawal_effective: datetime.date | None = None
    signed: datetime.date | None = None
    declarations: tuple[DeclarationFacts, ...] = ()
    referrals: tuple[ReferralFacts, ...] = ()
    # How it became bound where the data records it: "ratification", "accession",
    # "succession"; "" when not recorded (then read from the signature: `joined`).
    instrument: str = ""

    @property
    def binding_declarations(self) -> tuple[DeclarationFacts, ...]:
        """The Art. 12(3) declarations that can bind the state: those the Court gave effect
        (a declaration not given effect creates no obligation, whatever its dates)."""
        return tuple(d for d in self.declarations if d.given_effect)

    @property
    def ever_party(self) -> bool:
        """A state whose instrument was withdrawn before entry into force was never a party."""
        if self.entry_into_force is None:
            return False
        return (
            self.withdrawal_effective is None or self.entry_into_force < self.withdrawal_effective
        )

    @property
    def withdrew_before_entry_into_force(self) -> bool:
        """An instrument deposited and withdrawn before the Statute entered into force for
        the state (Malaysia, 2019; Art. 126(2)): it never became a party."""
        return self.entry_into_force is not None and not self.ever_party

    @property
    def joined(self) -> str:
        """How the state became bound by the Statute: 'ratified' (a signatory's instrument),
        'acceded' (any other's), 'succeeded' (a new state's succession), '' (no instrument
        deposited, and no succession).

        The recorded `instrument` decides where there is one: a succession (Montenegro,
        2006: bound from its independence, the notification received later) is neither a
        ratification nor an accession. Otherwise Art. 125: the Statute was open for
        signature until 31 December 2000; a state that signed by then ratifies (Art.
        125(2)), any other accedes (Art. 125(3)). A signature recorded after that date
        cannot be one (the importer warns about it) and makes no ratification. The dataset
        does not tell acceptance or approval from ratification."""
        if self.instrument == "succession":
            return "succeeded"
        if self.deposited is None:
            return ""
        if self.instrument in ("ratification", "accession"):
            return "ratified" if self.instrument == "ratification" else "acceded"
        signed = self.signed
        return "ratified" if signed is not None and signed <= SIGNATURE_CLOSED else "acceded"

    @property
    def party_since(self) -> datetime.date | None:
        """The day the Statute entered into force for the state (Art. 126), or None if it
        never did: no instrument, or one withdrawn before that day."""
        return self.entry_into_force if self.ever_party else None

    def party_on(self, day: datetime.date) -> bool:
        """entry_into_force <= day < withdrawal_effective (on the effective day it is no longer a party)."""
        if not self.ever_party or day < self.entry_into_force:
            return False
        return self.withdrawal_effective is None or day < self.withdrawal_effective


@dataclass(frozen=True, slots=True)
class WarrantFacts:
    """One warrant. `issued` None means unknown: in force from the day it was made public."""

    id: object
    issued: Period | None
    made_public: Period | None
    ended: datetime.date | None = None
    end_reason: str = ""
    case: str = ""


def warrant_start(w: WarrantFacts, late: bool) -> datetime.date | None:
    """The warrant's first day in force: its issue date, else the day it was made public
    (None when neither is known); `late` reads a partial date as its last possible day."""
    period = w.issued or w.made_public
    if period is None:
        return None
    return period.last if late else period.first


def in_force_on(w: WarrantFacts, day: datetime.date, late: bool = False) -> bool:
    """issued <= day <= ended: the last day (execution, withdrawal, death) still counts.

    An unknown issue date counts from the day the warrant was made public; `late` reads a
    partial date as its last possible day instead of its first.
    """
    start = warrant_start(w, late)
    if start is None or day < start:
        return False
    return w.ended is None or day <= w.ended


@dataclass(frozen=True, slots=True)
class FindingFacts:
    """An ICC decision about a state's failure to cooperate (Art. 87(7) when `kind` is
    'art_87_7'), possibly referred to the Assembly of States Parties and/or the UN
    Security Council. `decided` may be partial (known to the month or year); `chamber`
    e.g. 'Pre-Trial Chamber II'; `reference` the decision's ICC document number.

    `referred_to_asp` and `referred_to_unsc` are the bodies stored with the decision (the
    dataset's `referred_to`): where an Art. 87(7) finding was referred, and the bodies a
    decision of kind `other` only informed, which is no referral (`referred`).

    `reported_by` "state" where the decision is known only from the state concerned's own
    report, its text not read (findings.csv `reported_by`: Nigeria, 5 September 2013, per
    its Ministry of Foreign Affairs); "" where the Court's publication or independent
    reports were read. An explanation then attributes the decision's holding to that report."""

    decided: Period
    referred_to_asp: bool = False
    referred_to_unsc: bool = False
    kind: str = ART_87_7
    chamber: str = ""
    reference: str = ""
    reported_by: str = ""

    @property
    def is_finding(self) -> bool:
        """Whether the decision is an Art. 87(7) finding of non-compliance (kind
        'art_87_7'), the only decision that refers a failure or lifts a referral."""
        return self.kind == ART_87_7

    @property
    def found_no_failure(self) -> bool:
        """Whether the decision found that the state had not failed to comply (kind
        'no_failure': Nigeria, 5 September 2013, justifiable reasons, no referral): the
        Court's reading against which a `non_compliance` verdict is iccwatch's own."""
        return self.kind == NO_FAILURE_FINDING

    @property
    def referred(self) -> bool:
        """Whether the decision referred the failure to the Assembly of States Parties or
        the Security Council: an Art. 87(7) finding with a body stored (Rome Statute,
        Art. 87(7)). Never a decision of kind `other`, whose bodies it only informed
        (Kenya and Chad, 27 August 2010): visits.models.decision_bodies says the same."""
        return self.is_finding and (self.referred_to_asp or self.referred_to_unsc)


@dataclass(frozen=True, slots=True)
class SourceFacts:
    publisher: str
    url: str
    published: datetime.date | None = None


@dataclass(frozen=True, slots=True)
class VisitFacts:
    """A reported visit, with the person's name and situation and everything the rule reads."""

    ref: str
    person_name: str
    situation: str
    status: str
    outcome: str
    review_state: str = "verified"
    start: Period | None = None
    end: Period | None = None
    place: str = ""
    host_notified: bool = False
    host_justification: str = ""
    host_control: str = EFFECTIVE_CONTROL
    controlled_by: str = ""  # ISO3 of the state in control of the place, where known
    controlled_by_name: str = ""  # that state's name, as the reasons give every state's
    withdrawal_note: str = ""  # why a withdrawn visit left the record
    # False when the sources do not say when the visit ended: `end` is then not read, and
    # the visit is known to have covered its start (its possible days, for a partial one)
    # and no later day (docs/DOMAIN.md, "Dates").
    end_known: bool = True
    # The Security Council referrals of the person's situation, each with the states it
    # binds (ReferralFacts.bound): a host it does not bind is told so (docs/DOMAIN.md).
    referrals: tuple[ReferralFacts, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """The verdict on one visit.

    `code` is one of ALL_CODES; `basis` one of BASES or '' (for upcoming, deterred and
    no_control the basis the host would have had; for non_compliance and complied the
    basis it had; empty otherwise). `reasons` is the explanation as structured facts: a
    tuple of JSON-serialisable dicts, each {"key": ..., **params} (see
    compliance.explanation), rendered in the reader's language by the site.
    `would_have_been_bound` is set for upcoming, deterred and no_control (None when it
    depends on dates nobody knows). `decisive_day` is the day that decided the verdict.
    `reason` is the English staff-facing reason of a pending or withdrawn verdict.
    """

    code: str
    basis: str = ""
    reasons: tuple = ()
    warrant_ids: tuple = ()
    would_have_been_bound: bool | None = None
    decisive_day: datetime.date | None = None
    reason: str = field(default="", compare=False)


@dataclass
class Reading:
    """What one exact reading of the visit's dates gives: a verdict code and what decided it.

    Internal to the rule (compliance.verdict builds it, compliance.explanation reads it).
    """

    code: str
    basis: str = ""
    day: datetime.date | None = None
    warrants: tuple = ()
    in_force: tuple = ()
    # Bound to arrest on a usable (public or notified) warrant.
    bound: bool = False
    # Bound for a warrant in force, usable or not: when an imprecise date gives several
    # verdicts, this is what decides between `no_obligation` and `pending`.
    host_bound: bool = False
    # The declaration (DeclarationFacts) or resolution (ReferralFacts) cited for the basis.
    grounds: object = None


# How a Decision is told (compliance.explain): which of compliance.explanation.Reasons'
# builders makes its reasons.
TOLD_WITHDRAWN = "withdrawn"  # Reasons.withdrawn()
TOLD_PENDING = "pending"  # Reasons.pending(pending_why, changed_on)
TOLD_UNDATED = "undated"  # Reasons.undated(): a trip that did not happen, with no date
TOLD_READING = "reading"  # Reasons.explain(reading, uniform, several_readings)


@dataclass(frozen=True)
class Decision:
    """What the rule decides about one visit, before any reason is written.

    The fields a Verdict stores (`code`, `basis`, `warrant_ids`, `would_have_been_bound`,
    `decisive_day`, `reason`: see Verdict), and what its reasons are built from:
    `told` (one of the TOLD_* names above), the pending kind (`pending_why`, with
    `changed_on` for an imprecise date), or the `reading` explained with its `uniform`
    and `several_readings` flags. Where whether the host would have been bound depends on
    the day (`would_have_been_bound` None), what makes it depend: `public_from`, the day
    (possibly partial) a warrant in force, but sealed and not notified to the host on some
    possible days on which the host was bound, was made public (None when no seal
    decides it), and `bound_throughout`, whether the host was bound, on some basis, on
    every possible day on which a warrant was in force (so that the seal alone decides).
    Where a trip not made would have bound the host (`would_have_been_bound` True),
    `in_force_throughout`: whether a warrant was in force on every possible day (or reading
    of a warrant's partial date), False when on some none was (a trip dated only 2024 and
    a warrant of 21 November 2024, or any undated trip): the host was then bound on every
    possible day on which a warrant was in force, and not "whatever the day".
    compliance.decide builds it from the facts the verdict depends on; compliance.explain
    turns it into the reasons with the facts that only explain (findings, sources), so
    that the decision costs nothing it does not need.
    """

    code: str
    basis: str = ""
    warrant_ids: tuple = ()
    would_have_been_bound: bool | None = None
    decisive_day: datetime.date | None = None
    reason: str = field(default="", compare=False)
    told: str = TOLD_READING
    pending_why: str = ""
    changed_on: datetime.date | None = None
    reading: Reading | None = field(default=None, compare=False)
    uniform: bool = True
    several_readings: bool = True
    public_from: Period | None = None
    bound_throughout: bool = False
    in_force_throughout: bool = True
