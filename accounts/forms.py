"""One account per username and per email address, in any case: the admin's forms of an
account (add and change), `create_account` and `createsuperuser` refuse a username or an
email address that another account holds, however it is capitalised (on an account's
page, only a changed one). Accounts that shared one before are named by the system
check accounts.W001 (accounts.checks).

A username differing only in case would be a second account that its owner, or anyone
reading a list, takes for the first. An email address is where a password link goes:
a password reset mails a link to every active account of the address
(newsroom.tasks.mail_password_reset, Django's PasswordResetForm.get_users, which compares
addresses in any case), so whoever holds the mailbox of an address given to two
accounts could set the password of both. An empty address is nobody's and never taken.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy


def _others(exclude, using=None):
    User = get_user_model()
    accounts = User._default_manager.db_manager(using).all()
    if exclude is not None:
        accounts = accounts.exclude(pk=getattr(exclude, "pk", exclude))
    return accounts


def username_taken(username: str, *, exclude=None, using: str | None = None) -> bool:
    """Whether an account other than `exclude` (an account or its id) has `username`, in
    any case, in the database `using` (the default one when None)."""
    User = get_user_model()
    return _others(exclude, using).filter(**{f"{User.USERNAME_FIELD}__iexact": username}).exists()


def email_taken(email: str, *, exclude=None, using: str | None = None) -> bool:
    """Whether an account other than `exclude` (an account or its id) has the email
    address `email`, in any case (surrounding spaces ignored), in the database `using`
    (the default one when None); never for an empty one."""
    email = (email or "").strip()
    if not email:
        return False
    User = get_user_model()
    return (
        _others(exclude, using).filter(**{f"{User.get_email_field_name()}__iexact": email}).exists()
    )


EMAIL_TAKEN = gettext_lazy("Another account has this email address.")


class _OneAccountPerAddress:
    """A form's `clean_email`: refuses an address another account holds (EMAIL_TAKEN),
    on an account's page only when the address is changed, so that accounts that already
    share one (accounts.checks) can still be saved, to turn one off."""

    def clean_email(self):
        email = (self.cleaned_data.get("email") or "").strip()
        checked = self.instance.pk is None or "email" in self.changed_data
        if checked and email_taken(email, exclude=self.instance.pk):
            raise forms.ValidationError(EMAIL_TAKEN, code="email_taken")
        return email


class AccountChangeForm(_OneAccountPerAddress, UserChangeForm):
    """The admin's page of an account: Django's form, refusing a username that another
    account holds in any case (as the add form does) and an email address another holds,
    each only when changed: accounts that already share one (accounts.checks) can still
    be saved, to turn one off."""

    def clean_username(self):
        username = self.cleaned_data.get("username")
        changed = "username" in self.changed_data
        if changed and username and username_taken(username, exclude=self.instance.pk):
            raise self.instance.unique_error_message(type(self.instance), ["username"])
        return username


class AccountCreationForm(_OneAccountPerAddress, AdminUserCreationForm):
    """The admin's form adding an account: Django's (a username no account holds in any
    case), with the account's email address, required (where its password links go) and
    no other account's."""

    class Meta(AdminUserCreationForm.Meta):
        fields = ("username", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
