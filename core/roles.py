"""Who may do what: readers (anonymous), reporters, reviewers and admins.

Roles are Django groups, created by a migration (core 0004) with their permissions,
and found by their names: renaming or deleting one would take the role from every
member at once. The admin neither renames nor deletes them (accounts.admin.RoleGroupAdmin),
nor does a script or the shell: a save renaming one, or a delete (of one group or of a
queryset: Django sends pre_delete for each row a queryset deletes), raises
RoleGroupProtected (`guard_role_group_*`, connected by accounts.apps). Migrations use
their historical models, which the guard leaves alone; a script that must remove a role
group on purpose does it inside `changing_role_groups()`. Not guarded, as no signal is
sent: `QuerySet.update(name=…)` and SQL (psql), which the account history still records.
One person may hold several roles, but never reviews their own work: the four-eyes
rule is enforced where reports are verified (visits.review), whatever the path
(newsroom, API, admin, shell).
"""

from __future__ import annotations

import contextlib
import contextvars

REPORTERS = "reporters"
REVIEWERS = "reviewers"
ADMINS = "admins"
ROLES = {"reporter": REPORTERS, "reviewer": REVIEWERS, "admin": ADMINS}
ROLE_GROUPS = frozenset(ROLES.values())

# Set inside `changing_role_groups()`: the guard lets a role group be renamed or deleted.
_unlocked = contextvars.ContextVar("role_groups_unlocked", default=False)


class RoleGroupProtected(Exception):
    """A role group (REPORTERS, REVIEWERS, ADMINS) renamed or deleted outside a migration
    and outside `changing_role_groups()`: `name` is the group's name."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(
            f"“{name}” is a role group: renaming or deleting it would take the role from "
            "every member at once. Take the role from accounts instead, or do it on "
            "purpose inside core.roles.changing_role_groups()."
        )


@contextlib.contextmanager
def changing_role_groups():
    """Within it, a role group may be renamed or deleted (a repair script; the tests that
    simulate a missing role group)."""
    token = _unlocked.set(True)
    try:
        yield
    finally:
        _unlocked.reset(token)


def guard_role_group_delete(sender, instance, **kwargs) -> None:
    """pre_delete receiver of auth.Group: raises RoleGroupProtected for a role group."""
    if instance.name in ROLE_GROUPS and not _unlocked.get():
        raise RoleGroupProtected(instance.name)


def guard_role_group_save(sender, instance, raw=False, **kwargs) -> None:
    """pre_save receiver of auth.Group: raises RoleGroupProtected when a saved role group's
    name (as stored) would change. A new group, or one saved unchanged, passes; so does
    a fixture's raw save (loaddata)."""
    if raw or instance.pk is None or _unlocked.get():
        return
    stored = sender.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
    if stored in ROLE_GROUPS and instance.name != stored:
        raise RoleGroupProtected(stored)


def _in_group(user, name: str) -> bool:
    if not (user is not None and getattr(user, "is_authenticated", False) and user.is_active):
        return False
    cached = getattr(user, "_iccwatch_groups", None)
    if cached is None:
        cached = user._iccwatch_groups = set(user.groups.values_list("name", flat=True))
    return name in cached


def remember_groups(user, names) -> None:
    """Keep `names` (the user's group names, read along with the user) as what the role
    checks below ask, sparing them their query."""
    user._iccwatch_groups = set(names)


def is_admin(user) -> bool:
    """Admins (the group, or a superuser) may do what reporters and reviewers do, and manage accounts."""
    return bool(getattr(user, "is_superuser", False) and user.is_active) or _in_group(user, ADMINS)


def may_report(user) -> bool:
    """Reporters and admins may file reports (new visits and corrections)."""
    return is_admin(user) or _in_group(user, REPORTERS)


def may_review(user) -> bool:
    """Reviewers and admins may verify, reject or send back reports, never their own."""
    return is_admin(user) or _in_group(user, REVIEWERS)


def roles_of(user) -> list[str]:
    """The role names ('reporter', 'reviewer', 'admin') a user holds; a superuser is an admin."""
    roles = [role for role, group in ROLES.items() if _in_group(user, group)]
    if getattr(user, "is_superuser", False) and "admin" not in roles:
        roles.append("admin")
    return roles
