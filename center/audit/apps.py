from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "center.audit"
    label = "audit"
