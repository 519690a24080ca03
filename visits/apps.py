from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "visits"

    def ready(self):
        # Connect the receivers that record evaluation requests, and register the
        # tasks that the outbox enqueues by name (visits.outbox.EVALUATE_TASK).
        from visits import signals, tasks  # noqa: F401
