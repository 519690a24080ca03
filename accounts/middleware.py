"""A session signed in with a password whose user enrolled a second factor is not signed
in until the code is given: staff pages (/admin/, /newsroom/, /account/) send it to the
code page, and everywhere else (the public site, the API) it counts as anonymous."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import LogoutView
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode

from core.auth import second_factor_pending

STAFF_PREFIXES = ("/admin/", "/newsroom/", "/account/")


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
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if second_factor_pending(request.user) and not _is_exempt(request):
            if request.path_info.startswith(STAFF_PREFIXES):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('accounts:otp-verify')}?{query}")
            request.user = AnonymousUser()
        return self.get_response(request)
