from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "center.ratings"
    label = "ratings"
