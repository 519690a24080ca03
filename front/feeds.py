"""Atom 1.0 feeds of new and changed incidents: site-wide, per country and per person.

An entry is a VerdictChange that made a visit an incident, changed an incident's
explanation or basis, or withdrew the flag (a journalist must see that too), including
an incident whose visit left the record ("withdrawn: removed from dataset version X").
Each entry's id is the visit's permanent URL with the change's anchor, unique and stable.

Each entry is updated when it was recorded (RFC 4287's `updated`: the flag appeared, changed
or was withdrawn then), so a feed reader that sorts by date shows today's new flag first,
even for a visit of 2015 imported today; a new incident is `published` on the day its visit
began (the event), which its title also gives. The feed's own `updated` is its newest
change. Categories and summaries are words in the reader's language (the verdict, the host
country, the explanation).

The feeds are written in the language of their address: /fr/incidents/feed/ in French,
/incidents/feed/ in English (core.locale: an address without a language prefix is
English, whatever the cookie or Accept-Language), or in `?lang=`'s (for a reader given one
address). A feed takes no other parameter: `?host=MNG` is a 400 pointing to the country's
own feed in the same language (/states/MNG/feed/, /fr/states/MNG/feed/), never the whole
feed as if it were Mongolia's; a tracking parameter that a shared link carries (`utm_...`,
`fbclid`, `gclid`…: core.locale.is_tracking_parameter, the list the site's lists ignore too)
is ignored.
"""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import F, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.filters import unknown_parameters
from core.locale import LANG, is_tracking_parameter
from core.names import format_date, in_sentence
from front import summaries
from front.pages import finish
from states.models import State
from visits import history
from visits.models import ReviewState, VerdictChange, VerdictCode
from warrants.models import Person

FEED_LENGTH = 50


class TextAtomFeed(Atom1Feed):
    """Atom 1.0 whose entry summaries are plain text: the one escaping point of every feed.

    Django writes a description as `<summary type="html">`, so a stored
    `<script>alert("place")</script>` or `<b onmouseover=alert(1)>` (a reported place,
    a publisher's name) would reach a feed reader as markup. `type="text"` makes the
    reader show it as the characters they are; titles are already text.
    """

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item.get("description") is not None:
            attributes = {"type": "text"}
            # A summary in another language than the feed's (the data changelog's English
            # in a French feed) says so, as the page's lang="en" does (RFC 4287, xml:lang).
            language = item.get("summary_language")
            if language and language != self.feed.get("language"):
                attributes["xml:lang"] = language
            handler.addQuickElement("summary", item["description"], attributes)

    def latest_post_date(self):
        """The feed's `updated`: its newest recorded change (an entry's `recorded`), not
        its newest event, which may be years old."""
        recorded = [item["recorded"] for item in self.items if item.get("recorded")]
        return max(recorded) if recorded else super().latest_post_date()


def visit_time(visit, default: datetime.datetime) -> datetime.datetime:
    """The moment a visit began for a feed: its first day at 00:00 UTC (the first day of
    its month or year when only those are known); `default` for an undated visit."""
    if visit.start is None:
        return default
    return datetime.datetime.combine(visit.start, datetime.time(0), tzinfo=datetime.UTC)


def is_new_incident(change) -> bool:
    """Whether a VerdictChange made its visit an incident: into `non_compliance` from any
    other code (or from none, a first evaluation)."""
    return (
        change.new_code == VerdictCode.NON_COMPLIANCE
        and change.old_code != VerdictCode.NON_COMPLIANCE
    )


def incident_changes():
    """Verdict changes into, within or out of non-compliance, on published visits, and the
    withdrawal of an incident whose visit left the record; newest first. Changes recorded
    at one moment (one evaluation: an import records every incident at once, and their
    entries share one `updated`) come in the order of their visits, the latest first, as a
    reader of the feed expects; a visit of unknown date last."""
    return (
        VerdictChange.objects.filter(
            (Q(new_code=VerdictCode.NON_COMPLIANCE) | Q(old_code=VerdictCode.NON_COMPLIANCE))
            & Q(visit__review_state=ReviewState.VERIFIED)
            | Q(old_code=VerdictCode.NON_COMPLIANCE, new_code=VerdictCode.WITHDRAWN)
        )
        .select_related("visit", "visit__person", "visit__host")
        .order_by("-changed_at", F("visit__start").desc(nulls_last=True), "-id")
    )


def feed_language(request) -> str:
    """`?lang=` as the API reads it (case and spaces ignored: `FR` is `fr`); '' for none."""
    return request.GET.get("lang", "").strip().lower()


