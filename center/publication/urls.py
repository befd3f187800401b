from django.urls import path

from center.publication import (
    converters,  # noqa: F401 - registers <quarter:>
    views_manage,
)

app_name = "publication"
# Publishing a quarter (district administrators) and the provincial export (administrators
# and viewers), for people signed in.
urlpatterns = [
    path("", views_manage.home, name="home"),
    path("publish/", views_manage.publish_quarter, name="publish"),
    path("export/<quarter:slug>.csv", views_manage.export_csv, name="export_csv"),
    path("export/<quarter:slug>.json", views_manage.export_json, name="export_json"),
]
