from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Staff accounts' own pages: the second factor (TOTP) and the sign-in lockout page."""

    name = "accounts"
    verbose_name = "Accounts"
