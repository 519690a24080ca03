from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "visits"

    def ready(self):
        # Connect the receivers that record evaluation requests, and register the
        # tasks that the outbox enqueues by name (visits.outbox.EVALUATE_TASK).
        # The history and the causes of verdict changes give codes in words.
        from core import causes
        from visits import signals, tasks  # noqa: F401
        from visits.models import FindingKind, HostControl, ReviewState, VisitOutcome, VisitStatus

        for field, choices in (
            ("status", VisitStatus.choices),
            ("outcome", VisitOutcome.choices),
            ("host_control", HostControl.choices),
            ("review_state", ReviewState.choices),
            ("kind", FindingKind.choices),
        ):
            causes.register_value_labels(field, choices)
