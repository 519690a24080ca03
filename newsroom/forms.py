"""The report form: a visit's facts and one or more sources, checked field by field.

The form checks what it can in the reader's language (dates, URLs, a visit to the
person's own state, an end before the start); visits.review checks everything again
when the report is filed (its errors are shown next to the field they name).
"""

from __future__ import annotations

import hashlib
import logging
import re
import time

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from compliance import ImpossibleDate, Period, partial_isoformat
from core.addresses import address_key, typed_address_refusal
from core.auth import client_key, client_network
from core.cache import counters
from core.names import collation_key, country_name, elide, impossible_date
from core.text import PlainTextForm
from front import search
from newsroom.tasks import send_password_reset
from states.models import State
from visits import review
from visits.models import (
    DATASET_LANGUAGE,
    Citation,
    HostControl,
    TextLanguage,
    VisitOutcome,
    VisitStatus,
)
from visits.reports import (
    COMMENT_MAX_LENGTH,
    EXCERPT_MAX_LENGTH,
    JUSTIFICATION_MAX_LENGTH,
    NOTES_MAX_LENGTH,
    SOURCES_MAX,
    TOO_MANY_SOURCES,
    UNKNOWN_END,
    default_outcome,
    outcome_needed,
    sources_limit,
    too_many_sources,
)

PRECISIONS = [
    ("day", gettext_lazy("day")),
    ("month", gettext_lazy("month only")),
    ("year", gettext_lazy("year only")),
]
DATE_HELP = gettext_lazy("YYYY-MM-DD, or YYYY-MM or YYYY when only the month or year is known.")


logger = logging.getLogger(__name__)


def state_choices(blank: str):
    """The states menu: (ISO3, name in the reader's language), in that language's order
    ("Allemagne" under A for French staff), after `blank`."""
    named = [
        (iso3, country_name(iso3, name)) for iso3, name in State.objects.values_list("iso3", "name")
    ]
    return [("", blank), *sorted(named, key=lambda c: collation_key(c[1]))]


def without_maxlength(form: forms.Form) -> None:
    """Take `maxlength` off `form`'s text boxes: a browser cuts a text pasted into such a
    box without a word, while the server's check (the field's max_length) says the limit
    and the length, and gives the text back."""
    for field in form.fields.values():
        if isinstance(field.widget, forms.Textarea):
            field.widget.attrs.pop("maxlength", None)


def partial_date(value: str, precision: str) -> str | None:
    """'2025-10-08' with precision 'month' -> '2025-10'; raises ValueError for a bad date.

    A date typed with less than `precision` gives its own ('2025-10' with the form's
    default 'day' is October 2025): what was typed is what is known. The form refuses a
    date typed with more than its precision (ReportForm._date) rather than narrow it."""
    value = (value or "").strip()
    if not value:
        return None
    period = Period.parse(value)
    given = {4: "year", 7: "month"}.get(len(value), "day")
    order = ["year", "month", "day"]
    return partial_isoformat(period.first, min(given, precision, key=order.index))


def form_language() -> str:
    """The language a report's text is taken to be written in when its form does not say
    (visits.models.TextLanguage): the form's own, the active language, or the dataset's
    (English) for one the menu does not offer."""
    language = (translation.get_language() or DATASET_LANGUAGE).split("-")[0].lower()
    return language if language in TextLanguage.values else DATASET_LANGUAGE


# The code of an error that says what a report still lacks to be submitted (a start date,
# the outcome, a source), not that something typed is wrong: it never blocks a draft.
MISSING = "missing"


