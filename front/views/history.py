"""A record's history, for staff: /newsroom/history/<app>.<model>/<pk>/.

Every event of the record (and of its citations and reports, for a visit): who (the
username, or the account that ran a shell or command), when, through which path
(newsroom, api, admin, import, shell, command), why, and each field before and after.
Readers are sent to sign in; a signed-in account with no role gets a 403. Reviewers and
admins read every record; a reporter reads what a reporter may read elsewhere (the
newsroom, the API): public facts, their own reports, and the visits that are public or
that they reported, without other people's reports; a record they may not read answers
404, as one that does not exist does, so that its number tells nothing.

The same history downloads as CSV or JSON (`/newsroom/history/<app>.<model>/<pk>.csv`,
`.json`; the page's `?format=csv` or `json` leads there), for whoever may read the page
and as it reads to them: one row per change (visits.history.HISTORY_TABLE), written by
the site's one table writer (core.tabular).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import tabular
from core.roles import may_review, roles_of
from front.summaries import visit_title
from visits import history, review
from visits.models import Citation, Finding, Report, ReportState, Visit, WithdrawalCitation

# The formats a record's history downloads in (its address's suffix, `?format=` on its page).
FORMATS = ("csv", "json")


@dataclass
class ReadableHistory:
    """A record's history as `user` may read it: its model, its events (visits.history.Entry,
    newest first), the record itself (None once deleted) and its name."""

    model: type[Model]
    entries: list
    obj: Model | None
    name: str


def readable_history(user, label: str, pk: int) -> ReadableHistory:
    """The history of the record `pk` of the model `label` ("visits.visit") that `user`, a
    signed-in account with a role, may read: PermissionDenied for an account without a
    role; Http404 for an unknown model, a record that never existed, or one theirs not to
    read (`readable_by_reporter`, `without_unreadable_reports`)."""
    if not roles_of(user):
        raise PermissionDenied
    model = history.TRACKED.get(label.lower())
    if model is None:
        raise Http404
    entries = history.history_of(model, pk)
    if not entries and not model.objects.filter(pk=pk).exists():
        raise Http404
    if not may_review(user):
        entries = readable_by_reporter(user, model, entries)
    else:
        entries = without_unreadable_reports(user, model, entries)
    obj = model.objects.filter(pk=pk).first()
    # Named by its own events (a visit's history also holds its reports and citations).
    own = [entry for entry in entries if entry.model is model] or entries
    name = own[-1].name if own else str(obj)
    return ReadableHistory(model, entries, obj, name)


def record_history(request, label: str, pk: int):
    """/newsroom/history/<app>.<model>/<pk>/: a record's whole history, for staff only
    (a reader is sent to sign in; an account without a role is refused), linking its
    downloads; `?format=csv` or `json` leads to one (`record_history_download`)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.GET.get("format") in FORMATS:
        return redirect("record-history-download", label=label, pk=pk, fmt=request.GET["format"])
    record = readable_history(request.user, label, pk)
    name = record.name
    if isinstance(record.obj, Visit):
        name = visit_title(record.obj)  # a visit as a reader names it, not by its id
    title = _("History of %(kind)s %(name)s") % {
        "kind": history.KINDS[record.model],
        "name": name,
    }
    downloads = {
        fmt: reverse("record-history-download", kwargs={"label": label, "pk": pk, "fmt": fmt})
        for fmt in FORMATS
    }
    response = render(
        request,
        "history/record_history.html",
        {
            "title": title,
            "entries": record.entries,
            "obj": record.obj,
            "label": label,
            "downloads": downloads,
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


def record_history_download(request, label: str, pk: int, fmt: str):
    """/newsroom/history/<app>.<model>/<pk>.csv (or .json): the record's history as the
    page gives it to the same account (`readable_history`), one row per change
    (visits.history.HISTORY_TABLE), in the reader's language but for its codes (`action`,
    `path`), streamed by core.tabular: CSV with its BOM, or a JSON object naming the
    record (`record`: model, id, name) with `results` and `count`. Never kept by a cache.
    A reader is sent to sign in; an account without a role is refused (403); a record it
    may not read is a 404, as the page's."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    pk = int(pk)
    record = readable_history(request.user, label, pk)
    rows = history.history_rows(record.entries)
    columns = history.HISTORY_TABLE.names
    generated = timezone.now()
    if fmt == "csv":
        pieces = tabular.in_pieces(tabular.csv_lines(rows, columns))
        content_type = "text/csv; charset=utf-8"
    else:
        head = {
            "record": {"model": label.lower(), "id": pk, "name": record.name},
            "url": request.build_absolute_uri(),
            "generated_at": generated,
        }
        pieces = tabular.in_pieces(tabular.json_document(head, rows))
        content_type = "application/json"
    response = StreamingHttpResponse(pieces, content_type=content_type)
    name = f"iccwatch-history-{label.lower()}-{pk}-{generated:%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _author(entry) -> int | None:
    return getattr(entry.event, "author_id", None)


# A report's exchange between its reviewer and its author: theirs alone, even once the
# report is verified and its facts are public (README, "The newsroom").
REVIEW_EXCHANGE = ("comment", "reply")


def _without_others_review(user, entries: list) -> list:
    """`entries` with the review exchange (the reviewer's comment, the author's reply)
    left out of every report's changes but those of reports `user` wrote."""
    for entry in entries:
        if entry.model is Report and _author(entry) != user.pk:
            kept = [
                (name, change, empty)
                for name, change, empty in zip(
                    entry.changed_fields, entry.changes, entry.empty_sides, strict=True
                )
                if name not in REVIEW_EXCHANGE
            ]
            entry.changed_fields = [name for name, _, _ in kept]
            entry.changes = [change for _, change, _ in kept]
            entry.empty_sides = [empty for _, _, empty in kept]
    return entries


def without_unreadable_reports(user, model, entries: list) -> list:
    """The entries of a record's history that `user`, a reviewer or an admin, may read: all
    but those of a report they may not read as it last stood, deleted or not
    (visits.review.may_read: for a reviewer, a colleague's draft). Http404 when the record
    itself is such a report, as for a report that does not exist: its number tells nothing
    (newsroom.views.visible_report). `entries` are newest first."""
    last: dict[int, object] = {}
    for entry in entries:
        if entry.model is Report:
            last.setdefault(entry.event.pgh_obj_id, entry.event)
    hidden = {pk for pk, event in last.items() if not review.may_read(user, event)}
    if model is Report and hidden:
        raise Http404("no such report")
    return [e for e in entries if e.model is not Report or e.event.pgh_obj_id not in hidden]


def readable_by_reporter(user, model, entries: list) -> list:
    """The entries of a record's history that `user`, a reporter who may not review, may
    read; Http404 when the record itself is not theirs to read (another person's unverified
    report, a visit never published that they did not report, or its citation or finding),
    as for a record that does not exist: a 403 would tell that the number exists.

    A report: their own, or one verified (its facts are published; not the exchange
    between its reviewer and its author: REVIEW_EXCHANGE). A visit: when a reader may
    open it (Visit.objects.readable: published, or withdrawn or rejected after it was) or
    the user reported it, and
    then without the unverified reports of other people. A visit's citation (its
    withdrawal's too) or finding: as its visit (a finding of no visit is a public fact).
    Any other record is a public fact.
    """
    reports = [e for e in entries if e.model is Report]
    readable = {e.event.pgh_obj_id for e in reports if _author(e) == user.pk} | {
        e.event.pgh_obj_id for e in reports if e.event.state == ReportState.VERIFIED
    }
    if model is Report:
        if not readable:
            raise Http404("no such report")
        return _without_others_review(user, entries)
    if model in (Citation, WithdrawalCitation, Finding):
        visit_ids = {getattr(e.event, "visit_id", None) for e in entries} - {None}
        for visit_id in visit_ids:
            public = Visit.objects.readable().filter(pk=visit_id).exists()
            if not public and not Report.objects.filter(visit_id=visit_id, author=user).exists():
                raise Http404("no such record")
        return entries
    if model is not Visit:
        return entries
    visit_ids = {e.event.pgh_obj_id for e in entries if e.model is Visit}
    public = bool(visit_ids) and Visit.objects.readable().filter(pk__in=visit_ids).exists()
    if not public and not any(_author(e) == user.pk for e in reports):
        raise Http404("no such record")
    return _without_others_review(
        user, [e for e in entries if e.model is not Report or e.event.pgh_obj_id in readable]
    )
