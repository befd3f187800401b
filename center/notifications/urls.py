from django.urls import path

from center.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:delivery_id>/open/", views.open_notice, name="open"),
    path("read/", views.mark_all_read, name="read_all"),
]
