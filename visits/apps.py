from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "visits"

    def ready(self):
        from visits import signals  # noqa: F401 - connects the receivers
