from django.apps import AppConfig


class FleetConfig(AppConfig):
    name = "center.fleet"
    label = "fleet"
