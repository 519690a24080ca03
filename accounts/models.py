"""What the project keeps of a staff account beyond Django's user: the language it last
used the newsroom in (accounts.languages), the language of its mails; and the history
of its security-relevant changes (core.history, read by accounts.history).

The history of an account is pghistory's, as every fact's: database triggers on the
proxies below write an event for each change, whatever made it (the admin, a command,
the shell, psql), with the request's or the command's context (who, which path):

- `Account` (Django's user): created, deleted, and each change of its username, names,
  email, active, staff and superuser flags; never its password hash nor its last
  sign-in (an update of only those records nothing). `SESSIONS_ENDED` is written by
  accounts.offboarding when it signs the account out of its sessions.
- `AccountRole` (the user–group link): each role given ("role.add") or taken ("role.remove").
- `AccountToken` (Django REST framework's API token): each token created ("token.add") or
  deleted ("token.remove"), by its account and creation time, never its key. A token is
  never moved to another account: the database refuses it (`token_keeps_its_account`).
- `AccountDevice` (django-otp's TOTP device, the second factor): each device created
  ("device.add": the enrolment begun, confirmed only when the admin adds it so),
  confirmed ("device.confirm": from then on signing in asks for its code), no longer
  confirmed ("device.unconfirm", in the admin: signing in stops asking for it) and
  deleted ("device.remove"), by its account, name and confirmation, never its seed. A
  device is never moved to another account: the database refuses it
  (`device_keeps_its_account`).

`ApiToken` is the API token as the admin shows it (accounts.admin), named by its account
("API token of nadia") where REST framework's own token names itself by its key.

A change of an account's active flag, either way, also deletes its API tokens, in the
same statement (the trigger `tokens_end_with_activity`): a token must be created again
for an account turned back on (README, "Accounts, roles and signing in").
"""

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token, TokenProxy

from core import history

# The label of the event accounts.offboarding writes when it ends an account's sessions.
SESSIONS_ENDED = "sessions.end"


class NewsroomLanguage(models.Model):
    """The language (a code of settings.LANGUAGES: "en", "fr") in which `user` last loaded
    a newsroom page; one row per account that ever did, none for the others. Written by
    accounts.middleware.NewsroomLanguageMiddleware only when it changes, read by every
    mail to the account (accounts.languages.language_of)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="newsroom_language",
    )
    language = models.CharField(
        max_length=8, help_text="The language of the account's last newsroom page, and its mails."
    )

    def __str__(self):
        return f"{self.user_id}: {self.language}"


def _refuse_a_move(what: str, constraint: str) -> pgtrigger.Trigger:
    """A trigger (named `constraint`) refusing an update of a row's `user_id`: `what` ("API
    token", "Second factor") of one account moved to another."""
    return pgtrigger.Trigger(
        name=constraint,
        when=pgtrigger.Before,
        operation=pgtrigger.Update,
        condition=pgtrigger.AnyChange("user"),
        func=(
            f"RAISE EXCEPTION '{what} of account % cannot be moved to another "
            'account (%): delete it and create another\', OLD."user_id", '
            "NEW.\"user_id\" USING ERRCODE = 'integrity_constraint_violation'; "
            "RETURN NULL;"
        ),
    )


# The triggers sit on proxies of Django's (and REST framework's) tables, so that their
# migrations are this app's. The proxies add no permissions of their own.
@history.track(
    pghistory.ManualEvent(SESSIONS_ENDED),
    exclude=["password", "last_login"],
    model_name="AccountEvent",
)
class Account(User):
    """A staff account (Django's user), as its history records it (the module)."""

    class Meta:
        proxy = True
        default_permissions = ()
        triggers = [
            pgtrigger.Trigger(
                name="tokens_end_with_activity",
                when=pgtrigger.After,
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange("is_active"),
                func=f'DELETE FROM "{Token._meta.db_table}" WHERE "user_id" = NEW."id"; RETURN NULL;',
            )
        ]


@pghistory.track(
    pghistory.InsertEvent("role.add"),
    pghistory.DeleteEvent("role.remove"),
    obj_field=None,
    model_name="AccountRoleEvent",
)
class AccountRole(User.groups.through):
    """An account's membership of a group (a role, core.roles), as its history records it."""

    class Meta:
        proxy = True
        default_permissions = ()


@pghistory.track(
    pghistory.InsertEvent("token.add"),
    pghistory.DeleteEvent("token.remove"),
    fields=["user", "created"],
    obj_field=None,
    model_name="AccountTokenEvent",
)
class AccountToken(Token):
    """An account's API token, as its history records it: who and when, never the key.

    A token never changes account: the database refuses an update of its `user_id` (the
    trigger `token_keeps_its_account`, raising "API token ... cannot be moved to another
    account"), whatever makes it, since whoever holds the key would act as the other
    account. A token for another account is deleted and another created, both recorded."""

    class Meta:
        proxy = True
        default_permissions = ()
        triggers = [_refuse_a_move("API token", "token_keeps_its_account")]


@pghistory.track(
    pghistory.InsertEvent("device.add"),
    pghistory.UpdateEvent(
        "device.confirm", condition=pgtrigger.Q(old__confirmed=False, new__confirmed=True)
    ),
    pghistory.UpdateEvent(
        "device.unconfirm", condition=pgtrigger.Q(old__confirmed=True, new__confirmed=False)
    ),
    pghistory.DeleteEvent("device.remove"),
    fields=["user", "name", "confirmed"],
    obj_field=pghistory.ObjForeignKey(related_name="events"),
    model_name="AccountDeviceEvent",
)
class AccountDevice(TOTPDevice):
    """An account's second factor (django-otp's TOTP device: an authenticator app), as its
    history records it: created, confirmed, no longer confirmed, deleted; its name and
    account, never its seed (`key`), nor what changes at each code given (its drift,
    throttling and last use).

    A device never changes account: the database refuses an update of its `user_id` (the
    trigger `device_keeps_its_account`), whatever makes it. Moved, it would be a factor
    of an account its owner does not hold (the other account locked out, or signed in
    with a code the mover reads), recorded as neither's removal nor addition."""

    class Meta:
        proxy = True
        default_permissions = ()
        triggers = [_refuse_a_move("Second factor", "device_keeps_its_account")]


class ApiToken(TokenProxy):
    """An account's API token as the admin shows it (accounts.admin.ApiTokenAdmin): REST
    framework's TokenProxy (whose pk is its account's, one token per account), named by
    its account, "API token of nadia", in the language of the moment.

    The admin writes an object's str() into its log (django_admin_log.object_repr, read on
    "Recent actions" and each record's history) and shows it in its titles, breadcrumbs,
    messages and delete pages; REST framework's Token's is its key, a password for the
    API. No permissions of its own: admins hold every permission (core.auth.AdminsBackend).
    """

    class Meta:
        proxy = True
        default_permissions = ()
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return api_token_name(self.user.get_username())


def api_token_name(username: str) -> str:
    """The name of the API token of the account `username`, never its key: "API token of
    nadia", in the active language."""
    return gettext("API token of %(username)s") % {"username": username}
