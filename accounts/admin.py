"""The admin's page for staff accounts: Django's own (django.contrib.auth.admin.UserAdmin)
with the language of the account's mails (accounts.languages), shown read-only in its
list and on its page; its forms refuse a username or an email address another account
holds, in any case (accounts.forms); its "History" page shows, above the admin's own
log, everything the database recorded of the account (accounts.history: roles given
and taken, turned off and on, tokens, by whom and through which path), which downloads
as CSV or JSON from there (`history.csv`, `history.json` beside the page); and the
admin's log of a change names the roles given and taken, not only "Changed Groups".

API tokens (REST framework's, README "Tokens and limits") are shown by their account,
never their key, a password for the API: "API token of nadia" (accounts.models.ApiToken)
in the admin's lists, titles, breadcrumbs, messages, delete pages and log
(django_admin_log, read on "Recent actions" and each record's history), where REST
framework's own token admin showed the key. A token's account cannot be changed (delete
it and add another). An admin adds a token for their own account only (ApiTokenAdmin):
another account's is created on the server with `drf_create_token`. The only page that
shows a key is the answer to the admin who adds their token, once
(ApiTokenAdmin.response_add); `drf_create_token` prints it likewise.

Groups are Django's own admin (GroupAdmin), but for the role groups (core.roles:
reporters, reviewers, admins), which the project finds by their names: their names are
read-only and they cannot be deleted (RoleGroupAdmin), as renaming or deleting one would
take the role from every member at once, unrecorded (and the admins' group, every admin
but the superusers out of the admin). Outside the admin, the model-level guard of
core.roles refuses the same (RoleGroupProtected).

Read-only: the newsroom records the language each time the account loads a page in
another (accounts.middleware.NewsroomLanguageMiddleware), so a language typed here
would hold only until then; `create_account --language` records the first one.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import re_path, reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import Token, TokenProxy

from accounts.forms import AccountChangeForm, AccountCreationForm
from accounts.history import (
    ACCOUNT_HISTORY_TABLE,
    ROLE_OF_GROUP,
    account_history,
    account_history_rows,
)
from accounts.models import ApiToken, api_token_name
from core import tabular

User = get_user_model()


def recorded_language(user) -> str:
    """The language recorded for `user` in words, in the page's language: "French (fr)",
    or "none recorded" for an account that never loaded a newsroom page. Reads it with
    `user` when it was loaded with it (select_related("newsroom_language"))."""
    try:
        code = user.newsroom_language.language
    except ObjectDoesNotExist:
        return gettext("none recorded")
    name = dict(settings.LANGUAGES).get(code)
    return f"{name} ({code})" if name else code


# The name of a role in the admin's log ("Added role “reviewer”."), translated when the
# log is read (LogEntry.get_change_message), as Django's own names are.
ROLE = gettext_noop("role")


def role_name(group) -> str:
    """A group as the admin's log names it: its role ("reviewer"), else its own name."""
    return ROLE_OF_GROUP.get(group.name, group.name)


