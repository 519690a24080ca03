"""The answer to a locked-out sign-in (django-axes' AXES_LOCKOUT_CALLABLE), in the frame
of the sign-in page it answers for.

The admin's sign-in (/admin/login/) is answered in the admin's own look
(`accounts/admin/locked_out.html`, extending `admin/base_site.html`: its header, its
title, no newsroom menu); every other sign-in form (the newsroom's, and any other
LoginView) with the newsroom's page (AXES_LOCKOUT_TEMPLATE, `accounts/locked_out.html`).
Both say the same, from one include (`accounts/lockout_reason.html`): which lock, after
how many failures, how long it lasts, and what to do. The status, the context and the
JSON answered to a script (`X-Requested-With: XMLHttpRequest`) are axes' own
(axes.helpers.get_lockout_response, which this replaces).
"""

from __future__ import annotations

from axes.helpers import (
    get_client_username,
    get_cool_off,
    get_cool_off_iso8601,
    get_failure_limit,
)
from django.conf import settings
from django.contrib.admin.sites import all_sites
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

ADMIN_TEMPLATE = "accounts/admin/locked_out.html"


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """The lockout answer (AXES_HTTP_RESPONSE_CODE, 429) to `request`, whose sign-in
    axes or core.auth.LockoutBackend refused: axes' context (`failure_limit`,
    `username`, the cool-off as `cooloff_time` and `cooloff_timedelta`) rendered in the
    admin's frame when the request is the admin's (`admin_site_of`), else in the
    newsroom's (AXES_LOCKOUT_TEMPLATE); JSON to a script, as axes answers it."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
    }
    cool_off = get_cool_off(request)
    if cool_off:
        context["cooloff_time"] = get_cool_off_iso8601(cool_off)
        context["cooloff_timedelta"] = cool_off
    if request.META.get("HTTP_X_REQUESTED_WITH") == "XMLHttpRequest":
        answer = JsonResponse(context, status=status)
        answer["Access-Control-Allow-Origin"] = settings.AXES_ALLOWED_CORS_ORIGINS
        answer["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        answer["Access-Control-Allow-Headers"] = (
            "Origin, Content-Type, Accept, Authorization, x-requested-with"
        )
        return answer
    site = admin_site_of(request)
    if site is None:
        return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=status)
    context = {**site.each_context(request), "title": _("Sign-in locked"), **context}
    return render(request, ADMIN_TEMPLATE, context, status=status)


def admin_site_of(request: HttpRequest):
    """The admin site (django.contrib.admin.AdminSite) whose page `request` asked for
    (its URL resolved in the `admin` application: /admin/login/), or None."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.app_name != "admin":
        return None
    return next((site for site in all_sites if site.name == match.namespace), None)
