"""The admin's page for staff accounts: Django's own (django.contrib.auth.admin.UserAdmin)
with the language of the account's mails (accounts.languages), shown read-only in its
list and on its page.

Read-only: the newsroom records the language each time the account loads a page in
another (accounts.middleware.NewsroomLanguageMiddleware), so a language typed here
would hold only until then; `create_account --language` records the first one.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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


class AccountAdmin(UserAdmin):
    """Django's user admin, with the language of the account's mails (the module)."""

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

    @admin.display(description=_("Language of its mails"))
    def mail_language(self, user):
        return recorded_language(user)


admin.site.unregister(User)
admin.site.register(User, AccountAdmin)
