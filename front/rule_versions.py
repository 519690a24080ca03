"""The versions of the rule, for readers: each version, its date and what it changed, in
plain words, newest first. /method/ lists them under "Versions of the rule"
(`ANCHOR`), and every mention of a rule version on the site links there.

Every verdict stores the RULE_VERSION that decided it (compliance/facts.py, whose
comments are the developers' record of each change); this is the public one. A new
RULE_VERSION needs an entry here: tests/site/test_rule_versions.py fails for a version
of tests/visits/test_rule_version.py's RULE_CODE that has none.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The section of /method/ that lists them.
ANCHOR = "rule-versions"


@dataclass(frozen=True)
class RuleVersion:
    """One version of the rule: its number (as verdicts store it), the day it took effect
    and what it changed (lazily translated: rendered in the reader's language)."""

    version: str
    date: datetime.date
    summary: Promise

    @property
    def anchor(self) -> str:
        """Its own entry's id on /method/: 'rule-2026.12.04.3'."""
        return f"rule-{self.version}"


VERSIONS: tuple[RuleVersion, ...] = tuple(
    RuleVersion(version, datetime.date.fromisoformat(day), summary)
    for version, day, summary in (
        (
            "2026.12.06.8",
            "2026-12-06",
            _(
                "A person who gave themselves up (to the host's authorities, to a foreign "
                "embassy or to the Court) and was transferred to the Court is recorded as such, "
                "no longer as arrested by the host: the verdict is still “complied”, but its "
                "explanation says that the person surrendered voluntarily and that iccwatch "
                "counts no arrest by the host (Bosco Ntaganda, who surrendered at the US "
                "Embassy in Kigali in March 2013: Rwanda arrested nobody). The verdict's label "
                "now reads “complied (taken into custody)”, true of an arrest and of a "
                "surrender alike."
            ),
        ),
        (
            "2026.12.06.7",
            "2026-12-06",
            _(
                "A decision of the Court known only from the state concerned's own report, its "
                "text not read (Nigeria, 5 September 2013, per its Ministry of Foreign Affairs), "
                "is attributed to that report: its explanation says “according to the state "
                "concerned alone” rather than stating the decision's holding as established. "
                "No verdict changes."
            ),
        ),
        (
            "2026.12.06.6",
            "2026-12-06",
            _(
                "Dates: a visit whose end the sources do not give may have lasted beyond its "
                "start, so it is also read on the later days on which a fact that decides its "
                "verdict changes (a warrant issued, made public or ended, the host joining or "
                "leaving the Statute). When they all give the start's verdict, that is the "
                "verdict, and its explanation says so; when one gives another and the host was "
                "bound on some of them, there is no verdict yet (pending), saying on which day "
                "the facts change: Benjamin Netanyahu in Berlin from 20 November 2024, the "
                "warrant issued on the 21st, is no longer said certainly to have met no "
                "warrant in force."
            ),
        ),
        (
            "2026.12.06.5",
            "2026-12-06",
            _(
                "A trip to a place the host did not control now names the state that "
                "controlled it in the data of its explanation, as every other state there is "
                "named; and an announced or called-off trip there says whether the host would "
                "have been bound in the conditional (“Had it controlled the place, Ukraine "
                "would have been bound to arrest”), never “will be bound” after saying it "
                "could not arrest there. No verdict changes."
            ),
        ),
        (
            "2026.12.06.4",
            "2026-12-06",
            _(
                "Dates: a visit whose end the sources do not give (they say when it began, not "
                "when it ended) is no longer told as a visit of one day. Its verdict still rests "
                "on its start, the one day it is known to have covered, so that an unknown end "
                "never makes a failure to arrest out of a guessed later day; its explanation now "
                "says “from 2 February 2025 (end date not known)” and that the verdict "
                "rests on the start. No verdict changes."
            ),
        ),
        (
            "2026.12.06.3",
            "2026-12-06",
            _(
                "An Art. 12(3) declaration that the Court did not give effect (Palestine's of "
                "22 January 2009) binds the state to nothing: it is no longer a basis of "
                "obligation, nor named in an explanation as a declaration the state lodged. A "
                "state that became a party by succession (Montenegro) is said to have joined by "
                "succession, no longer to have acceded. No verdict changes."
            ),
        ),
        (
            "2026.12.06.2",
            "2026-12-06",
            _(
                "Explanations: a trip announced, called off or attended by video to a place "
                "the host did not control (occupied territory) says so, and who controlled "
                "it where known: the host could not arrest there, so an announced trip there "
                "is no early warning for it. A decision of the Court that found no failure "
                "to comply (Nigeria, 5 September 2013) is told as such, and a failure to "
                "arrest on that visit is said to be iccwatch's own reading of the facts, "
                "against the Court's decision. No verdict changes."
            ),
        ),
        (
            "2026.12.06",
            "2026-12-06",
            _(
                "Structured reasons: a decision of the Court that only informed the Assembly "
                "of States Parties or the Security Council, and made no finding of "
                "non-compliance under Art. 87(7) (Kenya and Chad, 27 August 2010; Djibouti, "
                "12 May 2011), no longer gives those bodies as a referral: its reason says "
                "whom it informed, as the findings in the API do, and so do the reasons kept "
                "in each verdict's history. Explanations and verdicts do not change."
            ),
        ),
        (
            "2026.12.05.4",
            "2026-12-05",
            _(
                "Explanations: a trip called off, attended by video or announced that would "
                "have bound the host now names the warrant it would have been bound to "
                "execute, with its dates. Where some of the trip's possible days came before "
                "any warrant was in force (a trip dated only 2024 and a warrant of 21 November "
                "2024), it says that the host would have been bound on every possible day on "
                "which a warrant was in force and that none was in force on the others, no "
                "longer that the verdict is the same whatever the day. No verdict changes."
            ),
        ),
        (
            "2026.12.05.3",
            "2026-12-05",
            _(
                "Explanations: only a finding of non-compliance under Art. 87(7) refers a "
                "failure to arrest, or lifts an earlier referral. A decision that only "
                "informed the Assembly of States Parties or the Security Council, followed by "
                "a finding made without referral, is no longer said to leave no referral "
                "standing, as though one had been made; a referral followed by such a "
                "decision still stands. No verdict changes."
            ),
        ),
        (
            "2026.12.05.2",
            "2026-12-05",
            _(
                "Explanations: a warrant whose issue date (or, where that is unknown, the "
                "day it was made public) is known only to the month or year may not yet "
                "have been in force on the day of a visit; it is now said that it may have "
                "been in force that day, no longer that it was (a warrant made public some "
                "day in June 2020, and a surrender on 9 June 2020). No verdict changes."
            ),
        ),
        (
            "2026.12.05",
            "2026-12-05",
            _(
                "Explanations: where the answer depends on the day because a warrant was "
                "under seal on some possible days, the day it was made public is named as "
                "what varies; a warrant whose issue date is unknown no longer has another "
                "date written as its issue date; an announced trip's entry into force is "
                "written in words true whatever the tense; an undated trip's text says what "
                "the record says. The self-check no longer flags the expected verdict of a "
                "withdrawn visit."
            ),
        ),
        (
            "2026.12.04.3",
            "2026-12-04",
            _(
                "A visit with no date, or dated only to a month or a year, some possible day "
                "of which fell after its host's withdrawal from the Rome Statute took effect, "
                "is said to bind the host as a State Party until then and, after it, only for "
                "warrants issued before (Art. 127(2)), never “still bound at the time of the "
                "visit”. A trip not made whose answer depends on the day says that the host "
                "was bound on some possible days and not on others; an undated one says that "
                "the answer depends on the day, where it gave no reason."
            ),
        ),
        (
            "2026.12.04.2",
            "2026-12-04",
            _(
                "A trip called off or announced, dated only to a month or a year, to a host "
                "bound on none of its possible days, gives the reasons of a possible day on "
                "which a warrant was in force, no longer those of its first possible day, "
                "which may come before every warrant. An undated trip to a state that "
                "withdrew is no longer said to bind it “at the time of the planned visit”."
            ),
        ),
        (
            "2026.12.04",
            "2026-12-04",
            _(
                "A verdict cites every warrant that could be used on its decisive day, not "
                "only the first (al-Bashir after 12 July 2010: both warrants). A trip called "
                "off or announced without a full date would have bound the host when the host "
                "was bound on every possible day on which a warrant was in force, and is "
                "unknown only when that differs from day to day. A host that a Security "
                "Council referral does not bind is told so."
            ),
        ),
        (
            "2026.12.03.2",
            "2026-12-03",
            _(
                "A visit known to start some day in one period and to end some day in a "
                "later one covered every day between: it is read over each span it may have "
                "covered, not day by day. Its warrant is said to be in force “throughout” "
                "only if it was on every possible day. A non-compliance verdict on a visit on "
                "which the Court has made no finding says that it is iccwatch's reading of "
                "the facts."
            ),
        ),
        (
            "2026.12.03",
            "2026-12-03",
            _(
                "A trip called off or announced with no date is read on every day on which a "
                "fact changes (a withdrawn state stays bound only for warrants issued before "
                "its withdrawal took effect); when no day binds the host, its reason is the "
                "one a trip on the day of the reading gets."
            ),
        ),
        (
            "2026.12.02.3",
            "2026-12-02",
            _(
                "An instrument withdrawn before the Statute entered into force for its state "
                "is named only for visits on or after its deposit. A trip with no date, "
                "called off or announced, to a host bound on no day on which a warrant was "
                "usable would not have bound it. A sealed warrant's reason says when the "
                "person was arrested."
            ),
        ),
        (
            "2026.12.02.2",
            "2026-12-02",
            _(
                "A declaration accepting the Court's jurisdiction for another situation is "
                "named only once it was lodged."
            ),
        ),
        (
            "2026.12.02",
            "2026-12-02",
            _(
                "A signature recorded after 31 December 2000, when the Statute closed for "
                "signature (Art. 125(1)), makes no ratification: the state is said to have "
                "acceded."
            ),
        ),
        (
            "2026.12.01",
            "2026-12-01",
            _(
                "A State Party's reason names a pending withdrawal only for visits after the "
                "notice of withdrawal."
            ),
        ),
        (
            "2026.11.30",
            "2026-11-30",
            _(
                "The second edition of the rule: Security Council referrals as a basis of the "
                "duty to arrest, declarations cited for the period they cover, the verdicts "
                "for an announced trip, a place the host did not control and a visit "
                "withdrawn from the record, and reasons recorded as facts, written in the "
                "reader's language."
            ),
        ),
        (
            "2026.11.2",
            "2026-11-26",
            _(
                "The first rule: a host was bound to arrest as a State Party, as a state "
                "that withdrew for warrants issued before its withdrawal took effect "
                "(Art. 127(2)), or by a declaration accepting the Court's jurisdiction "
                "(Art. 12(3)), on the days of the visit, if a warrant was in force and public."
            ),
        ),
    )
)

_BY_VERSION = {entry.version: entry for entry in VERSIONS}


def entry(version: str) -> RuleVersion | None:
    """The entry of `version`, or None for a version not listed."""
    return _BY_VERSION.get(version)


def url(version: str | None = None) -> str:
    """The address of `version`'s entry on /method/ ('/method/#rule-2026.12.04.3'), or of
    the list of versions for a version not listed or none (the active language's prefix
    included)."""
    listed = entry(version) if version else None
    return f"{reverse('method')}#{listed.anchor if listed else ANCHOR}"