def refusal(request) -> HttpResponse | None:
    """A 400 (plain text, in the language of the address: /fr/... in French) for a query a feed cannot honour: a parameter other than
    `lang` (and the tracking parameters a shared link carries, `utm_...`, `fbclid`…:
    core.locale.is_tracking_parameter), or a language the site is not written in; None for a good one.
    A filter the feed cannot apply is answered with the address of the feed that applies it
    (`?host=TJK`: /states/TJK/feed/; `?person=vladimir-putin`: /persons/vladimir-putin/feed/)."""
    unknown = unknown_parameters(
        (name for name in request.GET if not is_tracking_parameter(name)), [LANG]
    )
    language = feed_language(request)
    languages = dict(settings.LANGUAGES)
    if not unknown and (not language or language in languages):
        return None
    lines = []
    if unknown:
        lines.append(
            _("This feed takes no parameter but lang; not %(names)s.")
            % {"names": ", ".join(unknown)}
        )
        # In the language of the feed asked for (/fr/...: the French feeds), its ?lang= kept.
        home = reverse("home")
        kept = f"?lang={language}" if language in languages else ""
        feeds = [
            f"{home}states/{value.strip().upper()}/feed/{kept}"
            for value in request.GET.getlist("host")
            if re.fullmatch(r"[A-Za-z]{3}", value.strip())
        ] + [
            f"{home}persons/{value.strip()}/feed/{kept}"
            for value in request.GET.getlist("person")
            if re.fullmatch(r"[a-z0-9-]{1,100}", value.strip())
        ]
        lines.append(
            _("The feed you may want: %(feeds)s.") % {"feeds": ", ".join(feeds)}
            if feeds
            else _("One country's incidents: %(state)s; one person's: %(person)s.")
            % {"state": f"{home}states/<ISO3>/feed/", "person": f"{home}persons/<slug>/feed/"}
        )
    if language and language not in languages:
        lines.append(
            _("lang: use one of %(languages)s; not %(language)s.")
            % {"languages": ", ".join(languages), "language": repr(language)}
        )
    response = HttpResponse(
        "\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8"
    )
    return finish(response)


class IncidentFeed(Feed):
    """/incidents/feed/: Atom 1.0 entries of new, changed and withdrawn incidents, built
    from the verdict history (`incident_changes`), in the language `?lang=` names; any
    other parameter is a 400."""

    feed_type = TextAtomFeed
    author_name = "iccwatch"

    def __call__(self, request, *args, **kwargs):
        language = feed_language(request)
        refused = refusal(request)
        if refused is not None:
            return refused
        if not language:
            language = translation.get_language()
        with translation.override(language):
            response = super().__call__(request, *args, **kwargs)
            response["Content-Language"] = translation.get_language()
        return finish(response)

    def title(self, obj=None):
        return _("iccwatch: new and changed incidents")

    def subtitle(self, obj=None):
        return _(
            "Visits where a state bound to arrest and surrender a person wanted by the ICC hosted "
            "that person and did not surrender them to the Court."
        )

    def link(self, obj=None):
        return reverse("incidents")

    def feed_url(self, obj=None):
        return reverse("incidents-feed")

    def changes(self, obj):
        return incident_changes()

    def items(self, obj=None):
        changes = list(self.changes(obj)[:FEED_LENGTH])
        # The visits their causes name: their own, already read, and any other in one query;
        # each entry's own visit as it was when the entry was recorded (`recorded_visit`).
        summaries.name_causes(changes, {change.visit for change in changes})
        return changes

    def item_title(self, change):
        # The visit as the entry recorded it: a later correction of its dates does not
        # rename an entry whose summary and `updated` are of that moment.
        visit = change.recorded_visit
        what = (
            f"{visit.person.name} — {summaries.state_name(visit.host)}, "
            f"{summaries.visit_span_words(visit)}"
        )
        if change.new_code == VerdictCode.WITHDRAWN:
            return _("Incident withdrawn: %(what)s") % {"what": what}
        if is_new_incident(change):
            # "recorded", not "new": a first import records incidents of 2010 today.
            return _("Incident recorded: %(what)s") % {"what": what}
        if change.new_code == VerdictCode.NON_COMPLIANCE:
            return _("Incident updated: %(what)s") % {"what": what}
        return _("Incident withdrawn (now %(verdict)s): %(what)s") % {
            "verdict": change.new_label(),
            "what": what,
        }

    def item_description(self, change):
        cause = summaries.change_cause(change)
        recorded = _("Recorded on %(date)s.") % {
            "date": format_date(timezone.localtime(change.changed_at).date())
        }
        if change.new_code == VerdictCode.WITHDRAWN:
            return cause
        why = _("Why the verdict changed:")
        return f"{summaries.explanation(change)}\n\n{why} {cause}\n{recorded}"

    def item_link(self, change):
        return change.visit.get_absolute_url()

    def item_guid(self, change):
        return f"{change.visit.get_absolute_url()}#change-{change.pk}"

    def item_updateddate(self, change):
        """When the change was recorded: the flag appeared, changed or was withdrawn."""
        return change.changed_at

    def item_pubdate(self, change):
        """When the visit the entry reports on began (the event, not its import), as the
        entry recorded it."""
        return visit_time(change.recorded_visit, change.changed_at)

    def item_extra_kwargs(self, change):
        return {"recorded": change.changed_at}

    def item_categories(self, change):
        """The verdict and the host country, in words (the host as the entry recorded it)."""
        return [change.new_label(), summaries.state_name(change.recorded_visit.host)]

    def get_feed(self, obj, request):
        # Atom ids must be absolute IRIs: Feed absolutises links but not guids.
        feed = super().get_feed(obj, request)
        for item in feed.items:
            item["unique_id"] = request.build_absolute_uri(item["unique_id"])
        return feed


