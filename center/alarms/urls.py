from django.urls import path

from center.alarms import views

app_name = "alarms"
urlpatterns = [path("<int:alarm_id>/acknowledge/", views.acknowledge, name="acknowledge")]
