from django.apps import AppConfig


class AlarmsConfig(AppConfig):
    name = "center.alarms"
    label = "alarms"
