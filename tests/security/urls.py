"""The site's URLs, plus a plain Django sign-in view (a sign-in form other than the
admin's and the newsroom's, to show the lockout holds on any LoginView)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from iccwatch.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path(
        "test-signin/",
        auth_views.LoginView.as_view(template_name="admin/login.html"),
        name="test-signin",
    ),
    *site_urlpatterns,
]
