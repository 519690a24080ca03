"""Reading the history of every fact that core.history records: a record's events (for
staff) and the changes to public facts (for everyone, on /changes/).

An entry is one event: a row added, changed or removed, with the row before and after
(the previous event of the same row is the "before"), when, and the context (who,
through which path, for which dataset version). Things are named by their natural keys
(slugs, ISO3 codes, URLs), never by database ids; a person or a state that a field or a
report's facts point to reads by its label (the person's name, the state's in the
reader's language).

The public changes are those to public facts only: verified (or withdrawn) visits and
their citations (their withdrawals' too), persons, warrants, treaty events, declarations, findings, joint
statements and their signatories, Security Council referrals, and the changes to a source
a public fact cites (its creation is told by the citation that brought it). Never a
report, never an unverified visit, never a staff member's name: "why" is the import of a
dataset version, a verified correction, withdrawal, restoration or report, or an edit.

A source (core.models.Source) is named by its address as it stood when the entry was
recorded (`_Names.of`): an address changed later is the source's own event, never credited
to the report that cited the document.
"""

from __future__ import annotations

import datetime
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    DateField,
    DateTimeField,
    Exists,
    Model,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from compliance import partial_isoformat
from core import causes, tabular
from core.causes import FIELDS
from core.history import WritePath
from core.locale import in_language
from core.models import Source
from core.names import country_name, format_date, format_moment
from core.reasons import correction_reason, withdrawal_note
from states.models import (
    Declaration,
    JointStatement,
    JointStatementSignatory,
    SecurityCouncilReferral,
    State,
    TreatyEvent,
)
from visits import review
from visits.models import (
    DATASET_LANGUAGE,
    TEXT_FIELDS,
    Citation,
    Finding,
    FindingKind,
    Report,
    ReportState,
    ReviewState,
    Visit,
    WithdrawalCitation,
    readable_review,
    readable_visit,
)
from warrants.models import Case, Person, Situation, Warrant

# The tracked models, by the name an address uses (/newsroom/history/visits.visit/12/).
TRACKED: dict[str, type[Model]] = {
    model._meta.label_lower: model
    for model in (
        Visit,
        Source,
        Citation,
        WithdrawalCitation,
        Finding,
        Report,
        Person,
        Warrant,
        TreatyEvent,
        Declaration,
        SecurityCouncilReferral,
        JointStatement,
        JointStatementSignatory,
    )
}
# What each kind of record is called, in the reader's language.
KINDS = {
    Visit: gettext_lazy("visit"),
    Source: gettext_lazy("source"),
    Citation: gettext_lazy("source of a visit"),
    WithdrawalCitation: gettext_lazy("source of a visit's withdrawal"),
    # Every ICC decision on a state's cooperation, an Art. 87(7) finding or not: the
    # record's name gives its kind (`_record_name`).
    Finding: gettext_lazy("ICC decision"),
    Report: gettext_lazy("report"),
    Person: gettext_lazy("person"),
    Warrant: gettext_lazy("warrant"),
    TreatyEvent: gettext_lazy("treaty event"),
    Declaration: gettext_lazy("declaration"),
    SecurityCouncilReferral: gettext_lazy("Security Council referral"),
    JointStatement: gettext_lazy("joint statement"),
    JointStatementSignatory: gettext_lazy("signatory of a joint statement"),
}
PUBLIC_MODELS = [m for m in TRACKED.values() if m is not Report]
# A visit's version before one in these states was public (a withdrawn one was public and
# says why it left); which of a visit's versions are public: visits.models.readable_review.
PUBLIC_VISIT_STATES = [ReviewState.VERIFIED, ReviewState.WITHDRAWN]
# Fields the public never sees in a change (derived, internal or a researcher's own).
PRIVATE_FIELDS = {"id", "expected_verdict", "author", "reviewer", "idempotency_key", "fingerprint"}
# Fields of one kind of record the public never sees: a visit's notes are the researchers'
# own (data/DICTIONARY.md: the visit page, the API and every export leave them out); a
# person's, a warrant's, a finding's or a declaration's notes are shown on the public pages
# or in the API, so their changes are public too.
PRIVATE_FIELDS_OF: dict[type[Model], set[str]] = {Visit: {"notes"}}
# Machine values nobody reads (a report's duplicate-detection hash): shown to no one.
HIDDEN_FIELDS = {"fingerprint"}
# The fields whose values are the dataset's own words, in English whatever the reader's
# language (data/DICTIONARY.md), as the pages that show them mark them (`data_lang`): notes,
# occasions, roles, charges, the Court's decision titles, statement titles, the host's
# stated justification; a visit's own (TEXT_FIELDS) in the language its version records
# (`text_language`, Entry.rows). A report's facts are its author's words, in any language.
ENGLISH_FIELDS = {
    "notes",
    "note",
    "occasion",
    "host_justification",
    "role",
    "charges",
    "decision_reference",
    "title",
}
# Field names beyond those the verdict history already names (core.causes.FIELDS).
MORE_FIELDS = {
    "notes": pgettext_lazy("history field", "notes"),
    "note": pgettext_lazy("history field", "note"),
    "occasion": pgettext_lazy("history field", "occasion"),
    "source": pgettext_lazy("history field", "source"),
    "url": pgettext_lazy("history field", "address"),
    "publisher": pgettext_lazy("history field", "publisher"),
    "published": pgettext_lazy("history field", "published"),
    "excerpt": pgettext_lazy("history field", "excerpt"),
    "archived_url": pgettext_lazy("history field", "archived copy"),
    "slug": pgettext_lazy("history field", "identifier"),
    "ref": pgettext_lazy("history field", "identifier"),
    "role": pgettext_lazy("history field", "role"),
    "other_names": pgettext_lazy("history field", "other names"),
    "born": pgettext_lazy("history field", "born"),
    "charges": pgettext_lazy("history field", "charges"),
    "case": pgettext_lazy("history field", "case"),
    "title": pgettext_lazy("history field", "title"),
    "state": pgettext_lazy("history field", "state"),
    "jointstatement": pgettext_lazy("history field", "joint statement"),
    "resolution": pgettext_lazy("history field", "resolution"),
    "chamber": pgettext_lazy("history field", "chamber"),
    "decision_reference": pgettext_lazy("history field", "decision"),
    "signatory_count": pgettext_lazy("history field", "number of signatories"),
    "status_date": pgettext_lazy("history field", "status date"),
    # A treaty event's date may be known only to the month or year.
    "precision": pgettext_lazy("history field", "precision of the date"),
    # A report's own fields.
    "is_correction": pgettext_lazy("history field", "correction"),
    "data": pgettext_lazy("history field", "what the report says"),
    "citations": pgettext_lazy("history field", "sources"),
    "withdrawal_citations": pgettext_lazy("history field", "sources of the withdrawal"),
    "author": pgettext_lazy("history field", "author"),
    "reviewer": pgettext_lazy("history field", "reviewer"),
    "comment": pgettext_lazy("history field", "reviewer's comment"),
    "changes": pgettext_lazy("history field", "changes"),
    "created_at": pgettext_lazy("history field", "created"),
    "updated_at": pgettext_lazy("history field", "updated"),
    "submitted_at": pgettext_lazy("history field", "submitted"),
    "reviewed_at": pgettext_lazy("history field", "reviewed"),
    "idempotency_key": pgettext_lazy("history field", "idempotency key"),
    "based_on": pgettext_lazy("history field", "filled from the visit as of"),
    "reason": pgettext_lazy("history field", "reason for the correction"),
    "reply": pgettext_lazy("history field", "author's answer"),
    "text_language": pgettext_lazy("history field", "language of the text"),
}
TEXT_LIMIT = 300
# True while a change's own page builds its entry: its values are shown whole.
_WHOLE_VALUES: ContextVar[bool] = ContextVar("history_whole_values", default=False)


