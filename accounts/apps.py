from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Staff accounts' own pages (the second factor, the sign-in lockout page), their
    history, and their end when turned off (accounts.offboarding)."""

    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.contrib.auth.models import Group
        from django.core import checks
        from django.db.models.signals import pre_delete, pre_save

        from accounts import offboarding  # noqa: F401 - connects its signal receivers
        from core import roles

        # Role groups are neither renamed nor deleted outside a migration (core.roles).
        pre_delete.connect(roles.guard_role_group_delete, sender=Group, dispatch_uid="role-groups")
        pre_save.connect(roles.guard_role_group_save, sender=Group, dispatch_uid="role-groups")
        from accounts.checks import shared_names_and_addresses

        checks.register(shared_names_and_addresses, checks.Tags.database)
