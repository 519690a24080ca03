"""The admin is for admins: only members of the admins group (or superusers) may sign in
to /admin/ or use it, whatever their is_staff flag says; reporters and reviewers work
in the newsroom. An admin who enrolled a second factor must also have given its code
in this session (core.auth.second_factor_pending).
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import roles
from core.auth import second_factor_pending


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's sign-in form: the account must be active and hold the admin role."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter the username and password of an admin account. The newsroom "
            "(/newsroom/) is where reporters and reviewers sign in."
        ),
    }

    def confirm_login_allowed(self, user):
        AuthenticationForm.confirm_login_allowed(self, user)
        if not roles.is_admin(user):
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login")


class AdminSite(admin.AdminSite):
    """/admin/ for admins only (the module's docstring), whose tracked records' "History"
    opens their full history."""

    site_header = _("iccwatch administration")
    site_title = _("iccwatch admin")
    login_form = AdminLoginForm

    def has_permission(self, request):
        user = request.user
        return bool(user.is_active and roles.is_admin(user) and not second_factor_pending(user))

    def register(self, model_or_iterable, admin_class=None, **options):
        """Register as usual; a tracked fact's "History" button opens its full history
        (every change with who, when, through which path, before and after), not the
        admin's own log of the edits made in the admin."""
        super().register(model_or_iterable, admin_class, **options)
        models = (
            model_or_iterable
            if isinstance(model_or_iterable, list | tuple)
            else [model_or_iterable]
        )
        for model in models:
            model_admin = self._registry.get(model)
            if model_admin is not None and _is_tracked(model):
                model_admin.history_view = _record_history_redirect(model)


def _is_tracked(model) -> bool:
    """Whether the history of every fact (pghistory triggers) records this model."""
    from pghistory.models import Event

    return any(
        getattr(event, "pgh_tracked_model", None) is model
        for event in model._meta.apps.get_models()
        if issubclass(event, Event)
    )


def _record_history_redirect(model):
    label = model._meta.label_lower

    def history_view(request, object_id, extra_context=None):
        return redirect(reverse("record-history", args=[label, object_id]))

    return history_view