class AccountAdmin(UserAdmin):
    """Django's user admin, with the language of the account's mails, its forms refusing
    a username or email address another account holds, and the account's history (the
    module)."""

    form = AccountChangeForm
    add_form = AccountCreationForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "usable_password", "password1", "password2"),
            },
        ),
    )
    object_history_template = "accounts/admin/account_history.html"
    list_display = (*UserAdmin.list_display, "mail_language")
    list_select_related = ("newsroom_language",)
    readonly_fields = (*UserAdmin.readonly_fields, "mail_language")
    # The page of an existing account (its add form, UserAdmin.add_fieldsets, is unchanged).
    fieldsets = (
        *UserAdmin.fieldsets,
        (
            _("Mails"),
            {
                "fields": ("mail_language",),
                "description": _(
                    "Mails to this account are written in the language it last used the "
                    "newsroom in, recorded each time it loads a newsroom page in another. "
                    "With none recorded, a mail is in the language of its occasion (the page "
                    "a password link was asked from, the language a reviewer acted in), else "
                    "in the site's default."
                ),
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("newsroom_language")

    def construct_change_message(self, request, form, formsets, add=False):
        """Django's message ("Changed Active and Groups."), followed by each role given
        ("Added role “reviewer”.") and taken ("Deleted role “reporter”."), in the shape
        Django's log reads in the reader's language."""
        message = super().construct_change_message(request, form, formsets, add)
        if add or "groups" not in form.changed_data:
            return message
        before = {group.pk: group for group in form.initial.get("groups") or []}
        after = {group.pk: group for group in form.cleaned_data.get("groups") or []}
        given = sorted(role_name(after[pk]) for pk in after.keys() - before.keys())
        taken = sorted(role_name(before[pk]) for pk in before.keys() - after.keys())
        message += [{"added": {"name": ROLE, "object": name}} for name in given]
        message += [{"deleted": {"name": ROLE, "object": name}} for name in taken]
        return message

    def history_view(self, request, object_id, extra_context=None):
        """The admin's history page of an account, with what the database recorded of it
        (accounts.history) above the admin's own log, and links to download it."""
        response = super().history_view(request, object_id, extra_context)
        account = getattr(response, "context_data", {}).get("object")
        if account is not None:
            response.context_data["account_history"] = account_history(account.pk)
            response.context_data["history_downloads"] = {
                fmt: reverse(
                    f"{self.admin_site.name}:{self._history_download_name()}",
                    args=[account.pk, fmt],
                )
                for fmt in ("csv", "json")
            }
        return response

    def _history_download_name(self) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_history_download"

    def get_urls(self):
        """Django's addresses for accounts, and the downloads of an account's history
        (`<id>/history.csv`, `<id>/history.json`), before them."""
        download = re_path(
            r"^(?P<object_id>[^/]+)/history\.(?P<fmt>csv|json)$",
            self.admin_site.admin_view(self.history_download),
            name=self._history_download_name(),
        )
        return [download, *super().get_urls()]

    def history_download(self, request, object_id: str, fmt: str):
        """An account's recorded history (accounts.history.account_history), as its history
        page lists it, for whoever may open that page: a CSV (with its BOM) or a JSON
        object naming the account (`account`: id, username) with `results` and `count`,
        one row per entry (ACCOUNT_HISTORY_TABLE), written by core.tabular. Http404 for no
        such account, PermissionDenied for an admin who may not view it; never cached."""
        account = self.get_object(request, unquote(object_id))
        if account is None:
            raise Http404("no such account")
        if not self.has_view_or_change_permission(request, account):
            raise PermissionDenied
        rows = account_history_rows(account_history(account.pk))
        generated = timezone.now()
        if fmt == "csv":
            pieces = tabular.in_pieces(tabular.csv_lines(rows, ACCOUNT_HISTORY_TABLE.names))
            content_type = "text/csv; charset=utf-8"
        else:
            head = {
                "account": {"id": account.pk, "username": account.get_username()},
                "url": request.build_absolute_uri(),
                "generated_at": generated,
            }
            pieces = tabular.in_pieces(tabular.json_document(head, rows))
            content_type = "application/json"
        response = StreamingHttpResponse(pieces, content_type=content_type)
        name = f"iccwatch-account-history-{account.pk}-{generated:%Y-%m-%d}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "private, no-store"
        return response

    @admin.display(description=_("Language of its mails"))
    def mail_language(self, user):
        return recorded_language(user)

    def get_deleted_objects(self, objs, request):
        """Django's list of what deleting the accounts `objs` deletes (the delete page and
        the "delete selected" action), with each API token named by its account, not by
        its key (REST framework's Token's str())."""
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        names = {
            key: api_token_name(username)
            for key, username in Token.objects.filter(user__in=objs).values_list(
                "key", f"user__{User.USERNAME_FIELD}"
            )
        }
        return _without_keys(to_delete, names), model_count, perms_needed, protected


def _without_keys(items: list, names: dict[str, str]) -> list:
    """`items`, a nested list of the admin's descriptions of objects ("Token: <key>"),
    with each key of `names` replaced by its name."""
    cleaned = []
    for item in items:
        if isinstance(item, list):
            cleaned.append(_without_keys(item, names))
            continue
        for key, name in names.items():
            if key in item:
                # An item the admin made HTML (a link) stays HTML, the name escaped in it.
                safe = isinstance(item, SafeData)
                item = item.replace(key, conditional_escape(name) if safe else name)
                item = mark_safe(item) if safe else item
        cleaned.append(item)
    return cleaned


class ApiTokenAdmin(TokenAdmin):
    """REST framework's token admin (one token per account, its pages addressed by the
    account's id), showing a token by its account and creation time, never its key, but
    once: on the page that answers its creation (the module).

    An admin adds a token for their own account only. A key is a password for the API,
    and the API checks four eyes by account (visits.review): an admin who could add a
    token for a reviewer, and read its key, could verify their own report as that
    reviewer. Another account's token is created by an operator on the server
    (`drf_create_token`); an admin may delete any token, never read its key. Each token
    created or deleted is mailed to its account's owner (alerts.receivers)."""

    list_display = ("user", "created")
    list_select_related = ("user",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """The account of a new token: the signed-in admin's, the only one offered; another
        posted is refused as any choice not offered ("Select a valid choice")."""
        if db_field.name == "user":
            kwargs["queryset"] = User._default_manager.filter(pk=request.user.pk)
            kwargs["initial"] = request.user.pk
            kwargs["empty_label"] = None
            kwargs["help_text"] = _(
                "Your own account: an admin adds an API token for no other. Another "
                "account's token is created on the server, with “python3 manage.py "
                "drf_create_token USERNAME”."
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        """Save the token; a new one for another account than the admin's is refused
        (PermissionDenied), whatever form posted it."""
        if not change and obj.user_id != request.user.pk:
            raise PermissionDenied(_("An admin adds an API token for their own account only."))
        super().save_model(request, obj, form, change)

    def get_readonly_fields(self, request, obj=None):
        """The account of an existing token, read-only: a token moved to another account
        would let whoever was given its key act as that account. A token for another
        account is deleted and another added (the database refuses a move by any other
        path, accounts.models.AccountToken)."""
        if obj is not None:
            return ("user", *super().get_readonly_fields(request, obj))
        return super().get_readonly_fields(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        """The page that answers the token's creation: its key, the admin's own, to copy
        now, shown on no other page; links back to the list. Instead of the admin's
        redirect to the list with "The token “<str>” was added successfully.", whichever
        save button was used."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("The key of the new API token"),
            "token": obj,
            "key": obj.key,
            "account": obj.user.get_username(),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "accounts/admin/token_created.html", context)


def role_group_words(group) -> str:
    """Why the role group `group` (its name one of core.roles.ROLES's groups) cannot be
    renamed or deleted, in the active language, for the admin's page and messages."""
    return gettext(
        "The group “%(name)s” is the role %(role)s: iccwatch finds the role by this name, "
        "so the group cannot be renamed or deleted (every member would lose the role at "
        "once). Give or take the role on each account's page."
    ) % {"name": group.name, "role": ROLE_OF_GROUP[group.name]}


def is_role_group(group) -> bool:
    """Whether `group` is one of the role groups (core.roles.ROLES), found by its name."""
    return group.name in ROLE_OF_GROUP


class GroupForm(forms.ModelForm):
    """The admin's form of a group (its name and permissions), refusing to rename another
    group to a role's name: all its members would hold the role at once, and no account's
    history would say so (a role given is recorded by account, accounts.models.AccountRole).
    A new group may take it: a role group deleted outside the admin is added again so."""

    class Meta:
        model = Group
        fields = ("name", "permissions")

    def clean_name(self):
        name = self.cleaned_data["name"]
        renamed = self.instance.pk is not None and name != self.initial.get("name")
        if renamed and name in ROLE_OF_GROUP:
            raise forms.ValidationError(
                _(
                    "“%(name)s” is the name of the role %(role)s: a group renamed to it would "
                    "give that role to all its members at once. Add a group of that name "
                    "instead, and give the role on each account's page."
                ),
                code="role_name",
                params={"name": name, "role": ROLE_OF_GROUP[name]},
            )
        return name


def _delete_selected_groups(modeladmin, request, queryset):
    """Django's "Delete selected groups", refusing the whole selection, with a message,
    when it holds a role group: nothing is deleted."""
    held = sorted(group.name for group in queryset if is_role_group(group))
    if held:
        modeladmin.message_user(
            request,
            ngettext(
                "Nothing was deleted: the group %(groups)s is a role, which iccwatch finds "
                "by its group's name; it cannot be renamed or deleted.",
                "Nothing was deleted: the groups %(groups)s are roles, which iccwatch finds "
                "by their groups' names; they cannot be renamed or deleted.",
                len(held),
            )
            % {"groups": ", ".join(f"“{name}”" for name in held)},
            messages.ERROR,
        )
        return None
    return delete_selected(modeladmin, request, queryset)


class RoleGroupAdmin(GroupAdmin):
    """Django's group admin, whose role groups (core.roles: reporters, reviewers, admins)
    keep their names and cannot be deleted: core.roles finds a role by its group's name,
    so renaming or deleting the group took the role from every member at once, and the
    admins' group locked every admin but the superusers out of the admin. Their pages say
    why; their delete page, and "Delete selected groups" with one of them selected, answer
    with that message and delete nothing. Another group is renamed (to no role's name:
    GroupForm) and deleted as before."""

    form = GroupForm

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and is_role_group(obj):
            return ("name", *fields)
        return fields

    def get_fieldsets(self, request, obj=None):
        """A role group's page says why its name is read-only and it has no delete button."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not is_role_group(obj):
            return fieldsets
        (name, options), *rest = fieldsets
        # The admin shows a fieldset's description as HTML.
        description = conditional_escape(role_group_words(obj))
        return [(name, {**options, "description": description}), *rest]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and is_role_group(obj):
            return False
        return super().has_delete_permission(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        """A role group's delete page: back to its page, with why it cannot be deleted
        (instead of Django's 403 with no reason); another group's, Django's."""
        group = self.get_object(request, unquote(object_id))
        if group is not None and is_role_group(group):
            self.message_user(request, role_group_words(group), messages.ERROR)
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", group.pk)
        return super().delete_view(request, object_id, extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _func, name, description = actions["delete_selected"]
            actions["delete_selected"] = (_delete_selected_groups, name, description)
        return actions


class SecondFactorAdmin(TOTPDeviceAdmin):
    """django-otp's admin of TOTP devices (the second factor), an existing device's
    account read-only: a device moved to another account would be a factor its owner
    does not hold (the database refuses the move by any other path,
    accounts.models.AccountDevice). Each device added, confirmed or deleted here is in
    the account's history and mailed to its owner (alerts.receivers)."""

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None:
            return ("user", *fields)
        return fields


admin.site.unregister(User)
admin.site.register(User, AccountAdmin)
admin.site.unregister(Group)
admin.site.register(Group, RoleGroupAdmin)
# REST framework's admin.py, imported above, registered TokenProxy with its TokenAdmin.
admin.site.unregister(TokenProxy)
admin.site.register(ApiToken, ApiTokenAdmin)
admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, SecondFactorAdmin)
