"""The newsroom under /newsroom/: sign-in, password reset, dashboard, reports and their review.

Sign-in, sign-out and the password reset are Django's auth views with the newsroom's
templates, so that lockout and second-factor checks can wrap them. Every page here is
never cached, by the browser or a proxy: the newsroom's by newsroom.views.staff_page,
Django's sign-in, sign-out and new-password pages by Django, the other password reset
pages by `never_cache` below.
"""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.views.decorators.cache import never_cache

from newsroom import views

app_name = "newsroom"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path(
        "sign-in/",
        views.SignInView.as_view(
            template_name="newsroom/sign_in.html",
            redirect_authenticated_user=True,
            next_page=reverse_lazy("newsroom:dashboard"),
        ),
        name="sign-in",
    ),
    path(
        "sign-out/",
        auth_views.LogoutView.as_view(next_page=reverse_lazy("newsroom:sign-in")),
        name="sign-out",
    ),
    path(
        "password-reset/",
        never_cache(
            views.ThrottledPasswordResetView.as_view(
                template_name="newsroom/password_reset.html",
                email_template_name="newsroom/password_reset_email.txt",
                subject_template_name="newsroom/password_reset_subject.txt",
                success_url=reverse_lazy("newsroom:password-reset-done"),
            )
        ),
        name="password-reset",
    ),
    path(
        "password-reset/sent/",
        never_cache(
            auth_views.PasswordResetDoneView.as_view(
                template_name="newsroom/password_reset_done.html"
            )
        ),
        name="password-reset-done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="newsroom/password_reset_confirm.html",
            success_url=reverse_lazy("newsroom:password-reset-complete"),
        ),
        name="password-reset-confirm",
    ),
    path(
        "password-reset/done/",
        never_cache(
            auth_views.PasswordResetCompleteView.as_view(
                template_name="newsroom/password_reset_complete.html"
            )
        ),
        name="password-reset-complete",
    ),
    path("queue/", views.queue, name="queue"),
    path("reports/new/", views.report_new, name="new"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/edit/", views.report_edit, name="edit"),
    path("reports/<int:pk>/submit/", views.report_submit, name="submit"),
    path("reports/<int:pk>/take-back/", views.report_take_back, name="take-back"),
    path("reports/<int:pk>/delete/", views.report_delete, name="delete"),
    path("reports/<int:pk>/verify/", views.report_verify, name="verify"),
    path("reports/<int:pk>/request-changes/", views.report_request_changes, name="request-changes"),
    path("reports/<int:pk>/reject/", views.report_reject, name="reject"),
    path("visits/<slug_id:slug>/correct/", views.correct, name="correct"),
    path("visits/<slug_id:slug>/withdraw/", views.withdraw, name="withdraw"),
    path("visits/<slug_id:slug>/restore/", views.restore, name="restore"),
]
