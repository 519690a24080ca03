"""A system check (`manage.py check --database default`, and `migrate`): accounts that
already share a username in another case or an email address in any case, made before
the admin's forms and the commands refused them (accounts.forms). Warnings, not errors:
such accounts still work and can be saved in the admin, but a password link to their
address goes to each of them; rename one, or change its address, or turn it off."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core import checks
from django.db import DEFAULT_DB_ALIAS, DatabaseError
from django.db.models import Count
from django.db.models.functions import Lower, Trim

SHARED = "accounts.W001"


def _shared(accounts, key, value_name: str) -> list[checks.Warning]:
    """A warning per value of `key` (an expression over the accounts) held by more than
    one account, naming them by username, in the order of their ids."""
    User = get_user_model()
    name = User.USERNAME_FIELD
    shared = (
        accounts.annotate(shared_key=key)
        .values("shared_key")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("shared_key", flat=True)
    )
    warnings = []
    for value in sorted(shared):
        names = (
            accounts.annotate(shared_key=key)
            .filter(shared_key=value)
            .order_by("pk")
            .values_list(name, flat=True)
        )
        warnings.append(
            checks.Warning(
                f"Accounts {', '.join(f'“{n}”' for n in names)} share the {value_name} "
                f"“{value}” (in any case).",
                hint="Rename one, change its email address, or turn it off in the admin: "
                "a password link to an address goes to each of its accounts, and two "
                "names in two cases read as one account.",
                obj=User._meta.label,
                id=SHARED,
            )
        )
    return warnings


def shared_names_and_addresses(app_configs, databases=None, **kwargs) -> list[checks.Warning]:
    """Warnings `accounts.W001`, one per username (compared in any case) and per email
    address (in any case, surrounding spaces ignored, empty ones never) that more than
    one account holds. Reads the default database, when `databases` (the checks' own
    argument, None for it alone) includes it; nothing before its tables exist."""
    if databases is not None and DEFAULT_DB_ALIAS not in databases:
        return []
    User = get_user_model()
    accounts = User._default_manager.using(DEFAULT_DB_ALIAS)
    email = User.get_email_field_name()
    try:
        return _shared(accounts, Lower(User.USERNAME_FIELD), "username") + _shared(
            accounts.exclude(**{f"{email}__regex": r"^\s*$"}),
            Lower(Trim(email)),
            "email address",
        )
    except DatabaseError:
        return []