class StateIncidentFeed(IncidentFeed):
    """/states/<ISO3>/feed/: the incidents feed of one host (404 for an unknown code)."""

    def get_object(self, request, iso3):
        return get_object_or_404(State, iso3=iso3.upper())

    def title(self, obj=None):
        return _("iccwatch: incidents in %(state)s") % {
            "state": in_sentence(summaries.state_name(obj))
        }

    def link(self, obj=None):
        return obj.get_absolute_url()

    def feed_url(self, obj=None):
        return reverse("state-feed", kwargs={"iso3": obj.iso3})

    def changes(self, obj):
        return incident_changes().filter(visit__host=obj)


class PersonIncidentFeed(IncidentFeed):
    """/persons/<slug>/feed/: the incidents feed of one person (404 for an unknown slug)."""

    def get_object(self, request, slug):
        return get_object_or_404(Person, slug=slug)

    def title(self, obj=None):
        return _("iccwatch: incidents involving %(person)s") % {"person": obj.name}

    def link(self, obj=None):
        return obj.get_absolute_url()

    def feed_url(self, obj=None):
        return reverse("person-feed", kwargs={"slug": obj.slug})

    def changes(self, obj):
        return incident_changes().filter(visit__person=obj)


class ChangesFeed(IncidentFeed):
    """Every change to a public fact (the Changes page, /changes/), newest first: what
    changed, before and after, and why; never who."""

    def title(self, obj=None):
        return _("iccwatch: changes to the facts")

    def subtitle(self, obj=None):
        return _("Every change to a public fact behind the verdicts: what changed, when, and why.")

    def link(self, obj=None):
        return reverse("changes")

    def feed_url(self, obj=None):
        return reverse("changes-feed")

    def items(self, obj=None):
        return history.public_entries(list(history.public_changes(FEED_LENGTH)[:FEED_LENGTH]))

    def item_title(self, entry):
        """The change in words, as the Changes page heads it: "ICC decision Hungary, …:
        changed". Only the kind's first letter is raised (capfirst), never the rest lowered:
        "ICC", "CPI" and "Security Council" keep their capitals."""
        return _("%(kind)s %(name)s: %(action)s") % {
            "kind": capfirst(entry.kind),
            "name": entry.name,
            "action": entry.action_words,
        }

    def item_description(self, entry):
        lines = [_("Why: %(why)s.") % {"why": entry.why}]
        colon = summaries.colon()
        for name, old, new in entry.changes:
            if entry.action == "changed":
                lines.append(f"{name}{colon} {old} → {new}")
            else:
                lines.append(f"{name}{colon} {new or old}")
        return "\n".join(lines)

    def item_link(self, entry):
        """The changed record's page, or the change's own (`Entry.permalink`) for a record
        with none (a source, a signature)."""
        return entry.link or entry.permalink

    def item_guid(self, entry):
        return f"{reverse('changes')}#{entry.slug}"

    def item_updateddate(self, entry):
        return entry.at

    def item_pubdate(self, entry):
        return entry.at

    def item_extra_kwargs(self, entry):
        return {"recorded": entry.at}

    def item_categories(self, entry):
        """What kind of fact changed and how, in words ("visit", "changed")."""
        return [str(entry.kind), str(entry.action_words)]
