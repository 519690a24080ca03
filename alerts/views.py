"""The newsroom's alert pages: one's subscriptions, adding and removing them, the delivery log.

Reporters, reviewers and admins; each sees and changes only their own subscriptions
(admins see every delivery in the log). Plain forms: no JavaScript needed.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from alerts.forms import SubscriptionForm
from alerts.models import Delivery, Subscription
from alerts.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER
from core import roles


def newsroom_member(view):
    """Reporters, reviewers and admins only: anonymous readers go to the sign-in page, a
    signed-in account without a newsroom role gets a 403 (PermissionDenied). The page is
    never cached, by the browser or a proxy (a webhook's page shows its signing secret), as
    every newsroom page (newsroom.views.staff_page)."""

    @never_cache
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if not (roles.may_report(request.user) or roles.may_review(request.user)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _own(request, pk) -> Subscription:
    return get_object_or_404(Subscription, pk=pk, owner=request.user)


@newsroom_member
@require_http_methods(["GET", "POST"])
def subscriptions(request):
    if request.method == "POST":
        form = SubscriptionForm(request.POST)
        if form.is_valid():
            subscription = form.save(commit=False)
            subscription.owner = request.user
            subscription.language = (get_language() or settings.LANGUAGE_CODE)[:8]
            subscription.save()
            messages.success(request, _("Subscription added."))
            return redirect("alerts:subscription", pk=subscription.pk)
    else:
        form = SubscriptionForm()
    return render(
        request,
        "alerts/subscriptions.html",
        {
            "subscriptions": Subscription.objects.filter(owner=request.user),
            "form": form,
        },
    )


@newsroom_member
def subscription(request, pk):
    sub = _own(request, pk)
    page = Paginator(sub.deliveries.prefetch_related("attempt_log"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "alerts/subscription.html",
        {
            "subscription": sub,
            "page": page,
            "signature_header": SIGNATURE_HEADER,
            "timestamp_header": TIMESTAMP_HEADER,
        },
    )


@newsroom_member
@require_POST
def toggle(request, pk):
    sub = _own(request, pk)
    sub.active = not sub.active
    sub.save(update_fields=["active"])
    messages.success(request, _("Alerts resumed.") if sub.active else _("Alerts paused."))
    return redirect("alerts:subscriptions")


@newsroom_member
@require_http_methods(["GET", "POST"])
def delete(request, pk):
    sub = _own(request, pk)
    if request.method == "POST":
        sub.delete()
        messages.success(request, _("Subscription removed."))
        return redirect("alerts:subscriptions")
    return render(request, "alerts/delete.html", {"subscription": sub})


@newsroom_member
def deliveries(request):
    log = Delivery.objects.select_related("subscription", "subscription__owner")
    everyone = roles.is_admin(request.user)
    if not everyone:
        log = log.filter(subscription__owner=request.user)
    page = Paginator(log.prefetch_related("attempt_log"), 50).get_page(request.GET.get("page"))
    return render(request, "alerts/deliveries.html", {"page": page, "everyone": everyone})
