from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "center.ingest"
    label = "ingest"
