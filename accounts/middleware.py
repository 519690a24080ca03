"""Staff accounts in every request.

- `SecondFactorMiddleware`: a session signed in with a password whose user enrolled a
  second factor is not signed in until the code is given: staff pages (/admin/,
  /newsroom/, /account/) send it to the code page, and everywhere else (the public site,
  the API) it counts as anonymous.
- `NewsroomLanguageMiddleware`: the language a signed-in account loads a newsroom page
  in is recorded as the language of its mails (accounts.languages).
"""

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import LogoutView
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

from accounts import languages
from core.auth import second_factor_pending

STAFF_PREFIXES = ("/admin/", "/newsroom/", "/account/")
NEWSROOM_PREFIX = "/newsroom/"


def _is_exempt(request) -> bool:
    """The code page itself, and signing out."""
    if request.path_info == reverse("accounts:otp-verify"):
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    view_class = getattr(match.func, "view_class", None)
    return isinstance(view_class, type) and issubclass(view_class, LogoutView)


class SecondFactorMiddleware:
    """Sends a session whose second factor is pending to the code page on staff pages,
    and makes it anonymous elsewhere (see the module). Sets
    `request.second_factor_pending` (a bool) for the middlewares after it: the pages it
    lets such a session reach (the code page, signing out) see its user signed in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.second_factor_pending = second_factor_pending(request.user)
        if request.second_factor_pending and not _is_exempt(request):
            if request.path_info.startswith(STAFF_PREFIXES):
                query = urlencode({"next": request.get_full_path()})
                response = redirect(f"{reverse('accounts:otp-verify')}?{query}")
                # Never cached, as the staff page it answers for.
                add_never_cache_headers(response)
                return response
            request.user = AnonymousUser()
        return self.get_response(request)


class NewsroomLanguageMiddleware:
    """Records the language of each newsroom page (/newsroom/..., the alerts' pages
    included) that a signed-in account loads, as the language of its mails
    (accounts.languages.record: written only when it changed). The language is the one
    the page is rendered in (core.locale: the language cookie, then Accept-Language).
    After SecondFactorMiddleware: a session that has not given its code yet records
    nothing (its newsroom pages send it to the code page; signing out, which it may
    reach, is not the account's use of the newsroom). Every account that can sign in is
    a staff account (accounts are created by create_account or in the admin)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path_info.startswith(NEWSROOM_PREFIX)
            and request.user.is_authenticated
            and not getattr(request, "second_factor_pending", False)
        ):
            languages.record(request.user, translation.get_language())
        return self.get_response(request)
