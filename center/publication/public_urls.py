from django.urls import path

from center.publication import (
    converters,  # noqa: F401 - registers <quarter:>
    views_public,
)

app_name = "public"
# The published quarters, for everyone: no sign-in (each view says so).
urlpatterns = [
    path("<slug:district>/", views_public.quarters, name="quarters"),
    path("<slug:district>/<quarter:slug>/", views_public.quarter, name="quarter"),
    path("<slug:district>/<quarter:slug>.pdf", views_public.quarter_pdf, name="pdf"),
]
