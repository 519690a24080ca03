from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared by every data app: sources (citations), identifiers, dates, cache."""

    name = "core"
    verbose_name = "Sources"

    def ready(self):
        # The identifier converters (`<slug_id:...>`, `<iso3:...>`) before any URLconf is read.
        from django.urls import register_converter

        from core.identifiers import CONVERTERS

        for name, converter in CONVERTERS.items():
            register_converter(converter, name)