class ReportForm(PlainTextForm, forms.Form):
    """A report's visit: what the newsroom's form checks before visits.review checks it
    again. `draft=True`: the report is saved as a draft, and what it still lacks to be
    submitted (errors with the code MISSING) is not asked; what was typed wrong is."""

    person = forms.CharField(
        label=gettext_lazy("Person"),
        max_length=200,
        help_text=gettext_lazy("Type a name or another name (e.g. Putin, al-Bashir)."),
    )
    host = forms.ChoiceField(label=gettext_lazy("Host state"))
    place = forms.CharField(
        label=gettext_lazy("Place"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("City, as the gazetteer spells it; several separated by ';'."),
    )
    start = forms.CharField(
        label=gettext_lazy("Start date"),
        required=False,  # only a cancelled trip may have none (checked in clean)
        max_length=10,
        help_text=DATE_HELP,
    )
    # Shown without "(optional)": required but for a cancelled trip.
    start.required_unless = gettext_lazy("required unless the trip was cancelled")
    start_precision = forms.ChoiceField(
        label=gettext_lazy("Start date precision"), choices=PRECISIONS
    )
    end = forms.CharField(
        label=gettext_lazy("End date"), required=False, max_length=10, help_text=DATE_HELP
    )
    end_precision = forms.ChoiceField(label=gettext_lazy("End date precision"), choices=PRECISIONS)
    # The report's `end` "?" (visits.reports.UNKNOWN_END): the sources give no end, which an
    # empty end would not say (it means a visit of one day, its start).
    end_unknown = forms.BooleanField(
        label=gettext_lazy("The end date is not known"),
        required=False,
        help_text=gettext_lazy(
            "Tick when the sources say when the visit began but not when it ended; leave the "
            "end date empty then. An empty end date without it means a visit of one day."
        ),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=VisitStatus.choices,
        help_text=gettext_lazy("'announced' for a trip that has not happened yet."),
    )
    # No outcome is chosen for the reporter: a default ("not arrested") was refused for a
    # trip announced or called off, and could slip through unread for one that took place.
    # Left blank, it is 'n/a' for a trip that did not take place (visits.reports
    # .default_outcome) and asked for otherwise (clean).
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        required=False,
        choices=[("", gettext_lazy("choose what the host did"))] + VisitOutcome.choices,
        help_text=gettext_lazy(
            "Leave it for a trip announced, called off or attended by video: it did not take place."
        ),
    )
    outcome.required_unless = gettext_lazy("required if the trip took place")
    host_control = forms.ChoiceField(
        label=gettext_lazy("The host's control of the place"),
        choices=HostControl.choices,
        initial=HostControl.EFFECTIVE,
    )
    controlled_by = forms.ChoiceField(
        label=gettext_lazy("Occupier (who controlled the place)"),
        required=False,
        help_text=gettext_lazy("Only when the host did not control the place."),
    )
    host_notified = forms.BooleanField(
        label=gettext_lazy("The host was notified of a sealed warrant"), required=False
    )
    host_justification = forms.CharField(
        label=gettext_lazy("The host's stated justification"),
        required=False,
        max_length=JUSTIFICATION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # The language of the words typed in the occasion, the justification and the notes
    # (visits.models.TEXT_FIELDS): the public pages mark them with it where they are shown
    # in another language. A form sent without it (opened before the form asked) reads as
    # written in the form's language (`__init__`).
    text_language = forms.ChoiceField(
        label=gettext_lazy("Language of the text you type"),
        choices=TextLanguage.choices,
        help_text=gettext_lazy(
            "The occasion, the host's justification and the notes: pages in another language "
            "say so, for screen readers."
        ),
    )
    occasion = forms.CharField(label=gettext_lazy("Occasion"), required=False, max_length=300)
    # Shown only on a report sent back for changes (report_form.html); not part of the
    # report's data (report_data), kept on the report (Report.reply).
    reply = forms.CharField(
        label=gettext_lazy("Your answer to the reviewer"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "What you changed, or why you changed nothing: kept with the report for the "
            "reviewer; never published, nor copied to the visit's notes."
        ),
    )
    # Shown without "(optional)": a report sent back is submitted again with its answer
    # (visits.review.needs_an_answer), saved as a draft without.
    reply.required_unless = gettext_lazy("required to submit")
    # A correction's reason (visits.review.REASON_MAX_LENGTH, and a withdrawal's minimum:
    # clean_reason): the view asks for it.
    reason = forms.CharField(
        label=gettext_lazy("Why the visit should change"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "The new source or the error the correction answers: the reviewer reads it, and "
            "readers see it with the correction on the visit's page."
        ),
    )
    # Shown without "(optional)": a correction is submitted with its reason (a draft without).
    reason.required_unless = gettext_lazy("required to submit")
    notes = forms.CharField(
        label=gettext_lazy("Notes"),
        required=False,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    # The order of the page (report_form.html), which the error summary follows too.
    field_order = [
        "reply",
        "reason",
        "person",
        "host",
        "place",
        "start",
        "start_precision",
        "end",
        "end_precision",
        "end_unknown",
        "status",
        "outcome",
        "text_language",
        "occasion",
        "host_control",
        "controlled_by",
        "host_notified",
        "host_justification",
        "notes",
    ]

    def __init__(self, *args, draft: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # A draft is its reporter's work in progress: what it still lacks to be submitted (a
        # start date, the outcome: MISSING) does not keep it from being saved.
        self.draft = draft
        # The text is in the form's language unless the reporter says otherwise, and so is
        # that of a form sent without the menu (opened before it was added).
        language = form_language()
        self.fields["text_language"].initial = language
        if self.is_bound and not self.data.get(self.add_prefix("text_language")):
            self.data = self.data.copy()
            self.data[self.add_prefix("text_language")] = language
        self.fields["host"].choices = state_choices(_("choose a state"))
        self.fields["controlled_by"].choices = state_choices(_("none"))
        self.fields["person"].widget.attrs.update(list="person-list", autocomplete="off")
        self.fields["place"].widget.attrs.update(list="place-list", autocomplete="off")
        without_maxlength(self)
        self.person_obj = None

    def chosen_host(self) -> str | None:
        """The ISO3 code of the host the form names, as its box cleans it (one of the
        states it offers); None when the box is empty or names none: a value sent that is
        no state's code (`MNG%00`: PostgreSQL cannot even compare a NUL) is refused beside
        the box, and nothing is looked up with it (the place suggestions)."""
        try:
            return self.fields["host"].clean(self["host"].value()) or None
        except forms.ValidationError:
            return None

    def clean_reason(self):
        """A correction's reason as visits.review takes it: none (a draft; the view asks for
        one to submit), or WITHDRAWAL_NOTE_MIN characters at least, as a withdrawal's (the
        visit's page shows both); refused beside its box, with the form's other errors."""
        reason = self.cleaned_data["reason"]
        refused = review.correction_reason_errors(reason)
        if refused:
            raise forms.ValidationError(refused)
        return reason

    def clean_person(self):
        """The slug of the wanted person typed, in any spelling that names one
        (front.search.report_person: "Putin", "Vladimir Poutine"); refused naming whom it
        may mean otherwise, as the API's reports are."""
        self.person_obj = search.report_person(self.cleaned_data["person"])
        return self.person_obj.slug

    def _date(self, field):
        typed = (self.cleaned_data.get(field) or "").strip()
        precision = self.cleaned_data.get(f"{field}_precision", "day")
        try:
            value = partial_date(typed, precision)
        except ImpossibleDate as error:
            # In the right shape, but no calendar has it: "February 2026 has no 30th day."
            self.add_error(field, impossible_date(error))
            return None
        except ValueError:
            self.add_error(field, _("Not a date: write YYYY-MM-DD, YYYY-MM or YYYY."))
            return None
        if value is not None and len(value) < len(typed):
            # A day typed with "year only" chosen: which one is meant is not known, and
            # narrowing it would drop the day without a word.
            self.add_error(
                field,
                _(
                    "You typed %(typed)s but chose “%(precision)s”: type %(value)s if only "
                    "that is known, or choose the precision of what you typed."
                )
                % {
                    "typed": typed,  # as typed: the reporter's own words, in any language
                    "precision": dict(PRECISIONS)[precision],
                    "value": value,
                },
            )
            return None
        return value

    def clean(self):
        data = super().clean()
        data["start_value"] = self._date("start") if "start" not in self.errors else None
        data["end_value"] = self._date("end") if "end" not in self.errors else None
        start, end = data["start_value"], data["end_value"]
        if (
            not start
            and data.get("status") != VisitStatus.CANCELLED
            and "start" not in self.errors
            and not self.draft
        ):
            self.add_error(
                "start",
                forms.ValidationError(
                    _("A visit needs a start date (only a cancelled trip may have none)."),
                    code=MISSING,
                ),
            )
        if data.get("end_unknown") and end and "end" not in self.errors:
            # The box is quoted by its label, as the reader sees it on the form.
            self.add_error(
                "end",
                _("Leave the end date empty when it is not known, or untick “%(label)s”.")
                % {"label": self.fields["end_unknown"].label},
            )
        elif data.get("end_unknown") and not start and "start" not in self.errors:
            self.add_error("end", _("An end that is not known needs a start date."))
        elif data.get("end_unknown") and (
            refused := review.unknown_end_refused(data.get("status"))
        ):
            # A cancelled or virtual trip did not take place: it has no end to be unknown.
            self.add_error("end", refused)
        if end and not start and "end" not in self.errors and "start" not in self.errors:
            self.add_error("end", _("An end date needs a start date."))
        if start and end and Period.parse(end).last < Period.parse(start).first:
            self.add_error("end", _("The end is before the start."))
        person, host = self.person_obj, data.get("host")
        if (
            person is not None
            and host
            and person.nationality_id
            and person.nationality.iso3 == host
        ):
            self.add_error(
                "host",
                elide(
                    _("This is %(person)s's own state: a visit to one's own state is not a visit.")
                    % {"person": person.name}
                ),
            )
        if not data.get("outcome") and "outcome" not in self.errors:
            default = default_outcome(data.get("status"))  # 'n/a' for a trip not taken
            if default is not None:
                data["outcome"] = default
            elif data.get("status") and not self.draft:
                self.add_error("outcome", forms.ValidationError(outcome_needed(), code=MISSING))
        if data.get("controlled_by") and data.get("host_control") != HostControl.NONE:
            self.add_error(
                "controlled_by", _("Name an occupier only when the host did not control the place.")
            )
        return data

    def report_data(self) -> dict:
        """The report's data as visits.review reads it (call after is_valid()). On a form
        with errors, what the form accepted, each field it refused blank (None for a date
        or an occupier): what `newsroom.views.filing_refusals` checks as filing would."""
        d = self.cleaned_data
        return {
            "person": d.get("person", ""),
            "host": d.get("host", ""),
            "start": d.get("start_value"),
            "end": UNKNOWN_END if d.get("end_unknown") else d.get("end_value"),
            "place": d.get("place", ""),
            "occasion": d.get("occasion", ""),
            "status": d.get("status", ""),
            "outcome": d.get("outcome", ""),
            "host_notified": d.get("host_notified", False),
            "host_justification": d.get("host_justification", ""),
            "host_control": d.get("host_control", ""),
            "controlled_by": d.get("controlled_by") or None,
            "notes": d.get("notes", ""),
            "text_language": d.get("text_language") or form_language(),
        }

    @classmethod
    def initial_from(cls, data: dict) -> dict:
        """Form values from a report's data (a draft, or a published visit for a correction)."""
        from warrants.models import Person

        initial = {k: v for k, v in data.items() if v is not None}
        # A report filed before the form asked is in the dataset's language (review.normalise).
        initial["text_language"] = review.normalise(data)["text_language"]
        person = Person.objects.filter(slug=data.get("person") or "").first()
        if person is not None:
            initial["person"] = person.name
        if data.get("end") == UNKNOWN_END:
            initial["end"], initial["end_unknown"] = "", True
        for field in ("start", "end"):
            value = data.get(field) or ""
            initial[f"{field}_precision"] = {4: "year", 7: "month"}.get(len(value), "day")
        return initial


class AddressField(forms.URLField):
    """A source's address, or its archived copy's: Django's URLField (its scheme `https`
    when typed without one), whose refusal of an address that is no URL says why in the
    project's words when the address rule can (core.addresses.typed_address_refusal: a
    space after the host, and where it is, to write %20; a host without a dot, which
    only a network knows), not "Enter a valid URL." alone. The rest of the address rule
    (a private network, a user name or password, a `"`) is visits.review's, checked
    with the report's other refusals (newsroom.views.filing_refusals)."""

    def __init__(self, **kwargs):
        super().__init__(max_length=1000, assume_scheme="https", **kwargs)

    def run_validators(self, value):
        try:
            super().run_validators(value)
        except forms.ValidationError as refused:
            said = typed_address_refusal(value)
            if said is None:
                raise
            # Only the URL check's refusal is reworded: another (its length) stands.
            raise forms.ValidationError(
                [
                    forms.ValidationError(said, code="invalid") if e.code == "invalid" else e
                    for e in refused.error_list
                ]
            ) from None


class SourceForm(PlainTextForm, forms.Form):
    url = AddressField(label=gettext_lazy("URL"), required=False)
    # A blank source form is left out, but a report needs at least one source's URL.
    url.required_unless = gettext_lazy("at least one source needs it")
    # As long as a citation keeps it (visits.models.Citation, WithdrawalCitation): a longer
    # one was filed, then failed the verification with a database error.
    publisher = forms.CharField(
        label=gettext_lazy("Publisher"),
        required=False,
        max_length=Citation._meta.get_field("publisher").max_length,
    )
    published = forms.DateField(
        label=gettext_lazy("Publication date"),
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text=gettext_lazy("YYYY-MM-DD"),
        error_messages={"invalid": gettext_lazy("Not a date: write YYYY-MM-DD.")},
    )
    excerpt = forms.CharField(
        label=gettext_lazy("Excerpt"),
        required=False,
        max_length=EXCERPT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    archived_url = AddressField(label=gettext_lazy("Archived copy (URL)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        without_maxlength(self)
        # The addresses as read when typed without "https://" (URLField adds it), each
        # with its field's name: the source's ("url"), then its archived copy's
        # ("archived_url").
        self.completed: list[tuple[str, str]] = []

    def _completed(self, name: str) -> str:
        url = self.cleaned_data[name]
        typed = (self.data.get(self.add_prefix(name)) or "").strip()
        if url and typed and not re.match(r"[a-z][a-z0-9+.-]*://", typed, re.IGNORECASE):
            self.completed.append((name, url))
        return url

    def clean_url(self):
        return self._completed("url")

    def clean_archived_url(self):
        return self._completed("archived_url")

    def clean(self):
        data = super().clean()
        # What was typed, read or refused: a source whose date is refused is refused for
        # its missing URL in the same answer, not once the date is fixed.
        others = any(
            (self.data.get(self.add_prefix(f)) or "").strip()
            for f in ("publisher", "published", "excerpt", "archived_url")
        )
        if others and not data.get("url") and "url" not in self.errors:
            self.add_error("url", _("A source needs its URL."))
        return data

    def citation(self, partly: bool = False) -> dict | None:
        """The citation this source gives ({"url", "publisher", "published": ISO date or
        None, "excerpt", "archived_url"}), None for one without a URL. `partly`: a
        source the form refused gives what it accepted, each refused field blank, its
        URL "" when that was refused (so that filing checks the rest of it:
        BaseSourceFormSet.numbered_citations)."""
        d = self.cleaned_data
        if not d.get("url") and not (partly and "url" in self.errors):
            return None
        return {
            "url": d.get("url") or "",
            "publisher": d.get("publisher", ""),
            "published": d["published"].isoformat() if d.get("published") else None,
            "excerpt": d.get("excerpt", ""),
            "archived_url": d.get("archived_url", ""),
        }


# The code of the refusal of a report citing more than visits.reports.SOURCES_MAX sources
# (Django's own for a formset posting too many forms, which says it in the same words): it
# holds back a draft as well as a submission.
TOO_MANY = "too_many_forms"
# The most source forms read from one POST: every form a newsroom page may show (a
# correction rebuilt after its visit changed lists the visit's sources and the reporter's
# own, each list at most SOURCES_MAX), so that a form shown with too many sources can be
# sent back with some of them blanked. A POST counting more forms is refused (TOO_MANY)
# without reading those past it.
SOURCE_FORMS_READ = 2 * SOURCES_MAX


class BaseSourceFormSet(forms.BaseFormSet):
    """The sources of a report: at least one (a visit's) unless `required` is False (a
    withdrawal's, none of which is needed: OptionalSourceFormSet), and at most
    `limit` (visits.reports.sources_limit: SOURCES_MAX, the API's limit too
    (api.reports.serializers); for a correction of a visit already citing more, as many as
    it cites), a draft's as a submission's: more is a non-form error with the code
    TOO_MANY, and nothing is saved. Bound, it reads at most SOURCE_FORMS_READ forms (or
    twice `limit`, if more)."""

    required = True
    limit = SOURCES_MAX
    # Also Django's refusal of a post counting more forms than it reads (absolute_max).
    default_error_messages = {TOO_MANY: TOO_MANY_SOURCES}

    def __init__(self, *args, draft: bool = False, **kwargs):
        """`draft`: a draft's sources, saved as typed: an address given twice is said
        when the draft is submitted, not held against it (as ReportForm's `draft` lets
        through what a draft still lacks)."""
        super().__init__(*args, **kwargs)
        self.draft = draft

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if not self.required:
            # Nothing here is needed: the URL says "(optional)" as the other fields do.
            form.fields["url"].required_unless = None

    def clean(self):
        if not self.draft:
            self._refuse_repeated_urls()
        # Counted as given, a blank form left out: blanking a source is how the form
        # removes one, so a form that is blank does not hold a report back (which
        # Django's validate_max, counting the forms, would).
        if sum(form.has_changed() for form in self.forms) > self.limit:
            raise forms.ValidationError(too_many_sources(self.limit), code=TOO_MANY)
        if any(self.errors):
            return
        if self.required and not self.citations():
            raise forms.ValidationError(
                _("At least one source (a public URL) is required."), code=MISSING
            )

    def _refuse_repeated_urls(self) -> None:
        """A URL given by an earlier source is refused beside each later one, naming the
        first by the number the form shows it with ("Source 2", blank forms before it
        counted): visits.review.resolve_citations' rule (`cited_twice`), which numbers
        only the citations it is given (no blank form, no source refused for its URL),
        said here first in the form's numbers, with the sources' other errors."""
        first: dict[str, int] = {}
        for number, form in enumerate(self.forms, start=1):
            url = getattr(form, "cleaned_data", {}).get("url")
            if not url or "url" in form.errors:
                continue
            # One document however written (core.addresses.address_key): http or https,
            # the host's case, a fragment, a newsletter's tracking parameters.
            key = address_key(url)
            if key in first:
                form.add_error("url", review.cited_twice(url, first[key]))
            else:
                first[key] = number

    def citations(self) -> list[dict]:
        return [c for _, c in self.numbered_citations()]

    def too_many(self) -> bool:
        """Whether the sources were refused for their number (TOO_MANY: more than
        SOURCES_MAX), which keeps even a draft from being saved. Validates the formset."""
        return any(e.code == TOO_MANY for e in self.non_form_errors().as_data())

    def keep_draft_errors(self) -> None:
        """Forget the refusals of the sources as a whole that a draft is not told (none
        given yet: MISSING), keeping those that held it back (TOO_MANY). Validates the
        formset."""
        self._non_form_errors = self.error_class(
            [e for e in self.non_form_errors().as_data() if e.code == TOO_MANY],
            error_class="nonform",
            renderer=self.renderer,
        )

    def numbered_citations(self, partly: bool = False) -> list[tuple[int, dict]]:
        """(index of its form from 0, citation) for each source given, in the form's order:
        where a refusal of one of `citations()` goes (the form's `add_error`). `partly`:
        also each source the form refused, each refused field left blank, its URL ""
        when that was refused (SourceForm.citation): what filing is asked to check
        besides the form's errors, so that every problem of a source is said at once (a
        date that is not one with its address cited twice, an address with a space with
        a publication date in the future), not once the first is fixed."""
        numbered = []
        for index, form in enumerate(self.forms):
            if form.is_valid():
                citation = form.citation()
            elif partly:
                citation = form.citation(partly=True)
            else:
                continue
            if citation:
                numbered.append((index, citation))
        return numbered

    def completed_urls(self) -> list[tuple[int, str, str]]:
        """(source number from 1, field, the address as read) for each address typed
        without a scheme, which is read as https (the URL fields' `assume_scheme`): the
        source's (field "url") or its archived copy's ("archived_url")."""
        return [
            (number, field, url)
            for number, form in enumerate(self.forms, start=1)
            if form.is_valid()
            for field, url in form.completed
        ]


class OptionalSourceFormSet(BaseSourceFormSet):
    """A withdrawal's sources: each checked as a visit's, none required (an error in the
    record's own entry may have no outside source; visits.review.WITHDRAWAL_CITATIONS)."""

    required = False


def source_formset_class(
    base: type[BaseSourceFormSet] = BaseSourceFormSet, extra: int = 0, limit: int = SOURCES_MAX
):
    """The formset class of a report's sources (`base`: BaseSourceFormSet, or
    OptionalSourceFormSet for a withdrawal's) showing `extra` blank forms after the given
    ones, never more forms than `limit` (visits.reports.sources_limit) in all (unless more
    sources are given) and reading at most SOURCE_FORMS_READ forms of a POST (twice
    `limit`, if more). How many sources a report may cite is BaseSourceFormSet.clean's
    check (counting those given, not the forms, against `limit`)."""
    return forms.formset_factory(
        SourceForm,
        formset=base
        if limit == base.limit
        else type(
            base.__name__,
            (base,),
            {
                "limit": limit,
                "default_error_messages": {TOO_MANY: lazy(too_many_sources, str)(limit)},
            },
        ),
        extra=extra,
        max_num=limit,
        absolute_max=max(SOURCE_FORMS_READ, 2 * limit),
    )


SourceFormSet = source_formset_class()
# The prefix of a withdrawal's sources: its form shares the correction page with the
# correction's own sources (prefix "source"), each field's id its own.
WITHDRAWAL_SOURCES = "withdrawal_source"


def source_formset(
    data=None,
    initial=None,
    extra_blank: int = 1,
    prefix: str = "source",
    visit=None,
    draft: bool = False,
):
    """The sources formset with `extra_blank` empty forms after the given ones; with
    `prefix` WITHDRAWAL_SOURCES, a withdrawal's (OptionalSourceFormSet). `visit`: the
    visit a correction corrects, whose sources it may keep however many
    (visits.reports.sources_limit); None for a new visit's report or a withdrawal's.
    `draft`: bound to a draft's POST (BaseSourceFormSet's `draft`)."""
    base = OptionalSourceFormSet if prefix == WITHDRAWAL_SOURCES else BaseSourceFormSet
    limit = sources_limit(visit if base is BaseSourceFormSet else None)
    if data is not None:
        return source_formset_class(base, limit=limit)(data, prefix=prefix, draft=draft)
    return source_formset_class(base, extra_blank, limit)(
        initial=list(initial or []), prefix=prefix
    )


def posted_source_count(post, prefix: str = "source") -> int:
    """How many source forms of formset `prefix` `post` holds: its TOTAL_FORMS, or, when
    that is not a number (altered by hand), the source forms actually posted."""
    try:
        return int(post.get(f"{prefix}-TOTAL_FORMS", "0") or 0)
    except ValueError:
        form_field = re.compile(rf"{re.escape(prefix)}-([0-9]{{1,2}})-\w+")
        posted = {found.group(1) for key in post if (found := form_field.fullmatch(key))}
        return max((int(index) + 1 for index in posted), default=0)


def add_blank_source(post, prefix: str = "source") -> dict:
    """The posted data with one more (empty) source form (the "Add another source" button),
    none past SOURCES_MAX forms: a form holding that many already (or more, up to the
    SOURCE_FORMS_READ read: a correction rebuilt from its visit's sources and the
    reporter's) keeps its forms and gets none. A count of forms that is not a number
    (altered by hand) is taken from the source forms actually posted, so that none of them
    is lost and the page does not fail."""
    data = post.copy()
    total = posted_source_count(post, prefix)
    more = total + 1 if total < SOURCES_MAX else min(total, SOURCE_FORMS_READ)
    data[f"{prefix}-TOTAL_FORMS"] = str(max(0, more))
    return data


def mark_added_source(formset, post):
    """`formset` (bound to what add_blank_source made of `post`), its last source form marked
    `added` when "Add another source" added it (none past the limit): its page gives that
    source's fieldset the keyboard's focus (data-focus-on-load, newsroom-form.js), which a
    screen reader announces by its legend ("Source 3"), rather than leaving the focus at the
    top of the page (WCAG 2.4.3). Returns `formset`; None stays None (a form without it)."""
    if formset is not None and len(formset.forms) > max(
        0, posted_source_count(post, formset.prefix)
    ):
        formset.forms[-1].added = True
    return formset


class CommentForm(PlainTextForm, forms.Form):
    """A reviewer's comment when sending a report back or rejecting it: required, and at
    most COMMENT_MAX_LENGTH characters (visits.reports)."""

    comment = forms.CharField(
        label=gettext_lazy("Comment for the author"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=COMMENT_MAX_LENGTH,
        error_messages={"required": gettext_lazy("Say why, for the author.")},
    )


# A password reset mails a link: at most 10 requests an hour from one client (its address,
# an IPv6 client's /64: core.auth.client_key), whatever the addresses it types,
# ICCWATCH_PASSWORD_RESET_NETWORK_LIMIT (50) an hour from the clients of one IPv6 /48
# together (core.auth.client_network: one holder of a /48 has 65,536 /64s, each with 10
# requests of its own; the settings keep it no lower than the client's 10), and one mail to
# an address every 15 minutes, whoever asks (README, "The newsroom"). A request from
# elsewhere spends no mail its owner needs: the mail it sent went to the owner, whose link
# stays valid for PASSWORD_RESET_TIMEOUT.
RESET_REQUESTS_PER_CLIENT = (10, 60 * 60)  # (requests, seconds)
RESET_NETWORK_PERIOD = 60 * 60  # seconds; the requests: ICCWATCH_PASSWORD_RESET_NETWORK_LIMIT
RESET_MAILS_PER_ADDRESS = (1, 15 * 60)


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's password reset form, which cannot be used to flood an inbox: past the limits
    above (RESET_REQUESTS_PER_CLIENT, RESET_MAILS_PER_ADDRESS) it sends nothing, and answers
    as it always does (the next page says a mail is on its way if the address has an
    account; whether it has one is never told). Past its IPv6 /48's limit
    (ICCWATCH_PASSWORD_RESET_NETWORK_LIMIT) it sends nothing either, and says so: `save`
    leaves the reason in `refusal`, which newsroom.views.ThrottledPasswordResetView shows
    (a 429). That count is the client's network's, never the address typed, so saying
    it tells nothing of whether an address has an account, and the people of a /48 that
    someone else used up learn that no link is coming. The counts are the API's
    rate-limit logs (core.cache.counters: shared in Redis, in this process's memory while
    Redis is down).

    Within the limits it does the same for every address, known or not: after commit it
    enqueues newsroom.tasks.mail_password_reset, which looks the address up and mails its
    accounts a link built from ICCWATCH_BASE_URL (never from the request's Host header).
    The mail server's delay is the worker's, never the answer's; without a broker the task
    runs inline, as every task does."""

    # Why save() sent nothing, to be shown (a translated message); None otherwise.
    refusal: str | None = None

    def save(
        self,
        *args,
        request=None,
        subject_template_name="registration/password_reset_subject.txt",
        email_template_name="registration/password_reset_email.html",
        **kwargs,
    ):
        email = self.cleaned_data["email"].strip().lower()
        client = client_key(request) if request is not None else ""
        network = client_network(request) if request is not None else None
        digest = hashlib.sha256(email.encode()).hexdigest()[:32]
        now = time.time()
        counts = [(f"client:{client}", RESET_REQUESTS_PER_CLIENT)]
        if network is not None:
            network_limit = settings.ICCWATCH_PASSWORD_RESET_NETWORK_LIMIT
            counts.append((f"network:{network}", (network_limit, RESET_NETWORK_PERIOD)))
        counts.append((f"email:{digest}", RESET_MAILS_PER_ADDRESS))
        # Counted in turn, and the first refusal stops: a request one count refuses spends
        # none of the next (one past the client's limit must not spend its /48's requests,
        # nor the mail the address's owner may ask for next).
        for key, limit in counts:
            (hit,) = counters.hit([(f"iccwatch:password-reset:{key}", *limit)], now)
            if not hit.allowed:
                logger.warning("password reset not mailed: over its limit (%s)", key)
                if key.startswith("network:"):
                    self.refusal = ngettext(
                        "%(limit)s password reset was already asked from your network (the "
                        "addresses of one IPv6 /48) in the last hour, the most one network "
                        "may ask: no link was sent. Try again later.",
                        "%(limit)s password resets were already asked from your network (the "
                        "addresses of one IPv6 /48) in the last hour, the most one network "
                        "may ask: no link was sent. Try again later.",
                        limit[0],
                    ) % {"limit": limit[0]}
                return None
        arguments = (
            self.cleaned_data["email"],
            translation.get_language() or settings.LANGUAGE_CODE,
            subject_template_name,
            email_template_name,
        )
        transaction.on_commit(lambda: send_password_reset(*arguments))
        return None
