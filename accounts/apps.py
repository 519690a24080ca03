from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Staff accounts' own pages (the second factor, the sign-in lockout page), their
    history, and their end when turned off (accounts.offboarding)."""

    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.core import checks

        from accounts import offboarding  # noqa: F401 - connects its signal receivers
        from accounts.checks import shared_names_and_addresses

        checks.register(shared_names_and_addresses, checks.Tags.database)
