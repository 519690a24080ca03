"""The explanation of a verdict, rendered from its reasons in the reader's language.

The rule (compliance.explanation) returns the reasons of a verdict as structured facts;
`render` turns them into the explanation paragraph in English or French. Every template
goes through the project's catalogue with named placeholders, so that a translation
may reorder them. French avoids constructions that need a country's gender ("Mongolie :
État partie…", "l'État hôte (Mongolie)…") and a person's ("aucune arrestation").
Dates are written in words (core.names.format_date); data keeps ISO dates.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils import timezone, translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from compliance import ARRESTED, SELF_SURRENDERED, Period
from core.locale import language_to_mark
from core.names import (
    country_name,
    elide,
    format_date,
    in_sentence,
    nested_span,
    possessive,
    situation_name,
    span_end,
    with_note,
)

# Situation names the Court writes with "the" in English: "the situation in the State of Palestine".
_ENGLISH_ARTICLE = (
    "State of ",
    "Democratic Republic",
    "Central African Republic",
    "Republic of ",
    "Bolivarian Republic",
    "Philippines",
)


def _english() -> bool:
    return (translation.get_language() or "en").split("-")[0] == "en"


# --- Names and dates ------------------------------------------------------------------


def _state(ref: dict | str | None, *, article: bool = True) -> str:
    """A state reference ({"iso3", "name"}, or a bare ISO3 code) as a name in the active
    language, with the article English gives it inside a sentence ("the Philippines")
    unless `article` is False ("Manila, Philippines")."""
    if not ref:
        return ""
    if isinstance(ref, str):
        name = country_name(ref)
    else:
        name = country_name(ref.get("iso3", ""), ref.get("name", ""))
    return in_sentence(name) if article else name


def situation_words(name: str) -> str:
    """'situation in Ukraine' / 'situation « Ukraine »': a situation's name as a phrase in
    the active language ("the situation in the State of Palestine" reads with its article;
    compliance.situation_phrase is the rule's English one)."""
    local = situation_name(name)
    if _english() and local.startswith(_ENGLISH_ARTICLE):
        local = f"the {local}"
    return pgettext("situation phrase", "situation in %(situation)s") % {"situation": local}


# A warrant issued in a situation before any case was opened is filed under the situation
# itself: "Situation in Ukraine", "Situation in Libya (Osama Elmasry Njeem)".
SITUATION_CASE = re.compile(r"Situation in (?:the )?(?P<situation>[^(]+?)(?P<rest> \(.*\))?")


def case_name(name: str) -> str:
    """A case's name in the active language, as plain text, as the pages show it: a case
    named after its situation ("Situation in Ukraine") names that situation in the active
    language, as a page's "Situation" does (`situation_words`: « Situation « Ukraine » »),
    its parenthesis kept ("Situation in Libya (Osama Elmasry Njeem)"); any other case, and
    every case in English, is named as the dataset records it (the Court's English name).
    "" for no name. The template tag `case_name` marks the English ones as such."""
    name = name or ""
    match = SITUATION_CASE.fullmatch(name)
    if match is None or _english():
        return name
    return capfirst(situation_words(match["situation"])) + (match["rest"] or "")


def _exact(iso: str) -> bool:
    return len(iso) == 10


def _on(iso: str) -> str:
    """'on 2 September 2024', 'in March 2009', 'in 2009' (French: 'le …', 'en …')."""
    if _exact(iso):
        return pgettext("on a day", "on %(date)s") % {"date": format_date(iso)}
    return pgettext("in a month or year", "in %(date)s") % {"date": format_date(iso)}


def _since(iso: str) -> str:
    """'since 17 March 2023' / 'depuis le 17 mars 2023', 'depuis mars 2009'."""
    if _exact(iso):
        return pgettext("since a day", "since %(date)s") % {"date": format_date(iso)}
    return pgettext("since a month or year", "since %(date)s") % {"date": format_date(iso)}


def _day_of_month(iso: str) -> str:
    day = int(iso[8:10])
    if day == 1:
        return pgettext("the first day of a month, in a date span", "1")
    return str(day)


def _nested(start: str, end: str) -> tuple[Period, str] | None:
    """core.names.nested_span of two ISO dates, possibly partial."""
    return nested_span(Period.parse(start), Period.parse(end)) if start and end else None


def _period(start: str, end: str) -> str:
    """The bare dates of a visit: '2 September 2024', 'March 2009', '2024 – 2025'; an end
    inside the start's month or year, or a start inside the end's, '2025, from October'
    (core.names.nested_span; the sentences put these dates inside brackets)."""
    if not end or end == start:
        return format_date(start)
    nested = _nested(start, end)
    if nested:
        return with_note(format_date(nested[0]), nested[1], bracketed=True)
    return pgettext("bare date span", "%(start)s – %(end)s") % {
        "start": format_date(start),
        "end": format_date(end),
    }


def _when(start: str, end: str) -> str:
    """'on 2–3 September 2024' / 'du 2 au 3 septembre 2024', 'in 2024', 'from October 2025
    to March 2026' / 'entre octobre 2025 et mars 2026', 'in 2025 (from October)' / 'en
    2025 (à partir d’octobre)', 'on an unknown date'."""
    if not start:
        return _("on an unknown date")
    if not end or end == start:
        return _on(start)
    nested = _nested(start, end)
    if nested:
        return with_note(_on(nested[0].isoformat()), nested[1])
    if _exact(start) and _exact(end):
        if start[:7] == end[:7]:
            return pgettext("days of one month", "on %(first_day)s–%(last)s") % {
                "first_day": _day_of_month(start),
                "last": format_date(end),
            }
        return pgettext("from one day to another", "from %(start)s to %(end)s") % {
            "start": format_date(start),
            "end": format_date(end),
        }
    # One end may be a day: "entre avril 2025 et le 6 mai 2025" in French (span_end).
    return pgettext("from one month or year to another", "from %(start)s to %(end)s") % {
        "start": span_end(start),
        "end": span_end(end),
    }


def _planned_for(start: str, end: str) -> str:
    """The dates a trip was planned for: 'for 31 March 2019', 'for June 2011', 'for 2–3
    September 2024', 'from 30 September to 2 October 2024' (French: 'le 31 mars 2019', 'en
    juin 2011', 'du 2 au 3 septembre 2024'); `start` is not empty."""
    if not end or end == start:
        return _planned_for_one(start)
    nested = _nested(start, end)
    if nested:
        return with_note(_planned_for_one(nested[0].isoformat()), nested[1])
    if _exact(start) and _exact(end) and start[:7] == end[:7]:
        return pgettext("planned for days of one month", "for %(first_day)s–%(last)s") % {
            "first_day": _day_of_month(start),
            "last": format_date(end),
        }
    return _when(start, end)


def _planned_for_one(iso: str) -> str:
    """'for 31 March 2019', 'for June 2011' (French 'le 31 mars 2019', 'en juin 2011')."""
    if _exact(iso):
        return pgettext("planned for a day", "for %(date)s") % {"date": format_date(iso)}
    return pgettext("planned for a month or year", "for %(date)s") % {"date": format_date(iso)}


def _and(items: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C' (French: 'A et B')."""
    items = [i for i in items if i]
    if len(items) < 2:
        return "".join(items)
    return pgettext("list", "%(items)s and %(last)s") % {
        "items": ", ".join(items[:-1]),
        "last": items[-1],
    }


def _where(r: dict) -> str:
    """'Ulaanbaatar, Mongolia' / 'Ulaanbaatar, Mongolie', or the state alone."""
    places = _and(r.get("places") or [])
    if not places:
        return _state(r.get("state"))
    state = _state(r.get("state"), article=False)
    return pgettext("place in a state", "%(places)s, %(state)s") % {
        "places": places,
        "state": state,
    }


def _visit(r: dict) -> dict:
    start = r.get("start", "")
    if start and r.get("end_known", True) is False:
        when = _from_unknown_end(start)
    else:
        when = _when(start, r.get("end", ""))
    return {
        "person": r.get("person", ""),
        "state": _state(r.get("state")),
        "where": _where(r),
        "when": when,
    }


def trip_dates_passed(reasons: Sequence[dict], today: datetime.date | None = None) -> bool:
    """Whether `reasons` (a verdict's) are about an announced trip (a `trip` reason with
    `status` announced) whose last possible day (its `end`, else its `start`, partial ISO
    dates read to the end of their month or year) is before `today` (default: the local
    date), as visits.models.announced_dates_passed reads the visit: never for a trip whose
    end is not known (`end_known` False: it may be going on) nor an undated one."""
    trip = next((r for r in reasons if isinstance(r, dict) and r.get("key") == "trip"), None)
    if not trip or trip.get("status") != "announced" or not trip.get("start"):
        return False
    if trip.get("end_known", True) is False:
        return False
    try:
        last = Period.parse(trip.get("end") or trip["start"]).last
    except (TypeError, ValueError):
        return False
    return last < (today or timezone.localdate())


def _from_unknown_end(start: str) -> str:
    """The dates of a visit whose end is not known: 'from 2 February 2025 (end date not
    known)' / 'à partir du 2 février 2025 (date de fin inconnue)', never 'on 2 February'."""
    return pgettext("a visit whose end is not known", "%(from)s (end date not known)") % {
        "from": _from(start)
    }


def _end_unknown(r: dict, ctx: Context) -> str:
    """A dated visit whose end is not known, with a verdict: the one its start gives, every
    later day it may have lasted to giving the same (compliance.verdict.decide; where a
    later day gives another, the verdict is `pending`, `end_unknown`)."""
    return _(
        "The end date of the visit is not known: the verdict is the one its start "
        "(%(start)s) gives, and every later day it may have lasted to gives the same."
    ) % {"start": format_date(r.get("start", ""))}


_CHAMBERS = (
    (
        re.compile(r"^(?:Pre-Trial Chamber|PTC) ([IVX]+)$"),
        lambda n: _("Pre-Trial Chamber %(number)s") % {"number": n},
    ),
    (
        re.compile(r"^(?:Trial Chamber|TC) ([IVX]+)$"),
        lambda n: _("Trial Chamber %(number)s") % {"number": n},
    ),
    (re.compile(r"^(?:Appeals Chamber|AC)$"), lambda n: _("Appeals Chamber")),
)


def chamber_name(name: str) -> str:
    """A Chamber as recorded ("PTC II", "Pre-Trial Chamber II", "Appeals Chamber") in full, in
    the reader's language ("Chambre préliminaire II"); as recorded when not recognised."""
    for pattern, translate in _CHAMBERS:
        match = pattern.match(name.strip())
        if match:
            return translate(match.group(1) if match.groups() else "")
    return name


@dataclass
class Context:
    """What a sentence may need to know of the other reasons of the same verdict.

    `basis`: the key of the obligation's reason ("bound_state_party", "bound_referral",
    ...), '' when the host was not bound; `future`: the verdict is about an announced
    trip (the host *will* be bound); `findings`: the `finding` reasons already told, in
    order (a later decision reads against the earlier: an appeal upholds, a deferred
    referral is made); `to_tell`: every `finding` reason of the verdict, in order (an earlier
    decision reads against the later: a finding whose referral the same Chamber made later
    did not refer it *then*); `reversed_on`: the date of a decision already said to have
    reversed a referral (its `no_standing_referral` would repeat it); `called_off`: the
    verdict is about a trip called off or attended by video (no visit took place);
    `reasons`: all the verdict's reasons, in order; `told`: those already told in the
    sentence of another (the obligation that `would_be_bound` goes on with); `host_named`:
    an earlier sentence had the host as its subject (HOST_SUBJECT_KEYS), so a later one
    refers to it without naming it anew with a colon (French: « L’État hôte (Malaisie)
    n’est pas non plus lié … », not « Malaisie : État que ne lie pas … » a second time);
    `withdrawn`: the verdict is about a visit withdrawn from the record or rejected on
    review (a `withdrawn` reason), whose `sources` are those cited for the visit, not for
    its withdrawal (`_sources` says so); `passed`: the verdict is about an announced trip
    whose dates have all passed on the day it is read (`trip_dates_passed`): it is told in
    the past and the conditional ("was announced for …; whether it took place is not
    recorded", "would have been bound"), `future` being False; `no_visit`: the `finding`
    reasons are those of a decision about no visit (a state's failure to comply on its own
    territory, listed on its page: `finding_sentences`), never those of a verdict, so no
    sentence speaks of "the visit".
    """

    basis: str = ""
    future: bool = False
    called_off: bool = False
    findings: list[dict] = field(default_factory=list)
    to_tell: Sequence[dict] = ()
    reversed_on: str = ""
    reasons: Sequence[dict] = ()
    told: list[dict] = field(default_factory=list)
    host_named: bool = False
    withdrawn: bool = False
    passed: bool = False
    no_visit: bool = False

    @classmethod
    def of(cls, reasons: Sequence[dict], today: datetime.date | None = None) -> Context:
        """The context of `reasons` read on `today` (default: the local date): an announced
        trip whose dates have all passed by then (`passed`, `trip_dates_passed`) is no
        longer told in the future tense (`future` False)."""
        keys = [r.get("key", "") for r in reasons]
        basis = next((k for k in keys if k.startswith("bound_")), "")
        future = any(
            (r.get("key") == "trip" and r.get("status") == "announced")
            or (
                r.get("key") in ("would_be_bound", "would_not_be_bound")
                and r.get("code") == "upcoming"
            )
            for r in reasons
        )
        called_off = any(
            (r.get("key") == "trip" and r.get("status") in ("cancelled", "virtual"))
            or (
                r.get("key") in ("would_be_bound", "would_not_be_bound")
                and r.get("code") == "deterred"
            )
            for r in reasons
        )
        to_tell = tuple(r for r in reasons if r.get("key") == "finding")
        passed = trip_dates_passed(reasons, today)
        return cls(
            basis=basis,
            future=future and not passed,
            passed=passed,
            called_off=called_off,
            to_tell=to_tell,
            reasons=tuple(reasons),
            withdrawn="withdrawn" in keys,
        )

    def following(self, reason: dict) -> dict | None:
        """The reason told after `reason` among the verdict's, or None."""
        place = next((i for i, r in enumerate(self.reasons) if r is reason), None)
        if place is None or place + 1 >= len(self.reasons):
            return None
        return self.reasons[place + 1]

    def already_told(self, reason: dict) -> bool:
        """Whether `reason` was told in the sentence of another."""
        return any(r is reason for r in self.told)


# --- One sentence per reason ------------------------------------------------------------


# The reasons whose sentence has the host as its subject and names it: French introduces
# it there (« Malaisie : État non partie … », « l’État hôte (Hongrie) aurait été tenu … »),
# and a later sentence of the same explanation refers to it (`_about_host`).
HOST_SUBJECT_KEYS = frozenset(
    {
        "bound_state_party",
        "bound_residual",
        "bound_declaration",
        "bound_referral",
        "never_party",
        "referral_not_binding",
        "not_party",
        "not_yet_party",
        "no_longer_party",
        "not_bound",
        "would_be_bound",
        "would_not_be_bound",
    }
)


def _about_host(ctx: Context, first: str, again: str) -> str:
    """The template of a sentence about the host: `first`, which names it (French
    « Malaisie : État … »), or `again` when an earlier sentence of the explanation already
    did (`ctx.host_named`: French « l’État hôte (Malaisie) … », never « Malaisie : » a
    second time). Both take the same placeholders; English words them alike, as English
    may name the host again."""
    return again if ctx.host_named else first


def _joined(r: dict) -> str:
    deposited = r.get("deposited", "")
    if r.get("joined") == "ratified" and deposited:
        return _("State Party; ratified %(date)s") % {"date": format_date(deposited)}
    if r.get("joined") == "acceded" and deposited:
        return _("State Party; acceded %(date)s") % {"date": format_date(deposited)}
    if r.get("joined") == "succeeded" and deposited:
        # A new state's succession (Montenegro): bound from its independence, the date the
        # sentence gives; the notification was received later.
        return _("State Party by succession, notified %(date)s") % {"date": format_date(deposited)}
    if r.get("joined") == "succeeded":
        return _("State Party by succession")
    return _("State Party")


def _party_case(r: dict, ctx: Context) -> tuple[str, dict]:
    """Which State Party sentence applies to the host, in the tense of the visit, and its
    placeholders but the state's: "bound" (no withdrawal in effect), "either" (a visit
    undated or dated to a month or a year some possible day of which fell on or after the
    withdrawal took effect: bound as a party until then, and after it only for warrants
    issued before, Art. 127(2); which applied is not known) or "still" (the withdrawal had
    not yet taken effect, Art. 127(1)), each "_future" (an announced trip) or "_past". The
    "_future" sentences say the host is bound *from* the day the Statute entered (or enters)
    into force for it, never "has been bound since": that day may still be ahead (a state
    that deposited its instrument last week), and the explanation is rendered from the
    stored reasons whenever it is read, so its words must stay true as the days pass."""
    params = {"date": format_date(r["entry_into_force"]), "joined": _joined(r)}
    tense = "future" if ctx.future else "past"
    if not r.get("withdrawal_effective"):
        return f"bound_{tense}", params
    params["withdrawal"] = format_date(r["withdrawal_effective"])
    if r.get("day_unknown"):
        return f"either_{tense}", params
    day = r.get("day", "")
    if ctx.future:
        params["when"] = _on(day) if day else _("on the dates announced")
    else:
        params["when"] = _at_the_time(day, ctx)
    return f"still_{tense}", params


def _state_party_sentences() -> dict[str, str]:
    """`_party_case`'s sentences, the state named."""
    return {
        "bound_future": _("%(state)s is bound from %(date)s (%(joined)s)."),
        "bound_past": _("%(state)s had been bound since %(date)s (%(joined)s)."),
        "either_future": _(
            "%(state)s is bound from %(date)s (%(joined)s); the withdrawal it has "
            "notified takes effect on %(withdrawal)s, after which iccwatch counts it as "
            "bound only for warrants issued before then (its reading of Art. 127(2))."
        ),
        "either_past": _(
            "%(state)s was bound from %(date)s (%(joined)s) and its withdrawal took effect "
            "on %(withdrawal)s, after which iccwatch counts it as bound only for warrants "
            "issued before then (its reading of Art. 127(2))."
        ),
        "still_future": _(
            "%(state)s is bound from %(date)s (%(joined)s); the withdrawal it has "
            "notified takes effect only on %(withdrawal)s (Art. 127(1)), so it will still "
            "be bound %(when)s."
        ),
        "still_past": _(
            "%(state)s was bound from %(date)s (%(joined)s); the withdrawal it had "
            "notified was to take effect only on %(withdrawal)s (Art. 127(1)), so it was "
            "still bound %(when)s."
        ),
    }


def _bound_state_party(r: dict, ctx: Context) -> str:
    """The State Party's obligation, in the tense of the visit: a past visit's host "had been
    bound" (true whatever the state did later: a withdrawal since does not undo it), an
    announced trip's "is bound from" (true whether that day has come or not)."""
    case, params = _party_case(r, ctx)
    return _state_party_sentences()[case] % {**params, "state": _state(r["state"])}


def _at_the_time(day: str, ctx: Context) -> str:
    """When a withdrawal not yet effective still bound the host: "on 3 April 2025" for a
    known `day` (ISO 8601), else "at the time of the (planned) visit": planned for a trip
    not made, and for an announced one whose dates have all passed (`ctx.passed`: not
    recorded as taken)."""
    if day:
        return _on(day)
    if ctx.called_off or ctx.passed:
        return _("at the time of the planned visit")
    return _("at the time of the visit")


def _bound_residual(r: dict, ctx: Context) -> str:
    issued = r.get("warrant_issued", "")
    state = _state(r["state"])
    return possessive(_residual_text(r, issued, state), state)


def _from(iso: str) -> str:
    """'from 1 February 2019', 'from February 2019' (French 'à partir du 1er février 2019',
    'à partir de février 2019')."""
    if _exact(iso):
        return pgettext("from a day on", "from %(date)s") % {"date": format_date(iso)}
    return elide(pgettext("from a month or year on", "from %(date)s") % {"date": format_date(iso)})


def _residual_text(r: dict, issued: str, state: str) -> str:
    """Art. 127(2): the host that withdrew is counted as bound for a warrant issued before its
    withdrawal took effect. That count (and only it) is iccwatch's reading of Art. 127(2),
    never the law's last word (DOMAIN.md, "Treaty arithmetic"), and the sentence says so,
    citing what the article itself provides. A warrant whose issue date is unknown is only
    *taken* to be in force from the day it was made public (DOMAIN.md, "Dates"): that day
    is given as such (`warrant_public`), never as its issue date."""
    params = {"state": state, "withdrawal": format_date(r["withdrawal_effective"])}
    public = r.get("warrant_public", "")
    if not issued and public:
        return _(
            "%(state)s's withdrawal from the Rome Statute took effect on %(withdrawal)s, but "
            "iccwatch counts it as still bound for warrants issued before then (its reading of "
            "Art. 127(2), under which a withdrawal does not discharge obligations that arose "
            "while the state was a party); the issue date of this one is not known, but it was "
            "public %(public)s, before then."
        ) % {**params, "public": _from(public)}
    return _(
        "%(state)s's withdrawal from the Rome Statute took effect on %(withdrawal)s, but "
        "iccwatch counts it as still bound for warrants issued before then (its reading of "
        "Art. 127(2), under which a withdrawal does not discharge obligations that arose "
        "while the state was a party), and this one was issued %(issued)s."
    ) % {**params, "issued": _on(issued) if issued else _("earlier")}


def coverage(r: dict) -> str:
    """The period of alleged crimes a declaration covers: 'covering alleged crimes from 2011
    to 31 December 2027' ('commis entre 2011 et le 31 décembre 2027', 'commis depuis mars
    2004': never 'du 2011' or 'depuis le mars 2004')."""
    covers_from, covers_to = r.get("covers_from", ""), r.get("covers_to", "")
    if covers_from and covers_to:
        return _("covering alleged crimes from %(from)s to %(to)s") % {
            "from": span_end(covers_from),
            "to": span_end(covers_to),
        }
    if covers_from:
        return _("covering alleged crimes from %(from)s") % {"from": span_end(covers_from)}
    return ""


def _bound_declaration(r: dict, ctx: Context) -> str:
    params = {
        "state": _state(r["state"]),
        "lodged": format_date(r["lodged"]),
        "situation": situation_words(r["situation"]),
        "coverage": coverage(r),
    }
    if params["coverage"]:
        return (
            _(
                "%(state)s was not then a State Party, but by a declaration lodged on %(lodged)s "
                "(%(coverage)s) it had accepted the Court's jurisdiction over the %(situation)s and "
                'was bound to cooperate "without any delay or exception" (Art. 12(3)).'
            )
            % params
        )
    return (
        _(
            "%(state)s was not then a State Party, but by a declaration lodged on %(lodged)s it had "
            "accepted the Court's jurisdiction over the %(situation)s and was bound to cooperate "
            '"without any delay or exception" (Art. 12(3)).'
        )
        % params
    )


def _bound_referral(r: dict, ctx: Context) -> str:
    return _(
        "%(state)s was bound to cooperate fully with the Court in the %(situation)s by UN "
        "Security Council resolution %(resolution)s, adopted on %(adopted)s under Chapter VII, "
        "whatever its status under the Rome Statute."
    ) % {
        "state": _state(r["state"]),
        "situation": situation_words(r["situation"]),
        "resolution": r["resolution"],
        "adopted": format_date(r["adopted"]),
    }


def _referral_not_binding(r: dict, ctx: Context) -> str:
    """A Security Council referral of the situation that does not oblige the host: the
    resolution decides that the states it names shall cooperate (docs/DOMAIN.md, "Security
    Council referral"); any other non-party is not bound by it. It follows the sentence
    saying why the host was not bound as a party, which named the host (`ctx.host_named`):
    the same English words, French « L’État hôte (Malaisie) n’est pas non plus lié … »."""
    params = {
        "state": _state(r["state"]),
        "situation": situation_words(r["situation"]),
        "resolution": r["resolution"],
        "adopted": format_date(r["adopted"]),
        "bound": _and([_state(b) for b in r.get("bound") or ()]),
    }
    if params["bound"]:
        return (
            _about_host(
                ctx,
                _(
                    "UN Security Council resolution %(resolution)s, adopted on %(adopted)s, referred "
                    "the %(situation)s to the Court's Prosecutor (Art. 13(b)); among States it "
                    "obliges only %(bound)s to cooperate fully with the Court, and it urges, but "
                    "does not oblige, the others, %(state)s among them: a referral binds only the "
                    "States it names."
                ),
                pgettext(
                    "the host state already named",
                    "UN Security Council resolution %(resolution)s, adopted on %(adopted)s, referred "
                    "the %(situation)s to the Court's Prosecutor (Art. 13(b)); among States it "
                    "obliges only %(bound)s to cooperate fully with the Court, and it urges, but "
                    "does not oblige, the others, %(state)s among them: a referral binds only the "
                    "States it names.",
                ),
            )
            % params
        )
    return (
        _about_host(
            ctx,
            _(
                "UN Security Council resolution %(resolution)s, adopted on %(adopted)s, referred the "
                "%(situation)s to the Court's Prosecutor (Art. 13(b)) but obliges no State by name "
                "to cooperate with the Court, so it does not bind %(state)s."
            ),
            pgettext(
                "the host state already named",
                "UN Security Council resolution %(resolution)s, adopted on %(adopted)s, referred the "
                "%(situation)s to the Court's Prosecutor (Art. 13(b)) but obliges no State by name "
                "to cooperate with the Court, so it does not bind %(state)s.",
            ),
        )
        % params
    )


def _never_party(r: dict, ctx: Context) -> str:
    if ctx.called_off:
        # A trip not made: what the host's obligation would have been (docs/DOMAIN.md).
        if r.get("deposited"):
            return _(
                "%(state)s would not have been bound: it deposited an instrument on "
                "%(deposited)s but withdrew it before the Statute entered into force for it, so "
                "it never became a State Party."
            ) % {"state": _state(r["state"]), "deposited": format_date(r["deposited"])}
        return _(
            "%(state)s would not have been bound: it withdrew its instrument before the Statute "
            "entered into force for it, so it never became a State Party."
        ) % {"state": _state(r["state"])}
    if ctx.future:
        return _(
            "%(state)s is not bound: it withdrew the instrument it had deposited before the "
            "Statute entered into force for it, so it never became a State Party."
        ) % {"state": _state(r["state"])}
    if r.get("deposited"):
        return _(
            "%(state)s was never bound: it deposited an instrument on %(deposited)s but withdrew "
            "it before the Statute entered into force for it, so it never became a State Party."
        ) % {"state": _state(r["state"]), "deposited": format_date(r["deposited"])}
    return _(
        "%(state)s was never bound: it withdrew its instrument before the Statute entered into "
        "force for it, so it never became a State Party."
    ) % {"state": _state(r["state"])}


def _declaration_note(r: dict) -> str:
    if r.get("declaration_lodged_later"):
        return _("its Art. 12(3) declaration for this situation was lodged only on %(date)s") % {
            "date": format_date(r["declaration_lodged_later"])
        }
    if r.get("declaration_situation"):
        return _("its Art. 12(3) declaration covers the %(situation)s, not this one") % {
            "situation": situation_words(r["declaration_situation"])
        }
    return ""


def _not_party(r: dict, ctx: Context) -> str:
    """A host never a party and not bound by a declaration: the one ground on which iccwatch
    counts a non-party bound by the Statute is an Art. 12(3) declaration for the situation
    (docs/DOMAIN.md, "The verdict for one visit"), so that is what the sentence says it had
    not lodged, in every situation. Never "had not accepted the Court's jurisdiction": in a
    situation the Security Council referred (Art. 13(b): Darfur, Libya) the Court's
    jurisdiction does not depend on any state's acceptance, and whether the referral binds
    the host is told by the `referral_not_binding` that follows (docs/DOMAIN.md, "Security
    Council referral"), hence "the Statute did not bind it"."""
    params = {
        "state": _state(r["state"]),
        "situation": situation_words(r["situation"]),
        "declaration": _declaration_note(r),
    }
    if ctx.future:
        if params["declaration"]:
            return (
                _(
                    "%(state)s is not a State Party to the Rome Statute and has lodged no "
                    "declaration under Art. 12(3) accepting the Court's jurisdiction over the "
                    "%(situation)s (%(declaration)s), so the Statute will not bind it to arrest."
                )
                % params
            )
        return (
            _(
                "%(state)s is not a State Party to the Rome Statute and has lodged no declaration "
                "under Art. 12(3) accepting the Court's jurisdiction over the %(situation)s, so "
                "the Statute will not bind it to arrest."
            )
            % params
        )
    if ctx.called_off:
        # A trip not made: what the host's obligation would have been.
        if params["declaration"]:
            return (
                _(
                    "%(state)s is not a State Party to the Rome Statute and had lodged no "
                    "declaration under Art. 12(3) accepting the Court's jurisdiction over the "
                    "%(situation)s (%(declaration)s), so the Statute would not have bound it to "
                    "arrest."
                )
                % params
            )
        return (
            _(
                "%(state)s is not a State Party to the Rome Statute and had lodged no declaration "
                "under Art. 12(3) accepting the Court's jurisdiction over the %(situation)s, so "
                "the Statute would not have bound it to arrest."
            )
            % params
        )
    if params["declaration"]:
        return (
            _(
                "%(state)s is not a State Party to the Rome Statute and had lodged no declaration "
                "under Art. 12(3) accepting the Court's jurisdiction over the %(situation)s "
                "(%(declaration)s), so the Statute did not bind it to arrest."
            )
            % params
        )
    return (
        _(
            "%(state)s is not a State Party to the Rome Statute and had lodged no declaration "
            "under Art. 12(3) accepting the Court's jurisdiction over the %(situation)s, so the "
            "Statute did not bind it to arrest."
        )
        % params
    )


def _not_yet_party(r: dict, ctx: Context) -> str:
    params = {"state": _state(r["state"]), "date": format_date(r["entry_into_force"])}
    if ctx.future:
        text = (
            _(
                "%(state)s will not yet be bound on the dates announced: the Statute enters into "
                "force for it only on %(date)s."
            )
            % params
        )
    elif ctx.called_off and r.get("deposited"):
        text = _(
            "%(state)s would not yet have been bound: the Statute entered into force for it only "
            "on %(date)s (instrument deposited %(deposited)s)."
        ) % {**params, "deposited": format_date(r["deposited"])}
    elif ctx.called_off:
        text = (
            _(
                "%(state)s would not yet have been bound: the Statute entered into force for it "
                "only on %(date)s."
            )
            % params
        )
    elif r.get("deposited"):
        text = _(
            "%(state)s was not yet bound: the Statute entered into force for it only on "
            "%(date)s (instrument deposited %(deposited)s)."
        ) % {**params, "deposited": format_date(r["deposited"])}
    else:
        text = (
            _(
                "%(state)s was not yet bound: the Statute entered into force for it only on %(date)s."
            )
            % params
        )
    note = _declaration_note(r)
    if note:
        text += " " + _("Moreover, %(declaration)s.") % {"declaration": note}
    return text


def _no_longer_party(r: dict, ctx: Context) -> str:
    """The host had withdrawn before the warrant was issued: told as iccwatch's reading of
    Art. 127(2) (DOMAIN.md: a withdrawn state is counted as bound only for warrants issued
    before its withdrawal took effect), never as the law's last word, since Art. 127(2)
    also keeps cooperation in investigations and proceedings begun before then."""
    state = _state(r["state"])
    params = {"state": state, "date": format_date(r["withdrawal_effective"])}
    if ctx.future:
        text = _(
            "%(state)s's withdrawal has effect from %(date)s and the warrant was not issued "
            "before then: iccwatch counts a withdrawn state as bound only for warrants issued "
            "before its withdrawal took effect (its reading of Art. 127(2), which also keeps "
            "cooperation in proceedings begun before then), so it will count %(state)s as no "
            "longer bound on the dates announced."
        )
    elif ctx.called_off:
        text = _(
            "%(state)s's withdrawal had taken effect on %(date)s and the warrant was not issued "
            "before then: iccwatch counts a withdrawn state as bound only for warrants issued "
            "before its withdrawal took effect (its reading of Art. 127(2), which also keeps "
            "cooperation in proceedings begun before then), so it would have counted %(state)s "
            "as no longer bound."
        )
    else:
        text = _(
            "%(state)s's withdrawal took effect on %(date)s and the warrant was not issued before "
            "then: iccwatch counts a withdrawn state as bound only for warrants issued before its "
            "withdrawal took effect (its reading of Art. 127(2), which also keeps cooperation in "
            "proceedings begun before then), so it counts %(state)s as no longer bound."
        )
    return possessive(text % params, state)


def _not_bound(r: dict, ctx: Context) -> str:
    if ctx.future:
        return _("%(state)s will not be bound to arrest on the dates announced.") % {
            "state": _state(r["state"])
        }
    if ctx.called_off:
        return _("%(state)s would not have been bound to arrest on the days planned.") % {
            "state": _state(r["state"])
        }
    return _("%(state)s was not bound to arrest on the days of the visit.") % {
        "state": _state(r["state"])
    }


def _would_be_bound(r: dict, ctx: Context) -> str:
    """Whether the host of a trip not made (or of a place it did not control) would have
    been bound, and, in the same sentence, on what obligation: "Had the trip gone ahead,
    Hungary would have been bound to arrest: it was bound from …" (the obligation's own
    reason, which follows, is then told here and not again: the name said once, one colon).
    Where the answer depends on the day because a warrant was under seal on some possible
    days (`public_from`), a sentence says so (`_sealed_on_some_days`)."""
    not_controlled = any(x.get("key") == "place_not_controlled" for x in ctx.reasons)
    head = _would_be_bound_head(r, not_controlled=not_controlled, passed=ctx.passed)
    following = ctx.following(r)
    clause = _OBLIGATION_CLAUSES.get((following or {}).get("key", ""))
    if head.endswith(":") and clause is not None:
        ctx.told.append(following)
        head = f"{head} {clause(following, ctx)}"
    sealed = _sealed_on_some_days(r, ctx)
    return f"{head} {sealed}" if sealed else head


def _sealed_on_some_days(r: dict, ctx: Context) -> str:
    """Why whether the host would have been bound depends on the day, when a warrant under
    seal (and not notified to it) on some possible days decides it: "It was bound on every
    possible day on which a warrant was in force, but the warrant was made public only on
    17 March 2023 …" (`bound_throughout`: the seal alone decides), or "Moreover, the warrant
    was made public only …" (the host's obligation varies too); '' when no seal decides.
    An announced trip "is bound" on its possible days, until they have all passed
    (`ctx.passed`): it is then told as a trip not made is."""
    public = r.get("public_from", "")
    if not public:
        return ""
    params = {"state": _state(r["state"]), "on": _on(public)}
    if not r.get("bound_throughout"):
        return (
            _(
                "Moreover, the warrant was made public only %(on)s and %(state)s is not known to "
                "have been notified of it before then."
            )
            % params
        )
    if r.get("code") == "upcoming" and not ctx.passed:
        return (
            _(
                "It is bound on every possible day on which a warrant is in force, but the "
                "warrant was made public only %(on)s and %(state)s is not known to have been "
                "notified of it before then: on any possible day before then, it is not bound "
                "to arrest."
            )
            % params
        )
    return (
        _(
            "It was bound on every possible day on which a warrant was in force, but the "
            "warrant was made public only %(on)s and %(state)s is not known to have been "
            "notified of it before then: on any possible day before then, it would not have "
            "been bound to arrest."
        )
        % params
    )


def _would_be_bound_head(r: dict, *, not_controlled: bool = False, passed: bool = False) -> str:
    """The sentence (or its head, ending with a colon, that the obligation's clause goes on
    from) saying whether the host will be, would have been, or would otherwise have been
    bound. An undated trip (`day_unknown`: only a trip not made has no date) says that the
    answer depends on its day; a place out of the host's control is never undated (an
    undated visit that took place has no verdict).

    `not_controlled`: the verdict's reasons say the place was out of the host's control
    (`place_not_controlled`, DOMAIN.md "Visit": Putin's trip announced to occupied
    Mariupol). The host could not arrest there, so an announced or called-off trip is told
    in the conditional `no_control` uses ("Had it controlled the place, Ukraine would have
    been bound to arrest:"), never "will be bound" after "could not arrest".

    `passed`: an announced trip whose dates have passed, not recorded as taken
    (`Context.passed`): "Had the trip taken place, Ukraine would have been bound to arrest:",
    never "will be bound"."""
    params = {"state": _state(r["state"])}
    code, known = r.get("code"), r.get("known", True)
    if r.get("day_unknown"):
        return _undated_head(r, params)
    if not_controlled and code in ("upcoming", "deterred"):
        code = "no_control"
    if code == "upcoming" and passed:
        if known:
            return (
                _("Had the trip taken place, %(state)s would have been bound to arrest:") % params
            )
        return (
            _("Whether %(state)s would have been bound to arrest depends on the exact dates:")
            % params
        )
    if code == "upcoming":
        if known:
            return _("If the trip goes ahead, %(state)s will be bound to arrest:") % params
        return _("Whether %(state)s will be bound to arrest depends on the exact dates:") % params
    if code == "no_control":
        if known:
            return (
                _("Had it controlled the place, %(state)s would have been bound to arrest:")
                % params
            )
        return (
            _(
                "Whether %(state)s would otherwise have been bound to arrest depends on the exact dates:"
            )
            % params
        )
    if known:
        return _("Had the trip gone ahead, %(state)s would have been bound to arrest:") % params
    return (
        _("Whether %(state)s would have been bound to arrest depends on the exact dates:") % params
    )


def _undated_head(r: dict, params: dict) -> str:
    """An undated trip whose answer depends on its day: the host bound on some of the days a
    warrant was in force and not on others, or, where it was bound on all of them and a seal
    alone decides (`bound_throughout`), no more than that the day decides (the sentence
    on the seal follows: `_sealed_on_some_days`)."""
    future = r.get("code") == "upcoming"
    if r.get("public_from") and r.get("bound_throughout"):
        if future:
            return (
                _(
                    "Whether %(state)s will be bound to arrest depends on the day of the trip, "
                    "which is not known."
                )
                % params
            )
        return (
            _(
                "Whether %(state)s would have been bound to arrest depends on the day of the "
                "trip, which is not known."
            )
            % params
        )
    if future:
        return (
            _(
                "Whether %(state)s will be bound to arrest depends on the day of the trip, "
                "which is not known: it is bound on some of the days a warrant is in force "
                "and not on others."
            )
            % params
        )
    return (
        _(
            "Whether %(state)s would have been bound to arrest depends on the day of the "
            "trip, which is not known: it was bound on some of the days a warrant was in "
            "force and not on others."
        )
        % params
    )


def _state_party_clauses() -> dict[str, str]:
    """`_party_case`'s sentences as clauses, the state already named ("it had been bound since …")."""
    return {
        "bound_future": _("it is bound from %(date)s (%(joined)s)."),
        "bound_past": _("it had been bound since %(date)s (%(joined)s)."),
        "either_future": _(
            "it is bound from %(date)s (%(joined)s) and the withdrawal it has "
            "notified takes effect on %(withdrawal)s, after which iccwatch counts it as "
            "bound only for warrants issued before then (its reading of Art. 127(2))."
        ),
        "either_past": _(
            "it was bound from %(date)s (%(joined)s) and its withdrawal took effect on "
            "%(withdrawal)s, after which iccwatch counts it as bound only for warrants issued "
            "before then (its reading of Art. 127(2))."
        ),
        "still_future": _(
            "it is bound from %(date)s (%(joined)s) and the withdrawal it has "
            "notified takes effect only on %(withdrawal)s (Art. 127(1)), so it will still "
            "be bound %(when)s."
        ),
        "still_past": _(
            "it was bound from %(date)s (%(joined)s) and the withdrawal it had notified "
            "was to take effect only on %(withdrawal)s (Art. 127(1)), so it was still "
            "bound %(when)s."
        ),
    }


def _state_party_clause(r: dict, ctx: Context) -> str:
    """`_bound_state_party` as a clause that goes on from `_would_be_bound`'s sentence,
    the state already named ("it had been bound since …")."""
    case, params = _party_case(r, ctx)
    return _state_party_clauses()[case] % params


def _residual_clause(r: dict, ctx: Context) -> str:
    """`_bound_residual` as a clause that goes on from `_would_be_bound`'s sentence, told as
    iccwatch's reading of Art. 127(2) as `_residual_text` tells it; for an announced trip
    the withdrawal "has effect from" its day, which may still be ahead."""
    issued, public = r.get("warrant_issued", ""), r.get("warrant_public", "")
    params = {"withdrawal": format_date(r["withdrawal_effective"])}
    if not issued and public:
        params["public"] = _from(public)
        if ctx.future:
            return (
                _(
                    "although its withdrawal from the Rome Statute has effect from "
                    "%(withdrawal)s, iccwatch counts it as still bound for warrants issued "
                    "before then (its reading of Art. 127(2), under which a withdrawal does not "
                    "discharge obligations that arose while the state was a party); the issue "
                    "date of this one is not known, but it was public %(public)s, before then."
                )
                % params
            )
        return (
            _(
                "although its withdrawal from the Rome Statute took effect on %(withdrawal)s, "
                "iccwatch counts it as still bound for warrants issued before then (its reading "
                "of Art. 127(2), under which a withdrawal does not discharge obligations that "
                "arose while the state was a party); the issue date of this one is not known, "
                "but it was public %(public)s, before then."
            )
            % params
        )
    params["issued"] = _on(issued) if issued else _("earlier")
    if ctx.future:
        return (
            _(
                "although its withdrawal from the Rome Statute has effect from %(withdrawal)s, "
                "iccwatch counts it as still bound for warrants issued before then (its reading "
                "of Art. 127(2), under which a withdrawal does not discharge obligations that "
                "arose while the state was a party), and this one was issued %(issued)s."
            )
            % params
        )
    return (
        _(
            "although its withdrawal from the Rome Statute took effect on %(withdrawal)s, "
            "iccwatch counts it as still bound for warrants issued before then (its reading of "
            "Art. 127(2), under which a withdrawal does not discharge obligations that arose "
            "while the state was a party), and this one was issued %(issued)s."
        )
        % params
    )


def _declaration_clause(r: dict, ctx: Context) -> str:
    """`_bound_declaration` as a clause that goes on from `_would_be_bound`'s sentence; for
    an announced trip, of the dates announced, which may still be ahead."""
    params = {
        "lodged": format_date(r["lodged"]),
        "situation": situation_words(r["situation"]),
        "coverage": coverage(r),
    }
    if ctx.future and params["coverage"]:
        return (
            _(
                "it is not a State Party on the dates announced, but by a declaration lodged on "
                "%(lodged)s (%(coverage)s) it has accepted the Court's jurisdiction over the "
                '%(situation)s and is bound to cooperate "without any delay or exception" '
                "(Art. 12(3))."
            )
            % params
        )
    if ctx.future:
        return (
            _(
                "it is not a State Party on the dates announced, but by a declaration lodged on "
                "%(lodged)s it has accepted the Court's jurisdiction over the %(situation)s and "
                'is bound to cooperate "without any delay or exception" (Art. 12(3)).'
            )
            % params
        )
    if params["coverage"]:
        return (
            _(
                "it was not then a State Party, but by a declaration lodged on %(lodged)s "
                "(%(coverage)s) it had accepted the Court's jurisdiction over the %(situation)s "
                'and was bound to cooperate "without any delay or exception" (Art. 12(3)).'
            )
            % params
        )
    return (
        _(
            "it was not then a State Party, but by a declaration lodged on %(lodged)s it had "
            "accepted the Court's jurisdiction over the %(situation)s and was bound to cooperate "
            '"without any delay or exception" (Art. 12(3)).'
        )
        % params
    )


def _referral_clause(r: dict, ctx: Context) -> str:
    """`_bound_referral` as a clause that goes on from `_would_be_bound`'s sentence."""
    params = {
        "situation": situation_words(r["situation"]),
        "resolution": r["resolution"],
        "adopted": format_date(r["adopted"]),
    }
    if ctx.future:
        return (
            _(
                "it is bound to cooperate fully with the Court in the %(situation)s by UN "
                "Security Council resolution %(resolution)s, adopted on %(adopted)s under "
                "Chapter VII, whatever its status under the Rome Statute."
            )
            % params
        )
    return (
        _(
            "it was bound to cooperate fully with the Court in the %(situation)s by UN Security "
            "Council resolution %(resolution)s, adopted on %(adopted)s under Chapter VII, "
            "whatever its status under the Rome Statute."
        )
        % params
    )


# The obligations `_would_be_bound` goes on with, as clauses (compliance.explanation: the
# obligation's reason follows `would_be_bound`).
_OBLIGATION_CLAUSES: dict[str, Callable[[dict, Context], str]] = {
    "bound_state_party": _state_party_clause,
    "bound_residual": _residual_clause,
    "bound_declaration": _declaration_clause,
    "bound_referral": _referral_clause,
}


def _would_not_be_bound(r: dict, ctx: Context) -> str:
    params = {"state": _state(r["state"]), "person": r.get("person", "")}
    # An announced trip whose dates passed is told in the conditional (`Context.passed`).
    upcoming = r.get("code") == "upcoming" and not ctx.passed
    if r.get("why") == "sealed":
        if upcoming:
            return (
                _(
                    "%(state)s will not be bound to arrest: the warrant is under seal and "
                    "%(state)s is not known to have been notified of it."
                )
                % params
            )
        return (
            _(
                "%(state)s would not have been bound to arrest: the warrant was then under seal and "
                "%(state)s is not known to have been notified of it."
            )
            % params
        )
    if upcoming:
        return (
            _(
                "%(state)s will not be bound to arrest: no warrant against %(person)s is in force "
                "on those dates."
            )
            % params
        )
    return (
        _(
            "%(state)s would not have been bound to arrest: no warrant against %(person)s was in "
            "force on those dates."
        )
        % params
    )


def _warrant_since(r: dict) -> str:
    issued, public = r.get("issued", ""), r.get("made_public", "")
    if issued and public and issued == public:
        return _("issued and public %(since)s") % {"since": _since(issued)}
    if issued and public:
        return _("issued under seal %(on)s and public %(since)s") % {
            "on": _on(issued),
            "since": _since(public),
        }
    if issued:
        return _("issued under seal %(on)s") % {"on": _on(issued)}
    return _("public %(since)s (issue date unknown)") % {"since": _since(public)}


def _warrant(r: dict, ctx: Context) -> str:
    """The warrant in force on the visit's days: its dates, how it ended, whether the host was
    notified. For an announced trip (`ctx.future`), in the present: "is in force on 20
    December 2026", a day that may still be ahead; for a trip with no date (only one not
    made has none), on some of the days it may have been planned for (any day is possible,
    docs/DOMAIN.md, "Dates")."""
    if r.get("day"):
        on = _on(r["day"])
    elif r.get("start"):
        period = _period(r["start"], r.get("end", ""))
        on = (
            _("throughout %(period)s") if r.get("uniform", True) else _("during part of %(period)s")
        ) % {"period": period}
    elif ctx.future:
        on = _("on some of the days on which the trip may take place")
    elif ctx.called_off:
        on = _("on some of the days the trip may have been planned for")
    else:
        on = _("at the time")
    clauses = []
    if r.get("ended"):
        # The last day in force counts: an arrest on that day executes the warrant.
        ended = format_date(r["ended"])
        clauses.append(
            {
                # The warrant named again, not "it": the sentence also names a person.
                "executed": _("the warrant was executed on %(date)s"),
                "withdrawn": _("the warrant was withdrawn on %(date)s"),
                "deceased": _("the warrant ended on %(date)s, the person's death confirmed"),
            }.get(r.get("end_reason"), _("the warrant's last day in force was %(date)s"))
            % {"date": ended}
        )
    if r.get("notified"):
        clauses.append(_("%(state)s had been notified of it") % {"state": _state(r["notified"])})
    params = {
        "person": r.get("person", ""),
        "situation": situation_words(r.get("situation", "")),
        "since": _warrant_since(r),
        "on": on,
    }
    if r.get("maybe"):
        return _maybe_in_force(r, params, clauses, ctx)
    separator = pgettext("between clauses of a sentence", "; ")
    if ctx.future and clauses:
        return _(
            "The warrant against %(person)s (%(situation)s), %(since)s, is in force %(on)s; "
            "%(details)s."
        ) % {**params, "details": separator.join(clauses)}
    if ctx.future:
        return (
            _("The warrant against %(person)s (%(situation)s), %(since)s, is in force %(on)s.")
            % params
        )
    if clauses:
        return _(
            "The warrant against %(person)s (%(situation)s), %(since)s, was in force %(on)s; "
            "%(details)s."
        ) % {**params, "details": separator.join(clauses)}
    return (
        _("The warrant against %(person)s (%(situation)s), %(since)s, was in force %(on)s.")
        % params
    )


def _maybe_in_force(r: dict, params: dict, clauses: list[str], ctx: Context) -> str:
    """`_warrant`'s sentence for a warrant that may not yet have been in force on the
    visit's days (`maybe`): its issue date, or the day it was made public when the issue
    date is unknown, is known only to the month or year, "some day in that period"
    (DOMAIN.md, "Dates"). It *may* have been in force; a warrant known only to have been
    made public in June 2020 is said "made public in June 2020", not "public since". For an
    announced trip, in the present: it "may be in force"."""
    if not r.get("issued") and r.get("made_public"):
        params = {
            **params,
            "since": _("made public %(on)s (issue date unknown)") % {"on": _on(r["made_public"])},
        }
    separator = pgettext("between clauses of a sentence", "; ")
    if ctx.future and clauses:
        return _(
            "The warrant against %(person)s (%(situation)s), %(since)s, may be in force "
            "%(on)s; %(details)s."
        ) % {**params, "details": separator.join(clauses)}
    if ctx.future:
        return (
            _("The warrant against %(person)s (%(situation)s), %(since)s, may be in force %(on)s.")
            % params
        )
    if clauses:
        return _(
            "The warrant against %(person)s (%(situation)s), %(since)s, may have been in force "
            "%(on)s; %(details)s."
        ) % {**params, "details": separator.join(clauses)}
    return (
        _(
            "The warrant against %(person)s (%(situation)s), %(since)s, may have been in force "
            "%(on)s."
        )
        % params
    )


def _no_warrant_in_force(r: dict, ctx: Context) -> str:
    params = _visit(r)
    detail = ""
    if r.get("issued_after"):
        on = _on(r["issued_after"])
        detail = (
            _("the first warrant was issued only %(on)s")
            if r.get("several")
            else _("the warrant was issued only %(on)s")
        ) % {"on": on}
    elif r.get("ended_before"):
        detail = _("the last warrant in force had ended on %(date)s") % {
            "date": format_date(r["ended_before"])
        }
    if detail:
        return _(
            "No warrant against %(person)s was in force during the visit to %(where)s %(when)s "
            "(%(detail)s), so there was nothing to execute."
        ) % {**params, "detail": detail}
    return (
        _(
            "No warrant against %(person)s was in force during the visit to %(where)s %(when)s, so "
            "there was nothing to execute."
        )
        % params
    )


def _warrant_sealed(r: dict, ctx: Context) -> str:
    return _sealed_sentence(r) + _arrested_all_the_same(r)


def _arrested_all_the_same(r: dict) -> str:
    """For a visit under a sealed warrant on which the person was arrested, or gave himself
    up (`self_surrendered`): what happened, said (the verdict `warrant_not_public` comes
    before `complied` in the table); a surrender is never told as an arrest."""
    person = {"person": r.get("person", "")}
    if r.get("outcome") == SELF_SURRENDERED:
        return " " + _("%(person)s surrendered voluntarily during the visit all the same.") % person
    if r.get("outcome") != ARRESTED:
        return ""
    return " " + _("%(person)s was arrested during the visit all the same.") % person


def _sealed_sentence(r: dict) -> str:
    issued, public = r.get("issued", ""), r.get("made_public", "")
    if issued and public:
        dates = _("issued under seal %(issued)s and made public only %(public)s") % {
            "issued": _on(issued),
            "public": _on(public),
        }
    elif issued:
        dates = _("issued under seal %(issued)s") % {"issued": _on(issued)}
    elif public:
        dates = _("made public only %(public)s") % {"public": _on(public)}
    else:
        dates = ""
    params = {**_visit(r), "dates": dates}
    if dates:
        return (
            _(
                "A warrant against %(person)s, %(dates)s, was in force during the visit to %(where)s "
                "%(when)s, but it was then under seal and %(state)s is not known to have been "
                "notified of it, so iccwatch counts no failure to arrest."
            )
            % params
        )
    return (
        _(
            "A warrant against %(person)s was in force during the visit to %(where)s %(when)s, but "
            "it was then under seal and %(state)s is not known to have been notified of it, so "
            "iccwatch counts no failure to arrest."
        )
        % params
    )


def _outcome(outcome: str) -> str:
    return {
        "left_early": pgettext("visit outcome", "left early without being arrested"),
        "released": pgettext(
            "visit outcome",
            "was arrested but then released or handed elsewhere instead of being surrendered to the Court",
        ),
        "arrested": pgettext("visit outcome", "was arrested"),
        SELF_SURRENDERED: pgettext(
            "visit outcome", "surrendered voluntarily and was transferred to the Court"
        ),
    }.get(outcome, pgettext("visit outcome", "was not arrested"))


def _duty(basis: str) -> str:
    """Where the duty to arrest and surrender comes from, for the obligation's reason `basis`:
    Arts. 86 and 89(1) for a State Party (and, by Art. 127(2), one that withdrew); Art. 12(3),
    which applies Part 9, for a declaration; the resolution itself, binding under Art. 25 of
    the UN Charter, for a Security Council referral."""
    if basis == "bound_declaration":
        return _("Art. 12(3) and Part 9 of the Statute")
    if basis == "bound_referral":
        return _("the Security Council's resolution, binding under Art. 25 of the UN Charter")
    return _("Arts. 86, 89(1)")


def _visit_sentence(r: dict, ctx: Context) -> str:
    params = {**_visit(r), "outcome": _outcome(r.get("outcome", ""))}
    transit = r.get("status") == "transit"
    conclusion = r.get("conclusion")
    if conclusion == "non_compliance":
        params["duty"] = _duty(ctx.basis)
        if transit:
            return (
                _(
                    "%(person)s stopped in transit in %(where)s %(when)s and %(outcome)s: a failure "
                    "to arrest and surrender (%(duty)s)."
                )
                % params
            )
        return (
            _(
                "%(person)s visited %(where)s %(when)s and %(outcome)s: a failure to arrest and "
                "surrender (%(duty)s)."
            )
            % params
        )
    if conclusion == "complied" and r.get("outcome") == SELF_SURRENDERED:
        # The person gave himself up: the host is not credited with an arrest (DOMAIN.md).
        if transit:
            return (
                _(
                    "%(person)s stopped in transit in %(where)s %(when)s, surrendered "
                    "voluntarily and was transferred to the Court: iccwatch counts neither an "
                    "arrest by %(state)s nor a failure to arrest."
                )
                % params
            )
        return (
            _(
                "%(person)s visited %(where)s %(when)s, surrendered voluntarily and was "
                "transferred to the Court: iccwatch counts neither an arrest by %(state)s nor "
                "a failure to arrest."
            )
            % params
        )
    if conclusion == "complied":
        if transit:
            return (
                _(
                    "%(person)s stopped in transit in %(where)s %(when)s and was arrested under the "
                    "warrant."
                )
                % params
            )
        return (
            _("%(person)s visited %(where)s %(when)s and was arrested under the warrant.") % params
        )
    if transit:
        return (
            _(
                "%(person)s stopped in transit in %(where)s %(when)s and %(outcome)s; iccwatch "
                "counts no failure to arrest."
            )
            % params
        )
    return (
        _(
            "%(person)s visited %(where)s %(when)s and %(outcome)s; iccwatch counts no failure "
            "to arrest."
        )
        % params
    )


def _trip(r: dict, ctx: Context) -> str:
    params = _visit(r)
    status = r.get("status")
    if status == "virtual":
        # The dates are those the trip was planned for: the person took part from home.
        if not r.get("start"):
            return (
                _(
                    "%(person)s did not make the trip to %(where)s and took part by video "
                    "instead; the date it was planned for is not known."
                )
                % params
            )
        params["when"] = _planned_for(r["start"], r.get("end", ""))
        return (
            _(
                "%(person)s did not make the trip to %(where)s, planned %(when)s, and took part "
                "by video instead."
            )
            % params
        )
    if status == "announced":
        if ctx.passed:
            # Its dates have passed and nobody has recorded what became of it: the dates
            # are those it was planned for.
            params["when"] = _planned_for(r["start"], r.get("end", ""))
            return (
                _(
                    "A trip by %(person)s to %(where)s was announced %(when)s; whether it "
                    "took place is not recorded."
                )
                % params
            )
        return (
            _(
                "A trip by %(person)s to %(where)s %(when)s has been announced; it has not yet "
                "taken place."
            )
            % params
        )
    if not r.get("start"):
        return (
            _(
                "A trip by %(person)s to %(where)s was called off; the date it was planned for is "
                "not known."
            )
            % params
        )
    # The dates are those the trip was planned for, not the day it was called off.
    params["when"] = _planned_for(r["start"], r.get("end", ""))
    return _("A trip by %(person)s to %(where)s, planned %(when)s, was called off.") % params


def _no_control(r: dict, ctx: Context) -> str:
    params = _visit(r)
    if r.get("controlled_by"):
        return _(
            "%(person)s visited %(where)s %(when)s, a place then outside the control of "
            "%(state)s (controlled by %(controller)s): the host state could not arrest there, "
            "so this is no failure to arrest."
        ) % {**params, "controller": _state(r["controlled_by"])}
    return (
        _(
            "%(person)s visited %(where)s %(when)s, a place then outside the control of %(state)s: "
            "the host state could not arrest there, so this is no failure to arrest."
        )
        % params
    )


def _place_not_controlled(r: dict, ctx: Context) -> str:
    """A trip not made to a place the host did not control (DOMAIN.md, "Visit": occupied
    territory): the host could not arrest there, so an announced trip is no early warning
    for it, and one called off could not have been an arrest; who controlled it, where
    known. An announced trip whose dates have all passed (`ctx.passed`) is told as one
    called off: the place "was" outside the host's control."""
    params = {"state": _state(r.get("state"))}
    upcoming = r.get("status") == "announced" and not ctx.passed
    if r.get("controlled_by"):
        params["controller"] = _state(r["controlled_by"])
        if upcoming:
            return (
                _(
                    "The place is outside the control of %(state)s (controlled by "
                    "%(controller)s): the host state could not arrest there, so the trip is no early "
                    "warning for it."
                )
                % params
            )
        return (
            _(
                "The place was outside the control of %(state)s (controlled by %(controller)s): "
                "the host state could not have arrested there."
            )
            % params
        )
    if upcoming:
        return (
            _(
                "The place is outside the control of %(state)s: the host state could not arrest there, "
                "so the trip is no early warning for it."
            )
            % params
        )
    return (
        _(
            "The place was outside the control of %(state)s: the host state could not have arrested there."
        )
        % params
    )


def _quoted(text: str) -> str:
    """A quotation as it stands inside a sentence that ends after the closing quote: its own
    closing full stop dropped after a word, so the sentence does not end twice (“…
    supplies”. rather than “… supplies.”.; “… head of state)”. rather than “… head of
    state).”.: Uganda, 2016); an ellipsis, a question or exclamation mark
    and an abbreviation's full stop ("the U.S.") are kept."""
    text = text.strip()
    # After a lower-case letter or a closing parenthesis only ("… (head of state)."):
    # "the U.S." keeps the full stop of its abbreviation.
    if len(text) > 1 and text.endswith(".") and (text[-2].islower() or text[-2] == ")"):
        return text[:-1]
    return text


def _justification(r: dict, ctx: Context) -> str:
    """The host's stated justification, as recorded; where the host was bound and did not
    arrest (the `visit` reason's conclusion `non_compliance`), that iccwatch records it but
    does not treat it as an exemption, and why: the Court has held that official capacity
    does not bar arrest and surrender by a State Party (Art. 27; Appeals Chamber, Jordan
    judgment, 6 May 2019). That is told as the Court's holding, never as a rule of law in
    general words ("official capacity is no bar to arrest"): Art. 27 governs the Court's own
    jurisdiction, a state's arrest of a foreign official is also an Art. 98(1) question,
    and /method/ says where the holding's reach is debated. Nothing more is said of it on a
    visit that is no failure (no_control, deterred, upcoming): the sentence would answer an
    excuse for a failure the verdict does not find. The Court, not iccwatch, weighs what the
    Statute lets a state raise (Arts. 89(2), 90, 94, 95, 97, 98), so no justification is
    said to be void."""
    params = {"state": _state(r["state"]), "text": _quoted(r.get("text", ""))}
    failed = any(
        x.get("key") == "visit" and x.get("conclusion") == "non_compliance" for x in ctx.reasons
    )
    if not (ctx.basis and failed):
        return possessive(
            _("%(state)s's stated justification: “%(text)s”.") % params, params["state"]
        )
    return possessive(
        _(
            "%(state)s's stated justification: “%(text)s”. iccwatch records a stated "
            "justification but does not treat it as an exemption: the Court has held that "
            "official capacity does not bar arrest and surrender by a State Party (Art. 27; "
            "Appeals Chamber, Jordan judgment, 6 May 2019)."
        )
        % params,
        params["state"],
    )


def _bodies(asp: bool, unsc: bool) -> str:
    if asp and unsc:
        return _("the Assembly of States Parties and the UN Security Council")
    if asp:
        return _("the Assembly of States Parties")
    return _("the UN Security Council")


def _no_standing_referral(r: dict, ctx: Context) -> str:
    if r.get("decided") and r.get("decided") == ctx.reversed_on:
        return ""  # the decision's own sentence said it reversed the referral
    return _("Since the decision of %(date)s, no referral stands.") % {
        "date": format_date(r.get("decided", ""))
    }


def _no_court_finding(r: dict, ctx: Context) -> str:
    """iccwatch's verdict told apart from the Court's: no Art. 87(7) finding on the visit
    (when a decision that made none follows, its own sentence says so); where a decision
    found no failure (`no_failure`), that the verdict differs from it, in a sentence of its
    own, and what the decision found, attributed to the state concerned's report where that
    is its only source (`no_failure_reported_by`: "which, according to the state
    concerned's report alone, found no failure to comply"), never "as the state concerned
    reports it" hung on the verdict."""
    # Nigeria, 5 September 2013: the decision's own sentence (the `finding` reason) follows
    # and tells its Chamber and date; this one says only that the verdict differs from it,
    # so the decision is dated once.
    if r.get("no_failure") and r.get("no_failure_reported_by"):
        # Known only from Nigeria's own report, its text not read.
        return _(
            "This verdict is iccwatch's own reading of the facts. It differs from the Court's "
            "decision that follows, which, according to the state concerned's report alone, "
            "found no failure to comply."
        )
    if r.get("no_failure"):
        return _(
            "This verdict is iccwatch's own reading of the facts. It differs from the Court's "
            "decision that follows, which found no failure to comply."
        )
    if r.get("other_decision"):
        return _("This verdict is iccwatch's reading of the facts, not a finding of the Court.")
    return _(
        "This verdict is iccwatch's reading of the facts: no ICC finding of non-compliance "
        "(Art. 87(7)) on this visit is recorded."
    )


def finding_bodies(r: dict) -> dict[str, bool]:
    """What the decision of a `finding` reason did with the Assembly of States Parties and
    the UN Security Council: {"referred_to_asp", "referred_to_unsc", "informed_asp",
    "informed_unsc"}, each a bool, as the findings API gives them
    (visits.models.decision_bodies).

    Only an Art. 87(7) finding refers (Rome Statute, Art. 87(7)); a decision of kind `other`
    only informs. A reason stored before rule 2026.12.06 has no `informed_*`: for a decision
    of kind `other`, its `referred_to_*` were the bodies it informed (Kenya and Chad,
    27 August 2010), and are read as such."""
    finding = r.get("kind", "art_87_7") == "art_87_7"
    asp, unsc = bool(r.get("referred_to_asp")), bool(r.get("referred_to_unsc"))
    if "informed_asp" in r or "informed_unsc" in r:
        informed = bool(r.get("informed_asp")), bool(r.get("informed_unsc"))
    else:
        informed = (False, False) if finding else (asp, unsc)
    return {
        "referred_to_asp": finding and asp,
        "referred_to_unsc": finding and unsc,
        "informed_asp": not finding and informed[0],
        "informed_unsc": not finding and informed[1],
    }


def _other_decision(r: dict, on: str, chamber: str, visit: bool = True) -> str:
    """A decision on the state's cooperation that is no Art. 87(7) finding (the data's kind
    `other`): one that informed the Security Council or the Assembly (`finding_bodies`, the
    reasons of every rule version), or found no failure. `chamber` '' where the data
    records none (a chamber only inferred is left blank in findings.csv). `visit` False for
    a decision about no visit (`Context.no_visit`): it informed the bodies about the
    state's cooperation, not "of the visit", and asserts no failure it did not find."""
    bodies = finding_bodies(r)
    asp, unsc = bodies["informed_asp"], bodies["informed_unsc"]
    params = {"on": on, "chamber": chamber, "bodies": _bodies(asp, unsc) if asp or unsc else ""}
    if params["bodies"] and not visit:
        if chamber:
            return (
                _(
                    "ICC %(chamber)s informed %(bodies)s %(on)s about the state's cooperation "
                    "with the Court; it made no finding of non-compliance under Art. 87(7)."
                )
                % params
            )
        return (
            _(
                "The Court (the Chamber is not recorded) informed %(bodies)s %(on)s about the "
                "state's cooperation with the Court; it made no finding of non-compliance under "
                "Art. 87(7)."
            )
            % params
        )
    if params["bodies"] and chamber:
        return (
            _(
                "ICC %(chamber)s informed %(bodies)s of the visit %(on)s; it made no finding of "
                "non-compliance under Art. 87(7)."
            )
            % params
        )
    if params["bodies"]:
        # No chamber recorded (Djibouti, 12 May 2011: the excerpts read name none): the
        # Court is named, and the Chamber said not to be recorded, never guessed.
        return (
            _(
                "The Court (the Chamber is not recorded) informed %(bodies)s of the visit "
                "%(on)s; it made no finding of non-compliance under Art. 87(7)."
            )
            % params
        )
    if chamber:
        return (
            _(
                "ICC %(chamber)s issued a decision on the state's cooperation %(on)s; it made no "
                "finding of non-compliance under Art. 87(7)."
            )
            % params
        )
    return (
        _(
            "The ICC issued a decision on the state's cooperation %(on)s; it made no finding of "
            "non-compliance under Art. 87(7)."
        )
        % params
    )


def _no_failure_decision(on: str, chamber: str, reported_by: str = "") -> str:
    """A decision on the visit that found no failure to comply (the data's kind
    `no_failure`: Nigeria, 5 September 2013), which refers nothing. `reported_by` "state":
    the decision is known only from the state concerned's own report, its text not read
    (findings.csv `reported_by`), so its holding is attributed to that report, never stated
    as established."""
    params = {"on": on, "chamber": chamber}
    if reported_by and chamber:
        return (
            _(
                "According to the state concerned alone (the decision's text was not read), "
                "%(chamber)s found %(on)s that the state had not failed to comply with its "
                "obligation to arrest and surrender; no finding of non-compliance under "
                "Art. 87(7) and no referral are recorded."
            )
            % params
        )
    if reported_by:
        return (
            _(
                "According to the state concerned alone (the decision's text was not read), "
                "the Court found %(on)s that the state had not failed to comply with its "
                "obligation to arrest and surrender; no finding of non-compliance under "
                "Art. 87(7) and no referral are recorded."
            )
            % params
        )
    if chamber:
        return (
            _(
                "ICC %(chamber)s found %(on)s that the state had not failed to comply with its "
                "obligation to arrest and surrender; it made no finding of non-compliance under "
                "Art. 87(7) and referred nothing."
            )
            % params
        )
    return (
        _(
            "The ICC found %(on)s that the state had not failed to comply with its obligation to "
            "arrest and surrender; it made no finding of non-compliance under Art. 87(7) and "
            "referred nothing."
        )
        % params
    )


def _later_finding(r: dict, ctx: Context, params: dict) -> str:
    """A finding that follows an earlier one on the same visit, read against it: the Appeals
    Chamber upholding (and perhaps reversing the referral, as in Jordan, 6 May 2019), or the
    same Chamber making the referral it had deferred (Italy, 26 January 2026); '' otherwise."""
    earlier = [f for f in ctx.findings if f.get("kind", "art_87_7") == "art_87_7"]
    if not earlier:
        return ""
    asp, unsc = r.get("referred_to_asp"), r.get("referred_to_unsc")
    last = earlier[-1]
    was_referred = last.get("referred_to_asp") or last.get("referred_to_unsc")
    if chamber_name(r.get("chamber", "")) == chamber_name("Appeals Chamber"):
        if was_referred and not (asp or unsc):
            ctx.reversed_on = r.get("decided", "")
            return _(
                "The ICC Appeals Chamber upheld the finding of non-compliance %(on)s and "
                "reversed the decision to refer it to %(earlier_bodies)s."
            ) % {
                **params,
                "earlier_bodies": _bodies(
                    last.get("referred_to_asp"), last.get("referred_to_unsc")
                ),
            }
        if asp or unsc:
            return (
                _(
                    "The ICC Appeals Chamber upheld the finding of non-compliance %(on)s and its "
                    "referral to %(bodies)s."
                )
                % params
            )
        return _("The ICC Appeals Chamber upheld the finding of non-compliance %(on)s.") % params
    same_chamber = chamber_name(last.get("chamber", "")) == chamber_name(r.get("chamber", ""))
    if not was_referred and (asp or unsc) and same_chamber:
        if params["chamber"]:
            return (
                _("ICC %(chamber)s referred its finding of non-compliance to %(bodies)s %(on)s.")
                % params
            )
        return _("The ICC referred its finding of non-compliance to %(bodies)s %(on)s.") % params
    return ""


def _referred_later(r: dict, ctx: Context) -> bool:
    """Whether a finding after `r` among the verdict's (`ctx.to_tell`), by the same Chamber
    (not the Appeals Chamber), refers the failure to the Assembly of States Parties or the
    Security Council: the referral it had deferred (Italy, 26 January 2026)."""
    place = next((i for i, f in enumerate(ctx.to_tell) if f is r), len(ctx.to_tell))
    later = ctx.to_tell[place + 1 :]
    chamber = chamber_name(r.get("chamber", ""))
    # As _later_finding reads it: the same Chamber's referral, not an appeal's.
    return any(
        f.get("kind", "art_87_7") == "art_87_7"
        and (f.get("referred_to_asp") or f.get("referred_to_unsc"))
        and chamber_name(f.get("chamber", "")) == chamber
        and chamber != chamber_name("Appeals Chamber")
        for f in later
    )


def _finding(r: dict, ctx: Context) -> str:
    try:
        return _finding_sentence(r, ctx)
    finally:
        ctx.findings.append(r)


def _finding_sentence(r: dict, ctx: Context) -> str:
    on = _on(r["decided"]) if r.get("decided") else _("on an unknown date")
    chamber = chamber_name(r.get("chamber", ""))
    if r.get("kind") == "no_failure":
        return _no_failure_decision(on, chamber, r.get("reported_by", ""))
    if r.get("kind", "art_87_7") != "art_87_7":
        return _other_decision(r, on, chamber, visit=not ctx.no_visit)
    asp, unsc = r.get("referred_to_asp"), r.get("referred_to_unsc")
    params = {"on": on, "chamber": chamber, "bodies": _bodies(asp, unsc)}
    later = _later_finding(r, ctx, params)
    if later:
        return later
    if not (asp or unsc) and _referred_later(r, ctx):
        # Italy, 17 October 2025: the Chamber deferred the referral and made it on
        # 26 January 2026; "without referring it" alone would be contradicted a line below.
        if chamber:
            return (
                _(
                    "ICC %(chamber)s found non-compliance %(on)s (Art. 87(7)), without referring "
                    "it at that time."
                )
                % params
            )
        return (
            _(
                "The ICC found non-compliance %(on)s (Art. 87(7)), without referring it at that time."
            )
            % params
        )
    if chamber:
        if asp or unsc:
            return (
                _(
                    "ICC %(chamber)s found non-compliance %(on)s (Art. 87(7)) and referred it to "
                    "%(bodies)s."
                )
                % params
            )
        return (
            _("ICC %(chamber)s found non-compliance %(on)s (Art. 87(7)) without referring it.")
            % params
        )
    if asp or unsc:
        return (
            _("The ICC found non-compliance %(on)s (Art. 87(7)) and referred it to %(bodies)s.")
            % params
        )
    return _("The ICC found non-compliance %(on)s (Art. 87(7)) without referring it.") % params


def _date_note(r: dict, ctx: Context) -> str:
    """What the imprecision of the visit's or the warrants' dates means for the verdict, in
    the trip's tense: a trip called off or attended by video "would have been" bound on
    some possible days (or readings) and not on others, a place out of the host's control
    "would otherwise have been", an announced trip "is"; one whose dates have all passed
    on the day it is read (`ctx.passed`, `trip_dates_passed`: "announced for March 2025",
    read in April) "would have been", as a trip not made, and is a trip, never "the visit".
    A trip not made that would have bound the host on every possible day with a warrant in
    force, while on some none was (`in_force_throughout` False), says so
    (`_in_force_on_some_days`), never "the verdict is the same whatever its day"."""
    if r.get("in_force_throughout", True) is False:
        return _in_force_on_some_days(r, ctx)
    params = {
        "state": _state(r.get("state")),
        "period": _period(r.get("start", ""), r.get("end", "")),
    }
    code = r.get("code")
    if code == "upcoming" and ctx.passed:
        # An announced trip whose dates have all passed, not recorded as taken: told as a
        # trip not made is ("would have been bound"), never "is bound" on days now past.
        code = "deterred"
    if r.get("kind") == "visit":
        if r.get("uniform", True) and r.get("span"):
            return (
                _(
                    "The visit is dated only %(period)s; whatever its exact first and last days, "
                    "this is the verdict."
                )
                % params
            )
        if r.get("uniform", True):
            if ctx.called_off or ctx.future or ctx.passed:
                return (
                    _(
                        "The trip is dated only %(period)s; the verdict is the same whatever "
                        "its day."
                    )
                    % params
                )
            return (
                _("The visit is dated only %(period)s; the verdict is the same whatever its day.")
                % params
            )
        if code == "upcoming":
            # An announced trip: its possible days may still be ahead.
            return (
                _(
                    "The trip is dated only %(period)s; %(state)s is bound to arrest on some of "
                    "its possible days and not on others."
                )
                % params
            )
        if code == "deterred":
            # Not uniform for a trip not made: it would have been bound on some possible days
            # and not on others (would_have_been_bound None); never "was bound", for a trip
            # that did not happen (DOMAIN.md, "The verdict for one visit").
            return (
                _(
                    "The trip is dated only %(period)s; %(state)s would have been bound to "
                    "arrest on some of its possible days and not on others."
                )
                % params
            )
        if code == "no_control":
            # A place out of the host's control, as `_would_be_bound_head` says it: it would
            # otherwise have been bound on some possible days and not on others.
            return (
                _(
                    "The visit is dated only %(period)s; %(state)s would otherwise have been "
                    "bound to arrest on some of its possible days and not on others."
                )
                % params
            )
        return (
            _(
                "The visit is dated only %(period)s; on none of its possible days was %(state)s bound "
                "to arrest."
            )
            % params
        )
    if r.get("uniform", True):
        return (
            _(
                "Some warrant dates are known only to the month or year; every possible reading of "
                "them gives this verdict."
            )
            % params
        )
    if code == "upcoming":
        return (
            _(
                "Some warrant dates are known only to the month or year; %(state)s is bound to "
                "arrest on some readings of them and not on others."
            )
            % params
        )
    if code == "deterred":
        return (
            _(
                "Some warrant dates are known only to the month or year; %(state)s would have "
                "been bound to arrest on some readings of them and not on others."
            )
            % params
        )
    if code == "no_control":
        return (
            _(
                "Some warrant dates are known only to the month or year; %(state)s would "
                "otherwise have been bound to arrest on some readings of them and not on others."
            )
            % params
        )
    return (
        _(
            "Some warrant dates are known only to the month or year; on no reading of them was "
            "%(state)s bound to arrest."
        )
        % params
    )


def _in_force_on_some_days(r: dict, ctx: Context) -> str:
    """`_date_note` for a trip not made whose host would have been (or will be) bound on every
    possible day (or reading of a warrant's partial date) on which a warrant was in force,
    while on some none was (`would_have_been_bound` True, docs/DOMAIN.md, "Dates"):
    Netanyahu's warrant of 21 November 2024 and a trip to France dated only 2024, which, on a
    day before it, would have found nothing to execute. An undated trip (no `start`) has
    its possible days told without a period."""
    params = {"state": _state(r.get("state"))}
    future = ctx.future or (r.get("code") == "upcoming" and not ctx.passed)
    if r.get("kind") == "warrant":
        if future:
            return (
                _(
                    "Some warrant dates are known only to the month or year; %(state)s is bound "
                    "to arrest on every reading of them on which a warrant is in force, and no "
                    "warrant is in force on the others."
                )
                % params
            )
        return (
            _(
                "Some warrant dates are known only to the month or year; %(state)s would have "
                "been bound to arrest on every reading of them on which a warrant was in force, "
                "and no warrant was in force on the others."
            )
            % params
        )
    if not r.get("start"):
        if future:
            return (
                _(
                    "%(state)s is bound to arrest on every possible day on which a warrant is in "
                    "force, and no warrant is in force on the others."
                )
                % params
            )
        return (
            _(
                "%(state)s would have been bound to arrest on every possible day on which a "
                "warrant was in force, and no warrant was in force on the others."
            )
            % params
        )
    params["period"] = _period(r["start"], r.get("end", ""))
    if future:
        return (
            _(
                "The trip is dated only %(period)s; %(state)s is bound to arrest on every "
                "possible day of it on which a warrant is in force, and no warrant is in force "
                "on the others."
            )
            % params
        )
    return (
        _(
            "The trip is dated only %(period)s; %(state)s would have been bound to arrest on "
            "every possible day of it on which a warrant was in force, and no warrant was in "
            "force on the others."
        )
        % params
    )


def _sources(r: dict, ctx: Context) -> str:
    """'Sources: Reuters (3 September 2024); AP.'; after a withdrawn visit's sentence,
    'Sources cited for the visit: …': the rule gives the visit's own sources (those that
    reported it), which a bare 'Sources:' after "was withdrawn from the record: <note>."
    would give as the withdrawal's (a withdrawal's own sources are the visit's
    `withdrawal_sources`, listed apart)."""
    cited = []
    for s in r.get("sources", []):
        if s.get("date"):
            cited.append(
                pgettext("a source", "%(publisher)s (%(date)s)")
                % {"publisher": s["publisher"], "date": format_date(s["date"])}
            )
        else:
            cited.append(s["publisher"])
    listed = pgettext("between items of a list", "; ").join(cited)
    more = r.get("more", 0)
    if more:
        listed = ngettext("%(list)s and %(count)d more", "%(list)s and %(count)d more", more) % {
            "list": listed,
            "count": more,
        }
    if ctx.withdrawn:
        return _("Sources cited for the visit: %(list)s.") % {"list": listed}
    return _("Sources: %(list)s.") % {"list": listed}


def _imprecise_warrant(w: dict | None) -> str:
    if not w:
        return _("some dates are known only to the month or year")
    issued, public = w.get("issued", ""), w.get("made_public", "")
    if issued and public:
        return _(
            "the warrant is known only to have been issued %(issued)s and made public %(public)s"
        ) % {"issued": _on(issued), "public": _on(public)}
    if issued:
        return _("the warrant is known only to have been issued %(issued)s") % {
            "issued": _on(issued)
        }
    return _("the warrant is known only to have been made public %(public)s") % {
        "public": _on(public)
    }


def _pending(r: dict, ctx: Context) -> str:
    why = r.get("why")
    if why == "imprecise":
        if r.get("changed_on"):
            detail = _(
                "the visit is dated only %(period)s, and the verdict changes on %(date)s"
            ) % {
                "period": _period(r.get("start", ""), r.get("end", "")),
                "date": format_date(r["changed_on"]),
            }
        else:
            detail = _imprecise_warrant(r.get("imprecise_warrant"))
        reason = _("the date is too imprecise to decide (%(detail)s)") % {"detail": detail}
    elif why == "end_unknown":
        # The end not known, and a fact that decides the verdict changes on a later day the
        # visit may have lasted to (compliance.verdict.decide).
        reason = _(
            "the end date of the visit is not known, and the facts that decide the verdict "
            "change on %(date)s, a day the visit may have lasted to"
        ) % {"date": format_date(r.get("changed_on", ""))}
    else:
        reason = {
            "not_verified": _("the report has not yet been verified by a reviewer"),
            "outcome_unknown": _("the outcome of the visit is not known"),
            "no_date": _("the visit has no date"),
        }.get(why, _("the recorded outcome does not allow a verdict"))
    return _(
        "No verdict yet on the reported visit of %(person)s to %(where)s %(when)s: %(reason)s."
    ) % {
        **_visit(r),
        "reason": reason,
    }


_REMOVED = re.compile(r"^removed from (?:the )?dataset version (\S+?)\.?$", re.IGNORECASE)


def withdrawal_note(note: str) -> str:
    """A visit's withdrawal note in the active language, to end a sentence: the importer's
    own note ('removed from dataset version X') is translated; a reviewer's words are kept,
    without the full stop they may end with (every sentence that quotes them adds its
    own). '' for none."""
    note = (note or "").strip()
    match = _REMOVED.match(note)
    if match:
        return _("removed from dataset version %(version)s") % {"version": match.group(1)}
    if note.endswith(".") and not note.endswith(".."):
        note = note[:-1].rstrip()
    return note


def added_sources_words(urls: str, more: int = 0) -> str:
    """The reason the newsroom writes for a correction that adds sources to a recorded visit
    ("Add the sources to this visit instead"), in the active language: `urls` the addresses
    it quotes, joined; `more` how many it leaves out ("and 3 more"). Stored in English and
    read in the reader's language by `correction_reason`."""
    if more:
        return ngettext(
            "Another report of this visit brought more sources: %(urls)s and %(count)d more.",
            "Another report of this visit brought more sources: %(urls)s and %(count)d more.",
            more,
        ) % {"urls": urls, "count": more}
    return _("Another report of this visit brought more sources: %(urls)s.") % {"urls": urls}


# The addresses the newsroom quotes in `added_sources_words` (newsroom.views
# .added_sources_reason): http(s) addresses, none with a space (a long one cut, ending
# with "…"), joined by ", ". Nothing else is read as the system's sentence: an author
# who starts a reason with its words ("… more sources: the Reuters piece. It also
# shows…") keeps their own text as written, never half translated.
_QUOTED_URLS = r"https?://\S+(?:, https?://\S+)*"


def _pattern(template: str) -> re.Pattern:
    """A sentence of `added_sources_words` in one language as a pattern, anchored at both
    ends, that gives back its `urls` (_QUOTED_URLS only) and `count`."""
    escaped = re.escape(template)
    escaped = escaped.replace(re.escape("%(urls)s"), f"(?P<urls>{_QUOTED_URLS})")
    escaped = escaped.replace(re.escape("%(count)d"), "(?P<count>[0-9]+)")
    return re.compile(rf"\A{escaped}\Z")


@functools.cache
def _system_reasons() -> tuple[re.Pattern, ...]:
    """The patterns of `added_sources_words` in every language of the site (a reason stored
    before it was kept in English is in its filer's language), those with a count first."""
    from django.conf import settings

    with_count, without = [], []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for n in (1, 2, 5, 21):
                with_count.append(
                    ngettext(
                        "Another report of this visit brought more sources: %(urls)s and "
                        "%(count)d more.",
                        "Another report of this visit brought more sources: %(urls)s and "
                        "%(count)d more.",
                        n,
                    )
                )
            without.append(_("Another report of this visit brought more sources: %(urls)s."))
    return tuple(_pattern(t) for t in dict.fromkeys([*with_count, *without]))


def correction_reason(reason: str) -> str:
    """A correction's reason as the reader reads it: one the system wrote
    (`added_sources_words`, in whichever language it was stored) in the active language;
    an author's own words as written."""
    text = (reason or "").strip()
    for pattern in _system_reasons():
        match = pattern.match(text)
        if match:
            count = match.groupdict().get("count")
            return added_sources_words(match.group("urls"), int(count) if count else 0)
    return reason or ""


def _withdrawn(r: dict, ctx: Context) -> str:
    params = _visit(r)
    if r.get("why") == "rejected":
        return (
            _(
                "No verdict on the reported visit of %(person)s to %(where)s %(when)s: the report was "
                "rejected on review."
            )
            % params
        )
    note = withdrawal_note((r.get("note") or "").strip()) or _("removed from the dataset")
    return _(
        "The reported visit of %(person)s to %(where)s %(when)s was withdrawn from the record: "
        "%(note)s."
    ) % {**params, "note": note}


RENDERERS: dict[str, Callable[[dict, Context], str]] = {
    "bound_state_party": _bound_state_party,
    "bound_residual": _bound_residual,
    "bound_declaration": _bound_declaration,
    "bound_referral": _bound_referral,
    "never_party": _never_party,
    "referral_not_binding": _referral_not_binding,
    "not_party": _not_party,
    "not_yet_party": _not_yet_party,
    "no_longer_party": _no_longer_party,
    "not_bound": _not_bound,
    "would_be_bound": _would_be_bound,
    "would_not_be_bound": _would_not_be_bound,
    "warrant": _warrant,
    "no_warrant_in_force": _no_warrant_in_force,
    "warrant_sealed": _warrant_sealed,
    "visit": _visit_sentence,
    "trip": _trip,
    "no_control": _no_control,
    "place_not_controlled": _place_not_controlled,
    "justification": _justification,
    "finding": _finding,
    "no_standing_referral": _no_standing_referral,
    "no_court_finding": _no_court_finding,
    "date_note": _date_note,
    "end_unknown": _end_unknown,
    "sources": _sources,
    "pending": _pending,
    "withdrawn": _withdrawn,
}


def render_reason(reason: dict, context: Context | None = None) -> str:
    """One reason as a sentence (or clause) in the active language, its first letter a
    capital ("The Philippines was…"); '' for an unknown key. `context`: what the verdict's
    other reasons say (Context.of(reasons)); a reason rendered alone has none."""
    renderer = RENDERERS.get(reason.get("key", ""))
    context = context if context is not None else Context()
    if renderer is None or context.already_told(reason):
        return ""
    text = renderer(reason, context)
    if reason.get("key") in HOST_SUBJECT_KEYS:
        context.host_named = True
    return capfirst(text)


def finding_sentences(findings: Sequence[dict], visit: bool = True) -> list[str]:
    """One sentence per `finding` reason (compliance.explanation.finding_reason's dicts) of
    ONE failure to arrest, in date order, in the active language: each read against the
    earlier ones as a verdict's explanation reads them (an Appeals Chamber upholding a
    finding, or reversing its referral: Jordan, 6 May 2019; a deferred referral made:
    Italy, 26 January 2026); a decision of kind `other` says whom it informed and that it
    made no Art. 87(7) finding. For pages that list decisions outside an explanation.

    `visit` False where the decisions concern no visit (a state's failure to comply on its
    own territory, docs/DOMAIN.md "ICC finding"): a decision of kind `other` then informed
    the bodies "about the state's cooperation with the Court", never "of the visit"."""
    ctx = Context(to_tell=tuple(findings), no_visit=not visit)
    return [_finding(r, ctx) for r in findings]


def render(
    reasons: Sequence[dict], language: str | None = None, today: datetime.date | None = None
) -> str:
    """The explanation paragraph for a verdict's `reasons`, in `language` ('en', 'fr'),
    read on `today` (default: the local date): an announced trip whose dates have passed
    by then is told as announced, not recorded as taken (`trip_dates_passed`).

    `reasons` is the tuple/list of dicts the rule returns (compliance.Verdict.reasons,
    stored as JSON with the verdict); `language` None renders in the active language.
    Unknown keys are skipped (a newer rule's reasons never break an older page).
    Dates are written in words in the language; country and situation names too.
    """
    if not reasons:
        return ""
    try:
        # The rendering depends on the reasons, the language and the day only (names and
        # dates come from the catalogues): the same verdict is rendered once per process
        # and day.
        material = json.dumps(reasons, ensure_ascii=False)
    except (TypeError, ValueError):
        return _render(reasons, language, today)
    return render_text(material, language, today)


def render_text(
    material: str, language: str | None = None, today: datetime.date | None = None
) -> str:
    """`render` for reasons given as JSON text (a jsonb column read as text): the text is
    the cache's key as it is, so a reader that has it never encodes the reasons again.
    Read on the local date: an announced trip whose dates have passed is told as such
    (`trip_dates_passed`)."""
    return _render_json(
        material, language or translation.get_language() or "", today or timezone.localdate()
    )


@functools.lru_cache(maxsize=4096)
def _render_json(material: str, language: str, today: datetime.date | None = None) -> str:
    return _render(json.loads(material), language or None, today)


def _render(
    reasons: Sequence[dict], language: str | None, today: datetime.date | None = None
) -> str:
    scope = translation.override(language) if language else contextlib.nullcontext()
    with scope:
        context = Context.of(reasons or (), today)
        return " ".join(text for text in (render_reason(r, context) for r in reasons or ()) if text)


# Stands for the host's stated justification while `render_html` renders an explanation:
# a Unicode noncharacter (U+FDD0), for a program's own use, never a text's.
_QUOTATION = "\ufdd0"


def render_html(
    reasons: Sequence[dict] | None, text_language: str | None, language: str | None = None
) -> SafeString:
    """The explanation paragraph for a page, as HTML: `render`'s text in `language` (None:
    the active one), escaped, with the host's stated justification it quotes (a
    `justification` reason's `text`: the visit's own words, written in `text_language`,
    visits.models.Visit.text_language) in `<span lang="…">` when that language is not the
    page's, so that a screen reader reads the quotation with the right voice (WCAG 2.2 SC
    3.1.2, language of parts: a French justification inside an English explanation, an
    English one inside a French). The quotation reads as `render` gives it (`_quoted`).
    `text_language` None or the page's: the text escaped, nothing marked. The rule's
    reasons are not changed: the quotation is marked as it is rendered."""
    scope = translation.override(language) if language else contextlib.nullcontext()
    with scope:
        lang = language_to_mark(text_language)
    quoting = [
        i
        for i, r in enumerate(reasons or ())
        if isinstance(r, dict) and r.get("key") == "justification" and (r.get("text") or "")
    ]
    if not quoting or not lang:
        return conditional_escape(render(reasons or (), language))
    # Rendered with a stand-in for each quotation, then each put back, escaped and marked.
    stand_ins = [
        {**r, "text": _QUOTATION} if i in quoting else r for i, r in enumerate(reasons or ())
    ]
    escaped = str(conditional_escape(render(stand_ins, language)))
    for i in quoting:
        quotation = format_html('<span lang="{}">{}</span>', lang, _quoted(reasons[i]["text"]))
        escaped = escaped.replace(_QUOTATION, quotation, 1)
    return mark_safe(escaped.replace(_QUOTATION, ""))  # every part escaped above


# The reasons that say a host was not (or would not have been) bound, and why
# (compliance.explanation: `not_bound`, `_would`).
NOT_BOUND_KEYS = frozenset(
    {
        "referral_not_binding",
        "would_not_be_bound",
        "never_party",
        "not_party",
        "not_yet_party",
        "no_longer_party",
        "not_bound",
    }
)


def host_would_be_bound(reasons: Sequence[dict] | None) -> bool | None:
    """What a verdict's stored `reasons` tell of whether its host was (or would have been)
    bound, for a record that keeps no `would_have_been_bound` (a verdict's history): True for
    `would_be_bound` on every possible day; False when a reason says why not
    (NOT_BOUND_KEYS); None when not known: bound on some possible days only, an undated trip
    whose answer depends on its day, or no reasons (a change recorded before they were kept)."""
    told = None
    for reason in reasons or ():
        key = reason.get("key") if isinstance(reason, dict) else None
        if key == "would_be_bound":
            return True if reason.get("known", True) else None
        if key in NOT_BOUND_KEYS:
            told = False
    return told


__all__ = [
    "RENDERERS",
    "finding_bodies",
    "host_would_be_bound",
    "render",
    "render_html",
    "render_reason",
    "render_text",
]


def explanation_or_stored(
    reasons: Sequence[dict] | None, stored: str = "", language: str | None = None
) -> str:
    """A verdict's explanation in `language` (None: the active one): its `reasons`
    rendered, or `stored` (the English text kept with verdicts recorded before reasons
    were, or "" ) when it has none. The rule stores no prose: every reader of a verdict,
    verdict change or report preview goes through here."""
    if not reasons:
        return stored or ""
    return render(reasons, language)
