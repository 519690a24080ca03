"""Site-wide URLs: the public pages, the API under /api/v1/, the newsroom under /newsroom/,
and the admin."""

from django.contrib import admin
from django.urls import include, path

from core.views import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("account/", include("accounts.urls")),
    path("api/v1/", include("api.urls")),
    path("newsroom/alerts/", include("alerts.urls")),
    path("newsroom/", include("newsroom.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    path("", include("front.urls")),
]

# 503 with Retry-After, not 500, when the database cannot be reached (core/unavailable.py).
handler500 = "core.unavailable.server_error"
