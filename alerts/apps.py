from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("Alerts")

    def ready(self):
        # Connect to visits.review's signals and register the tasks by name.
        from alerts import receivers, tasks  # noqa: F401
