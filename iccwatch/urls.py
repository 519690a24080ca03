"""Site-wide URLs: the public pages (English unprefixed, French under /fr/), the API under
/api/v1/, the newsroom under /newsroom/, and the admin."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from core.views import healthz
from front import urls as front_urls
from front.views.home import staff_page_in_language

urlpatterns = [
    path("admin/", admin.site.urls),
    path("account/", include("accounts.urls")),
    path("api/v1/", include("api.urls")),
    # The API's bare address leads to its current version's index, which links the docs.
    path("api/", RedirectView.as_view(url="/api/v1/", permanent=False)),
    path("newsroom/alerts/", include("alerts.urls")),
    path("newsroom/", include("newsroom.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The staff pages have no language prefix: /fr/newsroom/ switches to French and opens them.
    re_path(
        rf"^(?P<code>{'|'.join(code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE)})/"
        r"(?P<rest>(?:newsroom|account|admin)/.*)$",
        staff_page_in_language,
    ),
    path("healthz", healthz, name="healthz"),
    path("", include(front_urls.unlocalized_patterns)),
]
# The public site: /states/MNG/ in English, /fr/states/MNG/ in French (core/locale.py).
urlpatterns += i18n_patterns(path("", include("front.urls")), prefix_default_language=False)

# 503 with Retry-After, not 500, when the database cannot be reached (core/unavailable.py).
handler500 = "core.unavailable.server_error"
