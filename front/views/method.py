"""/method/: how iccwatch decides a verdict, in plain language, each legal statement with
its article of the Rome Statute (docs/DOMAIN.md is the specification; compliance/ the rule).

The tables of verdicts, obligation bases, visit statuses and outcomes are built from the
code's own choices and labels (visits.models), in the order the rule applies them
(compliance.ALL_CODES, compliance.BASES); only their one-line meanings are written here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import compliance
from compliance import RULE_VERSION
from core.pagecache import cache_page_by_version
from front import citations, rule_versions
from front.pages import render_page
from visits.models import Basis, VerdictCode, VisitOutcome, VisitStatus, verdict_label

# What each verdict means, one line each (the labels are the code's: VerdictCode).
VERDICT_MEANINGS = {
    compliance.PENDING: gettext_lazy(
        "No verdict yet: the outcome of the visit is not known, "
        "the visit has no date, its date is too imprecise to decide, or the recorded outcome "
        "allows no verdict."
    ),
    compliance.UPCOMING: gettext_lazy(
        "An announced trip that has not happened yet: an early warning, not an incident. The "
        "page says whether the host will be bound to arrest on those days, and on what basis."
    ),
    compliance.DETERRED: gettext_lazy(
        "The trip was called off, or attended by video instead. The record shows that the "
        "person did not travel, not why. Where the host would have been bound to arrest, the "
        "label says so, with the basis it would have had."
    ),
    compliance.NO_WARRANT_IN_FORCE: gettext_lazy(
        "No warrant against the person was in force on any day of the visit: not yet issued, "
        "or already ended."
    ),
    compliance.WARRANT_NOT_PUBLIC: gettext_lazy(
        "A warrant was in force, but under seal, and the host is not known to have been "
        "notified of it: iccwatch counts no failure to arrest, as it cannot show that the host "
        "knew of the warrant."
    ),
    compliance.NO_CONTROL: gettext_lazy(
        "The host did not control the place (occupied by another state, or outside its "
        "authority) and could not arrest there. The page gives the basis it would have had."
    ),
    compliance.COMPLIED: gettext_lazy(
        "The person was taken into custody during the visit, whether or not the host was "
        "bound to arrest: the host arrested them, or they surrendered voluntarily and were "
        "transferred to the Court, which iccwatch does not count as an arrest by the host."
    ),
    compliance.NO_OBLIGATION: gettext_lazy(
        "The host was not bound to arrest on any day of the visit on which a warrant was in "
        "force and public (or notified to it)."
    ),
    compliance.NON_COMPLIANCE: gettext_lazy(
        "An incident: the host was bound to arrest, a warrant was in force and public (or "
        "notified to it), the person was on its territory (a visit or a transit stop) and was "
        "not arrested, left early, or was arrested and then released instead of being "
        "surrendered to the Court."
    ),
    compliance.WITHDRAWN: gettext_lazy(
        "The visit left the record after it was published: rejected on review, or removed "
        "from a newer version of the dataset. Its page stays and says when and why; it is no "
        "longer an incident."
    ),
}

# Where the duty to arrest comes from, one line each (the labels are the code's: Basis).
BASIS_MEANINGS = {
    compliance.STATE_PARTY: gettext_lazy(
        "The Statute was in force for the host (Art. 126) and its withdrawal, if any, had not "
        "yet taken effect (Art. 127(1)): a State Party must comply with the Court's requests "
        "for arrest and surrender (Arts. 86, 89(1))."
    ),
    compliance.ART_127_2_RESIDUAL: gettext_lazy(
        "The host's withdrawal had taken effect, but the warrant was issued before that day: "
        "a withdrawal does not discharge the obligations that arose while the state was a "
        "party (Art. 127(2))."
    ),
    compliance.ART_12_3_DECLARATION: gettext_lazy(
        "The host, not a party, had lodged a declaration accepting the Court's jurisdiction "
        "for the person's situation: it must cooperate under Part 9 of the Statute, from the "
        "day it lodged it, for that situation only (Art. 12(3))."
    ),
    compliance.UNSC_REFERRAL: gettext_lazy(
        "A resolution of the UN Security Council referring the situation to the Court (Art. "
        "13(b)) decides that the host shall cooperate fully: the host is bound for that "
        "situation from the day the resolution was adopted, whatever its treaty status."
    ),
}

# A visit's statuses, in the order the page explains them (the labels are VisitStatus's).
STATUS_MEANINGS = {
    VisitStatus.OCCURRED: gettext_lazy("the person was on the host's territory."),
    VisitStatus.TRANSIT: gettext_lazy(
        "the person stopped on the host's territory on the way elsewhere (an overflight "
        "without landing is not a visit)."
    ),
    VisitStatus.ANNOUNCED: gettext_lazy(
        "the trip is publicly planned for future dates and has not been taken yet."
    ),
    VisitStatus.CANCELLED: gettext_lazy(
        "the trip was called off or postponed: the person did not travel. A visit cut short took "
        "place, and is recorded as such."
    ),
    VisitStatus.VIRTUAL: gettext_lazy("the person took part by video instead of travelling."),
}

# A visit's outcomes (the labels are VisitOutcome's).
OUTCOME_MEANINGS = {
    VisitOutcome.NOT_ARRESTED: gettext_lazy("the person was on the territory and not arrested."),
    VisitOutcome.LEFT_EARLY: gettext_lazy(
        "the person left before the planned end of the visit without being arrested (al-Bashir "
        "in South Africa in 2015, while a court there was deciding on his arrest)."
    ),
    VisitOutcome.ARRESTED: gettext_lazy(
        "the host arrested the person, who was surrendered to the Court or whose surrender "
        "is pending."
    ),
    VisitOutcome.RELEASED: gettext_lazy(
        "the host arrested the person, then let them go or handed them elsewhere instead of "
        "surrendering them to the Court."
    ),
    VisitOutcome.SELF_SURRENDERED: gettext_lazy(
        "the person gave themselves up, to the host's authorities, to a foreign embassy or to "
        "the Court, and was transferred to the Court: no arrest by the host (Bosco Ntaganda at "
        "the US Embassy in Kigali in 2013)."
    ),
    VisitOutcome.UNKNOWN: gettext_lazy(
        "the sources do not say what happened: the verdict is pending."
    ),
    VisitOutcome.NOT_APPLICABLE: gettext_lazy("the trip did not take place."),
}


@dataclass(frozen=True)
class Term:
    """One row of a table of codes: the code, its label in the reader's language (the
    code's own), another label it may take ("" for none) and what it means."""

    code: str
    label: str
    meaning: str
    other_label: str = ""


