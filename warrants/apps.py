from django.apps import AppConfig


class WarrantsConfig(AppConfig):
    name = "warrants"

    def ready(self):
        # The history and the causes of verdict changes give these codes in words.
        from core import causes
        from warrants.models import PersonStatus, WarrantEndReason

        causes.register_value_labels("end_reason", WarrantEndReason.choices)
        causes.register_value_labels("status", PersonStatus.choices)
