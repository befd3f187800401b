"""Bulk commands: /commands/bulk/ (the list), .../new/<kind>/?<fleet filters> (arguments,
then confirmation), .../<id>/ (progress). A terminal's own commands live under its page's
address (center/fleet/urls.py)."""

from django.urls import path

from center.commands import bulk_views

app_name = "commands"
urlpatterns = [
    path("bulk/", bulk_views.bulk_list, name="bulk_list"),
    path("bulk/new/<slug:kind>/", bulk_views.bulk_new, name="bulk_new"),
    path("bulk/<int:pk>/", bulk_views.bulk_detail, name="bulk_detail"),
]
