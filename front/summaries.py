"""Short sentences for the public pages, in the reader's language, generated from the data.

The verdict's full explanation is written by the rule engine (compliance) and
shown as it is; these are the one-liners and summaries around it. Dates are ISO
(2024-09-02), or as much of one as the sources give (2009-03, 2012).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from compliance import StateFacts, partial_isoformat
from states import status as treaty_status


def verdict_of(visit):
    """The visit's current verdict, or None before its first evaluation."""
    try:
        return visit.verdict
    except ObjectDoesNotExist:
        return None


def verdict_code(visit) -> str:
    verdict = verdict_of(visit)
    return verdict.code if verdict else ""


def span(start, start_precision, end, end_precision) -> str:
    """A visit's dates: '2024-09-02 – 2024-09-03', '2009-03', or 'undated'."""
    if start is None:
        return _("undated")
    first = partial_isoformat(start, start_precision)
    last = partial_isoformat(end, end_precision)
    if not last or last == first:
        return first
    return f"{first} – {last}"


def visit_span(visit) -> str:
    return span(visit.start, visit.start_precision, visit.end, visit.end_precision)


def incident_line(visit) -> str:
    """One line a journalist can scan: who, where, when, the obligation, what happened."""
    verdict = visit.verdict
    where = _(" in %(place)s") % {"place": visit.place} if visit.place else ""
    return _(
        "%(host)s (bound as %(basis)s) hosted %(person)s%(where)s, %(dates)s: %(outcome)s."
    ) % {
        "host": visit.host.name,
        "basis": verdict.get_basis_display(),
        "person": visit.person.name,
        "where": where,
        "dates": visit_span(visit),
        "outcome": visit.get_outcome_display(),
    }


def standing_sentence(name: str, facts: StateFacts | None, today: datetime.date) -> str:
    """'Mongolia has been a State Party since 2002-07-01.' and the like."""
    standing = treaty_status.status_on(facts, today)
    if standing == treaty_status.PARTY:
        return _("%(state)s has been a State Party since %(date)s.") % {
            "state": name,
            "date": facts.entry_into_force.isoformat(),
        }
    if standing == treaty_status.WITHDRAWING:
        return _(
            "%(state)s has been a State Party since %(since)s. It notified its withdrawal on %(notified)s; "
            "until it takes effect on %(effective)s it remains fully bound."
        ) % {
            "state": name,
            "since": facts.entry_into_force.isoformat(),
            "notified": facts.withdrawal_notified.isoformat(),
            "effective": facts.withdrawal_effective.isoformat(),
        }
    if standing == treaty_status.WITHDRAWN:
        return _(
            "%(state)s was a State Party from %(since)s until its withdrawal took effect on %(effective)s; "
            "it stays bound for warrants issued before then (Art. 127(2))."
        ) % {
            "state": name,
            "since": facts.entry_into_force.isoformat(),
            "effective": facts.withdrawal_effective.isoformat(),
        }
    if facts and facts.entry_into_force and facts.entry_into_force > today and facts.ever_party:
        return _("%(state)s will become a State Party on %(date)s.") % {
            "state": name,
            "date": facts.entry_into_force.isoformat(),
        }
    return _("%(state)s is not a party to the Rome Statute.") % {"state": name}


def state_summary(
    name: str,
    facts: StateFacts | None,
    today: datetime.date,
    *,
    visits: int,
    incidents: int,
    called_off: int,
    findings: list[datetime.date],
    declarations: list[tuple],
) -> str:
    """The country page's summary paragraph, generated from its counts."""
    sentences = [standing_sentence(name, facts, today)]
    for lodged, situation in declarations:
        sentences.append(
            _(
                "On %(date)s it accepted the Court's jurisdiction over the situation in %(situation)s "
                "by an Art. 12(3) declaration."
            )
            % {"date": lodged.isoformat(), "situation": situation}
        )
    if visits:
        sentences.append(
            ngettext(
                "It has hosted %(count)d recorded visit by a person wanted by the ICC.",
                "It has hosted %(count)d recorded visits by people wanted by the ICC.",
                visits,
            )
            % {"count": visits}
        )
    else:
        sentences.append(_("No visit by a person wanted by the ICC is recorded here."))
    if incidents:
        sentences.append(
            ngettext(
                "%(count)d of them was a failure to arrest and surrender (non-compliance).",
                "%(count)d of them were failures to arrest and surrender (non-compliance).",
                incidents,
            )
            % {"count": incidents}
        )
    elif visits:
        sentences.append(_("None of them was a failure to arrest."))
    if called_off:
        sentences.append(
            ngettext(
                "%(count)d planned trip was called off or attended by video.",
                "%(count)d planned trips were called off or attended by video.",
                called_off,
            )
            % {"count": called_off}
        )
    if findings:
        sentences.append(
            ngettext(
                "An ICC Pre-Trial Chamber found it in non-compliance on %(dates)s.",
                "ICC Pre-Trial Chambers found it in non-compliance %(count)d times (%(dates)s).",
                len(findings),
            )
            % {"count": len(findings), "dates": ", ".join(d.isoformat() for d in findings)}
        )
    return " ".join(sentences)
