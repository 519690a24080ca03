"""An account turned off (its active flag cleared) is signed out everywhere; turned back
on, it starts afresh.

Django only pauses an inactive account: its sessions and API tokens stop working while it
is inactive (ModelBackend and REST framework refuse an inactive user) and answer again
once it is active. Here, each change of the active flag, either way:

- deletes the account's API tokens: a database trigger in the same statement
  (accounts.models.Account, `tokens_end_with_activity`), so every path that writes the
  flag does it, a bulk `update()` or psql included;
- ends the account's sessions (`end_sessions`, on `post_save` of the account: the admin's
  form, `save()` in the shell or a command). A bulk `update()` sends no signal: the
  sessions of an account turned off that way end when it is turned back on by a save.

Both are recorded in the account's history (accounts.history): the tokens' deletion by
their trigger, the sessions' end by a SESSIONS_ENDED event, in the context of the change
(who, which path).
"""

from __future__ import annotations

from importlib import import_module

import pghistory
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from accounts.models import SESSIONS_ENDED, Account

# The active flag an account had in the database before a save: set by `_remember_activity`
# on the instance being saved, read (and cleared) by `_end_sessions_on_activity`.
_WAS_ACTIVE = "_iccwatch_was_active"


def _session_store():
    """The SessionStore of settings.SESSION_ENGINE, which must keep sessions in the
    database (Django's `db` or `cached_db` engine): only those can be listed to find an
    account's. Raises ImproperlyConfigured for another engine."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        raise ImproperlyConfigured(
            f"SESSION_ENGINE {settings.SESSION_ENGINE!r} keeps no sessions in the database: "
            "an account's sessions could not be ended when it is turned off."
        )
    return store


def end_sessions(user) -> int:
    """Delete every unexpired session signed in as `user` (a user or its id); returns how
    many. Reads each unexpired session of the database (django_session), as no index
    holds a session's account; a staff site keeps few."""
    store = _session_store()
    user_id = str(getattr(user, "pk", user))
    ended = 0
    sessions = (
        store.get_model_class()
        .objects.filter(expire_date__gt=timezone.now())
        .values_list("session_key", "session_data")
    )
    for key, data in sessions.iterator():
        if str(store().decode(data).get(SESSION_KEY)) == user_id:
            store(session_key=key).delete()
            ended += 1
    return ended


def _is_account(instance) -> bool:
    return isinstance(instance, get_user_model())


@receiver(pre_save, dispatch_uid="accounts.offboarding.remember_activity")
def _remember_activity(sender, instance, update_fields=None, **kwargs):
    """Before an account's save that may write its active flag, note the flag it had."""
    if not _is_account(instance) or instance.pk is None:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return  # a sign-in's last_login, a password: the flag is not written
    was = type(instance)._base_manager.filter(pk=instance.pk).values_list("is_active", flat=True)
    setattr(instance, _WAS_ACTIVE, was.first())


@receiver(post_save, dispatch_uid="accounts.offboarding.end_sessions_on_activity")
def _end_sessions_on_activity(sender, instance, created=False, **kwargs):
    """After an account's save that changed its active flag (either way), end its sessions
    and record that in its history."""
    if not _is_account(instance):
        return
    was = instance.__dict__.pop(_WAS_ACTIVE, None)
    if created or was is None or was == instance.is_active:
        return
    if end_sessions(instance):
        account = Account(
            **{f.attname: getattr(instance, f.attname) for f in Account._meta.concrete_fields}
        )
        pghistory.create_event(account, label=SESSIONS_ENDED)
