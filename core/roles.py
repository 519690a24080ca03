"""Who may do what: readers (anonymous), reporters, reviewers and admins.

Roles are Django groups, created by a migration (core 0004) with their permissions,
and found by their names: the admin neither renames nor deletes them
(accounts.admin.RoleGroupAdmin).
One person may hold several roles, but never reviews their own work: the four-eyes
rule is enforced where reports are verified (visits.review), whatever the path
(newsroom, API, admin, shell).
"""

from __future__ import annotations

REPORTERS = "reporters"
REVIEWERS = "reviewers"
ADMINS = "admins"
ROLES = {"reporter": REPORTERS, "reviewer": REVIEWERS, "admin": ADMINS}


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
