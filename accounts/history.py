"""An account's history, for admins (the admin's history page of an account): what the
database recorded of it (accounts.models: its creation, each role given or taken, its
active, staff and superuser flags, its username, names and email address, its API
tokens created or deleted, its second factor enrolled, confirmed or removed, its
sessions ended, its alert subscriptions added, confirmed, paused, resumed, changed and
removed: alerts.models.SubscriptionEvent), in words in the reader's language, with when,
who and through which path (core.history's context: the admin, a command, the shell, the
newsroom, the account's own pages, a link mailed to a subscription's address). Never a
password hash, a token's key, a device's seed nor a webhook's signing secret: none is
recorded. The same entries download as CSV or JSON from that page (ACCOUNT_HISTORY_TABLE).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from accounts.models import SESSIONS_ENDED, Account, AccountDevice, AccountRole, AccountToken
from alerts.models import Subscription
from core import tabular
from core.history import WritePath
from core.names import format_moment
from core.roles import ROLES

# A group's role name ("reviewers" → "reviewer"); another group reads by its own name.
ROLE_OF_GROUP = {group: role for role, group in ROLES.items()}
# The order of an account's events recorded in one transaction (the same moment): the
# account itself (created, turned off), then its roles, its tokens, its second factors,
# its alert subscriptions, then its sessions.
_ACCOUNT, _ROLE, _TOKEN, _DEVICE, _SUBSCRIPTION, _SESSIONS = range(6)
# The links mailed to a subscription's address (alerts.subscriptions.by_link), in words.
LINK_WORDS = {
    "unsubscribe": gettext_lazy("unsubscribe link mailed to the subscription's address"),
    "confirmation": gettext_lazy("confirmation link mailed to the subscription's address"),
}
# The fields of an account whose changes read "<field> changed from “a” to “b”".
TEXT_FIELDS = ("username", "email", "first_name", "last_name", "date_joined")
# The flags of an account whose changes read as given or taken away.
FLAGS = ("is_staff", "is_superuser")


@dataclass(frozen=True)
class AccountEntry:
    """One thing recorded of an account: when (`at`; `when` in words, UTC), what happened
    (`what`, in words), who did it (`who`: the signed-in user's username, or the
    operating-system account that ran a command or the shell; words saying so for a
    change made by a link mailed to a subscription's address, signed in as nobody; ""
    when nothing says), and through which path (`through`: "admin", "command
    create_account", "unsubscribe link mailed to the subscription's address", ...)."""

    at: datetime.datetime
    what: str
    who: str
    through: str

    @property
    def when(self) -> str:
        return format_moment(self.at)


def _context(event) -> dict:
    return dict((event.pgh_context.metadata if event.pgh_context_id else None) or {})


def changed_by(context: dict) -> str:
    """Who made a change, from its history context (core.history): the signed-in user's
    username, else the operating-system account that ran a command or the shell; ""
    when nothing says."""
    return context.get("username") or context.get("os_user") or ""


def changed_through(context: dict) -> str:
    """Through which path a change was made, from its history context, in words in the
    active language: "admin", "account pages", "command drf_create_token", "unsubscribe
    link mailed to the subscription's address (one click, from the mail client)", ..."""
    path = context.get("path") or ""
    if path == WritePath.LINK and context.get("link") in LINK_WORDS:
        words = str(LINK_WORDS[context["link"]])
        if context.get("one_click"):
            return _("%(link)s (one click, from the mail client)") % {"link": words}
        return words
    words = str(WritePath(path).label) if path in WritePath.values else path
    if context.get("command"):
        return f"{words} {context['command']}"
    return words


def _flag_words(name: str, value: bool) -> str:
    return {
        ("is_staff", True): _("staff status given"),
        ("is_staff", False): _("staff status taken away"),
        ("is_superuser", True): _("superuser status given"),
        ("is_superuser", False): _("superuser status taken away"),
    }[name, value]


def _value_words(name: str, value) -> str:
    if value in (None, ""):
        return pgettext("an empty value in a record's history", "none")
    if isinstance(value, datetime.datetime):
        return format_moment(value)
    return str(value)


def _state_words(row: dict) -> str:
    """An account as it stands, in words: "active, staff status, username “nadia”, ..."."""
    parts = [
        pgettext("an account", "active") if row["is_active"] else pgettext("an account", "inactive")
    ]
    if row["is_staff"]:
        parts.append(_("staff status"))
    if row["is_superuser"]:
        parts.append(_("superuser status"))
    parts.append(_("username “%(value)s”") % {"value": row["username"]})
    if row["email"]:
        parts.append(_("email address “%(value)s”") % {"value": row["email"]})
    else:
        parts.append(_("no email address"))
    return ", ".join(parts)


def _changes_words(before: dict, after: dict) -> str:
    """What an update changed, in words ("deactivated; staff status given; ...")."""
    User = get_user_model()
    parts = []
    if before["is_active"] != after["is_active"]:
        parts.append(_("reactivated") if after["is_active"] else _("deactivated"))
    parts += [_flag_words(name, after[name]) for name in FLAGS if before[name] != after[name]]
    for name in TEXT_FIELDS:
        old, new = _value_words(name, before[name]), _value_words(name, after[name])
        # A change too small to read (the admin's form drops a date's microseconds) is none.
        if old != new:
            parts.append(
                _("%(field)s changed from “%(old)s” to “%(new)s”")
                % {"field": User._meta.get_field(name).verbose_name, "old": old, "new": new}
            )
    return "; ".join(parts)


def _row(event) -> dict:
    return {name: getattr(event, name) for name in ("is_active", *FLAGS, *TEXT_FIELDS)}


def _account_entries(user_id) -> list[tuple]:
    events = (
        Account.pgh_event_model.objects.filter(pgh_obj_id=user_id)
        .select_related("pgh_context")
        .order_by("pgh_id")
    )
    entries, before = [], None
    for event in events:
        row = _row(event)
        label = event.pgh_label
        if label == SESSIONS_ENDED:
            entries.append((event, _SESSIONS, _("signed out of its sessions")))
            continue
        if label == "baseline":
            what = _("as it stood when the history began: %(state)s") % {"state": _state_words(row)}
        elif label == "insert":
            what = _("account created: %(state)s") % {"state": _state_words(row)}
        elif label == "delete":
            what = _("account deleted")
        else:
            what = _changes_words(before, row) if before is not None else ""
        if what:
            entries.append((event, _ACCOUNT, what))
        before = row
    return entries


def _role_entries(user_id) -> list[tuple]:
    events = list(
        AccountRole.pgh_event_model.objects.filter(user_id=user_id)
        .select_related("pgh_context")
        .order_by("pgh_id")
    )
    groups = Group.objects.in_bulk({e.group_id for e in events})
    entries = []
    for event in events:
        group = groups.get(event.group_id)
        role = ROLE_OF_GROUP.get(group.name, group.name) if group else f"#{event.group_id}"
        what = {
            "baseline": _("role %(role)s held when the history began"),
            "role.add": _("role %(role)s given"),
            "role.remove": _("role %(role)s taken away"),
        }[event.pgh_label] % {"role": role}
        entries.append((event, _ROLE, what))
    return entries


def _token_entries(user_id) -> list[tuple]:
    events = list(
        AccountToken.pgh_event_model.objects.filter(user_id=user_id)
        .select_related("pgh_context")
        .order_by("pgh_id")
    )
    # A token deleted, then another created in the same context (drf_create_token -r):
    # replaced, read once at the creation. Paired one to one, in the order recorded; a
    # creation followed by a deletion (the account turned off) is each on its own.
    unpaired: dict[int, list] = {}
    paired, replacing = set(), set()
    for event in events:
        if not event.pgh_context_id:
            continue
        if event.pgh_label == "token.remove":
            unpaired.setdefault(event.pgh_context_id, []).append(event.pgh_id)
        elif event.pgh_label == "token.add" and unpaired.get(event.pgh_context_id):
            paired.add(unpaired[event.pgh_context_id].pop(0))
            replacing.add(event.pgh_id)
    entries = []
    for event in events:
        if event.pgh_id in paired:
            continue
        if event.pgh_id in replacing:
            entries.append((event, _TOKEN, _("API token replaced by a new one")))
            continue
        what = {
            "baseline": _("API token held when the history began"),
            "token.add": _("API token created"),
            "token.remove": _("API token deleted"),
        }[event.pgh_label]
        entries.append((event, _TOKEN, what))
    return entries


def _device_words(event) -> str:
    device = {"name": event.name}
    if event.pgh_label == "baseline":
        if event.confirmed:
            return (
                _("second factor held when the history began (authenticator “%(name)s”)") % device
            )
        return (
            _("unconfirmed second factor held when the history began (authenticator “%(name)s”)")
            % device
        )
    if event.pgh_label == "device.add":
        if event.confirmed:
            return _("second factor added, confirmed (authenticator “%(name)s”)") % device
        return _("second factor enrolment begun (authenticator “%(name)s”)") % device
    if event.pgh_label == "device.remove" and not event.confirmed:
        return _("unconfirmed second factor removed (authenticator “%(name)s”)") % device
    return {
        "device.confirm": _("second factor confirmed (authenticator “%(name)s”)"),
        "device.unconfirm": _("second factor no longer confirmed (authenticator “%(name)s”)"),
        "device.remove": _("second factor removed (authenticator “%(name)s”)"),
    }[event.pgh_label] % device


def _device_entries(user_id) -> list[tuple]:
    events = (
        AccountDevice.pgh_event_model.objects.filter(user_id=user_id)
        .select_related("pgh_context")
        .order_by("pgh_id")
    )
    return [(event, _DEVICE, _device_words(event)) for event in events]


def _subscription_name(row: dict) -> str:
    """A subscription in words, by its id and what its owner sees it by (its label, else
    its address, else its webhook, as Subscription.__str__): "#12 “desk”"."""
    name = row["label"] or row["email"] or row["webhook_url"]
    return _("#%(id)s “%(name)s”") % {"id": row["id"], "name": name}


def _subscription_state_words(row: dict) -> str:
    """A subscription as it stands, in words: "active, email address “a@b” (confirmed),
    webhook “https://…”, urgent alerts, language “fr”"."""
    parts = [
        pgettext("an alert subscription", "active")
        if row["active"]
        else pgettext("an alert subscription", "paused")
    ]
    if row["email"]:
        address = _("email address “%(value)s”") % {"value": row["email"]}
        if row["email"] == row["confirmed_email"]:
            parts.append(_("%(address)s (confirmed)") % {"address": address})
        else:
            parts.append(_("%(address)s (awaiting confirmation)") % {"address": address})
    if row["webhook_url"]:
        parts.append(_("webhook “%(value)s”") % {"value": row["webhook_url"]})
    parts.append(_("urgent alerts") if row["urgent"] else _("no urgent alerts"))
    parts.append(_("language “%(value)s”") % {"value": row["language"]})
    return ", ".join(parts)


def _subscription_changes_words(before: dict, after: dict, usernames: dict) -> str:
    """What an update of a subscription changed, in words ("paused; address “a@b”
    confirmed; label changed from “x” to “y”")."""
    parts = []
    if before["active"] != after["active"]:
        parts.append(
            pgettext("an alert subscription", "resumed")
            if after["active"]
            else pgettext("an alert subscription", "paused")
        )
    if before["urgent"] != after["urgent"]:
        parts.append(
            _("urgent alerts turned on") if after["urgent"] else _("urgent alerts turned off")
        )
    if before["owner_id"] != after["owner_id"]:
        parts.append(
            _("moved from the account %(old)s to the account %(new)s")
            % {
                "old": usernames.get(before["owner_id"], f"#{before['owner_id']}"),
                "new": usernames.get(after["owner_id"], f"#{after['owner_id']}"),
            }
        )
    for name in ("label", "email", "webhook_url", "language"):
        if before[name] != after[name]:
            parts.append(
                _("%(field)s changed from “%(old)s” to “%(new)s”")
                % {
                    "field": _("language") if name == "language" else _field_name(name),
                    "old": _value_words(name, before[name]),
                    "new": _value_words(name, after[name]),
                }
            )
    if before["confirmed_email"] != after["confirmed_email"]:
        if after["confirmed_email"] and after["confirmed_email"] == after["email"]:
            parts.append(_("address “%(value)s” confirmed") % {"value": after["email"]})
        elif after["confirmed_email"]:
            parts.append(
                _("address confirmed changed to “%(value)s”") % {"value": after["confirmed_email"]}
            )
        else:
            parts.append(_("no address confirmed"))
    return "; ".join(parts)


def _field_name(name: str) -> str:
    return str(Subscription._meta.get_field(name).verbose_name)


def _subscription_row(event) -> dict:
    return {
        "id": event.pgh_obj_id,
        "owner_id": event.owner_id,
        **{
            name: getattr(event, name)
            for name in (
                "label",
                "email",
                "confirmed_email",
                "webhook_url",
                "urgent",
                "language",
                "active",
            )
        },
    }


def _subscription_entries(user_id) -> list[tuple]:
    """The recorded changes of each alert subscription the account `user_id` ever owned
    (the whole history of one moved to or from another account), one or two queries."""
    Event = Subscription.pgh_event_model
    owned = Event.objects.filter(owner_id=user_id).values("pgh_obj_id")
    events = list(
        Event.objects.filter(pgh_obj_id__in=owned).select_related("pgh_context").order_by("pgh_id")
    )
    owners = {event.owner_id for event in events}
    usernames = {}
    if len(owners) > 1:
        User = get_user_model()
        usernames = dict(
            User._default_manager.filter(pk__in=owners).values_list("pk", User.USERNAME_FIELD)
        )
    entries, before = [], {}
    for event in events:
        row = _subscription_row(event)
        name = _subscription_name(row)
        label = event.pgh_label
        if label == "baseline":
            what = _(
                "alert subscription %(name)s as it stood when the history began: %(state)s"
            ) % {"name": name, "state": _subscription_state_words(row)}
        elif label == "insert":
            what = _("alert subscription %(name)s added: %(state)s") % {
                "name": name,
                "state": _subscription_state_words(row),
            }
        elif label == "delete":
            what = _("alert subscription %(name)s removed") % {"name": name}
        else:
            previous = before.get(event.pgh_obj_id)
            changes = _subscription_changes_words(previous, row, usernames) if previous else ""
            what = (
                _("alert subscription %(name)s: %(changes)s") % {"name": name, "changes": changes}
                if changes
                else ""
            )
        if what:
            entries.append((event, _SUBSCRIPTION, what))
        before[event.pgh_obj_id] = row
    return entries


def changed_by_in_words(context: dict) -> str:
    """Who made a change, as an account's history shows it: `changed_by`, or for a change
    made through a link mailed to a subscription's address by a request signed in as
    nobody (core.history.WritePath.LINK), the words saying so."""
    who = changed_by(context)
    if not who and context.get("path") == WritePath.LINK:
        return _("whoever held the link (not signed in)")
    return who


def account_history(user_id) -> list[AccountEntry]:
    """Everything recorded of the account `user_id` (which may since have been deleted),
    oldest first, as the admin's history page lists its own log; what one transaction
    recorded (one moment) in the order it happened: the account, its roles, its tokens,
    its second factors, its alert subscriptions, its sessions. Six queries (seven when a
    subscription of the account was moved between accounts)."""
    found = (
        _account_entries(user_id)
        + _role_entries(user_id)
        + _token_entries(user_id)
        + _device_entries(user_id)
        + _subscription_entries(user_id)
    )
    found.sort(key=lambda item: (item[0].pgh_created_at, item[1], item[0].pgh_id))
    entries = []
    for event, _kind, what in found:
        context = _context(event)
        entries.append(
            AccountEntry(
                event.pgh_created_at, what, changed_by_in_words(context), changed_through(context)
            )
        )
    return entries


# An account's history as its downloads give it (CSV and JSON, through core.tabular): one
# row per entry, in the words of its page.
ACCOUNT_HISTORY_TABLE = tabular.Table(
    "account_history",
    (
        tabular.Column("at", "datetime", "When it was recorded (UTC)."),
        tabular.Column("what", "string", "What happened, in words."),
        tabular.Column("by", "string", "Who did it: a username, or the system account."),
        tabular.Column("path", "string", "Through which path: admin, command …, shell, ..."),
    ),
    "What the database recorded of a staff account, oldest first.",
)


def account_history_rows(entries: list[AccountEntry]):
    """`entries` (`account_history`'s) as ACCOUNT_HISTORY_TABLE's rows, in the same order."""
    for entry in entries:
        yield {"at": entry.at, "what": entry.what, "by": entry.who, "path": entry.through}
