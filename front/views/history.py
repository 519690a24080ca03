"""A record's history, for staff: /newsroom/history/<app>.<model>/<pk>/.

Every event of the record (and of its citations and reports, for a visit): who (the
username, or the account that ran a shell or command), when, through which path
(newsroom, api, admin, import, shell, command), why, and each field before and after.
Readers are sent to sign in; a signed-in account with no role gets a 403.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.roles import roles_of
from visits import history


def record_history(request, label: str, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not roles_of(request.user):
        raise PermissionDenied
    model = history.TRACKED.get(label.lower())
    if model is None:
        raise Http404
    entries = history.history_of(model, pk)
    if not entries and not model.objects.filter(pk=pk).exists():
        raise Http404
    obj = model.objects.filter(pk=pk).first()
    # Named by its own events (a visit's history also holds its reports and citations).
    own = [entry for entry in entries if entry.model is model] or entries
    title = _("History of %(kind)s %(name)s") % {
        "kind": history.KINDS[model],
        "name": own[-1].name if own else str(obj),
    }
    response = render(
        request,
        "history/record_history.html",
        {"title": title, "entries": entries, "obj": obj, "label": label},
    )
    response["Cache-Control"] = "private, no-store"
    return response