# A field whose name means another thing in one record: a report's `state` is where it
# stands in review, not a state (the host, a finding's state).
MODEL_FIELDS = {
    ("visits", "report", "state"): pgettext_lazy("history field", "review status"),
}


def field_name(name: str, model: type[Model] | None = None) -> str:
    """A field's name as the reader reads it; `model`, when given, the record's model (a
    report's `state` reads "review status")."""
    if model is not None:
        meta = model._meta
        label = MODEL_FIELDS.get((meta.app_label, meta.model_name, name))
        if label:
            return str(label)
    label = FIELDS.get(name) or MORE_FIELDS.get(name)
    if label:
        return str(label)
    if name.endswith("_precision"):
        base = name.removesuffix("_precision")
        return _("%(field)s (precision)") % {"field": field_name(base) if base else name}
    return name.replace("_", " ")


@dataclass
class Entry:
    """One event of one record, with the row before and after it."""

    model: type[Model]
    event: Model
    before: dict | None
    after: dict | None
    context: dict = field(default_factory=dict)
    # Filled by `_describe`: the record's name in parts (`Words`), each changed field's
    # before and after in words, and why it changed.
    name_parts: Words = field(default_factory=list)
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    # The model field each of `changes` is about, in the same order.
    changed_fields: list[str] = field(default_factory=list)
    # For each of `changes`: whether its before and its after are an empty value (said
    # "none" in the reader's language, so never the dataset's English words).
    empty_sides: list[tuple[bool, bool]] = field(default_factory=list)
    # By the index of one of `changes`: its before and its after in parts (`Words`), when
    # they name a record partly in another language (a joint statement: its date in words,
    # its English title), for a page to mark that part; None for a side not said.
    value_parts: dict[int, tuple[Words | None, Words | None]] = field(default_factory=dict)
    why: str = ""
    link: str = ""
    # The newsroom report the event is of, or that made it (a verified report's
    # verification), by its number; None for an import, an edit, ...
    report: int | None = None

    @property
    def name(self) -> str:
        """The record's name as plain text ("2 November 2020, Joint statement of … —
        Mongolia"): a feed's title, which cannot mark the language of a part."""
        return _plain(self.name_parts)

    @property
    def name_html(self) -> SafeString:
        """The record's name as HTML, each part written in another language than the
        page's in `<span lang="…">` (core.locale.in_language): a joint statement's English
        title on /fr/changes/, as the state's page marks it (WCAG 3.1.2)."""
        return _html(self.name_parts)

    @property
    def rows(self) -> list[tuple[str, str, str, str | None, str | None]]:
        """`changes` as (field's name, before, after, the language the before and the
        after are written in, for a page to mark it: `data_lang`): the dataset's own words
        (ENGLISH_FIELDS, not empty) are in English, but a visit's free text (TEXT_FIELDS) in
        the language its version says (`text_language`: the before's for the before, the
        after's for the after); None for anything else (words in the reader's language). A
        value in parts (`value_parts`: a joint statement named) is HTML that marks its own
        parts, with None."""
        rows = []
        for index, (field_, (name, old, new), (old_empty, new_empty)) in enumerate(
            zip(self.changed_fields, self.changes, self.empty_sides, strict=True)
        ):
            if index in self.value_parts:
                old_parts, new_parts = self.value_parts[index]
                old = _html(old_parts) if old_parts is not None else old
                new = _html(new_parts) if new_parts is not None else new
                rows.append((name, old, new, None, None))
                continue
            if self.model is Report or field_ not in ENGLISH_FIELDS:
                rows.append((name, old, new, None, None))
                continue
            old_lang = None if old_empty else self._text_language(field_, self.before)
            new_lang = None if new_empty else self._text_language(field_, self.after)
            rows.append((name, old, new, old_lang, new_lang))
        return rows

    def _text_language(self, field_: str, version: dict | None) -> str:
        """The language `field_` of a version of the record (`before` or `after`) is
        written in: a visit's free text in its `text_language`, the rest of the dataset's
        words in English (DATASET_LANGUAGE)."""
        if self.model is Visit and field_ in TEXT_FIELDS and version:
            return version.get("text_language") or DATASET_LANGUAGE
        return DATASET_LANGUAGE

    @property
    def at(self) -> datetime.datetime:
        return self.event.pgh_created_at

    @property
    def label(self) -> str:
        return self.event.pgh_label

    @property
    def action(self) -> str:
        """added, changed, removed (or baseline: as the row stood when history began)."""
        if self.after is None:
            return "removed"
        if self.before is None:
            return "baseline" if self.label == "baseline" else "added"
        return "changed"

    @property
    def action_words(self) -> str:
        # Nouns in French ("ajout"), so that the word agrees with every kind of record.
        return {
            "added": pgettext("a record's history", "added"),
            "changed": pgettext("a record's history", "changed"),
            "removed": pgettext("a record's history", "removed"),
            "baseline": _("as it stood when the history began"),
        }[self.action]

    @property
    def kind(self) -> str:
        return str(KINDS[self.model])

    @property
    def slug(self) -> str:
        """A stable anchor for this entry (the feed's ids)."""
        return f"{self.model._meta.label_lower}-{self.event.pk}"

    @property
    def permalink(self) -> str:
        """The entry's own page, whatever newer changes arrive: /changes/visits.finding-22/
        (front.views.changes.change_detail), in the reader's language."""
        return reverse(
            "change", kwargs={"label": self.model._meta.label_lower, "pk": self.event.pk}
        )

    @property
    def path(self) -> str:
        return self.context.get("path") or ""

    @property
    def path_words(self) -> str:
        """The way in, in the reader's language ("rédaction" for `newsroom`); an unknown
        one as recorded."""
        path = self.path
        return str(WritePath(path).label) if path in WritePath.values else path

    @property
    def author(self) -> str:
        """Who, for staff: the username, or the account that ran a shell or command."""
        return self.context.get("username") or self.context.get("os_user") or ""


def _fields(event_model) -> list:
    return [f for f in event_model._meta.concrete_fields if not f.name.startswith("pgh_")]


def _snapshot(event) -> dict:
    return {f.name: getattr(event, f.attname) for f in _fields(type(event))}


