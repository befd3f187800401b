from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "center.catalog"
    label = "catalog"
