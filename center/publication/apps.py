from django.apps import AppConfig


class PublicationConfig(AppConfig):
    name = "center.publication"
    label = "publication"
