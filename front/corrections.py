"""Corrections of published visits, as the public page words them.

A verified correction (visits.Report with is_correction) records what changed as
[{field, old, new}] in the report's data shape (ISO dates that may be partial, ISO3
codes, status and outcome codes). This module turns each change into words in the
reader's language: "the end date changed from 3 September 2024 to 4 September 2024".
A public fact an import of the dataset changed is told the same way, with the dataset
version that changed it (visits.history.import_corrections).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from core import names
from core.locale import in_language
from core.reasons import correction_reason
from states.models import State
from visits import review
from visits.history import PRIVATE_FIELDS_OF
from visits.models import (
    TEXT_FIELDS,
    HostControl,
    TextLanguage,
    Visit,
    VisitOutcome,
    VisitStatus,
)
from visits.reports import UNKNOWN_END

# What a correction changed that readers never see: a visit's private fields (its notes, the
# researchers' own), from the one definition /changes/, the API and the exports follow.
PRIVATE_FIELDS = frozenset(PRIVATE_FIELDS_OF.get(Visit, ()))

FIELD_NAMES = {
    "person": gettext_lazy("the person"),
    "host": gettext_lazy("the host state"),
    "start": gettext_lazy("the start date"),
    "end": gettext_lazy("the end date"),
    "place": gettext_lazy("the place"),
    "occasion": gettext_lazy("the occasion"),
    "status": gettext_lazy("the status"),
    "outcome": gettext_lazy("the outcome"),
    "host_notified": gettext_lazy("whether the host was notified of a sealed warrant"),
    "host_justification": gettext_lazy("the host's stated justification"),
    "host_control": gettext_lazy("the host's control of the place"),
    "controlled_by": gettext_lazy("who controlled the place"),
    "notes": gettext_lazy("the notes"),
    "text_language": gettext_lazy("the language of the text"),
    "sources": gettext_lazy("the sources"),
    # A withdrawal's reason, which its author may reword when it is sent back.
    "withdrawal_note": gettext_lazy("the reason for withdrawing it"),
    "reason": gettext_lazy("the reason for the correction"),
}


def field_name(field: str) -> str:
    """A report field as a correction names it, in the reader's language ("the end
    date"); an unknown field by its own name."""
    return str(FIELD_NAMES.get(field, field))


def value_words(field: str, value) -> str:
    """A report field's value in the reader's language ('' reads as 'none')."""
    if value is None or value == "":
        return pgettext("an empty value in a record's history", "none")
    if field == "end" and value == UNKNOWN_END:
        return pgettext("an end date in a record's history", "not known")
    if field in ("start", "end"):
        return names.format_date(str(value))
    if field in ("host", "controlled_by"):
        name = State.objects.filter(iso3=str(value)).values_list("name", flat=True).first()
        return names.country_name(str(value), name or "")
    if field == "status" and value in VisitStatus.values:
        return str(VisitStatus(value).label)
    if field == "outcome" and value in VisitOutcome.values:
        return str(VisitOutcome(value).label)
    if field == "host_control" and value in HostControl.values:
        return str(HostControl(value).label)
    if field == "text_language" and value in TextLanguage.values:
        return str(TextLanguage(value).label)
    if field == "host_notified":
        return _("yes") if value else _("no")
    return str(value)


def change_words(
    change: dict, languages: tuple[str | None, str | None] = (None, None)
) -> SafeString:
    """One change as a clause, as HTML (escaped): 'the end date changed from … to …'.
    `languages`: the language the visit's own words were written in before the change and
    after it (Visit.text_language); a change of its free text (TEXT_FIELDS) gives its old
    and new words each marked with theirs where the page is in another (WCAG 3.1.2; None:
    unmarked)."""
    field = change.get("field", "")
    if field == "review_state":
        # A withdrawn visit put back on the record (visits.review.propose_restoration): the
        # only change of its review state a verified report records.
        return conditional_escape(
            _("the visit was restored to the record, from which it had been withdrawn")
        )
    if field == "sources":
        return conditional_escape(
            _("the sources were revised (%(old)s before, %(new)s now)")
            % {"old": change.get("old"), "new": change.get("new")}
        )
    old, new = change.get("old"), change.get("new")
    old_lang, new_lang = languages if field in TEXT_FIELDS else (None, None)
    clause = conditional_escape(_("%(field)s changed from %(old)s to %(new)s"))
    return mark_safe(  # every part escaped
        clause
        % {
            "field": conditional_escape(field_name(field)),
            "old": in_language(value_words(field, old), old_lang if old else None),
            "new": in_language(value_words(field, new), new_lang if new else None),
        }
    )


def text_languages(report) -> tuple[str, str]:
    """The language a verified correction's visit had its free text in before it and after
    it: its report's `text_language` (the dataset's for a report filed before reports said
    it), and the one it changed, if it changed it."""
    after = review.normalise(report.data or {})["text_language"]
    before = next(
        (c.get("old") for c in report.changes or () if c.get("field") == "text_language"), after
    )
    return before or after, after


def public_changes(report) -> list[dict]:
    """A verified correction's changes ([{field, old, new}]) that readers may see: those of
    the visit's private fields (visits.history.PRIVATE_FIELDS_OF) left out."""
    return [c for c in report.changes or () if c.get("field") not in PRIVATE_FIELDS]


def _joined(separator: str, clauses: list[str]) -> SafeString:
    """`clauses` (HTML, or text to escape) joined by `separator`, as HTML."""
    return mark_safe(conditional_escape(separator).join(conditional_escape(c) for c in clauses))


def correction_lines(reports, imported=()) -> list[dict]:
    """[{when, text, why, version, changelog}] for a visit's verified corrections and the
    changes the imports of the dataset made to its public facts (`imported`:
    visits.history.import_corrections), oldest first: `text` is their changes as one
    sentence's body in the active language, clauses joined by "; " (in French " ; "), as
    HTML, a visit's own words marked with the language they were written in
    (`change_words`); `why`
    the reason its author gave (as written, '' for none; one the newsroom wrote in the
    reader's language, core.reasons.correction_reason); for an import, `version` the
    dataset version it read ('' when unknown) and `changelog` the address of that version's
    entry in the data changelog ('' for a correction of the newsroom). A change of a
    private field (the notes) is never told; a correction that changed nothing else is left
    out, as /changes/ leaves out an update of private fields only."""
    separator = pgettext("between clauses of a sentence", "; ")
    lines = []
    for correction in imported:
        version = "" if correction.version in ("", "unknown") else correction.version
        changelog = reverse("data-changelog")
        lines.append(
            {
                "when": correction.at,
                "text": _joined(
                    separator,
                    [change_words(c, correction.text_languages) for c in correction.changes],
                ),
                "why": "",
                "version": version,
                "changelog": f"{changelog}#v{version}" if version else changelog,
            }
        )
    for report in reports:
        shown = public_changes(report)
        if report.changes and not shown:
            continue
        lines.append(
            {
                "when": report.reviewed_at,
                "text": _joined(
                    separator,
                    [change_words(c, text_languages(report)) for c in shown]
                    or [_("the record was confirmed without a change")],
                ),
                # A restoration's reason is its own (Report.restoration_note).
                "why": correction_reason(report.reason or report.restoration_note),
                "version": "",
                "changelog": "",
            }
        )
    return sorted(lines, key=lambda line: line["when"])
