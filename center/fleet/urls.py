from django.urls import path

from center.commands import views as commands
from center.fleet import views

app_name = "fleet"
urlpatterns = [
    path("", views.fleet, name="list"),
    path("<slug:district>/<slug:terminal_id>/", views.terminal, name="terminal"),
    path("<slug:district>/<slug:terminal_id>/history.json", views.history, name="history"),
    path("<slug:district>/<slug:terminal_id>/events/", views.events, name="events"),
    path("<slug:district>/<slug:terminal_id>/announce/", commands.announce, name="announce"),
    path("<slug:district>/<slug:terminal_id>/open/", commands.open_compartment, name="open"),
    path("<slug:district>/<slug:terminal_id>/rebirth/", commands.rebirth, name="rebirth"),
    path("<slug:district>/<slug:terminal_id>/service/", commands.set_in_service,
         name="set_in_service"),
    path("<slug:district>/<slug:terminal_id>/hours/", commands.opening_hours, name="hours"),
]
