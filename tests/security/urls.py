"""The site's URLs, plus the two Django auth views the security tests sign in and set
passwords through, at the paths the newsroom gives them (a sign-in form other than the
admin's, and the one-time password link of manage.py create_account)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from iccwatch.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path(
        "test-signin/",
        auth_views.LoginView.as_view(template_name="admin/login.html"),
        name="test-signin",
    ),
    path(
        "newsroom/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "test-password-set/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    *site_urlpatterns,
]
