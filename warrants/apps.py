from django.apps import AppConfig


class WarrantsConfig(AppConfig):
    name = "warrants"
