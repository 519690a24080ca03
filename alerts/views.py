"""The newsroom's alert pages: one's subscriptions, adding and removing them, the delivery log.

Reporters, reviewers and admins; each sees and changes only their own subscriptions
(admins see every delivery in the log). Plain forms: no JavaScript needed. The page a
subscription's confirmation link opens (`confirm`), and the one an alert mail's unsubscribe
link opens (`unsubscribe`), are for whoever the address belongs to, signed in or not, as
are the pages their buttons lead to (`confirmed`, `unsubscribed`).
"""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from alerts import services
from alerts import subscriptions as alert_subscriptions
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
    """One's subscriptions, and the form adding one (alerts.subscriptions.add_subscription:
    one per address and webhook, a limit per account, an address other than the
    account's own confirmed by the person it belongs to)."""
    if request.method == "POST":
        form = SubscriptionForm(request.POST, owner=request.user)
        if form.is_valid():
            try:
                subscription = alert_subscriptions.add_subscription(
                    request.user,
                    label=form.cleaned_data["label"],
                    email=form.cleaned_data["email"],
                    webhook_url=form.cleaned_data["webhook_url"],
                    urgent=form.cleaned_data["urgent"],
                    language=(get_language() or settings.LANGUAGE_CODE)[:8],
                )
            except ValidationError as refused:
                # Added meanwhile, by another request of the account's: said as the form says it.
                form.add_error(None, refused)
            else:
                messages.success(request, _("Subscription added."))
                if subscription.awaiting_confirmation:
                    messages.info(request, confirmation_sent_words(subscription))
                return redirect("alerts:subscription", pk=subscription.pk)
    else:
        form = SubscriptionForm(owner=request.user)
    return render(
        request,
        "alerts/subscriptions.html",
        {
            "subscriptions": Subscription.objects.filter(owner=request.user),
            "form": form,
            "limit": settings.ICCWATCH_ALERTS_MAX_SUBSCRIPTIONS,
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


def confirmation_sent_words(subscription: Subscription) -> str:
    """What its owner is told once a confirmation link went to `subscription`'s address."""
    return _(
        "A confirmation link was sent to %(email)s: alerts go to that address once the "
        "person it belongs to confirms it, within %(days)d days."
    ) % {"email": subscription.email, "days": services.CONFIRMATION_MAX_AGE.days}


@newsroom_member
@require_POST
def resend(request, pk):
    """Mail the confirmation link of one's subscription's address again (a link lost, or
    expired): alerts.subscriptions.ask_confirmation, within the account's daily limit."""
    sub = _own(request, pk)
    if not sub.awaiting_confirmation:
        messages.info(request, _("This address is confirmed already: it receives the alerts."))
        return redirect("alerts:subscription", pk=sub.pk)
    try:
        alert_subscriptions.ask_confirmation(sub)
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
    else:
        messages.success(request, confirmation_sent_words(sub))
    return redirect("alerts:subscription", pk=sub.pk)


def link_page(route: str, token: str) -> str:
    """The address of the page `route` ("alerts:confirm") opened with `token` ("" for none):
    "/newsroom/alerts/confirm/?token=…". A button's POST holds its token in its body, not
    in its address: this is the GET the POST leads to (Post/Redirect/Get), and the one the
    language switch of a POST's answer leads to (base.html's `language_next`), where the
    POST's own address, without the token, would be refused as a link cut."""
    return reverse(route) + (f"?{urlencode({'token': token})}" if token else "")


def see_other(url: str) -> HttpResponseRedirect:
    """A 303 See Other to `url`: a POST's answer is read with a GET, never sent again on a
    reload (Post/Redirect/Get)."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _confirmation_refused(request, refused, token: str, route: str):
    """A confirmation link refused (alerts.subscriptions.LinkRefused) on the page `route`:
    404 when its subscription is gone, 400 otherwise, the language switch leading to that
    page opened with `token`, which refuses it alike."""
    return render(
        request,
        "alerts/confirm.html",
        {
            "refused": refused.reason,
            "days": services.CONFIRMATION_MAX_AGE.days,
            "language_next": link_page(route, token),
        },
        status=404 if refused.reason == "gone" else 400,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request):
    """The page a confirmation link opens (/newsroom/alerts/confirm/?token=…), for anyone
    holding the link, signed in or not: it names the address and who asked, and its
    button (a POST, so that a mail scanner opening the link confirms nothing) confirms the
    address (alerts.subscriptions.confirm), then leads to `confirmed`, an address with the
    token that a reload does not POST again and the language switch keeps. A link altered
    or cut is answered with 400, one whose subscription was removed or whose address
    changed with 404; an expired one (alerts.services.CONFIRMATION_MAX_AGE) with 400 and
    how to get another while its address awaits confirmation, and, once the address is
    confirmed, with the page saying so at any age, as `confirmed` says it (the link then
    confirms nothing: its age harms nobody); a POST so refused, whose address holds no
    token, has its language switch lead to the link's own page, which refuses it alike
    (`link_page`)."""
    token = (
        request.POST.get("token", "") if request.method == "POST" else request.GET.get("token", "")
    )
    try:
        sub = alert_subscriptions.read_confirmation(token, any_age=True)
        if sub.awaiting_confirmation:
            # Only a link that still confirms something expires.
            sub = alert_subscriptions.read_confirmation(token)
    except alert_subscriptions.LinkRefused as refused:
        return _confirmation_refused(request, refused, token, "alerts:confirm")
    if request.method == "POST":
        alert_subscriptions.confirm(sub)
        return see_other(link_page("alerts:confirmed", token))
    # "ask" (the button), "already" (confirmed before).
    return render(
        request,
        "alerts/confirm.html",
        {
            "subscription": sub,
            "token": token,
            "owner": sub.owner.get_username(),
            "state": "ask" if sub.awaiting_confirmation else "already",
        },
    )


@never_cache
@require_safe
def confirmed(request):
    """The page a confirmation link's button leads to (/newsroom/alerts/confirm/done/?token=…,
    the link's token): the address confirmed, its alerts sent from then on, in the
    language the reader chooses, as often as it is reloaded. It confirms nothing and reads
    the token at any age (alerts.subscriptions.read_confirmation), so that it still says
    the address is confirmed once the link expired; an address awaiting confirmation
    (this address opened with a token whose button was not pressed) goes to the link's
    own page, which asks or says the link expired. Refused as `confirm` refuses a link:
    400 for one altered or cut, 404 for a subscription removed or an address changed."""
    token = request.GET.get("token", "")
    try:
        sub = alert_subscriptions.read_confirmation(token, any_age=True)
    except alert_subscriptions.LinkRefused as refused:
        return _confirmation_refused(request, refused, token, "alerts:confirmed")
    if sub.awaiting_confirmation:
        return redirect(link_page("alerts:confirm", token))
    return render(request, "alerts/confirm.html", {"subscription": sub, "state": "confirmed"})


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request):
    """The page an alert mail's unsubscribe link opens (/newsroom/alerts/unsubscribe/?token=…),
    for whoever the address belongs to, signed in or not (a colleague's address has no
    account): it names the address and who subscribed it, and its button (a POST, so
    that a mail scanner opening the link removes nothing) removes the subscription
    (alerts.subscriptions.unsubscribe), then leads to `unsubscribed`, which a reload does
    not POST again and the language switch keeps. A POST to the link itself is RFC 8058's
    one-click unsubscribe (the mail's List-Unsubscribe-Post header, its body
    "List-Unsubscribe=One-Click"): no CSRF token, the signed token is the proof; it is
    answered with the page saying the alerts stopped, its language switch leading to
    `unsubscribed`. The subscription's history records the removal as made through the
    link, by one click or the page's button. A link altered or cut is answered with 400,
    one whose subscription was removed or whose address changed with 404; a POST so
    refused has its language switch lead to the link's own page, which refuses it alike
    (`link_page`)."""
    token = request.POST.get("token") or request.GET.get("token", "")
    try:
        sub = alert_subscriptions.read_unsubscribe(token)
    except alert_subscriptions.LinkRefused as refused:
        return render(
            request,
            "alerts/unsubscribe.html",
            {"refused": refused.reason, "language_next": link_page("alerts:unsubscribe", token)},
            status=404 if refused.reason == "gone" else 400,
        )
    if request.method == "GET":
        return render(
            request,
            "alerts/unsubscribe.html",
            {
                "subscription": sub,
                "token": token,
                "owner": sub.owner.get_username(),
                "state": "ask",
            },
        )
    one_click = request.POST.get("List-Unsubscribe") == "One-Click"
    done = link_page(
        "alerts:unsubscribed", alert_subscriptions.unsubscribe(sub, one_click=one_click)
    )
    if not one_click:
        return see_other(done)
    # A mail client's one-click POST is answered as it always was, with the page itself
    # (RFC 8058 asks for no more): no redirect for a client to follow or not.
    return render(
        request,
        "alerts/unsubscribe.html",
        {"state": "removed", "email": sub.email, "language_next": done},
    )


@never_cache
@require_safe
def unsubscribed(request):
    """The page an unsubscribe link's button leads to (/newsroom/alerts/unsubscribe/done/
    ?token=…, the removal's signed notice: alerts.services.removal_notice): the alerts
    stopped, and to which address, in the language the reader chooses, as often as it is
    reloaded. The notice is no unsubscribe token and this page answers no POST: it removes
    nothing, and tells only what the page whose button removed the subscription told. A
    notice altered or cut is answered with 400, as a link so."""
    try:
        email = alert_subscriptions.read_removal_notice(request.GET.get("token", ""))
    except alert_subscriptions.LinkRefused as refused:
        return render(request, "alerts/unsubscribe.html", {"refused": refused.reason}, status=400)
    return render(request, "alerts/unsubscribe.html", {"state": "removed", "email": email})


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
