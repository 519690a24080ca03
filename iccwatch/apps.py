from django.apps import AppConfig


class IccwatchConfig(AppConfig):
    name = "iccwatch"
    verbose_name = "iccwatch (shared)"