def _previous(event_model, events: list) -> dict[int, Any]:
    """The event before each of `events` of the same row, by event id."""
    if not events or not any(f.name == "pgh_obj" for f in event_model._meta.fields):
        return {}
    ids = [e.pk for e in events]
    before = (
        event_model.objects.filter(pk__in=ids)
        .annotate(
            previous=Subquery(
                event_model.objects.filter(
                    pgh_obj_id=OuterRef("pgh_obj_id"), pgh_id__lt=OuterRef("pgh_id")
                )
                .order_by("-pgh_id")
                .values("pgh_id")[:1]
            )
        )
        .values_list("pk", "previous")
    )
    pairs = dict(before)
    previous = event_model.objects.in_bulk([p for p in pairs.values() if p])
    return {pk: previous.get(p) for pk, p in pairs.items()}


def _entries(model, events: list) -> list[Entry]:
    """Entries for events of one tracked model (the 'before' fetched in one query)."""
    event_model = model.pgh_event_model
    previous = _previous(event_model, events)
    entries = []
    for event in events:
        prev = previous.get(event.pk)
        if event.pgh_label in ("delete", "signatory.remove"):
            before, after = _snapshot(event), None
        else:
            before, after = (_snapshot(prev) if prev else None), _snapshot(event)
        context = event.pgh_context.metadata if event.pgh_context_id and event.pgh_context else {}
        entries.append(Entry(model, event, before, after, dict(context or {})))
    return entries


def _events(model):
    return model.pgh_event_model.objects.select_related("pgh_context")


# --- naming things by their natural keys ---------------------------------------------

# A name in parts, [(words, the language they are written in)]: None for words in the
# reader's language, DATASET_LANGUAGE for the dataset's own (a joint statement's title).
Words = list[tuple[str, str | None]]


def _plain(parts: Words) -> str:
    """A name in parts as plain text."""
    return "".join(words for words, _language in parts)


def _html(parts: Words) -> SafeString:
    """A name in parts as HTML, escaped, each part in another language than the page's
    marked with it (core.locale.in_language)."""
    return format_html_join(
        "", "{}", ((in_language(words, language),) for words, language in parts)
    )


def _statement_name(date: datetime.date | str | None, title: str) -> Words:
    """A joint statement by its date in words in the reader's language and its title, as
    the dataset writes it (English): "2 November 2020, Joint statement of …", « 2
    novembre 2020, Joint statement of … » (core.names.format_date); the state's page
    names it by the same two."""
    return [(format_date(_iso_day(date)), None), (", ", None), (title, DATASET_LANGUAGE)]


NATURAL_KEYS = {
    State: lambda o: o.iso3,
    Person: lambda o: o.slug,
    Visit: lambda o: o.slug,
    Situation: lambda o: o.slug,
    Source: lambda o: o.url,
    Case: lambda o: o.name,
    Warrant: lambda o: o.ref,
    JointStatement: lambda o: f"{o.date.isoformat()} {o.title}",
}


# The facts of a report's `data` (and of a correction's `changes`) that name a record by its
# natural key: read by that record's label (`_Names.fact`), as the report's page shows them.
FACT_KEYS = {"person": (Person, "slug"), "host": (State, "iso3"), "controlled_by": (State, "iso3")}


class _Names:
    """Natural keys of the records entries point to, and the labels of the persons and
    states (`label`, `fact`), loaded in one query per model: the records the entries'
    foreign keys point to and those their reports' facts name (FACT_KEYS); and the
    recorded versions of the sources they point to, so that a source is named by its
    address as it stood when an entry's event was recorded (`of`), in one query more."""

    def __init__(self, entries: list[Entry], *, staff: bool):
        self.staff = staff
        wanted: dict[type, set] = {}
        keys: dict[type, set] = {}
        for entry in entries:
            for row in (entry.before, entry.after):
                for f in _fields(type(entry.event)):
                    if f.is_relation and row and row.get(f.name) is not None:
                        wanted.setdefault(f.related_model, set()).add(row[f.name])
                if entry.model is Report and row:
                    for facts in _facts_in(row):
                        for part, value in facts:
                            if part in FACT_KEYS and isinstance(value, str) and value:
                                keys.setdefault(FACT_KEYS[part][0], set()).add(value)
        self.loaded = {}
        self.by_key: dict[type, dict[str, Model]] = {}
        User = get_user_model()
        for related in {*wanted, *keys}:
            if related not in NATURAL_KEYS and not (staff and related is User):
                continue
            found = Q(pk__in=wanted.get(related, ()))
            if keys.get(related):
                key = dict(FACT_KEYS.values())[related]
                found |= Q(**{f"{key}__in": keys[related]})
            rows = list(related.objects.filter(found))
            self.loaded[related] = {
                obj.pk: obj for obj in rows if obj.pk in wanted.get(related, ())
            }
            if related in keys:
                key = dict(FACT_KEYS.values())[related]
                self.by_key[related] = {getattr(obj, key): obj for obj in rows}
        # {source id: [(when, context, address)], oldest first}: each recorded version of
        # the sources.
        self.source_versions: dict[int, list[tuple]] = {}
        if wanted.get(Source):
            versions = (
                Source.pgh_event_model.objects.filter(pgh_obj_id__in=wanted[Source])
                .order_by("pgh_id")
                .values_list("pgh_obj_id", "pgh_created_at", "pgh_context_id", "url")
            )
            for pk, at, context, url in versions:
                self.source_versions.setdefault(pk, []).append((at, context, url))

    def label(self, related, pk, event=None) -> str:
        """What a reader calls the record `pk` of `related`: a person by name, a state by
        its name in the reader's language ("Zambie"), a joint statement by its date in
        words and its title (`parts`); any other by its natural key (`of`), a source by
        its address when `event` (a recorded event naming it) was recorded, if given."""
        if related is JointStatement:
            return _plain(self.parts(related, pk))
        obj = self.loaded.get(related, {}).get(pk) if related in (Person, State) else None
        return _label(obj) if obj is not None else self.of(related, pk, event)

    def parts(self, related, pk) -> Words:
        """`label` in parts (`Words`): a joint statement's English title apart from its
        date in words (`_statement_name`); any other label whole, in the reader's
        language."""
        obj = self.loaded.get(related, {}).get(pk) if related is JointStatement else None
        if obj is not None:
            return _statement_name(obj.date, obj.title)
        if related is JointStatement:
            return [(self.of(related, pk), None)]
        return [(self.label(related, pk), None)]

    def fact(self, value, part: str) -> str:
        """One fact of a report's data in words: a person's slug or a state's ISO code
        (FACT_KEYS) by its label, as the report's page shows it; a code unknown here as
        stored; any other fact as core.causes.value_words reads it."""
        if part in FACT_KEYS and isinstance(value, str) and value:
            obj = self.by_key.get(FACT_KEYS[part][0], {}).get(value)
            return _label(obj) if obj is not None else value
        return causes.value_words(value, part)

    def state(self, pk) -> str:
        """A state's name in the reader's language ("Zambie"), for a record's name."""
        obj = self.loaded.get(State, {}).get(pk)
        return country_name(obj.iso3, obj.name) if obj is not None else self.of(State, pk)

    def of(self, related, pk, event=None) -> str:
        """The natural key of the record `pk` of `related` ("" for none, "(removed)" for
        one deleted since); a source's address as it stood when `event` (a recorded event
        naming it) was recorded, if given (`source_address`), whatever became of it since."""
        if pk is None:
            return ""
        if related is Source and event is not None:
            address = self.source_address(pk, event)
            if address is not None:
                return address
        obj = self.loaded.get(related, {}).get(pk)
        if obj is None:
            return _("(removed)") if related in NATURAL_KEYS else ""
        key = NATURAL_KEYS.get(related)
        return key(obj) if key else obj.get_username()

    def source_address(self, pk, event) -> str | None:
        """The address of source `pk` as it stood when `event` (a recorded event of another
        record, a citation's) was recorded: its last version recorded before, or at the
        same moment through the same context (a report's verification records the source,
        then the citation; the moment of a transaction is that of its start, which a
        change made in another context of the same transaction shares); its first one
        when none was (a citation older than the source's history, which began with its
        baseline); None when none is recorded."""
        versions = self.source_versions.get(pk)
        if not versions:
            return None
        at, context = event.pgh_created_at, event.pgh_context_id
        address = versions[0][2]
        for when, recorded_in, url in versions:
            if when < at or (when == at and recorded_in == context):
                address = url
        return address


