from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "center.reports"
    label = "reports"
