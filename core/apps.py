from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared by every data app: sources (citations), identifiers, dates, cache."""

    name = "core"
    verbose_name = "Sources"
