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

        # The history's trigger helpers, without a subtransaction per row (core.history).
        from django.db.models.signals import post_migrate

        from core.history import install_fast_trigger_helpers

        post_migrate.connect(install_fast_trigger_helpers, sender=self)

        # Every write bumps the data version that keys the cached pages (core.pagecache).
        from django.db.backends.signals import connection_created

        from core.pagecache import install

        connection_created.connect(install, dispatch_uid="core.pagecache.install")