def _ordered(values, order) -> list[str]:
    """`values` in the order of `order`; any value `order` does not know comes last, so that
    a code added to the model but not to the rule's order is still shown."""
    position = {value: index for index, value in enumerate(order)}
    return sorted(values, key=lambda value: position.get(value, len(position)))


def verdict_terms() -> list[Term]:
    """Every verdict code (VerdictCode), in the order of DOMAIN.md's verdict table (the
    withdrawn verdict, outside the table, last), with its label and what it means. A code
    with two labels (`deterred`: "did not travel", and "did not travel (host would have been
    bound)" where the host would have been) gives both."""
    terms = []
    for code in _ordered(VerdictCode.values, compliance.ALL_CODES):
        label, bound = verdict_label(code), verdict_label(code, True)
        terms.append(
            Term(
                code=code,
                label=label,
                meaning=str(VERDICT_MEANINGS.get(code, "")),
                other_label=bound if bound != label else "",
            )
        )
    return terms


def basis_terms() -> list[Term]:
    """Every obligation basis (Basis), in the order the rule reports them when several
    apply (compliance.BASES), with its label and what it means."""
    return [
        Term(code=code, label=str(Basis(code).label), meaning=str(BASIS_MEANINGS.get(code, "")))
        for code in _ordered(Basis.values, compliance.BASES)
    ]


def _choice_terms(choices, meanings: dict) -> list[Term]:
    """`choices` (a TextChoices) as Terms, in the order of `meanings` first."""
    return [
        Term(code=code, label=str(choices(code).label), meaning=str(meanings.get(code, "")))
        for code in _ordered(choices.values, list(meanings))
    ]


@cache_page_by_version
def method_page(request):
    """/method/: how a verdict is decided, and the versions of the rule. One query: the
    data's version and when it last changed (dataset.state), for the page's
    citation (front.citations.cite)."""
    title = _("How verdicts are decided")
    citation = citations.cite(request, title, verdicts_as_of=None)
    context = {
        "title": title,
        "page_title": title,
        "page_description": _(
            "How iccwatch decides whether a state that hosted a person wanted by the ICC was "
            "bound to arrest them, and failed to: the rule, the articles of the Rome Statute, "
            "every verdict, the sources and the versions."
        ),
        "verdicts": verdict_terms(),
        "bases": basis_terms(),
        "statuses": _choice_terms(VisitStatus, STATUS_MEANINGS),
        "outcomes": _choice_terms(VisitOutcome, OUTCOME_MEANINGS),
        "rule_version": RULE_VERSION,
        "rule_versions": rule_versions.VERSIONS,
        "dataset_version": citation.dataset_version,
        "licence": settings.DATA_LICENCE,
        "citation": citation,
        # Each verdict's label by its code, for the sentences that name one ("pending").
        **{code: verdict_label(code) for code in VerdictCode.values},
    }
    return render_page(request, "method.html", context)
