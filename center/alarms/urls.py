from django.urls import path

from center.alarms import maintenance_views, views

app_name = "alarms"
urlpatterns = [
    path("", views.alarm_list, name="list"),
    path("<int:alarm_id>/", views.alarm_detail, name="detail"),
    path("<int:alarm_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:alarm_id>/comment/", views.comment, name="comment"),
    path("<int:alarm_id>/assign/", views.assign, name="assign"),
    path("maintenance/<slug:district>/<slug:terminal_id>/start/", maintenance_views.start,
         name="maintenance_start"),
    path("maintenance/<int:window_id>/end/", maintenance_views.end, name="maintenance_end"),
]