def _label(obj: Person | State) -> str:
    """A person's name, or a state's name in the reader's language."""
    if isinstance(obj, Person):
        return obj.name
    return country_name(obj.iso3, obj.name)


def _facts_in(row: dict) -> list[list[tuple[str, Any]]]:
    """The (fact, value) pairs of a report's row that name records: its `data`, and the
    old and new values of each of its `changes` (a correction's)."""
    found = []
    if isinstance(row.get("data"), dict):
        found.append(list(row["data"].items()))
    for change in row.get("changes") or []:
        if isinstance(change, dict) and "field" in change:
            found.append(
                [(change["field"], change.get("old")), (change["field"], change.get("new"))]
            )
    return found


def _empty(value) -> bool:
    """Whether a stored value is empty (said "none" by `_words`)."""
    return value is None or value == "" or value == []


def _words(f, value, names: _Names, event=None) -> str:
    """A stored value in words: a related record by its label (a source by its address
    when `event`, the entry's, was recorded), a choice by its label, a date in words, ..."""
    if _empty(value):
        return pgettext("an empty value in a record's history", "none")
    if f.is_relation:
        return names.label(f.related_model, value, event)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return _moment(value)
    if isinstance(value, datetime.date):
        return format_date(value)
    if isinstance(value, dict | list):
        return _structured(value, names)
    return _shortened(str(value))


def _shortened(text: str, limit: int = TEXT_LIMIT) -> str:
    """`text` whole, or (a list's entry, longer than `limit` characters) cut at the end of
    its last whole word within the limit, with an ellipsis; whole on a change's own page
    (`public_change`, under `_WHOLE_VALUES`), the page readers cite."""
    if _WHOLE_VALUES.get() or len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + "…"


def _moment(value: datetime.datetime, seconds: bool = False) -> str:
    """'2 December 2026, 04:59 UTC', as the history writes its own times (core.names
    .format_moment)."""
    return format_moment(value, seconds)


def _changed_words(f, old, new, names: _Names, event=None) -> tuple[str, str]:
    """A changed field's before and after in words (`_words`, as of the entry's `event`);
    two moments of the same minute, which would read the same, are given to the second."""
    was, now = _words(f, old, names, event), _words(f, new, names, event)
    if was == now and isinstance(old, datetime.datetime) and isinstance(new, datetime.datetime):
        return _moment(old, seconds=True), _moment(new, seconds=True)
    return was, now


