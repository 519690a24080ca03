from django.apps import AppConfig


class StatesConfig(AppConfig):
    name = "states"

    def ready(self):
        # The history and the causes of verdict changes give these codes in words.
        from core import causes
        from states.models import DeclarationEffect, Instrument, TreatyEventKind

        causes.register_value_labels("kind", TreatyEventKind.choices)
        causes.register_value_labels("instrument", Instrument.choices)
        causes.register_value_labels("effect", DeclarationEffect.choices)
