from django.apps import AppConfig


class PickupConfig(AppConfig):
    name = "center.pickup"
    label = "pickup"
