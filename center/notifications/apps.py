from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "center.notifications"
    label = "notifications"
