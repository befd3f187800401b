from django.urls import path

from center.fleet import views

app_name = "fleet"
urlpatterns = [
    path("", views.fleet, name="list"),
    path("<slug:district>/<slug:terminal_id>/", views.terminal, name="terminal"),
]
