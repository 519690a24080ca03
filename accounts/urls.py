"""/account/: the second factor's enrolment and code pages."""

from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("otp/", views.otp_setup, name="otp-setup"),
    path("otp/verify/", views.otp_verify, name="otp-verify"),
]