def _stored_date(value) -> str:
    """A date kept in a report's JSON ('2025-11-10') in the reader's words ('10 November
    2025', '10 novembre 2025'); any other text as it is."""
    try:
        return format_date(datetime.date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _structured(value: dict | list, names: _Names | None = None) -> str:
    """A JSON field's value in words, not as a Python literal: a report's `data` as
    "field: value" pairs (empty ones left out), its `citations` by their addresses (with
    publisher and date when given), its `changes` as "field: before → after"; each text
    shortened to TEXT_LIMIT characters. With `names`, a person or a state a fact names is
    read by its label (`_Names.fact`)."""
    words = names.fact if names is not None else causes.value_words
    separator = pgettext("between items of a list", "; ")
    colon = pgettext("between a label and what follows", ":")
    if isinstance(value, list):
        return separator.join(
            _structured(v, names) if isinstance(v, dict | list) else str(v) for v in value
        )
    if {"field", "old", "new"} <= value.keys():
        field = str(value["field"])
        old, new = (_shortened(words(value[k], field)) for k in ("old", "new"))
        return f"{field_name(field)}{colon} {old} → {new}"
    if "url" in value:
        # Every detail a citation holds, so that a change to any of them shows.
        details = [str(value["publisher"])] if value.get("publisher") else []
        if value.get("published"):
            details.append(_stored_date(value["published"]))
        if value.get("archived_url"):
            details.append(_("archived copy: %(url)s") % {"url": value["archived_url"]})
        if value.get("excerpt"):
            details.append(
                pgettext("an excerpt quoted in a record's history", "“%(excerpt)s”")
                % {"excerpt": _shortened(str(value["excerpt"]), 120)}
            )
        return f"{value['url']} ({', '.join(details)})" if details else str(value["url"])
    return separator.join(
        f"{field_name(str(k))}{colon} {_shortened(words(v, str(k)))}"
        for k, v in value.items()
        if v not in (None, "", [], {})
    )


_STATE_RECORDS = (TreatyEvent, Declaration, Finding)


def _iso_day(value: datetime.date | str | None) -> datetime.date | None:
    """A date field of a history row (a date, an ISO day or None) as a date."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _record_name(entry: Entry, names: _Names) -> Words:
    """What the changes call the record of `entry`, in parts (`Words`): by its natural
    key, a state's record by the state's name and its date in words, a joint statement
    by its date in words and its English title (`_statement_name`)."""
    row = entry.after or entry.before or {}
    model = entry.model
    if model is JointStatement:
        return _statement_name(row.get("date"), row.get("title", ""))
    if model is JointStatementSignatory:
        state = names.state(row.get("state"))
        return [*names.parts(JointStatement, row.get("jointstatement")), (f" — {state}", None)]
    return [(_record_words(entry, names), None)]


def _record_words(entry: Entry, names: _Names) -> str:
    """`_record_name` of a record named in the reader's language alone."""
    row = entry.after or entry.before or {}
    model = entry.model

    def fk(name, related):
        return names.of(related, row.get(name), entry.event)

    if model in (Visit, Person):
        return row.get("slug", "")
    if model is Source:
        return row.get("url", "")
    if model is Warrant:
        return row.get("ref", "")
    if model in (Citation, WithdrawalCitation):
        return f"{fk('visit', Visit)} — {fk('source', Source)}"
    # The state's name, for the records that belong to a state (a Report's `state` is
    # where its review stands, not a country).
    state = names.state(row.get("state")) if model in _STATE_RECORDS else ""
    if model is TreatyEvent:
        kind = dict(TreatyEvent._meta.get_field("kind").flatchoices).get(row.get("kind"), "")
        kind = str(kind)
        return f"{state}, {kind[:1].lower()}{kind[1:]}"
    if model is Declaration:
        lodged = format_date(_iso_day(row.get("lodged")))
        return f"{state}, {lodged} ({fk('situation', Situation)})"
    if model is Finding:
        kind = str(dict(Finding._meta.get_field("kind").flatchoices).get(row.get("kind"), ""))
        decided = format_date(_iso_day(row.get("decided")), row.get("decided_precision") or "day")
        return f"{state}, {kind}, {decided}"
    if model is SecurityCouncilReferral:
        return row.get("resolution", "")
    if model is Report:
        # Shown after the kind ("Report no. 3"), not as "Report report 3".
        return _("no. %(number)s") % {"number": row.get("id")}
    return str(row.get("id", ""))


def _page(name: str, key: str, value) -> str:
    """The public page's address in the reader's language; "" when the key is gone."""
    try:
        return reverse(name, kwargs={key: value})
    except NoReverseMatch:
        return ""


def _record_link(entry: Entry, names: _Names) -> str:
    row = entry.after or entry.before or {}
    model = entry.model
    if model is Visit:
        return _page("visit", "slug", row.get("slug"))
    if model in (Citation, WithdrawalCitation):
        return _page("visit", "slug", names.of(Visit, row.get("visit")))
    if model is Person:
        return _page("person", "slug", row.get("slug"))
    if model is Warrant:
        return _page("person", "slug", names.of(Person, row.get("person")))
    if model in (TreatyEvent, Declaration, Finding, JointStatementSignatory):
        return _page("state", "iso3", names.of(State, row.get("state")))
    return ""


def _describe(entries: list[Entry], *, staff: bool) -> list[Entry]:
    """Name each entry's record, list its changes in words and say why (in the reader's
    language)."""
    names = _Names(entries, staff=staff)
    contexts = {e.event.pgh_context_id for e in entries if e.event.pgh_context_id}
    # {context: (kind, the reason readers see with it on the visit's page, its author)}
    verified, verified_reports = {}, {}
    rows = Report.pgh_event_model.objects.filter(
        pgh_context_id__in=contexts, state=ReportState.VERIFIED
    ).values_list(
        "pgh_context_id",
        "pgh_obj_id",
        "is_correction",
        "withdrawal_note",
        "restoration_note",
        "reason",
        "author__username",
    )
    for context, report, correction, withdrawal, restoration, reason, author in rows:
        if withdrawal or restoration:
            kind = "withdrawal" if withdrawal else "restoration"
        else:
            kind = "correction" if correction else "report"
        verified[context] = (
            kind,
            withdrawal or restoration or (reason if correction else ""),
            author or "",
        )
        verified_reports[context] = report
    for entry in entries:
        fields = {f.name: f for f in _fields(type(entry.event))}
        private = PRIVATE_FIELDS | PRIVATE_FIELDS_OF.get(entry.model, set())
        entry.name_parts = _record_name(entry, names)
        entry.link = "" if entry.action == "removed" else _record_link(entry, names)
        before, after = entry.before or {}, entry.after or {}
        changes, changed_fields, empty_sides, value_parts = [], [], [], {}
        for name, f in fields.items():
            if name in HIDDEN_FIELDS or (not staff and name in private):
                continue
            old, new = before.get(name), after.get(name)
            if _goes_with_a_date(name, fields):
                # A date's precision is said with the date ("March 2027"), not apart.
                continue
            precision = f"{name}_precision" if _is_date_field(f) else ""
            if precision in fields:
                old_precision, new_precision = before.get(precision), after.get(precision)
                if entry.action == "changed" and (old, old_precision) == (new, new_precision):
                    continue
                if entry.action != "changed" and (old if entry.after is None else new) is None:
                    continue  # nothing said of a date the record does not have
                changed_fields.append(name)
                empty_sides.append((_empty(old), _empty(new)))
                was = _date_words(old, old_precision) if entry.before is not None else ""
                now = _date_words(new, new_precision) if entry.after is not None else ""
                changes.append((field_name(name, entry.model), was, now))
                continue
            if entry.action == "changed" and old == new:
                continue
            if entry.action != "changed" and (old if entry.after is None else new) in (
                None,
                "",
                [],
            ):
                continue
            if entry.action == "changed" and _is_facts(old) and _is_facts(new):
                # What a report says, edited: each fact that changed on a line of its own,
                # not the whole before and after for the reader to compare.
                for part, (was, now) in _parts_changed(old, new):
                    changed_fields.append(name)
                    empty_sides.append((_empty(was), _empty(now)))
                    changes.append(
                        (
                            _("%(field)s, %(part)s")
                            % {"field": field_name(name), "part": field_name(part)},
                            _fact_words(was, part, names),
                            _fact_words(now, part, names),
                        )
                    )
                continue
            changed_fields.append(name)
            empty_sides.append((_empty(old), _empty(new)))
            if entry.action == "changed":
                was, now = _changed_words(f, old, new, names, entry.event)
            else:
                was = _words(f, old, names, entry.event) if entry.before is not None else ""
                now = _words(f, new, names, entry.event) if entry.after is not None else ""
            if f.is_relation and f.related_model is JointStatement:
                value_parts[len(changes)] = tuple(
                    names.parts(JointStatement, value) if said and not _empty(value) else None
                    for value, said in (
                        (old, entry.before is not None),
                        (new, entry.after is not None),
                    )
                )
            changes.append((_field_words(name, entry), was, now))
        entry.changes, entry.changed_fields, entry.empty_sides, entry.value_parts = (
            changes,
            changed_fields,
            empty_sides,
            value_parts,
        )
        entry.why = _why(entry, verified, staff=staff)
        if entry.model is Report:
            entry.report = entry.event.pgh_obj_id
        else:
            entry.report = verified_reports.get(entry.event.pgh_context_id)
    return entries


def _field_words(name: str, entry: Entry) -> str:
    """`field_name` of a changed field of `entry`'s record, but for an ICC decision of kind
    `other` in every version the entry shows: its `referred_to_asp` and `referred_to_unsc`
    are the bodies it only informed, never a referral (core.causes.INFORMED_FIELDS,
    visits.models.decision_bodies)."""
    if entry.model is Finding and name in causes.INFORMED_FIELDS:
        kinds = {version.get("kind") for version in (entry.before, entry.after) if version}
        if kinds == {FindingKind.OTHER}:
            return str(causes.INFORMED_FIELDS[name])
    return field_name(name, entry.model)


def _is_date_field(f) -> bool:
    return isinstance(f, DateField) and not isinstance(f, DateTimeField)


def _goes_with_a_date(name: str, fields: dict) -> bool:
    """Whether `name` is the precision of a date field of the same record (a visit's
    `start_precision`), which `_date_words` says with that date."""
    base = name.removesuffix("_precision")
    return base != name and base in fields and _is_date_field(fields[base])


def _date_words(value, precision) -> str:
    """A stored date in words at its precision ("March 2027", "2027"); none said "none"."""
    if _empty(value):
        return pgettext("an empty value in a record's history", "none")
    return format_date(value, precision or "day")


def _is_facts(value) -> bool:
    """Whether `value` is a JSON object of named facts (a report's `data`), rather than a
    citation (`url`) or a correction's change (`field`, `old`, `new`), which read whole; an
    object holding a non-empty list or object reads whole too, as before."""
    return (
        isinstance(value, dict)
        and "url" not in value
        and not {"field", "old", "new"} <= value.keys()
        and not any(isinstance(v, dict | list) and v for v in value.values())
    )


def _fact_words(value, part: str, names: _Names) -> str:
    """One fact of a report's `data` in words, a person or a state by its label
    (`_Names.fact`); an empty list or object reads as nothing (`_is_facts` lets only empty
    ones through)."""
    if isinstance(value, dict | list):
        value = _structured(value, names) or None
    return _shortened(names.fact(value, part))


def _parts_changed(old: dict, new: dict) -> list[tuple[str, tuple]]:
    """[(key, (before, after))] for each key of two JSON objects whose value differs, in
    the order the keys first appear; a key missing on one side reads as empty."""
    keys = dict.fromkeys([*old, *new])
    empty = (None, "", [], {})
    changed = []
    for key in keys:
        was, now = old.get(key), new.get(key)
        if was == now or (was in empty and now in empty):
            continue
        changed.append((key, (was, now)))
    return changed


def _why(entry: Entry, verified: dict, *, staff: bool = False) -> str:
    """Why `entry` happened, in words. For staff, a verified report also names its author
    (the entry itself names whoever verified it): the visit's creation was credited to its
    reviewer alone, the reporter appearing only on the report's own entries."""
    why = _why_words(entry, verified)
    author = verified.get(entry.event.pgh_context_id, ("", "", ""))[2]
    if staff and author and entry.event.pgh_context_id in verified:
        return _("%(why)s, reported by %(author)s") % {"why": why, "author": author}
    return why


def _why_words(entry: Entry, verified: dict) -> str:
    context = entry.context
    if entry.label == "baseline":
        return _("the record as it stood when the history began")
    if context.get("path") == "import":
        return _("import of dataset version %(version)s") % {
            "version": context.get("dataset_version") or _("unknown")
        }
    if entry.event.pgh_context_id in verified:
        kind, said, _author = verified[entry.event.pgh_context_id]
        # The reason the visit's page shows with the correction or withdrawal, quoted here
        # too (the page's "Why: …." ends the sentence).
        said = withdrawal_note(said) if kind == "withdrawal" else correction_reason(said)
        said = said.strip().rstrip(".")
        if kind == "withdrawal":
            if said:
                return _("a verified withdrawal — %(reason)s") % {"reason": said}
            return _("a verified withdrawal")
        if kind == "restoration":
            # Its reason is never empty (visits.review.propose_restoration).
            return _("a verified restoration — %(reason)s") % {"reason": said}
        if kind == "correction":
            if said:
                return _("a verified correction — %(reason)s") % {"reason": said}
            return _("a verified correction")
        return _("a verified report")
    if entry.model is Report:
        return _report_step(entry) or _("an edit")
    return _("an edit")


def _report_step(entry: Entry) -> str:
    """What a report's event was, from its state before and after: filed, saved as a
    draft, taken back, sent back, rejected, deleted; '' for an edit of its content."""
    before = (entry.before or {}).get("state")
    after = (entry.after or {}).get("state")
    if entry.after is None:
        # Only its author deletes a report (visits.review.delete_report): a draft, or one
        # sent back that they abandoned instead of answering.
        if before == ReportState.CHANGES_REQUESTED:
            return _("deleted by its author after it was sent back")
        return _("the draft was deleted by its author")
    if entry.before is None:
        return _("filed for review") if after == ReportState.SUBMITTED else _("saved as a draft")
    if before == after:
        return ""
    return {
        ReportState.SUBMITTED: _("submitted for review"),
        ReportState.DRAFT: _("taken back by its author"),
        ReportState.CHANGES_REQUESTED: _("sent back to its author for changes"),
        ReportState.REJECTED: _("rejected on review"),
    }.get(after, "")


# --- a record's history, for staff ----------------------------------------------------


def history_of(model: type[Model], pk) -> list[Entry]:
    """Every event of the record `pk` of `model` (which may since have been deleted), newest
    first, with what belongs to it: a visit's citations, its withdrawal's and its reports,
    and the changes to the sources it cites (`_cited_source_events`); a joint statement's
    signatories. For staff: names who.

    A visit's reports are followed over their whole life: a new visit's report had no
    visit while it was drafted and submitted, so its events before the verification
    (who reported it, and when) are found through the report, not the visit."""
    groups = [(model, list(_events(model).filter(pgh_obj_id=pk)))]
    if model is Visit:
        citations = list(_events(Citation).filter(visit_id=pk))
        withdrawal_citations = list(_events(WithdrawalCitation).filter(visit_id=pk))
        groups.append((Citation, citations))
        groups.append((WithdrawalCitation, withdrawal_citations))
        groups.append((Source, _cited_source_events([*citations, *withdrawal_citations])))
        reports = Report.pgh_event_model.objects.filter(visit_id=pk).values("pgh_obj_id")
        groups.append((Report, list(_events(Report).filter(pgh_obj_id__in=reports))))
    if model is JointStatement:
        groups.append(
            (
                JointStatementSignatory,
                list(_events(JointStatementSignatory).filter(jointstatement_id=pk)),
            )
        )
    entries = [entry for m, events in groups for entry in _entries(m, events)]
    entries.sort(key=lambda e: (e.at, e.event.pk), reverse=True)
    return _describe(entries, staff=True)


def _cited_source_events(citations: list) -> list:
    """The changes (updates and deletions) to the sources that `citations` (the recorded
    versions of a visit's citations, its withdrawal's too) name, made once the visit cited
    each: the document's own events, made by whoever changed it. Its creation and what it
    was before the visit cited it are not the visit's (the citation's entry tells the
    source as it stood then). One query."""
    first_cited: dict[int, datetime.datetime] = {}
    for event in citations:
        at = first_cited.get(event.source_id)
        if at is None or event.pgh_created_at < at:
            first_cited[event.source_id] = event.pgh_created_at
    if not first_cited:
        return []
    events = _events(Source).filter(pgh_obj_id__in=first_cited, pgh_label__in=SOURCE_CHANGES)
    return [e for e in events if e.pgh_created_at >= first_cited[e.pgh_obj_id]]


# The events of a source told with the facts that cite it: its changes, never its creation
# (the citation that brought it tells it) nor its baseline.
SOURCE_CHANGES = ("update", "delete")


# One row per change of a record's history, as its downloads give it (CSV and JSON, through
# core.tabular): the words of the history page, in the reader's language, but for the codes.
HISTORY_TABLE = tabular.Table(
    "history",
    (
        tabular.Column("at", "datetime", "When the change was recorded (UTC)."),
        tabular.Column("record_kind", "string", "What kind of record changed, in words."),
        tabular.Column("record", "string", "The record, by its natural key or its name."),
        tabular.Column("action", "string", "added, changed, removed, or baseline."),
        tabular.Column("by", "string", "Who made it: a username, or the system account."),
        tabular.Column(
            "path",
            "string",
            "Through which way: newsroom, api, admin, site, import, shell, command.",
        ),
        tabular.Column("address", "string", "The address of the request that made it."),
        tabular.Column("why", "string", "Why, in words: a verified report, an import, ..."),
        tabular.Column(
            "report", "integer", "The newsroom report it is of, or that made it, by number."
        ),
        tabular.Column("field", "string", "The field that changed, in words."),
        tabular.Column("before", "string", "Its value before, in words."),
        tabular.Column("after", "string", "Its value after, in words."),
    ),
    "A record's history, one row per change of a field (an event that changed none: one row).",
)


def history_rows(entries: list[Entry]):
    """`entries` (`history_of`'s, as the page shows them) as HISTORY_TABLE's rows, in the
    same order: a row per changed field, with the event's when, who, path, address, why
    and report; an event that lists no field (a removal told by its record's name) is one
    row with no field."""
    for entry in entries:
        event = {
            "at": entry.at,
            "record_kind": entry.kind,
            "record": entry.name,
            "action": entry.action,
            "by": entry.author,
            "path": entry.path,
            "address": entry.context.get("url") or "",
            "why": entry.why,
            "report": entry.report,
        }
        if not entry.changes:
            yield {**event, "field": "", "before": "", "after": ""}
        for name, old, new in entry.changes:
            yield {**event, "field": name, "before": old, "after": new}


# --- the public changes -----------------------------------------------------------------


def _unseen_columns(model) -> list[str]:
    """The columns of `model`'s event table the public never sees in a change: the event's
    own (`pgh_...`) and the fields of PRIVATE_FIELDS, PRIVATE_FIELDS_OF and HIDDEN_FIELDS."""
    names = PRIVATE_FIELDS | HIDDEN_FIELDS | PRIVATE_FIELDS_OF.get(model, set())
    return sorted(
        f.column
        for f in model.pgh_event_model._meta.concrete_fields
        if f.name in names or f.column.startswith("pgh_")
    )


def _with_a_public_change(events, model):
    """`events` without the updates that changed only what the public never sees (a
    researcher's note on a visit): each update is compared, in the query, with the row's
    previous event (its "before"), all columns but the unseen ones. So a page of /changes/
    is never short of entries that would have been read and then dropped."""
    event_model = model.pgh_event_model
    if not any(f.column == "pgh_obj_id" for f in event_model._meta.concrete_fields):
        return events  # events not kept per row (a joint statement's signatories)
    table = event_model._meta.db_table
    changed = RawSQL(
        f"""
        "{table}"."pgh_label" <> 'update'
        OR (to_jsonb("{table}".*) - %s::text[]) IS DISTINCT FROM (
            SELECT to_jsonb(previous.*) - %s::text[]
            FROM "{table}" previous
            WHERE previous."pgh_obj_id" = "{table}"."pgh_obj_id"
              AND previous."pgh_id" < "{table}"."pgh_id"
            ORDER BY previous."pgh_id" DESC
            LIMIT 1
        )
        """,  # noqa: S608 - the table is a model's own; the columns are parameters
        [_unseen_columns(model)] * 2,
        output_field=BooleanField(),
    )
    return events.filter(changed)


def _public_source(source: str = "pgh_obj_id") -> Q:
    """Whether a source (`source`, an `OuterRef` name to its id) backs a public fact: a
    visit a reader may open cites it (or its withdrawal does), or a record of the dataset
    does (a person, a warrant, a state, a treaty event, a declaration, a referral, a joint
    statement, a finding of no visit or of a visit a reader may open)."""
    ref = OuterRef(source)
    readable = Visit.objects.readable()
    cited = Exists(Citation.objects.filter(source_id=ref, visit__in=readable)) | Exists(
        WithdrawalCitation.objects.filter(source_id=ref, visit__in=readable)
    )
    cited |= Exists(
        Finding.sources.through.objects.filter(source_id=ref).filter(
            Q(finding__visit__isnull=True) | Q(finding__visit__in=readable)
        )
    )
    for model in (Person, Warrant, State, TreatyEvent, Declaration, SecurityCouncilReferral):
        cited |= Exists(model.sources.through.objects.filter(source_id=ref))
    return cited | Exists(JointStatement.sources.through.objects.filter(source_id=ref))


def _public_events(model):
    """The events of `model` that are changes to public facts."""
    events = _with_a_public_change(
        model.pgh_event_model.objects.exclude(pgh_label="baseline"), model
    )
    # Whether the event's visit is public: one lookup by primary key per event read (never
    # a list of every public visit, which a page of the newest events does not need).
    public_visit = readable_visit()
    if model is Visit:
        return events.filter(
            readable_review(review_state="review_state", visit="pgh_obj_id", version="pgh_id")
        )
    if model in (Citation, WithdrawalCitation):
        return events.filter(public_visit)
    if model is Finding:
        return events.filter(Q(visit_id__isnull=True) | public_visit)
    if model is Source:
        return events.filter(_public_source(), pgh_label__in=SOURCE_CHANGES)
    return events


NEWEST_FIRST = ("-pgh_created_at", "-pgh_id")


# A scope of the public changes: {model: a filter of its events}, the kinds of record
# left out having no change in it (`state_scope`, `visit_scope`). None: every change.
Scope = dict[type[Model], Q] | None


def state_scope(state_id: int) -> dict[type[Model], Q]:
    """The changes about one state (by its id): its treaty events, its declarations, the ICC
    decisions about it, the visits it hosted and its signatures of joint statements. Each
    read by an index of its event table (the visits' by visits_visitevent_host_created)."""
    return {
        Visit: Q(host_id=state_id),
        Finding: Q(state_id=state_id),
        TreatyEvent: Q(state_id=state_id),
        Declaration: Q(state_id=state_id),
        JointStatementSignatory: Q(state_id=state_id),
    }


def visit_scope(visit_id: int) -> dict[type[Model], Q]:
    """The changes about one visit (by its id): the visit itself, its sources, its
    withdrawal's sources and the ICC decisions about it. Each read by an index of its event
    table (visits_visitevent_obj_created, visits_citationevent_visit_created, …)."""
    return {
        Visit: Q(pgh_obj_id=visit_id),
        Citation: Q(visit_id=visit_id),
        WithdrawalCitation: Q(visit_id=visit_id),
        Finding: Q(visit_id=visit_id),
    }


def _public_change_parts(scope: Scope = None):
    parts = []
    for model in PUBLIC_MODELS:
        if scope is not None and model not in scope:
            continue
        events = _public_events(model)
        if scope is not None:
            events = events.filter(scope[model])
        parts.append(
            events.annotate(model_label=Value(model._meta.label_lower))
            .values_list("pgh_id", "pgh_created_at", "model_label")
            .order_by()
        )
    return parts


def public_changes(first: int | None = None, scope: Scope = None):
    """The public changes, newest first, as (model label, event id, time) rows: a query to
    paginate; `public_entries` turns a page of it into entries. With `scope` (`state_scope`,
    `visit_scope`), only the changes about that record.

    With `first`, each kind of record gives only its `first` newest events, read from its
    event table's time index: enough for any slice of the result ending at `first` or
    before, without sorting every event ever recorded."""
    parts = _public_change_parts(scope)
    if first is not None:
        parts = [part.order_by(*NEWEST_FIRST)[:first] for part in parts]
    return parts[0].union(*parts[1:], all=True).order_by(*NEWEST_FIRST)


def count_public_changes(limit: int, scope: Scope = None) -> int:
    """How many public changes there are (in `scope`, when given), counting each kind of
    record no further than `limit` (one query): exact when it is at most `limit`."""
    parts = [part[:limit] for part in _public_change_parts(scope)]
    return parts[0].union(*parts[1:], all=True).count()


def public_change(label: str, pk: int) -> Entry | None:
    """One public change by its permalink's parts (`Entry.slug`: "visits.finding-22", the
    event table's label and the event's id), or None when there is no such public change
    (an unknown kind, a report, a private change, a visit not public). Two queries or so:
    the event, checked public, then its entry. Its values are whole, never shortened to
    TEXT_LIMIT as a list's are: it is the page readers cite."""
    model = TRACKED.get(label)
    if model is None or model not in PUBLIC_MODELS:
        return None
    rows = list(
        _public_events(model)
        .filter(pgh_id=pk)
        .annotate(model_label=Value(label))
        .values_list("pgh_id", "pgh_created_at", "model_label")
    )
    token = _WHOLE_VALUES.set(True)
    try:
        entries = public_entries(rows) if rows else []
    finally:
        _WHOLE_VALUES.reset(token)
    return entries[0] if entries else None


def public_entries(rows) -> list[Entry]:
    """Entries for rows of `public_changes` (a page), in the same order; for the public."""
    wanted: dict[str, list[int]] = {}
    for pk, _at, label in rows:
        wanted.setdefault(label, []).append(pk)
    by_key = {}
    for label, ids in wanted.items():
        model = TRACKED[label]
        for entry in _entries(model, list(_events(model).filter(pk__in=ids))):
            by_key[label, entry.event.pk] = entry
    entries = [by_key[label, pk] for pk, _at, label in rows if (label, pk) in by_key]
    for entry in entries:
        # A visit's first public event is its publication: what it was before is not public.
        if (
            entry.model is Visit
            and entry.before is not None
            and entry.after is not None
            and entry.before.get("review_state") not in PUBLIC_VISIT_STATES
        ):
            entry.before = None
    # A change to private fields only (a researcher's note) says nothing the public may read.
    return [e for e in _describe(entries, staff=False) if e.changes or e.action != "changed"]


# --- a visit's corrections by the imports of the dataset ---------------------------------

# The fields of a visit a correction names (front.corrections.FIELD_NAMES), with the
# precision of the dates: its identifier, review state and withdrawal are told apart
# (withdrawn, restored), and its private fields (PRIVATE_FIELDS_OF) never.
CORRECTED_FIELDS = tuple(
    name for name in review.VISIT_FIELDS if name not in PRIVATE_FIELDS_OF[Visit]
)


@dataclass(frozen=True)
class ImportCorrection:
    """What one import of the dataset changed in a visit a reader could already open: when,
    which dataset version (as its import recorded it: "unknown" for a folder without a
    VERSION), and the changes [{field, old, new}] in a report's data shape (a person by
    name, a state by ISO3 code, dates as ISO strings at their precision, codes)."""

    at: datetime.datetime
    version: str
    changes: list[dict]
    # The language the visit's free text (TEXT_FIELDS) was written in before the import, and
    # after it (its versions' `text_language`): the old and the new words each in their own.
    text_languages: tuple[str, str] = (DATASET_LANGUAGE, DATASET_LANGUAGE)


def import_updates(visit: OuterRef | int):
    """The recorded versions of `visit` (an id, or an `OuterRef` to one) that an import
    wrote over an earlier one: an `Exists` of them tells, in the visit's own query, whether
    `import_corrections` can find any."""
    return Visit.pgh_event_model.objects.filter(
        pgh_obj_id=visit, pgh_label="update", pgh_context__metadata__path=WritePath.IMPORT.value
    )


def _fact(version, name: str):
    """A field of a visit's recorded version as a correction names it (ImportCorrection)."""
    if name in ("start", "end"):
        value = getattr(version, name)
        return partial_isoformat(value, getattr(version, f"{name}_precision") or "day")
    if name == "person":
        return version.person.name if version.person_id else ""
    if name in ("host", "controlled_by"):
        state = getattr(version, name)
        return state.iso3 if state is not None else ""
    return getattr(version, name)


def import_corrections(visit: Visit) -> list[ImportCorrection]:
    """What the imports of the dataset changed in `visit` once a reader could open it (a
    version of it was verified before), oldest first: each import that changed a public
    fact of it (CORRECTED_FIELDS), with its dataset version. Read from the visit's recorded
    versions (core.history) in one query. A change in the newsroom is a verified
    correction (visits.review.corrections_of), told by its report instead; an import
    that withdrew the visit or restored it changed no such fact unless it changed one too."""
    versions = list(
        Visit.pgh_event_model.objects.filter(pgh_obj_id=visit.pk)
        .exclude(pgh_label="baseline")
        .select_related("pgh_context", "person", "host", "controlled_by")
        .order_by("pgh_id")
    )
    corrections = []
    published = False
    previous = None
    for version in versions:
        context = (version.pgh_context.metadata if version.pgh_context else None) or {}
        if (
            previous is not None
            and published
            and version.pgh_label == "update"
            and context.get("path") == WritePath.IMPORT
        ):
            changes = [
                {"field": name, "old": old, "new": new}
                for name in CORRECTED_FIELDS
                if (old := _fact(previous, name)) != (new := _fact(version, name))
            ]
            if changes:
                corrections.append(
                    ImportCorrection(
                        at=version.pgh_created_at,
                        version=str(context.get("dataset_version") or ""),
                        changes=changes,
                        text_languages=(previous.text_language, version.text_language),
                    )
                )
        published = published or version.review_state == ReviewState.VERIFIED
        previous = version
    return corrections
